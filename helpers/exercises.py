"""The lessons' exercises: checking a student's answer against the value computed from the data.

A lesson's check cell is ``lesson.check("02.1", answer)`` (``helpers.notebook.Lesson.check``),
which calls ``check`` with the lesson's survey: the expected value is computed from the survey
the lesson analyses, so checks also work on an instructor's own data. The solution notebooks in
``notebooks/solutions`` are the source of the exercises; the student notebooks are generated
from them by ``python3 kit.py exercises`` (``tools/exercise_notebooks.py``).
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass

import pandas as pd

from helpers import self_checks, settings
from helpers.answers import CHOICE, NAME, WHOLE_NUMBER, Answer

# ---------------------------------------------------------------------------------------------
# Checking answers
# ---------------------------------------------------------------------------------------------


def check(exercise_id: str, answer, survey: pd.DataFrame) -> bool:
    """Say whether ``answer`` to exercise ``exercise_id`` (e.g. ``"02.3"``) is right for ``survey``
    (the lesson's survey; ``lesson.check`` passes it).

    Prints "✓ Right." or "✗ Not yet." with a hint (never the expected value) or with what is
    wrong about the answer's type. Returns True for a right answer.
    """
    if not isinstance(exercise_id, str):  # check(2.1, ...) would read as 2.1, not "02.1"
        print(
            f'✗ Give the exercise number as text in quotes, e.g. check("02.1", answer), not {exercise_id!r}.'
        )
        return False
    entry = REGISTRY.get(exercise_id)
    if entry is None:
        print(f"✗ There is no checked exercise {exercise_id!r}; checked exercises: {', '.join(REGISTRY)}.")
        return False
    asked = "question" if exercise_id in self_checks.REGISTRY else "exercise"
    value, problem = _as_kind(answer, entry.kind, asked)
    if problem:
        print(f"✗ Not yet. {problem}")
        return False
    expected = entry.expected(survey)
    if _matches(value, expected, entry):
        print("✓ Right.")
        return True
    print(f"✗ Not yet. Hint: {entry.hint}{_direction(value, expected, entry)}")
    return False


def _as_kind(answer, kind: str, asked: str = "exercise") -> tuple[object, str]:
    """The answer as a plain number or text, or a message saying why it cannot be checked."""
    answer = _single_value(answer)
    if isinstance(answer, _Several):
        return None, (
            f"This {asked} expects {kind}, but your answer holds {answer.size} values; "
            "pick the one the exercise asks for (e.g. with .loc[...])."
        )
    if kind == CHOICE:
        if isinstance(answer, str) and re.fullmatch(r"\s*\(?[a-zA-Z]\)?\s*", answer):
            return answer.strip(" ()").lower(), ""
        return None, (
            f'This question expects {kind}, in quotes (e.g. "b"), but your answer is '
            f"{repr(answer) if isinstance(answer, str) else _describe(answer)}."
        )
    if kind == NAME:
        if isinstance(answer, str) and answer.strip():
            return answer, ""
        return None, (
            f"This {asked} expects a name (text in quotes), but your answer is {_describe(answer)}."
        )
    if isinstance(answer, str):
        return None, (
            f"This {asked} expects {kind}, but your answer is text ({answer!r}). "
            "Give the number itself, without quotes."
        )
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return None, f"This {asked} expects {kind}, but your answer is {_describe(answer)}."
    try:
        value = float(answer)
    except (OverflowError, ValueError, TypeError):  # e.g. an integer too large for a float
        return (
            None,
            f"This {asked} expects {kind}, but your answer ({_describe(answer)}) is no usable number.",
        )
    if math.isinf(value):
        return None, "Your answer is infinite: check the calculation that produced it."
    if math.isnan(value):
        return None, "Your answer is NaN (not a number): check the calculation that produced it."
    if kind == WHOLE_NUMBER and not value.is_integer():
        return None, f"This {asked} expects a whole number (a count), but your answer has decimals."
    return value, ""


@dataclass(frozen=True)
class _Several:
    size: int


def _single_value(answer):
    """Unwrap a one-element array, Series or DataFrame; numpy scalars become Python scalars."""
    size = getattr(answer, "size", None)
    if size is not None and hasattr(answer, "shape") and not isinstance(answer, str):
        if size != 1:
            return _Several(int(size))
        flat = answer.to_numpy().ravel() if hasattr(answer, "to_numpy") else answer.ravel()
        answer = flat[0]
    return answer.item() if hasattr(answer, "item") and not isinstance(answer, str) else answer


def _describe(answer) -> str:
    if answer is None:
        return "None (did you assign your result to `answer`?)"
    if answer is Ellipsis:
        return "... (replace the ... with your answer)"
    if isinstance(answer, bool):
        return f"True/False ({answer})"
    return f"of type {type(answer).__name__}"


def _matches(value, expected, entry: Answer) -> bool:
    if entry.kind == CHOICE:
        return value in expected
    if entry.kind == NAME:
        return _normalised(value) in {_normalised(name) for name in expected}
    allowed = entry.tolerance * abs(expected) if entry.relative else entry.tolerance
    return abs(value - expected) <= allowed + 1e-12


def _normalised(name: str) -> str:
    """Lower case, letters and digits only: 'Global Logistics' == 'global_logistics'."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _direction(value, expected, entry: Answer) -> str:
    """For numbers, whether the answer is too high or too low (not by how much)."""
    if entry.kind in (NAME, CHOICE):
        return ""
    return " (Your number is too high.)" if value > expected else " (Your number is too low.)"


# --- Expected answers, one small function per checked exercise, each from the survey -----------


def _scores(survey: pd.DataFrame) -> pd.DataFrame:
    from helpers.survey import score_constructs

    return score_constructs(survey)


def _lowest_mean_construct(survey: pd.DataFrame) -> set[str]:
    from helpers import instrument

    construct = instrument.construct(_scores(survey).mean().idxmin())
    return {construct.key, construct.abbreviation, construct.label, construct.label.split(" (")[0]}


def _pcdp_mean_without_recoding(survey: pd.DataFrame) -> float:
    from helpers import instrument

    items = instrument.construct("partnership_collaboration").item_columns
    return float(survey[items].mean(axis=1).mean())


def _least_informative_platform(survey: pd.DataFrame) -> set[str]:
    from helpers import instrument

    shares = {p: survey[p.column].mean() for p in instrument.PLATFORMS}
    platform = min(shares, key=lambda p: shares[p] * (1 - shares[p]))  # the smallest variance
    return {platform.column, platform.label}


def _percent_five_or_more_platforms(survey: pd.DataFrame) -> float:
    from helpers import instrument

    used = survey[instrument.platform_columns()].sum(axis=1)
    return float(100 * (used >= 5).mean())


def _oe_alpha_without_recoding(survey: pd.DataFrame) -> float:
    import pingouin as pg

    from helpers import instrument

    return float(
        pg.cronbach_alpha(data=survey[instrument.construct("operational_efficiency").item_columns])[0]
    )


def _b_gl_to_oe(survey: pd.DataFrame) -> float:
    from helpers import paper_model

    fits = paper_model.fit_covariances(paper_model.score_covariance(_scores(survey)), len(survey))
    return float(fits.path("global_logistics", "operational_efficiency", standardized=False))


def _df_with_direct_paths(survey: pd.DataFrame) -> int:
    from helpers import paper_model

    return paper_model.degrees_of_freedom(direct_paths=True)


def _df_with_mediator_covariance(survey: pd.DataFrame) -> int:
    from helpers import paper_model

    return paper_model.degrees_of_freedom() - 1  # one more free residual covariance


def _bc_lower_pcdp_it_ia(survey: pd.DataFrame) -> float:
    from helpers import robustness

    boot = robustness.bootstrap_paths(_scores(survey), n_resamples=5000, seed=settings.SEED, progress=False)
    return float(boot.summary().loc[("indirect", "PCDP → IT → IA", "β"), "bc_lower"])


def _total_effect_pcdp_mr(survey: pd.DataFrame) -> float:
    """Standardized total effect (direct + indirect) of PCDP on market reach, direct paths freed."""
    from helpers import paper_model
    from helpers.sem import effects

    fits = paper_model.fit_covariances(
        paper_model.score_covariance(_scores(survey)), len(survey), direct_paths=True
    )
    total = effects.total_effects(fits.standardized())
    variables = paper_model.VARIABLES
    return float(total[variables.index("market_reach"), variables.index("partnership_collaboration")])


def _chi_square_drop_largest_mi(survey: pd.DataFrame) -> float:
    from helpers import alternative_models, paper_model
    from helpers.sem import fit_sem

    scores = _scores(survey)
    top = alternative_models.modification_indices(scores).iloc[0]
    freed = fit_sem(f"{paper_model.model_syntax()}\n{top['lhs']} {top['op']} {top['rhs']}", scores)
    return float(paper_model.fit(scores).chisq - freed.chisq)


def _flagged_with_df_4(survey: pd.DataFrame) -> int:
    import dataclasses

    from helpers import audit

    values = audit.published_values()
    values["df"] = dataclasses.replace(values["df"], value=4)
    return int((audit.audit(values)["verdict"] != "consistent").sum())


def _loglik_from_aic_k10(survey: pd.DataFrame) -> float:
    from helpers import published

    aic = published.table3().set_index("measure").loc["aic", "value"]
    return -(float(aic) - 2 * 10) / 2


def _power_it_ia(survey: pd.DataFrame) -> float:
    from helpers import power

    return float(power.analytic_power(power.population_covariance("published"), n=power.STUDY_N)["H2b"])


def _n_for_90_percent_gl_ia(survey: pd.DataFrame) -> float:
    from helpers import power

    return power.analytic_n("global_logistics", "innovation_agility", power=0.90)


EXERCISES: dict[str, Answer] = {
    "01.1": Answer(
        _lowest_mean_construct,
        "compare the column means of `scores` (`scores.mean()`) and give the column name of the "
        "smallest one.",
        kind=NAME,
    ),
    "01.3": Answer(
        _pcdp_mean_without_recoding,
        "average pcdp_1 ... pcdp_5 exactly as answered (pcdp_5 not turned around) for each firm, "
        "then take the mean over all firms.",
        tolerance=0.005,
    ),
    "02.1": Answer(
        _least_informative_platform,
        "a yes/no question separates firms best when about half say yes; look for the platform "
        "whose share is closest to 0 % or 100 %. Give its label or column name.",
        kind=NAME,
    ),
    "02.3": Answer(
        _percent_five_or_more_platforms,
        "add up the nine `uses_...` columns per firm (True counts as 1), keep the firms with 5 or "
        "more, and give their share of all firms as a percentage between 0 and 100.",
        tolerance=0.05,
    ),
    "03.2": Answer(
        _oe_alpha_without_recoding,
        "use the Operational Efficiency items exactly as answered (oe_3 not recoded) and read "
        "`alpha` in that construct's row. Cronbach's alpha can be negative.",
        tolerance=0.005,
    ),
    "04.1": Answer(
        _b_gl_to_oe,
        "the unstandardized estimate is `b` (not `beta`) in the row GL → OE of Table 5.",
        tolerance=0.005,
    ),
    "04.2": Answer(
        _df_with_direct_paths,
        "the df are 20 moments minus the free parameters; the direct paths add one parameter each.",
        kind=WHOLE_NUMBER,
    ),
    "04.3": Answer(
        _df_with_mediator_covariance,
        "start from the paper's model (df = 4); one more free residual covariance costs one df.",
        kind=WHOLE_NUMBER,
    ),
    "05.1": Answer(
        _bc_lower_pcdp_it_ia,
        "use 5000 resamples and the seed settings.SEED, and read the standardized (β) row "
        "PCDP → IT → IA of `summary.loc['indirect']`, column `bc_lower`.",
        tolerance=0.002,
    ),
    "05.3": Answer(
        _total_effect_pcdp_mr,
        "fit with `direct_paths=True` and read the point estimate (`estimate`, β) of the row "
        "'PCDP → MR (total)' in `summary.loc['total']`.",
        tolerance=0.005,
    ),
    "05.4": Answer(
        _chi_square_drop_largest_mi,
        "the drop is the paper model's chi-square minus the chi-square of the model with the one "
        "freed parameter (`fit.chisq`), a positive number.",
        tolerance=0.01,
    ),
    "06.2": Answer(
        _flagged_with_df_4,
        "count the rows of the new report whose `verdict` is not 'consistent'.",
        kind=WHOLE_NUMBER,
    ),
    "06.3": Answer(
        _loglik_from_aic_k10,
        "solve AIC = -2 log L + 2k for log L, with the AIC as printed in Table 3 and k = 10; "
        "the result is negative.",
        tolerance=0.3,
    ),
    "07.1": Answer(
        _power_it_ia,
        "read the `power` column in the row H2b (IT → IA) of the power table, a share between 0 and 1.",
        tolerance=0.04,
    ),
    "07.2": Answer(
        _n_for_90_percent_gl_ia,
        "use `target=0.90` with predictor global_logistics and outcome innovation_agility, and "
        "give `n_needed`.",
        kind=WHOLE_NUMBER,
        tolerance=0.05,
        relative=True,
    ),
    "00.2": Answer(
        self_checks.free_parameters_with_a_direct_path,
        "count, as lavaan does, one parameter per arrow (path), one residual variance per "
        "endogenous variable and one per residual covariance; the variance of the exogenous "
        "construct is not a free parameter (fixed.x).",
        kind=WHOLE_NUMBER,
    ),
}


# The exercises (checked in the solution notebooks, ids "02.1") and the lessons' self-checks
# (checked inside the lesson, ids "02.a"; helpers/self_checks.py)
REGISTRY: dict[str, Answer] = {**EXERCISES, **self_checks.REGISTRY}
