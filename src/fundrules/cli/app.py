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

import json
import logging
import os
import sys
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from fundrules.errors import FundrulesWarning
from fundrules.outputs import mask_id, mask_ids_in_text

app = typer.Typer(
    rich_markup_mode=None,  # plain click help: flags without "<bool>", readable in pipes (D74)
    name="fundrules",
    help="Off-site supervision of social insurance funds: screen, classify, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

__all__ = ["app", "console", "err_console", "fail_input", "mask_id", "shown"]


def shown(value: object) -> str:
    """User-supplied text (a path, a cell, a message quoting either) made safe for the terminal:
    never read as rich markup, control characters (escape sequences) shown as ``\\x1b`` rather
    than sent raw, and personal ids masked (docs/decisions.md D44)."""
    text = mask_ids_in_text(value)
    if any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in text):
        text = "".join(
            f"\\x{ord(ch):02x}" if unicodedata.category(ch) == "Cc" and ch != "\n" else ch
            for ch in text
        )
    return escape(text)


@dataclass
class CliState:
    """The global options of this invocation."""

    debug: bool = False
    strict: bool = False


state = CliState()


class _StderrHandler(logging.Handler):
    """The ``fundrules`` logger's records on stderr, one line each."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = shown(self.format(record))
            colour = "red" if record.levelno >= logging.ERROR else "yellow"
            level = record.levelname.lower()
            err_console.print(f"[{colour}]{level}:[/] {text}", highlight=False, soft_wrap=True)
        except Exception:  # a log line must never stop a run
            self.handleError(record)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    if issubclass(category, FundrulesWarning):
        err_console.print(
            f"[yellow]warning:[/] {shown(str(message))}", highlight=False, soft_wrap=True
        )
    else:
        _python_show_warning(message, category, filename, lineno, file, line)


_python_show_warning = warnings.showwarning


def route_messages_to_stderr(debug: bool) -> None:
    """fundrules' warnings and log records go to stderr as one plain line each (stdout carries
    only the result); ``--debug`` adds the debug log."""
    warnings.showwarning = _show_warning
    warnings.simplefilter("default", FundrulesWarning)
    logger = logging.getLogger("fundrules")
    logger.handlers = [h for h in logger.handlers if not isinstance(h, _StderrHandler)]
    logger.addHandler(_StderrHandler())
    logger.setLevel(logging.DEBUG if debug else logging.WARNING)


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
    route_messages_to_stderr(debug)
    if strict:  # the registry (and any worker process) reads strict mode from here
        os.environ["FUNDRULES_STRICT_PLUGINS"] = "1"


def print_json(document: Any) -> None:
    """``--json``: the command's result as one JSON document on stdout (machine output: ids are
    kept, amounts are decimal text); everything else the command says goes to stderr (D74)."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def fail_input(message: str) -> NoReturn:
    """Bad input: one clear message (safe to print, ids masked), exit code 2."""
    err_console.print(f"[bold red]error:[/] {shown(message)}", highlight=False, soft_wrap=True)
    sys.exit(2)
