"""helpers.sem on its own: reading lavaan syntax, clear errors, the estimators, identification."""

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

from helpers.sem import ConvergenceError, DataError, ModelSyntaxError, NotIdentifiedError, fit_sem
from helpers.sem.specification import specify
from helpers.sem.syntax import parse

HS = holzinger39.get_data()
CFA = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


# --- lavaan's syntax ----------------------------------------------------------------------------


def test_modifiers_labels_comments_and_continued_lines():
    formulas = parse("# a comment\ny ~ 0.5*x1 + a*x2 +\n  start(0.2)*x3 ! another\nf =~ NA*z1 + z2; d := a*2")
    by_rhs = {f.rhs: f for f in formulas}
    assert by_rhs["x1"].fixed == 0.5 and by_rhs["x2"].label == "a" and by_rhs["x3"].start == 0.2
    assert by_rhs["z1"].free and by_rhs["z2"].op == "=~"
    assert by_rhs["a*2"].op == ":=" and by_rhs["a*2"].lhs == "d"


def test_several_left_hand_sides():
    formulas = parse("y1 + y2 ~ x")
    assert [(f.lhs, f.rhs) for f in formulas] == [("y1", "x"), ("y2", "x")]


@pytest.mark.parametrize(
    ("syntax", "message"),
    [
        ("", "empty"),
        ("y ~ 1 + x", "intercepts"),
        ("y ~ x\nf <~ a + b", "formative"),
        ("y ~ x\nx | t1", "thresholds"),
        ("y ~ c(a, b)*x", "modifier"),
        ("y ~ x + + z", "empty term"),
        ("y ~ x\ny ~ x", "written twice"),
        ("y ~ y", "itself"),
        ("y ~ a*x\nd := a*q", "not the label"),
        ("y ~ a*x\na == 2*b", "two labels"),
    ],
)
def test_unsupported_or_broken_syntax_is_a_clear_error(syntax, message):
    with pytest.raises(ModelSyntaxError, match=message):
        specify(syntax)


def test_first_loading_freed_with_na_and_single_indicator_variance_fixed():
    spec = specify("f =~ NA*x1 + x2 + x3\ng =~ y1\ny1 ~~ y1")
    rows = {(p.lhs, p.op, p.rhs): p for p in spec.parameters}
    assert rows[("f", "=~", "x1")].free > 0
    # the user wrote y1's variance: auto.fix.single leaves a written variance alone
    assert rows[("y1", "~~", "y1")].free > 0
    assert not specify("g =~ y1\nh =~ y2 + y3 + y4").parameters[4].free  # y1 ~~ y1 fixed at 0


# --- errors -------------------------------------------------------------------------------------


def test_more_parameters_than_moments_is_an_error():
    with pytest.raises(NotIdentifiedError, match=r"not identified.*df = -1"):
        fit_sem("f =~ x1 + x2", HS)


def test_singular_information_is_an_error_that_names_the_parameters():
    # Two uncorrelated factors with two indicators each: df = 2, yet a loading and its factor's
    # variance trade off against each other.
    with pytest.raises(NotIdentifiedError, match="information matrix is singular.*trade off") as error:
        fit_sem("f1 =~ x1 + x2\nf2 =~ x4 + x5\nf1 ~~ 0*f2", HS)
    assert "f1 =~ x2" in str(error.value) or "f2 =~ x5" in str(error.value)


def test_non_convergence_is_an_error():
    with pytest.raises(ConvergenceError, match="did not converge.*max_iterations"):
        fit_sem(CFA, HS, max_iterations=2)


def test_missing_column_is_an_error():
    with pytest.raises(DataError, match="no column.*x9"):
        fit_sem(CFA, HS.drop(columns="x9"))


def test_text_in_a_variable_is_an_error():
    with pytest.raises(DataError, match="numeric"):
        fit_sem("x1 ~ x2", HS.assign(x2="high"))


def test_missing_values_are_an_error_that_says_what_lavaan_does():
    with pytest.raises(DataError, match="listwise"):
        fit_sem("x1 ~ x2", HS.assign(x2=np.where(HS.index == HS.index[0], np.nan, HS["x2"])))


