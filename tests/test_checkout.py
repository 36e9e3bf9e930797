"""A kit in a user's hands, on real processes: a moved, copied or read-only checkout, the
arguments as typed, JupyterLab's stop, and a missing, foreign or broken environment.

KIT_NO_VENV=1 makes kit.py use this test's Python, which is what a moved or copied checkout would
meet: a ``.venv`` whose own copy of the kit's package points at the original folder.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pandas as pd
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
from nbformat.v4 import new_code_cell

from helpers import settings
from tools import book, environment

ROOT = settings.REPO_ROOT

# ---- a moved, copied or read-only checkout -----------------------------------------------------

IGNORED = shutil.ignore_patterns(
    ".venv",
    "results",
    ".git",
    "__pycache__",
    ".ruff_cache",
    "*.egg-info",
    ".pytest_cache",
    ".ipynb_checkpoints",
)
WHERE_FROM = (
    "import helpers, helpers.settings\nprint(helpers.__file__)\nprint(helpers.settings.SHIPPED_SURVEY_FILE)"
)


def kit_with_one_lesson(folder: Path, lesson: str) -> Path:
    """A copy of the kit whose only lesson is ``lesson``, ending by printing where its code and
    data came from."""
    copy = folder / "kit"
    shutil.copytree(ROOT, copy, ignore=IGNORED)
    for other in (copy / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        if other.name != lesson:
            other.unlink()
    notebook = nbformat.read(copy / "notebooks" / lesson, as_version=4)
    notebook.cells.append(new_code_cell(WHERE_FROM))
    nbformat.write(notebook, copy / "notebooks" / lesson)
    return copy


@pytest.fixture
def copied_kit(tmp_path) -> Path:
    return kit_with_one_lesson(tmp_path / "copy", "00_the_study.ipynb")


def where_from(results: Path) -> list[str]:
    notebook = nbformat.read(next((results / "latest" / "notebooks").glob("*.ipynb")), as_version=4)
    return notebook.cells[-1].outputs[0]["text"].split()


def test_a_copied_then_moved_kit_runs_its_own_code_on_its_own_data(copied_kit, tmp_path):
    result = run_kit("replicate", root=copied_kit, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert where_from(copied_kit / "results") == [
        str(copied_kit / "helpers" / "__init__.py"),
        str(copied_kit / "data" / "sme_kerala_survey.csv"),
    ]
    moved = tmp_path / "moved" / "kit"
    moved.parent.mkdir()
    shutil.move(copied_kit, moved)
    result = run_kit("replicate", root=moved, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert where_from(moved / "results") == [
        str(moved / "helpers" / "__init__.py"),
        str(moved / "data" / "sme_kerala_survey.csv"),
    ]
    manifest = json.loads((moved / "results" / "latest" / "run.json").read_text())
    assert manifest["dataset"]["path"] == str(moved / "data" / "sme_kerala_survey.csv")


@pytest.fixture
def read_only_kit(copied_kit, tmp_path):
    """The copied kit, read-only: a read-only bind mount when root (root ignores permissions),
    else its folders without write permission."""
    if os.name != "posix":
        pytest.skip("folder permissions that stop writing are tried on POSIX systems")
    if os.name == "posix" and os.geteuid() == 0:
        mounted = tmp_path / "read-only" / "kit"
        mounted.mkdir(parents=True)
        bind = subprocess.run(["mount", "--bind", str(copied_kit), str(mounted)], capture_output=True)
        if bind.returncode != 0:
            pytest.skip(f"cannot bind-mount here: {bind.stderr.decode().strip()}")
        subprocess.run(["mount", "-o", "remount,bind,ro", str(mounted)], check=True)
        try:
            yield mounted
        finally:
            subprocess.run(["umount", "-l", str(mounted)], check=False)
        return
    folders = [copied_kit, *(path for path in copied_kit.rglob("*") if path.is_dir())]
    for folder in folders:
        folder.chmod(0o555)
    try:
        yield copied_kit
    finally:
        for folder in folders:
            folder.chmod(0o755)


def test_a_read_only_kit_says_so_in_one_line_and_runs_with_results_elsewhere(read_only_kit, tmp_path):
    refused = run_kit("replicate", root=read_only_kit, cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"kit.py: cannot write results to {read_only_kit / 'results'}: ")
    assert "--results DIR" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    elsewhere = tmp_path / "my-results"
    result = run_kit("replicate", "--results", str(elsewhere), root=read_only_kit, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert where_from(elsewhere)[0] == str(read_only_kit / "helpers" / "__init__.py")


# ---- arguments ---------------------------------------------------------------------------------


def test_data_is_found_from_the_callers_folder_with_tilde_expanded_and_never_empty(tmp_path):
    relative = run_kit("replicate", "--data", "course/none.csv", cwd=tmp_path)
    assert (
        relative.returncode == 2 and f"there is no file {tmp_path / 'course' / 'none.csv'}" in relative.stderr
    )
    home = run_kit("replicate", "--data", "~/none.csv", cwd=tmp_path, HOME=str(tmp_path / "home"))
    assert home.returncode == 2 and f"there is no file {tmp_path / 'home' / 'none.csv'}" in home.stderr
    empty = run_kit("replicate", "--data", "", cwd=tmp_path)
    assert empty.returncode == 2 and "--data is empty" in empty.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@POSIX_SIGNALS
def test_lab_passes_its_arguments_to_jupyterlab_and_stops_with_its_kernels(tmp_path):
    port = free_port()
    options = ["--no-browser", f"--port={port}", "--ServerApp.token=", "--ServerApp.disable_check_xsrf=True"]
    if os.name == "posix" and os.geteuid() == 0:
        options.append("--allow-root")
    lab = subprocess.Popen(
        kit_command("lab", "--results", str(tmp_path / "results"), *options),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=kit_environment(JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime")),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        try:
            with urllib.request.urlopen(f"{base}/api/status", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        wait_for(answering, 90, "JupyterLab to answer on the port given")
        request = urllib.request.Request(f"{base}/api/kernels", data=b"{}", method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass
        wait_for(
            lambda: any("ipykernel" in " ".join(p.cmdline()) for p in descendants(lab.pid)), 30, "a kernel"
        )
        tree = descendants(lab.pid)
        started = time.monotonic()
        lab.send_signal(signal.SIGTERM)
        lab.wait(timeout=30)
        assert time.monotonic() - started < STOP_SECONDS
        assert still_running(tree) == []
        assert not answering()
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, signal.SIGKILL)


# ---- the environment ---------------------------------------------------------------------------


def test_an_old_python_is_told_which_versions_the_kit_needs():
    with pytest.raises(
        environment.EnvironmentProblem, match=r"needs Python 3\.11\.5 or newer \(tested with 3\.11"
    ):
        environment.check_python((3, 10, 13))
    environment.check_python((3, 11, 5))
    environment.check_python((3, 13, 0))


def other_pythons(*versions: str) -> list[str]:
    """Interpreters of other versions on this machine (on PATH, or pyenv's)."""
    found = []
    for version in versions:
        candidates = [
            shutil.which(f"python{version}"),
            *Path.home().glob(f".pyenv/versions/{version}.*/bin/python"),
        ]
        for candidate in filter(None, candidates):
            probe = subprocess.run(
                [str(candidate), "-c", "import sys; print(sys.version_info[:2])"], capture_output=True
            )
            if probe.returncode == 0 and probe.stdout.decode().strip() == str(
                tuple(map(int, version.split(".")))
            ):
                found.append(str(candidate))
                break
    return found


def test_python_3_10_gets_one_message_before_anything_is_installed(tmp_path):
    pythons = other_pythons("3.10")
    if not pythons:
        pytest.skip("no Python 3.10 on this machine")
    result = subprocess.run(
        kit_command("replicate", python=pythons[0]), capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 1
    assert (
        "this kit needs Python 3.11.5 or newer (tested with 3.11, 3.12, 3.13); this is Python 3.10"
        in result.stderr
    )
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.fixture
def kit_without_venv(tmp_path) -> Path:
    """The files kit.py needs to set up .venv, in a folder of their own."""
    copy = tmp_path / "kit"
    copy.mkdir()
    for name in ("kit.py", "pyproject.toml", "requirements.lock", "requirements-dev.lock"):
        shutil.copy(ROOT / name, copy / name)
    shutil.copytree(ROOT / "tools", copy / "tools", ignore=IGNORED)
    return copy


def foreign_venv(copy: Path, kind: str) -> str:
    """Make ``copy``/.venv the way a user's machine may have it; returns what kit.py should say."""
    if kind == "made by another Python":
        pythons = (
            other_pythons("3.12", "3.13", "3.10")
            if sys.version_info[:2] == (3, 11)
            else other_pythons("3.11")
        )
        if not pythons:
            pytest.skip("no other Python version on this machine")
        subprocess.run([pythons[0], "-m", "venv", "--without-pip", str(copy / ".venv")], check=True)
        return "it was made by Python"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--symlinks", str(copy / ".venv")], check=True
    )
    python = environment.venv_python(copy / ".venv")
    python.unlink()
    python.symlink_to(copy / "a-python-that-was-uninstalled")
    return "its interpreter is gone"


@pytest.mark.parametrize("kind", ["made by another Python", "whose interpreter is gone"])
@POSIX_SIGNALS
def test_a_foreign_or_broken_venv_is_rebuilt_with_a_one_line_notice(kit_without_venv, kind):
    said = foreign_venv(kit_without_venv, kind)
    process = subprocess.Popen(
        kit_command("book", root=kit_without_venv),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={key: value for key, value in os.environ.items() if key != "KIT_NO_VENV"},
        start_new_session=True,
    )
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith(f"Rebuilding .venv: {said}"), first_line
        tree = descendants(process.pid)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)  # no need to download the packages: stop the set-up
        rest, _ = process.communicate(timeout=30)
        assert time.monotonic() - started < STOP_SECONDS
        assert still_running(tree) == []
        assert process.returncode == 130 and "Stopped while setting up .venv" in rest
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def test_a_failed_install_shows_pips_last_lines_and_what_to_do():
    failing = [
        sys.executable,
        "-c",
        "import sys; print('Collecting numpy'); sys.exit('ERROR: No matching distribution')",
    ]
    with pytest.raises(environment.EnvironmentProblem) as raised:
        environment.run_step(failing, "installing requirements.lock")
    message = str(raised.value)
    assert message.startswith("installing requirements.lock failed:\n    ERROR: No matching distribution")
    assert "pypi.org" in message and "run the same command again" in message


