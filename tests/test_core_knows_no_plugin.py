"""The core knows no plugin: no module under ``src/fundrules`` names a plugin's table or
indicator code, and the insurances are listed once, in the core schema's vocabulary (D13)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import fundrules
from fundrules.schema import INSURANCES

PACKAGE = Path(fundrules.__file__).parent

#: The one place the schema's insurances are declared.
DECLARATION = PACKAGE / "schema" / "core.py"

#: Parts of the package allowed to name plugins' things: none (the synth city and the toolkit
#: take theirs from the plugins' hooks, #10 item 1).
NOT_YET_FREE_OF_PLUGINS: tuple[str, ...] = ()

PLUGIN_TABLES = (
    "retirements",
    "providers",
    "medical_settlements",
    "medical_items",
    "item_catalog",
    "item_conflicts",
    "injury_cases",
    "unemployment_claims",
    "maternity_claims",
)
PLUGIN_TABLE = re.compile(r"\b(" + "|".join(PLUGIN_TABLES) + r")\b")
PLUGIN_CODE = re.compile(r"\b(" + "|".join(INSURANCES) + r")\.[a-z][a-z0-9_]*")


def core_modules() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] not in NOT_YET_FREE_OF_PLUGINS
    )


def plugin_names_in(text: str, where: str, *, declaration: bool = False) -> list[str]:
    """Each line of a module that names a plugin table or indicator code, and each string that
    is exactly an insurance (unless the module is the schema's declaration), as
    ``where:line: text``."""
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        if PLUGIN_TABLE.search(line) or PLUGIN_CODE.search(line):
            found.append(f"{where}:{n}: {line.strip()}")
    if not declaration:
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and node.value in INSURANCES:
                found.append(f"{where}:{node.lineno}: the insurance {node.value!r}")
    return found


def names_in_module(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return plugin_names_in(
        text, str(path.relative_to(PACKAGE.parent)), declaration=path == DECLARATION
    )


def test_the_scan_finds_tables_codes_and_insurances() -> None:
    text = (
        'A = "medical_settlements"\nB = "pension.paid_after_death"\nC = ("maternity",)\n'
        'D = "a fund.low_deposit_rate and benefits: pensions, medical care"\n'
    )
    found = plugin_names_in(text, "m.py")
    assert [f.split(":")[1] for f in found] == ["1", "2", "3"]
    assert plugin_names_in(text, "m.py", declaration=True)[2:] == []


def test_no_core_module_names_a_plugin_table_code_or_insurance() -> None:
    found = [hit for path in core_modules() for hit in names_in_module(path)]
    assert not found, "the core names plugins' things:\n" + "\n".join(found)


def test_the_exclusions_are_still_needed() -> None:
    """Each excluded folder still names plugins; once one does not, drop it from the list."""
    for folder in NOT_YET_FREE_OF_PLUGINS:
        hits = [h for p in sorted((PACKAGE / folder).rglob("*.py")) for h in names_in_module(p)]
        assert hits, f"src/fundrules/{folder} names no plugin any more: remove its exclusion"
