"""The exercises as otter-grader assignments: the master notebooks' tests grade right and wrong
answers (each right answer computed here independently of the kit), the student release holds no
solution and no expected answer, the autograder zip holds what Gradescope needs, and a folder of
submissions is graded on this machine into a CSV (tools/assignments.py)."""

import csv
import hashlib
import json
import re
import shutil
import zipfile

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbclient import NotebookClient
from scipy import stats

from helpers import exercises, robustness, settings
from helpers.missing_answers import blank_chance
from helpers.survey import load_survey, score_constructs
from tools import assignments

MASTERS = assignments.master_paths()
LESSONS = sorted(settings.REPO_ROOT.glob("notebooks/[0-9][0-9]_*.ipynb"))
REVERSE_ITEMS = ("pcdp_5", "oe_3")  # the instrument's reverse-worded items, as the codebook lists them


# --- reading the master notebooks ----------------------------------------------------------------


def questions(master) -> dict[str, dict]:
    """Each question of a master notebook: its config text, its solution and test cells."""
    found, current, block = {}, None, None
    for cell in nbformat.read(master, as_version=4).cells:
        text = cell.source.strip()
        if cell.cell_type == "raw" and text.startswith("# BEGIN QUESTION"):
            name = re.search(r"^name: (\S+)", text, re.M)[1]
            current = found[name] = {"config": text, "solutions": [], "tests": []}
        elif cell.cell_type == "raw" and text.startswith("# END QUESTION"):
            current = None
        elif cell.cell_type == "raw" and text.startswith("# BEGIN "):
            block = text.removeprefix("# BEGIN ").lower()
        elif cell.cell_type == "raw" and text.startswith("# END "):
            block = None
        elif current is not None and block == "solution":
            current["solutions"].append(cell)
        elif current is not None and block == "tests":
            current["tests"].append(cell)
    return found


def exercise_tests() -> dict[str, dict[str, str]]:
    """'05.1' -> {'public': source, 'hidden': source} for every autograded exercise."""
    found = {}
    for master in MASTERS:
        for name, question in questions(master).items():
            if not question["tests"]:
                continue
            exercise_id = name.removeprefix("exercise_").replace("_", ".")
            kinds = {
                ("hidden" if "hidden: true" in c.source else "public"): c.source for c in question["tests"]
            }
            found[exercise_id] = kinds
    return found


TESTS = exercise_tests()


def passes(source: str, answer, exercise_id: str, survey_file=None) -> bool:
    """Run one test cell of a master notebook against an answer, as otter does after the notebook ran."""
    variables = {f"answer_{exercise_id.replace('.', '_')}": answer}
    variables |= {"survey_file": survey_file, "missing_answers": "refuse"}
    try:
        exec(source, variables)  # the cell defines the test function and calls it
    except AssertionError:
        return False
    return True


def failure_message(source: str, answer, exercise_id: str) -> str:
    variables = {
        f"answer_{exercise_id.replace('.', '_')}": answer,
        "survey_file": None,
        "missing_answers": "refuse",
    }
    with pytest.raises(AssertionError) as raised:
        exec(source, variables)
    return str(raised.value)


# --- right answers, computed here without the kit's model code ----------------------------------


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


def answer_01_3(survey=None):
    survey = raw_survey() if survey is None else survey
    return survey.filter(regex=r"^pcdp_\d$").mean(axis=1).mean()


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


def answer_07_1():
    b, psi, r = published_ia_equation()
    ratio = b[0] / np.sqrt(psi / (1 - r**2) / 190)
    z = stats.norm.ppf(0.975)
    return stats.norm.cdf(ratio - z) + stats.norm.cdf(-ratio - z)


def answer_07_2():
    b, psi, r = published_ia_equation()
    return round((stats.norm.ppf(0.975) + stats.norm.ppf(0.90)) ** 2 * psi / (1 - r**2) / b[1] ** 2)


def answer_06_3():
    table3 = pd.read_csv(settings.PUBLISHED_DIR / "table3_fit_indices.csv").set_index("measure")
    return -(float(table3.loc["aic", "value"]) - 2 * 10) / 2


