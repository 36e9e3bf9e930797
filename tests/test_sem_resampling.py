"""helpers.sem's bootstrap and simulations: seeded, the same draws however they are chunked, each
resample's or dataset's covariance exact, and memory bounded by the chunk size."""

import numpy as np
import pytest
from semopy.examples import holzinger39

from helpers import paper_model, scenarios, settings
from helpers.sem import bootstrap, effects, fit_sem, simulation
from helpers.sem.likelihood import RunningCovariance, ml_covariance, resampled_covariances
from helpers.survey import load_survey, score_constructs

SCORES = score_constructs(load_survey(settings.SHIPPED_SURVEY_FILE))


@pytest.mark.parametrize("max_elements", [1, 190 * 3, 190 * 7 + 5, 10**9])
def test_resamples_are_the_same_however_they_are_chunked(max_elements):
    whole = np.random.default_rng(5).integers(0, 190, size=(20, 190))
    chunked = np.concatenate(list(bootstrap.resample_chunks(190, 20, 5, max_elements)))
    assert np.array_equal(whole, chunked)
    assert bootstrap.chunk_count(190, 20, max_elements) == len(
        list(bootstrap.resample_chunks(190, 20, 5, max_elements))
    )


def test_chunks_hold_at_most_the_budget():
    rows = [len(c) for c in bootstrap.resample_chunks(200_000, 23, 1, max_elements=2_000_000)]
    assert max(rows) * 200_000 <= 2_000_000 and sum(rows) == 23


def test_resampled_covariances_are_each_resamples_ml_covariance():
    values = SCORES.to_numpy()
    indices = next(bootstrap.resample_chunks(len(values), 5, seed=1))
    stack = resampled_covariances(values, bootstrap.counts(indices, len(values)))
    for r in range(5):
        assert np.allclose(stack[r], np.cov(values[indices[r]], rowvar=False, bias=True), atol=1e-13)


def test_bootstrap_draws_do_not_depend_on_the_chunk_size(monkeypatch):
    fit = paper_model.fit(SCORES)

    def statistic(stack):
        return stack.standardized_paths().reshape(len(stack.chisq), -1)

    draws, chi = bootstrap.bootstrap(fit, statistic, 50, seed=3)
    monkeypatch.setattr(bootstrap, "MAX_ELEMENTS", 190 * 7)  # 8 chunks instead of 1
    assert bootstrap.chunk_count(190, 50) == 8
    chunked, chunked_chi = bootstrap.bootstrap(fit, statistic, 50, seed=3)
    assert np.allclose(draws, chunked, rtol=0, atol=1e-13) and np.allclose(chi, chunked_chi, atol=1e-10)


def test_models_outside_the_closed_form_are_bootstrapped_by_refitting():
    data = holzinger39.get_data()
    fit = fit_sem("f =~ x1 + x2 + x3 + x4", data)
    draws, chi = bootstrap.bootstrap(fit, lambda stack: stack.theta, 3, seed=1)
    indices = next(bootstrap.resample_chunks(len(data), 3, 1))
    refit = fit_sem(fit.syntax, data.iloc[indices[0]].reset_index(drop=True))
    assert np.allclose(draws[0], refit.theta, atol=1e-6) and chi[0] == pytest.approx(refit.chisq, abs=1e-6)


def test_effects_sum_every_chain_of_paths():
    fits = paper_model.fit_covariances(paper_model.score_covariance(SCORES), len(SCORES))
    b = fits.coefficients
    v = paper_model.VARIABLES.index
    x, y = v("partnership_collaboration"), v("market_reach")
    chains = sum(effects.chain_effect(b, [x, v(m), y]) for m in paper_model.MEDIATORS)
    assert effects.total_effects(b)[y, x] == pytest.approx(chains)
    assert effects.indirect_effects(b)[y, x] == pytest.approx(chains)  # no direct path in the paper's model


# --- simulation ------------------------------------------------------------------------------------

POPULATION = np.array([[1.0, 0.3, 0.2], [0.3, 1.0, 0.4], [0.2, 0.4, 1.0]])


@pytest.mark.parametrize("distribution", simulation.SHOCKS)
def test_simulated_covariances_do_not_depend_on_the_chunk_size(distribution):
    whole = simulation.covariances(POPULATION, 300, 40, 9, distribution)
    chunked = simulation.covariances(POPULATION, 300, 40, 9, distribution, max_elements=40 * 3 * 7)
    assert np.allclose(whole, chunked, rtol=0, atol=1e-13)
    assert np.array_equal(whole, ml_covariance(simulation.simulate(POPULATION, 300, 40, 9, distribution)))


def test_a_larger_n_only_adds_cases():
    small = simulation.simulate(POPULATION, 50, 4, 2)
    large = simulation.simulate(POPULATION, 80, 4, 2)
    assert np.array_equal(small, large[:, :50])


def test_shocks_have_mean_zero_and_variance_one():
    rng = np.random.default_rng(0)
    for distribution in simulation.SHOCKS:
        draws = simulation.shocks(rng, (200_000, 3), distribution)
        assert np.allclose(draws.mean(axis=0), 0, atol=0.02) and np.allclose(draws.var(axis=0), 1, atol=0.03)
    with pytest.raises(ValueError, match="distribution"):
        simulation.shocks(rng, (2, 2), "uniform")


def test_running_covariance_merges_blocks_exactly():
    data = np.random.default_rng(4).normal(size=(3, 100, 2))
    running = RunningCovariance()
    for start in (0, 30, 31, 77):
        running.add(data[:, start : {0: 30, 30: 31, 31: 77, 77: 100}[start]])
    assert np.allclose(running.cov, ml_covariance(data), atol=1e-14) and running.n == 100


def test_ordinal_scenarios_do_not_depend_on_the_chunk_size(monkeypatch):
    population = paper_model.fit_covariances(paper_model.score_covariance(SCORES), 1).implied
    whole = scenarios.ordinal_scenarios(population, n=60, n_replications=20, seed=1)
    monkeypatch.setattr(simulation, "MAX_ELEMENTS", 20 * 6 * 7)
    chunked = scenarios.ordinal_scenarios(population, n=60, n_replications=20, seed=1)
    assert np.allclose(
        whole.drop(columns="path").to_numpy(), chunked.drop(columns="path").to_numpy(), atol=1e-12
    )
