"""The notebooks' shared conveniences: the survey_file parameter and labels for other data."""

import pandas as pd
import pytest
from matplotlib import pyplot as plt

from helpers import descriptives, figures, notebook, settings
from helpers.survey import load_survey


@pytest.fixture(autouse=True)
def shipped_data(monkeypatch):
    """Each test starts on the shipped data, and whatever it points the kit at is undone after."""
    monkeypatch.setenv("KIT_SURVEY_FILE", str(settings.SHIPPED_SURVEY_FILE))  # recorded for undo
    monkeypatch.delenv("KIT_SURVEY_FILE")


def test_the_survey_file_parameter_points_every_helper_at_that_file(class_survey, monkeypatch):
    monkeypatch.chdir(class_survey.parent)
    notebook.setup("class_survey.csv")  # relative to the notebook's folder, as a student writes it
    assert settings.survey_file() == class_survey
    assert not settings.using_shipped_data()
    assert load_survey().equals(load_survey(class_survey))


def test_no_parameter_keeps_the_survey_the_kit_was_given(class_survey, monkeypatch):
    monkeypatch.setenv("KIT_SURVEY_FILE", str(class_survey))  # what `kit.py replicate --data` does
    notebook.setup(None)
    assert settings.survey_file() == class_survey


def test_a_survey_file_that_does_not_exist_is_named_in_the_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError) as error:
        notebook.setup("no_such.csv")
    message = str(error.value)
    assert message.startswith(f"survey_file = 'no_such.csv': there is no file {tmp_path / 'no_such.csv'}.")
    assert "relative to this notebook's folder" in message and "survey_file = None" in message
    assert settings.using_shipped_data()  # nothing changed


COMPARISON = pd.DataFrame(
    {"quantity": ["CFI"], "reproduced": [0.99], "published": [0.98], "frequency_reproduced": [3]}
)


def test_comparisons_keep_their_labels_on_the_shipped_data():
    assert notebook.with_data_labels(COMPARISON) is COMPARISON


def test_on_other_data_reproduced_values_are_labelled_as_this_survey(class_survey, tmp_path):
    settings.use_survey_file(class_survey)
    labelled = notebook.with_data_labels(COMPARISON)
    assert list(labelled.columns) == ["quantity", "this survey", "published", "frequency_this_survey"]
    assert labelled["this survey"].tolist() == [0.99]  # the numbers themselves are untouched
    assert list(COMPARISON.columns)[1] == "reproduced"  # the caller's table is not changed


def test_saved_tables_carry_the_labels_for_the_data(class_survey, tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_RESULTS_DIR", str(tmp_path / "results"))
    settings.use_survey_file(class_survey)
    notebook.save_table(COMPARISON, "comparison")
    saved = pd.read_csv(tmp_path / "results" / "tables" / "comparison.csv", index_col=0)
    assert "this survey" in saved.columns and "reproduced" not in saved.columns


def legend_labels(figure):
    return [text.get_text() for text in figure.axes[0].get_legend().get_texts()]


def test_figure_1_on_other_data_has_no_assumed_shares(class_survey):
    shipped = figures.platform_use_figure(
        descriptives.platform_use_table(load_survey(settings.SHIPPED_SURVEY_FILE))
    )
    assert "assumed (the paper states no share)" in legend_labels(shipped)
    settings.use_survey_file(class_survey)
    other = figures.platform_use_figure(descriptives.platform_use_table(load_survey()))
    assert legend_labels(other) == ["this survey", "published value (the paper's sample)"]
    assert not any(bar.get_hatch() for bar in other.axes[0].patches)
    plt.close("all")
