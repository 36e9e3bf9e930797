"""``fit_sem(syntax, data, missing="ml")``: a model fitted by full-information ML (``helpers.sem.fiml``).

    fit = fit_sem(syntax, data, missing="ml")       # lavaan: sem(syntax, data, missing = "ml")
    fit.parameter_estimates()    # with the intercepts (op "~1") the mean structure adds
    fit.fit_measures()           # χ², baseline, CFI/TLI/RMSEA/SRMR, logl, AIC/BIC, ntotal as lavaan

A ``FimlFit`` is a ``SemFit`` whose "sample" moments are the unrestricted EM estimates (lavaan's
h1 statistics, which its SRMR and residuals compare the model with), whose χ² is a likelihood
ratio, and whose standard errors come from the observed information, as lavaan's do.
"""

from __future__ import annotations

import warnings
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import optimize

from helpers.sem import closed_form, fiml, information, scoring, semopy_estimator
from helpers.sem import fit_measures as measures
from helpers.sem.errors import ConvergenceError, DataError
from helpers.sem.fit import SemFit, _check_counts, _numeric_columns, _polished, _warn_negative_variances
from helpers.sem.representation import ram
from helpers.sem.specification import specify

# The start needs no more precision than this: the FIML optimiser takes it from there.
START_FTOL = 1e-8


def fit_fiml(syntax: str, data: pd.DataFrame, *, max_iterations: int = 10_000, standard_errors: bool = True):
    """The model fitted by FIML to every value of every case (see ``fit_sem``).
    ``standard_errors=False`` stops at the optimiser's estimates (gradient below 1e-9), without
    the observed information, for simulations that need only estimates."""
    spec = specify(syntax, meanstructure=True)
    frame = _numeric_columns(data, spec)
    frame = _without_unusable_cases(frame, list(spec.names.exogenous_observed))
    incomplete = fiml.IncompleteData.of(frame.to_numpy())
    _check_answers(list(frame.columns), incomplete)
    mean, cov = fiml.em_moments(incomplete)
    _check_moments(cov)
    _check_counts(spec, means=True)
    start = _start(syntax, spec, frame, mean, cov, max_iterations)
    fit = FimlFit(spec, incomplete, mean, cov, start, len(data) - len(frame))
    fit = _maximized(fit, max_iterations, polish=standard_errors)
    if not standard_errors:
        return fit
    information.check_identified(fit.information, spec.free_parameter_names())
    _warn_negative_variances(fit)
    return fit


def _without_unusable_cases(frame: pd.DataFrame, covariates: list[str]) -> pd.DataFrame:
    """lavaan leaves out cases with no value at all and, under fixed.x, cases missing a covariate
    (their likelihood is conditional on the covariates); the kit does the same, and says so."""
    empty = frame.isna().all(axis=1)
    no_covariate = frame[covariates].isna().any(axis=1) & ~empty if covariates else empty & False
    for mask, why in (
        (empty, "had no value on any of the model's variables"),
        (
            no_covariate,
            f"had no value on an exogenous covariate ({', '.join(covariates)}), which "
            "fixed.x takes as given (lavaan deletes them too; model the covariate, e.g. give it a "
            "variance with ~~, to keep them)",
        ),
    ):
        if mask.any():
            warnings.warn(f"{int(mask.sum())} case(s) left out: they {why}", stacklevel=4)
    return frame.loc[~(empty | no_covariate)]


def _check_answers(names: list[str], data: fiml.IncompleteData) -> None:
    answered = data.answered.sum(axis=0)
    if np.any(answered < 2):
        thin = [name for name, count in zip(names, answered) if count < 2]
        raise DataError(f"{', '.join(thin)}: fewer than two cases have a value, so nothing can be estimated")


def _check_moments(cov: np.ndarray) -> None:
    if np.any(np.diag(cov) <= 0) or np.linalg.eigvalsh(cov)[0] <= 1e-10 * np.max(np.diag(cov)):
        raise DataError(
            "the covariance matrix estimated from the available answers is not positive definite: "
            "some variable is constant or a combination of others, or too few cases answered "
            "pairs of variables together."
        )


