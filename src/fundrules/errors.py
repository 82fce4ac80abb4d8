"""What can go wrong, in one hierarchy: exceptions and warning categories.

Every exception fundrules raises on purpose derives from :class:`FundrulesError`, so a script can
catch them all with one clause. Those the *user* must fix (a file, a column, an option, a
parameter, a code, a plugin installation) derive from :class:`InputError`; the ``fundrules``
command answers them with their message and exit code 2. Anything else that escapes is a bug:
exit code 1, "internal error" (the traceback with ``--debug``).

Most subclasses also keep the built-in base they had before the hierarchy existed
(``ParameterError`` is still a ``ValueError``, ``UnknownIndicatorError`` a ``KeyError``), so
existing ``except`` clauses keep working.

Warnings go through :func:`warnings.warn` with a category from here, so that they can be filtered
(``warnings.simplefilter("error", fundrules.StaleParameterWarning)``, ``-W``, pytest's
``filterwarnings``) like any library's.

This module imports nothing from fundrules: every layer may import it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "FundrulesError",
    "FundrulesWarning",
    "InputError",
    "NeverFiredWarning",
    "PluginCompatibilityWarning",
    "PluginLoadWarning",
    "StaleParameterWarning",
    "UnknownIndicatorError",
    "suggest",
]


class FundrulesError(Exception):
    """Base of every exception fundrules raises on purpose."""


class InputError(FundrulesError):
    """Something the user must fix (file, column, row, option, parameter, code, plugin).

    The command line prints the message and exits with code 2.
    """


def suggest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The closest of ``choices`` to a mistyped ``word`` (difflib), best first."""
    pool = sorted(set(choices))
    found = difflib.get_close_matches(word, pool, n=n, cutoff=0.6)
    if found:  # only those about as close as the best: a far second guess is noise
        best = difflib.SequenceMatcher(None, word, found[0]).ratio()
        found = [c for c in found if difflib.SequenceMatcher(None, word, c).ratio() >= best - 0.1]
    if not found:  # a code typed without its prefix ("under_16" for "fund.benefit_under_16")
        found = [c for c in pool if word and word in c][:n]
    return found


class UnknownIndicatorError(InputError, KeyError):
    """Indicator code(s) that no installed plugin registers, with "did you mean" suggestions.

    ``codes`` are the unknown codes, ``suggestions`` maps each to its closest known codes.
    """

    def __init__(self, codes: Iterable[str], known: Iterable[str] = ()) -> None:
        self.codes = list(codes)
        known = list(known)
        self.suggestions = {c: suggest(c, known) for c in self.codes}
        parts = []
        for c in self.codes:
            near = self.suggestions[c]
            hint = f" (did you mean {' or '.join(repr(s) for s in near)}?)" if near else ""
            parts.append(f"{c!r}{hint}")
        noun = "indicator" if len(self.codes) == 1 else "indicators"
        self.message = f"unknown {noun} {', '.join(parts)}; `fundrules indicators` lists them"
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class FundrulesWarning(UserWarning):
    """Base of fundrules' warning categories."""


class StaleParameterWarning(FundrulesWarning):
    """A dated parameter whose newest value is older than its review horizon."""


class PluginLoadWarning(FundrulesWarning):
    """A plugin failed to load or failed in a hook; the others ran without it."""


class PluginCompatibilityWarning(FundrulesWarning):
    """A plugin declares a range of fundrules versions that excludes the installed one."""


class NeverFiredWarning(FundrulesWarning):
    """``check_indicator``: the rule never fired on any generated example."""
