"""The closed-form ML estimator of recursive path models of observed variables.

When a model has no latent variables, no feedback loops and no equality constraints, fixes the
covariates' block (fixed.x), and frees residual covariances only in complete blocks of outcomes
that share the same predictors (as lavaan's default does for the "pure" outcomes), its
likelihood factorizes into one multivariate regression per block. Each block's ML estimates are
then its least-squares regressions, and its residual (co)variances the residual cross-products
divided by N (identical regressors make least squares equal to ML; Zellner, 1962). No
optimiser is needed, and a whole stack of covariance matrices (every bootstrap resample, every
simulated dataset) is fitted in one vectorized call.

``structure(spec)`` says whether a model qualifies (and why not); ``estimates(structure, S)``
returns the free parameters for one sample covariance or a stack of them. ``helpers.sem.fit``
checks the result against the general optimiser on the models where both apply (in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np

from helpers.sem import information, likelihood
from helpers.sem.representation import Implied, Ram, ram
from helpers.sem.specification import Specification, specify
from helpers.sem.standardize import r_squared, standardized_paths


@dataclass(frozen=True)
class Equation:
    """One outcome, its predictors (indices in the observed order) and where each estimate goes."""

    outcome: int
    predictors: tuple[int, ...]
    coefficients: tuple[int, ...]  # free parameter (0-based) of each predictor's path
    variance: int  # free parameter of the residual variance


@dataclass(frozen=True)
class Structure:
    equations: tuple[Equation, ...]
    covariances: tuple[tuple[int, int, int], ...]  # (outcome 1, outcome 2, free parameter)
    n_free: int


class NotClosedForm(ValueError):
    """The model is outside the closed form's conditions (the message says which one)."""


def structure(spec: Specification) -> Structure:
    """The equations of a model that the closed form can fit; ``NotClosedForm`` otherwise."""
    names = spec.names
    if names.latent:
        raise NotClosedForm("it has latent variables")
    if spec.has_equality_constraints:
        raise NotClosedForm("it has equality constraints")
    index = {v: i for i, v in enumerate(names.observed)}
    paths: dict[str, dict[str, int]] = {}
    variances: dict[str, int] = {}
    covariances: dict[frozenset, int] = {}
    for p in spec.parameters:
        if p.exo:
            continue
        if not p.free:
            if p.value != 0 or p.op != "~~" or p.lhs == p.rhs:
                raise NotClosedForm(f"'{p.lhs} {p.op} {p.rhs}' is fixed at {p.value:g}")
            continue
        if p.op == "~":
            paths.setdefault(p.lhs, {})[p.rhs] = p.free - 1
        elif p.lhs == p.rhs:
            variances[p.lhs] = p.free - 1
        else:
            covariances[frozenset((p.lhs, p.rhs))] = p.free - 1
    endogenous = [v for v in names.observed if v not in names.exogenous_observed]
    missing = [v for v in endogenous if v not in paths]
    if missing:
        raise NotClosedForm(f"{', '.join(missing)} has no predictors but is not a fixed.x covariate")
    _check_recursive(paths)
    _check_blocks(paths, covariances)
    equations = tuple(
        Equation(
            index[y],
            tuple(index[x] for x in paths[y]),
            tuple(paths[y].values()),
            variances[y],
        )
        for y in endogenous
    )
    pairs = tuple(
        (index[a], index[b], k) for pair, k in covariances.items() for a, b in [sorted(pair, key=index.get)]
    )
    return Structure(equations, pairs, spec.n_free)


def _check_recursive(paths: dict[str, dict[str, int]]) -> None:
    done: set[str] = set()

    def visit(v: str, path: tuple[str, ...]) -> None:
        if v in path:
            raise NotClosedForm(f"it has a feedback loop ({' -> '.join((*path, v))})")
        if v not in done:
            for x in paths.get(v, {}):
                visit(x, (*path, v))
            done.add(v)

    for y in paths:
        visit(y, ())


def _check_blocks(paths: dict[str, dict[str, int]], covariances: dict[frozenset, int]) -> None:
    """Freed residual covariances must link outcomes with the same predictors, in complete blocks."""
    linked: dict[str, set[str]] = {}
    for pair in covariances:
        a, b = tuple(pair)
        if set(paths[a]) != set(paths[b]):
            raise NotClosedForm(f"the residuals of {a} and {b} covary but their predictors differ")
        linked.setdefault(a, {a}).add(b)
        linked.setdefault(b, {b}).add(a)
    for v, block in linked.items():
        for a, b in combinations(sorted(block), 2):
            if frozenset((a, b)) not in covariances:
                raise NotClosedForm(f"{v}'s residual covariances do not form a complete block ({a}, {b})")