def _start(syntax, spec, frame, mean, cov, max_iterations) -> np.ndarray:
    """Start from the complete-data ML fit to the EM covariances (the same parameters, numbered
    first), with intercepts that reproduce the EM means."""
    covariance_spec = specify(syntax)
    try:
        theta = closed_form.estimates(closed_form.structure(covariance_spec), cov)
    except closed_form.NotClosedForm:
        theta = scoring.estimates(covariance_spec, cov, max_iterations)
        if theta is None:  # scoring from simple starts failed: the general optimiser
            filled = frame.fillna(pd.Series(mean, index=frame.columns))
            theta = semopy_estimator.estimates(covariance_spec, filled, cov, max_iterations, ftol=START_FTOL)
    model = ram(spec)
    start = np.zeros(spec.n_free)
    start[: len(theta)] = theta
    a, _ = model.matrices(start, cov)
    all_mean = np.concatenate([mean, np.zeros(len(model.variables) - len(mean))])
    m = all_mean - a @ all_mean
    rows, k = model.mean_cells.T
    start[k] = m[rows]
    return start


def _maximized(fit: FimlFit, max_iterations: int, polish: bool = True) -> FimlFit:
    """Quasi-Newton (BFGS, analytic gradient) to the maximum, then Newton steps with the
    observed information until the gradient vanishes to rounding, as closely as lavaan's optimiser."""
    # The complete-data expected information scaled to the share of answers given is close to
    # the FIML curvature: as BFGS's first inverse Hessian it saves most of its iterations.
    try:
        curvature = fit.complete_data_information() * fit.data.answered.mean()
        first_inverse = np.linalg.inv((curvature + curvature.T) / 2)
        first_inverse = (first_inverse + first_inverse.T) / 2
        np.linalg.cholesky(first_inverse)
    except np.linalg.LinAlgError:
        first_inverse = None
    result = optimize.minimize(
        fit.objective_at,
        fit.theta,
        jac=fit.gradient_at,
        method="BFGS",
        options={"gtol": 1e-9, "maxiter": max_iterations, "hess_inv0": first_inverse},
    )
    if not np.all(np.isfinite(result.x)):
        raise ConvergenceError("the FIML optimiser did not converge (the estimates diverged)")
    fit = fit.at(result.x)
    if polish:
        fit = _polished(fit, steps=4, tolerance=1e-9, keep_curvature=True)
    if np.max(np.abs(fit.gradient_at(fit.theta))) > 1e-6:
        raise ConvergenceError(
            f"the FIML optimiser did not converge ({result.message}). Check the model, rescale "
            "variables with very different variances, or raise max_iterations."
        )
    return fit


