"""The lessons' exercises as otter-grader assignments (an instructor's tool: students never import it).

Each notebook ``notebooks/solutions/NN_<lesson>_solutions.ipynb`` is an otter assign *master*
notebook: its first cell is the assignment config; each exercise is a question (``# BEGIN
QUESTION``) with its worked solution (``# BEGIN SOLUTION``) and, for an exercise with a number or a
name as its answer, a public test (the answer's form: a number, a percentage between 0 and 100, one
of the platforms, ...) and a hidden test that computes the right answer from the survey the
notebook analyses. Written answers are manual questions, read by the instructor.

    python3 kit.py assignments release [--data FILE]     otter assign on every master notebook ->
        results/assignments/student/      what students get: notebooks without solutions or hidden
                                          tests, a README (and FILE, a class survey they analyse)
        results/assignments/autograder/   NN_<lesson>_autograder.zip, for Gradescope or ``grade``
        notebooks/exercises/              the kit's own copy of the student notebooks (shipped data
                                          only), which the lessons link to
    python3 kit.py assignments grade FOLDER               every submitted notebook in FOLDER, graded
        on this machine without Docker (otter's non-containerized grading), one row per submission ->
        results/assignments/grades.csv
    python3 kit.py assignments autograder [--data FILE]   only the autograder zips

Why otter-grader (not nbgrader): the tests live in the notebook beside the exercise, public ones for
the students' ``grader.check`` and hidden ones for grading; otter assign writes the autograder zip
Gradescope accepts; grading needs no server, database or course directory (a folder of notebooks
and a zip), and runs here without Docker.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from helpers import files

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
MASTERS_DIR = NOTEBOOKS_DIR / "solutions"
EXERCISES_DIR = NOTEBOOKS_DIR / "exercises"
RUNTIME_LOCK = ROOT / "requirements.lock"
# what the autograder needs beside the notebook (the master's config names them in autograder_files)
AUTOGRADER_SUPPORT = ("helpers", "data")
SUBFOLDER = "assignments"


STUDENT_README = """\
# Exercises

