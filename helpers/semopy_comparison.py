"""Lesson 04's side-by-side of semopy, the field's Python SEM package, and the kit's engine.

semopy fits the paper's model to the same estimates as lavaan and the kit, but its summary
statistics (``semopy.calc_stats``) follow conventions of its own. ``free_estimates`` lays out
the estimates of either program for a comparison; ``statistics_side_by_side`` puts semopy's
statistics beside lavaan's (the kit's) with the difference and the convention behind it;
``with_semopy_conventions`` recomputes semopy's numbers from the kit's fit, which shows that
those conventions explain every difference. Read from semopy 2.3's ``semopy/stats.py``:

- df = p(p+1)/2 - free parameters: the covariate's variance counts as a moment although the
  model takes it as given (lavaan's fixed.x leaves it out), and the baseline's df likewise;
- the χ² is N·F_ML, with covariances divided by N, as lavaan's;
- "CFI" is 1 - (χ² - df)/(χ²_b - df_b) without truncation (lavaan's RNI formula);
- "GFI" is 1 - χ²/χ²_b, which is the NFI, not Jöreskog and Sörbom's GFI; "AGFI" adjusts it
  with df_b/df;
- RMSEA = sqrt((χ²/df - 1)/(N - 1)), 0 when χ² < df (lavaan: N, not N - 1);
- "LogLik" is the minimised F_ML, not a log-likelihood, so "AIC" = 2k - 2F_ML and
  "BIC" = k ln N - 2F_ML are on another scale than lavaan's -2 log L + 2k and -2 log L + k ln N.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from helpers import paper_model
from helpers.sem import fit_measures as measures

# Two statistics "agree" when they differ by less than this. semopy fits its baseline model with
# its optimiser's default stopping rule, which leaves its χ²_b some 1e-5 from the exact value.
AGREEMENT = 1e-3
DECIMALS = 3  # the differences are shown to this precision

# semopy.calc_stats' row -> (the same-named measure in the kit's fit_measures, lavaan's, and
# semopy's convention: why the two may differ)
STATISTICS: dict[str, tuple[str, str]] = {
    "DoF": ("df", "counts PCDP's fixed variance as a moment"),
    "DoF Baseline": ("baseline_df", "the same count, for the baseline"),
    "chi2": ("chisq", "same N·F_ML (covariances divided by N)"),
    "chi2 p-value": ("pvalue", "semopy's df"),
    "chi2 Baseline": ("baseline_chisq", "same independence model"),
    "CFI": ("cfi", "RNI's formula, untruncated, semopy's dfs"),
    "GFI": ("gfi", "1 − χ²/χ²_b: the NFI, not the GFI"),
    "AGFI": ("agfi", "1 − (df_b/df)(1 − its 'GFI')"),
    "NFI": ("nfi", "same formula, no df in it"),
    "TLI": ("tli", "same formula, semopy's dfs"),
    "RMSEA": ("rmsea", "√((χ²/df − 1)/(N − 1)), semopy's df"),
    "AIC": ("aic", "2k − 2F_ML: its LogLik is F_ML"),
    "BIC": ("bic", "k·ln N − 2F_ML: its LogLik is F_ML"),
    "LogLik": ("loglik", "F_ML, not a log-likelihood"),
}


def free_estimates(table: pd.DataFrame) -> pd.DataFrame:
    """Estimate and standard error of every free parameter, one row per parameter named
    "lhs op rhs", from semopy's ``Model.inspect()`` or the kit's ``parameter_estimates()``.

    A covariance is named with its two variables in the model's causal order (semopy may write
    them the other way round); fixed parameters (standard error 0, e.g. the covariate's
    variance under fixed.x) are left out.
    """
    columns = {"lval": "lhs", "rval": "rhs", "Estimate": "est", "Std. Err": "se"}
    table = table.rename(columns=columns)
    se = pd.to_numeric(table["se"], errors="coerce")
    table = table[se > 0]
    order = {v: i for i, v in enumerate(paper_model.VARIABLES)}
    names = []
    for lhs, op, rhs in zip(table["lhs"], table["op"], table["rhs"]):
        if op == "~~" and order.get(rhs, 0) < order.get(lhs, 0):
            lhs, rhs = rhs, lhs
        names.append(f"{lhs} {op} {rhs}")
    result = pd.DataFrame(
        {"est": table["est"].to_numpy(dtype=float), "se": table["se"].to_numpy(dtype=float)},
        index=pd.Index(names, name="parameter"),
    )
    return result.sort_index()


def statistics_side_by_side(semopy_statistics: pd.DataFrame, fit) -> pd.DataFrame:
    """semopy's ``calc_stats`` beside lavaan's value of the same-named measure (the kit's
    ``fit.fit_measures()``), the difference semopy − lavaan (to ``DECIMALS`` decimals), whether
    they agree (within ``AGREEMENT``) and the convention that makes them differ."""
    semopy_values = semopy_statistics.loc["Value"]
    lavaan = fit.fit_measures()
    rows = []
    for name, (kit_name, why) in STATISTICS.items():
        theirs, ours = float(semopy_values[name]), float(lavaan[kit_name])
        rows.append(
            {
                "statistic": name,
                "semopy": theirs,
                "lavaan": ours,
                "difference": round(theirs - ours, DECIMALS) + 0.0,  # + 0.0: no "-0.000"
                "agree": bool(abs(theirs - ours) < AGREEMENT),
                "why": why,
            }
        )
    return pd.DataFrame(rows).set_index("statistic")


def with_semopy_conventions(fit) -> pd.Series:
    """semopy's ``calc_stats`` recomputed from the kit's fit with semopy's conventions (its df
    counting, untruncated "CFI", NFI as "GFI", N − 1 in the RMSEA, F_ML as "LogLik"), in
    ``calc_stats``' order and names."""
    n, k, p = fit.n, fit.npar, len(fit.observed)
    chisq, base_chisq = fit.chisq, fit.baseline_chisq
    all_moments = measures.sample_moments(p)  # no fixed.x: every variance and covariance
    df = all_moments - k
    base_df = all_moments - (p - len(fit.fixed_x))  # the baseline frees the non-covariates' variances
    nfi = (base_chisq - chisq) / base_chisq
    rmsea = 0.0 if chisq < df else float(np.sqrt((chisq / df - 1) / (n - 1)))
    f_ml = chisq / n
    values = {
        "DoF": df,
        "DoF Baseline": base_df,
        "chi2": chisq,
        "chi2 p-value": float(stats.chi2.sf(chisq, df)),
        "chi2 Baseline": base_chisq,
        "CFI": 1 - (chisq - df) / (base_chisq - base_df),
        "GFI": nfi,
        "AGFI": 1 - base_df / df * (1 - nfi),
        "NFI": nfi,
        "TLI": measures.tli(chisq, df, base_chisq, base_df),
        "RMSEA": rmsea,
        "AIC": 2 * k - 2 * f_ml,
        "BIC": k * np.log(n) - 2 * f_ml,
        "LogLik": f_ml,
    }
    return pd.Series({name: float(value) for name, value in values.items()}, name="Value")


__all__ = [
    "AGREEMENT",
    "DECIMALS",
    "STATISTICS",
    "free_estimates",
    "statistics_side_by_side",
    "with_semopy_conventions",
]
