"""Lesson 08's computed sentences against the tables they summarise: on surveys of the battery (the
shipped one, a class of 40, weak paths) and on small tables made here where the verdicts differ."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import measurement, published
from helpers.statements import count_of, number
from helpers.statements import measurement as say

MEMBERS = ["shipped", "class_40_two_medium", "weak_paths"]


class Lesson08:
    """The tables lesson 08 computes from one survey."""

    def __init__(self, analysed):
        self.source = analysed.source
        items = measurement.recoded_items(analysed.survey)
        self.cfa = measurement.fit_cfa(items)
        self.measures = self.cfa.fit_measures()
        self.reliability = measurement.reliability_table(self.cfa, items)
        self.fornell_larcker = measurement.fornell_larcker_verdicts(self.cfa)
        self.htmt = measurement.htmt_verdicts(items)
        self.harman = measurement.harman_single_factor(items)
        self.single_factor = measurement.single_factor_comparison(items)
        self.common_factor = measurement.common_latent_factor(items)
        self.marker = measurement.marker_variable_check(items)
        self.paths = measurement.latent_vs_composite_paths(analysed.survey)
        self.attenuation = measurement.attenuation_table(analysed.survey)
        self.fits = measurement.fit_comparison(analysed.survey)


@pytest.fixture(scope="module")
def lessons(battery):
    return {name: Lesson08(battery[name]) for name in MEMBERS}


@pytest.fixture(params=MEMBERS)
def lesson(request, lessons):
    return lessons[request.param]


def test_the_cfa_sentence_reads_the_test_and_each_index_from_the_fit(lesson):
    text = say.cfa_fit(lesson.measures)
    rejected = lesson.measures["pvalue"] < 0.05
    assert ("The χ² test rejects" in text) == rejected
    assert f"χ² = {lesson.measures['chisq']:.2f} on {lesson.measures['df']:.0f} df" in text
    for key in ("cfi", "tli", "rmsea", "srmr"):
        assert f"{key.upper()} {number(lesson.measures[key], 3)}" in text
    few_firms = lesson.measures["ntotal"] < 5 * lesson.measures["npar"]
    assert ("rule of thumb" in text) == few_firms


def test_the_cfa_sentence_names_the_indices_that_miss_their_cutoffs():
    measures = {
        "chisq": 300.0,
        "df": 260,
        "pvalue": 0.04,
        "cfi": 0.96,
        "tli": 0.94,
        "rmsea": 0.07,
        "srmr": 0.05,
    }
    measures |= {"npar": 65, "ntotal": 1000}
    text = say.cfa_fit(pd.Series(measures))
    assert "CFI ≥ .95 and SRMR ≤ .08 are met and TLI ≥ .95 and RMSEA ≤ .06 are not" in text
    assert "rule of thumb" not in text
    none = say.cfa_fit(pd.Series(measures | {"cfi": 0.8, "tli": 0.8, "srmr": 0.12}))
    assert "None of the approximate indices" in none


def test_the_reliability_sentence_counts_each_criterion(lesson):
    text = say.reliability(lesson.reliability)
    for met, name in (("alpha_met", "Cronbach's α"), ("cr_met", "composite reliability"), ("ave_met", "AVE")):
        passing = int(lesson.reliability[met].sum())
        if passing == 6:
            assert f"{name} meets" in text
        else:
            assert f"{name} reaches" in text and f"for {passing} of the six constructs" in text


def reliability_row(alpha, cr, ave, heywood=False):
    return {
        "alpha": alpha,
        "alpha_met": alpha >= 0.7,
        "composite_reliability": cr,
        "cr_met": cr >= 0.7,
        "cr_exploratory_met": cr >= 0.6,
        "ave": ave,
        "ave_met": ave >= 0.5,
        "heywood": heywood,
    }


def test_the_reliability_sentence_flags_low_values_improper_solutions_and_redundant_items():
    table = pd.DataFrame(
        {
            "PCDP": reliability_row(0.9, 0.96, 0.8),
            "IT": reliability_row(0.65, 0.66, 0.4),
            "GL": reliability_row(0.8, 0.8, 0.45),
            "MR": reliability_row(0.8, 0.8, 0.6, heywood=True),
        }
    ).T
    text = say.reliability(table)
    assert "composite reliability reaches .70 for 3 of the four constructs; below it: IT (.660)" in text
    assert "IT still reaches the .60" in text
    assert "(PCDP) can mean items that say nearly the same thing" in text
    assert "For GL the composite is reliable as a whole" in text
    assert "improper for MR" in text


def test_discriminant_validity_names_the_failures(lesson):
    text = say.discriminant_validity(lesson.fornell_larcker, lesson.htmt)
    if lesson.fornell_larcker["criterion_met"].all():
        assert "√AVE exceeds every correlation" in text
    if lesson.htmt["below_strict"].all():
        assert "pairs are below the strict .85" in text
    fornell_larcker = lesson.fornell_larcker.copy()
    fornell_larcker.loc["IT", "criterion_met"] = False
    htmt = lesson.htmt.copy()
    htmt.loc["IT–MR", ["htmt", "below_strict", "below_liberal"]] = [0.93, False, False]
    text = say.discriminant_validity(fornell_larcker, htmt)
    assert "The criterion fails for IT" in text
    assert "Above the strict .85: IT–MR (.930); of these, above the liberal .90 too: IT–MR." in text
    text = say.discriminant_validity(lesson.fornell_larcker.assign(criterion_met=True), htmt)
    assert "The two criteria disagree" in text


def test_the_common_method_sentence_says_each_check_and_never_that_bias_is_absent(lesson):
    text = say.common_method(lesson.harman, lesson.single_factor, lesson.common_factor, lesson.marker)
    share = lesson.harman.loc[0, "share_of_variance"]
    assert f"{share:.1%}".replace("%", " %") in text
    assert ("below the 50 %" in text) == (share < 0.5)
    assert "None of these results shows that the answers are free of common-method variance" in text
    assert "no common-method bias" not in text.lower() and "is absent" not in text
    if lesson.common_factor.attrs["heywood"]:
        assert "improper solution" in text
    if lesson.marker.attrs["r_m"] <= 0:
        assert "adjusts nothing here" in text


def test_the_marker_and_method_factor_sentences_follow_their_numbers(lessons):
    shipped = lessons["shipped"]
    text = say.common_method(shipped.harman, shipped.single_factor, shipped.common_factor, shipped.marker)
    marker = shipped.marker[shipped.marker["hypothesis"] != ""]
    significant = marker[marker["p"] < 0.05]
    lost = significant[significant["p_adjusted"] >= 0.05]
    kept = count_of(len(significant) - len(lost), len(significant), "significant hypothesised correlations")
    assert f"{kept} stay significant" in text
    for code in lost["hypothesis"]:
        assert code in text.split("**Marker.**")[1]
    harman = shipped.harman.assign(share_of_variance=0.6, below_half=False)
    text = say.common_method(harman, shipped.single_factor, shipped.common_factor, shipped.marker)
    assert "more than half: one factor dominates the items" in text


def test_the_latent_sentence_counts_paths_further_from_zero(lesson):
    text = say.latent_vs_composite(lesson.paths)
    further = int((lesson.paths["beta_latent"].abs() > lesson.paths["beta_composite"].abs()).sum())
    assert (f"{further} of the eight paths" in text) or (further == 8 and "all eight paths" in text)
    shrunk_with_two_predictors = (
        lesson.paths["beta_latent"].abs() <= lesson.paths["beta_composite"].abs()
    ) & (~lesson.paths.index.isin(["H1a", "H1b"]))
    assert ("A path can also shrink" in text) == shrunk_with_two_predictors.any()


def test_the_attenuation_sentence_gives_the_largest_gap(lesson):
    text = say.attenuation(lesson.attenuation)
    gap = (lesson.attenuation["r_corrected_cr"] - lesson.attenuation["r_latent"]).abs()
    assert f"within {number(gap.max(), 3)} of the latent correlations" in text
    assert f"largest gap: {gap.idxmax()}" in text


def test_the_fit_comparison_tests_the_structure_on_the_items(lesson):
    text = say.fit_comparison(lesson.fits)
    difference = (
        lesson.fits.loc["latent SEM (Figure 2)", "chisq"] - lesson.fits.loc["CFA (six factors)", "chisq"]
    )
    assert f"χ² difference = {difference:.2f} on 4 df" in text
    assert "not the composite model's χ² beside the latent one" in text


def test_the_published_comparison_speaks_of_the_survey_it_analyses(lesson):
    table5 = published.table5().set_index("hypothesis")
    table = pd.DataFrame(
        {
            "published": table5["beta"],
            "reproduced_composite": lesson.paths["beta_composite"],
            "reproduced_latent": lesson.paths["beta_latent"],
        }
    )
    text = say.published_comparison(table, lesson.source)
    agree = int(((table["reproduced_composite"].round(2) - table["published"]).abs() < 1e-9).sum())
    assert (f"for {agree} of the eight paths" in text) or (agree == 8 and "for all eight paths" in text)
    assert ("calibrated" in text) == lesson.source.shipped


def side_by_side(with_complete: bool) -> pd.DataFrame:
    """A table shaped as missing_answers.listwise_and_fiml's: two paths and a variance."""
    index = pd.MultiIndex.from_tuples(
        [("IT", "~", "PCDP"), ("MR", "~", "IT"), ("IT", "~~", "IT")], names=["lhs", "op", "rhs"]
    )
    columns = {
        ("listwise", "est"): [0.50, 0.30, 1.0],
        ("listwise", "se"): [0.20, 0.20, 0.1],
        ("FIML", "est"): [0.55, 0.60, 1.0],
        ("FIML", "se"): [0.10, 0.10, 0.1],
    }
    firms = {"listwise": 90, "FIML": 190}
    if with_complete:
        columns |= {("complete data", "est"): [0.56, 0.62, 1.0], ("complete data", "se"): [0.1, 0.1, 0.1]}
        firms["complete data"] = 190
    table = pd.DataFrame(columns, index=index)
    table.attrs["firms"] = firms
    return table


