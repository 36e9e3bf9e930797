"""Lessons 01 and 06: where the analysed data come from, what the audit says about Table 5's
p-values and marks, and what the audit of the kit's own fit shows."""

from __future__ import annotations

import pandas as pd

from helpers.audit.printed import (
    CONSISTENT,
    DECISION_ERROR,
    DEFAULT_ALPHA,
    INCONSISTENT,
    MISPRINT,
    VERDICTS,
    below_alpha,
)
from helpers.statements import NUMBER_WORDS, capitalized, listing, number, p_text
from helpers.survey import SurveySource

# How a count of checks with each verdict is said: (one, several).
VERDICT_PHRASES = {
    CONSISTENT: ("is consistent", "are consistent"),
    MISPRINT: ("is a likely misprint", "are likely misprints"),
    INCONSISTENT: ("is an unsettled inconsistency", "are unsettled inconsistencies"),
    DECISION_ERROR: ("is a decision error", "are decision errors"),
}


def data_origin(source: SurveySource) -> str:
    """What the analysed data are: the kit's synthetic file, or the user's own survey."""
    if source.shipped:
        return "The data themselves are synthetic: they carry the paper's published counts and path coefficients, but not the authors' firms."
    return f"The data analysed here are your own survey ({source.n_firms} firms): none of the paper's counts or path coefficients was built into them, so every difference from the paper is a difference between the samples."


def own_fit_audit(report: pd.DataFrame, fit_measures: dict, source: SurveySource) -> str:
    """What the audit of one real fit shows (``report``: ``audit.audit`` of that fit's values)."""
    flagged = report[report["verdict"] != CONSISTENT]
    if flagged.empty:
        first = "Every check passes, with the df counted for Figure 2."
    else:
        which = (
            ", ".join(flagged["check"].astype(str))
            if "check" in flagged
            else ", ".join(flagged["item"].astype(str))
        )
        first = f"{len(flagged)} of {len(report)} checks are flagged ({which}), although every number comes from one fit: a real fit cannot contradict itself, so these flags show where the audit's rounding intervals or approximations are too tight for these data (see `audit.flagged(ours_report)`)."
    if source.shipped:
        second = "The synthetic data were built to match Table 5's β and Table 2's χ²; with the model's real df, the p-value, RMSEA, CFI, TLI, RNI and information criteria then follow, and they are not the ones in Tables 2–4."
    else:
        chi, df, p = fit_measures["chisq"], fit_measures["df"], fit_measures["pvalue"]
        second = f"These are your survey's own numbers ({source.n_firms} firms, χ² = {chi:.2f} on {df:.0f} df, {p_text(p)}), not data built to match the paper, so they show only that the audit lets the output of one real fit through; they are not a replication of Tables 2–5 (notebook 04 compares your paths with the paper's)."
    return (
        f"{first} {second} No dataset can reproduce those tables exactly, because they contradict each other."
    )


def verdict_counts(report: pd.DataFrame, what: str = "checks") -> str:
    """How many checks of an audit ended with each verdict, and which are decision errors.

    ``report``: ``helpers.audit.audit`` of any numbers (the paper's, or a fit rounded like them).
    """
    counts = report["verdict"].value_counts()
    parts = []
    for verdict in VERDICTS:
        count = int(counts.get(verdict, 0))
        one, several = VERDICT_PHRASES[verdict]
        if count == 0:
            parts.append(f"none {one}")
        else:
            parts.append(f"{count} {one if count == 1 else several}")
    listed = ", ".join(parts[:-1]) + f" and {parts[-1]}"
    text = f"Of the {len(report)} {what}, {listed}."
    errors = report[report["verdict"] == DECISION_ERROR]
    if not errors.empty:
        names = "; ".join(f"{check} ({row['item']})" for check, row in errors.iterrows())
        text += f" Decision error{'s' if len(errors) > 1 else ''}: {names}."
    return text


