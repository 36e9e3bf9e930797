"""Sentences about the analysed data, computed from the results.

A lesson's prose may state a number, a sign, a count or a verdict about the survey it analyses
only if that sentence is produced from the results: on the kit's shipped data the functions here
return what the lessons have always said (where it is true); on a class survey they say what that
survey shows. Each function takes the tables the lesson already holds and returns Markdown;
``Lesson.say`` shows it. One module per lesson topic; this one holds the shared wording.
"""

from __future__ import annotations

from collections.abc import Iterable

ALPHA = 0.05  # the significance level every lesson uses


def p_text(p: float, digits: int = 3) -> str:
    """'p < .001' or 'p = .074' (APA style: no leading zero)."""
    if p < 0.001:
        return "p < .001"
    return "p = " + f"{p:.{digits}f}".lstrip("0")


def number(x: float, digits: int = 2) -> str:
    """A value between -1 and 1 without its leading zero (.46, −.13); larger ones as they are."""
    text = f"{abs(x):.{digits}f}"
    if abs(x) < 1:
        text = text.lstrip("0")
    return ("−" if x < 0 and float(text) != 0 else "") + text


def listing(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count_of(k: int, n: int, noun: str) -> str:
    """'all eight paths', 'none of the eight paths', '5 of the eight paths'."""
    total = NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)
    if k == n:
        return f"all {total} {noun}"
    if k == 0:
        return f"none of the {total} {noun}"
    return f"{k} of the {total} {noun}"


# The lessons' modules, importable as ``statements.path_analysis`` etc. after ``from helpers
# import statements`` (below the shared wording, which they import).
from helpers.statements import alternatives, audit, descriptives, diagnostics, path_analysis, robustness  # noqa: E402, F401
