"""The repository launches on Binder: repo2docker builds it from environment.yml and runs postBuild.

Binder's builder, repo2docker, reads the configuration files at the top of the repository (a
``binder/`` or ``.binder/`` folder would hide them). Its detection and the Dockerfile it would
build are checked without Docker (``--no-build``). Those checks are skipped when repo2docker is not
installed (``pip install jupyter-repo2docker``); the others always run.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import pytest

from helpers import settings

ROOT = settings.REPO_ROOT
FIRST_NOTEBOOK = "notebooks/00_the_study.ipynb"

needs_repo2docker = pytest.mark.skipif(
    importlib.util.find_spec("repo2docker") is None,
    reason="repo2docker is not installed (pip install jupyter-repo2docker): Binder detection not checked",
)


def test_postbuild_installs_the_kit_without_touching_the_pins():
    post_build = ROOT / "postBuild"
    lines = [line.strip() for line in post_build.read_text().splitlines()]
    assert lines[0].startswith("#!")
    assert "pip install --no-deps -e ." in lines
    assert os.access(post_build, os.X_OK), "postBuild must be executable"


def test_postbuild_leaves_out_the_packages_kit_py_leaves_out(kit):
    """Binder's environment gets the same slimming as kit.py's .venv (kit.SLOW_UNUSED_PACKAGES)."""
    lines = [line.strip() for line in (ROOT / "postBuild").read_text().splitlines()]
    for package in kit.SLOW_UNUSED_PACKAGES:
        assert f"pip uninstall -y {package}" in lines


def test_the_configuration_is_where_binder_looks_for_it():
    # a binder/ or .binder/ folder would make repo2docker ignore the top-level environment.yml
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    assert (ROOT / "environment.yml").is_file()


def test_readme_binder_badge_opens_the_first_notebook_in_jupyterlab():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    badge = re.search(r"\(https://mybinder\.org/v2/gh/([^)\s]+)\)", readme)
    assert badge, "README.md has no Binder launch link"
    assert badge.group(1).endswith(f"?urlpath=lab/tree/{FIRST_NOTEBOOK}")
    assert (ROOT / FIRST_NOTEBOOK).is_file()


@needs_repo2docker
@pytest.mark.filterwarnings("ignore:pythonjsonlogger.jsonlogger has been moved:DeprecationWarning")
def test_repo2docker_picks_the_conda_buildpack_and_postbuild():
    from repo2docker.app import Repo2Docker
    from repo2docker.utils import chdir

    app = Repo2Docker()
    with chdir(str(ROOT)):  # detection reads the files of the current directory, as in a build
        detected = next(bp for BP in app.buildpacks if (bp := BP(base_image=app.base_image)).detect())
        assert type(detected).__name__ == "CondaBuildPack"
        assert detected.environment_yaml_path == "environment.yml"
        assert detected.python_version == "3.11"
        assert detected.get_post_build_scripts() == ["postBuild"]


@needs_repo2docker
def test_repo2docker_dry_run_installs_environment_yml_then_runs_postbuild():
    command = [sys.executable, "-m", "repo2docker", "--no-build", "--no-run"]
    command += ["--user-id", "1000", "--user-name", "jovyan", str(ROOT)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    dockerfile = result.stdout
    assert "Building conda environment for python=3.11" in result.stderr
    assert re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment\.yml"', dockerfile)
    assert "RUN ./postBuild" in dockerfile
    assert dockerfile.index("environment.yml") < dockerfile.index("RUN ./postBuild")
