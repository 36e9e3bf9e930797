"""Loading a survey export, checking it against the instrument, and scoring the constructs.

``load_survey`` reads a CSV file (never writes it), checks every cell against the instrument and
either returns a typed table or raises one ``SurveyValidationError`` that lists every problem
with its row, column, offending value and what was expected. Nothing is dropped or repaired
silently. The table carries the file's identity (``SurveySource``: path, SHA-256, number of
firms, whether it is the kit's shipped synthetic file) in ``table.attrs["source"]``; the scores
made from it keep it, so tables and figures say which data they describe (``source_of``).
``score_constructs`` is separate: it recodes reverse-worded items and averages each construct's
items.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import instrument as ins
from helpers import settings

SOURCE = "source"  # the attrs key of a survey's identity

# How many problems the error message prints; ``SurveyValidationError.problems`` keeps all.
MESSAGE_PROBLEM_LIMIT = 40

# The fewest firms the lessons analyse. The path model needs more firms than its six construct
# scores for its covariance matrix to be invertible (7), but its chi-square test, standard errors
# and the bootstrap rest on large-sample theory and are not dependable with only a handful of
# firms per construct; 30 is the common floor for such a model (lesson 07 shows how power falls
# with N).
MIN_FIRMS = 30
FEWEST_FIRMS_WHY = (
    "the path model's chi-square test, standard errors and bootstrap rest on large-sample theory "
    "and are not dependable with fewer (mathematically it needs more firms than its 6 construct "
    "scores; lesson 07 shows how its power falls with fewer firms)"
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file. ``row`` counts data rows from 1 (the header is not a row)."""

    row: int | None
    column: str | None
    value: str | None
    expected: str

    def describe(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row} (file line {self.row + 1})")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        place = ", ".join(where) if where else "file"
        found = "" if self.value is None else f": found {self.value!r}"
        return f"{place}{found}; expected {self.expected}"


class SurveyValidationError(ValueError):
    """The survey file does not match the instrument. ``problems`` lists every issue found."""

    def __init__(self, path: Path, problems: list[Problem]):
        self.path = Path(path)
        self.problems = problems
        shown = problems[:MESSAGE_PROBLEM_LIMIT]
        lines = [f"{self.path.name}: {len(problems)} problem(s) found; nothing was loaded."]
        lines += [f"  - {problem.describe()}" for problem in shown]
        if len(problems) > len(shown):
            lines.append(
                f"  ... and {len(problems) - len(shown)} more (all of them: the error's "
                ".problems list, or .problem_table())"
            )
        if _looks_like_an_export(problems):
            lines.append(EXPORT_HINT)
        blanks = sum(MISSING in problem.expected for problem in problems)
        if blanks:
            lines.append(
                f"{blanks} of these are blank answers. To analyse only the firms that answered every "
                'question, set missing_answers = "listwise" in the parameter cell (or run kit.py '
                "replicate --missing-answers listwise); the lessons then say how many firms were left out."
            )
        super().__init__("\n".join(lines))

    def problem_table(self) -> pd.DataFrame:
        """Every problem as a table (row, column, value, expected)."""
        return pd.DataFrame([vars(p) for p in self.problems])


# A survey tool's own columns (Google Forms, Microsoft Forms, Qualtrics, LimeSurvey) and answers
# written as labels ("Agree") mean the file is an export that kit.py import converts.
EXPORT_COLUMNS = ("timestamp", "start time", "startdate", "responseid", "submitdate")
EXPORT_HINT = (
    "This looks like a survey tool's export (Google Forms, Microsoft Forms, Qualtrics, LimeSurvey): "
    "convert it first with `python3 kit.py import FILE`, which maps its questions to these columns "
    "and answer labels such as 'Agree' to their codes (helpers/survey_import.py)."
)


def _looks_like_an_export(problems: list[Problem]) -> bool:
    """A tool's own column, or answers written as labels making up most of the problems (a
    single "agree" typed into a coded file is a typing slip, not an export)."""
    labels = {label.casefold() for label in ins.LIKERT_SCALE.values()}
    if any((problem.column or "").strip().casefold() in EXPORT_COLUMNS for problem in problems):
        return True
    written_as_labels = sum((problem.value or "").strip().casefold() in labels for problem in problems)
    return written_as_labels >= 3 and 2 * written_as_labels > len(problems)


