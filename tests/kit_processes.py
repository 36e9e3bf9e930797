"""Running real kit.py commands in tests, and watching the processes they start."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from helpers import settings

ROOT = settings.REPO_ROOT
STOP_SECONDS = 5  # the limit for every process of a command to be gone
# Windows delivers no SIGINT/SIGTERM to a chosen process (send_signal(SIGTERM) is TerminateProcess,
# which no handler sees), so clean stops are tried on POSIX systems only.
POSIX_SIGNALS = pytest.mark.skipif(os.name != "posix", reason="signals to a process tree are POSIX")


def kit_command(*arguments: str, root: Path = ROOT, python: str = sys.executable) -> list[str]:
    return [python, str(root / "kit.py"), *arguments]


def kit_environment(**extra: str) -> dict[str, str]:
    """This test's environment for kit.py, without the tests' own results folder (conftest.py)."""
    inherited = {key: value for key, value in os.environ.items() if key != "KIT_RESULTS_DIR"}
    return {**inherited, "KIT_NO_VENV": "1", **extra}


def run_kit(
    *arguments: str, root: Path = ROOT, cwd: Path = ROOT, **extra: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        kit_command(*arguments, root=root),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=kit_environment(**extra),
    )


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def still_running(processes: list[psutil.Process]) -> list[str]:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{process.pid} {' '.join(process.cmdline()[:3])}")
        except psutil.NoSuchProcess:
            pass
    return alive


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}")
