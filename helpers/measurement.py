"""The measurement model the paper leaves out: a CFA of the 25 items, reliability and validity,
common-method checks, and the latent SEM of Figure 2 beside the composite path model.

    items = recoded_items(survey)            # the 25 answers, reverse-worded items recoded
    cfa = fit_cfa(items)                     # lavaan: cfa(cfa_syntax(), data = items)
    reliability_table(cfa, items)            # alpha, composite reliability, AVE, sqrt(AVE)
    fornell_larcker_table(cfa), htmt_table(items)
    harman_single_factor(items), single_factor_comparison(items)
    common_latent_factor(items), marker_variable_check(items)
    latent_vs_composite_paths(survey), attenuation_table(survey), fit_comparison(survey)

Each factor is named by its construct's abbreviation (PCDP, IT, GL, MR, IA, OE) and measured by
its items as defined in ``helpers.instrument``. Every model is fitted with ``helpers.sem.fit_sem``
(lavaan's ``sem()`` defaults, which equal ``cfa()``'s for these models: tests/test_sem_lavaan.py
checks both against R lavaan). The rules of thumb the field reads these numbers against, with
their sources, are in ``THRESHOLDS``; the full references in ``REFERENCES``.

On a small class a factor model may give a negative residual variance or a standardized loading
above 1 (a Heywood case). The engine warns about it, as lavaan does; the tables here say so in a
``heywood`` column, and the functions that fit models themselves keep the engine's warnings in
the returned table's ``attrs["warnings"]`` instead of printing them.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pingouin
from scipy import stats

from helpers import instrument as ins
from helpers import paper_model
from helpers import survey as survey_module
from helpers.sem import ConvergenceError, NotIdentifiedError, SemFit, fit_sem

RECODED = "reverse_items_recoded"  # attrs flag set by recoded_items
METHOD_FACTOR = "METHOD"
SINGLE_FACTOR = "GENERAL"


@dataclass(frozen=True)
class Threshold:
    """A rule of thumb of the field: what is compared, with what value, and who proposed it."""

    key: str
    measure: str
    rule: str
    value: float | None
    source: str


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("alpha", "Cronbach's alpha", "alpha ≥ .70", 0.70, "Nunnally (1978)"),
    Threshold(
        "composite_reliability",
        "composite reliability (CR)",
        "CR ≥ .70",
        0.70,
        "Hair et al. (2019); formula: Fornell & Larcker (1981), Raykov (1997)",
    ),
    Threshold(
        "composite_reliability_exploratory",
        "composite reliability (CR), exploratory research",
        "CR ≥ .60 acceptable",
        0.60,
        "Hair et al. (2019); Bagozzi & Yi (1988)",
    ),
    Threshold("ave", "average variance extracted (AVE)", "AVE ≥ .50", 0.50, "Fornell & Larcker (1981)"),
    Threshold(
        "fornell_larcker",
        "Fornell-Larcker criterion",
        "sqrt(AVE) > the construct's largest correlation with another construct",
        None,
        "Fornell & Larcker (1981)",
    ),
    Threshold("htmt_strict", "HTMT (strict)", "HTMT < .85", 0.85, "Henseler, Ringle & Sarstedt (2015)"),
    Threshold("htmt_liberal", "HTMT (liberal)", "HTMT < .90", 0.90, "Henseler, Ringle & Sarstedt (2015)"),
    Threshold(
        "harman",
        "Harman's single-factor test",
        "first unrotated factor < 50% of the items' variance (passing proves little)",
        0.50,
        "Podsakoff & Organ (1986); Podsakoff et al. (2003)",
    ),
    Threshold(
        "common_latent_factor",
        "common latent (method) factor",
        "no agreed cut-off: compare loadings and fit with and without the method factor",
        None,
        "Podsakoff et al. (2003, 2012)",
    ),
    Threshold(
        "marker",
        "correlational marker technique",
        "correlations that stay significant after the CMV adjustment",
        None,
        "Lindell & Whitney (2001)",
    ),
    Threshold(
        "attenuation",
        "correction for attenuation",
        "r / sqrt(reliability_x · reliability_y) estimates the correlation of the true scores",
        None,
        "Spearman (1904)",
    ),
)

REFERENCES: tuple[str, ...] = (
    "Bagozzi, R. P., & Yi, Y. (1988). On the evaluation of structural equation models. "
    "Journal of the Academy of Marketing Science, 16(1), 74–94.",
    "Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. "
    "Psychometrika, 16(3), 297–334.",
    "Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with unobservable "
    "variables and measurement error. Journal of Marketing Research, 18(1), 39–50.",
    "Hair, J. F., Risher, J. J., Sarstedt, M., & Ringle, C. M. (2019). When to use and how to report "
    "the results of PLS-SEM. European Business Review, 31(1), 2–24.",
    "Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing discriminant "
    "validity in variance-based structural equation modeling. Journal of the Academy of Marketing "
    "Science, 43(1), 115–135.",
    "Lindell, M. K., & Whitney, D. J. (2001). Accounting for common method variance in "
    "cross-sectional research designs. Journal of Applied Psychology, 86(1), 114–121.",
    "Nunnally, J. C. (1978). Psychometric theory (2nd ed.). New York: McGraw-Hill.",
    "Podsakoff, P. M., & Organ, D. W. (1986). Self-reports in organizational research: Problems and "
    "prospects. Journal of Management, 12(4), 531–544.",
    "Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y., & Podsakoff, N. P. (2003). Common method biases "
    "in behavioral research: A critical review of the literature and recommended remedies. Journal "
    "of Applied Psychology, 88(5), 879–903.",
    "Podsakoff, P. M., MacKenzie, S. B., & Podsakoff, N. P. (2012). Sources of method bias in social "
    "science research and recommendations on how to control it. Annual Review of Psychology, 63, "
    "539–569.",
    "Raykov, T. (1997). Estimation of composite reliability for congeneric measures. Applied "
    "Psychological Measurement, 21(2), 173–184.",
    "Spearman, C. (1904). The proof and measurement of association between two things. American "
    "Journal of Psychology, 15(1), 72–101.",
)


def threshold(key: str) -> Threshold:
    """The rule of thumb with this key (``"ave"``, ``"htmt_strict"``, ...)."""
    for candidate in THRESHOLDS:
        if candidate.key == key:
            return candidate
    known = ", ".join(t.key for t in THRESHOLDS)
    raise KeyError(f"unknown threshold {key!r}; THRESHOLDS has: {known}")


def thresholds_table() -> pd.DataFrame:
    """``THRESHOLDS`` as a table: measure, rule, value, source."""
    rows = [{"measure": t.measure, "rule": t.rule, "value": t.value, "source": t.source} for t in THRESHOLDS]
    return pd.DataFrame(rows)


# --- the data and the models -------------------------------------------------------------------


def recoded_items(survey: pd.DataFrame) -> pd.DataFrame:
    """The 25 Likert answers as floats, reverse-worded items recoded (``LIKERT_MIN + LIKERT_MAX -
    answer``, as ``helpers.survey.score_constructs`` does before averaging), one row per firm.

    Takes a survey from ``helpers.survey.load_survey``; the result keeps its identity
    (``attrs["source"]``) and is marked as recoded, so it is never recoded twice.
    """
    if survey.attrs.get(RECODED):
        raise ValueError("these answers are already recoded (they come from recoded_items); pass the survey")
    missing = [column for column in ins.item_columns() if column not in survey.columns]
    if missing:
        raise ValueError(
            f"the survey has no column(s) {', '.join(missing)}; expected a survey from "
            "helpers.survey.load_survey with the instrument's 25 Likert items"
        )
    items = survey_module.recode_reverse_items(survey).astype(float)
    items.attrs.update(survey.attrs)
    items.attrs[RECODED] = True
    return items


def _checked_items(items: pd.DataFrame) -> pd.DataFrame:
    if not items.attrs.get(RECODED):
        raise ValueError(
            "these answers are not marked as recoded: build them with "
            "helpers.measurement.recoded_items(survey), which recodes the reverse-worded items "
            f"({', '.join(ins.reverse_item_columns())})"
        )
    return items


def cfa_syntax() -> str:
    """The six-factor CFA in lavaan syntax: one factor per construct, named by its abbreviation."""
    return "\n".join(f"{c.abbreviation} =~ {' + '.join(c.item_columns)}" for c in ins.CONSTRUCTS)


def structural_syntax() -> str:
    """Figure 2's paths between the factors (``helpers.paper_model.HYPOTHESES``), and the three
    outcomes' residual covariances, written out as in ``helpers.paper_model.model_syntax`` (lavaan
    frees them by default anyway)."""
    name = paper_model.abbreviation
    lines = [
        f"{name(outcome)} ~ {' + '.join(name(p) for p in predictors)}"
        for outcome, predictors in paper_model.equations().items()
    ]
    outcomes = [name(key) for key in paper_model.OUTCOMES]
    for i, a in enumerate(outcomes):
        for b in outcomes[i + 1 :]:
            lines.append(f"{a} ~~ {b}")
    return "\n".join(lines)


def latent_sem_syntax() -> str:
    """The CFA plus Figure 2's structural paths: the paper's model between latent variables."""
    return cfa_syntax() + "\n" + structural_syntax()


def single_factor_syntax() -> str:
    """One factor behind all 25 items (the CFA form of Harman's single-factor test)."""
    return f"{SINGLE_FACTOR} =~ {' + '.join(ins.item_columns())}"


def common_latent_factor_syntax() -> str:
    """The six-factor CFA plus a method factor on all 25 items with equal loadings, uncorrelated
    with the six trait factors.

    The equal loadings are written as ``1*item`` with the method factor's variance free: one free
    parameter, the same model as one shared label on free loadings with the variance fixed at 1.
    """
    loadings = " + ".join(f"1*{column}" for column in ins.item_columns())
    # written trait first: lavaan's parameter table names a covariance of two latent variables in
    # the order the variables were defined, whichever way the syntax writes it
    zero_covariances = [f"{c.abbreviation} ~~ 0*{METHOD_FACTOR}" for c in ins.CONSTRUCTS]
    return "\n".join([cfa_syntax(), f"{METHOD_FACTOR} =~ {loadings}", *zero_covariances])


def fit_cfa(items: pd.DataFrame, **options) -> SemFit:
    """Fit the six-factor CFA (``cfa_syntax()``) by ML, as lavaan's ``cfa()`` does; ``options``
    go to ``helpers.sem.fit_sem``."""
    return fit_sem(cfa_syntax(), _checked_items(items), **options)


def fit_latent_sem(items: pd.DataFrame, **options) -> SemFit:
    """Fit the latent SEM of Figure 2 (``latent_sem_syntax()``) by ML, as lavaan's ``sem()`` does;
    ``options`` go to ``helpers.sem.fit_sem``."""
    return fit_sem(latent_sem_syntax(), _checked_items(items), **options)


def _fit_keeping_warnings(syntax: str, items: pd.DataFrame) -> tuple[SemFit, list[str]]:
    """Fit, and return the engine's warnings (e.g. a Heywood case) instead of printing them."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(invalid="ignore"):
        warnings.simplefilter("always")
        fit = fit_sem(syntax, _checked_items(items))
    messages = []
    for caught_warning in caught:
        if str(caught_warning.message) not in messages:
            messages.append(str(caught_warning.message))
    return fit, messages


def _estimates(fit: SemFit) -> pd.DataFrame:
    """lavaan's parameter table of a fit; where a variance is negative (a Heywood case) its
    std.all is NaN, as lavaan's NA, without numpy's warning about the square root."""
    with np.errstate(invalid="ignore"):
        return fit.parameter_estimates()


def heywood_cases(fit: SemFit) -> list[str]:
    """Variables whose (residual) variance is negative or whose standardized loading is above 1:
    the signs of an improper solution (a Heywood case), which lavaan reports and does not hide."""
    table = _estimates(fit)
    variances = table[(table["op"] == "~~") & (table["lhs"] == table["rhs"])]
    negative = variances.loc[variances["est"] < 0, "lhs"].tolist()
    loadings = table[table["op"] == "=~"]
    above_one = loadings.loc[loadings["std_all"].abs() > 1, "rhs"].tolist()
    return sorted(set(negative) | set(above_one))


# --- reliability and convergent validity -----------------------------------------------------------


def cronbach_alpha(answers: pd.DataFrame) -> float:
    """Cronbach's (1951) alpha of a set of items, k/(k-1) · (1 - Σ item variances / variance of the
    sum): pingouin's ``cronbach_alpha``, as lesson 03 computes it."""
    if answers.shape[1] < 2:
        raise ValueError("Cronbach's alpha needs at least two items")
    return float(pingouin.cronbach_alpha(data=answers)[0])


