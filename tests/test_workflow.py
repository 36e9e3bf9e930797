"""The GitHub workflow for forks runs the README's test command on Python 3.11 on Linux, Windows, macOS,
and on the newer Pythons the kit supports on Linux."""

import re

import pytest

from helpers import settings
from tools import environment

ROOT = settings.REPO_ROOT


def test_workflow_runs_the_readme_test_command_on_three_systems():
    yaml = pytest.importorskip("yaml", reason="needs PyYAML (installed with Jupyter) to parse the workflow")
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8"))
    [job] = workflow["jobs"].values()
    assert job["runs-on"] == "${{ matrix.os }}"
    matrix = job["strategy"]["matrix"]
    assert matrix["os"] == ["ubuntu-latest", "windows-latest", "macos-latest"]
    assert matrix["python"] == ["3.11"]
    newer = [(entry["os"], entry["python"]) for entry in matrix["include"]]
    assert ["3.11", *(python for _, python in newer)] == list(environment.TESTED)
    assert all(system == "ubuntu-latest" for system, _ in newer)
    assert job["strategy"]["fail-fast"] is False
    triggers = workflow[True]  # PyYAML reads the key `on` as True
    assert {"push", "pull_request", "workflow_dispatch", "schedule"} <= set(triggers)
    steps = job["steps"]
    [checkout] = [step for step in steps if step.get("uses", "").startswith("actions/checkout@")]
    assert "core.autocrlf false" in steps[steps.index(checkout) - 1]["run"]  # files byte for byte on Windows
    [python] = [step for step in steps if step.get("uses", "").startswith("actions/setup-python@")]
    assert python["with"]["python-version"] == "${{ matrix.python }}"
    [chromium] = [step for step in steps if "chromium" in step.get("run", "")]
    assert chromium["if"] == "runner.os == 'Linux'"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = re.search(r"^python3 (kit\.py test)\b", readme, flags=re.MULTILINE).group(1)
    # `python`, not `python3`: setup-python provides no python3 on Windows
    assert steps[-1]["run"] == f"python {test_command}"
