"""A lesson's survey comes from its parameter alone, carries its identity, and labels the lesson's
tables and figures; nothing is read from the environment or left over from another lesson."""

import numpy as np
import pandas as pd
import pytest
from matplotlib import pyplot as plt

from helpers import descriptives, figures, notebook, settings
from helpers.survey import load_survey, score_constructs, source_of


def test_no_parameter_means_the_shipped_data_whatever_the_environment(class_survey, monkeypatch):
    monkeypatch.setenv("KIT_SURVEY_FILE", str(class_survey))  # the variable older kits read
    lesson = notebook.setup(None)
    assert lesson.source.path == settings.SHIPPED_SURVEY_FILE
    assert lesson.source.shipped and lesson.source.n_firms == 190


def test_the_survey_file_parameter_is_read_from_the_notebooks_folder(class_survey, monkeypatch):
    monkeypatch.chdir(class_survey.parent)
    lesson = notebook.setup("class_survey.csv")  # relative, as a student writes it
    assert lesson.source.path == class_survey
    assert not lesson.source.shipped
    assert lesson.survey.equals(load_survey(class_survey))


def test_a_survey_carries_its_identity_into_its_scores(class_survey):
    survey = load_survey(class_survey)
    source = source_of(score_constructs(survey))
    assert source == source_of(survey)
    assert source.n_firms == len(survey) and len(source.sha256) == 64
    assert "your survey file class_survey.csv" in source.describe()


def test_a_copy_of_the_shipped_file_is_the_shipped_data(tmp_path):
    copy = tmp_path / "copy.csv"
    copy.write_bytes(settings.SHIPPED_SURVEY_FILE.read_bytes())
    assert source_of(load_survey(copy)).shipped


def test_a_table_without_identity_says_how_to_get_one():
    with pytest.raises(ValueError, match="load_survey"):
        source_of(pd.DataFrame({"a": [1]}))


def test_a_survey_file_that_does_not_exist_is_named_in_the_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError) as error:
        notebook.setup("no_such.csv")
    message = str(error.value)
    assert message.startswith(f"survey_file = 'no_such.csv': there is no file {tmp_path / 'no_such.csv'}.")
    assert "relative to this notebook's folder" in message and "survey_file = None" in message


COMPARISON = pd.DataFrame(
    {"quantity": ["CFI"], "reproduced": [0.99], "published": [0.98], "frequency_reproduced": [3]}
)


def test_comparisons_keep_their_labels_on_the_shipped_data():
    assert notebook.Lesson().labelled(COMPARISON) is COMPARISON


def test_on_other_data_reproduced_values_are_labelled_as_this_survey(class_survey):
    labelled = notebook.Lesson(class_survey).labelled(COMPARISON)
    assert list(labelled.columns) == ["quantity", "this survey", "published", "frequency_this_survey"]
    assert labelled["this survey"].tolist() == [0.99]  # the numbers themselves are untouched
    assert list(COMPARISON.columns)[1] == "reproduced"  # the caller's table is not changed


def test_saved_tables_carry_the_labels_for_the_data(class_survey, tmp_path):
    lesson = notebook.Lesson(class_survey, results=tmp_path / "results")
    lesson.save_table(COMPARISON, "comparison")
    saved = pd.read_csv(tmp_path / "results" / "tables" / "comparison.csv", index_col=0)
    assert "this survey" in saved.columns and "reproduced" not in saved.columns


def test_saved_figures_go_to_the_lessons_results(tmp_path):
    lesson = notebook.Lesson(results=tmp_path / "out")
    figure, _ = plt.subplots()
    lesson.save_figure(figure, "empty")
    assert (tmp_path / "out" / "figures" / "empty.png").read_bytes().startswith(b"\x89PNG")
    plt.close("all")


def legend_labels(figure):
    return [text.get_text() for text in figure.axes[0].get_legend().get_texts()]


def test_figure_1_on_other_data_has_no_assumed_shares(class_survey):
    shipped_survey = load_survey()
    shipped = figures.platform_use_figure(
        descriptives.platform_use_table(shipped_survey), source_of(shipped_survey)
    )
    assert "assumed (the paper states no share)" in legend_labels(shipped)
    other_survey = load_survey(class_survey)
    other = figures.platform_use_figure(
        descriptives.platform_use_table(other_survey), source_of(other_survey)
    )
    assert legend_labels(other) == ["this survey", "published value (the paper's sample)"]
    assert not any(bar.get_hatch() for bar in other.axes[0].patches)
    plt.close("all")


def test_same_result_says_the_two_computations_agree(capsys):
    kit = pd.Series([0.5, 0.25], index=["a", "b"])
    standard = pd.Series([0.25 + 1e-9, 0.5], index=["b", "a"])  # other order, tiny difference
    notebook.same_result(kit, standard, "two numbers", tolerance=1e-6)
    assert capsys.readouterr().out.strip() == (
        "**Same result.** two numbers: the kit's helper and the standard call agree to within 1e-06 "
        "(2 values compared)."
    )


@pytest.mark.parametrize(
    ("kit", "standard", "message"),
    [
        (0.5, 0.51, "differ by up to 0.01"),
        (pd.Series([1.0], index=["a"]), pd.Series([1.0], index=["b"]), "not hold the same rows"),
        (np.array([1.0, np.nan]), np.array([1.0, 2.0]), "differ"),
    ],
)
def test_same_result_stops_when_the_two_differ(kit, standard, message):
    with pytest.raises(AssertionError, match=message):
        notebook.same_result(kit, standard, "x", tolerance=1e-3)


def test_same_result_says_so_when_there_is_nothing_to_compare(capsys):
    notebook.same_result(pd.DataFrame(), pd.DataFrame(), "group tests")
    assert capsys.readouterr().out.strip() == (
        "**Nothing to compare.** group tests: neither computation has a value on this survey."
    )
    with pytest.raises(AssertionError, match="same rows"):
        notebook.same_result(pd.Series([], dtype=float), pd.Series([1.0], index=["a"]), "x")