def standardized_loadings(fit: SemFit) -> pd.DataFrame:
    """Each item's standardized loading (std.all) on its factor: factor, item, loading."""
    table = _estimates(fit)
    loadings = table[table["op"] == "=~"]
    return pd.DataFrame(
        {"factor": loadings["lhs"], "item": loadings["rhs"], "loading": loadings["std_all"]}
    ).reset_index(drop=True)


def composite_reliability(loadings: np.ndarray) -> float:
    """Composite reliability from standardized loadings λ: (Σλ)² / ((Σλ)² + Σ(1 - λ²))
    (Fornell & Larcker 1981; Raykov 1997), for items whose errors are uncorrelated."""
    loadings = np.asarray(loadings, dtype=float)
    explained = loadings.sum() ** 2
    return float(explained / (explained + (1 - loadings**2).sum()))


def average_variance_extracted(loadings: np.ndarray) -> float:
    """AVE: the mean squared standardized loading, Σλ² / k (Fornell & Larcker 1981)."""
    loadings = np.asarray(loadings, dtype=float)
    return float((loadings**2).mean())


def reliability_table(fit: SemFit, items: pd.DataFrame) -> pd.DataFrame:
    """Per construct: items, Cronbach's alpha, composite reliability (CR), AVE and sqrt(AVE) from
    the CFA ``fit`` (``fit_cfa``) and the recoded ``items``, each with whether its ``THRESHOLDS``
    rule is met, and ``heywood``: whether the construct's solution is improper (then CR and AVE
    are not interpretable)."""
    items = _checked_items(items)
    loadings = standardized_loadings(fit)
    improper = set(heywood_cases(fit))
    rows = []
    for c in ins.CONSTRUCTS:
        lam = loadings.loc[loadings["factor"] == c.abbreviation, "loading"].to_numpy()
        alpha = cronbach_alpha(items[c.item_columns])
        cr = composite_reliability(lam)
        ave = average_variance_extracted(lam)
        rows.append(
            {
                "construct": c.abbreviation,
                "items": len(c.items),
                "alpha": alpha,
                "alpha_met": alpha >= threshold("alpha").value,
                "composite_reliability": cr,
                "cr_met": cr >= threshold("composite_reliability").value,
                "cr_exploratory_met": cr >= threshold("composite_reliability_exploratory").value,
                "ave": ave,
                "ave_met": ave >= threshold("ave").value,
                "sqrt_ave": math.sqrt(ave),
                "heywood": bool(improper & {c.abbreviation, *c.item_columns}),
            }
        )
    return pd.DataFrame(rows).set_index("construct")


