"""helpers.measurement against R lavaan 0.6.14 (fixtures made by ``tools/make_lavaan_fixtures.py items``).

The CFA and the latent SEM (tests/fixtures/lavaan/kit_items_*.json) go through every generic check
of tests/test_sem_lavaan.py; here: the common latent factor model (fixtures/lavaan/measurement),
and the measurement tables computed from lavaan's own numbers.
"""

from __future__ import annotations

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
from lavaan_reference import parameter_key as _key

from helpers import measurement, paper_model, settings
from helpers.sem import fit_sem
from helpers.sem.fit_measures import LAVAAN_NAMES
from helpers.sem.modification import modification_indices
from helpers.survey import load_survey

FIXTURES = Path(__file__).parent / "fixtures" / "lavaan"


@cache
def reference(name: str) -> dict:
    folder = FIXTURES / "measurement" if name == "kit_items_common_latent_factor" else FIXTURES
    return json.loads((folder / f"{name}.json").read_text())


@cache
def items() -> pd.DataFrame:
    return measurement.recoded_items(load_survey(settings.SHIPPED_SURVEY_FILE))


@cache
def common_latent_factor_fit():
    return fit_sem(measurement.common_latent_factor_syntax(), items())


def _lavaan_std_all(name: str) -> dict[tuple[str, str, str], float]:
    return {_key(r["lhs"], r["op"], r["rhs"]): r["std_all"] for r in reference(name)["parameters"]}


@pytest.mark.parametrize("name", ["kit_items_cfa", "kit_items_latent_sem", "kit_items_common_latent_factor"])
def test_fixtures_are_of_the_shipped_survey_and_the_helpers_syntax(name):
    expected = hashlib.sha256(settings.SHIPPED_SURVEY_FILE.read_bytes()).hexdigest()
    assert reference(name)["meta"]["survey_sha256"] == expected, (
        "data/sme_kerala_survey.csv changed: regenerate with python tools/make_lavaan_fixtures.py items"
    )
    syntax = {
        "kit_items_cfa": measurement.cfa_syntax(),
        "kit_items_latent_sem": measurement.latent_sem_syntax(),
        "kit_items_common_latent_factor": measurement.common_latent_factor_syntax(),
    }[name]
    assert reference(name)["syntax"] == syntax


def test_the_cfa_fixture_was_fitted_with_cfa_and_the_latent_sem_with_sem():
    assert reference("kit_items_cfa")["call"].startswith("cfa(")
    assert reference("kit_items_latent_sem")["call"].startswith("sem(")


# --- the common latent factor model ---------------------------------------------------------------


def test_common_latent_factor_estimates_equal_lavaan():
    theirs = reference("kit_items_common_latent_factor")["parameters"]
    assert_estimates_equal(common_latent_factor_fit().parameter_estimates(), theirs)


def test_common_latent_factor_fit_measures_and_r_squared_equal_lavaan():
    fit = common_latent_factor_fit()
    lavaan = reference("kit_items_common_latent_factor")
    ours = fit.fit_measures()
    for measure, lavaan_name in LAVAAN_NAMES.items():
        expected = (
            np.nan if lavaan["fit_measures"][lavaan_name] is None else lavaan["fit_measures"][lavaan_name]
        )
        assert ours[measure] == pytest.approx(expected, abs=TOLERANCE, nan_ok=True), measure
    r2 = pd.Series(lavaan["r2"], dtype=float)
    assert np.allclose(fit.r_squared()[r2.index], r2, rtol=0, atol=TOLERANCE)
    residual = lavaan["residual_correlations"]
    ours_residual = fit.residual_correlations().loc[residual["names"], residual["names"]]
    assert np.allclose(ours_residual.to_numpy(), np.array(residual["matrix"]), atol=TOLERANCE)


def test_common_latent_factor_parameter_table_is_lavaans():
    """Fixed loadings of 1 and fixed zero covariances, as lavaan's table has them."""
    from helpers.sem.specification import specify

    spec = specify(measurement.common_latent_factor_syntax())
    ours = [(p.lhs, p.op, p.rhs, p.free > 0, None if p.free else p.value) for p in spec.parameters]
    theirs = [
        (r["lhs"], r["op"], r["rhs"], r["free"] > 0, None if r["free"] else r["ustart"])
        for r in reference("kit_items_common_latent_factor")["partable"]
    ]
    assert ours == theirs
    assert spec.n_free == reference("kit_items_common_latent_factor")["fit_measures"]["npar"]


