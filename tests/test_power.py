"""helpers.power against independent computations: lavaan's and semopy's standard errors, the
normal-approximation power formula, exact bivariate-normal and reliability formulas for
attenuation, and the shipped data file for the generator walkthrough."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import model, path_model, power, published, resampling, settings, synthetic
from helpers.survey import load_survey, recode_reverse_items, score_constructs

SURVEY = load_survey(settings.SHIPPED_SURVEY_FILE)
SCORES = score_constructs(SURVEY)
FIXTURE = json.loads((settings.REPO_ROOT / "tests" / "fixtures" / "lavaan_robustness.json").read_text())
MODELS = resampling.MODEL_NAMES


def _monte_carlo_tolerance(p: float, replications: int) -> float:
    return 4 * np.sqrt(max(p * (1 - p), 0.01) / replications)


@pytest.mark.parametrize("name", list(MODELS))
def test_path_standard_errors_are_lavaans(name):
    correlated, direct = MODELS[name]
    fit = model.closed_form_fit(model.ml_covariance(SCORES), len(SCORES), correlated, direct)
    se = power.path_standard_errors(fit, direct)
    lavaan = pd.DataFrame(FIXTURE["models"][name]["parameters"])
    for row in lavaan[lavaan["op"] == "~"].itertuples():
        assert se[model.VARIABLES.index(row.lhs), model.VARIABLES.index(row.rhs)] == pytest.approx(
            row.se_ml, abs=1e-8
        )


def test_first_simulated_dataset_fits_like_semopy():
    sim = power.simulate(n=190, n_replications=3, seed=5)
    data = power.simulate_scores(sim.population.implied, 190, 3, seed=5)[0]
    fitted = path_model.fit_path_model(pd.DataFrame(data, columns=list(model.VARIABLES)))
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
        data = power.simulate_scores(population, 190, 400, seed=3, distribution=distribution)
        mean_covariance = power.covariance_stack(data).mean(axis=0) * 190 / 189
        assert np.allclose(mean_covariance, population, atol=0.03), distribution


def test_shocks_have_the_stated_moments():
    rng = np.random.default_rng(0)
    skewed = power._shocks(rng, (400_000,), "skewed")
    assert skewed.mean() == pytest.approx(0, abs=0.01)
    assert skewed.var() == pytest.approx(1, abs=0.02)
    assert stats.skew(skewed) == pytest.approx(np.sqrt(8 / power.SKEWED_DF), abs=0.05)
    assert stats.kurtosis(skewed) == pytest.approx(12 / power.SKEWED_DF, abs=0.3)
    heavy = power._shocks(rng, (400_000,), "heavy-tailed")
    assert heavy.var() == pytest.approx(1, abs=0.03)
    hetero = power._shocks(rng, (400_000, 2), "heteroskedastic")
    assert np.cov(hetero, rowvar=False) == pytest.approx(np.eye(2), abs=0.02)
    # the second shock's spread grows with the size of the first
    large = np.abs(hetero[:, 0]) > 1.5
    assert hetero[large, 1].std() > 1.3 * hetero[~large, 1].std()


def test_a_larger_n_only_adds_firms():
    population = power.population_covariance().to_numpy()
    small = power.simulate_scores(population, 100, 5, seed=9)
    large = power.simulate_scores(population, 150, 5, seed=9)
    assert np.array_equal(large[:, :100], small)


def test_monte_carlo_power_agrees_with_the_normal_approximation():
    table = power.monte_carlo_power(n_replications=1000)
    assert len(table) == 8
    for hypothesis, row in table.iterrows():
        tolerance = _monte_carlo_tolerance(row["analytic_power"], 1000) + 0.01
        assert abs(row["power"] - row["analytic_power"]) < tolerance, hypothesis
        assert abs(row["coverage"] - 0.95) < _monte_carlo_tolerance(0.95, 1000), hypothesis
    # Table 5's betas are the population's standardized paths
    published = power.published_betas()
    for h in model.HYPOTHESES:
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
    hypothesis = next(h.code for h in model.HYPOTHESES if (h.predictor, h.outcome) == path)
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


def _cut_correlation(rho: float, shares_x, shares_y) -> float:
    """Exact correlation of two bivariate-normal variables after cutting them into answers."""
    bounds = [np.r_[-8.0, stats.norm.ppf(np.cumsum(s)[:-1]), 8.0] for s in (shares_x, shares_y)]
    normal = stats.multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]])
    cdf = np.array([[normal.cdf([a, b]) for b in bounds[1]] for a in bounds[0]])
    cells = np.diff(np.diff(cdf, axis=0), axis=1)
    answers = np.arange(1, 6)
    px, py = cells.sum(axis=1), cells.sum(axis=0)
    mx, my = px @ answers, py @ answers
    cov = answers @ cells @ answers - mx * my
    return cov / np.sqrt((px @ answers**2 - mx**2) * (py @ answers**2 - my**2))


def test_categorization_correlation_matches_a_large_sample():
    shares = synthetic.ANSWER_SHARES["international_trade"]
    z = np.random.default_rng(2).standard_normal(1_000_000)
    cut = 1 + np.searchsorted(stats.norm.ppf(np.cumsum(shares)[:-1]), z)
    assert power.categorization_correlation(shares) == pytest.approx(np.corrcoef(z, cut)[0, 1], abs=0.002)


def test_ordinal_scenarios_attenuate_as_theory_says():
    table = power.ordinal_scenarios(n_replications=1000)
    # latent scores: unbiased
    assert np.allclose(table["ratio_latent"], 1, atol=0.02)
    # H1a is a simple regression, so its beta is a correlation: compare with exact formulas
    rho = table.loc["H1a", "true_beta"]
    shares = synthetic.ANSWER_SHARES
    exact_cut = _cut_correlation(rho, shares["partnership_collaboration"], shares["international_trade"])
    assert table.loc["H1a", "beta_latent_cut"] == pytest.approx(exact_cut, abs=0.01)
    loading = np.mean(synthetic.ITEM_LOADING_RANGE)

    def reliability(k):  # of the mean of k parallel items with this loading
        return k * loading**2 / (k * loading**2 + 1 - loading**2)

    k_pcdp, k_it = (len(c.items) for c in power.ins.CONSTRUCTS[:2])
    expected = rho * np.sqrt(reliability(k_pcdp) * reliability(k_it))
    assert table.loc["H1a", "beta_items_continuous"] == pytest.approx(expected, abs=0.01)
    # cutting the items attenuates further
    assert (table["beta_items_cut"] < table["beta_items_continuous"]).all()


def test_nonnormal_scenarios_keep_estimates_but_heteroskedasticity_breaks_ml_standard_errors():
    paths, summary = power.nonnormal_scenarios(n_replications=600)
    assert list(summary.index) == list(power.DISTRIBUTIONS)
    assert summary.loc["skewed", "mean_skewness"] > 0.5
    assert summary.loc["heavy-tailed", "mean_excess_kurtosis"] > 1
    for distribution in power.DISTRIBUTIONS:
        rows = paths[paths["distribution"] == distribution]
        assert np.allclose(rows["bias_B"], 0, atol=0.02), distribution
    hetero = paths[paths["distribution"] == "heteroskedastic"]
    assert (hetero["empirical_sd"] > hetero["mean_se"]).all()
    assert summary.loc["heteroskedastic", "mean_coverage"] < 0.92 < summary.loc["normal", "mean_coverage"]


def test_generator_walkthrough_ends_with_the_shipped_answers():
    walk = power.generator_walkthrough()
    shipped = recode_reverse_items(SURVEY).reset_index(drop=True)
    final = walk.accepted.answers
    assert final[list(shipped.columns)].equals(shipped.astype(final.dtypes.iloc[0]))
    calibration = walk.calibration_table()
    fit = model.closed_form_fit(model.ml_covariance(SCORES), len(SCORES))
    for h in model.HYPOTHESES:
        assert calibration.loc[h.code, "answers moved (final)"] == pytest.approx(
            float(fit.path(h.predictor, h.outcome)), abs=1e-12
        )
    assert calibration.loc["χ²", "answers moved (final)"] == pytest.approx(float(fit.chi_square))
    assert calibration.loc["χ²", "target correlations"] == pytest.approx(walk.targets["chi_square"], abs=1e-6)
    checks = power.acceptance_table(final)
    assert checks["ks_ok"].all() and checks["alpha_ok"].all()


def test_shapiro_wilk_rejection_counts_each_dataset_once():
    table = power.shapiro_wilk_rejection(n_datasets=30, seed=4)
    assert list(table.columns) == ["shapiro_wilk_rejects", "ks_rejects"]
    per_construct = table.drop(index="any construct")
    assert ((per_construct >= 0) & (per_construct <= 1)).all().all()
    assert (table.loc["any construct"] >= per_construct.max()).all()
    # Shapiro-Wilk is the more sensitive test for these discrete scores
    assert (per_construct["shapiro_wilk_rejects"] >= per_construct["ks_rejects"]).all()
    assert table.equals(power.shapiro_wilk_rejection(n_datasets=30, seed=4))
