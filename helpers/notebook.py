"""What every lesson notebook does at its top and bottom: set up display, say which survey it
analyses, save its tables and figures, check exercise answers, stamp package versions.

    survey_file = None                       # the lesson's parameter cell, with
    missing_answers = "refuse"               # "listwise": leave out firms with blank answers
    lesson = notebook.setup(survey_file, missing_answers)   # display settings, the figure theme
    survey = lesson.survey                   # the survey, validated; None means the shipped file

A ``Lesson`` is built from the parameter alone: nothing is read from an environment variable or
left over from an earlier notebook in the same kernel, so ``survey_file = None`` always means the
kit's own synthetic data. (``kit.py replicate --data FILE`` writes ``survey_file = "FILE"`` into
the executed copies' parameter cell, as papermill does.)
"""

from __future__ import annotations

import os
import platform
from functools import cached_property
from importlib import metadata
from pathlib import Path

import pandas as pd

from helpers import figures, files, settings
from helpers.survey import SurveySource, load_survey, source_of

STAMPED_PACKAGES = ("numpy", "pandas", "scipy", "semopy", "statsmodels", "pingouin", "matplotlib", "seaborn")
OUR_VALUES = "reproduced"  # how the kit's tables name the values computed from the data
OTHER_SURVEY = "this survey"


class Lesson:
    """One lesson's data and outputs: the survey it analyses (``survey``, with its identity
    ``source``) and the folder its tables and figures go to (``results``)."""

    def __init__(
        self,
        survey_file: str | os.PathLike | None = None,
        results: Path | None = None,
        missing_answers: str = "refuse",
    ):
        self.survey_file = None if survey_file is None else _existing(survey_file)
        self.results = settings.results_root() if results is None else Path(results)
        self.missing_answers = missing_answers

    @cached_property
    def survey(self) -> pd.DataFrame:
        """The survey, checked against the instrument (``helpers.survey.load_survey``; blank
        answers refused, or their firms left out when ``missing_answers="listwise"``)."""
        return load_survey(self.survey_file, self.missing_answers)

    @cached_property
    def survey_with_blank_answers(self) -> pd.DataFrame:
        """The same file with every firm kept, blank Likert answers as missing values
        (``load_survey(..., missing_answers="keep")``), for full-information ML beside listwise
        deletion; ``survey`` still follows the lesson's own rule (and refuses blanks by default)."""
        surveyed = self.survey  # a file the lesson's rule refuses stops here
        return surveyed if self.missing_answers == "keep" else load_survey(self.survey_file, "keep")

    @property
    def source(self) -> SurveySource:
        """Which file the lesson analyses: path, SHA-256, firms, shipped or not."""
        return source_of(self.survey)

    def describe_data(self) -> None:
        """Say which survey the notebook analyses, and how to read comparisons with the paper."""
        print(self.source.describe())

    def labelled(self, table: pd.DataFrame) -> pd.DataFrame:
        """``with_data_labels`` for this lesson's survey."""
        return with_data_labels(table, self.source)

    def save_table(self, table: pd.DataFrame, name: str) -> None:
        """Write a table to <results>/tables/<name>.csv (never into data/), labelled for the survey;
        atomically, so an interrupted run never leaves half a table."""
        with files.atomic_path(settings.results_dir("tables", self.results) / f"{name}.csv") as path:
            self.labelled(table).to_csv(path)

    def save_figure(self, figure, name: str, formats: tuple[str, ...] = ("png",)) -> None:
        """Save a figure to <results>/figures and show it (``helpers.figures.save_figure``)."""
        figures.save_figure(figure, name, formats, settings.results_dir("figures", self.results))

    def say(self, text: str) -> None:
        """Show a sentence computed from the results (``helpers.statements``) as Markdown."""
        say(text)

    def same_result(self, kit_value, standard_value, what: str, tolerance: float = 1e-6) -> None:
        """Show that the kit's helper and the field's standard call agree (``same_result``)."""
        same_result(kit_value, standard_value, what, tolerance)

    def check(self, exercise_id: str, answer) -> bool:
        """Check an exercise answer against the value computed from this lesson's survey."""
        from helpers import exercises

        return exercises.check(exercise_id, answer, self.survey)


def say(text: str) -> None:
    """Show ``text`` as Markdown in a notebook, with the same text as its plain form (so the
    stored output that the tests compare is the sentence itself); print it elsewhere."""
    if settings.inside_a_notebook():
        from IPython.display import display

        display({"text/markdown": text, "text/plain": text}, raw=True)
    else:
        print(text)


