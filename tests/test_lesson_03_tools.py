"""Lesson 03's standard-tool steps and self-checks: scipy's kstest (uncorrected, with the score's
own mean and SD) and shapiro and statsmodels' lilliefors give the helper's normality table,
pingouin's cronbach_alpha its α, statsmodels' variance_inflation_factor (with a constant) its VIFs;
every self-check accepts the right answer, computed here independently of helpers/self_checks.py,
and refuses a wrong one."""

from __future__ import annotations

import pandas as pd
import pingouin as pg
import pytest
from scipy import stats
from statsmodels.stats.diagnostic import lilliefors
from statsmodels.stats.outliers_influence import variance_inflation_factor
from statsmodels.tools.tools import add_constant

from helpers import diagnostics, exercises, notebook, paper_model
from helpers import instrument as ins
from helpers.survey import recode_reverse_items

SURVEYS = ["shipped", "class_40_two_medium", "class_60", "non_normal"]
COLUMNS = ["ks_d", "ks_p", "lilliefors_d", "lilliefors_p", "shapiro_w", "shapiro_p"]


def standard_normality(scores: pd.DataFrame) -> pd.DataFrame:
    """The lesson's cell: scipy's uncorrected KS and Shapiro-Wilk, statsmodels' Lilliefors."""
    rows = {}
    for key, x in scores.items():
        ks = stats.kstest(x, "norm", args=(x.mean(), x.std(ddof=1)))
        lillie_d, lillie_p = lilliefors(x, dist="norm", pvalmethod="table")
        shapiro = stats.shapiro(x)
        rows[key] = [ks.statistic, ks.pvalue, lillie_d, lillie_p, shapiro.statistic, shapiro.pvalue]
    return pd.DataFrame.from_dict(rows, orient="index", columns=COLUMNS)


@pytest.mark.parametrize("name", SURVEYS)
def test_scipy_and_statsmodels_normality_tests_equal_the_helpers_table(battery, name):
    scores = battery[name].scores
    kit = diagnostics.normality_table(scores).set_index("construct")[COLUMNS]
    notebook.same_result(kit, standard_normality(scores), "normality tests", tolerance=1e-10)


def test_the_kits_ks_test_is_the_uncorrected_one_with_the_n_minus_1_sd(battery):
    scores = battery["shipped"].scores
    kit = diagnostics.normality_table(scores).set_index("construct")
    for key, x in scores.items():
        population_sd = stats.kstest(x, "norm", args=(x.mean(), x.std(ddof=0))).pvalue
        assert kit.loc[key, "ks_p"] != pytest.approx(population_sd, abs=1e-12)
        # Lilliefors: the same D, but a p from the right null distribution (smaller here)
        assert kit.loc[key, "lilliefors_d"] == pytest.approx(kit.loc[key, "ks_d"], abs=1e-12)
        assert kit.loc[key, "lilliefors_p"] < kit.loc[key, "ks_p"]


@pytest.mark.parametrize("name", SURVEYS)
def test_pingouin_cronbach_alpha_equals_the_helpers_alpha(battery, name):
    survey = battery[name].survey
    recoded = recode_reverse_items(survey)
    standard = pd.Series({c.key: pg.cronbach_alpha(data=recoded[c.item_columns])[0] for c in ins.CONSTRUCTS})
    kit = diagnostics.reliability_table(survey).set_index("construct")["alpha"]
    notebook.same_result(kit, standard, "alpha", tolerance=1e-12)


@pytest.mark.parametrize("name", SURVEYS)
def test_statsmodels_vif_with_a_constant_equals_the_helpers_vif_in_every_equation(battery, name):
    scores = battery[name].scores
    equations = paper_model.equations()
    every = list(dict.fromkeys(p for predictors in equations.values() for p in predictors))
    standard = []  # the helper's row order: each equation's predictors, then all predictors together
    for predictors in [*equations.values(), every]:
        design = add_constant(scores[list(predictors)], has_constant="add").to_numpy()
        standard += [variance_inflation_factor(design, j) for j in range(1, design.shape[1])]
    kit = diagnostics.collinearity_table(scores)["vif"]
    notebook.same_result(kit, pd.Series(standard, index=kit.index), "VIF", tolerance=1e-10)


