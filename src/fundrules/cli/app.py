"""The typer application shared by the command modules, and the console helpers they use.

Conventions every command keeps (decisions D70, D73):

- stdout carries the result only (a table, or with ``--json`` one JSON document); progress,
  warnings, plugin failures and errors go to stderr.
- exit code 0 when it ran, 2 for input the user must fix (:class:`fundrules.InputError`: the
  message, no traceback), 1 for an internal error ("internal error", the traceback with
  ``--debug``).
- global options come before the command: ``fundrules --debug --strict screen …``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
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


@dataclass
class CliState:
    """The global options of this invocation."""

    debug: bool = False
    strict: bool = False


state = CliState()


def _print_version(value: bool) -> None:
    if value:
        from fundrules import __version__

        print(f"fundrules {__version__}")
        raise typer.Exit()


@app.callback()
def global_options(
    version: bool = typer.Option(
        False,
        "--version",
        help="print the version and exit",
        callback=_print_version,
        is_eager=True,
    ),
    debug: bool = typer.Option(
        False, "--debug", help="internal errors with their traceback; debug log on stderr"
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="a plugin that fails to load or fails in a hook stops the run (exit 2)",
    ),
) -> None:
    """Off-site supervision of social insurance funds: screen, classify, report."""
    state.debug = debug
    state.strict = strict
    if strict:  # the registry (and any worker process) reads strict mode from here
        os.environ["FUNDRULES_STRICT_PLUGINS"] = "1"


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
