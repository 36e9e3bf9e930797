"""``fit_sem(..., missing="ml")`` reproduces R lavaan 0.6.14's ``sem(..., missing = "ml")``:
the parameter table with its mean structure, every estimate, SE (observed information), z, p, CI
and std.all, R², every fit measure lavaan reports for FIML (χ², df, baseline, CFI/TLI/RMSEA/SRMR,
log-likelihoods, AIC/BIC, ntotal) and the residual correlations, within 1e-4.

The fixtures (tests/fixtures/lavaan/fiml, made by tools/make_fiml_fixtures.py) hold data with
10-25% of answers missing at random, stored beside the JSON so both fit the same numbers.
"""

import hashlib
import json
import math
import warnings
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lavaan_reference import TOLERANCE, assert_estimates_equal
from semopy.examples import holzinger39

from helpers import paper_model, settings
from helpers.sem import DataError, fit_sem
from helpers.sem.fit_measures import LAVAAN_NAMES
from helpers.sem.specification import specify
from helpers.survey import load_survey, score_constructs

FIXTURES = Path(__file__).parent / "fixtures" / "lavaan" / "fiml"
ALL_FIXTURES = sorted(path.stem for path in FIXTURES.glob("*.json"))
# GFI and AGFI are complete-data measures; the kit leaves them out of a FIML fit (NaN).
NOT_FOR_FIML = {"gfi", "agfi"}


