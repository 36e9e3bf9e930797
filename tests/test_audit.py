"""Tests of helpers.audit.

The formulas are checked against lavaan itself (the fixtures in tests/fixtures/lavaan and a few
values printed by lavaan 0.6-14's internal functions). The audit is then fed numbers that must
pass (lavaan's fit of the kit's data, rounded the way the paper rounds) and numbers that must be
flagged (one value at a time made wrong), and finally run on the published values.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from helpers import audit, paper_model, published, settings
from helpers.audit import CONSISTENT, DECISION_ERROR, INCONSISTENT, MISPRINT, Reported
from helpers.audit.printed import p_explanation, p_verdict

FIXTURES = settings.REPO_ROOT / "tests" / "fixtures" / "lavaan"
LEGEND = {"*": 0.05, "**": 0.01}  # our own legend for the consistent sets: ** p < .01, * p < .05


def lavaan_fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def fixture_paths(fixture: dict) -> pd.DataFrame:
    """Table 5's layout from lavaan's parameter table: hypothesis, beta (std.all), p, z."""
    regressions = {(p["rhs"], p["lhs"]): p for p in fixture["parameters"] if p["op"] == "~"}
    rows = []
    for h in paper_model.HYPOTHESES:
        row = regressions[(h.predictor, h.outcome)]
        rows.append({"hypothesis": h.code, "beta": row["std_all"], "p": row["pvalue"], "z": row["z"]})
    return pd.DataFrame(rows)


def table1_from_counts() -> pd.DataFrame:
    """Table 1's counts with percentages rounded correctly (half up)."""
    table = published.table1()
    table["percentage"] = np.floor(100 * table["frequency"] / 190 + 0.5).astype(int)
    return table


def consistent_values(name: str = "kit_paper_model_correlated") -> dict:
    fixture = lavaan_fixture(name)
    measures = fixture["fit_measures"]
    significant = measures["pvalue"] < 0.05
    text = {
        "thresholds": (0.01, 0.05),
        "chisq": round(measures["chisq"], 2),
        "chisq_significant": bool(significant),
        "indices_above": ("cfi", "gfi"),
        "above_value": 0.9,
    }
    values = audit.values_like_published(measures, fixture_paths(fixture), legend=LEGEND, text=text)
    values["table1"] = table1_from_counts()
    values["platforms"] = published.platform_use()
    return values


@pytest.fixture(scope="module")
def correlated() -> dict:
    return consistent_values("kit_paper_model_correlated")


@pytest.fixture(scope="module")
def published_report() -> pd.DataFrame:
    return audit.audit_published_values()


def verdict_of(values: dict, check: str) -> str:
    return audit.audit(values).loc[check, "verdict"]


# --- printed numbers ----------------------------------------------------------------------------


def test_reported_interval_is_half_a_unit_of_the_last_printed_decimal():
    assert Reported(0.144, 3).interval() == pytest.approx((0.1435, 0.1445))
    assert Reported(173, 0).interval() == pytest.approx((172.5, 173.5))
    assert str(Reported(0.0, 3)) == "0.000"


def test_published_values_keep_the_printed_decimals():
    values = audit.published_values()
    assert values["pvalue"].decimals == 3 and values["chisq"].decimals == 2
    assert values["rmsea_ci_lower"].decimals == 3  # printed "0.000"
    assert values["aic"].decimals == 0
    assert set(values["paths"]["beta_decimals"]) == {2}  # "0.2" read at its column's precision
    assert values["n"] == 190


