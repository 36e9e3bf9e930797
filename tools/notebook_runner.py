"""Running notebooks top to bottom in Jupyter kernels (a maintainer's tool, used by ``kit.py``).

``run_notebooks`` executes notebooks on one or more worker processes, each with one kernel that
is reset between notebooks (``RESET_KERNEL``), and prints a one-screen summary. ``parameters``
are written into each notebook the way papermill does it: a cell tagged ``injected-parameters``
right after the cell tagged ``parameters``, so an executed copy shows what it was run with (for
instance ``survey_file = "/path/to/class.csv"``). When several kernels run at once each uses one
BLAS thread, so that two kernels on two cores do not fight over them.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import subprocess
import time
from pathlib import Path

from helpers import files
from tools import stopping

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
PARAMETERS_TAG, INJECTED_TAG = "parameters", "injected-parameters"
# numpy's BLAS threads per kernel when kernels run in parallel (one per core is enough)
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def lesson_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The ordered lessons: notebooks/NN_*.ipynb (not the exercises or solutions)."""
    return sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))


def appendix_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The appendix pages (notebooks/appendix/: lavaan and jamovi, the glossary)."""
    return sorted((Path(folder) / "appendix").glob("*.ipynb"))


def coalesce_streams(notebook) -> None:
    """Join each cell's consecutive stdout (or stderr) outputs into one, as nbval compares them.

    How the kernel splits a print into stream messages depends on timing (``print`` writes the
    text and the newline separately), so without this a rerun on a busy machine can store the
    same text in two outputs and change the notebook file for nothing."""
    for cell in notebook.cells:
        joined = []
        for output in cell.get("outputs", []):
            previous = joined[-1] if joined else None
            if output.output_type == "stream" and previous is not None and previous.output_type == "stream":
                if previous.name == output.name:
                    previous.text += output.text
                    continue
            joined.append(output)
        if cell.cell_type == "code":
            cell.outputs = joined


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

    def __init__(self, parameters: dict | None = None) -> None:
        self.kernel_manager = None
        self.parameters = parameters or {}

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
        inject_parameters(notebook, self.parameters)
        status, detail = "ok", ""
        try:
            self._prepare_kernel(path.parent)
            self._execute(notebook, path.parent)
        except CellExecutionError:
            status, detail = "FAILED", failure_summary(notebook)
        except Exception as error:  # a dead or hung kernel: report it, and start a new one next time
            status, detail = "FAILED", f"{type(error).__name__}: {error}"
            self.close()
        coalesce_streams(notebook)
        target = output if output is not None else path
        if status == "ok" or output is not None:
            with files.atomic_path(target) as temporary:  # never half a notebook, even if killed
                nbformat.write(notebook, temporary)
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


def _start_worker_session(parameters: dict) -> None:
    """Pool initializer: this worker's kernel (one BLAS thread, as kernels run side by side),
    shut down when the worker process exits."""
    from multiprocessing import util

    global _worker_session
    stopping.ignore_interrupts()  # Ctrl-C is for the command that started the workers
    os.environ.update(ONE_THREAD)  # inherited by the kernel this worker starts
    _worker_session = KernelSession(parameters)
    util.Finalize(_worker_session, _worker_session.close, exitpriority=10)


def _run_in_worker_session(path: Path, output: Path | None) -> tuple[str, float, str]:
    return _worker_session.run(path, output)


def execute_notebook(
    path: Path, output: Path | None, parameters: dict | None = None
) -> tuple[str, float, str]:
    """Run one notebook in a kernel of its own; write it to ``output`` (or back in place if None)."""
    with KernelSession(parameters) as session:
        return session.run(path, output)


def inject_parameters(notebook, parameters: dict) -> None:
    """papermill's convention: a cell tagged ``injected-parameters`` after the ``parameters`` cell
    assigns each parameter, so the executed notebook records what it ran with. A notebook without
    a parameters cell is left as it is (it takes no parameters)."""
    from nbformat.v4 import new_code_cell

    if not parameters:
        return
    tagged = [i for i, c in enumerate(notebook.cells) if PARAMETERS_TAG in c.metadata.get("tags", [])]
    if not tagged:
        return
    lines = ["# Parameters written in by kit.py (papermill's injected-parameters cell)"]
    lines += [f"{name} = {value!r}" for name, value in parameters.items()]
    cell = new_code_cell("\n".join(lines), metadata={"tags": [INJECTED_TAG]})
    cell["id"] = INJECTED_TAG
    notebook.cells.insert(tagged[0] + 1, cell)


def longest_first(paths: list[Path], timings: Path | None) -> list[int]:
    """Positions of ``paths`` ordered by last run's seconds, longest first (unknown: first)."""
    seconds = json.loads(timings.read_text()) if timings is not None and timings.is_file() else {}
    return sorted(range(len(paths)), key=lambda k: -seconds.get(paths[k].name, float("inf")))


