"""Tables 2-4 recomputed: the model tests' p, the degrees of freedom, RMSEA, the incremental indices
and the parameter count behind the information criteria.

The formulas are lavaan's, from ``helpers.sem.fit_measures``; what this module adds is running
them over the rounding intervals of the printed inputs and judging the printed outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers import paper_model
from helpers.audit.printed import (
    CONSISTENT,
    DEFAULT_ALPHA,
    EPS,
    Check,
    Reported,
    ends,
    fmt_p,
    fmt_range,
    join_sources,
    overlaps,
    p_explanation,
    p_interval,
    p_verdict,
    slug,
    span,
    verdict_for,
    whole_numbers,
)
from helpers.sem import fit_measures
from helpers.sem.fit_measures import chisq_pvalue, rmsea, rmsea_ci, rmsea_pvalue

CLOSE_FIT_RMSEA = 0.05  # H0 of lavaan's test of close fit (rmsea.pvalue)
RMSEA_CI_LEVELS = (0.90, 0.95)  # lavaan and jamovi compute 90%; the paper's Table 3 says 95%
INCREMENTAL_INDICES = {
    "cfi": fit_measures.cfi,
    "tli": fit_measures.tli,
    "rni": fit_measures.rni,
    "nfi": fit_measures.nfi,
}

# lavaan's counting under the audit's short names: sample moments and the baseline model's df.
moments = fit_measures.sample_moments
baseline_df = fit_measures.baseline_degrees_of_freedom


# --- counting and formulas -----------------------------------------------------------------------


def degrees_of_freedom_by_variables(
    observed: Iterable[int] = range(3, 11), n_exogenous: int = 1, df: int | None = None
) -> pd.DataFrame:
    """Moments and baseline df for models on more or fewer observed variables.

    With ``df`` given, the last column is how many free parameters a model on that many
    variables must have to end up with that df (moments - df).
    """
    rows = []
    for p in observed:
        row = {"observed": p, "moments": moments(p, n_exogenous), "baseline df": baseline_df(p, n_exogenous)}
        if df is not None:
            row[f"free parameters for df = {df}"] = moments(p, n_exogenous) - df
        rows.append(row)
    return pd.DataFrame(rows).set_index("observed")


def variables_for_baseline_df(target: int, n_exogenous: int = 1, largest: int = 60) -> list[int]:
    """Numbers of observed variables whose baseline model has ``target`` df."""
    return [p for p in range(max(n_exogenous, 1), largest + 1) if baseline_df(p, n_exogenous) == target]


def incremental_fit(chisq: float, df: float, base_chisq: float, base_df: float) -> dict[str, float]:
    """CFI, TLI, RNI and NFI with lavaan's formulas (``helpers.sem.fit_measures``)."""
    return {name: index(chisq, df, base_chisq, base_df) for name, index in INCREMENTAL_INDICES.items()}


def information_criteria_penalties(n: int) -> dict[str, float]:
    """What one parameter adds to each difference of lavaan's information criteria:
    BIC - AIC = k(ln N - 2), BIC - SABIC = k(ln N - ln((N+2)/24)), SABIC - AIC = k(ln((N+2)/24) - 2)."""
    # A criterion at logL = 0 and k = 1 is its penalty for one parameter.
    aic, bic, sabic = fit_measures.aic(0.0, 1), fit_measures.bic(0.0, 1, n), fit_measures.sabic(0.0, 1, n)
    return {"bic - aic": bic - aic, "bic - sabic": bic - sabic, "sabic - aic": sabic - aic}


def parameter_count_from_criteria(aic: Reported, bic: Reported, sabic: Reported, n: int) -> pd.DataFrame:
    """The parameter count k that each difference of information criteria implies, as an interval.

    Each criterion is -2·logL + penalty·k, so a difference cancels logL. The difference of two
    printed numbers is known to ± the sum of their half-units (±1 for two integers).
    """
    pairs = {"bic - aic": (bic, aic), "bic - sabic": (bic, sabic), "sabic - aic": (sabic, aic)}
    rows = []
    for name, penalty in information_criteria_penalties(n).items():
        a, b = pairs[name]
        difference = (a.interval()[0] - b.interval()[1], a.interval()[1] - b.interval()[0])
        low, high = sorted((difference[0] / penalty, difference[1] / penalty))
        rows.append(
            {
                "difference": name,
                "printed": a.value - b.value,
                "±": (difference[1] - difference[0]) / 2,
                "per parameter": penalty,
                "k low": low,
                "k high": high,
                "whole k": whole_numbers(_integers_in(low, high)),
            }
        )
    return pd.DataFrame(rows).set_index("difference")


