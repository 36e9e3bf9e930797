"""The engine's own general estimator: Fisher scoring on the ML fit function.

    θ ← θ - I(θ)⁻¹ ∇F(θ),   F = ½ F_ML,   I the expected information (``helpers.sem.information``)

started from lavaan's "simple" starting values, with the step halved until Σ(θ) stays positive
definite and F does not increase. For the CFA and latent models the lessons fit it converges in a
few dozen steps to the same optimum as semopy (within 1e-7) in a fraction of the time, and needs
no semopy import. It returns None when it does not converge (a singular information matrix, an
improper start, too many steps); ``fit_sem`` then hands the model to semopy.
"""

from __future__ import annotations

import numpy as np

from helpers.sem import information, likelihood
from helpers.sem.representation import ram
from helpers.sem.specification import Specification


def estimates(spec: Specification, cov: np.ndarray, max_iterations: int = 200) -> np.ndarray | None:
    """Complete-data ML estimates for covariance ``cov`` by Fisher scoring from
    ``starting_values``; None when it does not converge."""
    model = ram(spec)
    theta = starting_values(spec, cov)
    for _ in range(min(max_iterations, 500)):
        try:
            implied = model.implied(*model.matrices(theta, cov))
            current = float(likelihood.ml_discrepancy(cov, implied.sigma))
            derivatives = model.derivatives(implied)
            gradient = likelihood.gradient(cov, implied.sigma, derivatives)
            step = np.linalg.solve(information.expected_information(implied.sigma, derivatives), gradient)
        except np.linalg.LinAlgError:
            return None
        if not np.isfinite(current):
            return None
        if (
            np.max(np.abs(step) / (np.abs(theta) + 1)) < 1e-10
        ):  # Fisher scoring converges fast near the optimum
            return theta
        for _ in range(30):  # step halving keeps Σ positive definite and F decreasing
            candidate = theta - step
            try:
                sigma = model.implied(*model.matrices(candidate, cov)).sigma
                if (
                    np.linalg.eigvalsh(sigma)[0] > 0
                    and likelihood.ml_discrepancy(cov, sigma) <= current + 1e-12
                ):
                    break
            except np.linalg.LinAlgError:
                pass
            step = step / 2
        else:
            return None
        theta = candidate
    return None


def starting_values(spec: Specification, cov: np.ndarray) -> np.ndarray:
    """Starting values in the units of the data: residual variances half the observed ones (as
    lavaan's), a latent variance half its marker indicator's variance, a free loading the
    indicator's covariance with the marker over that variance (so a factor of items measured in
    hundreds starts as well as one in tenths), paths and covariances 0; where a latent variable
    has no observed marker, lavaan's simple values (loading 1, variance 0.05)."""
    observed = list(spec.names.observed)
    variance = dict(zip(observed, np.diag(cov)))
    markers = {}
    for p in spec.parameters:
        if p.op == "=~" and p.lhs not in markers and p.rhs in variance and not p.free and p.value:
            markers[p.lhs] = p.rhs
    theta = np.zeros(spec.n_free)
    for p in spec.parameters:
        if not p.free or p.exo:
            continue
        marker = markers.get(p.lhs)
        if p.op == "=~":
            if marker and p.rhs in variance:
                i, m = observed.index(p.rhs), observed.index(marker)
                theta[p.free - 1] = cov[i, m] / (variance[marker] / 2)
            else:
                theta[p.free - 1] = 1.0
        elif p.op == "~~" and p.lhs == p.rhs:
            if p.lhs in variance:
                theta[p.free - 1] = variance[p.lhs] / 2
            else:
                theta[p.free - 1] = variance[marker] / 2 if marker else 0.05
    return theta