# --- discriminant validity ---------------------------------------------------------------------------


def latent_correlations(fit: SemFit) -> pd.DataFrame:
    """The factors' correlations (the CFA's standardized factor covariances, std.all)."""
    factors = [c.abbreviation for c in ins.CONSTRUCTS]
    table = _estimates(fit)
    if (table["op"] == "~").any():
        raise ValueError(
            "latent correlations are read from the CFA (fit_cfa), whose factors all covary freely; "
            "this fit has regressions, whose factor covariances are residual covariances"
        )
    matrix = pd.DataFrame(np.eye(len(factors)), index=factors, columns=factors)
    rows = table[(table["op"] == "~~") & table["lhs"].isin(factors) & table["rhs"].isin(factors)]
    for row in rows.itertuples(index=False):
        if row.lhs != row.rhs:
            matrix.loc[row.lhs, row.rhs] = matrix.loc[row.rhs, row.lhs] = row.std_all
    return matrix


def fornell_larcker_table(fit: SemFit) -> pd.DataFrame:
    """Construct × construct: sqrt(AVE) on the diagonal, the latent correlations off it
    (Fornell & Larcker 1981). ``fit``: the CFA (``fit_cfa``)."""
    table = latent_correlations(fit)
    loadings = standardized_loadings(fit)
    for name in table.index:
        lam = loadings.loc[loadings["factor"] == name, "loading"].to_numpy()
        table.loc[name, name] = math.sqrt(average_variance_extracted(lam))
    return table


