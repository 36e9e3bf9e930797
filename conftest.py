"""Test-wide settings: figures without a screen, generated output in a temporary folder."""

import os
import tempfile

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_configure(config: pytest.Config) -> None:
    # Notebooks run by nbval inherit this, so tests never write into the repository's results/.
    if "KIT_RESULTS_DIR" not in os.environ:
        os.environ["KIT_RESULTS_DIR"] = tempfile.mkdtemp(prefix="kit-test-results-")
