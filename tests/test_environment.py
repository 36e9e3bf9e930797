"""The environment is pinned exactly, and environment.yml agrees with requirements.txt."""

import importlib.util
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def requirement_lines(text: str) -> list[str]:
    lines = [line.split("#")[0].strip() for line in text.splitlines()]
    return [line for line in lines if line]


def pins_from_requirements() -> dict[str, str]:
    pins = {}
    for line in requirement_lines((ROOT / "requirements.txt").read_text()):
        name, _, version = line.partition("==")
        assert version, f"requirements.txt: {line!r} is not pinned with =="
        pins[name.lower()] = version
    return pins


def pins_from_environment_yml() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text()
    pip_block = text.split("- pip:", 1)[1]
    pins = {}
    for line in pip_block.splitlines():
        entry = line.strip()
        if entry.startswith("- "):
            name, _, version = entry[2:].partition("==")
            assert version, f"environment.yml: {entry!r} is not pinned with =="
            pins[name.lower()] = version
    return pins


def test_every_requirement_is_pinned_exactly():
    pins = pins_from_requirements()
    assert {"jupyterlab", "pandas", "semopy", "seaborn", "nbval"} <= set(pins)


def test_environment_yml_carries_the_same_pins_as_requirements():
    assert pins_from_environment_yml() == pins_from_requirements()


def test_environment_yml_names_the_python_version_the_kit_is_tested_on():
    assert "python=3.11" in (ROOT / "environment.yml").read_text()


@pytest.mark.parametrize("name,version", sorted(pins_from_requirements().items()))
def test_installed_version_matches_pin(name, version):
    assert metadata.version(name) == version


def test_the_slow_unused_iri_checker_is_left_out_of_the_kit_environment():
    """kit.py removes rfc3987-syntax after installing (about 2 s of import in every process that
    reads a notebook, for a JSON-schema format the kit never checks); nbformat still works."""
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip("only the kit's own .venv is set up by kit.py")
    import nbformat

    assert importlib.util.find_spec("rfc3987_syntax") is None
    assert nbformat.validate(nbformat.v4.new_notebook()) is None
