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
        results/assignments/release.json  the survey the hidden tests grade against (its file name,
                                          SHA-256 and blank-answer rule), fixed at release whatever a
                                          student's notebook names; `autograder` and `grade` reuse it
    python3 kit.py assignments grade FOLDER               every submitted notebook in FOLDER, graded
        on this machine without Docker (otter's non-containerized grading), one row per submission ->
        results/assignments/grades.csv    points per exercise, the cells that raised (errors) and
                                          what kept a file from being graded (problem)
    python3 kit.py assignments autograder [--data FILE]   only the autograder zips

Why otter-grader (not nbgrader): the tests live in the notebook beside the exercise, public ones for
the students' ``grader.check`` and hidden ones for grading; otter assign writes the autograder zip
Gradescope accepts; grading needs no server, database or course directory (a folder of notebooks
and a zip), and runs here without Docker.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
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
RELEASE_RECORD = "release.json"  # in results/assignments/: the survey the release grades against


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


GRADED_DEF = re.compile(r"^def (test_\w+_graded)\((.*), survey_file, missing_answers\):[ \t]*\n", flags=re.M)
GRADED_CALL = re.compile(r"^(test_\w+_graded\(.*), survey_file, missing_answers\)[ \t]*$", flags=re.M)


def _grade_against(notebook, survey_name: str | None) -> None:
    """Make the hidden tests grade against the released survey, whatever the student's notebook says:
    each hidden test loses its ``survey_file`` and ``missing_answers`` parameters (otter passes a test
    the notebook's variables of those names) and sets them itself, as constants: the survey's file
    name (shipped in the autograder zip; None: the kit's shipped data) and the release's rule for
    blank answers. A student who sets ``survey_file = None`` on a class release is graded on the
    class survey all the same."""
    missing = "refuse"
    for cell in notebook.cells:
        if "parameters" in cell.metadata.get("tags", []):
            found = re.search(r"^missing_answers = (['\"])(\w+)\1\s*$", cell.source, flags=re.M)
            if found is None:
                raise ValueError("the parameters cell has no line 'missing_answers = \"...\"'")
            missing = found.group(2)
    constants = f"    survey_file, missing_answers = {survey_name!r}, {missing!r}  # fixed at release\n"
    for cell in notebook.cells:
        if cell.cell_type == "code" and re.search(r"^hidden: true\s*$", cell.source, flags=re.M):
            source = GRADED_DEF.sub(lambda m: f"def {m.group(1)}({m.group(2)}):\n{constants}", cell.source)
            cell.source = GRADED_CALL.sub(lambda m: f"{m.group(1)})", source)


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
    columns += sorted({key for row in rows for key in row} - {*columns, "errors", "problem"})
    columns += ["errors", "problem"]
    with files.atomic_path(grades_csv) as path, path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _graded(submission: Path, autograders: Path) -> dict[str, object]:
    """One submission's assignment, points, possible points and points per question."""
    import nbformat
    from otter.api import grade_submission

    assignment = assignment_of(submission)
    archive = autograders / f"{assignment.removesuffix('_exercises')}_autograder.zip"
    if not archive.is_file():
        raise ValueError(
            f"no autograder {archive.name} in {autograders}; run `python3 kit.py assignments autograder`"
        )
    released = read_release(autograders.parent)
    if released is not None and released["survey_file"] is not None:
        import zipfile

        with zipfile.ZipFile(archive) as opened:
            names = opened.namelist()
            tests = [opened.read(name).decode("utf-8") for name in names if name.startswith("tests/")]
            on_survey = any("load_survey(" in test for test in tests)  # lesson 00 reads no survey
            if on_survey and f"files/{released['survey_file']}" not in names:
                raise ValueError(
                    f"the autograder {archive.name} was made without the released survey "
                    f"{released['survey_file']}; run `python3 kit.py assignments autograder`"
                )
    with contextlib.redirect_stdout(io.StringIO()):
        results = grade_submission(str(submission), str(archive), quiet=True)
    row: dict[str, object] = {"assignment": assignment, "points": results.total, "possible": results.possible}
    for name in sorted(results.test_files):
        row[name] = results.get_score(name)
    raised = raised_cells(results.notebook, nbformat.read(submission, as_version=4))
    row["errors"] = "; ".join(f"{cell.error} in cell {cell.number}{cell.answers}" for cell in raised)
    setup = [cell for cell in raised if "notebook.setup(" in cell.source]
    if setup:
        row["problem"] = (
            f"its setup cell (cell {setup[0].number}) raised {setup[0].error}: {setup[0].message}; the "
            "answers after it were not computed (check the notebook's survey_file and the survey shipped "
            "with the release)"
        )
    return row


@dataclass(frozen=True)
class RaisedCell:
    """A cell of an executed submission that raised."""

    number: int  # counting every cell from 1, as the notebook shows them top to bottom
    error: str  # the exception's name: "AttributeError"
    message: str  # its message's first line
    answers: str  # " (answer_04_1)" when the cell assigns an exercise's answer, else ""
    source: str


def raised_cells(notebook, submitted=None) -> list[RaisedCell]:
    """The cells of an executed submission that raised, otter's own cells (its init cell and the
    ``grader.check`` cells, which fail when grading outside Jupyter) left out; numbered as in the
    ``submitted`` notebook (otter adds cells at the top of the one it runs), matched by cell id, else
    by source."""
    cells = [] if submitted is None else submitted.cells
    by_id = {cell.get("id"): number for number, cell in enumerate(cells, start=1) if cell.get("id")}
    by_source = {}
    for number, cell in enumerate(cells, start=1):
        by_source.setdefault(cell.source, number)
    found = []
    for position, cell in enumerate([] if notebook is None else notebook.cells, start=1):
        if cell.cell_type != "code" or re.search(r"\b(otter|grader)\.", cell.source):
            continue
        number = by_id.get(cell.get("id")) or by_source.get(cell.source) or position
        errors = [output for output in cell.get("outputs", []) if output.get("output_type") == "error"]
        if errors:
            names = sorted(set(re.findall(r"^(answer_\d\d_\d+)\s*=", cell.source, flags=re.M)))
            lines = str(errors[0].get("evalue", "")).strip().splitlines()
            found.append(
                RaisedCell(
                    number,
                    str(errors[0].get("ename", "Exception")),
                    lines[0] if lines else "",
                    f" ({', '.join(names)})" if names else "",
                    cell.source,
                )
            )
    return found


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def release_record(survey: Path | None, missing_answers: str = "refuse") -> dict[str, object]:
    """What a release grades against: the survey's file name (None: the kit's shipped data), its
    SHA-256 and the rule for blank answers."""
    from helpers import settings

    return {
        "survey_file": None if survey is None else survey.name,
        "sha256": sha256(Path(settings.SHIPPED_SURVEY_FILE) if survey is None else survey),
        "missing_answers": missing_answers,
    }


def read_release(out: Path) -> dict[str, object] | None:
    """results/assignments/release.json, written by ``release`` (None: no release made here yet)."""
    path = out / RELEASE_RECORD
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def released_survey(out: Path, survey: Path | None) -> Path | None:
    """The survey ``autograder`` builds with: the one the last release in ``out`` was made for (its copy
    in student/, checked against the recorded SHA-256), so that zips made without --data after a class
    release still hold the class survey; a different --data is refused (the students' notebooks
    analyse the released one)."""
    released = read_release(out)
    if released is None:
        return survey
    name = released["survey_file"]
    if survey is not None and sha256(survey) != released["sha256"]:
        was = "the kit's shipped data" if name is None else f"the class survey {name}"
        raise ValueError(
            f"the release in {out} was made for {was} (SHA-256 {released['sha256'][:12]}...), not for "
            f"{survey}; to grade against {survey.name}, release again with --data {survey} and give the "
            "students its notebooks"
        )
    if name is None:
        return None
    kept = out / "student" / name
    if not kept.is_file() or sha256(kept) != released["sha256"]:
        raise ValueError(
            f"{kept}, the survey the release was made for, is missing or changed since the release; "
            f"give it again with --data FILE (SHA-256 {released['sha256']})"
        )
    return survey if survey is not None else kept


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
    if command != "release":
        survey = released_survey(out, survey)
    made = build(results, survey, student=command == "release")
    if command == "release":
        record = json.dumps(release_record(survey), indent=2, sort_keys=True) + "\n"
        files.write_text(out / RELEASE_RECORD, record)
        print(f"wrote {out / RELEASE_RECORD}")
    for assigned in made:
        if command == "release":
            print(f"wrote {assigned.student_notebook}")
        print(f"wrote {assigned.autograder_zip}")
    return 0
