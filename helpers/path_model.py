"""Fitting the path model with semopy and reporting it the way lavaan (and so jamovi) does.

The paper's numbers come from jamovi, which runs R lavaan's ``sem()`` with its defaults:
maximum likelihood, ``fixed.x = TRUE`` (the variances and covariances of the observed exogenous
variables are fixed at their sample values), residual covariances free among the terminal
outcomes, ``likelihood = "normal"`` (covariances divided by N, not N - 1), expected information
for the standard errors and the standard chi-square test.

semopy finds the same estimates (with ``mimic_lavaan=True``), but its built-in statistics follow
other conventions (degrees of freedom, baseline model, RMSEA denominator, log-likelihood, ...).
So semopy is used here only as the optimiser; every statistic below is computed from the
estimated matrices with lavaan's formula, and tests/test_path_model.py checks each one against
lavaan itself (fixtures in tests/fixtures/lavaan).

Start with ``fit_path_model(scores)`` for the paper's model or ``fit_sem(syntax, data)`` for any
other model, then ask the fit for ``parameter_estimates()``, ``fit_measures()``,
``model_tests()``, ``r_squared()`` or ``residual_correlations()``. ``table2_model_tests`` ...
``table5_paths`` lay the results out like the paper's tables and ``compare_with_published`` puts
them beside the published numbers.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import semopy
from scipy import optimize, stats

from helpers import instrument as ins
from helpers import model as paper_model
from helpers import published

# Our name for each fit measure -> lavaan's fitMeasures() name.
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

ALPHA = 0.05
# semopy's default tolerance leaves estimates about 1e-4 from the optimum; this one about 1e-6
# (lavaan's own defaults stop about as close).
FTOL = 1e-12


class PathModelError(RuntimeError):
    """The model could not be fitted; the message says what went wrong and what to try."""


# ---------------------------------------------------------------------------------------------
# Fitting
# ---------------------------------------------------------------------------------------------


def fit_path_model(
    scores: pd.DataFrame, correlated_outcomes: bool = True, direct_paths: bool = False
) -> PathModelFit:
    """Fit the paper's path model (Figure 2) to construct scores, as jamovi/lavaan ``sem()`` does.

    ``scores`` needs one column per construct (``helpers.survey.score_constructs``).
    ``correlated_outcomes`` frees the residual covariances of the three outcomes (lavaan's
    default); ``direct_paths`` adds PCDP -> outcome paths (an alternative model).
    """
    syntax = paper_model.model_syntax(correlated_outcomes, direct_paths)
    return fit_sem(syntax, scores)


def fit_sem(syntax: str, data: pd.DataFrame, *, max_iterations: int = 10_000) -> PathModelFit:
    """Fit any model in lavaan syntax (paths, latent variables) by ML with lavaan's defaults.

    Raises ``PathModelError`` if a variable is missing or not numeric, if the model has more free
    parameters than the data have variances and covariances, if the optimiser does not converge
    within ``max_iterations`` or if the model is not identified (singular information matrix).
    """
    model = semopy.Model(syntax, mimic_lavaan=True)
    observed = list(model.vars["observed"])
    values = _numeric_columns(data, observed)
    _check_degrees_of_freedom(model, observed)
    # semopy keeps variances >= 0; lavaan does not bound them (a negative variance, a "Heywood
    # case", is estimated and reported with a warning), so the bounds are dropped.
    for parameter in model.parameters.values():
        parameter.bound = (None, None)
    result = model.fit(values, options={"ftol": FTOL, "maxiter": max_iterations})
    if not result.success:
        raise PathModelError(
            f"the optimiser did not converge ({result.message}; {result.n_it} iterations). "
            "Check the model syntax, rescale variables with very different variances, or "
            "raise max_iterations."
        )
    fit = PathModelFit(syntax=syntax, model=model, data=values)
    _warn_negative_variances(fit)
    return fit


def _numeric_columns(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise PathModelError(
            f"the data have no column(s) {', '.join(missing)}; the model needs {', '.join(columns)}"
        )
    try:
        values = data[columns].astype(float)
    except (TypeError, ValueError) as error:
        raise PathModelError(f"the model's variables must be numeric: {error}") from None
    if values.isna().any().any():
        raise PathModelError(
            "the data have missing values; lavaan's default drops incomplete rows (listwise), "
            "so do that first, e.g. data.dropna()"
        )
    # semopy would quietly replace a singular covariance matrix by a nearby one; lavaan stops.
    if len(values) <= len(columns) or np.linalg.eigvalsh(np.cov(values.T))[0] <= 1e-12:
        raise PathModelError(
            "the sample covariance matrix is not positive definite: some variable is constant "
            "or a combination of others, or there are fewer cases than variables. Drop or "
            "combine the redundant variables."
        )
    return values


def _check_degrees_of_freedom(model: semopy.Model, observed: list[str]) -> None:
    p = len(observed)
    p_x = len(_fixed_x(model))
    moments = p * (p + 1) // 2 - p_x * (p_x + 1) // 2
    n_free = sum(param.active for param in model.parameters.values())
    if n_free > moments:
        raise PathModelError(
            f"the model is not identified: it has {n_free} free parameters but the data give only "
            f"{moments} variances and covariances to estimate them from (df = {moments - n_free}). "
            "Fix some parameters (e.g. a loading to 1) or remove paths or covariances."
        )


def _warn_negative_variances(fit: PathModelFit) -> None:
    estimates = fit.parameter_estimates()
    variances = estimates[(estimates["op"] == "~~") & (estimates["lhs"] == estimates["rhs"])]
    negative = variances.loc[variances["est"] < 0, "lhs"].tolist()
    if negative:
        warnings.warn(
            f"negative variance estimate for {', '.join(negative)} (a Heywood case), as lavaan "
            "would also report; the model may be misspecified or the sample too small",
            stacklevel=3,
        )


def _fixed_x(model: semopy.Model) -> list[str]:
    """Observed exogenous variables: lavaan's ``fixed.x`` fixes their (co)variances."""
    return [v for v in model.vars["observed"] if v in model.vars["exogenous"]]


