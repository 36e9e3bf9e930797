"""Blanks made at random, listwise deletion beside FIML, and the simulation of their bias."""

import numpy as np
import pandas as pd
import pytest

from helpers import paper_model, settings
from helpers.missing_answers import (
    answers_missing_at_random,
    listwise_and_fiml,
    missing_answers_simulation,
    missing_answers_summary,
)
from helpers.sem import fit_sem
from helpers.survey import SurveyValidationError, load_survey, score_constructs, source_of

SCORES = score_constructs(load_survey())
SYNTAX = paper_model.model_syntax(correlated_outcomes=True)


@pytest.mark.parametrize("mechanism", ["gradual", "lower half"])
def test_blanks_follow_the_answered_variable_and_keep_the_share(mechanism):
    blanked = answers_missing_at_random(SCORES, 0.2, depends_on="market_reach", mechanism=mechanism)
    assert blanked["market_reach"].notna().all()
    share = blanked.drop(columns="market_reach").isna().to_numpy().mean()
    assert share == pytest.approx(0.2, abs=0.04)
    low = SCORES["market_reach"] < SCORES["market_reach"].median()
    blanks_per_firm = blanked.isna().sum(axis=1)
    assert blanks_per_firm[low].mean() > 2 * blanks_per_firm[~low].mean()  # MAR, not MCAR
    assert SCORES.notna().all().all(), "the original is left as it was"


def test_blanks_are_seeded_and_only_in_the_named_columns():
    one = answers_missing_at_random(
        SCORES, 0.3, depends_on="market_reach", columns=["global_logistics"], seed=3
    )
    two = answers_missing_at_random(
        SCORES, 0.3, depends_on="market_reach", columns=["global_logistics"], seed=3
    )
    other = answers_missing_at_random(
        SCORES, 0.3, depends_on="market_reach", columns=["global_logistics"], seed=4
    )
    assert one.equals(two) and not one.equals(other)
    assert set(one.columns[one.isna().any()]) == {"global_logistics"}
    assert source_of(one) == source_of(SCORES)  # the survey's identity travels with the copy


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"share": 0.6, "depends_on": "market_reach"}, "share = 0.6"),
        ({"share": 0.0, "depends_on": "market_reach"}, "share = 0.0"),
        ({"depends_on": "sales"}, "depends_on = 'sales' is not a column"),
        ({"depends_on": "market_reach", "columns": ["market_reach"]}, "other columns"),
        ({"depends_on": "market_reach", "columns": ["profit"]}, "not columns: profit"),
        ({"depends_on": "market_reach", "mechanism": "random"}, "mechanism = 'random'"),
    ],
)
def test_bad_arguments_are_clear_errors(arguments, message):
    with pytest.raises((ValueError, KeyError), match=message):
        answers_missing_at_random(SCORES, **arguments)


def test_listwise_and_fiml_side_by_side_with_the_firms_each_used():
    blanked = answers_missing_at_random(
        SCORES, 0.25, depends_on="market_reach", columns=["international_trade", "global_logistics"]
    )
    table = listwise_and_fiml(SYNTAX, blanked, complete=SCORES)
    assert list(table.columns.get_level_values(0).unique()) == ["listwise", "FIML", "complete data"]
    firms = table.attrs["firms"]
    assert firms["FIML"] == firms["complete data"] == len(SCORES)
    assert firms["listwise"] == int(blanked.notna().all(axis=1).sum()) < len(SCORES)
    path = ("market_reach", "~", "international_trade")
    assert table.loc[path, ("FIML", "se")] < table.loc[path, ("listwise", "se")]  # more firms, less error


@pytest.fixture(scope="module")
def simulation() -> pd.DataFrame:
    return missing_answers_simulation(replications=40, share=0.3)


def test_simulation_shows_listwise_bias_that_fiml_avoids(simulation):
    per_method = simulation.groupby("method").apply(
        lambda rows: rows["bias"].sum() / rows["population_value"].sum(), include_groups=False
    )
    assert per_method["listwise deletion"] < -0.08  # selection on market reach attenuates the paths
    assert abs(per_method["FIML"]) < 0.03
    assert abs(per_method["complete data"]) < 0.03
    assert len(simulation) == 3 * len(paper_model.HYPOTHESES)
    firms = simulation.groupby("method")["firms_used"].mean()
    assert firms["FIML"] == 190 and firms["listwise deletion"] < 150


def test_simulation_is_deterministic():
    one = missing_answers_simulation(replications=3)
    assert one.equals(missing_answers_simulation(replications=3))
    assert not one.equals(missing_answers_simulation(replications=3, seed=11))


