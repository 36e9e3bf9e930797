"""Checking answers (helpers/exercises.py): the lessons' self-check questions, and what the
assignments' public tests say about an answer's form (``usable``). The exercises' right answers are
graded by the assignments' hidden tests (tests/test_assignments.py), not here."""

import numpy as np
import pandas as pd
import pytest

from helpers import answers, exercises, settings
from helpers.survey import load_survey

SURVEY = load_survey(settings.SHIPPED_SURVEY_FILE)


@pytest.mark.parametrize(
    ("kind", "answer", "message"),
    [
        (exercises.NUMBER, "86.8", "expects a number, but your answer is text"),
        (exercises.WHOLE_NUMBER, 1.5, "expects a whole number (a count)"),
        (exercises.NAME, 3, "expects a name"),
        (exercises.NUMBER, pd.Series([1.0, 2.0]), "holds 2 values"),
        (exercises.WHOLE_NUMBER, ..., "replace the ..."),
        (exercises.WHOLE_NUMBER, None, "None"),
        (exercises.NUMBER, float("nan"), "NaN"),
        (exercises.NUMBER, True, "True/False"),
    ],
)
def test_usable_says_what_is_wrong_with_an_answers_form(kind, answer, message):
    with pytest.raises(AssertionError, match=None) as raised:
        exercises.usable(answer, kind)
    assert message in str(raised.value)


def test_usable_accepts_one_element_containers_and_numpy_numbers():
    assert exercises.usable(pd.Series([86.8], index=["all firms"])) == 86.8
    assert exercises.usable(np.float32(0.5)) == 0.5
    assert exercises.usable(np.int64(3), exercises.WHOLE_NUMBER) == 3
    assert exercises.usable(3.0, exercises.WHOLE_NUMBER) == 3 and isinstance(
        exercises.usable(3.0, exercises.WHOLE_NUMBER), int
    )
    assert exercises.normalised("Global Logistics") == exercises.normalised("global_logistics")


def test_an_exercise_number_given_as_a_number_is_refused_with_the_form_to_use(capsys):
    assert exercises.check(2.1, 0, SURVEY) is False
    assert 'check("02.1", answer), not 2.1' in capsys.readouterr().out


def test_an_unknown_question_lists_the_questions(capsys):
    assert exercises.check("99.z", 1, SURVEY) is False
    assert "no self-check question '99.z'" in capsys.readouterr().out


def test_a_self_check_takes_the_letter_of_a_choice(monkeypatch, capsys):
    monkeypatch.setitem(
        exercises.REGISTRY,
        "99.a",
        answers.Answer(lambda survey: {"b"}, "reread the formula", kind=answers.CHOICE),
    )
    assert exercises.check("99.a", " (B) ", SURVEY)
    assert not exercises.check("99.a", "c", SURVEY)
    assert "Hint: reread the formula" in capsys.readouterr().out
    assert not exercises.check("99.a", 2, SURVEY)
    assert not exercises.check("99.a", "bc", SURVEY)
    assert capsys.readouterr().out.count('in quotes (e.g. "b")') == 2


def test_a_computed_self_check_is_right_on_the_lessons_survey(capsys):
    from helpers.survey import score_constructs

    first_firm = score_constructs(SURVEY)["operational_efficiency"].iloc[0]
    assert exercises.check("01.c", first_firm, SURVEY)
    assert not exercises.check("01.c", first_firm + 1, SURVEY)
    assert "too high" in capsys.readouterr().out
