"""Simulation: how the synthetic data were built, and what a study of N = 190 firms can detect.

Two kinds of simulation live here.

**Monte Carlo power.** Draw many datasets of N firms from a population in which the model holds
(the correlations implied by the paper's published betas, or the model fitted to the kit's
data), fit every dataset in closed form (``helpers.model.closed_form_fit`` on the whole stack)
and test each path with a Wald z-test. The share of datasets in which a path is significant is
its power. The standard errors are lavaan's ML ones (inverse expected information), which for
this recursive model are, for a path x -> y,

    SE(B_yx) = sqrt( ψ_y · [Σ_XX⁻¹]_xx / N ),

with ψ_y the residual variance of y and Σ_XX the model-implied covariance of y's predictors
(tests/test_power.py checks this against lavaan). ``monte_carlo_power`` does this for every
path, ``analytic_power`` gives the normal-approximation formula for comparison and ``n_for_power``
searches for the N that gives a path 80% power. ``nonnormal_scenarios`` and
``ordinal_scenarios`` show what skewed or heavy-tailed scores, and answers cut into five
categories, do to the estimates.

**The generator, step by step.** ``generator_walkthrough`` repeats what ``helpers.synthetic``
does to build the kit's dataset and keeps every intermediate result (targets, implied and target
correlations, calibration, acceptance) for notebook 07; its final answers are exactly the
shipped file's. ``shapiro_wilk_rejection`` measures how often Shapiro-Wilk rejects normality of
Likert composites at N = 190 in datasets simulated like the kit's.

Every simulation is seeded (``settings.SEED``) and vectorized: 1000 replications at N = 190 take
well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from helpers import instrument as ins
from helpers import model, published, settings, synthetic

# The study's sample size, from the published facts (data/published/study_facts.csv).
STUDY_N = int(published.fact("n_firms"))

ALPHA = 0.05
N_REPLICATIONS = 1000
TARGET_POWER = 0.80
# Shocks of the non-normal scenarios (standardized to mean 0, variance 1):
SKEWED_DF = 4  # chi-square with 4 df: skewness sqrt(8/4) = 1.41, excess kurtosis 12/4 = 3
HEAVY_TAILED_DF = 5  # Student t with 5 df: skewness 0, excess kurtosis 6 / (5 - 4) = 6
# Heteroskedastic: every residual's SD is sqrt((1 + e₀²) / 2) times its usual value, e₀ the
# (standardized) exogenous variable, so firms far from the average PCDP vary more.
DISTRIBUTIONS = ("normal", "skewed", "heavy-tailed", "heteroskedastic")


def _abbreviation(key: str) -> str:
    return ins.construct(key).abbreviation


def _index(key: str) -> int:
    return model.VARIABLES.index(key)


# ---------------------------------------------------------------------------------------------
# The population
# ---------------------------------------------------------------------------------------------


def published_betas() -> dict[tuple[str, str], float]:
    """Table 5's standardized paths: {(predictor, outcome): beta}."""
    return {(r.predictor, r.outcome): float(r.beta) for r in published.table5().itertuples()}


