"""Table 5 checked: each path's p against its β, the significance marks against the legend and the
text, and the decisions against the p-values."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from helpers import paper_model
from helpers.audit.printed import (
    CONSISTENT,
    DECISION_ERROR,
    EPS,
    INCONSISTENT,
    MISPRINT,
    Check,
    Reported,
    below_alpha,
    fmt_p,
    fmt_range,
    has,
    join_sources,
    overlaps,
    p_explanation,
    p_interval,
    p_verdict,
    source_range,
    verdict_for,
)

# --- what a printed β allows ----------------------------------------------------------------------


def traced_correlations(
    betas: Mapping[tuple[str, str], float], deviation: float = 0.0
) -> dict[tuple[str, str], float]:
    """Correlations among the model's predictors implied by its standardized paths (path tracing).

    Walk the variables in causal order: corr(a, b) = Σ_p β(p→b)·corr(a, p) over b's predictors
    p, since b's residual is uncorrelated with earlier variables (lavaan frees residual
    covariances only among terminal outcomes). ``deviation`` adds a residual partial correlation
    between two endogenous predictors, to allow for a model that does not fit exactly.
    """
    if len(paper_model.EXOGENOUS) != 1:
        raise NotImplementedError("the correlations among several exogenous variables are not published")
    equations = paper_model.equations()
    order = [v for v in paper_model.VARIABLES if v not in paper_model.OUTCOMES]
    corr: dict[tuple[str, str], float] = {(v, v): 1.0 for v in order}

    def r2(v: str) -> float:
        return sum(betas[(a, v)] * betas[(b, v)] * corr[(a, b)] for a in equations[v] for b in equations[v])

    for j, b in enumerate(order):
        for a in order[:j]:
            traced = sum(betas[(p, b)] * corr[(a, p)] for p in equations[b])
            if a in equations:
                traced += deviation * np.sqrt(max((1 - r2(a)) * (1 - r2(b)), 0.0))
            corr[(a, b)] = corr[(b, a)] = traced
    return corr


def path_test_statistics(
    hypothesis: str, betas: Mapping[str, float], n: int, deviation: float = 0.0
) -> tuple[float, float, int]:
    """z (ML, as lavaan) and t (OLS) of one standardized path from the paper's β's, and t's df.

    For predictor j of an equation with k predictors, standardized coefficient β_j, equation R²
    and R²_j (j on the other predictors): z = β_j·sqrt(N(1 - R²_j)/(1 - R²)) and
    t = β_j·sqrt((N-k-1)(1 - R²_j)/(1 - R²)) on N-k-1 df. R² and R²_j use the predictors'
    correlations implied by the model (``traced_correlations``). With a single predictor this
    is exact: z = β·sqrt(N/(1 - β²)).
    """
    by_path = {(h.predictor, h.outcome): betas[h.code] for h in paper_model.HYPOTHESES}
    target = next(h for h in paper_model.HYPOTHESES if h.code == hypothesis)
    predictors = paper_model.equations()[target.outcome]
    corr = traced_correlations(by_path, deviation)
    r_xx = np.array([[corr[(a, b)] for b in predictors] for a in predictors])
    beta = np.array([by_path[(p, target.outcome)] for p in predictors])
    r2 = float(beta @ r_xx @ beta)
    j = predictors.index(target.predictor)
    one_minus_r2_j = 1 / np.linalg.inv(r_xx)[j, j]
    scale = np.sqrt(one_minus_r2_j / (1 - r2)) if r2 < 1 else np.inf
    df_t = n - len(predictors) - 1
    return float(beta[j] * np.sqrt(n) * scale), float(beta[j] * np.sqrt(df_t) * scale), df_t


def misfit_partial_correlation(chisq: float | None, n: int) -> float:
    """The largest residual partial correlation between two mediators that the model's χ² allows.

    Freeing one residual correlation r that the model fixes at 0 lowers χ² by -N·ln(1 - r²), and
    χ² cannot go below 0, so |r| ≤ sqrt(1 - exp(-χ²/N)). Without a χ², 0 (the model taken as exact).
    """
    return 0.0 if chisq is None else float(np.sqrt(1 - np.exp(-chisq / n)))


def _involved(code: str) -> list[str]:
    """Hypotheses whose β enters the test of ``code``: the paths of its equation and the paths
    into its predictors."""
    target = next(h for h in paper_model.HYPOTHESES if h.code == code)
    predictors = set(paper_model.equations()[target.outcome])
    return [h.code for h in paper_model.HYPOTHESES if h.outcome == target.outcome or h.outcome in predictors]


def implied_path_tests(betas: Mapping[str, Reported], n: int, chisq: float | None = None) -> pd.DataFrame:
    """Per hypothesis: the range of |z| and of the two-sided p that its printed β allows at this N.

    Ranges run over the corners of the rounding intervals of every β involved and over the
    residual partial correlation between the mediators that the χ² allows
    (``misfit_partial_correlation``).
    The p range runs from the smallest ML p (z, as lavaan and jamovi) to the largest OLS p (t),
    so either software convention counts as consistent.
    """
    deviation = misfit_partial_correlation(chisq, n)
    deviations = (-deviation, 0.0, deviation) if deviation else (0.0,)
    rows = []
    for code in betas:
        involved = _involved(code)
        grids = [betas[c].interval() for c in involved]  # z is monotone in each β: corners suffice
        z, t = [], []
        for *point, dev in itertools.product(*grids, deviations):
            point_betas = {c: b.value for c, b in betas.items()} | dict(zip(involved, point))
            z_value, t_value, df_t = path_test_statistics(code, point_betas, n, dev)
            z.append(abs(z_value))
            t.append(abs(t_value))
        rows.append(
            {
                "hypothesis": code,
                "beta": betas[code].value,
                "|z| low": min(z),
                "|z| high": max(z),
                "p low": float(2 * stats.norm.sf(max(z))),
                "p high": float(2 * stats.t.sf(min(t), df_t)),
            }
        )
    return pd.DataFrame(rows).set_index("hypothesis")


def path_pvalue_table(paths: pd.DataFrame, n: int, chisq: float | None = None) -> pd.DataFrame:
    """Table 5's printed β and p beside the |z| and p range each β allows (``implied_path_tests``).

    ``paths``: hypothesis, beta, beta_decimals, p (and p_decimals, source), as in
    ``published_values()["paths"]``; ``chisq`` widens the ranges for the model's misfit.
    """
    betas = {r.hypothesis: Reported(r.beta, int(r.beta_decimals)) for r in paths.itertuples()}
    tests = implied_path_tests(betas, n, chisq)
    printed = paths.set_index("hypothesis")[["p"]].rename(columns={"p": "printed p"})
    return tests.join(printed)


# --- what a mark stands for ----------------------------------------------------------------------


def expected_mark(p: float, legend: Mapping[str, float]) -> str:
    """The mark a legend gives a p-value: the one with the smallest threshold above p ('' if none)."""
    eligible = [(threshold, mark) for mark, threshold in legend.items() if p < threshold]
    return min(eligible)[1] if eligible else ""


def mark_interval(mark: str, legend: Mapping[str, float]) -> tuple[float, float]:
    """The p-values a mark stands for under a legend: below its own threshold and at or above the
    next lower one (no mark: at or above the largest threshold)."""
    thresholds = sorted(legend.values())
    if not mark:
        return (max(thresholds) if thresholds else 0.0), 1.0
    below = [t for t in thresholds if t < legend[mark]]
    return (max(below) if below else 0.0), legend[mark]


def _levels(values: Iterable[float]) -> str:
    values = list(values)
    return ", ".join(f"p < {v:g}" for v in values) if values else "none"


# --- checks ---------------------------------------------------------------------------------------


def check_table5(values: Mapping[str, Any], n: int, alpha: float) -> list[Check]:
    """Every check on Table 5 that the audited values allow: p-values, marks, legend, decisions.

    When the text names significance levels and the marks sort the p-values by them
    (``text_reading``), a mark or a legend that disagrees with the printed note is read as a
    misprinted note (a likely misprint), not as a decision error.
    """
    paths, text = values["paths"], values.get("text") or {}
    chisq = values["chisq"].value if has(values, "chisq") else None
    rows = check_path_pvalues(paths, n, chisq, alpha)
    legend_source = values.get("legend_source", "")
    if values.get("legend") and "mark" in paths:
        levels = text.get("thresholds") or ()
        rows += check_marks(paths, values["legend"], alpha, legend_source, levels)
        if levels:
            text_source = text.get("thresholds_source", "")
            legend_and_text = join_sources(legend_source, text_source)
            follows = bool(text_reading(paths, levels))
            rows.append(check_legend_against_text(values["legend"], levels, legend_and_text, follows))
            marks_and_text = join_sources(source_range(paths["source"]), text_source)
            rows.append(check_marks_against_text(paths, levels, marks_and_text))
    if "decision" in paths:
        rows.append(check_decisions(paths, alpha))
    return rows


def check_path_pvalues(paths: pd.DataFrame, n: int, chisq: float | None, alpha: float) -> list[Check]:
    """Each path's printed p against the range its printed β allows at N (``path_pvalue_table``).

    A p that its β cannot give is a decision error when the printed p and every p the β allows
    lie on different sides of alpha (the hypothesis' decision depends on which is right); a
    likely misprint when they all lie on the same side (one of the two printed numbers is wrong,
    and the decision is the same either way); and an unsettled inconsistency when the range the
    β allows straddles alpha (which number is wrong decides the hypothesis, and the paper cannot
    say which) (``p_verdict``).
    ``paths``: hypothesis, beta, beta_decimals, p, p_decimals, source.
    """
    tests = path_pvalue_table(paths, n, chisq)
    rows = []
    for r in paths.itertuples():
        p = Reported(r.p, int(r.p_decimals), r.source)
        beta = Reported(r.beta, int(r.beta_decimals))
        test = tests.loc[r.hypothesis]
        implied = (test["p low"], test["p high"])
        verdict = p_verdict(p, implied, alpha, misprint=True)
        rows.append(
            Check(
                check=f"T5-p-{r.hypothesis}",
                topic="path p-values",
                item=f"Table 5, {r.hypothesis}",
                what="p that the path's β allows at this N (model-implied R²)",
                published=f"β = {beta}, p = {p}",
                source=p.source,
                implied=fmt_p(implied),
                tolerance=f"p {p.tolerance}; β ±{0.5 * 10.0**-r.beta_decimals:g}",
                verdict=verdict,
                explanation=f"|z| = {fmt_range((test['|z| low'], test['|z| high']), 1)} at N = {n}; "
                + p_explanation(verdict, p, implied, alpha),
            )
        )
    return rows


def check_marks(
    paths: pd.DataFrame,
    legend: Mapping[str, float],
    alpha: float,
    legend_source: str = "",
    text_levels: Iterable[float] = (),
) -> list[Check]:
    """Each significance mark against its p-value under the table's legend.

    A mark stands for the p-values below its threshold and at or above the next lower one
    (``mark_interval``). A mark that disagrees with the legend is a likely misprint when the
    marks sort the p-values by the levels the text names (``text_reading``) and this mark fits
    that reading: the note, not the mark, is then the likelier slip, and nothing is decided
    differently. Otherwise, when the mark's range lies on the other side of alpha than the p,
    the mark tells the reader the opposite of the p: a decision error.
    """
    legend_text = ", ".join(f"'{m}' p < {t:g}" for m, t in sorted(legend.items(), key=lambda x: -x[1]))
    reading = text_reading(paths, text_levels)
    rows = []
    for r in paths.itertuples():
        p = Reported(r.p, int(r.p_decimals), r.source)
        mark = r.mark if isinstance(r.mark, str) else ""
        low, high = mark_interval(mark, legend)
        mark_range = (low, high - EPS)
        verdict = verdict_for(overlaps(p_interval(p), mark_range))
        explanation = f"legend: {legend_text}; so '{mark}' means {low:g} ≤ p < {high:g}"
        if verdict != CONSISTENT and mark in reading:
            text_low, text_high = mark_interval(mark, reading)
            if overlaps(p_interval(p), (text_low, text_high - EPS)):
                verdict = MISPRINT
                explanation += (
                    f"; with the text's levels '{mark}' means {text_low:g} ≤ p < {text_high:g}, which "
                    "fits: the note's threshold is the likelier slip"
                )
        mark_side = below_alpha(mark_range, alpha)
        if verdict == INCONSISTENT and mark_side is not None and mark_side != (p.value < alpha):
            verdict = DECISION_ERROR
        rows.append(
            Check(
                check=f"T5-mark-{r.hypothesis}",
                topic="significance marks",
                item=f"Table 5, {r.hypothesis}",
                what="the mark agrees with the p-value under the table's legend",
                published=f"'{mark}' on p = {p}",
                source=join_sources(p.source, legend_source),
                implied=f"'{expected_mark(p.value, legend)}'",
                tolerance=p.tolerance,
                verdict=verdict,
                explanation=explanation,
            )
        )
    return rows


def check_legend_against_text(
    legend: Mapping[str, float], thresholds: Iterable[float], source: str, marks_follow_text: bool = False
) -> Check:
    """The legend's thresholds against the significance levels the text reports.

    When they differ but the marks sort the p-values by the text's levels
    (``marks_follow_text``), the legend is a likely misprint; otherwise an unsettled
    inconsistency.
    """
    in_legend, in_text = sorted(set(legend.values())), sorted(set(thresholds))
    ok = len(in_legend) == len(in_text) and np.allclose(in_legend, in_text)
    explanation = (
        "the same levels"
        if ok
        else f"only in the legend: {_levels(sorted(set(in_legend) - set(in_text)))}; "
        f"only in the text: {_levels(sorted(set(in_text) - set(in_legend)))}"
    )
    if not ok and marks_follow_text:
        explanation += "; the marks follow the text's levels, so the note is the likelier slip"
    return Check(
        check="T5-legend-text",
        topic="significance marks",
        item="Table 5 note; text after Table 5",
        what="the legend's thresholds are the levels the text reports",
        published=f"legend: {_levels(in_legend)}",
        source=source,
        implied=f"text: {_levels(in_text)}",
        tolerance="exact",
        verdict=verdict_for(ok, misprint=marks_follow_text),
        explanation=explanation,
    )


def text_reading(paths: pd.DataFrame, thresholds: Iterable[float]) -> dict[str, float]:
    """The legend the marks follow if read with the text's levels: {mark: level}, or {} if none.

    Order the mark groups by their largest p and pair them with the text's levels in increasing
    order; the reading holds when every p of a group lies below its level and at or above the
    level before.
    """
    levels = sorted(set(thresholds))
    if "mark" not in paths or not levels:
        return {}
    groups = {m: paths.loc[paths["mark"] == m, "p"] for m in paths["mark"].dropna().unique()}
    order = sorted(groups, key=lambda m: groups[m].max())
    if not order or len(order) > len(levels):
        return {}
    reading = dict(zip(order, levels))
    floors = dict(zip(order, [0.0, *levels]))
    fits = all((groups[m] < reading[m]).all() and (groups[m] >= floors[m]).all() for m in order)
    return reading if fits else {}


def check_marks_against_text(paths: pd.DataFrame, thresholds: Iterable[float], source: str) -> Check:
    """Can the marks be read with the text's levels (``text_reading``)?"""
    groups = {m: paths.loc[paths["mark"] == m, "p"] for m in paths["mark"].dropna().unique()}
    order = sorted(groups, key=lambda m: groups[m].max())
    reading = text_reading(paths, thresholds)
    read_as = ", ".join(f"'{m}' = p < {t:g}" for m, t in reading.items())
    return Check(
        check="T5-marks-text",
        topic="significance marks",
        item="Table 5 marks; text after Table 5",
        what="the marks sort the p-values by the text's levels",
        published="; ".join(f"'{m}' on p {fmt_range((groups[m].min(), groups[m].max()), 3)}" for m in order),
        source=source,
        implied=read_as or "no reading",
        tolerance="exact",
        verdict=verdict_for(bool(reading)),
        explanation=f"the marks follow the text if read as {read_as}"
        if reading
        else "no pairing of the text's levels with the marks fits the p-values",
    )


def check_decisions(paths: pd.DataFrame, alpha: float) -> Check:
    """'Supported' / 'Not supported' against p < alpha for every hypothesis."""
    expected = pd.Series(np.where(paths["p"] < alpha, "Supported", "Not supported"), index=paths.index)
    wrong = list(paths.loc[paths["decision"] != expected, "hypothesis"])

    def summary(decisions: pd.Series) -> str:
        counts = decisions.value_counts()
        return ", ".join(f"{count} × {decision}" for decision, count in counts.items())

    return Check(
        check="T5-decisions",
        topic="significance marks",
        item="Table 5, decision column",
        what=f"each decision is 'Supported' exactly when p < {alpha:g}",
        published=summary(paths["decision"]),
        source=source_range(paths["source"]),
        implied=summary(expected),
        tolerance="exact",
        verdict=CONSISTENT if not wrong else DECISION_ERROR,
        explanation="every decision follows its printed p"
        if not wrong
        else f"decisions contradict the printed p for {', '.join(wrong)}",
    )
