"""The student exercise notebooks and the lessons' "## Exercises" sections, made from the solutions
(a maintainer's tool: students and lessons never import it).

The solution notebooks ``notebooks/solutions/NN_<lesson>_solutions.ipynb`` are the single source
of every lesson's exercises. Their cells carry tags:

- ``exercise``: a prompt, headed ``### Exercise 02.1 · Interpret`` (id, then the kind of task);
- ``solution``: the worked solution (code or text), left out of the student version;
- ``check``: ``lesson.check("02.1", answer)``, kept for the students.

Two commands keep the generated files in step with the solutions::

    python3 kit.py exercises                          write notebooks/exercises/ and the lessons'
                                                      "## Exercises" sections
    python -m tools.exercise_notebooks check-generated    exit 1 if any of them is out of date

Student versions are generated, never edited by hand.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from helpers import files

if TYPE_CHECKING:
    from nbformat import NotebookNode

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
SOLUTIONS_DIR = NOTEBOOKS_DIR / "solutions"
EXERCISES_DIR = NOTEBOOKS_DIR / "exercises"

EXERCISE_TAG, SOLUTION_TAG, CHECK_TAG = "exercise", "solution", "check"
PARAMETERS_TAG = "parameters"  # the survey_file cell, kept as plain assignments (papermill's convention)
HEADING = re.compile(r"^###\s+Exercise\s+(?P<id>\d\d\.\d+)\s*·\s*(?P<kind>[^\n]+?)\s*$", re.MULTILINE)
SECTION_TITLE = "## Exercises"
WRAP_WIDTH = 96

GENERATED_NOTE = (
    "*How to work through this notebook:* write your solution in the empty cell under each "
    "exercise. Where a cell with `lesson.check(...)` follows, put your result in `answer` and "
    "run that cell. (This notebook is generated from `notebooks/solutions/{name}` by "
    "`python3 kit.py exercises`; edit that file, not this one.)"
)
# the setup cell imports what the answers need; without the answers ruff would call them unused
IMPORTS_NOTE = "# ruff: noqa: F401 (some of these imports are for your answers)"
CODE_PLACEHOLDER = "# your answer here"
CHECKED_CODE_PLACEHOLDER = "# your answer here\nanswer = ..."
TEXT_PLACEHOLDER = "*Your answer here.*"


@dataclass(frozen=True)
class Prompt:
    """One exercise as the solution notebook states it."""

    exercise_id: str
    kind: str
    text: str


def solution_paths() -> list[Path]:
    """The solution notebooks, in lesson order."""
    return sorted(SOLUTIONS_DIR.glob("[0-9][0-9]_*_solutions.ipynb"))


def lesson_name(solution_path: Path) -> str:
    """'02_descriptives' for notebooks/solutions/02_descriptives_solutions.ipynb."""
    return solution_path.name.removesuffix("_solutions.ipynb")


def exercises_path(solution_path: Path) -> Path:
    return EXERCISES_DIR / f"{lesson_name(solution_path)}_exercises.ipynb"


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _read(notebook) -> NotebookNode:
    import nbformat  # here, not at the top: it costs ~2 s to import and check() never needs it

    if isinstance(notebook, str | Path):
        return nbformat.read(notebook, as_version=4)
    return notebook


def prompts(solution_notebook) -> list[Prompt]:
    """The exercise prompts of a solution notebook (cells tagged ``exercise``), in order."""
    found = []
    for cell in _read(solution_notebook).cells:
        if EXERCISE_TAG not in _tags(cell):
            continue
        heading = HEADING.search(cell.source)
        if heading is None:
            raise ValueError(f"an exercise cell has no '### Exercise NN.k · Kind' heading:\n{cell.source}")
        text = cell.source[heading.end() :].strip()
        found.append(Prompt(heading["id"], heading["kind"], text))
    return found


def check_ids(solution_notebook) -> list[str]:
    """The exercise ids used by the ``check`` cells of a notebook."""
    cells = [c for c in _read(solution_notebook).cells if CHECK_TAG in _tags(c)]
    return [m for c in cells for m in re.findall(r"check\(\s*['\"]([^'\"]+)['\"]", c.source)]


def student_version(solution_notebook) -> NotebookNode:
    """The exercises notebook for students, made from a solution notebook (or its path).

    Every run of ``solution`` cells after an exercise becomes one empty code cell (if the run
    had code) and/or one "Your answer" text cell (if it had text); solution cells before the
    first exercise (notes for instructors) are dropped. Everything else is kept, with outputs
    and execution counts cleared, a note on how to work follows the title cell,
    and the setup cell tells ruff that its imports are for the answers still to be written.
    """
    path = Path(solution_notebook) if isinstance(solution_notebook, str | Path) else None
    from nbformat.v4 import new_notebook

    source = _read(solution_notebook)
    student = new_notebook()
    student.metadata = {
        "kernelspec": copy.deepcopy(source.metadata.get("kernelspec", {})),
        "language_info": {"name": "python", "pygments_lexer": "ipython3"},
    }
    cells = _without_solutions(source.cells)
    student.cells = _with_notes(cells, path.name if path else "the solutions notebook")
    return student


def _without_solutions(cells: list) -> list:
    """Runs of solution cells replaced by placeholders; the other cells kept, outputs cleared."""
    kept, run, seen_exercise = [], [], False
    for cell in cells:
        if SOLUTION_TAG in _tags(cell):
            run.append(cell)
            continue
        if run and seen_exercise:  # solution cells before the first exercise leave no gap
            kept += _placeholders(run, checked=CHECK_TAG in _tags(cell))
        run = []
        seen_exercise = seen_exercise or EXERCISE_TAG in _tags(cell)
        kept.append(_cleared(cell))
    if run and seen_exercise:
        kept += _placeholders(run, checked=False)
    return kept


def _with_notes(cells: list, solution_name: str) -> list:
    """The how-to-work note after the title cell, the ruff note atop the setup cell."""
    from nbformat.v4 import new_markdown_cell

    code = (cell for cell in cells if cell.cell_type == "code" and PARAMETERS_TAG not in _tags(cell))
    setup = next(code, None)
    if setup is not None:
        setup.source = f"{IMPORTS_NOTE}\n{setup.source}"
    note = new_markdown_cell(GENERATED_NOTE.format(name=solution_name))
    note["id"] = "how-to-work"
    return [*cells[:1], note, *cells[1:]]


def _placeholders(run: list, checked: bool) -> list:
    """What replaces a run of solution cells: an empty code cell and/or a text cell."""
    from nbformat.v4 import new_code_cell, new_markdown_cell

    made = []
    if any(c.cell_type == "code" for c in run):
        cell = new_code_cell(CHECKED_CODE_PLACEHOLDER if checked else CODE_PLACEHOLDER)
        cell["id"] = f"{run[0]['id']}-answer"[:64]
        made.append(cell)
    if any(c.cell_type == "markdown" for c in run):
        cell = new_markdown_cell(TEXT_PLACEHOLDER)
        cell["id"] = f"{run[0]['id']}-words"[:64]
        made.append(cell)
    return made


def _cleared(cell) -> NotebookNode:
    """A copy without outputs, execution counts or run metadata (timings); tags are kept."""
    cell = copy.deepcopy(cell)
    cell.metadata = {"tags": _tags(cell)} if _tags(cell) else {}
    if cell.cell_type == "code":
        cell.outputs = []
        cell.execution_count = None
    return cell


def exercises_section(solution_notebook, lesson: str) -> str:
    """The "## Exercises" section of a lesson, made from the solution notebook's prompts."""
    lines = [SECTION_TITLE, ""]
    for number, prompt in enumerate(prompts(solution_notebook), start=1):
        paragraphs = [" ".join(p.split()) for p in prompt.text.split("\n\n")]
        lines += _wrapped(f"{number}. *{prompt.kind}.* {paragraphs[0]}", indent="   ")
        for paragraph in paragraphs[1:]:
            lines += ["", *_wrapped(f"   {paragraph}", indent="   ")]
    exercises = f"exercises/{lesson}_exercises.ipynb"
    solutions = f"solutions/{lesson}_solutions.ipynb"
    pointer = (
        f"Work on them in [`{exercises}`]({exercises}), which checks your numeric answers; "
        f"worked solutions are in [`{solutions}`]({solutions})."
    )
    return "\n".join([*lines, "", *_wrapped(pointer)])


