"""The lessons' exercises: answer checks, and the student notebooks generated from the solutions.

The solution notebooks ``notebooks/solutions/NN_<lesson>_solutions.ipynb`` are the single source
of every lesson's exercises. Their cells carry tags:

- ``exercise``: a prompt, headed ``### Exercise 02.1 · Interpret`` (id, then the kind of task);
- ``solution``: the worked solution (code or text), left out of the student version;
- ``check``: ``exercises.check("02.1", answer)``, kept for the students.

``check`` compares an answer with the value computed from the survey the kit analyses
(``settings.survey_file()``), so it also works on an instructor's own data. Two commands keep
the generated files in step with the solutions::

    python -m helpers.exercises build              write notebooks/exercises/ and the lessons'
                                                   "## Exercises" sections
    python -m helpers.exercises check-generated    exit 1 if any of them is out of date

Student versions are generated, never edited by hand.
"""

from __future__ import annotations

import argparse
import copy
import math
import numbers
import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from helpers import settings

if TYPE_CHECKING:
    from nbformat import NotebookNode

NOTEBOOKS_DIR = settings.REPO_ROOT / "notebooks"
SOLUTIONS_DIR = NOTEBOOKS_DIR / "solutions"
EXERCISES_DIR = NOTEBOOKS_DIR / "exercises"

EXERCISE_TAG, SOLUTION_TAG, CHECK_TAG = "exercise", "solution", "check"
PARAMETERS_TAG = "parameters"  # the survey_file cell, kept as plain assignments (papermill's convention)
HEADING = re.compile(r"^###\s+Exercise\s+(?P<id>\d\d\.\d+)\s*·\s*(?P<kind>[^\n]+?)\s*$", re.MULTILINE)
SECTION_TITLE = "## Exercises"
WRAP_WIDTH = 96

NUMBER, WHOLE_NUMBER, NAME = "a number", "a whole number", "a name"

# ---------------------------------------------------------------------------------------------
# Checking answers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """How one exercise is checked.

    ``expected`` computes the right answer from the data (a number, or for ``NAME`` the set of
    accepted names); ``tolerance`` is absolute, or a fraction of the expected value when
    ``relative``; ``hint`` helps without giving the value away.
    """

    expected: Callable[[], float | set[str]]
    hint: str
    kind: str = NUMBER
    tolerance: float = 0.0
    relative: bool = False


def check(exercise_id: str, answer) -> bool:
    """Say whether ``answer`` to exercise ``exercise_id`` (e.g. ``"02.3"``) is right.

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
    value, problem = _as_kind(answer, entry.kind)
    if problem:
        print(f"✗ Not yet. {problem}")
        return False
    expected = entry.expected()
    if _matches(value, expected, entry):
        print("✓ Right.")
        return True
    print(f"✗ Not yet. Hint: {entry.hint}{_direction(value, expected, entry)}")
    return False


def _as_kind(answer, kind: str) -> tuple[object, str]:
    """The answer as a plain number or text, or a message saying why it cannot be checked."""
    answer = _single_value(answer)
    if isinstance(answer, _Several):
        return None, (
            f"This exercise expects {kind}, but your answer holds {answer.size} values; "
            "pick the one the exercise asks for (e.g. with .loc[...])."
        )
    if kind == NAME:
        if isinstance(answer, str) and answer.strip():
            return answer, ""
        return None, (
            f"This exercise expects a name (text in quotes), but your answer is {_describe(answer)}."
        )
    if isinstance(answer, str):
        return None, (
            f"This exercise expects {kind}, but your answer is text ({answer!r}). "
            "Give the number itself, without quotes."
        )
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return None, f"This exercise expects {kind}, but your answer is {_describe(answer)}."
    value = float(answer)
    if math.isnan(value):
        return None, "Your answer is NaN (not a number): check the calculation that produced it."
    if kind == WHOLE_NUMBER and not value.is_integer():
        return None, "This exercise expects a whole number (a count), but your answer has decimals."
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
    if entry.kind == NAME:
        return _normalised(value) in {_normalised(name) for name in expected}
    allowed = entry.tolerance * abs(expected) if entry.relative else entry.tolerance
    return abs(value - expected) <= allowed + 1e-12


