"""Lessons 01 and 06: where the analysed data come from, and what the audit of the kit's own
fit shows."""

from __future__ import annotations

import pandas as pd

from helpers.audit.printed import CONSISTENT, DECISION_ERROR, INCONSISTENT, MISPRINT, VERDICTS
from helpers.statements import p_text
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