def same_result(kit_value, standard_value, what: str, tolerance: float = 1e-6) -> None:
    """Say that two computations of the same numbers agree, or stop with the difference.

    A lesson runs a central step once with the field's standard library (semopy, scipy.stats,
    pingouin, statsmodels) and once with the kit's helper; this cell shows that they agree.
    Numbers, arrays, Series and DataFrames are compared value by value, aligned on their labels
    (the labels must be the same). The printed sentence does not show the difference itself,
    which varies in the last bits between machines; a difference above ``tolerance`` raises.
    """
    import numpy as np

    kit_table, standard_table = _as_frame(kit_value), _as_frame(standard_value)
    if kit_table.shape != standard_table.shape or not (
        kit_table.index.equals(standard_table.index) and kit_table.columns.equals(standard_table.columns)
    ):
        kit_table, standard_table = kit_table.align(standard_table)
        if kit_table.isna().to_numpy().any() or standard_table.isna().to_numpy().any():
            raise AssertionError(f"{what}: the two results do not hold the same rows and columns")
    if kit_table.size == 0 and standard_table.size == 0:
        say(f"**Nothing to compare.** {what}: neither computation has a value on this survey.")
        return
    kit_numbers = kit_table.to_numpy(dtype=float)
    standard_numbers = standard_table.to_numpy(dtype=float)
    difference = np.abs(kit_numbers - standard_numbers)
    if (
        not np.all(np.isfinite(kit_numbers) == np.isfinite(standard_numbers))
        or np.nanmax(np.where(np.isfinite(difference), difference, 0.0), initial=0.0) > tolerance
    ):
        largest = np.nanmax(difference)
        raise AssertionError(f"{what}: the two results differ by up to {largest:.3g} (allowed {tolerance:g})")
    count = int(kit_numbers.size)
    values = "1 value" if count == 1 else f"{count} values"
    say(
        f"**Same result.** {what}: the kit's helper and the standard call agree to within "
        f"{tolerance:g} ({values} compared)."
    )


def _as_frame(value) -> pd.DataFrame:
    if isinstance(value, pd.DataFrame):
        return value
    if isinstance(value, pd.Series):
        return value.to_frame("value")
    import numpy as np

    array = np.atleast_1d(np.asarray(value, dtype=float))
    return pd.DataFrame(array.reshape(len(array), -1))


def _existing(path: str | os.PathLike) -> Path:
    chosen = Path(path).expanduser().resolve()
    if not chosen.is_file():
        raise FileNotFoundError(
            f"survey_file = {str(path)!r}: there is no file {chosen}. Expected the path of your "
            f"survey CSV, absolute or relative to this notebook's folder ({Path.cwd()}); "
            "survey_file = None analyses the kit's own synthetic data."
        )
    return chosen


def setup(survey_file: str | os.PathLike | None = None, missing_answers: str = "refuse") -> Lesson:
    """Call once at the top of a notebook: stable table printing and the kit's figure theme.

    ``survey_file`` is the notebook's parameter: None means the kit's shipped synthetic data; a
    path (absolute, or relative to the notebook's folder) makes the lesson analyse that file.
    ``missing_answers`` is the other parameter: "refuse" (a file with blank answers is refused,
    every blank cell listed) or "listwise" (firms with a blank answer are left out, and the
    lesson says how many and which).
    """
    lesson = Lesson(survey_file, missing_answers=missing_answers)
    pd.set_option("display.precision", 3)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 120)
    pd.set_option("display.max_colwidth", 80)
    figures.set_theme()
    return lesson


def with_data_labels(table: pd.DataFrame, source: SurveySource) -> pd.DataFrame:
    """A table for display and saving, labelled for the data it describes.

    On the shipped data the kit reproduces the paper, and columns say "reproduced". On any other
    survey the same numbers describe that survey, not a reproduction, so "reproduced" becomes
    "this survey" (``frequency_reproduced`` -> ``frequency_this_survey``); nothing else changes.
    """
    if source.shipped:
        return table

    def relabel(label):
        if not isinstance(label, str):
            return label
        underscored = OTHER_SURVEY.replace(" ", "_")
        return label.replace(f"_{OUR_VALUES}", f"_{underscored}").replace(OUR_VALUES, OTHER_SURVEY)

    return table.rename(columns=relabel)


def environment_stamp() -> pd.DataFrame:
    """Python and package versions, for the last cell of every notebook (nbval ignores it)."""
    rows = [("python", platform.python_version())]
    rows += [(name, metadata.version(name)) for name in STAMPED_PACKAGES]
    return pd.DataFrame(rows, columns=["package", "version"]).set_index("package")
