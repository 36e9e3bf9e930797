"""helpers.measurement: the item data, the models' syntax, reliability and validity, the common-method
checks and latent against composite, on the shipped survey and on class surveys of the battery."""

from __future__ import annotations

import math
import re
import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest

from helpers import instrument as ins
from helpers import measurement, paper_model
from helpers.sem.specification import specify
from helpers.survey import load_survey, score_constructs, source_of

ABBREVIATIONS = [c.abbreviation for c in ins.CONSTRUCTS]


@cache
def shipped() -> pd.DataFrame:
    return load_survey()


@cache
def shipped_items() -> pd.DataFrame:
    return measurement.recoded_items(shipped())


@cache
def shipped_cfa():
    return measurement.fit_cfa(shipped_items())


# --- the data ------------------------------------------------------------------------------------------


def test_recoded_items_recode_the_reverse_worded_items_only():
    survey, items = shipped(), shipped_items()
    assert list(items.columns) == ins.item_columns()
    assert (items.dtypes == "float64").all()
    for column in ins.item_columns():
        expected = (
            ins.LIKERT_MIN + ins.LIKERT_MAX - survey[column]
            if column in ins.reverse_item_columns()
            else survey[column]
        )
        assert (items[column] == expected).all(), column
    assert ins.reverse_item_columns()  # the instrument has reverse-worded items to recode


def test_recoded_items_keep_the_surveys_identity():
    assert source_of(shipped_items()) == source_of(shipped())
    assert source_of(shipped_items()).shipped


def test_recoded_items_are_never_recoded_twice():
    with pytest.raises(ValueError, match="already recoded"):
        measurement.recoded_items(shipped_items())


def test_recoded_items_name_the_missing_columns():
    with pytest.raises(ValueError, match="pcdp_1"):
        measurement.recoded_items(shipped().drop(columns=["pcdp_1"]))


def test_answers_not_recoded_are_refused():
    raw = shipped()[ins.item_columns()].astype(float)
    with pytest.raises(ValueError, match="recoded_items"):
        measurement.fit_cfa(raw)
    with pytest.raises(ValueError, match="recoded_items"):
        measurement.htmt_table(raw)


# --- the models' syntax -----------------------------------------------------------------------------


def test_cfa_has_one_factor_per_construct_with_the_instruments_items():
    spec = specify(measurement.cfa_syntax())
    loadings = [(p.lhs, p.rhs) for p in spec.parameters if p.op == "=~"]
    assert loadings == [(c.abbreviation, item) for c in ins.CONSTRUCTS for item in c.item_columns]
    assert list(spec.names.latent) == ABBREVIATIONS


def test_latent_sem_has_figure_2s_paths_and_correlated_outcome_residuals():
    spec = specify(measurement.latent_sem_syntax())
    name = paper_model.abbreviation
    paths = {(p.lhs, p.rhs) for p in spec.parameters if p.op == "~"}
    assert paths == {(name(h.outcome), name(h.predictor)) for h in paper_model.HYPOTHESES}
    outcomes = {name(key) for key in paper_model.OUTCOMES}
    covariances = {
        frozenset((p.lhs, p.rhs)) for p in spec.parameters if p.op == "~~" and p.lhs != p.rhs and p.free
    }
    assert {frozenset(pair) for pair in [("MR", "IA"), ("MR", "OE"), ("IA", "OE")]} <= covariances
    assert all(pair <= outcomes for pair in covariances)  # IT and GL's residuals do not covary
    assert measurement.latent_sem_syntax().startswith(measurement.cfa_syntax())


def test_common_latent_factor_model_adds_one_parameter():
    cfa, clf = specify(measurement.cfa_syntax()), specify(measurement.common_latent_factor_syntax())
    assert clf.n_free == cfa.n_free + 1  # the method factor's variance; its 25 loadings are fixed at 1
    method = [p for p in clf.parameters if measurement.METHOD_FACTOR in (p.lhs, p.rhs) and p.lhs != p.rhs]
    assert len(method) == 25 + 6 and not any(p.free for p in method)


# --- thresholds and references ---------------------------------------------------------------------------


def test_every_threshold_cites_a_full_reference():
    for threshold in measurement.THRESHOLDS:
        for authors, year in re.findall(r"([A-Z][A-Za-z &,.]+?)\s*\((\d{4})", threshold.source):
            first_author = authors.replace("&", " ").replace(",", " ").split()[0]
            assert any(
                ref.startswith(first_author) and f"({year})" in ref for ref in measurement.REFERENCES
            ), (
                threshold.key,
                first_author,
                year,
            )
    assert measurement.thresholds_table().shape == (len(measurement.THRESHOLDS), 4)


