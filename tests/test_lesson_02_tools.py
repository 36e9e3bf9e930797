"""Lesson 02's standard-tool steps and self-checks: pandas' value_counts gives Table 1's counts,
scipy's Welch test gives the helper's firm-size tests (only those the helper ran, so the step
holds on a class with 2 Medium firms), and every self-check accepts the right answer, computed
here independently of helpers/self_checks.py, and refuses a wrong one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import descriptives, exercises, notebook
from helpers import instrument as ins

SURVEYS = ["shipped", "class_40_two_medium", "class_60", "non_normal"]


def pandas_counts(survey: pd.DataFrame) -> pd.Series:
    """The lesson's pandas call: value_counts per characteristic, in the questionnaire's order."""
    return pd.concat(
        {c.label: survey[c.column].value_counts(sort=False) for c in ins.CHARACTERISTICS},
        names=["characteristic", "category"],
    )


def scipy_welch(scores: pd.DataFrame, survey: pd.DataFrame, constructs: pd.Index) -> pd.DataFrame:
    """The lesson's scipy call: Welch's t-test, small vs medium-sized firms, per construct."""
    small, medium = (scores.loc[survey["firm_size"] == size, constructs] for size in ("Small", "Medium"))
    welch = stats.ttest_ind(small, medium, equal_var=False)
    return pd.DataFrame({"statistic": welch.statistic, "df": welch.df, "p": welch.pvalue}, index=constructs)


@pytest.mark.parametrize("name", SURVEYS)
def test_pandas_value_counts_equal_the_table1_counts(battery, name):
    survey = battery[name].survey
    table1 = descriptives.firm_characteristics_table(survey)
    kit = table1.set_index(["characteristic", "category"])["frequency"]
    standard = pandas_counts(survey)
    notebook.same_result(kit, standard, "Table 1 counts", tolerance=0)
    assert list(standard.to_numpy()) == list(kit.to_numpy())  # same order too, zeros included


def test_value_counts_keep_a_category_nobody_ticked(battery):
    survey = battery["shipped"].survey.copy()
    survey["business_type"] = survey["business_type"].where(survey["business_type"] != "Others", "Pvt Ltd Co")
    counts = pandas_counts(survey)
    assert counts[("Type of Business", "Others")] == 0
    notebook.same_result(
        descriptives.firm_characteristics_table(survey).set_index(["characteristic", "category"])[
            "frequency"
        ],
        counts,
        "Table 1 counts",
        tolerance=0,
    )


@pytest.mark.parametrize("name", SURVEYS)
def test_scipy_welch_repeats_every_test_the_helper_ran(battery, name):
    analysed = battery[name]
    tests = descriptives.group_difference_tests(analysed.scores, analysed.survey, "firm_size")
    ran = tests.dropna(subset=["p"]).set_index("construct")
    standard = scipy_welch(analysed.scores, analysed.survey, ran.index)
    notebook.same_result(ran[["statistic", "df", "p"]], standard, "Welch t", tolerance=1e-9)
    medium = int((analysed.survey["firm_size"] == "Medium").sum())
    assert len(ran) == (0 if medium < 5 else len(tests))


def test_on_the_class_with_two_medium_firms_the_comparison_holds_with_nothing_to_compare(battery, capsys):
    analysed = battery["class_40_two_medium"]
    tests = descriptives.group_difference_tests(analysed.scores, analysed.survey, "firm_size")
    ran = tests.dropna(subset=["p"]).set_index("construct")
    notebook.same_result(
        ran[["statistic", "df", "p"]], scipy_welch(analysed.scores, analysed.survey, ran.index), "x"
    )
    assert capsys.readouterr().out.startswith("**Nothing to compare.** x: neither computation has a value")


def test_the_scipy_welch_test_is_not_students(battery):
    analysed = battery["shipped"]
    tests = descriptives.group_difference_tests(analysed.scores, analysed.survey, "firm_size")
    small, medium = (analysed.scores[analysed.survey["firm_size"] == s] for s in ("Small", "Medium"))
    student = stats.ttest_ind(small, medium, equal_var=True)
    assert not np.allclose(student.pvalue, tests["p"].to_numpy(), atol=1e-3)


def test_kruskal_wallis_on_two_groups_runs_per_construct_and_on_no_column(battery):
    analysed = battery["shipped"]
    small, medium = (analysed.scores[analysed.survey["firm_size"] == s] for s in ("Small", "Medium"))
    ranks = stats.kruskal(small, medium)
    assert ranks.pvalue.shape == (6,)
    for key in analysed.scores:  # the vectorised call equals one test per construct
        assert ranks.pvalue[list(analysed.scores).index(key)] == pytest.approx(
            stats.kruskal(small[key], medium[key]).pvalue
        )
    assert stats.kruskal(small[[]], medium[[]]).pvalue.size == 0  # the class where no test ran


# --- Self-checks -------------------------------------------------------------------------------


def medium_private_limited(survey: pd.DataFrame) -> int:
    table = pd.crosstab(survey["firm_size"], survey["business_type"], dropna=False)
    return int(table.loc["Medium", "Pvt Ltd Co"])


@pytest.mark.parametrize("name", SURVEYS)
def test_self_check_02a_is_the_crosstab_cell_of_the_survey(battery, name):
    survey = battery[name].survey
    right = medium_private_limited(survey)
    assert exercises.check("02.a", right, survey)
    assert not exercises.check("02.a", right + 1, survey)


def test_self_check_02a_depends_on_the_survey(battery):
    assert len({medium_private_limited(battery[name].survey) for name in SURVEYS}) > 1


@pytest.mark.parametrize(("check", "right"), [("02.b", "b"), ("02.c", "c")])
@pytest.mark.parametrize("name", ["shipped", "class_40_two_medium"])
def test_choice_self_checks_accept_only_the_right_letter(battery, check, right, name):
    survey = battery[name].survey
    assert exercises.check(check, right, survey)
    assert exercises.check(check, f"({right.upper()})", survey)
    for wrong in sorted({"a", "b", "c"} - {right}):
        assert not exercises.check(check, wrong, survey)


def test_self_check_02c_answer_is_the_chance_of_a_false_positive_in_six_tests():
    assert 1 - 0.95**6 == pytest.approx(0.26, abs=0.005)  # (c) about 26 %, not 5 % or 30 %
