"""Lesson 05's standard-tool step and self-checks (issue 14).

(i) statsmodels' OLS per equation gives the kit's unstandardized paths, and on the resamples
``robustness.resample_rows`` returns it gives the kit's bootstrap draws and percentile interval,
on the shipped survey and on battery surveys; (ii) every self-check: the right answer passes and
a wrong one fails, the data-dependent one computed here from the survey; (iii) the lesson's new
helpers: the resample rows, the direct paths' equivalence table, Zhao, Lynch and Chen's kinds of
mediation and the direct paths the kit's generator built into the shipped data.
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from helpers import alternative_models, exercises, paper_model, robustness, settings
from helpers.sem import bootstrap

SURVEYS = ["shipped", "non_normal", "class_40_two_medium"]
IT_IA = ("path", "IT → IA", "B")


def ols_paths(scores: pd.DataFrame, direct_paths: bool = False) -> pd.Series:
    """Every path B from statsmodels' OLS of each equation (with an intercept)."""
    paths = {}
    for y, xs in paper_model.equations(direct_paths).items():
        fitted = sm.OLS(scores[y], sm.add_constant(scores[xs])).fit()
        for x in xs:
            paths[robustness.parameter_description(y, "~", x)] = fitted.params[x]
    return pd.Series(paths)


def ols_draws(scores: pd.DataFrame, rows: np.ndarray, outcome: str, predictors: list, predictor: str):
    design = sm.add_constant(scores[predictors])
    return np.array([sm.OLS(scores[outcome].iloc[r], design.iloc[r]).fit().params[predictor] for r in rows])


# --- (i) the standard call equals the helper ----------------------------------------------------


@pytest.mark.parametrize("name", SURVEYS)
@pytest.mark.parametrize("direct_paths", [False, True])
def test_ols_per_equation_gives_the_kits_paths(battery, name, direct_paths):
    scores = battery[name].scores
    boot = robustness.bootstrap_paths(scores, n_resamples=10, direct_paths=direct_paths)
    kit = boot.estimates.loc["path"].xs("B", level="scale")
    ols = ols_paths(scores, direct_paths)
    assert set(ols.index) == set(kit.index)
    assert np.allclose(kit[ols.index], ols, rtol=0, atol=1e-9)


@pytest.mark.parametrize("name", SURVEYS)
def test_ols_on_the_kits_resamples_gives_its_draws_and_percentile_interval(battery, name):
    scores = battery[name].scores
    boot = robustness.bootstrap_paths(scores, n_resamples=400, seed=settings.SEED)
    rows = robustness.resample_rows(len(scores), boot.n_resamples, boot.seed)
    draws = ols_draws(
        scores, rows, "innovation_agility", ["international_trade", "global_logistics"], "international_trade"
    )
    assert np.allclose(boot.draws[IT_IA], draws, rtol=0, atol=1e-9)
    kit = boot.summary().loc[IT_IA, ["pct_lower", "pct_upper"]].to_numpy(dtype=float)
    numpy_interval = np.quantile(draws, [0.025, 0.975], method="weibull")
    assert np.allclose(kit, numpy_interval, rtol=0, atol=1e-5)  # the lesson's tolerance
    assert not np.allclose(
        kit, np.quantile(draws, [0.025, 0.975]), rtol=0, atol=1e-9
    )  # numpy's default differs


def test_ols_on_the_same_resamples_gives_the_direct_path_draws():
    from helpers.survey import load_survey, score_constructs

    scores = score_constructs(load_survey())
    boot = robustness.bootstrap_paths(scores, n_resamples=200, direct_paths=True)
    rows = robustness.resample_rows(len(scores), 200, settings.SEED)
    source = paper_model.EXOGENOUS[0]
    predictors = paper_model.equations(direct_paths=True)["market_reach"]
    draws = ols_draws(scores, rows, "market_reach", predictors, source)
    assert np.allclose(boot.draws[("path", "PCDP → MR", "B")], draws, rtol=0, atol=1e-9)