MISSING_ANSWER_RULES = ("refuse", "listwise")  # what the lessons and kit.py do with blank answers
# load_survey also keeps blank Likert answers as missing values ("keep"), for full-information ML
# (helpers.sem.fit_sem(..., missing="ml")), which uses every answer a firm gave.
LOAD_RULES = (*MISSING_ANSWER_RULES, "keep")
MISSING = "(missing answer)"  # in a problem's expected text: the cell was blank


@dataclass(frozen=True)
class DroppedFirm:
    """A firm left out by listwise deletion: its data row, its ID as written, its blank columns."""

    row: int
    firm_id: str
    blank_columns: tuple[str, ...]


@dataclass(frozen=True)
class SurveySource:
    """Which data a table describes: the file, its SHA-256, its firms (after any listwise
    deletion), whether it is the kit's own synthetic dataset (same content as
    ``data/sme_kerala_survey.csv``), and the firms left out for blank answers."""

    path: Path
    sha256: str
    n_firms: int
    shipped: bool
    missing_answers: str = "refuse"
    dropped: tuple[DroppedFirm, ...] = ()
    blank_answers: int = 0  # with missing_answers="keep": the blank Likert answers kept as missing

    def describe(self) -> str:
        """One sentence naming the data, for the top of a lesson (and one on dropped firms)."""
        if self.shipped:
            return (
                f"Data: the kit's synthetic dataset {self.path.parent.name}/{self.path.name} "
                f"({self.n_firms} firms), built to match the paper's published values."
            )
        return (
            f"Data: your survey file {self.path.name} ({self.n_firms} firms). Values the kit labels "
            "'reproduced' on its own data are labelled 'this survey' here: beside the paper's "
            "published values they describe your sample; they are not a replication check."
            + self.describe_dropped()
        )

    def describe_dropped(self) -> str:
        """What listwise deletion left out (or, with "keep", which blanks were kept), or ""."""
        if self.missing_answers == "keep":
            return (
                f" Blank answers are kept as missing values ({self.blank_answers} blank Likert answer(s)); "
                "a construct score is missing where any of its items is blank."
            )
        if self.missing_answers != "listwise":
            return ""
        if not self.dropped:
            return " No firm had a blank answer, so listwise deletion left out none."
        rows = ", ".join(str(firm.row) for firm in self.dropped[:10])
        rows += " ..." if len(self.dropped) > 10 else ""
        blanks = sum(len(firm.blank_columns) for firm in self.dropped)
        return (
            f" {len(self.dropped)} firm(s) with blank answers were left out (listwise deletion: a firm "
            f"is analysed only if it answered every question; {blanks} blank cell(s) in all, data "
            f"rows {rows}). Every result here describes the {self.n_firms} firms that remain, unless a step "
            "says otherwise."
        )


@cache
def _shipped_sha256() -> str:
    return hashlib.sha256(settings.SHIPPED_SURVEY_FILE.read_bytes()).hexdigest()


def source_of(table: pd.DataFrame) -> SurveySource:
    """The identity of the survey a table was loaded or computed from."""
    source = table.attrs.get(SOURCE)
    if not isinstance(source, SurveySource):
        raise ValueError(
            "this table does not say which survey it comes from; load the survey with "
            "helpers.survey.load_survey (and score it with score_constructs)"
        )
    return source