def population_covariance(source: str = "published", scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """The covariance matrix the simulations draw from (``model.VARIABLES`` order).

    ``"published"``: the correlations the model implies with Table 5's betas (and the outcome
    residual correlations the kit assumes, ``synthetic.OUTCOME_RESIDUAL_CORRELATIONS``), i.e.
    standardized variables. ``"fitted"``: the model-implied covariance of the model fitted to
    ``scores``. In both the model holds exactly.
    """
    if source == "published":
        matrix = synthetic.implied_correlations(published_betas())
    elif source == "fitted":
        if scores is None:
            raise ValueError("source='fitted' needs the scores the model is fitted to")
        matrix = model.closed_form_fit(model.ml_covariance(scores), len(scores)).implied
    else:
        raise ValueError("source must be 'published' or 'fitted'")
    names = list(model.VARIABLES)
    return pd.DataFrame(matrix, index=names, columns=names)


def _population_fit(covariance, correlated_outcomes=True, direct_paths=False) -> model.ClosedFormFit:
    # n only enters the chi-square, which is zero for a population that satisfies the model
    return model.closed_form_fit(np.asarray(covariance, dtype=float), 1, correlated_outcomes, direct_paths)


def paths(direct_paths: bool = False) -> list[tuple[str, str]]:
    """(predictor, outcome) of every path: Table 5's order, then any direct paths."""
    listed = [(h.predictor, h.outcome) for h in model.HYPOTHESES]
    extra = [(x, y) for y, xs in model.equations(direct_paths).items() for x in xs if (x, y) not in listed]
    return listed + extra


def _path_column(predictor: str, outcome: str) -> int:
    """Where the path ``predictor`` -> ``outcome`` sits in ``paths()``, or a clear error."""
    try:
        return paths().index((predictor, outcome))
    except ValueError:
        listed = ", ".join(f'("{x}", "{y}")' for x, y in paths())
        raise ValueError(
            f'"{predictor}" -> "{outcome}" is not a path of the paper\'s model; give one of '
            f"{listed} (construct keys as in helpers.instrument)"
        ) from None


def _path_labels(direct_paths: bool = False) -> pd.DataFrame:
    codes = {(h.predictor, h.outcome): h.code for h in model.HYPOTHESES}
    rows = [
        {"hypothesis": codes.get((x, y), "direct"), "path": f"{_abbreviation(x)} → {_abbreviation(y)}"}
        for x, y in paths(direct_paths)
    ]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Standard errors and simulation
# ---------------------------------------------------------------------------------------------


def path_standard_errors(fit: model.ClosedFormFit, direct_paths: bool = False) -> np.ndarray:
    """lavaan's ML standard error of every path, for a fit or a whole stack of fits.

    SE(B_yx) = sqrt(ψ_y [Σ_XX⁻¹]_xx / N), Σ_XX the model-implied covariance of y's predictors.
    Returns an array shaped like ``fit.coefficients`` (0 where there is no path).
    """
    se = np.zeros_like(fit.coefficients)
    for y, xs in model.equations(direct_paths).items():
        iy, ix = _index(y), [_index(x) for x in xs]
        implied_xx = fit.implied[..., ix, :][..., :, ix]
        inverse_diagonal = np.diagonal(np.linalg.inv(implied_xx), axis1=-2, axis2=-1)
        se[..., iy, ix] = np.sqrt(fit.psi[..., iy, iy][..., None] * inverse_diagonal / fit.n)
    return se


def _shocks(rng: np.random.Generator, shape: tuple[int, ...], distribution: str) -> np.ndarray:
    """Independent draws with mean 0 and variance 1 from the named distribution."""
    if distribution == "normal":
        return rng.standard_normal(shape)
    if distribution == "skewed":
        return (rng.chisquare(SKEWED_DF, shape) - SKEWED_DF) / np.sqrt(2 * SKEWED_DF)
    if distribution == "heavy-tailed":
        return rng.standard_t(HEAVY_TAILED_DF, shape) / np.sqrt(HEAVY_TAILED_DF / (HEAVY_TAILED_DF - 2))
    if distribution == "heteroskedastic":
        shocks = rng.standard_normal(shape)
        # uncorrelated with e₀ and variance E[(1 + e₀²) / 2] = 1, so the covariance is unchanged
        shocks[..., 1:] *= np.sqrt((1 + shocks[..., :1] ** 2) / 2)
        return shocks
    raise ValueError(f"distribution must be one of {', '.join(DISTRIBUTIONS)}")


def simulate_scores(
    covariance,
    n: int,
    n_replications: int = N_REPLICATIONS,
    seed: int = settings.SEED,
    distribution: str = "normal",
) -> np.ndarray:
    """Simulated construct scores, ``(n_replications, n, 6)``, with population ``covariance``.

    x = L e with L the Cholesky factor of the covariance and e shocks with mean 0 and variance
    1 (``distribution``: independent normal, skewed or heavy-tailed ones, or normal ones whose
    spread depends on the first, exogenous, shock). Because the variables are in the model's
    causal order, L = (I - B)⁻¹ Ψ^(1/2): each shock is the part of a variable its predictors do
    not explain, so with any of these shocks the model's covariance structure still holds, only
    the residuals are not normal (or not homoskedastic).

    The draws are laid out so that a larger ``n`` only adds firms: replication r's first n
    firms are the same for every n with the same seed (common random numbers).
    """
    factor = np.linalg.cholesky(np.asarray(covariance, dtype=float))
    rng = np.random.default_rng(seed)
    shocks = _shocks(rng, (n, n_replications, factor.shape[0]), distribution)
    return np.ascontiguousarray(np.swapaxes(shocks @ factor.T, 0, 1))


def covariance_stack(data: np.ndarray) -> np.ndarray:
    """ML covariance (divided by N) of each simulated dataset: ``(R, n, p)`` -> ``(R, p, p)``."""
    centred = data - data.mean(axis=1, keepdims=True)
    return np.einsum("rni,rnj->rij", centred, centred, optimize=True) / data.shape[1]


@dataclass
class Simulation:
    """Estimates and ML standard errors of every path in every simulated dataset."""

    population: model.ClosedFormFit
    estimates: np.ndarray = field(repr=False)  # (R, number of paths), unstandardized B
    standardized: np.ndarray = field(repr=False)  # (R, number of paths), beta
    standard_errors: np.ndarray = field(repr=False)  # (R, number of paths)
    chi_squares: np.ndarray = field(repr=False)  # (R,)
    n: int
    alpha: float
    distribution: str
    direct_paths: bool
    df: int

    @property
    def n_replications(self) -> int:
        return len(self.chi_squares)

    def _true(self, standardized: bool = False) -> np.ndarray:
        matrix = self.population.standardized() if standardized else self.population.coefficients
        return np.array([matrix[_index(y), _index(x)] for x, y in paths(self.direct_paths)])

    def significant(self) -> np.ndarray:
        """(R, paths): whether the Wald test rejects B = 0 at ``alpha``."""
        z = self.estimates / self.standard_errors
        return np.abs(z) > stats.norm.ppf(1 - self.alpha / 2)

    def table(self) -> pd.DataFrame:
        """One row per path: true values, mean estimate, bias, empirical SD of the estimates,
        mean ML SE, coverage of the 95% Wald interval and power (share significant)."""
        true_b, true_beta = self._true(), self._true(standardized=True)
        half = stats.norm.ppf(1 - self.alpha / 2) * self.standard_errors
        covered = np.abs(self.estimates - true_b) <= half
        table = _path_labels(self.direct_paths)
        table["true_beta"] = true_beta
        table["mean_beta"] = self.standardized.mean(axis=0)
        table["true_B"] = true_b
        table["mean_B"] = self.estimates.mean(axis=0)
        table["bias_B"] = table["mean_B"] - true_b
        table["empirical_sd"] = self.estimates.std(axis=0, ddof=1)
        table["mean_se"] = self.standard_errors.mean(axis=0)
        table["coverage"] = covered.mean(axis=0)
        table["power"] = self.significant().mean(axis=0)
        return table.set_index("hypothesis")

    def chi_square_rejection_rate(self) -> float:
        """Share of datasets in which the model's chi-square test rejects at ``alpha``
        (the model is true in the population, so this should be close to alpha)."""
        return float(np.mean(self.chi_squares > stats.chi2.ppf(1 - self.alpha, self.df)))


def simulate(
    covariance=None,
    n: int = STUDY_N,
    n_replications: int = N_REPLICATIONS,
    seed: int = settings.SEED,
    alpha: float = ALPHA,
    distribution: str = "normal",
    correlated_outcomes: bool = True,
    direct_paths: bool = False,
) -> Simulation:
    """Simulate ``n_replications`` datasets of ``n`` firms and fit the model to each at once.

    ``covariance`` defaults to ``population_covariance("published")``.
    """
    covariance = population_covariance() if covariance is None else covariance
    population = _population_fit(covariance, correlated_outcomes, direct_paths)
    data = simulate_scores(population.implied, n, n_replications, seed, distribution)
    fits = model.closed_form_fit(covariance_stack(data), n, correlated_outcomes, direct_paths)
    se = path_standard_errors(fits, direct_paths)
    std = fits.standardized()
    cells = [(_index(y), _index(x)) for x, y in paths(direct_paths)]
    return Simulation(
        population=population,
        estimates=np.stack([fits.coefficients[:, i, j] for i, j in cells], axis=1),
        standardized=np.stack([std[:, i, j] for i, j in cells], axis=1),
        standard_errors=np.stack([se[:, i, j] for i, j in cells], axis=1),
        chi_squares=fits.chi_square,
        n=n,
        alpha=alpha,
        distribution=distribution,
        direct_paths=direct_paths,
        df=model.degrees_of_freedom(correlated_outcomes, direct_paths),
    )


def monte_carlo_power(
    covariance=None,
    n: int = STUDY_N,
    n_replications: int = N_REPLICATIONS,
    seed: int = settings.SEED,
    alpha: float = ALPHA,
    distribution: str = "normal",
) -> pd.DataFrame:
    """Power of every path's Wald test at ``n`` (Monte Carlo), next to the analytic power."""
    covariance = population_covariance() if covariance is None else covariance
    table = simulate(covariance, n, n_replications, seed, alpha, distribution).table()
    table["analytic_power"] = analytic_power(covariance, n, alpha).to_numpy()
    return table


def analytic_power(
    covariance=None, n: int = STUDY_N, alpha: float = ALPHA, direct_paths: bool = False
) -> pd.Series:
    """Normal-approximation power of each path's two-sided Wald test:
    Φ(|B|/SE - z) + Φ(-|B|/SE - z), SE from the population at sample size ``n``."""
    covariance = population_covariance() if covariance is None else covariance
    population = _population_fit(covariance, direct_paths=direct_paths)
    se = path_standard_errors(population, direct_paths) / np.sqrt(n)  # population.n is 1
    z = stats.norm.ppf(1 - alpha / 2)
    values = []
    for x, y in paths(direct_paths):
        ratio = abs(population.coefficients[_index(y), _index(x)]) / se[_index(y), _index(x)]
        values.append(stats.norm.cdf(ratio - z) + stats.norm.cdf(-ratio - z))
    labels = _path_labels(direct_paths)
    return pd.Series(values, index=pd.Index(labels["hypothesis"]), name="analytic_power")


def analytic_n(
    predictor: str, outcome: str, covariance=None, power: float = TARGET_POWER, alpha: float = ALPHA
) -> float:
    """N that the normal approximation says gives ``power``: ((z_(1-α/2) + z_power) SE₁ / |B|)²,
    SE₁ the standard error at N = 1 (ignores the tiny chance of rejecting in the wrong tail)."""
    covariance = population_covariance() if covariance is None else covariance
    _path_column(predictor, outcome)  # a non-path would give 0/0 below
    population = _population_fit(covariance)
    i, j = _index(outcome), _index(predictor)
    se1 = path_standard_errors(population)[i, j]
    effect = abs(population.coefficients[i, j])
    return float(((stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)) * se1 / effect) ** 2)


