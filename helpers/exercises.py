"""Checking answers: the lessons' self-check questions, and the form of an exercise's answer.

A lesson's self-check cell is ``lesson.check("02.a", answer)`` (``helpers.notebook.Lesson.check``),
which calls ``check`` with the lesson's survey: the expected value is computed from the survey the
lesson analyses, so the questions also work on an instructor's own data (``helpers.self_checks``).

The graded exercises are otter-grader assignments (``notebooks/solutions``, ``tools/assignments.py``):
their public tests call ``usable`` to say what is wrong with an answer's form (text for a number, a
table for one value, ...). The right answers of the exercises are not here: the hidden tests that
compute them exist only in the instructor's notebooks and the autograder.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass

import pandas as pd

from helpers import self_checks
from helpers.answers import CHOICE, NAME, NUMBER, WHOLE_NUMBER, Answer

# ---------------------------------------------------------------------------------------------
# Checking answers
# ---------------------------------------------------------------------------------------------


def check(exercise_id: str, answer, survey: pd.DataFrame) -> bool:
    """Say whether ``answer`` to exercise ``exercise_id`` (e.g. ``"02.3"``) is right for ``survey``
    (the lesson's survey; ``lesson.check`` passes it).

    Prints "✓ Right." or "✗ Not yet." with a hint (never the expected value) or with what is
    wrong about the answer's type. Returns True for a right answer.
    """
    if not isinstance(exercise_id, str):  # check(2.1, ...) would read as 2.1, not "02.1"
        print(
            f'✗ Give the exercise number as text in quotes, e.g. check("02.1", answer), not {exercise_id!r}.'
        )
        return False
    entry = REGISTRY.get(exercise_id)
    if entry is None:
        print(f"✗ There is no self-check question {exercise_id!r}; questions: {', '.join(REGISTRY)}.")
        return False
    asked = "question"
    value, problem = _as_kind(answer, entry.kind, asked)
    if problem:
        print(f"✗ Not yet. {problem}")
        return False
    expected = entry.expected(survey)
    if _matches(value, expected, entry):
        print("✓ Right.")
        return True
    print(f"✗ Not yet. Hint: {entry.hint}{_direction(value, expected, entry)}")
    return False


def _as_kind(answer, kind: str, asked: str = "exercise", variable: str = "answer") -> tuple[object, str]:
    """The answer as a plain number or text, or a message saying why it cannot be checked
    (``variable``: the name the answer is assigned to, for the message when it is None)."""
    answer = _single_value(answer)
    if isinstance(answer, _Several):
        return None, (
            f"This {asked} expects {kind}, but your answer holds {answer.size} values; "
            "pick the one the exercise asks for (e.g. with .loc[...])."
        )
    if kind == CHOICE:
        if isinstance(answer, str) and re.fullmatch(r"\s*\(?[a-zA-Z]\)?\s*", answer):
            return answer.strip(" ()").lower(), ""
        return None, (
            f'This question expects {kind}, in quotes (e.g. "b"), but your answer is '
            f"{repr(answer) if isinstance(answer, str) else _describe(answer, variable)}."
        )
    if kind == NAME:
        if isinstance(answer, str) and answer.strip():
            return answer, ""
        return None, (
            f"This {asked} expects a name (text in quotes), but your answer is {_describe(answer, variable)}."
        )
    if isinstance(answer, str):
        return None, (
            f"This {asked} expects {kind}, but your answer is text ({answer!r}). "
            "Give the number itself, without quotes."
        )
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return None, f"This {asked} expects {kind}, but your answer is {_describe(answer, variable)}."
    try:
        value = float(answer)
    except (OverflowError, ValueError, TypeError):  # e.g. an integer too large for a float
        return (
            None,
            f"This {asked} expects {kind}, but your answer ({_describe(answer, variable)}) "
            "is no usable number.",
        )
    if math.isinf(value):
        return None, "Your answer is infinite: check the calculation that produced it."
    if math.isnan(value):
        return None, "Your answer is NaN (not a number): check the calculation that produced it."
    if kind == WHOLE_NUMBER and not value.is_integer():
        return None, f"This {asked} expects a whole number (a count), but your answer has decimals."
    return value, ""


@dataclass(frozen=True)
class _Several:
    size: int


def _single_value(answer):
    """Unwrap a one-element array, Series or DataFrame; numpy scalars become Python scalars."""
    size = getattr(answer, "size", None)
    if size is not None and hasattr(answer, "shape") and not isinstance(answer, str):
        if size != 1:
            return _Several(int(size))
        flat = answer.to_numpy().ravel() if hasattr(answer, "to_numpy") else answer.ravel()
        answer = flat[0]
    return answer.item() if hasattr(answer, "item") and not isinstance(answer, str) else answer


def _describe(answer, variable: str = "answer") -> str:
    if answer is None:
        return f"None (did you assign your result to `{variable}`, or did its cell fail?)"
    if answer is Ellipsis:
        return "... (replace the ... with your answer)"
    if isinstance(answer, bool):
        return f"True/False ({answer})"
    return f"of type {type(answer).__name__}"


def _matches(value, expected, entry: Answer) -> bool:
    if entry.kind == CHOICE:
        return value in expected
    if entry.kind == NAME:
        return _normalised(value) in {_normalised(name) for name in expected}
    allowed = entry.tolerance * abs(expected) if entry.relative else entry.tolerance
    return abs(value - expected) <= allowed + 1e-12


def usable(answer, kind: str = NUMBER, variable: str = "answer"):
    """An exercise's answer as a plain number (an int for ``WHOLE_NUMBER``) or text (``NAME``), for
    the assignments' tests; raises AssertionError saying what is wrong with its form (never whether
    it is right); ``variable``: the exercise's answer variable ('answer_02_1'), named when the answer
    is None."""
    value, problem = _as_kind(answer, kind, variable=variable)
    assert not problem, problem
    return int(value) if kind == WHOLE_NUMBER else value


def normalised(name: str) -> str:
    """A name as the checks compare it: lower case, letters and digits only."""
    return _normalised(name)


def _normalised(name: str) -> str:
    """Lower case, letters and digits only: 'Global Logistics' == 'global_logistics'."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _direction(value, expected, entry: Answer) -> str:
    """For numbers, whether the answer is too high or too low (not by how much)."""
    if entry.kind in (NAME, CHOICE):
        return ""
    return " (Your number is too high.)" if value > expected else " (Your number is too low.)"


# The lessons' self-check questions (ids "02.a"; helpers/self_checks.py)
REGISTRY: dict[str, Answer] = dict(self_checks.REGISTRY)
