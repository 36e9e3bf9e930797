"""The kit's own Python environment, ``.venv``: checked, made, repaired and filled from a lock.

Only the standard library is used here: ``kit.py`` imports this module before ``.venv`` exists.

* ``check_python``: the kit needs CPython 3.11.5 or later (tested with 3.11, 3.12 and 3.13); an
  older Python gets one message naming the supported versions, before anything is installed.
* ``ensure_environment``: makes ``.venv`` (again, with a one-line notice, when it was made by
  another Python, its interpreter is gone, or the kit's folder moved) and installs a lock into it
  (``pip install --no-deps --require-hashes``); a failed install prints pip's last lines and what
  to try, and leaves no stamp, so the next command tries again.
* ``missing_packages``: for ``KIT_NO_VENV=1``, which of the packages a command needs are absent.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
# Every package at an exact version, with the hashes of its files (made by tools/lock.py)
RUNTIME_LOCK = ROOT / "requirements.lock"  # what the lessons need
DEV_LOCK = ROOT / "requirements-dev.lock"  # the same versions, plus the test and lint tools
STAMP_NAME = "kit-installed.sha256"  # in .venv: the files' fingerprint, the lock installed, the kit's folder
OLDEST, TESTED = (3, 11, 5), ("3.11", "3.12", "3.13")
# The modules each lock provides that kit.py's commands import (for KIT_NO_VENV=1).
NEEDED = {
    RUNTIME_LOCK.name: ("numpy", "pandas", "scipy", "semopy", "statsmodels", "pingouin", "matplotlib",
                        "seaborn", "jupyterlab", "ipykernel", "nbclient", "nbconvert", "filelock", "psutil"),
    DEV_LOCK.name: ("pytest", "nbval", "xdist", "ruff"),
}  # fmt: skip


class Stopped(BaseException):
    """SIGTERM during set-up (``stop_setup_on_signals``), raised like Ctrl-C's KeyboardInterrupt."""


def stop_setup_on_signals() -> None:
    """While .venv is made or filled, SIGTERM stops the set-up step as Ctrl-C does (an exception
    that ends the running step): no pip process outlives the command."""
    import signal

    def stop(number, frame) -> None:
        raise Stopped("SIGTERM")

    signal.signal(signal.SIGTERM, stop)


class EnvironmentProblem(RuntimeError):
    """The kit's environment cannot be made ready; the message says why and what to do."""


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> None:
    """Refuse a Python older than 3.11.5 with a message that names the versions the kit runs on."""
    if version < OLDEST:
        found = ".".join(map(str, version))
        raise EnvironmentProblem(
            f"this kit needs Python 3.11.5 or newer (tested with {', '.join(TESTED)}); this is Python "
            f"{found} ({sys.executable}). Install a newer Python and run the same command with it, "
            "e.g. python3.11 kit.py replicate."
        )


def venv_python(venv: Path = VENV) -> Path:
    """.venv's Python: Scripts\\python.exe on Windows, bin/python elsewhere."""
    scripts = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return venv / scripts / f"python{suffix}"


def stamp_path() -> Path:
    return VENV / STAMP_NAME


def requirements_fingerprint() -> str:
    """SHA-256 of both locks and pyproject.toml: when any of them changes, .venv is installed again."""
    digest = hashlib.sha256()
    for path in (RUNTIME_LOCK, DEV_LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_stamp() -> tuple[str, str, str] | None:
    """.venv's stamp: the files' fingerprint, the lock installed and the kit's folder, at install time."""
    try:
        fingerprint, lock_name, *folder = stamp_path().read_text(encoding="utf-8").strip().split(" ", 2)
    except (OSError, ValueError):
        return None
    return fingerprint, lock_name, folder[0] if folder else str(ROOT)


def installed_lock() -> str | None:
    """The name of the lock .venv holds, per its stamp; None if none, if the files changed since,
    or if the stamp was written in another folder (the kit was moved or copied)."""
    stamp = read_stamp()
    if stamp is None:
        return None
    fingerprint, lock_name, folder = stamp
    return lock_name if fingerprint == requirements_fingerprint() and folder == str(ROOT) else None


def venv_problem() -> str | None:
    """Why .venv must be made again (another Python made it, or its interpreter is gone), or None."""
    python = venv_python()
    if not python.exists():
        return "no .venv yet" if not VENV.exists() else "its interpreter is gone"
    probe = subprocess.run(
        [str(python), "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        return "its interpreter no longer runs"
    made_by = tuple(int(part) for part in probe.stdout.split())
    if made_by != tuple(sys.version_info[:2]):
        this = ".".join(map(str, sys.version_info[:2]))
        return f"it was made by Python {'.'.join(map(str, made_by))}, this is Python {this}"
    return None


def ensure_environment(lock: Path = DEV_LOCK) -> None:
    """Make .venv ready for a command: (re)create it when needed, then install ``lock`` unless it
    holds that lock or the dev lock (a superset)."""
    problem = venv_problem()
    if problem is not None:
        if VENV.exists():
            print(f"Rebuilding .venv: {problem}.", flush=True)
            shutil.rmtree(VENV)
        else:
            print("Creating the virtual environment .venv ...", flush=True)
        run_step([sys.executable, "-m", "venv", str(VENV)], "creating .venv")
    if installed_lock() in (lock.name, DEV_LOCK.name):
        return
    stamp = read_stamp()
    if stamp is not None and stamp[2] != str(ROOT):
        # a moved or copied kit: its own package (helpers/) must be the one .venv imports
        print(f"The kit's folder changed (was {stamp[2]}): checking .venv's packages ...", flush=True)
    else:
        print(f"Installing the packages of {lock.name} into .venv (a few minutes, once) ...", flush=True)
    stamp_path().unlink(missing_ok=True)  # until the install succeeds, the next command tries again
    pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check", "-q"]
    # The lock names every package, so pip installs exactly those (--no-deps) and checks each
    # downloaded file against the lock's hashes before installing it.
    run_step([*pip, "install", "--no-deps", "--require-hashes", "-r", str(lock)], f"installing {lock.name}")
    run_step([*pip, "install", "--no-deps", "-e", str(ROOT)], "installing the kit's own package")
    stamp_path().write_text(f"{requirements_fingerprint()} {lock.name} {ROOT}\n", encoding="utf-8")


def run_step(command: list[str], what: str) -> None:
    """Run one set-up step (making .venv, a pip install); if it fails, raise with its last lines
    of output and what to try."""
    step = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = step.communicate()
    except BaseException:  # Ctrl-C or SIGTERM (see Stopped): the step ends with this command
        step.terminate()
        try:
            step.wait(timeout=3)
        except subprocess.TimeoutExpired:
            step.kill()
        raise
    if step.returncode != 0:
        lines = (stderr or stdout).strip().splitlines()[-8:]
        raise EnvironmentProblem(
            f"{what} failed:\n" + "\n".join(f"    {line}" for line in lines) + "\n"
            "Check that this computer can reach pypi.org (a proxy may need HTTPS_PROXY), then run the "
            "same command again; it starts over from where it failed."
        )


def missing_packages(lock: Path) -> list[str]:
    """The packages a command needs (its lock, and the runtime lock under it) that this Python lacks."""
    needed = NEEDED[RUNTIME_LOCK.name] + (NEEDED[DEV_LOCK.name] if lock == DEV_LOCK else ())
    return [name for name in needed if importlib.util.find_spec(name) is None]