def test_summary_is_computed_from_the_table(simulation):
    text = missing_answers_summary(simulation)
    assert "40 simulated surveys of 190 firms" in text
    assert "listwise estimates were on average" in text and "smaller than the true values" in text
    assert "Path by path, the complete data's average error ran from" in text
    changed = simulation.copy()
    fiml = changed["method"] == "FIML"
    changed.loc[fiml, "bias"] = changed["population_value"] * 0.5
    changed.loc[fiml, "relative_bias"] = 0.5
    changed_text = missing_answers_summary(changed)
    assert "FIML's 50.0 % larger than the true values" in changed_text
    assert "FIML's ran from 50.0 % to 50.0 %, wider than that noise" in changed_text


@pytest.mark.parametrize(
    "arguments, message",
    [({"replications": 1}, "replications = 1"), ({"n_firms": 10}, "n_firms = 10")],
)
def test_simulation_arguments_are_checked(arguments, message):
    with pytest.raises(ValueError, match=message):
        missing_answers_simulation(**arguments)


def test_summary_refuses_other_tables():
    with pytest.raises(ValueError, match="expected missing_answers_simulation's table"):
        missing_answers_summary(pd.DataFrame({"path": ["x"]}))
    table = pd.DataFrame(
        {
            "path": ["a"],
            "method": ["FIML"],
            "population_value": [1.0],
            "bias": [0.0],
            "relative_bias": [0.0],
            "firms_used": [1.0],
        }
    )
    with pytest.raises(ValueError, match="no rows for complete data, listwise deletion"):
        missing_answers_summary(table)


def test_blanked_values_are_floats_even_for_integer_answers():
    answers = pd.DataFrame({"a": np.arange(1, 101), "b": np.arange(1, 101) % 5 + 1})
    blanked = answers_missing_at_random(answers, 0.3, depends_on="a")
    assert blanked["b"].dtype == float and blanked["b"].isna().any()


def _survey_with_blanks(tmp_path, cells: dict[tuple[int, str], str]):
    table = pd.read_csv(settings.SHIPPED_SURVEY_FILE, dtype=str, keep_default_na=False)
    for (row, column), value in cells.items():
        table.loc[row, column] = value
    path = tmp_path / "class_survey.csv"
    table.to_csv(path, index=False)
    return path


def test_keep_loads_every_firm_with_its_blank_answers_as_missing(tmp_path):
    path = _survey_with_blanks(tmp_path, {(0, "it_1"): "", (5, "it_2"): "", (5, "mr_3"): " "})
    survey = load_survey(path, missing_answers="keep")
    assert len(survey) == 190
    assert survey["it_1"].isna().sum() == 1 and survey["mr_3"].isna().sum() == 1
    assert survey["pcdp_1"].dtype == "int64" and survey["it_1"].dtype == float
    source = source_of(survey)
    assert source.blank_answers == 3 and "3 blank Likert answer(s)" in source.describe()
    scores = score_constructs(survey)
    assert scores["international_trade"].isna().sum() == 2  # a score with a blank item is missing
    assert scores["market_reach"].isna().sum() == 1
    assert scores["partnership_collaboration"].notna().all()
    fit = fit_sem(SYNTAX, scores, missing="ml")
    assert fit.n == 190


def test_keep_still_refuses_blank_firm_characteristics_and_other_problems(tmp_path):
    path = _survey_with_blanks(tmp_path, {(0, "firm_size"): "", (1, "it_1"): "7"})
    with pytest.raises(SurveyValidationError) as error:
        load_survey(path, missing_answers="keep")
    columns = {problem.column for problem in error.value.problems}
    assert columns == {"firm_size", "it_1"}


def test_unknown_rule_lists_the_rules():
    with pytest.raises(ValueError, match="'refuse' or 'listwise' or 'keep'"):
        load_survey(None, missing_answers="impute")


def test_listwise_too_few_firms_gives_nan_columns_and_says_why():
    from helpers.statements.measurement import listwise_and_fiml as sentence

    blanked = answers_missing_at_random(
        SCORES, 0.45, depends_on="partnership_collaboration", mechanism="gradual"
    )
    few = blanked.copy()
    keep = few.notna().all(axis=1)
    few.loc[keep[keep].index[3:], "market_reach"] = np.nan  # leave 3 complete firms: too few
    table = listwise_and_fiml(SYNTAX, few)
    assert table["listwise"].isna().all().all() and table["FIML"].notna().all().all()
    assert table.attrs["firms"]["listwise"] == 3 and table.attrs["firms"]["FIML"] == len(SCORES)
    assert "listwise" in table.attrs["not_fitted"]
    assert "too few to fit the model" in sentence(table)


def test_blank_chance_is_the_rule_answers_missing_at_random_uses():
    from helpers.missing_answers import blank_chance

    rank = np.arange(1, 101)
    assert blank_chance(rank, 0.2, "gradual").mean() == pytest.approx(0.2)
    lower = blank_chance(rank, 0.2, "lower half")
    assert lower.mean() == pytest.approx(0.2) and (lower[:50] == 0).all() and (lower[50:] == 0.4).all()