# ---------------------------------------------------------------------------------------------
# The fitted model
# ---------------------------------------------------------------------------------------------


@dataclass
class PathModelFit:
    """A fitted model; every statistic follows lavaan's ``sem()`` defaults (see module doc)."""

    syntax: str
    model: semopy.Model
    data: pd.DataFrame = field(repr=False)

    def __post_init__(self) -> None:
        # Fail now, not later, if the standard errors cannot be computed.
        _ = self.vcov

    # --- basic quantities -------------------------------------------------------------------

    @property
    def observed(self) -> list[str]:
        """Observed variables in semopy's order (rows/columns of every matrix below)."""
        return list(self.model.vars["observed"])

    @property
    def fixed_x(self) -> list[str]:
        """Observed exogenous variables, whose (co)variances lavaan fixes (``fixed.x = TRUE``)."""
        return _fixed_x(self.model)

    @property
    def n(self) -> int:
        return len(self.data)

    @cached_property
    def sample_cov(self) -> np.ndarray:
        """Sample covariance divided by N, as lavaan's ``likelihood = "normal"``."""
        values = self.data[self.observed].to_numpy()
        centred = values - values.mean(axis=0)
        return centred.T @ centred / self.n

    @cached_property
    def implied_cov(self) -> np.ndarray:
        """Model-implied covariance Σ = Λ (I - B)⁻¹ Ψ (I - B)⁻ᵀ Λᵀ + Θ."""
        sigma, _ = self.model.calc_sigma()
        return sigma

    @property
    def npar(self) -> int:
        """Free parameters; like lavaan, the fixed exogenous (co)variances are not counted."""
        return int(sum(param.active for param in self.model.parameters.values()))

    @property
    def df(self) -> int:
        """Variances and covariances (without the fixed-x block) minus free parameters."""
        p, p_x = len(self.observed), len(self.fixed_x)
        return p * (p + 1) // 2 - p_x * (p_x + 1) // 2 - self.npar

    @cached_property
    def vcov(self) -> np.ndarray:
        """Covariance of the free estimates: the inverse expected information (lavaan's default).

        Information = N/2 · tr(Σ⁻¹ ∂Σ/∂θᵢ Σ⁻¹ ∂Σ/∂θⱼ), evaluated at the estimates.
        """
        sigma, (m, c) = self.model.calc_sigma()
        inverse = np.linalg.inv(sigma)
        derivatives = [inverse @ d for d in self.model.calc_sigma_grad(m, c)]
        information = np.array([[np.sum(a * b.T) for b in derivatives] for a in derivatives])
        information *= self.n / 2
        eigenvalues = np.linalg.eigvalsh(information)
        if eigenvalues[0] <= 1e-10 * max(eigenvalues[-1], 1.0):
            raise PathModelError(
                "the model is not identified: the information matrix is singular, so standard "
                "errors cannot be computed. Some parameters can trade off against each other; "
                "fix a loading or a variance, or drop a path or covariance."
            )
        return np.linalg.inv(information)

    # --- lavaan's outputs ---------------------------------------------------------------------

    def parameter_estimates(self) -> pd.DataFrame:
        """Like lavaan's ``parameterEstimates(fit, standardized = TRUE)``.

        Columns lhs, op, rhs, est, se, z, pvalue, ci_lower, ci_upper (95%, est ± 1.96 se) and
        std_all. Fixed parameters (a loading fixed to 1, the fixed-x variances, a covariance
        fixed to 0) are listed too, as lavaan lists them: se 0, no z or p, CI = est.
        """
        se = dict(zip(self._free_names, np.sqrt(np.diag(self.vcov)), strict=True))
        rows = [
            {"lhs": lhs, "op": op, "rhs": rhs, "est": est, "se": se.get(name, 0.0)}
            for name, lhs, op, rhs, est in self._parameter_locations()
        ]
        table = pd.DataFrame(rows)
        free = table["se"] > 0
        table["z"] = (table["est"] / table["se"]).where(free)
        table["pvalue"] = 2 * stats.norm.sf(table["z"].abs())
        half_width = stats.norm.ppf(1 - ALPHA / 2) * table["se"]
        table["ci_lower"] = table["est"] - half_width
        table["ci_upper"] = table["est"] + half_width
        table["std_all"] = [
            self._standardize(lhs, op, rhs, est)
            for lhs, op, rhs, est in table[["lhs", "op", "rhs", "est"]].itertuples(index=False)
        ]
        numbers = ["est", "se", "z", "pvalue", "ci_lower", "ci_upper", "std_all"]
        return table.astype(dict.fromkeys(numbers, "float64"))

    def r_squared(self) -> pd.Series:
        """R² of every endogenous variable: 1 - residual variance / implied variance.

        As lavaan's ``inspect(fit, "r2")``: indicators and latent outcomes included, and NaN
        where a negative residual variance (a Heywood case) would make R² exceed 1.
        """
        endogenous = [v for v in self._all_variables if v in self.model.vars["endogenous"]]
        values = [1 - self._residual_variance(v) / self._total_variance(v) for v in endogenous]
        r2 = pd.Series(values, index=pd.Index(endogenous, name="variable"), name="r2")
        return r2.where(r2 <= 1)

    def model_tests(self) -> pd.DataFrame:
        """Chi-square tests of the user model and lavaan's baseline model (Table 2's content).

        The baseline model frees only the variances, except that with ``fixed.x`` the covariances
        among the observed exogenous variables stay at their sample values (as in lavaan).
        """
        rows = [
            ("User Model", self.chisq, self.df),
            ("Baseline Model", self.baseline_chisq, self.baseline_df),
        ]
        table = pd.DataFrame(rows, columns=["model", "chisq", "df"])
        table["pvalue"] = stats.chi2.sf(table["chisq"], table["df"])
        return table

    def fit_measures(self) -> pd.Series:
        """lavaan's ``fitMeasures()``: index names are ours, ``LAVAAN_NAMES`` gives lavaan's.

        Every convention is lavaan's: chisq = N · F_ML (N, not N - 1); df and npar leave out
        the fixed-x (co)variances; the baseline keeps the fixed-x covariances; CFI is kept
        within [0, 1], TLI and RNI are not; loglik is conditional on the exogenous x, so
        AIC = -2 loglik + 2 npar, BIC = -2 loglik + npar log N and sabic (lavaan's "bic2") =
        -2 loglik + npar log((N + 2) / 24); RMSEA divides by N, its CI is 90% and
        rmsea_pvalue tests RMSEA ≤ .05; srmr is Bentler's; gfi and agfi weight the residuals.
        """
        measures = {
            "chisq": self.chisq,
            "df": self.df,
            "pvalue": stats.chi2.sf(self.chisq, self.df) if self.df > 0 else np.nan,
            "baseline_chisq": self.baseline_chisq,
            "baseline_df": self.baseline_df,
            "baseline_pvalue": stats.chi2.sf(self.baseline_chisq, self.baseline_df),
            **incremental_fit(self.chisq, self.df, self.baseline_chisq, self.baseline_df),
            **self._information_criteria(),
            **rmsea_measures(self.chisq, self.df, self.n),
            "srmr": self.srmr,
            **self._gfi(),
            "ntotal": self.n,
        }
        return pd.Series({name: float(measures[name]) for name in LAVAAN_NAMES}, name="value")

    def residual_correlations(self) -> pd.DataFrame:
        """Observed minus implied correlations, as lavaan's ``residuals(fit, type = "cor")``."""
        residual = _cov_to_cor(self.sample_cov) - _cov_to_cor(self.implied_cov)
        return pd.DataFrame(residual, index=self.observed, columns=self.observed)

    # --- chi-square statistics ----------------------------------------------------------------

    @property
    def chisq(self) -> float:
        """N times the ML discrepancy (lavaan: 2 N F_ML with F_ML = ½ of the one below)."""
        return self.n * ml_discrepancy(self.sample_cov, self.implied_cov)

    @property
    def baseline_cov(self) -> np.ndarray:
        """Implied covariance of lavaan's baseline: variances only, plus the fixed-x block."""
        baseline = np.diag(np.diag(self.sample_cov))
        x = [self.observed.index(v) for v in self.fixed_x]
        baseline[np.ix_(x, x)] = self.sample_cov[np.ix_(x, x)]
        return baseline

    @property
    def baseline_chisq(self) -> float:
        return self.n * ml_discrepancy(self.sample_cov, self.baseline_cov)

    @property
    def baseline_df(self) -> int:
        return self.df + self.npar - (len(self.observed) - len(self.fixed_x))

    # --- further fit measures -----------------------------------------------------------------

    def _information_criteria(self) -> dict[str, float]:
        """Log-likelihoods and AIC/BIC; with fixed.x, lavaan conditions on the exogenous x."""
        loglik = self._loglik(self.implied_cov)
        n, k = self.n, self.npar
        return {
            "loglik": loglik,
            "unrestricted_loglik": self._loglik(self.sample_cov),
            "npar": k,
            "aic": -2 * loglik + 2 * k,
            "bic": -2 * loglik + k * np.log(n),
            "sabic": -2 * loglik + k * np.log((n + 2) / 24),
        }

    def _loglik(self, sigma: np.ndarray) -> float:
        joint = normal_loglik(self.sample_cov, sigma, self.n)
        x = [self.observed.index(v) for v in self.fixed_x]
        if not x:
            return joint
        s_xx = self.sample_cov[np.ix_(x, x)]
        return joint - normal_loglik(s_xx, s_xx, self.n)

    @property
    def srmr(self) -> float:
        """lavaan's "srmr" (Bentler's): root mean square of the standardized covariance residuals.

        Residuals are divided by the observed SDs, over the lower triangle with the diagonal.
        """
        sd = np.sqrt(np.diag(self.sample_cov))
        standardized = (self.sample_cov - self.implied_cov) / np.outer(sd, sd)
        lower = standardized[np.tril_indices(len(sd))]
        return float(np.sqrt(np.mean(lower**2)))

    def _gfi(self) -> dict[str, float]:
        """lavaan's GFI: 1 - e'We / s'Ws, with e = vech(S - Σ), W the normal-theory weight at Σ.

        With fixed.x the rows of W that belong to the exogenous block are zero.
        AGFI = 1 - (number of moments / df) (1 - GFI), moments counted with the fixed-x block.
        """
        p = len(self.observed)
        rows, cols = np.tril_indices(p)
        weight = _normal_weight(self.implied_cov, rows, cols)
        x = {self.observed.index(v) for v in self.fixed_x}
        in_x = np.array([r in x and c in x for r, c in zip(rows, cols)])
        weight[in_x, :] = 0
        weight[:, in_x] = 0
        s = self.sample_cov[rows, cols]
        e = s - self.implied_cov[rows, cols]
        gfi = 1 - (e @ weight @ e) / (s @ weight @ s)
        nel = len(s)
        agfi = 1 - nel / self.df * (1 - gfi) if self.df > 0 else 1.0
        return {"gfi": gfi, "agfi": agfi}

    # --- parameters and standardization -------------------------------------------------------

    @property
    def _free_names(self) -> list[str]:
        return [name for name, param in self.model.parameters.items() if param.active]

    @property
    def _matrices(self) -> list[tuple[str, np.ndarray, list[str], list[str]]]:
        m = self.model
        return [
            ("beta", m.mx_beta, *m.names_beta),
            ("lambda", m.mx_lambda, *m.names_lambda),
            ("psi", m.mx_psi, *m.names_psi),
            ("theta", m.mx_theta, *m.names_theta),
        ]

    def _parameter_locations(self):
        """(name, lhs, op, rhs, estimate) for every parameter semopy holds, free or fixed."""
        for name, param in self.model.parameters.items():
            for location in param.locations:
                kind, matrix, rows, cols = next(
                    entry for entry in self._matrices if entry[1] is location.matrix
                )
                i, j = location.indices
                est = float(matrix[i, j])
                if kind == "beta":
                    yield name, rows[i], "~", cols[j], est
                elif kind == "lambda":
                    yield name, cols[j], "=~", rows[i], est
                else:
                    yield name, rows[i], "~~", cols[j], est

    @cached_property
    def _inner_cov(self) -> np.ndarray:
        """Implied covariance of the structural variables: (I - B)⁻¹ Ψ (I - B)⁻ᵀ."""
        _, (_, c) = self.model.calc_sigma()
        return c @ self.model.mx_psi @ c.T

    @property
    def _all_variables(self) -> list[str]:
        latent = sorted(self.model.vars["latent"])
        return latent + self.observed

    def _total_variance(self, variable: str) -> float:
        if variable in self.observed:
            i = self.observed.index(variable)
            return float(self.implied_cov[i, i])
        i = self.model.names_psi[0].index(variable)
        return float(self._inner_cov[i, i])

    def _residual_variance(self, variable: str) -> float:
        theta_names = self.model.names_theta[0]
        psi_names = self.model.names_psi[0]
        if variable in self.model.vars["_output"]:
            i = theta_names.index(variable)
            return float(self.model.mx_theta[i, i])
        i = psi_names.index(variable)
        return float(self.model.mx_psi[i, i])

    def _standardize(self, lhs: str, op: str, rhs: str, est: float) -> float:
        """lavaan's std.all: every variable scaled to unit (implied) variance.

        A residual covariance is divided by the residual SDs, so it becomes a residual
        correlation; a (residual) variance is divided by the total variance.
        """
        sd_lhs, sd_rhs = np.sqrt(self._total_variance(lhs)), np.sqrt(self._total_variance(rhs))
        if op == "~":
            return est * sd_rhs / sd_lhs
        if op == "=~":
            return est * sd_lhs / sd_rhs
        if lhs == rhs:
            return est / self._total_variance(lhs)
        residual_sds = np.sqrt(self._residual_variance(lhs) * self._residual_variance(rhs))
        return est / residual_sds if residual_sds > 0 else np.nan


