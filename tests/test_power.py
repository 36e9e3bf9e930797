"""helpers.power against independent computations: lavaan's and semopy's standard errors, the
normal-approximation power formula, and Monte Carlo error bounds."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import paper_model, power, published, settings
from helpers.sem import simulation
from helpers.survey import load_survey, score_constructs

SCORES = score_constructs(load_survey(settings.SHIPPED_SURVEY_FILE))
FIXTURE = json.loads((settings.REPO_ROOT / "tests" / "fixtures" / "lavaan_robustness.json").read_text())


def _monte_carlo_tolerance(p: float, replications: int) -> float:
    return 4 * np.sqrt(max(p * (1 - p), 0.01) / replications)


@pytest.mark.parametrize("name", list(paper_model.VARIANTS))
def test_path_standard_errors_are_lavaans(name):
    variant = paper_model.VARIANTS[name]
    fits = paper_model.fit_covariances(
        paper_model.score_covariance(SCORES), len(SCORES), variant.correlated_outcomes, variant.direct_paths
    )
    se = fits.path_standard_errors()
    lavaan = pd.DataFrame(FIXTURE["models"][name]["parameters"])
    for row in lavaan[lavaan["op"] == "~"].itertuples():
        i, j = paper_model.VARIABLES.index(row.lhs), paper_model.VARIABLES.index(row.rhs)
        assert se[i, j] == pytest.approx(row.se_ml, abs=1e-8)


def test_first_simulated_dataset_fits_like_semopy():
    sim = power.simulate(n=190, n_replications=3, seed=5)
    data = simulation.simulate(sim.population.implied, 190, 3, seed=5)[0]
    fitted = paper_model.fit(pd.DataFrame(data, columns=list(paper_model.VARIABLES)), estimator="semopy")
    table = fitted.parameter_estimates().set_index(["lhs", "op", "rhs"])
    for k, (predictor, outcome) in enumerate(power.paths()):
        row = table.loc[(outcome, "~", predictor)]
        assert sim.estimates[0, k] == pytest.approx(row["est"], abs=1e-5)
        assert sim.standard_errors[0, k] == pytest.approx(row["se"], abs=1e-5)
        assert sim.standardized[0, k] == pytest.approx(row["std_all"], abs=1e-5)
    assert sim.chi_squares[0] == pytest.approx(fitted.chisq, abs=1e-5)


def test_simulated_scores_have_the_population_covariance():
    population = power.population_covariance().to_numpy()
    for distribution in power.DISTRIBUTIONS:
        covariances = simulation.covariances(population, 190, 400, seed=3, distribution=distribution)
        assert np.allclose(covariances.mean(axis=0) * 190 / 189, population, atol=0.03), distribution


def test_skewed_and_heteroskedastic_shocks_have_the_stated_shape():
    rng = np.random.default_rng(0)
    skewed = simulation.shocks(rng, (400_000,), "skewed")
    assert stats.skew(skewed) == pytest.approx(np.sqrt(8 / simulation.SKEWED_DF), abs=0.05)
    assert stats.kurtosis(skewed) == pytest.approx(12 / simulation.SKEWED_DF, abs=0.3)
    hetero = simulation.shocks(rng, (400_000, 2), "heteroskedastic")
    assert np.cov(hetero, rowvar=False) == pytest.approx(np.eye(2), abs=0.02)
    # the second shock's spread grows with the size of the first
    large = np.abs(hetero[:, 0]) > 1.5
    assert hetero[large, 1].std() > 1.3 * hetero[~large, 1].std()


def test_monte_carlo_power_agrees_with_the_normal_approximation():
    table = power.monte_carlo_power(n_replications=1000)
    assert len(table) == 8
    for hypothesis, row in table.iterrows():
        tolerance = _monte_carlo_tolerance(row["analytic_power"], 1000) + 0.01
        assert abs(row["power"] - row["analytic_power"]) < tolerance, hypothesis
        assert abs(row["coverage"] - 0.95) < _monte_carlo_tolerance(0.95, 1000), hypothesis
    # Table 5's betas are the population's standardized paths
    published = power.published_betas()
    for h in paper_model.HYPOTHESES:
        assert table.loc[h.code, "true_beta"] == pytest.approx(published[(h.predictor, h.outcome)], abs=1e-12)


def test_analytic_power_is_the_textbook_formula():
    # simple regression PCDP -> IT with standardized variables: SE = sqrt((1 - beta^2) / N)
    beta, n = power.published_betas()[("partnership_collaboration", "international_trade")], 60
    se = np.sqrt((1 - beta**2) / n)
    z = stats.norm.ppf(0.975)
    expected = stats.norm.cdf(beta / se - z) + stats.norm.cdf(-beta / se - z)
    assert power.analytic_power(n=n)["H1a"] == pytest.approx(expected, rel=1e-10)


def test_paths_that_are_zero_in_the_population_are_rejected_at_the_nominal_rate():
    sim = power.simulate(n=190, n_replications=2000, seed=11, direct_paths=True)
    table = sim.table()
    direct = table.loc["direct"]
    assert np.allclose(direct["true_B"], 0, atol=1e-12)
    for rate in direct["power"]:
        assert abs(rate - 0.05) < _monte_carlo_tolerance(0.05, 2000)
    assert abs(sim.chi_square_rejection_rate() - 0.05) < _monte_carlo_tolerance(0.05, 2000)


def test_n_for_power_brackets_80_percent_for_the_smallest_published_path():
    search = power.n_for_power(n_replications=1000)
    table5 = published.table5()
    smallest = table5.loc[table5["beta"].abs().idxmin()]
    assert (search.predictor, search.outcome) == (smallest["predictor"], smallest["outcome"])
    assert search.power_at_n >= 0.80 > search.power_below
    # the reported power is that path's column of a simulation at that N (same seed)
    column = power.paths().index((search.predictor, search.outcome))
    at_n = power.simulate(n=search.n, n_replications=1000).significant()[:, column].mean()
    assert at_n == pytest.approx(search.power_at_n)
    # independent check: the normal approximation's power at that N, within Monte Carlo error
    path = (search.predictor, search.outcome)
    hypothesis = next(h.code for h in paper_model.HYPOTHESES if (h.predictor, h.outcome) == path)
    analytic = power.analytic_power(n=search.n)[hypothesis]
    assert abs(search.power_at_n - analytic) < _monte_carlo_tolerance(analytic, 1000)
    # the normal approximation gives about the same N, and its own power at that N is 80%
    assert abs(search.n - search.analytic_n) < 0.1 * search.analytic_n
    power_at_analytic = power.analytic_power(n=search.analytic_n)[hypothesis]
    assert power_at_analytic == pytest.approx(0.80, abs=1e-3)


def test_a_pair_that_is_not_a_path_is_refused_with_the_paths_to_choose_from():
    for ask in (power.analytic_n, power.n_for_power):
        with pytest.raises(ValueError, match="is not a path of the paper's model") as error:
            ask("innovation_agility", "international_trade")
        assert '("international_trade", "innovation_agility")' in str(error.value)


def test_cohens_f_squared_is_the_squared_noncentrality_per_firm():
    population = power.population_covariance()
    f2 = power.cohens_f_squared(population)
    betas = power.published_betas()
    for (x, y), h in zip(power.paths(), f2.index):
        if h in ("H1a", "H1b"):  # the only predictor of its outcome: f² = β²/(1 - β²)
            assert f2[h] == pytest.approx(betas[(x, y)] ** 2 / (1 - betas[(x, y)] ** 2), abs=1e-12)
    fitted = power.population_fit(population)
    se = fitted.path_standard_errors()  # at N = 1
    for k, (x, y) in enumerate(power.paths()):
        i, j = paper_model.VARIABLES.index(y), paper_model.VARIABLES.index(x)
        assert f2.iloc[k] == pytest.approx((fitted.coefficients[i, j] / se[i, j]) ** 2, rel=1e-9)
