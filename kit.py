"""The kit's commands. Needs only Python 3.11 (3.11.5 or later) to start; it sets up everything else.

    python3 kit.py replicate          run every lesson on the shipped data: one run, in
                                      results/runs/<data>-<hash>/ (and a copy in results/latest/)
    python3 kit.py replicate --data my_survey.csv      the same on your own survey
    python3 kit.py test               unit tests, strict nbval on every notebook, lint
    python3 kit.py lab [ARGS]         open JupyterLab in the kit's environment (ARGS go to JupyterLab,
                                      e.g. --port 8890 --no-browser)
    python3 kit.py book               one run's notebooks as a static website -> results/book/
                                      (--run NAME: another run; --without-solutions: the student edition)
    python3 kit.py handout [NN ...]   the lessons of that run as PDF handouts, with figures, tables and
                                      formulas -> results/handouts/NN_name.pdf (--paper letter;
                                      --run NAME; needs Chromium, Chrome or Edge)
    python3 kit.py assignments release|autograder|grade FOLDER
                                      the exercises as otter-grader assignments (instructors): student
                                      notebooks, Gradescope autograder zips, grading a folder of
                                      submissions here -> results/assignments/ (--data: a class survey)
    python3 kit.py questionnaire      the printable questionnaire (HTML, from the instrument) ->
                                      results/questionnaire.html (and questionnaire_instructor.html)
    python3 kit.py import EXPORT      a Google Forms, Microsoft Forms, Qualtrics or LimeSurvey export
                                      (CSV or .xlsx) as the kit's survey file -> results/surveys/
                                      (--to FILE: elsewhere; --force: replace it; --drop COLUMN)

replicate, lab, book, handout, assignments, questionnaire and import take --results DIR: where results go
(default: results/ in the kit's folder), for a read-only checkout or a shared lab machine.

Each command first makes sure the local virtual environment ``.venv`` exists and holds the
locked packages: requirements.lock (what the lessons need) for the students' commands,
requirements-dev.lock (the same plus the test and lint tools) for ``test``. Installed once, again
only when a lock changes; ``python tools/lock.py`` regenerates the locks from pyproject.toml.
``python3 kit.py refresh [NOTEBOOK ...]`` re-executes notebooks (default: lessons, solutions, appendix) in
place to update their stored outputs (for maintainers: stored outputs are never edited by hand).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # this folder's tools/ and helpers/, wherever the kit was moved or copied

from tools import environment  # noqa: E402  (standard library only: it runs before .venv exists)

NOTEBOOKS = ROOT / "notebooks"


def in_kit_environment() -> bool:
    """True inside .venv, or when KIT_NO_VENV=1 says the current Python is already set up."""
    if os.environ.get("KIT_NO_VENV") == "1":
        return True
    return Path(sys.prefix).resolve() == environment.VENV.resolve()


def child_environment() -> dict[str, str]:
    """The environment of every process the kit starts: this folder's helpers/ first on the path
    (so a moved or copied kit runs its own code, not the folder .venv was made in), and UTF-8
    mode (on Windows, Python would otherwise read and print in the local code page)."""
    others = [
        entry for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry and entry != str(ROOT)
    ]
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *others]), "PYTHONUTF8": "1"}


def run_child(command: list[str]) -> int:
    """Run a command (this one again, in .venv) to its end; Ctrl-C reaches it directly (same
    terminal), SIGTERM is passed on. This process waits for it either way, so the child's clean
    stop is what the user sees."""
    child = subprocess.Popen(command)

    def pass_on(number, frame) -> None:
        if child.poll() is None:
            child.send_signal(number)

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal sends Ctrl-C to the child too
    signal.signal(signal.SIGTERM, pass_on)
    return child.wait()


def rerun_in_environment(lock: Path) -> int:
    """Run this same command again with .venv's Python, once .venv holds ``lock``."""
    environment.stop_setup_on_signals()
    try:
        environment.ensure_environment(lock)
    except (KeyboardInterrupt, environment.Stopped):
        print("\nStopped while setting up .venv; the same command starts the set-up again.", file=sys.stderr)
        return 130
    return run_child([str(environment.venv_python()), str(ROOT / "kit.py"), *sys.argv[1:]])


def results_folder(arguments: argparse.Namespace) -> Path:
    """--results DIR, else KIT_RESULTS_DIR, else results/ in the kit's folder; checked writable."""
    chosen = arguments.results or os.environ.get("KIT_RESULTS_DIR") or str(ROOT / "results")
    folder = Path(chosen).expanduser().resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise UserError(
            f"cannot write results to {folder}: {error.strerror or error}. Give a folder you can write "
            "to with --results DIR (e.g. --results ~/kit-results)."
        ) from None
    os.environ["KIT_RESULTS_DIR"] = str(folder)  # lessons run in kernels started from here read it
    return folder


class UserError(Exception):
    """A problem with what the user asked for; printed as one line, exit code 2."""


