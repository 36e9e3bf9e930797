"""The tables a fitted model reports, laid out as lavaan prints them."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from helpers.sem import defined
from helpers.sem import fit_measures as measures
from helpers.sem.likelihood import conditional_loglik
from helpers.sem.standardize import r_squared, std_all

ESTIMATE_COLUMNS = ["est", "se", "z", "pvalue", "ci_lower", "ci_upper", "std_all"]


def estimates_table(fit, level: float = 0.95) -> pd.DataFrame:
    """One row per parameter in lavaan's order (the syntax's rows, then its defaults), then the
    defined parameters. A Wald z = est / se, its two-sided p, and the interval est ± z_(1-α/2) se."""
    spec, theta = fit.spec, fit.theta
    a, s = fit.matrices
    observed = fit.observed
    se_free = np.sqrt(np.diag(fit.vcov))
    total = dict(zip(fit.ram.variables, np.diag(fit.implied.all_cov)))
    residual = dict(zip(fit.ram.variables, np.diag(s)))
    rows = []
    for p in spec.parameters:
        if p.exo and p.op == "~1":
            est = fit.sample_mean[observed.index(p.lhs)]
        elif p.exo:
            est = fit.sample_cov[observed.index(p.lhs), observed.index(p.rhs)]
        else:
            est = theta[p.free - 1] if p.free else p.value
        se = se_free[p.free - 1] if p.free else 0.0
        rows.append((p.lhs, p.op, p.rhs, p.label, est, se, std_all(p, est, total, residual)))
    if spec.defined:
        rows += _defined_rows(fit, se_free, total, residual)
    table = pd.DataFrame(rows, columns=["lhs", "op", "rhs", "label", "est", "se", "std_all"])
    free = table["se"] > 0
    table["z"] = (table["est"] / table["se"]).where(free)
    table["pvalue"] = 2 * stats.norm.sf(table["z"].abs())
    half_width = stats.norm.ppf(1 - (1 - level) / 2) * table["se"]
    table["ci_lower"], table["ci_upper"] = table["est"] - half_width, table["est"] + half_width
    labelled = (table["label"] != "").any()
    columns = ["lhs", "op", "rhs", *(["label"] if labelled else []), *ESTIMATE_COLUMNS]
    return table[columns].astype(dict.fromkeys(ESTIMATE_COLUMNS, "float64"))


def _defined_rows(fit, se_free, total, residual) -> list[tuple]:
    spec = fit.spec
    definitions = [(d.name, d.expression) for d in spec.defined]
    values = defined.defined_values(definitions, spec.labels, fit.theta)
    se = defined.delta_method_se(definitions, spec.labels, fit.theta, fit.vcov)
    standardized_free = np.array(
        [std_all(spec.parameters[row], fit.theta[k], total, residual) for k, row in enumerate(spec.free_rows)]
    )
    standardized = defined.defined_values(definitions, spec.labels, standardized_free)
    return [
        (d.name, ":=", d.expression, d.name, value, error, std)
        for d, value, error, std in zip(spec.defined, values, se, standardized)
    ]


def fit_measures_table(fit) -> pd.Series:
    """Every measure of ``fit_measures.LAVAAN_NAMES`` under the kit's names."""
    n, p, k = fit.n, len(fit.observed), fit.npar
    chisq, df = fit.chisq, fit.df
    base_chisq, base_df = fit.baseline_chisq, fit.baseline_df
    loglik = conditional_loglik(fit.sample_cov, fit.implied_cov, n, fit.fixed_x_positions)
    lower, upper = measures.rmsea_ci(chisq, df, n)
    gfi = measures.gfi(fit.sample_cov, fit.implied_cov, fit.fixed_x_positions)
    incremental = (chisq, df, base_chisq, base_df)
    values = {
        "chisq": chisq,
        "df": df,
        "pvalue": measures.chisq_pvalue(chisq, df),
        "baseline_chisq": base_chisq,
        "baseline_df": base_df,
        "baseline_pvalue": measures.chisq_pvalue(base_chisq, base_df),
        "cfi": measures.cfi(*incremental),
        "tli": measures.tli(*incremental),
        "rni": measures.rni(*incremental),
        "nfi": measures.nfi(*incremental),
        "loglik": loglik,
        "unrestricted_loglik": conditional_loglik(fit.sample_cov, fit.sample_cov, n, fit.fixed_x_positions),
        "npar": k,
        "aic": measures.aic(loglik, k),
        "bic": measures.bic(loglik, k, n),
        "sabic": measures.sabic(loglik, k, n),
        "rmsea": measures.rmsea(chisq, df, n),
        "rmsea_ci_lower": lower,
        "rmsea_ci_upper": upper,
        "rmsea_pvalue": measures.rmsea_pvalue(chisq, df, n),
        "srmr": measures.srmr(fit.sample_cov, fit.implied_cov),
        "gfi": gfi,
        "agfi": measures.agfi(gfi, df, p),
        "ntotal": n,
    }
    return pd.Series({name: float(values[name]) for name in measures.LAVAAN_NAMES}, name="value")


def r_squared_series(fit) -> pd.Series:
    """R² of each variable with an incoming path (observed first, then latent)."""
    a, s = fit.matrices
    endogenous = np.flatnonzero(np.any(a != 0, axis=1) | _has_free_path(fit))
    total = np.diag(fit.implied.all_cov)[endogenous]
    values = r_squared(total, np.diag(s)[endogenous])
    names = [fit.ram.variables[i] for i in endogenous]
    return pd.Series(values, index=pd.Index(names, name="variable"), name="r2")


def _has_free_path(fit) -> np.ndarray:
    """Variables with a path into them even where its estimate happens to be exactly zero."""
    into = np.zeros(len(fit.ram.variables), dtype=bool)
    into[fit.ram.a_cells[:, 0]] = True
    return into