# --- formulas against lavaan ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kit_paper_model_correlated", "kit_paper_model_orthogonal"])
def test_fit_formulas_reproduce_lavaan(name):
    m = lavaan_fixture(name)["fit_measures"]
    chisq, df, n = m["chisq"], m["df"], m["ntotal"]
    assert audit.chisq_pvalue(chisq, df) == pytest.approx(m["pvalue"], abs=1e-10)
    assert audit.rmsea(chisq, df, n) == pytest.approx(m["rmsea"], abs=1e-10)
    lower, upper = audit.rmsea_ci(chisq, df, n)
    assert lower == pytest.approx(m["rmsea.ci.lower"], abs=1e-6)
    assert upper == pytest.approx(m["rmsea.ci.upper"], abs=1e-6)
    assert audit.rmsea_pvalue(chisq, df, n) == pytest.approx(m["rmsea.pvalue"], abs=1e-8)
    incremental = audit.incremental_fit(chisq, df, m["baseline.chisq"], m["baseline.df"])
    for key in ("cfi", "tli", "rni", "nfi"):
        assert incremental[key] == pytest.approx(m[key], abs=1e-10), key


def test_rmsea_formulas_match_lavaan_internals_at_the_published_chisq():
    # lavaan 0.6-14: lav_fit_rmsea_ci(3.64, df, 190) and lav_fit_rmsea_closefit(3.64, df, 190)
    assert audit.rmsea_ci(3.64, 14, 190) == (0.0, 0.0)
    assert audit.rmsea_ci(3.64, 14, 190, level=0.95) == (0.0, 0.0)
    assert audit.rmsea_ci(3.64, 4, 190)[1] == pytest.approx(0.105, abs=5e-4)
    assert audit.rmsea_pvalue(3.64, 14, 190) == pytest.approx(0.9998006, abs=1e-7)
    assert audit.rmsea_pvalue(3.64, 3, 190) == pytest.approx(0.4947827, abs=1e-7)


@pytest.mark.parametrize("name", ["kit_paper_model_correlated", "kit_paper_model_orthogonal"])
def test_counted_df_and_parameters_match_lavaan(name):
    m = lavaan_fixture(name)["fit_measures"]
    variant = "correlated outcomes" if name.endswith("correlated") else "orthogonal outcomes"
    row = paper_model.degrees_of_freedom_table().loc[variant]
    assert (row["free parameters"], row["df"], row["baseline df"]) == (m["npar"], m["df"], m["baseline.df"])


def test_degrees_of_freedom_counting():
    assert audit.moments(6, 1) == 20
    assert audit.baseline_df(6, 1) == 15
    assert audit.baseline_df(8, 0) == 28 == 8 * 7 // 2
    assert audit.variables_for_baseline_df(28, n_exogenous=1) == [8]
    assert audit.variables_for_baseline_df(15, n_exogenous=1) == [6]
    table = audit.degrees_of_freedom_by_variables(range(5, 9), df=14)
    assert table.loc[6, "free parameters for df = 14"] == 6


@pytest.mark.parametrize("name", ["kit_paper_model_correlated", "kit_paper_model_orthogonal"])
def test_parameter_count_recovered_from_unrounded_criteria(name):
    m = lavaan_fixture(name)["fit_measures"]
    aic, bic, sabic = (Reported(m[k], 8) for k in ("aic", "bic", "bic2"))
    table = audit.parameter_count_from_criteria(aic, bic, sabic, m["ntotal"])
    assert list(table["whole k"]) == [str(m["npar"])] * 3


def test_path_statistics_reproduce_lavaan_z():
    fixture = lavaan_fixture("kit_paper_model_correlated")
    paths = fixture_paths(fixture).set_index("hypothesis")
    betas = paths["beta"].to_dict()
    for code, row in paths.iterrows():
        z, t, df_t = audit.path_test_statistics(code, betas, 190)
        # exact for single-predictor equations; the others use the model-implied predictor
        # correlation, which differs from the sample one by this model's small misfit
        tolerance = 1e-6 if code in ("H1a", "H1b") else 0.01
        assert z == pytest.approx(row["z"], rel=tolerance), code
        assert t < z and df_t in (188, 187)