# --- Table 5: each path's p against its β -------------------------------------------------------


def _alpha(alpha: float) -> str:
    return number(alpha, 2)


def _p_range(low: float, high: float) -> str:
    """'p = .027 to .052', or 'p < .001' for a range that lies wholly below .001."""
    if high < 0.001:
        return "p < .001"
    low_text = "0" if low < 0.001 else number(low, 3)
    return f"p = {low_text} to {number(high, 3)}"


def _path_verdicts(paths: pd.DataFrame, report: pd.DataFrame) -> pd.Series:
    """The audit's verdict on each hypothesis' printed p (rows ``T5-p-<hypothesis>``)."""
    return pd.Series({h: report.loc[f"T5-p-{h}", "verdict"] for h in paths.index}, name="verdict")


def _have(codes: list[str], singular: str, plural: str) -> str:
    return f"{listing(codes)} {singular if len(codes) == 1 else plural}"


def _number_word(k: int) -> str:
    return NUMBER_WORDS[k] if k < len(NUMBER_WORDS) else str(k)


def _count_word(k: int, n: int) -> str:
    """'Four of the eight', 'All eight', 'One of the eight' (capitalized, for a sentence's start)."""
    if k == n:
        return f"All {_number_word(n)}"
    return capitalized(f"{_number_word(k)} of the {_number_word(n)}")


def path_pvalues(paths: pd.DataFrame, report: pd.DataFrame, alpha: float = DEFAULT_ALPHA) -> str:
    """Which printed p-values of Table 5 lie outside the range their β allows, and why each gets
    its verdict: the same side of alpha throughout (likely misprint), a range that straddles alpha
    (unsettled inconsistency) or the other side (decision error).

    ``paths``: ``audit.path_pvalue_table`` (p low, p high, printed p per hypothesis); ``report``:
    ``audit.audit`` of the same numbers.
    """
    verdicts = _path_verdicts(paths, report)
    outside = [h for h in paths.index if verdicts[h] != CONSISTENT]
    if not outside:
        return (
            f"Every printed p of Table 5 is one its β allows at this N, so all {len(paths)} are consistent."
        )
    too_large = [h for h in outside if paths.loc[h, "printed p"] > paths.loc[h, "p high"]]
    too_small = [h for h in outside if h not in too_large]
    direction = listing(
        [f"{_have(too_large, 'prints a p larger', 'print p-values larger')} than the β allows"]
        * bool(too_large)
        + [f"{_have(too_small, 'prints a smaller one', 'print smaller ones')}"] * bool(too_small)
    )
    a = _alpha(alpha)
    sentences = [
        f"{_count_word(len(outside), len(paths))} printed p-values lie outside the range their β allows: "
        f"{direction}."
    ]
    misprints = [h for h in outside if verdicts[h] == MISPRINT]
    if misprints:
        sentences.append(
            f"For {listing(misprints)} the printed p and every p the β allows are on the same side of {a}, "
            "so the decision is the same whichever number is wrong: the audit calls "
            f"{'it a *likely misprint*' if len(misprints) == 1 else 'them *likely misprints*'}."
        )
    for h in [h for h in outside if verdicts[h] == INCONSISTENT]:
        low, high = paths.loc[h, "p low"], paths.loc[h, "p high"]
        if below_alpha((low, high), alpha) is None:
            sentences.append(
                f"For {h} the β allows {_p_range(low, high)}, a range that straddles {a}: if the printed p "
                f"is the slip, the corrected p could lie on either side of {a}, so whether {h} is supported "
                "is not settled, and the audit calls it an *unsettled inconsistency*, not a likely misprint."
            )
        else:
            sentences.append(
                f"For {h} the audit cannot say which number is wrong: an *unsettled inconsistency*."
            )
    errors = [h for h in outside if verdicts[h] == DECISION_ERROR]
    if errors:
        sentences.append(
            f"For {listing(errors)} the printed p is on the other side of {a} from every p the β allows: "
            f"the decision flips, a *decision error*."
        )
    return " ".join(sentences)


