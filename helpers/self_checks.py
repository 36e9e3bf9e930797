"""The lessons' self-check questions: two or three short questions inside each lesson, answered
in a cell ``lesson.check("04.a", answer)`` and checked like the exercises (``helpers.exercises``).

A question's id is the lesson's number and a letter ("04.a"); exercises use digits ("04.1").
A question about the analysed data computes its answer from the lesson's survey, like an
exercise; a question about a concept has the letter of the right choice. Each lesson's questions
sit in its own section below; tests/test_lesson_NN_tools.py check every right answer.
"""

from __future__ import annotations

import pandas as pd

from helpers.answers import CHOICE, NAME, NUMBER, WHOLE_NUMBER, Answer

__all__ = ["REGISTRY", "CHOICE", "NAME", "NUMBER", "WHOLE_NUMBER", "Answer"]


def multiple_choice(letter: str, hint: str) -> Answer:
    """A conceptual question: the letter of the right choice, whatever the data, and a hint."""
    return Answer(choice(letter), hint, kind=CHOICE)


def choice(letter: str):
    """The expected answer of a multiple-choice question: the right letter, whatever the data."""

    def expected(survey: pd.DataFrame) -> set[str]:
        return {letter}

    return expected


# --- Lesson 00 ---------------------------------------------------------------------------------
LESSON_00: dict[str, Answer] = {
    "00.a": multiple_choice(
        "b",
        "follow the arrows: first from PCDP into global logistics, then from global logistics into "
        "operational efficiency; find each arrow's code in the table of hypotheses.",
    ),
    "00.b": multiple_choice(
        "c",
        "a missing arrow is a claim about what happens once the variables in between are known.",
    ),
    "00.c": multiple_choice(
        "a",
        "reread the paragraph on equivalent models: what else fits exactly as well?",
    ),
}


# --- Lesson 01 ---------------------------------------------------------------------------------
def _first_firm_operational_efficiency(survey: pd.DataFrame) -> float:
    from helpers.survey import score_constructs

    return float(score_constructs(survey)["operational_efficiency"].iloc[0])


def _recoded_disagree(survey: pd.DataFrame) -> int:
    from helpers import instrument

    return instrument.LIKERT_MIN + instrument.LIKERT_MAX - 2  # "Disagree" (2), turned around


LESSON_01: dict[str, Answer] = {
    "01.a": multiple_choice(
        "b",
        "a reverse-worded statement is turned around and averaged into the same construct score as "
        "the others, and it adds a line to the form: so what is it for? Compare the answers of someone "
        "who reads each statement with those of someone who does not.",
    ),
    "01.b": Answer(
        _recoded_disagree,
        "a reverse-worded answer x enters the score as 6 - x.",
        kind=WHOLE_NUMBER,
    ),
    "01.c": Answer(
        _first_firm_operational_efficiency,
        "take the first row of `survey` (`survey.iloc[0]`), turn oe_3 around (6 - answer), then "
        "average the four Operational Efficiency answers.",
        tolerance=0.005,
    ),
}


# --- Lesson 02 ---------------------------------------------------------------------------------
def _medium_private_limited(survey: pd.DataFrame) -> int:
    """Medium-sized firms that are private limited companies (a cell of the firm size x type table)."""
    return int(((survey["firm_size"] == "Medium") & (survey["business_type"] == "Pvt Ltd Co")).sum())


LESSON_02: dict[str, Answer] = {
    "02.a": Answer(
        _medium_private_limited,
        "read the cross-table where the row Medium meets the column Pvt Ltd Co.",
        kind=WHOLE_NUMBER,
    ),
    "02.b": multiple_choice(
        "b",
        "suppose the five answers were coded 1, 2, 3, 10 and 100 instead of 1 to 5 (same order, "
        "different distances): which of the three would still point to the same answer category?",
    ),
    "02.c": multiple_choice(
        "c",
        "find the chance that all six tests stay above .05, then take its complement.",
    ),
}


# --- Lesson 03 ---------------------------------------------------------------------------------
def _shapiro_rejections(survey: pd.DataFrame) -> int:
    """Construct scores that Shapiro-Wilk rejects at .05."""
    from scipy import stats

    from helpers.survey import score_constructs

    scores = score_constructs(survey)
    return int(sum(stats.shapiro(scores[key]).pvalue < 0.05 for key in scores.columns))


LESSON_03: dict[str, Answer] = {
    "03.a": multiple_choice(
        "b",
        "a test can only reject its null hypothesis or fail to; what does failing to reject tell you?",
    ),
    "03.b": Answer(
        _shapiro_rejections,
        "count the rows of your scipy table whose `shapiro_p` is below .05.",
        kind=WHOLE_NUMBER,
    ),
    "03.c": multiple_choice(
        "a",
        "VIF_j = 1 / (1 - R²_j): which regression should R²_j come from, and what does a regression "
        "without a column of ones force through?",
    ),
}


# --- Lesson 04 ---------------------------------------------------------------------------------
def _rmsea_of_the_example(survey: pd.DataFrame) -> float:
    """Self-check 04.c: lavaan's RMSEA of a model with χ² = 12 on 4 df and N = 190 (no data)."""
    import math

    return math.sqrt(max(12 - 4, 0) / (4 * 190))


