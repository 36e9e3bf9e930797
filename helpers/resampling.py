"""Beyond the paper: how sure can we be? Bootstrap, robust standard errors, Bollen-Stine, model
comparison and modification indices for the paper's path model.

The paper's model is recursive and all its variables are observed, so its ML estimates are
equation-by-equation least squares (``helpers.model.closed_form_fit``). That turns the bootstrap
into array arithmetic: draw an index matrix of resampled firms from one seeded Generator, build
the ML covariance matrix of every resample at once (``covariance_stack``, an ``einsum``), and fit
the whole stack in one call. ``bootstrap_paths`` does this and returns the draws of every path
(B and standardized beta), every R² and every indirect effect the model implies; its
``summary()`` gives percentile and bias-corrected (BC) 95% intervals and the bootstrap SE next to
the point estimate. The draws equal what a refit of each resample with semopy gives
(tests/test_resampling.py checks this draw by draw).

Conventions (all as R lavaan 0.6 with ``sem()`` defaults, checked against lavaan in the tests):

* Percentile and BC intervals use lavaan's rule for picking order statistics (the ``boot``
  package's ``norm.inter``: position (R + 1) alpha, interpolated on the normal scale), and BC is
  lavaan's ``boot.ci.type = "bca.simple"`` (bias correction, no acceleration). The bootstrap SE
  is the SD of the draws with R in the denominator, as lavaan computes it.
* ``standard_errors`` puts the ML standard errors (inverse expected information, lavaan's
  default) next to the robust (Huber-White sandwich) ones of ``se = "robust.huber.white"``,
  which are also the MLR standard errors: bread = observed information (the Hessian of the ML
  fit function; lavaan's default for robust SEs), meat = mean outer product of the casewise
  scores at the model-implied covariance, with ``fixed.x = TRUE`` (the exogenous variance is
  not a parameter). ``robust_information="expected"`` gives lavaan's
  ``information = "expected"`` variant.
* ``bollen_stine`` rotates the data so that their covariance is exactly the model-implied one
  (Bollen & Stine, 1992), bootstraps the chi-square of the rotated data and reports the share of
  bootstrap chi-squares at least as large as the observed one.
* ``modification_indices`` is lavaan's ``modindices()`` (a univariate score test for each
  regression the model fixes to zero) plus the same test for residual covariances fixed to zero,
  which lavaan's ``modindices()`` does not list for a model of observed variables but
  ``lavTestScore(fit, add = ...)`` computes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from tqdm import tqdm

from helpers import instrument as ins
from helpers import model, published, settings

LEVEL = 0.95
# Resamples fitted per vectorized batch (5000 resamples of 190 firms take about 20 MB).
CHUNK_SIZE = 5000
# A progress bar appears (outside notebooks) only for jobs of at least this many batches.
PROGRESS_MIN_CHUNKS = 2

KIND_PATH = "path"
KIND_R2 = "R²"
KIND_INDIRECT = "indirect"
KIND_TOTAL_INDIRECT = "total indirect"
KIND_TOTAL = "total"
SCALE_B = "B"
SCALE_BETA = "β"
SCALE_R2 = "R²"

MODEL_NAMES = {
    "paper": (True, False),
    "orthogonal": (False, False),
    "direct": (True, True),
    "direct_orthogonal": (False, True),
}
MODEL_DESCRIPTIONS = {
    "paper": "the paper's model (outcome residuals correlated)",
    "orthogonal": "outcome residuals uncorrelated",
    "direct": "direct paths PCDP → outcomes added",
    "direct_orthogonal": "direct paths added, outcome residuals uncorrelated",
}
# (restricted, full): each restricted model fixes three parameters of the full one to zero.
NESTED_PAIRS = (
    ("orthogonal", "paper"),
    ("paper", "direct"),
    ("direct_orthogonal", "direct"),
    ("orthogonal", "direct_orthogonal"),
)


def _abbreviation(key: str) -> str:
    return ins.construct(key).abbreviation


def _index(key: str) -> int:
    return model.VARIABLES.index(key)


def _in_notebook() -> bool:
    return "ipykernel" in sys.modules


def _show_progress(progress: bool | None, chunks: int) -> bool:
    """``None`` means: a bar only outside notebooks and only when the job has several batches.

    Inside a notebook the bar is always off unless asked for, so that no timing ever lands in a
    stored output (strict nbval compares every output).
    """
    if progress is None:
        return not _in_notebook() and chunks >= PROGRESS_MIN_CHUNKS
    return bool(progress)


def _values(scores: pd.DataFrame) -> np.ndarray:
    missing = [v for v in model.VARIABLES if v not in scores.columns]
    if missing:
        raise KeyError(f"the scores have no column(s) {', '.join(missing)} (use survey.score_constructs)")
    values = np.asarray(scores[list(model.VARIABLES)], dtype=float)
    if np.isnan(values).any():
        raise ValueError("the scores have missing values; drop incomplete firms first")
    return values


# ---------------------------------------------------------------------------------------------
# Resampling and the covariance stack
# ---------------------------------------------------------------------------------------------


def resample_indices(n: int, n_resamples: int, seed: int = settings.SEED) -> np.ndarray:
    """Row numbers of ``n_resamples`` bootstrap samples of ``n`` firms (with replacement).

    One seeded Generator draws the whole ``(n_resamples, n)`` matrix, so resample ``r`` is
    always the same firms for a given seed, however the work is split afterwards.
    """
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(n_resamples, n))


def _counts(indices: np.ndarray, n: int) -> np.ndarray:
    """How often each firm appears in each resample: ``(resamples, n)``."""
    rows = indices.shape[0]
    offsets = (np.arange(rows) * n)[:, None]
    flat = np.bincount((indices + offsets).ravel(), minlength=rows * n)
    return flat.reshape(rows, n).astype(float)


def covariance_stack(values: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """ML covariance matrices (divided by the resample size) of every resample at once.

    ``values`` is ``(n, p)``, ``indices`` is ``(resamples, m)``; the result is
    ``(resamples, p, p)``. A resample's covariance only depends on how often each firm is drawn,
    so with counts c (resamples × n) and the firms' centred cross-products x xᵀ it is
    ``einsum("rn,nij->rij", c, x xᵀ) / m`` minus the outer product of the resample means.
    """
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    size = indices.shape[1]
    centred = values - values.mean(axis=0)  # centring first keeps the subtraction below exact
    counts = _counts(indices, n)
    cross = np.einsum("ni,nj->nij", centred, centred)
    second = np.einsum("rn,nij->rij", counts, cross, optimize=True) / size
    mean = counts @ centred / size
    return second - mean[:, :, None] * mean[:, None, :]


# ---------------------------------------------------------------------------------------------
# Every quantity the model implies: paths, R², indirect effects
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """One bootstrapped quantity. ``mediator`` is set for specific indirect effects."""

    kind: str
    effect: str
    scale: str
    outcome: str
    predictor: str | None = None
    mediator: str | None = None
    hypothesis: str | None = None


def quantities(direct_paths: bool = False) -> list[Quantity]:
    """The quantities ``bootstrap_paths`` reports, in the order of its tables.

    Paths (B and β, in the order of Table 5, then any direct paths), R² of each endogenous
    variable, the specific indirect effects PCDP → mediator → outcome, the total indirect effect
    of PCDP on each outcome (the sum over both mediators) and, when direct paths are in the
    model, the total effect (direct + total indirect).
    """
    listed = [(h.predictor, h.outcome, h.code) for h in model.HYPOTHESES]
    direct = [
        (x, y, None)
        for y, xs in model.equations(direct_paths).items()
        for x in xs
        if (x, y) not in {(h.predictor, h.outcome) for h in model.HYPOTHESES}
    ]
    result: list[Quantity] = []
    for predictor, outcome, code in listed + direct:
        effect = f"{_abbreviation(predictor)} → {_abbreviation(outcome)}"
        for scale in (SCALE_B, SCALE_BETA):
            result.append(Quantity(KIND_PATH, effect, scale, outcome, predictor, None, code))
    for outcome in model.equations(direct_paths):
        result.append(Quantity(KIND_R2, _abbreviation(outcome), SCALE_R2, outcome))
    source = model.EXOGENOUS[0]
    for outcome in model.OUTCOMES:
        for mediator in model.MEDIATORS:
            effect = f"{_abbreviation(source)} → {_abbreviation(mediator)} → {_abbreviation(outcome)}"
            for scale in (SCALE_B, SCALE_BETA):
                result.append(Quantity(KIND_INDIRECT, effect, scale, outcome, source, mediator))
    via = " + ".join(_abbreviation(m) for m in model.MEDIATORS)
    for outcome in model.OUTCOMES:
        effect = f"{_abbreviation(source)} → {_abbreviation(outcome)} via {via}"
        for scale in (SCALE_B, SCALE_BETA):
            result.append(Quantity(KIND_TOTAL_INDIRECT, effect, scale, outcome, source))
    if direct_paths:
        for outcome in model.OUTCOMES:
            effect = f"{_abbreviation(source)} → {_abbreviation(outcome)} (total)"
            for scale in (SCALE_B, SCALE_BETA):
                result.append(Quantity(KIND_TOTAL, effect, scale, outcome, source))
    return result


def quantity_index(direct_paths: bool = False) -> pd.MultiIndex:
    """(kind, effect, scale) for every quantity: the rows of ``summary()``, columns of ``draws``."""
    return pd.MultiIndex.from_tuples(
        [(q.kind, q.effect, q.scale) for q in quantities(direct_paths)], names=["kind", "effect", "scale"]
    )


def evaluate_quantities(fit: model.ClosedFormFit, direct_paths: bool = False) -> np.ndarray:
    """All quantities of ``quantities(direct_paths)`` for a (stack of) closed-form fit(s).

    Returns an array ``(..., number of quantities)``. Standardized indirect effects are products
    of standardized paths, which is how lavaan standardizes a defined parameter a*b.
    """
    raw = fit.coefficients
    std = fit.standardized()
    r2 = fit.r_squared()
    p = raw.shape[-1]
    eye = np.eye(p)
    total = {SCALE_B: np.linalg.inv(eye - raw) - eye, SCALE_BETA: np.linalg.inv(eye - std) - eye}
    matrices = {SCALE_B: raw, SCALE_BETA: std}
    columns = []
    for q in quantities(direct_paths):
        y = _index(q.outcome)
        if q.kind == KIND_PATH:
            columns.append(matrices[q.scale][..., y, _index(q.predictor)])
        elif q.kind == KIND_R2:
            columns.append(r2[..., y])
        elif q.kind == KIND_INDIRECT:
            m, x = _index(q.mediator), _index(q.predictor)
            b = matrices[q.scale]
            columns.append(b[..., m, x] * b[..., y, m])
        elif q.kind == KIND_TOTAL_INDIRECT:
            x = _index(q.predictor)
            columns.append(total[q.scale][..., y, x] - matrices[q.scale][..., y, x])
        else:  # total effect
            columns.append(total[q.scale][..., y, _index(q.predictor)])
    return np.stack(columns, axis=-1)


# ---------------------------------------------------------------------------------------------
# Bootstrap intervals (lavaan's conventions)
# ---------------------------------------------------------------------------------------------


def _normal_interpolated_quantile(sorted_draws: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The ``boot`` package's ``norm.inter`` (used by lavaan): the order statistic at position
    (R + 1) alpha, interpolated between neighbours on the normal-quantile scale.

    ``sorted_draws`` is ``(R, q)`` sorted along axis 0; ``alpha`` is ``(k, q)``. Returns ``(k, q)``.
    """
    r = sorted_draws.shape[0]
    rk = (r + 1) * alpha
    k = np.trunc(rk).astype(int)
    exact = k == rk
    lower_index = np.clip(k - 1, 0, r - 1)
    upper_index = np.clip(k, 0, r - 1)
    columns = np.arange(sorted_draws.shape[1])[None, :]
    tk = sorted_draws[lower_index, columns]
    tk1 = sorted_draws[upper_index, columns]
    with np.errstate(divide="ignore", invalid="ignore"):
        z_alpha = stats.norm.ppf(alpha)
        z_k = stats.norm.ppf(k / (r + 1))
        z_k1 = stats.norm.ppf((k + 1) / (r + 1))
        interpolated = tk + (z_alpha - z_k) / (z_k1 - z_k) * (tk1 - tk)
    out = np.where(exact, tk, interpolated)
    out = np.where(k <= 0, sorted_draws[0][None, :], out)
    out = np.where(k >= r, sorted_draws[-1][None, :], out)
    return out


