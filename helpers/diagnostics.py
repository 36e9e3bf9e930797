"""Checks before the path model: normality, multivariate normality and outliers,
multicollinearity, scale reliability and the correlations of the construct scores.

The paper says it ran Kolmogorov-Smirnov and Shapiro-Wilk tests and computed VIFs (Section 4.1)
but reports no values; these functions produce the tables it could have printed. Every function
returns a tidy DataFrame at full precision (notebooks round for display). Library routines do
the work wherever one exists (scipy, statsmodels, pingouin, semopy); the few formulas written
here name their reference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats
from statsmodels.stats.diagnostic import lilliefors
from statsmodels.stats.outliers_influence import variance_inflation_factor
from statsmodels.tools.tools import add_constant

from helpers import instrument as ins
from helpers import paper_model
from helpers.survey import recode_reverse_items


def _label(key: str) -> str:
    return ins.construct_labels().get(key, key)


def _abbreviation(key: str) -> str:
    return {c.key: c.abbreviation for c in ins.CONSTRUCTS}.get(key, key)


# --- Univariate normality ---------------------------------------------------------------------


def skewness_se(n: int | np.ndarray) -> float | np.ndarray:
    """Standard error of the sample skewness G1 for n observations, as SPSS and jamovi print it:
    sqrt(6n(n-1) / ((n-2)(n+1)(n+3))) (IBM SPSS Statistics Algorithms, DESCRIPTIVES)."""
    n = np.asarray(n, dtype=float)
    return np.sqrt(6.0 * n * (n - 1) / ((n - 2) * (n + 1) * (n + 3)))


def kurtosis_se(n: int | np.ndarray) -> float | np.ndarray:
    """Standard error of the sample excess kurtosis G2, as SPSS and jamovi print it:
    2 SE(G1) sqrt((n^2 - 1) / ((n-3)(n+5))) (IBM SPSS Statistics Algorithms, DESCRIPTIVES)."""
    n = np.asarray(n, dtype=float)
    return 2.0 * skewness_se(n) * np.sqrt((n**2 - 1) / ((n - 3) * (n + 5)))


def normality_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Univariate normality of each construct score, one row per construct.

    - ``ks_d``, ``ks_p``: Kolmogorov-Smirnov against a normal distribution with the sample's
      mean and SD (n - 1), *without* correction for having estimated them (scipy ``kstest``,
      exact p). This is the test many packages print as "Kolmogorov-Smirnov"; its p-value is
      too large, because the reference normal was fitted to the same data.
    - ``lilliefors_d``, ``lilliefors_p``: the same D with the Lilliefors (1967) correction
      (statsmodels ``lilliefors``, tabulated p-values; p outside the table is reported as its
      bounds, 0.001 and 0.990).
      SPSS's "Kolmogorov-Smirnov (Lilliefors Significance Correction)" is this test.
    - ``shapiro_w``, ``shapiro_p``: Shapiro-Wilk (scipy, Royston's algorithm).
    - ``skewness``/``kurtosis``: G1 and excess G2 (bias-corrected, as SPSS/jamovi), their SPSS
      standard errors and z = statistic / SE (|z| > 1.96 is the usual rule of thumb).
    """
    rows = []
    for key in scores.columns:
        x = scores[key].dropna().to_numpy(dtype=float)
        n = len(x)
        ks = stats.kstest(x, "norm", args=(x.mean(), x.std(ddof=1)))
        lillie_d, lillie_p = lilliefors(x, dist="norm", pvalmethod="table")
        shapiro = stats.shapiro(x)
        skew = stats.skew(x, bias=False)
        kurt = stats.kurtosis(x, fisher=True, bias=False)
        rows.append(
            {
                "construct": key,
                "label": _label(key),
                "n": n,
                "ks_d": ks.statistic,
                "ks_p": ks.pvalue,
                "lilliefors_d": lillie_d,
                "lilliefors_p": lillie_p,
                "shapiro_w": shapiro.statistic,
                "shapiro_p": shapiro.pvalue,
                "skewness": skew,
                "skewness_se": float(skewness_se(n)),
                "skewness_z": skew / skewness_se(n),
                "kurtosis": kurt,
                "kurtosis_se": float(kurtosis_se(n)),
                "kurtosis_z": kurt / kurtosis_se(n),
            }
        )
    return pd.DataFrame(rows)