def test_fornell_larcker_needs_the_cfa():
    with pytest.raises(ValueError, match="fit_cfa"):
        measurement.fornell_larcker_table(measurement.fit_latent_sem(shipped_items()))


def test_thresholds_are_the_fields():
    assert measurement.threshold("ave").value == 0.50
    assert measurement.threshold("composite_reliability").value == 0.70
    assert (
        measurement.threshold("htmt_strict").value == 0.85
        and measurement.threshold("htmt_liberal").value == 0.90
    )
    with pytest.raises(KeyError, match="THRESHOLDS has"):
        measurement.threshold("omega")


# --- reliability ----------------------------------------------------------------------------------------


def test_cronbach_alpha_is_its_formula():
    items = shipped_items()
    for c in ins.CONSTRUCTS:
        answers = items[c.item_columns].to_numpy()
        k = answers.shape[1]
        by_hand = k / (k - 1) * (1 - answers.var(axis=0, ddof=1).sum() / answers.sum(axis=1).var(ddof=1))
        assert measurement.cronbach_alpha(items[c.item_columns]) == pytest.approx(by_hand, abs=1e-12)


def test_composite_reliability_and_ave_by_hand():
    loadings = np.array([0.7, 0.8, 0.9])
    assert measurement.composite_reliability(loadings) == pytest.approx(
        2.4**2 / (2.4**2 + 0.51 + 0.36 + 0.19)
    )
    assert measurement.average_variance_extracted(loadings) == pytest.approx((0.49 + 0.64 + 0.81) / 3)


def test_reliability_table_verdicts_follow_the_thresholds():
    table = measurement.reliability_table(shipped_cfa(), shipped_items())
    assert list(table.index) == ABBREVIATIONS
    assert (table["alpha_met"] == (table["alpha"] >= 0.70)).all()
    assert (table["cr_met"] == (table["composite_reliability"] >= 0.70)).all()
    assert (table["cr_exploratory_met"] == (table["composite_reliability"] >= 0.60)).all()
    assert (table["ave_met"] == (table["ave"] >= 0.50)).all()
    assert np.allclose(table["sqrt_ave"] ** 2, table["ave"])
    assert not table["heywood"].any()


# --- discriminant validity ----------------------------------------------------------------------------


def test_fornell_larcker_table_has_sqrt_ave_on_its_diagonal():
    cfa = shipped_cfa()
    table = measurement.fornell_larcker_table(cfa)
    reliability = measurement.reliability_table(cfa, shipped_items())
    assert np.allclose(np.diag(table), reliability["sqrt_ave"])
    assert np.allclose(table, table.T)
    verdicts = measurement.fornell_larcker_verdicts(cfa)
    for name, row in verdicts.iterrows():
        others = table.loc[name].drop(name).abs()
        assert row["largest_correlation"] == others.max() and row["with"] == others.idxmax()
        assert row["criterion_met"] == (row["sqrt_ave"] > others.max())


def _htmt_by_hand(values: np.ndarray, blocks: list[list[int]]) -> np.ndarray:
    """HTMT from the definition, with loops over item pairs (Henseler et al. 2015, eq. 6)."""
    r = np.corrcoef(values.T)
    result = np.full((len(blocks), len(blocks)), np.nan)
    for a, items_a in enumerate(blocks):
        for b, items_b in enumerate(blocks):
            if a == b:
                continue
            hetero = np.mean([r[i, j] for i in items_a for j in items_b])
            mono_a = np.mean([r[i, j] for i in items_a for j in items_a if i < j])
            mono_b = np.mean([r[i, j] for i in items_b for j in items_b if i < j])
            result[a, b] = hetero / math.sqrt(mono_a * mono_b)
    return result


def test_htmt_equals_its_definition_computed_by_hand():
    items = shipped_items()
    start = 0
    blocks = []
    for c in ins.CONSTRUCTS:
        blocks.append(list(range(start, start + len(c.items))))
        start += len(c.items)
    expected = _htmt_by_hand(items.to_numpy(), blocks)
    assert np.allclose(measurement.htmt_table(items).to_numpy(), expected, equal_nan=True)


def test_htmt_is_the_factor_correlation_for_parallel_items():
    """Items with equal loadings within a construct: HTMT equals the factor correlation exactly."""
    loading_a, loading_b, phi = 0.8, 0.6, 0.45
    names_a, names_b = ["a1", "a2", "a3"], ["b1", "b2", "b3", "b4"]
    lam = np.array([loading_a] * 3 + [loading_b] * 4)
    factor = np.array([0] * 3 + [1] * 4)
    correlations = np.outer(lam, lam) * np.where(factor[:, None] == factor[None, :], 1.0, phi)
    np.fill_diagonal(correlations, 1.0)
    frame = pd.DataFrame(correlations, index=names_a + names_b, columns=names_a + names_b)
    table = measurement.heterotrait_monotrait(frame, {"A": names_a, "B": names_b})
    assert table.loc["A", "B"] == pytest.approx(phi) and table.loc["B", "A"] == pytest.approx(phi)


