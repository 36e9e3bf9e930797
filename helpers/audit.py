"""The reporting audit: every published number that can be checked against the paper's others.

In the spirit of statcheck (Nuijten et al., 2016, *Behavior Research Methods* 48, 1205-1226),
which recomputes p-values from reported test statistics, but wider: degrees of freedom are
counted from the model of Figure 2, fit indices recomputed from the chi-square values with
lavaan's formulas (``fitMeasures``, lavaan 0.6), the parameter count recovered from AIC and BIC,
each path's p-value bounded from its standardized coefficient, percentages checked against
counts, and significance marks read against the table note and the text.

The one rule behind every check: **a printed number stands for an interval.** A value printed
with d decimals can be anything within ±½·10⁻ᵈ of it. A check recomputes a quantity from the
intervals of its inputs and calls the published value *consistent* when its own interval
overlaps the recomputed one. Otherwise it is *inconsistent*, and a *decision error*
(statcheck's term) when the disagreement puts a result on the other side of the paper's alpha.

Published numbers are never typed in here: ``published_values()`` reads them from
``data/published`` with the decimals the paper prints. ``audit(values)`` accepts any numbers in
the same layout, e.g. our own fit rounded like the paper (``values_like_published``), and
``audit_published_values()`` runs every check on the paper's numbers.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from helpers import model, path_model, published, settings
from helpers.model import baseline_df, free_parameters, moments

CONSISTENT, INCONSISTENT, DECISION_ERROR = "consistent", "inconsistent", "decision error"
VERDICTS = (CONSISTENT, INCONSISTENT, DECISION_ERROR)
DEFAULT_ALPHA = 0.05
CLOSE_FIT_RMSEA = 0.05  # H0 of lavaan's test of close fit (rmsea.pvalue)
RMSEA_CI_LEVELS = (0.90, 0.95)  # lavaan and jamovi compute 90%; the paper's Table 3 says 95%
EPS = 1e-9

# Published measure names -> the kit's names (lavaan's fitMeasures names, "_" for "."),
# defined once in path_model.
TABLE3_NAMES = path_model.TABLE3_MEASURES
TABLE4_NAMES = path_model.TABLE4_MEASURES
LAVAAN_ALIASES = {"bic2": "sabic", "logl": "loglik", "ntotal": "n"}
FIT_KEYS = (
    "chisq",
    "df",
    "pvalue",
    "baseline_chisq",
    "baseline_df",
    "baseline_pvalue",
    *TABLE3_NAMES.values(),
    *TABLE4_NAMES.values(),
)
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


# ---------------------------------------------------------------------------------------------
# Printed numbers, intervals and verdicts
# ---------------------------------------------------------------------------------------------


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


def overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """True when two closed intervals share a point (up to floating-point noise)."""
    return a[0] <= b[1] + EPS and b[0] <= a[1] + EPS


def _span(function: Callable[..., float], *intervals: tuple[float, float]) -> tuple[float, float]:
    """Smallest and largest value of ``function`` over a box of intervals (corners and centres).

    The quantities audited here are monotone in each input over a rounding interval, so the
    extremes sit at the corners; the centres are a cheap guard.
    """
    grids = [(lo, (lo + hi) / 2, hi) for lo, hi in intervals]
    values = [function(*point) for point in itertools.product(*grids)]
    return float(np.nanmin(values)), float(np.nanmax(values))


def _ends(function: Callable[[float], float], interval: tuple[float, float]) -> tuple[float, float]:
    """Range of a function that is monotone over the interval: its values at the two ends."""
    a, b = function(interval[0]), function(interval[1])
    return min(a, b), max(a, b)


def _verdict(consistent: bool) -> str:
    return CONSISTENT if consistent else INCONSISTENT


def _significant(interval: tuple[float, float], alpha: float) -> bool | None:
    """True / False when the whole interval is below / not below alpha; None when it straddles."""
    if interval[1] < alpha:
        return True
    if interval[0] >= alpha:
        return False
    return None


def _p_verdict(printed: Reported, implied: tuple[float, float], alpha: float) -> str:
    """statcheck's verdict for a p-value: consistent, inconsistent, or a decision error when the
    printed p and the recomputed p fall on different sides of alpha."""
    if overlaps(_p_interval(printed), implied):
        return CONSISTENT
    implied_side = _significant(implied, alpha)
    if implied_side is not None and implied_side != (printed.value < alpha):
        return DECISION_ERROR
    return INCONSISTENT


def _p_interval(p: Reported) -> tuple[float, float]:
    lo, hi = p.interval()
    return max(lo, 0.0), min(hi, 1.0)


def _p_explanation(verdict: str, p: Reported, implied: tuple[float, float], alpha: float) -> str:
    if verdict == CONSISTENT:
        return "the printed p is one the statistic allows"
    side = "below" if p.value < alpha else "at or above"
    if verdict == DECISION_ERROR:
        return f"the printed p is {side} α = {alpha:g} and the recomputed one is not: the decision flips"
    return f"the printed p is not in the recomputed range; both are {side} α = {alpha:g}"


def _fmt(x: float, digits: int = 4) -> str:
    """A number for a sentence: up to ``digits`` decimals, trailing zeros dropped."""
    if np.isnan(x):
        return "undefined"
    if np.isinf(x):
        return "∞" if x > 0 else "-∞"
    if 0 < abs(x) < 10.0**-digits:
        return f"< {10.0**-digits:g}"
    text = f"{x:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fmt_range(interval: tuple[float, float], digits: int = 4) -> str:
    lo, hi = _fmt(interval[0], digits), _fmt(interval[1], digits)
    return lo if lo == hi else f"{lo} to {hi}"


def _fmt_p(interval: tuple[float, float], digits: int = 4) -> str:
    """'p < 0.0001', 'p = 0.9973' or 'p = 0.0273 to 0.0524' (a tiny lower end shown as 0)."""
    tiny = 10.0**-digits
    if interval[1] < tiny:
        return f"p < {tiny:g}"
    low = 0.0 if interval[0] < tiny else interval[0]
    return f"p = {_fmt_range((low, interval[1]), digits)}"


def _whole_numbers(values: Iterable[Any]) -> str:
    """'none', '8', '10, 11' or, for a long run, '252-276'."""
    values = [int(v) for v in values]
    if len(values) > 4 and values == list(range(values[0], values[-1] + 1)):
        return f"{values[0]}-{values[-1]}"
    return ", ".join(map(str, values)) if values else "none"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _sources(*sources: str) -> str:
    """Several sources in one cell, each once."""
    return "; ".join(dict.fromkeys(s for s in sources if s))


def _source_range(sources: Iterable[str]) -> str:
    """'Table 5, row 1 to 8' for the sources of a run of rows."""
    sources = list(sources)
    first, last = sources[0], sources[-1]
    if first == last:
        return first
    prefix = os.path.commonprefix([first, last])
    prefix = prefix[: prefix.rfind(" ") + 1]
    return f"{first} to {last[len(prefix) :]}"


def _has(values: Mapping[str, Any], *keys: str) -> bool:
    return all(values.get(k) is not None for k in keys)


# ---------------------------------------------------------------------------------------------
# Formulas
# ---------------------------------------------------------------------------------------------


def chisq_pvalue(chisq: float, df: float) -> float:
    """Upper tail of the central chi-square distribution: the p of a model test."""
    return float(stats.chi2.sf(chisq, df))


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


def rmsea(chisq: float, df: float, n: int) -> float:
    """lavaan's RMSEA (N, not N - 1, in the denominator); see ``path_model.rmsea_measures``."""
    return float(path_model.rmsea_measures(chisq, df, n)["rmsea"])