@cache
def reference(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def data_for(name: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / f"{name}_data.csv")


@cache
def fitted(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the deletions have their own test
        return fit_sem(reference(name)["syntax"], data_for(name), missing="ml")


def test_fixtures_cover_paths_factors_and_covariates_with_missing_at_random_answers():
    assert {"fiml_kit_paper_model", "fiml_kit_items_cfa", "fiml_political_democracy"} <= set(ALL_FIXTURES)
    for name in ALL_FIXTURES:
        assert reference(name)["lavaan_version"].startswith("0.6")
        assert "missing = 'ml'" in reference(name)["call"]
        assert 0.05 <= reference(name)["meta"]["share_missing"] <= 0.3, name


@pytest.mark.parametrize("name", [n for n in ALL_FIXTURES if n.startswith("fiml_kit_")])
def test_kit_fixtures_match_the_shipped_survey(name):
    digest = hashlib.sha256(settings.SHIPPED_SURVEY_FILE.read_bytes()).hexdigest()
    assert reference(name)["meta"]["survey_sha256"] == digest, (
        "data/sme_kerala_survey.csv changed: regenerate with python tools/make_fiml_fixtures.py"
    )


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_parameter_table_with_its_mean_structure_is_lavaans_row_by_row(name):
    spec = specify(reference(name)["syntax"], meanstructure=True)
    ours = [(p.lhs, p.op, p.rhs, p.free > 0, p.exo, p.user) for p in spec.parameters]
    theirs = [
        (r["lhs"], r["op"], r["rhs"], r["free"] > 0, bool(r["exo"]), r["user"] == 1)
        for r in reference(name)["partable"]
        if r["op"] not in ("==", ":=")
    ]
    assert ours == theirs
    assert spec.n_free == reference(name)["fit_measures"]["npar"]


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_parameter_estimates_equal_lavaan(name):
    assert_estimates_equal(fitted(name).parameter_estimates(), reference(name)["parameters"], f"{name}: ")


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fit_measures_equal_lavaan(name):
    ours = fitted(name).fit_measures()
    lavaan = reference(name)["fit_measures"]
    compared = 0
    for measure, lavaan_name in LAVAAN_NAMES.items():
        if measure in NOT_FOR_FIML:
            assert math.isnan(ours[measure])
            continue
        expected = np.nan if lavaan[lavaan_name] is None else lavaan[lavaan_name]
        assert ours[measure] == pytest.approx(expected, abs=TOLERANCE, nan_ok=True), measure
        compared += 1
    assert compared == len(LAVAAN_NAMES) - len(NOT_FOR_FIML)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_r_squared_and_residual_correlations_equal_lavaan(name):
    ours = fitted(name).r_squared()
    lavaan = pd.Series(reference(name)["r2"], dtype=float)
    assert np.allclose(ours[lavaan.index], lavaan, rtol=0, atol=TOLERANCE, equal_nan=True)
    ref = reference(name)["residual_correlations"]
    residuals = fitted(name).residual_correlations().loc[ref["names"], ref["names"]]
    assert np.allclose(residuals.to_numpy(), np.array(ref["matrix"]), rtol=0, atol=TOLERANCE)


def test_cases_missing_a_fixed_x_covariate_are_left_out_with_a_warning_as_lavaan_does():
    name = "fiml_kit_paper_model"
    data = data_for(name)
    blank_covariate = int(data["partnership_collaboration"].isna().sum())
    assert blank_covariate > 0
    with pytest.warns(UserWarning, match=rf"{blank_covariate} case\(s\) left out.*exogenous covariate"):
        fit = fit_sem(reference(name)["syntax"], data, missing="ml")
    assert fit.n == len(data) - blank_covariate == reference(name)["fit_measures"]["ntotal"]
    assert fit.cases_left_out == blank_covariate


def test_fiml_uses_firms_that_listwise_deletion_leaves_out():
    name = "fiml_kit_items_cfa"
    data = data_for(name)
    complete = int(data.notna().all(axis=1).sum())
    assert fitted(name).n == len(data) > complete


def test_fiml_on_complete_data_is_ordinary_ml():
    scores = score_constructs(load_survey())
    syntax = paper_model.model_syntax(correlated_outcomes=True)
    fiml, ml = fit_sem(syntax, scores, missing="ml"), fit_sem(syntax, scores)
    ours = fiml.parameter_estimates().query("op != '~1'").reset_index(drop=True)
    theirs = ml.parameter_estimates()
    assert np.allclose(ours["est"], theirs["est"], atol=1e-8)
    assert fiml.chisq == pytest.approx(ml.chisq, abs=1e-8)
    assert fiml.fit_measures()["loglik"] == pytest.approx(ml.fit_measures()["loglik"], abs=1e-6)
    # SEs differ only by observed vs expected information, which agree for a saturated mean part
    assert np.allclose(ours["se"], theirs["se"], rtol=0.05)


def test_intercepts_are_reported_with_the_fixed_x_mean_at_its_sample_value():
    table = fitted("fiml_kit_paper_model").parameter_estimates()
    intercepts = table[table["op"] == "~1"].set_index("lhs")
    data = data_for("fiml_kit_paper_model").dropna(subset=["partnership_collaboration"])
    assert intercepts.loc["partnership_collaboration", "est"] == pytest.approx(
        data["partnership_collaboration"].mean(), abs=1e-12
    )
    assert intercepts.loc["partnership_collaboration", "se"] == 0
    assert (intercepts.drop(index="partnership_collaboration")["se"] > 0).all()


def test_listwise_deletion_is_reported_not_silent():
    hs = holzinger39.get_data()
    blanked = hs.assign(x2=hs["x2"].mask(hs.index % 10 == 0))
    syntax = "visual =~ x1 + x2 + x3"
    with pytest.warns(UserWarning, match=r"30 of 301 cases with missing values were left out \(listwise"):
        fit = fit_sem(syntax, blanked, missing="listwise")
    assert fit.n == 271
    assert np.allclose(fit.theta, fit_sem(syntax, blanked.dropna(subset=["x1", "x2", "x3"])).theta)


def test_missing_values_without_a_rule_say_what_to_do():
    hs = holzinger39.get_data()
    with pytest.raises(DataError, match=r'1 of 301 cases have missing values, in x2 \(1\)\. .*missing="ml"'):
        fit_sem("x1 ~ x2", hs.assign(x2=hs["x2"].mask(hs.index == hs.index[0])))


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"missing": "pairwise"}, "missing = 'pairwise'"),
        ({"missing": "ml", "estimator": "semopy"}, 'estimator="semopy" cannot be combined with missing="ml"'),
    ],
)
def test_unknown_missing_rule_or_estimator_with_fiml_is_an_error(arguments, message):
    with pytest.raises(ValueError, match=message):
        fit_sem("visual =~ x1 + x2 + x3", holzinger39.get_data(), **arguments)


def test_a_variable_nobody_answered_is_an_error_that_names_it():
    hs = holzinger39.get_data().assign(x3=np.nan)
    with pytest.raises(DataError, match="x3: fewer than two cases"):
        fit_sem("visual =~ x1 + x2 + x3", hs, missing="ml")


def test_cases_with_no_value_are_left_out_with_a_warning():
    hs = holzinger39.get_data()[["x1", "x2", "x3"]].copy()
    hs.iloc[:3] = np.nan
    with pytest.warns(UserWarning, match=r"3 case\(s\) left out: they had no value"):
        fit = fit_sem("visual =~ x1 + x2 + x3", hs, missing="ml")
    assert fit.n == len(hs) - 3


def test_complete_data_statistics_are_refused_for_a_fiml_fit():
    from helpers.sem.modification import modification_indices

    fit = fitted("fiml_holzinger_swineford")
    with pytest.raises(NotImplementedError, match="FIML"):
        modification_indices(fit)
    with pytest.raises(NotImplementedError, match="FIML"):
        fit.robust_vcov()