def _alphas(level: float) -> np.ndarray:
    # the same floating-point operations as lavaan: (1 + c(-level, level)) / 2
    return (1 + np.array([-level, level])) / 2


def percentile_interval(draws: np.ndarray, level: float = LEVEL) -> np.ndarray:
    """Percentile interval of each column of ``draws`` ``(R, q)``: array ``(2, q)`` (lower, upper)."""
    draws = np.asarray(draws, dtype=float)
    draws = draws.reshape(len(draws), -1)
    alpha = np.repeat(_alphas(level)[:, None], draws.shape[1], axis=1)
    return _normal_interpolated_quantile(np.sort(draws, axis=0), alpha)


def bias_corrected_interval(draws: np.ndarray, estimate: np.ndarray, level: float = LEVEL) -> np.ndarray:
    """Bias-corrected percentile interval (lavaan's ``"bca.simple"``): array ``(2, q)``.

    The share of draws below the estimate gives the bias z0 = Φ⁻¹(share); the interval takes
    the draws' quantiles at Φ(2 z0 ± z_(1-α/2)) instead of α/2 and 1 - α/2.
    """
    draws = np.asarray(draws, dtype=float)
    draws = draws.reshape(len(draws), -1)
    estimate = np.asarray(estimate, dtype=float).reshape(-1)
    share = np.mean(draws < estimate[None, :], axis=0)
    with np.errstate(divide="ignore"):
        z0 = stats.norm.ppf(share)
    z_alpha = stats.norm.ppf(_alphas(level))
    alpha = stats.norm.cdf(2 * z0[None, :] + z_alpha[:, None])
    return _normal_interpolated_quantile(np.sort(draws, axis=0), alpha)


