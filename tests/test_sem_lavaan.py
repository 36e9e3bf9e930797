"""helpers.sem reproduces R lavaan 0.6.14: the parameter table its defaults build, every estimate,
SE, z, p, CI and std.all (defined parameters included), R², every fit measure, the residual
correlations and the modification indices.

The reference values were computed by lavaan itself (tools/lavaan_reference.R) and stored as JSON
in tests/fixtures/lavaan, so these tests need no R. See that folder's README to regenerate them.
"""

import json
import warnings
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lavaan_reference import PARAMETER_COLUMNS, TOLERANCE, assert_estimates_equal
from lavaan_reference import parameter_key as _key
from semopy.examples import holzinger39, political_democracy

from helpers import settings
from helpers.measurement import recoded_items
from helpers.sem import fit_sem
from helpers.sem.fit_measures import LAVAAN_NAMES
from helpers.sem.modification import modification_indices
from helpers.sem.specification import specify
from helpers.survey import load_survey, score_constructs

FIXTURES = Path(__file__).parent / "fixtures" / "lavaan"
ALL_FIXTURES = sorted(path.stem for path in FIXTURES.glob("*.json"))
# lavaan's sem() defaults, one fixture each (issue: every default, tested)
DEFAULTS_FIXTURES = [
    "hs_three_latent_outcomes",
    "hs_correlated_exogenous_latents",
    "hs_latent_and_observed_predictors",
    "hs_equal_loadings",
    "hs_single_indicator",
    "political_democracy_defined",
    "kit_paper_model_defined",
]


