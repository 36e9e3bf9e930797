"""Information matrices and the standard errors they give (lavaan's defaults and robust ones).

With lavaan's fit function F = ½ F_ML, the *unit* expected information of the free parameters is

    I(θ)_kl = ½ tr(Σ⁻¹ ∂Σ/∂θ_k Σ⁻¹ ∂Σ/∂θ_l)                  (lavaan: information = "expected")

and the ML standard errors are sqrt(diag(I⁻¹) / N). The observed information is the Hessian of
F (taken numerically from the analytic gradient, as lavaan does). The robust (Huber-White
sandwich) covariance is A⁻¹ B A⁻¹ / N with A the observed (or expected) information and B the
mean outer product of the cases' scores; lavaan's ``se = "robust.huber.white"`` (the MLR SEs).
Whether the information matrix is singular, i.e. the model not identified, is judged on its
correlation form (diag-scaled), which does not change when a variable's unit changes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.sem.errors import NotIdentifiedError

# Smallest eigenvalue of the diag-scaled information below which the model counts as not
# identified (two parameters, or combinations of them, carry the same information).
IDENTIFICATION_TOLERANCE = 1e-9


def expected_information(implied_cov: np.ndarray, derivatives: np.ndarray) -> np.ndarray:
    """½ tr(Σ⁻¹ Σ_k Σ⁻¹ Σ_l) for every pair of parameters; stacks allowed: (..., k, k)."""
    inverse = np.linalg.inv(implied_cov)
    scaled = np.einsum("...ij,...kjl->...kil", inverse, derivatives, optimize=True)
    k, p = scaled.shape[-3], scaled.shape[-1]
    flat = scaled.reshape(scaled.shape[:-3] + (k, p * p))
    transposed = np.swapaxes(scaled, -1, -2).reshape(flat.shape)
    return 0.5 * flat @ np.swapaxes(transposed, -1, -2)


def observed_information(
    gradient_at: Callable[[np.ndarray], np.ndarray], theta: np.ndarray, points: int = 5
) -> np.ndarray:
    """The Hessian of F at ``theta``: Richardson (five-point) differences of the analytic gradient,
    symmetrized (lavaan's numerical Hessian); ``points=3``: central differences, half the
    gradients, error O(h²) ≈ 1e-10 of the curvature (what FIML with many parameters uses)."""
    if points not in (3, 5):
        raise ValueError("points must be 3 or 5")
    h = 1e-5
    k = len(theta)
    hessian = np.zeros((k, k))
    for j in range(k):
        step = np.zeros(k)
        step[j] = h
        if points == 3:
            hessian[:, j] = (gradient_at(theta + step) - gradient_at(theta - step)) / (2 * h)
            continue
        hessian[:, j] = (
            -gradient_at(theta + 2 * step)
            + 8 * gradient_at(theta + step)
            - 8 * gradient_at(theta - step)
            + gradient_at(theta - 2 * step)
        ) / (12 * h)
    return (hessian + hessian.T) / 2


def check_identified(information: np.ndarray, names: list[str] | None = None) -> None:
    """Raise ``NotIdentifiedError`` when the information matrix is singular, judged scale-free:
    the smallest eigenvalue of D^-½ I D^-½ (D = diag I), which rescaling a variable (or a
    parameter) leaves unchanged. The message names the parameters involved."""
    diagonal = np.diag(information)
    if np.any(diagonal <= 0):
        bad = [names[k] for k in np.flatnonzero(diagonal <= 0)] if names else []
        raise NotIdentifiedError(_message(bad))
    scale = 1 / np.sqrt(diagonal)
    values, vectors = np.linalg.eigh(information * np.outer(scale, scale))
    if values[0] < IDENTIFICATION_TOLERANCE:
        involved = np.flatnonzero(np.abs(vectors[:, 0]) > 0.1)
        raise NotIdentifiedError(_message([names[k] for k in involved] if names else []))


def _message(involved: list[str]) -> str:
    which = f" ({', '.join(involved)} trade off against each other)" if involved else ""
    return (
        "the model is not identified: the information matrix is singular, so standard errors "
        f"cannot be computed{which}. Fix a loading or a variance, or drop a path or covariance."
    )


def ml_vcov(information: np.ndarray, n: int) -> np.ndarray:
    """Covariance of the estimates: the inverse unit information divided by N."""
    return np.linalg.inv(information) / n


def casewise_scores(values: np.ndarray, implied_cov: np.ndarray, derivatives: np.ndarray) -> np.ndarray:
    """Each case's score ½ (uᵀ Σ_k u - tr(Σ⁻¹ Σ_k)), u = Σ⁻¹ (x - x̄): an (n, k) array."""
    inverse = np.linalg.inv(implied_cov)
    u = (values - values.mean(axis=0)) @ inverse
    quadratic = np.einsum("ni,kij,nj->nk", u, derivatives, u, optimize=True)
    trace = np.einsum("ij,kji->k", inverse, derivatives)
    return 0.5 * (quadratic - trace[None, :])


def sandwich_vcov(bread: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Huber-White covariance A⁻¹ B A⁻¹ / N with B = mean outer product of the scores."""
    n = len(scores)
    meat = scores.T @ scores / n
    bread_inverse = np.linalg.inv(bread)
    return bread_inverse @ meat @ bread_inverse / n
