"""helpers.ordinal_items: the simulation of five-point answers treated as continuous, checked against
the population it draws from, lavaan-style ML fits of the kit's engine, and the known result that
cutting answers into categories lowers standardized loadings (Rhemtulla et al., 2012)."""

import numpy as np
import pandas as pd
import pytest

from helpers import instrument as ins
from helpers import ordinal_items, power, settings, synthetic
from helpers.ordinal_items import (
    ANSWER_CONDITIONS,
    COMPOSITE_PATH,
    CONTINUOUS,
    LATENT_PATH,
    LOADINGS,
    MEAN_LOADING,
    AnswerCondition,
    ordinal_items_simulation,
    ordinal_items_summary,
)
from helpers.sem import fit_sem
from helpers.statements import number

N_PATHS = len(power.paths())


@pytest.fixture(scope="module")
def default_table():
    return ordinal_items_simulation()


def _rows(table, condition, kind):
    return table[(table["condition"] == condition) & (table["kind"] == kind)].set_index("parameter")


def _monte_carlo_error(rows):
    return rows["empirical_sd"] / np.sqrt(ordinal_items.DEFAULT_REPLICATIONS)


def test_same_table_twice_and_another_seed_differs():
    first = ordinal_items_simulation(replications=20, conditions=["5-point skewed"])
    second = ordinal_items_simulation(replications=20, conditions=["5-point skewed"])
    pd.testing.assert_frame_equal(first, second)
    other = ordinal_items_simulation(replications=20, seed=settings.SEED + 1, conditions=["5-point skewed"])
    assert not np.allclose(first["mean_estimate"], other["mean_estimate"])


def test_shape_columns_and_conditions_in_order(default_table):
    assert list(default_table.columns) == [
        "condition",
        "kind",
        "parameter",
        "mean_estimate",
        "population_value",
        "bias",
        "relative_bias",
        "empirical_sd",
    ]
    assert list(dict.fromkeys(default_table["condition"])) == list(ANSWER_CONDITIONS)
    assert len(default_table) == len(ANSWER_CONDITIONS) * (1 + 2 * N_PATHS)
    assert default_table["mean_estimate"].notna().all()
    per_kind = default_table[default_table["condition"] == CONTINUOUS]["kind"].value_counts()
    assert per_kind.to_dict() == {LOADINGS: 1, LATENT_PATH: N_PATHS, COMPOSITE_PATH: N_PATHS}


def test_continuous_answers_are_the_reference_even_when_not_asked_for():
    table = ordinal_items_simulation(replications=5, conditions=["3-point symmetric"])
    assert list(dict.fromkeys(table["condition"])) == [CONTINUOUS, "3-point symmetric"]
    both = ordinal_items_simulation(replications=5, conditions=[CONTINUOUS, "3-point symmetric"])
    pd.testing.assert_frame_equal(table, both)


def test_population_is_the_generators():
    population = ordinal_items.population_values()
    latent = population.loc[LATENT_PATH, "population_value"]
    labels = power.path_labels()
    for (x, y), label in zip(power.paths(), labels.itertuples()):
        assert latent[f"{label.hypothesis}: {label.path}"] == pytest.approx(
            power.published_betas()[(x, y)], abs=1e-9
        )
    assert population.loc[(LOADINGS, MEAN_LOADING), "population_value"] == pytest.approx(
        np.mean(synthetic.ITEM_LOADING_RANGE)
    )
    composite = population.loc[COMPOSITE_PATH, "population_value"]
    # Averaging items with error attenuates every path between composites, in the population too.
    assert (composite.abs() < latent.abs()).all()


def test_continuous_answers_recover_the_population_without_bias(default_table):
    rows = _rows(default_table, CONTINUOUS, LOADINGS)
    assert abs(rows.loc[MEAN_LOADING, "bias"]) <= 4 * _monte_carlo_error(rows).loc[MEAN_LOADING] + 0.002
    for kind in (LATENT_PATH, COMPOSITE_PATH):
        rows = _rows(default_table, CONTINUOUS, kind)
        # 4 Monte Carlo errors, plus 0.005 for the O(1/N) small-sample bias of ratio estimators
        assert (rows["bias"].abs() <= 4 * _monte_carlo_error(rows) + 0.005).all(), rows