def fornell_larcker_verdicts(fit: SemFit) -> pd.DataFrame:
    """Per construct: sqrt(AVE), its largest absolute correlation with another construct, which
    construct that is, and whether sqrt(AVE) exceeds it (the Fornell-Larcker criterion)."""
    table = fornell_larcker_table(fit)
    rows = []
    for name in table.index:
        others = table.loc[name].drop(name).abs()
        rows.append(
            {
                "construct": name,
                "sqrt_ave": table.loc[name, name],
                "largest_correlation": others.max(),
                "with": others.idxmax(),
                "criterion_met": bool(table.loc[name, name] > others.max()),
            }
        )
    return pd.DataFrame(rows).set_index("construct")


def heterotrait_monotrait(correlations: pd.DataFrame, blocks: dict[str, list[str]]) -> pd.DataFrame:
    """HTMT ratios (Henseler, Ringle & Sarstedt 2015) from an item correlation matrix and the items
    of each construct: the mean heterotrait-heteromethod correlation of two constructs divided by
    the geometric mean of their mean monotrait-heteromethod correlations (items of one construct,
    off the diagonal). Assumes items scored in the same direction. Constructs need two items each."""
    names = list(blocks)
    for name, columns in blocks.items():
        if len(columns) < 2:
            raise ValueError(f"HTMT needs at least two items per construct; {name} has {len(columns)}")

    def monotrait(columns: list[str]) -> float:
        block = correlations.loc[columns, columns].to_numpy()
        return float(block[np.triu_indices(len(columns), k=1)].mean())

    within = {name: monotrait(columns) for name, columns in blocks.items()}
    table = pd.DataFrame(np.nan, index=names, columns=names)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            between = float(correlations.loc[blocks[a], blocks[b]].to_numpy().mean())
            table.loc[a, b] = table.loc[b, a] = between / math.sqrt(within[a] * within[b])
    return table