def test_listwise_and_fiml_counts_firms_and_compares_with_the_complete_answers_when_known():
    text = say.listwise_and_fiml(side_by_side(with_complete=True))
    assert "Listwise deletion keeps 90 of the 190 firms" in text
    assert "standard errors of the two paths are on average 2.0 times as large" in text
    assert "FIML is closer for both paths" in text or "FIML is closer for all two paths" in text
    assert "furthest off for IT → MR (.30 against .62)" in text
    text = say.listwise_and_fiml(side_by_side(with_complete=False))
    assert "differ most for IT → MR (.30 after listwise deletion, .60 by FIML)" in text
    assert "one survey cannot say" in text


def test_a_method_factor_that_did_not_converge_is_said_so(lessons):
    shipped = lessons["shipped"]
    common_factor = shipped.common_factor.copy()
    common_factor.attrs = {**shipped.common_factor.attrs, "converged": False}
    text = say.common_method(shipped.harman, shipped.single_factor, common_factor, shipped.marker)
    assert "could not be fitted to these answers" in text


def test_the_cfa_sentence_on_few_firms_reads_a_failure_to_reject_as_weak():
    measures = {
        "chisq": 273.6,
        "df": 260,
        "pvalue": 0.27,
        "cfi": 0.99,
        "tli": 0.99,
        "rmsea": 0.02,
        "srmr": 0.04,
    }
    measures |= {"npar": 65, "ntotal": 190}
    text = say.cfa_fit(pd.Series(measures))
    assert "little power to detect a wrong model" in text and "too often" not in text
    rejected = say.cfa_fit(pd.Series(measures | {"pvalue": 0.001}))
    assert "little power" not in rejected and "reject correct models too often" in rejected