def test_implied_path_tests_bracket_lavaan_p_values():
    fixture = lavaan_fixture("kit_paper_model_correlated")
    paths = fixture_paths(fixture)
    betas = {r.hypothesis: Reported(round(r.beta, 2), 2) for r in paths.itertuples()}
    tests = audit.implied_path_tests(betas, 190, chisq=fixture["fit_measures"]["chisq"])
    for r in paths.itertuples():
        # lavaan prints p = 0 for p below about 1e-16
        assert tests.loc[r.hypothesis, "p low"] - 1e-12 <= r.p <= tests.loc[r.hypothesis, "p high"]


def test_baseline_floor_is_below_lavaan_baseline_chisq():
    fixture = lavaan_fixture("kit_paper_model_correlated")
    paths = fixture_paths(fixture).assign(beta_decimals=8)
    floor, code = audit.baseline_chisq_floor(paths, 190)
    r = paths.set_index("hypothesis").loc["H1a", "beta"]
    assert code == "H1a" and floor == pytest.approx(-190 * np.log(1 - r**2), rel=1e-6)
    assert floor < fixture["fit_measures"]["baseline.chisq"]


def test_misfit_allowance_grows_with_chisq():
    assert audit.misfit_partial_correlation(None, 190) == 0.0
    assert audit.misfit_partial_correlation(0.0, 190) == 0.0
    assert audit.misfit_partial_correlation(3.64, 190) == pytest.approx(np.sqrt(1 - np.exp(-3.64 / 190)))


def test_marks_follow_a_legend():
    legend = {"*": 0.1, "**": 0.05}
    assert audit.expected_mark(0.0, legend) == "**"
    assert audit.expected_mark(0.07, legend) == "*"
    assert audit.expected_mark(0.2, legend) == ""
    assert audit.mark_interval("*", legend) == (0.05, 0.1)
    assert audit.mark_interval("**", legend) == (0.0, 0.05)
    assert audit.mark_interval("", legend) == (0.1, 1.0)


def test_text_claims_are_read_from_the_study_facts():
    claims = audit.text_claims()
    assert claims["thresholds"] == (0.01, 0.05)
    assert claims["chisq"] == pytest.approx(3.64)
    assert claims["chisq_significant"] is True
    assert claims["indices_above"] == ("cfi", "tli", "gfi")
    assert claims["above_value"] == pytest.approx(0.9)
    facts = published.study_facts()
    facts.loc[facts["fact"] == "fit_text", "value"] = "chi-square 3.64 with a non-significant p-value"
    assert audit.text_claims(facts)["chisq_significant"] is False


def test_df_search_finds_the_df_of_a_consistent_set(correlated):
    table = audit.df_search(correlated["chisq"], 190, correlated["pvalue"], correlated["rmsea"])
    assert list(table.index[table["all match"]]) == [4]


# --- consistent numbers raise no flag -------------------------------------------------------------


@pytest.mark.parametrize("name", ["kit_paper_model_correlated", "kit_paper_model_orthogonal"])
def test_lavaan_fit_rounded_like_the_paper_raises_no_flag(name):
    report = audit.audit(consistent_values(name))
    assert len(report) >= 70  # the audit really ran its checks
    assert set(report["topic"]) >= {"RMSEA", "path p-values", "significance marks", "text claims"}
    assert audit.flagged(report).empty, audit.flagged(report).to_string()


def test_report_layout(correlated):
    report = audit.audit(correlated)
    assert report.index.name == "check" and report.index.is_unique
    assert list(report.columns) == list(audit.COLUMNS[1:])
    assert set(report["verdict"]) <= set(audit.VERDICTS)
    summary = audit.verdict_summary(report)
    assert summary.loc["total", "total"] == len(report)


# --- inconsistent numbers are flagged ------------------------------------------------------------


def with_value(values: dict, key: str, value: float) -> dict:
    changed = dict(values)
    changed[key] = replace(values[key], value=value)
    return changed


