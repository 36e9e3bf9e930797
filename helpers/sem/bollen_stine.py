"""The Bollen-Stine bootstrap of the model chi-square (Bollen & Stine, 1992).

The data are rotated so that their ML covariance is exactly the model-implied Σ̂,

    Z = (X - x̄) S^(-1/2) Σ̂^(1/2) + x̄        (symmetric square roots, as lavaan),

which the model fits perfectly (χ² = 0) while each case keeps its own shape of non-normality.
Resampling Z shows how the χ² varies when the model is true; the bootstrap p-value is the share
of bootstrap χ² at least as large as the observed one. Compare the normal-theory p, which assumes
multivariate normal data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from helpers.sem import bootstrap
from helpers.sem.fit_measures import chisq_pvalue


def symmetric_power(matrix: np.ndarray, power: float) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * values**power) @ vectors.T


def rotated_data(fit) -> np.ndarray:
    """The fit's data rotated to have the model-implied covariance exactly (cases × observed)."""
    mean = fit.values.mean(axis=0)
    rotation = symmetric_power(fit.sample_cov, -0.5) @ symmetric_power(fit.implied_cov, 0.5)
    return (fit.values - mean) @ rotation + mean


@dataclass(frozen=True)
class BollenStineResult:
    chisq: float
    df: int
    p_normal: float
    p_bootstrap: float
    draws: np.ndarray = field(repr=False)

    @property
    def n_resamples(self) -> int:
        return len(self.draws)


def bollen_stine(
    fit, n_resamples: int = 5000, seed: int = 0, progress: Callable | None = None
) -> BollenStineResult:
    """The observed χ², its normal-theory p and the Bollen-Stine bootstrap p."""
    _, chi = bootstrap.bootstrap(
        fit, lambda stack: np.zeros(stack.chisq.shape + (0,)), n_resamples, seed, rotated_data(fit), progress
    )
    return BollenStineResult(
        chisq=fit.chisq,
        df=fit.df,
        p_normal=chisq_pvalue(fit.chisq, fit.df),
        p_bootstrap=float(np.mean(chi >= fit.chisq)),
        draws=chi,
    )