def test_htmt_needs_two_items_per_construct():
    frame = pd.DataFrame(np.eye(3), index=list("xyz"), columns=list("xyz"))
    with pytest.raises(ValueError, match="two items"):
        measurement.heterotrait_monotrait(frame, {"A": ["x"], "B": ["y", "z"]})


def test_htmt_verdicts_follow_the_cut_offs():
    verdicts = measurement.htmt_verdicts(shipped_items())
    assert len(verdicts) == 15
    assert (verdicts["below_strict"] == (verdicts["htmt"] < 0.85)).all()
    assert (verdicts["below_liberal"] == (verdicts["htmt"] < 0.90)).all()


# --- common-method variance ---------------------------------------------------------------------------


def test_harman_share_is_the_first_principal_components_share():
    items = shipped_items()
    standardized = (items - items.mean()) / items.std()
    singular = np.linalg.svd(standardized.to_numpy(), compute_uv=False)
    share = singular[0] ** 2 / (singular**2).sum()
    row = measurement.harman_single_factor(items).iloc[0]
    assert row["share_of_variance"] == pytest.approx(share)
    assert row["items"] == 25 and row["below_half"] == (share < 0.5)


def test_harman_flags_data_dominated_by_one_factor():
    rng = np.random.default_rng(1)
    general = rng.standard_normal((300, 1))
    values = 0.9 * general + 0.3 * rng.standard_normal((300, 25))
    items = pd.DataFrame(values, columns=ins.item_columns())
    items.attrs[measurement.RECODED] = True
    row = measurement.harman_single_factor(items).iloc[0]
    assert row["share_of_variance"] > 0.5 and not row["below_half"]


def test_single_factor_comparison_is_a_15_df_difference_test():
    table = measurement.single_factor_comparison(shipped_items())
    test = table.attrs["chisq_difference"]
    assert test["df_difference"] == 15
    assert test["chisq_difference"] == pytest.approx(table["chisq"].iloc[0] - table["chisq"].iloc[1])
    assert table["df"].iloc[0] == 275 and table["df"].iloc[1] == 260


def test_common_latent_factor_table():
    table = measurement.common_latent_factor(shipped_items())
    assert list(table.index) == ins.item_columns()
    assert np.allclose(table["difference"], table["loading_with_method"] - table["loading_without_method"])
    assert np.allclose(table["method_variance"], table["method_loading"] ** 2)
    assert table.attrs["method_variance_share"] == pytest.approx(table["method_variance"].mean())
    assert table.attrs["chisq_difference"]["df_difference"] == 1
    assert table.attrs["heywood"] == [] and table.attrs["warnings"] == []


def test_marker_variable_check_adjusts_by_the_smallest_correlation():
    items = shipped_items()
    table = measurement.marker_variable_check(items)
    scores = score_constructs(shipped())
    correlations = scores.corr().to_numpy()[np.triu_indices(6, k=1)]
    r_m = max(correlations.min(), 0.0)
    assert table.attrs["r_m"] == pytest.approx(r_m)
    assert np.allclose(table["r"], correlations)
    assert np.allclose(table["r_adjusted"], (table["r"] - r_m) / (1 - r_m))
    assert table.loc[table.attrs["marker_pair"], "r_adjusted"] == pytest.approx(0.0)
    n = len(items)
    t = table["r_adjusted"] / np.sqrt((1 - table["r_adjusted"] ** 2) / (n - 3))
    from scipy import stats

    assert np.allclose(table["p_adjusted"], 2 * stats.t.sf(t.abs(), n - 3))
    hypotheses = table.loc[table["hypothesis"] != "", "hypothesis"]
    assert sorted(hypotheses) == sorted(h.code for h in paper_model.HYPOTHESES)
    second = measurement.marker_variable_check(items, rank=2)
    assert second.attrs["r_m"] >= table.attrs["r_m"]
    with pytest.raises(ValueError, match="rank"):
        measurement.marker_variable_check(items, rank=3)


# --- latent against composite --------------------------------------------------------------------------


def test_latent_vs_composite_paths_uses_the_kits_composite_model():
    table = measurement.latent_vs_composite_paths(shipped())
    composite = paper_model.fit(score_constructs(shipped())).parameter_estimates()
    assert list(table.index) == [h.code for h in paper_model.HYPOTHESES]
    for h in paper_model.HYPOTHESES:
        beta = composite[
            (composite["op"] == "~") & (composite["lhs"] == h.outcome) & (composite["rhs"] == h.predictor)
        ]
        assert table.loc[h.code, "beta_composite"] == pytest.approx(beta["std_all"].iloc[0])
    assert np.allclose(table["difference"], table["beta_latent"] - table["beta_composite"])
    large = table["beta_composite"].abs() >= measurement.RATIO_FLOOR
    assert np.allclose(table.loc[large, "ratio"], (table["beta_latent"] / table["beta_composite"])[large])
    assert table.loc[~large, "ratio"].isna().all()