@pytest.mark.parametrize(
    ("key", "value", "check", "verdict"),
    [
        ("pvalue", 0.144, "T2-p-user", INCONSISTENT),
        ("pvalue", 0.010, "T2-p-user", DECISION_ERROR),
        ("baseline_pvalue", 0.300, "T2-p-baseline", INCONSISTENT),  # the baseline decides nothing
        ("rmsea_pvalue", 0.010, "T3-rmsea-pvalue", DECISION_ERROR),  # close fit rejected instead
        ("df", 14, "F2-df-user", INCONSISTENT),
        ("df", 14, "F2-parameters-user", INCONSISTENT),
        ("baseline_df", 28, "F2-df-baseline", INCONSISTENT),
        ("baseline_df", 28, "F2-variables-baseline", INCONSISTENT),
        ("rmsea", 0.036, "T3-rmsea", INCONSISTENT),
        ("rmsea", 0.036, "T2-df-search-user", INCONSISTENT),
        ("rmsea_ci_upper", 0.104, "T3-rmsea-ci-upper", INCONSISTENT),
        ("rmsea_pvalue", 0.525, "T3-rmsea-pvalue", INCONSISTENT),
        ("cfi", 0.976, "T4-cfi", INCONSISTENT),
        ("cfi", 0.976, "R-cfi-rni", INCONSISTENT),
        ("cfi", 0.976, "R-below-df", INCONSISTENT),
        ("tli", 0.988, "T4-tli", INCONSISTENT),
        ("tli", 0.988, "R-tli-rni", INCONSISTENT),
        ("rni", 0.996, "T4-rni", INCONSISTENT),
        ("agfi", 0.996, "R-gfi-agfi-df", INCONSISTENT),
        ("aic", 2189, "T3-k-bic-aic", INCONSISTENT),
        ("aic", 2189, "T3-k-agreement", INCONSISTENT),
        ("sabic", 2215, "T3-k-bic-sabic", INCONSISTENT),
        ("rmsea", 0.2, "R-rmsea-ci-contains", INCONSISTENT),
        ("baseline_chisq", 2.0, "R-model-vs-baseline", INCONSISTENT),
    ],
)
def test_one_wrong_fit_number_is_flagged(correlated, key, value, check, verdict):
    fit_only = {k: v for k, v in correlated.items() if k not in ("paths", "table1", "platforms")}
    assert verdict_of(with_value(fit_only, key, value), check) == verdict


def test_a_baseline_chisq_too_small_for_the_paths_is_flagged(correlated):
    def relations(values: dict) -> dict:
        return {c.check: c.verdict for c in audit.check_index_relations(values, 6)}

    assert relations(correlated)["R-baseline-vs-paths"] == CONSISTENT
    assert relations(with_value(correlated, "baseline_chisq", 50.0))["R-baseline-vs-paths"] == INCONSISTENT


def test_tli_above_cfi_is_flagged_for_a_misfitting_model():
    values = consistent_values("kit_paper_model_orthogonal")
    assert audit.audit(values).loc["R-tli-cfi-order", "verdict"] == CONSISTENT
    assert verdict_of(with_value(values, "tli", 0.95), "R-tli-cfi-order") == INCONSISTENT


def paths_with(values: dict, hypothesis: str, **changes) -> pd.DataFrame:
    paths = values["paths"].copy()
    for column, value in changes.items():
        paths.loc[paths["hypothesis"] == hypothesis, column] = value
    return paths


def test_a_p_value_its_beta_cannot_give_is_flagged(correlated):
    n, chisq = correlated["n"], correlated["chisq"].value
    paths = paths_with(correlated, "H1a", p=0.033)  # the brief's example: β = .52, N = 190
    rows = {c.check: c.verdict for c in audit.check_path_pvalues(paths, n, chisq, 0.05)}
    assert rows["T5-p-H1a"] == MISPRINT  # both below .05: the decision stands either way
    assert rows["T5-p-H2a"] == CONSISTENT
    paths = paths_with(correlated, "H3b", p=0.200)  # β = .20 allows p of about .004 to .009
    rows = {c.check: c.verdict for c in audit.check_path_pvalues(paths, n, chisq, 0.05)}
    assert rows["T5-p-H3b"] == DECISION_ERROR