def htmt_table(items: pd.DataFrame) -> pd.DataFrame:
    """HTMT of every pair of constructs on the recoded items (Pearson correlations); the diagonal
    is empty. Read against ``THRESHOLDS`` ("htmt_strict" .85, "htmt_liberal" .90)."""
    items = _checked_items(items)
    blocks = {c.abbreviation: c.item_columns for c in ins.CONSTRUCTS}
    return heterotrait_monotrait(items[ins.item_columns()].corr(), blocks)


def htmt_verdicts(items: pd.DataFrame) -> pd.DataFrame:
    """Each pair of constructs: HTMT and whether it is below the strict and the liberal cut-off."""
    table = htmt_table(items)
    rows = []
    for i, a in enumerate(table.index):
        for b in table.index[i + 1 :]:
            value = table.loc[a, b]
            rows.append(
                {
                    "pair": f"{a}–{b}",
                    "htmt": value,
                    "below_strict": bool(value < threshold("htmt_strict").value),
                    "below_liberal": bool(value < threshold("htmt_liberal").value),
                }
            )
    return pd.DataFrame(rows).set_index("pair")


# --- common-method variance ------------------------------------------------------------------------


def harman_single_factor(items: pd.DataFrame) -> pd.DataFrame:
    """Harman's single-factor test as usually run (unrotated principal components, as in SPSS):
    the first eigenvalue of the items' correlation matrix over the number of items is the share of
    the items' total variance on the first factor. One row: eigenvalue, items, share, whether the
    share is below 50%.

    Limits (Podsakoff et al. 2003): the test is insensitive; a first factor below half the
    variance does not show that common-method variance is absent, only that it does not dominate.
    """
    items = _checked_items(items)
    eigenvalues = np.linalg.eigvalsh(items[ins.item_columns()].corr().to_numpy())[::-1]
    share = eigenvalues[0] / len(eigenvalues)
    rows = [
        {
            "first_eigenvalue": eigenvalues[0],
            "items": len(eigenvalues),
            "share_of_variance": share,
            "below_half": bool(share < threshold("harman").value),
            "factors_with_eigenvalue_above_1": int((eigenvalues > 1).sum()),
        }
    ]
    return pd.DataFrame(rows)


