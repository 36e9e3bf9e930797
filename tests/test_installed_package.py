"""The kit installed as a package, with no checkout around it: what a student on Google Colab has
after the lesson's first cell (``pip install "sme-kerala-kit @ git+https://github.com/..."``),
with the notebooks opened from GitHub.

The fast tests check that the wheel's configuration ships every subpackage of helpers/ and every
data file, and that helpers.settings finds the shipped survey and published values in both
layouts (a checkout: data/ beside helpers/; installed: helpers/data). The slow test builds the
wheel from the working tree, installs it (not editable) with the runtime lock into a fresh
Python 3.12 virtual environment, and runs lessons 01 and 04 from a copy of the notebooks folder
alone: it needs the package index and takes minutes, so it runs only with KIT_SLOW_TESTS=1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import nbformat
import pytest

from helpers import settings

ROOT = settings.REPO_ROOT
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
LESSONS = ("01_questionnaire_and_data.ipynb", "04_path_analysis.ipynb")
WHEEL_SOURCES = ("pyproject.toml", "README.md", "LICENSE", "helpers", "data")  # what the wheel is built from
PYTHON_312 = Path(os.environ.get("KIT_PYTHON_3_12", "/root/.pyenv/versions/3.12.1/bin/python"))
PIP_QUIET = ("-m", "pip", "--disable-pip-version-check", "-q")


def clean_environment(**extra: str) -> dict[str, str]:
    """The environment of a process that must see only what is installed: no PYTHONPATH (kit.py
    puts the checkout there), no results folder chosen by the test session, no active venv."""
    dropped = ("PYTHONPATH", "KIT_RESULTS_DIR", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONSTARTUP")
    return {key: value for key, value in os.environ.items() if key not in dropped} | extra


# ---- the wheel's configuration -----------------------------------------------------------------


def test_the_wheel_ships_every_subpackage_of_helpers():
    subpackages = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "helpers").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert set(SETUPTOOLS["packages"]) == subpackages | {"helpers.data"}


def test_the_wheel_ships_every_data_file_inside_the_package_as_helpers_data():
    assert SETUPTOOLS["package-dir"] == {"helpers.data": "data"}
    data = ROOT / "data"
    shipped = {path for pattern in SETUPTOOLS["package-data"]["helpers.data"] for path in data.glob(pattern)}
    every_file = {path for path in data.rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    assert every_file - shipped == set(), "data files the wheel would leave out"
    assert settings.SHIPPED_SURVEY_FILE in shipped and (data / "codebook.csv") in shipped
    assert set((data / "published").glob("*.csv")) <= shipped


# ---- helpers.settings in both layouts ----------------------------------------------------------


def test_in_a_checkout_the_data_are_beside_helpers_and_results_go_to_its_results_folder(monkeypatch):
    assert not settings.INSTALLED_AS_PACKAGE
    monkeypatch.delenv("KIT_RESULTS_DIR", raising=False)
    assert settings.results_root() == ROOT / "results"
    assert settings.DATA_DIR == ROOT / "data"
    assert settings.SHIPPED_SURVEY_FILE == ROOT / "data" / "sme_kerala_survey.csv"
    assert settings.PUBLISHED_DIR == ROOT / "data" / "published"


WHAT_THE_PACKAGE_SEES = """
import json, helpers
from helpers import published, settings
from helpers.survey import load_survey
survey = load_survey()
print(json.dumps({
    "helpers": helpers.__file__,
    "installed": settings.INSTALLED_AS_PACKAGE,
    "survey_file": str(settings.SHIPPED_SURVEY_FILE),
    "published": str(settings.PUBLISHED_DIR),
    "results": str(settings.results_root()),
    "describe": survey.attrs["source"].describe(),
    "firms": int(published.fact("n_firms")),
}))
"""


def test_installed_as_a_package_the_data_are_inside_it_and_results_go_to_the_current_folder(tmp_path):
    """The installed layout, laid out by hand (as pip installs the wheel): site/helpers/ with
    the data in site/helpers/data/, and no checkout anywhere near."""
    site, work = tmp_path / "site-packages", tmp_path / "course" / "notebooks"
    ignored = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "helpers", site / "helpers", ignore=ignored)
    shutil.copytree(ROOT / "data", site / "helpers" / "data", ignore=ignored)
    work.mkdir(parents=True)
    answer = subprocess.run(
        [sys.executable, "-c", WHAT_THE_PACKAGE_SEES],
        cwd=work,
        env=clean_environment(PYTHONPATH=str(site)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert answer.returncode == 0, answer.stderr
    seen = json.loads(answer.stdout)
    assert seen["helpers"] == str(site / "helpers" / "__init__.py")
    assert seen["installed"] is True
    assert seen["survey_file"] == str(site / "helpers" / "data" / "sme_kerala_survey.csv")
    assert seen["published"] == str(site / "helpers" / "data" / "published")
    assert seen["results"] == str(work / "results")  # never into site-packages
    assert seen["describe"].startswith(
        "Data: the kit's synthetic dataset data/sme_kerala_survey.csv (190 firms)"
    )
    assert seen["firms"] == 190


# ---- a fresh Python 3.12 with the kit installed from its wheel (slow, needs the index) ---------


def index_reachable() -> bool:
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
    try:
        with urllib.request.urlopen(f"{index}/pip/", timeout=10) as response:
            return response.status == 200
    except OSError:
        return False


slow = pytest.mark.skipif(
    os.environ.get("KIT_SLOW_TESTS") != "1",
    reason="slow (5 to 7 minutes, needs the package index): KIT_SLOW_TESTS=1",
)

RUN_LESSONS = """
import sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

