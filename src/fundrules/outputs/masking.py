"""Masking personal ids in anything a person reads (terminal, reports, notices, error messages).

Machine outputs (suspicions files, packages) keep the ids; this is for text meant for people.
"""

from __future__ import annotations

import re

# an 18-character resident id (17 digits + digit or X), or an old 15-digit one, standing alone
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


def mask_id(value: object) -> str:
    """Mask a personal id: keep the first 6 and last 2 characters (short values keep 2)."""
    s = str(value)
    if len(s) <= 8:
        return s[:2] + "*" * max(0, len(s) - 2)
    return s[:6] + "*" * (len(s) - 8) + s[-2:]


def mask_ids_in_text(text: object) -> str:
    """``text`` with every resident id in it masked (for messages that quote a cell)."""
    return _RESIDENT_ID.sub(lambda m: mask_id(m.group(1)), str(text))
