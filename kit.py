"""The kit's commands. Needs only Python 3.11+ to start; it sets up everything else.

    python3 kit.py replicate          run every notebook on the shipped data -> results/
    python3 kit.py test               unit tests, strict nbval on every notebook, lint
    python3 kit.py lab                open JupyterLab in the kit's environment
    python3 kit.py book               the notebooks as a static website -> results/book/
                                      (--without-solutions: the student edition)
    python3 kit.py exercises          regenerate the student exercise notebooks from the solutions

Each command first makes sure the local virtual environment ``.venv`` exists and holds the
pinned packages of requirements.txt (installed once, again only when the pins change).
``python3 kit.py refresh [NOTEBOOK ...]`` re-executes notebooks (default: lessons and solutions) in
place to update their stored outputs (for maintainers: stored outputs are never edited by hand).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
NOTEBOOKS = ROOT / "notebooks"
STAMP = VENV / "kit-installed.sha256"


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / scripts / f"python{suffix}"


def in_kit_environment() -> bool:
    """True inside .venv, or when KIT_NO_VENV=1 says the current Python is already set up."""
    if os.environ.get("KIT_NO_VENV") == "1":
        return True
    return Path(sys.prefix).resolve() == VENV.resolve()


SLOW_UNUSED_PACKAGES = ("rfc3987-syntax",)


def requirements_fingerprint() -> str:
    digest = hashlib.sha256(" ".join(SLOW_UNUSED_PACKAGES).encode())
    for name in ("requirements.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    """Create .venv and install the pinned requirements when missing or out of date."""
    if not venv_python().exists():
        print("Creating the virtual environment .venv ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    fingerprint = requirements_fingerprint()
    if STAMP.exists() and STAMP.read_text().strip() == fingerprint:
        return
    print("Installing the pinned packages into .venv (first run only; a few minutes) ...", flush=True)
    pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "-r", str(ROOT / "requirements.txt")], check=True)
    subprocess.run([*pip, "install", "--no-deps", "-e", str(ROOT)], check=True)
    # jsonschema (via nbformat) imports the optional IRI checker rfc3987-syntax, which jupyter-events
    # pulls in, and which builds ~35 parsers on import: ~2 s in every process that reads a notebook
    # (python-jsonschema/jsonschema#1428). Nothing in the kit checks IRIs, so it goes.
    subprocess.run([*pip, "uninstall", "-y", *SLOW_UNUSED_PACKAGES], check=True)
    STAMP.write_text(fingerprint + "\n")


def rerun_in_environment() -> int:
    ensure_environment()
    command = [str(venv_python()), str(ROOT / "kit.py"), *sys.argv[1:]]
    return subprocess.run(command, cwd=ROOT).returncode


def lesson_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


# Run in the kernel before each notebook, so that every notebook starts from what a fresh kernel
# would give it: an empty namespace and history, no open figures, its own folder as working
# directory, matplotlib's and pandas' settings as a fresh import has them, and the warning
# filters the kernel had before its first notebook.
RESET_KERNEL = """
import os, sys, types, warnings
fresh = sys.modules.get("_kit_fresh_kernel")
if fresh is None:  # first call, before any notebook: remember the fresh kernel's warning filters
    fresh = sys.modules["_kit_fresh_kernel"] = types.ModuleType("_kit_fresh_kernel")
    fresh.filters = list(warnings.filters)
else:
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if "matplotlib" in sys.modules:  # a fresh import's settings (in a kernel only the backend differs)
        sys.modules["matplotlib"].rc_file_defaults()
    if "pandas" in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["pandas"].reset_option("all")
    warnings.filters[:] = fresh.filters
    warnings._filters_mutated()  # forget which warnings were already shown
os.chdir(NOTEBOOK_FOLDER)
get_ipython().reset(new_session=True)  # empty namespace and history; the next cell is In [1]
"""


class KernelSession:
    """One Jupyter kernel that executes notebooks one after another.

    Starting a kernel and importing the scientific stack costs 3-4 s of CPU, more than most
    lessons' own computing, so ``replicate`` and ``refresh`` keep one kernel per worker and reset
    it between notebooks (RESET_KERNEL). ``kit.py test`` still runs every notebook in a kernel of
    its own (nbval) and compares its outputs with the stored ones this runner wrote, so anything
    leaking from one notebook into the next would fail the tests.
    """

    def __init__(self) -> None:
        self.kernel_manager = None

    def __enter__(self) -> KernelSession:
        return self

    def __exit__(self, *exception) -> None:
        self.close()

    def run(self, path: Path, output: Path | None) -> tuple[str, float, str]:
        """Run one notebook top to bottom; write it to ``output`` (or back in place if None)."""
        import nbformat
        from nbclient.exceptions import CellExecutionError

        start = time.perf_counter()
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            cell.metadata.pop("execution", None)  # timestamps of an earlier run
        status, detail = "ok", ""
        try:
            self._prepare_kernel(path.parent)
            self._execute(notebook, path.parent)
        except CellExecutionError as error:
            status, detail = "FAILED", _last_lines(str(error))
        except Exception as error:  # a dead or hung kernel: report it, and start a new one next time
            status, detail = "FAILED", f"{type(error).__name__}: {error}"
            self.close()
        target = output if output is not None else path
        if status == "ok" or output is not None:
            nbformat.write(notebook, target)
        return status, time.perf_counter() - start, detail

    def _prepare_kernel(self, folder: Path) -> None:
        from nbformat.v4 import new_code_cell, new_notebook

        reset_code = RESET_KERNEL.replace("NOTEBOOK_FOLDER", repr(str(folder)))
        reset = new_notebook(cells=[new_code_cell(reset_code)])
        self._execute(reset, folder, store_history=False)

    def _execute(self, notebook, folder: Path, store_history: bool = True) -> None:
        from nbclient import NotebookClient

        client = NotebookClient(
            notebook,
            km=self.kernel_manager,
            timeout=600,
            kernel_name="python3",
            record_timing=False,  # no run timestamps in stored notebooks: a rerun changes nothing
            resources={"metadata": {"path": str(folder)}},
        )
        client.owns_km = False  # keep the kernel running after this notebook
        try:
            # the kernel's own log (e.g. ipykernel's transport notice) is not for students;
            # cell errors still arrive through the notebook protocol
            if store_history:
                client.execute(stderr=subprocess.DEVNULL)
            else:  # the reset cell: not counted, so the notebook's first cell is In [1]
                with client.setup_kernel(stderr=subprocess.DEVNULL):
                    for index, cell in enumerate(notebook.cells):
                        client.execute_cell(cell, index, store_history=False)
        finally:
            self.kernel_manager = client.km
            if client.kc is not None:
                client.kc.stop_channels()

    def close(self) -> None:
        from jupyter_core.utils import ensure_async, run_sync

        manager, self.kernel_manager = self.kernel_manager, None
        if manager is None:
            return

        async def shut_down() -> None:  # nbclient's kernel manager is the asynchronous one
            if manager.has_kernel:
                await ensure_async(manager.shutdown_kernel(now=True))
            await ensure_async(manager.cleanup_resources())

        run_sync(shut_down)()


_worker_session: KernelSession | None = None


def _start_worker_session() -> None:
    """Pool initializer: this worker's kernel, shut down when the worker process exits."""
    from multiprocessing import util

    global _worker_session
    _worker_session = KernelSession()
    util.Finalize(_worker_session, _worker_session.close, exitpriority=10)