def _integers_in(low: float, high: float) -> list[int]:
    if not (np.isfinite(low) and np.isfinite(high)):
        return []
    return list(range(int(np.ceil(low - EPS)), int(np.floor(high + EPS)) + 1))


# --- Table 2: model tests and degrees of freedom ------------------------------------------------


def check_model_test_pvalue(
    label: str, chisq: Reported, df: Reported, p: Reported, alpha: float = DEFAULT_ALPHA, decides: bool = True
) -> Check:
    """Recompute p = P(χ²_df ≥ χ²) from the printed χ² and df (statcheck; Nuijten et al. 2016).

    ``decides``: whether the test's outcome is a verdict of the study. The user model's test is
    (the model's exact fit); the baseline model's is not: it only serves as the yardstick of CFI,
    TLI and RNI, so a p on the wrong side of alpha there is no decision error.
    """
    lo, hi = chisq.interval()
    implied = (chisq_pvalue(hi, df.value), chisq_pvalue(lo, df.value))
    verdict = p_verdict(p, implied, alpha, decides=decides)
    return Check(
        check=f"T2-p-{slug(label.removesuffix(' Model'))}",
        topic="model test p-values",
        item=f"Table 2, {label}",
        what="p recomputed from χ² and df",
        published=f"p = {p} (χ² = {chisq}, df = {df.value:g})",
        source=join_sources(p.source, chisq.source),
        implied=fmt_p(implied),
        tolerance=f"p {p.tolerance}; χ² {chisq.tolerance}",
        verdict=verdict,
        explanation=p_explanation(verdict, p, implied, alpha),
    )


def check_model_degrees_of_freedom(df: Reported, base_df: Reported) -> list[Check]:
    """The printed df against those counted for the Figure 2 model (lavaan's counting).

    df = moments - free parameters, moments = p(p+1)/2 - p_x(p_x+1)/2 (fixed.x). Also: how many
    observed variables the printed baseline df needs, and how many free parameters the printed
    df leaves for Figure 2's variables. Either variant of Figure 2 (correlated or orthogonal outcomes) counts.
    """
    counted = paper_model.degrees_of_freedom_table()
    n_moments, base_counted = int(counted["moments"].iloc[0]), int(counted["baseline df"].iloc[0])
    p, p_x = len(paper_model.VARIABLES), len(paper_model.EXOGENOUS)
    needed = variables_for_baseline_df(int(base_df.value), p_x)
    left = n_moments - int(df.value)
    dfs = " or ".join(f"{d} ({label})" for label, d in counted["df"].items())
    n_free = " or ".join(f"{k} ({label})" for label, k in counted["free parameters"].items())
    n_paths = paper_model.free_parameters()["regressions"]
    paths_note = f", fewer than the {n_paths} paths of Figure 2 alone" if left < n_paths else ""
    common = {"topic": "degrees of freedom", "tolerance": "exact (counts)"}
    return [
        Check(
            check="F2-df-user",
            item="Table 2, User Model; Figure 2",
            what="df counted for the Figure 2 model",
            published=f"df = {df.value:g}",
            source=df.source,
            implied=f"df = {dfs}",
            verdict=verdict_for(df.value in set(counted["df"])),
            explanation=f"{n_moments} moments ({p} variables, {p_x} exogenous, fixed.x) minus {n_free} "
            "free parameters",
            **common,
        ),
        Check(
            check="F2-df-baseline",
            item="Table 2, Baseline Model; Figure 2",
            what="baseline df counted for Figure 2's variables",
            published=f"df = {base_df.value:g}",
            source=base_df.source,
            implied=f"df = {base_counted}",
            verdict=verdict_for(base_df.value == base_counted),
            explanation=f"{n_moments} moments minus {p - p_x} free variances of the endogenous variables",
            **common,
        ),
        Check(
            check="F2-variables-baseline",
            item="Table 2, Baseline Model; Figure 2",
            what="observed variables a baseline model with the printed df has",
            published=f"df = {base_df.value:g}",
            source=base_df.source,
            implied=f"{whole_numbers(needed)} variables (Figure 2 has {p})",
            verdict=verdict_for(p in needed),
            explanation=f"baseline df = p(p-1)/2 - p_x(p_x-1)/2 with p_x = {p_x}: {base_df.value:g} needs "
            f"p = {whole_numbers(needed)}",
            **common,
        ),
        Check(
            check="F2-parameters-user",
            item="Table 2, User Model; Figure 2",
            what="free parameters the printed df leaves for Figure 2's variables",
            published=f"df = {df.value:g}",
            source=df.source,
            implied=f"{left} free parameters; Figure 2 has {n_free}",
            verdict=verdict_for(left in set(counted["free parameters"])),
            explanation=f"{n_moments} moments - {df.value:g} df = {left}" + paths_note,
            **common,
        ),
    ]