FIT_COLUMNS = ["chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr"]


def _fit_row(fit: SemFit) -> dict:
    measures = fit.fit_measures()
    return {column: measures[column] for column in FIT_COLUMNS}


def chisq_difference(restricted: SemFit, general: SemFit) -> dict:
    """The likelihood-ratio (χ² difference) test of two nested ML models on the same data."""
    difference = restricted.chisq - general.chisq
    df = restricted.df - general.df
    return {
        "chisq_difference": difference,
        "df_difference": df,
        "pvalue": float(stats.chi2.sf(difference, df)),
    }


def single_factor_comparison(items: pd.DataFrame) -> pd.DataFrame:
    """A stronger form of Harman's test: one factor behind all 25 items against the six-factor
    CFA (the one-factor model is nested in the six-factor one: all factor correlations 1). Rows:
    the two models with their fit measures; ``attrs["chisq_difference"]`` the χ² difference test
    and ``attrs["warnings"]`` the engine's warnings."""
    single, single_warnings = _fit_keeping_warnings(single_factor_syntax(), items)
    six, six_warnings = _fit_keeping_warnings(cfa_syntax(), items)
    table = pd.DataFrame(
        [
            {"model": "one factor (all 25 items)", **_fit_row(single)},
            {"model": "six factors (the constructs)", **_fit_row(six)},
        ]
    ).set_index("model")
    table.attrs["chisq_difference"] = chisq_difference(single, six)
    table.attrs["warnings"] = single_warnings + six_warnings
    return table


def common_latent_factor(items: pd.DataFrame) -> pd.DataFrame:
    """The six-factor CFA with and without a common latent (method) factor
    (``common_latent_factor_syntax``; Podsakoff et al. 2003): per item, the standardized trait
    loading without and with the method factor, their difference, the standardized method
    loading and its square (the share of the item's variance the method factor takes).

    ``attrs``: ``"chisq_difference"`` (CFA against CFA + method factor, 1 df),
    ``"method_variance_share"`` (mean of the squared method loadings), ``"warnings"``, and
    ``"heywood"``: the variables with a negative variance or a standardized loading above 1 (an
    empty list when the solution is proper).

    Limits: the method factor absorbs any variance all items share, trait or method alike; and
    a method factor with equal loadings competes with the trait factors' covariances, so it is
    weakly identified: on data without a common method it often ends in an improper solution
    (a negative method or trait variance), which then says nothing about method variance.
    """
    cfa, cfa_warnings = _fit_keeping_warnings(cfa_syntax(), items)
    try:
        clf, clf_warnings = _fit_keeping_warnings(common_latent_factor_syntax(), items)
    except (ConvergenceError, NotIdentifiedError) as error:
        return _method_factor_not_fitted(standardized_loadings(cfa), cfa_warnings, error)
    without = standardized_loadings(cfa)
    with_method = standardized_loadings(clf)
    trait = with_method[with_method["factor"] != METHOD_FACTOR].set_index("item")["loading"]
    method = with_method[with_method["factor"] == METHOD_FACTOR].set_index("item")["loading"]
    table = without.rename(columns={"loading": "loading_without_method"}).set_index("item")
    table["loading_with_method"] = trait
    table["difference"] = table["loading_with_method"] - table["loading_without_method"]
    table["method_loading"] = method
    table["method_variance"] = method**2
    table.attrs["chisq_difference"] = chisq_difference(cfa, clf)
    table.attrs["method_variance_share"] = float((method**2).mean())
    table.attrs["warnings"] = cfa_warnings + clf_warnings
    table.attrs["heywood"] = heywood_cases(clf)
    table.attrs["converged"] = True
    return table


