"""How an exercise or a self-check question is checked (``helpers.exercises.check``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

NUMBER, WHOLE_NUMBER, NAME = "a number", "a whole number", "a name"
CHOICE = "the letter of one choice"  # self-check questions inside a lesson: "a", "b", ...


@dataclass(frozen=True)
class Answer:
    """How one exercise or self-check question is checked.

    ``expected`` computes the right answer from a survey (a number; for ``NAME`` the set of
    accepted names; for ``CHOICE`` the set of right letters); ``tolerance`` is absolute, or a
    fraction of the expected value when ``relative``; ``hint`` helps without giving the value
    away.
    """

    expected: Callable[[pd.DataFrame], float | set[str]]
    hint: str
    kind: str = NUMBER
    tolerance: float = 0.0
    relative: bool = False
