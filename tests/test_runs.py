"""A run is a unit, tried on real ``kit.py replicate`` processes: stopped by a signal, refused
while another writes the same run, cut short by a full disk; and the pieces underneath
(tools.runs, helpers.files) one by one. tests/test_checkout.py has the checkout and environment.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from kit_processes import (
    POSIX_SIGNALS,
    STOP_SECONDS,
    descendants,
    kit_command,
    kit_environment,
    run_kit,
    still_running,
    wait_for,
)

from helpers import files, settings
from helpers.survey import load_survey, source_of
from tools import runs

ROOT = settings.REPO_ROOT


def snapshot(results: Path) -> dict[str, bytes]:
    """Every file of the good runs and of latest/ (lock files aside), with its bytes."""
    return {
        str(path.relative_to(results)): path.read_bytes()
        for folder in (results / runs.RUNS, results / runs.LATEST)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.endswith(".lock")
    }


def shipped_run_name() -> str:
    source = source_of(load_survey())
    return runs.run_name(source.path, source.sha256)


@pytest.fixture
def earlier_run(tmp_path) -> Path:
    """A results folder holding one good run of the shipped data, made the way replicate makes one
    (the lessons' stored outputs stand in for executed ones)."""
    results = tmp_path / "results"
    source = source_of(load_survey())
    dataset = {"path": str(source.path), "sha256": source.sha256, "n_firms": source.n_firms, "shipped": True}
    run = runs.Run(results, shipped_run_name(), dataset, ["kit.py", "replicate"])
    lessons = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for lesson in lessons:
        files.write_bytes(run.building / "notebooks" / lesson.name, lesson.read_bytes())
    files.write_text(run.building / "tables" / "table1.csv", "a,b\n1,2\n")
    run.finish([{"notebook": p.name, "status": "ok", "seconds": 1.0, "error": None} for p in lessons])
    run.close()
    return results


def start_replicate(results: Path, *options: str, cwd: Path = ROOT) -> subprocess.Popen:
    """``kit.py replicate`` in a session of its own (as a terminal's foreground job), returned once
    its lessons are running in Jupyter kernels."""
    process = subprocess.Popen(
        kit_command("replicate", "--results", str(results), "--workers", "2", *options),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd,
        env=kit_environment(),
        start_new_session=True,
    )

    def kernels_running() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"replicate ended early:\n{process.stdout.read()}")
        return any("ipykernel" in " ".join(child.cmdline()) for child in descendants(process.pid))

    wait_for(kernels_running, 60, "the lessons' kernels to start")
    return process


@POSIX_SIGNALS
@pytest.mark.parametrize("how", ["Ctrl-C in the terminal", "SIGTERM to kit.py"])
def test_stopping_a_run_ends_every_process_within_seconds_and_changes_no_earlier_result(
    earlier_run, class_survey, how
):
    results = earlier_run
    before = snapshot(results)
    # Ctrl-C: a class survey's first run; SIGTERM: the shipped data again, the run that would
    # replace the earlier one if it finished
    options = ("--data", str(class_survey)) if how.startswith("Ctrl-C") else ()
    process = start_replicate(results, *options)
    if not options:  # meanwhile, a second command on the same run is refused
        second = run_kit("replicate", "--results", str(results))
        assert second.returncode == 1
        assert (
            "another kit.py command is writing the run" in second.stdout and "--results DIR" in second.stdout
        )
    tree = descendants(process.pid)
    assert len(tree) >= 3  # two workers and their kernels
    started = time.monotonic()
    if options:
        os.killpg(process.pid, signal.SIGINT)  # what the terminal does on Ctrl-C: the whole job
    else:
        process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert time.monotonic() - started < STOP_SECONDS
    assert still_running(tree) == []
    assert process.returncode == (130 if options else 143)
    assert output.count("Stopped (") == 1 and "Traceback" not in output, output
    assert snapshot(results) == before  # the earlier run and latest/ are as they were
    assert not list((results / "runs").glob(".*building*"))
    [set_aside] = (results / "failed").iterdir()
    assert json.loads((set_aside / "run.json").read_text())["status"] == "interrupted"
    if not options:
        return
    # the book: the interrupted run is refused by name; by default the earlier good run is shown
    refused = run_kit("book", "--results", str(results), "--run", set_aside.name.rsplit("-", 3)[0])
    assert refused.returncode == 1 and "did not finish well" in refused.stdout
    built = run_kit("book", "--results", str(results))
    assert built.returncode == 0, built.stdout + built.stderr
    assert f"Outputs: run {shipped_run_name()}" in (results / "book" / "index.html").read_text(
        encoding="utf-8"
    )


