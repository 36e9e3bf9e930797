"""Small conveniences the lesson notebooks share: display settings, saving tables, a version stamp."""

from __future__ import annotations

import platform
from importlib import metadata

import pandas as pd

from helpers import figures, settings

STAMPED_PACKAGES = ("numpy", "pandas", "scipy", "semopy", "statsmodels", "pingouin", "matplotlib", "seaborn")


def setup() -> None:
    """Call once at the top of a notebook: stable table printing and the kit's figure theme."""
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
            f"Data: your survey file {path.name} ({len(survey)} firms). Where a table puts the paper's "
            "published values beside these data, the differences describe your sample; "
            "they are not a replication check."
        )


def save_table(table: pd.DataFrame, name: str) -> None:
    """Write a table to results/tables/<name>.csv (generated output, never into data/)."""
    table.to_csv(settings.results_dir("tables") / f"{name}.csv")


def environment_stamp() -> pd.DataFrame:
    """Python and package versions, for the last cell of every notebook (nbval ignores it)."""
    rows = [("python", platform.python_version())]
    rows += [(name, metadata.version(name)) for name in STAMPED_PACKAGES]
    return pd.DataFrame(rows, columns=["package", "version"]).set_index("package")