def test_a_recomputed_p_range_that_straddles_alpha_is_never_a_likely_misprint():
    printed, straddling = Reported(0.016, 3), (0.0273, 0.0524)  # Table 5's H2b
    assert p_verdict(printed, straddling, 0.05, misprint=True) == INCONSISTENT
    assert p_verdict(printed, straddling, 0.05, decides=False, misprint=True) == INCONSISTENT
    explanation = p_explanation(INCONSISTENT, printed, straddling, 0.05)
    assert "straddles" in explanation and "not settled" in explanation and "slip" not in explanation
    # the same mismatch with the whole range below alpha is a likely misprint; above it, a decision error
    assert p_verdict(printed, (0.0273, 0.0474), 0.05, misprint=True) == MISPRINT
    assert p_verdict(printed, (0.0573, 0.0824), 0.05, misprint=True) == DECISION_ERROR
    # and a printed p above alpha against a straddling range
    assert p_verdict(Reported(0.09, 2), straddling, 0.05, misprint=True) == INCONSISTENT


def test_wrong_marks_and_decisions_are_flagged(correlated):
    paths = paths_with(correlated, "H2a", mark="*")  # p = .000 marked as only p < .05
    rows = {c.check: c.verdict for c in audit.check_marks(paths, LEGEND, 0.05)}
    assert rows["T5-mark-H2a"] == INCONSISTENT
    assert rows["T5-mark-H1a"] == CONSISTENT
    rows = {c.check: c.verdict for c in audit.check_marks(paths, {"*": 0.1, "**": 0.05}, 0.05)}
    assert rows["T5-mark-H2a"] == DECISION_ERROR  # read by this legend, '*' means .05 <= p < .1
    swapped = {"*": 0.01, "**": 0.05}
    assert audit.check_marks_against_text(paths, (0.01, 0.05), "").verdict == INCONSISTENT
    assert audit.check_legend_against_text(swapped, (0.01, 0.05), "").verdict == CONSISTENT
    assert audit.check_legend_against_text({"*": 0.1, "**": 0.05}, (0.01, 0.05), "").verdict == INCONSISTENT
    wrong = paths_with(correlated, "H3c", decision="Not supported")
    assert audit.check_decisions(wrong, 0.05).verdict == DECISION_ERROR


def test_marks_that_follow_the_texts_levels_under_a_misprinted_note_are_likely_misprints():
    # Table 5's pattern: the strongest paths carry '*', the note says '*' p < .1 and '**' p < .05,
    # the text names p < .01 and p < .05
    paths = pd.DataFrame(
        {
            "hypothesis": ["A", "B", "C"],
            "p": [0.000, 0.004, 0.030],
            "p_decimals": 3,
            "mark": ["*", "*", "**"],
            "source": "test",
        }
    )
    note, text = {"*": 0.1, "**": 0.05}, (0.01, 0.05)
    assert audit.text_reading(paths, text) == {"*": 0.01, "**": 0.05}
    under_note = {c.check: c.verdict for c in audit.check_marks(paths, note, 0.05)}
    assert under_note == {"T5-mark-A": DECISION_ERROR, "T5-mark-B": DECISION_ERROR, "T5-mark-C": CONSISTENT}
    with_text = {c.check: c.verdict for c in audit.check_marks(paths, note, 0.05, "", text)}
    assert with_text == {"T5-mark-A": MISPRINT, "T5-mark-B": MISPRINT, "T5-mark-C": CONSISTENT}
    assert audit.check_legend_against_text(note, text, "", marks_follow_text=True).verdict == MISPRINT
    assert audit.check_legend_against_text(note, text, "").verdict == INCONSISTENT
    unreadable = paths.assign(mark=["*", "**", "*"])  # no pairing of levels and marks fits
    assert audit.text_reading(unreadable, text) == {}
    rows = {c.check: c.verdict for c in audit.check_marks(unreadable, note, 0.05, "", text)}
    assert rows["T5-mark-A"] == DECISION_ERROR