def path_pvalues_in_brief(paths: pd.DataFrame, report: pd.DataFrame, alpha: float = DEFAULT_ALPHA) -> str:
    """``path_pvalues`` in one sentence, for a summary: how many printed p-values do not fit their
    β, and the verdict of each group."""
    verdicts = _path_verdicts(paths, report)
    outside = [h for h in paths.index if verdicts[h] != CONSISTENT]
    total = _number_word(len(paths))
    if not outside:
        return f"All {total} of Table 5's p-values fit their β."
    a = _alpha(alpha)
    groups = []
    for verdict in (MISPRINT, INCONSISTENT, DECISION_ERROR):
        codes = [h for h in outside if verdicts[h] == verdict]
        if not codes:
            continue
        one, several = VERDICT_PHRASES[verdict]
        its = "its" if len(codes) == 1 else "their"
        reason = {
            MISPRINT: "the decision is the same whichever number is wrong",
            INCONSISTENT: f"the p-values {its} β allows lie on both sides of {a}",
            DECISION_ERROR: f"every p {its} β allows is on the other side of {a}",
        }[verdict]
        groups.append(f"{listing(codes)} {one if len(codes) == 1 else several} ({reason})")
    return (
        f"Of Table 5's {total} p-values, {_number_word(len(outside))} do not fit their β: "
        f"{'; '.join(groups)}."
    )


def hypotheses_that_survive(paths: pd.DataFrame, alpha: float = DEFAULT_ALPHA) -> str:
    """Which hypotheses stay significant at alpha with the p-values recomputed from their β, and
    which cannot be settled or would not be (``paths``: ``audit.path_pvalue_table``)."""
    sides = {h: below_alpha((r["p low"], r["p high"]), alpha) for h, r in paths.iterrows()}
    below = [h for h, side in sides.items() if side is True]
    unsettled = [h for h, side in sides.items() if side is None]
    above = [h for h, side in sides.items() if side is False]
    a = _alpha(alpha)
    if len(below) == len(paths):
        first = f"With the p-values recomputed from Table 5's β, all {_number_word(len(paths))} paths are significant at {a} on every p their β allows"
    else:
        first = (
            f"With the p-values recomputed from Table 5's β, {_count_word(len(below), len(paths)).lower()} paths "
            f"({listing(below) or 'none'}) are significant at {a} on every p their β allows"
        )
    parts = [first + "."]
    for h in unsettled:
        low, high = paths.loc[h, "p low"], paths.loc[h, "p high"]
        parts.append(
            f"{h}'s β allows {_p_range(low, high)}, so whether it is significant at {a} cannot be settled "
            "from the printed numbers."
        )
    if above:
        parts.append(f"{_have(above, 'is', 'are')} not significant at {a} on any p its β allows.")
    return " ".join(parts)


def table5_marks(report: pd.DataFrame) -> str:
    """What the audit says about Table 5's significance marks and the note under the table."""
    marks = report[report.index.str.startswith("T5-mark-")]
    flagged = marks[marks["verdict"] != CONSISTENT]
    if flagged.empty:
        return "Every significance mark of Table 5 agrees with its p under the note printed below the table."
    codes = [check.removeprefix("T5-mark-") for check in flagged.index]
    kinds = set(flagged["verdict"])
    legend = report["verdict"].get("T5-legend-text")
    if kinds == {MISPRINT}:
        note = " and the note itself" if legend == MISPRINT else ""
        return (
            f"The marks of {listing(codes)} contradict the note under Table 5 but follow the levels the "
            f"text names, so the note is the likelier slip: these marks{note} are likely misprints, and no "
            "hypothesis is decided differently."
        )
    return (
        f"The marks of {listing(codes)} contradict the note under Table 5 "
        f"({', '.join(f'{c}: {v}' for c, v in zip(codes, flagged['verdict']))})."
    )
