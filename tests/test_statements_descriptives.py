"""Lesson 02's computed sentences against the tables they summarise, on every survey of the battery."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers import descriptives, published
from helpers.descriptives import round_half_up
from helpers.statements import descriptives as say

MEMBERS = ["shipped", "class_40_two_medium", "class_60", "model_rejected", "weak_paths", "non_normal"]


class Lesson02:
    def __init__(self, analysed):
        self.source, self.survey = analysed.source, analysed.survey
        self.table1 = descriptives.firm_characteristics_table(analysed.survey)
        self.comparison = descriptives.compare_table1(self.table1, published.table1())
        self.platform_use = descriptives.platform_use_table(analysed.survey)
        self.construct_summary = descriptives.construct_descriptives(analysed.scores)
        self.size_tests = descriptives.group_difference_tests(analysed.scores, analysed.survey, "firm_size")


@pytest.fixture(scope="module")
def lessons(battery):
    return {name: Lesson02(battery[name]) for name in MEMBERS}


@pytest.fixture(params=MEMBERS)
def lesson(request, lessons):
    return lessons[request.param]


def test_the_table1_sentence_counts_the_rows_that_agree(lesson):
    text = say.table1_comparison(lesson.comparison, lesson.source)
    same = int((lesson.comparison["frequency_reproduced"] == lesson.comparison["frequency_published"]).sum())
    if same == len(lesson.comparison):
        assert text.startswith("The frequency columns agree in every row")
    else:
        assert text.startswith(f"The frequency columns agree in {same} of 16 rows.")
    off = (
        round_half_up(lesson.comparison["percentage_reproduced"]) != lesson.comparison["percentage_published"]
    ) & ~lesson.comparison["published_percentage_mismatch"]
    assert ("only rounding" in text) == (not off.any())
    if off.any():
        assert f"in {int(off.sum())} of 16 rows" in text


def test_the_figure1_notes_call_shares_assumed_only_on_the_shipped_data(lesson):
    assert ("assumption" in say.platform_sources(lesson.source)) == lesson.source.shipped
    assert ("Hatched" in say.figure1_reading(lesson.source)) == lesson.source.shipped


def test_the_agreement_sentence_shows_the_shares_and_calls_gaps_within_two_se_similar(lesson):
    text = say.agreement(lesson.survey, lesson.platform_use)
    table = descriptives.agreement_comparison(
        lesson.survey, "partnership_collaboration", ["international_trade", "global_logistics"]
    ).set_index("construct")
    for share in table["share"]:
        assert f"{round_half_up(share):.0f} %" in text
    leans = []
    for key in ("international_trade", "global_logistics"):
        row = table.loc[key]
        if abs(row["difference"]) < 2 * row["se"]:
            leans.append("about as much as")
        else:
            leans.append("less than" if row["difference"] < 0 else "more than")
    if leans[0] == leans[1]:
        assert f"Global Logistics lean {leans[0]} the networking items" in text
    else:
        assert f"International Trade leans {leans[0]}" in text and f"Global Logistics {leans[1]} them" in text


def test_the_agreement_sentence_calls_the_battery_gaps_of_a_few_points_similar(lessons):
    """Every battery member draws all items with the same answer shares: no construct leans more or
    less than another, and the gaps of 2-6 points (e.g. model_rejected's 25.9 vs 23.0 %) are chance."""
    for name in MEMBERS[1:]:
        text = say.agreement(lessons[name].survey, lessons[name].platform_use)
        assert "lean about as much as the networking items" in text, (name, text)


def test_the_construct_shape_sentence_follows_the_means_sds_and_shape(lesson):
    text = say.construct_shape(lesson.construct_summary)
    means = lesson.construct_summary["mean"]
    assert ("a little above the neutral 3" in text) == means.between(3, 3.5, inclusive="neither").all()
    assert ("below the neutral 3" in text) == (means < 3).all()
    large = int((lesson.construct_summary["skewness"].abs() >= 1).sum())
    assert (f"Skewness is large for {large} of 6" in text) == (large > 0)


def test_the_group_size_sentence_gives_the_counts_and_warns_when_a_group_is_too_small(lesson):
    text = say.group_sizes(lesson.table1)
    sizes = lesson.table1[lesson.table1["characteristic"] == "Firm Size"].set_index("category")["frequency"]
    assert text.startswith(f"Here the groups have {sizes['Small']} and {sizes['Medium']} firms.")
    assert ("runs no test at all" in text) == (sizes.min() < 5)
    if sizes.min() >= 5:
        assert ("very unequal" in text) == (sizes.max() >= 1.5 * sizes.min())


def test_the_size_difference_sentence_names_what_differs_at_05(lesson):
    text = say.size_differences(lesson.size_tests, lesson.table1, lesson.source)
    tests = lesson.size_tests
    if tests["p"].isna().all():
        assert "no test was run" in text
        return
    significant = tests[tests["p"] < 0.05]
    assert ("no construct differs" in text) == significant.empty
    for key in significant["construct"]:
        assert say._label(key).lower() in text
    assert ("the data are synthetic" in text) == lesson.source.shipped


def test_the_repeated_tests_sentence_counts_the_tests_the_helper_ran(lesson):
    text = say.tests_repeated(lesson.size_tests)
    ran = int(lesson.size_tests["p"].notna().sum())
    if ran == 0:
        assert text.startswith("The helper ran no test here") and "compares no value" in text
    else:
        total = len(lesson.size_tests)
        assert text.startswith(
            f"The helper ran all {ran} tests" if ran == total else f"The helper ran {ran} of the {total}"
        )


def test_the_battery_has_a_survey_where_the_helper_runs_no_firm_size_test(lessons):
    assert lessons["class_40_two_medium"].size_tests["p"].isna().all()
    assert lessons["shipped"].size_tests["p"].notna().all()


def test_the_verdict_table_counts_equal_rows_and_names_the_misprint(lesson):
    table = say.published_verdicts(lesson.comparison, lesson.platform_use, lesson.source)
    rows = dict([part.strip() for part in line.strip("|").split("|")] for line in table.splitlines()[2:])
    same = int((lesson.comparison["frequency_reproduced"] == lesson.comparison["frequency_published"]).sum())
    assert rows["Table 1 counts"].startswith("all 16 equal" if same == 16 else f"{same} of 16 equal")
    assert "Manufacturing" in rows["Table 1 percentages"]  # the paper's own misprint, on any data
    assert rows["other platform shares"].endswith(
        "assumed" if lesson.source.shipped else "measured in this survey"
    )


def test_the_sample_profile_follows_table1_and_platform_use(lesson):
    text = say.sample_profile(lesson.table1, lesson.platform_use)
    share = lesson.table1.set_index(["characteristic", "category"])["percentage"]
    young = share["Age of Business"].iloc[:2].sum()
    assert ("more than half have operated for less than six years" in text) == (young > 50)
    use = lesson.platform_use.set_index("platform")["percentage"]
    assert ("No platform is used by almost every firm" in text) == (use < 90).all()
    if (use < 90).all():
        assert re.search(rf"from {round_half_up(use.min()):.0f} % \({re.escape(use.idxmin())}\)", text)


def test_percentages_round_half_up_as_the_lesson_teaches():
    assert say._percent(72.5) == "73" and say._percent(62.5) == "63" and say._percent(52.5) == "53"
    assert say._percent(13.75, 1) == "13.8" and say._percent(13.25, 1) == "13.3"


def test_class_40_prints_its_half_percentages_rounded_up(lessons):
    """class_40 has WhatsApp 29/40 = 72.5 %, Facebook 62.5 % and Instagram 52.5 %."""
    lesson = lessons["class_40_two_medium"]
    use = lesson.platform_use.set_index("platform")["percentage"]
    assert use[["WhatsApp", "Facebook", "Instagram"]].tolist() == [72.5, 62.5, 52.5]
    table = say.published_verdicts(lesson.comparison, lesson.platform_use, lesson.source)
    assert "WhatsApp: 73 % here" in table and "Facebook: 63 % here" in table
    assert "from 53 % (Instagram)" in say.sample_profile(lesson.table1, lesson.platform_use)


def test_a_mean_range_never_prints_the_boundary_it_lies_beyond():
    summary = pd.DataFrame(
        {"mean": [2.91, 2.996], "sd": [0.9, 0.9], "skewness": [-0.1, -0.1], "kurtosis": [-0.2, -0.2]}
    )
    assert "below the neutral 3 (2.910 to 2.996)" in say.construct_shape(summary)
    summary["mean"] = [3.5004, 3.8]
    assert "well above the neutral 3 (3.5004 to 3.8000)" in say.construct_shape(summary)
