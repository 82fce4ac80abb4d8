"""Passphrases come from a prompt or from a file named by an option or an environment variable —
never from the command line itself (workflow.md, "Certificates")."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from .errors import PassphraseError

#: Environment variables naming passphrase files: the holder's key, and the CA's key.
PASSPHRASE_FILE_ENV = "FUNDRULES_PASSPHRASE_FILE"
CA_PASSPHRASE_FILE_ENV = "FUNDRULES_CA_PASSPHRASE_FILE"


def read_passphrase(
    file: str | Path | None,
    env: str,
    what: str,
    *,
    confirm: bool = False,
) -> bytes:
    """The passphrase for ``what``: from ``file`` if given, else from the file named by the
    environment variable ``env``, else from a prompt on the terminal (twice when ``confirm``).
    The file's first line is the passphrase (its line ending stripped)."""
    source = file or os.environ.get(env) or None
    if source:
        path = Path(source)
        try:
            text = path.read_bytes()
        except OSError as exc:
            raise PassphraseError(
                f"cannot read the passphrase file {path} for {what}: {exc.strerror}"
            ) from exc
        line = text.splitlines()[0] if text else b""
        if not line:
            raise PassphraseError(f"the passphrase file {path} for {what} is empty")
        return line
    if not sys.stdin.isatty():
        raise PassphraseError(
            f"no passphrase for {what}: give a passphrase file (option, or ${env}) "
            "or run on a terminal to be prompted"
        )
    first = getpass.getpass(f"Passphrase for {what}: ").encode()
    if not first:
        raise PassphraseError(f"empty passphrase for {what}")
    if confirm and getpass.getpass(f"Repeat the passphrase for {what}: ").encode() != first:
        raise PassphraseError(f"the two passphrases for {what} differ")
    return first
