"""Where the kit's files are, where generated output goes, and the one seed it uses.

Raw data are only ever read. Which survey a lesson analyses is not a setting: it travels with
the data (``helpers.survey.load_survey`` records the file's identity on the table it returns).
``KIT_RESULTS_DIR`` (read once, when a lesson starts) redirects the generated output.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"
PUBLISHED_DIR = DATA_DIR / "published"
SHIPPED_SURVEY_FILE = DATA_DIR / "sme_kerala_survey.csv"

# The one seed of the kit: the synthetic data generator, bootstraps and simulations start here.
SEED = 20240190


def results_root() -> Path:
    """The folder for generated output: ``KIT_RESULTS_DIR`` if set, else ``results/``."""
    return Path(os.environ.get("KIT_RESULTS_DIR", REPO_ROOT / "results")).resolve()


def results_dir(kind: str = "", root: Path | None = None) -> Path:
    """A folder for generated output (``tables``, ``figures``, ``notebooks``), created on use."""
    folder = (results_root() if root is None else Path(root)) / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def inside_a_notebook() -> bool:
    """True in a Jupyter kernel (where figures are shown and progress bars stay off, so that no
    timing lands in a stored output)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None
