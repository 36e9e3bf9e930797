"""Printed numbers as intervals, the audit's row and verdicts, and the wording of its cells.

Every other module of the audit builds its checks from these: ``Reported`` (a number as printed),
``Check`` (one row of the report), the verdict helpers and the formatting of numbers, ranges and
sources for the report's sentences.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

CONSISTENT = "consistent"
MISPRINT = "likely misprint"
INCONSISTENT = "unsettled inconsistency"
DECISION_ERROR = "decision error"
VERDICTS = (CONSISTENT, MISPRINT, INCONSISTENT, DECISION_ERROR)
# What each verdict means, for the lesson's legend of the report (in VERDICTS order).
VERDICT_MEANINGS = {
    CONSISTENT: "the printed numbers can all be true at once, within their rounding",
    MISPRINT: "they cannot, but a slip in printing one value explains it (a p-value no printed β can "
    "give at this N, on the same side of α as every p the β allows; a threshold or percentage printed "
    "wrong; a number copied differently), and correcting it changes no test's verdict",
    INCONSISTENT: "they cannot, and the paper alone cannot say which numbers are wrong, nor whether a "
    "verdict would change once they are corrected (for instance a p-value whose recomputed range "
    "straddles α)",
    DECISION_ERROR: "they cannot, and a test verdict the paper prints or states (significant or not "
    "at α: a hypothesis' p or decision, the model's χ² test, its fit) is reversed by its own numbers, "
    "even when the conclusion drawn from that verdict would not change (statcheck's term, applied to "
    "every stated verdict)",
}
DEFAULT_ALPHA = 0.05
EPS = 1e-9
COLUMNS = (
    "check",
    "topic",
    "item",
    "what",
    "published",
    "source",
    "implied",
    "tolerance",
    "verdict",
    "explanation",
)


@dataclass(frozen=True)
class Reported:
    """A number as printed: its value, how many decimals were printed, and where it is printed."""

    value: float
    decimals: int
    source: str = ""

    def interval(self) -> tuple[float, float]:
        """Every value that prints as this one: value ± ½·10⁻ᵈ."""
        half = 0.5 * 10.0**-self.decimals
        return self.value - half, self.value + half

    def __str__(self) -> str:
        return f"{self.value:.{self.decimals}f}"

    @property
    def tolerance(self) -> str:
        return f"±{0.5 * 10.0**-self.decimals:g} ({self.decimals} decimals printed)"


@dataclass(frozen=True)
class Check:
    """One row of the audit table (the fields are ``COLUMNS``)."""

    check: str
    topic: str
    item: str
    what: str
    published: str
    source: str
    implied: str
    tolerance: str
    verdict: str
    explanation: str


# --- intervals and verdicts ---------------------------------------------------------------------


def overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """True when two closed intervals share a point (up to floating-point noise)."""
    return a[0] <= b[1] + EPS and b[0] <= a[1] + EPS


def span(function: Callable[..., float], *intervals: tuple[float, float]) -> tuple[float, float]:
    """Smallest and largest value of ``function`` over a box of intervals (corners and centres).

    The quantities audited here are monotone in each input over a rounding interval, so the
    extremes sit at the corners; the centres are a cheap guard.
    """
    grids = [(lo, (lo + hi) / 2, hi) for lo, hi in intervals]
    values = [function(*point) for point in itertools.product(*grids)]
    return float(np.nanmin(values)), float(np.nanmax(values))


def ends(function: Callable[[float], float], interval: tuple[float, float]) -> tuple[float, float]:
    """Range of a function that is monotone over the interval: its values at the two ends."""
    a, b = function(interval[0]), function(interval[1])
    return min(a, b), max(a, b)


def verdict_for(consistent: bool, misprint: bool = False) -> str:
    """CONSISTENT, or for a failed check that decides nothing: MISPRINT when a printing slip in one
    value explains the failure, else INCONSISTENT (unsettled)."""
    if consistent:
        return CONSISTENT
    return MISPRINT if misprint else INCONSISTENT


def below_alpha(interval: tuple[float, float], alpha: float) -> bool | None:
    """True / False when the whole interval is below / not below alpha; None when it straddles."""
    if interval[1] < alpha:
        return True
    if interval[0] >= alpha:
        return False
    return None


def p_interval(p: Reported) -> tuple[float, float]:
    """The p-values a printed p stands for, kept within [0, 1]."""
    lo, hi = p.interval()
    return max(lo, 0.0), min(hi, 1.0)


def sides_differ(printed: Reported, implied: tuple[float, float], alpha: float) -> bool:
    """True when the whole recomputed range lies on the other side of alpha than the printed p."""
    implied_side = below_alpha(implied, alpha)
    return implied_side is not None and implied_side != (printed.value < alpha)


def p_verdict(
    printed: Reported,
    implied: tuple[float, float],
    alpha: float,
    decides: bool = True,
    misprint: bool = False,
) -> str:
    """statcheck's reading of a p-value, with the audit's four verdicts.

    Consistent when the printed p is one the statistic allows. Otherwise a decision error when
    the test ``decides`` something (a hypothesis, the model's fit) and the printed p and the
    whole recomputed range fall on different sides of alpha. A likely misprint (``misprint``:
    a slip in the printed p alone could explain it) only when correcting it cannot change the
    verdict, i.e. the printed p and the whole recomputed range lie on the same side of alpha: a
    recomputed range that straddles alpha is never a likely misprint, since the corrected p
    could land on either side. Everything else is an unsettled inconsistency. The baseline
    model's test decides nothing: it is only the yardstick of CFI, TLI and RNI.
    """
    if overlaps(p_interval(printed), implied):
        return CONSISTENT
    if decides and sides_differ(printed, implied, alpha):
        return DECISION_ERROR
    same_side = below_alpha(implied, alpha) == (printed.value < alpha)
    return verdict_for(False, misprint and same_side)


def p_explanation(verdict: str, p: Reported, implied: tuple[float, float], alpha: float) -> str:
    """The sentence that goes with ``p_verdict``'s verdict."""
    if verdict == CONSISTENT:
        return "the printed p is one the statistic allows"
    side = "below" if p.value < alpha else "at or above"
    if verdict == DECISION_ERROR:
        return f"the printed p is {side} α = {alpha:g} and the recomputed one is not: the decision flips"
    where = below_alpha(implied, alpha)
    if where is None:
        sides = (
            f"the printed p is {side} α = {alpha:g}, the recomputed range straddles it: whether the "
            "decision changes once the numbers are corrected is not settled"
        )
    elif where == (p.value < alpha):
        sides = f"both are {side} α = {alpha:g}"
    else:
        sides = (
            f"the printed p is {side} α = {alpha:g} and the recomputed one is not, but this test decides "
            "no hypothesis (it is only the yardstick of CFI, TLI and RNI)"
        )
    text = f"the printed p is not in the recomputed range; {sides}"
    return text + ("; a slip in the printed p explains it" if verdict == MISPRINT else "")


def has(values: Mapping[str, Any], *keys: str) -> bool:
    """True when the audited numbers hold every one of ``keys`` (a check's inputs)."""
    return all(values.get(k) is not None for k in keys)


# --- wording ---------------------------------------------------------------------------------------


def fmt(x: float, digits: int = 4) -> str:
    """A number for a sentence: up to ``digits`` decimals, trailing zeros dropped."""
    if np.isnan(x):
        return "undefined"
    if np.isinf(x):
        return "∞" if x > 0 else "-∞"
    if 0 < abs(x) < 10.0**-digits:
        return f"< {10.0**-digits:g}"
    text = f"{x:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_range(interval: tuple[float, float], digits: int = 4) -> str:
    """'0.12' or '0.1 to 0.2': a range, shown once when both ends print the same."""
    lo, hi = fmt(interval[0], digits), fmt(interval[1], digits)
    return lo if lo == hi else f"{lo} to {hi}"


def fmt_p(interval: tuple[float, float], digits: int = 4) -> str:
    """'p < 0.0001', 'p = 0.9973' or 'p = 0.0273 to 0.0524' (a tiny lower end shown as 0)."""
    tiny = 10.0**-digits
    if interval[1] < tiny:
        return f"p < {tiny:g}"
    low = 0.0 if interval[0] < tiny else interval[0]
    return f"p = {fmt_range((low, interval[1]), digits)}"


def whole_numbers(values: Iterable[Any]) -> str:
    """'none', '8', '10, 11' or, for a long run, '252-276'."""
    values = [int(v) for v in values]
    if len(values) > 4 and values == list(range(values[0], values[-1] + 1)):
        return f"{values[0]}-{values[-1]}"
    return ", ".join(map(str, values)) if values else "none"


def slug(text: str) -> str:
    """'Nature of business' -> 'nature-of-business', for a check's id."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def join_sources(*sources: str) -> str:
    """Several sources in one cell, each once."""
    return "; ".join(dict.fromkeys(s for s in sources if s))


def source_range(sources: Iterable[str]) -> str:
    """'Table 5, row 1 to 8' for the sources of a run of rows."""
    sources = list(sources)
    first, last = sources[0], sources[-1]
    if first == last:
        return first
    prefix = os.path.commonprefix([first, last])
    prefix = prefix[: prefix.rfind(" ") + 1]
    return f"{first} to {last[len(prefix) :]}"