def test_the_baseline_test_never_makes_a_decision_error():
    chisq, df = Reported(31.36, 2), Reported(28, 0)
    p = Reported(0.001, 3)  # the recomputed p is about .30
    assert (
        audit.check_model_test_pvalue("Baseline Model", chisq, df, p, decides=False).verdict == INCONSISTENT
    )
    assert audit.check_model_test_pvalue("User Model", chisq, df, p).verdict == DECISION_ERROR


def test_wrong_percentages_and_counts_are_flagged():
    table = table1_from_counts()
    assert all(c.verdict == CONSISTENT for c in audit.check_percentages(table, 190))
    table.loc[table["category"] == "Manufacturing", "percentage"] = 40
    rows = {c.check: c.verdict for c in audit.check_percentages(table, 190)}
    assert rows["T1-pct-nature-of-business-manufacturing"] == MISPRINT  # 40.5% printed as 40
    assert rows["T1-sum-nature-of-business"] == CONSISTENT  # 100 is within rounding of the sum
    table.loc[table["category"] == "Manufacturing", "percentage"] = 45
    rows = {c.check: c.verdict for c in audit.check_percentages(table, 190)}
    assert rows["T1-pct-nature-of-business-manufacturing"] == INCONSISTENT  # too far for a slip
    table.loc[table["category"] == "Small", "frequency"] = 175
    table.loc[table["category"] == "Medium", "percentage"] = 12
    rows = {c.check: c.verdict for c in audit.check_percentages(table, 190)}
    assert rows["T1-n-firm-size"] == INCONSISTENT
    assert rows["T1-sum-firm-size"] == INCONSISTENT  # 92 + 12 = 104 > 100 + 2/2
    platforms = pd.DataFrame({"platform": ["X"], "percentage": [101.0], "source": ["test"]})
    assert audit.check_platform_percentages(platforms, 190)[0].verdict == INCONSISTENT


def test_wrong_text_claims_are_flagged(correlated):
    text = dict(correlated["text"], chisq_significant=True, chisq=3.99, above_value=0.995)
    rows = {c.check: c.verdict for c in audit.check_text_claims(dict(correlated, text=text), 0.05)}
    assert rows == {
        "TXT-chisq": MISPRINT,  # one number printed twice, differently
        "TXT-chisq-significant": DECISION_ERROR,
        "TXT-indices-above": DECISION_ERROR,  # the text's verdict on fit does not hold
    }


def test_checks_are_skipped_without_their_inputs(correlated):
    some = {key: correlated[key] for key in ("n", "chisq", "df", "pvalue")}
    report = audit.audit(some)
    assert list(report.index) == ["T2-p-user", "T2-df-search-user"]
    assert audit.flagged(report).empty


# --- the published values ------------------------------------------------------------------------


def test_published_numbers_every_row_has_a_verdict_and_source(published_report):
    assert set(published_report["verdict"]) == set(audit.VERDICTS)
    assert (published_report["source"].str.len() > 0).all()
    assert published_report.index.is_unique