def _wrapped(text: str, indent: str = "") -> list[str]:
    """Markdown text wrapped at the lessons' width, never inside a `code span` or a link."""
    glued = re.sub(r"`[^`]*`", lambda span: span.group().replace(" ", "\0"), text)
    lines = textwrap.wrap(
        glued, width=WRAP_WIDTH, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )
    return [line.replace("\0", " ") for line in lines]


def with_exercises_section(lesson_notebook: NotebookNode, section: str) -> NotebookNode:
    """A copy of a lesson whose "## Exercises" section (up to the next "## " heading or the
    end of its cell) is replaced by ``section``; no other cell or text changes."""
    lesson = copy.deepcopy(lesson_notebook)
    for cell in lesson.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.split("\n")
        if SECTION_TITLE not in (line.rstrip() for line in lines):
            continue
        start = [line.rstrip() for line in lines].index(SECTION_TITLE)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        tail = ["", *lines[end:]] if end < len(lines) else []
        cell.source = "\n".join([*lines[:start], *section.split("\n"), *tail])
        return lesson
    raise ValueError(f"the lesson has no markdown cell with a '{SECTION_TITLE}' heading")


def generated_files() -> dict[Path, str]:
    """Every file the build writes, with the text it should hold."""
    files = {}
    for solution in solution_paths():
        files[exercises_path(solution)] = _text(student_version(solution))
        lesson_path = NOTEBOOKS_DIR / f"{lesson_name(solution)}.ipynb"
        lesson = with_exercises_section(
            _read(lesson_path), exercises_section(solution, lesson_name(solution))
        )
        files[lesson_path] = _text(lesson)
    return files


def _text(notebook: NotebookNode) -> str:
    import nbformat

    return nbformat.writes(notebook) + "\n"  # exactly what nbformat.write puts in a file


def stale_files() -> list[Path]:
    """Generated files whose content on disk differs from what the build would write."""
    return [
        path
        for path, text in generated_files().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


def build() -> list[Path]:
    """Write the out-of-date generated files; returns the paths written."""
    written = []
    for path, text in generated_files().items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        files.write_text(path, text)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.exercise_notebooks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("command", choices=["build", "check-generated"])
    command = parser.parse_args(argv).command
    root = REPO_ROOT
    if command == "build":
        written = build()
        for path in written:
            print(f"wrote {path.relative_to(root)}")
        print(f"{len(written)} file(s) written; the rest were up to date")
        return 0
    stale = stale_files()
    for path in stale:
        print(f"out of date: {path.relative_to(root)}")
    if stale:
        print("run: python3 kit.py exercises")
        return 1
    print("the student notebooks and the lessons' exercise sections are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
