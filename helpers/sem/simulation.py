"""Simulating data from a covariance matrix, in memory-bounded chunks of cases.

x = L e with L the Cholesky factor of the population covariance and e independent shocks with
mean 0 and variance 1 (``SHOCKS``: normal; skewed, a standardized χ² with 4 df, skewness 1.41
and excess kurtosis 3; heavy-tailed, a standardized Student t with 5 df, excess kurtosis 6;
heteroskedastic, normal shocks whose spread grows with the first variable's shock). When the
variables are in a model's causal order, L = (I - B)⁻¹ Ψ^½, so the model's covariance structure
holds with any of these shocks; only the residuals are not normal (or not homoskedastic).

Draws are laid out case by case, (n, replications, p), from one seeded Generator: replication
r's first n cases are the same for every n (common random numbers), and ``case_chunks`` yields
them in pieces of at most ``MAX_ELEMENTS`` numbers in the same order, so a large N or many
replications never need the whole array. ``covariances`` turns the chunks into each
replication's ML covariance (``likelihood.RunningCovariance``).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from helpers.sem.likelihood import RunningCovariance

MAX_ELEMENTS = 4_000_000
SKEWED_DF = 4  # chi-square with 4 df: skewness sqrt(8/4) = 1.41, excess kurtosis 12/4 = 3
HEAVY_TAILED_DF = 5  # Student t with 5 df: skewness 0, excess kurtosis 6 / (5 - 4) = 6
SHOCKS = ("normal", "skewed", "heavy-tailed", "heteroskedastic")


def shocks(rng: np.random.Generator, shape: tuple[int, ...], distribution: str = "normal") -> np.ndarray:
    """Independent draws with mean 0 and variance 1 (the last axis: one per variable)."""
    if distribution == "normal":
        return rng.standard_normal(shape)
    if distribution == "skewed":
        return (rng.chisquare(SKEWED_DF, shape) - SKEWED_DF) / np.sqrt(2 * SKEWED_DF)
    if distribution == "heavy-tailed":
        return rng.standard_t(HEAVY_TAILED_DF, shape) / np.sqrt(HEAVY_TAILED_DF / (HEAVY_TAILED_DF - 2))
    if distribution == "heteroskedastic":
        draws = rng.standard_normal(shape)
        # uncorrelated with e₀ and of variance E[(1 + e₀²) / 2] = 1: the covariance is unchanged
        draws[..., 1:] *= np.sqrt((1 + draws[..., :1] ** 2) / 2)
        return draws
    raise ValueError(f"distribution must be one of {', '.join(SHOCKS)}")


def case_chunks(
    covariance: np.ndarray,
    n: int,
    n_replications: int,
    seed: int,
    distribution: str = "normal",
    max_elements: int | None = None,
) -> Iterator[np.ndarray]:
    """Simulated data, a block of cases at a time: arrays (replications, cases, p), cases in order;
    each block holds at most ``max_elements`` numbers (default ``MAX_ELEMENTS``)."""
    factor = np.linalg.cholesky(np.asarray(covariance, dtype=float))
    p = factor.shape[0]
    rng = np.random.default_rng(seed)
    budget = MAX_ELEMENTS if max_elements is None else max_elements
    rows = max(1, min(n, budget // max(n_replications * p, 1)))
    for start in range(0, n, rows):
        block = shocks(rng, (min(rows, n - start), n_replications, p), distribution) @ factor.T
        yield np.ascontiguousarray(np.swapaxes(block, 0, 1))


def simulate(covariance, n: int, n_replications: int, seed: int, distribution: str = "normal") -> np.ndarray:
    """All the simulated data at once, (replications, n, p): for sizes that fit in memory."""
    return np.concatenate(list(case_chunks(covariance, n, n_replications, seed, distribution)), axis=1)


def covariances(
    covariance,
    n: int,
    n_replications: int,
    seed: int,
    distribution: str = "normal",
    max_elements: int | None = None,
) -> np.ndarray:
    """The ML covariance of every simulated dataset, (replications, p, p), chunk by chunk."""
    running = RunningCovariance()
    for block in case_chunks(covariance, n, n_replications, seed, distribution, max_elements):
        running.add(block)
    return running.cov