def fornell_larcker_rows(failing: list[str]) -> pd.DataFrame:
    rows = {
        key: {"sqrt_ave": 0.76, "largest_correlation": 0.5, "with": "MR", "criterion_met": True}
        for key in ("PCDP", "IT", "GL", "MR", "IA", "OE")
    }
    for key in failing:
        rows[key] |= {"largest_correlation": 0.87, "criterion_met": False}
    return pd.DataFrame(rows).T


def htmt_rows(above: dict[str, float]) -> pd.DataFrame:
    rows = {pair: {"htmt": 0.4, "below_strict": True, "below_liberal": True} for pair in ("PCDP–IT", "IT–MR")}
    for pair, value in above.items():
        rows[pair] = {"htmt": value, "below_strict": value < 0.85, "below_liberal": value < 0.9}
    return pd.DataFrame(rows).T


def test_discriminant_validity_when_only_fornell_larcker_fails_says_the_criteria_disagree():
    text = say.discriminant_validity(fornell_larcker_rows(["IT"]), htmt_rows({}))
    assert "The criterion fails for IT (r = .870 with MR): its √AVE does not exceed its largest" in text
    assert "Fornell–Larcker fails where HTMT passes" in text
    both = say.discriminant_validity(fornell_larcker_rows(["IT", "MR"]), htmt_rows({"IT–MR": 0.87}))
    assert "their √AVE do not exceed" in both
    assert "Above the strict .85: IT–MR (.870); it is below the liberal .90." in both
    assert "disagree" not in both