Put these notebooks{data} in the kit's `notebooks/exercises/` folder (they import the kit's
`helpers` and link to the lessons beside that folder) and open them with `python3 kit.py lab`.
Write each answer where a cell says `answer_NN_k = ...`, then run the `grader.check(...)` cell under
it: it says whether the answer has the right form (a number, a share, one of the names), not
whether it is right. Hand in the notebooks, run from top to bottom; your instructor grades them.
"""


@dataclass(frozen=True)
class Assigned:
    """What otter assign made of one master notebook."""

    lesson: str  # "05_robustness"
    student_notebook: Path  # no solutions, public tests only (in its metadata)
    autograder_zip: Path  # the Gradescope autograder: hidden tests, helpers/, data/, requirements
    solutions_notebook: Path | None = None  # otter's autograder notebook: the solutions, no tests


def master_paths() -> list[Path]:
    """The master notebooks (the exercises with solutions and tests), in lesson order."""
    return sorted(MASTERS_DIR.glob("[0-9][0-9]_*_solutions.ipynb"))


def lesson_name(master: Path) -> str:
    """'05_robustness' for notebooks/solutions/05_robustness_solutions.ipynb."""
    return master.name.removesuffix("_solutions.ipynb")


def student_name(lesson: str) -> str:
    """The student notebook's file name, also the assignment's name: '05_robustness_exercises.ipynb'."""
    return f"{lesson}_exercises.ipynb"


def assign(master: Path, work: Path, survey: Path | None = None) -> Assigned:
    """Run otter assign on ``master`` in ``work``: a staged copy named as the student notebook, next to
    the files its config asks the autograder to hold, then otter's output in ``work/out``."""
    import nbformat
    from otter.assign import main as otter_assign

    lesson = lesson_name(master)
    stage = work / "stage"
    stage.mkdir(parents=True)
    notebook = nbformat.read(master, as_version=4)
    if survey is not None:
        _analyse(notebook, survey, stage)
    _grade_against(notebook, None if survey is None else survey.name)
    nbformat.write(notebook, stage / student_name(lesson))
    for name in AUTOGRADER_SUPPORT:
        shutil.copytree(ROOT / name, stage / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (stage / "requirements.txt").write_text(_requirements(), encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):  # otter prints a line per step
        otter_assign(str(stage / student_name(lesson)), str(work / "out"), no_pdfs=True, no_run_tests=True)
    student = work / "out" / "student" / student_name(lesson)
    _make_ids_stable(student)
    (archive,) = (work / "out" / "autograder").glob("*.zip")
    return Assigned(lesson, student, archive, work / "out" / "autograder" / student_name(lesson))


def _analyse(notebook, survey: Path, stage: Path) -> None:
    """Point the notebook's parameter cell at ``survey`` (copied beside it) and ship the file to the
    students and the autograder (the config's ``files``)."""
    import yaml

    shutil.copyfile(survey, stage / survey.name)
    parameters = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    if not parameters:
        return  # a notebook about the model, not the data (lesson 00)
    source, count = re.subn(
        r"^survey_file = .*$", f"survey_file = {survey.name!r}", parameters[0].source, flags=re.M
    )
    if count != 1:
        raise ValueError("the parameters cell has no line 'survey_file = ...'")
    parameters[0].source = source
    config_cell = notebook.cells[0]
    config = yaml.safe_load(config_cell.source)
    config["files"] = [*config.get("files", []), survey.name]
    config_cell.source = "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)


GRADED_CALL = re.compile(r"^(test_\w+_graded\(.*), survey_file, missing_answers\)\s*$", flags=re.M)


def _grade_against(notebook, survey_name: str | None) -> None:
    """Make the hidden tests grade against the released survey, whatever the student's notebook says:
    each hidden test's call gets the survey's file name (shipped in the autograder zip; None: the
    kit's shipped data) and the release's rule for blank answers as constants, in place of the
    notebook's ``survey_file`` and ``missing_answers`` (a student who sets ``survey_file = None`` on
    a class release is graded on the class survey all the same)."""
    missing = "refuse"
    for cell in notebook.cells:
        if "parameters" in cell.metadata.get("tags", []):
            found = re.search(r"^missing_answers = (['\"])(\w+)\1\s*$", cell.source, flags=re.M)
            if found is None:
                raise ValueError("the parameters cell has no line 'missing_answers = \"...\"'")
            missing = found.group(2)
    for cell in notebook.cells:
        if cell.cell_type == "code" and re.search(r"^hidden: true\s*$", cell.source, flags=re.M):
            cell.source = GRADED_CALL.sub(
                lambda m: f"{m.group(1)}, {survey_name!r}, {missing!r})", cell.source
            )


def _requirements() -> str:
    """The autograder's requirements.txt: the runtime lock's pins (otter-grader among them), without
    hashes; otter assign writes them into the zip's environment.yml, which Gradescope installs."""
    from tools.lock import requirement_lines

    return "\n".join(requirement_lines(RUNTIME_LOCK.read_text(encoding="utf-8"))) + "\n"


def _make_ids_stable(path: Path) -> None:
    """Cells otter adds (the init cell, check cells, answer prompts) get random ids; number them so
    that the same masters always give the same student notebook."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if re.fullmatch(r"[0-9a-f]{8}", cell.get("id", "")):
            cell["id"] = f"otter-{index}"
    files.write_text(path, nbformat.writes(notebook) + "\n")


def build(
    results: Path,
    survey: Path | None = None,
    student: bool = True,
    masters: list[Path] | None = None,
    kit_copy: Path | None = EXERCISES_DIR,
) -> list[Assigned]:
    """otter assign on every master: the student notebooks in results/assignments/student/ (and in
    notebooks/exercises/ when the shipped data is used), the autograder zips in
    results/assignments/autograder/; ``masters``: only these (default: all); ``kit_copy``: where the
    kit keeps its copy of the student notebooks (None: nowhere). Returns what was made, in order."""
    out = results / SUBFOLDER
    made = []
    with tempfile.TemporaryDirectory(prefix="kit-assign-") as scratch:
        for master in master_paths() if masters is None else masters:
            assigned = assign(master, Path(scratch) / lesson_name(master), survey)
            archive = out / "autograder" / f"{assigned.lesson}_autograder.zip"
            files.write_bytes(archive, assigned.autograder_zip.read_bytes())
            kept = Assigned(assigned.lesson, out / "student" / student_name(assigned.lesson), archive)
            if student:
                text = assigned.student_notebook.read_text(encoding="utf-8")
                files.write_text(kept.student_notebook, text)
                if survey is None and kit_copy is not None:
                    _write_if_changed(kit_copy / student_name(assigned.lesson), text)
            made.append(kept)
    if student and survey is not None:
        files.write_bytes(out / "student" / survey.name, survey.read_bytes())
    if student:
        data = f" and {survey.name}" if survey is not None else ""
        files.write_text(out / "student" / "README.md", STUDENT_README.format(data=data))
    return made


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        files.write_text(path, text)


# --- grading --------------------------------------------------------------------------------------


def submissions(folder: Path) -> list[Path]:
    """Every notebook in ``folder`` and its subfolders (one per student, or all side by side),
    Jupyter's checkpoints left out."""
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def assignment_of(submission: Path) -> str:
    """The assignment a submitted notebook belongs to, as otter assign wrote it in its metadata
    ('05_robustness_exercises'), whatever the student renamed the file to."""
    import nbformat

    try:
        notebook = nbformat.read(submission, as_version=4)
    except Exception as error:  # nbformat raises several kinds for a file that is not a notebook
        raise ValueError(f"{submission}: not a readable notebook ({type(error).__name__})") from None
    name = notebook.metadata.get("otter", {}).get("assignment_name")
    if not name:
        raise ValueError(
            f"{submission}: no otter assignment name in its metadata; submit the notebook from "
            "results/assignments/student/ (or notebooks/exercises/), not a copy of a lesson"
        )
    return name


def grade(folder: Path, autograders: Path, grades_csv: Path) -> list[dict[str, object]]:
    """Grade every notebook in ``folder`` with the autograder zip of its assignment (otter's
    non-containerized grading: the notebook runs in this environment, then its tests), and write
    one row per submission to ``grades_csv``: file, assignment, points, possible, each question's
    points, and the problem that kept a file from being graded (not a notebook of an assignment,
    no autograder for it). Returns the rows."""
    found = submissions(folder)
    if not found:
        raise ValueError(f"no notebooks (*.ipynb) in {folder}")
    rows = []
    for submission in found:
        row: dict[str, object] = {"submission": submission.relative_to(folder).as_posix(), "problem": ""}
        try:
            row |= _graded(submission, autograders)
        except ValueError as problem:  # listed in the CSV (points left empty), never skipped
            row["problem"] = str(problem).removeprefix(f"{submission}: ")
            print(f"{row['submission']}: not graded: {row['problem']}")
        else:
            print(f"{row['submission']}: {row['points']} of {row['possible']} points")
        rows.append(row)
    columns = ["submission", "assignment", "points", "possible"]
    columns += sorted({key for row in rows for key in row} - {*columns, "problem"}) + ["problem"]
    with files.atomic_path(grades_csv) as path, path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _graded(submission: Path, autograders: Path) -> dict[str, object]:
    """One submission's assignment, points, possible points and points per question."""
    from otter.api import grade_submission

    assignment = assignment_of(submission)
    archive = autograders / f"{assignment.removesuffix('_exercises')}_autograder.zip"
    if not archive.is_file():
        raise ValueError(
            f"no autograder {archive.name} in {autograders}; run `python3 kit.py assignments autograder`"
        )
    with contextlib.redirect_stdout(io.StringIO()):
        results = grade_submission(str(submission), str(archive), quiet=True)
    row: dict[str, object] = {"assignment": assignment, "points": results.total, "possible": results.possible}
    for name in sorted(results.test_files):
        row[name] = results.get_score(name)
    return row


def main(command: str, results: Path, survey: Path | None = None, folder: Path | None = None) -> int:
    """``kit.py assignments`` (release, autograder, grade)."""
    out = results / SUBFOLDER
    if command == "grade":
        if folder is None or not folder.is_dir():
            raise ValueError(f"give the folder of submitted notebooks (not {folder})")
        grades_csv = out / "grades.csv"
        grade(folder, out / "autograder", grades_csv)
        print(f"wrote {grades_csv}")
        return 0
    if survey is not None:
        from helpers.survey import load_survey

        load_survey(survey)  # a file the notebooks could not analyse is refused now, with every problem
    made = build(results, survey, student=command == "release")
    for assigned in made:
        if command == "release":
            print(f"wrote {assigned.student_notebook}")
        print(f"wrote {assigned.autograder_zip}")
    return 0