def lavaan_loadings() -> pd.DataFrame:
    """R lavaan's standardized loadings of the six-factor CFA on the shipped survey (stored)."""
    path = settings.REPO_ROOT / "tests" / "fixtures" / "lavaan" / "kit_items_cfa.json"
    rows = [r for r in json.loads(path.read_text(encoding="utf-8"))["parameters"] if r["op"] == "=~"]
    return pd.DataFrame(rows)[["lhs", "rhs", "std_all"]]


def answer_08_1():
    loadings = lavaan_loadings().query("lhs == 'OE'")["std_all"]
    return loadings.sum() ** 2 / (loadings.sum() ** 2 + (1 - loadings**2).sum())


def answer_08_2():
    loadings = lavaan_loadings()
    ave = (loadings["std_all"] ** 2).groupby(loadings["lhs"]).mean()
    weakest = loadings[loadings["lhs"] == ave.idxmin()]
    return weakest.loc[weakest["std_all"].idxmin(), "rhs"]


INDEPENDENT = {
    "00.2": lambda: (8 + 1) + 5 + 3,  # paths (with PCDP -> MR) + residual variances + residual covariances
    "01.1": lambda: construct_scores().mean().idxmin(),
    "01.3": answer_01_3,
    "02.1": lambda: (lambda s: (s * (1 - s)).idxmin())(raw_survey().filter(regex=r"^uses_").eq("Yes").mean()),
    "02.3": lambda: 100 * (raw_survey().filter(regex=r"^uses_").eq("Yes").sum(axis=1) >= 5).mean(),
    "03.2": answer_03_2,
    "04.1": answer_04_1,
    "04.2": lambda: 6 * 7 // 2 - 1 - (8 + 3 + 5 + 3),  # moments - (paths + direct + variances + covs)
    "04.3": lambda: 6 * 7 // 2 - 1 - (8 + 5 + 3 + 1),
    # with the direct paths free, the model for MR is saturated: its total effect is the correlation
    "05.3": lambda: construct_scores()["partnership_collaboration"].corr(construct_scores()["market_reach"]),
    "06.3": answer_06_3,
    "07.1": answer_07_1,
    "07.2": answer_07_2,
    "08.1": answer_08_1,
    "08.2": answer_08_2,
    # a firm keeps both blanked scores with chance (1 - its chance of a blank)²
    "08.3": lambda: float(((1 - blank_chance(np.arange(1, 191), 0.45, "lower half")) ** 2).sum()),
}


def wrong(answer):
    if isinstance(answer, str):
        return "innovation_agility" if answer != "innovation_agility" else "market_reach"
    return answer * 2 + 7 if float(answer).is_integer() else answer * 1.5 + 1


# --- the master notebooks ------------------------------------------------------------------------


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_every_lesson_has_a_master_notebook_of_two_to_four_exercises_and_links_to_its_exercises(lesson):
    master = assignments.MASTERS_DIR / f"{lesson.stem}_solutions.ipynb"
    assert master in MASTERS
    first = nbformat.read(master, as_version=4).cells[0]
    assert first.cell_type == "raw" and first.source.startswith("# ASSIGNMENT CONFIG")
    exercises_of_lesson = {name.removesuffix("_words") for name in questions(master)}
    assert 2 <= len(exercises_of_lesson) <= 4
    assert all(name.startswith(f"exercise_{lesson.name[:2]}_") for name in exercises_of_lesson)
    assert any(questions(master)[name]["tests"] for name in exercises_of_lesson), "one autograded exercise"
    section = [c.source for c in nbformat.read(lesson, as_version=4).cells if "## Exercises" in c.source]
    assert len(section) == 1 and f"exercises/{lesson.stem}_exercises.ipynb" in section[0]


def test_every_autograded_exercise_has_one_public_and_one_hidden_test():
    assert set(TESTS) == {*INDEPENDENT, "05.1", "05.4", "06.2"}
    for exercise_id, kinds in TESTS.items():
        assert set(kinds) == {"public", "hidden"}, exercise_id
        assert "points: 0" in kinds["public"] and "points: 1" in kinds["hidden"], "hidden tests grade"


