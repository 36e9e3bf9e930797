"""Where the kit reads its data and writes its results, and the one seed it uses.

Two environment variables let an instructor redirect the kit without editing code:
``KIT_SURVEY_FILE`` (a survey export with the same instrument) and ``KIT_RESULTS_DIR``
(where tables, figures and executed notebooks go). Raw data is only ever read.
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


def survey_file() -> Path:
    """The survey the notebooks analyse: ``KIT_SURVEY_FILE`` if set, else the shipped data."""
    return Path(os.environ.get("KIT_SURVEY_FILE", SHIPPED_SURVEY_FILE))


def use_survey_file(path: str | os.PathLike) -> Path:
    """Point the kit at another survey file for the rest of this session (a notebook's
    ``survey_file`` parameter); a relative path is read from the current working directory."""
    chosen = Path(path).expanduser().resolve()
    if not chosen.is_file():
        raise FileNotFoundError(
            f"survey_file = {str(path)!r}: there is no file {chosen}. Expected the path of your "
            f"survey CSV, absolute or relative to this notebook's folder ({Path.cwd()}); "
            "survey_file = None analyses the kit's own synthetic data."
        )
    os.environ["KIT_SURVEY_FILE"] = str(chosen)
    return chosen


def using_shipped_data() -> bool:
    """True when the notebooks run on the kit's own dataset (so published values apply)."""
    return survey_file().resolve() == SHIPPED_SURVEY_FILE.resolve()


def results_dir(kind: str = "") -> Path:
    """A folder for generated output (``tables``, ``figures``, ``notebooks``), created on use."""
    root = Path(os.environ.get("KIT_RESULTS_DIR", REPO_ROOT / "results"))
    folder = root / kind if kind else root
    folder.mkdir(parents=True, exist_ok=True)
    return folder