@cache
def reference(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def data_for(name: str) -> pd.DataFrame:
    """The data lavaan was given for a fixture (the same doubles)."""
    if name.startswith("kit_items_"):
        return recoded_items(load_survey(settings.SHIPPED_SURVEY_FILE))
    if name.startswith("kit_"):
        return score_constructs(load_survey(settings.SHIPPED_SURVEY_FILE))
    if name.startswith("political_democracy"):
        return political_democracy.get_data()
    if name == "heywood_case":
        return pd.read_csv(FIXTURES / "heywood_case_data.csv")
    data = holzinger39.get_data()
    for column, factor in reference(name)["meta"].get("rescaled", {}).items():
        data[column] = data[column] * factor
    return data


@cache
def fitted(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the Heywood case's own test checks its warning
        return fit_sem(reference(name)["syntax"], data_for(name))


def tolerance(name: str) -> dict:
    """Absolute 1e-4; relative on the rescaled data, whose variances are up to 10^4 times larger
    (lavaan's own optimiser stops about 1e-7 from the optimum, relative)."""
    return {"rel": TOLERANCE, "abs": TOLERANCE} if name == "hs_rescaled" else {"abs": TOLERANCE}


def test_every_default_has_a_fixture():
    assert set(DEFAULTS_FIXTURES) <= set(ALL_FIXTURES)
    assert len(ALL_FIXTURES) >= 15


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixture_was_made_by_lavaan_06(name):
    assert reference(name)["lavaan_version"].startswith("0.6")
    assert reference(name)["parameters"] and reference(name)["partable"]


# --- the parameter table: what lavaan's defaults add --------------------------------------------


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_parameter_table_is_lavaans_row_by_row(name):
    """Same rows in the same order, free or fixed alike, fixed values and fixed.x flags alike."""
    spec = specify(reference(name)["syntax"])
    ours = [
        (p.lhs, p.op, p.rhs, p.free > 0, None if p.free or p.exo else p.value, p.exo, p.user)
        for p in spec.parameters
    ]
    theirs = [
        (
            r["lhs"],
            r["op"],
            r["rhs"],
            r["free"] > 0,
            None if r["free"] or r["exo"] else r["ustart"],
            bool(r["exo"]),
            r["user"] == 1,
        )
        for r in reference(name)["partable"]
        if r["op"] not in ("==", ":=")
    ]
    assert ours == theirs
    assert spec.n_free == reference(name)["fit_measures"]["npar"]


def test_latent_terminal_outcomes_covary_by_default():
    """auto.cov.y: lavaan frees the covariances among latent outcomes too (semopy does not)."""
    spec = specify(reference("hs_three_latent_outcomes")["syntax"])
    covariances = {(p.lhs, p.rhs) for p in spec.parameters if p.op == "~~" and p.lhs != p.rhs and p.free}
    assert {("visual", "textual"), ("visual", "speed"), ("textual", "speed")} <= covariances


def test_equal_labels_are_one_parameter():
    spec = specify(reference("hs_equal_loadings")["syntax"])
    loadings = {p.rhs: p.free for p in spec.parameters if p.op == "=~"}
    assert loadings["x2"] == loadings["x3"] and loadings["x5"] == loadings["x6"]
    assert spec.has_equality_constraints


# --- every number equals lavaan's -----------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_parameter_estimates_equal_lavaan(name):
    ours = fitted(name).parameter_estimates()
    assert (ours[PARAMETER_COLUMNS].dtypes == "float64").all()
    assert_estimates_equal(ours, reference(name)["parameters"], f"{name}: ", **tolerance(name))


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fit_measures_equal_lavaan(name):
    ours = fitted(name).fit_measures()
    assert list(ours.index) == list(LAVAAN_NAMES)
    lavaan = reference(name)["fit_measures"]
    for measure, lavaan_name in LAVAAN_NAMES.items():
        expected = np.nan if lavaan[lavaan_name] is None else lavaan[lavaan_name]
        assert ours[measure] == pytest.approx(expected, nan_ok=True, **tolerance(name)), measure


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


@pytest.mark.parametrize("name", ["political_democracy_defined", "kit_paper_model_defined"])
def test_defined_parameters_have_delta_method_errors(name):
    ours = fitted(name).parameter_estimates()
    defined = ours[ours["op"] == ":="]
    theirs = [r for r in reference(name)["parameters"] if r["op"] == ":="]
    assert list(defined["lhs"]) == [r["lhs"] for r in theirs]
    assert list(defined["rhs"]) == [r["rhs"] for r in theirs]  # the expression as lavaan prints it
    assert (defined["se"] > 0).all()


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_modification_indices_equal_lavaan(name):
    """Every row lavaan's modindices() lists, equal; lavaan also lists the fixed.x block, whose
    MI is zero by construction (the kit leaves it out). Score tests magnify the last digits of
    the estimates, which lavaan's optimiser leaves about 1e-6 from the optimum, where a
    candidate is nearly unidentified (EPC = -g / V with V small): so 1e-3, absolute or relative."""
    lavaan = pd.DataFrame(
        reference(name)["modindices"] or [], columns=["lhs", "op", "rhs", "mi", "epc", "sepc_all"]
    )
    ours = modification_indices(fitted(name))
    ours.index = [_key(*r) for r in ours[["lhs", "op", "rhs"]].itertuples(index=False)]
    covariates = set(specify(reference(name)["syntax"]).names.exogenous_observed)
    for row in lavaan.itertuples(index=False):
        key = _key(row.lhs, row.op, row.rhs)
        if row.op == "~~" and {row.lhs, row.rhs} <= covariates:
            assert row.mi < 1e-20 and key not in ours.index
            continue
        mine = ours.loc[[key]].iloc[0]
        for column in ("mi", "epc", "sepc_all"):
            expected = np.nan if getattr(row, column) is None else getattr(row, column)
            assert mine[column] == pytest.approx(expected, rel=1e-3, abs=1e-3, nan_ok=True), (key, column)


# --- the two estimators, and identification ---------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["kit_paper_model_correlated", "kit_paper_model_orthogonal", "kit_paper_model_defined"]
)
def test_closed_form_and_semopy_agree_where_both_apply(name):
    closed = fitted(name)
    general = fit_sem(reference(name)["syntax"], data_for(name), estimator="semopy")
    assert closed.estimator == "closed form" and general.estimator == "semopy"
    assert np.allclose(closed.theta, general.theta, rtol=0, atol=1e-7)
    assert closed.fit_measures().to_numpy() == pytest.approx(
        general.fit_measures().to_numpy(), abs=1e-7, nan_ok=True
    )


@pytest.mark.parametrize("name", [n for n in ALL_FIXTURES if not n.startswith("kit_paper_model")])
def test_models_outside_the_closed_form_use_fisher_scoring_which_semopy_confirms(name):
    """The engine's own Fisher scoring and semopy's optimiser reach the same optimum."""
    scored = fitted(name)
    assert scored.estimator == "scoring"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        general = fit_sem(reference(name)["syntax"], data_for(name), estimator="semopy")
    assert general.estimator == "semopy"
    assert scored.chisq == pytest.approx(general.chisq, rel=1e-7, abs=1e-7)
    assert np.allclose(scored.theta, general.theta, rtol=1e-5, atol=1e-6)


def test_the_closed_form_refuses_latent_variables():
    with pytest.raises(ValueError, match="latent variables"):
        fit_sem(
            reference("political_democracy")["syntax"],
            data_for("political_democracy"),
            estimator="closed form",
        )


def test_identification_does_not_depend_on_the_variables_units():
    """Variances 10^6 apart (three indicators × 100, three × 0.1): lavaan fits it (χ² 85.31),
    so must the kit, with the same χ² as on the original units."""
    rescaled, original = fitted("hs_rescaled"), fitted("holzinger_swineford_1939")
    assert rescaled.chisq == pytest.approx(reference("hs_rescaled")["fit_measures"]["chisq"], abs=TOLERANCE)
    assert rescaled.chisq == pytest.approx(original.chisq, abs=1e-6)