def test_without_the_constant_and_unstandardized_the_vifs_come_out_far_too_large(battery):
    """Why the lesson adds the constant (self-check 03.c): with the design matrix used as given
    (standardize=False, as every statsmodels before 0.15 did) R² is uncentred without it; the
    default since 0.15 centres the columns, so it needs no constant but agrees with one."""
    scores = battery["shipped"].scores
    predictors = ["partnership_collaboration", "international_trade", "global_logistics"]
    with_constant = add_constant(scores[predictors], has_constant="add").to_numpy()
    without = scores[predictors].to_numpy()
    for j in range(3):
        textbook = variance_inflation_factor(with_constant, j + 1, standardize=False)
        assert variance_inflation_factor(without, j, standardize=False) > 2 * textbook
        assert variance_inflation_factor(without, j) == pytest.approx(textbook, abs=1e-10)
        assert variance_inflation_factor(with_constant, j + 1) == pytest.approx(textbook, abs=1e-10)


# --- Self-checks -------------------------------------------------------------------------------


def shapiro_rejections(scores: pd.DataFrame) -> int:
    return int((diagnostics.normality_table(scores)["shapiro_p"] < 0.05).sum())


@pytest.mark.parametrize("name", SURVEYS)
def test_self_check_03b_counts_the_scores_shapiro_wilk_rejects(battery, name):
    analysed = battery[name]
    right = shapiro_rejections(analysed.scores)
    assert exercises.check("03.b", right, analysed.survey)
    assert not exercises.check("03.b", (right + 1) % 7, analysed.survey)


def test_self_check_03b_depends_on_the_survey(battery):
    assert len({shapiro_rejections(battery[name].scores) for name in SURVEYS}) > 1


@pytest.mark.parametrize(("check", "right"), [("03.a", "b"), ("03.c", "a")])
@pytest.mark.parametrize("name", ["shipped", "non_normal"])
def test_choice_self_checks_accept_only_the_right_letter(battery, check, right, name):
    survey = battery[name].survey
    assert exercises.check(check, right, survey)
    for wrong in sorted({"a", "b", "c"} - {right}):
        assert not exercises.check(check, wrong, survey)


def semopy_omega(items: pd.DataFrame) -> float:
    """ω from the same one-factor model fitted with semopy (first loading fixed to 1)."""
    import semopy

    data = items.astype(float).set_axis([f"i{j}" for j in range(items.shape[1])], axis=1)
    model = semopy.Model("F =~ " + " + ".join(data.columns))
    model.fit(data)
    estimates = model.inspect()
    loadings = estimates.loc[(estimates["op"] == "~") & (estimates["rval"] == "F"), "Estimate"]
    variances = estimates[(estimates["op"] == "~~") & (estimates["lval"] == estimates["rval"])]
    phi = variances.loc[variances["lval"] == "F", "Estimate"].iloc[0]
    theta = variances.loc[variances["lval"] != "F", "Estimate"].sum()
    common = loadings.sum() ** 2 * phi
    return common / (common + theta)


@pytest.mark.parametrize("name", ["shipped", "class_60"])
def test_semopy_one_factor_model_gives_the_helpers_omega_to_within_2e_4(battery, name):
    """The lesson says so: no pinned package has an ω function, so the test fits the model with semopy."""
    survey = recode_reverse_items(battery[name].survey)
    kit = diagnostics.reliability_table(battery[name].survey).set_index("construct")["omega_total"]
    standard = pd.Series({c.key: semopy_omega(survey[c.item_columns]) for c in ins.CONSTRUCTS})
    notebook.same_result(kit, standard, "McDonald's ω (semopy one-factor model)", tolerance=2e-4)
