"""Beyond the paper: is Figure 2 the best model of these data? Alternatives, nested-model tests and
modification indices, computed by the kit's SEM engine with lavaan's definitions.

The alternatives are the ``helpers.paper_model.VARIANTS``: outcome residuals uncorrelated, direct
paths from PCDP to the outcomes added, or both. ``compare_models`` puts their fit measures side
by side, ``model_comparison_tests`` tests each nested pair with the chi-square difference
(lavaan's ``lavTestLRT``), and ``modification_indices`` lists the score test of every path and
residual covariance the paper's model leaves out (``helpers.sem.modification``).

Whether the direct paths are zero is not settled by a test that fails to reject them:
``direct_paths`` lists their bootstrap intervals, and ``direct_path_equivalence`` asks whether
each is smaller than a smallest effect of interest (two one-sided tests, read off the 90%
percentile interval; Lakens 2017).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from helpers import paper_model, published, robustness
from helpers.robustness import parameter_description
from helpers.sem import modification

COMPARED_MEASURES = ("npar", "chisq", "df", "pvalue", "aic", "bic", "cfi", "rmsea", "srmr")
# (restricted, full): each restricted model fixes three parameters of the full one to zero.
NESTED_PAIRS = (
    ("orthogonal", "paper"),
    ("paper", "direct"),
    ("direct_orthogonal", "direct"),
    ("orthogonal", "direct_orthogonal"),
)


def compare_models(scores: pd.DataFrame, fits: dict | None = None) -> pd.DataFrame:
    """Fit measures of the paper's model and its alternatives (``paper_model.fit_variants``).

    Lower AIC and BIC are better; BIC charges more for each extra parameter (log N instead of 2
    per parameter), so it favours simpler models.
    """
    fits = paper_model.fit_variants(scores) if fits is None else fits
    rows = {}
    for name, fitted in fits.items():
        measures = fitted.fit_measures()
        rows[name] = {
            "description": paper_model.VARIANTS[name].description,
            **{m: measures[m] for m in COMPARED_MEASURES},
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "model"
    table["delta_aic"] = table["aic"] - table["aic"].min()
    table["delta_bic"] = table["bic"] - table["bic"].min()
    return table.astype({"npar": int, "df": int})


def chi_square_difference(restricted_chisq, restricted_df, full_chisq, full_df) -> dict:
    """Likelihood-ratio (chi-square difference) test of nested models, as lavaan's lavTestLRT.

    H0: the parameters the restricted model fixes are zero. Δχ² = χ²_restricted - χ²_full on
    Δdf = df_restricted - df_full degrees of freedom.
    """
    delta = float(restricted_chisq - full_chisq)
    delta_df = int(restricted_df - full_df)
    return {"chisq_diff": delta, "df_diff": delta_df, "pvalue": float(stats.chi2.sf(delta, delta_df))}


def model_comparison_tests(scores: pd.DataFrame, fits: dict | None = None) -> pd.DataFrame:
    """Chi-square difference tests for each pair of ``NESTED_PAIRS``, with ΔAIC and ΔBIC
    (restricted minus full: positive means the larger model is preferred)."""
    fits = paper_model.fit_variants(scores) if fits is None else fits
    rows = []
    for restricted, full in NESTED_PAIRS:
        small, large = fits[restricted].fit_measures(), fits[full].fit_measures()
        rows.append(
            {
                "restricted": restricted,
                "full": full,
                "what the restricted model fixes to zero": restriction(restricted, full),
                **chi_square_difference(small["chisq"], small["df"], large["chisq"], large["df"]),
                "delta_aic": small["aic"] - large["aic"],
                "delta_bic": small["bic"] - large["bic"],
            }
        )
    return pd.DataFrame(rows)


def restriction(restricted: str, full: str) -> str:
    """What the restricted variant fixes to zero that the full one frees."""
    if paper_model.VARIANTS[restricted].direct_paths != paper_model.VARIANTS[full].direct_paths:
        return "the three direct paths PCDP → outcomes"
    return "the three outcome residual covariances"


def modification_indices(
    scores: pd.DataFrame, correlated_outcomes: bool = True, direct_paths: bool = False
) -> pd.DataFrame:
    """Modification indices of every regression and residual covariance the model fixes to zero
    (``helpers.sem.modification``: lavaan's ``modindices()`` rows, plus the residual covariances
    lavaan computes with ``lavTestScore``), each with its path in words, largest MI first.

    MI approximates the drop in chi-square if the parameter alone were freed; EPC is its expected
    value (``sepc_all`` standardized). MIs equal to 6 decimals (equivalent models) keep the order
    regressions first, then residual covariances.
    """
    fit = paper_model.fit(paper_model.scores_matrix(scores), correlated_outcomes, direct_paths)
    table = modification.modification_indices(fit)
    table.insert(
        3, "path", [parameter_description(*r) for r in table[["lhs", "op", "rhs"]].itertuples(index=False)]
    )
    causal = {side: [paper_model.VARIABLES.index(v) for v in table[side]] for side in ("lhs", "rhs")}
    regressions_first = (table["op"] != "~").to_numpy()
    order = np.lexsort((causal["rhs"], causal["lhs"], regressions_first, -table["mi"].round(6).to_numpy()))
    return table.iloc[order].reset_index(drop=True)


# --- the direct paths: how large could they be? ---------------------------------------------------

EQUIVALENCE_LEVEL = 0.90  # two one-sided tests at α = .05 <=> the 90% interval inside the bounds
DIFFERENCE_LEVEL = 0.95  # the usual two-sided test of zero at α = .05
VERDICT_EQUIVALENT = "smaller than Δ"
VERDICT_SMALL_BUT_NONZERO = "differs from zero, smaller than Δ"
VERDICT_DIFFERENT = "differs from zero"
VERDICT_INCONCLUSIVE = "inconclusive"
VERDICT_LARGER = "larger than Δ"
# Zhao, Lynch & Chen (2010): the kinds of mediation, from the indirect effect and the direct path
INDIRECT_ONLY, COMPLEMENTARY, COMPETITIVE = "indirect-only", "complementary", "competitive"
DIRECT_ONLY, NO_EFFECT = "direct-only", "no effect detected"


def direct_path_effects() -> list[str]:
    """'PCDP → MR', 'PCDP → IA', 'PCDP → OE': the direct paths of the alternative model."""
    source = paper_model.EXOGENOUS[0]
    return [parameter_description(outcome, "~", source) for outcome in paper_model.OUTCOMES]


def direct_paths(summary: pd.DataFrame) -> pd.DataFrame:
    """The direct paths' rows (B and β) of a bootstrap summary of the model with direct paths
    (``robustness.bootstrap_paths(scores, direct_paths=True).summary()``)."""
    return summary.loc[robustness.KIND_PATH].loc[direct_path_effects()]


def direct_path_equivalence(boot: robustness.BootstrapResult, smallest_effect: float) -> pd.DataFrame:
    """Is each direct path PCDP → outcome different from zero, smaller than the smallest effect
    of interest Δ (on the standardized β scale), both, or neither? And which kind of mediation
    (Zhao, Lynch & Chen 2010) do its indirect effect and direct path make?

    ``boot`` is a bootstrap of the model with direct paths. Direct paths, percentile intervals
    of β: the 95% interval excluding zero is the two-sided test of β = 0 at α = .05; the 90%
    interval lying inside (-Δ, Δ) is the equivalence test (two one-sided tests of β ≤ -Δ and
    β ≥ Δ, each at α = .05; Lakens 2017). A path can be both (a real but negligible effect) or
    neither (the data cannot tell): failing to reject β = 0 is not evidence that β is zero.
    The 90% interval lying wholly outside (-Δ, Δ) is the minimum-effect test: the path is shown
    larger in size than Δ (``beyond_bounds``, verdict 'larger than Δ').
    The total indirect effect of PCDP on the outcome in the same model is tested with its 95% BC
    interval, as everywhere in lesson 05 (``indirect_excludes_zero``, which the kind of mediation
    uses); ``indirect_pct_excludes_zero`` gives the percentile interval's answer beside it.
    """
    if smallest_effect <= 0:
        raise ValueError(f"the smallest effect of interest must be positive, not {smallest_effect!r}")
    beta = robustness.SCALE_BETA
    difference = direct_paths(boot.summary(DIFFERENCE_LEVEL)).xs(beta, level="scale")
    equivalence = direct_paths(boot.summary(EQUIVALENCE_LEVEL)).xs(beta, level="scale")
    indirect = boot.summary(DIFFERENCE_LEVEL).loc[robustness.KIND_TOTAL_INDIRECT].xs(beta, level="scale")
    table = pd.DataFrame(
        {
            "beta": difference["estimate"],
            "pct95_lower": difference["pct_lower"],
            "pct95_upper": difference["pct_upper"],
            "pct90_lower": equivalence["pct_lower"],
            "pct90_upper": equivalence["pct_upper"],
        }
    )
    table["smallest_effect"] = float(smallest_effect)
    table["differs_from_zero"] = (table["pct95_lower"] > 0) | (table["pct95_upper"] < 0)
    table["within_bounds"] = (table["pct90_lower"] > -smallest_effect) & (
        table["pct90_upper"] < smallest_effect
    )
    table["beyond_bounds"] = (table["pct90_lower"] > smallest_effect) | (
        table["pct90_upper"] < -smallest_effect
    )
    table["verdict"] = [
        equivalence_verdict(d, w, b)
        for d, w, b in zip(table["differs_from_zero"], table["within_bounds"], table["beyond_bounds"])
    ]
    table["indirect"] = indirect["estimate"].to_numpy()
    table["indirect_excludes_zero"] = indirect["excludes_zero"].astype(bool).to_numpy()
    table["indirect_pct_excludes_zero"] = (
        (indirect["pct_lower"] > 0) | (indirect["pct_upper"] < 0)
    ).to_numpy()
    table["mediation"] = [
        mediation_type(row.indirect, row.indirect_excludes_zero, row.beta, row.differs_from_zero)
        for row in table.itertuples()
    ]
    table.index.name = "direct path"
    return table


def equivalence_verdict(differs_from_zero: bool, within_bounds: bool, beyond_bounds: bool = False) -> str:
    """The outcomes of a test of zero beside an equivalence test and a minimum-effect test
    (Lakens 2017): 'larger than Δ' when the 90% interval lies wholly outside (-Δ, Δ), i.e. the
    path is shown larger in size than the smallest effect of interest."""
    if beyond_bounds:
        return VERDICT_LARGER
    if within_bounds:
        return VERDICT_SMALL_BUT_NONZERO if differs_from_zero else VERDICT_EQUIVALENT
    return VERDICT_DIFFERENT if differs_from_zero else VERDICT_INCONCLUSIVE


def mediation_type(indirect: float, indirect_clear: bool, direct: float, direct_clear: bool) -> str:
    """Zhao, Lynch & Chen's (2010) kinds of mediation: indirect-only (indirect effect, no direct
    path detected), complementary or competitive (both, with the same or opposite signs),
    direct-only, or no effect. 'Detected' means an interval that excludes zero; indirect-only is
    what used to be called full mediation, and it does not show that the direct path is zero."""
    if indirect_clear and direct_clear:
        return COMPLEMENTARY if indirect * direct > 0 else COMPETITIVE
    if indirect_clear:
        return INDIRECT_ONLY
    return DIRECT_ONLY if direct_clear else NO_EFFECT


def generator_direct_paths() -> pd.Series:
    """The standardized direct paths PCDP → outcome that the kit's data generator built into the
    shipped synthetic survey: the model with direct paths fitted to the correlations the generator
    aimed at (``helpers.synthetic.target_correlations``, whose misfit between PCDP and the
    outcomes gives the published chi-square). A fact about the shipped data only."""
    from helpers import synthetic

    aims = synthetic.targets()
    n = int(published.fact("n_firms"))
    correlations = synthetic.target_correlations(n, aims["betas"], aims["chi_square"])
    fitted = paper_model.fit_covariances(correlations, n, direct_paths=True)
    source = paper_model.EXOGENOUS[0]
    paths = {
        effect: float(fitted.path(source, outcome))
        for effect, outcome in zip(direct_path_effects(), paper_model.OUTCOMES)
    }
    return pd.Series(paths, name="beta")