def test_kit_no_venv_names_the_missing_packages(tmp_path):
    # -S: no site-packages, a bare Python as far as the kit's packages go
    result = subprocess.run(
        [sys.executable, "-S", str(ROOT / "kit.py"), "replicate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=kit_environment(),
    )
    assert result.returncode == 1
    assert "KIT_NO_VENV=1, but this Python" in result.stderr and "lacks numpy, pandas" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_moved_kit_is_noticed_by_the_venv_stamp(tmp_path, monkeypatch):
    stamp = tmp_path / "kit-installed.sha256"
    monkeypatch.setattr(environment, "stamp_path", lambda: stamp)
    stamp.write_text(f"{environment.requirements_fingerprint()} requirements.lock {environment.ROOT}\n")
    assert environment.installed_lock() == "requirements.lock"
    stamp.write_text(f"{environment.requirements_fingerprint()} requirements.lock /somewhere/else/kit\n")
    assert environment.installed_lock() is None


def test_the_book_refuses_a_run_it_does_not_know(tmp_path):
    with pytest.raises(book.RunRefused, match="there is no run class-0123 in"):
        book.choose_edition(tmp_path, "class-0123")


def test_listwise_deletion_leaves_out_the_firms_with_blank_answers_and_says_so(tmp_path, class_survey):
    kit = kit_with_one_lesson(tmp_path, "01_questionnaire_and_data.ipynb")
    table = pd.read_csv(class_survey, dtype=str, keep_default_na=False)
    table.loc[[3, 10], "mr_2"] = ""
    table.loc[10, "firm_size"] = " "
    blanks = tmp_path / "class with blanks.csv"
    table.to_csv(blanks, index=False)
    refused = run_kit("replicate", "--data", str(blanks), "--results", str(tmp_path / "r"), root=kit)
    assert refused.returncode == 1 and 'missing_answers = "listwise"' in refused.stdout
    assert "--missing-answers listwise" in refused.stdout
    result = run_kit(
        "replicate",
        "--data",
        str(blanks),
        "--missing-answers",
        "listwise",
        "--results",
        str(tmp_path / "r"),
        root=kit,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    manifest = json.loads((tmp_path / "r" / "latest" / "run.json").read_text())
    assert manifest["dataset"]["missing_answers"] == "listwise"
    assert manifest["dataset"]["n_firms"] == len(table) - 2
    assert [(firm["row"], firm["blank_columns"]) for firm in manifest["dataset"]["firms_left_out"]] == [
        (4, ["mr_2"]),
        (11, ["firm_size", "mr_2"]),
    ]
    assert manifest["kit"]["command"][-4:-2] == ["--missing-answers", "listwise"]
    lesson = (tmp_path / "r" / "latest" / "notebooks" / "01_questionnaire_and_data.ipynb").read_text()
    assert "missing_answers = 'listwise'" in lesson  # the injected parameter
    assert "2 firm(s) with blank answers were left out" in lesson and "data rows 4, 11" in lesson