def survey_path(given: str | None) -> Path | None:
    """--data resolved against the directory the command was run from, ``~`` expanded."""
    if given is None:
        return None
    if not given.strip():
        raise UserError(
            "--data is empty: give the path of your survey CSV, or leave --data out for the shipped data"
        )
    data = Path(given).expanduser()
    data = (Path.cwd() / data).resolve() if not data.is_absolute() else data.resolve()
    if not data.is_file():
        raise UserError(
            f"--data {given}: there is no file {data}. Give the path of your survey CSV (columns as "
            f"in data/codebook.csv), absolute or relative to {Path.cwd()}."
        )
    return data


def replicate(arguments: argparse.Namespace) -> int:
    data = survey_path(arguments.data)
    results = results_folder(arguments)
    from tools import replicate as replication

    return replication.replicate(data, results, arguments.workers, arguments.missing_answers)


def test(arguments: argparse.Namespace) -> int:
    from tools import stopping

    stopping.stop_on_signals()  # pytest, its workers and their kernels end with this command
    ruff = [sys.executable, "-m", "ruff"]
    lint = subprocess.run([*ruff, "check", "."], cwd=ROOT).returncode
    lint |= subprocess.run([*ruff, "format", "--check", "."], cwd=ROOT).returncode
    # one pytest worker per core (pytest-xdist); a notebook's cells, or a test file, stay together
    parallel = ["-n", "auto", "--dist", "loadfile", "--no-loadscope-reorder"]
    tests = subprocess.run([sys.executable, "-m", "pytest", *parallel, *arguments.pytest_args]).returncode
    if lint != 0:
        print("ruff found lint or formatting problems (see above; `ruff format .` fixes the layout)")
    return tests or lint


def lab(arguments: argparse.Namespace, jupyter_arguments: list[str]) -> int:
    results_folder(arguments)
    from tools import stopping

    server = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", str(NOTEBOOKS), *jupyter_arguments])
    stopping.stop_on_signals()  # JupyterLab, its kernels and terminals end with this command
    return server.wait()


def book(arguments: argparse.Namespace) -> int:
    from tools import book as rendered_book
    from tools import stopping

    stopping.stop_on_signals()  # one line, no traceback (every page is written atomically)

    left_out = ("solutions",) if arguments.without_solutions else ()
    return rendered_book.run(results_folder(arguments), arguments.run, left_out)


def handout(arguments: argparse.Namespace) -> int:
    from tools import handout as handouts
    from tools import stopping

    stopping.stop_on_signals()  # the browser stops with this command; each PDF is written atomically
    return handouts.run(results_folder(arguments), arguments.run, arguments.lessons, arguments.paper)


def assignments(arguments: argparse.Namespace) -> int:
    from tools import assignments as otter_assignments
    from tools import stopping

    stopping.stop_on_signals()
    if (arguments.action == "grade") != (arguments.folder is not None):
        raise UserError("give FOLDER, the submitted notebooks, to `assignments grade` (and only to it)")
    folder = Path(arguments.folder).expanduser().resolve() if arguments.folder else None
    if folder is not None and not folder.is_dir():
        raise UserError(f"assignments grade {arguments.folder}: there is no folder {folder}")
    results, survey = results_folder(arguments), survey_path(arguments.data)
    try:
        return otter_assignments.main(arguments.action, results, survey, folder)
    except ValueError as problem:
        raise UserError(str(problem)) from None


def questionnaire(arguments: argparse.Namespace) -> int:
    from helpers import questionnaire as printable

    for path in printable.write(results_folder(arguments)):
        print(f"wrote {path}")
    return 0


def import_export(arguments: argparse.Namespace) -> int:
    from helpers import survey_import

    results_folder(arguments)
    try:
        report = survey_import.import_export(
            arguments.export, arguments.to, arguments.force, arguments.drop or (), arguments.missing_answers
        )
    except survey_import.ExportImportError as error:
        raise UserError(str(error)) from None
    print(report.describe())
    listwise = " --missing-answers listwise" if arguments.missing_answers == "listwise" else ""
    print(f"Next: python3 kit.py replicate --data {report.output}{listwise}")
    return 0


