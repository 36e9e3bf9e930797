"""An instructor's own survey: every notebook reruns on it, and a bad file stops before any runs.

The "own" file is a second synthetic dataset from the kit's generator with another seed.
"""

import hashlib
import json
import os
import platform
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers import settings
from tools import book, runs
from tools.notebook_runner import INJECTED_TAG, KernelSession

ROOT = settings.REPO_ROOT


def replicate(data, results, *options):
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "kit.py"),
            "replicate",
            "--data",
            str(data),
            "--results",
            str(results),
            *options,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "KIT_NO_VENV": "1"},
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def class_run(class_survey, tmp_path_factory):
    """``kit.py replicate --data class_survey.csv``: the completed process and its results folder."""
    results = tmp_path_factory.mktemp("results")
    before = class_survey.read_bytes()
    result = replicate(class_survey, results, "--workers", "1")
    assert class_survey.read_bytes() == before  # the instructor's file is never touched
    return result, results


def test_every_notebook_reruns_on_another_survey(class_run, class_survey):
    result, results = class_run
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "all notebooks ran" in result.stdout
    name = runs.run_name(class_survey, hashlib.sha256(class_survey.read_bytes()).hexdigest())
    run = results / "runs" / name
    executed = sorted(p.name for p in (run / "notebooks").glob("*.ipynb"))
    assert executed == [p.name for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    # the notebooks analysed the class file, and said so
    notebook_text = (run / "notebooks" / "02_descriptives.ipynb").read_text(encoding="utf-8")
    assert "your survey file class_survey.csv" in notebook_text
    # comparisons with the paper are relabelled: the class's values are not a reproduction
    comparison = pd.read_csv(run / "tables" / "tables2to5_published_vs_reproduced.csv", index_col=0)
    assert {"this survey", "published"} <= set(comparison.columns) and "reproduced" not in comparison.columns
    path_analysis = (run / "notebooks" / "04_path_analysis.ipynb").read_text(encoding="utf-8")
    assert "this survey" in path_analysis
    # each executed lesson records the file it ran on, in papermill's injected-parameters cell
    lesson = nbformat.read(run / "notebooks" / "03_diagnostics.ipynb", as_version=4)
    injected = [c for c in lesson.cells if INJECTED_TAG in c.metadata.get("tags", [])]
    assert len(injected) == 1 and f"survey_file = {str(class_survey)!r}" in injected[0].source


def test_a_run_records_what_it_analysed_how_and_when(class_run, class_survey):
    _, results = class_run
    digest = hashlib.sha256(class_survey.read_bytes()).hexdigest()
    manifest = json.loads((results / "runs" / runs.run_name(class_survey, digest) / "run.json").read_text())
    assert manifest["status"] == "ok"
    firms = len(pd.read_csv(class_survey))
    assert manifest["dataset"] == {
        "path": str(class_survey),
        "sha256": digest,
        "n_firms": firms,
        "shipped": False,
        "missing_answers": "refuse",
        "firms_left_out": [],
    }
    assert manifest["started"] <= manifest["finished"]
    lessons = [p.name for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    assert [n["notebook"] for n in manifest["notebooks"]] == lessons
    assert all(n["status"] == "ok" and n["seconds"] > 0 and n["error"] is None for n in manifest["notebooks"])
    assert manifest["environment"]["python"] == platform.python_version()
    assert manifest["environment"]["packages"]["semopy"] == metadata.version("semopy")
    assert manifest["kit"]["command"][:2] == ["kit.py", "replicate"]
    assert "git_commit" in manifest["kit"]
    # results/latest is a whole copy of this run, manifest included
    assert json.loads((results / "latest" / "run.json").read_text()) == manifest


def test_the_book_of_a_class_run_says_so_and_holds_no_machine_path(class_run, class_survey):
    _, results = class_run
    name = runs.run_name(class_survey, hashlib.sha256(class_survey.read_bytes()).hexdigest())
    assert book.run(results, name) == 0
    pages = sorted((results / "book").rglob("*.html"))
    # one dataset per book: the lessons of this run; the exercises and solutions (their stored
    # outputs are on the shipped data) stay out
    lessons = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(p.name for p in pages) == sorted(["index.html"] + [f"{p.stem}.html" for p in lessons])
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert f"Data: class_survey.csv (not the shipped data, {len(pd.read_csv(class_survey))} firms" in text
        assert f"Outputs: run {name} of kit.py replicate" in text
        assert "The data are synthetic" not in text  # the banner only when that is true
        for machine_path in (str(ROOT), str(results), str(class_survey.parent), str(Path.home())):
            assert machine_path not in text, (page.name, machine_path)
    # the injected parameter keeps the file's name, not its folder on this machine
    injected = 'survey_file</span> <span class="o">=</span> <span class="s1">\'class_survey.csv\'</span>'
    assert injected in (results / "book" / "03_diagnostics.html").read_text(encoding="utf-8")


def test_a_bad_file_stops_before_any_notebook_runs(class_survey, tmp_path):
    table = pd.read_csv(class_survey, dtype=str, keep_default_na=False)
    table.loc[2, "mr_1"] = "6"
    bad = tmp_path / "bad.csv"
    table.to_csv(bad, index=False)
    result = replicate(bad, tmp_path / "results")
    assert result.returncode == 1
    assert "row 3 (file line 4), column 'mr_1': found '6'" in result.stdout
    assert not (tmp_path / "results" / "runs").exists()  # no run started
    [problems_file] = (tmp_path / "results" / "failed").glob("bad-*/survey_problems.csv")
    problems = pd.read_csv(problems_file, dtype=str)
    assert problems[["row", "column", "value"]].values.tolist() == [["3", "mr_1", "6"]]
    assert str(problems_file) in result.stdout


def lesson_with_survey_file(tmp_path, lesson, survey_file):
    """A copy of a lesson, beside the original, whose survey_file parameter names ``survey_file``."""
    notebook = nbformat.read(ROOT / "notebooks" / lesson, as_version=4)
    parameters = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(parameters) == 1 and "\nsurvey_file = None\n" in parameters[0].source
    parameters[0].source = parameters[0].source.replace(
        "survey_file = None", f"survey_file = {str(survey_file)!r}"
    )
    path = tmp_path / lesson
    nbformat.write(notebook, path)
    return path


def test_every_notebook_that_reads_the_survey_has_the_survey_file_and_missing_answers_parameters():
    notebooks = ROOT / "notebooks"
    lessons_and_exercises = [
        *sorted(notebooks.glob("0[1-9]_*.ipynb")),
        *sorted((notebooks / "solutions").glob("0[1-9]_*.ipynb")),
        *sorted((notebooks / "exercises").glob("0[1-9]_*.ipynb")),
    ]
    assert len(lessons_and_exercises) == 24
    for lesson in lessons_and_exercises:
        notebook = nbformat.read(lesson, as_version=4)
        parameters = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
        assert len(parameters) == 1, lesson.name
        lines = parameters[0].source.splitlines()
        comments = [line for line in lines if line.startswith("#")]
        survey_file, missing_answers, *lesson_parameters = [
            line for line in lines if not line.startswith("#")
        ]
        assert survey_file == "survey_file = None" and missing_answers == 'missing_answers = "refuse"'
        assert lines[: len(comments)] == comments and all(line.startswith("# ") for line in comments)
        # a lesson's own parameters (lesson 08's replications) come after the two every lesson has
        assert all(re.fullmatch(r"[a-z_]+ = \S.*", line) for line in lesson_parameters), lesson.name
        assert "ruff" not in parameters[0].source, lesson.name  # the exercises' lint note goes on the setup
        setup = next(  # the first code cell after otter's init cell (grader = otter.Notebook(...))
            cell
            for cell in notebook.cells
            if cell.cell_type == "code" and cell is not parameters[0] and "otter.Notebook(" not in cell.source
        )
        assert "lesson = notebook.setup(survey_file, missing_answers)" in setup.source, lesson.name


def test_the_notebook_parameter_chooses_the_file_and_a_bad_one_stops_with_its_error(
    class_survey, tmp_path, monkeypatch
):
    """What an instructor does in JupyterLab: set survey_file in a lesson's parameter cell."""
    monkeypatch.setenv("KIT_RESULTS_DIR", str(tmp_path / "results"))
    table = pd.read_csv(class_survey, dtype=str, keep_default_na=False)
    table.loc[4, "gl_2"] = "often"
    bad = tmp_path / "bad.csv"
    table.to_csv(bad, index=False)
    good_lesson = lesson_with_survey_file(tmp_path, "01_questionnaire_and_data.ipynb", class_survey)
    bad_lesson = lesson_with_survey_file(tmp_path, "02_descriptives.ipynb", bad)
    with KernelSession() as session:  # one kernel for both, as replicate does
        good = session.run(good_lesson, tmp_path / "good.ipynb")
        bad_run = session.run(bad_lesson, tmp_path / "bad.ipynb")
    assert good[0] == "ok", good[2]
    assert "your survey file class_survey.csv" in (tmp_path / "good.ipynb").read_text(encoding="utf-8")
    status, _, detail = bad_run
    assert status == "FAILED"
    assert "SurveyValidationError" in detail and "row 5 (file line 6), column 'gl_2': found 'often'" in detail


def test_a_lesson_without_a_survey_file_analyses_the_shipped_data_even_after_another_survey(
    class_survey, tmp_path, monkeypatch
):
    """Two lessons in one reused kernel: the first on a class survey (its parameter cell), the
    second with survey_file = None. Nothing may carry over: the second analyses the shipped data."""
    monkeypatch.setenv("KIT_RESULTS_DIR", str(tmp_path / "results"))
    first = lesson_with_survey_file(tmp_path, "01_questionnaire_and_data.ipynb", class_survey)
    second = tmp_path / "second" / "03_diagnostics.ipynb"
    second.parent.mkdir()
    second.write_bytes((ROOT / "notebooks" / "03_diagnostics.ipynb").read_bytes())
    with KernelSession() as session:
        assert session.run(first, tmp_path / "first.ipynb")[0] == "ok"
        status, _, detail = session.run(second, tmp_path / "second.ipynb")
    assert status == "ok", detail
    assert "your survey file class_survey.csv" in (tmp_path / "first.ipynb").read_text(encoding="utf-8")
    text = (tmp_path / "second.ipynb").read_text(encoding="utf-8")
    assert "the kit's synthetic dataset data/sme_kerala_survey.csv (190 firms)" in text
    assert "class_survey.csv (" not in text and str(class_survey) not in text
    # and its numbers are the shipped data's: the stored lesson shows the same normality table
    executed = nbformat.read(tmp_path / "second.ipynb", as_version=4)
    stored = nbformat.read(ROOT / "notebooks" / "03_diagnostics.ipynb", as_version=4)
    assert executed.cells[5].outputs == stored.cells[5].outputs
