"""helpers.resampling against independent computations: semopy refits of the same resamples, and
R lavaan 0.6 (tests/fixtures/lavaan_robustness.json, written by tools/lavaan_robust_reference.R):
robust SEs, bootstrap intervals on lavaan's own draws, Bollen-Stine on lavaan's resamples,
chi-square difference tests, AIC/BIC and modification indices."""

import json
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import model, path_model, resampling, settings
from helpers.survey import load_survey, score_constructs

SCORES = score_constructs(load_survey(settings.SHIPPED_SURVEY_FILE))
FIXTURE = json.loads((settings.REPO_ROOT / "tests" / "fixtures" / "lavaan_robustness.json").read_text())
MODELS = list(resampling.MODEL_NAMES)


def _lavaan_parameters(name: str) -> pd.DataFrame:
    return pd.DataFrame(FIXTURE["models"][name]["parameters"])


def test_fixture_was_made_from_the_kits_data_and_models():
    assert FIXTURE["n"] == len(SCORES)
    for name, (correlated, direct) in resampling.MODEL_NAMES.items():
        assert FIXTURE["models"][name]["syntax"] == model.model_syntax(correlated, direct)
    assert FIXTURE["models"]["paper"]["robust_information"] == "observed"


# --- the vectorized bootstrap ---------------------------------------------------------------------


def test_resamples_come_from_one_seeded_generator():
    result = resampling.bootstrap_paths(SCORES, n_resamples=7, seed=123)
    expected = np.random.default_rng(123).integers(0, len(SCORES), size=(7, len(SCORES)))
    assert np.array_equal(result.indices, expected)
    again = resampling.bootstrap_paths(SCORES, n_resamples=7, seed=123)
    assert again.draws.equals(result.draws)


def test_covariance_stack_is_each_resamples_ml_covariance():
    values = SCORES[list(model.VARIABLES)].to_numpy()
    indices = resampling.resample_indices(len(values), 5, seed=1)
    stack = resampling.covariance_stack(values, indices)
    for r in range(5):
        assert np.allclose(stack[r], np.cov(values[indices[r]], rowvar=False, bias=True), atol=1e-13)


@pytest.mark.parametrize("direct_paths", [False, True])
def test_bootstrap_draws_equal_semopy_refits_of_the_same_resamples(direct_paths):
    result = resampling.bootstrap_paths(SCORES, n_resamples=3, seed=settings.SEED, direct_paths=direct_paths)
    source = model.EXOGENOUS[0]
    for r, rows in enumerate(result.indices):
        fitted = path_model.fit_path_model(
            SCORES.iloc[rows].reset_index(drop=True), direct_paths=direct_paths
        )
        table = fitted.parameter_estimates()
        paths = table[table["op"] == "~"].set_index(["lhs", "rhs"])
        raw, std = paths["est"], paths["std_all"]
        for q in resampling.quantities(direct_paths):
            draw = result.draws.iloc[r][(q.kind, q.effect, q.scale)]
            b = raw if q.scale == resampling.SCALE_B else std
            if q.kind == resampling.KIND_PATH:
                expected = b[(q.outcome, q.predictor)]
            elif q.kind == resampling.KIND_R2:
                expected = fitted.r_squared()[q.outcome]
            elif q.kind == resampling.KIND_INDIRECT:
                expected = b[(q.mediator, source)] * b[(q.outcome, q.mediator)]
            else:
                expected = sum(b[(m, source)] * b[(q.outcome, m)] for m in model.MEDIATORS)
                if q.kind == resampling.KIND_TOTAL:
                    expected += b[(q.outcome, source)]
            assert draw == pytest.approx(expected, abs=1e-5), (r, q)


def test_point_estimates_are_lavaans():
    result = resampling.bootstrap_paths(SCORES, n_resamples=10)
    lavaan = _lavaan_parameters("paper").set_index(["lhs", "op", "rhs"])
    for q in resampling.quantities():
        if q.kind != resampling.KIND_PATH:
            continue
        row = lavaan.loc[(q.outcome, "~", q.predictor)]
        expected = row["est"] if q.scale == resampling.SCALE_B else row["std_all"]
        assert result.estimates[(q.kind, q.effect, q.scale)] == pytest.approx(expected, abs=1e-6)


