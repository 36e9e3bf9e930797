"""Exercises: generated files up to date, student versions clean, answer checks right and helpful."""

import re

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from scipy import stats

from helpers import exercises, settings
from helpers.survey import load_survey
from tools import exercise_notebooks as builder

SURVEY = load_survey(settings.SHIPPED_SURVEY_FILE)
LESSONS = sorted(settings.REPO_ROOT.glob("notebooks/0[0-7]_*.ipynb"))
REVERSE_ITEMS = ("pcdp_5", "oe_3")  # the instrument's reverse-worded items, as the codebook lists them


def solution_for(lesson):
    return builder.SOLUTIONS_DIR / f"{lesson.stem}_solutions.ipynb"


# --- generated files ---------------------------------------------------------------------------


def test_generated_files_are_up_to_date():
    stale = [str(path.relative_to(settings.REPO_ROOT)) for path in builder.stale_files()]
    assert not stale, f"out of date (run `python3 kit.py exercises`): {stale}"
    assert builder.main(["check-generated"]) == 0


def test_student_versions_hold_no_solution_and_no_output():
    for solution in builder.solution_paths():
        written = nbformat.read(builder.exercises_path(solution), as_version=4)
        for cell in written.cells:
            assert builder.SOLUTION_TAG not in cell.metadata.get("tags", [])
            assert set(cell.metadata) <= {"tags"}, "no run metadata (timings) in a student version"
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
        checks = builder.check_ids(solution)
        assert builder.check_ids(written) == checks, "check cells are kept, in order"
        assert sum(c.source.startswith(builder.CODE_PLACEHOLDER) for c in written.cells) >= len(checks)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_every_lesson_has_two_to_four_exercises_with_a_check(lesson):
    solution = solution_for(lesson)
    assert solution.exists(), f"{solution.name} is missing"
    prompts = builder.prompts(solution)
    assert 2 <= len(prompts) <= 4
    ids = [prompt.exercise_id for prompt in prompts]
    assert len(set(ids)) == len(ids) and all(i.startswith(lesson.name[:2] + ".") for i in ids)
    assert builder.check_ids(solution), "at least one checkable exercise per lesson"
    section = [c.source for c in nbformat.read(lesson, as_version=4).cells if "## Exercises" in c.source]
    assert len(section) == 1 and f"exercises/{lesson.stem}_exercises.ipynb" in section[0]


def test_every_check_id_is_registered_and_used():
    used = [i for solution in builder.solution_paths() for i in builder.check_ids(solution)]
    assert set(used) <= set(exercises.EXERCISES), set(used) - set(exercises.EXERCISES)
    assert set(exercises.EXERCISES) <= set(used), "registered answers no solution checks"


def test_exercises_section_replaces_only_its_own_text():
    lesson = new_notebook(
        cells=[
            new_code_cell("x = 1"),
            new_markdown_cell("## What this means\n\nText.\n\n## Exercises\n\n1. old\n\n## Later\n\nKept."),
        ]
    )
    rewritten = builder.with_exercises_section(lesson, "## Exercises\n\n1. new")
    assert rewritten.cells[0] == lesson.cells[0]
    expected = "## What this means\n\nText.\n\n## Exercises\n\n1. new\n\n## Later\n\nKept."
    assert rewritten.cells[1].source == expected
    with pytest.raises(ValueError):
        builder.with_exercises_section(new_notebook(cells=[new_markdown_cell("# no exercises")]), "")


def test_student_version_leaves_an_empty_cell_where_the_solution_was():
    def tagged(cell, tag):
        cell.metadata["tags"] = [tag]
        return cell

    solution = new_notebook(
        cells=[
            new_markdown_cell("# 99 · Exercises"),
            tagged(new_markdown_cell("instructors only"), "solution"),
            new_code_cell("from helpers import notebook"),
            tagged(new_markdown_cell("### Exercise 99.1 · Modify\n\nDo it."), "exercise"),
            tagged(new_code_cell("answer = 42"), "solution"),
            tagged(new_code_cell('lesson.check("99.1", answer)'), "check"),
            tagged(new_markdown_cell("Because."), "solution"),
        ]
    )
    student = builder.student_version(solution)
    sources = [cell.source for cell in student.cells]
    assert "instructors only" not in sources and "answer = 42" not in sources and "Because." not in sources
    placeholders = [builder.CHECKED_CODE_PLACEHOLDER, solution.cells[5].source, builder.TEXT_PLACEHOLDER]
    assert sources[-3:] == placeholders
    assert builder.prompts(solution)[0] == builder.Prompt("99.1", "Modify", "Do it.")


