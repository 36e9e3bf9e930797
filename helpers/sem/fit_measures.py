"""Fit measures as lavaan 0.6 computes them, each a small function of numbers a reader can check.

Every function takes plain numbers or matrices, so a lesson can recompute a published value from
the numbers printed beside it, e.g. ``rmsea(chisq=3.64, df=4, n=190)``. The formulas are those of
lavaan's ``fitMeasures()`` (``lav_fit_measures.R``, ``lav_fit_rmsea.R``, ``lav_fit_cfi.R``,
``lav_fit_srmr.R``, ``lav_fit_gfi.R``, ``lav_fit_aic.R``); N is the number of cases (lavaan's
``likelihood = "normal"``: N, not N - 1, wherever a sample size enters).
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

from helpers.sem.likelihood import ml_discrepancy

# --- counting ---------------------------------------------------------------------------------


def sample_moments(n_observed: int, n_fixed_x: int = 0, means: bool = False) -> int:
    """Variances and covariances the model is fitted to: p(p+1)/2, minus the p_x(p_x+1)/2 of
    the covariates' block when ``fixed.x`` fixes it at its sample values (lavaan's count); with
    a mean structure (``means``, as FIML has), the p - p_x means of the non-covariates too."""
    covariances = n_observed * (n_observed + 1) // 2 - n_fixed_x * (n_fixed_x + 1) // 2
    return covariances + (n_observed - n_fixed_x if means else 0)


def degrees_of_freedom(n_observed: int, n_free: int, n_fixed_x: int = 0, means: bool = False) -> int:
    """df = sample moments - free parameters (equality-constrained parameters count once)."""
    return sample_moments(n_observed, n_fixed_x, means) - n_free


def baseline_degrees_of_freedom(n_observed: int, n_fixed_x: int = 0) -> int:
    """df of lavaan's baseline (independence) model, whose only free parameters are the variances
    of the non-covariates: p(p-1)/2 - p_x(p_x-1)/2. With a mean structure the baseline also
    frees the non-covariates' means, which adds as many moments as parameters: the same df."""
    return sample_moments(n_observed, n_fixed_x) - (n_observed - n_fixed_x)


# --- the model test ----------------------------------------------------------------------------


def chisq_pvalue(chisq: float, df: float) -> float:
    """p of the model test: P(χ²_df ≥ χ²). NaN for df = 0 (a saturated model is not tested)."""
    return float(stats.chi2.sf(chisq, df)) if df > 0 else float("nan")


def baseline_covariance(sample_cov: np.ndarray, fixed_x: list[int]) -> np.ndarray:
    """Implied covariance of lavaan's baseline model: the sample variances on the diagonal, zero
    covariances, except that the covariates' block keeps its sample values (fixed.x)."""
    baseline = np.diag(np.diag(sample_cov))
    baseline[np.ix_(fixed_x, fixed_x)] = sample_cov[np.ix_(fixed_x, fixed_x)]
    return baseline


def baseline_chisq(sample_cov: np.ndarray, n: int, fixed_x: list[int]) -> float:
    """χ² of the baseline model: N · F_ML(S, baseline covariance)."""
    return float(n * ml_discrepancy(sample_cov, baseline_covariance(sample_cov, fixed_x)))


# --- incremental indices ----------------------------------------------------------------------


def cfi(chisq: float, df: float, baseline_chisq: float, baseline_df: float) -> float:
    """Comparative fit index (Bentler, 1990): 1 - max(χ² - df, 0) / max(χ² - df, χ²_b - df_b, 0),
    so it stays within [0, 1] (1 when neither model misfits more than its df)."""
    excess, base_excess = chisq - df, baseline_chisq - baseline_df
    denominator = max(excess, base_excess, 0.0)
    return 1.0 if np.isclose(denominator, 0.0) else 1 - max(excess, 0.0) / denominator


def rni(chisq: float, df: float, baseline_chisq: float, baseline_df: float) -> float:
    """Relative noncentrality index (McDonald & Marsh, 1990): 1 - (χ² - df) / (χ²_b - df_b),
    the CFI without truncation (above 1 when χ² < df)."""
    base_excess = baseline_chisq - baseline_df
    return float("nan") if np.isclose(base_excess, 0.0) else 1 - (chisq - df) / base_excess


def tli(chisq: float, df: float, baseline_chisq: float, baseline_df: float) -> float:
    """Tucker-Lewis index (non-normed fit index; Bentler & Bonett, 1980): compares χ²/df ratios,
    (χ²_b/df_b - χ²/df) / (χ²_b/df_b - 1) = 1 - (χ² - df) df_b / ((χ²_b - df_b) df); not
    truncated, so above 1 when χ² < df, and it charges for every df a model uses."""
    base_excess = baseline_chisq - baseline_df
    if df <= 0 or base_excess == 0:
        return 1.0
    return 1 - ((chisq - df) * baseline_df) / (base_excess * df)


def nfi(chisq: float, df: float, baseline_chisq: float, baseline_df: float) -> float:
    """Normed fit index (Bentler & Bonett, 1980): (χ²_b - χ²) / χ²_b (lavaan: NaN if df > df_b)."""
    if df > baseline_df:
        return float("nan")
    return (baseline_chisq - chisq) / baseline_chisq if df > 0 else 1.0


# --- RMSEA --------------------------------------------------------------------------------------


def rmsea(chisq: float, df: float, n: int) -> float:
    """Root mean square error of approximation (Steiger, 1990): sqrt(max(χ²/(N df) - 1/N, 0)),
    with N in the denominator as lavaan (others use N - 1). 0 for df = 0."""
    if df <= 0:
        return 0.0
    return float(np.sqrt(max(chisq / n / df - 1 / n, 0.0)))


