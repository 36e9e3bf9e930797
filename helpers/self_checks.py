"""The lessons' self-check questions: two or three short questions inside each lesson, answered
in a cell ``lesson.check("04.a", answer)`` and checked like the exercises (``helpers.exercises``).

A question's id is the lesson's number and a letter ("04.a"); exercises use digits ("04.1").
A question about the analysed data computes its answer from the lesson's survey, like an
exercise; a question about a concept has the letter of the right choice. Each lesson's questions
sit in its own section below; tests/test_self_checks.py checks every right answer.
"""

from __future__ import annotations

import pandas as pd

from helpers.answers import CHOICE, NAME, NUMBER, WHOLE_NUMBER, Answer

__all__ = ["REGISTRY", "CHOICE", "NAME", "NUMBER", "WHOLE_NUMBER", "Answer"]


def choice(letter: str):
    """The expected answer of a multiple-choice question: the right letter, whatever the data."""

    def expected(survey: pd.DataFrame) -> set[str]:
        return {letter}

    return expected


# --- Lesson 00 ---------------------------------------------------------------------------------
LESSON_00: dict[str, Answer] = {}

# --- Lesson 01 ---------------------------------------------------------------------------------
LESSON_01: dict[str, Answer] = {}

# --- Lesson 02 ---------------------------------------------------------------------------------
LESSON_02: dict[str, Answer] = {}

# --- Lesson 03 ---------------------------------------------------------------------------------
LESSON_03: dict[str, Answer] = {}

# --- Lesson 04 ---------------------------------------------------------------------------------
LESSON_04: dict[str, Answer] = {}

# --- Lesson 05 ---------------------------------------------------------------------------------
LESSON_05: dict[str, Answer] = {}

# --- Lesson 06 ---------------------------------------------------------------------------------
LESSON_06: dict[str, Answer] = {}

# --- Lesson 07 ---------------------------------------------------------------------------------
LESSON_07: dict[str, Answer] = {}

REGISTRY: dict[str, Answer] = {
    **LESSON_00,
    **LESSON_01,
    **LESSON_02,
    **LESSON_03,
    **LESSON_04,
    **LESSON_05,
    **LESSON_06,
    **LESSON_07,
}
