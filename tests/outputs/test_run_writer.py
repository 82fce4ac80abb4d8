"""The shared run writer: one run's files committed together, a marker written last, a lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from cli_run import fundrules

from fundrules.outputs import (
    MARKER,
    OutputError,
    OutputLocked,
    RunWriter,
    check_output_dir,
    read_marker,
    verify_run,
)


def _files(out):
    return {
        p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".") and p.exists()
    }


def test_commit_writes_marker_last_with_hashes_and_visible_paths(tmp_path):
    out = tmp_path / "out"
    with RunWriter(out) as w:
        w.write_text("run.json", '{"a": 1}')
        w.write_csv("s.csv", pd.DataFrame({"x": ["=1+1", "-12.50", "ok"]}))
        w.write_bytes("notices/0001.txt", b"notice")
        assert not (out / "run.json").exists()  # nothing visible before the commit
    marker = read_marker(out)
    assert set(marker["files"]) == {"run.json", "s.csv", "notices/0001.txt"}
    assert verify_run(out)["run.json"] == marker["files"]["run.json"]["sha256"]
    assert (out / "run.json").read_text() == '{"a": 1}'
    assert (out / "notices" / "0001.txt").read_bytes() == b"notice"
    assert (out / "s.csv").read_text().splitlines() == ["x", "'=1+1", "-12.50", "ok"]


def test_an_exception_inside_keeps_the_previous_complete_run(tmp_path):
    out = tmp_path / "out"
    with RunWriter(out) as w:
        w.write_text("a.txt", "old a")
        w.write_text("b.txt", "old b")
    with pytest.raises(RuntimeError), RunWriter(out) as w:
        w.write_text("a.txt", "new a")
        raise RuntimeError("boom")
    assert _files(out) == {
        "a.txt": b"old a",
        "b.txt": b"old b",
        MARKER: (out / MARKER).read_bytes(),
    }
    verify_run(out)
    assert len(list((out / ".fundrules" / "runs").iterdir())) == 1


def test_a_name_the_new_run_lacks_is_absent_not_left_over(tmp_path):
    out = tmp_path / "out"
    with RunWriter(out) as w:
        w.write_text("suspicions.csv", "old")
        w.write_text("classified.csv", "old classified")
    with RunWriter(out) as w:
        w.write_text("suspicions.csv", "new")
    assert not (out / "classified.csv").exists()
    assert (out / "suspicions.csv").read_text() == "new"
    assert set(verify_run(out)) == {"suspicions.csv"}


def test_carry_keeps_the_previous_files_not_rewritten(tmp_path):
    out = tmp_path / "out"
    with RunWriter(out) as w:
        w.write_text("suspicions.csv", "s")
        w.write_text("classified.csv", "c1")
    with RunWriter(out, carry=True) as w:
        w.write_text("classified.csv", "c2")
    assert (out / "suspicions.csv").read_text() == "s"
    assert (out / "classified.csv").read_text() == "c2"
    assert set(verify_run(out)) == {"suspicions.csv", "classified.csv"}


def test_a_second_writer_into_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    with RunWriter(out) as w:
        w.write_text("a.txt", "first")
        with pytest.raises(OutputLocked, match="in use by another run"):
            RunWriter(out).open()
    verify_run(out)


def test_a_second_process_gets_exit_2_while_the_first_holds_the_lock(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from fundrules.outputs import RunWriter
                with RunWriter({str(out)!r}) as w:
                    w.write_text("a.txt", "x")
                    print("locked", flush=True)
                    sys.stdin.readline()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        data = tmp_path / "data"
        data.mkdir()
        res = fundrules("screen", data, "--period", "2025-06", "--out", out)
        assert res.returncode == 2, res.stderr
        assert "in use by another run" in res.stderr
    finally:
        holder.communicate("go\n", timeout=60)
    assert verify_run(out) and (out / "a.txt").read_text() == "x"


def test_output_folder_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "out"
    f.write_text("x")
    with pytest.raises(OutputError, match="is not a folder"):
        check_output_dir(f)


def test_full_disk_leaves_the_previous_complete_run(tmp_path):
    """RLIMIT_FSIZE in a child process: its writes fail with EFBIG like a full disk."""
    out = tmp_path / "out"
    with RunWriter(out) as w:
        w.write_text("big.bin", "old")
    script = textwrap.dedent(
        f"""
        import resource
        from fundrules.outputs import OutputError, RunWriter
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, 1 << 16))
        try:
            with RunWriter({str(out)!r}) as w:
                w.write_bytes("big.bin", b"x" * (1 << 20))
        except OutputError as exc:
            print(exc)
        """
    )
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert "the folder keeps its previous complete run" in res.stdout, res.stderr
    assert (out / "big.bin").read_text() == "old"
    verify_run(out)


def test_names_outside_the_folder_are_refused(tmp_path):
    with RunWriter(tmp_path / "out") as w:
        for bad in ("../x", "/etc/x", ".fundrules/x", MARKER, ""):
            with pytest.raises(ValueError):
                w.path_for(bad)
        w.write_text("ok.txt", "ok")


def test_marker_lists_sizes(tmp_path):
    out = tmp_path / "out"
    with RunWriter(out) as w:
        w.write_bytes("a.bin", b"12345")
    assert json.loads((out / MARKER).read_text())["files"]["a.bin"]["bytes"] == 5
    assert os.path.islink(out / "a.bin")