def test_collinear_variables_are_an_error():
    with pytest.raises(DataError, match="not positive definite"):
        fit_sem("x1 ~ x2 + x3", HS.assign(x3=HS["x2"] * 2 + 1))


def test_negative_variance_is_kept_and_warned_about_as_lavaan_does():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((120, 3)) @ np.linalg.cholesky([[1, 0.9, 0.9], [0.9, 1, 0.7], [0.9, 0.7, 1]]).T
    with pytest.warns(UserWarning, match="negative variance estimate for x1"):
        fit = fit_sem("f =~ x1 + x2 + x3", pd.DataFrame(z, columns=["x1", "x2", "x3"]))
    estimates = fit.parameter_estimates().set_index(["lhs", "op", "rhs"])
    assert estimates.loc[("x1", "~~", "x1"), "est"] < 0


def test_unknown_estimator_is_an_error():
    with pytest.raises(ValueError, match="estimator"):
        fit_sem("x1 ~ x2", HS, estimator="gls")


# --- the fitted model -----------------------------------------------------------------------------


def test_robust_standard_errors_with_either_bread_are_close_to_the_ml_ones_on_normal_data():
    rng = np.random.default_rng(3)
    x = rng.standard_normal(2000)
    data = pd.DataFrame({"x": x, "y": 0.5 * x + rng.standard_normal(2000)})
    fit = fit_sem("y ~ x", data)
    ml = np.sqrt(np.diag(fit.vcov))
    for bread in ("observed", "expected"):
        assert np.allclose(np.sqrt(np.diag(fit.robust_vcov(bread))), ml, rtol=0.1)
    with pytest.raises(ValueError, match="bread"):
        fit.robust_vcov("sandwich")


def test_labels_appear_as_a_column_only_when_the_model_has_them():
    assert "label" not in fit_sem("x1 ~ x2", HS).parameter_estimates().columns
    assert "label" in fit_sem("x1 ~ b*x2", HS).parameter_estimates().columns


def test_model_tests_are_the_fit_measures_chi_squares():
    fit = fit_sem(CFA, HS)
    tests, measures = fit.model_tests(), fit.fit_measures()
    assert list(tests["model"]) == ["User Model", "Baseline Model"]
    assert tests["chisq"].tolist() == pytest.approx([measures["chisq"], measures["baseline_chisq"]])
    assert tests["df"].tolist() == [measures["df"], measures["baseline_df"]]


# --- the general estimator: Fisher scoring, semopy as the fallback ------------------------------


def test_fisher_scoring_fits_a_cfa_and_semopy_agrees():
    scored, general = fit_sem(CFA, HS), fit_sem(CFA, HS, estimator="semopy")
    assert (scored.estimator, general.estimator) == ("scoring", "semopy")
    assert np.allclose(scored.theta, general.theta, atol=1e-6)


def test_starting_values_are_in_the_datas_units():
    from helpers.sem.scoring import starting_values
    from helpers.sem.specification import specify

    spec = specify(CFA)
    cov = np.cov(HS[list(spec.names.observed)].to_numpy(), rowvar=False)
    scale = np.diag([100.0] * 3 + [1.0] * (len(cov) - 3))
    start, rescaled = starting_values(spec, cov), starting_values(spec, scale @ cov @ scale)
    names = spec.free_parameter_names()
    visual_variance = names.index("visual ~~ visual")
    assert rescaled[visual_variance] == pytest.approx(start[visual_variance] * 100**2)
    assert rescaled[names.index("visual =~ x2")] == pytest.approx(start[names.index("visual =~ x2")])


def test_when_scoring_fails_semopy_takes_over_and_scoring_alone_says_so(monkeypatch):
    from helpers.sem import scoring

    monkeypatch.setattr(scoring, "estimates", lambda *arguments: None)
    assert fit_sem(CFA, HS).estimator == "semopy"
    with pytest.raises(ConvergenceError, match="Fisher scoring did not converge"):
        fit_sem(CFA, HS, estimator="scoring")