# ---------------------------------------------------------------------------------------------
# The bootstrap
# ---------------------------------------------------------------------------------------------


@dataclass
class BootstrapResult:
    """Draws and point estimates of every quantity (see ``quantities``)."""

    estimates: pd.Series
    draws: pd.DataFrame
    indices: np.ndarray = field(repr=False)
    seed: int
    correlated_outcomes: bool
    direct_paths: bool
    chi_squares: np.ndarray = field(repr=False)

    @property
    def n_resamples(self) -> int:
        return len(self.draws)

    def summary(self, level: float = LEVEL) -> pd.DataFrame:
        """Estimate, bootstrap SE, percentile and BC intervals, one row per quantity.

        ``excludes_zero`` says whether the BC interval lies on one side of zero (for R² it is
        not a test and is left empty).
        """
        draws = self.draws.to_numpy()
        estimate = self.estimates.to_numpy()
        percentile = percentile_interval(draws, level)
        bc = bias_corrected_interval(draws, estimate, level)
        table = pd.DataFrame(
            {
                "estimate": estimate,
                "boot_se": draws.std(axis=0),  # lavaan: R in the denominator
                "boot_mean": draws.mean(axis=0),
                "pct_lower": percentile[0],
                "pct_upper": percentile[1],
                "bc_lower": bc[0],
                "bc_upper": bc[1],
            },
            index=self.estimates.index,
        )
        table["boot_bias"] = table["boot_mean"] - table["estimate"]
        excludes = ((table["bc_lower"] > 0) | (table["bc_upper"] < 0)).astype(object)
        excludes[table.index.get_level_values("kind") == KIND_R2] = None
        table["excludes_zero"] = excludes
        return table[
            [
                "estimate",
                "boot_se",
                "boot_bias",
                "pct_lower",
                "pct_upper",
                "bc_lower",
                "bc_upper",
                "excludes_zero",
            ]
        ]