class FimlFit(SemFit):
    """A model fitted by FIML; every statistic as lavaan's ``sem(..., missing = "ml")``."""

    def __init__(self, spec, data: fiml.IncompleteData, mean, cov, theta, cases_left_out: int = 0):
        super().__init__(spec, ram(spec), data.values, cov, theta, "fiml")
        self.data, self.sample_mean, self.cases_left_out = data, np.asarray(mean), cases_left_out

    def at(self, theta: np.ndarray) -> FimlFit:
        return FimlFit(self.spec, self.data, self.sample_mean, self.sample_cov, theta, self.cases_left_out)

    # --- the likelihood ------------------------------------------------------------------------

    def moments_at(self, theta: np.ndarray):
        a, s = self.ram.matrices(theta, self.sample_cov)
        implied = self.ram.implied(a, s)
        m = self.ram.intercepts(theta, self.sample_mean)
        return implied, m, self.ram.implied_mean(implied, m)

    def objective_at(self, theta: np.ndarray) -> float:
        """-log L / N, what the optimiser minimizes (lavaan's FIML objective)."""
        implied, _, mu = self.moments_at(theta)
        try:
            return -fiml.loglik(self.data, mu, implied.sigma) / self.n
        except np.linalg.LinAlgError:
            return np.inf

    def gradient_at(self, theta: np.ndarray) -> np.ndarray:
        """∂(-log L / N)/∂θ, analytic, through ∂μ/∂θ and ∂Σ/∂θ."""
        implied, m, mu = self.moments_at(theta)
        by_mean, by_cov = fiml.loglik_gradients(self.data, mu, implied.sigma)
        through_cov = np.einsum("ij,kij->k", by_cov, self.ram.derivatives(implied))
        through_mean = self.ram.mean_derivatives(implied, m) @ by_mean
        return -(through_cov + through_mean) / self.n

    def complete_data_information(self) -> np.ndarray:
        """The expected information as if every answer were given: mean and covariance parts."""
        implied, m, _ = self.moments_at(self.theta)
        derivatives = self.ram.derivatives(implied)
        by_cov = information.expected_information(implied.sigma, derivatives)
        by_mean = self.ram.mean_derivatives(implied, m)
        return by_cov + by_mean @ np.linalg.solve(implied.sigma, by_mean.T)

    @property
    def objective(self) -> float:
        return self.objective_at(self.theta)

    @cached_property
    def implied_mean(self) -> np.ndarray:
        """Model-implied means μ(θ̂) of the observed variables."""
        return self.moments_at(self.theta)[2]

    @cached_property
    def information(self) -> np.ndarray:
        """Unit observed information: the Hessian of -log L / N (lavaan's default with missing = "ml")."""
        return information.observed_information(self.gradient_at, self.theta, points=3)

    def robust_vcov(self, bread: str = "observed") -> np.ndarray:
        raise NotImplementedError("robust standard errors are not implemented for FIML fits")

    # --- the three log-likelihoods and the tests ----------------------------------------------------

    @cached_property
    def loglik(self) -> float:
        """log L of the model, conditional on the fixed.x covariates as lavaan reports it."""
        return self.joint_loglik - self._covariates_loglik

    @cached_property
    def joint_loglik(self) -> float:
        return fiml.loglik(self.data, self.implied_mean, self.implied_cov)

    @cached_property
    def unrestricted_loglik(self) -> float:
        return fiml.loglik(self.data, self.sample_mean, self.sample_cov) - self._covariates_loglik

    @cached_property
    def baseline_loglik(self) -> float:
        return fiml.independence_loglik(self.data, self.fixed_x_positions) - self._covariates_loglik

    @cached_property
    def _covariates_loglik(self) -> float:
        positions = self.fixed_x_positions
        return fiml.covariates_loglik(self.data.values[:, positions]) if positions else 0.0

    @property
    def chisq(self) -> float:
        """The likelihood-ratio χ²: 2 (log L of the unrestricted model - log L of the model)."""
        return 2 * (self.unrestricted_loglik - self.loglik)

    @property
    def df(self) -> int:
        return measures.degrees_of_freedom(len(self.observed), self.npar, len(self.fixed_x), means=True)

    @property
    def baseline_chisq(self) -> float:
        return 2 * (self.unrestricted_loglik - self.baseline_loglik)

    def fit_measures(self) -> pd.Series:
        """lavaan's ``fitMeasures()`` for a FIML fit (GFI and AGFI, which lavaan bases on the
        complete-data fit function, are left out: NaN)."""
        table = super().fit_measures()
        n, k = self.n, self.npar
        table["loglik"], table["unrestricted_loglik"] = self.loglik, self.unrestricted_loglik
        table["aic"], table["bic"] = measures.aic(self.loglik, k), measures.bic(self.loglik, k, n)
        table["sabic"] = measures.sabic(self.loglik, k, n)
        table["srmr"] = measures.srmr(self.sample_cov, self.implied_cov, self.sample_mean, self.implied_mean)
        table["gfi"] = table["agfi"] = float("nan")
        return table
