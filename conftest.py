"""Test-wide settings: generated output goes to a temporary folder, never into the repository.

(No MPLBACKEND here: notebook kernels inherit the environment, and they must keep Jupyter's
inline backend so that their stored figures are reproduced.)
"""

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Notebooks run by nbval inherit this, so tests never write into the repository's results/.
    if "KIT_RESULTS_DIR" not in os.environ:
        os.environ["KIT_RESULTS_DIR"] = tempfile.mkdtemp(prefix="kit-test-results-")
