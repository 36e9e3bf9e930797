"""Sample covariances, the normal-theory ML fit function and the log-likelihood (lavaan's).

lavaan's default ``likelihood = "normal"`` divides sample covariances by N (not N - 1) and
minimizes F_ML(θ) = log|Σ(θ)| + tr(S Σ(θ)⁻¹) - log|S| - p; the model chi-square is N · F_ML at
the estimates. Every function accepts stacks (leading axes) of matrices.
"""

from __future__ import annotations

import numpy as np


def ml_covariance(values: np.ndarray) -> np.ndarray:
    """Covariance divided by N of data ``(..., n, p)``: ``(..., p, p)``."""
    values = np.asarray(values, dtype=float)
    centred = values - values.mean(axis=-2, keepdims=True)
    return np.einsum("...ni,...nj->...ij", centred, centred, optimize=True) / values.shape[-2]


def resampled_covariances(
    values: np.ndarray, counts: np.ndarray, cross: np.ndarray | None = None
) -> np.ndarray:
    """ML covariance of every resample at once: ``values`` (n, p), ``counts`` (r, n) how often each
    case is drawn in each resample (rows summing to the resample size m): ``(r, p, p)``.

    A resample's covariance depends only on the counts c: Σ_i c_i (x_i - x̄)(x_i - x̄)ᵀ / m minus
    the outer product of the resample's mean deviation (centring first keeps it exact).
    ``cross`` may hold the cases' centred cross-products (n, p, p), to reuse them across calls.
    """
    values = np.asarray(values, dtype=float)
    counts = np.asarray(counts, dtype=float)
    size = counts.sum(axis=-1)[..., None, None]
    centred = values - values.mean(axis=0)
    cross = centred_cross_products(values) if cross is None else cross
    second = np.einsum("rn,nij->rij", counts, cross, optimize=True) / size
    mean = counts @ centred / size[..., 0]
    return second - mean[:, :, None] * mean[:, None, :]


def centred_cross_products(values: np.ndarray) -> np.ndarray:
    """(x_i - x̄)(x_i - x̄)ᵀ for every case: (n, p, p)."""
    centred = np.asarray(values, dtype=float) - np.mean(values, axis=0)
    return np.einsum("ni,nj->nij", centred, centred)


def ml_discrepancy(sample_cov: np.ndarray, implied_cov: np.ndarray) -> np.ndarray:
    """F_ML = log|Σ| - log|S| + tr(S Σ⁻¹) - p (lavaan, normal likelihood); N · F_ML is χ²."""
    p = sample_cov.shape[-1]
    _, logdet_implied = np.linalg.slogdet(implied_cov)
    _, logdet_sample = np.linalg.slogdet(sample_cov)
    trace = np.trace(np.linalg.solve(implied_cov, sample_cov), axis1=-2, axis2=-1)
    return logdet_implied - logdet_sample + trace - p


def normal_loglik(sample_cov: np.ndarray, implied_cov: np.ndarray, n: int) -> np.ndarray:
    """Multivariate normal log-likelihood of N cases from their sample covariance (means free):
    -N/2 [p log 2π + log|Σ| + tr(S Σ⁻¹)]."""
    p = sample_cov.shape[-1]
    _, logdet = np.linalg.slogdet(implied_cov)
    trace = np.trace(np.linalg.solve(implied_cov, sample_cov), axis1=-2, axis2=-1)
    return -n / 2 * (p * np.log(2 * np.pi) + logdet + trace)


def conditional_loglik(sample_cov: np.ndarray, implied_cov: np.ndarray, n: int, fixed_x: list[int]) -> float:
    """lavaan's log-likelihood with ``fixed.x``: the joint one minus the covariates' own
    (their block is fixed at the sample values, so the model is conditional on them)."""
    joint = float(normal_loglik(sample_cov, implied_cov, n))
    if not fixed_x:
        return joint
    block = sample_cov[np.ix_(fixed_x, fixed_x)]
    return joint - float(normal_loglik(block, block, n))


def gradient(sample_cov: np.ndarray, implied_cov: np.ndarray, derivatives: np.ndarray) -> np.ndarray:
    """∂F/∂θ of lavaan's fit function F = ½ F_ML: ½ tr(Σ⁻¹ (Σ - S) Σ⁻¹ ∂Σ/∂θ_k), for every k."""
    inverse = np.linalg.inv(implied_cov)
    middle = inverse @ (implied_cov - sample_cov) @ inverse
    return 0.5 * np.einsum("...ij,...kji->...k", middle, derivatives)


class RunningCovariance:
    """The ML covariance of datasets whose cases arrive a block at a time (blocks (..., cases, p)):
    block means and covariances merged exactly (Chan, Golub & LeVeque, 1979), so a simulation
    never needs all its cases in memory. With a single block it is ``ml_covariance`` itself."""

    def __init__(self) -> None:
        self.n, self.mean, self.cov = 0, None, None

    def add(self, block: np.ndarray) -> None:
        size, mean, cov = block.shape[-2], block.mean(axis=-2), ml_covariance(block)
        if self.n == 0:
            self.n, self.mean, self.cov = size, mean, cov
            return
        total, delta = self.n + size, mean - self.mean
        spread = (self.n * size / total**2) * delta[..., :, None] * delta[..., None, :]
        self.cov = (self.cov * self.n + cov * size) / total + spread
        self.mean = self.mean + delta * size / total
        self.n = total
