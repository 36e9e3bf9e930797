"""Beyond the paper: what non-normal scores and five-point answers do to the path analysis, and how
often normality tests reject Likert composites. Simulations on the kit's engine, in chunks.

``nonnormal_scenarios`` draws the same population with skewed, heavy-tailed and heteroskedastic
residuals; ``ordinal_scenarios`` measures latent scores four ways (as they are, cut into five
answers, as means of noisy items, as means of items cut into five answers, which is how the
kit's scores are made); ``shapiro_wilk_rejection`` measures how often Shapiro-Wilk and the
uncorrected KS test reject normality of composites built like the kit's. Every simulation is
seeded; its random numbers come from one stream per purpose (latent scores, each construct's
item noise, ...) laid out firm by firm (or dataset by dataset), so that the work can be split
into memory-bounded chunks without changing a single draw.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from helpers import instrument as ins
from helpers import paper_model, settings, synthetic
from helpers.power import (
    ALPHA,
    DISTRIBUTIONS,
    N_REPLICATIONS,
    STUDY_N,
    path_labels,
    paths,
    population_covariance,
    population_fit,
    simulate,
)
from helpers.sem import likelihood, simulation
from helpers.statements import NUMBER_WORDS, number

ORDINAL_MEASUREMENTS = {
    "latent": "the latent score itself (the ideal)",
    "latent_cut": "the latent score cut into five answers (categories only)",
    "items_continuous": "mean of the items, not cut (measurement error only)",
    "items_cut": "mean of the items cut into five answers (the kit's scores)",
}


def nonnormal_scenarios(
    covariance=None,
    n: int = STUDY_N,
    n_replications: int = N_REPLICATIONS,
    seed: int = settings.SEED,
    alpha: float = ALPHA,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same population with normal, skewed, heavy-tailed and heteroskedastic residuals.

    Returns (paths, summary): per distribution and path the mean estimate, bias, empirical SD,
    mean ML SE, coverage and power; and per distribution the average skewness and excess
    kurtosis of the simulated scores and the rejection rate of the (true) model's chi-square.
    """
    covariance = population_covariance() if covariance is None else covariance
    path_tables, summary = [], []
    for distribution in DISTRIBUTIONS:
        sim = simulate(covariance, n, n_replications, seed, alpha, distribution)
        table = sim.table().reset_index()
        table.insert(0, "distribution", distribution)
        path_tables.append(table)
        skewness, kurtosis = _shape(sim.population.implied, n, n_replications, seed, distribution)
        summary.append(
            {
                "distribution": distribution,
                "mean_skewness": skewness,
                "mean_excess_kurtosis": kurtosis,
                "mean_coverage": float(table["coverage"].mean()),
                "chi_square_rejection": sim.chi_square_rejection_rate(),
            }
        )
    return pd.concat(path_tables, ignore_index=True), pd.DataFrame(summary).set_index("distribution")


def _shape(covariance, n: int, n_replications: int, seed: int, distribution: str) -> tuple[float, float]:
    """Mean skewness and excess kurtosis (scipy's, biased) of the simulated scores, over datasets
    and variables, from power sums accumulated chunk by chunk around the population mean 0."""
    sums = np.zeros((4, n_replications, len(covariance)))
    for block in simulation.case_chunks(covariance, n, n_replications, seed, distribution):
        for power in range(4):
            sums[power] += np.sum(block ** (power + 1), axis=1)
    m1, m2, m3, m4 = sums / n
    var = m2 - m1**2
    third = m3 - 3 * m1 * m2 + 2 * m1**3
    fourth = m4 - 4 * m1 * m3 + 6 * m1**2 * m2 - 3 * m1**4
    return float(np.mean(third / var**1.5)), float(np.mean(fourth / var**2 - 3))


