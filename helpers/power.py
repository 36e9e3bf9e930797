"""Beyond the paper: what can a study of N = 190 firms detect? Monte Carlo and analytic power.

Draw many datasets of N firms from a population in which the model holds (the correlations that
Table 5's betas imply, or the model fitted to a survey), fit every dataset at once in closed form
(``helpers.paper_model.fit_covariances``) and test each path with lavaan's Wald z-test (ML
standard errors from the expected information). The share of datasets in which a path is
significant is its power. ``monte_carlo_power`` does this for every path beside the normal
approximation of ``analytic_power``; ``n_for_power`` searches for the N that gives a path 80%
power; ``power_curve`` traces power against N. The simulations draw firms in memory-bounded
chunks (``helpers.sem.simulation``) and are seeded (``settings.SEED``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from helpers import paper_model, published, settings, synthetic
from helpers.paper_model import VARIABLES
from helpers.sem import simulation

# The study's sample size, from the published facts (data/published/study_facts.csv).
STUDY_N = int(published.fact("n_firms"))
ALPHA = 0.05
N_REPLICATIONS = 1000
TARGET_POWER = 0.80
DISTRIBUTIONS = simulation.SHOCKS


def published_betas() -> dict[tuple[str, str], float]:
    """Table 5's standardized paths: {(predictor, outcome): beta}."""
    return {(r.predictor, r.outcome): float(r.beta) for r in published.table5().itertuples()}