for name in sys.argv[1:]:
    path = Path(name).resolve()
    lesson = nbformat.read(path, as_version=4)
    where = "import helpers, sys\\nprint(helpers.__file__)\\nprint(sys.executable)"
    lesson.cells.append(nbformat.v4.new_code_cell(where, metadata={"tags": ["where-from"]}))
    start = time.monotonic()
    folder = {"metadata": {"path": str(path.parent)}}
    NotebookClient(lesson, timeout=900, kernel_name="python3", resources=folder).execute()
    nbformat.write(lesson, path.with_name(path.stem + ".executed.ipynb"))
    print(path.name, round(time.monotonic() - start, 1))
"""


def compared_outputs(cell) -> list[tuple[str, str]]:
    """What nbval compares of a cell's outputs, as text (figures left aside)."""
    outputs = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            outputs.append((output["name"], output["text"]))
        elif output["output_type"] in ("execute_result", "display_data"):
            outputs += [
                (kind, output["data"][kind])
                for kind in ("text/plain", "text/markdown")
                if kind in output["data"]
            ]
        elif output["output_type"] == "error":
            outputs.append(("error", f"{output['ename']}: {output['evalue']}"))
    return outputs


def run(command: list[str], timings: dict[str, float], step: str, **options) -> subprocess.CompletedProcess:
    start = time.monotonic()
    answer = subprocess.run(command, capture_output=True, text=True, **options)
    timings[step] = round(time.monotonic() - start, 1)
    assert answer.returncode == 0, f"{step} failed:\n{answer.stdout[-3000:]}\n{answer.stderr[-3000:]}"
    return answer


@slow
@pytest.mark.skipif(not PYTHON_312.is_file(), reason=f"no Python 3.12 at {PYTHON_312} (KIT_PYTHON_3_12)")
def test_lessons_01_and_04_run_in_a_fresh_python_312_with_the_kit_installed_from_its_wheel(tmp_path):
    if not index_reachable():
        pytest.skip("the package index is not reachable")
    timings: dict[str, float] = {}
    environment = clean_environment()
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    run([str(PYTHON_312), "-m", "venv", str(venv)], timings, "venv", env=environment)
    assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()
    lock = ROOT / "requirements.lock"
    install_lock = [str(python), *PIP_QUIET, "install", "--no-deps", "--require-hashes", "-r", str(lock)]
    run(install_lock, timings, "install requirements.lock", env=environment, timeout=1800)

    # The wheel, from the working tree's files (copied, so that no build/ folder lands in the
    # checkout). Build isolation fetches setuptools>=77 (pyproject's build-system) from the index.
    source = tmp_path / "source"
    for name in WHEEL_SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    build = [str(python), *PIP_QUIET, "wheel", "--no-deps", str(source), "-w", str(wheels)]
    run(build, timings, "build the wheel", env=environment, timeout=600)
    [wheel] = wheels.glob("sme_kerala_kit-*.whl")
    run(
        [str(python), *PIP_QUIET, "install", "--no-deps", str(wheel)],
        timings,
        "install the wheel",
        env=environment,
    )
    site = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            {},
            "site",
            env=environment,
        ).stdout.strip()
    )
    assert (site / "helpers" / "data" / "sme_kerala_survey.csv").is_file()
    assert not (site / "helpers" / "data" / "__init__.py").exists()

    # Only the notebooks folder, far from the checkout; the kernel is the fresh environment's.
    notebooks = tmp_path / "course" / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    runner = tmp_path / "run_lessons.py"
    runner.write_text(RUN_LESSONS, encoding="utf-8")
    answer = run(
        [str(python), str(runner), *LESSONS],
        timings,
        "run lessons 01 and 04",
        cwd=notebooks,
        env=environment,
        timeout=1800,
    )
    for line in answer.stdout.splitlines():
        name, seconds = line.rsplit(" ", 1)
        timings[f"  {name}"] = float(seconds)
    print("\nfresh Python 3.12, kit from its wheel, seconds:", json.dumps(timings, indent=1))

    for name in LESSONS:
        stored = nbformat.read(notebooks / name, as_version=4)
        executed = nbformat.read(notebooks / name.replace(".ipynb", ".executed.ipynb"), as_version=4)
        [(_, where_from)] = compared_outputs(executed.cells[-1])
        helpers_file, kernel_python = where_from.split()
        assert helpers_file == str(site / "helpers" / "__init__.py") and kernel_python.startswith(str(venv))
        for number, (before, after) in enumerate(zip(stored.cells, executed.cells)):
            if before.cell_type != "code" or "nbval-ignore-output" in before.metadata.get("tags", []):
                continue
            assert compared_outputs(after) == compared_outputs(before), f"{name}, cell {number}"
        [(_, stamp)] = compared_outputs(executed.cells[-2])  # the lesson's environment stamp
        assert re.search(r"^python\s+3\.12\.", stamp, re.MULTILINE), stamp
        said = "".join(text for cell in executed.cells for _, text in compared_outputs(cell))
        assert "Data: the kit's synthetic dataset data/sme_kerala_survey.csv (190 firms)" in said
    results = notebooks / "results"  # the notebook's folder, since the package has none of its own
    assert (results / "tables" / "table5_paths.csv").is_file()
    assert (results / "figures" / "figure2_path_diagram_standardized.png").is_file()
    assert not (site / "results").exists()
