"""helpers.path_model reproduces R lavaan: estimates, SE, z, p, CI, std.all, R², fit measures.

The reference values were computed by lavaan itself (tools/lavaan_reference.R) and stored as JSON
in tests/fixtures/lavaan, so these tests need no R. See that folder's README to regenerate them.
"""

import hashlib
import io
import json
import math
import warnings
from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from semopy.examples import holzinger39, political_democracy

from helpers import model, published, settings
from helpers import path_model as pm
from helpers.path_diagram import path_diagram
from helpers.survey import load_survey, score_constructs

FIXTURES = Path(__file__).parent / "fixtures" / "lavaan"
TOLERANCE = 1e-4
PARAMETER_COLUMNS = ["est", "se", "z", "pvalue", "ci_lower", "ci_upper", "std_all"]
KIT_FIXTURES = {"kit_paper_model_correlated": True, "kit_paper_model_orthogonal": False}
ALL_FIXTURES = [
    "political_democracy",
    "political_democracy_mimic",
    "holzinger_swineford_1939",
    "heywood_case",
    *KIT_FIXTURES,
]


@cache
def scores() -> pd.DataFrame:
    return score_constructs(load_survey(settings.SHIPPED_SURVEY_FILE))


@cache
def reference(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@cache
def fitted(name: str) -> pm.PathModelFit:
    """Our fit of the model lavaan fitted, on the same data."""
    ref = reference(name)
    if name in KIT_FIXTURES:
        return pm.fit_path_model(scores(), correlated_outcomes=KIT_FIXTURES[name])
    data = {
        "political_democracy": political_democracy.get_data,
        "political_democracy_mimic": political_democracy.get_data,
        "holzinger_swineford_1939": holzinger39.get_data,
        "heywood_case": lambda: pd.read_csv(FIXTURES / "heywood_case_data.csv"),
    }[name]()
    with warnings.catch_warnings():
        # The Heywood case warns about its negative variance; that warning has its own test.
        warnings.simplefilter("ignore", UserWarning)
        return pm.fit_sem(ref["syntax"], data)


def _key(lhs: str, op: str, rhs: str) -> tuple[str, str, str]:
    """A parameter's identity; a covariance is the same whichever variable is named first."""
    if op == "~~":
        lhs, rhs = sorted((lhs, rhs))
    return (op, lhs, rhs)


# --- the kit's fixtures must describe the current survey file and model ----------------------


@pytest.mark.parametrize("name", list(KIT_FIXTURES))
def test_kit_fixtures_are_for_the_current_survey_and_model(name):
    ref = reference(name)
    digest = hashlib.sha256(settings.SHIPPED_SURVEY_FILE.read_bytes()).hexdigest()
    assert ref["meta"]["survey_sha256"] == digest, (
        "data/sme_kerala_survey.csv changed after the lavaan fixtures were made; "
        "regenerate them: python tools/make_lavaan_fixtures.py kit (needs R + lavaan)"
    )
    assert ref["syntax"] == model.model_syntax(correlated_outcomes=KIT_FIXTURES[name])


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixture_was_made_by_lavaan_06(name):
    assert reference(name)["lavaan_version"].startswith("0.6")
    assert reference(name)["parameters"]


# --- every number equals lavaan's ------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_parameter_table_has_lavaans_rows(name):
    ours = fitted(name).parameter_estimates()
    mine = sorted(_key(*row) for row in ours[["lhs", "op", "rhs"]].itertuples(index=False))
    theirs = sorted(_key(r["lhs"], r["op"], r["rhs"]) for r in reference(name)["parameters"])
    assert mine == theirs


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_parameter_estimates_equal_lavaan(name):
    ours = fitted(name).parameter_estimates()
    ours.index = [_key(*row) for row in ours[["lhs", "op", "rhs"]].itertuples(index=False)]
    assert (ours[PARAMETER_COLUMNS].dtypes == "float64").all()
    for row in reference(name)["parameters"]:
        mine = ours.loc[[_key(row["lhs"], row["op"], row["rhs"])]].iloc[0]
        for column in PARAMETER_COLUMNS:
            where = f"{name}: {row['lhs']} {row['op']} {row['rhs']}, {column}"
            if row[column] is None:  # lavaan has no z or p for a fixed parameter
                assert math.isnan(mine[column]), where
            else:
                assert mine[column] == pytest.approx(row[column], abs=TOLERANCE), where


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fit_measures_equal_lavaan(name):
    ours = fitted(name).fit_measures()
    assert list(ours.index) == list(pm.LAVAAN_NAMES)
    lavaan = reference(name)["fit_measures"]
    for measure, lavaan_name in pm.LAVAAN_NAMES.items():
        expected = np.nan if lavaan[lavaan_name] is None else lavaan[lavaan_name]
        assert ours[measure] == pytest.approx(expected, abs=TOLERANCE, nan_ok=True), measure


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_r_squared_equals_lavaan(name):
    ours = fitted(name).r_squared()
    lavaan = pd.Series(reference(name)["r2"], dtype=float)  # null (R² > 1) -> NaN
    assert sorted(ours.index) == sorted(lavaan.index)
    assert np.allclose(ours[lavaan.index], lavaan, rtol=0, atol=TOLERANCE, equal_nan=True)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_residual_correlations_equal_lavaan(name):
    ref = reference(name)["residual_correlations"]
    ours = fitted(name).residual_correlations().loc[ref["names"], ref["names"]]
    assert np.allclose(ours.to_numpy(), np.array(ref["matrix"]), rtol=0, atol=TOLERANCE)


def test_model_tests_are_the_fit_measures_chi_squares():
    tests = fitted("political_democracy").model_tests()
    lavaan = reference("political_democracy")["fit_measures"]
    assert list(tests["model"]) == ["User Model", "Baseline Model"]
    assert tests["chisq"].tolist() == pytest.approx(
        [lavaan["chisq"], lavaan["baseline.chisq"]], abs=TOLERANCE
    )
    assert tests["df"].tolist() == [lavaan["df"], lavaan["baseline.df"]]
    assert tests["pvalue"].iloc[0] == pytest.approx(lavaan["pvalue"], abs=TOLERANCE)


# --- the paper's model -----------------------------------------------------------------------


@pytest.mark.parametrize("correlated", [True, False])
@pytest.mark.parametrize("direct", [False, True])
def test_estimates_equal_the_closed_form_solution(correlated, direct):
    fit = pm.fit_path_model(scores(), correlated_outcomes=correlated, direct_paths=direct)
    closed = model.closed_form_fit(model.ml_covariance(scores()), len(scores()), correlated, direct)
    estimates = fit.parameter_estimates()
    paths = estimates[estimates["op"] == "~"]
    assert len(paths) == (11 if direct else 8)
    for row in paths.itertuples(index=False):
        b = float(closed.path(row.rhs, row.lhs, standardized=False))
        beta = float(closed.path(row.rhs, row.lhs))
        assert row.est == pytest.approx(b, abs=1e-6)
        assert row.std_all == pytest.approx(beta, abs=1e-6)
    r2 = dict(zip(model.VARIABLES, closed.r_squared(), strict=True))
    for variable, value in fit.r_squared().items():
        assert value == pytest.approx(r2[variable], abs=1e-6)
    assert fit.fit_measures()["chisq"] == pytest.approx(float(closed.chi_square), abs=1e-6)


def test_orthogonal_outcomes_cost_three_degrees_of_freedom():
    correlated = pm.fit_path_model(scores(), correlated_outcomes=True).fit_measures()
    orthogonal = pm.fit_path_model(scores(), correlated_outcomes=False).fit_measures()
    assert orthogonal["df"] - correlated["df"] == 3
    assert correlated["npar"] - orthogonal["npar"] == 3
    assert orthogonal["chisq"] > correlated["chisq"]
    # the baseline model does not depend on the user model
    assert orthogonal["baseline_chisq"] == pytest.approx(correlated["baseline_chisq"])
    # lavaan: 6 variables, PCDP's variance fixed (fixed.x), 16 free parameters -> df = 20 - 16
    assert correlated["df"] == 4
    assert correlated["baseline_df"] == 15


# --- errors ----------------------------------------------------------------------------------


def test_more_parameters_than_moments_is_an_error():
    with pytest.raises(pm.PathModelError, match=r"not identified.*df = -1"):
        pm.fit_sem("f =~ x1 + x2", holzinger39.get_data())


def test_singular_information_is_an_error():
    # Two uncorrelated factors with two indicators each: df = 2, yet a loading and its
    # factor's variance trade off against each other.
    syntax = "f1 =~ x1 + x2\nf2 =~ x4 + x5\nf1 ~~ 0*f2"
    with pytest.raises(pm.PathModelError, match="information matrix is singular"):
        pm.fit_sem(syntax, holzinger39.get_data())


def test_non_convergence_is_an_error():
    syntax = reference("holzinger_swineford_1939")["syntax"]
    with pytest.raises(pm.PathModelError, match="did not converge.*max_iterations"):
        pm.fit_sem(syntax, holzinger39.get_data(), max_iterations=2)


def test_missing_variable_is_an_error():
    with pytest.raises(pm.PathModelError, match="no column"):
        pm.fit_path_model(scores().drop(columns="market_reach"))


def test_collinear_variables_are_an_error():
    data = scores().assign(market_reach=lambda d: d["international_trade"] * 2 + 1)
    with pytest.raises(pm.PathModelError, match="not positive definite"):
        pm.fit_path_model(data)


def test_negative_variance_is_kept_and_warned_about_as_lavaan_does():
    data = pd.read_csv(FIXTURES / "heywood_case_data.csv")
    with pytest.warns(UserWarning, match="negative variance estimate for x1"):
        fit = pm.fit_sem("f =~ x1 + x2 + x3", data)
    estimates = fit.parameter_estimates().set_index(["lhs", "op", "rhs"])
    assert estimates.loc[("x1", "~~", "x1"), "est"] < 0


# --- tables in the paper's layout ------------------------------------------------------------


def test_table2_has_the_published_layout():
    table = pm.table2_model_tests(fitted("kit_paper_model_correlated"))
    paper = published.table2()
    assert list(table.columns) == [c for c in paper.columns if c != "source"]
    assert list(table["model"]) == list(paper["model"])


@pytest.mark.parametrize(
    ("make", "paper"),
    [(pm.table3_fit_indices, published.table3), (pm.table4_fit_indices, published.table4)],
)
def test_fit_index_tables_follow_the_published_rows(make, paper):
    fit = fitted("kit_paper_model_correlated")
    table = make(fit)
    assert list(table["measure"]) == list(paper()["measure"])
    lavaan = reference("kit_paper_model_correlated")["fit_measures"]
    for row in table.itertuples(index=False):
        assert row.value == pytest.approx(lavaan[row.lavaan_name], abs=TOLERANCE)


def test_table5_gives_beta_p_and_decision_per_hypothesis():
    table = pm.table5_paths(fitted("kit_paper_model_correlated"))
    assert list(table["hypothesis"]) == list(published.table5()["hypothesis"])
    assert {"path", "beta", "p", "decision"} <= set(table.columns)
    lavaan = {
        (r["rhs"], r["lhs"]): r
        for r in reference("kit_paper_model_correlated")["parameters"]
        if r["op"] == "~"
    }
    for row in table.itertuples(index=False):
        ref = lavaan[(row.predictor, row.outcome)]
        assert row.beta == pytest.approx(ref["std_all"], abs=TOLERANCE)
        assert row.p == pytest.approx(ref["pvalue"], abs=TOLERANCE)
        assert row.decision == ("Supported" if ref["pvalue"] < 0.05 else "Not supported")
    assert table.loc[0, "path"] == "PCDP → IT"


def test_decision_follows_alpha():
    fit = fitted("kit_paper_model_correlated")
    p = pm.table5_paths(fit)["p"]
    strict = pm.table5_paths(fit, alpha=float(p.min()))  # no p is below its own minimum
    assert (strict["decision"] == "Not supported").all()


@pytest.mark.parametrize(
    ("reproduced", "paper", "decimals", "verdict"),
    [
        (0.5189, 0.52, 2, pm.MATCHES),
        (0.514, 0.52, 2, pm.DIFFERS),
        (2e-22, 0.0, 3, pm.MATCHES),  # printed as 0.000
        (3.6478, 3.64, 2, pm.DIFFERS),  # rounds to 3.65
        (0.2003, 0.2, 1, pm.MATCHES),
        (4.0, 14.0, 0, pm.DIFFERS),
    ],
)
def test_verdict_compares_at_the_printed_precision(reproduced, paper, decimals, verdict):
    assert pm.verdict(reproduced, paper, decimals) == verdict


def test_comparison_puts_each_published_number_beside_ours():
    fit = fitted("kit_paper_model_correlated")
    table = pm.compare_with_published(fit)
    assert list(table.columns) == [
        "table", "quantity", "reproduced", "published", "decimals", "difference", "verdict",
    ]  # fmt: skip
    # Table 2: 2 models x 3 numbers; Table 3: 8; Table 4: 5; Table 5: 8 hypotheses x (beta, p)
    assert table["table"].value_counts().to_dict() == {
        "Table 2": 6, "Table 3": 8, "Table 4": 5, "Table 5": 16,
    }  # fmt: skip
    rows = table.set_index(["table", "quantity"])
    assert rows.loc[("Table 4", "cfi"), "published"] == published.table4()["value"].iloc[0]
    assert rows.loc[("Table 5", "H3b: beta"), "decimals"] == 1  # printed "0.2"
    assert rows.loc[("Table 5", "H2a: p"), "decimals"] == 3  # printed "0.000"
    chisq = rows.loc[("Table 2", "User Model: chi_square")]
    lavaan_chisq = reference("kit_paper_model_correlated")["fit_measures"]["chisq"]
    assert chisq["reproduced"] == pytest.approx(lavaan_chisq, abs=TOLERANCE)
    assert chisq["difference"] == pytest.approx(chisq["reproduced"] - chisq["published"])
    assert set(table["verdict"]) <= {pm.MATCHES, pm.DIFFERS}


# --- Figure 2 --------------------------------------------------------------------------------


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=60)
    return buffer.getvalue()


