"""Lesson 07: scipy's and statsmodels' power of a path's z-test equal the kit's, and the self-checks
accept the right answers.

The effect sizes are computed here another way than ``power.cohens_f_squared`` (from partial
correlations: f² = pr²/(1 - pr²)), and the power with scipy's normal distribution or statsmodels'
``NormalIndPower``; the kit's ``analytic_power`` goes through the ML standard errors of the model
fitted to the population. Checked on the published population (as the lesson does) and on
populations fitted to the shipped survey and to class surveys of the battery.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower

from helpers import exercises, paper_model, power

SURVEYS = ["shipped", "model_rejected", "weak_paths"]
ALPHA = 0.05


def f_squared_from_partial_correlations(covariance) -> pd.Series:
    """f² of each path: pr²/(1 - pr²), pr the partial correlation of outcome and predictor given
    the outcome's other predictors (from the inverse of their correlation matrix)."""
    covariance = pd.DataFrame(
        np.asarray(covariance), index=paper_model.VARIABLES, columns=paper_model.VARIABLES
    )
    equations = paper_model.equations()
    values = {}
    for h in paper_model.HYPOTHESES:
        block = [h.outcome, *equations[h.outcome]]
        precision = np.linalg.inv(covariance.loc[block, block].to_numpy())
        j = block.index(h.predictor)
        partial = -precision[0, j] / np.sqrt(precision[0, 0] * precision[j, j])
        values[h.code] = partial**2 / (1 - partial**2)
    return pd.Series(values)


def power_by_scipy(f2: pd.Series, n: int) -> pd.Series:
    delta = np.sqrt(f2 * n)
    z = stats.norm.ppf(1 - ALPHA / 2)
    return pd.Series(stats.norm.sf(z - delta) + stats.norm.cdf(-z - delta), index=f2.index)


def populations(battery) -> dict[str, pd.DataFrame]:
    found = {"published": power.population_covariance("published")}
    for name in SURVEYS:
        found[name] = power.population_covariance("fitted", battery[name].scores)
    return found


def test_cohens_f_squared_is_the_partial_correlation_route(battery):
    for name, covariance in populations(battery).items():
        kit = power.cohens_f_squared(covariance)
        assert np.allclose(kit, f_squared_from_partial_correlations(covariance)[kit.index], atol=1e-12), name


@pytest.mark.parametrize("n", [190, 60, 500])
def test_scipy_and_statsmodels_give_the_kits_analytic_power(battery, n):
    for name, covariance in populations(battery).items():
        f2 = f_squared_from_partial_correlations(covariance)
        kit = power.analytic_power(covariance, n=n)
        assert np.allclose(kit, power_by_scipy(f2, n)[kit.index], atol=1e-9), name
        by_statsmodels = NormalIndPower().power(
            effect_size=np.sqrt(f2[kit.index]), nobs1=n, alpha=ALPHA, ratio=0
        )
        assert np.allclose(kit, by_statsmodels, atol=1e-9), name


def test_statsmodels_solves_for_the_kits_analytic_n(battery):
    for name, covariance in populations(battery).items():
        f2 = f_squared_from_partial_correlations(covariance)
        for h in paper_model.HYPOTHESES:
            if f2[h.code] < 1e-4:  # a path of about zero needs millions of firms; nothing to compare
                continue
            kit = power.analytic_n(h.predictor, h.outcome, covariance, power=0.80)
            solved = NormalIndPower().solve_power(
                effect_size=np.sqrt(f2[h.code]), power=0.80, alpha=ALPHA, ratio=0
            )
            # analytic_n leaves out the chance of rejecting in the wrong tail; it is tiny at 80% power
            assert kit == pytest.approx(solved, rel=1e-4, abs=0.01), (name, h.code)


# --- the self-checks ------------------------------------------------------------------------------


@pytest.mark.parametrize(("check", "right", "wrong"), [("07.a", "a", "b"), ("07.b", "c", "a")])
def test_the_choice_self_checks(check, right, wrong, battery, capsys):
    survey = battery["shipped"].survey
    assert exercises.check(check, right, survey) is True
    assert exercises.check(check, wrong, survey) is False
    assert "Hint:" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["shipped", "class_40_two_medium"])
def test_self_check_07c_is_the_power_of_gl_ia_at_300_firms_on_any_survey(battery, name, capsys):
    f2 = f_squared_from_partial_correlations(power.population_covariance("published"))
    right = float(power_by_scipy(f2, 300)["H3b"])
    survey = battery[name].survey  # the question is about the published population, not the survey
    assert exercises.check("07.c", round(right, 2), survey) is True
    assert exercises.check("07.c", float(power_by_scipy(f2, 190)["H3b"]), survey) is False  # at N = 190
    capsys.readouterr()