def _run_in_worker_session(path: Path, output: Path | None) -> tuple[str, float, str]:
    return _worker_session.run(path, output)


def execute_notebook(path: Path, output: Path | None) -> tuple[str, float, str]:
    """Run one notebook in a kernel of its own; write it to ``output`` (or back in place if None)."""
    with KernelSession() as session:
        return session.run(path, output)


def _last_lines(text: str, count: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-count:])


def run_notebooks(paths: list[Path], output_folder: Path | None, workers: int) -> bool:
    from concurrent.futures import ProcessPoolExecutor

    outputs = [None if output_folder is None else output_folder / p.name for p in paths]
    if workers <= 1:
        with KernelSession() as session:
            results = list(map(session.run, paths, outputs))
    else:
        # one kernel per worker process; the notebooks are shared out as workers become free
        with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker_session) as pool:
            results = list(pool.map(_run_in_worker_session, paths, outputs))
    print(f"\n{'notebook':<40} {'status':<8} {'seconds':>8}")
    for path, (status, seconds, _) in zip(paths, results):
        print(f"{path.name:<40} {status:<8} {seconds:>8.1f}")
    for path, (status, _, detail) in zip(paths, results):
        if status != "ok":
            print(f"\n--- {path.name} stopped with an error:\n{detail}")
    return all(status == "ok" for status, _, _ in results)


def replicate(arguments: argparse.Namespace) -> int:
    if arguments.data:
        data = Path(arguments.data).resolve()
        if not data.is_file():
            print(
                f"--data {arguments.data}: there is no file {data}. Give the path of your survey CSV "
                f"(columns as in data/codebook.csv), absolute or relative to {Path.cwd()}."
            )
            return 2
        os.environ["KIT_SURVEY_FILE"] = str(data)
    from helpers.survey import SurveyValidationError, load_survey

    results = Path(os.environ.get("KIT_RESULTS_DIR", ROOT / "results")).resolve()
    os.environ["KIT_RESULTS_DIR"] = str(results)
    try:  # a file that does not follow the instrument stops here, before any notebook runs
        load_survey()
    except SurveyValidationError as error:
        print(f"The survey file does not follow the instrument (see data/codebook.csv):\n{error}")
        results.mkdir(parents=True, exist_ok=True)
        error.problem_table().to_csv(results / "survey_problems.csv", index=False)
        print(f"Every problem, one row each: {results / 'survey_problems.csv'}. Fix them and rerun.")
        return 1
    executed = results / "notebooks"
    executed.mkdir(parents=True, exist_ok=True)
    survey = os.environ.get("KIT_SURVEY_FILE", "data/sme_kerala_survey.csv (shipped, synthetic)")
    print(f"Replicating on {survey}\nResults go to {results}")
    start = time.perf_counter()
    ok = run_notebooks(lesson_notebooks(), executed, arguments.workers)
    verdict = "all notebooks ran" if ok else "SOME NOTEBOOKS FAILED"
    print(f"\n{verdict} in {time.perf_counter() - start:.1f} s")
    print(f"executed notebooks: {executed}\ntables: {results / 'tables'}\nfigures: {results / 'figures'}")
    return 0 if ok else 1


def test(arguments: argparse.Namespace) -> int:
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
    from helpers import book as rendered_book

    return rendered_book.run(left_out=("solutions",) if arguments.without_solutions else ())


def exercises(arguments: argparse.Namespace) -> int:
    from helpers import exercises as exercise_tools

    return exercise_tools.main(["build"])


def refresh(arguments: argparse.Namespace) -> int:
    from helpers.exercises import solution_paths

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
        return rerun_in_environment()
    return arguments.handler(arguments)


if __name__ == "__main__":
    sys.exit(main())