def population_covariance(source: str = "published", scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """The covariance matrix the simulations draw from (``VARIABLES`` order).

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
        matrix = paper_model.fit_covariances(paper_model.score_covariance(scores), len(scores)).implied
    else:
        raise ValueError("source must be 'published' or 'fitted'")
    return pd.DataFrame(matrix, index=list(VARIABLES), columns=list(VARIABLES))


def population_fit(covariance, correlated_outcomes: bool = True, direct_paths: bool = False):
    """The model fitted to the population covariance itself (n = 1: only the χ² depends on n,
    and it is zero for a population in which the model holds)."""
    return paper_model.fit_covariances(
        np.asarray(covariance, dtype=float), 1, correlated_outcomes, direct_paths
    )


def paths(direct_paths: bool = False) -> list[tuple[str, str]]:
    """(predictor, outcome) of every path: Table 5's order, then any direct paths."""
    listed = [(h.predictor, h.outcome) for h in paper_model.HYPOTHESES]
    equations = paper_model.equations(direct_paths)
    return listed + [(x, y) for y, xs in equations.items() for x in xs if (x, y) not in listed]


def path_column(predictor: str, outcome: str) -> int:
    """Where the path ``predictor`` -> ``outcome`` sits in ``paths()``, or a clear error."""
    try:
        return paths().index((predictor, outcome))
    except ValueError:
        listed = ", ".join(f'("{x}", "{y}")' for x, y in paths())
        raise ValueError(
            f'"{predictor}" -> "{outcome}" is not a path of the paper\'s model; give one of '
            f"{listed} (construct keys as in helpers.instrument)"
        ) from None


def path_labels(direct_paths: bool = False) -> pd.DataFrame:
    """hypothesis (or "direct") and "PCDP → IT" for every path of ``paths``."""
    codes = {(h.predictor, h.outcome): h.code for h in paper_model.HYPOTHESES}
    rows = [
        {
            "hypothesis": codes.get((x, y), "direct"),
            "path": f"{paper_model.abbreviation(x)} → {paper_model.abbreviation(y)}",
        }
        for x, y in paths(direct_paths)
    ]
    return pd.DataFrame(rows)


def _cells(direct_paths: bool) -> list[tuple[int, int]]:
    return [(VARIABLES.index(y), VARIABLES.index(x)) for x, y in paths(direct_paths)]


@dataclass
class Simulation:
    """Estimates and ML standard errors of every path in every simulated dataset."""

    population: paper_model.StackedFits
    estimates: np.ndarray = field(repr=False)  # (R, number of paths), unstandardized B
    standardized: np.ndarray = field(repr=False)  # (R, number of paths), beta
    standard_errors: np.ndarray = field(repr=False)  # (R, number of paths)
    chi_squares: np.ndarray = field(repr=False)  # (R,)
    n: int
    alpha: float
    direct_paths: bool
    df: int

    @property
    def n_replications(self) -> int:
        return len(self.chi_squares)

    def significant(self) -> np.ndarray:
        """(R, paths): whether the Wald test rejects B = 0 at ``alpha``."""
        return np.abs(self.estimates / self.standard_errors) > stats.norm.ppf(1 - self.alpha / 2)

    def table(self) -> pd.DataFrame:
        """One row per path: true values, mean estimate, bias, empirical SD of the estimates,
        mean ML SE, coverage of the 95% Wald interval and power (share significant)."""
        cells = _cells(self.direct_paths)
        true_b = np.array([self.population.coefficients[i, j] for i, j in cells])
        true_beta = np.array([self.population.standardized()[i, j] for i, j in cells])
        half = stats.norm.ppf(1 - self.alpha / 2) * self.standard_errors
        table = path_labels(self.direct_paths)
        table["true_beta"] = true_beta
        table["mean_beta"] = self.standardized.mean(axis=0)
        table["true_B"] = true_b
        table["mean_B"] = self.estimates.mean(axis=0)
        table["bias_B"] = table["mean_B"] - true_b
        table["empirical_sd"] = self.estimates.std(axis=0, ddof=1)
        table["mean_se"] = self.standard_errors.mean(axis=0)
        table["coverage"] = (np.abs(self.estimates - true_b) <= half).mean(axis=0)
        table["power"] = self.significant().mean(axis=0)
        return table.set_index("hypothesis")

    def chi_square_rejection_rate(self) -> float:
        """Share of datasets whose (true) model's chi-square test rejects at ``alpha``: it should
        be close to alpha."""
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
    """Simulate ``n_replications`` datasets of ``n`` firms (``helpers.sem.simulation``) and fit the
    model to all of them at once. ``covariance`` defaults to ``population_covariance()``."""
    covariance = population_covariance() if covariance is None else covariance
    population = population_fit(covariance, correlated_outcomes, direct_paths)
    covariances = simulation.covariances(population.implied, n, n_replications, seed, distribution)
    fits = paper_model.fit_covariances(covariances, n, correlated_outcomes, direct_paths)
    se, std = fits.path_standard_errors(), fits.standardized()
    cells = _cells(direct_paths)
    return Simulation(
        population=population,
        estimates=np.stack([fits.coefficients[:, i, j] for i, j in cells], axis=1),
        standardized=np.stack([std[:, i, j] for i, j in cells], axis=1),
        standard_errors=np.stack([se[:, i, j] for i, j in cells], axis=1),
        chi_squares=fits.chi_square,
        n=n,
        alpha=alpha,
        direct_paths=direct_paths,
        df=paper_model.degrees_of_freedom(correlated_outcomes, direct_paths),
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
    population = population_fit(covariance, direct_paths=direct_paths)
    se = population.path_standard_errors() / np.sqrt(n)  # the population is fitted with n = 1
    z = stats.norm.ppf(1 - alpha / 2)
    values = []
    for i, j in _cells(direct_paths):
        ratio = abs(population.coefficients[i, j]) / se[i, j]
        values.append(stats.norm.cdf(ratio - z) + stats.norm.cdf(-ratio - z))
    return pd.Series(values, index=pd.Index(path_labels(direct_paths)["hypothesis"]), name="analytic_power")


def cohens_f_squared(covariance=None, direct_paths: bool = False) -> pd.Series:
    """Cohen's (1988) effect size of each path: f² = (R² - R²₋ⱼ) / (1 - R²), from the population.

    R² is the outcome's explained variance with all its predictors, R²₋ⱼ without the path's
    predictor; both come from the population correlations by regression algebra
    (R² = r_yX R_XX⁻¹ r_Xy), without fitting the model. In this recursive model the path's z-test
    at N firms has noncentrality sqrt(N·f²), so f² alone sets its power at any N.
    """
    covariance = population_covariance() if covariance is None else covariance
    matrix = np.asarray(covariance, dtype=float)
    sd = np.sqrt(np.diag(matrix))
    correlation = pd.DataFrame(matrix / np.outer(sd, sd), index=list(VARIABLES), columns=list(VARIABLES))

    def r_squared(outcome: str, predictors: list[str]) -> float:
        if not predictors:
            return 0.0
        r_xy = correlation.loc[predictors, outcome].to_numpy()
        return float(r_xy @ np.linalg.solve(correlation.loc[predictors, predictors].to_numpy(), r_xy))

    equations = paper_model.equations(direct_paths)
    values = []
    for x, y in paths(direct_paths):
        full = r_squared(y, equations[y])
        without = r_squared(y, [p for p in equations[y] if p != x])
        values.append((full - without) / (1 - full))
    return pd.Series(values, index=pd.Index(path_labels(direct_paths)["hypothesis"]), name="f_squared")


def analytic_n(
    predictor: str, outcome: str, covariance=None, power: float = TARGET_POWER, alpha: float = ALPHA
) -> float:
    """N that the normal approximation says gives ``power``: ((z_(1-α/2) + z_power) SE₁ / |B|)²,
    SE₁ the standard error at N = 1 (ignores the tiny chance of rejecting in the wrong tail)."""
    covariance = population_covariance() if covariance is None else covariance
    path_column(predictor, outcome)  # a non-path would give 0/0 below
    population = population_fit(covariance)
    i, j = VARIABLES.index(outcome), VARIABLES.index(predictor)
    se1 = population.path_standard_errors()[i, j]
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
        path = f"{paper_model.abbreviation(self.predictor)} → {paper_model.abbreviation(self.outcome)}"
        return pd.DataFrame(
            {
                "path": [path],
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

    Defaults to Table 5's smallest path. A bisection over N; every N uses the same seed, and a
    larger N only adds firms to each replication (common random numbers), so the estimated
    power rises smoothly with N and the bisection is stable.
    """
    if predictor is None or outcome is None:
        predictor, outcome = smallest_published_path()
    covariance = population_covariance() if covariance is None else covariance
    column = path_column(predictor, outcome)
    cache: dict[int, float] = {}

    def power_at(n: int) -> float:
        if n not in cache:
            cache[n] = float(
                simulate(covariance, n, n_replications, seed, alpha).significant()[:, column].mean()
            )
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
        low, high = (low, middle) if power_at(middle) >= target else (middle, high)
    steps = pd.DataFrame(sorted(cache.items()), columns=["n", "power"])
    below = power_at(high - 1) if high > n_min else np.nan
    return SampleSizeSearch(
        predictor,
        outcome,
        target,
        high,
        power_at(high),
        below,
        analytic_n(predictor, outcome, covariance, target, alpha),
        steps,
    )


def power_curve(covariance=None, sizes=None, alpha: float = ALPHA) -> pd.DataFrame:
    """Analytic power of every path over a range of N (long table: n, hypothesis, path, power)."""
    covariance = population_covariance() if covariance is None else covariance
    sizes = np.arange(50, 1001, 10) if sizes is None else np.asarray(sizes)
    labels = path_labels().set_index("hypothesis")["path"]
    frames = []
    for n in sizes:
        power = analytic_power(covariance, int(n), alpha)
        frames.append(pd.DataFrame({"n": int(n), "hypothesis": power.index, "power": power.to_numpy()}))
    table = pd.concat(frames, ignore_index=True)
    table["path"] = table["hypothesis"].map(labels)
    return table[["n", "hypothesis", "path", "power"]]