def refresh(arguments: argparse.Namespace) -> int:
    from tools import stopping
    from tools.assignments import master_paths
    from tools.notebook_runner import all_ran, appendix_notebooks, lesson_notebooks, run_notebooks

    # by default every notebook nbval checks: the lessons, the exercise solutions, the appendix
    default = lesson_notebooks() + master_paths() + appendix_notebooks()
    paths = [Path(p).resolve() for p in arguments.notebooks] or default
    os.environ.setdefault("KIT_RESULTS_DIR", tempfile.mkdtemp(prefix="kit-refresh-"))
    stopping.stop_on_signals()
    return 0 if all_ran(run_notebooks(paths, None, arguments.workers)) else 1


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = main_parser.add_subparsers(dest="command", required=True)
    results = argparse.ArgumentParser(add_help=False)
    results.add_argument(
        "--results", metavar="DIR", help="where results go (default: results/ in the kit's folder)"
    )
    run = commands.add_parser("replicate", parents=[results], help="run every lesson on one dataset")
    run.add_argument("--data", help="your own survey CSV (same instrument) instead of the shipped data")
    run.add_argument(
        "--missing-answers",
        choices=("refuse", "listwise"),
        default="refuse",
        help="blank answers: refuse the file, listing each (default), or leave out the firms that have any",
    )
    run.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="notebooks run at once")
    run.set_defaults(handler=replicate)
    check = commands.add_parser("test", help="unit tests, strict nbval, lint")
    check.add_argument("pytest_args", nargs="*", help="extra arguments passed to pytest")
    check.set_defaults(handler=test)
    commands.add_parser(
        "lab", parents=[results], help="start JupyterLab (other arguments go to JupyterLab)"
    ).set_defaults(handler=lab)
    pages = commands.add_parser(
        "book", parents=[results], help="one run's notebooks as HTML in results/book/"
    )
    pages.add_argument(
        "--run", metavar="NAME", help="the run to show (default: the latest good run of the shipped data)"
    )
    pages.add_argument(
        "--without-solutions",
        action="store_true",
        help="the student edition: leave out notebooks/solutions (publish this while exercises are open)",
    )
    pages.set_defaults(handler=book)
    printed = commands.add_parser(
        "handout", parents=[results], help="the lessons as PDF handouts in results/handouts/ (instructors)"
    )
    printed.add_argument(
        "lessons", nargs="*", metavar="NN", help="lessons to print, e.g. 04 06 (default: all)"
    )
    printed.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size (default: a4)")
    printed.add_argument(
        "--run", metavar="NAME", help="the run to print (default: the latest good run of the shipped data)"
    )
    printed.set_defaults(handler=handout)
    graded = commands.add_parser(
        "assignments",
        parents=[results],
        help="otter-grader assignments: release, autograder, grade (instructors)",
    )
    graded.add_argument("action", choices=("release", "autograder", "grade"))
    graded.add_argument("folder", nargs="?", help="grade: the folder of submitted notebooks")
    graded.add_argument("--data", help="release/autograder: a class survey CSV the notebooks analyse")
    graded.set_defaults(handler=assignments)
    commands.add_parser(
        "questionnaire",
        parents=[results],
        help="the printable questionnaire (HTML) in results/, for respondents and for the instructor",
    ).set_defaults(handler=questionnaire)
    convert = commands.add_parser(
        "import", parents=[results], help="a survey tool's export (CSV or .xlsx) as the kit's survey file"
    )
    convert.add_argument("export", help="the export downloaded from the survey tool")
    convert.add_argument("--to", metavar="FILE", help="the survey file to write (default: results/surveys/)")
    convert.add_argument("--force", action="store_true", help="replace the survey file if it exists")
    convert.add_argument(
        "--drop", metavar="COLUMN", action="append", help="leave out a column that is not a question"
    )
    convert.add_argument(
        "--missing-answers",
        choices=("refuse", "listwise"),
        default="refuse",
        help="blank answers: refuse the export, listing each (default), or keep them for listwise deletion",
    )
    convert.set_defaults(handler=import_export)
    again = commands.add_parser("refresh", help="re-execute notebooks in place (maintainers)")
    again.add_argument("notebooks", nargs="*")
    again.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    again.set_defaults(handler=refresh)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        environment.check_python()  # before anything else: an old Python gets one clear message
        arguments, extra = parser().parse_known_args(argv)
        if extra and arguments.command != "lab":
            parser().parse_args(argv)  # argparse's own message for an unknown argument
        os.environ.update(child_environment())  # every process started from here runs this folder's code
        if not in_kit_environment():
            # test needs the development tools as well; the other commands only what the lessons need
            lock = environment.DEV_LOCK if arguments.command == "test" else environment.RUNTIME_LOCK
            return rerun_in_environment(lock)
        missing = environment.missing_packages(
            environment.DEV_LOCK if arguments.command == "test" else environment.RUNTIME_LOCK
        )
        if missing:
            raise environment.EnvironmentProblem(
                f"KIT_NO_VENV=1, but this Python ({sys.executable}) lacks {', '.join(missing)}; install "
                "them with pip install --no-deps --require-hashes -r requirements-dev.lock (or "
                "requirements.lock for every command but test), or unset KIT_NO_VENV"
            )
        if arguments.command == "lab":
            return lab(arguments, extra)
        return arguments.handler(arguments)
    except environment.EnvironmentProblem as problem:
        print(f"kit.py: {problem}", file=sys.stderr)
        return 1
    except UserError as problem:
        print(f"kit.py: {problem}", file=sys.stderr)
        return 2
    except OSError as error:  # a full disk, a folder without write permission: one line, no traceback
        where = f" ({error.filename})" if getattr(error, "filename", None) else ""
        print(f"kit.py: stopped: {error.strerror or error}{where}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