LESSON_04: dict[str, Answer] = {
    "04.a": multiple_choice(
        "b",
        "which variable does the model never try to explain, and what does fixed.x do with it?",
    ),
    "04.b": multiple_choice(
        "c",
        "an index that compares two models needs numbers from both: read each formula above and ask "
        "whether it uses anything besides the model's own χ², df, N and residuals.",
    ),
    "04.c": Answer(
        _rmsea_of_the_example,
        "subtract df from χ², divide by df times N (lavaan's N, not N - 1), then take the square root; "
        "give four decimals.",
        tolerance=0.0001,
    ),
}


# --- Lesson 05 ---------------------------------------------------------------------------------
def _direct_path_pcdp_mr_interval(survey: pd.DataFrame) -> set[str]:
    """05.c: where the 95% BC interval of the standardized direct path PCDP → MR (the model with
    direct paths; 5000 resamples, seed settings.SEED, as the lesson) lies: (a) wholly above
    zero, (b) across zero, (c) wholly below zero."""
    from helpers import robustness, settings
    from helpers.survey import score_constructs

    boot = robustness.bootstrap_paths(
        score_constructs(survey), n_resamples=5000, seed=settings.SEED, direct_paths=True, progress=False
    )
    row = boot.summary().loc[(robustness.KIND_PATH, "PCDP → MR", robustness.SCALE_BETA)]
    if row["bc_lower"] > 0:
        return {"a"}
    return {"c"} if row["bc_upper"] < 0 else {"b"}


LESSON_05: dict[str, Answer] = {
    "05.a": multiple_choice(
        "b",
        "reread the paragraph 'How the intervals are built' under the table of the eight paths.",
    ),
    "05.b": multiple_choice(
        "b",
        "a test that does not reject a hypothesis has not shown it true: ask what else the data are "
        "compatible with.",
    ),
    "05.c": Answer(
        _direct_path_pcdp_mr_interval,
        "read `bc_lower` and `bc_upper` in the β row of PCDP → MR in the table of direct paths, and "
        "compare each bound with zero.",
        kind=CHOICE,
    ),
}


# --- Lesson 06 ---------------------------------------------------------------------------------
def _model_test_p(survey: pd.DataFrame) -> float:
    """p of the model test of the paper's model fitted to the survey: P(χ²_df ≥ χ²)."""
    from helpers import paper_model
    from helpers.survey import score_constructs

    return float(paper_model.fit(score_constructs(survey)).fit_measures()["pvalue"])


LESSON_06: dict[str, Answer] = {
    "06.a": multiple_choice(
        "b",
        "ask which hypothesis of the paper the baseline model's test could support or reject.",
    ),
    "06.b": multiple_choice(
        "b",
        "ask what a reader would decide about H1a with each of the two numbers, and whether rounding "
        "can bridge a gap that large.",
    ),
    "06.c": Answer(
        _model_test_p,
        "use `stats.chi2.sf(chi_square, df)` with the χ² and df of `fit.fit_measures()` (keys "
        "'chisq' and 'df'), a share between 0 and 1.",
        tolerance=0.0005,
    ),
}


# --- Lesson 07 ---------------------------------------------------------------------------------
def _power_gl_ia_at_300(survey: pd.DataFrame) -> float:
    """Power of the z-test of GL -> IA (H3b) at N = 300 in the population of Table 5's paths
    (the normal approximation); it does not depend on the survey."""
    from helpers import power

    return float(power.analytic_power(power.population_covariance("published"), n=300)["H3b"])


LESSON_07: dict[str, Answer] = {
    "07.a": multiple_choice(
        "a",
        "ask where the five-point answers of the simulated firms come from, and whether the "
        "authors' own answers were ever published.",
    ),
    "07.b": multiple_choice(
        "c",
        "power is about studies not yet run, drawn from a world in which the path has a given size.",
    ),
    "07.c": Answer(
        _power_gl_ia_at_300,
        "compute the effect's z at N = 300 as sqrt(f² · 300) with the H3b row of `f2`, then "
        "1 - Φ(1.96 - z) + Φ(-1.96 - z) with `stats.norm.cdf`; a share between 0 and 1.",
        tolerance=0.005,
    ),
}


# --- Lesson 08 ---------------------------------------------------------------------------------
def _market_reach_composite_reliability(survey: pd.DataFrame) -> float:
    """08.a: composite reliability of Market Reach from the six-factor CFA's standardized loadings
    (the firms with every answer, as the lesson's CFA)."""
    from helpers import measurement

    items = measurement.recoded_items(survey).dropna()
    table = measurement.reliability_table(measurement.fit_cfa(items), items)
    return float(table.loc["MR", "composite_reliability"])


LESSON_08: dict[str, Answer] = {
    "08.a": Answer(
        _market_reach_composite_reliability,
        "take the four `std_all` values of MR's items: square their sum for the numerator, and add the sum "
        "of (1 - loading²) over the items to it for the denominator; give three decimals.",
        tolerance=0.0005,
    ),
    "08.b": multiple_choice(
        "b",
        "ask what kind of method effect a single-factor test can see, and whether a smaller one would "
        "still add to every correlation between constructs.",
    ),
    "08.c": multiple_choice(
        "b",
        "missing at random means: the chance of a blank depends only on what the data hold. Which method "
        "uses everything the data hold?",
    ),
}

REGISTRY: dict[str, Answer] = {
    **LESSON_00,
    **LESSON_01,
    **LESSON_02,
    **LESSON_03,
    **LESSON_04,
    **LESSON_05,
    **LESSON_06,
    **LESSON_07,
    **LESSON_08,
}