def smallest_published_path() -> tuple[str, str]:
    """(predictor, outcome) of Table 5's smallest |beta|."""
    betas = published_betas()
    return min(betas, key=lambda key: abs(betas[key]))


@dataclass
class SampleSizeSearch:
    predictor: str
    outcome: str
    target: float
    n: int
    power_at_n: float
    power_below: float
    analytic_n: float
    steps: pd.DataFrame

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "path": [f"{_abbreviation(self.predictor)} → {_abbreviation(self.outcome)}"],
                "target_power": [self.target],
                "n_needed": [self.n],
                "power_at_n": [self.power_at_n],
                "power_at_n_minus_1": [self.power_below],
                "analytic_n": [self.analytic_n],
            }
        )


def n_for_power(
    predictor: str | None = None,
    outcome: str | None = None,
    target: float = TARGET_POWER,
    covariance=None,
    n_replications: int = N_REPLICATIONS,
    seed: int = settings.SEED,
    alpha: float = ALPHA,
    n_min: int = 20,
    n_max: int = 5000,
) -> SampleSizeSearch:
    """Smallest N at which the Monte Carlo power of one path reaches ``target``.

    Defaults to Table 5's smallest path. The search is a bisection over N; every N uses the
    same seed, and a larger N only adds firms to each replication (common random numbers), so
    the estimated power rises smoothly with N and the bisection is stable.
    """
    if predictor is None or outcome is None:
        predictor, outcome = smallest_published_path()
    covariance = population_covariance() if covariance is None else covariance
    column = _path_column(predictor, outcome)
    cache: dict[int, float] = {}

    def power_at(n: int) -> float:
        if n not in cache:
            sim = simulate(covariance, n, n_replications, seed, alpha)
            cache[n] = float(sim.significant()[:, column].mean())
        return cache[n]

    # bracket the answer around the normal approximation, then bisect
    guess = analytic_n(predictor, outcome, covariance, target, alpha)
    low = int(min(max(n_min, np.floor(0.85 * guess)), n_max))
    high = int(min(max(low + 1, np.ceil(1.15 * guess)), n_max))
    while power_at(high) < target:
        if high == n_max:
            raise ValueError(f"power stays below {target} up to N = {n_max}")
        low, high = high, min(int(np.ceil(1.5 * high)), n_max)
    while low > n_min and power_at(low) >= target:
        high, low = low, max(n_min, int(np.floor(0.7 * low)))
    if power_at(low) >= target:
        high = low
    while high - low > 1:
        middle = (low + high) // 2
        if power_at(middle) >= target:
            high = middle
        else:
            low = middle
    steps = pd.DataFrame(sorted(cache.items()), columns=["n", "power"])
    return SampleSizeSearch(
        predictor,
        outcome,
        target,
        high,
        power_at(high),
        power_at(high - 1) if high > n_min else np.nan,
        analytic_n(predictor, outcome, covariance, target, alpha),
        steps,
    )