def rmsea_ci(chisq: float, df: float, n: int, level: float = 0.90) -> tuple[float, float]:
    """lavaan's confidence interval for the RMSEA (90% by default): the noncentrality λ whose
    noncentral χ²_df puts the observed χ² at the upper (lower) tail percentile gives the lower
    (upper) bound sqrt(λ / (N df)); a bound is 0 where even λ = 0 leaves the χ² below it."""
    if df <= 0:
        return 0.0, 0.0

    def cdf_at(ncp: float) -> float:
        return stats.chi2.cdf(chisq, df) if ncp == 0 else stats.ncx2.cdf(chisq, df, ncp)

    def bound(percentile: float, upper_end: float) -> float:
        if df < 1 or cdf_at(0.0) < percentile or cdf_at(upper_end) > percentile:
            return 0.0
        ncp = optimize.brentq(lambda lam: cdf_at(lam) - percentile, 0.0, upper_end, xtol=1e-12)
        return float(np.sqrt(ncp / (n * df)))

    tail = (1 - level) / 2
    return bound(1 - tail, chisq), bound(tail, max(n, 4 * chisq))


def rmsea_pvalue(chisq: float, df: float, n: int, close: float = 0.05) -> float:
    """lavaan's test of close fit: P(χ² ≥ observed) under H0 RMSEA = ``close``, i.e. the
    noncentral χ²_df with λ = N df close² (NaN for df = 0)."""
    if df <= 0:
        return float("nan")
    return float(stats.ncx2.sf(chisq, df, n * df * close**2))


# --- residual-based indices ---------------------------------------------------------------------


def srmr(
    sample_cov: np.ndarray,
    implied_cov: np.ndarray,
    sample_mean: np.ndarray | None = None,
    implied_mean: np.ndarray | None = None,
) -> float:
    """Standardized root mean square residual (Bentler's; lavaan's "srmr"): the root of the mean
    squared residual (S - Σ)_ij / sqrt(s_ii s_jj), over the p(p+1)/2 elements of the lower
    triangle with the diagonal. A root mean square, not an average residual. With a mean
    structure (given both means), the p mean residuals (m_i - μ_i) / sqrt(s_ii) count too."""
    sd = np.sqrt(np.diag(sample_cov))
    standardized = ((sample_cov - implied_cov) / np.outer(sd, sd))[np.tril_indices(len(sd))]
    if sample_mean is not None and implied_mean is not None:
        standardized = np.concatenate([standardized, (sample_mean - implied_mean) / sd])
    return float(np.sqrt(np.mean(standardized**2)))


def gfi(sample_cov: np.ndarray, implied_cov: np.ndarray, fixed_x: list[int] | None = None) -> float:
    """Goodness-of-fit index (Jöreskog & Sörbom), as lavaan weights it for ML:
    GFI = 1 - tr[(Σ⁻¹(S - Σ))²] / tr[(Σ⁻¹S)²], the weighted share of the sample moments the
    model reproduces. With fixed.x the covariates' block is left out of both traces (lavaan
    gives those moments weight zero). Computed with traces of p×p matrices, not the
    p²×p² weight matrix of its definition, so it costs O(p³)."""
    inverse = np.linalg.inv(implied_cov)
    residual, sample = sample_cov - implied_cov, np.array(sample_cov, dtype=float)
    if fixed_x:
        block = np.ix_(fixed_x, fixed_x)
        residual = residual.copy()
        residual[block] = 0.0
        sample[block] = 0.0
    weighted_residual, weighted_sample = inverse @ residual, inverse @ sample
    misfit = np.sum(weighted_residual * weighted_residual.T)
    return float(1 - misfit / np.sum(weighted_sample * weighted_sample.T))


def agfi(gfi_value: float, df: float, n_observed: int) -> float:
    """Adjusted GFI: 1 - (p(p+1)/2 / df)(1 - GFI), all p(p+1)/2 moments counted (lavaan)."""
    if df <= 0:
        return 1.0
    return 1 - n_observed * (n_observed + 1) / 2 / df * (1 - gfi_value)


# --- information criteria ---------------------------------------------------------------------


def aic(loglik: float, npar: int) -> float:
    """Akaike's information criterion: -2 log L + 2k."""
    return -2 * loglik + 2 * npar


def bic(loglik: float, npar: int, n: int) -> float:
    """Bayesian information criterion (Schwarz): -2 log L + k log N."""
    return -2 * loglik + npar * np.log(n)


def sabic(loglik: float, npar: int, n: int) -> float:
    """Sample-size adjusted BIC (Sclove, 1987; lavaan's "bic2"): -2 log L + k log((N + 2) / 24)."""
    return -2 * loglik + npar * np.log((n + 2) / 24)


# The kit's name for each measure -> lavaan's fitMeasures() name, in the order SemFit reports them.
LAVAAN_NAMES: dict[str, str] = {
    "chisq": "chisq",
    "df": "df",
    "pvalue": "pvalue",
    "baseline_chisq": "baseline.chisq",
    "baseline_df": "baseline.df",
    "baseline_pvalue": "baseline.pvalue",
    "cfi": "cfi",
    "tli": "tli",
    "rni": "rni",
    "nfi": "nfi",
    "loglik": "logl",
    "unrestricted_loglik": "unrestricted.logl",
    "npar": "npar",
    "aic": "aic",
    "bic": "bic",
    "sabic": "bic2",
    "rmsea": "rmsea",
    "rmsea_ci_lower": "rmsea.ci.lower",
    "rmsea_ci_upper": "rmsea.ci.upper",
    "rmsea_pvalue": "rmsea.pvalue",
    "srmr": "srmr",
    "gfi": "gfi",
    "agfi": "agfi",
    "ntotal": "ntotal",
}