def bootstrap_paths(
    scores: pd.DataFrame,
    n_resamples: int = 5000,
    seed: int = settings.SEED,
    correlated_outcomes: bool = True,
    direct_paths: bool = False,
    progress: bool | None = None,
) -> BootstrapResult:
    """Nonparametric bootstrap of the path model: firms resampled with replacement.

    Every resample is fitted by the closed-form ML solution, all at once. Returns the draws of
    every path (B and β), R² and indirect effect; ``.summary()`` has the intervals.
    """
    values = _values(scores)
    n = len(values)
    fit = model.closed_form_fit(model.ml_covariance(scores), n, correlated_outcomes, direct_paths)
    estimates = pd.Series(
        evaluate_quantities(fit, direct_paths), index=quantity_index(direct_paths), name="estimate"
    )
    indices = resample_indices(n, n_resamples, seed)
    draws, chi_squares = [], []
    starts = range(0, n_resamples, CHUNK_SIZE)
    show = _show_progress(progress, len(starts))
    for start in tqdm(starts, desc="bootstrap batches", disable=not show):
        covariances = covariance_stack(values, indices[start : start + CHUNK_SIZE])
        fits = model.closed_form_fit(covariances, n, correlated_outcomes, direct_paths)
        draws.append(evaluate_quantities(fits, direct_paths))
        chi_squares.append(fits.chi_square)
    frame = pd.DataFrame(np.concatenate(draws), columns=estimates.index)
    frame.index.name = "resample"
    return BootstrapResult(
        estimates, frame, indices, seed, correlated_outcomes, direct_paths, np.concatenate(chi_squares)
    )


def refit_quantities(
    scores: pd.DataFrame,
    indices: np.ndarray,
    correlated_outcomes: bool = True,
    direct_paths: bool = False,
    progress: bool | None = None,
) -> pd.DataFrame:
    """The naive bootstrap: refit each resample with semopy (``helpers.path_model``).

    Slow (tens of milliseconds per resample); here to show what the vectorized bootstrap saves and that
    it gives the same numbers. Returns a table like ``BootstrapResult.draws``.
    """
    from helpers import path_model  # semopy is slow to import; only this function needs it

    rows = []
    show = progress if progress is not None else (not _in_notebook() and len(indices) >= 50)
    for row_numbers in tqdm(indices, desc="semopy refits", disable=not show):
        sample = scores.iloc[row_numbers].reset_index(drop=True)
        fitted = path_model.fit_path_model(sample, correlated_outcomes, direct_paths)
        rows.append(_quantities_from_estimates(fitted, direct_paths))
    frame = pd.DataFrame(rows, columns=quantity_index(direct_paths))
    frame.index.name = "resample"
    return frame


def _quantities_from_estimates(fitted, direct_paths: bool) -> list[float]:
    table = fitted.parameter_estimates()
    paths = table[table["op"] == "~"].set_index(["lhs", "rhs"])
    r2 = fitted.r_squared()
    p = len(model.VARIABLES)
    raw, std = np.zeros((p, p)), np.zeros((p, p))
    for (lhs, rhs), row in paths.iterrows():
        raw[_index(lhs), _index(rhs)] = row["est"]
        std[_index(lhs), _index(rhs)] = row["std_all"]
    matrices = {SCALE_B: raw, SCALE_BETA: std}
    eye = np.eye(p)
    values = []
    for q in quantities(direct_paths):
        y = _index(q.outcome)
        b = matrices.get(q.scale)
        if q.kind == KIND_PATH:
            values.append(b[y, _index(q.predictor)])
        elif q.kind == KIND_R2:
            values.append(float(r2[q.outcome]))
        elif q.kind == KIND_INDIRECT:
            m, x = _index(q.mediator), _index(q.predictor)
            values.append(b[m, x] * b[y, m])
        elif q.kind == KIND_TOTAL_INDIRECT:
            x = _index(q.predictor)
            values.append((np.linalg.inv(eye - b) - eye)[y, x] - b[y, x])
        else:
            values.append((np.linalg.inv(eye - b) - eye)[y, _index(q.predictor)])
    return values


# ---------------------------------------------------------------------------------------------
# Parameters, information matrices, standard errors
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """A parameter in lavaan's notation: ``lhs ~ rhs`` (a path rhs -> lhs, entry B[lhs, rhs]) or
    ``lhs ~~ rhs`` (a (residual) variance or covariance, entry Ψ[lhs, rhs])."""

    lhs: str
    op: str
    rhs: str

    @property
    def cell(self) -> tuple[int, int]:
        return _index(self.lhs), _index(self.rhs)


def model_parameters(correlated_outcomes: bool = True, direct_paths: bool = False) -> list[Parameter]:
    """The model's free parameters (with ``fixed.x``, the exogenous variance is not one):
    regressions, residual variances of the endogenous variables, outcome residual covariances."""
    params = [Parameter(y, "~", x) for y, xs in model.equations(direct_paths).items() for x in xs]
    endogenous = list(model.equations(direct_paths))
    params += [Parameter(v, "~~", v) for v in endogenous]
    if correlated_outcomes:
        params += [
            Parameter(a, "~~", b) for i, a in enumerate(model.OUTCOMES) for b in model.OUTCOMES[i + 1 :]
        ]
    return params


def _sigma_derivatives(b: np.ndarray, psi: np.ndarray, params: list[Parameter]) -> np.ndarray:
    """∂Σ/∂θ for each parameter (k, p, p), with Σ = A Ψ Aᵀ and A = (I - B)⁻¹."""
    p = b.shape[0]
    a = np.linalg.inv(np.eye(p) - b)
    sigma = a @ psi @ a.T
    out = np.zeros((len(params), p, p))
    for k, param in enumerate(params):
        i, j = param.cell
        unit = np.zeros((p, p))
        unit[i, j] = 1.0
        if param.op == "~":
            left = a @ unit @ sigma
            out[k] = left + left.T
        else:
            if i != j:
                unit[j, i] = 1.0
            out[k] = a @ unit @ a.T
    return out


