"""A model's parameters as matrices, and the covariance matrix they imply.

The kit uses the RAM form (McArdle & McDonald, 1984): one matrix A of directed paths (loadings
and regressions: A[i, j] is the effect of variable j on variable i), one symmetric matrix S of
(residual) variances and covariances, and a filter F that keeps the observed variables:

    Σ(θ) = F (I - A)⁻¹ S (I - A)⁻ᵀ Fᵀ.

lavaan's LISREL matrices (Λ, B, Ψ, Θ) are blocks of A and S, so every model lavaan's syntax
describes has this form. Everything here works on one parameter vector or on a stack of them
(leading axes), which is what the bootstrap and the simulations use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from helpers.sem.specification import Specification


@dataclass(frozen=True)
class Implied:
    """``binv`` = (I - A)⁻¹, ``all_cov`` = covariance of every variable (observed, then latent),
    ``sigma`` = the observed block, the model-implied covariance matrix."""

    binv: np.ndarray
    all_cov: np.ndarray
    sigma: np.ndarray


@dataclass(frozen=True)
class Ram:
    """Where each parameter of a specification sits in A and S."""

    variables: tuple[str, ...]
    n_observed: int
    a_fixed: np.ndarray
    s_fixed: np.ndarray
    a_cells: np.ndarray  # (cells, 3): row, column, free parameter (0-based)
    s_cells: np.ndarray  # (cells, 3): row <= column, free parameter (0-based); both triangles filled
    exo_cells: np.ndarray  # (cells, 2): observed covariates' cells, from the sample (fixed.x)
    n_free: int
    # The mean structure (specify(..., meanstructure=True)): intercepts m, with μ = F (I - A)⁻¹ m.
    mean_cells: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=int))  # variable, parameter
    exo_mean_cells: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # fixed.x means
    has_means: bool = False

    @property
    def observed(self) -> tuple[str, ...]:
        return self.variables[: self.n_observed]

    def matrices(
        self, theta: np.ndarray, sample_cov: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """A and S for parameters ``theta`` (..., k); fixed.x cells from ``sample_cov`` (..., p, p)."""
        theta = np.asarray(theta, dtype=float)
        stack = theta.shape[:-1]
        a = np.broadcast_to(self.a_fixed, stack + self.a_fixed.shape).copy()
        s = np.broadcast_to(self.s_fixed, stack + self.s_fixed.shape).copy()
        rows, cols, k = self.a_cells.T
        a[..., rows, cols] = theta[..., k]
        rows, cols, k = self.s_cells.T
        s[..., rows, cols] = theta[..., k]
        s[..., cols, rows] = theta[..., k]
        if len(self.exo_cells):
            if sample_cov is None:
                raise ValueError(
                    "the model fixes covariates' (co)variances at their sample values: give sample_cov"
                )
            rows, cols = self.exo_cells.T
            s[..., rows, cols] = np.asarray(sample_cov)[..., rows, cols]
        return a, s

    def intercepts(self, theta: np.ndarray, sample_mean: np.ndarray | None = None) -> np.ndarray:
        """The intercept vector m (..., variables): free intercepts from ``theta``, fixed.x
        covariates' means from ``sample_mean``, latent means 0."""
        theta = np.asarray(theta, dtype=float)
        m = np.zeros(theta.shape[:-1] + (len(self.variables),))
        rows, k = self.mean_cells.T
        m[..., rows] = theta[..., k]
        if len(self.exo_mean_cells):
            m[..., self.exo_mean_cells] = np.asarray(sample_mean)[..., self.exo_mean_cells]
        return m

    def implied_mean(self, implied: Implied, m: np.ndarray) -> np.ndarray:
        """μ = F (I - A)⁻¹ m, the model-implied means of the observed variables."""
        return (implied.binv @ m[..., None])[..., : self.n_observed, 0]

    def mean_derivatives(self, implied: Implied, m: np.ndarray) -> np.ndarray:
        """∂μ/∂θ_k for every free parameter: (k, p). A path A[i, j] moves μ by column i of
        F(I - A)⁻¹ times the mean of variable j; an intercept of variable i by column i."""
        p = self.n_observed
        all_mean = implied.binv @ m
        out = np.zeros((self.n_free, p))
        rows, cols, k = self.a_cells.T
        if len(k):
            np.add.at(out, k, implied.binv[:p, rows].T * all_mean[cols][:, None])
        rows, k = self.mean_cells.T
        if len(k):
            np.add.at(out, k, implied.binv[:p, rows].T)
        return out

    def values(self, a: np.ndarray, s: np.ndarray) -> np.ndarray:
        """The free parameters held in A and S (the inverse of ``matrices``)."""
        theta = np.zeros(a.shape[:-2] + (self.n_free,))
        rows, cols, k = self.a_cells.T
        theta[..., k] = a[..., rows, cols]
        rows, cols, k = self.s_cells.T
        theta[..., k] = s[..., rows, cols]
        return theta

    def implied(self, a: np.ndarray, s: np.ndarray) -> Implied:
        """Σ = F (I - A)⁻¹ S (I - A)⁻ᵀ Fᵀ, with the covariance of all variables on the way."""
        binv = np.linalg.inv(np.eye(a.shape[-1]) - a)
        all_cov = binv @ s @ np.swapaxes(binv, -1, -2)
        p = self.n_observed
        return Implied(binv, all_cov, all_cov[..., :p, :p])

    def derivatives(self, implied: Implied) -> np.ndarray:
        """∂Σ/∂θ_k for every free parameter: array (..., k, p, p).

        For a path A[i, j]: u vᵀ + v uᵀ with u = column i of F(I - A)⁻¹ and v = column j of
        F(I - A)⁻¹ S (I - A)⁻ᵀ; for S[i, j]: u_i u_jᵀ + u_j u_iᵀ (u_i u_iᵀ on the diagonal).
        Parameters held in several cells (equal labels) add up their cells.
        """
        p = self.n_observed
        u = np.moveaxis(implied.binv[..., :p, :], -1, 0)  # (m, ..., p): u[i] = column i
        v = np.moveaxis(implied.all_cov[..., :p, :], -1, 0)
        out = np.zeros((self.n_free,) + u.shape[1:] + (p,))
        rows, cols, k = self.a_cells.T
        if len(k):
            outer = u[rows][..., :, None] * v[cols][..., None, :]
            np.add.at(out, k, outer + np.swapaxes(outer, -1, -2))
        rows, cols, k = self.s_cells.T
        if len(k):
            outer = u[rows][..., :, None] * u[cols][..., None, :]
            off = rows != cols
            outer[off] += np.swapaxes(outer[off], -1, -2)
            np.add.at(out, k, outer)
        return np.moveaxis(out, 0, -3)