@pytest.mark.parametrize("exercise_id", sorted(INDEPENDENT))
def test_hidden_tests_accept_the_right_answer_and_refuse_a_wrong_one(exercise_id):
    answer, tests = INDEPENDENT[exercise_id](), TESTS[exercise_id]
    assert passes(tests["public"], answer, exercise_id)
    assert passes(tests["hidden"], answer, exercise_id)
    assert not passes(tests["hidden"], wrong(answer), exercise_id)


@pytest.mark.parametrize("exercise_id", sorted(INDEPENDENT))
def test_public_tests_check_the_form_and_never_show_the_answer(exercise_id):
    answer, public = INDEPENDENT[exercise_id](), TESTS[exercise_id]["public"]
    for bad in ("text", ..., None, pd.Series([1.0, 2.0])):
        if isinstance(answer, str) and isinstance(bad, str):
            continue
        message = failure_message(public, bad, exercise_id)
        assert message and not shown(answer, message), message
    assert not shown(answer, public), "the public test's code is what students see on failure"


def test_exercise_02_3s_public_test_refuses_a_share_and_02_1_accepts_either_of_two_tied_platforms(tmp_path):
    public = TESTS["02.3"]["public"]
    assert "looks like a share; multiply by 100" in failure_message(public, 0.868, "02.3")
    assert passes(public, 86.8, "02.3") and passes(public, 0.0, "02.3") and passes(public, 100, "02.3")

    from helpers import instrument

    survey = raw_survey()
    first, second = instrument.PLATFORMS[0], instrument.PLATFORMS[1]
    survey[first.column] = "Yes"  # every firm: no variance, the smallest, shared by the two platforms
    survey[second.column] = "Yes"
    tied = tmp_path / "tied.csv"
    survey.to_csv(tied, index=False)
    hidden = TESTS["02.1"]["hidden"]
    for platform in (first, second):
        assert passes(hidden, platform.label, "02.1", survey_file=tied), platform.label
        assert passes(hidden, platform.column, "02.1", survey_file=tied), platform.column
    assert not passes(hidden, instrument.PLATFORMS[2].label, "02.1", survey_file=tied)


@pytest.mark.parametrize("exercise_id", sorted(TESTS))
def test_a_missing_answer_is_named_by_its_variable_and_a_failed_cell_suggested(exercise_id):
    variable = f"answer_{exercise_id.replace('.', '_')}"
    for kind in ("public", "hidden"):  # None: what otter passes when the answer's cell raised
        message = failure_message(TESTS[exercise_id][kind], None, exercise_id)
        assert f"your answer is None (did you assign your result to `{variable}`, or did its cell fail?)" in (
            message
        ), message


def test_exercise_05_1_accepts_only_the_standardized_bc_bound_of_5000_resamples_with_the_kits_seed():
    scores = score_constructs(load_survey())
    row = ("indirect", "PCDP → IT → IA")

    def lower(seed: int, n_resamples: int = 5000, scale: str = robustness.SCALE_BETA) -> float:
        summary = robustness.bootstrap_paths(
            scores, n_resamples=n_resamples, seed=seed, progress=False
        ).summary()
        return summary.loc[(*row, scale), "bc_lower"]

    hidden = TESTS["05.1"]["hidden"]
    assert passes(hidden, lower(settings.SEED), "05.1")
    assert passes(hidden, round(lower(settings.SEED), 4), "05.1"), "four decimals are enough"
    unstandardized = lower(settings.SEED, scale="B")
    others = [unstandardized, lower(settings.SEED + 1), lower(2), lower(settings.SEED, n_resamples=1000)]
    for other in others:
        assert not passes(hidden, other, "05.1"), other


def test_hidden_tests_compute_the_answer_from_the_survey_the_notebook_analyses(class_survey):
    theirs = answer_01_3(pd.read_csv(class_survey))
    assert theirs != pytest.approx(answer_01_3(), abs=0.005)
    hidden = TESTS["01.3"]["hidden"]
    assert passes(hidden, theirs, "01.3", survey_file=str(class_survey))
    assert not passes(hidden, answer_01_3(), "01.3", survey_file=str(class_survey))