def test_an_improper_method_factor_is_named_with_what_is_negative(lessons):
    shipped = lessons["shipped"]
    common_factor = shipped.common_factor.copy()
    common_factor.attrs = {**shipped.common_factor.attrs, "converged": True}
    common_factor.attrs["heywood"] = [measurement.METHOD_FACTOR, *[f"gl_{k}" for k in range(1, 5)]]
    text = say.common_method(shipped.harman, shipped.single_factor, common_factor, shipped.marker)
    assert "the estimated variance of the method factor is negative, and 4 of the 25 items have" in text
    common_factor.attrs["heywood"] = ["MR"]
    text = say.common_method(shipped.harman, shipped.single_factor, common_factor, shipped.marker)
    assert "improper solution (the estimated variance of MR is negative)" in text
    common_factor.attrs["heywood"] = ["MR", "PCDP", "it_1"]
    text = say.common_method(shipped.harman, shipped.single_factor, common_factor, shipped.marker)
    assert "the estimated variances of PCDP and MR are negative, and 1 of the 25 items has" in text


def test_a_marker_correlation_below_zero_is_not_read_as_no_method_effect(lessons):
    shipped = lessons["shipped"]
    marker = shipped.marker.copy()
    marker.attrs = {**shipped.marker.attrs, "r_m": 0.0}
    text = say.common_method(shipped.harman, shipped.single_factor, shipped.common_factor, marker)
    assert "adjusts nothing here. That is no evidence against a method effect" in text


def paths_table(composite: list[float], latent: list[float]) -> pd.DataFrame:
    codes = ["H1a", "H1b", "H2a", "H2b", "H2c", "H3a", "H3b", "H3c"]
    table = pd.DataFrame(
        {"path": [f"path {code}" for code in codes], "beta_composite": composite, "beta_latent": latent},
        index=pd.Index(codes, name="hypothesis"),
    )
    return table


