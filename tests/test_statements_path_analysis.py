"""Lesson 04's computed sentences, checked against the tables they summarise on every survey of
the battery (and, on the shipped data, against the words the lesson has always used)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.statements import path_analysis as say
from helpers.statements.path_analysis import construct_name

MEMBERS = ["shipped", "class_40_two_medium", "class_60", "model_rejected", "weak_paths", "non_normal"]


@pytest.fixture(params=MEMBERS)
def analysed(request, battery):
    return battery[request.param]


def user_model(table2: pd.DataFrame) -> pd.Series:
    return table2.set_index("model").loc["User Model"]


def test_the_model_test_sentence_follows_the_p_value(analysed):
    text = say.model_test(analysed.table2)
    user = user_model(analysed.table2)
    if user["p"] < 0.05:
        assert "the data reject the four restrictions" in text
    else:
        assert "compatible with the data" in text or "the data do not reject the four restrictions" in text
        assert ("is small for its df" in text) == (user["chi_square"] <= user["df"])
    # not rejecting is not confirming: the sentence says so whenever the test does not reject
    assert ("Failing to reject is not proof that the model is right" in text) == (user["p"] >= 0.05)
    assert "within sampling error" not in text or user["p"] < 0.05


def test_the_fit_index_bullets_follow_rmsea_srmr_and_cfi(analysed):
    text = say.fit_indices(analysed.table2, analysed.table3, analysed.table4, len(analysed.scores))
    measures = pd.concat([analysed.table3, analysed.table4]).set_index("measure")["value"]
    assert ("is 0 here because χ² < df" in text) == (measures["rmsea"] < 0.0005)
    assert ("wholly above zero" in text) == (measures["rmsea_ci_lower"] >= 0.0005)
    assert ("below .02" in text) == (measures["srmr"] < 0.02)
    assert ("above the usual .08 limit" in text) == (measures["srmr"] >= 0.08)
    assert ("**CFI** is 1 " in text) == (measures["cfi"] >= 0.9995)
    assert text.count("\n- ") == 2  # three bullets
    # the definitions: SRMR is a root mean square, RNI is CFI untruncated, TLI a per-df comparison
    assert "root mean square" in text and "average residual" not in text
    assert "**RNI**" in text and "CFI without" in text
    assert "**TLI**" in text and "per degree of freedom" in text
    assert "TLI** and **RNI** are the same" not in text
    # the interval's width comes from df and N together; the RMSEA label note points to the appendix
    assert f"here 4 df and {len(analysed.scores)} firms" in text and "because the df is small" not in text
    assert "[Appendix A](appendix/lavaan_and_jamovi.ipynb)" in text


def test_the_hypothesis_sentence_counts_and_names_what_table5_supports(analysed):
    text = say.hypotheses(analysed.table5, analysed.table2)
    supported = analysed.table5["decision"] == "Supported"
    if supported.all():
        assert text.startswith("Every path is positive and significant")
    else:
        assert text.startswith(f"{supported.sum()} of the 8 paths are positive and significant")
        listed = re.findall(r"\b(H\d[abc]) \(", text.split("Not supported:")[1])
        assert listed == list(analysed.table5.loc[~supported, "hypothesis"])
    assert ("the model itself is rejected" in text) == (user_model(analysed.table2)["p"] < 0.05)


def test_a_significant_negative_path_is_not_support_for_a_positive_hypothesis(battery):
    table5 = battery["shipped"].table5.copy()
    table5.loc[3, ["beta", "p", "decision"]] = [-0.3, 0.001, "Not supported (opposite sign)"]
    text = say.hypotheses(table5, battery["shipped"].table2)
    assert text.startswith("7 of the 8 paths") and "H2b is significant in the direction opposite" in text


def test_the_r_squared_sentence_names_the_best_and_least_explained_construct(analysed):
    r_squared = analysed.fit.r_squared()
    text = say.explained_variance(r_squared)
    assert text.startswith(f"{construct_name(r_squared.idxmax())} is explained best")
    assert f"{construct_name(r_squared.idxmin())} is explained least" in text
    left = int(re.search(r"leaves more than (\d+) %", text).group(1))
    assert left <= 100 * (1 - r_squared.min()) < left + 10 or left == 99
    assert "causes" not in text  # unexplained variance, not "other causes"


def test_the_orthogonal_variant_sentence_follows_its_p_value(analysed):
    text = say.orthogonal_variant(analysed.orthogonal_table2, analysed.table2)
    p = user_model(analysed.orthogonal_table2)["p"]
    assert ("clearly rejected" in text) == (p < 0.01)
    assert ("is not rejected" in text) == (p >= 0.05)


def test_the_comparison_with_the_published_tables_counts_the_matching_betas(analysed):
    text = say.published_comparison(analysed.comparison, analysed.source)
    betas = analysed.comparison[analysed.comparison["quantity"].str.endswith(": beta")]
    matching = int((betas["verdict"] == "matches at reported precision").sum())
    if analysed.name == "shipped":
        assert text.startswith("The eight β of Table 5 match, because the synthetic data were built")
        # two-predictor equations: p depends on the predictors' correlation too; H2b's is smaller in the paper
        assert "H2b (published .016, reproduced .036: the paper's is smaller)" in text
        assert "in both directions" in text and "H1a" not in text
    else:
        assert text.startswith(f"On this survey {matching or 'none'} of the eight β of Table 5 equal")
        assert f"{user_model(analysed.table2)['chi_square']:.2f} against the published 3.64" in text


def test_the_conclusion_says_whether_the_model_is_rejected_and_how_many_hypotheses_hold(analysed):
    text = say.what_this_means(analysed.table2, analysed.table5, analysed.source)
    supported = int((analysed.table5["decision"] == "Supported").sum())
    if analysed.name == "shipped":
        assert text.startswith("On data that match the published coefficients, the paper's model fits well")
    else:
        rejected = user_model(analysed.table2)["p"] < 0.05
        assert (" is rejected by its model test" in text) == rejected
        expected = "supports all eight hypotheses" if supported == 8 else f"supports {supported} of the eight"
        assert expected in text


def test_the_battery_reaches_every_branch_of_the_lessons_verdicts(battery):
    """The surveys differ where the prose must: a rejected model, unsupported paths, a negative β."""
    p_values = {name: user_model(a.table2)["p"] for name, a in battery.items()}
    assert p_values["model_rejected"] < 0.001 and p_values["shipped"] > 0.05
    assert (battery["weak_paths"].table5["beta"] < 0).any()
    assert (battery["class_40_two_medium"].table5["decision"] != "Supported").sum() >= 3
