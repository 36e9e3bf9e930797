"""``kit.py replicate``: every lesson on one dataset, as one run (see ``tools.runs``).

The survey file is checked against the instrument first; a file that does not follow it stops
there, its problems written to ``results/failed/<run>/survey_problems.csv``. Then the lessons run
side by side into a run folder built apart from every earlier result; the folder becomes
``results/runs/<stem>-<sha>`` (and ``results/latest``) only if every lesson ran. A failure, a
full disk or Ctrl-C leaves the earlier runs exactly as they were.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

from helpers import files, settings
from helpers.survey import SurveyValidationError, load_survey, source_of
from tools import runs, stopping
from tools.notebook_runner import all_ran, lesson_notebooks, run_notebooks


def replicate(data: Path | None, results: Path, workers: int, missing_answers: str = "refuse") -> int:
    """Run every lesson on ``data`` (None: the shipped survey) into a run folder under ``results``;
    ``missing_answers="listwise"`` analyses only the firms without blank answers."""
    try:  # a file that does not follow the instrument stops here, before any notebook runs
        survey = load_survey(data, missing_answers)
    except SurveyValidationError as error:
        return invalid_data(error, data, results)
    source = source_of(survey)
    dataset = {
        "path": str(source.path),
        "sha256": source.sha256,
        "n_firms": source.n_firms,
        "shipped": source.shipped,
        "missing_answers": missing_answers,
        "firms_left_out": [vars(firm) for firm in source.dropped],
    }
    name = runs.run_name(source.path, source.sha256) + ("-listwise" if missing_answers == "listwise" else "")
    try:
        run = runs.Run(results, name, dataset, command_line())
    except runs.RunBusy as busy:
        print(f"Not started: {busy}.")
        return 1
    stopping.stop_on_signals(lambda: set_aside(run, "interrupted"))
    try:
        return run_lessons(run, source, results, workers)
    finally:
        run.close()


def run_lessons(run: runs.Run, source, results: Path, workers: int) -> int:
    described = "the kit's shipped synthetic data" if source.shipped else str(source.path)
    print(f"Replicating on {described} ({source.n_firms} firms).{source.describe_dropped()}")
    print(f"Run folder (while it runs): {run.building}")
    os.environ["KIT_RESULTS_DIR"] = str(run.building)  # the lessons write their tables and figures there
    parameters = {"survey_file": str(source.path)} if not source.shipped else {}
    if source.missing_answers != "refuse":
        parameters["missing_answers"] = source.missing_answers
    start = time.perf_counter()
    timings = results / "notebook_seconds.json"
    try:
        notebooks = run_notebooks(
            lesson_notebooks(), run.building / "notebooks", workers, parameters, timings
        )
        if not all_ran(notebooks):
            place = run.set_aside("failed", notebooks)
            print(
                f"\nSOME NOTEBOOKS FAILED after {time.perf_counter() - start:.1f} s. This run is kept apart,"
            )
            print(
                f"marked failed, in {place}; earlier runs are unchanged. Fix the cause above and run again."
            )
            return 1
        place = run.finish(notebooks)
    except OSError as error:  # e.g. the disk filled up while a notebook was written
        print(f"Stopped: {error}.{set_aside(run, 'failed')}")
        return 1
    print(f"\nall notebooks ran in {time.perf_counter() - start:.1f} s")
    print(f"Results: {place} (a copy: {results / runs.LATEST})")
    for kind in ("notebooks", "tables", "figures"):
        print(f"{kind}: {place / kind}")
    return 0


def set_aside(run: runs.Run, status: str) -> str:
    """Move a half-built run to failed/; the text that ends the printed line."""
    if not run.building.exists():  # it was already moved into place: only latest/ is behind
        return f" The run itself is complete in {run.final}."
    try:
        place = run.set_aside(status)
    except OSError:
        return f" The unfinished run remains in {run.building}; earlier runs are unchanged."
    return f" The unfinished run is kept apart in {place}; earlier runs are unchanged."


def invalid_data(error: SurveyValidationError, data: Path | None, results: Path) -> int:
    """Report every problem of a survey file that does not follow the instrument, one row each."""
    print(f"The survey file does not follow the instrument (see data/codebook.csv):\n{error}")
    path = Path(data if data is not None else settings.SHIPPED_SURVEY_FILE)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = "0" * 64
    folder = results / runs.FAILED / f"{runs.run_name(path, digest)}-{runs.now().replace(':', '')}"
    with files.atomic_path(folder / "survey_problems.csv") as temporary:
        error.problem_table().to_csv(temporary, index=False)
    print(f"Every problem, one row each: {folder / 'survey_problems.csv'}. Fix them and rerun.")
    return 1


def command_line() -> list[str]:
    return ["kit.py", *sys.argv[1:]]