def ram(spec: Specification) -> Ram:
    """The RAM matrices of a specification: observed variables first (lavaan's order), then latent."""
    variables = spec.names.observed + spec.names.latent
    index = {v: i for i, v in enumerate(variables)}
    m = len(variables)
    a_fixed, s_fixed = np.zeros((m, m)), np.zeros((m, m))
    a_cells, s_cells, exo_cells, mean_cells, exo_means = [], [], [], [], []
    for parameter in spec.parameters:
        if parameter.op == "~1":  # latent means are fixed at 0, the zero of m
            if parameter.exo:
                exo_means.append(index[parameter.lhs])
            elif parameter.free:
                mean_cells.append((index[parameter.lhs], parameter.free - 1))
            continue
        lhs, rhs = index[parameter.lhs], index[parameter.rhs]
        if parameter.op == "=~":
            row, col, matrix, cells = rhs, lhs, a_fixed, a_cells
        elif parameter.op == "~":
            row, col, matrix, cells = lhs, rhs, a_fixed, a_cells
        else:
            row, col, matrix, cells = min(lhs, rhs), max(lhs, rhs), s_fixed, s_cells
        if parameter.exo:
            exo_cells += [(row, col), (col, row)] if row != col else [(row, col)]
        elif parameter.free:
            cells.append((row, col, parameter.free - 1))
        else:
            matrix[row, col] = parameter.value
            if matrix is s_fixed:
                matrix[col, row] = parameter.value
    return Ram(
        variables,
        len(spec.names.observed),
        a_fixed,
        s_fixed,
        np.array(a_cells, dtype=int).reshape(-1, 3),
        np.array(s_cells, dtype=int).reshape(-1, 3),
        np.array(exo_cells, dtype=int).reshape(-1, 2),
        spec.n_free,
        np.array(mean_cells, dtype=int).reshape(-1, 2),
        np.array(exo_means, dtype=int),
        any(p.op == "~1" for p in spec.parameters),
    )