def estimates(form: Structure, sample_cov: np.ndarray) -> np.ndarray:
    """ML estimates of every free parameter for a covariance matrix (divided by N) in the
    specification's observed order, or a stack of them ``(..., p, p)``: ``(..., k)``."""
    s = np.asarray(sample_cov, dtype=float)
    theta = np.zeros(s.shape[:-2] + (form.n_free,))
    coefficients = {}
    for eq in form.equations:
        ix, iy = list(eq.predictors), eq.outcome
        sxx = s[..., ix, :][..., :, ix]
        sxy = s[..., ix, iy]
        coef = np.linalg.solve(sxx, sxy[..., None])[..., 0]
        coefficients[iy] = (ix, coef)
        theta[..., list(eq.coefficients)] = coef
        theta[..., eq.variance] = s[..., iy, iy] - np.sum(coef * sxy, axis=-1)
    for first, second, k in form.covariances:
        ix, coef = coefficients[first]
        theta[..., k] = s[..., first, second] - np.sum(coef * s[..., ix, second], axis=-1)
    return theta


@dataclass(frozen=True)
class StackFit:
    """A model fitted to a stack of covariance matrices (one per resample or simulated dataset)."""

    theta: np.ndarray  # (..., k)
    a: np.ndarray  # (..., m, m) directed paths
    s: np.ndarray  # (..., m, m) (residual) (co)variances
    implied: Implied
    chisq: np.ndarray  # (...,)
    n: int
    variables: tuple[str, ...]
    syntax: str

    def standardized_paths(self) -> np.ndarray:
        """Every path in std.all units (``standardize.standardized_paths``)."""
        return standardized_paths(self.a, self.implied.all_cov)

    def r_squared(self) -> np.ndarray:
        """R² of every variable, (..., m) (1 for none explained: use only endogenous columns)."""
        total = np.diagonal(self.implied.all_cov, axis1=-2, axis2=-1)
        return r_squared(total, np.diagonal(self.s, axis1=-2, axis2=-1))

    def standard_errors(self) -> np.ndarray:
        """ML standard error of every free parameter in every fit of the stack, (..., k): the
        inverse expected information divided by N (``helpers.sem.information``)."""
        model = compiled(self.syntax)[1]
        info = information.expected_information(self.implied.sigma, model.derivatives(self.implied))
        return np.sqrt(np.diagonal(np.linalg.inv(info), axis1=-2, axis2=-1) / self.n)

    def path_standard_errors(self) -> np.ndarray:
        """``standard_errors`` laid out like ``a`` (0 where there is no free path)."""
        rows, cols, k = compiled(self.syntax)[1].a_cells.T
        out = np.zeros_like(self.a)
        out[..., rows, cols] = self.standard_errors()[..., k]
        return out


@lru_cache(maxsize=64)
def compiled(syntax: str) -> tuple[Specification, Ram, Structure | NotClosedForm]:
    """A model's table, matrices and closed-form structure (or why it has none), made once per
    syntax: the generator and the simulations fit the same model thousands of times."""
    spec = specify(syntax)
    try:
        form = structure(spec)
    except NotClosedForm as reason:
        form = reason
    return spec, ram(spec), form


def fit_covariances(syntax: str, sample_covs: np.ndarray, n: int) -> StackFit:
    """Fit a model to every covariance matrix of a stack at once, in closed form.

    ``sample_covs`` (..., p, p) are ML covariances (divided by N) in the model's observed order
    (``specify(syntax).names.observed``); ``n`` is the number of cases behind each.
    """
    _, _, form = compiled(syntax)
    if isinstance(form, NotClosedForm):
        raise form
    return stack_fit(syntax, estimates(form, sample_covs), sample_covs, n)


def stack_fit(syntax: str, theta: np.ndarray, sample_covs: np.ndarray, n: int) -> StackFit:
    """Everything a stack of estimates implies: matrices, implied covariances, χ²."""
    _, model, _ = compiled(syntax)
    a, s = model.matrices(theta, sample_covs)
    implied = model.implied(a, s)
    chisq = n * likelihood.ml_discrepancy(sample_covs, implied.sigma)
    return StackFit(theta, a, s, implied, chisq, n, model.variables, syntax)
