"""The README's examples run, so they cannot drift from the code (issue #13).

- every ``python`` block runs, in order and in one namespace, in a folder holding a small
  synthetic city at ``data/2025-06``; a line ``EXPR  # columns: a, b, c`` checks that EXPR is a
  frame with those columns, and ``print(EXPR)  # text`` that it prints text;
- every ``yaml`` block that overrides parameters is used as a parameter file of a screen;
- every ``fundrules …`` command line of a ``sh`` block names a real command and real options.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
import yaml

import fundrules
from fundrules.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(README) if lang == language]


COLUMNS = re.compile(r"^(?P<indent>\s*)(?P<expr>[^#=]+?)\s+# columns: (?P<cols>[^(]*)")
PRINTS = re.compile(r"^(?P<indent>\s*)print\((?P<expr>.+)\)\s+# (?P<text>.+)$")


def checked_source(block: str) -> str:
    """The block with its ``# columns:`` and ``print(…)  # text`` comments turned into checks."""
    lines = []
    for line in block.splitlines():
        if m := COLUMNS.match(line):
            cols = [c.strip() for c in m["cols"].split(",") if c.strip()]
            line = f"{m['indent']}_columns({m['expr']}, {cols!r})"
        elif m := PRINTS.match(line):
            line = f"{m['indent']}_prints({m['expr']}, {m['text']!r})"
        lines.append(line)
    return "\n".join(lines)


def _columns(frame: Any, expected: list[str]) -> None:
    assert isinstance(frame, pd.DataFrame), type(frame)
    assert list(frame.columns) == expected, (
        f"README says {expected}, code has {list(frame.columns)}"
    )


def _prints(value: Any, text: str) -> None:
    assert str(value).startswith(text), f"README says {text!r}, code prints {str(value)!r}"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fundrules.synth import generate_city

    root = tmp_path_factory.mktemp("readme")
    generate_city(root / "data" / "2025-06", persons=300, seed=1, period="2025-06")
    return root


def test_the_readme_has_examples_to_run():
    assert len(blocks("python")) >= 2 and blocks("yaml") and blocks("sh")
    assert "# columns:" in README


def test_the_python_examples_run_as_written(city, monkeypatch):
    monkeypatch.chdir(city)
    namespace: dict[str, Any] = {"_columns": _columns, "_prints": _prints}
    for block in blocks("python"):
        exec(compile(checked_source(block), "README.md", "exec"), namespace)
    assert len(namespace["result"].suspicions) > 0  # a city with planted anomalies: it fired
    assert len(namespace["evidence"]) >= len(namespace["result"].suspicions)
    assert namespace["total"] > 0


def test_the_parameter_examples_are_accepted(city, tmp_path):
    ds = fundrules.load_dataset(city / "data" / "2025-06", period="2025-06")
    codes = set(fundrules.get_registry().indicators)
    used = 0
    for i, block in enumerate(blocks("yaml")):
        document = yaml.safe_load(block)
        if not isinstance(document, dict) or not set(document) <= codes:
            continue  # not a parameter file
        path = tmp_path / f"params-{i}.yaml"
        path.write_text(block, encoding="utf-8")
        result = fundrules.screen(ds, indicators=list(document), params=path)
        assert set(result.parameters) == set(document)
        used += 1
    assert used >= 1


def command_lines() -> list[str]:
    lines = []
    for block in blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("fundrules "):
                lines.append(line)
    return lines


def options_named(line: str) -> tuple[list[str], list[str]]:
    """(the command path, the long options) a README command line names."""
    tokens = shlex.split(line.replace("[", " ").replace("]", " ").replace("…", " "))[1:]
    path: list[str] = []
    options: list[str] = []
    for token in tokens:
        if token.startswith("--"):
            options.append(token.split("=")[0].split("|")[0])
        elif (not options and not path) or (path and not options and token.islower()):
            path.append(token)
    return path, options


@pytest.mark.parametrize("line", command_lines())
def test_the_command_lines_name_real_commands_and_options(line):
    command: Any = typer.main.get_command(app)
    path, options = options_named(line)
    known = {o for p in command.params for o in getattr(p, "opts", [])}  # global options
    walked = []
    for name in path:
        sub = getattr(command, "commands", {}).get(name)
        if sub is None:
            break
        command = sub
        walked.append(name)
        known |= {o for p in command.params for o in getattr(p, "opts", [])}
    assert walked or not path, f"{line}: no command {path[0]!r}"
    unknown = [o for o in options if o not in known]
    assert not unknown, f"{line}: {command.name} has no option {unknown}"
