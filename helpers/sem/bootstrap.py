"""The nonparametric bootstrap of a fitted model, vectorized and in memory-bounded chunks.

Cases are resampled with replacement from one seeded numpy Generator, resample after resample,
so resample r is the same cases for a given seed however the work is chunked. A resample's ML
covariance depends only on how often each case is drawn, so every resample of a chunk gets its
covariance at once (``likelihood.resampled_covariances``), and a model that the closed form
fits is fitted on the whole stack in one call (``closed_form.fit_covariances``); other models are refitted one
resample at a time. Chunks hold at most ``MAX_ELEMENTS`` drawn case numbers, so memory does not
grow with the number of resamples, and time grows linearly with cases × resamples.

Intervals follow lavaan (``lav_bootstrap``, the ``boot`` package's ``norm.inter``): the order
statistic at position (R + 1) α, interpolated on the normal scale; the bias-corrected interval is
lavaan's ``boot.ci.type = "bca.simple"`` (no acceleration). The bootstrap SE divides by R.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from scipy import stats

from helpers.sem import closed_form, likelihood
from helpers.sem.closed_form import StackFit

# Case numbers drawn per chunk (8 bytes each, twice over: the numbers and their counts).
MAX_ELEMENTS = 2_000_000
LEVEL = 0.95


def chunk_rows(n: int, n_resamples: int, max_elements: int | None = None) -> int:
    """Resamples per chunk: as many as fit in ``max_elements`` drawn case numbers (default
    ``MAX_ELEMENTS``), at least one."""
    budget = MAX_ELEMENTS if max_elements is None else max_elements
    return max(1, min(n_resamples, budget // max(n, 1)))


def chunk_count(n: int, n_resamples: int, max_elements: int | None = None) -> int:
    return -(-n_resamples // chunk_rows(n, n_resamples, max_elements))


def resample_chunks(
    n: int, n_resamples: int, seed: int, max_elements: int | None = None
) -> Iterator[np.ndarray]:
    """Row numbers of the resamples, chunk by chunk: arrays (rows, n) drawn in sequence from one
    ``numpy.random.default_rng(seed)``, so that the draws do not depend on the chunk size."""
    rng = np.random.default_rng(seed)
    rows = chunk_rows(n, n_resamples, max_elements)
    for start in range(0, n_resamples, rows):
        yield rng.integers(0, n, size=(min(rows, n_resamples - start), n))


def counts(indices: np.ndarray, n: int) -> np.ndarray:
    """How often each case appears in each resample: (resamples, n)."""
    rows = indices.shape[0]
    offsets = (np.arange(rows) * n)[:, None]
    flat = np.bincount((indices + offsets).ravel(), minlength=rows * n)
    return flat.reshape(rows, n).astype(float)


def bootstrap(
    fit,
    statistic: Callable[[StackFit], np.ndarray],
    n_resamples: int = 5000,
    seed: int = 0,
    values: np.ndarray | None = None,
    progress: Callable | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Draws of ``statistic`` (a function of a ``StackFit`` returning (..., q)) over resamples of
    the cases, and the chi-squares of the resamples: arrays (R, q) and (R,).

    ``values`` (n, p) are the cases to resample (default: the data ``fit`` was fitted to, e.g.
    Bollen-Stine passes rotated data). ``progress(chunks, total)`` may wrap the chunk iterator
    (e.g. in a tqdm bar; ``total`` is the number of chunks).
    """
    values = fit.values if values is None else np.asarray(values, dtype=float)
    n = len(values)
    closed = _closed_form(fit)
    cross = likelihood.centred_cross_products(values) if closed else None
    chunks = resample_chunks(n, n_resamples, seed)
    draws, chi_squares = [], []
    for indices in progress(chunks, chunk_count(n, n_resamples)) if progress else chunks:
        if closed:
            covariances = likelihood.resampled_covariances(values, counts(indices, n), cross)
            stack = closed_form.fit_covariances(fit.syntax, covariances, n)
        else:
            stack = _refitted(fit, values, indices)
        draws.append(statistic(stack))
        chi_squares.append(stack.chisq)
    return np.concatenate(draws), np.concatenate(chi_squares)


def _closed_form(fit) -> bool:
    return not isinstance(closed_form.compiled(fit.syntax)[2], closed_form.NotClosedForm)


def _refitted(fit, values: np.ndarray, indices: np.ndarray) -> StackFit:
    """Resamples of a model outside the closed form, refitted one by one (slow, but general)."""
    import pandas as pd

    from helpers.sem.fit import fit_sem

    thetas, covariances = [], []
    for rows in indices:
        sample = pd.DataFrame(values[rows], columns=fit.observed)
        refit = fit_sem(fit.syntax, sample, estimator=fit.estimator)
        thetas.append(refit.theta)
        covariances.append(refit.sample_cov)
    return closed_form.stack_fit(fit.syntax, np.array(thetas), np.array(covariances), len(values))


def normal_interpolated_quantile(sorted_draws: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The ``boot`` package's ``norm.inter``: the order statistic at position (R + 1) α,
    interpolated between neighbours on the normal-quantile scale. ``sorted_draws`` (R, q)
    sorted along axis 0, ``alpha`` (k, q); returns (k, q)."""
    r = sorted_draws.shape[0]
    rk = (r + 1) * alpha
    k = np.trunc(rk).astype(int)
    exact = k == rk
    columns = np.arange(sorted_draws.shape[1])[None, :]
    tk = sorted_draws[np.clip(k - 1, 0, r - 1), columns]
    tk1 = sorted_draws[np.clip(k, 0, r - 1), columns]
    with np.errstate(divide="ignore", invalid="ignore"):
        z_alpha, z_k, z_k1 = (
            stats.norm.ppf(alpha),
            stats.norm.ppf(k / (r + 1)),
            stats.norm.ppf((k + 1) / (r + 1)),
        )
        interpolated = tk + (z_alpha - z_k) / (z_k1 - z_k) * (tk1 - tk)
    out = np.where(exact, tk, interpolated)
    out = np.where(k <= 0, sorted_draws[0][None, :], out)
    return np.where(k >= r, sorted_draws[-1][None, :], out)


def _alphas(level: float) -> np.ndarray:
    return (1 + np.array([-level, level])) / 2  # the same floating-point operations as lavaan


def percentile_interval(draws: np.ndarray, level: float = LEVEL) -> np.ndarray:
    """Percentile interval of each column of ``draws`` (R, q): array (2, q), lower and upper."""
    draws = np.asarray(draws, dtype=float).reshape(len(draws), -1)
    alpha = np.repeat(_alphas(level)[:, None], draws.shape[1], axis=1)
    return normal_interpolated_quantile(np.sort(draws, axis=0), alpha)


def bias_corrected_interval(draws: np.ndarray, estimate: np.ndarray, level: float = LEVEL) -> np.ndarray:
    """Bias-corrected percentile interval (lavaan's ``"bca.simple"``): array (2, q).

    The share of draws below the estimate gives the bias z0 = Φ⁻¹(share); the interval takes the
    draws' quantiles at Φ(2 z0 ± z_(1-α/2)) instead of α/2 and 1 - α/2.
    """
    draws = np.asarray(draws, dtype=float).reshape(len(draws), -1)
    estimate = np.asarray(estimate, dtype=float).reshape(-1)
    with np.errstate(divide="ignore"):
        z0 = stats.norm.ppf(np.mean(draws < estimate[None, :], axis=0))
    alpha = stats.norm.cdf(2 * z0[None, :] + stats.norm.ppf(_alphas(level))[:, None])
    return normal_interpolated_quantile(np.sort(draws, axis=0), alpha)
