"""The text's claims: read from the study facts with small patterns, and checked against the tables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from helpers import published
from helpers.audit.printed import CONSISTENT, DECISION_ERROR, Check, fmt, has, overlaps, verdict_for
from helpers.sem.fit_measures import chisq_pvalue


def text_claims(facts: pd.DataFrame | None = None) -> dict[str, Any]:
    """The checkable claims of the text (``data/published/study_facts.csv``), read with small
    patterns: the significance levels named for the hypotheses, the χ² the text names, whether it
    calls that χ² significant, and which indices it says exceed which value."""
    rows = (published.study_facts() if facts is None else facts).set_index("fact")
    hypotheses, fit = str(rows.loc["hypotheses_text", "value"]), str(rows.loc["fit_text", "value"])
    above = re.search(r"((?:[A-Z]+,\s*)*[A-Z]+)\s+above\s+(\d*\.?\d+)", fit)
    chisq = re.search(r"chi-square\s+(\d+\.?\d*)", fit)
    return {
        "thresholds": tuple(float(x) for x in re.findall(r"p\s*<\s*(\d*\.\d+)", hypotheses)),
        "thresholds_source": rows.loc["hypotheses_text", "source"],
        "chisq": float(chisq.group(1)) if chisq else None,
        "chisq_significant": bool(re.search(r"(?<!non-)(?<!not )significant p-value", fit)),
        "indices_above": tuple(x.strip().lower() for x in above.group(1).split(",")) if above else (),
        "above_value": float(above.group(2)) if above else None,
        "fit_source": rows.loc["fit_text", "source"],
    }


def check_text_claims(values: Mapping[str, Any], alpha: float) -> list[Check]:
    """The text's statements about model fit (``text_claims``) against Tables 2 and 4.

    The χ² the text names differs from Table 2's: a likely misprint (one number copied twice).
    The text's reading of the χ² test or of the indices against their cut-off contradicts the
    table: a decision error, since these are the paper's stated verdicts on the model's fit. It
    is one even when the conclusion the text draws would not change with the right verdict: the
    reader is told the wrong result of the test.
    """
    text, rows = values["text"], []
    common = {"topic": "text claims", "source": text.get("fit_source", "text"), "tolerance": "exact"}
    if text.get("chisq") is not None and has(values, "chisq"):
        ok = overlaps((text["chisq"], text["chisq"]), values["chisq"].interval())
        rows.append(
            Check(
                check="TXT-chisq",
                item="text on Tables 2-4; Table 2",
                what="the χ² the text names is Table 2's",
                published=f"text: χ² = {text['chisq']:g}",
                implied=f"Table 2: χ² = {values['chisq']}",
                verdict=verdict_for(ok, misprint=True),
                explanation="the same number" if ok else "text and table differ: one of them is misprinted",
                **common,
            )
        )
    if text.get("chisq_significant") is not None and has(values, "pvalue"):
        rows.append(_significance_claim(values, text["chisq_significant"], alpha, common))
    above, threshold = text.get("indices_above", ()), text.get("above_value")
    present = [k for k in above if values.get(k) is not None]
    if present and threshold is not None:
        failing = [k.upper() for k in present if values[k].value <= threshold]
        rows.append(
            Check(
                check="TXT-indices-above",
                item="text on Tables 2-4; Table 4",
                what=f"{', '.join(k.upper() for k in present)} above {threshold:g}",
                published=", ".join(f"{k.upper()} = {values[k]}" for k in present),
                implied=f"each > {threshold:g}",
                verdict=CONSISTENT if not failing else DECISION_ERROR,
                explanation="all above"
                if not failing
                else f"not above: {', '.join(failing)}; the text's fit verdict contradicts the table",
                **common,
            )
        )
    return rows


def _significance_claim(values: Mapping[str, Any], claimed: bool, alpha: float, common: dict) -> Check:
    p = values["pvalue"]
    significant = p.value < alpha
    explanation = f"Table 2's p {'is' if significant else 'is not'} below α = {alpha:g}"
    if has(values, "chisq", "df"):
        recomputed = chisq_pvalue(values["chisq"].value, values["df"].value)
        explanation += f" (recomputed from χ² and df: p = {fmt(recomputed, 3)})"
    if claimed:
        explanation += "; and a significant χ² would signal misfit, not good fit"
    return Check(
        check="TXT-chisq-significant",
        item="text on Tables 2-4; Table 2",
        what=f"the text's reading of the χ² test against Table 2's p at α = {alpha:g}",
        published="text: significant" if claimed else "text: not significant",
        implied=f"Table 2: p = {p}, {'significant' if significant else 'not significant'}",
        verdict=CONSISTENT if claimed == significant else DECISION_ERROR,
        explanation=explanation,
        **common,
    )
