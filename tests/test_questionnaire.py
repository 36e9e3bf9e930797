"""The printable questionnaire: made from the instrument, every question and answer option whole,
no item codes for respondents, self-contained, written into the results folder."""

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
        for category in characteristic.categories:
            assert f"{questionnaire.BOX} {escape(category)}</span>" in page
    for platform in instrument.PLATFORMS:
        assert f". {escape(platform.label)}" in page
    for item in instrument.items():
        assert f". {escape(item.text)}" in page, item.column  # the whole statement, never cut
    for code, label in instrument.LIKERT_SCALE.items():
        assert f"{code}<br>{escape(label)}</th>" in page
    assert escape(instrument.YES) in page and escape(instrument.NO) in page
    assert page.count("<tr><td>C") == len(instrument.items())
    assert escape(questionnaire.TITLE) in page and escape(questionnaire.INSTRUCTIONS) in page


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
