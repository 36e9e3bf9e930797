"""Standardized estimates (lavaan's ``std.all``), R² and residual correlations.

``std.all`` scales every variable, observed and latent, to unit model-implied variance:
a path x → y becomes B · sd(x) / sd(y), a loading λ (f =~ x) becomes λ · sd(f) / sd(x), a
(residual) variance is divided by the variable's total variance, and a covariance between two
residuals by the product of the residual SDs, which makes it a residual correlation
(lavaan's ``lav_standardize_all``).
"""

from __future__ import annotations

import numpy as np

from helpers.sem.specification import Parameter


def std_all(
    parameter: Parameter,
    estimate: float,
    total_variance: dict[str, float],
    residual_variance: dict[str, float],
) -> float:
    """The standardized value of one row of the parameter table (see the module docstring);
    an intercept or mean (``~1``) is divided by the variable's SD. NaN where a variance it needs
    is negative (a Heywood case), silently, as lavaan reports NA."""
    with np.errstate(invalid="ignore"):
        return _std_all(parameter, estimate, total_variance, residual_variance)


def _std_all(parameter, estimate, total_variance, residual_variance) -> float:
    if parameter.op == "~1":
        return float(estimate / np.sqrt(total_variance[parameter.lhs]))
    sd_lhs = np.sqrt(total_variance[parameter.lhs])
    sd_rhs = np.sqrt(total_variance[parameter.rhs])
    if parameter.op == "~":
        return float(estimate * sd_rhs / sd_lhs)
    if parameter.op == "=~":
        return float(estimate * sd_lhs / sd_rhs)
    if parameter.lhs == parameter.rhs:
        return float(estimate / total_variance[parameter.lhs])
    product = residual_variance[parameter.lhs] * residual_variance[parameter.rhs]
    return float(estimate / np.sqrt(product)) if product > 0 else float("nan")


def r_squared(total_variance: np.ndarray, residual_variance: np.ndarray) -> np.ndarray:
    """1 - residual variance / total variance; NaN where a negative residual variance (a Heywood
    case) would put R² above 1, as lavaan reports it."""
    r2 = 1 - residual_variance / total_variance
    return np.where(r2 <= 1, r2, np.nan)


def covariance_to_correlation(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
    return cov / (sd[..., :, None] * sd[..., None, :])


def standardized_paths(a: np.ndarray, all_cov: np.ndarray) -> np.ndarray:
    """Every directed coefficient A[i, j] in std.all units, A[i, j] sd(j) / sd(i); stacks allowed."""
    sd = np.sqrt(np.diagonal(all_cov, axis1=-2, axis2=-1))
    return a * sd[..., None, :] / sd[..., :, None]