def power_curve(covariance=None, sizes=None, alpha: float = ALPHA) -> pd.DataFrame:
    """Analytic power of every path over a range of N (long table: n, hypothesis, path, power)."""
    covariance = population_covariance() if covariance is None else covariance
    sizes = np.arange(50, 1001, 10) if sizes is None else np.asarray(sizes)
    labels = _path_labels().set_index("hypothesis")["path"]
    frames = []
    for n in sizes:
        power = analytic_power(covariance, int(n), alpha)
        frames.append(pd.DataFrame({"n": int(n), "hypothesis": power.index, "power": power.to_numpy()}))
    table = pd.concat(frames, ignore_index=True)
    table["path"] = table["hypothesis"].map(labels)
    return table[["n", "hypothesis", "path", "power"]]


def power_curve_figure(
    curve: pd.DataFrame,
    search: SampleSizeSearch | None = None,
    n_study: int = STUDY_N,
    target: float = TARGET_POWER,
):
    """Power against N for each path (``power_curve``), with the study's N and 80% marked."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from helpers import figures

    fig, ax = plt.subplots(figsize=(9, 5))
    hypotheses = list(dict.fromkeys(curve["hypothesis"]))
    colours = sns.color_palette(figures.PALETTE, len(hypotheses))
    for hypothesis, colour in zip(hypotheses, colours):
        rows = curve[curve["hypothesis"] == hypothesis]
        ax.plot(rows["n"], rows["power"], color=colour, label=f"{hypothesis} {rows['path'].iloc[0]}")
    ax.axhline(target, color="black", linestyle="--", linewidth=1)
    ax.axvline(n_study, color="grey", linestyle=":", linewidth=1.5)
    ax.text(n_study, 0.02, f" N = {n_study}", color="grey")
    if search is not None:
        ax.scatter(
            search.steps["n"],
            search.steps["power"],
            color="black",
            s=18,
            zorder=3,
            label="Monte Carlo (bisection steps)",
        )
    ax.set_xlabel("Number of firms (N)")
    ax.set_ylabel("Power (two-sided, α = .05)")
    ax.set_ylim(0, 1.02)
    ax.set_title("Power of each path's test against sample size")
    ax.legend(loc="lower right", fontsize=9, ncol=2)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------
# Non-normal scores and answers cut into categories
# ---------------------------------------------------------------------------------------------


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
        data = simulate_scores(sim.population.implied, n, n_replications, seed, distribution)
        summary.append(
            {
                "distribution": distribution,
                "mean_skewness": float(np.mean(stats.skew(data, axis=1))),
                "mean_excess_kurtosis": float(np.mean(stats.kurtosis(data, axis=1))),
                "mean_coverage": float(table["coverage"].mean()),
                "chi_square_rejection": sim.chi_square_rejection_rate(),
            }
        )
    return pd.concat(path_tables, ignore_index=True), pd.DataFrame(summary).set_index("distribution")


def _thresholds(construct_key: str) -> np.ndarray:
    """Normal thresholds that give the generator's typical answer shares for a construct."""
    return stats.norm.ppf(np.cumsum(synthetic.ANSWER_SHARES[construct_key])[:-1])


