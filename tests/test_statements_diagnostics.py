"""Lesson 03's computed sentences against the tables they summarise, on every survey of the battery."""

from __future__ import annotations

import pytest

from helpers import diagnostics
from helpers import instrument as ins
from helpers.statements import diagnostics as say
from helpers.statements import number

MEMBERS = ["shipped", "class_40_two_medium", "class_60", "model_rejected", "weak_paths", "non_normal"]


class Lesson03:
    def __init__(self, analysed):
        self.source = analysed.source
        self.normality = diagnostics.normality_table(analysed.scores)
        self.mardia = diagnostics.mardia_test(analysed.scores)
        self.outliers = diagnostics.multivariate_outliers(analysed.scores)
        self.collinearity = diagnostics.collinearity_table(analysed.scores)
        self.reliability = diagnostics.reliability_table(analysed.survey)
        self.items = diagnostics.item_analysis(analysed.survey)
        self.correlations = diagnostics.correlation_table(analysed.scores)


@pytest.fixture(scope="module")
def lessons(battery):
    return {name: Lesson03(battery[name]) for name in MEMBERS}


@pytest.fixture(params=MEMBERS)
def lesson(request, lessons):
    return lessons[request.param]


def rejections(normality, column):
    return int((normality[column] < 0.05).sum())


def phrase(k: int) -> str:
    return {0: "rejects nothing", 6: "rejects every construct"}.get(k, f"rejects {k} of the 6 constructs")


def test_each_normality_bullet_counts_what_its_test_rejects(lesson):
    text = say.normality_tests(lesson.normality, lesson.source)
    ks, lilliefors, shapiro = text.split("\n")[:3]
    assert phrase(rejections(lesson.normality, "ks_p")) in ks
    assert phrase(rejections(lesson.normality, "lilliefors_p")) in lilliefors
    assert phrase(rejections(lesson.normality, "shapiro_p")) in shapiro
    # on the shipped data every verdict is tied to the generator's assumptions, elsewhere to the survey
    assert ("rests on the generator's assumed answer distributions" in text) == lesson.source.shipped
    assert ("say nothing about the paper's data" in text) == (not lesson.source.shipped)
    # a test that does not reject is never read as showing normality
    for claim in ("confirmed normality", "are normal"):
        for sentence in text.replace("\n", " ").split(". "):
            if claim in sentence and "not" not in sentence and "neither" not in sentence:
                raise AssertionError(sentence)


def test_the_shape_sentence_counts_the_constructs_with_large_z(lesson):
    text = say.shape(lesson.normality)
    flagged = int(
        ((lesson.normality["skewness_z"].abs() > 1.96) | (lesson.normality["kurtosis_z"].abs() > 1.96)).sum()
    )
    expected = {0: "no construct has", 1: "only one construct has"}.get(
        flagged, f"{flagged} of the 6 constructs have"
    )
    assert expected in text
    small = max(lesson.normality["skewness"].abs().max(), lesson.normality["kurtosis"].abs().max()) < 1
    assert ("The departures themselves are small." in text) == small


def test_the_mardia_sentence_follows_both_p_values(lesson):
    text = say.mardia(lesson.mardia)
    rejected = int((lesson.mardia["p"] < 0.05).sum())
    assert text.startswith({0: "Neither test rejects", 2: "Both tests reject"}.get(rejected, "The "))
    if rejected == 0:  # not rejecting is not shown as proof of joint normality
        assert "not proof" in text


def test_the_outlier_sentence_counts_the_firms_beyond_the_cut_off(lesson):
    text = say.outliers(lesson.outliers)
    n = len(lesson.outliers)
    assert text.startswith({0: "No firm passes", 1: "One firm passes"}.get(n, f"{n} firms pass"))


def test_the_vif_sentence_follows_the_largest_vif(lesson):
    text = say.collinearity(lesson.collinearity)
    assert ("far below the usual warning levels" in text) == (lesson.collinearity["vif"].max() < 2.5)
    assert "claim holds" not in text  # the paper's VIFs were never printed: nothing to hold against


