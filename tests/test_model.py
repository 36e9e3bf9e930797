"""The paper's model is written once; the closed-form ML fit equals semopy's iterative fit."""

import numpy as np
import pytest
import semopy

from helpers import model, published, settings
from helpers.survey import load_survey, score_constructs

SCORES = score_constructs(load_survey(settings.SHIPPED_SURVEY_FILE))


def test_hypotheses_are_table5_rows():
    table5 = published.table5()
    assert [(h.code, h.predictor, h.outcome) for h in model.HYPOTHESES] == list(
        table5[["hypothesis", "predictor", "outcome"]].itertuples(index=False, name=None)
    )


def test_syntax_frees_or_fixes_outcome_residual_covariances():
    assert "market_reach ~~ innovation_agility" in model.model_syntax(correlated_outcomes=True)
    assert "market_reach ~~ 0*innovation_agility" in model.model_syntax(correlated_outcomes=False)
    direct = model.model_syntax(direct_paths=True)
    assert "market_reach ~ partnership_collaboration + international_trade" in direct


@pytest.mark.parametrize("correlated", [True, False])
@pytest.mark.parametrize("direct", [False, True])
def test_closed_form_equals_semopy(correlated, direct):
    fitted = semopy.Model(model.model_syntax(correlated, direct), mimic_lavaan=True)
    fitted.fit(SCORES, options={"ftol": 1e-12})
    estimates = fitted.inspect(std_est=True)
    closed = model.closed_form_fit(model.ml_covariance(SCORES), len(SCORES), correlated, direct)
    regressions = estimates[estimates["op"] == "~"]
    assert len(regressions) == (11 if direct else 8)
    for row in regressions.to_dict("records"):
        raw = closed.path(row["rval"], row["lval"], standardized=False)
        assert float(raw) == pytest.approx(row["Estimate"], abs=1e-5)
        assert float(closed.path(row["rval"], row["lval"])) == pytest.approx(row["Est. Std"], abs=1e-5)
    assert float(closed.chi_square) == pytest.approx(fitted.last_result.fun * len(SCORES), abs=1e-5)


def test_closed_form_fits_a_stack_of_covariances_at_once():
    covariance = model.ml_covariance(SCORES)
    stack = np.stack([covariance, 2 * covariance])
    fits = model.closed_form_fit(stack, len(SCORES))
    assert fits.standardized().shape == (2, 6, 6)
    # rescaling every variable leaves standardized paths and chi-square unchanged
    assert np.allclose(fits.standardized()[0], fits.standardized()[1])
    assert np.allclose(fits.chi_square[0], fits.chi_square[1])


def test_r_squared_is_explained_share_of_implied_variance():
    fit = model.closed_form_fit(model.ml_covariance(SCORES), len(SCORES))
    r2 = fit.r_squared()
    beta = fit.path("partnership_collaboration", "international_trade")
    assert r2[1] == pytest.approx(beta**2)
    assert r2[0] == 0


def test_degrees_of_freedom_counted_by_hand_equal_the_fitted_models():
    table = model.degrees_of_freedom_table()
    # 6 observed, PCDP exogenous: 21 - 1 = 20 moments; 8 paths + 5 residual variances + 3 covariances
    assert table.loc["correlated outcomes", "moments"] == 20
    assert table.loc["correlated outcomes", "free parameters"] == 16
    for label, correlated in (("correlated outcomes", True), ("orthogonal outcomes", False)):
        fitted = semopy.Model(model.model_syntax(correlated), mimic_lavaan=True)
        fitted.fit(SCORES, options={"ftol": 1e-12})
        free = len(fitted.param_vals)
        assert table.loc[label, "free parameters"] == free
    assert table.loc["orthogonal outcomes", "df"] - table.loc["correlated outcomes", "df"] == 3
    assert (table["baseline df"] == 15).all()