def categorization_correlation(shares) -> float:
    """Correlation between a standard normal z and its answer 1..K when cut into categories
    with the given shares: Σ φ(τ_k) / SD(answer), τ the thresholds (because E[z·1(z > τ)] = φ(τ))."""
    shares = np.asarray(shares, dtype=float)
    tau = stats.norm.ppf(np.cumsum(shares)[:-1])
    scores = np.arange(1, len(shares) + 1)
    sd = np.sqrt(np.sum(shares * scores**2) - np.sum(shares * scores) ** 2)
    return float(np.sum(stats.norm.pdf(tau)) / sd)


ORDINAL_MEASUREMENTS = {
    "latent": "the latent score itself (the ideal)",
    "latent_cut": "the latent score cut into five answers (categories only)",
    "items_continuous": "mean of the items, not cut (measurement error only)",
    "items_cut": "mean of the items cut into five answers (the kit's scores)",
}


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
    cutting; and the same items cut into five answers, which is how the kit's scores are made.
    Returns per path the true beta and, per measurement, the mean estimated beta, its ratio to
    the true beta and the power.
    """
    covariance = population_covariance() if covariance is None else covariance
    population = _population_fit(covariance)
    loading = float(np.mean(synthetic.ITEM_LOADING_RANGE)) if loading is None else loading
    sd = np.sqrt(np.diag(population.implied))
    correlation = population.implied / np.outer(sd, sd)
    latent = simulate_scores(correlation, n, n_replications, seed)
    rng = np.random.default_rng([seed, 1])
    measured = {name: np.empty_like(latent) for name in ORDINAL_MEASUREMENTS}
    measured["latent"] = latent
    for k, construct in enumerate(ins.CONSTRUCTS):
        tau = _thresholds(construct.key)
        measured["latent_cut"][..., k] = 1 + np.searchsorted(tau, latent[..., k])
        noise = rng.standard_normal(latent.shape[:2] + (len(construct.items),))
        items = loading * latent[..., k, None] + np.sqrt(1 - loading**2) * noise
        measured["items_continuous"][..., k] = items.mean(axis=-1)
        measured["items_cut"][..., k] = (1 + np.searchsorted(tau, items)).mean(axis=-1)
    table = _path_labels()
    table["true_beta"] = [population.standardized()[_index(y), _index(x)] for x, y in paths()]
    z = stats.norm.ppf(1 - alpha / 2)
    cells = [(_index(y), _index(x)) for x, y in paths()]
    for name, data in measured.items():
        fits = model.closed_form_fit(covariance_stack(data), n)
        std, se = fits.standardized(), path_standard_errors(fits)
        betas = np.stack([std[:, i, j] for i, j in cells], axis=1)
        zs = np.stack([fits.coefficients[:, i, j] / se[:, i, j] for i, j in cells], axis=1)
        table[f"beta_{name}"] = betas.mean(axis=0)
        table[f"ratio_{name}"] = table[f"beta_{name}"] / table["true_beta"]
        table[f"power_{name}"] = (np.abs(zs) > z).mean(axis=0)
    return table.set_index("hypothesis")


# ---------------------------------------------------------------------------------------------
# The generator, step by step (helpers.synthetic)
# ---------------------------------------------------------------------------------------------


@dataclass
class Attempt:
    number: int
    latent_gaps: list[float]
    answers_before_moves: pd.DataFrame | None
    answers: pd.DataFrame | None
    accepted: bool
    latent_correlation: np.ndarray | None = field(default=None, repr=False)
    latent: np.ndarray | None = field(default=None, repr=False)
    first_cut: pd.DataFrame | None = field(default=None, repr=False)


@dataclass
class GeneratorWalkthrough:
    """Everything ``synthetic.generate_survey`` computes on the way to the kit's answers."""

    n: int
    targets: dict
    implied_correlations: pd.DataFrame
    target_correlations: pd.DataFrame
    attempts: list[Attempt]

    @property
    def accepted(self) -> Attempt:
        return self.attempts[-1]

    def targets_table(self) -> pd.DataFrame:
        rows = [
            {
                "hypothesis": h.code,
                "path": f"{_abbreviation(h.predictor)} → {_abbreviation(h.outcome)}",
                "published_beta": self.targets["betas"][(h.predictor, h.outcome)],
            }
            for h in model.HYPOTHESES
        ]
        return pd.DataFrame(rows).set_index("hypothesis")

    def calibration_table(self) -> pd.DataFrame:
        """Beta of each path and the chi-square at each stage of the accepted attempt."""
        attempt = self.accepted
        stages = {
            "target correlations": self.target_correlations.to_numpy(),
            "answers cut, no correction": _score_covariance(attempt.first_cut),
            "latent correlations corrected": _score_covariance(attempt.answers_before_moves),
            "answers moved (final)": _score_covariance(attempt.answers),
        }
        table = self.targets_table()
        chi = {}
        for stage, covariance in stages.items():
            fit = model.closed_form_fit(covariance, self.n)
            table[stage] = [float(fit.path(h.predictor, h.outcome)) for h in model.HYPOTHESES]
            chi[stage] = float(fit.chi_square)
        chi_row = pd.DataFrame(
            [{"path": "model chi-square", "published_beta": self.targets["chi_square"], **chi}],
            index=pd.Index(["χ²"], name="hypothesis"),
        )
        return pd.concat([table, chi_row])

    def attempts_table(self) -> pd.DataFrame:
        rows = []
        for attempt in self.attempts:
            rows.append(
                {
                    "attempt": attempt.number,
                    "latent_iterations": len(attempt.latent_gaps),
                    "largest_gap_first": attempt.latent_gaps[0],
                    "largest_gap_last": attempt.latent_gaps[-1],
                    "calibrated": attempt.answers is not None,
                    "answers_moved": _moves(attempt),
                    "accepted": attempt.accepted,
                }
            )
        return pd.DataFrame(rows).set_index("attempt")


