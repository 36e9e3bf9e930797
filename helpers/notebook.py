"""Small conveniences the lesson notebooks share: display settings, saving tables, a version stamp."""

from __future__ import annotations

import platform
from importlib import metadata

import pandas as pd

from helpers import figures, settings

STAMPED_PACKAGES = ("numpy", "pandas", "scipy", "semopy", "statsmodels", "pingouin", "matplotlib", "seaborn")


def setup(survey_file: str | None = None) -> None:
    """Call once at the top of a notebook: stable table printing and the kit's figure theme.

    ``survey_file`` is the notebook's parameter: None keeps the survey the kit was pointed at
    (``kit.py replicate --data FILE``, else the shipped synthetic data); a path makes every
    helper in this notebook read that file instead.
    """
    if survey_file is not None:
        settings.use_survey_file(survey_file)
    pd.set_option("display.precision", 3)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 120)
    pd.set_option("display.max_colwidth", 80)
    figures.set_theme()


def describe_data(survey: pd.DataFrame) -> None:
    """Say which survey the notebook analyses, and how to read comparisons with the paper."""
    path = settings.survey_file()
    if settings.using_shipped_data():
        print(
            f"Data: the kit's synthetic dataset {path.parent.name}/{path.name} ({len(survey)} firms), "
            "built to match the paper's published values."
        )
    else:
        print(
            f"Data: your survey file {path.name} ({len(survey)} firms). Values the kit labels "
            "'reproduced' on its own data are labelled 'this survey' here: beside the paper's "
            "published values they describe your sample; they are not a replication check."
        )


OUR_VALUES = "reproduced"  # how the kit's tables name the values computed from the data
OTHER_SURVEY = "this survey"


def with_data_labels(table: pd.DataFrame) -> pd.DataFrame:
    """A table for display and saving, labelled for the data the notebook runs on.

    On the shipped data the kit reproduces the paper, and columns say "reproduced". On any other
    survey the same numbers describe that survey, not a reproduction, so "reproduced" becomes
    "this survey" (``frequency_reproduced`` -> ``frequency_this_survey``); nothing else changes.
    """
    if settings.using_shipped_data():
        return table

    def relabel(label):
        if not isinstance(label, str):
            return label
        underscored = OTHER_SURVEY.replace(" ", "_")
        return label.replace(f"_{OUR_VALUES}", f"_{underscored}").replace(OUR_VALUES, OTHER_SURVEY)

    return table.rename(columns=relabel)


def save_table(table: pd.DataFrame, name: str) -> None:
    """Write a table to results/tables/<name>.csv (generated output, never into data/), with
    the labels ``with_data_labels`` gives it for the survey analysed."""
    with_data_labels(table).to_csv(settings.results_dir("tables") / f"{name}.csv")


def environment_stamp() -> pd.DataFrame:
    """Python and package versions, for the last cell of every notebook (nbval ignores it)."""
    rows = [("python", platform.python_version())]
    rows += [(name, metadata.version(name)) for name in STAMPED_PACKAGES]
    return pd.DataFrame(rows, columns=["package", "version"]).set_index("package")
