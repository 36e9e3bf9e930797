"""Fixtures several test files share."""

import importlib.util

import pytest

from helpers import settings, synthetic


@pytest.fixture(scope="session")
def kit():
    """kit.py, the command runner, imported as a module."""
    spec = importlib.util.spec_from_file_location("kit", settings.REPO_ROOT / "kit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def class_survey(tmp_path_factory):
    """An instructor's own survey: the kit's generator with another seed. Tests only read it."""
    path = tmp_path_factory.mktemp("class") / "class_survey.csv"
    synthetic.write_survey(path, seed=7)
    return path


@pytest.fixture(scope="session")
def battery(tmp_path_factory):
    """The shipped survey and the battery of class surveys (tests/survey_battery.py), analysed."""
    from battery_results import analyse_battery

    return analyse_battery(tmp_path_factory.mktemp("battery"))