def _score_covariance(answers: pd.DataFrame) -> np.ndarray:
    scores = synthetic._scores(answers)
    return np.cov(scores, rowvar=False, bias=True)


def _moves(attempt: Attempt) -> int | None:
    if attempt.answers is None or attempt.answers_before_moves is None:
        return None
    return int(np.abs(attempt.answers.to_numpy() - attempt.answers_before_moves.to_numpy()).sum())


def generator_walkthrough(seed: int = settings.SEED, n: int | None = None) -> GeneratorWalkthrough:
    """Repeat ``synthetic.generate_survey``'s steps 1-5 and keep the intermediate results.

    Uses the generator's own functions; the accepted attempt's answers are the shipped file's
    answers (reverse-worded items as scored, i.e. recoded). Takes about a second.
    """
    n = STUDY_N if n is None else n
    targets = synthetic._targets()
    implied = synthetic.implied_correlations(targets["betas"])
    target = synthetic.target_correlations(n, targets["betas"], targets["chi_square"])
    attempts = []
    attempt_seeds = np.random.SeedSequence(seed).spawn(synthetic.MAX_ATTEMPTS)
    for number, attempt_seed in enumerate(attempt_seeds, start=1):
        rng = np.random.default_rng(attempt_seed)
        attempt = _attempt(number, rng, n, target, targets)
        attempts.append(attempt)
        if attempt.accepted:
            break
    names = list(model.VARIABLES)
    return GeneratorWalkthrough(
        n,
        targets,
        pd.DataFrame(implied, index=names, columns=names),
        pd.DataFrame(target, index=names, columns=names),
        attempts,
    )


