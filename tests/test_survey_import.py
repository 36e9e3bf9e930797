"""Importing a survey tool's export (helpers/survey_import.py, ``kit.py import``).

Every export here is built at test time from the instrument's codebook and the shipped synthetic
survey's first 40 firms, in each tool's layout (Google Forms, Microsoft Forms, Qualtrics with its
two extra header rows, LimeSurvey with codes and with 'code. text' headings, an .xlsx workbook);
each converts back to exactly those 40 rows of the shipped file. Bad exports are refused with
every problem named (response, column, value, what was expected) and nothing is written.
"""

import csv
import datetime
import io
import os
import subprocess
import sys

import openpyxl
import pytest

from helpers import instrument as ins
from helpers import settings
from helpers import survey_import as si

FIRMS = 40
QUESTIONS = dict(zip(ins.codebook()["variable"], ins.codebook()["question"], strict=True))
GRID_TITLE = "How far do you agree with each statement about your firm?"


def shipped_firms(n: int = FIRMS) -> tuple[str, list[dict[str, str]]]:
    """The shipped survey's first ``n`` firms: the file's own text and its rows as dicts."""
    lines = settings.SHIPPED_SURVEY_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    text = "".join(lines[: n + 1])
    return text, list(csv.DictReader(io.StringIO(text)))


SHIPPED_TEXT, FIRM_ROWS = shipped_firms()


def label(variable: str, value: str) -> str:
    """The answer as a survey tool shows it: the instrument's label (Likert: 4 -> 'Agree')."""
    if variable in ins.item_columns():
        return ins.LIKERT_SCALE[int(value)]
    return value


def ticked(row: dict[str, str]) -> list[str]:
    return [p.label for p in ins.PLATFORMS if row[p.column] == ins.YES]


def question_columns(row: dict[str, str], platforms: str, separator: str = ", ", grid: str = "") -> dict:
    """Header -> cell for the instrument's questions. ``platforms``: "checkbox" (one column of the
    ticked labels) or "yes/no" (nine questions). ``grid``: 'google' ('Title [statement]') or
    'qualtrics' ('Title - statement') for the statements."""
    cells = {}
    for characteristic in ins.CHARACTERISTICS:
        cells[characteristic.question] = row[characteristic.column]
    if platforms == "checkbox":
        joined = separator.join(ticked(row))
        cells[ins.PLATFORMS_CHECKBOX_QUESTION] = joined + (";" if separator == ";" and joined else "")
    else:
        for column in ins.platform_columns():
            cells[QUESTIONS[column]] = row[column]
    for item in ins.items():
        header = {"google": f"{GRID_TITLE} [{item.text}]", "qualtrics": f"{GRID_TITLE} - {item.text}"}.get(
            grid, item.text
        )
        cells[header] = label(item.column, row[item.column])
    return cells


