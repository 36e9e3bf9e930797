"""The paper's model is written once; its closed-form fit equals the general optimiser's."""

import numpy as np
import pytest

from helpers import paper_model, published, settings
from helpers.survey import load_survey, score_constructs

SCORES = score_constructs(load_survey(settings.SHIPPED_SURVEY_FILE))


def test_hypotheses_are_table5_rows():
    table5 = published.table5()
    assert [(h.code, h.predictor, h.outcome) for h in paper_model.HYPOTHESES] == list(
        table5[["hypothesis", "predictor", "outcome"]].itertuples(index=False, name=None)
    )


def test_syntax_frees_or_fixes_outcome_residual_covariances():
    assert "market_reach ~~ innovation_agility" in paper_model.model_syntax(correlated_outcomes=True)
    assert "market_reach ~~ 0*innovation_agility" in paper_model.model_syntax(correlated_outcomes=False)
    direct = paper_model.model_syntax(direct_paths=True)
    assert "market_reach ~ partnership_collaboration + international_trade" in direct


@pytest.mark.parametrize("variant", list(paper_model.VARIANTS.values()), ids=list(paper_model.VARIANTS))
def test_closed_form_equals_the_general_optimiser(variant):
    closed = paper_model.fit(SCORES, variant.correlated_outcomes, variant.direct_paths)
    general = paper_model.fit(SCORES, variant.correlated_outcomes, variant.direct_paths, estimator="semopy")
    assert closed.estimator == "closed form" and general.estimator == "semopy"
    ours, theirs = closed.parameter_estimates(), general.parameter_estimates()
    assert len(ours[ours["op"] == "~"]) == (11 if variant.direct_paths else 8)
    columns = ["est", "se", "std_all"]
    assert np.allclose(ours[columns].to_numpy(), theirs[columns].to_numpy(), rtol=0, atol=1e-7)
    assert closed.chisq == pytest.approx(general.chisq, abs=1e-7)


def test_stacked_fits_equal_single_fits_in_causal_order():
    covariance = paper_model.score_covariance(SCORES)
    fit = paper_model.fit(SCORES)
    stacked = paper_model.fit_covariances(np.stack([covariance, 2 * covariance]), len(SCORES))
    assert stacked.standardized().shape == (2, 6, 6)
    for h in paper_model.HYPOTHESES:
        row = fit.parameter_estimates().query(f"lhs == '{h.outcome}' and rhs == '{h.predictor}'").iloc[0]
        assert float(stacked.path(h.predictor, h.outcome)[0]) == pytest.approx(row["std_all"], abs=1e-12)
        assert float(stacked.path(h.predictor, h.outcome, standardized=False)[0]) == pytest.approx(row["est"])
    # rescaling every variable leaves standardized paths and chi-square unchanged
    assert np.allclose(stacked.standardized()[0], stacked.standardized()[1])
    assert stacked.chi_square[0] == pytest.approx(fit.chisq) == pytest.approx(stacked.chi_square[1])


def test_path_standard_errors_of_a_stack_are_lavaans():
    fit = paper_model.fit(SCORES)
    stacked = paper_model.fit_covariances(paper_model.score_covariance(SCORES), len(SCORES))
    se = stacked.path_standard_errors()
    for row in fit.parameter_estimates().query("op == '~'").itertuples():
        i, j = paper_model.VARIABLES.index(row.lhs), paper_model.VARIABLES.index(row.rhs)
        assert se[i, j] == pytest.approx(row.se, rel=1e-10)


def test_r_squared_is_explained_share_of_implied_variance():
    fits = paper_model.fit_covariances(paper_model.score_covariance(SCORES), len(SCORES))
    r2 = fits.r_squared()
    beta = fits.path("partnership_collaboration", "international_trade")
    assert r2[1] == pytest.approx(beta**2)
    assert r2[0] == 0


def test_degrees_of_freedom_counted_by_hand_equal_the_fitted_models():
    table = paper_model.degrees_of_freedom_table()
    # 6 observed, PCDP exogenous: 21 - 1 = 20 moments; 8 paths + 5 residual variances + 3 covariances
    assert table.loc["correlated outcomes", "moments"] == 20
    assert table.loc["correlated outcomes", "free parameters"] == 16
    for label, correlated in (("correlated outcomes", True), ("orthogonal outcomes", False)):
        fitted = paper_model.fit(SCORES, correlated_outcomes=correlated)
        assert table.loc[label, "free parameters"] == fitted.npar
        assert table.loc[label, "df"] == fitted.df == paper_model.degrees_of_freedom(correlated)
    assert table.loc["orthogonal outcomes", "df"] - table.loc["correlated outcomes", "df"] == 3
    assert (table["baseline df"] == 15).all()


def test_missing_scores_are_named():
    with pytest.raises(KeyError, match="market_reach"):
        paper_model.scores_matrix(SCORES.drop(columns="market_reach"))
