"""``fit_sem``: fit a model written in lavaan syntax by ML, and read lavaan's outputs from the fit.

    fit = fit_sem(syntax, data)
    fit.parameter_estimates()    # lavaan's parameterEstimates(fit, standardized = TRUE)
    fit.fit_measures()           # lavaan's fitMeasures(fit)
    fit.r_squared(), fit.model_tests(), fit.residual_correlations()

The model gets lavaan's ``sem()`` defaults (``helpers.sem.specification``). It is estimated in
closed form when it is a recursive path model of observed variables (``helpers.sem.closed_form``),
otherwise by Fisher scoring (``helpers.sem.scoring``), and by semopy (``helpers.sem.semopy_estimator``)
where scoring does not converge; ``estimator="semopy"`` forces semopy's optimiser. Every statistic
is then computed by the kit from the estimates with lavaan's formulas, so every estimator reports
the same numbers as lavaan (tests/test_sem_lavaan.py).
"""

from __future__ import annotations

import warnings
from functools import cached_property

import numpy as np
import pandas as pd

from helpers.sem import closed_form, information, likelihood, scoring, semopy_estimator
from helpers.sem import fit_measures as measures
from helpers.sem.errors import ConvergenceError, DataError, NotIdentifiedError
from helpers.sem.representation import Ram, ram
from helpers.sem.specification import Specification, specify
from helpers.sem.tables import estimates_table, fit_measures_table, r_squared_series

MISSING_RULES = (None, "listwise", "ml")
ESTIMATORS = ("auto", "closed form", "scoring", "semopy")


def fit_sem(
    syntax: str,
    data: pd.DataFrame,
    *,
    estimator: str = "auto",
    missing: str | None = None,
    max_iterations: int = 10_000,
) -> SemFit:
    """Fit a model in lavaan syntax to ``data`` (one column per observed variable) by ML.

    ``estimator``: ``"auto"`` (the closed form where it applies, else Fisher scoring, else
    semopy), ``"closed form"``, ``"scoring"`` or ``"semopy"``. ``missing`` (lavaan's argument):
    ``None`` refuses missing values (a ``DataError`` that says what to do), ``"listwise"`` leaves
    out every case with a missing value, with a warning that says how many (lavaan's default,
    which does so silently), and
    ``"ml"`` fits by full-information ML, every answer of every case used (lavaan's
    ``sem(..., missing = "ml")``; see ``helpers.sem.fiml``). Raises ``DataError`` for missing,
    non-numeric or degenerate columns, ``NotIdentifiedError`` when the model has more parameters
    than the data can determine, and ``ConvergenceError`` when the optimiser does not converge
    within ``max_iterations``.
    """
    if missing not in MISSING_RULES:
        raise ValueError(f'missing = {missing!r}: expected None (refuse missing values), "listwise" or "ml"')
    if missing == "ml":
        from helpers.sem.fiml_fit import fit_fiml  # the FIML fit builds on this module

        if estimator != "auto":
            raise ValueError(
                f'estimator="{estimator}" cannot be combined with missing="ml": FIML has its own '
                'optimiser. Leave estimator out (or "auto").'
            )
        return fit_fiml(syntax, data, max_iterations=max_iterations)
    spec = specify(syntax)
    if missing == "listwise":
        data = complete_cases(data, spec)
    values = observed_values(data, spec)
    sample_cov = likelihood.ml_covariance(values)
    _check_counts(spec)
    theta, used = _estimate(spec, data, sample_cov, estimator, max_iterations)
    fit = SemFit(spec, ram(spec), values, sample_cov, theta, used)
    if used in ("scoring", "semopy"):
        fit = _polished(fit)
    information.check_identified(fit.information, spec.free_parameter_names())
    _warn_negative_variances(fit)
    return fit


def complete_cases(data: pd.DataFrame, spec: Specification) -> pd.DataFrame:
    """The cases with a value on every observed variable of the model (listwise deletion),
    with a warning saying how many were left out."""
    observed = _numeric_columns(data, spec)
    complete = observed.notna().all(axis=1)
    if not complete.all():
        warnings.warn(
            f"{int((~complete).sum())} of {len(data)} cases with missing values were left out "
            f"(listwise deletion); {int(complete.sum())} remain",
            stacklevel=3,
        )
    return data.loc[complete]


def _numeric_columns(data: pd.DataFrame, spec: Specification) -> pd.DataFrame:
    """The model's observed columns as floats (NaN where missing), or a ``DataError``."""
    observed = list(spec.names.observed)
    missing = [c for c in observed if c not in data.columns]
    if missing:
        raise DataError(
            f"the data have no column(s) {', '.join(missing)}; the model's observed variables are "
            f"{', '.join(observed)} (latent variables, defined with =~, need no column)"
        )
    try:
        return data[observed].astype(float)
    except (TypeError, ValueError) as error:
        raise DataError(f"the model's variables must be numeric: {error}") from None