def write_csv(path, rows: list[list]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def google_forms(path, firms=FIRM_ROWS, grid: str = "") -> None:
    table = []
    for k, row in enumerate(firms, start=1):
        cells = {
            "Timestamp": f"2026/03/{k % 28 + 1:02d} 10:{k % 60:02d}:00 AM GMT+5:30",
            "Email Address": f"respondent{k}@example.org",
            **question_columns(row, "checkbox", ", ", grid),
        }
        table.append(cells)
    write_csv(path, [list(table[0]), *[list(cells.values()) for cells in table]])


def microsoft_forms_table(firms=FIRM_ROWS) -> list[list]:
    header, table = None, []
    for k, row in enumerate(firms, start=1):
        start = datetime.datetime(2026, 3, 2, 9, 0) + datetime.timedelta(minutes=7 * k)
        cells = {
            "ID": k,
            "Start time": start,
            "Completion time": start + datetime.timedelta(minutes=6),
            "Email": "anonymous",
            "Name": "",
            **question_columns(row, "checkbox", ";"),
        }
        header = list(cells)
        table.append(list(cells.values()))
    return [header, *table]


def microsoft_forms(path, firms=FIRM_ROWS) -> None:
    rows = microsoft_forms_table(firms)
    write_csv(path, [[c.strftime("%m/%d/%y %H:%M:%S") if hasattr(c, "hour") else c for c in r] for r in rows])


def microsoft_forms_workbook(path, firms=FIRM_ROWS) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    for row in microsoft_forms_table(firms):
        sheet.append(row)
    workbook.save(path)


QUALTRICS_METADATA = {
    "StartDate": ("Start Date", '{"ImportId":"startDate","timeZone":"Asia/Kolkata"}'),
    "EndDate": ("End Date", '{"ImportId":"endDate","timeZone":"Asia/Kolkata"}'),
    "Status": ("Response Type", '{"ImportId":"status"}'),
    "IPAddress": ("IP Address", '{"ImportId":"ipAddress"}'),
    "Progress": ("Progress", '{"ImportId":"progress"}'),
    "Duration (in seconds)": ("Duration (in seconds)", '{"ImportId":"duration"}'),
    "Finished": ("Finished", '{"ImportId":"finished"}'),
    "RecordedDate": ("Recorded Date", '{"ImportId":"recordedDate","timeZone":"Asia/Kolkata"}'),
    "ResponseId": ("Response ID", '{"ImportId":"_recordId"}'),
    "RecipientLastName": ("Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    "RecipientFirstName": ("Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    "RecipientEmail": ("Recipient Email", '{"ImportId":"recipientEmail"}'),
    "ExternalReference": ("External Data Reference", '{"ImportId":"externalDataReference"}'),
    "LocationLatitude": ("Location Latitude", '{"ImportId":"locationLatitude"}'),
    "LocationLongitude": ("Location Longitude", '{"ImportId":"locationLongitude"}'),
    "DistributionChannel": ("Distribution Channel", '{"ImportId":"distributionChannel"}'),
    "UserLanguage": ("User Language", '{"ImportId":"userLanguage"}'),
}


def qualtrics(path, firms=FIRM_ROWS, import_ids: bool = True) -> None:
    """Tags Q1, Q2, ... (so questions are found by the text row), statements as a matrix."""
    questions = list(question_columns(firms[0], "checkbox", ",", "qualtrics"))
    tags = [f"Q{k}" for k in range(1, len(questions) + 1)]
    rows = [
        [*QUALTRICS_METADATA, *tags],
        [text for text, _ in QUALTRICS_METADATA.values()] + questions,
    ]
    if import_ids:
        rows.append(
            [json for _, json in QUALTRICS_METADATA.values()]
            + [f'{{"ImportId":"QID{k}"}}' for k in range(1, len(tags) + 1)]
        )
    for k, row in enumerate(firms, start=1):
        metadata = [
            "2026-03-02 09:00:00",
            "2026-03-02 09:06:00",
            "IP Address",
            "192.0.2.1",
            "100",
            "360",
            "True",
        ]
        metadata += [
            "2026-03-02 09:06:01",
            f"R_test{k:04d}",
            "",
            "",
            "",
            "",
            "8.5",
            "76.3",
            "anonymous",
            "EN",
        ]
        rows.append(metadata + list(question_columns(row, "checkbox", ",", "qualtrics").values()))
    write_csv(path, rows)


LIMESURVEY_METADATA = {
    "id": "Response ID",
    "submitdate": "Date submitted",
    "lastpage": "Last page",
    "startlanguage": "Start language",
    "seed": "Seed",
}


def limesurvey(path, firms=FIRM_ROWS, headings: str = "code") -> None:
    """Question codes (the variable names without underscores) or 'code. text' headings; full
    answers; each platform a yes/no question; a firm ID question."""
    columns = [(code, text) for code, text in LIMESURVEY_METADATA.items()]
    columns += [(si.variable_code(v), QUESTIONS[v]) for v in ins.survey_columns()]
    header = [code if headings == "code" else f"{code}. {text}" for code, text in columns]
    rows = [header]
    for k, row in enumerate(firms, start=1):
        metadata = [str(100 + k), "2026-03-02 09:06:00", "4", "en", str(123456 + k)]
        rows.append(metadata + [label(v, row[v]) for v in ins.survey_columns()])
    write_csv(path, rows)


def imported(tmp_path, build, name: str, **options):
    export = tmp_path / name
    build(export)
    output = tmp_path / "survey.csv"
    report = si.import_export(export, output, **options)
    return report, output


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build, name, layout, dropped",
    [
        (google_forms, "google.csv", si.GOOGLE_FORMS, ["Timestamp", "Email Address"]),
        (
            lambda p: google_forms(p, grid="google"),
            "google_grid.csv",
            si.GOOGLE_FORMS,
            ["Timestamp", "Email Address"],
        ),
        (
            microsoft_forms,
            "microsoft.csv",
            si.MICROSOFT_FORMS,
            ["ID", "Start time", "Completion time", "Email", "Name"],
        ),
        (
            microsoft_forms_workbook,
            "microsoft.xlsx",
            si.MICROSOFT_FORMS,
            ["ID", "Start time", "Completion time", "Email", "Name"],
        ),
        (qualtrics, "qualtrics.csv", si.QUALTRICS, list(QUALTRICS_METADATA)),
        (limesurvey, "limesurvey_codes.csv", si.LIMESURVEY, list(LIMESURVEY_METADATA)),
        (
            lambda p: limesurvey(p, headings="codetext"),
            "limesurvey_codetext.csv",
            si.LIMESURVEY,
            [f"{code}. {text}" for code, text in LIMESURVEY_METADATA.items()],
        ),
    ],
    ids=[
        "google",
        "google-grid",
        "microsoft",
        "microsoft-xlsx",
        "qualtrics",
        "limesurvey-codes",
        "limesurvey-codetext",
    ],
)
def test_each_export_converts_back_to_exactly_the_shipped_rows(tmp_path, build, name, layout, dropped):
    report, output = imported(tmp_path, build, name)
    assert output.read_text(encoding="utf-8") == SHIPPED_TEXT
    assert report.layout is layout and report.responses == FIRMS
    assert [column for column, _ in report.dropped] == dropped  # every dropped column, by name
    text = report.describe()
    assert layout.name in text and f"responses: {FIRMS}" in text and "problems: none" in text
    for column in dropped:
        assert repr(column) in text


def test_qualtrics_header_rows_are_counted_and_rows_named_by_their_file_line(tmp_path):
    report, _ = imported(tmp_path, qualtrics, "qualtrics.csv")
    assert report.header_rows == 3
    export = tmp_path / "bad.csv"
    qualtrics(export)
    text = export.read_text(encoding="utf-8").replace("Strongly agree", "Strongly agre", 1)
    export.write_text(text, encoding="utf-8")
    with pytest.raises(si.ExportImportError) as refused:
        si.import_export(export, tmp_path / "out.csv")
    first = refused.value.problems[0]
    assert first.line.startswith("file line ") and int(first.line.split()[-1]) == first.row + 3


def test_a_qualtrics_export_whose_import_id_row_was_deleted_still_converts(tmp_path):
    report, output = imported(tmp_path, lambda p: qualtrics(p, import_ids=False), "qualtrics2.csv")
    assert output.read_text(encoding="utf-8") == SHIPPED_TEXT and report.header_rows == 2


def test_firm_ids_come_from_a_firm_id_column_or_are_numbered_and_said_so(tmp_path):
    report, _ = imported(tmp_path, limesurvey, "lime.csv")
    assert "from the column 'firmid'" in report.firm_ids
    report, _ = imported(tmp_path, google_forms, "google.csv", force=True)
    assert report.firm_ids.startswith(f"numbered 1-{FIRMS} in the export's row order")


def test_labels_match_regardless_of_case_and_spacing_but_otherwise_exactly(tmp_path):
    export = tmp_path / "google.csv"
    google_forms(export)
    text = export.read_text(encoding="utf-8").replace(",Agree,", ",  aGREE ,").replace(",Small,", ",SMALL  ,")
    export.write_text(text, encoding="utf-8")
    si.import_export(export, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == SHIPPED_TEXT


def test_no_platform_label_holds_a_checkbox_separator():
    """A checkbox cell is split at ';' and ','; no platform's label may contain either."""
    assert not any(si.CHECKBOX_SEPARATORS.search(platform.label) for platform in ins.PLATFORMS)


def test_a_checkbox_cell_with_nothing_ticked_means_no_platform_and_is_counted(tmp_path):
    firms = [dict(row) for row in FIRM_ROWS]
    for column in ins.platform_columns():
        firms[0][column] = ins.NO
    export = tmp_path / "google.csv"
    google_forms(export, firms)
    report = si.import_export(export, tmp_path / "out.csv")
    assert report.ticked_none == 1 and "1 response(s) ticked none" in report.describe()
    written = list(csv.DictReader(open(tmp_path / "out.csv", encoding="utf-8")))
    assert all(written[0][column] == ins.NO for column in ins.platform_columns())


# --- refused, with every problem named; nothing written ---------------------------------------


def refused(export, output) -> si.ExportImportError:
    with pytest.raises(si.ExportImportError) as caught:
        si.import_export(export, output)
    assert not output.exists()  # nothing written, not even a partial file
    assert [p.name for p in output.parent.iterdir() if p.name.endswith(".partial")] == []
    return caught.value


def test_an_unknown_label_names_its_response_column_value_and_the_expected_labels(tmp_path):
    export = tmp_path / "google.csv"
    google_forms(export)
    rows = list(csv.reader(open(export, encoding="utf-8")))
    column = rows[0].index(ins.items()[0].text)
    rows[3][column] = "Agreee"
    write_csv(export, rows)
    error = refused(export, tmp_path / "out.csv")
    [problem] = error.problems
    assert (problem.row, problem.value, problem.line) == (3, "Agreee", "file line 4")
    assert "[pcdp_1]" in problem.column and ins.items()[0].text[:40] in problem.column
    assert problem.expected == "one of " + " | ".join(ins.LIKERT_SCALE.values()) + " (or its code 1-5)"
    assert "response 3 (file line 4)" in str(error) and "found 'Agreee'" in str(error)
    assert "nothing was written" in str(error)


def test_an_unknown_checkbox_choice_is_named(tmp_path):
    export = tmp_path / "google.csv"
    google_forms(export)
    rows = list(csv.reader(open(export, encoding="utf-8")))
    column = rows[0].index(ins.PLATFORMS_CHECKBOX_QUESTION)
    rows[5][column] = "Website, Other: Telegram"
    write_csv(export, rows)
    [problem] = refused(export, tmp_path / "out.csv").problems
    assert (problem.row, problem.value) == (5, "Other: Telegram")
    assert "X (Twitter)" in problem.expected and "separated by ';' or ','" in problem.expected


def test_an_unmapped_question_is_listed_not_dropped_and_can_be_dropped_on_request(tmp_path):
    export = tmp_path / "google.csv"
    google_forms(export)
    rows = list(csv.reader(open(export, encoding="utf-8")))
    extra = "How did you hear about this survey?"
    write_csv(export, [rows[0] + [extra]] + [row + ["From a colleague"] for row in rows[1:]])
    [problem] = refused(export, tmp_path / "out.csv").problems
    assert problem.column == extra and "matches none" in problem.expected and "--drop" in problem.expected
    report = si.import_export(export, tmp_path / "out.csv", drop=[extra])
    assert (extra, "dropped as asked (--drop)") in report.dropped
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == SHIPPED_TEXT


def test_a_missing_question_is_named_with_its_text(tmp_path):
    export = tmp_path / "google.csv"
    google_forms(export)
    rows = list(csv.reader(open(export, encoding="utf-8")))
    gone = rows[0].index(QUESTIONS["gl_2"])
    write_csv(export, [row[:gone] + row[gone + 1 :] for row in rows])
    [problem] = refused(export, tmp_path / "out.csv").problems
    assert (
        problem.column == "gl_2" and QUESTIONS["gl_2"] in problem.expected and "has none" in problem.expected
    )


def test_a_question_asked_twice_is_refused(tmp_path):
    export = tmp_path / "lime.csv"
    limesurvey(export)
    rows = list(csv.reader(open(export, encoding="utf-8")))
    column = rows[0].index("mr1")
    write_csv(export, [row + [row[column] if k else QUESTIONS["mr_1"]] for k, row in enumerate(rows)])
    [problem] = refused(export, tmp_path / "out.csv").problems
    assert problem.column == "mr_1" and "one column per question" in problem.expected


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "the file is empty"),
        (b"\n \n", "the file is empty"),
        (b"Timestamp,Email Address\n", "at least one response"),
    ],
    ids=["no-bytes", "blank-lines", "header-only"],
)
def test_an_empty_export_is_refused(tmp_path, content, expected):
    export = tmp_path / "empty.csv"
    export.write_bytes(content)
    error = refused(export, tmp_path / "out.csv")
    assert expected in str(error)