# --- (ii) the self-checks -----------------------------------------------------------------------


@pytest.mark.parametrize(("question", "right"), [("05.a", "b"), ("05.b", "b")])
def test_the_concept_questions(battery, question, right):
    survey = battery["shipped"].survey
    assert exercises.check(question, right, survey)
    assert exercises.check(question, f"({right.upper()})", survey)
    for wrong in {"a", "b", "c"} - {right}:
        assert not exercises.check(question, wrong, survey)


def direct_mr_interval_letter(scores: pd.DataFrame) -> str:
    """Where the 95% BC interval of β for PCDP → MR (direct-path model) lies, computed here from
    the bootstrap draws: the BC formula of the lesson's Background."""
    from scipy import stats

    boot = robustness.bootstrap_paths(scores, n_resamples=5000, seed=settings.SEED, direct_paths=True)
    column = ("path", "PCDP → MR", "β")
    draws, estimate = boot.draws[column].to_numpy(), boot.estimates[column]
    z0 = stats.norm.ppf(np.mean(draws < estimate))
    shares = stats.norm.cdf(2 * z0 + stats.norm.ppf([0.025, 0.975]))
    lower, upper = np.quantile(draws, shares, method="weibull")
    return "a" if lower > 0 else ("c" if upper < 0 else "b")


@pytest.mark.parametrize(("name", "expected"), [("shipped", "b"), ("model_rejected", "a")])
def test_the_direct_path_question_follows_the_survey(battery, name, expected):
    survey = battery[name].survey
    assert direct_mr_interval_letter(battery[name].scores) == expected  # the two surveys differ
    assert exercises.check("05.c", expected, survey)
    for wrong in {"a", "b", "c"} - {expected}:
        assert not exercises.check("05.c", wrong, survey)


# --- (iii) the new helpers ------------------------------------------------------------------------


def test_resample_rows_are_the_engines_resamples_whatever_the_chunking():
    chunked = np.concatenate(list(bootstrap.resample_chunks(50, 23, seed=5, max_elements=50 * 4)))
    rows = robustness.resample_rows(50, 23, seed=5)
    assert rows.shape == (23, 50) and rows.min() >= 0 and rows.max() < 50
    assert np.array_equal(rows, chunked)
    assert not np.array_equal(rows, robustness.resample_rows(50, 23, seed=6))


def test_resample_row_r_reproduces_draw_r(battery):
    scores = battery["shipped"].scores
    boot = robustness.bootstrap_paths(scores, n_resamples=5, seed=11)
    rows = robustness.resample_rows(len(scores), 5, seed=11)
    refits = robustness.refit_quantities(scores, rows, progress=False)
    assert np.allclose(boot.draws.to_numpy(), refits.to_numpy(), rtol=0, atol=1e-5)


@pytest.mark.parametrize(
    ("differs", "within", "verdict"),
    [
        (False, True, alternative_models.VERDICT_EQUIVALENT),
        (True, True, alternative_models.VERDICT_SMALL_BUT_NONZERO),
        (True, False, alternative_models.VERDICT_DIFFERENT),
        (False, False, alternative_models.VERDICT_INCONCLUSIVE),
    ],
)
def test_the_four_outcomes_of_a_test_of_zero_beside_an_equivalence_test(differs, within, verdict):
    assert alternative_models.equivalence_verdict(differs, within) == verdict


def test_a_90_percent_interval_wholly_beyond_the_bounds_shows_a_path_larger_than_delta():
    assert alternative_models.equivalence_verdict(True, False, True) == alternative_models.VERDICT_LARGER
    assert alternative_models.equivalence_verdict(True, False, False) == alternative_models.VERDICT_DIFFERENT