# ---------------------------------------------------------------------------------------------
# Formulas (lavaan's), usable on their own
# ---------------------------------------------------------------------------------------------


def ml_discrepancy(sample_cov: np.ndarray, implied_cov: np.ndarray) -> float:
    """F = log|Σ| - log|S| + tr(S Σ⁻¹) - p; the chi-square is N · F (lavaan, normal likelihood)."""
    p = sample_cov.shape[0]
    _, logdet_implied = np.linalg.slogdet(implied_cov)
    _, logdet_sample = np.linalg.slogdet(sample_cov)
    trace = np.trace(np.linalg.solve(implied_cov, sample_cov))
    return float(logdet_implied - logdet_sample + trace - p)


def normal_loglik(sample_cov: np.ndarray, implied_cov: np.ndarray, n: int) -> float:
    """Multivariate normal log-likelihood of N cases (means saturated) from sample statistics."""
    p = sample_cov.shape[0]
    _, logdet = np.linalg.slogdet(implied_cov)
    trace = np.trace(np.linalg.solve(implied_cov, sample_cov))
    return float(-n / 2 * (p * np.log(2 * np.pi) + logdet + trace))


def incremental_fit(chisq: float, df: float, base_chisq: float, base_df: float) -> dict[str, float]:
    """CFI, TLI, RNI and NFI as lavaan computes them: CFI is kept within [0, 1], TLI and RNI
    are not (they can exceed 1 when the chi-square is below its df)."""
    excess, base_excess = chisq - df, base_chisq - base_df
    denominator = max(excess, base_excess, 0.0)
    cfi = 1.0 if np.isclose(denominator, 0.0) else 1 - max(excess, 0.0) / denominator
    tli = 1 - (excess * base_df) / (base_excess * df) if df > 0 and base_excess != 0 else 1.0
    rni = 1 - excess / base_excess if not np.isclose(base_excess, 0.0) else np.nan
    if df > base_df:
        nfi = np.nan
    else:
        nfi = (base_chisq - chisq) / base_chisq if df > 0 else 1.0
    return {"cfi": cfi, "tli": tli, "rni": rni, "nfi": nfi}