def test_cutting_into_skewed_categories_lowers_loadings_and_composite_paths(default_table):
    continuous = _rows(default_table, CONTINUOUS, LOADINGS).loc[MEAN_LOADING]
    skewed = _rows(default_table, "5-point skewed", LOADINGS).loc[MEAN_LOADING]
    assert skewed["relative_bias"] < -0.03
    assert skewed["mean_estimate"] < continuous["mean_estimate"] - 4 * skewed["empirical_sd"] / np.sqrt(
        ordinal_items.DEFAULT_REPLICATIONS
    )
    composite = _rows(default_table, "5-point skewed", COMPOSITE_PATH)
    reference = _rows(default_table, CONTINUOUS, COMPOSITE_PATH)
    assert (composite["mean_estimate"] < reference["mean_estimate"]).all()


def test_fewer_categories_and_skew_lower_loadings_more(default_table):
    loading = default_table[default_table["kind"] == LOADINGS].set_index("condition")["mean_estimate"]
    assert loading["3-point symmetric"] < loading["5-point symmetric"] < loading[CONTINUOUS]
    assert loading["5-point skewed"] < loading["5-point symmetric"]


@pytest.mark.parametrize("condition", [CONTINUOUS, "5-point skewed"])
def test_closed_form_is_close_to_the_engines_ml_cfa(condition):
    survey = ordinal_items.simulated_survey(condition)
    correlation = np.corrcoef(survey.to_numpy(dtype=float), rowvar=False)[None]
    loadings, latent = ordinal_items._closed_form_cfa(correlation)
    syntax = "\n".join(f"{c.abbreviation} =~ {' + '.join(c.item_columns)}" for c in ins.CONSTRUCTS)
    estimates = fit_sem(syntax, survey).parameter_estimates()
    ml_loadings = estimates[estimates["op"] == "=~"].set_index("rhs")["std_all"].reindex(survey.columns)
    assert loadings.mean() == pytest.approx(ml_loadings.mean(), abs=0.003)
    assert np.abs(loadings[0] - ml_loadings.to_numpy()).max() < 0.08
    names = [c.abbreviation for c in ins.CONSTRUCTS]
    between = estimates[(estimates["op"] == "~~") & (estimates["lhs"] != estimates["rhs"])]
    for row in between.itertuples():
        assert latent[0, names.index(row.lhs), names.index(row.rhs)] == pytest.approx(row.std_all, abs=0.08)


def test_a_simulated_survey_is_the_same_whatever_the_number_of_datasets():
    third = ordinal_items.simulated_survey("5-point as the kit", n_firms=60, replication=2)
    streams = np.random.SeedSequence(settings.SEED).spawn(7)
    again = ordinal_items._recorded(
        ordinal_items._continuous_answers(60, streams), ANSWER_CONDITIONS["5-point as the kit"]
    )[2]
    np.testing.assert_array_equal(third.to_numpy(), again)
    assert list(third.columns) == ins.item_columns()
    assert set(np.unique(third.to_numpy())) <= set(ins.LIKERT_SCALE)


def test_conditions_table_shows_shares_and_thresholds():
    table = ordinal_items.conditions_table()
    assert table.loc[(CONTINUOUS, "all"), "categories"] == "none"
    assert table.loc[("3-point symmetric", "all"), "thresholds"] == "-0.674 / 0.674"
    kit = table.loc["5-point as the kit"]
    assert list(kit.index) == [c.abbreviation for c in ins.CONSTRUCTS]


def test_the_datasets_do_not_depend_on_the_chunk_size(monkeypatch):
    whole = ordinal_items_simulation(n_firms=60, replications=7, conditions=["5-point skewed"])
    monkeypatch.setattr(ordinal_items.simulation, "MAX_ELEMENTS", 2 * 60 * len(ins.item_columns()))
    chunked = ordinal_items_simulation(n_firms=60, replications=7, conditions=["5-point skewed"])
    pd.testing.assert_frame_equal(whole, chunked)