@pytest.mark.parametrize(
    ("check", "verdict"),
    [
        ("T2-p-user", INCONSISTENT),  # 3.64 on 14 df gives p = .997, not .144
        ("T2-p-baseline", INCONSISTENT),  # 31.36 on 28 df gives p = .30, not .001; decides nothing
        ("F2-df-user", INCONSISTENT),  # Figure 2 has df 4 (or 7 with orthogonal outcomes)
        ("F2-df-baseline", INCONSISTENT),  # 15, not 28
        ("F2-variables-baseline", INCONSISTENT),  # 28 = 8·7/2 points to 8 variables
        ("T2-df-search-user", INCONSISTENT),
        ("T3-rmsea", INCONSISTENT),  # χ² < df forces RMSEA = 0
        ("T3-rmsea-ci-lower", CONSISTENT),
        ("T3-rmsea-ci-upper", INCONSISTENT),
        ("T4-cfi", INCONSISTENT),
        ("R-rmsea-ci-contains", CONSISTENT),
        ("R-cfi-rni", INCONSISTENT),
        ("R-tli-cfi-order", INCONSISTENT),
        ("R-gfi-agfi-df", CONSISTENT),
        ("R-baseline-vs-paths", INCONSISTENT),  # β = .52 alone needs a baseline χ² of 58
        ("T3-k-agreement", INCONSISTENT),
        ("T5-p-H1a", MISPRINT),  # p = .033 is impossible for β = .52 at N = 190; both below .05
        ("T5-p-H2a", CONSISTENT),
        ("T5-p-H2b", INCONSISTENT),  # p = .016 printed; β = .15 allows .027 to .052, on both sides of .05
        ("T5-p-H3b", MISPRINT),  # p = .021 printed; β = .20 allows .004 to .009, all below .05
        ("T5-mark-H1a", CONSISTENT),
        ("T5-mark-H2a", MISPRINT),  # '*' means .05 <= p < .1 under the note, p < .01 in the text
        ("T5-legend-text", MISPRINT),  # the note's .1 where the text has .01
        ("T5-marks-text", CONSISTENT),  # read as * p < .01, ** p < .05 the marks fit
        ("T5-decisions", CONSISTENT),
        ("T1-pct-nature-of-business-manufacturing", MISPRINT),  # 77/190 = 40.5% prints as 41
        ("T1-pct-firm-size-small", CONSISTENT),
        ("T1-n-nature-of-business", CONSISTENT),
        ("F1-pct-whatsapp", CONSISTENT),
        ("TXT-chisq-significant", DECISION_ERROR),  # 'significant' against p = .144
        ("TXT-indices-above", CONSISTENT),
    ],
)
def test_published_numbers_verdicts(published_report, check, verdict):
    assert published_report.loc[check, "verdict"] == verdict


def test_published_numbers_counted_by_verdict(published_report):
    counts = audit.verdict_counts(published_report)
    assert list(counts.index) == list(audit.VERDICTS) and counts.sum() == len(published_report)
    decision_errors = published_report.index[published_report["verdict"] == DECISION_ERROR]
    assert list(decision_errors) == ["TXT-chisq-significant"]  # neither the baseline nor the marks
    misprints = set(published_report.index[published_report["verdict"] == MISPRINT])
    assert {"T5-mark-H2a", "T5-mark-H2c", "T5-mark-H3a", "T5-mark-H3c", "T5-legend-text"} <= misprints
    assert {"T5-p-H1a", "T5-p-H1b", "T5-p-H3b"} <= misprints
    assert "T5-p-H2b" not in misprints  # its recomputed range straddles .05


def test_published_information_criteria_imply_different_parameter_counts(published_report):
    values = audit.published_values()
    table = audit.parameter_count_from_criteria(values["aic"], values["bic"], values["sabic"], 190)
    assert table.loc["bic - aic", "whole k"] == "10"
    assert table.loc["bic - sabic", "whole k"] == "none"
    assert published_report.loc["T3-k-bic-aic", "verdict"] == INCONSISTENT  # Figure 2 has 16


def test_published_baseline_p_fits_a_different_df():
    values = audit.published_values()
    table = audit.df_search(values["baseline_chisq"], 190, values["baseline_pvalue"])
    assert list(table.index[table["all match"]]) == [10, 11]
