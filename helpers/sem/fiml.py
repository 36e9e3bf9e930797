"""Full-information maximum likelihood (FIML) for data with missing values, as lavaan's
``sem(..., missing = "ml")`` (lavaan 0.6's ``lav_mvnorm_missing`` and ``lav_model_loglik``).

Each case contributes the normal log-likelihood of the values it has,

    log L_i = -½ [p_i log 2π + log|Σ_oo| + (x_o - μ_o)ᵀ Σ_oo⁻¹ (x_o - μ_o)],

where o are the variables case i answered, so no case is left out for a blank and no value is
invented. The model needs a mean structure (μ = F (I - A)⁻¹ m, ``specify(..., meanstructure=True)``).
lavaan's other numbers follow from three fits: the model's, the unrestricted model's (means and
covariances free, estimated by EM: ``em_moments``, which stops where lavaan's EM stops) and the
baseline's (variables independent, each with its own mean and variance):

    χ² = 2 (log L_unrestricted - log L_model),   baseline χ² = 2 (log L_unrestricted - log L_baseline).

Standard errors come from the observed information (the Hessian of -log L / N), lavaan's default
with ``missing = "ml"``. With fixed.x, cases missing an exogenous covariate are deleted, with a
warning, exactly as lavaan does; the covariates' means and covariances are then fixed at their
sample values and the reported log-likelihood is conditional on them (their own part subtracted).

Everything is computed case by case with one batched matrix inverse: a case's Σ_oo⁻¹ is the
inverse of Σ with its unanswered rows and columns replaced by those of the identity, with those
rows and columns then set to zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.sem.likelihood import ml_covariance, normal_loglik

LOG_2PI = np.log(2 * np.pi)


@dataclass(frozen=True)
class IncompleteData:
    """Cases with missing values: ``values`` (n, p) with NaN where a value is missing, ``answered``
    its mask, ``filled`` the values with 0 for the missing ones."""

    values: np.ndarray
    answered: np.ndarray
    filled: np.ndarray
    patterns: np.ndarray  # (patterns, p): which variables each distinct pattern has
    pattern_of_case: np.ndarray  # (n,): the pattern of each case

    @classmethod
    def of(cls, values: np.ndarray) -> IncompleteData:
        values = np.asarray(values, dtype=float)
        answered = ~np.isnan(values)
        patterns, pattern_of_case = np.unique(answered, axis=0, return_inverse=True)
        filled = np.where(answered, values, 0.0)
        return cls(values, answered, filled, patterns, pattern_of_case.reshape(-1))

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def n_observed_values(self) -> np.ndarray:
        return self.answered.sum(axis=1)

    def conditional_inverses(self, sigma: np.ndarray) -> np.ndarray:
        """Σ_oo⁻¹ of every case, embedded in p × p with zeros where the case has no value: (n, p, p)
        (one inverse per distinct pattern of answers)."""
        both = self.patterns[:, :, None] & self.patterns[:, None, :]
        inverses = np.where(both, np.linalg.inv(np.where(both, sigma, np.eye(sigma.shape[-1]))), 0.0)
        return inverses[self.pattern_of_case]

    def log_determinants(self, sigma: np.ndarray) -> np.ndarray:
        """log|Σ_oo| of every case: (n,)."""
        both = self.patterns[:, :, None] & self.patterns[:, None, :]
        _, logdet = np.linalg.slogdet(np.where(both, sigma, np.eye(sigma.shape[-1])))
        return logdet[self.pattern_of_case]

    def deviations(self, mu: np.ndarray) -> np.ndarray:
        """x_o - μ_o for every case, 0 where the value is missing: (n, p)."""
        return np.where(self.answered, self.filled - mu, 0.0)


def casewise_loglik(data: IncompleteData, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Each case's normal log-likelihood of the values it has: (n,)."""
    inverse = data.conditional_inverses(sigma)
    d = data.deviations(mu)
    quadratic = np.einsum("ni,nij,nj->n", d, inverse, d, optimize=True)
    return -0.5 * (data.n_observed_values * LOG_2PI + data.log_determinants(sigma) + quadratic)


def loglik(data: IncompleteData, mu: np.ndarray, sigma: np.ndarray) -> float:
    return float(casewise_loglik(data, mu, sigma).sum())


def loglik_gradients(
    data: IncompleteData, mu: np.ndarray, sigma: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """∂ log L / ∂μ (p,) and ∂ log L / ∂Σ (p, p, each element of Σ taken as its own variable):
    Σ_i Σ_oo⁻¹ d_i and ½ Σ_i (Σ_oo⁻¹ d_i d_iᵀ Σ_oo⁻¹ - Σ_oo⁻¹)."""
    inverse = data.conditional_inverses(sigma)
    u = np.einsum("nij,nj->ni", inverse, data.deviations(mu))
    by_mean = u.sum(axis=0)
    by_cov = 0.5 * (u.T @ u - inverse.sum(axis=0))
    return by_mean, by_cov


def em_moments(
    data: IncompleteData, max_iterations: int = 500, tolerance: float = 1e-5
) -> tuple[np.ndarray, np.ndarray]:
    """The unrestricted ML means and covariances by EM, as lavaan estimates them
    (``lav_mvnorm_missing_h1_estimate_moments``): started from the available-case means and
    variances, stopped when no mean or covariance changes by more than ``tolerance``."""
    n, p = data.values.shape
    mu = np.nanmean(data.values, axis=0)
    sigma = np.diag(np.nanmean((data.values - mu) ** 2, axis=0))
    for _ in range(max_iterations):
        inverse = data.conditional_inverses(sigma)
        # E[x | x_o] = μ + Σ Σ_oo⁻¹ (x_o - μ_o); its conditional covariance Σ - Σ Σ_oo⁻¹ Σ.
        expected = mu + np.einsum("ij,njk,nk->ni", sigma, inverse, data.deviations(mu), optimize=True)
        spread = n * sigma - np.einsum("ij,njk,kl->il", sigma, inverse, sigma, optimize=True)
        new_mu = expected.sum(axis=0) / n
        new_sigma = (expected.T @ expected + spread) / n - np.outer(new_mu, new_mu)
        change = max(np.max(np.abs(new_mu - mu)), np.max(np.abs(new_sigma - sigma)))
        mu, sigma = new_mu, new_sigma
        if change < tolerance:
            break
    return mu, sigma


def independence_loglik(data: IncompleteData, fixed_x: list[int]) -> float:
    """log L of lavaan's baseline model: every variable independent with its own mean and variance
    (their ML estimates are each variable's available-case mean and variance), except the fixed.x
    covariates, which keep their joint sample distribution."""
    total = 0.0
    free = [j for j in range(data.values.shape[1]) if j not in fixed_x]
    for j in free:
        column = data.values[data.answered[:, j], j]
        variance = column.var()
        total += -0.5 * len(column) * (LOG_2PI + np.log(variance) + 1.0)
    if fixed_x:
        total += covariates_loglik(data.values[:, fixed_x])
    return total


def covariates_loglik(values: np.ndarray) -> float:
    """log L of complete covariates at their own ML mean and covariance (what fixed.x takes as given)."""
    sample = ml_covariance(values)
    return float(normal_loglik(sample, sample, len(values)))