def rmsea_measures(
    chisq: float, df: float, n: int, level: float = 0.90, close: float = 0.05
) -> dict[str, float]:
    """RMSEA with lavaan's N (not N - 1), its 90% CI and the test of close fit (H0: RMSEA ≤ .05).

    The CI inverts the noncentral chi-square: the noncentrality λ whose distribution puts the
    observed chi-square at the 95th (lower bound) or 5th (upper bound) percentile;
    RMSEA = sqrt(λ / (N df)).
    """
    if df <= 0:
        return {"rmsea": 0.0, "rmsea_ci_lower": 0.0, "rmsea_ci_upper": 0.0, "rmsea_pvalue": np.nan}
    rmsea = np.sqrt(max(chisq / n / df - 1 / n, 0.0))

    def cdf_at(ncp: float) -> float:
        return stats.chi2.cdf(chisq, df) if ncp == 0 else stats.ncx2.cdf(chisq, df, ncp)

    def bound(percentile: float, upper_end: float) -> float:
        if df < 1 or cdf_at(0.0) < percentile or cdf_at(upper_end) > percentile:
            return 0.0
        ncp = optimize.brentq(lambda lam: cdf_at(lam) - percentile, 0.0, upper_end, xtol=1e-12)
        return np.sqrt(ncp / (n * df))

    tail = (1 - level) / 2
    lower = bound(1 - tail, chisq)
    upper = bound(tail, max(n, 4 * chisq))
    p_close = stats.ncx2.sf(chisq, df, n * df * close**2)
    return {
        "rmsea": rmsea,
        "rmsea_ci_lower": lower,
        "rmsea_ci_upper": upper,
        "rmsea_pvalue": p_close,
    }


