"""An instructor's own survey: every notebook reruns on it, and a bad file stops before any runs.

The "own" file is a second synthetic dataset from the kit's generator with another seed.
"""

import os
import subprocess
import sys

import nbformat
import pandas as pd

from helpers import settings
from tools.notebook_runner import INJECTED_TAG, KernelSession

ROOT = settings.REPO_ROOT


def replicate(data, results):
    environment = {**os.environ, "KIT_NO_VENV": "1", "KIT_RESULTS_DIR": str(results)}
    return subprocess.run(
        [sys.executable, str(ROOT / "kit.py"), "replicate", "--data", str(data), "--workers", "1"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
    )


def test_every_notebook_reruns_on_another_survey(class_survey, tmp_path):
    before = class_survey.read_bytes()
    result = replicate(class_survey, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "all notebooks ran" in result.stdout
    executed = sorted(p.name for p in (tmp_path / "notebooks").glob("*.ipynb"))
    assert executed == [p.name for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    assert class_survey.read_bytes() == before  # the instructor's file is never touched
    # the notebooks analysed the class file, and said so
    notebook_text = (tmp_path / "notebooks" / "02_descriptives.ipynb").read_text(encoding="utf-8")
    assert "your survey file class_survey.csv" in notebook_text
    # comparisons with the paper are relabelled: the class's values are not a reproduction
    comparison = pd.read_csv(tmp_path / "tables" / "tables2to5_published_vs_reproduced.csv", index_col=0)
    assert {"this survey", "published"} <= set(comparison.columns) and "reproduced" not in comparison.columns
    path_analysis = (tmp_path / "notebooks" / "04_path_analysis.ipynb").read_text(encoding="utf-8")
    assert "this survey" in path_analysis
    # each executed lesson records the file it ran on, in papermill's injected-parameters cell
    lesson = nbformat.read(tmp_path / "notebooks" / "03_diagnostics.ipynb", as_version=4)
    injected = [c for c in lesson.cells if INJECTED_TAG in c.metadata.get("tags", [])]
    assert len(injected) == 1 and f"survey_file = {str(class_survey)!r}" in injected[0].source


def test_a_bad_file_stops_before_any_notebook_runs(class_survey, tmp_path):
    table = pd.read_csv(class_survey, dtype=str, keep_default_na=False)
    table.loc[2, "mr_1"] = "6"
    bad = tmp_path / "bad.csv"
    table.to_csv(bad, index=False)
    result = replicate(bad, tmp_path / "results")
    assert result.returncode == 1
    assert "row 3 (file line 4), column 'mr_1': found '6'" in result.stdout
    assert not (tmp_path / "results" / "notebooks").exists()
    problems = pd.read_csv(tmp_path / "results" / "survey_problems.csv", dtype=str)
    assert problems[["row", "column", "value"]].values.tolist() == [["3", "mr_1", "6"]]
    assert "survey_problems.csv" in result.stdout


def lesson_with_survey_file(tmp_path, lesson, survey_file):
    """A copy of a lesson, beside the original, whose survey_file parameter names ``survey_file``."""
    notebook = nbformat.read(ROOT / "notebooks" / lesson, as_version=4)
    parameters = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(parameters) == 1 and parameters[0].source.rstrip().endswith("survey_file = None")
    parameters[0].source = parameters[0].source.replace(
        "survey_file = None", f"survey_file = {str(survey_file)!r}"
    )
    path = tmp_path / lesson
    nbformat.write(notebook, path)
    return path


def test_every_notebook_that_reads_the_survey_has_the_survey_file_parameter():
    notebooks = ROOT / "notebooks"
    lessons_and_exercises = [
        *sorted(notebooks.glob("0[1-9]_*.ipynb")),
        *sorted((notebooks / "solutions").glob("0[1-9]_*.ipynb")),
        *sorted((notebooks / "exercises").glob("0[1-9]_*.ipynb")),
    ]
    assert len(lessons_and_exercises) == 21
    for lesson in lessons_and_exercises:
        notebook = nbformat.read(lesson, as_version=4)
        parameters = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
        assert len(parameters) == 1, lesson.name
        *comments, assignment = parameters[0].source.splitlines()
        assert assignment == "survey_file = None" and all(line.startswith("# ") for line in comments)
        assert "ruff" not in parameters[0].source, lesson.name  # the exercises' lint note goes on the setup
        setup = next(
            cell for cell in notebook.cells if cell.cell_type == "code" and cell is not parameters[0]
        )
        assert "lesson = notebook.setup(survey_file)" in setup.source, lesson.name


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
