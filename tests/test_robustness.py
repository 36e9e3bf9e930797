"""The robustness lesson's tools against independent computations: semopy refits of the same
resamples, and R lavaan 0.6 (tests/fixtures/lavaan_robustness.json, written by
tools/lavaan_robust_reference.R): robust SEs, bootstrap intervals on lavaan's own draws,
Bollen-Stine on lavaan's resamples, chi-square difference tests, AIC/BIC and modification indices."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import alternative_models, paper_model, robustness, settings
from helpers.sem import bollen_stine as bollen_stine_test
from helpers.sem import bootstrap
from helpers.sem.likelihood import resampled_covariances
from helpers.survey import load_survey, score_constructs

SCORES = score_constructs(load_survey(settings.SHIPPED_SURVEY_FILE))
FIXTURE = json.loads((settings.REPO_ROOT / "tests" / "fixtures" / "lavaan_robustness.json").read_text())
MODELS = list(paper_model.VARIANTS)


def _lavaan_parameters(name: str) -> pd.DataFrame:
    return pd.DataFrame(FIXTURE["models"][name]["parameters"])


def test_fixture_was_made_from_the_kits_data_and_models():
    assert FIXTURE["n"] == len(SCORES)
    for name, variant in paper_model.VARIANTS.items():
        syntax = paper_model.model_syntax(variant.correlated_outcomes, variant.direct_paths)
        assert FIXTURE["models"][name]["syntax"] == syntax
    assert FIXTURE["models"]["paper"]["robust_information"] == "observed"


# --- the vectorized bootstrap ---------------------------------------------------------------------


def test_the_same_seed_gives_the_same_draws():
    first = robustness.bootstrap_paths(SCORES, n_resamples=7, seed=123)
    again = robustness.bootstrap_paths(SCORES, n_resamples=7, seed=123)
    assert again.draws.equals(first.draws) and first.n_resamples == 7
    assert not robustness.bootstrap_paths(SCORES, n_resamples=7, seed=124).draws.equals(first.draws)


@pytest.mark.parametrize("direct_paths", [False, True])
def test_bootstrap_draws_equal_semopy_refits_of_the_same_resamples(direct_paths):
    result = robustness.bootstrap_paths(SCORES, n_resamples=3, seed=settings.SEED, direct_paths=direct_paths)
    resamples = next(bootstrap.resample_chunks(len(SCORES), 3, settings.SEED))
    refits = robustness.refit_quantities(SCORES, resamples, direct_paths=direct_paths, progress=False)
    assert np.allclose(result.draws.to_numpy(), refits.to_numpy(), rtol=0, atol=1e-5)
    source = paper_model.EXOGENOUS[0]
    for r, rows in enumerate(resamples):  # and, read straight from a semopy fit's table:
        fitted = paper_model.fit(SCORES.iloc[rows].reset_index(drop=True), direct_paths=direct_paths)
        paths = fitted.parameter_estimates().query("op == '~'").set_index(["lhs", "rhs"])
        for q in robustness.quantities(direct_paths):
            b = paths["est"] if q.scale == robustness.SCALE_B else paths["std_all"]
            if q.kind == robustness.KIND_PATH:
                expected = b[(q.outcome, q.predictor)]
            elif q.kind == robustness.KIND_R2:
                expected = fitted.r_squared()[q.outcome]
            elif q.kind == robustness.KIND_INDIRECT:
                expected = b[(q.mediator, source)] * b[(q.outcome, q.mediator)]
            else:
                expected = sum(b[(m, source)] * b[(q.outcome, m)] for m in paper_model.MEDIATORS)
                if q.kind == robustness.KIND_TOTAL:
                    expected += b[(q.outcome, source)]
            assert result.draws.iloc[r][(q.kind, q.effect, q.scale)] == pytest.approx(expected, abs=1e-5), (
                r,
                q,
            )


def test_point_estimates_are_lavaans():
    result = robustness.bootstrap_paths(SCORES, n_resamples=10)
    lavaan = _lavaan_parameters("paper").set_index(["lhs", "op", "rhs"])
    for q in robustness.quantities():
        if q.kind != robustness.KIND_PATH:
            continue
        row = lavaan.loc[(q.outcome, "~", q.predictor)]
        expected = row["est"] if q.scale == robustness.SCALE_B else row["std_all"]
        assert result.estimates[(q.kind, q.effect, q.scale)] == pytest.approx(expected, abs=1e-6)


def test_intervals_and_se_reproduce_lavaan_on_lavaans_own_draws():
    boot = FIXTURE["bootstrap"]
    draws = np.array(boot["draws"])
    table = pd.DataFrame(boot["parameters"])
    assert draws.shape == (boot["draws_count"], len(table))
    percentile = bootstrap.percentile_interval(draws)
    bc = bootstrap.bias_corrected_interval(draws, table["est"].to_numpy())
    assert np.allclose(percentile[0], table["perc_lower"], atol=1e-12)
    assert np.allclose(percentile[1], table["perc_upper"], atol=1e-12)
    assert np.allclose(bc[0], table["bc_lower"], atol=1e-12)
    assert np.allclose(bc[1], table["bc_upper"], atol=1e-12)
    # the summary's bootstrap SE is lavaan's (R in the denominator)
    result = robustness.bootstrap_paths(SCORES, n_resamples=200)
    column = ("path", "PCDP → IT", "B")
    assert result.summary().loc[column, "boot_se"] == pytest.approx(
        np.sqrt(np.mean((result.draws[column] - result.draws[column].mean()) ** 2))
    )


def test_summary_shows_every_quantity_with_both_intervals():
    summary = robustness.bootstrap_paths(SCORES, n_resamples=500).summary()
    assert len(summary) == 8 * 2 + 5 + 6 * 2 + 3 * 2
    assert (summary["pct_lower"] < summary["estimate"]).all()
    assert (summary["bc_upper"] > summary["estimate"]).all()
    assert summary.xs("R²", level="kind")["excludes_zero"].isna().all()


def test_no_progress_bar_in_notebooks_or_for_one_chunk(monkeypatch, capsys):
    robustness.bootstrap_paths(SCORES, n_resamples=100)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(settings, "inside_a_notebook", lambda: True)
    assert robustness.progress_bar("x", None) is None
    assert robustness.progress_bar("x", True) is not None


# --- robust standard errors -----------------------------------------------------------------------


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("information", ["observed", "expected"])
def test_ml_and_robust_standard_errors_match_lavaan(name, information):
    variant = paper_model.VARIANTS[name]
    ours = robustness.standard_errors(SCORES, variant.correlated_outcomes, variant.direct_paths, information)
    lavaan = _lavaan_parameters(name)
    merged = ours.merge(lavaan, on=["lhs", "op", "rhs"], suffixes=("", "_lavaan"))
    assert len(merged) == len(ours) == int(FIXTURE["models"][name]["fit_measures"]["npar"])
    robust = "se_robust_lavaan" if information == "observed" else "se_robust_expected"
    assert np.allclose(merged["est"], merged["est_lavaan"], atol=1e-6)
    assert np.allclose(merged["se_ml"], merged["se_ml_lavaan"], atol=1e-8)
    assert np.allclose(merged["se_robust"], merged[robust], atol=1e-8)


def test_standard_errors_list_paths_then_variances_then_covariances():
    table = robustness.standard_errors(SCORES)
    kinds = np.select([table["op"] == "~", table["lhs"] == table["rhs"]], ["path", "variance"], "covariance")
    assert list(kinds) == ["path"] * 8 + ["variance"] * 5 + ["covariance"] * 3
    assert (np.abs(table["se_ratio"] - 1) > 0.005).any()  # robust and ML differ on these data


# --- Bollen-Stine ---------------------------------------------------------------------------------


def test_bollen_stine_rotation_is_lavaans_and_makes_the_model_fit_exactly():
    fit = paper_model.fit(SCORES)
    rotated = pd.DataFrame(bollen_stine_test.rotated_data(fit), columns=fit.observed)
    head = FIXTURE["bollen_stine"]["rotated_head"]
    centred = rotated - rotated.mean()
    assert np.allclose(centred[head["names"]].to_numpy()[:5], np.array(head["rows"]), atol=1e-10)
    refit = paper_model.fit(rotated)
    assert refit.chisq == pytest.approx(0.0, abs=1e-6)
    assert np.allclose(refit.parameter_estimates()["est"], fit.parameter_estimates()["est"], atol=1e-5)


def test_bollen_stine_chi_squares_equal_fresh_lavaan_fits_of_the_same_resamples():
    reference = FIXTURE["bollen_stine"]
    fit = paper_model.fit(SCORES)
    rotated = bollen_stine_test.rotated_data(fit)
    indices = np.array(reference["first_resamples"]) - 1  # R counts rows from 1
    covariances = resampled_covariances(rotated, bootstrap.counts(indices, len(SCORES)))
    from helpers.sem import closed_form

    chi = closed_form.fit_covariances(fit.syntax, covariances, len(SCORES)).chisq
    assert np.allclose(chi, reference["first_chisq_fresh"], atol=1e-5)


def test_bollen_stine_p_value_agrees_with_lavaan_within_monte_carlo_error():
    reference = FIXTURE["bollen_stine"]
    result = robustness.bollen_stine(SCORES, n_resamples=5000)
    assert result.chisq == pytest.approx(reference["chisq"], abs=1e-6)
    assert result.df == 4
    assert result.p_normal == pytest.approx(stats.chi2.sf(reference["chisq"], 4))
    p = reference["pvalue_fresh_refits"]
    monte_carlo_se = np.sqrt(p * (1 - p) * (1 / result.n_resamples + 1 / reference["draws"]))
    assert abs(result.p_bootstrap - p) < 4 * monte_carlo_se
    assert result.p_bootstrap == np.mean(result.draws >= result.chisq)
    table = robustness.bollen_stine_table(result)
    assert table.loc["model chi-square", "p_bollen_stine"] == result.p_bootstrap


# --- alternative models ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def alternatives():
    return paper_model.fit_variants(SCORES)


def test_fit_measures_of_the_alternative_models_match_lavaan(alternatives):
    table = alternative_models.compare_models(SCORES, alternatives)
    for name in MODELS:
        lavaan = FIXTURE["models"][name]["fit_measures"]
        for measure in ("npar", "chisq", "df", "aic", "bic"):
            assert table.loc[name, measure] == pytest.approx(lavaan[measure], abs=1e-5), (name, measure)


def test_chi_square_difference_tests_match_lavtestlrt(alternatives):
    tests = alternative_models.model_comparison_tests(SCORES, alternatives).set_index(["restricted", "full"])
    assert len(tests) == len(FIXTURE["lrt"])
    for reference in FIXTURE["lrt"]:
        row = tests.loc[(reference["restricted"], reference["full"])]
        assert row["chisq_diff"] == pytest.approx(reference["chisq_diff"], abs=1e-5)
        assert row["df_diff"] == reference["df_diff"]
        assert row["pvalue"] == pytest.approx(reference["pvalue"], rel=1e-4, abs=1e-9)


@pytest.mark.parametrize("name", MODELS)
def test_parameter_count_and_df_are_lavaans(name, alternatives):
    variant = paper_model.VARIANTS[name]
    lavaan = FIXTURE["models"][name]["fit_measures"]
    assert alternatives[name].npar == lavaan["npar"]
    assert paper_model.degrees_of_freedom(variant.correlated_outcomes, variant.direct_paths) == lavaan["df"]


# --- modification indices ------------------------------------------------------------------------


def test_modification_indices_of_regressions_are_lavaans_modindices():
    ours = alternative_models.modification_indices(SCORES)
    ours = ours[ours["op"] == "~"].set_index(["lhs", "rhs"])
    lavaan = pd.DataFrame(FIXTURE["modindices"])
    # lavaan also lists the fixed exogenous variance (PCDP ~~ PCDP) with MI 0; it is not a
    # parameter one could free in a fixed.x model, so the kit leaves it out
    lavaan = lavaan[lavaan["op"] == "~"].set_index(["lhs", "rhs"])
    assert set(ours.index) == set(lavaan.index)
    for key, row in lavaan.iterrows():
        for column in ("mi", "epc", "sepc_all"):
            assert ours.loc[key, column] == pytest.approx(row[column], abs=1e-6), (key, column)


def test_modification_indices_of_residual_covariances_are_lavaans_score_tests():
    ours = alternative_models.modification_indices(SCORES)
    ours = ours[ours["op"] == "~~"].set_index(["lhs", "rhs"])
    lavaan = pd.DataFrame(FIXTURE["score_tests"]).set_index(["lhs", "rhs"])
    assert set(ours.index) == set(lavaan.index)
    for key, row in lavaan.iterrows():
        for column in ("mi", "epc", "sepc_all"):
            assert ours.loc[key, column] == pytest.approx(row[column], abs=1e-6), (key, column)
    assert np.allclose(ours["pvalue"], stats.chi2.sf(ours["mi"], 1))


def test_modification_indices_are_sorted_with_equivalent_models_in_a_stable_order():
    mi = alternative_models.modification_indices(SCORES)
    assert (np.diff(mi["mi"].round(6)) <= 0).all()
    top = mi[mi["mi"].round(6) == mi["mi"].round(6).iloc[0]]
    assert list(top["op"]) == sorted(top["op"], key=lambda op: op != "~")  # regressions first
    assert mi.loc[0, "path"] == "PCDP → MR"


def test_a_modification_index_predicts_the_chi_square_drop_of_freeing_the_path():
    # the MI approximates the LR test of freeing the parameter; for the three direct paths
    # together the sum of the MIs is close to the chi-square difference
    mi = alternative_models.modification_indices(SCORES).set_index(["lhs", "rhs"])["mi"]
    source = paper_model.EXOGENOUS[0]
    freed = [mi[(outcome, source)] for outcome in paper_model.OUTCOMES]
    reference = next(r for r in FIXTURE["lrt"] if (r["restricted"], r["full"]) == ("paper", "direct"))
    assert max(freed) < reference["chisq_diff"] < 1.5 * sum(freed)


def test_table5_comparison_puts_published_beside_the_robust_evidence():
    summary = robustness.bootstrap_paths(SCORES, n_resamples=200).summary()
    table = robustness.table5_comparison(summary, robustness.standard_errors(SCORES))
    assert list(table.index) == [h.code for h in paper_model.HYPOTHESES]
    assert (table["bc_lower"] < table["beta"]).all() and (table["beta"] < table["bc_upper"]).all()
    assert (table["pct_lower"] < table["beta"]).all() and (table["beta"] < table["pct_upper"]).all()