@lru_cache(maxsize=4096)
def rmsea_ci(chisq: float, df: float, n: int, level: float = 0.90) -> tuple[float, float]:
    """lavaan's RMSEA confidence interval at ``level`` (lavaan and jamovi print 90%)."""
    measures = path_model.rmsea_measures(chisq, df, n, level=level)
    return float(measures["rmsea_ci_lower"]), float(measures["rmsea_ci_upper"])


def rmsea_pvalue(chisq: float, df: float, n: int, h0: float = CLOSE_FIT_RMSEA) -> float:
    """lavaan's test of close fit (H0: RMSEA <= h0)."""
    return float(path_model.rmsea_measures(chisq, df, n, close=h0)["rmsea_pvalue"])


def incremental_fit(chisq: float, df: float, base_chisq: float, base_df: float) -> dict[str, float]:
    """CFI, TLI, RNI and NFI with lavaan's formulas; see ``path_model.incremental_fit``."""
    return path_model.incremental_fit(chisq, df, base_chisq, base_df)


def information_criteria_penalties(n: int) -> dict[str, float]:
    """What one parameter adds to each difference of lavaan's information criteria:
    BIC - AIC = k(ln N - 2), BIC - SABIC = k(ln N - ln((N+2)/24)), SABIC - AIC = k(ln((N+2)/24) - 2)."""
    log_n, log_sa = np.log(n), np.log((n + 2) / 24)
    return {"bic - aic": log_n - 2, "bic - sabic": log_n - log_sa, "sabic - aic": log_sa - 2}


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
                "whole k": _whole_numbers(_integers_in(low, high)),
            }
        )
    return pd.DataFrame(rows).set_index("difference")


def _integers_in(low: float, high: float) -> list[int]:
    if not (np.isfinite(low) and np.isfinite(high)):
        return []
    return list(range(int(np.ceil(low - EPS)), int(np.floor(high + EPS)) + 1))


