"""The kit's commands. Needs only Python 3.11 (3.11.5 or later) to start; it sets up everything else.

    python3 kit.py replicate          run every notebook on the shipped data -> results/
    python3 kit.py test               unit tests, strict nbval on every notebook, lint
    python3 kit.py lab                open JupyterLab in the kit's environment
    python3 kit.py book               the notebooks as a static website -> results/book/
                                      (--without-solutions: the student edition)
    python3 kit.py exercises          regenerate the student exercise notebooks from the solutions

Each command first makes sure the local virtual environment ``.venv`` exists and holds the
locked packages: requirements.lock (what the lessons need) for the students' commands,
requirements-dev.lock (the same plus the test and lint tools) for ``test``. Installed once, again
only when a lock changes; ``python tools/lock.py`` regenerates the locks from pyproject.toml.
``python3 kit.py refresh [NOTEBOOK ...]`` re-executes notebooks (default: lessons and solutions) in
place to update their stored outputs (for maintainers: stored outputs are never edited by hand).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
NOTEBOOKS = ROOT / "notebooks"
# Every package at an exact version, with the hashes of its files (made by tools/lock.py)
RUNTIME_LOCK = ROOT / "requirements.lock"  # what the lessons need
DEV_LOCK = ROOT / "requirements-dev.lock"  # the same versions, plus the test and lint tools
STAMP = VENV / "kit-installed.sha256"  # the files' fingerprint and the lock installed, at install time


def venv_python() -> Path:
    """.venv's Python: Scripts\\python.exe on Windows, bin/python elsewhere."""
    scripts = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / scripts / f"python{suffix}"


def in_kit_environment() -> bool:
    """True inside .venv, or when KIT_NO_VENV=1 says the current Python is already set up."""
    if os.environ.get("KIT_NO_VENV") == "1":
        return True
    return Path(sys.prefix).resolve() == VENV.resolve()