def test_a_condition_of_ones_own():
    seven = AnswerCondition("7-point", "seven categories", tuple(np.full(7, 1 / 7)))
    table = ordinal_items_simulation(replications=30, conditions=[seven])
    assert list(dict.fromkeys(table["condition"])) == [CONTINUOUS, "7-point"]
    assert 'the categories of "7-point"' in ordinal_items_summary(table)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"n_firms": 10}, "n_firms must be a whole number of firms"),
        ({"n_firms": 190.0}, "n_firms must be a whole number"),
        ({"n_firms": True}, "n_firms must be a whole number"),
        ({"replications": 1}, "replications must be a whole number of simulated surveys, at least 2"),
        ({"replications": "200"}, "replications must be a whole number"),
        ({"conditions": "5-point skewed"}, "conditions must be a list of condition names"),
        ({"conditions": ["5-point skewd"]}, 'unknown condition "5-point skewd"; the conditions are'),
        ({"conditions": ["5-point skewed", "5-point skewed"]}, "listed twice"),
        ({"conditions": [0.5]}, "a condition is a name or an AnswerCondition"),
        ({"conditions": [AnswerCondition("bad", "bad", (0.5, 0.6))]}, "adding up to 1"),
        ({"conditions": [AnswerCondition("one", "one", (1.0,))]}, "at least two positive numbers"),
        ({"conditions": [AnswerCondition(CONTINUOUS, "cut", (0.5, 0.5))]}, "takes a name already used"),
        ({"conditions": [AnswerCondition("kit", "kit", {"market_reach": (0.5, 0.5)})]}, "none for"),
    ],
)
def test_bad_arguments_say_what_is_expected(arguments, message):
    with pytest.raises(ValueError, match=message):
        ordinal_items_simulation(**{"replications": 5, **arguments})


def test_summary_needs_the_simulation_table(default_table):
    with pytest.raises(ValueError, match="needs the table of ordinal_items_simulation"):
        ordinal_items_summary(default_table.drop(columns="mean_estimate"))
    with pytest.raises(ValueError, match="needs the continuous condition"):
        ordinal_items_summary(default_table[default_table["condition"] != CONTINUOUS])


def test_summary_is_computed_from_the_table(default_table):
    sentence = ordinal_items_summary(default_table)
    loading = default_table[default_table["kind"] == LOADINGS].set_index("condition")["mean_estimate"]
    drop = loading[CONTINUOUS] - loading["5-point skewed"]
    assert f"into five skewed categories (most answers 4 or 5) it is {number(drop)} lower" in sentence
    assert sentence.count("lower") == len(ANSWER_CONDITIONS) - 1

    changed = default_table.copy()
    row = (changed["condition"] == "5-point skewed") & (changed["kind"] == LOADINGS)
    changed.loc[row, "mean_estimate"] = loading[CONTINUOUS] + 0.04
    assert "into five skewed categories (most answers 4 or 5) it is .04 higher" in ordinal_items_summary(
        changed
    )
    changed.loc[row, "mean_estimate"] = loading[CONTINUOUS] + 0.001
    assert "it is the same to two decimals" in ordinal_items_summary(changed)


def test_summary_names_the_condition_that_shrinks_composite_paths_most(default_table):
    composite = default_table[default_table["kind"] == COMPOSITE_PATH]
    size = composite.groupby("condition", sort=False)["mean_estimate"].apply(lambda b: b.abs().sum())
    worst = (size / size[CONTINUOUS]).drop(CONTINUOUS).idxmin()
    sentence = ordinal_items_summary(default_table)
    assert f"Cut into {ANSWER_CONDITIONS[worst].description}, the latent paths" in sentence

    halved = default_table.copy()
    rows = (halved["condition"] == "5-point symmetric") & (halved["kind"] == COMPOSITE_PATH)
    reference = (halved["condition"] == CONTINUOUS) & (halved["kind"] == COMPOSITE_PATH)
    halved.loc[rows, "mean_estimate"] = 0.5 * halved.loc[reference, "mean_estimate"].to_numpy()
    sentence = ordinal_items_summary(halved)
    assert "Cut into five symmetric categories, the latent paths" in sentence
    assert "composite paths 50% smaller than with continuous answers" in sentence