def qq_data(scores: pd.DataFrame) -> pd.DataFrame:
    """Points for a normal Q-Q plot of each construct score (long format).

    ``theoretical_quantile``: standard normal quantiles at Filliben's plotting positions
    (scipy ``probplot``); ``observed``: the sorted scores; ``reference``: where the points would
    lie if the scores were normal with their own mean and SD (the same normal as the KS test).
    """
    frames = []
    for key in scores.columns:
        x = scores[key].dropna().to_numpy(dtype=float)
        theoretical, observed = stats.probplot(x, dist="norm", fit=False)
        frames.append(
            pd.DataFrame(
                {
                    "construct": key,
                    "label": _label(key),
                    "theoretical_quantile": theoretical,
                    "observed": observed,
                    "reference": x.mean() + x.std(ddof=1) * theoretical,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# --- Multivariate normality and outliers -------------------------------------------------------


def mardia_test(scores: pd.DataFrame) -> pd.DataFrame:
    """Mardia's (1970) multivariate skewness and kurtosis with their large-sample tests.

    Follows R's ``MVN::mvn(mvnTest = "mardia")`` (Korkmaz et al. 2014): the covariance is the ML
    one (divided by n), D = (X - mean) S^-1 (X - mean)',
    b1p = sum(D^3) / n^2 with n b1p / 6 ~ chi-square on p(p+1)(p+2)/6 df, and
    b2p = sum(diag(D)^2) / n with z = (b2p - p(p+2)) / sqrt(8p(p+2)/n) ~ N(0, 1), two-sided.
    MVN's small-sample skewness correction (used for n < 20) is not applied.
    ``psych::mardia`` uses the n - 1 covariance instead, which gives slightly smaller values.
    """
    x = scores.dropna().to_numpy(dtype=float)
    n, p = x.shape
    centred = x - x.mean(axis=0)
    covariance = centred.T @ centred / n
    d = centred @ np.linalg.solve(covariance, centred.T)
    b1p = np.sum(d**3) / n**2
    b2p = np.sum(np.diag(d) ** 2) / n  # the squared Mahalanobis distances, squared
    skew_chi2 = n * b1p / 6.0
    skew_df = p * (p + 1) * (p + 2) / 6.0
    kurt_z = (b2p - p * (p + 2)) / np.sqrt(8.0 * p * (p + 2) / n)
    return pd.DataFrame(
        [
            {
                "measure": "multivariate skewness",
                "statistic": b1p,
                "expected_if_normal": 0.0,
                "test": "chi-square",
                "test_statistic": skew_chi2,
                "df": skew_df,
                "p": stats.chi2.sf(skew_chi2, skew_df),
            },
            {
                "measure": "multivariate kurtosis",
                "statistic": b2p,
                "expected_if_normal": float(p * (p + 2)),
                "test": "z",
                "test_statistic": kurt_z,
                "df": np.nan,
                "p": 2.0 * stats.norm.sf(abs(kurt_z)),
            },
        ]
    ).assign(n=n, p_variables=p)


def mahalanobis_distances(scores: pd.DataFrame, alpha: float = 0.001) -> pd.DataFrame:
    """Squared Mahalanobis distance of every firm from the centroid of the construct scores.

    Uses the sample covariance (n - 1), as SPSS's saved Mahalanobis distances and Tabachnick &
    Fidell (2019, ch. 4) do. A firm is a multivariate outlier when its D² exceeds the
    chi-square quantile with p degrees of freedom at 1 - ``alpha`` (alpha = .001 by default).
    Sorted by D², largest first; indexed like ``scores`` (by firm).
    """
    data = scores.dropna()
    x = data.to_numpy(dtype=float)
    p = x.shape[1]
    centred = x - x.mean(axis=0)
    covariance = np.cov(x, rowvar=False, ddof=1)
    d2 = np.einsum("ij,ij->i", centred, np.linalg.solve(covariance, centred.T).T)
    cutoff = stats.chi2.ppf(1.0 - alpha, p)
    table = pd.DataFrame(
        {"d_squared": d2, "p": stats.chi2.sf(d2, p), "cutoff": cutoff, "outlier": d2 > cutoff},
        index=data.index,
    )
    return table.sort_values("d_squared", ascending=False, kind="stable")


def multivariate_outliers(scores: pd.DataFrame, alpha: float = 0.001) -> pd.DataFrame:
    """Only the firms ``mahalanobis_distances`` flags (an empty table when there are none)."""
    table = mahalanobis_distances(scores, alpha)
    return table[table["outlier"]]


# --- Multicollinearity -------------------------------------------------------------------------


def _vif_rows(scores: pd.DataFrame, predictors: list[str], equation: str) -> list[dict]:
    # VIF_j = 1 / (1 - R²_j) needs R²_j from a regression with an intercept. statsmodels before
    # 0.15 (and standardize=False since) uses the design matrix as given, so the constant must be
    # in it, or R²_j is uncentred and the VIFs come out far too large; 0.15 centres the columns by
    # default, which has the same effect. With the constant in, every version gives the same VIF.
    exog = add_constant(scores[predictors].to_numpy(dtype=float), has_constant="add")
    rows = []
    for j, predictor in enumerate(predictors, start=1):
        vif = variance_inflation_factor(exog, j)
        rows.append({"equation": equation, "predictor": predictor, "vif": vif, "tolerance": 1.0 / vif})
    return rows


def collinearity_table(scores: pd.DataFrame, equations: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """VIF and tolerance (1 / VIF) of the predictors of each equation of the path model, then of
    all its predictors together (the block named "all predictors").

    ``equations`` defaults to ``helpers.paper_model.equations()``. An equation with one predictor
    has VIF 1 by definition (nothing to be collinear with); its row is kept so the table shows
    every equation. Common rules of thumb: VIF above 5 (or 10) signals a problem.
    """
    equations = paper_model.equations() if equations is None else equations
    rows = []
    for outcome, predictors in equations.items():
        name = f"{_abbreviation(outcome)} ~ {' + '.join(_abbreviation(p) for p in predictors)}"
        rows += _vif_rows(scores, list(predictors), name)
    every = list(dict.fromkeys(p for predictors in equations.values() for p in predictors))
    rows += _vif_rows(scores, every, "all predictors")
    return pd.DataFrame(rows)


# --- Reliability -------------------------------------------------------------------------------


def omega_total(items: pd.DataFrame) -> float:
    """McDonald's omega total of a sum (or mean) of ``items`` from a one-factor model.

    The factor model is fitted by maximum likelihood with the kit's SEM engine (lavaan's
    ``cfa()`` defaults: first loading fixed to 1); omega = (sum λ)² φ / ((sum λ)² φ + sum θ),
    with loadings λ, factor variance φ and residual variances θ on the items' own scale, i.e.
    the share of the model-implied variance of the total score due to the common factor
    (McDonald 1999, ch. 6; ``semTools::compRelSEM``). Needs at least three items (a one-factor
    model of two items is not identified).
    """
    from helpers.sem import fit_sem

    columns = list(items.columns)
    if len(columns) < 3:
        raise ValueError("omega from a one-factor model needs at least three items")
    # model syntax needs plain names; the items' own column names may not be.
    data = items.astype(float).set_axis([f"i{j}" for j in range(len(columns))], axis=1)
    estimates = fit_sem("F =~ " + " + ".join(data.columns), data).parameter_estimates()
    loadings = estimates.loc[estimates["op"] == "=~", "est"]
    variances = estimates[(estimates["op"] == "~~") & (estimates["lhs"] == estimates["rhs"])]
    phi = variances.loc[variances["lhs"] == "F", "est"].iloc[0]
    theta = variances.loc[variances["lhs"] != "F", "est"].sum()
    common = loadings.sum() ** 2 * phi
    return float(common / (common + theta))


def _construct_items(survey: pd.DataFrame, construct_key: str) -> pd.DataFrame:
    return recode_reverse_items(survey)[ins.construct(construct_key).item_columns]


def reliability_table(survey: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Cronbach's alpha with its confidence interval and McDonald's omega total per construct.

    Items are used after reverse-worded items are recoded (``survey.recode_reverse_items``).
    Alpha and its interval come from ``pingouin.cronbach_alpha`` (the interval is Feldt's,
    based on the F distribution); omega from ``omega_total``.
    """
    rows = []
    for c in ins.CONSTRUCTS:
        items = _construct_items(survey, c.key)
        alpha, (low, high) = pg.cronbach_alpha(data=items, ci=confidence)
        rows.append(
            {
                "construct": c.key,
                "label": c.label,
                "n_items": items.shape[1],
                "n": len(items),
                "alpha": alpha,
                "alpha_ci_lower": low,
                "alpha_ci_upper": high,
                "omega_total": omega_total(items),
            }
        )
    return pd.DataFrame(rows)


def item_analysis(survey: pd.DataFrame, construct_key: str | None = None) -> pd.DataFrame:
    """Item statistics of one construct (or all): mean and SD after recoding, the corrected
    item-total correlation (item vs the sum of the *other* items, so an item is not correlated
    with itself) and Cronbach's alpha if the item were deleted (pingouin)."""
    keys = ins.construct_keys() if construct_key is None else [construct_key]
    rows = []
    for key in keys:
        spec = ins.construct(key)
        items = _construct_items(survey, key)
        total = items.sum(axis=1)
        for item in spec.items:
            column = items[item.column]
            rest = items.drop(columns=item.column)
            rows.append(
                {
                    "construct": key,
                    "item": item.column,
                    "reverse_worded": item.reverse,
                    "mean": column.mean(),
                    "sd": column.std(ddof=1),
                    "corrected_item_total_r": column.corr(total - column),
                    "alpha_if_deleted": pg.cronbach_alpha(data=rest)[0] if rest.shape[1] >= 2 else np.nan,
                }
            )
    return pd.DataFrame(rows)


# --- Correlations ------------------------------------------------------------------------------


def correlation_matrix(scores: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pearson correlations of the construct scores and their two-sided p-values.

    Returns ``(r, p)``, two square DataFrames labelled by construct key (the diagonal of ``p``
    is NaN). Each pair uses the firms with both scores (scipy ``pearsonr``).
    """
    keys = list(scores.columns)
    r = pd.DataFrame(np.eye(len(keys)), index=keys, columns=keys)
    p = pd.DataFrame(np.nan, index=keys, columns=keys)
    for row in correlation_table(scores).itertuples():
        r.loc[row.variable_1, row.variable_2] = r.loc[row.variable_2, row.variable_1] = row.r
        p.loc[row.variable_1, row.variable_2] = p.loc[row.variable_2, row.variable_1] = row.p
    return r, p


def correlation_table(scores: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Every pair of construct scores: n, Pearson r, its confidence interval and p (long format).

    The interval is the Fisher z interval (scipy ``PearsonRResult.confidence_interval``);
    p is the two-sided t-test of r = 0.
    """
    keys = list(scores.columns)
    rows = []
    for i, first in enumerate(keys):
        for second in keys[i + 1 :]:
            pair = scores[[first, second]].dropna()
            result = stats.pearsonr(pair[first], pair[second])
            interval = result.confidence_interval(confidence)
            rows.append(
                {
                    "variable_1": first,
                    "variable_2": second,
                    "pair": f"{_abbreviation(first)} – {_abbreviation(second)}",
                    "n": len(pair),
                    "r": result.statistic,
                    "ci_lower": interval.low,
                    "ci_upper": interval.high,
                    "p": result.pvalue,
                }
            )
    return pd.DataFrame(rows)


def networking_outcome_correlations(correlation_pairs: pd.DataFrame) -> pd.DataFrame:
    """PCDP's correlation with each outcome, observed and as the paper's model implies it.

    The model has no direct path from networking (PCDP) to market reach, innovation agility or
    operational efficiency, so it reproduces their correlation only through international trade
    and global logistics: with β the standardized coefficients of the outcome regressed on the
    two mediators (what ML gives for this recursive model), the implied r is
    β_IT · r(PCDP, IT) + β_GL · r(PCDP, GL), i.e. the fitted model's implied covariance divided
    by the observed SDs. (lavaan's standardized implied correlations divide by the model's implied
    SDs instead, which differ slightly when the model misfits the mediators' own correlation.)
    Computed from ``correlation_table``'s pairs. One row per outcome: ``outcome``, ``pair``,
    observed ``r``, ``implied`` r and ``excess`` (r − implied).
    """
    variables = list(dict.fromkeys([*correlation_pairs["variable_1"], *correlation_pairs["variable_2"]]))
    matrix = pd.DataFrame(np.eye(len(variables)), index=variables, columns=variables)
    for row in correlation_pairs.itertuples():
        matrix.loc[row.variable_1, row.variable_2] = matrix.loc[row.variable_2, row.variable_1] = row.r
    networking, mediators = "partnership_collaboration", ["international_trade", "global_logistics"]
    pairs = correlation_pairs.set_index(["variable_1", "variable_2"])["pair"]
    rows = []
    for outcome in ("market_reach", "innovation_agility", "operational_efficiency"):
        betas = np.linalg.solve(matrix.loc[mediators, mediators], matrix.loc[mediators, outcome])
        implied = float(betas @ matrix.loc[mediators, networking])
        observed = matrix.loc[networking, outcome]
        rows.append(
            {
                "outcome": outcome,
                "pair": pairs[(networking, outcome)],
                "r": observed,
                "implied": implied,
                "excess": observed - implied,
            }
        )
    return pd.DataFrame(rows)
