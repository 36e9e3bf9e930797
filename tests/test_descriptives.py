"""Tests of helpers.descriptives: every value is checked against a hand count or an independent
formula computed here, never against the function's own earlier output."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from survey_factory import make_survey

from helpers import descriptives as de
from helpers import instrument as ins
from helpers import published
from helpers.survey import load_survey, score_constructs


def to_export(survey: pd.DataFrame) -> pd.DataFrame:
    """The survey as a CSV export would hold it (Yes/No for platforms)."""
    export = survey.reset_index()
    for column in ins.platform_columns():
        export[column] = np.where(export[column], ins.YES, ins.NO)
    return export[ins.survey_columns()]


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return make_survey()


def test_fixture_has_the_shape_load_survey_returns(survey, tmp_path):
    path = tmp_path / "survey.csv"
    to_export(survey).to_csv(path, index=False)
    pd.testing.assert_frame_equal(load_survey(path), survey)


# --- Table 1 -----------------------------------------------------------------------------------


def small_survey() -> pd.DataFrame:
    """Eight firms with characteristics chosen by hand (items and platforms irrelevant here)."""
    survey = make_survey(n=8, seed=1)
    chosen = {
        "firm_size": ["Small"] * 6 + ["Medium"] * 2,
        "business_type": ["Proprietary/ OMC"] * 5 + ["Pvt Ltd Co"] * 3,
        "business_age": ["3-6 years"] * 4 + ["Less than 3 year", "6-9 years"] * 2,
        "business_nature": ["Trading", "Manufacturing"] * 4,
    }
    for characteristic in ins.CHARACTERISTICS:
        survey[characteristic.column] = pd.Categorical(
            chosen[characteristic.column], categories=list(characteristic.categories), ordered=True
        )
    return survey


def test_table1_counts_percentages_and_order_match_hand_counts():
    table = de.firm_characteristics_table(small_survey())
    expected = [
        ("Firm Size", "Small", 6),
        ("Firm Size", "Medium", 2),
        ("Type of Business", "Proprietary/ OMC", 5),
        ("Type of Business", "Partnership / LLP", 0),
        ("Type of Business", "Pvt Ltd Co", 3),
        ("Type of Business", "Others", 0),
        ("Age of Business", "Less than 3 year", 2),
        ("Age of Business", "3-6 years", 4),
        ("Age of Business", "6-9 years", 2),
        ("Age of Business", "9-12 years", 0),
        ("Age of Business", "more than 12 years", 0),
        ("Nature of Business", "Manufacturing", 4),
        ("Nature of Business", "Processing", 0),
        ("Nature of Business", "Trading", 4),
        ("Nature of Business", "Tourism", 0),
        ("Nature of Business", "Others", 0),
    ]
    assert list(table.columns) == ["characteristic", "category", "frequency", "percentage"]
    assert list(zip(table.characteristic, table.category, table.frequency, strict=True)) == expected
    assert table["percentage"].tolist() == pytest.approx([100 * f / 8 for *_, f in expected])


def reproduced_from_published() -> pd.DataFrame:
    """Table 1 as a perfect reproduction of the published counts would give it (N = 190)."""
    table = published.table1()[["characteristic", "category", "frequency"]].copy()
    table["percentage"] = 100 * table["frequency"] / 190
    return table


def test_compare_table1_flags_only_manufacturing_in_the_published_table():
    comparison = de.compare_table1(reproduced_from_published(), published.table1())
    flagged = comparison[comparison["published_percentage_mismatch"]]
    assert flagged[["characteristic", "category"]].values.tolist() == [
        ["Nature of Business", "Manufacturing"]
    ]
    manufacturing = flagged.iloc[0]
    assert manufacturing["published_n"] == 190
    assert manufacturing["percentage_from_published_count"] == pytest.approx(100 * 77 / 190)
    assert manufacturing["percentage_difference"] == pytest.approx(100 * 77 / 190 - 40)
    assert (comparison["frequency_difference"] == 0).all()


def test_compare_table1_check_is_computed_and_rounds_halves_up():
    # 1 of 40 firms is 2.5%: printed as 3 it is consistent (half up), printed as 2 it is not;
    # 39 of 40 is 97.5%: printed as 98 consistent. A changed table must change the flags.
    published_table = pd.DataFrame(
        {
            "characteristic": ["Firm Size", "Firm Size"],
            "category": ["Small", "Medium"],
            "frequency": [39, 1],
            "percentage": [98, 2],
        }
    )
    reproduced = pd.DataFrame(
        {
            "characteristic": ["Firm Size", "Firm Size"],
            "category": ["Small", "Medium"],
            "frequency": [38, 2],
            "percentage": [95.0, 5.0],
        }
    )
    comparison = de.compare_table1(reproduced, published_table)
    assert comparison["published_percentage_mismatch"].tolist() == [False, True]
    assert comparison["frequency_difference"].tolist() == [-1, 1]
    assert comparison["percentage_difference"].tolist() == pytest.approx([-3.0, 3.0])
    published_table.loc[1, "percentage"] = 3
    assert not de.compare_table1(reproduced, published_table)["published_percentage_mismatch"].any()


def test_compare_table1_refuses_published_cells_it_cannot_match():
    published_table = published.table1()
    published_table.loc[0, "category"] = "Micro"
    with pytest.raises(ValueError, match="Micro"):
        de.compare_table1(reproduced_from_published(), published_table)


# --- Figure 1 ----------------------------------------------------------------------------------


def test_platform_use_table_counts_sorts_and_marks_what_the_paper_states():
    survey = make_survey(n=10, seed=2)
    using = {column: 0 for column in ins.platform_columns()}
    using |= {"uses_website": 10, "uses_whatsapp": 9, "uses_facebook": 9, "uses_youtube": 7}
    for column, k in using.items():
        survey[column] = np.arange(10) < k
    table = de.platform_use_table(survey)
    # Ties keep questionnaire order: WhatsApp before Facebook; the zero-use platforms after.
    assert table["platform"].tolist()[:4] == ["Website", "WhatsApp", "Facebook", "YouTube"]
    assert table["firms_using"].tolist()[:4] == [10, 9, 9, 7]
    assert table["percentage"].tolist()[:4] == pytest.approx([100, 90, 90, 70])
    assert table["percentage"].is_monotonic_decreasing
    stated = dict(zip(table.platform, table.share_reported_in_paper, strict=True))
    assert stated == {p.label: p.share_reported_in_paper for p in ins.PLATFORMS}
    published_share = dict(zip(table.platform, table.published_percentage, strict=True))
    assert published_share["Website"] == 100
    assert published_share["WhatsApp"] == 92
    assert published_share["Facebook"] == 90
    assert math.isnan(published_share["YouTube"]) and math.isnan(published_share["LinkedIn"])


# --- Answers and scores ------------------------------------------------------------------------


def test_likert_distribution_counts_raw_answers_and_marks_reverse_items():
    survey = make_survey(n=10, seed=3)
    survey["pcdp_1"] = [1, 1, 2, 3, 3, 3, 4, 5, 5, 5]
    survey["pcdp_5"] = 1  # reverse-worded: must stay 1 (as answered), not become 5
    table = de.likert_distribution(survey, "partnership_collaboration")
    assert len(table) == 5 * 5
    first = table[table["item"] == "pcdp_1"]
    assert first["answer"].tolist() == [1, 2, 3, 4, 5]
    assert first["count"].tolist() == [2, 1, 3, 1, 3]
    assert first["percentage"].tolist() == pytest.approx([20, 10, 30, 10, 30])
    assert first["answer_label"].tolist() == list(ins.LIKERT_SCALE.values())
    reverse = table[table["item"] == "pcdp_5"]
    assert reverse["reverse_worded"].all() and not first["reverse_worded"].any()
    assert reverse["percentage"].tolist() == pytest.approx([100, 0, 0, 0, 0])
    assert table.groupby("item")["percentage"].sum().tolist() == pytest.approx([100] * 5)


def test_construct_descriptives_match_textbook_formulas():
    values = np.array([1.0, 2.0, 2.5, 3.0, 3.25, 4.0, 4.5, 5.0, 5.0, 2.0, 1.5])
    scores = pd.DataFrame({"market_reach": values, "other": values[::-1] ** 2})
    table = de.construct_descriptives(scores).set_index("construct")
    for column in scores:
        x = scores[column].to_numpy()
        n = len(x)
        m2, m3, m4 = (np.mean((x - x.mean()) ** k) for k in (2, 3, 4))
        g1, g2 = m3 / m2**1.5, m4 / m2**2 - 3
        # The adjusted estimators SPSS prints (Joanes & Gill 1998, G1 and G2).
        big_g1 = math.sqrt(n * (n - 1)) / (n - 2) * g1
        big_g2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6)
        row = table.loc[column]
        assert row["n"] == n
        assert row["mean"] == pytest.approx(sum(x) / n)
        assert row["sd"] == pytest.approx(math.sqrt(sum((x - x.mean()) ** 2) / (n - 1)))
        assert row["median"] == pytest.approx(sorted(x)[n // 2])
        assert (row["min"], row["max"]) == (x.min(), x.max())
        assert row["skewness"] == pytest.approx(big_g1)
        assert row["kurtosis"] == pytest.approx(big_g2)
    assert table.loc["market_reach", "label"] == "Market Reach"


# --- Groups ------------------------------------------------------------------------------------


def test_scores_by_group_means_and_t_intervals(survey):
    scores = score_constructs(survey)
    table = de.scores_by_group(scores, survey, "firm_size")
    assert table["group"].unique().tolist() == ["Small", "Medium"]
    assert table["characteristic"].unique().tolist() == ["Firm Size"]
    row = table[(table["group"] == "Medium") & (table["construct"] == "market_reach")].iloc[0]
    x = scores.loc[survey["firm_size"] == "Medium", "market_reach"].to_numpy()
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    assert row["n"] == len(x)
    assert row["mean"] == pytest.approx(x.mean())
    assert (row["ci_lower"], row["ci_upper"]) == pytest.approx((x.mean() - half, x.mean() + half))


def welch_anova(groups: list[np.ndarray]) -> tuple[float, float, float]:
    """Welch's (1951) heteroscedastic one-way ANOVA, written out from the paper's formulas."""
    k = len(groups)
    n = np.array([len(g) for g in groups], dtype=float)
    means = np.array([g.mean() for g in groups])
    w = n / np.array([g.var(ddof=1) for g in groups])
    grand = np.sum(w * means) / w.sum()
    a = np.sum(w * (means - grand) ** 2) / (k - 1)
    lam = np.sum((1 - w / w.sum()) ** 2 / (n - 1))
    f = a / (1 + 2 * (k - 2) * lam / (k**2 - 1))
    df2 = (k**2 - 1) / (3 * lam)
    return f, df2, stats.f.sf(f, k - 1, df2)


def test_group_difference_tests_welch_t_and_welch_anova(survey):
    scores = score_constructs(survey)
    two = de.group_difference_tests(scores, survey, "firm_size").set_index("construct")
    small, medium = (scores.loc[survey["firm_size"] == g, "global_logistics"] for g in ("Small", "Medium"))
    welch = stats.ttest_ind(small, medium, equal_var=False)
    row = two.loc["global_logistics"]
    assert row["test"] == "Welch t"
    assert row["statistic"] == pytest.approx(welch.statistic)
    assert row["p"] == pytest.approx(welch.pvalue)
    assert row["df"] == pytest.approx(welch.df)

    many = de.group_difference_tests(scores, survey, "business_age", min_group_size=5)
    row = many.set_index("construct").loc["market_reach"]
    sizes = survey["business_age"].value_counts()
    kept = [c for c in ins.CHARACTERISTICS[2].categories if sizes[c] >= 5]
    f, df2, p = welch_anova(
        [scores.loc[survey["business_age"] == g, "market_reach"].to_numpy() for g in kept]
    )
    assert row["test"] == "Welch ANOVA"
    assert (row["statistic"], row["df"], row["p"]) == pytest.approx((f, df2, p))
    assert row["df_numerator"] == len(kept) - 1


def test_group_difference_tests_leave_out_tiny_groups(survey):
    scores = score_constructs(survey)
    survey = survey.copy()
    survey["business_type"] = pd.Categorical(
        ["Proprietary/ OMC"] * 40 + ["Partnership / LLP"] * 37 + ["Others"] * 3,
        categories=list(ins.CHARACTERISTICS[1].categories),
        ordered=True,
    )
    row = de.group_difference_tests(scores, survey, "Type of Business").iloc[0]
    assert row["groups_tested"] == "Proprietary/ OMC, Partnership / LLP"
    assert row["groups_left_out"] == "Others"
    assert row["test"] == "Welch t"


def test_group_difference_tests_keep_their_columns_when_only_one_group_is_large_enough(survey):
    """A class with 2 Medium firms: nothing to compare, the same columns, NaN and the reason."""
    scores = score_constructs(survey)
    survey = survey.copy()
    survey["firm_size"] = pd.Categorical(
        ["Small"] * 78 + ["Medium"] * 2, categories=list(ins.CHARACTERISTICS[0].categories), ordered=True
    )
    tests = de.group_difference_tests(scores, survey, "firm_size")
    assert list(tests.columns) == de.GROUP_TEST_COLUMNS
    assert (tests["test"] == "none (fewer than two groups large enough)").all()
    assert tests[["statistic", "df", "p", "effect_size"]].isna().all().all()
    assert (tests["groups_left_out"] == "Medium").all()


def test_firm_agreement_is_each_firms_share_of_agreeing_answers_over_items_as_worded(survey):
    for construct in ins.CONSTRUCTS:
        columns = [item.column for item in construct.items if not item.reverse]
        by_hand = pd.Series(
            [sum(survey.loc[firm, c] >= 4 for c in columns) / len(columns) for firm in survey.index],
            index=survey.index,
        )
        pd.testing.assert_series_equal(de.firm_agreement(survey, construct.key), by_hand, check_names=False)


def test_agreement_comparison_is_a_paired_difference_with_its_standard_error(survey):
    table = de.agreement_comparison(survey, "partnership_collaboration", ["international_trade"])
    base = de.firm_agreement(survey, "partnership_collaboration")
    other = de.firm_agreement(survey, "international_trade")
    differences = 100 * (other - base)
    assert list(table["construct"]) == ["partnership_collaboration", "international_trade"]
    assert table["share"].tolist() == pytest.approx([100 * base.mean(), 100 * other.mean()])
    assert table["difference"].iloc[1] == pytest.approx(differences.mean())
    assert table["se"].iloc[1] == pytest.approx(stats.sem(differences))
    assert table["difference"].iloc[0] == 0 and math.isnan(table["se"].iloc[0])