def implied_correlations(
    betas: Mapping[tuple[str, str], float], deviation: float = 0.0
) -> dict[tuple[str, str], float]:
    """Correlations among the model's predictors implied by its standardized paths (path tracing).

    Walk the variables in causal order: corr(a, b) = Σ_p β(p→b)·corr(a, p) over b's predictors
    p, since b's residual is uncorrelated with earlier variables (lavaan frees residual
    covariances only among terminal outcomes). ``deviation`` adds a residual partial correlation
    between two endogenous predictors, to allow for a model that does not fit exactly.
    """
    if len(model.EXOGENOUS) != 1:
        raise NotImplementedError("the correlations among several exogenous variables are not published")
    equations = model.equations()
    order = [v for v in model.VARIABLES if v not in model.OUTCOMES]
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
    correlations implied by the model (``implied_correlations``). With a single predictor this
    is exact: z = β·sqrt(N/(1 - β²)).
    """
    by_path = {(h.predictor, h.outcome): betas[h.code] for h in model.HYPOTHESES}
    target = next(h for h in model.HYPOTHESES if h.code == hypothesis)
    predictors = model.equations()[target.outcome]
    corr = implied_correlations(by_path, deviation)
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
    target = next(h for h in model.HYPOTHESES if h.code == code)
    predictors = set(model.equations()[target.outcome])
    return [h.code for h in model.HYPOTHESES if h.outcome == target.outcome or h.outcome in predictors]


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


# ---------------------------------------------------------------------------------------------
# Checks: each takes the numbers as arguments, so it can be fed any set of numbers
# ---------------------------------------------------------------------------------------------


def check_model_test_pvalue(
    label: str, chisq: Reported, df: Reported, p: Reported, alpha: float = DEFAULT_ALPHA
) -> Check:
    """Recompute p = P(χ²_df ≥ χ²) from the printed χ² and df (statcheck; Nuijten et al. 2016)."""
    lo, hi = chisq.interval()
    implied = (chisq_pvalue(hi, df.value), chisq_pvalue(lo, df.value))
    verdict = _p_verdict(p, implied, alpha)
    return Check(
        check=f"T2-p-{_slug(label.removesuffix(' Model'))}",
        topic="model test p-values",
        item=f"Table 2, {label}",
        what="p recomputed from χ² and df",
        published=f"p = {p} (χ² = {chisq}, df = {df.value:g})",
        source=_sources(p.source, chisq.source),
        implied=_fmt_p(implied),
        tolerance=f"p {p.tolerance}; χ² {chisq.tolerance}",
        verdict=verdict,
        explanation=_p_explanation(verdict, p, implied, alpha),
    )


def check_model_degrees_of_freedom(df: Reported, base_df: Reported) -> list[Check]:
    """The printed df against those counted for the Figure 2 model (lavaan's counting).

    df = moments - free parameters, moments = p(p+1)/2 - p_x(p_x+1)/2 (fixed.x). Also: how many
    observed variables the printed baseline df needs, and how many free parameters the printed
    df leaves for Figure 2's variables. Either variant of Figure 2 (correlated or orthogonal outcomes) counts.
    """
    counted = model.degrees_of_freedom_table()
    n_moments, base_counted = int(counted["moments"].iloc[0]), int(counted["baseline df"].iloc[0])
    p, p_x = len(model.VARIABLES), len(model.EXOGENOUS)
    needed = variables_for_baseline_df(int(base_df.value), p_x)
    left = n_moments - int(df.value)
    dfs = " or ".join(f"{d} ({label})" for label, d in counted["df"].items())
    n_free = " or ".join(f"{k} ({label})" for label, k in counted["free parameters"].items())
    n_paths = free_parameters()["regressions"]
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
            verdict=_verdict(df.value in set(counted["df"])),
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
            verdict=_verdict(base_df.value == base_counted),
            explanation=f"{n_moments} moments minus {p - p_x} free variances of the endogenous variables",
            **common,
        ),
        Check(
            check="F2-variables-baseline",
            item="Table 2, Baseline Model; Figure 2",
            what="observed variables a baseline model with the printed df has",
            published=f"df = {base_df.value:g}",
            source=base_df.source,
            implied=f"{_whole_numbers(needed)} variables (Figure 2 has {p})",
            verdict=_verdict(p in needed),
            explanation=f"baseline df = p(p-1)/2 - p_x(p_x-1)/2 with p_x = {p_x}: {base_df.value:g} needs "
            f"p = {_whole_numbers(needed)}",
            **common,
        ),
        Check(
            check="F2-parameters-user",
            item="Table 2, User Model; Figure 2",
            what="free parameters the printed df leaves for Figure 2's variables",
            published=f"df = {df.value:g}",
            source=df.source,
            implied=f"{left} free parameters; Figure 2 has {n_free}",
            verdict=_verdict(left in set(counted["free parameters"])),
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
    df = np.array(list(dfs), dtype=float)
    table = pd.DataFrame(index=pd.Index(df.astype(int), name="df"))
    if p is not None:
        p_lo, p_hi = _p_interval(p)
        table["p from χ²"] = stats.chi2.sf(chisq.value, df)
        table["p matches"] = (stats.chi2.sf(hi, df) <= p_hi + EPS) & (p_lo <= stats.chi2.sf(lo, df) + EPS)
    if rmsea_ is not None:
        r_lo, r_hi = rmsea_.interval()

        def rmseas(c: float) -> np.ndarray:
            return np.sqrt(np.maximum(c / (n * df) - 1 / n, 0.0))

        table["RMSEA from χ²"] = rmseas(chisq.value)
        table["RMSEA matches"] = (rmseas(lo) <= r_hi + EPS) & (r_lo <= rmseas(hi) + EPS)
    table["all match"] = table[[c for c in table.columns if c.endswith("matches")]].all(axis=1)
    return table


def check_df_search(
    label: str, chisq: Reported, df: Reported, n: int, p: Reported, rmsea_: Reported | None = None
) -> Check:
    """Which df from 1 to 30 make the printed χ², p (and RMSEA) agree; is the printed df one?"""
    table = df_search(chisq, n, p, rmsea_)
    matching = table.index[table["all match"]]
    found = [f"p fits df {_whole_numbers(table.index[table['p matches']])}"]
    shown = f"χ² = {chisq}, p = {p}"
    if rmsea_ is not None:
        found.append(f"RMSEA fits df {_whole_numbers(table.index[table['RMSEA matches']])}")
        shown += f", RMSEA = {rmsea_}"
    return Check(
        check=f"T2-df-search-{_slug(label.removesuffix(' Model'))}",
        topic="degrees of freedom",
        item=f"Table 2, {label}" + (" and Table 3" if rmsea_ is not None else ""),
        what=f"df (1-30) that make {'χ², p and RMSEA' if rmsea_ is not None else 'χ² and p'} agree",
        published=f"df = {df.value:g} ({shown})",
        source=_sources(df.source, rmsea_.source if rmsea_ is not None else ""),
        implied=f"df = {_whole_numbers(matching)}",
        tolerance="rounding of each printed value",
        verdict=_verdict(df.value in matching),
        explanation="; ".join(found),
    )


def check_rmsea(
    chisq: Reported,
    df: Reported,
    n: int,
    printed: Mapping[str, Reported | None],
) -> list[Check]:
    """RMSEA, its CI (90% as lavaan and jamovi, or 95% as Table 3's heading says) and the close-fit
    p recomputed from χ², df and N with lavaan's formulas (``rmsea``, ``rmsea_ci``, ``rmsea_pvalue``).

    ``printed`` may hold ``rmsea``, ``rmsea_ci_lower``, ``rmsea_ci_upper``, ``rmsea_pvalue``.
    """
    chisq_range, d = chisq.interval(), df.value
    implied = {
        "rmsea": {"": _ends(lambda c: rmsea(c, d, n), chisq_range)},
        "rmsea_pvalue": {"": _ends(lambda c: rmsea_pvalue(c, d, n), chisq_range)},
    }
    for key, end in (("rmsea_ci_lower", 0), ("rmsea_ci_upper", 1)):
        implied[key] = {
            f"{level:.0%} CI: ": _ends(lambda c, lv=level, i=end: rmsea_ci(c, d, n, lv)[i], chisq_range)
            for level in RMSEA_CI_LEVELS
        }
    labels = {
        "rmsea": "RMSEA",
        "rmsea_ci_lower": "RMSEA CI lower",
        "rmsea_ci_upper": "RMSEA CI upper",
        "rmsea_pvalue": "RMSEA p (close fit)",
    }
    rows = []
    for key, label in labels.items():
        value = printed.get(key)
        if value is None:
            continue
        shown = "; ".join(f"{level}{_fmt_range(interval)}" for level, interval in implied[key].items())
        matches = [level for level, interval in implied[key].items() if overlaps(interval, value.interval())]
        basis = f"χ² = {chisq}, df = {d:g}, N = {n}"
        if matches:
            level = f" ({matches[0].split()[0]} CI)" if matches[0] else ""
            explanation = f"recomputed from {basis}{level}"
        else:
            explanation = f"{basis} gives {shown}, not {value}"
        rows.append(
            Check(
                check=f"T3-{_slug(key)}",
                topic="RMSEA",
                item=f"Table 3, {label}",
                what=f"{label} recomputed from χ², df and N (lavaan)",
                published=str(value),
                source=value.source,
                implied=shown,
                tolerance=value.tolerance,
                verdict=_verdict(bool(matches)),
                explanation=explanation,
            )
        )
    return rows


def check_incremental_indices(
    chisq: Reported, df: Reported, base_chisq: Reported, base_df: Reported, printed: Mapping[str, Any]
) -> list[Check]:
    """CFI, TLI and RNI recomputed from the user and baseline χ² and df (``incremental_fit``)."""
    rows = []
    for key in ("cfi", "tli", "rni"):
        value = printed.get(key)
        if value is None:
            continue
        implied = _span(
            lambda c, b, k=key: incremental_fit(c, df.value, b, base_df.value)[k],
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
                implied=_fmt_range(implied, 3),
                tolerance=value.tolerance,
                verdict=_verdict(ok),
                explanation=f"from {basis}" if ok else f"{basis} gives {_fmt_range(implied, 3)}",
            )
        )
    return rows


def check_index_relations(values: Mapping[str, Any], n_observed: int) -> list[Check]:
    """Relations the printed indices must satisfy among themselves, whatever the data:

    - the RMSEA CI contains the RMSEA;
    - χ² below df forces RMSEA = 0, CFI = 1, TLI ≥ 1 and RNI ≥ 1;
    - CFI is RNI truncated to [0, 1];
    - 1 - TLI = (1 - RNI)·df_b/df, so TLI ≤ CFI whenever CFI < 1 and df < df_b;
    - lavaan's AGFI = 1 - (p(p+1)/2 / df)(1 - GFI), so GFI and AGFI imply the df;
    - the baseline model has a larger χ² and more df than the user model;
    - the baseline χ² is at least what the strongest correlation Table 5 fixes demands
      (``baseline_chisq_floor``).
    """
    rows = [
        _relation_ci_contains(values),
        _relation_below_df(values),
        _relation_cfi_rni(values),
        _relation_tli_rni(values),
        _relation_tli_cfi_order(values),
        _relation_gfi_agfi(values, n_observed),
        _relation_model_baseline(values),
        _relation_baseline_paths(values),
    ]
    return [row for row in rows if row is not None]


def baseline_chisq_floor(paths: pd.DataFrame, n: int) -> tuple[float, str]:
    """The smallest baseline χ² the printed paths allow, and the path that sets it.

    lavaan's baseline χ² tests that the variables are uncorrelated: it equals -N·ln|R| (R the
    sample correlation matrix, exogenous block fixed). Since |R| ≤ 1 - r² for any one pair
    (Fischer's inequality), it is at least -N·ln(1 - r²) for every correlation r. The β of a
    path that is the only predictor of its outcome (H1a, H1b) is exactly such a correlation;
    the smallest |β| its rounding allows gives the floor.
    """
    equations = model.equations()
    single = {h.code for h in model.HYPOTHESES if len(equations[h.outcome]) == 1}
    floors = {}
    for r in paths.itertuples():
        if r.hypothesis in single:
            smallest = max(abs(r.beta) - 0.5 * 10.0**-r.beta_decimals, 0.0)
            floors[r.hypothesis] = -n * np.log(1 - smallest**2)
    if not floors:
        return 0.0, ""
    code = max(floors, key=floors.get)
    return float(floors[code]), code


def _relation(check: str, item: str, what: str, **fields: Any) -> Check:
    return Check(check=check, topic="index relations", item=item, what=what, **fields)


def _relation_ci_contains(v: Mapping[str, Any]) -> Check | None:
    if not _has(v, "rmsea", "rmsea_ci_lower", "rmsea_ci_upper"):
        return None
    point, lower, upper = v["rmsea"], v["rmsea_ci_lower"], v["rmsea_ci_upper"]
    ok = lower.interval()[0] <= point.interval()[1] + EPS and point.interval()[0] <= upper.interval()[1] + EPS
    return _relation(
        "R-rmsea-ci-contains",
        "Table 3, RMSEA and its CI",
        "the CI contains the point estimate",
        published=f"{point} in [{lower}, {upper}]",
        source=_sources(point.source, lower.source, upper.source),
        implied="lower ≤ RMSEA ≤ upper",
        tolerance=point.tolerance,
        verdict=_verdict(ok),
        explanation="the interval brackets the estimate" if ok else "the estimate is outside its interval",
    )


def _relation_below_df(v: Mapping[str, Any]) -> Check | None:
    if not _has(v, "chisq", "df") or v["chisq"].interval()[1] >= v["df"].value:
        return None
    rules = {
        "rmsea": ("= 0", lambda interval: interval[0] <= EPS),
        "cfi": ("= 1", lambda interval: interval[1] >= 1 - EPS),
        "tli": ("≥ 1", lambda interval: interval[1] >= 1 - EPS),
        "rni": ("≥ 1", lambda interval: interval[1] >= 1 - EPS),
    }
    present = [k for k in rules if v.get(k) is not None]
    if not present:
        return None
    broken = [f"{k.upper()} = {v[k]}" for k in present if not rules[k][1](v[k].interval())]
    return _relation(
        "R-below-df",
        "Tables 2-4",
        "χ² below its df forces RMSEA = 0, CFI = 1, TLI ≥ 1, RNI ≥ 1",
        published=", ".join(f"{k.upper()} = {v[k]}" for k in present)
        + f" (χ² = {v['chisq']}, df = {v['df'].value:g})",
        source=_sources(v["chisq"].source, *(v[k].source for k in present)),
        implied=", ".join(f"{k.upper()} {rules[k][0]}" for k in present),
        tolerance="rounding of each printed value",
        verdict=_verdict(not broken),
        explanation="every index at its bound" if not broken else "broken by " + ", ".join(broken),
    )


def _relation_cfi_rni(v: Mapping[str, Any]) -> Check | None:
    if not _has(v, "cfi", "rni"):
        return None
    cfi, rni = v["cfi"], v["rni"]
    implied = tuple(min(max(x, 0.0), 1.0) for x in rni.interval())
    ok = overlaps(implied, cfi.interval())
    return _relation(
        "R-cfi-rni",
        "Table 4, CFI and RNI",
        "CFI equals RNI truncated to [0, 1]",
        published=f"CFI = {cfi}, RNI = {rni}",
        source=_sources(cfi.source, rni.source),
        implied=f"CFI = {_fmt_range(implied)}",
        tolerance=cfi.tolerance,
        verdict=_verdict(ok),
        explanation="CFI is the truncated RNI" if ok else "an RNI inside [0, 1] must equal CFI",
    )


def _relation_tli_rni(v: Mapping[str, Any]) -> Check | None:
    if not _has(v, "tli", "rni", "df", "baseline_df") or v["df"].value <= 0:
        return None
    tli, rni, df, base_df = v["tli"], v["rni"], v["df"].value, v["baseline_df"].value
    implied = _span(lambda r: 1 - (1 - r) * base_df / df, rni.interval())
    return _relation(
        "R-tli-rni",
        "Table 4, TLI and RNI; Table 2, df",
        "1 - TLI = (1 - RNI)·df_b/df",
        published=f"TLI = {tli}, RNI = {rni}",
        source=_sources(tli.source, rni.source, v["df"].source),
        implied=f"TLI = {_fmt_range(implied)}",
        tolerance=tli.tolerance,
        verdict=_verdict(overlaps(implied, tli.interval())),
        explanation=f"with df_b/df = {base_df:g}/{df:g}, the printed RNI gives TLI = {_fmt_range(implied)}",
    )


def _relation_tli_cfi_order(v: Mapping[str, Any]) -> Check | None:
    if not _has(v, "tli", "cfi", "df", "baseline_df") or v["df"].value >= v["baseline_df"].value:
        return None
    tli, cfi = v["tli"], v["cfi"]
    if cfi.interval()[1] >= 1:
        return None  # the ordering only binds for a model that misfits (CFI < 1)
    ok = tli.interval()[0] <= cfi.interval()[1] + EPS
    return _relation(
        "R-tli-cfi-order",
        "Table 4, TLI and CFI",
        "TLI ≤ CFI when CFI < 1 (TLI charges for each df used)",
        published=f"TLI = {tli}, CFI = {cfi}",
        source=_sources(tli.source, cfi.source),
        implied="TLI ≤ CFI",
        tolerance=tli.tolerance,
        verdict=_verdict(ok),
        explanation="in the right order" if ok else "a TLI above CFI is impossible when CFI < 1",
    )


def _relation_gfi_agfi(v: Mapping[str, Any], n_observed: int) -> Check | None:
    if not _has(v, "gfi", "agfi", "df"):
        return None
    nel = n_observed * (n_observed + 1) // 2
    implied = _span(
        lambda g, a: nel * (1 - g) / (1 - a) if a < 1 else np.inf, v["gfi"].interval(), v["agfi"].interval()
    )
    ok = implied[0] - EPS <= v["df"].value <= implied[1] + EPS
    return _relation(
        "R-gfi-agfi-df",
        "Table 4, GFI and AGFI; Table 2, df",
        f"df implied by AGFI = 1 - ({nel}/df)(1 - GFI)",
        published=f"df = {v['df'].value:g} (GFI = {v['gfi']}, AGFI = {v['agfi']})",
        source=_sources(v["gfi"].source, v["agfi"].source, v["df"].source),
        implied=f"df = {_fmt_range(implied, 1)}",
        tolerance="rounding of GFI and AGFI",
        verdict=_verdict(ok),
        explanation=f"lavaan's AGFI counts all {nel} moments; the printed GFI and AGFI allow "
        f"df {_fmt_range(implied, 1)}",
    )


def _relation_model_baseline(v: Mapping[str, Any]) -> Check | None:
    if not _has(v, "chisq", "df", "baseline_chisq", "baseline_df"):
        return None
    ok = v["chisq"].value <= v["baseline_chisq"].value and v["df"].value < v["baseline_df"].value
    return _relation(
        "R-model-vs-baseline",
        "Table 2",
        "the baseline model has a larger χ² and more df than the user model",
        published=f"χ² {v['chisq']} vs {v['baseline_chisq']}; df {v['df'].value:g} vs "
        f"{v['baseline_df'].value:g}",
        source=_sources(v["chisq"].source, v["baseline_chisq"].source),
        implied="user χ² ≤ baseline χ², user df < baseline df",
        tolerance="rounding of each printed value",
        verdict=_verdict(ok),
        explanation="in the right order" if ok else "the order is broken",
    )


def _relation_baseline_paths(v: Mapping[str, Any]) -> Check | None:
    if not _has(v, "baseline_chisq", "paths"):
        return None
    floor, code = baseline_chisq_floor(v["paths"], int(v["n"]))
    if not code:
        return None
    base = v["baseline_chisq"]
    beta = v["paths"].set_index("hypothesis").loc[code, "beta"]
    return _relation(
        "R-baseline-vs-paths",
        f"Table 2, Baseline Model; Table 5, {code}",
        "the baseline χ² is at least -N·ln(1 - r²) for the correlation a one-predictor path fixes",
        published=f"baseline χ² = {base}; {code}: β = {beta:g}",
        source=_sources(base.source, str(v["paths"].set_index("hypothesis").loc[code, "source"])),
        implied=f"baseline χ² ≥ {floor:.1f}",
        tolerance=f"{base.tolerance}; β rounded",
        verdict=_verdict(base.interval()[1] >= floor - EPS),
        explanation=f"the correlation {code} fixes is enough for χ² ≥ {floor:.1f} at N = {v['n']}",
    )


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
        "source": _sources(aic.source, bic.source, sabic.source),
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
                implied=f"k = {_fmt_range(interval, 2)}",
                tolerance=f"±{row['±']:g} on a difference of two printed numbers",
                verdict=_verdict(ok),
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
            implied=f"shared k: {_whole_numbers(shared)}",
            tolerance="rounding of each difference",
            verdict=_verdict(bool(shared)),
            explanation="one k explains all three" if shared else "no single parameter count gives all three",
            **common,
        )
    )
    return rows


def path_pvalue_table(paths: pd.DataFrame, n: int, chisq: float | None = None) -> pd.DataFrame:
    """Table 5's printed β and p beside the |z| and p range each β allows (``implied_path_tests``).

    ``paths``: hypothesis, beta, beta_decimals, p (and p_decimals, source), as in
    ``published_values()["paths"]``; ``chisq`` widens the ranges for the model's misfit.
    """
    betas = {r.hypothesis: Reported(r.beta, int(r.beta_decimals)) for r in paths.itertuples()}
    tests = implied_path_tests(betas, n, chisq)
    printed = paths.set_index("hypothesis")[["p"]].rename(columns={"p": "printed p"})
    return tests.join(printed)


def check_path_pvalues(paths: pd.DataFrame, n: int, chisq: float | None, alpha: float) -> list[Check]:
    """Each path's printed p against the range its printed β allows at N (``path_pvalue_table``).

    ``paths``: hypothesis, beta, beta_decimals, p, p_decimals, source.
    """
    tests = path_pvalue_table(paths, n, chisq)
    rows = []
    for r in paths.itertuples():
        p = Reported(r.p, int(r.p_decimals), r.source)
        beta = Reported(r.beta, int(r.beta_decimals))
        test = tests.loc[r.hypothesis]
        implied = (test["p low"], test["p high"])
        verdict = _p_verdict(p, implied, alpha)
        rows.append(
            Check(
                check=f"T5-p-{r.hypothesis}",
                topic="path p-values",
                item=f"Table 5, {r.hypothesis}",
                what="p that the path's β allows at this N (model-implied R²)",
                published=f"β = {beta}, p = {p}",
                source=p.source,
                implied=_fmt_p(implied),
                tolerance=f"p {p.tolerance}; β ±{0.5 * 10.0**-r.beta_decimals:g}",
                verdict=verdict,
                explanation=f"|z| = {_fmt_range((test['|z| low'], test['|z| high']), 1)} at N = {n}; "
                + _p_explanation(verdict, p, implied, alpha),
            )
        )
    return rows


def check_marks(
    paths: pd.DataFrame, legend: Mapping[str, float], alpha: float, legend_source: str = ""
) -> list[Check]:
    """Each significance mark against its p-value under the table's legend.

    A mark stands for the p-values below its threshold and at or above the next lower one
    (``mark_interval``). When that range lies on the other side of alpha than the p, the mark
    tells the reader the opposite of the p: a decision error.
    """
    legend_text = ", ".join(f"'{m}' p < {t:g}" for m, t in sorted(legend.items(), key=lambda x: -x[1]))
    rows = []
    for r in paths.itertuples():
        p = Reported(r.p, int(r.p_decimals), r.source)
        mark = r.mark if isinstance(r.mark, str) else ""
        low, high = mark_interval(mark, legend)
        mark_range = (low, high - EPS)
        verdict = _verdict(overlaps(_p_interval(p), mark_range))
        mark_side = _significant(mark_range, alpha)
        if verdict == INCONSISTENT and mark_side is not None and mark_side != (p.value < alpha):
            verdict = DECISION_ERROR
        rows.append(
            Check(
                check=f"T5-mark-{r.hypothesis}",
                topic="significance marks",
                item=f"Table 5, {r.hypothesis}",
                what="the mark agrees with the p-value under the table's legend",
                published=f"'{mark}' on p = {p}",
                source=_sources(p.source, legend_source),
                implied=f"'{expected_mark(p.value, legend)}'",
                tolerance=p.tolerance,
                verdict=verdict,
                explanation=f"legend: {legend_text}; so '{mark}' means {low:g} ≤ p < {high:g}",
            )
        )
    return rows


def _levels(values: Iterable[float]) -> str:
    values = list(values)
    return ", ".join(f"p < {v:g}" for v in values) if values else "none"


def check_legend_against_text(legend: Mapping[str, float], thresholds: Iterable[float], source: str) -> Check:
    """The legend's thresholds against the significance levels the text reports."""
    in_legend, in_text = sorted(set(legend.values())), sorted(set(thresholds))
    ok = len(in_legend) == len(in_text) and np.allclose(in_legend, in_text)
    return Check(
        check="T5-legend-text",
        topic="significance marks",
        item="Table 5 note; text after Table 5",
        what="the legend's thresholds are the levels the text reports",
        published=f"legend: {_levels(in_legend)}",
        source=source,
        implied=f"text: {_levels(in_text)}",
        tolerance="exact",
        verdict=_verdict(ok),
        explanation="the same levels"
        if ok
        else f"only in the legend: {_levels(sorted(set(in_legend) - set(in_text)))}; "
        f"only in the text: {_levels(sorted(set(in_text) - set(in_legend)))}",
    )


def check_marks_against_text(paths: pd.DataFrame, thresholds: Iterable[float], source: str) -> Check:
    """Can the marks be read with the text's levels? Order the mark groups by their largest p and
    pair them with the text's levels in increasing order; consistent when every p of a group lies
    below its level and at or above the level before."""
    levels = sorted(set(thresholds))
    groups = {m: paths.loc[paths["mark"] == m, "p"] for m in paths["mark"].dropna().unique()}
    order = sorted(groups, key=lambda m: groups[m].max())
    reading = dict(zip(order, levels)) if len(order) <= len(levels) else {}
    floors = dict(zip(order, [0.0, *levels]))
    ok = bool(reading) and all(
        (groups[m] < reading[m]).all() and (groups[m] >= floors[m]).all() for m in order
    )
    read_as = ", ".join(f"'{m}' = p < {t:g}" for m, t in reading.items())
    return Check(
        check="T5-marks-text",
        topic="significance marks",
        item="Table 5 marks; text after Table 5",
        what="the marks sort the p-values by the text's levels",
        published="; ".join(f"'{m}' on p {_fmt_range((groups[m].min(), groups[m].max()), 3)}" for m in order),
        source=source,
        implied=read_as or "no reading",
        tolerance="exact",
        verdict=_verdict(ok),
        explanation=f"the marks follow the text if read as {read_as}"
        if ok
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
        source=_source_range(paths["source"]),
        implied=summary(expected),
        tolerance="exact",
        verdict=CONSISTENT if not wrong else DECISION_ERROR,
        explanation="every decision follows its printed p"
        if not wrong
        else f"decisions contradict the printed p for {', '.join(wrong)}",
    )


def check_percentages(table1: pd.DataFrame, n: int) -> list[Check]:
    """Each printed percentage against 100·count/N; each characteristic's counts against N and its
    percentages against 100 (k whole percentages can move the sum by up to k/2)."""
    rows = [_percentage_row(r, n) for r in table1.itertuples()]
    for characteristic, group in table1.groupby("characteristic", sort=False):
        total, source = int(group["frequency"].sum()), _source_range(group["source"])
        rows.append(
            Check(
                check=f"T1-n-{_slug(characteristic)}",
                topic="percentages",
                item=f"Table 1, {characteristic}",
                what="the categories' counts add up to N",
                published=f"sum of counts = {total}",
                source=source,
                implied=f"N = {n}",
                tolerance="exact",
                verdict=_verdict(total == n),
                explanation="each firm in one category" if total == n else f"{total - n:+d} firms against N",
            )
        )
        printed_sum = float(group["percentage"].sum())
        proper = sum(_round_half_up(100 * f / n) for f in group["frequency"])
        k = len(group)
        note = "" if proper == printed_sum else f"; the correctly rounded percentages sum to {proper}"
        rows.append(
            Check(
                check=f"T1-sum-{_slug(characteristic)}",
                topic="percentages",
                item=f"Table 1, {characteristic}",
                what="the categories' percentages add up to 100 (± k/2 for rounding)",
                published=f"sum = {printed_sum:g}%",
                source=source,
                implied="100%",
                tolerance=f"±{k / 2:g} ({k} rounded percentages)",
                verdict=_verdict(abs(printed_sum - 100) <= k / 2 + EPS),
                explanation=f"printed sum {printed_sum:g}%{note}",
            )
        )
    return rows


def _percentage_row(r: Any, n: int) -> Check:
    exact = 100 * r.frequency / n
    printed = Reported(float(r.percentage), 0, r.source)
    ok = overlaps(printed.interval(), (exact, exact))
    return Check(
        check=f"T1-pct-{_slug(r.characteristic)}-{_slug(r.category)}",
        topic="percentages",
        item=f"Table 1, {r.characteristic}: {r.category}",
        what="percentage = 100·count/N",
        published=f"{r.percentage:g}% ({r.frequency} firms)",
        source=r.source,
        implied=f"{exact:.2f}%",
        tolerance=printed.tolerance,
        verdict=_verdict(ok),
        explanation=f"{r.frequency}/{n} = {exact:.2f}%, printed as {_round_half_up(exact)}"
        if ok
        else f"{r.frequency}/{n} = {exact:.2f}% rounds to {_round_half_up(exact)}, not {r.percentage:g}",
    )


def _round_half_up(x: float) -> int:
    return int(np.floor(x + 0.5))


def check_platform_percentages(platforms: pd.DataFrame, n: int) -> list[Check]:
    """Each platform share the text states: does a whole number of the N firms round to it (a
    GRIM-style test; Brown & Heathers 2017)? With N ≥ 100 every whole percentage is reachable, so
    the test only catches impossible shares (e.g. above 100%)."""
    rows = []
    for r in platforms.dropna(subset=["percentage"]).itertuples():
        counts = [c for c in range(n + 1) if _round_half_up(100 * c / n) == r.percentage]
        shown = "no count" if not counts else f"{counts[0]}" + (f"-{counts[-1]}" if len(counts) > 1 else "")
        rows.append(
            Check(
                check=f"F1-pct-{_slug(r.platform)}",
                topic="percentages",
                item=f"Figure 1 text, {r.platform}",
                what="a whole number of the N firms gives the stated share",
                published=f"{r.percentage:g}%",
                source=r.source,
                implied=f"{shown} of {n} firms",
                tolerance="±0.5 (whole percentages)",
                verdict=_verdict(bool(counts)),
                explanation=f"{shown} firms give {r.percentage:g}%" if counts else "no count gives it",
            )
        )
    return rows


def check_text_claims(values: Mapping[str, Any], alpha: float) -> list[Check]:
    """The text's statements about model fit (``text_claims``) against Tables 2 and 4."""
    text, rows = values["text"], []
    common = {"topic": "text claims", "source": text.get("fit_source", "text"), "tolerance": "exact"}
    if text.get("chisq") is not None and _has(values, "chisq"):
        ok = overlaps((text["chisq"], text["chisq"]), values["chisq"].interval())
        rows.append(
            Check(
                check="TXT-chisq",
                item="text on Tables 2-4; Table 2",
                what="the χ² the text names is Table 2's",
                published=f"text: χ² = {text['chisq']:g}",
                implied=f"Table 2: χ² = {values['chisq']}",
                verdict=_verdict(ok),
                explanation="the same number" if ok else "text and table differ",
                **common,
            )
        )
    if text.get("chisq_significant") is not None and _has(values, "pvalue"):
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
                verdict=_verdict(not failing),
                explanation="all above" if not failing else f"not above: {', '.join(failing)}",
                **common,
            )
        )
    return rows