def _implied(b: np.ndarray, psi: np.ndarray) -> np.ndarray:
    a = np.linalg.inv(np.eye(b.shape[0]) - b)
    return a @ psi @ a.T


def _with_values(b, psi, params, theta):
    b, psi = b.copy(), psi.copy()
    for param, value in zip(params, theta):
        i, j = param.cell
        if param.op == "~":
            b[i, j] = value
        else:
            psi[i, j] = psi[j, i] = value
    return b, psi


def _values_of(b, psi, params) -> np.ndarray:
    return np.array([b[p.cell] if p.op == "~" else psi[p.cell] for p in params])


def _gradient(s: np.ndarray, sigma: np.ndarray, derivatives: np.ndarray) -> np.ndarray:
    """∂F/∂θ of lavaan's ML fit function F = ½ [log|Σ| + tr(S Σ⁻¹) - log|S| - p]."""
    inverse = np.linalg.inv(sigma)
    middle = inverse @ (sigma - s) @ inverse
    return 0.5 * np.einsum("ij,kji->k", middle, derivatives)


def _expected_information(sigma: np.ndarray, derivatives: np.ndarray) -> np.ndarray:
    """Unit expected information ½ tr(Σ⁻¹ Σ_k Σ⁻¹ Σ_l) (lavaan's "expected", h1 structured)."""
    inverse = np.linalg.inv(sigma)
    scaled = np.einsum("ij,kjl->kil", inverse, derivatives)
    return 0.5 * np.einsum("kij,lji->kl", scaled, scaled)


def _observed_information(s, b, psi, params) -> np.ndarray:
    """Unit observed information: the Hessian of F, by Richardson differences of the analytic
    gradient (as lavaan does numerically)."""
    theta = _values_of(b, psi, params)

    def gradient(values):
        bb, pp = _with_values(b, psi, params, values)
        return _gradient(s, _implied(bb, pp), _sigma_derivatives(bb, pp, params))

    h = 1e-5
    hessian = np.zeros((len(theta), len(theta)))
    for k in range(len(theta)):
        step = np.zeros(len(theta))
        step[k] = h
        hessian[:, k] = (
            -gradient(theta + 2 * step)
            + 8 * gradient(theta + step)
            - 8 * gradient(theta - step)
            + gradient(theta - 2 * step)
        ) / (12 * h)
    return (hessian + hessian.T) / 2


def _casewise_scores(values: np.ndarray, sigma: np.ndarray, derivatives: np.ndarray) -> np.ndarray:
    """Each firm's score ½ (uᵀ Σ_k u - tr(Σ⁻¹ Σ_k)), u = Σ⁻¹ (x - x̄): (n, k)."""
    inverse = np.linalg.inv(sigma)
    u = (values - values.mean(axis=0)) @ inverse
    quadratic = np.einsum("ni,kij,nj->nk", u, derivatives, u)
    trace = np.einsum("ij,kji->k", inverse, derivatives)
    return 0.5 * (quadratic - trace[None, :])


@dataclass
class _Fitted:
    values: np.ndarray
    s: np.ndarray
    fit: model.ClosedFormFit
    params: list[Parameter]

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def b(self) -> np.ndarray:
        return self.fit.coefficients

    @property
    def psi(self) -> np.ndarray:
        return self.fit.psi

    @property
    def sigma(self) -> np.ndarray:
        return self.fit.implied


def _fitted(scores, correlated_outcomes, direct_paths) -> _Fitted:
    values = _values(scores)
    s = model.ml_covariance(scores)
    fit = model.closed_form_fit(s, len(values), correlated_outcomes, direct_paths)
    return _Fitted(values, s, fit, model_parameters(correlated_outcomes, direct_paths))


def standard_errors(
    scores: pd.DataFrame,
    correlated_outcomes: bool = True,
    direct_paths: bool = False,
    robust_information: str = "observed",
) -> pd.DataFrame:
    """ML and robust (Huber-White sandwich) standard errors of every free parameter.

    ``se_ml``: inverse expected information / N (lavaan's default). ``se_robust``: lavaan's
    ``se = "robust.huber.white"`` (= the MLR standard errors): A⁻¹ B A⁻¹ / N with A the observed
    information (``robust_information="expected"`` for the expected one) and B the mean outer
    product of the casewise scores. Both with ``fixed.x = TRUE``. z and p are Wald tests.
    """
    if robust_information not in ("observed", "expected"):
        raise ValueError("robust_information must be 'observed' or 'expected'")
    fitted = _fitted(scores, correlated_outcomes, direct_paths)
    derivatives = _sigma_derivatives(fitted.b, fitted.psi, fitted.params)
    expected = _expected_information(fitted.sigma, derivatives)
    if robust_information == "observed":
        bread = _observed_information(fitted.s, fitted.b, fitted.psi, fitted.params)
    else:
        bread = expected
    casewise = _casewise_scores(fitted.values, fitted.sigma, derivatives)
    meat = casewise.T @ casewise / fitted.n
    bread_inverse = np.linalg.inv(bread)
    robust = bread_inverse @ meat @ bread_inverse / fitted.n
    ml = np.linalg.inv(expected) / fitted.n
    est = _values_of(fitted.b, fitted.psi, fitted.params)
    table = pd.DataFrame(
        {
            "lhs": [p.lhs for p in fitted.params],
            "op": [p.op for p in fitted.params],
            "rhs": [p.rhs for p in fitted.params],
            "parameter": [_describe(p) for p in fitted.params],
            "est": est,
            "se_ml": np.sqrt(np.diag(ml)),
            "se_robust": np.sqrt(np.diag(robust)),
        }
    )
    table["se_ratio"] = table["se_robust"] / table["se_ml"]
    table["z_ml"] = table["est"] / table["se_ml"]
    table["p_ml"] = 2 * stats.norm.sf(np.abs(table["z_ml"]))
    table["z_robust"] = table["est"] / table["se_robust"]
    table["p_robust"] = 2 * stats.norm.sf(np.abs(table["z_robust"]))
    return table


