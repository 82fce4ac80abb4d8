"""Progress of long commands (intake, screen, synth, classify), one helper for all of them.

On a terminal: a rich progress bar per stage. Not on a terminal (a pipe, a log file, CI): one
plain line per finished stage, ``<stage> … done in 1.2 s``. With ``quiet``: nothing. Progress goes
to standard error, so standard output stays the command's own (tables, ``--json``).

    with Stages(quiet=quiet) as stages:
        with stages.stage("Validating", total=len(tables)) as st:
            for t in tables:
                ...
                st.advance(detail=t)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class Stage:
    """One stage of a command: advance it, or set how far it is."""

    def __init__(self, stages: Stages, description: str, total: int | None) -> None:
        self._stages = stages
        self.description = description
        self.total = total
        self.completed = 0
        self._task: TaskID | None = None
        if stages._bar is not None:
            self._task = stages._bar.add_task(description, total=total)

    def update(
        self, completed: int | None = None, total: int | None = None, detail: str | None = None
    ) -> None:
        if completed is not None:
            self.completed = completed
        if total is not None:
            self.total = total
        if self._stages._bar is not None and self._task is not None:
            text = f"{self.description} {detail}" if detail else self.description
            self._stages._bar.update(
                self._task, completed=self.completed, total=self.total, description=text
            )

    def advance(self, steps: int = 1, detail: str | None = None) -> None:
        self.update(completed=self.completed + steps, detail=detail)


class Stages:
    """The stages of one command, shown as bars on a terminal, lines otherwise, or not at all."""

    def __init__(self, *, quiet: bool = False, console: Console | None = None) -> None:
        self.quiet = quiet
        self.console = console or Console(stderr=True)
        self._bar: Progress | None = None

    @property
    def interactive(self) -> bool:
        return not self.quiet and self.console.is_terminal

    def __enter__(self) -> Stages:
        if self.interactive:
            self._bar = Progress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=False,
            )
            self._bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    @contextmanager
    def stage(self, description: str, total: int | None = None) -> Iterator[Stage]:
        """A stage: a bar while it runs (terminal), or one line when it ends (not a terminal)."""
        st = Stage(self, description, total)
        t0 = time.perf_counter()
        yield st
        if st.total is not None:
            st.completed = st.total
        seconds = time.perf_counter() - t0
        if self._bar is not None and st._task is not None:
            done = st.total if st.total is not None else max(st.completed, 1)
            self._bar.update(st._task, completed=done, total=done, description=description)
        elif not self.quiet:
            count = f" ({st.completed}/{st.total})" if st.total else ""
            self.console.print(
                f"{description}{count} … done in {seconds:.1f} s",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )

    def note(self, message: str) -> None:
        """A line of its own (not a stage), unless quiet."""
        if not self.quiet:
            self.console.print(message, highlight=False, soft_wrap=True, markup=False)


__all__ = ["Stage", "Stages"]