def observed_values(data: pd.DataFrame, spec: Specification) -> np.ndarray:
    """The observed variables' columns as a numeric array, or a ``DataError`` saying what is wrong."""
    observed = list(spec.names.observed)
    frame = _numeric_columns(data, spec)
    blank = frame.isna()
    if blank.any().any():
        columns = ", ".join(f"{column} ({count})" for column, count in blank.sum().items() if count)
        raise DataError(
            f"{int(blank.any(axis=1).sum())} of {len(frame)} cases have missing values, in {columns}. "
            'fit_sem(..., missing="ml") uses every value each case has (full-information ML, lavaan\'s '
            'missing = "ml"); missing="listwise" leaves out the incomplete cases, as lavaan\'s default does'
        )
    values = frame.to_numpy()
    check_positive_definite(values, observed)
    return values


def check_positive_definite(values: np.ndarray, observed: list[str]) -> None:
    """A ``DataError`` when the data cannot give a positive definite covariance matrix."""
    sd = values.std(axis=0)
    if (
        len(values) <= len(observed)
        or np.any(sd == 0)
        or np.linalg.eigvalsh(np.corrcoef(values.T))[0] <= 1e-12
    ):
        raise DataError(
            "the sample covariance matrix is not positive definite: some variable is constant "
            "or a combination of others, or there are fewer cases than variables. Drop or "
            "combine the redundant variables."
        )


def _check_counts(spec: Specification, means: bool = False) -> None:
    p, p_x = len(spec.names.observed), len(spec.names.exogenous_observed)
    moments = measures.sample_moments(p, p_x, means)
    if spec.n_free > moments:
        what = "means, variances and covariances" if means else "variances and covariances"
        raise NotIdentifiedError(
            f"the model is not identified: it has {spec.n_free} free parameters but the data give "
            f"only {moments} {what} to estimate them from (df = {moments - spec.n_free}). "
            "Fix some parameters (e.g. a loading to 1) or remove paths or covariances."
        )


def _estimate(spec, data, sample_cov, estimator: str, max_iterations: int) -> tuple[np.ndarray, str]:
    if estimator not in ESTIMATORS:
        raise ValueError('estimator must be "auto", "closed form", "scoring" or "semopy"')
    if estimator in ("auto", "closed form"):
        try:
            return closed_form.estimates(closed_form.structure(spec), sample_cov), "closed form"
        except closed_form.NotClosedForm:
            if estimator == "closed form":
                raise
    if estimator in ("auto", "scoring"):
        theta = scoring.estimates(spec, sample_cov, max_iterations)
        if theta is not None:
            return theta, "scoring"
        if estimator == "scoring":
            raise ConvergenceError(
                'Fisher scoring did not converge; try estimator="semopy" or raise max_iterations'
            )
    return semopy_estimator.estimates(spec, data, sample_cov, max_iterations), "semopy"


def _polished(fit: SemFit, steps: int = 5, tolerance: float = 1e-12, keep_curvature: bool = False) -> SemFit:
    """A few steps θ - I(θ)⁻¹ ∇F(θ) with the fit's own information from an optimiser's solution:
    optimisers stop near the optimum (about 1e-6 relative), these steps reach it to rounding, as
    lavaan does; they stop once no gradient exceeds ``tolerance``. ``keep_curvature``: after a step
    shorter than 1e-6 the information (costly for FIML, a numerical Hessian) is kept, not redone."""
    for _ in range(steps):
        gradient = fit.gradient_at(fit.theta)
        if np.max(np.abs(gradient)) < tolerance:
            break
        try:
            step = np.linalg.solve(fit.information, gradient)
        except np.linalg.LinAlgError:
            break
        candidate = fit.at(fit.theta - step)
        if not candidate.objective <= fit.objective + 1e-12 * max(abs(fit.objective), 1.0):
            break
        if keep_curvature and np.max(np.abs(step)) < 1e-6:
            candidate.__dict__["information"] = fit.information
        fit = candidate
    return fit


def _warn_negative_variances(fit: SemFit) -> None:
    # read from the estimates themselves: the full table would compute every standard error
    negative = [
        p.lhs
        for p in fit.spec.parameters
        if p.op == "~~"
        and p.lhs == p.rhs
        and not p.exo
        and (fit.theta[p.free - 1] if p.free else p.value) < 0
    ]
    if negative:
        warnings.warn(
            f"negative variance estimate for {', '.join(negative)} (a Heywood case), as lavaan "
            "would also report; the model may be misspecified or the sample too small",
            stacklevel=3,
        )


