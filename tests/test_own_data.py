"""An instructor's own survey: every notebook reruns on it, and a bad file stops before any runs.

The "own" file is a second synthetic dataset from the kit's generator with another seed.
"""

import os
import subprocess
import sys

import pandas as pd
import pytest

from helpers import settings, synthetic

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


@pytest.fixture(scope="module")
def class_survey(tmp_path_factory):
    path = tmp_path_factory.mktemp("class") / "class_survey.csv"
    synthetic.write_survey(path, seed=7)
    return path


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


def test_a_bad_file_stops_before_any_notebook_runs(class_survey, tmp_path):
    table = pd.read_csv(class_survey, dtype=str, keep_default_na=False)
    table.loc[2, "mr_1"] = "6"
    bad = tmp_path / "bad.csv"
    table.to_csv(bad, index=False)
    result = replicate(bad, tmp_path / "results")
    assert result.returncode == 1
    assert "row 3 (file line 4), column 'mr_1': found '6'" in result.stdout
    assert not (tmp_path / "results" / "notebooks").exists()