# ---------------------------------------------------------------------------------------------
# Bollen-Stine bootstrap of the model chi-square
# ---------------------------------------------------------------------------------------------


def _symmetric_power(matrix: np.ndarray, power: float) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * values**power) @ vectors.T


def bollen_stine_transform(
    scores: pd.DataFrame, correlated_outcomes: bool = True, direct_paths: bool = False
) -> pd.DataFrame:
    """The data rotated so that their ML covariance is exactly the model-implied Σ̂.

    Z = (X - x̄) S^(-1/2) Σ̂^(1/2) + x̄ (symmetric square roots, as lavaan). The model fits Z
    perfectly (chi-square 0) with the same estimates, while each firm keeps its own shape of
    non-normality: resampling Z shows how the chi-square varies when the model is true.
    """
    fitted = _fitted(scores, correlated_outcomes, direct_paths)
    mean = fitted.values.mean(axis=0)
    rotation = _symmetric_power(fitted.s, -0.5) @ _symmetric_power(fitted.sigma, 0.5)
    rotated = (fitted.values - mean) @ rotation + mean
    return pd.DataFrame(rotated, index=scores.index, columns=list(model.VARIABLES))


@dataclass
class BollenStineResult:
    chi_square: float
    df: int
    p_normal: float
    p_bootstrap: float
    draws: np.ndarray = field(repr=False)
    seed: int

    @property
    def n_resamples(self) -> int:
        return len(self.draws)

    def table(self) -> pd.DataFrame:
        """The observed chi-square with its normal-theory and Bollen-Stine p-values."""
        return pd.DataFrame(
            {
                "chi_square": [self.chi_square],
                "df": [self.df],
                "p_normal_theory": [self.p_normal],
                "p_bollen_stine": [self.p_bootstrap],
                "bootstrap_mean_chi_square": [float(np.mean(self.draws))],
                "resamples": [self.n_resamples],
            },
            index=pd.Index(["model chi-square"]),
        )


def bollen_stine(
    scores: pd.DataFrame,
    n_resamples: int = 5000,
    seed: int = settings.SEED,
    correlated_outcomes: bool = True,
    direct_paths: bool = False,
    progress: bool | None = None,
) -> BollenStineResult:
    """Bollen-Stine bootstrap p-value of the model chi-square.

    p = share of the bootstrap chi-squares (resamples of the rotated data, each fitted in closed
    form) that are at least as large as the observed chi-square. Compare ``p_normal``, the usual
    p from the chi-square distribution, which assumes multivariate normal data.
    """
    fitted = _fitted(scores, correlated_outcomes, direct_paths)
    observed = float(fitted.fit.chi_square)
    rotated = _values(bollen_stine_transform(scores, correlated_outcomes, direct_paths))
    n = len(rotated)
    indices = resample_indices(n, n_resamples, seed)
    draws = []
    starts = range(0, n_resamples, CHUNK_SIZE)
    for start in tqdm(starts, desc="Bollen-Stine batches", disable=not _show_progress(progress, len(starts))):
        covariances = covariance_stack(rotated, indices[start : start + CHUNK_SIZE])
        draws.append(model.closed_form_fit(covariances, n, correlated_outcomes, direct_paths).chi_square)
    chi = np.concatenate(draws)
    df = model.degrees_of_freedom(correlated_outcomes, direct_paths)
    return BollenStineResult(
        chi_square=observed,
        df=df,
        p_normal=float(stats.chi2.sf(observed, df)),
        p_bootstrap=float(np.mean(chi >= observed)),
        draws=chi,
        seed=seed,
    )


# ---------------------------------------------------------------------------------------------
# Alternative models
# ---------------------------------------------------------------------------------------------

COMPARED_MEASURES = ("npar", "chisq", "df", "pvalue", "aic", "bic", "cfi", "rmsea", "srmr")


def fit_alternatives(scores: pd.DataFrame) -> dict:
    """The four models (``MODEL_NAMES``) fitted with ``helpers.path_model`` (lavaan's statistics)."""
    from helpers import path_model

    return {
        name: path_model.fit_path_model(scores, correlated_outcomes=c, direct_paths=d)
        for name, (c, d) in MODEL_NAMES.items()
    }


def compare_models(scores: pd.DataFrame, fits: dict | None = None) -> pd.DataFrame:
    """Fit measures of the paper's model and its alternatives, lavaan's definitions.

    Lower AIC and BIC are better; BIC charges more for each extra parameter (log N instead of 2
    per parameter), so it favours simpler models.
    """
    fits = fit_alternatives(scores) if fits is None else fits
    rows = {}
    for name, fitted in fits.items():
        measures = fitted.fit_measures()
        rows[name] = {"description": MODEL_DESCRIPTIONS[name], **{m: measures[m] for m in COMPARED_MEASURES}}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "model"
    table["delta_aic"] = table["aic"] - table["aic"].min()
    table["delta_bic"] = table["bic"] - table["bic"].min()
    return table.astype({"npar": int, "df": int})