def test_attenuation_corrections():
    table = measurement.attenuation_table(shipped())
    reliability = measurement.reliability_table(shipped_cfa(), shipped_items())
    scores = score_constructs(shipped())
    name = paper_model.abbreviation
    for h in paper_model.HYPOTHESES:
        row = table.loc[h.code]
        r = scores[h.predictor].corr(scores[h.outcome])
        x, y = name(h.predictor), name(h.outcome)
        assert row["r_composite"] == pytest.approx(r)
        alphas = reliability.loc[x, "alpha"] * reliability.loc[y, "alpha"]
        crs = reliability.loc[x, "composite_reliability"] * reliability.loc[y, "composite_reliability"]
        assert row["r_corrected_alpha"] == pytest.approx(r / math.sqrt(alphas))
        assert row["r_corrected_cr"] == pytest.approx(r / math.sqrt(crs))


def test_fit_comparison_rows_are_the_three_models():
    table = measurement.fit_comparison(shipped())
    assert list(table.index) == ["composite path model", "CFA (six factors)", "latent SEM (Figure 2)"]
    assert table.loc["composite path model", "chisq"] == pytest.approx(
        paper_model.fit(score_constructs(shipped())).chisq
    )
    assert table.loc["latent SEM (Figure 2)", "df"] - table.loc["CFA (six factors)", "df"] == 4


# --- on class surveys ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["class_40_two_medium", "non_normal", "model_rejected"])
def test_every_table_on_a_class_survey_without_escaping_warnings(battery, name):
    """Every function runs on a class survey; the engine's warnings (Heywood cases, numpy's on
    negative variances) stay in the tables' attrs instead of escaping."""
    survey = battery[name].survey
    items = measurement.recoded_items(survey)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cfa = measurement.fit_cfa(items)
        tables = {
            "reliability": measurement.reliability_table(cfa, items),
            "fornell_larcker": measurement.fornell_larcker_verdicts(cfa),
            "htmt": measurement.htmt_verdicts(items),
            "harman": measurement.harman_single_factor(items),
            "single_factor": measurement.single_factor_comparison(items),
            "common_latent_factor": measurement.common_latent_factor(items),
            "marker": measurement.marker_variable_check(items),
            "paths": measurement.latent_vs_composite_paths(survey),
            "attenuation": measurement.attenuation_table(survey),
            "fit": measurement.fit_comparison(survey),
        }
    assert source_of(items).n_firms == len(items) == battery[name].source.n_firms
    assert tables["reliability"].shape[0] == 6 and tables["htmt"].shape[0] == 15
    assert tables["paths"].shape[0] == tables["attenuation"].shape[0] == 8
    clf = tables["common_latent_factor"]
    # an improper method-factor solution is flagged, with the engine's message kept
    if any("Heywood" in message for message in clf.attrs["warnings"]):
        assert clf.attrs["heywood"]
    assert not any("sqrt" in message for message in clf.attrs["warnings"])  # numpy's noise is not kept


def test_verdicts_differ_between_the_shipped_survey_and_a_rejected_model(battery):
    """Where the data make two constructs hard to tell apart, the discriminant checks say so."""
    shipped_verdicts = measurement.fornell_larcker_verdicts(shipped_cfa())
    items = measurement.recoded_items(battery["model_rejected"].survey)
    rejected = measurement.fornell_larcker_verdicts(measurement.fit_cfa(items))
    assert shipped_verdicts["criterion_met"].all()
    assert not rejected["criterion_met"].all()
    assert measurement.htmt_verdicts(shipped_items())["below_strict"].all()
    assert not measurement.htmt_verdicts(items)["below_strict"].all()


def test_a_method_factor_that_cannot_be_fitted_is_reported_not_raised(monkeypatch):
    from helpers.sem import ConvergenceError

    items = measurement.recoded_items(load_survey())
    fit = measurement._fit_keeping_warnings

    def failing(syntax, data):
        if measurement.METHOD_FACTOR in syntax:
            raise ConvergenceError("the optimiser did not converge (test)")
        return fit(syntax, data)

    monkeypatch.setattr(measurement, "_fit_keeping_warnings", failing)
    table = measurement.common_latent_factor(items)
    assert table.attrs["converged"] is False
    assert table["loading_without_method"].notna().all() and table["method_loading"].isna().all()
    assert "did not converge (test)" in table.attrs["warnings"][-1]