def _method_factor_not_fitted(
    without: pd.DataFrame, warnings_so_far: list[str], error: Exception
) -> pd.DataFrame:
    """``common_latent_factor``'s table when the model with a method factor cannot be fitted:
    the loadings without it, NaN for everything the method factor would give, and
    ``attrs["converged"] = False`` with the reason (the lesson says so instead of stopping)."""
    table = without.rename(columns={"loading": "loading_without_method"}).set_index("item")
    for column in ("loading_with_method", "difference", "method_loading", "method_variance"):
        table[column] = np.nan
    nothing = {"chisq_difference": np.nan, "df_difference": np.nan, "pvalue": np.nan}
    table.attrs.update(
        chisq_difference=nothing,
        method_variance_share=np.nan,
        warnings=[*warnings_so_far, str(error)],
        heywood=[],
        converged=False,
    )
    return table


def _correlation_p(r: float, df: int) -> float:
    """Two-sided p of a correlation with t = r / sqrt((1 - r²) / df)."""
    t = r / math.sqrt((1 - r**2) / df)
    return float(2 * stats.t.sf(abs(t), df))


def marker_variable_check(items: pd.DataFrame, rank: int = 1) -> pd.DataFrame:
    """Lindell & Whitney's (2001) correlational marker technique on the construct scores.

    The kit has no item designed to be unrelated to the constructs (a true marker), so the
    ``rank``-th smallest correlation among the six construct scores stands in for r_M (Lindell &
    Whitney suggest the smallest or the second smallest; 1 or 2); a negative one is taken as 0.
    Per pair of constructs: r, its p (df N - 2), the CMV-adjusted r_A = (r - r_M) / (1 - r_M) and
    its p (t = r_A / sqrt((1 - r_A²)/(N - 3)), df N - 3), and whether the pair is a hypothesis.

    Limits: r_M taken from the constructs themselves is an estimate that itself contains any true
    relation, so the adjustment bounds the effect of common-method variance; it proves neither its
    absence nor its presence. ``attrs["r_m"]`` and ``attrs["marker_pair"]`` say what was used.
    """
    if rank not in (1, 2):
        raise ValueError("rank must be 1 (the smallest correlation) or 2 (the second smallest)")
    scores = survey_module.scores_of_recoded_items(_checked_items(items))
    n = len(scores)
    correlations = scores.corr()
    keys = list(correlations.index)
    pairs = [(a, b, float(correlations.loc[a, b])) for i, a in enumerate(keys) for b in keys[i + 1 :]]
    ordered = sorted(pairs, key=lambda pair: pair[2])
    marker_a, marker_b, r_m = ordered[rank - 1]
    r_m = max(r_m, 0.0)
    hypotheses = {frozenset((h.predictor, h.outcome)): h.code for h in paper_model.HYPOTHESES}
    name = paper_model.abbreviation
    rows = []
    for a, b, r in pairs:
        adjusted = (r - r_m) / (1 - r_m)
        rows.append(
            {
                "pair": f"{name(a)}–{name(b)}",
                "hypothesis": hypotheses.get(frozenset((a, b)), ""),
                "r": r,
                "p": _correlation_p(r, n - 2),
                "r_adjusted": adjusted,
                "p_adjusted": _correlation_p(adjusted, n - 3),
            }
        )
    table = pd.DataFrame(rows).set_index("pair")
    table.attrs["r_m"] = r_m
    table.attrs["marker_pair"] = f"{name(marker_a)}–{name(marker_b)}"
    return table


# --- latent against composite -----------------------------------------------------------------------


RATIO_FLOOR = 0.10  # below this |composite β| the latent / composite ratio is left out (NaN)