def chi_square_difference(restricted_chisq, restricted_df, full_chisq, full_df) -> dict:
    """Likelihood-ratio (chi-square difference) test of nested models, as lavaan's lavTestLRT.

    H0: the parameters the restricted model fixes are zero. Δχ² = χ²_restricted - χ²_full on
    Δdf = df_restricted - df_full degrees of freedom.
    """
    delta = float(restricted_chisq - full_chisq)
    delta_df = int(restricted_df - full_df)
    return {"chisq_diff": delta, "df_diff": delta_df, "pvalue": float(stats.chi2.sf(delta, delta_df))}


def model_comparison_tests(scores: pd.DataFrame, fits: dict | None = None) -> pd.DataFrame:
    """Chi-square difference tests for each nested pair of ``NESTED_PAIRS``, with ΔAIC and ΔBIC
    (restricted minus full: positive means the larger model is preferred)."""
    fits = fit_alternatives(scores) if fits is None else fits
    rows = []
    for restricted, full in NESTED_PAIRS:
        small, large = fits[restricted].fit_measures(), fits[full].fit_measures()
        test = chi_square_difference(small["chisq"], small["df"], large["chisq"], large["df"])
        rows.append(
            {
                "restricted": restricted,
                "full": full,
                "what the restricted model fixes to zero": _restriction(restricted, full),
                **test,
                "delta_aic": small["aic"] - large["aic"],
                "delta_bic": small["bic"] - large["bic"],
            }
        )
    return pd.DataFrame(rows)


def _restriction(restricted: str, full: str) -> str:
    if MODEL_NAMES[restricted][1] != MODEL_NAMES[full][1]:
        return "the three direct paths PCDP → outcomes"
    return "the three outcome residual covariances"


# ---------------------------------------------------------------------------------------------
# Modification indices
# ---------------------------------------------------------------------------------------------

# lavaan drops a candidate whose conditional information is below this (it is not identified
# next to the model's parameters, e.g. MR ~ IA when the MR-IA residual covariance is free).
_SMALL_INFORMATION = np.finfo(float).eps ** (1 / 3)


def _candidates(params: list[Parameter]) -> list[Parameter]:
    free = {(p.lhs, p.op, p.rhs) for p in params} | {(p.rhs, p.op, p.lhs) for p in params if p.op == "~~"}
    result = []
    for lhs in model.VARIABLES:
        for rhs in model.VARIABLES:
            if lhs != rhs and (lhs, "~", rhs) not in free:
                result.append(Parameter(lhs, "~", rhs))
    endogenous = [v for v in model.VARIABLES if v not in model.EXOGENOUS]
    for i, a in enumerate(endogenous):
        for b in endogenous[i + 1 :]:
            if (a, "~~", b) not in free:
                result.append(Parameter(a, "~~", b))
    return result


def modification_indices(
    scores: pd.DataFrame, correlated_outcomes: bool = True, direct_paths: bool = False
) -> pd.DataFrame:
    """Modification indices: for every regression and residual covariance the model fixes to
    zero, the score (Lagrange multiplier) test of freeing it alone.

    MI = N g² / V, with g = ∂F/∂θ at the estimates and V the expected information of the new
    parameter given the model's own (I₁₁ - I₁₂ I₂₂⁻¹ I₂₁); MI is approximately the drop in
    chi-square if the parameter were freed (chi-square with 1 df under H0). EPC = -g / V is the
    expected value of the parameter, ``sepc_all`` the same standardized (lavaan's sepc.all).
    Regressions are exactly lavaan's ``modindices()`` rows; residual covariances match
    ``lavTestScore(fit, add = "a ~~ b")``. Candidates that cannot be identified next to the
    model's parameters (V ≈ 0) are left out, as lavaan does. Sorted by MI, largest first.
    """
    fitted = _fitted(scores, correlated_outcomes, direct_paths)
    candidates = _candidates(fitted.params)
    everything = fitted.params + candidates
    derivatives = _sigma_derivatives(fitted.b, fitted.psi, everything)
    gradient = _gradient(fitted.s, fitted.sigma, derivatives)
    # With fixed.x, lavaan's expected information ignores the moments of the exogenous block
    # (their weights are zero). This matters only for candidates such as PCDP ~ MR, which would
    # change the exogenous variance.
    x = [_index(v) for v in model.EXOGENOUS]
    derivatives[:, np.ix_(x, x)[0], np.ix_(x, x)[1]] = 0.0
    information = _expected_information(fitted.sigma, derivatives)
    k = len(fitted.params)
    i22 = information[:k, :k]
    i12 = information[k:, :k]
    conditional = np.diag(information[k:, k:]) - np.einsum("ij,jk,ik->i", i12, np.linalg.inv(i22), i12)
    g = gradient[k:]
    rows = []
    sd = np.sqrt(np.diag(fitted.sigma))
    residual_sd = np.sqrt(np.diag(fitted.psi))
    for param, v, grad in zip(candidates, conditional, g):
        if v < _SMALL_INFORMATION:
            continue
        mi = fitted.n * grad**2 / v
        epc = -grad / v
        i, j = param.cell
        sepc = epc * sd[j] / sd[i] if param.op == "~" else epc / (residual_sd[i] * residual_sd[j])
        rows.append(
            {
                "lhs": param.lhs,
                "op": param.op,
                "rhs": param.rhs,
                "path": _describe(param),
                "mi": mi,
                "pvalue": stats.chi2.sf(mi, 1),
                "epc": epc,
                "sepc_all": sepc,
            }
        )
    table = pd.DataFrame(rows)
    # largest first; MIs that agree to 6 decimals (equivalent models) keep the candidates' order
    order = np.lexsort((np.arange(len(table)), -table["mi"].round(6).to_numpy()))
    return table.iloc[order].reset_index(drop=True)


