"""Beyond the paper: is Figure 2 the best model of these data? Alternatives, nested-model tests and
modification indices, computed by the kit's SEM engine with lavaan's definitions.

The alternatives are the ``helpers.paper_model.VARIANTS``: outcome residuals uncorrelated, direct
paths from PCDP to the outcomes added, or both. ``compare_models`` puts their fit measures side
by side, ``model_comparison_tests`` tests each nested pair with the chi-square difference
(lavaan's ``lavTestLRT``), and ``modification_indices`` lists the score test of every path and
residual covariance the paper's model leaves out (``helpers.sem.modification``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from helpers import paper_model
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
