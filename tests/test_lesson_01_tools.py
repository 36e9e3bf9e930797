"""Lesson 01: construct scores computed by hand with pandas from the raw CSV equal the kit's
``score_constructs``, on the shipped survey and on class surveys; every statement is shown whole
in the lesson; the self-check answers are right, and wrong ones refused, on any survey."""

import html

import nbformat
import pandas as pd
import pytest
import survey_battery

from helpers import exercises, instrument, self_checks, settings
from helpers.survey import load_survey, score_constructs

LESSON = settings.REPO_ROOT / "notebooks" / "01_questionnaire_and_data.ipynb"
PREFIXES = {
    "pcdp": "partnership_collaboration",
    "it": "international_trade",
    "gl": "global_logistics",
    "mr": "market_reach",
    "ia": "innovation_agility",
    "oe": "operational_efficiency",
}
REVERSED = ("pcdp_5", "oe_3")  # as the codebook's notes say


def scores_by_hand(path) -> pd.DataFrame:
    """Read the raw CSV with pandas, recode 6 - x, take row means: no kit code involved."""
    raw = pd.read_csv(path).set_index("firm_id")
    for column in REVERSED:
        raw[column] = 6 - raw[column]
    return pd.DataFrame({key: raw.filter(regex=rf"^{p}_\d$").mean(axis=1) for p, key in PREFIXES.items()})


@pytest.fixture(scope="module")
def surveys(tmp_path_factory, class_survey):
    folder = tmp_path_factory.mktemp("battery01")
    small = next(m for m in survey_battery.MEMBERS if m.name == "class_40_two_medium")
    return {
        "shipped": settings.SHIPPED_SURVEY_FILE,
        "class_survey": class_survey,
        "class_40_two_medium": survey_battery.write(small, folder),
    }


@pytest.mark.parametrize("which", ["shipped", "class_survey", "class_40_two_medium"])
def test_pandas_scoring_by_hand_equals_score_constructs(which, surveys):
    path = surveys[which]
    kit = score_constructs(load_survey(path))
    hand = scores_by_hand(path)
    pd.testing.assert_frame_equal(kit.astype(float), hand[kit.columns], check_names=False, atol=1e-12)


@pytest.mark.parametrize("which", ["shipped", "class_survey", "class_40_two_medium"])
def test_self_check_01c_is_the_first_firms_operational_efficiency(which, surveys, capsys):
    path = surveys[which]
    survey = load_survey(path)
    right = scores_by_hand(path)["operational_efficiency"].iloc[0]
    assert exercises.check("01.c", right, survey) is True
    assert exercises.check("01.c", right + 0.25, survey) is False
    # the mistake the question warns about: oe_3 left as answered
    raw = pd.read_csv(path)
    not_recoded = raw.loc[0, ["oe_1", "oe_2", "oe_3", "oe_4"]].mean()
    if abs(not_recoded - right) > 0.005:
        assert exercises.check("01.c", not_recoded, survey) is False
    capsys.readouterr()


def test_self_check_01b_is_the_recoded_answer(capsys):
    survey = load_survey(settings.SHIPPED_SURVEY_FILE)
    assert exercises.check("01.b", 6 - 2, survey) is True
    assert exercises.check("01.b", 2, survey) is False
    capsys.readouterr()


def test_self_check_01a_takes_only_the_right_letter(capsys):
    survey = load_survey(settings.SHIPPED_SURVEY_FILE)
    for letter in "abc":
        assert exercises.check("01.a", letter, survey) is (letter == "b")
    capsys.readouterr()


def test_the_lesson_shows_every_statement_whole_with_the_reverse_worded_ones_marked():
    lesson = nbformat.read(LESSON, as_version=4)
    cell = next(c for c in lesson.cells if c.cell_type == "code" and "items_table()" in c.source)
    shown = "".join(html.unescape(output.get("data", {}).get("text/html", "")) for output in cell.outputs)
    for item in instrument.items():
        assert item.text in shown, item.column
    table = instrument.items_table().set_index("item")
    assert set(table.index[table["reverse_worded"] == "yes"]) == set(instrument.reverse_item_columns())


@pytest.mark.parametrize("name", ["00_the_study", "01_questionnaire_and_data"])
def test_every_lead_in_sentence_is_followed_by_its_cell(name):
    """A markdown cell that ends with a colon announces the output below it: the next cell must be
    code (the review found the printable questionnaire and the by-hand scoring between a lead-in
    and its table)."""
    cells = nbformat.read(settings.REPO_ROOT / "notebooks" / f"{name}.ipynb", as_version=4).cells
    for this, following in zip(cells, cells[1:], strict=False):
        if this.cell_type == "markdown" and this.source.rstrip().endswith(":"):
            assert following.cell_type == "code", this.source[-120:]


def test_the_sections_are_in_teaching_order():
    cells = nbformat.read(LESSON, as_version=4).cells

    def at(heading):
        """The cell that holds this heading as one of its lines."""
        return next(i for i, c in enumerate(cells) if heading in c.source.splitlines())

    assert at("### Loading the data with validation") < at("### The questionnaire on paper")
    assert at("### What a bad file looks like") < at("### The questionnaire on paper")
    assert at("### Scoring with pandas, by hand") < at("## Published vs reproduced")
    published = at("## Published vs reproduced")
    assert "published.fact" in cells[published + 1].source  # the N table follows its heading


def test_the_reverse_item_note_does_not_claim_a_correlation_detects_a_method_factor():
    note = next(
        c.source for c in nbformat.read(LESSON, as_version=4).cells if c.get("id") == "self-check-a-note"
    )
    assert "tests for that" not in note
    assert "cannot show" in note and "method factor" in note


def test_the_hint_of_01a_does_not_restate_the_right_option():
    hint = self_checks.LESSON_01["01.a"].hint
    for giveaway in ("acquiescence", "agree with every", "'Agree' to everything", "whatever"):
        assert giveaway.lower() not in hint.lower(), giveaway