def test_the_kits_helpers_hold_no_expected_answer_of_an_exercise():
    assert not hasattr(exercises, "EXERCISES")
    assert all(re.fullmatch(r"\d\d\.[a-z]", key) for key in exercises.REGISTRY), "self-checks only"
    shipped = "\n".join(
        path.read_text(encoding="utf-8") for path in (settings.REPO_ROOT / "helpers").rglob("*.py")
    )
    for kinds in TESTS.values():
        expected = re.search(r"^\s*expected = (.+)$", kinds["hidden"], re.M)
        if expected and len(expected[1]) > 40:
            assert expected[1].strip() not in shipped, expected[1]


# --- release, autograder, grading -----------------------------------------------------------------


def shown(value, text: str) -> bool:
    """Does ``text`` give ``value`` away: a number at 2-4 decimals; a whole number or a name as an
    answer's value or compared with ``==`` (small counts and the constructs' names appear in any
    text)?"""
    if isinstance(value, str):
        names = "|".join(re.escape(form) for form in {value, value.replace("_", " ")})
        return bool(re.search(rf"(answer_\d\d_\d+\s*=|==)\s*\\?['\"]({names})\\?['\"]", text, re.I))
    if float(value).is_integer():
        return bool(re.search(rf"(answer_\d\d_\d+\s*=|==)\s*{int(value)}(?![\d.])", text))
    forms = {f"{number:.{d}f}" for number in (value, abs(value)) for d in range(2, 5)}
    return any(re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", text) for form in forms)


def expected_values() -> dict[str, object]:
    """Every autograded exercise's answer on the shipped data: the independent ones, and three that
    need the kit's own model code."""
    import dataclasses

    from helpers import alternative_models, audit, paper_model
    from helpers.sem import fit_sem

    values = {exercise_id: compute() for exercise_id, compute in INDEPENDENT.items()}
    scores = score_constructs(load_survey())
    boot = robustness.bootstrap_paths(scores, n_resamples=5000, seed=settings.SEED, progress=False)
    values["05.1"] = boot.summary().loc[("indirect", "PCDP → IT → IA", "β"), "bc_lower"]
    top = alternative_models.modification_indices(scores).iloc[0]
    freed = fit_sem(f"{paper_model.model_syntax()}\n{top['lhs']} {top['op']} {top['rhs']}", scores)
    values["05.4"] = paper_model.fit(scores).chisq - freed.chisq
    published = audit.published_values()
    published["df"] = dataclasses.replace(published["df"], value=4)
    values["06.2"] = int((audit.audit(published)["verdict"] != "consistent").sum())
    return values


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    made = assignments.build(results, kit_copy=None)
    return results / assignments.SUBFOLDER, made


def test_the_release_holds_no_solution_and_no_expected_answer(release):
    folder, made = release
    student = folder / "student"
    names = sorted(path.name for path in student.rglob("*"))
    expected = ["README.md", *(assignments.student_name(a.lesson) for a in made)]
    assert names == sorted(expected), "only the student notebooks and how to work with them"
    text = "\n".join(path.read_text(encoding="utf-8") for path in student.rglob("*"))
    for exercise_id, value in expected_values().items():
        assert not shown(value, text), f"the answer to {exercise_id} can be read from the release"
    assert "BEGIN SOLUTION" not in text and "# SOLUTION" not in text and "hidden=True" not in text
    assert "*Solution.*" not in text and "Model answer" not in text
    sources = "\n".join(
        cell.source for path in student.glob("*.ipynb") for cell in nbformat.read(path, as_version=4).cells
    )
    lines = {line.split("  #")[0].strip() for line in sources.split("\n")}
    shared = {  # code the students get anyway (setup cells, which a solution may repeat)
        line.split("  #")[0].strip()
        for master in MASTERS
        for cell in nbformat.read(master, as_version=4).cells
        if cell.cell_type == "code" and "SOLUTION" not in cell.source and "TEST CONFIG" not in cell.source
        for line in cell.source.split("\n")
    }
    for master in MASTERS:
        for question in questions(master).values():
            for cell in question["solutions"]:
                for line in cell.source.split("\n") if cell.cell_type == "code" else []:
                    code = line.split("  #")[0].strip()
                    if line.endswith("# SOLUTION"):  # the answer line: students get `answer_... = ...`
                        code = code.split(" = ", 1)[1]
                        assert code not in sources, f"an answer's solution in the release: {code}"
                    if len(code) > 20 and not code.startswith("#") and code not in shared:
                        assert code not in lines, f"solution code in the release: {code}"
            for test in question["tests"]:
                if "hidden: true" in test.source:
                    for line in re.findall(r"^\s*(expected = .+)$", test.source, re.M):
                        assert line not in text, f"hidden test code in the release: {line}"


def test_the_student_notebooks_are_what_the_release_makes_and_check_only_the_form(release):
    folder, made = release
    for assigned in made:
        released = (folder / "student" / assignments.student_name(assigned.lesson)).read_text(
            encoding="utf-8"
        )
        kit_copy = assignments.EXERCISES_DIR / assignments.student_name(assigned.lesson)
        assert kit_copy.read_text(encoding="utf-8") == released, "run `python3 kit.py assignments release`"
        notebook = nbformat.reads(released, as_version=4)
        assert notebook.metadata["otter"]["assignment_name"] == f"{assigned.lesson}_exercises"
        for name, test in notebook.metadata["otter"]["tests"].items():
            assert "hidden=False" in test and "hidden=True" not in test, name
            assert "expected" not in test, name
        sources = [cell.source for cell in notebook.cells]
        assert sources[0].startswith("# Initialize Otter") and "otter.Notebook(" in sources[0]
        for name in notebook.metadata["otter"]["tests"]:
            assert f'grader.check("{name}")' in sources


def test_the_autograder_zip_holds_the_hidden_tests_and_what_the_notebooks_need(release):
    folder, made = release
    for assigned in made:
        with zipfile.ZipFile(folder / "autograder" / f"{assigned.lesson}_autograder.zip") as archive:
            names = set(archive.namelist())
            for required in ("run_autograder", "setup.sh", "otter_config.json", "environment.yml"):
                assert required in names, required
            assert "files/helpers/survey.py" in names and "files/data/sme_kerala_survey.csv" in names
            tests = sorted(name for name in names if name.startswith("tests/"))
            assert tests, assigned.lesson
            for name in tests:
                assert "hidden=True" in archive.read(name).decode(), name
            requirements = archive.read("environment.yml").decode()  # the kit's pins for Gradescope
            assert "python=3.11" in requirements and "otter-grader==7.0.0" in requirements
            assert "pandas==" in requirements and "semopy==" in requirements
            assert not any(name.endswith(".ipynb") for name in names), "no solutions notebook in the zip"


def executed(notebook, folder):
    """A submission as a student hands it in: run from top to bottom in its folder."""
    NotebookClient(notebook, timeout=600, resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def test_a_folder_of_submissions_is_graded_here_into_a_csv(tmp_path):
    master = assignments.MASTERS_DIR / "04_path_analysis_solutions.ipynb"
    assigned = assignments.assign(master, tmp_path / "assign")
    submitted = tmp_path / "submitted"
    (submitted / "bob").mkdir(parents=True)
    right = nbformat.read(assigned.solutions_notebook, as_version=4)
    nbformat.write(executed(right, assigned.solutions_notebook.parent), submitted / "alice.ipynb")
    wrong_answers = nbformat.read(assigned.student_notebook, as_version=4)
    for cell in wrong_answers.cells:
        cell.source = cell.source.replace("answer_04_1 = ...", "answer_04_1 = 0.9")  # a wrong number
        cell.source = cell.source.replace(  # right, in a form of its own
            "answer_04_2 = ...", "answer_04_2 = paper_model.fit(scores, direct_paths=True).df"
        )  # 04.3 left as it came: `...`
    executed(wrong_answers, assigned.student_notebook.parent)
    nbformat.write(wrong_answers, submitted / "bob" / "04_renamed.ipynb")
    crashed = nbformat.read(assigned.student_notebook, as_version=4)
    for cell in crashed.cells:
        cell.source = cell.source.replace("answer_04_1 = ...", "answer_04_1 = fit.no_such_attribute")
        cell.source = cell.source.replace("answer_04_2 = ...", "answer_04_2 = (1")  # a SyntaxError
    nbformat.write(crashed, submitted / "carol.ipynb")  # handed in unexecuted: grading runs it
    autograders = tmp_path / "autograder"
    autograders.mkdir()
    (autograders / "04_path_analysis_autograder.zip").write_bytes(assigned.autograder_zip.read_bytes())

    grades = tmp_path / "grades.csv"
    assignments.grade(submitted, autograders, grades)
    with grades.open(encoding="utf-8") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"alice.ipynb", "bob/04_renamed.ipynb", "carol.ipynb"}
    assert rows["alice.ipynb"]["errors"] == rows["bob/04_renamed.ipynb"]["errors"] == ""
    carol = rows["carol.ipynb"]
    numbers = {  # the cells that assign the answers, counting from 1
        name: index + 1
        for index, cell in enumerate(crashed.cells)
        for name in ("answer_04_1", "answer_04_2")
        if cell.source.startswith(name)
    }
    assert carol["errors"] == (
        f"AttributeError in cell {numbers['answer_04_1']} (answer_04_1); "
        f"SyntaxError in cell {numbers['answer_04_2']} (answer_04_2)"
    )
    assert (carol["exercise_04_1"], carol["exercise_04_2"], carol["problem"]) == ("0", "0", "")
    assert {key: rows["alice.ipynb"][key] for key in ("points", "possible")} == {
        "points": "3",
        "possible": "3",
    }
    bob = rows["bob/04_renamed.ipynb"]
    assert (bob["points"], bob["exercise_04_1"], bob["exercise_04_2"], bob["exercise_04_3"]) == (
        "1",
        "0",
        "1",
        "0",
    )
    assert bob["assignment"] == "04_path_analysis_exercises" and bob["problem"] == ""


def test_grading_lists_a_file_it_cannot_grade_with_the_reason(tmp_path):
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "lesson_copy.ipynb")
    (tmp_path / "notes.ipynb").write_text("not a notebook", encoding="utf-8")
    rows = assignments.grade(tmp_path, tmp_path, tmp_path / "grades.csv")
    problems = {row["submission"]: row["problem"] for row in rows}
    assert "no otter assignment name" in problems["lesson_copy.ipynb"]
    assert "not a readable notebook" in problems["notes.ipynb"]
    with (tmp_path / "grades.csv").open(encoding="utf-8") as handle:
        assert [row["points"] for row in csv.DictReader(handle)] == ["", ""]
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no notebooks"):
        assignments.grade(tmp_path / "empty", tmp_path, tmp_path / "grades.csv")