def _normal_weight(sigma: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Normal-theory weight for vech moments: ½ Dᵀ (Σ⁻¹ ⊗ Σ⁻¹) D (lavaan's expected h1 info)."""
    inv = np.linalg.inv(sigma)
    p = sigma.shape[0]
    duplication = np.zeros((p * p, len(rows)))
    for k, (r, c) in enumerate(zip(rows, cols)):
        duplication[r * p + c, k] = 1
        duplication[c * p + r, k] = 1
    return 0.5 * duplication.T @ np.kron(inv, inv) @ duplication


def _cov_to_cor(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd)


# ---------------------------------------------------------------------------------------------
# The paper's tables
# ---------------------------------------------------------------------------------------------

# Published measure name (data/published) -> our fit measure name.
TABLE3_MEASURES = {
    "aic": "aic",
    "bic": "bic",
    "adjusted_bic": "sabic",
    "srmr": "srmr",
    "rmsea": "rmsea",
    "rmsea_ci_lower": "rmsea_ci_lower",
    "rmsea_ci_upper": "rmsea_ci_upper",
    "rmsea_p": "rmsea_pvalue",
}
TABLE4_MEASURES = {"cfi": "cfi", "tli": "tli", "rni": "rni", "gfi": "gfi", "adjusted_gfi": "agfi"}

MATCHES = "matches at reported precision"
DIFFERS = "differs"


def table2_model_tests(fit: PathModelFit) -> pd.DataFrame:
    """Table 2: chi-square, df and p of the user model and the baseline model."""
    return fit.model_tests().rename(columns={"chisq": "chi_square", "pvalue": "p"})


def table3_fit_indices(fit: PathModelFit) -> pd.DataFrame:
    """Table 3: AIC, BIC, adjusted BIC, SRMR, RMSEA, its CI and p, in the paper's order.

    The RMSEA interval is lavaan's (and jamovi's) 90% interval; the paper's heading says 95%.
    """
    return _fit_index_table(fit, published.table3(), TABLE3_MEASURES)


def table4_fit_indices(fit: PathModelFit) -> pd.DataFrame:
    """Table 4: CFI, TLI, RNI, GFI and adjusted GFI (lavaan's GFI/AGFI), in the paper's order."""
    return _fit_index_table(fit, published.table4(), TABLE4_MEASURES)


def _fit_index_table(fit: PathModelFit, paper: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    measures = fit.fit_measures()
    rows = [
        {"measure": m, "lavaan_name": LAVAAN_NAMES[names[m]], "value": measures[names[m]]}
        for m in paper["measure"]
    ]
    return pd.DataFrame(rows)


def table5_paths(fit: PathModelFit, alpha: float = ALPHA) -> pd.DataFrame:
    """Table 5: each hypothesis with its standardized path (β = lavaan's std.all), p, decision.

    A hypothesis is "Supported" when its path's two-sided p is below ``alpha`` (.05).
    """
    estimates = fit.parameter_estimates()
    regressions = estimates[estimates["op"] == "~"].set_index(["rhs", "lhs"])
    rows = []
    for hypothesis in paper_model.HYPOTHESES:
        path = regressions.loc[(hypothesis.predictor, hypothesis.outcome)]
        rows.append(
            {
                "hypothesis": hypothesis.code,
                "path": _short_path(hypothesis.predictor, hypothesis.outcome),
                "predictor": hypothesis.predictor,
                "outcome": hypothesis.outcome,
                "beta": path["std_all"],
                "b": path["est"],
                "se": path["se"],
                "p": path["pvalue"],
                "decision": "Supported" if path["pvalue"] < alpha else "Not supported",
            }
        )
    return pd.DataFrame(rows)


def _short_path(predictor: str, outcome: str) -> str:
    abbreviation = {c.key: c.abbreviation for c in ins.CONSTRUCTS}
    return f"{abbreviation[predictor]} → {abbreviation[outcome]}"


def compare_with_published(fit: PathModelFit) -> pd.DataFrame:
    """Every number of Tables 2-5 beside the published one, with difference and verdict.

    The verdict is "matches at reported precision" when the reproduced number, rounded to as
    many decimals as the paper prints, equals the published number; otherwise "differs".
    """
    parts = [
        ("Table 2", table2_model_tests(fit), published.table2(), "table2_model_tests", "model",
         {"chi_square": "chi_square", "df": "df", "p": "p"}),
        ("Table 3", table3_fit_indices(fit), published.table3(), "table3_fit_indices", "measure",
         {"value": "value"}),
        ("Table 4", table4_fit_indices(fit), published.table4(), "table4_fit_indices", "measure",
         {"value": "value"}),
        ("Table 5", table5_paths(fit), published.table5(), "table5_paths", "hypothesis",
         {"beta": "beta", "p": "p_value"}),
    ]  # fmt: skip
    table = pd.DataFrame([row for part in parts for row in _side_by_side(*part)])
    table["difference"] = table["reproduced"] - table["published"]
    table["verdict"] = [
        verdict(r, p, d) for r, p, d in table[["reproduced", "published", "decimals"]].itertuples(index=False)
    ]
    return table


def verdict(reproduced: float, published_value: float, decimals: int) -> str:
    """MATCHES if ``reproduced`` rounded to the paper's ``decimals`` is the published number."""
    same = abs(round(reproduced, decimals) - published_value) < 1e-9
    return MATCHES if same else DIFFERS


def _side_by_side(
    label: str,
    ours: pd.DataFrame,
    paper: pd.DataFrame,
    file: str,
    key: str,
    columns: dict[str, str],
) -> list[dict]:
    """One row per published number; ``columns`` maps our column to the published one."""
    ours, paper = ours.set_index(key), paper.set_index(key)
    printed = published.as_printed(file).set_index(key)
    rows = []
    for item in paper.index:
        for our_column, paper_column in columns.items():
            rows.append(
                {
                    "table": label,
                    "quantity": item if our_column == "value" else f"{item}: {our_column}",
                    "reproduced": float(ours.loc[item, our_column]),
                    "published": float(paper.loc[item, paper_column]),
                    "decimals": published.printed_decimals(printed.loc[item, paper_column]),
                }
            )
    return rows