def load_survey(path: str | Path | None = None, missing_answers: str = "refuse") -> pd.DataFrame:
    """Read a survey export and check it against the instrument (``None``: the shipped file).

    Returns one row per firm (indexed by ``firm_id``): firm characteristics as ordered
    categories, platform use as True/False, Likert answers as integers 1-5 exactly as given
    (reverse-worded items are *not* recoded here; see ``score_constructs``). The table's
    ``attrs["source"]`` is its ``SurveySource``.

    ``missing_answers``: ``"refuse"`` (the default) lists every blank cell as a problem;
    ``"listwise"`` leaves out each firm with a blank cell (listwise deletion) and records which
    in ``SurveySource.dropped``; ``"keep"`` keeps every firm, its blank Likert answers as missing
    values (NaN; the item columns are then floats), for full-information ML (blank firm
    characteristics or platforms are still refused). Every other problem is refused either way.
    """
    if missing_answers not in LOAD_RULES:
        expected = " or ".join(repr(rule) for rule in LOAD_RULES)
        raise ValueError(f"missing_answers = {missing_answers!r}: expected {expected}")
    path = Path(settings.SHIPPED_SURVEY_FILE if path is None else path).resolve()
    data = _read_bytes(path)
    text = _decoded(path, data)
    raw = _parse_csv(path, text)
    problems = _column_problems(raw)
    if problems:
        raise SurveyValidationError(path, problems)
    dropped = _blank_firms(raw) if missing_answers == "listwise" else []
    raw = raw.drop(index=[firm.row - 1 for firm in dropped])  # rows keep their numbers in messages
    if raw.empty:
        no_firm = "at least one firm that answered every question; every row has a blank answer"
        raise SurveyValidationError(path, [Problem(None, None, None, no_firm)])
    problems = _cell_problems(raw, keep_blank_items=missing_answers == "keep")
    if problems:
        order = {column: k for k, column in enumerate(ins.survey_columns())}
        problems.sort(key=lambda p: (p.row or 0, order.get(p.column, -1)))
        raise SurveyValidationError(path, problems)
    survey = _typed(raw)
    problems = analysis_problems(survey, dropped=len(dropped))
    if problems:
        raise SurveyValidationError(path, problems)
    digest = hashlib.sha256(data).hexdigest()  # of the very bytes that were checked
    shipped = digest == _shipped_sha256()
    blanks = int(survey[ins.item_columns()].isna().to_numpy().sum())
    source = SurveySource(path, digest, len(survey), shipped, missing_answers, tuple(dropped), blanks)
    survey.attrs[SOURCE] = source
    return survey


def _blank_firms(raw: pd.DataFrame) -> list[DroppedFirm]:
    """The rows with at least one blank cell, for listwise deletion."""
    blank = raw.apply(lambda column: column.str.strip() == "")
    dropped = []
    for position in raw.index[blank.any(axis=1)]:
        columns = tuple(raw.columns[blank.loc[position]])
        dropped.append(DroppedFirm(position + 1, raw.at[position, ins.FIRM_ID].strip(), columns))
    return dropped


def analysis_problems(survey: pd.DataFrame, dropped: int = 0) -> list[Problem]:
    """What makes a well-formed survey impossible to analyse, each naming the item or construct:
    too few firms (``dropped``: how many listwise deletion left out), an item every firm
    answered alike, construct scores that are an exact combination of one another (their
    covariance matrix is singular)."""
    if len(survey) < MIN_FIRMS:
        expected = f"at least {MIN_FIRMS} firms: {FEWEST_FIRMS_WHY}"
        after = f" (after leaving out {dropped} with blank answers)" if dropped else ""
        return [Problem(None, None, f"{len(survey)} firms{after}", expected)]
    problems = []
    for column in ins.item_columns():
        answers = survey[column].dropna().unique()
        if len(answers) == 1:
            problems.append(
                Problem(
                    None,
                    column,
                    f"every firm answered {answers[0]}",
                    "answers that differ between firms: an item everyone answers alike carries no "
                    "information, and its construct's reliability and correlations cannot be computed",
                )
            )
    if problems:
        return problems
    scores = score_constructs(survey)
    eigenvalues, eigenvectors = np.linalg.eigh(scores.cov().to_numpy())  # pairwise with blanks kept
    if eigenvalues[0] <= 1e-10 * eigenvalues[-1]:
        involved = [key for key, weight in zip(scores.columns, eigenvectors[:, 0]) if abs(weight) > 0.1]
        problems.append(
            Problem(
                None,
                None,
                "construct scores " + ", ".join(involved),
                "construct scores that are not an exact combination of one another: these are, so "
                "their covariance matrix is singular and the path model cannot be fitted; check "
                "whether columns were copied or computed from each other",
            )
        )
    return problems


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SurveyValidationError(path, [Problem(None, None, str(path), "an existing CSV file")]) from None
    except OSError as error:  # a folder, no permission, ...: one problem, not a traceback
        reason = error.strerror or str(error)
        problem = Problem(None, None, str(path), f"a readable CSV file ({reason})")
        raise SurveyValidationError(path, [problem]) from None