def latent_vs_composite_paths(survey: pd.DataFrame) -> pd.DataFrame:
    """Every path of Figure 2 as a standardized β (std.all) from the composite path model
    (``helpers.paper_model.fit`` on ``score_constructs``) and from the latent SEM
    (``fit_latent_sem`` on ``recoded_items``), with latent - composite and latent / composite.
    The ratio is NaN where the composite β is within ±.10 of zero (``RATIO_FLOOR``): there it is
    large, erratic or of either sign and says nothing about attenuation (read the difference)."""
    composite = paper_model.fit(survey_module.score_constructs(survey)).parameter_estimates()
    latent, messages = _fit_keeping_warnings(latent_sem_syntax(), recoded_items(survey))
    latent_table = _estimates(latent)
    name = paper_model.abbreviation
    rows = []
    for h in paper_model.HYPOTHESES:
        in_composite = composite[
            (composite["op"] == "~") & (composite["lhs"] == h.outcome) & (composite["rhs"] == h.predictor)
        ]
        in_latent = latent_table[
            (latent_table["op"] == "~")
            & (latent_table["lhs"] == name(h.outcome))
            & (latent_table["rhs"] == name(h.predictor))
        ]
        beta_composite = float(in_composite["std_all"].iloc[0])
        beta_latent = float(in_latent["std_all"].iloc[0])
        rows.append(
            {
                "hypothesis": h.code,
                "path": h.short_path,
                "beta_composite": beta_composite,
                "beta_latent": beta_latent,
                "difference": beta_latent - beta_composite,
                "ratio": beta_latent / beta_composite if abs(beta_composite) >= RATIO_FLOOR else np.nan,
            }
        )
    table = pd.DataFrame(rows).set_index("hypothesis")
    table.attrs["warnings"] = messages
    return table


def attenuation_table(survey: pd.DataFrame) -> pd.DataFrame:
    """For each hypothesised pair: the correlation of the composite scores, the latent correlation
    (the CFA's), and Spearman's (1904) correction for attenuation r / sqrt(rel_x · rel_y) with
    Cronbach's alpha and with composite reliability as the reliabilities.

    The corrected correlations estimate the correlation of error-free scores, which the latent
    correlation estimates too; they differ because alpha and CR are themselves estimates (alpha a
    lower bound for congeneric items) and the latent model weights items by their loadings.
    """
    items = recoded_items(survey)
    cfa, messages = _fit_keeping_warnings(cfa_syntax(), items)
    reliability = reliability_table(cfa, items)
    composite = survey_module.score_constructs(survey).corr()
    latent = latent_correlations(cfa)
    name = paper_model.abbreviation
    rows = []
    for h in paper_model.HYPOTHESES:
        x, y = name(h.predictor), name(h.outcome)
        r = float(composite.loc[h.predictor, h.outcome])
        alpha_x, alpha_y = reliability.loc[x, "alpha"], reliability.loc[y, "alpha"]
        cr_x, cr_y = reliability.loc[x, "composite_reliability"], reliability.loc[y, "composite_reliability"]
        rows.append(
            {
                "hypothesis": h.code,
                "pair": h.short_path,
                "r_composite": r,
                "r_latent": float(latent.loc[x, y]),
                "r_corrected_alpha": r / math.sqrt(alpha_x * alpha_y),
                "r_corrected_cr": r / math.sqrt(cr_x * cr_y),
            }
        )
    table = pd.DataFrame(rows).set_index("hypothesis")
    table.attrs["warnings"] = messages
    return table


def fit_comparison(survey: pd.DataFrame) -> pd.DataFrame:
    """The composite path model and the latent SEM (and the CFA) side by side: data, observed
    variables, χ², df, p, CFI, TLI, RMSEA, SRMR.

    The composite model is fitted to 6 scores, the latent models to 25 items: their χ² test
    different hypotheses about different covariance matrices, so they are not comparable as a
    test (no χ² difference); the indices only say how well each model reproduces its own data.
    """
    composite = paper_model.fit(survey_module.score_constructs(survey))
    items = recoded_items(survey)
    cfa, cfa_warnings = _fit_keeping_warnings(cfa_syntax(), items)
    latent, latent_warnings = _fit_keeping_warnings(latent_sem_syntax(), items)
    rows = [
        {"model": "composite path model", "data": "6 construct scores", **_fit_row(composite)},
        {"model": "CFA (six factors)", "data": "25 items", **_fit_row(cfa)},
        {"model": "latent SEM (Figure 2)", "data": "25 items", **_fit_row(latent)},
    ]
    table = pd.DataFrame(rows).set_index("model")
    table.attrs["warnings"] = cfa_warnings + latent_warnings
    return table
