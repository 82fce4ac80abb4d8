"""The typer application shared by the command modules, and the console helpers they use."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console

app = typer.Typer(
    name="fundrules",
    help="Off-site supervision of social insurance funds: screen, classify, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


def fail_input(message: str) -> NoReturn:
    """Bad input: one clear message, exit code 2."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    sys.exit(2)


def mask_id(value: str) -> str:
    """Mask a personal id for what people read: keep the first 6 and last 2 characters."""
    s = str(value)
    if len(s) <= 8:
        return s[:2] + "*" * max(0, len(s) - 2)
    return s[:6] + "*" * (len(s) - 8) + s[-2:]