def test_a_release_for_a_class_survey_ships_it_and_grades_against_it(tmp_path, class_survey):
    master = assignments.MASTERS_DIR / "01_questionnaire_and_data_solutions.ipynb"
    (assigned,) = assignments.build(tmp_path / "results", class_survey, masters=[master], kit_copy=None)
    folder = tmp_path / "results" / assignments.SUBFOLDER
    assert (folder / "student" / class_survey.name).read_bytes() == class_survey.read_bytes()
    assert class_survey.name in (folder / "student" / "README.md").read_text(encoding="utf-8")
    notebook = nbformat.read(assigned.student_notebook, as_version=4)
    parameters = next(cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", []))
    assert f"survey_file = '{class_survey.name}'" in parameters.source
    with zipfile.ZipFile(assigned.autograder_zip) as archive:
        assert f"files/{class_survey.name}" in archive.namelist()

    assert answer_01_3(pd.read_csv(class_survey)) != pytest.approx(answer_01_3(), abs=0.005)
    for cell in notebook.cells:  # 01.1 right for the class survey, 01.3 the shipped data's number
        cell.source = cell.source.replace("answer_01_1 = ...", "answer_01_1 = scores.mean().idxmin()")
        cell.source = cell.source.replace("answer_01_3 = ...", f"answer_01_3 = {float(answer_01_3())!r}")
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    nbformat.write(notebook, submitted / "carol.ipynb")
    for cell in notebook.cells:  # dan points his notebook back at the shipped data, whose answer he gives
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = cell.source.replace(f"survey_file = '{class_survey.name}'", "survey_file = None")
    nbformat.write(notebook, submitted / "dan.ipynb")
    for cell in notebook.cells:  # erin's notebook names a survey the release does not hold
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = cell.source.replace("survey_file = None", "survey_file = 'our_survey.csv'")
    nbformat.write(notebook, submitted / "erin.ipynb")
    assignments.grade(submitted, folder / "autograder", tmp_path / "grades.csv")
    with (tmp_path / "grades.csv").open(encoding="utf-8") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    row = rows["carol.ipynb"]
    assert (row["exercise_01_1"], row["exercise_01_3"], row["points"]) == ("1", "0", "1")
    assert row["errors"] == rows["dan.ipynb"]["errors"] == ""
    dan = rows["dan.ipynb"]  # right for the shipped data his notebook analyses; graded on the release's
    assert (dan["exercise_01_1"], dan["exercise_01_3"], dan["points"]) == ("0", "0", "0")
    erin = rows["erin.ipynb"]
    assert erin["points"] == "0" and erin["problem"].startswith("its setup cell (cell ")
    assert "FileNotFoundError" in erin["errors"] and "our_survey.csv" in erin["problem"]


def test_the_autograder_is_rebuilt_for_the_released_survey_and_refuses_another(tmp_path, class_survey):
    results = tmp_path / "results"
    folder = results / assignments.SUBFOLDER
    assert assignments.main("release", results, class_survey) == 0
    record = json.loads((folder / assignments.RELEASE_RECORD).read_text(encoding="utf-8"))
    assert record == {
        "survey_file": class_survey.name,
        "sha256": hashlib.sha256(class_survey.read_bytes()).hexdigest(),
        "missing_answers": "refuse",
    }
    for archive in (folder / "autograder").glob("*.zip"):
        archive.unlink()
    assert assignments.main("autograder", results) == 0  # no --data: the released class survey
    archives = sorted((folder / "autograder").glob("*.zip"))
    assert len(archives) == len(MASTERS)
    for archive in archives[1:]:  # lesson 00 is about the model, not the data
        with zipfile.ZipFile(archive) as opened:
            assert f"files/{class_survey.name}" in opened.namelist(), archive.name
    other = tmp_path / "other_survey.csv"
    other.write_text(raw_survey().to_csv(index=False), encoding="utf-8")
    with pytest.raises(ValueError, match=r"made for the class survey class_survey\.csv .*release again"):
        assignments.main("autograder", results, other)
    master = assignments.MASTERS_DIR / "02_descriptives_solutions.ipynb"
    assignments.build(results, None, student=False, masters=[master])  # a zip of the shipped data
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    shutil.copy(folder / "student" / "02_descriptives_exercises.ipynb", submitted)
    (row,) = assignments.grade(submitted, folder / "autograder", tmp_path / "grades.csv")
    assert "made without the released survey class_survey.csv" in row["problem"]
    (folder / "student" / class_survey.name).write_text("changed", encoding="utf-8")
    with pytest.raises(ValueError, match="missing or changed since the release"):
        assignments.main("autograder", results)


def test_the_hidden_tests_take_the_released_survey_as_constants_not_the_notebooks_variables():
    master = assignments.MASTERS_DIR / "02_descriptives_solutions.ipynb"
    for survey_name in ("class_60.csv", None):
        notebook = nbformat.read(master, as_version=4)
        assignments._grade_against(notebook, survey_name)
        hidden = [cell.source for cell in notebook.cells if "hidden: true" in cell.source]
        assert len(hidden) == 2
        for source in hidden:
            # otter passes a test function the notebook's variables named as its parameters: none left
            assert re.search(r"^def test_02_\d_graded\(answer_02_\d\):$", source, flags=re.M), source
            assert f"    survey_file, missing_answers = {survey_name!r}, 'refuse'" in source
            assert re.search(r"^test_02_\d_graded\(answer_02_\d\)$", source, flags=re.M), source