def df_search(
    chisq: Reported,
    n: int,
    p: Reported | None = None,
    rmsea_: Reported | None = None,
    dfs: Iterable[int] = range(1, 31),
) -> pd.DataFrame:
    """For each candidate df, the p and RMSEA the printed χ² gives, and whether they match the
    printed p and RMSEA within rounding. A teaching device: which df could the authors have had?"""
    lo, hi = chisq.interval()
    dfs = list(dfs)
    table = pd.DataFrame(index=pd.Index(dfs, name="df"))
    if p is not None:
        p_lo, p_hi = p_interval(p)
        table["p from χ²"] = [chisq_pvalue(chisq.value, d) for d in dfs]
        # p falls as χ² rises: the largest χ² gives the smallest p
        table["p matches"] = [
            chisq_pvalue(hi, d) <= p_hi + EPS and p_lo <= chisq_pvalue(lo, d) + EPS for d in dfs
        ]
    if rmsea_ is not None:
        r_lo, r_hi = rmsea_.interval()
        table["RMSEA from χ²"] = [rmsea(chisq.value, d, n) for d in dfs]
        table["RMSEA matches"] = [
            rmsea(lo, d, n) <= r_hi + EPS and r_lo <= rmsea(hi, d, n) + EPS for d in dfs
        ]
    table["all match"] = table[[c for c in table.columns if c.endswith("matches")]].all(axis=1)
    return table


def check_df_search(
    label: str, chisq: Reported, df: Reported, n: int, p: Reported, rmsea_: Reported | None = None
) -> Check:
    """Which df from 1 to 30 make the printed χ², p (and RMSEA) agree; is the printed df one?"""
    table = df_search(chisq, n, p, rmsea_)
    matching = table.index[table["all match"]]
    found = [f"p fits df {whole_numbers(table.index[table['p matches']])}"]
    shown = f"χ² = {chisq}, p = {p}"
    if rmsea_ is not None:
        found.append(f"RMSEA fits df {whole_numbers(table.index[table['RMSEA matches']])}")
        shown += f", RMSEA = {rmsea_}"
    return Check(
        check=f"T2-df-search-{slug(label.removesuffix(' Model'))}",
        topic="degrees of freedom",
        item=f"Table 2, {label}" + (" and Table 3" if rmsea_ is not None else ""),
        what=f"df (1-30) that make {'χ², p and RMSEA' if rmsea_ is not None else 'χ² and p'} agree",
        published=f"df = {df.value:g} ({shown})",
        source=join_sources(df.source, rmsea_.source if rmsea_ is not None else ""),
        implied=f"df = {whole_numbers(matching)}",
        tolerance="rounding of each printed value",
        verdict=verdict_for(df.value in matching),
        explanation="; ".join(found),
    )


# --- Tables 3 and 4: RMSEA, incremental indices, information criteria ---------------------------

RMSEA_LABELS = {
    "rmsea": "RMSEA",
    "rmsea_ci_lower": "RMSEA CI lower",
    "rmsea_ci_upper": "RMSEA CI upper",
    "rmsea_pvalue": "RMSEA p (close fit)",
}


def check_rmsea(
    chisq: Reported,
    df: Reported,
    n: int,
    printed: Mapping[str, Reported | None],
    alpha: float = DEFAULT_ALPHA,
) -> list[Check]:
    """RMSEA, its CI (90% as lavaan and jamovi compute it, or 95% as Table 3's heading says) and the
    close-fit p recomputed from χ², df and N with lavaan's formulas (``rmsea``, ``rmsea_ci``,
    ``rmsea_pvalue``).

    ``printed`` may hold ``rmsea``, ``rmsea_ci_lower``, ``rmsea_ci_upper``, ``rmsea_pvalue``. A
    close-fit p on the other side of ``alpha`` than the recomputed one is a decision error (the
    test of close fit is a verdict on the model); any other failure is an unsettled inconsistency.
    """
    chisq_range, d = chisq.interval(), df.value
    implied = {
        "rmsea": {"": ends(lambda c: rmsea(c, d, n), chisq_range)},
        "rmsea_pvalue": {"": ends(lambda c: rmsea_pvalue(c, d, n, close=CLOSE_FIT_RMSEA), chisq_range)},
        "rmsea_ci_lower": {},
        "rmsea_ci_upper": {},
    }
    for level in RMSEA_CI_LEVELS:
        # each bound is monotone in χ²: its range runs between the intervals at the two ends
        at_ends = [rmsea_ci(c, d, n, level) for c in chisq_range]
        for key, end in (("rmsea_ci_lower", 0), ("rmsea_ci_upper", 1)):
            implied[key][f"{level:.0%} CI: "] = tuple(sorted(ci[end] for ci in at_ends))
    rows = []
    for key, label in RMSEA_LABELS.items():
        value = printed.get(key)
        if value is None:
            continue
        shown = "; ".join(f"{level}{fmt_range(interval)}" for level, interval in implied[key].items())
        matches = [level for level, interval in implied[key].items() if overlaps(interval, value.interval())]
        basis = f"χ² = {chisq}, df = {d:g}, N = {n}"
        if matches:
            level = f" ({matches[0].split()[0]} CI)" if matches[0] else ""
            explanation = f"recomputed from {basis}{level}"
        else:
            explanation = f"{basis} gives {shown}, not {value}"
        verdict = verdict_for(bool(matches))
        if key == "rmsea_pvalue" and verdict != CONSISTENT:
            verdict = p_verdict(value, implied[key][""], alpha)
            explanation += "; " + p_explanation(verdict, value, implied[key][""], alpha)
        rows.append(
            Check(
                check=f"T3-{slug(key)}",
                topic="RMSEA",
                item=f"Table 3, {label}",
                what=f"{label} recomputed from χ², df and N (lavaan)",
                published=str(value),
                source=value.source,
                implied=shown,
                tolerance=value.tolerance,
                verdict=verdict,
                explanation=explanation,
            )
        )
    return rows


