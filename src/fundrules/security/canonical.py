"""The one byte form of signed and hashed JSON: sorted keys, no spaces, UTF-8."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    """Bytes that two honest parties compute alike for the same JSON value."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")