def _describe(param: Parameter) -> str:
    a, b = _abbreviation(param.lhs), _abbreviation(param.rhs)
    if param.op == "~":
        return f"{b} → {a}"
    if param.lhs == param.rhs:
        return f"{a} residual variance"
    return f"{a} ↔ {b} (residuals)"


# ---------------------------------------------------------------------------------------------
# Next to the paper
# ---------------------------------------------------------------------------------------------


def table5_comparison(summary: pd.DataFrame, errors: pd.DataFrame) -> pd.DataFrame:
    """Table 5 (published beta and p) next to the reproduced beta, the ML and robust p-values
    and the bootstrap BC interval of beta: ``summary`` from ``BootstrapResult.summary()``,
    ``errors`` from ``standard_errors``."""
    table5 = published.table5()
    paths = errors[errors["op"] == "~"].set_index(["lhs", "rhs"])
    rows = []
    for row in table5.itertuples():
        effect = f"{_abbreviation(row.predictor)} → {_abbreviation(row.outcome)}"
        beta = summary.loc[(KIND_PATH, effect, SCALE_BETA)]
        tests = paths.loc[(row.outcome, row.predictor)]
        rows.append(
            {
                "hypothesis": row.hypothesis,
                "path": effect,
                "published_beta": row.beta,
                "published_p": row.p_value,
                "beta": beta["estimate"],
                "p_ml": tests["p_ml"],
                "p_robust": tests["p_robust"],
                "bc_lower": beta["bc_lower"],
                "bc_upper": beta["bc_upper"],
            }
        )
    return pd.DataFrame(rows).set_index("hypothesis")


# ---------------------------------------------------------------------------------------------
# Figure
# ---------------------------------------------------------------------------------------------


def bootstrap_figure(
    result: BootstrapResult,
    kind: str = KIND_INDIRECT,
    scale: str = SCALE_BETA,
    level: float = LEVEL,
    columns: int = 3,
):
    """Histograms of the bootstrap draws of every quantity of one ``kind`` and ``scale``, with
    the point estimate, the percentile and BC intervals and zero marked."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from helpers import figures

    summary = result.summary(level)
    rows = summary.xs((kind, scale), level=("kind", "scale"))
    panels = len(rows)
    grid_rows = int(np.ceil(panels / columns))
    fig, axes = plt.subplots(grid_rows, columns, figsize=(4.2 * columns, 3.3 * grid_rows), squeeze=False)
    colour, pct_colour, bc_colour = sns.color_palette(figures.PALETTE, 3)
    for ax, (effect, row) in zip(axes.flat, rows.iterrows()):
        draws = result.draws[(kind, effect, scale)]
        ax.hist(draws, bins=50, color=colour, alpha=0.6)
        ax.axvline(row["estimate"], color="black", linewidth=1.5, label="estimate")
        for bound in ("pct_lower", "pct_upper"):
            ax.axvline(
                row[bound],
                color=pct_colour,
                linestyle="--",
                linewidth=1.2,
                label="percentile interval" if bound == "pct_lower" else None,
            )
        for bound in ("bc_lower", "bc_upper"):
            ax.axvline(
                row[bound],
                color=bc_colour,
                linestyle=":",
                linewidth=1.8,
                label="BC interval" if bound == "bc_lower" else None,
            )
        if draws.min() <= 0 <= draws.max() or abs(draws.min()) < 0.5 * draws.std():
            ax.axvline(0, color="grey", linewidth=0.8)
        ax.set_title(effect)
        ax.set_yticks([])
    for ax in axes.flat[panels:]:
        ax.remove()
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False, bbox_to_anchor=(0.5, -0.02))
    what = {
        KIND_INDIRECT: "indirect effects",
        KIND_PATH: "paths",
        KIND_TOTAL_INDIRECT: "total indirect effects",
        KIND_R2: "R²",
        KIND_TOTAL: "total effects",
    }[kind]
    fig.suptitle(
        f"Bootstrap distributions of the {what} ({scale}), {result.n_resamples} resamples", fontweight="bold"
    )
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def bollen_stine_figure(result: BollenStineResult):
    """The Bollen-Stine bootstrap chi-squares, the chi-square density with the model's df (what
    normal theory expects) and the observed chi-square."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from helpers import figures

    colour, theory_colour = sns.color_palette(figures.PALETTE, 2)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    upper = float(np.quantile(result.draws, 0.995))
    ax.hist(
        result.draws,
        bins=60,
        range=(0, upper),
        density=True,
        color=colour,
        alpha=0.6,
        label=f"Bollen-Stine bootstrap ({result.n_resamples} resamples)",
    )
    grid = np.linspace(0.01, upper, 300)
    ax.plot(
        grid,
        stats.chi2.pdf(grid, result.df),
        color=theory_colour,
        linewidth=2,
        label=f"chi-square distribution, df = {result.df}",
    )
    ax.axvline(
        result.chi_square, color="black", linewidth=1.5, label=f"observed χ² = {result.chi_square:.2f}"
    )
    ax.set_xlabel("Model chi-square")
    ax.set_ylabel("Density")
    ax.set_title("Model chi-square when the model is true: bootstrap vs normal theory")
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig
