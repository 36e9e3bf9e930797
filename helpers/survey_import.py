"""Turning a survey tool's export into the kit's survey file.

An instructor who ran the questionnaire online downloads the answers from the survey tool and
converts the download once:

    python3 kit.py import responses.csv                  -> results/surveys/responses.csv
    python3 kit.py import responses.xlsx --to my_class.csv

``import_export`` reads the export (a CSV file in UTF-8, or the first sheet of an ``.xlsx``
workbook), recognises which tool made it, and writes the kit's survey file: the CSV that
``helpers.survey.load_survey`` checks, with the columns of ``data/codebook.csv``. It

1. drops the tool's own columns (time stamps, e-mail, names, response IDs, ...) by name, and
   lists each one it dropped;
2. maps every other column to a question of the instrument: the question's text as in the
   codebook (case and runs of whitespace aside), the statement of a grid or matrix row (Google
   Forms ``Title [statement]``, LimeSurvey ``Question [subquestion]``, Qualtrics ``Title -
   statement``), or the variable's name (``pcdp_1``) or code (``pcdp1``: the name without
   underscores, as LimeSurvey allows only letters and digits in a question code);
3. maps every answer label to the kit's value with the instrument's own labels
   (``helpers.instrument``: the 1-5 agreement labels, or the code 1-5 itself; the Table 1
   categories, or their wording on the printed questionnaire; Yes/No for each platform), case
   and runs of whitespace aside, otherwise exactly;
   a checkbox question ``instrument.PLATFORMS_CHECKBOX_QUESTION`` exported as one column of the
   ticked platforms (separated by ";" or ",") becomes the nine ``uses_*`` columns;
4. never guesses: a column it cannot map, a question missing from the export, an answer it
   cannot map (row, column, value, the labels expected) are all listed in one
   ``ExportImportError``, and nothing is written;
5. writes the survey file atomically (``helpers.files``), never over the export and never over an
   existing file unless told to (``force``), and runs ``load_survey`` on it before it takes the
   file's place, so a file that exists has passed the kit's own checks.

Firm IDs: a column for ``firm_id`` is used if the export has one; otherwise the firms are
numbered 1, 2, ... in the export's row order, and the report says so.

The layouts recognised are modelled on the tools' documented export formats (sources in the
comments below); the kit has not been run against live accounts of these tools, and the tools
change their downloads from time to time. A layout it does not recognise is refused with what it
looked for.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from helpers import files, settings
from helpers import instrument as ins
from helpers import survey as survey_loading

# How many problems the error message prints; ``ExportImportError.problems`` keeps all of them.
MESSAGE_PROBLEM_LIMIT = 40

MISSING_ANSWER_RULES = survey_loading.MISSING_ANSWER_RULES  # "refuse" or "listwise", as load_survey
CHECKBOX_SEPARATORS = re.compile(
    r"[;,]"
)  # Microsoft Forms joins ticked choices with ";", Google and Qualtrics with ","


def normalised(text: object) -> str:
    """Text as the importer compares it: runs of whitespace as one space, none at either end,
    case folded. Nothing else is changed: 'Agreee' stays different from 'Agree'."""
    return " ".join(str(text).split()).casefold()


def variable_code(variable: str) -> str:
    """The variable's code in a survey tool that allows only letters and digits (``pcdp1``)."""
    return variable.replace("_", "")


# ---------------------------------------------------------------------------------------------
# The layouts. Sources checked (public documentation and the tools' own source):
# - Google Forms: the responses download starts with a "Timestamp" column, then one column per
#   question headed by the question's title ("Email Address" when e-mails are collected, "Score"
#   for a quiz); a checkbox question is one cell of the ticked choices joined by ", ", a
#   multiple-choice grid one column per row, "Title [Row]". No Google page found lists these
#   columns; they follow the downloads as third parties describe them: agreement answers as words
#   (http://danaleeling.blogspot.com/2023/05/converting-likert-survey-words-in.html), checkbox
#   choices in one cell joined by ", " in Google Forms and by ";" in Microsoft Forms
#   (https://web-breeze.net/aggregate-separated-data).
# - Microsoft Forms: the Excel download starts with ID, Start time, Completion time, Email, Name
#   ("Last modified time" in newer forms), then one column per question title. Microsoft's
#   support article "Forms response columns are out of order" (MicrosoftDocs/SupportArticles-docs,
#   Microsoft365/enterprise/forms-response-columns-out-of-order.md) describes the response
#   workbook; no Microsoft page found lists the column names, which follow the downloads.
# - Qualtrics: "Understanding Your Dataset",
#   https://www.qualtrics.com/support/survey-platform/data-and-analysis-module/data/download-data/understanding-your-dataset/
#   ("CSV and TSV files come with 3 rows of headers": the field's ID or export tag, the question
#   text, and the import ID as JSON, {"ImportId":"QID1"}); the metadata columns as listed there
#   and in the R package excluder's documentation of a Qualtrics export
#   (https://search.r-project.org/CRAN/refmans/excluder/html/qualtrics_fetch.html).
# - LimeSurvey: its source, application/helpers/admin/export/Writer.php (headings as "code",
#   "full" question text, "abbreviated", or "codetext": code + separator + text, the separator ". "
#   by default in views/admin/export/exportresult_panels/_headings.php; subquestions as
#   "[...]"), SurveyObj.php ("Full answers": Yes/No for yes/no questions), models/Question.php
#   (question codes: a letter, then letters and digits). Response columns id, submitdate,
#   lastpage, startlanguage, seed come first.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFormat:
    """A survey tool's export layout: how to recognise it and which columns are the tool's own
    (dropped by name, each listed in the report with what it holds)."""

    key: str
    name: str
    recognised_by: str
    tool_columns: dict[str, str]  # normalised column name -> what it holds
    tool_column_prefixes: dict[str, str] = field(default_factory=dict)

    def tool_column(self, header: str) -> str | None:
        """What a column of the tool holds, or None if it is not one of the tool's columns."""
        names = [normalised(header)]
        code, text = _code_and_text(header)
        if code is not None:
            names += [code, normalised(text)]
        for name in names:
            if name in self.tool_columns:
                return self.tool_columns[name]
            for prefix, holds in self.tool_column_prefixes.items():
                if name.startswith(prefix):
                    return holds
        return None


GOOGLE_FORMS = ExportFormat(
    "google_forms",
    "Google Forms",
    "first column 'Timestamp', the questions' titles as headers",
    {
        "timestamp": "time of the response",
        "email address": "respondent's e-mail address",
        "score": "quiz score",
    },
)
MICROSOFT_FORMS = ExportFormat(
    "microsoft_forms",
    "Microsoft Forms",
    "columns ID, Start time, Completion time, Email, Name, then the questions' titles",
    {
        "id": "response number",
        "start time": "time the response was started",
        "completion time": "time the response was sent",
        "email": "respondent's e-mail address",
        "name": "respondent's name",
        "last modified time": "time the response was last changed",
        "total points": "quiz score",
        "quiz feedback": "quiz feedback",
    },
)
QUALTRICS = ExportFormat(
    "qualtrics",
    "Qualtrics",
    "metadata columns StartDate, EndDate, ResponseId, ..., two more header rows (question texts, "
    "ImportId JSON)",
    {
        "startdate": "time the response was started",
        "enddate": "time the response ended",
        "status": "response type (IP address, preview, ...)",
        "ipaddress": "respondent's IP address",
        "progress": "percentage of the survey completed",
        "duration (in seconds)": "time taken",
        "duration": "time taken",
        "finished": "whether the response was finished",
        "recordeddate": "time the response was recorded",
        "responseid": "Qualtrics' response ID",
        "externalreference": "external data reference",
        "externaldatareference": "external data reference",
        "distributionchannel": "how the survey was distributed",
        "userlanguage": "language of the respondent",
        "responseset": "response set",
    },
    {"recipient": "recipient's name or e-mail", "location": "respondent's approximate location"},
)
LIMESURVEY = ExportFormat(
    "limesurvey",
    "LimeSurvey",
    "columns id, submitdate, lastpage, startlanguage, seed (as codes, 'code. text' or full text)",
    {
        "id": "response ID",
        "response id": "response ID",
        "submitdate": "time the response was sent",
        "date submitted": "time the response was sent",
        "lastpage": "last page seen",
        "last page": "last page seen",
        "startlanguage": "language of the respondent",
        "start language": "language of the respondent",
        "seed": "randomisation seed",
        "startdate": "time the response was started",
        "date started": "time the response was started",
        "datestamp": "time of the last action",
        "date last action": "time of the last action",
        "ipaddr": "respondent's IP address",
        "ip address": "respondent's IP address",
        "refurl": "referring web address",
        "referrer url": "referring web address",
        "token": "participant's access code",
        "access code": "participant's access code",
        "interviewtime": "time taken",
        "total time": "time taken",
    },
)
KIT_FILE = ExportFormat(
    "kit", "the kit's own survey file", "every column a variable of data/codebook.csv", {}
)
FORMATS = (GOOGLE_FORMS, MICROSOFT_FORMS, QUALTRICS, LIMESURVEY, KIT_FILE)

QUALTRICS_MARKERS = ("startdate", "enddate", "responseid", "recordeddate", "ipaddress", "distributionchannel")
LIMESURVEY_MARKERS = ("id", "submitdate", "lastpage", "startlanguage", "seed")
LIMESURVEY_TEXT_MARKERS = ("response id", "date submitted", "last page", "start language", "seed")


def recognise(header: list[str]) -> ExportFormat | None:
    """The layout whose marks the header carries, or None."""
    names = [normalised(name) for name in header]
    if not names:
        return None
    if names[0] == "timestamp":
        return GOOGLE_FORMS
    if names[0] == "id" and {"start time", "completion time"} <= set(names):
        return MICROSOFT_FORMS
    if sum(marker in names for marker in QUALTRICS_MARKERS) >= 2:
        return QUALTRICS
    split = [_code_and_text(name) for name in header]  # LimeSurvey's 'code. text' headings
    codes = {code or name for (code, _), name in zip(split, names, strict=True)}
    texts = {normalised(text) for _, text in split}
    if (
        sum(m in codes for m in LIMESURVEY_MARKERS) >= 4
        or sum(m in texts for m in LIMESURVEY_TEXT_MARKERS) >= 4
    ):
        return LIMESURVEY
    if set(names) <= set(ins.survey_columns()):
        return KIT_FILE
    return None


def unrecognised_layout() -> str:
    """What the importer looks for, for the message that refuses a layout."""
    marks = "; ".join(f"{f.name}: {f.recognised_by}" for f in FORMATS)
    return f"a survey tool's export the kit recognises ({marks})"


CODE_AND_TEXT = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\. (.+)", flags=re.DOTALL)


def _code_and_text(header: str) -> tuple[str | None, str]:
    """LimeSurvey's 'code. question text' heading split in two; (None, header) otherwise."""
    match = CODE_AND_TEXT.fullmatch(" ".join(str(header).split()))
    if match is None:
        return None, header
    return match.group(1).casefold(), match.group(2)


# ---------------------------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One thing that stops the conversion. ``row`` counts responses from 1; ``line`` is the row's
    line in the file (or the sheet's row number), which differs when there are extra header rows."""

    row: int | None
    column: str | None
    value: str | None
    expected: str
    line: str | None = None  # "file line 5" or "sheet row 5"

    def describe(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"response {self.row}" + (f" ({self.line})" if self.line else ""))
        if self.column is not None:
            where.append(f"column {self.column!r}")
        place = ", ".join(where) if where else "export"
        found = "" if self.value is None else f": found {self.value!r}"
        return f"{place}{found}; expected {self.expected}"


class ExportImportError(ValueError):
    """The export cannot be converted; ``problems`` lists every one. Nothing was written.

    The message names each problem; the same wrong answer in one column is named once, with every
    response that gave it."""

    def __init__(self, path: Path, problems: list[ImportProblem]):
        self.path = Path(path)
        self.problems = problems
        groups = _grouped(problems)
        shown = groups[:MESSAGE_PROBLEM_LIMIT]
        lines = [f"{self.path.name}: {len(problems)} problem(s) found; nothing was written."]
        lines += [f"  - {_describe_group(group)}" for group in shown]
        if len(groups) > len(shown):
            lines.append(
                f"  ... and {len(groups) - len(shown)} more like these (all of them: the error's "
                ".problems); correct these first"
            )
        super().__init__("\n".join(lines))


def _grouped(problems: list[ImportProblem]) -> list[list[ImportProblem]]:
    """Problems with the same column, value and expectation together, in order of appearance."""
    groups: dict[tuple, list[ImportProblem]] = {}
    for number, problem in enumerate(problems):
        key = (problem.column, problem.value, problem.expected) if problem.row is not None else (number,)
        groups.setdefault(key, []).append(problem)
    return list(groups.values())


def _describe_group(group: list[ImportProblem]) -> str:
    """One problem as ``ImportProblem.describe``; several as 'responses 1, 4 (file lines 2, 5)'."""
    first = group[0]
    if len(group) == 1:
        return first.describe()
    rows = ", ".join(str(problem.row) for problem in group)
    lines = [problem.line for problem in group if problem.line]
    where = f"responses {rows}"
    if len(lines) == len(group):
        kind = lines[0].rsplit(" ", 1)[0]  # "file line" or "sheet row"
        where += f" ({kind}s " + ", ".join(line.rsplit(" ", 1)[1] for line in lines) + ")"
    column = "" if first.column is None else f", column {first.column!r}"
    found = "" if first.value is None else f": found {first.value!r}"
    return f"{where}{column}{found}; expected {first.expected}"


# ---------------------------------------------------------------------------------------------
# Reading the export
# ---------------------------------------------------------------------------------------------


@dataclass
class ExportTable:
    """The export's cells as text: the header, any extra header rows, the response rows and where
    each response row stands ("file line 5", "sheet row 5")."""

    header: list[str]
    rows: list[list[str]]
    lines: list[str]
    sheet: str | None = None
    sheets: int = 0
    empty_rows: int = 0


def read_export(path: Path) -> ExportTable:
    """The export's cells as text (a CSV file in UTF-8, or the first sheet of an .xlsx file)."""
    suffix = path.suffix.casefold()
    if suffix in (".xls", ".ods", ".numbers"):
        raise ExportImportError(
            path,
            [
                ImportProblem(
                    None, None, path.name, "a CSV file (UTF-8) or an .xlsx workbook: save it as .xlsx"
                )
            ],
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise ExportImportError(
            path, [ImportProblem(None, None, str(path), f"a readable export file ({reason})")]
        ) from None
    if not data.strip():
        raise ExportImportError(
            path,
            [ImportProblem(None, None, None, "a header row and one row per response; the file is empty")],
        )
    if suffix in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
        table = _read_workbook(path)
    else:
        table = _read_csv(path, data)
    if not table.header or not any(name.strip() for name in table.header):
        raise ExportImportError(
            path,
            [
                ImportProblem(
                    None, None, None, "a header row and one row per response; the export holds no values"
                )
            ],
        )
    return table


def _read_csv(path: Path, data: bytes) -> ExportTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ExportImportError(
            path,
            [
                ImportProblem(
                    None,
                    None,
                    repr(data[error.start : error.start + 4]),
                    f"text encoded as UTF-8 (undecodable byte at file line {line}); download the "
                    "export as CSV UTF-8, or as .xlsx",
                )
            ],
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header, rows, lines, empty = _header_and_rows((f"file line {reader.line_num}", f) for f in reader)
    except csv.Error as error:
        raise ExportImportError(
            path,
            [ImportProblem(None, None, None, f"a well-formed CSV file (the CSV reader stopped: {error})")],
        ) from None
    if len(header) == 1:
        for name, delimiter in (("semicolons", ";"), ("tabs", "\t")):
            if delimiter in header[0]:
                raise ExportImportError(
                    path,
                    [
                        ImportProblem(
                            None,
                            None,
                            header[0][:60],
                            f"comma-separated columns; this header is separated by {name}: download "
                            "the export as comma-separated CSV, or as .xlsx",
                        )
                    ],
                )
    return ExportTable(header, rows, lines, empty_rows=empty)


def _header_and_rows(numbered) -> tuple[list[str], list[list[str]], list[str], int]:
    """From (where, fields) pairs in file order: the first non-blank row as the header, then the
    data rows with where each was read, and how many blank rows were skipped."""
    header: list[str] = []
    rows, lines, empty = [], [], 0
    for where, fields in numbered:
        if not header:
            if any(value.strip() for value in fields):
                header = [value.strip() for value in fields]
            continue
        if not any(value.strip() for value in fields):
            empty += 1
            continue
        rows.append(fields)
        lines.append(where)
    return header, rows, lines, empty


def _read_workbook(path: Path) -> ExportTable:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ExportImportError(
            path, [ImportProblem(None, None, path.name, f"a readable .xlsx workbook ({error})")]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        numbered = (
            (f"sheet row {number}", [_cell_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        header, rows, lines, empty = _header_and_rows(numbered)
        return ExportTable(header, rows, lines, sheet.title, len(workbook.worksheets), empty)
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV download would hold (whole numbers without '.0')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)


# ---------------------------------------------------------------------------------------------
# Questions and answers, from the instrument
# ---------------------------------------------------------------------------------------------

CHECKBOX = "(platforms ticked)"  # the mapping target of the one-column checkbox question
PLATFORMS_CHECKBOX_CODE = "platforms"  # the checkbox question's code (a Qualtrics export tag, say)


@cache
def question_lookup() -> dict[str, str]:
    """Normalised question text, variable name or code -> the variable it asks (or ``CHECKBOX``)."""
    lookup: dict[str, str] = {}
    for variable in ins.survey_columns():
        lookup[normalised(variable)] = variable
        lookup[normalised(variable_code(variable))] = variable
    codebook = ins.codebook()
    for variable, question in zip(codebook["variable"], codebook["question"], strict=True):
        lookup[normalised(question)] = variable
    lookup[normalised(ins.PLATFORMS_CHECKBOX_QUESTION)] = CHECKBOX
    lookup[normalised(ins.PLATFORMS_HEADING)] = CHECKBOX  # the printed table's heading as a checkbox
    lookup[normalised(PLATFORMS_CHECKBOX_CODE)] = CHECKBOX
    return lookup


@cache
def statement_lookup() -> dict[str, str]:
    """Normalised statement text -> its Likert item (for grid and matrix rows)."""
    return {normalised(item.text): item.column for item in ins.items()}


@cache
def answer_labels() -> dict[str, dict[str, str]]:
    """Variable -> {normalised label: the value the kit's survey file holds}, from the instrument."""
    labels: dict[str, dict[str, str]] = {}
    for characteristic in ins.CHARACTERISTICS:
        # the data's labels, and the words the printed questionnaire shows for them (a form built
        # from the printed page offers those)
        wording = characteristic.wording_on_paper
        labels[characteristic.column] = {normalised(printed): c for c, printed in wording.items()}
        labels[characteristic.column].update({normalised(c): c for c in characteristic.categories})
    for column in ins.platform_columns():
        labels[column] = {normalised(ins.YES): ins.YES, normalised(ins.NO): ins.NO}
    likert = {normalised(label): str(code) for code, label in ins.LIKERT_SCALE.items()}
    likert.update({str(code): str(code) for code in ins.LIKERT_SCALE})
    for column in ins.item_columns():
        labels[column] = likert
    return labels


def expected_labels(variable: str) -> str:
    """The answers a variable takes, in the instrument's words, for a problem's 'expected'."""
    if variable in ins.item_columns():
        scale = " | ".join(ins.LIKERT_SCALE.values())
        return f"one of {scale} (or its code {ins.LIKERT_MIN}-{ins.LIKERT_MAX})"
    for characteristic in ins.CHARACTERISTICS:
        if characteristic.column == variable:
            expected = "one of " + " | ".join(characteristic.categories)
            printed = [p for c, p in characteristic.wording_on_paper.items() if p != c]
            if printed:
                expected += " (or as the printed questionnaire words them: " + " | ".join(printed) + ")"
            return expected
    return f"{ins.YES} or {ins.NO}"


def platform_labels() -> dict[str, str]:
    """Normalised platform label -> its uses_* column (the checkbox question's choices)."""
    return {normalised(platform.label): platform.column for platform in ins.PLATFORMS}


@dataclass(frozen=True)
class MappedColumn:
    """One export column and what it became."""

    position: int
    header: str
    variable: str  # a survey column, or CHECKBOX
    matched_by: str  # "question text", "statement of a grid row", "variable name or code"


def _candidates(text: str) -> list[tuple[str, str]]:
    """The ways a header (or Qualtrics' question-text row) can name a question: the whole text,
    LimeSurvey's code and text parts, a grid row's statement."""
    whole = " ".join(str(text).split())
    found = [(whole, "question text or variable name")]
    code, rest = _code_and_text(whole)
    if code is not None:
        found += [(code, "code (LimeSurvey 'code. text')"), (rest, "question text (LimeSurvey 'code. text')")]
    for part in (whole, rest):
        bracket = re.fullmatch(r"(.*)\[(.+)\]", part, flags=re.DOTALL)
        if bracket:
            found.append(("statement:" + bracket.group(2), "statement of a grid row 'Title [statement]'"))
            if normalised(bracket.group(1)) == normalised(ins.PLATFORMS_HEADING):
                found.append(("platform:" + bracket.group(2), "platform row of the printed yes/no table"))
        if " - " in part:
            found.append(
                ("statement:" + part.rsplit(" - ", 1)[1], "statement of a matrix row 'Title - statement'")
            )
    return found


def map_column(texts: list[str]) -> tuple[str, str] | None:
    """The variable a column asks and how it was recognised, or None (never a near match)."""
    questions, statements = question_lookup(), statement_lookup()
    for text in texts:
        for candidate, how in _candidates(text):
            if candidate.startswith("statement:"):
                key = normalised(candidate.removeprefix("statement:"))
                if key in statements:
                    return statements[key], how
            elif candidate.startswith("platform:"):
                key = normalised(candidate.removeprefix("platform:"))
                if key in platform_labels():
                    return platform_labels()[key], how
            elif normalised(candidate) in questions:
                return questions[normalised(candidate)], how
    return None


# ---------------------------------------------------------------------------------------------
# The conversion
# ---------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What ``import_export`` did: the layout, the responses, each column mapped or dropped."""

    export: Path
    output: Path
    layout: ExportFormat
    responses: int
    header_rows: int
    mapped: list[MappedColumn]
    dropped: list[tuple[str, str]]  # (column, why)
    firm_ids: str
    sheet: str | None = None
    sheets: int = 0
    ticked_none: int = 0
    blanks: int = 0
    empty_rows: int = 0

    def describe(self) -> str:
        """A short report for the terminal."""
        sheet = (
            f", sheet {self.sheet!r}" + (f" (first of {self.sheets})" if self.sheets > 1 else "")
            if self.sheet
            else ""
        )
        lines = [
            f"Read {self.export.name}{sheet}: {self.layout.name} ({self.layout.recognised_by}).",
            f"  responses: {self.responses} (header rows: {self.header_rows}"
            + (f"; {self.empty_rows} empty row(s) skipped" if self.empty_rows else "")
            + ")",
        ]
        ways: dict[str, int] = {}
        for column in self.mapped:
            ways[column.matched_by] = ways.get(column.matched_by, 0) + 1
        how = "; ".join(f"{count} by {way}" for way, count in ways.items())
        lines.append(f"  columns mapped to the codebook's variables: {len(self.mapped)} ({how})")
        for column in self.mapped:
            if column.variable == CHECKBOX:
                lines.append(
                    f"  platforms: {_short(column.header)!r} (ticked choices) -> the {len(ins.PLATFORMS)} "
                    f"uses_* columns; {self.ticked_none} response(s) ticked none (all {ins.NO})"
                )
        lines.append(f"  firm_id: {self.firm_ids}")
        if self.dropped:
            lines.append(f"  dropped: {len(self.dropped)} column(s) that are not questions:")
            lines += [f"    - {name!r}: {why}" for name, why in self.dropped]
        else:
            lines.append("  dropped: no column")
        if self.blanks:
            lines.append(
                f"  blank answers kept blank: {self.blanks} (listwise deletion leaves their firms out)"
            )
        lines.append(
            f"  problems: none. Wrote {self.output} ({self.responses} firms), which passed the kit's "
            "validation (helpers.survey.load_survey)."
        )
        return "\n".join(lines)


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def default_output(export: Path) -> Path:
    """Where the survey file goes unless told otherwise: results/surveys/<export's name>.csv."""
    return settings.results_dir("surveys") / f"{export.stem}.csv"


def _output_refused(export: Path, output: Path, expected: str) -> ExportImportError:
    """The error for an output file the import will not write: the file, and what is expected instead."""
    return ExportImportError(export, [ImportProblem(None, None, str(output), expected)])


def import_export(
    export: str | Path,
    output: str | Path | None = None,
    force: bool = False,
    drop: tuple[str, ...] | list[str] = (),
    missing_answers: str = "refuse",
) -> ImportReport:
    """Convert a survey tool's export into the kit's survey file and check it with load_survey.

    ``output``: the survey file to write (default ``default_output``); an existing file is
    replaced only with ``force``, and the export itself never. ``drop``: further columns to
    leave out, by header (each is listed in the report). ``missing_answers``: ``"refuse"``
    lists every blank answer as a problem; ``"listwise"`` keeps them blank for load_survey's
    listwise deletion. Raises ``ExportImportError`` listing every problem; nothing is written
    then.
    """
    if missing_answers not in MISSING_ANSWER_RULES:
        raise ValueError(f"missing_answers = {missing_answers!r}: expected 'refuse' or 'listwise'")
    export = Path(export).expanduser().resolve()
    output = (default_output(export) if output is None else Path(output).expanduser()).resolve()
    if output == export:
        raise _output_refused(
            export, output, "an output file other than the export itself (the export is never overwritten)"
        )
    if output.exists() and not force:
        raise _output_refused(
            export, output, "a new output file (this one exists): give another, or --force to replace it"
        )
    table = read_export(export)
    layout = recognise(table.header)
    if layout is None:
        shown = ", ".join(repr(_short(name, 30)) for name in table.header[:6])
        raise ExportImportError(
            export, [ImportProblem(None, None, f"a header starting {shown}", unrecognised_layout())]
        )
    question_texts, header_rows = _qualtrics_header_rows(table) if layout is QUALTRICS else (None, 1)
    rows, lines = table.rows[header_rows - 1 :], table.lines[header_rows - 1 :]
    if not rows:
        raise ExportImportError(
            export,
            [ImportProblem(None, None, None, "at least one response after the header row(s); found none")],
        )

    problems: list[ImportProblem] = []
    mapped, dropped = _map_columns(table.header, question_texts, layout, drop, problems)
    survey_rows, firm_ids, ticked_none, blanks = _convert_rows(
        rows, lines, table.header, mapped, missing_answers, problems
    )
    if problems:
        raise ExportImportError(export, problems)

    with files.atomic_path(output) as temporary:
        with open(temporary, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(ins.survey_columns())
            writer.writerows(survey_rows)
        try:
            survey_loading.load_survey(temporary, missing_answers=missing_answers)
        except survey_loading.SurveyValidationError as error:
            checked = [
                ImportProblem(
                    p.row,
                    p.column,
                    p.value,
                    f"{p.expected} (the kit's check of the converted file)",
                    _line(lines, p.row),
                )
                for p in error.problems
            ]
            raise ExportImportError(export, checked) from None
    return ImportReport(
        export,
        output,
        layout,
        len(survey_rows),
        header_rows,
        mapped,
        dropped,
        firm_ids,
        table.sheet,
        table.sheets,
        ticked_none,
        blanks,
        table.empty_rows,
    )


def _line(lines: list[str], row: int | None) -> str | None:
    return lines[row - 1] if row is not None and 0 < row <= len(lines) else None


def _qualtrics_header_rows(table: ExportTable) -> tuple[list[str] | None, int]:
    """Qualtrics' extra header rows: the question texts and the ImportId JSON (either may be
    missing if someone deleted it). Returns the question-text row and the number of header rows."""
    names = [normalised(name) for name in table.header]
    texts, count = None, 1
    for fields in table.rows[:2]:
        cells = [normalised(value) for value in fields]
        import_ids = any(value.startswith('{"importid"') for value in cells)
        question_row = any(
            names[k] in ("startdate", "responseid", "enddate")
            and cells[k] in ("start date", "response id", "end date")
            for k in range(min(len(names), len(cells)))
        )
        if import_ids:
            count += 1
        elif question_row and texts is None:
            texts = fields
            count += 1
        else:
            break
    return texts, count


def _map_columns(
    header: list[str],
    question_texts: list[str] | None,
    layout: ExportFormat,
    drop: tuple[str, ...] | list[str],
    problems: list[ImportProblem],
) -> tuple[list[MappedColumn], list[tuple[str, str]]]:
    """Each column mapped to a variable, dropped as the tool's own (or at the user's request), or
    listed as a problem; then every question the export lacks."""
    asked = {normalised(name) for name in drop}
    mapped: list[MappedColumn] = []
    dropped: list[tuple[str, str]] = []
    unknown_drops = asked - {normalised(name) for name in header}
    for name in sorted(unknown_drops):
        problems.append(
            ImportProblem(None, name, None, "a column of the export to drop (there is no such column)")
        )
    for position, name in enumerate(header):
        if not name.strip():
            problems.append(
                ImportProblem(
                    None, f"(column {position + 1}, no header)", None, "every column to have a header"
                )
            )
            continue
        if normalised(name) in asked:
            dropped.append((name, "dropped as asked (--drop)"))
            continue
        holds = layout.tool_column(name)
        texts = [name]
        if question_texts is not None and position < len(question_texts) and question_texts[position].strip():
            texts.append(question_texts[position])
        found = map_column(texts)
        if holds is not None and found is None:
            dropped.append((name, f"{layout.name} column ({holds}), not a question"))
            continue
        if found is None:
            shown = name if len(texts) == 1 else f"{name} / {_short(texts[1])}"
            problems.append(
                ImportProblem(
                    None,
                    shown,
                    None,
                    "a question of the instrument: its text as in data/codebook.csv (case and spacing "
                    "aside), a grid row's statement, or its variable name; this column matches none (a "
                    "column that is not a question can be left out with --drop)",
                )
            )
            continue
        mapped.append(MappedColumn(position, name, found[0], found[1]))

    by_variable: dict[str, list[MappedColumn]] = {}
    for column in mapped:
        by_variable.setdefault(column.variable, []).append(column)
    for variable, columns in by_variable.items():
        if len(columns) > 1:
            names = " | ".join(repr(c.header) for c in columns)
            problems.append(
                ImportProblem(None, variable, None, f"one column per question; these ask the same: {names}")
            )
    if CHECKBOX in by_variable:
        for column in ins.platform_columns():
            if column in by_variable:
                problems.append(
                    ImportProblem(
                        None,
                        column,
                        None,
                        f"platform use asked once: the checkbox question "
                        f"{_short(ins.PLATFORMS_CHECKBOX_QUESTION)!r} asks it too",
                    )
                )
    codebook = ins.codebook()
    questions = dict(zip(codebook["variable"], codebook["question"], strict=True))
    for variable in ins.survey_columns():
        if variable == ins.FIRM_ID or variable in by_variable:
            continue
        if variable in ins.platform_columns() and CHECKBOX in by_variable:
            continue
        problems.append(
            ImportProblem(
                None,
                variable,
                None,
                f"a column for the question {questions[variable]!r}; the export has none",
            )
        )
    return mapped, dropped


def _convert_rows(
    rows: list[list[str]],
    lines: list[str],
    header: list[str],
    mapped: list[MappedColumn],
    missing_answers: str,
    problems: list[ImportProblem],
) -> tuple[list[list[str]], str, int, int]:
    """Every response as a row of the kit's survey file; problems for answers that do not map."""
    labels, platforms = answer_labels(), platform_labels()
    by_variable = {column.variable: column for column in mapped}
    has_firm_id = ins.FIRM_ID in by_variable
    firm_ids = (
        f"from the column {by_variable[ins.FIRM_ID].header!r}"
        if has_firm_id
        else f"numbered 1-{len(rows)} in the export's row order (the export has no firm ID column)"
    )
    survey_rows, ticked_none, blanks = [], 0, 0
    for row_number, (fields, line) in enumerate(zip(rows, lines, strict=True), start=1):
        if len(fields) > len(header) and any(value.strip() for value in fields[len(header) :]):
            problems.append(
                ImportProblem(
                    row_number,
                    None,
                    f"{len(fields)} fields",
                    f"at most {len(header)} fields, one per header column",
                    line,
                )
            )
        values = {column: "" for column in ins.survey_columns()}
        values[ins.FIRM_ID] = "" if has_firm_id else str(row_number)
        for column in mapped:
            raw = fields[column.position] if column.position < len(fields) else ""
            if column.variable == CHECKBOX:
                ticked = [piece.strip() for piece in CHECKBOX_SEPARATORS.split(raw) if piece.strip()]
                for platform in ins.platform_columns():
                    values[platform] = ins.NO
                if not ticked:
                    ticked_none += 1
                for choice in ticked:
                    if normalised(choice) in platforms:
                        values[platforms[normalised(choice)]] = ins.YES
                    else:
                        expected = "the ticked platforms, each one of " + " | ".join(
                            p.label for p in ins.PLATFORMS
                        )
                        problems.append(
                            ImportProblem(
                                row_number,
                                column.header,
                                choice,
                                expected + ", separated by ';' or ','",
                                line,
                            )
                        )
                continue
            if column.variable == ins.FIRM_ID:
                values[ins.FIRM_ID] = raw.strip()  # load_survey checks it: a unique positive whole number
                continue
            if not raw.strip():
                if missing_answers == "refuse":
                    what = f"an answer {survey_loading.MISSING}: {expected_labels(column.variable)}"
                    problems.append(ImportProblem(row_number, _named(column), raw, what, line))
                blanks += 1
                continue
            value = labels[column.variable].get(normalised(raw))
            if value is None:
                problems.append(
                    ImportProblem(row_number, _named(column), raw, expected_labels(column.variable), line)
                )
            else:
                values[column.variable] = value
        survey_rows.append([values[column] for column in ins.survey_columns()])
    return survey_rows, firm_ids, ticked_none, blanks


def _named(column: MappedColumn) -> str:
    """A column as the problem names it: the export's header, and the variable it maps to."""
    return f"{_short(column.header)} [{column.variable}]"