# --- answer checks -----------------------------------------------------------------------------


def raw_survey():
    return pd.read_csv(settings.SHIPPED_SURVEY_FILE)


def construct_scores():
    survey = raw_survey()
    answers = survey.copy()
    for column in REVERSE_ITEMS:
        answers[column] = 6 - survey[column]
    prefixes = {
        "pcdp": "partnership_collaboration",
        "it": "international_trade",
        "gl": "global_logistics",
        "mr": "market_reach",
        "ia": "innovation_agility",
        "oe": "operational_efficiency",
    }
    return pd.DataFrame({key: answers.filter(regex=rf"^{p}_\d$").mean(axis=1) for p, key in prefixes.items()})


def published_ia_equation():
    """IA = b_IT IT + b_GL GL + e with standardized variables: (betas, residual variance, r(IT, GL))."""
    betas = pd.read_csv(settings.PUBLISHED_DIR / "table5_paths.csv").set_index("hypothesis")["beta"]
    b = np.array([betas["H2b"], betas["H3b"]])  # IT -> IA, GL -> IA
    r = betas["H1a"] * betas["H1b"]  # IT and GL correlate only through PCDP
    psi = 1 - (b @ np.array([[1, r], [r, 1]]) @ b)
    return b, psi, r


def answer_01_1():
    return construct_scores().mean().idxmin()


def answer_01_3():
    return raw_survey().filter(regex=r"^pcdp_\d$").mean(axis=1).mean()


def answer_02_1():
    shares = raw_survey().filter(regex=r"^uses_").eq("Yes").mean()
    return (shares * (1 - shares)).idxmin()


def answer_02_3():
    return 100 * (raw_survey().filter(regex=r"^uses_").eq("Yes").sum(axis=1) >= 5).mean()


def answer_03_2():
    covariance = raw_survey().filter(regex=r"^oe_\d$").cov().to_numpy()
    k = len(covariance)
    return k / (k - 1) * (1 - np.trace(covariance) / covariance.sum())


def answer_04_1():
    scores = construct_scores()
    predictors = scores[["international_trade", "global_logistics"]].to_numpy()
    design = np.column_stack([np.ones(len(scores)), predictors])
    coefficients, *_ = np.linalg.lstsq(design, scores["operational_efficiency"], rcond=None)
    return coefficients[2]


def answer_05_3():
    # with the direct paths free, the model for MR is saturated: its total effect is the correlation
    scores = construct_scores()
    return scores["partnership_collaboration"].corr(scores["market_reach"])


def answer_06_3():
    table3 = pd.read_csv(settings.PUBLISHED_DIR / "table3_fit_indices.csv").set_index("measure")
    return -(float(table3.loc["aic", "value"]) - 2 * 10) / 2


def answer_07_1():
    b, psi, r = published_ia_equation()
    ratio = b[0] / np.sqrt(psi / (1 - r**2) / 190)
    z = stats.norm.ppf(0.975)
    return stats.norm.cdf(ratio - z) + stats.norm.cdf(-ratio - z)


def answer_07_2():
    b, psi, r = published_ia_equation()
    return round((stats.norm.ppf(0.975) + stats.norm.ppf(0.90)) ** 2 * psi / (1 - r**2) / b[1] ** 2)


INDEPENDENT = {
    "00.2": lambda: (8 + 1) + 5 + 3,  # paths (with PCDP -> MR) + residual variances + residual covariances
    "01.1": answer_01_1,
    "01.3": answer_01_3,
    "02.1": answer_02_1,
    "02.3": answer_02_3,
    "03.2": answer_03_2,
    "04.1": answer_04_1,
    "04.2": lambda: 6 * 7 // 2 - 1 - (8 + 3 + 5 + 3),  # moments - (paths + direct + variances + covs)
    "04.3": lambda: 6 * 7 // 2 - 1 - (8 + 5 + 3 + 1),
    "05.3": answer_05_3,
    "06.3": answer_06_3,
    "07.1": answer_07_1,
    "07.2": answer_07_2,
}