def test_the_reliability_sentence_names_weak_intervals_items_and_the_range(lesson):
    text = say.reliability(lesson.reliability, lesson.items)
    weak = lesson.reliability[lesson.reliability["alpha_ci_lower"] < 0.70]
    assert ("confidence intervals above the usual .70" in text) == weak.empty
    merged = lesson.items.merge(lesson.reliability[["construct", "alpha"]], on="construct")
    raising = merged[merged["alpha_if_deleted"] > merged["alpha"]]
    assert ("No item would raise α" in text) == raising.empty
    assert all(f"Deleting {item}" in text or f"{item} would raise" in text for item in raising["item"])
    low = lesson.items[lesson.items["corrected_item_total_r"] <= 0.6]
    assert all(f"{item} " in text for item in low["item"])
    lowest = min(lesson.reliability["alpha"].min(), lesson.reliability["omega_total"].min())
    assert f"between .{int(lowest * 100)}" in text


def test_the_correlation_sentence_names_the_pcdp_outcome_correlations_the_model_underpredicts(lesson):
    text = say.correlations(lesson.correlations)
    pairs = lesson.correlations.set_index("pair")
    table = diagnostics.networking_outcome_correlations(lesson.correlations).set_index("outcome")
    for outcome, row in table.iterrows():
        assert f"{number(row['implied'])} with {ins.construct(outcome).label.lower()}" in text
    shown = table[[number(r) != number(i) for r, i in zip(table["r"], table["implied"])]]
    exceeding = shown[shown["excess"] > 0].sort_values("excess", ascending=False)
    named = [
        o
        for o in table.index
        if f"{ins.construct(o).label.lower()} ({number(table.loc[o, 'r'])} against" in text
    ]
    assert sorted(named) == sorted(exceeding.index[:2])
    implied = pairs.loc["PCDP – IT", "r"] * pairs.loc["PCDP – GL", "r"]
    close = abs(pairs.loc["IT – GL", "r"] - implied) < 0.05 and abs(pairs.loc["IT – GL", "r"]) < 0.3
    assert ("about as much as their common predictor" in text) == close
    assert "cause" not in text


def test_the_correlation_sentence_names_the_tell_tale_correlations_of_the_rejected_model(lessons):
    """model_rejected has direct PCDP -> MR and PCDP -> IA effects; PCDP - OE is its weakest."""
    text = say.correlations(lessons["model_rejected"].correlations)
    assert "most for market reach" in text and "and innovation & agility (" in text
    assert "operational efficiency (" not in text
    shipped = say.correlations(lessons["shipped"].correlations)
    assert "most for market reach" in shipped and "and operational efficiency (" in shipped


def test_the_summary_table_has_one_row_per_check_that_matches_the_sentences(lesson):
    text = say.summary_table(
        lesson.normality,
        lesson.mardia,
        lesson.outliers,
        lesson.collinearity,
        lesson.reliability,
        lesson.source,
    )
    table, note = text.split("\n\n")
    rows = dict([part.strip() for part in line.strip("|").split("|")] for line in table.splitlines()[2:])
    assert len(rows) == 7
    assert ("the generator's assumed answer distributions" in note) == lesson.source.shipped
    assert ("not the paper's data" in note) == (not lesson.source.shipped)
    assert (rows["multivariate normality (Mardia)"] == "not rejected") == (lesson.mardia["p"] >= 0.05).all()
    assert (rows["multivariate outliers"] == "none") == lesson.outliers.empty
    assert rows['normality "confirmed" by KS'].startswith("not on this survey") == (
        rejections(lesson.normality, "ks_p") > 0
    )
    shapiro = rows['normality "confirmed" by Shapiro–Wilk']
    assert shapiro.startswith("not on this survey") == (rejections(lesson.normality, "shapiro_p") > 0)
    # where a test rejects nothing, the row says that this does not confirm normality
    for row in (rows['normality "confirmed" by KS'], shapiro):
        assert ("rejects nothing" in row or "rejects no construct" in row) <= (
            "does not confirm normality" in row
        )


def test_the_estimation_advice_names_each_reason_for_doubt(lesson):
    text = say.estimation_advice(lesson.normality, lesson.mardia, lesson.outliers)
    assert ("Mardia's test rejects" in text) == (lesson.mardia["p"] < 0.05).any()
    assert ("multivariate outliers" in text) == (not lesson.outliers.empty)


def test_the_battery_reaches_the_diagnostic_verdicts(lessons):
    assert (lessons["non_normal"].mardia["p"] < 0.05).all()
    assert rejections(lessons["non_normal"].normality, "ks_p") == 6
    assert rejections(lessons["class_40_two_medium"].normality, "shapiro_p") < 6