def test_intervals_and_se_reproduce_lavaan_on_lavaans_own_draws():
    boot = FIXTURE["bootstrap"]
    draws = np.array(boot["draws"])
    table = pd.DataFrame(boot["parameters"])
    assert draws.shape == (boot["draws_count"], len(table))
    percentile = resampling.percentile_interval(draws)
    bc = resampling.bias_corrected_interval(draws, table["est"].to_numpy())
    assert np.allclose(percentile[0], table["perc_lower"], atol=1e-12)
    assert np.allclose(percentile[1], table["perc_upper"], atol=1e-12)
    assert np.allclose(bc[0], table["bc_lower"], atol=1e-12)
    assert np.allclose(bc[1], table["bc_upper"], atol=1e-12)
    # the summary's bootstrap SE is lavaan's (R in the denominator)
    result = resampling.bootstrap_paths(SCORES, n_resamples=200)
    summary = result.summary()
    column = ("path", "PCDP → IT", "B")
    assert summary.loc[column, "boot_se"] == pytest.approx(
        np.sqrt(np.mean((result.draws[column] - result.draws[column].mean()) ** 2))
    )


def test_bias_corrected_equals_percentile_when_half_the_draws_lie_below_the_estimate():
    draws = np.random.default_rng(0).normal(size=(1000, 1))
    ordered = np.sort(draws, axis=0)
    estimate = (ordered[499] + ordered[500]) / 2  # exactly 500 of the 1000 draws lie below
    assert np.allclose(
        resampling.bias_corrected_interval(draws, estimate), resampling.percentile_interval(draws)
    )


def test_summary_shows_every_quantity_with_both_intervals():
    summary = resampling.bootstrap_paths(SCORES, n_resamples=500).summary()
    assert len(summary) == 8 * 2 + 5 + 6 * 2 + 3 * 2
    assert (summary["pct_lower"] < summary["estimate"]).all()
    assert (summary["bc_upper"] > summary["estimate"]).all()
    assert summary.xs("R²", level="kind")["excludes_zero"].isna().all()


def test_no_progress_bar_in_notebooks_or_for_short_jobs(monkeypatch, capsys):
    resampling.bootstrap_paths(SCORES, n_resamples=100)
    assert capsys.readouterr().err == ""
    monkeypatch.setitem(sys.modules, "ipykernel", object())
    assert not resampling._show_progress(None, chunks=100)
    assert resampling._show_progress(True, chunks=1)


# --- robust standard errors -----------------------------------------------------------------------


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("information", ["observed", "expected"])
def test_ml_and_robust_standard_errors_match_lavaan(name, information):
    correlated, direct = resampling.MODEL_NAMES[name]
    ours = resampling.standard_errors(SCORES, correlated, direct, robust_information=information)
    lavaan = _lavaan_parameters(name)
    merged = ours.merge(lavaan, on=["lhs", "op", "rhs"], suffixes=("", "_lavaan"))
    assert len(merged) == len(ours) == int(FIXTURE["models"][name]["fit_measures"]["npar"])
    robust = "se_robust_lavaan" if information == "observed" else "se_robust_expected"
    assert np.allclose(merged["est"], merged["est_lavaan"], atol=1e-6)
    assert np.allclose(merged["se_ml"], merged["se_ml_lavaan"], atol=1e-8)
    assert np.allclose(merged["se_robust"], merged[robust], atol=1e-8)


def test_robust_and_ml_standard_errors_differ_on_these_data():
    table = resampling.standard_errors(SCORES)
    assert (np.abs(table["se_ratio"] - 1) > 0.005).any()


# --- Bollen-Stine ---------------------------------------------------------------------------------


def test_bollen_stine_rotation_is_lavaans_and_makes_the_model_fit_exactly():
    rotated = resampling.bollen_stine_transform(SCORES)
    head = FIXTURE["bollen_stine"]["rotated_head"]
    centred = rotated - rotated.mean()
    assert np.allclose(centred[head["names"]].to_numpy()[:5], np.array(head["rows"]), atol=1e-10)
    refit = path_model.fit_path_model(rotated)
    assert refit.chisq == pytest.approx(0.0, abs=1e-6)
    original = path_model.fit_path_model(SCORES).parameter_estimates()
    assert np.allclose(refit.parameter_estimates()["est"], original["est"], atol=1e-5)


def test_bollen_stine_chi_squares_equal_fresh_lavaan_fits_of_the_same_resamples():
    reference = FIXTURE["bollen_stine"]
    rotated = resampling.bollen_stine_transform(SCORES)[list(model.VARIABLES)].to_numpy()
    indices = np.array(reference["first_resamples"]) - 1  # R counts rows from 1
    chi = model.closed_form_fit(resampling.covariance_stack(rotated, indices), len(SCORES)).chi_square
    assert np.allclose(chi, reference["first_chisq_fresh"], atol=1e-5)


def test_bollen_stine_p_value_agrees_with_lavaan_within_monte_carlo_error():
    reference = FIXTURE["bollen_stine"]
    result = resampling.bollen_stine(SCORES, n_resamples=5000)
    assert result.chi_square == pytest.approx(reference["chisq"], abs=1e-6)
    assert result.df == 4
    assert result.p_normal == pytest.approx(stats.chi2.sf(reference["chisq"], 4))
    p = reference["pvalue_fresh_refits"]
    monte_carlo_se = np.sqrt(p * (1 - p) * (1 / result.n_resamples + 1 / reference["draws"]))
    assert abs(result.p_bootstrap - p) < 4 * monte_carlo_se
    assert result.p_bootstrap == np.mean(result.draws >= result.chi_square)


