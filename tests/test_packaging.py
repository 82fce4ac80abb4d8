"""Packaging a user installs: one version source, Hypothesis only in the ``testing`` extra,
plugins bound to a range of core versions (and refused outside it), build folders ignored."""

from __future__ import annotations

import subprocess
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from commandline import fundrules_cli
from packaging.requirements import Requirement
from packaging.version import Version

import fundrules
from fundrules.plugins.registry import incompatibility

ROOT = Path(__file__).resolve().parents[1]
PLUGIN_PROJECTS = sorted(
    [*ROOT.glob("plugins/*/pyproject.toml"), *ROOT.glob("examples/*/pyproject.toml")]
)


def pyproject(path: Path = ROOT / "pyproject.toml") -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_the_version_is_written_once():
    project = pyproject()["project"]
    assert "version" not in project and "version" in project["dynamic"]
    attr = pyproject()["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "fundrules.__version__"
    assert metadata.version("fundrules") == fundrules.__version__
    assert fundrules_cli("--version").stdout.strip() == f"fundrules {fundrules.__version__}"


def test_hypothesis_is_only_in_the_testing_extra():
    project = pyproject()["project"]
    core = {Requirement(r).name for r in project["dependencies"]}
    assert "hypothesis" not in core
    assert {Requirement(r).name for r in project["optional-dependencies"]["testing"]} == {
        "hypothesis"
    }
    assert ".[test,testing,docs,bench]" in (ROOT / "dev").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", PLUGIN_PROJECTS, ids=lambda p: p.parent.name)
def test_every_plugin_declares_a_bounded_range_that_holds_this_core(path):
    deps = [Requirement(r) for r in pyproject(path)["project"]["dependencies"]]
    (core,) = [r for r in deps if r.name == "fundrules"]
    ops = {s.operator for s in core.specifier}
    assert ops & {">=", ">", "~=", "=="} and ops & {"<", "<=", "~=", "=="}, str(core)
    assert core.specifier.contains(Version(fundrules.__version__))


def test_a_plugin_made_for_another_core_is_refused_with_its_range(tmp_path):
    assert incompatibility(["pandas>=2", "fundrules>=0.1,<0.2"], "0.1.3") is None
    assert incompatibility(["fundrules"], "7.0") is None  # no range: nothing to hold against
    why = incompatibility(["fundrules>=9.0,<10"], "0.1.0")
    assert why and "fundrules<10,>=9.0" in why and "0.1.0" in why
    assert incompatibility(['fundrules>=9; extra == "x"'], "0.1.0") is None

    # a real installed distribution (dist-info on the path) declaring a range we are not in
    site = tmp_path / "site"
    dist = site / "fr_future_plugin-2.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: fr-future-plugin\nVersion: 2.0\n"
        "Requires-Dist: fundrules>=9.0,<10\n",
        encoding="utf-8",
    )
    (dist / "entry_points.txt").write_text("[fundrules]\nfuture = fr_future_plugin\n")
    (site / "fr_future_plugin.py").write_text("raise SystemExit('must not even be imported')\n")
    res = fundrules_cli("plugins", env={"PYTHONPATH": str(site)})
    assert res.returncode == 0, res.stderr
    assert "plugin 'future' failed in compatibility" in res.stderr
    assert "written for fundrules<10,>=9.0" in res.stderr
    strict = fundrules_cli("--strict", "plugins", env={"PYTHONPATH": str(site)})
    assert strict.returncode == 2 and "plugin 'future'" in strict.stderr


def test_plugin_build_folders_are_ignored():
    for folder in ("plugins/pension/build/lib/x.py", "examples/fundrules-example-plugin/build/x"):
        res = subprocess.run(
            ["git", "check-ignore", "-q", folder], cwd=ROOT, capture_output=True, timeout=30
        )
        assert res.returncode == 0, folder
