"""The GitHub workflow for forks runs exactly the README's test command on Python 3.11."""

import re

import pytest

from helpers import settings

ROOT = settings.REPO_ROOT


def test_workflow_runs_the_readme_test_command():
    yaml = pytest.importorskip("yaml", reason="needs PyYAML (installed with Jupyter) to parse the workflow")
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8"))
    [job] = workflow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    steps = job["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    [python] = [step for step in steps if step.get("uses", "").startswith("actions/setup-python@")]
    assert str(python["with"]["python-version"]) == "3.11"
    assert any("chromium" in step.get("run", "") for step in steps)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = re.search(r"^(python3 kit\.py test)\b", readme, flags=re.MULTILINE).group(1)
    assert steps[-1]["run"] == test_command