def test_an_unrecognised_layout_is_refused_with_what_was_looked_for(tmp_path):
    export = tmp_path / "typed.csv"
    write_csv(export, [["Respondent", "Size", "Q1"], ["1", "Small", "4"]])
    [problem] = refused(export, tmp_path / "out.csv").problems
    assert "'Respondent'" in problem.value
    for layout in si.FORMATS:
        assert layout.name in problem.expected
    assert "first column 'Timestamp'" in problem.expected and "ImportId" in problem.expected


def test_blank_answers_are_refused_unless_listwise_deletion_is_chosen(tmp_path):
    export = tmp_path / "google.csv"
    google_forms(export)
    rows = list(csv.reader(open(export, encoding="utf-8")))
    column = rows[0].index(ins.items()[4].text)
    rows[2][column] = ""
    write_csv(export, rows)
    [problem] = refused(export, tmp_path / "out.csv").problems
    assert problem.row == 2 and "(missing answer)" in problem.expected
    report = si.import_export(export, tmp_path / "out.csv", missing_answers="listwise")
    assert report.blanks == 1 and "blank answers kept blank: 1" in report.describe()


def test_the_kits_own_validation_runs_before_the_file_takes_its_place(tmp_path):
    """20 firms convert cleanly but are too few for the lessons: load_survey refuses, nothing is
    written."""
    export = tmp_path / "google.csv"
    google_forms(export, FIRM_ROWS[:20])
    error = refused(export, tmp_path / "out.csv")
    assert "at least 30 firms" in str(error) and "the kit's check of the converted file" in str(error)


def test_an_existing_output_is_kept_unless_force_and_the_export_is_never_overwritten(tmp_path):
    export = tmp_path / "google.csv"
    google_forms(export)
    before = export.read_bytes()
    output = tmp_path / "my_class.csv"
    output.write_text("keep me\n", encoding="utf-8")
    with pytest.raises(si.ExportImportError, match="--force to replace it"):
        si.import_export(export, output)
    assert output.read_text(encoding="utf-8") == "keep me\n"
    si.import_export(export, output, force=True)
    assert output.read_text(encoding="utf-8") == SHIPPED_TEXT
    with pytest.raises(si.ExportImportError, match="the export is never overwritten"):
        si.import_export(export, export, force=True)
    assert export.read_bytes() == before


def test_the_default_output_is_in_the_results_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_RESULTS_DIR", str(tmp_path / "results"))
    export = tmp_path / "class_responses.csv"
    google_forms(export)
    report = si.import_export(export)
    assert report.output == (tmp_path / "results" / "surveys" / "class_responses.csv").resolve()
    assert report.output.read_text(encoding="utf-8") == SHIPPED_TEXT


# --- the command ------------------------------------------------------------------------------


def kit_import(*arguments):
    return subprocess.run(
        [sys.executable, str(settings.REPO_ROOT / "kit.py"), "import", *map(str, arguments)],
        capture_output=True,
        text=True,
        env={**os.environ, "KIT_NO_VENV": "1"},
    )


