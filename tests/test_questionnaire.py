"""The printable questionnaire: made from the instrument, every question and answer option whole,
no item codes and no construct names for respondents, an anonymity and consent line, the paper's
overlapping age ranges worded on paper so that they do not overlap (the data keep the paper's
labels), self-contained, written into the results folder."""

import os
import re
from html import escape

import pytest

from helpers import instrument, questionnaire, settings

RESPONDENT = questionnaire.html()
INSTRUCTOR = questionnaire.html(instructor=True)


@pytest.mark.parametrize("page", [RESPONDENT, INSTRUCTOR], ids=["respondent", "instructor"])
def test_every_question_statement_and_answer_option_appears_whole(page):
    for characteristic in instrument.CHARACTERISTICS:
        assert escape(characteristic.question) in page
        for printed in characteristic.wording_on_paper.values():
            assert f"{questionnaire.BOX} {escape(printed)}" in page
    for platform in instrument.PLATFORMS:
        assert f". {escape(platform.label)}" in page
    for item in instrument.items():
        assert f". {escape(item.text)}" in page, item.column  # the whole statement, never cut
    for code, label in instrument.LIKERT_SCALE.items():
        assert f"{code}<br>{escape(label)}</th>" in page
    assert escape(instrument.YES) in page and escape(instrument.NO) in page
    assert page.count("<tr><td>C") == len(instrument.items())
    assert escape(questionnaire.TITLE) in page and escape(questionnaire.INSTRUCTIONS) in page
    assert escape(questionnaire.CONSENT) in page
    assert "voluntary" in questionnaire.CONSENT and "anonymous" in questionnaire.CONSENT


def test_respondents_see_no_construct_names_the_instructor_sees_each_over_its_statements():
    """A construct's name over its statements invites consistent answering (common-method
    variance): respondents get one table, in the instrument's order; the instructor's version
    has one table per construct, same numbering, and says why."""
    statements = RESPONDENT[RESPONDENT.index("Part C.") :]
    for construct in instrument.CONSTRUCTS:
        assert escape(construct.label) not in RESPONDENT
        assert escape(construct.abbreviation) not in statements
        assert f"<h3>{escape(construct.label)}</h3>" in INSTRUCTOR
    assert statements.count("<table>") == 1 and "<h3>" not in RESPONDENT
    assert INSTRUCTOR.count("<h3>") == len(instrument.CONSTRUCTS)

    def numbered(page):
        return re.findall(r"<tr><td>(C\d+)\. (.*?)(?: <span|</td>)", page)

    in_order = [(f"C{n}", escape(item.text)) for n, item in enumerate(instrument.items(), start=1)]
    assert numbered(RESPONDENT) == numbered(INSTRUCTOR) == in_order
    assert escape(questionnaire.STATEMENTS_NOTE) in INSTRUCTOR
    assert escape(questionnaire.STATEMENTS_NOTE) not in RESPONDENT
    assert questionnaire.INSTRUCTOR_HEADING not in RESPONDENT.replace("&#x27;", "'")


def test_firm_age_is_printed_without_overlapping_ranges_and_typed_in_with_the_papers_labels():
    age = next(c for c in instrument.CHARACTERISTICS if c.column == "business_age")
    assert age.categories == (
        "Less than 3 year",
        "3-6 years",
        "6-9 years",
        "9-12 years",
        "more than 12 years",
    )
    printed = list(age.wording_on_paper.values())
    assert printed == [
        "Less than 3 years",
        "3 to under 6 years",
        "6 to under 9 years",
        "9 to under 12 years",
        "12 years or more",
    ]
    # half-open ranges: every whole number of years falls in exactly one printed option
    bounds = [(0, 3), (3, 6), (6, 9), (9, 12), (12, 1000)]
    for years in range(100):
        assert sum(low <= years < high for low, high in bounds) == 1
    for label, words in age.wording_on_paper.items():
        assert f"{questionnaire.BOX} {escape(words)}</span>" in RESPONDENT
        assert (
            f'{questionnaire.BOX} {escape(words)} <span class="code">[{escape(label)}]</span>' in INSTRUCTOR
        )
    for label in age.categories:
        assert f"{questionnaire.BOX} {escape(label)}</span>" not in RESPONDENT
    assert "A3. The paper" in INSTRUCTOR  # the instructor's note on the overlap
    # every other characteristic prints the paper's labels unchanged
    for characteristic in instrument.CHARACTERISTICS:
        if characteristic is not age:
            assert list(characteristic.wording_on_paper) == list(characteristic.wording_on_paper.values())


def test_printed_wording_needs_one_entry_per_category():
    with pytest.raises(ValueError, match="one printed wording per category"):
        instrument.Characteristic("x", "X", "X?", ("a", "b"), ("A",))


def test_respondents_see_no_item_codes_and_no_scoring_notes():
    for column in instrument.survey_columns():
        assert f"[{column}]" not in RESPONDENT
        assert f"[{column}]" in INSTRUCTOR
    assert "reverse-worded" not in RESPONDENT
    assert INSTRUCTOR.count("reverse-worded") == len(instrument.reverse_item_columns())


@pytest.mark.parametrize("page", [RESPONDENT, INSTRUCTOR], ids=["respondent", "instructor"])
def test_the_page_is_self_contained_and_has_print_rules(page):
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert not re.search(r"https?:|//[a-z]|<script|<link|@import|url\(", page, flags=re.IGNORECASE)
    assert "@media print" in page and "@page" in page


def test_write_puts_both_versions_into_the_results_folder(tmp_path):
    written = questionnaire.write(tmp_path)
    assert [p.name for p in written] == [questionnaire.RESPONDENT_FILE, questionnaire.INSTRUCTOR_FILE]
    assert written[0].read_text(encoding="utf-8") == RESPONDENT
    assert written[1].read_text(encoding="utf-8") == INSTRUCTOR
    assert not any(settings.DATA_DIR in p.parents for p in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)  # no leftovers


def test_kit_questionnaire_writes_into_the_results_folder_it_is_given(kit, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(kit, "in_kit_environment", lambda: True)
    for name in ("KIT_RESULTS_DIR", "PYTHONPATH", "PYTHONUTF8"):  # kit.main sets them for its children
        monkeypatch.setenv(name, os.environ.get(name, ""))
    assert kit.main(["questionnaire", "--results", str(tmp_path)]) == 0
    assert (tmp_path / questionnaire.RESPONDENT_FILE).read_text(encoding="utf-8") == RESPONDENT
    assert "questionnaire_instructor.html" in capsys.readouterr().out