def test_common_latent_factor_modification_indices_equal_lavaan_where_the_kit_tests_them():
    """lavaan also tests the 25 method loadings fixed at 1; the kit's candidates leave out every
    parameter fixed at a non-zero value (helpers.sem.modification.candidates), so those rows are
    missing here. Every other row equals lavaan's."""
    ours = modification_indices(common_latent_factor_fit())
    ours.index = [_key(*r) for r in ours[["lhs", "op", "rhs"]].itertuples(index=False)]
    fixed_at_one = {("=~", measurement.METHOD_FACTOR, column) for column in items().columns}
    lavaan_rows = reference("kit_items_common_latent_factor")["modindices"]
    compared = 0
    for row in lavaan_rows:
        key = _key(row["lhs"], row["op"], row["rhs"])
        if key in fixed_at_one:
            assert key not in ours.index
            continue
        mine = ours.loc[[key]].iloc[0]
        for column in ("mi", "epc", "sepc_all"):
            assert mine[column] == pytest.approx(row[column], rel=1e-3, abs=1e-3), (key, column)
        compared += 1
    assert compared == len(lavaan_rows) - len(fixed_at_one) == len(ours)


def test_common_latent_factor_table_reads_lavaans_standardized_loadings():
    table = measurement.common_latent_factor(items())
    with_method = _lavaan_std_all("kit_items_common_latent_factor")
    without = _lavaan_std_all("kit_items_cfa")
    for item, row in table.iterrows():
        assert row["loading_without_method"] == pytest.approx(
            without[("=~", row["factor"], item)], abs=TOLERANCE
        )
        assert row["loading_with_method"] == pytest.approx(
            with_method[("=~", row["factor"], item)], abs=TOLERANCE
        )
        method = with_method[("=~", measurement.METHOD_FACTOR, item)]
        assert row["method_loading"] == pytest.approx(method, abs=TOLERANCE)
    lavaan_chisq = (
        reference("kit_items_cfa")["fit_measures"]["chisq"]
        - reference("kit_items_common_latent_factor")["fit_measures"]["chisq"]
    )
    assert table.attrs["chisq_difference"]["chisq_difference"] == pytest.approx(lavaan_chisq, abs=TOLERANCE)
    assert table.attrs["chisq_difference"]["df_difference"] == 1


# --- the tables from lavaan's numbers -----------------------------------------------------------------


def test_reliability_and_fornell_larcker_from_lavaans_loadings():
    """CR, AVE and the latent correlations recomputed from lavaan's std.all equal the kit's."""
    lavaan = _lavaan_std_all("kit_items_cfa")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no Heywood case on the shipped survey
        cfa = measurement.fit_cfa(items())
    reliability = measurement.reliability_table(cfa, items())
    fornell_larcker = measurement.fornell_larcker_table(cfa)
    from helpers import instrument

    for construct in instrument.CONSTRUCTS:
        loadings = np.array([lavaan[("=~", construct.abbreviation, c)] for c in construct.item_columns])
        cr = loadings.sum() ** 2 / (loadings.sum() ** 2 + (1 - loadings**2).sum())
        ave = (loadings**2).mean()
        row = reliability.loc[construct.abbreviation]
        assert row["composite_reliability"] == pytest.approx(cr, abs=TOLERANCE)
        assert row["ave"] == pytest.approx(ave, abs=TOLERANCE)
        assert fornell_larcker.loc[construct.abbreviation, construct.abbreviation] == pytest.approx(
            math.sqrt(ave), abs=TOLERANCE
        )
    for (op, lhs, rhs), value in lavaan.items():
        if op == "~~" and lhs != rhs and lhs in fornell_larcker.index and rhs in fornell_larcker.index:
            assert fornell_larcker.loc[lhs, rhs] == pytest.approx(value, abs=TOLERANCE)


def test_latent_and_composite_betas_are_lavaans():
    """The latent β are lavaan sem()'s std.all on the items; the composite β lavaan's on the scores."""
    table = measurement.latent_vs_composite_paths(load_survey(settings.SHIPPED_SURVEY_FILE))
    latent = _lavaan_std_all("kit_items_latent_sem")
    composite = {
        (r["lhs"], r["rhs"]): r["std_all"]
        for r in json.loads((FIXTURES / "kit_paper_model_correlated.json").read_text())["parameters"]
        if r["op"] == "~"
    }
    name = paper_model.abbreviation
    for h in paper_model.HYPOTHESES:
        row = table.loc[h.code]
        assert row["beta_latent"] == pytest.approx(
            latent[("~", name(h.outcome), name(h.predictor))], abs=TOLERANCE
        )
        assert row["beta_composite"] == pytest.approx(composite[(h.outcome, h.predictor)], abs=TOLERANCE)