def _attempt(number, rng, n, target_corr, targets) -> Attempt:
    """One attempt of the generator (``synthetic.calibration_attempt``: same draws, same order)."""
    run = synthetic.calibration_attempt(rng, n, target_corr, targets)
    accepted = run.answers is not None and synthetic._acceptable(run.answers)
    return Attempt(
        number,
        run.latent_gaps,
        run.answers_before_moves,
        run.answers,
        accepted,
        run.latent_correlation,
        run.latent,
        run.first_cut,
    )


def answer_shares(answers: pd.DataFrame, construct_key: str) -> pd.DataFrame:
    """Share (%) of each answer 1-5 for every item of one construct, with the generator's
    typical shares for the construct in the last row."""
    construct = ins.construct(construct_key)
    table = pd.DataFrame(
        {
            column: answers[column].value_counts(normalize=True).reindex(ins.LIKERT_SCALE, fill_value=0.0)
            for column in construct.item_columns
        }
    ).T
    table.loc["generator's typical shares"] = synthetic.ANSWER_SHARES[construct_key]
    table.columns = pd.Index(list(ins.LIKERT_SCALE), name="answer")
    return 100 * table


def acceptance_table(answers: pd.DataFrame) -> pd.DataFrame:
    """The generator's acceptance checks per construct (KS p-value, Cronbach's alpha), with the
    Shapiro-Wilk p-value the generator does not check."""
    scores = synthetic._scores(answers)
    rows = []
    for k, construct in enumerate(ins.CONSTRUCTS):
        values = scores[:, k]
        items = answers[construct.item_columns].to_numpy(dtype=float)
        k_items = items.shape[1]
        item_variance = items.var(axis=0, ddof=1).sum()
        alpha = k_items / (k_items - 1) * (1 - item_variance / items.sum(axis=1).var(ddof=1))
        rows.append(
            {
                "construct": construct.abbreviation,
                "ks_p": stats.kstest(values, "norm", args=(values.mean(), values.std(ddof=1))).pvalue,
                "cronbach_alpha": alpha,
                "shapiro_p": stats.shapiro(values).pvalue,
                "distinct_values": len(np.unique(values)),
            }
        )
    table = pd.DataFrame(rows).set_index("construct")
    table["ks_ok"] = table["ks_p"] >= synthetic.NORMALITY_ALPHA
    table["alpha_ok"] = table["cronbach_alpha"] >= synthetic.MIN_CRONBACH_ALPHA
    return table


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
    targets = synthetic._targets()
    factor = np.linalg.cholesky(synthetic.target_correlations(n, targets["betas"], targets["chi_square"]))
    rng = np.random.default_rng(seed)
    latent = rng.standard_normal((n_datasets, n, len(ins.CONSTRUCTS))) @ factor.T
    names = [c.abbreviation for c in ins.CONSTRUCTS]
    shapiro = np.zeros((n_datasets, len(names)), dtype=bool)
    ks = np.zeros_like(shapiro)
    for k, construct in enumerate(ins.CONSTRUCTS):
        size = (n_datasets, 1, len(construct.items))
        loadings = rng.uniform(*synthetic.ITEM_LOADING_RANGE, size=size)
        shifts = rng.normal(0.0, synthetic.ITEM_SHIFT_SD, size=size)
        noise = rng.standard_normal((n_datasets, n, len(construct.items)))
        items = loadings * latent[..., k, None] + np.sqrt(1 - loadings**2) * noise - shifts
        tau = stats.norm.ppf(np.cumsum(shares[construct.key])[:-1])
        score = (1 + np.searchsorted(tau, items)).mean(axis=-1)  # (datasets, n)
        shapiro[:, k] = stats.shapiro(score, axis=1).pvalue < alpha
        # KS against the normal with each dataset's own mean and SD = KS of its z-scores against N(0, 1)
        z = (score - score.mean(axis=1, keepdims=True)) / score.std(axis=1, ddof=1, keepdims=True)
        ks[:, k] = stats.kstest(z, "norm", axis=1).pvalue < alpha
    table = pd.DataFrame(
        {"shapiro_wilk_rejects": shapiro.mean(axis=0), "ks_rejects": ks.mean(axis=0)},
        index=pd.Index(names, name="construct"),
    )
    table.loc["any construct"] = [shapiro.any(axis=1).mean(), ks.any(axis=1).mean()]
    return table