def test_the_latent_sentence_gives_the_average_change_with_its_direction_and_explains_each_shrinking_path():
    composite = [0.40, 0.40, 0.50, 0.10, 0.30, 0.30, 0.20, 0.40]
    latent = [0.35, 0.45, 0.45, -0.05, 0.25, 0.31, 0.21, 0.39]
    text = say.latent_vs_composite(paths_table(composite, latent))
    # changes in absolute size: -.05 +.05 -.05 -.05 -.05 +.01 +.01 -.01, mean -.0175
    assert "3 of the eight paths are further from zero" in text
    assert "a path's absolute size is smaller by .018" in text
    assert "H2b changes sign" in text
    assert "A path can also shrink (H2a, H2b, H2c and H3c)" in text
    assert "H1a has a single predictor" in text
    larger = say.latent_vs_composite(paths_table(composite, [b + 0.05 for b in composite]))
    assert "all eight paths are further from zero" in larger and "larger by .050" in larger
    assert "shrink" not in larger and "single predictor" not in larger


def fits_table(cfa_p: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "chisq": [4.0, 372.65, 380.56],
            "df": [4, 260, 264],
            "pvalue": [0.406, cfa_p, 0.0],
        },
        index=["composite path model", "CFA (six factors)", "latent SEM (Figure 2)"],
    )


def test_the_fit_comparison_warns_that_the_difference_test_assumes_the_cfa_when_the_cfa_is_rejected():
    text = say.fit_comparison(fits_table(0.0001))
    assert "χ² difference = 7.91 on 4 df" in text
    assert "takes the CFA as correct, and its own test rejects it here" in text
    assert "takes the CFA as correct" not in say.fit_comparison(fits_table(0.27))


def test_the_published_comparison_names_paths_with_the_opposite_sign(lessons):
    table5 = published.table5().set_index("hypothesis")
    composite = table5["beta"].copy()
    composite["H3b"] = -0.05
    latent = table5["beta"] * 1.1
    latent[["H2b", "H3b"]] = [-0.2, -0.08]
    table = pd.DataFrame(
        {"published": table5["beta"], "reproduced_composite": composite, "reproduced_latent": latent}
    )
    text = say.published_comparison(table, lessons["weak_paths"].source)
    assert "The composite β of H3b has the opposite sign to Table 5's." in text
    assert "The latent β of H2b and H3b have the opposite sign to Table 5's." in text
    latent["H2b"] = 0.2
    text = say.published_comparison(table.assign(reproduced_latent=latent), lessons["weak_paths"].source)
    assert "The composite and the latent β of H3b have the opposite sign to Table 5's." in text


def test_listwise_standard_errors_smaller_than_fimls_are_said_so():
    table = side_by_side(with_complete=False)
    table[("listwise", "se")] = [0.09, 0.09, 0.1]
    text = say.listwise_and_fiml(table)
    assert (
        "on average 0.9 times those by FIML: smaller after listwise deletion, although it uses fewer" in text
    )
    table[("listwise", "se")] = [0.10, 0.10, 0.1]
    assert "about as large after listwise deletion as by FIML (ratio 1.00)" in say.listwise_and_fiml(table)


def test_the_method_factor_is_tested_one_sided_as_a_variance_at_zero(lessons):
    shipped = lessons["shipped"]
    common_factor = shipped.common_factor.copy()
    common_factor.attrs = {**shipped.common_factor.attrs, "heywood": [], "converged": True}
    common_factor.attrs["chisq_difference"] = {"chisq_difference": 3.2, "df_difference": 1, "pvalue": 0.0736}
    text = say.common_method(shipped.harman, shipped.single_factor, common_factor, shipped.marker)
    assert "it improves the fit (χ² difference = 3.20 on 1 df, p = .037 with the p-value halved" in text
    common_factor.attrs["chisq_difference"] = {"chisq_difference": 0.12, "df_difference": 1, "pvalue": 0.734}
    text = say.common_method(shipped.harman, shipped.single_factor, common_factor, shipped.marker)
    assert "does not improve the fit significantly (χ² difference = 0.12 on 1 df, p = .367" in text