@pytest.mark.parametrize(
    ("indirect", "indirect_clear", "direct", "direct_clear", "kind"),
    [
        (0.3, True, 0.05, False, alternative_models.INDIRECT_ONLY),
        (0.3, True, 0.2, True, alternative_models.COMPLEMENTARY),
        (0.3, True, -0.2, True, alternative_models.COMPETITIVE),
        (0.01, False, 0.2, True, alternative_models.DIRECT_ONLY),
        (0.01, False, 0.02, False, alternative_models.NO_EFFECT),
    ],
)
def test_zhao_lynch_and_chens_kinds_of_mediation(indirect, indirect_clear, direct, direct_clear, kind):
    assert alternative_models.mediation_type(indirect, indirect_clear, direct, direct_clear) == kind


@pytest.mark.parametrize("name", ["shipped", "weak_paths", "model_rejected"])
def test_the_equivalence_table_reads_the_90_and_95_percent_percentile_intervals(battery, name):
    boot = robustness.bootstrap_paths(battery[name].scores, n_resamples=1000, direct_paths=True)
    delta = 0.25
    table = alternative_models.direct_path_equivalence(boot, delta)
    assert list(table.index) == ["PCDP → MR", "PCDP → IA", "PCDP → OE"]
    for path, row in table.iterrows():
        beta = boot.draws[("path", path, "β")].to_numpy()
        p90 = bootstrap.percentile_interval(beta, 0.90)[:, 0]
        p95 = bootstrap.percentile_interval(beta, 0.95)[:, 0]
        assert np.allclose([row.pct90_lower, row.pct90_upper], p90)
        assert np.allclose([row.pct95_lower, row.pct95_upper], p95)
        assert row.within_bounds == (-delta < p90[0] and p90[1] < delta)
        assert row.differs_from_zero == (p95[0] > 0 or p95[1] < 0)
        assert row.beyond_bounds == (p90[0] > delta or p90[1] < -delta)
        # the equivalence test is two one-sided tests at .05: the 90% interval sits inside
        assert p95[0] <= p90[0] <= row.beta <= p90[1] <= p95[1]
        total = boot.summary().loc[("total indirect", f"PCDP → {path.split(' → ')[1]} via IT + GL", "β")]
        assert row.indirect == pytest.approx(total["estimate"])
        assert row.indirect_excludes_zero == bool(total["excludes_zero"])
        assert row.indirect_pct_excludes_zero == bool(total["pct_lower"] > 0 or total["pct_upper"] < 0)
    if name == "weak_paths":  # PCDP → MR's direct path differs from zero there
        assert table.loc["PCDP → MR", "differs_from_zero"]
    if name == "model_rejected":  # PCDP → MR's direct path is large there: shown larger than a small Δ
        narrow = alternative_models.direct_path_equivalence(boot, 0.10)
        assert narrow.loc["PCDP → MR", "beyond_bounds"]
        assert narrow.loc["PCDP → MR", "verdict"] == alternative_models.VERDICT_LARGER
    with pytest.raises(ValueError, match="positive"):
        alternative_models.direct_path_equivalence(boot, 0)


def test_a_wide_margin_shows_equivalence_and_a_narrow_one_does_not(battery):
    boot = robustness.bootstrap_paths(battery["shipped"].scores, n_resamples=1000, direct_paths=True)
    assert alternative_models.direct_path_equivalence(boot, 0.5)["within_bounds"].all()
    assert not alternative_models.direct_path_equivalence(boot, 0.01)["within_bounds"].any()


def test_the_generator_built_small_nonzero_direct_paths_into_the_shipped_data(battery):
    built = alternative_models.generator_direct_paths()
    assert list(built.index) == alternative_models.direct_path_effects()
    assert (built.abs() > 0.02).all() and (built.abs() < 0.15).all()
    boot = robustness.bootstrap_paths(battery["shipped"].scores, n_resamples=1000, direct_paths=True)
    estimates = boot.estimates.loc["path"].xs("β", level="scale")[built.index]
    assert np.allclose(estimates, built, atol=0.02)  # the data hit the generator's aim closely