def _decoded(path: Path, data: bytes) -> str:
    if not data.strip():
        raise SurveyValidationError(
            path, [Problem(None, None, None, "a header line and one row per firm; the file is empty")]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SurveyValidationError(
            path,
            [
                Problem(
                    line - 1 if line > 1 else None,
                    None,
                    repr(data[error.start : error.start + 4]),
                    f"text encoded as UTF-8 (undecodable byte at file line {line}); "
                    "save the file as 'CSV UTF-8'",
                )
            ],
        ) from None


def _parse_csv(path: Path, text: str) -> pd.DataFrame:
    """The file's cells as text, one column per header name; every row must have one field per
    column (Python's csv module reads it, so no value is converted before it is checked)."""
    header_line = text.splitlines()[0]
    header = next(csv.reader([header_line]), [])
    if len(header) == 1:
        for name, delimiter in (("semicolon", ";"), ("tab", "\t"), ("pipe", "|")):
            if delimiter in header_line:
                raise SurveyValidationError(
                    path,
                    [
                        Problem(
                            None,
                            None,
                            header_line[:60],
                            f"comma-separated columns; the header is separated by {name}s "
                            f"({delimiter!r}); export the file as comma-separated CSV",
                        )
                    ],
                )
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:  # e.g. a quote left open at the end of the file
        raise SurveyValidationError(
            path, [Problem(None, None, None, f"a well-formed CSV file (the CSV reader stopped: {error})")]
        ) from None
    lines = [line for line in lines if any(field.strip() for field in line)]
    if not lines:
        raise SurveyValidationError(
            path, [Problem(None, None, None, "a header line and one row per firm; the file holds no values")]
        )
    header, *rows = lines
    header = [name.strip() for name in header]
    if not rows:
        raise SurveyValidationError(
            path, [Problem(None, None, None, "at least one data row after the header; found none")]
        )
    ragged = [
        Problem(row, None, f"{len(fields)} fields", f"{len(header)} fields, one per column of the header")
        for row, fields in enumerate(rows, start=1)
        if len(fields) != len(header)
    ]
    if ragged:
        raise SurveyValidationError(path, ragged)
    return pd.DataFrame(rows, columns=_unique_names(header), dtype=object)


def _unique_names(header: list[str]) -> list[str]:
    """Header names, a repeated one marked ``name.1``, ``name.2`` (as pandas marks them) and an
    empty one ``Unnamed: k``, so that each gets its own problem."""
    seen: dict[str, int] = {}
    names = []
    for position, name in enumerate(header):
        if not name:
            names.append(f"Unnamed: {position}")
            continue
        count = seen.get(name, 0)
        names.append(name if count == 0 else f"{name}.{count}")
        seen[name] = count + 1
    return names


def _column_problems(raw: pd.DataFrame) -> list[Problem]:
    expected = ins.survey_columns()
    found = list(raw.columns)
    problems = []
    for column in found:
        if str(column).startswith("Unnamed:"):
            problems.append(Problem(None, str(column), "", "every column to have a header name"))
        elif column not in expected:
            problems.append(
                Problem(None, column, None, "only the instrument's columns (see data/codebook.csv)")
            )
    # pandas renames a repeated header 'x' to 'x.1'
    for column in found:
        base, _, suffix = str(column).rpartition(".")
        if suffix.isdigit() and base in expected:
            problems[:] = [p for p in problems if p.column != column]
            problems.append(Problem(None, base, None, "each column to appear once"))
    for column in expected:
        if column not in found:
            problems.append(Problem(None, column, None, "this column to be present (it is missing)"))
    return problems


def _cell_problems(raw: pd.DataFrame, keep_blank_items: bool = False) -> list[Problem]:
    problems: list[Problem] = []
    rows = [position + 1 for position in raw.index]  # data rows as numbered in the file
    cells = {column: raw[column].str.strip() for column in raw.columns}

    seen: dict[int, int] = {}
    for row, value in zip(rows, cells[ins.FIRM_ID]):
        if value == "":
            problems.append(Problem(row, ins.FIRM_ID, value, f"a firm ID {MISSING}"))
        elif not (value.isascii() and value.isdigit()) or int(value) == 0:
            problems.append(Problem(row, ins.FIRM_ID, value, "a positive whole number"))
        elif int(value) in seen:
            problems.append(
                Problem(row, ins.FIRM_ID, value, f"a unique firm ID (row {seen[int(value)]} has it too)")
            )
        else:
            seen[int(value)] = row

    for characteristic in ins.CHARACTERISTICS:
        allowed = characteristic.categories
        for row, value in zip(rows, cells[characteristic.column]):
            if value not in allowed:
                what = f"an answer {MISSING}: " if value == "" else ""
                problems.append(
                    Problem(row, characteristic.column, value, what + "one of " + " | ".join(allowed))
                )

    for column in ins.platform_columns():
        for row, value in zip(rows, cells[column]):
            if value not in (ins.YES, ins.NO):
                what = f"an answer {MISSING}: " if value == "" else ""
                problems.append(Problem(row, column, value, f"{what}{ins.YES} or {ins.NO}"))

    scale = f"a whole number from {ins.LIKERT_MIN} to {ins.LIKERT_MAX}"
    for column in ins.item_columns():
        for row, value in zip(rows, cells[column]):
            if value == "" and not keep_blank_items:
                problems.append(Problem(row, column, value, f"an answer {MISSING}: {scale}"))
            elif value == "":
                continue
            elif _likert_answer(value) is None:
                problems.append(Problem(row, column, value, f"{scale} ({_why_not_an_answer(value)})"))
    return problems


WHOLE_NUMBER = re.compile(r"[0-9]+(?:\.0*)?")  # 3, 3.0, 3.00 (ASCII digits: what survey tools write)


def _likert_answer(value: str) -> int | None:
    """The answer a cell holds, or None if it is not a whole number on the answer scale."""
    if WHOLE_NUMBER.fullmatch(value) is None:
        return None
    number = int(value.split(".")[0])
    return number if ins.LIKERT_MIN <= number <= ins.LIKERT_MAX else None


def _why_not_an_answer(value: str) -> str:
    """Why a non-empty cell is not an answer, in the user's terms."""
    if WHOLE_NUMBER.fullmatch(value):
        return "outside the answer scale"
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return "this is text, not a number"
    if not math.isfinite(number) or not value.isascii():
        return "this is text, not a number"
    return "not a whole number" if number != math.floor(number) else "outside the answer scale"


def _typed(raw: pd.DataFrame) -> pd.DataFrame:
    survey = pd.DataFrame(index=pd.Index(raw[ins.FIRM_ID].str.strip().astype("int64"), name=ins.FIRM_ID))
    for characteristic in ins.CHARACTERISTICS:
        survey[characteristic.column] = pd.Categorical(
            raw[characteristic.column].str.strip().to_numpy(),
            categories=list(characteristic.categories),
            ordered=True,
        )
    for column in ins.platform_columns():
        survey[column] = (raw[column].str.strip() == ins.YES).to_numpy()
    for column in ins.item_columns():
        answers = [_likert_answer(value) for value in raw[column].str.strip()]
        blank = any(answer is None for answer in answers)  # only with missing_answers="keep"
        survey[column] = np.array(
            [np.nan if a is None else a for a in answers], dtype=float if blank else "int64"
        )
    return survey


def recode_reverse_items(survey: pd.DataFrame) -> pd.DataFrame:
    """A copy of the Likert answers with reverse-worded items recoded (1<->5, 2<->4)."""
    answers = survey[ins.item_columns()].copy()
    for column in ins.reverse_item_columns():
        answers[column] = (ins.LIKERT_MIN + ins.LIKERT_MAX) - answers[column]
    return answers


def score_constructs(survey: pd.DataFrame) -> pd.DataFrame:
    """Construct scores: the mean of each construct's items after recoding reverse items.

    One column per construct key (``partnership_collaboration``, ``international_trade``, ...),
    one row per firm; the scores lie on the 1-5 answer scale. A score is missing (NaN) where any
    of its items is blank (``load_survey(..., missing_answers="keep")``): averaging the answers
    a firm gave would silently impute the rest.
    """
    scores = scores_of_recoded_items(recode_reverse_items(survey))
    scores.attrs.update(survey.attrs)
    return scores


def scores_of_recoded_items(answers: pd.DataFrame) -> pd.DataFrame:
    """Each construct's mean item, by construct key, from answers already recoded; missing where
    any of its items is blank (the one place the scoring rule is written)."""
    return pd.DataFrame(
        {c.key: answers[c.item_columns].mean(axis=1, skipna=False) for c in ins.CONSTRUCTS},
        index=answers.index,
    )
