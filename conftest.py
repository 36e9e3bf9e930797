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


# The slowest test files go first: with several workers (``kit.py test`` runs pytest-xdist with
# ``--dist loadfile``), a long file started last would leave one worker running alone at the end.
# Then the notebooks, then the many short unit-test files, which fill the gaps.
SLOWEST_FIRST = (
    "tests/test_own_data.py",
    "tests/test_battery_small_class.py",
    "tests/test_battery_lessons.py",
    "tests/test_runs.py",
    "tests/test_checkout.py",
    "tests/test_book.py",
    "tests/test_kit.py",
    "tests/test_statements_measurement.py",
    "tests/test_lesson_08_tools.py",
    "notebooks/0",
    "notebooks/solutions/",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::")[0]
        ranks = (i for i, start in enumerate(SLOWEST_FIRST) if path.startswith(start))
        return next(ranks, len(SLOWEST_FIRST))

    items.sort(key=rank)  # a stable sort: within a rank, the usual order
