"""Where the kit's files are, where generated output goes, and the one seed it uses.

Raw data are only ever read. Which survey a lesson analyses is not a setting: it travels with
the data (``helpers.survey.load_survey`` records the file's identity on the table it returns).
``KIT_RESULTS_DIR`` (read once, when a lesson starts) redirects the generated output.
The kit runs from a checkout (data/ beside helpers/) or installed as a package (the data inside
it, as helpers/data); the paths below are right in both.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# In a checkout the data are the folder data/ beside helpers/. The kit installed as a package
# (pip install from a wheel, as on Colab) has no checkout around it: the wheel carries the same
# files inside the package, as helpers/data (pyproject.toml, [tool.setuptools]).
PACKAGED_DATA_DIR = Path(__file__).resolve().parent / "data"
INSTALLED_AS_PACKAGE = PACKAGED_DATA_DIR.is_dir()
DATA_DIR = PACKAGED_DATA_DIR if INSTALLED_AS_PACKAGE else REPO_ROOT / "data"
PUBLISHED_DIR = DATA_DIR / "published"
SHIPPED_SURVEY_FILE = DATA_DIR / "sme_kerala_survey.csv"

# The one seed of the kit: the synthetic data generator, bootstraps and simulations start here.
SEED = 20240190


def results_root() -> Path:
    """The folder for generated output: ``KIT_RESULTS_DIR`` if set, else ``results/`` in the
    kit's folder (installed as a package, where that folder is Python's own: ``results/`` in the
    current folder, the notebook's)."""
    default = Path.cwd() / "results" if INSTALLED_AS_PACKAGE else REPO_ROOT / "results"
    return Path(os.environ.get("KIT_RESULTS_DIR", default)).resolve()


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
