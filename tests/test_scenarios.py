"""helpers.scenarios and the generator walkthrough against independent computations: exact
bivariate-normal and reliability formulas for attenuation, and the shipped data file."""

import numpy as np
import pytest
from scipy import stats

from helpers import generator_walkthrough, instrument, paper_model, scenarios, settings, synthetic
from helpers.survey import load_survey, recode_reverse_items, score_constructs

SURVEY = load_survey(settings.SHIPPED_SURVEY_FILE)
SCORES = score_constructs(SURVEY)


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
    assert scenarios.categorization_correlation(shares) == pytest.approx(np.corrcoef(z, cut)[0, 1], abs=0.002)


def test_ordinal_scenarios_attenuate_as_theory_says():
    table = scenarios.ordinal_scenarios(n_replications=1000)
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

    k_pcdp, k_it = (len(c.items) for c in instrument.CONSTRUCTS[:2])
    expected = rho * np.sqrt(reliability(k_pcdp) * reliability(k_it))
    assert table.loc["H1a", "beta_items_continuous"] == pytest.approx(expected, abs=0.01)
    # cutting the items attenuates further
    assert (table["beta_items_cut"] < table["beta_items_continuous"]).all()


def test_nonnormal_scenarios_keep_estimates_but_heteroskedasticity_breaks_ml_standard_errors():
    paths, summary = scenarios.nonnormal_scenarios(n_replications=600)
    assert list(summary.index) == list(scenarios.DISTRIBUTIONS)
    assert summary.loc["skewed", "mean_skewness"] > 0.5
    assert summary.loc["heavy-tailed", "mean_excess_kurtosis"] > 1
    for distribution in scenarios.DISTRIBUTIONS:
        rows = paths[paths["distribution"] == distribution]
        assert np.allclose(rows["bias_B"], 0, atol=0.02), distribution
    hetero = paths[paths["distribution"] == "heteroskedastic"]
    assert (hetero["empirical_sd"] > hetero["mean_se"]).all()
    assert summary.loc["heteroskedastic", "mean_coverage"] < 0.92 < summary.loc["normal", "mean_coverage"]


def test_generator_walkthrough_ends_with_the_shipped_answers():
    walk = generator_walkthrough.generator_walkthrough()
    shipped = recode_reverse_items(SURVEY).reset_index(drop=True)
    final = walk.accepted.answers
    assert final[list(shipped.columns)].equals(shipped.astype(final.dtypes.iloc[0]))
    calibration = walk.calibration_table()
    fit = paper_model.fit_covariances(paper_model.score_covariance(SCORES), len(SCORES))
    for h in paper_model.HYPOTHESES:
        assert calibration.loc[h.code, "answers moved (final)"] == pytest.approx(
            float(fit.path(h.predictor, h.outcome)), abs=1e-12
        )
    assert calibration.loc["χ²", "answers moved (final)"] == pytest.approx(float(fit.chi_square))
    assert calibration.loc["χ²", "target correlations"] == pytest.approx(walk.targets["chi_square"], abs=1e-6)
    checks = generator_walkthrough.acceptance_table(final)
    assert checks["ks_ok"].all() and checks["alpha_ok"].all()


def test_shapiro_wilk_rejection_counts_each_dataset_once():
    table = scenarios.shapiro_wilk_rejection(n_datasets=30, seed=4)
    assert list(table.columns) == ["shapiro_wilk_rejects", "ks_rejects"]
    per_construct = table.drop(index="any construct")
    assert ((per_construct >= 0) & (per_construct <= 1)).all().all()
    assert (table.loc["any construct"] >= per_construct.max()).all()
    # Shapiro-Wilk is the more sensitive test for these discrete scores
    assert (per_construct["shapiro_wilk_rejects"] >= per_construct["ks_rejects"]).all()
    assert table.equals(scenarios.shapiro_wilk_rejection(n_datasets=30, seed=4))


def test_the_ks_selection_sentence_states_the_generators_rule_and_the_simulated_share():
    table = scenarios.shapiro_wilk_rejection(n_datasets=30, seed=4)
    ks_any = table.loc["any construct", "ks_rejects"]
    text = scenarios.ks_selection(table)
    assert f"an outcome of just {1 - ks_any:.0%} of the datasets" in text
    assert f"KS rejects at least one score in {ks_any:.0%}" in text
    assert f"(α = {synthetic.NORMALITY_ALPHA:g}".replace("0.", ".") in text
    assert "rejected none of its six scores" in text
    # the rule the sentence states is the generator's: the shipped answers pass KS on every score,
    # and answers that KS rejects on one score are refused
    answers = recode_reverse_items(SURVEY)[instrument.item_columns()].reset_index(drop=True)
    assert synthetic.acceptable(answers)
    bimodal = answers.copy()
    it_items = instrument.CONSTRUCTS[1].item_columns
    for column in it_items:
        bimodal[column] = np.where(np.arange(len(answers)) % 2 == 0, 1, 5)
    assert not synthetic.acceptance_checks(bimodal).loc[instrument.CONSTRUCTS[1].abbreviation, "ks_ok"]
    assert not synthetic.acceptable(bimodal)