class SemFit:
    """A fitted model. Every statistic follows lavaan's ``sem()`` defaults and is computed on
    first use from the estimates ``theta`` (one value per free parameter of ``spec``)."""

    def __init__(self, spec: Specification, model: Ram, values, sample_cov, theta, estimator: str):
        self.spec, self.ram, self.values = spec, model, values
        self.sample_cov, self.theta, self.estimator = sample_cov, np.asarray(theta, dtype=float), estimator

    def at(self, theta: np.ndarray) -> SemFit:
        """The same model and data at other parameter values."""
        return SemFit(self.spec, self.ram, self.values, self.sample_cov, theta, self.estimator)

    @property
    def objective(self) -> float:
        """F_ML at the estimates (χ² / N), what the estimators minimize."""
        return self.chisq / self.n

    syntax = property(lambda self: self.spec.syntax)
    observed = property(lambda self: list(self.spec.names.observed))
    n = property(lambda self: len(self.values))
    npar = property(lambda self: self.spec.n_free)

    @property
    def fixed_x(self) -> list[str]:
        """The observed exogenous covariates, whose (co)variances lavaan's fixed.x fixes."""
        return list(self.spec.names.exogenous_observed)

    @property
    def fixed_x_positions(self) -> list[int]:
        """Where the fixed.x covariates sit among the observed variables (rows of S and Σ)."""
        return [self.observed.index(v) for v in self.fixed_x]

    @cached_property
    def matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """RAM matrices A (directed paths) and S ((residual) (co)variances) at the estimates."""
        return self.ram.matrices(self.theta, self.sample_cov)

    @cached_property
    def implied(self):
        return self.ram.implied(*self.matrices)

    @property
    def implied_cov(self) -> np.ndarray:
        """Model-implied covariance Σ(θ̂) of the observed variables."""
        return self.implied.sigma

    @cached_property
    def derivatives(self) -> np.ndarray:
        return self.ram.derivatives(self.implied)

    @cached_property
    def information(self) -> np.ndarray:
        """Unit expected information (lavaan's default for ML standard errors)."""
        return information.expected_information(self.implied_cov, self.derivatives)

    @cached_property
    def vcov(self) -> np.ndarray:
        """Covariance matrix of the free estimates: inverse expected information / N."""
        return information.ml_vcov(self.information, self.n)

    def gradient_at(self, theta: np.ndarray) -> np.ndarray:
        """∂F/∂θ at other parameter values (for the observed information)."""
        implied = self.ram.implied(*self.ram.matrices(theta, self.sample_cov))
        return likelihood.gradient(self.sample_cov, implied.sigma, self.ram.derivatives(implied))

    def robust_vcov(self, bread: str = "observed") -> np.ndarray:
        """Huber-White (sandwich) covariance, lavaan's ``se = "robust.huber.white"``; the bread is
        the observed information (lavaan's default for robust SEs) or the expected one."""
        if bread not in ("observed", "expected"):
            raise ValueError('bread must be "observed" or "expected"')
        a = (
            self.information
            if bread == "expected"
            else information.observed_information(self.gradient_at, self.theta)
        )
        scores = information.casewise_scores(self.values, self.implied_cov, self.derivatives)
        return information.sandwich_vcov(a, scores)

    @property
    def chisq(self) -> float:
        """lavaan's model chi-square: N · F_ML (N, not N - 1)."""
        return float(self.n * likelihood.ml_discrepancy(self.sample_cov, self.implied_cov))

    @property
    def df(self) -> int:
        return measures.degrees_of_freedom(len(self.observed), self.npar, len(self.fixed_x))

    @property
    def baseline_chisq(self) -> float:
        return measures.baseline_chisq(self.sample_cov, self.n, self.fixed_x_positions)

    @property
    def baseline_df(self) -> int:
        return measures.baseline_degrees_of_freedom(len(self.observed), len(self.fixed_x))

    def parameter_estimates(self, level: float = 0.95) -> pd.DataFrame:
        """lavaan's ``parameterEstimates(fit, standardized = TRUE)``: lhs, op, rhs (and label when
        the model has labels), est, se, z, pvalue, ci_lower, ci_upper, std_all; fixed
        parameters with se 0 and no z or p, defined parameters (:=) with delta-method SEs."""
        return estimates_table(self, level)

    def fit_measures(self) -> pd.Series:
        """lavaan's ``fitMeasures()``; ``fit_measures.LAVAAN_NAMES`` maps the names."""
        return fit_measures_table(self)

    def model_tests(self) -> pd.DataFrame:
        """χ², df and p of the user model and of lavaan's baseline model."""
        rows = [
            ("User Model", self.chisq, self.df),
            ("Baseline Model", self.baseline_chisq, self.baseline_df),
        ]
        table = pd.DataFrame(rows, columns=["model", "chisq", "df"])
        table["pvalue"] = [measures.chisq_pvalue(c, d) for c, d in zip(table["chisq"], table["df"])]
        return table

    def r_squared(self) -> pd.Series:
        """R² of every endogenous variable, observed and latent (lavaan's ``inspect(fit, "r2")``)."""
        return r_squared_series(self)

    def residual_correlations(self) -> pd.DataFrame:
        """Observed minus implied correlations (lavaan's ``residuals(fit, type = "cor")``)."""
        from helpers.sem.standardize import covariance_to_correlation as cor

        residual = cor(self.sample_cov) - cor(self.implied_cov)
        return pd.DataFrame(residual, index=self.observed, columns=self.observed)