def test_path_diagram_draws_boxes_arrows_and_labels():
    fit = fitted("kit_paper_model_correlated")
    figure = path_diagram(fit)
    ax = figure.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(boxes) == 6
    assert len(arrows) == 8 + 3  # eight paths, three outcome residual correlations
    texts = " ".join(t.get_text() for t in ax.texts)
    for beta in pm.table5_paths(fit)["beta"]:
        assert f"{beta:.2f}" in texts
    assert f"R² = {fit.r_squared()['market_reach']:.2f}" in texts
    assert "PCDP" in texts and "β" in ax.get_title(loc="left")
    plt.close(figure)


def test_path_diagram_unstandardized_and_orthogonal():
    fit = fitted("kit_paper_model_orthogonal")
    figure = path_diagram(fit, standardized=False)
    ax = figure.axes[0]
    assert len([p for p in ax.patches if isinstance(p, FancyArrowPatch)]) == 8
    texts = " ".join(t.get_text() for t in ax.texts)
    estimates = fit.parameter_estimates()
    for b in estimates.loc[estimates["op"] == "~", "est"]:
        assert f"{b:.2f}" in texts
    assert "B (unstandardized)" in ax.get_title(loc="left")
    plt.close(figure)


def test_path_diagram_is_deterministic():
    fit = fitted("kit_paper_model_correlated")
    first, second = path_diagram(fit), path_diagram(fit)
    assert _png(first) == _png(second)
    plt.close("all")


def test_path_diagram_needs_the_papers_model():
    with pytest.raises(ValueError, match="not a fit of the paper's model"):
        path_diagram(fitted("holzinger_swineford_1939"))
