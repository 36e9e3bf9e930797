"""Lesson 04 with the field's own tool: semopy fits the paper's model to the kit's estimates, its
own statistics differ from lavaan's only by the conventions helpers/semopy_comparison.py names,
the fit indices recomputed by hand equal the engine's, and the self-checks 04.a-04.c accept the
right answer and refuse a wrong one (on the shipped survey and on class surveys)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import semopy

from helpers import exercises, paper_model
from helpers import semopy_comparison as sc
from helpers.statements import path_analysis as say

SURVEYS = ["shipped", "class_40_two_medium", "model_rejected", "weak_paths"]


@pytest.fixture(params=SURVEYS)
def analysed(request, battery):
    return battery[request.param]


def semopy_fit(scores: pd.DataFrame):
    """The lesson's semopy cell."""
    model = semopy.Model(paper_model.model_syntax())
    model.fit(scores, obj="MLW", options={"ftol": 1e-10})
    return model


def test_semopy_gives_the_kits_estimates_and_standard_errors(analysed):
    model = semopy_fit(analysed.scores)
    ours = sc.free_estimates(analysed.fit.parameter_estimates())
    theirs = sc.free_estimates(model.inspect())
    assert list(ours.index) == list(theirs.index) and len(ours) == analysed.fit.npar
    assert np.abs(ours.to_numpy() - theirs.to_numpy()).max() < 1e-4  # the lesson's tolerance


def test_semopy_statistics_are_lavaans_under_semopys_conventions(analysed):
    model = semopy_fit(analysed.scores)
    statistics = semopy.calc_stats(model)
    recomputed = sc.with_semopy_conventions(analysed.fit)
    assert list(recomputed.index) == list(statistics.columns)
    assert np.abs(recomputed - statistics.loc["Value"]).max() < 1e-3  # the lesson's tolerance
    table = sc.statistics_side_by_side(statistics, analysed.fit)
    assert table.loc[["chi2", "chi2 Baseline", "NFI"], "agree"].all()  # no df, same N·F_ML
    assert table.loc["DoF", "difference"] == 1 and table.loc["DoF Baseline", "difference"] == 1
    assert not table.loc[["GFI", "AIC", "BIC", "LogLik"], "agree"].any()  # other quantities
    # a difference shown as zero is never "-0.0"
    assert all(math.copysign(1, d) > 0 for d in table.loc[table["difference"] == 0, "difference"])


def test_with_semopy_conventions_follows_semopys_formulas_on_made_up_numbers():
    class Fit:  # just the numbers the function reads
        n, npar, observed, fixed_x = 100, 16, list("abcdef"), ["a"]
        chisq, baseline_chisq = 20.0, 200.0

    values = sc.with_semopy_conventions(Fit())
    assert values["DoF"] == 5 and values["DoF Baseline"] == 16  # 21 - 16; 21 - 5
    assert values["RMSEA"] == pytest.approx(math.sqrt((20 / 5 - 1) / 99))
    assert values["CFI"] == pytest.approx(1 - 15 / 184)
    assert values["GFI"] == values["NFI"] == pytest.approx(0.9)
    assert values["AGFI"] == pytest.approx(1 - 16 / 5 * 0.1)
    assert values["TLI"] == pytest.approx((200 / 16 - 20 / 5) / (200 / 16 - 1))
    assert values["LogLik"] == pytest.approx(0.2) and values["AIC"] == pytest.approx(32 - 0.4)


def test_free_estimates_names_covariances_in_causal_order_and_drops_fixed_parameters():
    semopy_like = pd.DataFrame(
        {
            "lval": ["market_reach", "operational_efficiency", "partnership_collaboration"],
            "op": ["~", "~~", "~~"],
            "rval": ["international_trade", "innovation_agility", "partnership_collaboration"],
            "Estimate": [0.5, 0.2, 0.8],
            "Std. Err": [0.05, 0.04, "-"],
        }
    )
    table = sc.free_estimates(semopy_like)
    assert list(table.index) == [
        "innovation_agility ~~ operational_efficiency",
        "market_reach ~ international_trade",
    ]
    assert table.loc["market_reach ~ international_trade", "se"] == 0.05


def test_the_fit_indices_by_hand_equal_the_engines(analysed):
    """The lesson's by-hand cell: lavaan's formulas from χ², df, N and the baseline."""
    m = analysed.fit.fit_measures()
    chi2, df, n, chi2_b, df_b = (m[k] for k in ("chisq", "df", "ntotal", "baseline_chisq", "baseline_df"))
    assert m["rmsea"] == pytest.approx(math.sqrt(max(chi2 - df, 0) / (df * n)), abs=1e-12)
    assert m["cfi"] == pytest.approx(1 - max(chi2 - df, 0) / max(chi2 - df, chi2_b - df_b, 0), abs=1e-12)
    assert m["tli"] == pytest.approx((chi2_b / df_b - chi2 / df) / (chi2_b / df_b - 1), abs=1e-12)
    assert m["rni"] == pytest.approx(1 - (chi2 - df) / (chi2_b - df_b), abs=1e-12)


def listed(text: str) -> list[str]:
    """'a, b and c' -> ['a', 'b', 'c'] (semopy's names hold no comma and no ' and ')."""
    *first, last = text.split(", ")
    return first + last.split(" and ")


def test_the_semopy_sentence_lists_what_agrees_and_what_differs(analysed):
    table = sc.statistics_side_by_side(semopy.calc_stats(semopy_fit(analysed.scores)), analysed.fit)
    text = say.semopy_statistics(table)
    agree = text.split("agrees with lavaan on ")[1].split(" and differs on ")[0]
    differ = text.split(" and differs on ")[1].split(".")[0]
    assert listed(agree) == list(table.index[table["agree"]])
    assert listed(differ) == list(table.index[~table["agree"]])
    assert "Its df is 5 against lavaan's 4." in text
    at_zero = table.loc["RMSEA", "agree"] and table.loc["RMSEA", "lavaan"] == 0
    assert ("both versions are 0" in text) == at_zero


# --- self-checks 04.a-04.c -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "right", "wrong"), [("04.a", "b", ["a", "c"]), ("04.b", "c", ["a", "b"])]
)
@pytest.mark.parametrize("survey_name", ["shipped", "class_40_two_medium"])
def test_the_choice_self_checks(question, right, wrong, survey_name, battery, capsys):
    survey = battery[survey_name].survey
    assert exercises.check(question, right, survey)
    assert exercises.check(question, f"({right.upper()})", survey)
    for letter in wrong:
        assert not exercises.check(question, letter, survey)
    assert "Hint" in capsys.readouterr().out


@pytest.mark.parametrize("survey_name", ["shipped", "class_40_two_medium"])
def test_self_check_04c_reads_lavaans_rmsea_formula(survey_name, battery):
    survey = battery[survey_name].survey
    right = math.sqrt((12 - 4) / (4 * 190))  # lavaan: N in the denominator
    n_minus_one = math.sqrt((12 - 4) / (4 * 189))  # the N - 1 convention
    assert exercises.check("04.c", round(right, 4), survey)
    assert not exercises.check("04.c", round(n_minus_one, 4), survey)
    assert not exercises.check("04.c", "0.1026", survey)  # text, not a number