def categorization_correlation(shares) -> float:
    """Correlation between a standard normal z and its answer 1..K when cut into categories with
    the given shares: Σ φ(τ_k) / SD(answer), τ the thresholds (because E[z·1(z > τ)] = φ(τ))."""
    shares = np.asarray(shares, dtype=float)
    scores = np.arange(1, len(shares) + 1)
    sd = np.sqrt(np.sum(shares * scores**2) - np.sum(shares * scores) ** 2)
    return float(np.sum(stats.norm.pdf(synthetic.answer_thresholds(shares))) / sd)


def ordinal_scenarios(
    covariance=None,
    n: int = STUDY_N,
    n_replications: int = N_REPLICATIONS,
    seed: int = settings.SEED,
    loading: float | None = None,
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """What measuring with five-point answers does to the standardized paths.

    The population correlations hold for latent construct scores η. Four ways to measure them
    (``ORDINAL_MEASUREMENTS``): η itself; η cut into five answers with the generator's typical
    answer shares; the mean of the construct's items (as many as the instrument has, each
    λ η + noise, λ = ``loading``, default the middle of the generator's loading range) before
    cutting; and the same items cut into five answers. Returns per path the true beta and, per
    measurement, the mean estimated beta, its ratio to the true beta and the power.
    """
    covariance = population_covariance() if covariance is None else covariance
    population = population_fit(covariance)
    loading = float(np.mean(synthetic.ITEM_LOADING_RANGE)) if loading is None else loading
    sd = np.sqrt(np.diag(population.implied))
    correlation = population.implied / np.outer(sd, sd)
    noise = [np.random.default_rng([seed, 1, k]) for k in range(len(ins.CONSTRUCTS))]
    moments = {name: likelihood.RunningCovariance() for name in ORDINAL_MEASUREMENTS}
    for latent in simulation.case_chunks(correlation, n, n_replications, seed):
        for name, measured in _measurements(latent, noise, loading).items():
            moments[name].add(measured)
    table = path_labels()
    cells = [(paper_model.VARIABLES.index(y), paper_model.VARIABLES.index(x)) for x, y in paths()]
    table["true_beta"] = [population.standardized()[i, j] for i, j in cells]
    z = stats.norm.ppf(1 - alpha / 2)
    for name, accumulated in moments.items():
        fits = paper_model.fit_covariances(accumulated.cov, n)
        std, se = fits.standardized(), fits.path_standard_errors()
        table[f"beta_{name}"] = np.stack([std[:, i, j] for i, j in cells], axis=1).mean(axis=0)
        table[f"ratio_{name}"] = table[f"beta_{name}"] / table["true_beta"]
        zs = np.stack([fits.coefficients[:, i, j] / se[:, i, j] for i, j in cells], axis=1)
        table[f"power_{name}"] = (np.abs(zs) > z).mean(axis=0)
    return table.set_index("hypothesis")


def _measurements(latent: np.ndarray, noise: list, loading: float) -> dict[str, np.ndarray]:
    """The four measurements of a chunk of latent scores (replications, firms, constructs)."""
    measured = {name: np.empty_like(latent) for name in ORDINAL_MEASUREMENTS}
    measured["latent"] = latent
    for k, construct in enumerate(ins.CONSTRUCTS):
        tau = synthetic.answer_thresholds(synthetic.ANSWER_SHARES[construct.key])
        measured["latent_cut"][..., k] = 1 + np.searchsorted(tau, latent[..., k])
        firms_first = noise[k].standard_normal((latent.shape[1], latent.shape[0], len(construct.items)))
        items = loading * latent[..., k, None] + np.sqrt(1 - loading**2) * np.swapaxes(firms_first, 0, 1)
        measured["items_continuous"][..., k] = items.mean(axis=-1)
        measured["items_cut"][..., k] = (1 + np.searchsorted(tau, items)).mean(axis=-1)
    return measured


def shapiro_wilk_rejection(
    n_datasets: int = 200,
    n: int = STUDY_N,
    seed: int = settings.SEED,
    alpha: float = ALPHA,
    answer_shares: dict | None = None,
) -> pd.DataFrame:
    """How often Shapiro-Wilk (and the uncorrected KS test) reject normality of Likert composites.

    Datasets are simulated like the kit's (step 3 of the generator, without calibration): latent
    scores with the target correlations, items with the generator's range of loadings and its
    threshold shifts, cut into five answers with ``answer_shares`` per construct (default: the
    generator's ``ANSWER_SHARES``), construct score = mean of its items. Returns per construct
    the share of datasets in which each test rejects at ``alpha``, plus a row for "any construct".
    """
    shares = synthetic.ANSWER_SHARES if answer_shares is None else answer_shares
    goal = synthetic.targets()
    target = synthetic.target_correlations(n, goal["betas"], goal["chi_square"])
    names = [c.abbreviation for c in ins.CONSTRUCTS]
    streams = np.random.SeedSequence(seed).spawn(1 + len(ins.CONSTRUCTS))
    latent_rng, item_rngs = np.random.default_rng(streams[0]), [np.random.default_rng(s) for s in streams[1:]]
    per_chunk = max(1, simulation.MAX_ELEMENTS // (n * len(names)))
    shapiro, ks = [], []
    for start in range(0, n_datasets, per_chunk):
        size = min(per_chunk, n_datasets - start)
        latent = latent_rng.standard_normal((size, n, len(names))) @ np.linalg.cholesky(target).T
        scores = np.stack(
            [_composite(latent[..., k], c, shares, item_rngs[k]) for k, c in enumerate(ins.CONSTRUCTS)], -1
        )
        shapiro.append(stats.shapiro(scores, axis=1).pvalue < alpha)
        # KS against the normal with each dataset's own mean and SD = KS of its z-scores against N(0, 1)
        z = (scores - scores.mean(axis=1, keepdims=True)) / scores.std(axis=1, ddof=1, keepdims=True)
        ks.append(stats.kstest(z, "norm", axis=1).pvalue < alpha)
    shapiro, ks = np.concatenate(shapiro), np.concatenate(ks)
    table = pd.DataFrame(
        {"shapiro_wilk_rejects": shapiro.mean(axis=0), "ks_rejects": ks.mean(axis=0)},
        index=pd.Index(names, name="construct"),
    )
    table.loc["any construct"] = [shapiro.any(axis=1).mean(), ks.any(axis=1).mean()]
    return table


def ks_selection(rejection: pd.DataFrame) -> str:
    """The sentence on how the kit's dataset was selected: the generator keeps an attempt only if
    the uncorrected KS test rejects none of its construct scores (``synthetic.acceptable``), and
    ``rejection`` (``shapiro_wilk_rejection`` with the generator's answer shares) says how often
    that fails for datasets built like it."""
    ks_any = float(rejection.loc["any construct", "ks_rejects"])
    constructs = NUMBER_WORDS[len(ins.CONSTRUCTS)]
    return (
        "The kit's dataset is not a random draw from these simulations: step 5 kept it only because the "
        f"uncorrected KS test (α = {number(synthetic.NORMALITY_ALPHA)}) rejected none of its {constructs} "
        f"scores, an outcome of just {1 - ks_any:.0%} of the datasets simulated here with the generator's "
        f"answer shares (KS rejects at least one score in {ks_any:.0%}), so its passing KS is a result of "
        "that selection, not evidence about how KS treats such composites; step 5 does not look at "
        "Shapiro–Wilk."
    )


def _composite(
    latent: np.ndarray, construct: ins.Construct, shares: dict, rng: np.random.Generator
) -> np.ndarray:
    """One construct's score in each dataset (datasets, firms): items with random loadings and
    threshold shifts, cut into five answers, averaged."""
    size = (latent.shape[0], 1, len(construct.items))
    loadings = rng.uniform(*synthetic.ITEM_LOADING_RANGE, size=size)
    shifts = rng.normal(0.0, synthetic.ITEM_SHIFT_SD, size=size)
    noise = rng.standard_normal(latent.shape + (len(construct.items),))
    items = loadings * latent[..., None] + np.sqrt(1 - loadings**2) * noise - shifts
    return (1 + np.searchsorted(synthetic.answer_thresholds(shares[construct.key]), items)).mean(axis=-1)
