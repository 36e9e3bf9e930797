"""The repository launches on Binder: repo2docker builds it from environment.yml and runs postBuild.

Binder's builder, repo2docker, reads the configuration files at the top of the repository (a
``binder/`` or ``.binder/`` folder would hide them). Its detection and the Dockerfile it would
build are checked without Docker (``--no-build``). Those checks are skipped when repo2docker is not
installed (it is in the dev lock) and on Windows, which repo2docker does not support (Binder builds
on Linux); the others always run.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import pytest

from helpers import settings
from tools import lock

ROOT = settings.REPO_ROOT
FIRST_NOTEBOOK = "notebooks/00_the_study.ipynb"

needs_repo2docker = pytest.mark.skipif(
    sys.platform == "win32" or importlib.util.find_spec("repo2docker") is None,
    reason="repo2docker is not installed, or this is Windows, which it does not support: Binder not checked",
)


def test_postbuild_installs_the_kit_without_touching_the_pins():
    post_build = ROOT / "postBuild"
    lines = [line.strip() for line in post_build.read_text(encoding="utf-8").splitlines()]
    assert lines[0].startswith("#!")
    assert "pip install --no-deps -e ." in lines
    assert os.access(post_build, os.X_OK), "postBuild must be executable"  # (always true on Windows)


def lock_names(path) -> set[str]:
    return {line.split("==")[0].lower() for line in lock.requirement_lines(path.read_text(encoding="utf-8"))}


def test_the_locks_and_postbuild_leave_out_the_slow_unused_packages():
    """The locks never name tools/lock.py's LEFT_OUT packages, so kit.py's .venv never has them. Binder's
    conda installs environment.yml's pins with their dependencies, which bring them back: postBuild
    removes them."""
    assert lock.LEFT_OUT == ("rfc3987-syntax", "lark")
    for path in (lock.RUNTIME_LOCK, lock.DEV_LOCK):
        assert not lock_names(path) & set(lock.LEFT_OUT), path.name
    lines = (ROOT / "postBuild").read_text(encoding="utf-8").splitlines()
    [uninstall] = [line.split() for line in lines if line.startswith("pip uninstall -y ")]
    assert set(uninstall[3:]) == set(lock.LEFT_OUT)


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