def _significance_claim(values: Mapping[str, Any], claimed: bool, alpha: float, common: dict) -> Check:
    p = values["pvalue"]
    significant = p.value < alpha
    explanation = f"Table 2's p {'is' if significant else 'is not'} below α = {alpha:g}"
    if _has(values, "chisq", "df"):
        recomputed = chisq_pvalue(values["chisq"].value, values["df"].value)
        explanation += f" (recomputed from χ² and df: p = {_fmt(recomputed, 3)})"
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


# ---------------------------------------------------------------------------------------------
# The published values, our own values rounded like them, and the whole audit
# ---------------------------------------------------------------------------------------------


def _decimals(text: str) -> int:
    return len(text.strip().partition(".")[2])


def _printed(name: str) -> pd.DataFrame:
    """A published table as printed text (a number forgets its trailing zeros: "0.000" is 0.0)."""
    return pd.read_csv(settings.PUBLISHED_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


def published_values() -> dict[str, Any]:
    """Every published number the audit uses, in the layout ``audit`` takes.

    Fit measures are ``Reported`` (value, decimals counted from the printed text, source). In
    Table 5 a column's precision is that of its longest entry (a β printed "0.2" is read as 0.20,
    like the rest of its column).
    """
    values: dict[str, Any] = {"n": int(published.fact("n_firms"))}
    table2 = _printed("table2_model_tests").set_index("model")
    for prefix, row in (("", "User Model"), ("baseline_", "Baseline Model")):
        r = table2.loc[row]
        values[f"{prefix}chisq"] = Reported(float(r["chi_square"]), _decimals(r["chi_square"]), r["source"])
        values[f"{prefix}df"] = Reported(float(r["df"]), 0, r["source"])
        values[f"{prefix}pvalue"] = Reported(float(r["p"]), _decimals(r["p"]), r["source"])
    for name, names in (("table3_fit_indices", TABLE3_NAMES), ("table4_fit_indices", TABLE4_NAMES)):
        for r in _printed(name).itertuples():
            values[names[r.measure]] = Reported(float(r.value), _decimals(r.value), r.source)
    printed5 = _printed("table5_paths")
    paths = published.table5().rename(columns={"p_value": "p"})
    paths["beta_decimals"] = max(_decimals(x) for x in printed5["beta"])
    paths["p_decimals"] = max(_decimals(x) for x in printed5["p_value"])
    values["paths"] = paths[
        ["hypothesis", "beta", "beta_decimals", "p", "p_decimals", "mark", "decision", "source"]
    ]
    legend = published.table5_legend()
    values["legend"] = dict(zip(legend["mark"], legend["threshold"]))
    values["legend_source"] = "; ".join(legend["source"])
    values["table1"] = published.table1()
    values["platforms"] = published.platform_use()
    values["text"] = text_claims()
    return values


def published_decimals() -> dict[str, int]:
    """How many decimals the paper prints for each fit measure, for β and for a path's p."""
    values = published_values()
    decimals = {k: v.decimals for k, v in values.items() if isinstance(v, Reported)}
    decimals["beta"] = int(values["paths"]["beta_decimals"].iloc[0])
    decimals["p"] = int(values["paths"]["p_decimals"].iloc[0])
    return decimals


def values_like_published(
    measures: Mapping[str, float],
    paths: pd.DataFrame | None = None,
    n: int | None = None,
    legend: Mapping[str, float] | None = None,
    text: Mapping[str, Any] | None = None,
    source: str = "our fit",
) -> dict[str, Any]:
    """Our own numbers, rounded as the paper prints them, in the layout ``audit`` takes.

    ``measures``: fit measures under the kit's names (``helpers.path_model``'s ``fit_measures()``)
    or lavaan's (``baseline.chisq``, ``bic2``, ``ntotal``, ...). ``paths``: columns hypothesis,
    beta, p (e.g. ``helpers.path_model.table5_paths``). Every path gets the decision p < alpha
    (the text's largest level, else .05) and, with a ``legend``, the mark the legend prescribes.
    """
    decimals = published_decimals()
    clean = {LAVAAN_ALIASES.get(k, k.replace(".", "_")): float(v) for k, v in measures.items()}
    values: dict[str, Any] = {"n": int(n if n is not None else clean["n"])}
    for key in FIT_KEYS:
        if key in clean:
            values[key] = Reported(round(clean[key], decimals[key]) + 0.0, decimals[key], source)
    if paths is not None:
        table = pd.DataFrame(
            {
                "hypothesis": list(paths["hypothesis"]),
                "beta": paths["beta"].round(decimals["beta"]).to_numpy() + 0.0,
                "beta_decimals": decimals["beta"],
                "p": paths["p"].round(decimals["p"]).to_numpy() + 0.0,
                "p_decimals": decimals["p"],
                "source": source,
            }
        )
        alpha = max(text["thresholds"]) if text and text.get("thresholds") else DEFAULT_ALPHA
        table["decision"] = np.where(table["p"] < alpha, "Supported", "Not supported")
        if legend is not None:
            table["mark"] = [expected_mark(p, legend) for p in table["p"]]
            values["legend"] = dict(legend)
        values["paths"] = table
    if text is not None:
        values["text"] = dict(text)
    return values


def audit(values: Mapping[str, Any]) -> pd.DataFrame:
    """Run every check the given numbers allow: one row per check, columns ``COLUMNS``.

    ``values`` holds ``n`` and any of: the fit measures of ``FIT_KEYS`` as ``Reported``;
    ``paths`` (hypothesis, beta, beta_decimals, p, p_decimals, source, optionally mark and
    decision); ``legend`` (mark -> threshold) and ``legend_source``; ``table1`` and
    ``platforms`` (as ``helpers.published`` returns them); ``text`` (as ``text_claims``);
    ``alpha`` (default: the largest level the text names, else .05); ``n_observed`` (default:
    Figure 2's). Checks whose inputs are missing are skipped.
    """
    v, n = values, int(values["n"])
    text = v.get("text") or {}
    alpha = v.get("alpha") or (max(text["thresholds"]) if text.get("thresholds") else DEFAULT_ALPHA)
    rows: list[Check] = []
    for label, prefix in (("User Model", ""), ("Baseline Model", "baseline_")):
        chisq, df, p = (v.get(f"{prefix}{key}") for key in ("chisq", "df", "pvalue"))
        if _has(v, f"{prefix}chisq", f"{prefix}df", f"{prefix}pvalue"):
            rows.append(check_model_test_pvalue(label, chisq, df, p, alpha))
    if _has(v, "df", "baseline_df"):
        rows += check_model_degrees_of_freedom(v["df"], v["baseline_df"])
    if _has(v, "chisq", "df", "pvalue"):
        rows.append(check_df_search("User Model", v["chisq"], v["df"], n, v["pvalue"], v.get("rmsea")))
    if _has(v, "baseline_chisq", "baseline_df", "baseline_pvalue"):
        rows.append(
            check_df_search("Baseline Model", v["baseline_chisq"], v["baseline_df"], n, v["baseline_pvalue"])
        )
    if _has(v, "chisq", "df"):
        rows += check_rmsea(v["chisq"], v["df"], n, v)
    if _has(v, "chisq", "df", "baseline_chisq", "baseline_df"):
        rows += check_incremental_indices(v["chisq"], v["df"], v["baseline_chisq"], v["baseline_df"], v)
    rows += check_index_relations(v, int(v.get("n_observed", len(model.VARIABLES))))
    if _has(v, "aic", "bic", "sabic"):
        counts = model.degrees_of_freedom_table()["free parameters"].to_dict()
        rows += check_information_criteria(v["aic"], v["bic"], v["sabic"], n, counts)
    if v.get("paths") is not None:
        rows += _path_checks(v, n, alpha)
    if v.get("table1") is not None:
        rows += check_percentages(v["table1"], n)
    if v.get("platforms") is not None:
        rows += check_platform_percentages(v["platforms"], n)
    if text:
        rows += check_text_claims(v, alpha)
    return pd.DataFrame([asdict(r) for r in rows], columns=list(COLUMNS)).set_index("check")


def _path_checks(v: Mapping[str, Any], n: int, alpha: float) -> list[Check]:
    paths, text = v["paths"], v.get("text") or {}
    chisq = v["chisq"].value if _has(v, "chisq") else None
    rows = check_path_pvalues(paths, n, chisq, alpha)
    legend_source = v.get("legend_source", "")
    if v.get("legend") and "mark" in paths:
        rows += check_marks(paths, v["legend"], alpha, legend_source)
        if text.get("thresholds"):
            text_source = text.get("thresholds_source", "")
            legend_and_text = _sources(legend_source, text_source)
            rows.append(check_legend_against_text(v["legend"], text["thresholds"], legend_and_text))
            marks_and_text = _sources(_source_range(paths["source"]), text_source)
            rows.append(check_marks_against_text(paths, text["thresholds"], marks_and_text))
    if "decision" in paths:
        rows.append(check_decisions(paths, alpha))
    return rows


def audit_published_values() -> pd.DataFrame:
    """The whole audit on the paper's published numbers."""
    return audit(published_values())


def section(report: pd.DataFrame, topic: str) -> pd.DataFrame:
    """The rows of one topic with the columns a reader needs first (for the notebook)."""
    return report.loc[report["topic"] == topic, ["item", "published", "implied", "verdict", "explanation"]]


def verdict_summary(report: pd.DataFrame) -> pd.DataFrame:
    """How many checks of each topic ended with each verdict (topics in audit order)."""
    topics = pd.Categorical(report["topic"], categories=list(dict.fromkeys(report["topic"])))
    verdicts = pd.Categorical(report["verdict"], categories=VERDICTS)
    table = pd.crosstab(topics, verdicts, margins=True, margins_name="total", dropna=False)
    table.index.name, table.columns.name = "topic", "verdict"
    return table


def flagged(report: pd.DataFrame) -> pd.DataFrame:
    """The checks that did not end 'consistent'."""
    return report.loc[report["verdict"] != CONSISTENT, ["item", "published", "implied", "verdict"]]
