"""The ``fundrules`` command. One module per command group; each adds its commands to ``app``.

Exit codes: 0 when it ran, 2 on bad input (with the message), 1 on an internal error.
"""

from __future__ import annotations

import sys
import traceback

from fundrules.errors import InputError
from fundrules.outputs import mask_ids_in_text

from . import (  # noqa: F401  (command modules register themselves)
    cases,
    catalog,
    classifying,
    demo,
    intake,
    packages,
    reporting,
    screening,
    synth,
)
from .app import app, err_console, shown, state


def main() -> None:
    """Run the command line: InputError → its message and exit 2; any other exception → exit 1
    as an internal error (its traceback with ``--debug``)."""
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except InputError as exc:
        err_console.print(f"[bold red]error:[/] {shown(str(exc))}", highlight=False, soft_wrap=True)
        if state.debug:
            traceback.print_exc(file=sys.stderr)
        sys.exit(2)
    except Exception as exc:  # anything else is a bug of ours (or of a plugin)
        if state.debug:
            traceback.print_exc(file=sys.stderr)
        text = mask_ids_in_text(f"{type(exc).__name__}: {exc}")
        print(f"fundrules: internal error: {text}", file=sys.stderr)
        if not state.debug:
            print("(run with `fundrules --debug …` for the traceback)", file=sys.stderr)
        sys.exit(1)


__all__ = ["app", "main"]