def check_incremental_indices(
    chisq: Reported, df: Reported, base_chisq: Reported, base_df: Reported, printed: Mapping[str, Any]
) -> list[Check]:
    """CFI, TLI and RNI recomputed from the user and baseline χ² and df (``INCREMENTAL_INDICES``)."""
    rows = []
    for key in ("cfi", "tli", "rni"):
        value = printed.get(key)
        if value is None:
            continue
        implied = span(
            lambda c, b, index=INCREMENTAL_INDICES[key]: index(c, df.value, b, base_df.value),
            chisq.interval(),
            base_chisq.interval(),
        )
        basis = f"χ² = {chisq} on {df.value:g} df, baseline χ² = {base_chisq} on {base_df.value:g} df"
        ok = overlaps(implied, value.interval())
        rows.append(
            Check(
                check=f"T4-{key}",
                topic="incremental fit indices",
                item=f"Table 4, {key.upper()}",
                what=f"{key.upper()} recomputed from the user and baseline χ² and df (lavaan)",
                published=str(value),
                source=value.source,
                implied=fmt_range(implied, 3),
                tolerance=value.tolerance,
                verdict=verdict_for(ok),
                explanation=f"from {basis}" if ok else f"{basis} gives {fmt_range(implied, 3)}",
            )
        )
    return rows


def check_information_criteria(
    aic: Reported, bic: Reported, sabic: Reported, n: int, parameter_counts: Mapping[str, int]
) -> list[Check]:
    """Three estimates of the parameter count k from the printed AIC, BIC and sample-size adjusted
    BIC (lavaan's ``aic``, ``bic``, ``bic2``), against the model's counted k and each other."""
    table = parameter_count_from_criteria(aic, bic, sabic, n)
    counted = " or ".join(f"{k} ({label})" for label, k in parameter_counts.items())
    common = {
        "topic": "information criteria",
        "item": "Table 3, AIC, BIC, adj. BIC",
        "source": join_sources(aic.source, bic.source, sabic.source),
    }
    rows = []
    for name, row in table.iterrows():
        interval = (row["k low"], row["k high"])
        ok = any(interval[0] - EPS <= k <= interval[1] + EPS for k in parameter_counts.values())
        rows.append(
            Check(
                check=f"T3-k-{name.replace(' ', '')}",
                what=f"parameter count from {name.upper()} = k·{row['per parameter']:.4f}",
                published=f"{name.upper()} = {row['printed']:g}",
                implied=f"k = {fmt_range(interval, 2)}",
                tolerance=f"±{row['±']:g} on a difference of two printed numbers",
                verdict=verdict_for(ok),
                explanation=f"the model has {counted} free parameters; whole k in range: {row['whole k']}",
                **common,
            )
        )
    sets = [set(_integers_in(r["k low"], r["k high"])) for _, r in table.iterrows()]
    shared = sorted(set.intersection(*sets))
    rows.append(
        Check(
            check="T3-k-agreement",
            what="the three estimates of k share a whole number",
            published=f"AIC = {aic}, BIC = {bic}, adj. BIC = {sabic}",
            implied=f"shared k: {whole_numbers(shared)}",
            tolerance="rounding of each difference",
            verdict=verdict_for(bool(shared)),
            explanation="one k explains all three" if shared else "no single parameter count gives all three",
            **common,
        )
    )
    return rows