def test_kit_import_converts_an_export_and_prints_its_report(tmp_path):
    export = tmp_path / "responses.xlsx"
    microsoft_forms_workbook(export)
    result = kit_import(export, "--to", tmp_path / "my_class.csv")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "my_class.csv").read_text(encoding="utf-8") == SHIPPED_TEXT
    assert "Microsoft Forms" in result.stdout and "sheet 'Sheet1'" in result.stdout
    assert "'Start time': Microsoft Forms column (time the response was started)" in result.stdout
    assert "kit.py replicate --data" in result.stdout


def test_kit_import_refuses_a_bad_export_with_exit_code_2_and_writes_nothing(tmp_path):
    export = tmp_path / "google.csv"
    google_forms(export)
    export.write_text(
        export.read_text(encoding="utf-8").replace(",Disagree,", ",Disagreee,", 1), encoding="utf-8"
    )
    result = kit_import(export, "--to", tmp_path / "out.csv")
    assert result.returncode == 2
    assert "found 'Disagreee'" in result.stderr and "nothing was written" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_the_same_wrong_answer_in_one_column_is_named_once_with_every_response(tmp_path):
    export = tmp_path / "google.csv"
    google_forms(export)
    rows = list(csv.reader(open(export, encoding="utf-8")))
    column = rows[0].index(QUESTIONS["oe_2"])
    for k in (2, 7, 9):
        rows[k][column] = "Agreee"
    write_csv(export, rows)
    error = refused(export, tmp_path / "out.csv")
    assert len(error.problems) == 3
    assert "responses 2, 7, 9 (file lines 3, 8, 10), column" in str(error) and "[oe_2]" in str(error)


