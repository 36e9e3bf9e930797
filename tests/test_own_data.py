"""An instructor's own survey: every notebook reruns on it, and a bad file stops before any runs.

The "own" file is a second synthetic dataset from the kit's generator with another seed.
"""

import os
import subprocess
import sys

import nbformat
import pandas as pd

from helpers import settings

ROOT = settings.REPO_ROOT


def replicate(data, results):
    environment = {**os.environ, "KIT_NO_VENV": "1", "KIT_RESULTS_DIR": str(results)}
    environment.pop("KIT_SURVEY_FILE", None)
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
        assert "notebook.setup(survey_file)" in setup.source, lesson.name


def test_the_notebook_parameter_chooses_the_file_and_a_bad_one_stops_with_its_error(
    kit, class_survey, tmp_path, monkeypatch
):
    """What an instructor does in JupyterLab: set survey_file in a lesson's parameter cell."""
    monkeypatch.delenv("KIT_SURVEY_FILE", raising=False)
    monkeypatch.setenv("KIT_RESULTS_DIR", str(tmp_path / "results"))
    table = pd.read_csv(class_survey, dtype=str, keep_default_na=False)
    table.loc[4, "gl_2"] = "often"
    bad = tmp_path / "bad.csv"
    table.to_csv(bad, index=False)
    good_lesson = lesson_with_survey_file(tmp_path, "01_questionnaire_and_data.ipynb", class_survey)
    bad_lesson = lesson_with_survey_file(tmp_path, "02_descriptives.ipynb", bad)
    with kit.KernelSession() as session:  # one kernel for both, as replicate does
        good = session.run(good_lesson, tmp_path / "good.ipynb")
        bad_run = session.run(bad_lesson, tmp_path / "bad.ipynb")
    assert good[0] == "ok", good[2]
    assert "your survey file class_survey.csv" in (tmp_path / "good.ipynb").read_text(encoding="utf-8")
    status, _, detail = bad_run
    assert status == "FAILED"
    assert "SurveyValidationError" in detail and "row 5 (file line 6), column 'gl_2': found 'often'" in detail