def _record_timings(timings: Path, paths: list[Path], results: list[tuple[str, float, str]]) -> None:
    seconds = json.loads(timings.read_text()) if timings.is_file() else {}
    seconds.update({path.name: round(result[1], 2) for path, result in zip(paths, results)})
    files.write_text(timings, json.dumps(seconds, indent=1, sort_keys=True) + "\n")


ANSI_CODES = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def failure_summary(notebook, source_lines: int = 3) -> str:
    """Which cell failed, its first lines, and the error's last line, without colour codes."""
    for number, cell in enumerate(notebook.cells):
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            error = errors[0]
            shown = "\n".join(f"    {line}" for line in cell.source.splitlines()[:source_lines])
            message = ANSI_CODES.sub("", error["evalue"]).strip().splitlines()
            # the error's type and its message's last line, as a traceback's last line reads
            return (
                f"cell {number + 1}:\n{shown}\n  {error['ename']}: {message[-1] if message else ''}".rstrip()
            )
    return "a cell failed (no error output was recorded)"


def run_notebooks(
    paths: list[Path],
    output_folder: Path | None,
    workers: int,
    parameters: dict | None = None,
    timings: Path | None = None,
) -> list[dict]:
    """Run notebooks (in place, or into ``output_folder``) and print a summary. Returns, for each
    notebook, its name, status ("ok" or "FAILED"), seconds and what failed (see ``all_ran``).

    With several workers the notebooks start longest first, by the seconds each took last time
    (read from and written to ``timings``, a JSON file; unknown ones first), so that a long
    notebook does not start last and keep one core busy alone at the end.
    """
    from concurrent.futures import ProcessPoolExecutor

    outputs = [None if output_folder is None else output_folder / p.name for p in paths]
    if workers <= 1:
        with KernelSession(parameters) as session:
            results = list(map(session.run, paths, outputs))
    else:
        order = longest_first(paths, timings)
        # one kernel per worker process; the notebooks are shared out as workers become free
        # "spawn": fresh worker processes on every system, as on Windows (forking a process that
        # has threads can deadlock; Python 3.12 warns about it)
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker_session,
            initargs=(parameters or {},),
        ) as pool:
            try:
                ran = list(
                    pool.map(_run_in_worker_session, [paths[k] for k in order], [outputs[k] for k in order])
                )
            except BaseException:  # e.g. a full disk: the notebooks not yet started never start
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        results = [ran[order.index(k)] for k in range(len(paths))]
    if timings is not None:
        _record_timings(timings, paths, results)
    print(f"\n{'notebook':<40} {'status':<8} {'seconds':>8}")
    for path, (status, seconds, _) in zip(paths, results):
        print(f"{path.name:<40} {status:<8} {seconds:>8.1f}")
    for path, (status, _, detail) in zip(paths, results):
        if status != "ok":
            print(f"\n--- {path.name} stopped at {detail}")
    return [
        {"notebook": path.name, "status": status, "seconds": round(seconds, 2), "error": detail or None}
        for path, (status, seconds, detail) in zip(paths, results)
    ]


def all_ran(results: list[dict]) -> bool:
    return all(result["status"] == "ok" for result in results)