def wrong(answer):
    if isinstance(answer, str):
        return "innovation_agility" if answer != "innovation_agility" else "market_reach"
    return answer * 2 + 7 if float(answer).is_integer() else answer * 1.5 + 1


def shown(value, text):
    """Does ``text`` show ``value`` (as a name, or as a number at 0-4 decimals)?"""
    if isinstance(value, str):
        return value.lower() in text.lower()
    forms = {f"{number:.{d}f}" for number in (value, abs(value)) for d in range(1, 5)}
    if float(value).is_integer() or abs(value) >= 10:
        forms.add(f"{value:.0f}")
    return any(re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", text) for form in forms)


@pytest.mark.parametrize("exercise_id", sorted(INDEPENDENT))
def test_check_says_right_for_the_right_answer_and_hints_otherwise(exercise_id, capsys):
    answer = INDEPENDENT[exercise_id]()
    assert exercises.check(exercise_id, answer, SURVEY) is True
    assert capsys.readouterr().out.strip() == "✓ Right."
    assert exercises.check(exercise_id, wrong(answer), SURVEY) is False
    output = capsys.readouterr().out
    assert output.startswith("✗ Not yet. Hint: ") and len(output) > 40
    assert not shown(answer, output), output


@pytest.mark.parametrize(
    ("exercise_id", "answer", "message"),
    [
        ("02.3", "86.8", "expects a number, but your answer is text"),
        ("04.2", 1.5, "expects a whole number (a count)"),
        ("01.1", 3, "expects a name"),
        ("02.3", pd.Series([1.0, 2.0]), "holds 2 values"),
        ("04.2", ..., "replace the ..."),
        ("04.2", None, "None"),
        ("03.2", float("nan"), "NaN"),
        ("99.9", 1, "no checked exercise"),
    ],
)
def test_check_explains_an_answer_of_the_wrong_type(exercise_id, answer, message, capsys):
    assert exercises.check(exercise_id, answer, SURVEY) is False
    output = capsys.readouterr().out
    assert output.startswith("✗") and message in output


def test_an_exercise_number_given_as_a_number_is_refused_with_the_form_to_use(capsys):
    assert exercises.check(2.1, 0, SURVEY) is False
    assert 'check("02.1", answer), not 2.1' in capsys.readouterr().out


def test_check_accepts_one_element_containers_and_numpy_numbers(capsys):
    right = answer_02_3()
    assert exercises.check("02.3", pd.Series([right], index=["all firms"]), SURVEY)
    assert exercises.check("02.3", np.float32(right), SURVEY)
    assert exercises.check("04.2", np.int64(INDEPENDENT["04.2"]()), SURVEY)
    assert answer_01_1() == "global_logistics"  # so the readable label below is the right answer
    assert exercises.check("01.1", "Global Logistics", SURVEY) is True
    capsys.readouterr()


def test_answers_are_computed_from_the_lessons_survey(class_survey, capsys):
    """On an instructor's survey the expected answers are that survey's, not the shipped data's."""
    from helpers import notebook

    lesson = notebook.Lesson(class_survey)
    theirs = pd.read_csv(class_survey).filter(regex=r"^pcdp_\d$").mean(axis=1).mean()
    assert theirs != pytest.approx(answer_01_3(), abs=0.005)
    assert lesson.check("01.3", theirs) is True
    assert lesson.check("01.3", answer_01_3()) is False
    capsys.readouterr()


def test_a_self_check_takes_the_letter_of_a_choice(monkeypatch, capsys):
    from helpers import answers

    monkeypatch.setitem(
        exercises.REGISTRY,
        "99.a",
        answers.Answer(lambda survey: {"b"}, "reread the formula", kind=answers.CHOICE),
    )
    assert exercises.check("99.a", " (B) ", SURVEY)
    assert not exercises.check("99.a", "c", SURVEY)
    assert "Hint: reread the formula" in capsys.readouterr().out
    assert not exercises.check("99.a", 2, SURVEY)
    assert not exercises.check("99.a", "bc", SURVEY)
    assert capsys.readouterr().out.count('in quotes (e.g. "b")') == 2
