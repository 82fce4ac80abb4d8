"""Messages reach the user: a plugin that fails to import and fundrules' warnings are on stderr,
``--strict`` makes a plugin failure an input error (exit 2, the plugin named), and the library
logs under the ``fundrules`` logger and warns with its own categories."""

from __future__ import annotations

import logging
import os
import subprocess
import warnings
from pathlib import Path

import pytest
from commandline import bank_account_folder, fundrules_cli

import fundrules
from fundrules.plugins import build_registry, hookimpl


def install_broken_plugin(site: Path) -> None:
    """A real installed distribution (dist-info on the path) whose entry point fails to import."""
    dist = site / "fr_broken_plugin-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: fr-broken-plugin\nVersion: 0.1\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        "[fundrules]\nbrokenplug = fr_broken_plugin\n", encoding="utf-8"
    )
    (site / "fr_broken_plugin.py").write_text(
        "import a_module_that_is_not_installed  # noqa\n", encoding="utf-8"
    )


def cli(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command with ``site`` (where the broken plugin is installed) on the path."""
    return fundrules_cli(
        *args, env={"PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    )


def test_screen_says_on_stderr_that_a_plugin_failed_to_import(tmp_path):
    site = tmp_path / "site"
    install_broken_plugin(site)
    data = bank_account_folder(tmp_path / "data")
    out = tmp_path / "out"
    res = cli(
        site,
        "screen",
        str(data),
        "--period",
        "2025-06",
        "--out",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    assert "brokenplug" in res.stderr and "a_module_that_is_not_installed" in res.stderr
    assert "brokenplug" not in res.stdout  # stdout carries the result only
    assert (out / "run.json").is_file()


def test_strict_makes_a_broken_plugin_an_input_error_naming_it(tmp_path):
    site = tmp_path / "site"
    install_broken_plugin(site)
    data = bank_account_folder(tmp_path / "data")
    res = cli(
        site,
        "--strict",
        "screen",
        str(data),
        "--period",
        "2025-06",
        "--out",
        str(tmp_path / "out"),
    )
    assert res.returncode == 2, res.stderr
    assert "plugin 'brokenplug' failed in load" in res.stderr
    assert "internal error" not in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "out" / "suspicions.parquet").exists()
    debug = cli(site, "--strict", "--debug", "plugins")
    assert debug.returncode == 2 and "Traceback" in debug.stderr


def test_stale_parameter_warning_goes_to_stderr(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    data = bank_account_folder(tmp_path / "data")
    params = tmp_path / "params.yaml"
    # a value in force since long before the period, never reviewed: the staleness warning
    params.write_text("fund.business_ledger_mismatch:\n  tolerance:\n    2010-01-01: 0\n")
    (data / "ledger.csv").write_text(
        "entry_id,insurance,period,account_type,item,amount\n"
        "E1,pension,2025-06,income,contribution_income,100.00\n",
        encoding="utf-8",
    )
    res = cli(
        site,
        "screen",
        str(data),
        "--period",
        "2025-06",
        "--out",
        str(tmp_path / "out"),
        "--params",
        str(params),
    )
    assert res.returncode == 0, res.stderr
    assert "warning:" in res.stderr and "fund.business_ledger_mismatch.tolerance" in res.stderr
    assert "tolerance" not in res.stdout


def test_library_warns_with_categories_and_logs_under_fundrules(caplog):
    def broken() -> object:
        class Broken:
            @hookimpl
            def fundrules_register_indicators(self, register):
                raise RuntimeError("bug in a hook")

        return Broken()

    with pytest.warns(fundrules.PluginLoadWarning, match="plugin 'broken' failed"):
        build_registry(entry_points=False, extra_plugins=[("broken", broken())], strict=False)
    with caplog.at_level(logging.DEBUG, logger="fundrules"):
        build_registry(entry_points=False, strict=False)
    assert any(r.name.startswith("fundrules.") and "loaded" in r.message for r in caplog.records)
    assert any(isinstance(h, logging.NullHandler) for h in logging.getLogger("fundrules").handlers)
    with warnings.catch_warnings():
        warnings.simplefilter("error", fundrules.PluginLoadWarning)
        with pytest.raises(fundrules.PluginLoadWarning):
            build_registry(entry_points=False, extra_plugins=[("broken", broken())], strict=False)