def requirements_fingerprint() -> str:
    """SHA-256 of both locks and pyproject.toml: when any of them changes, .venv is installed again."""
    digest = hashlib.sha256()
    for path in (RUNTIME_LOCK, DEV_LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def installed_lock() -> str | None:
    """The name of the lock .venv holds, per the stamp; None if none, or if the files changed since."""
    if not STAMP.exists():
        return None
    fingerprint, _, lock_name = STAMP.read_text().strip().partition(" ")
    return lock_name if fingerprint == requirements_fingerprint() else None


def ensure_environment(lock: Path = DEV_LOCK) -> None:
    """Create .venv and install `lock` (by default everything) into it, unless it holds that lock or
    the dev lock (a superset)."""
    if not venv_python().exists():
        print("Creating the virtual environment .venv ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if installed_lock() in (lock.name, DEV_LOCK.name):
        return
    print(f"Installing the packages of {lock.name} into .venv (a few minutes, once) ...", flush=True)
    pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check", "-q"]
    # The lock names every package, so pip installs exactly those (--no-deps) and checks each
    # downloaded file against the lock's hashes before installing it.
    subprocess.run([*pip, "install", "--no-deps", "--require-hashes", "-r", str(lock)], check=True)
    subprocess.run([*pip, "install", "--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(f"{requirements_fingerprint()} {lock.name}\n")


def rerun_in_environment(lock: Path) -> int:
    """Run this same command again with .venv's Python, once .venv holds `lock`."""
    ensure_environment(lock)
    command = [str(venv_python()), str(ROOT / "kit.py"), *sys.argv[1:]]
    # UTF-8 mode: on Windows, Python would otherwise read and print text in the local code page
    # (e.g. cp1252), and the kit's notebooks, data and messages are UTF-8.
    environment = {**os.environ, "PYTHONUTF8": "1"}
    return subprocess.run(command, cwd=ROOT, env=environment).returncode


def replicate(arguments: argparse.Namespace) -> int:
    data = None
    if arguments.data:
        data = Path(arguments.data).resolve()
        if not data.is_file():
            print(
                f"--data {arguments.data}: there is no file {data}. Give the path of your survey CSV "
                f"(columns as in data/codebook.csv), absolute or relative to {Path.cwd()}."
            )
            return 2
    from helpers.survey import SurveyValidationError, load_survey
    from tools.notebook_runner import lesson_notebooks, run_notebooks

    results = Path(os.environ.get("KIT_RESULTS_DIR", ROOT / "results")).resolve()
    os.environ["KIT_RESULTS_DIR"] = str(results)
    try:  # a file that does not follow the instrument stops here, before any notebook runs
        load_survey(data)
    except SurveyValidationError as error:
        print(f"The survey file does not follow the instrument (see data/codebook.csv):\n{error}")
        results.mkdir(parents=True, exist_ok=True)
        error.problem_table().to_csv(results / "survey_problems.csv", index=False)
        print(f"Every problem, one row each: {results / 'survey_problems.csv'}. Fix them and rerun.")
        return 1
    executed = results / "notebooks"
    executed.mkdir(parents=True, exist_ok=True)
    survey = str(data) if data else "data/sme_kerala_survey.csv (shipped, synthetic)"
    print(f"Replicating on {survey}\nResults go to {results}")
    start = time.perf_counter()
    # each lesson's survey_file parameter names the file, as papermill would write it
    parameters = {"survey_file": str(data)} if data else {}
    timings = results / "notebook_seconds.json"  # only orders the next run: longest notebooks first
    ok = run_notebooks(lesson_notebooks(), executed, arguments.workers, parameters, timings)
    verdict = "all notebooks ran" if ok else "SOME NOTEBOOKS FAILED"
    print(f"\n{verdict} in {time.perf_counter() - start:.1f} s")
    print(f"executed notebooks: {executed}\ntables: {results / 'tables'}\nfigures: {results / 'figures'}")
    return 0 if ok else 1


def test(arguments: argparse.Namespace) -> int:
    if importlib.util.find_spec("pytest") is None:  # e.g. KIT_NO_VENV=1 in an environment for students
        install = f"pip install --no-deps --require-hashes -r {DEV_LOCK.name}"
        print(f"kit.py test needs the development tools (pytest, ruff, ...): {install}")
        return 1
    ruff = [sys.executable, "-m", "ruff"]
    lint = subprocess.run([*ruff, "check", "."], cwd=ROOT).returncode
    lint |= subprocess.run([*ruff, "format", "--check", "."], cwd=ROOT).returncode
    # one pytest worker per core (pytest-xdist); a notebook's cells, or a test file, stay together
    parallel = ["-n", "auto", "--dist", "loadfile", "--no-loadscope-reorder"]
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", *parallel, *arguments.pytest_args], cwd=ROOT
    ).returncode
    if lint != 0:
        print("ruff found lint or formatting problems (see above; `ruff format .` fixes the layout)")
    return tests or lint


def lab(arguments: argparse.Namespace) -> int:
    return subprocess.run([sys.executable, "-m", "jupyter", "lab", str(NOTEBOOKS)], cwd=ROOT).returncode


def book(arguments: argparse.Namespace) -> int:
    from tools import book as rendered_book

    return rendered_book.run(left_out=("solutions",) if arguments.without_solutions else ())


def exercises(arguments: argparse.Namespace) -> int:
    from tools import exercise_notebooks as exercise_tools

    return exercise_tools.main(["build"])


def refresh(arguments: argparse.Namespace) -> int:
    from tools.exercise_notebooks import solution_paths
    from tools.notebook_runner import lesson_notebooks, run_notebooks

    # by default every notebook nbval checks: the lessons, then the exercise solutions
    paths = [Path(p).resolve() for p in arguments.notebooks] or lesson_notebooks() + solution_paths()
    os.environ.setdefault("KIT_RESULTS_DIR", str(ROOT / "results"))
    return 0 if run_notebooks(paths, None, arguments.workers) else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("replicate", help="run every notebook and write results/")
    run.add_argument("--data", help="your own survey CSV (same instrument) instead of the shipped data")
    run.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="notebooks run at once")
    run.set_defaults(handler=replicate)
    check = commands.add_parser("test", help="unit tests, strict nbval, lint")
    check.add_argument("pytest_args", nargs="*", help="extra arguments passed to pytest")
    check.set_defaults(handler=test)
    commands.add_parser("lab", help="start JupyterLab").set_defaults(handler=lab)
    pages = commands.add_parser("book", help="the notebooks as HTML in results/book/")
    pages.add_argument(
        "--without-solutions",
        action="store_true",
        help="the student edition: leave out notebooks/solutions (publish this while exercises are open)",
    )
    pages.set_defaults(handler=book)
    commands.add_parser(
        "exercises", help="regenerate the student versions from notebooks/solutions (instructors)"
    ).set_defaults(handler=exercises)
    again = commands.add_parser("refresh", help="re-execute notebooks in place (maintainers)")
    again.add_argument("notebooks", nargs="*")
    again.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    again.set_defaults(handler=refresh)
    arguments = parser.parse_args()
    if not in_kit_environment():
        # test needs the development tools as well; the other commands only what the lessons need
        return rerun_in_environment(DEV_LOCK if arguments.command == "test" else RUNTIME_LOCK)
    return arguments.handler(arguments)


if __name__ == "__main__":
    sys.exit(main())