@pytest.fixture
def small_disk(tmp_path):
    """A 6 MB file system of its own (tmpfs; needs root), unmounted afterwards."""
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip(
            "mounting a small tmpfs needs root on Linux; test_an_injected_write_error covers the rest"
        )
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_full_disk_ends_in_one_line_and_leaves_earlier_runs_intact(small_disk, earlier_run):
    results = small_disk / "results"
    shutil.copytree(earlier_run, results)
    before = snapshot(results)
    free = shutil.disk_usage(small_disk).free
    (small_disk / "filler").write_bytes(b"\0" * (free - 60_000))  # room for a table, not a figure
    result = run_kit("replicate", "--results", str(results), "--workers", "1")
    printed = result.stdout + result.stderr
    assert result.returncode == 1
    assert "No space left on device" in printed and "Traceback" not in printed, printed[-3000:]
    assert snapshot(results) == before
    assert not list((results / "runs").glob(".*building*"))
    for notebook in (results / "runs").rglob("*.ipynb"):  # every notebook there is whole
        nbformat.read(notebook, as_version=4)


def test_an_injected_write_error_leaves_the_earlier_file_and_no_partial_one(tmp_path, monkeypatch):
    target = tmp_path / "tables" / "table2.csv"
    files.write_text(target, "the earlier table\n")

    def disk_full(source, destination):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "replace", disk_full)
    with pytest.raises(files.WriteError) as raised:
        files.write_text(target, "the new table\n")
    assert str(raised.value) == f"could not write {target}: {os.strerror(errno.ENOSPC)}"
    assert target.read_text() == "the earlier table\n"
    assert [path.name for path in target.parent.iterdir()] == ["table2.csv"]


def test_a_write_error_inside_a_block_keeps_the_earlier_file(tmp_path):
    target = tmp_path / "figure.png"
    files.write_bytes(target, b"earlier")
    with pytest.raises(RuntimeError), files.atomic_path(target) as temporary:
        temporary.write_bytes(b"half")
        raise RuntimeError("killed mid-write")
    assert target.read_bytes() == b"earlier" and len(list(tmp_path.iterdir())) == 1


def test_results_get_the_usual_file_permissions(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    files.write_text(tmp_path / "table.csv", "x\n")
    assert (tmp_path / "table.csv").stat().st_mode & 0o777 == 0o666 & ~files.UMASK


def test_two_runs_on_different_data_build_apart_and_both_land_whole(tmp_path):
    results = tmp_path / "results"
    first = runs.Run(results, "class_a-000000000001", {"shipped": False}, ["kit.py"])
    second = runs.Run(results, "class_b-000000000002", {"shipped": False}, ["kit.py"])
    assert first.building != second.building
    files.write_text(first.building / "tables" / "t.csv", "a\n")
    files.write_text(second.building / "tables" / "t.csv", "b\n")
    assert first.finish([]) == results / "runs" / "class_a-000000000001"
    assert second.finish([]) == results / "runs" / "class_b-000000000002"
    first.close(), second.close()
    assert (results / "runs" / "class_a-000000000001" / "tables" / "t.csv").read_text() == "a\n"
    assert (results / "runs" / "class_b-000000000002" / "tables" / "t.csv").read_text() == "b\n"
    assert (results / "latest" / "tables" / "t.csv").read_text() == "b\n"  # the last to finish
    assert {path.name for path in runs.good_runs(results)} == {"class_a-000000000001", "class_b-000000000002"}


def test_a_run_on_the_same_data_is_refused_while_the_lock_is_held(tmp_path):
    results = tmp_path / "results"
    first = runs.Run(results, "class-000000000001", {"shipped": False}, ["kit.py"])
    with pytest.raises(runs.RunBusy, match="another kit.py command is writing the run class-000000000001"):
        runs.Run(results, "class-000000000001", {"shipped": False}, ["kit.py"])
    first.close()
    runs.Run(results, "class-000000000001", {"shipped": False}, ["kit.py"]).close()  # free again


def test_run_names_are_the_file_stem_and_twelve_hex_digits_of_its_hash():
    assert runs.run_name(Path("/x/My class (2026).csv"), "ab" * 32) == "My_class_2026_-abababababab"
