"""The ``fundrules`` command. One module per command group; each adds its commands to ``app``.

Exit codes: 0 when it ran, 2 on bad input (with the message), 1 on an internal error.
"""

from __future__ import annotations

import sys

from . import (  # noqa: F401  (command modules register themselves)
    catalog,
    classifying,
    demo,
    screening,
    synth,
)
from .app import app


def main() -> None:
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - last resort: internal error, exit 1
        print(f"fundrules: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)


__all__ = ["app", "main"]