# --- alternative models ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def alternatives():
    return resampling.fit_alternatives(SCORES)


def test_fit_measures_of_the_alternative_models_match_lavaan(alternatives):
    table = resampling.compare_models(SCORES, alternatives)
    for name in MODELS:
        lavaan = FIXTURE["models"][name]["fit_measures"]
        for measure in ("npar", "chisq", "df", "aic", "bic"):
            assert table.loc[name, measure] == pytest.approx(lavaan[measure], abs=1e-5), (name, measure)


def test_chi_square_difference_tests_match_lavtestlrt(alternatives):
    tests = resampling.model_comparison_tests(SCORES, alternatives).set_index(["restricted", "full"])
    assert len(tests) == len(FIXTURE["lrt"])
    for reference in FIXTURE["lrt"]:
        row = tests.loc[(reference["restricted"], reference["full"])]
        assert row["chisq_diff"] == pytest.approx(reference["chisq_diff"], abs=1e-5)
        assert row["df_diff"] == reference["df_diff"]
        assert row["pvalue"] == pytest.approx(reference["pvalue"], rel=1e-4, abs=1e-9)


def test_chi_square_difference_of_the_closed_form_fits_agrees():
    # the same test from the closed form, independently of semopy
    covariance, n = model.ml_covariance(SCORES), len(SCORES)
    paper = model.closed_form_fit(covariance, n)
    direct = model.closed_form_fit(covariance, n, direct_paths=True)
    test = resampling.chi_square_difference(paper.chi_square, 4, direct.chi_square, 1)
    reference = next(r for r in FIXTURE["lrt"] if (r["restricted"], r["full"]) == ("paper", "direct"))
    assert test["chisq_diff"] == pytest.approx(reference["chisq_diff"], abs=1e-5)


# --- modification indices ------------------------------------------------------------------------


def test_modification_indices_of_regressions_are_lavaans_modindices():
    ours = resampling.modification_indices(SCORES)
    ours = ours[ours["op"] == "~"].set_index(["lhs", "rhs"])
    lavaan = pd.DataFrame(FIXTURE["modindices"])
    # lavaan also lists the fixed exogenous variance (PCDP ~~ PCDP) with MI 0; it is not a
    # parameter one could free in a fixed.x model, so the kit leaves it out
    lavaan = lavaan[lavaan["op"] == "~"].set_index(["lhs", "rhs"])
    assert set(ours.index) == set(lavaan.index)
    for key, row in lavaan.iterrows():
        assert ours.loc[key, "mi"] == pytest.approx(row["mi"], abs=1e-6), key
        assert ours.loc[key, "epc"] == pytest.approx(row["epc"], abs=1e-6), key
        assert ours.loc[key, "sepc_all"] == pytest.approx(row["sepc_all"], abs=1e-6), key


def test_modification_indices_of_residual_covariances_are_lavaans_score_tests():
    ours = resampling.modification_indices(SCORES)
    ours = ours[ours["op"] == "~~"].set_index(["lhs", "rhs"])
    lavaan = pd.DataFrame(FIXTURE["score_tests"]).set_index(["lhs", "rhs"])
    assert set(ours.index) == set(lavaan.index)
    for key, row in lavaan.iterrows():
        for column in ("mi", "epc", "sepc_all"):
            assert ours.loc[key, column] == pytest.approx(row[column], abs=1e-6), (key, column)
    assert np.allclose(ours["pvalue"], stats.chi2.sf(ours["mi"], 1))


def test_a_modification_index_predicts_the_chi_square_drop_of_freeing_the_path():
    # the MI approximates the LR test of freeing the parameter; for the three direct paths
    # together the sum of the MIs is close to the chi-square difference
    mi = resampling.modification_indices(SCORES).set_index(["lhs", "rhs"])["mi"]
    source = model.EXOGENOUS[0]
    freed = [mi[(outcome, source)] for outcome in model.OUTCOMES]
    reference = next(r for r in FIXTURE["lrt"] if (r["restricted"], r["full"]) == ("paper", "direct"))
    assert max(freed) < reference["chisq_diff"] < 1.5 * sum(freed)


@pytest.mark.parametrize("name", MODELS)
def test_parameter_count_and_df_are_lavaans(name):
    correlated, direct = resampling.MODEL_NAMES[name]
    lavaan = FIXTURE["models"][name]["fit_measures"]
    assert len(resampling.model_parameters(correlated, direct)) == lavaan["npar"]
    assert model.degrees_of_freedom(correlated, direct) == lavaan["df"]