def test_a_workbook_names_its_sheet_rows(tmp_path):
    export = tmp_path / "responses.xlsx"
    table = microsoft_forms_table()
    table[4][table[0].index(ins.CHARACTERISTICS[0].question)] = "Micro"
    workbook = openpyxl.Workbook()
    for row in table:
        workbook.active.append(row)
    workbook.save(export)
    [problem] = refused(export, tmp_path / "out.csv").problems
    assert (problem.row, problem.line, problem.value) == (4, "sheet row 5", "Micro")
    assert problem.expected == "one of Small | Medium"


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx"),
        ("latin1.csv", "Timestamp,Firm\n1,Caf\xe9\n".encode("latin-1"), "encoded as UTF-8"),
        ("semicolons.csv", b"Timestamp;Firm size\n1;Small\n", "separated by semicolons"),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "a readable .xlsx workbook"),
    ],
)
def test_files_that_cannot_be_read_as_an_export_are_refused(tmp_path, name, content, expected):
    export = tmp_path / name
    export.write_bytes(content)
    assert expected in str(refused(export, tmp_path / "out.csv"))


def test_answers_worded_as_on_the_printed_questionnaire_map_to_the_datas_labels(tmp_path):
    """A form built from the printed questionnaire offers its wording (firm age '3 to under 6
    years'); each maps to the data's label ('3-6 years'), and no wording is another's label."""
    for characteristic in ins.CHARACTERISTICS:
        labels = [si.normalised(c) for c in characteristic.categories]
        for category, printed in characteristic.wording_on_paper.items():
            assert si.normalised(printed) not in labels or si.normalised(printed) == si.normalised(category)
    firms = [dict(row) for row in FIRM_ROWS]
    age = next(c for c in ins.CHARACTERISTICS if c.column == "business_age")
    for row in firms:
        row["business_age"] = age.wording_on_paper[row["business_age"]]
    export = tmp_path / "google.csv"
    google_forms(export, firms)
    si.import_export(export, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == SHIPPED_TEXT
    assert "3 to under 6 years" in si.expected_labels("business_age")


@pytest.mark.parametrize("platforms", ["checkbox", "yes/no grid"])
def test_a_form_copied_from_the_printed_questionnaire_converts(tmp_path, platforms):
    """Part B of the printed questionnaire is a yes/no table headed ins.PLATFORMS_HEADING: a form
    built from it asks the platforms as a checkbox with that title, or as a grid 'heading [platform]'."""
    table = []
    for k, row in enumerate(FIRM_ROWS, start=1):
        cells = {"Timestamp": f"2026/03/{k % 28 + 1:02d} 10:00:00 AM GMT+5:30"}
        for header, value in question_columns(row, "checkbox", ", ", "google").items():
            if header != ins.PLATFORMS_CHECKBOX_QUESTION:
                cells[header] = value
            elif platforms == "checkbox":
                cells[ins.PLATFORMS_HEADING] = value
            else:
                for platform in ins.PLATFORMS:
                    cells[f"{ins.PLATFORMS_HEADING} [{platform.label}]"] = row[platform.column]
        table.append(cells)
    export = tmp_path / "google.csv"
    write_csv(export, [list(table[0]), *[list(cells.values()) for cells in table]])
    si.import_export(export, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == SHIPPED_TEXT