def _normalised(name: str) -> str:
    """Lower case, letters and digits only: 'Global Logistics' == 'global_logistics'."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _direction(value, expected, entry: Answer) -> str:
    """For numbers, whether the answer is too high or too low (not by how much)."""
    if entry.kind == NAME:
        return ""
    return " (Your number is too high.)" if value > expected else " (Your number is too low.)"


# --- The data the expected answers are computed from -----------------------------------------


@lru_cache(maxsize=2)
def _load(path: str, modified: float):
    from helpers.survey import load_survey

    return load_survey(path)


def _survey():
    """The survey the kit analyses (``settings.survey_file()``), read once per file version."""
    path = settings.survey_file()
    return _load(str(path), path.stat().st_mtime)


def _scores():
    from helpers.survey import score_constructs

    return score_constructs(_survey())


def _closed_form(direct_paths: bool = False):
    from helpers import model

    scores = _scores()
    return model.closed_form_fit(model.ml_covariance(scores), len(scores), direct_paths=direct_paths)


# --- Expected answers, one small function per checked exercise ---------------------------------


def _lowest_mean_construct() -> set[str]:
    from helpers import instrument

    construct = instrument.construct(_scores().mean().idxmin())
    return {construct.key, construct.abbreviation, construct.label, construct.label.split(" (")[0]}


def _pcdp_mean_without_recoding() -> float:
    from helpers import instrument

    items = instrument.construct("partnership_collaboration").item_columns
    return float(_survey()[items].mean(axis=1).mean())


def _least_informative_platform() -> set[str]:
    from helpers import instrument

    survey = _survey()
    shares = {p: survey[p.column].mean() for p in instrument.PLATFORMS}
    platform = min(shares, key=lambda p: shares[p] * (1 - shares[p]))  # the smallest variance
    return {platform.column, platform.label}


def _percent_five_or_more_platforms() -> float:
    from helpers import instrument

    used = _survey()[instrument.platform_columns()].sum(axis=1)
    return float(100 * (used >= 5).mean())


def _oe_alpha_without_recoding() -> float:
    from helpers import instrument

    items = _survey()[instrument.construct("operational_efficiency").item_columns]
    k = items.shape[1]
    return float(k / (k - 1) * (1 - items.var().sum() / items.sum(axis=1).var()))


def _b_gl_to_oe() -> float:
    return float(_closed_form().path("global_logistics", "operational_efficiency", standardized=False))


def _moments() -> int:
    """Variances and covariances the model explains (PCDP's variance is fixed: fixed.x)."""
    from helpers import model

    return model.moments(len(model.VARIABLES), len(model.EXOGENOUS))


def _df_with_direct_paths() -> int:
    from helpers import model

    return _moments() - model.free_parameters(direct_paths=True)["total"]


def _df_with_mediator_covariance() -> int:
    from helpers import model

    return _moments() - (model.free_parameters()["total"] + 1)  # one more residual covariance


def _bc_lower_pcdp_it_ia() -> float:
    from helpers import resampling

    boot = resampling.bootstrap_paths(_scores(), n_resamples=5000, seed=settings.SEED, progress=False)
    return float(boot.summary().loc[("indirect", "PCDP → IT → IA", "β"), "bc_lower"])


def _total_effect_pcdp_mr() -> float:
    """Standardized total effect (direct + indirect) of PCDP on market reach, direct paths freed."""
    import numpy as np

    fit = _closed_form(direct_paths=True)
    eye = np.eye(len(fit.variables))
    total = np.linalg.inv(eye - fit.standardized()) - eye
    return float(total[fit.variables.index("market_reach"), fit.variables.index("partnership_collaboration")])


def _chi_square_drop_largest_mi() -> float:
    from helpers import model, path_model, resampling

    scores = _scores()
    top = resampling.modification_indices(scores).iloc[0]
    freed = path_model.fit_sem(f"{model.model_syntax()}\n{top['lhs']} {top['op']} {top['rhs']}", scores)
    return float(path_model.fit_path_model(scores).chisq - freed.chisq)


def _flagged_with_df_4() -> int:
    import dataclasses

    from helpers import audit

    values = audit.published_values()
    values["df"] = dataclasses.replace(values["df"], value=4)
    return int((audit.audit(values)["verdict"] != "consistent").sum())


def _loglik_from_aic_k10() -> float:
    from helpers import published

    aic = published.table3().set_index("measure").loc["aic", "value"]
    return -(float(aic) - 2 * 10) / 2


def _power_it_ia() -> float:
    from helpers import power

    return float(power.analytic_power(power.population_covariance("published"), n=power.STUDY_N)["H2b"])


def _n_for_90_percent_gl_ia() -> float:
    from helpers import power

    return power.analytic_n("global_logistics", "innovation_agility", power=0.90)


REGISTRY: dict[str, Answer] = {
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
}

# ---------------------------------------------------------------------------------------------
# Generating the student versions and the lessons' exercise sections
# ---------------------------------------------------------------------------------------------

GENERATED_NOTE = (
    "*How to work through this notebook:* write your solution in the empty cell under each "
    "exercise. Where a cell with `exercises.check(...)` follows, put your result in `answer` and "
    "run that cell. (This notebook is generated from `notebooks/solutions/{name}` by "
    "`python -m helpers.exercises build`; edit that file, not this one.)"
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
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.exercises", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["build", "check-generated"])
    command = parser.parse_args(argv).command
    root = settings.REPO_ROOT
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
        print("run: python -m helpers.exercises build")
        return 1
    print("the student notebooks and the lessons' exercise sections are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
