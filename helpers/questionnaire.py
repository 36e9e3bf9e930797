"""The questionnaire as a printable page, made from the instrument (``helpers.instrument``).

An instructor who runs the study with a class hands out this page: the firm characteristics with
their answer options, the yes/no questions on platform use, and every statement of the six
constructs with the 1-5 answer scale, all worded exactly as the instrument defines them. Two
versions are written:

- ``questionnaire.html`` for respondents: no item codes, no construct roles, no scoring notes;
- ``questionnaire_instructor.html``: the same page with each question's data column in small
  print and the reverse-worded statements marked, for typing the answers into a CSV file whose
  columns are those of ``data/codebook.csv``.

    python3 kit.py questionnaire      writes both into the results folder (never into data/)

The page is self-contained (its style sheet is inline, it loads nothing from the network) and has
print rules, so the browser's "Print" or "Save as PDF" gives a clean handout.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from helpers import files, settings
from helpers import instrument as ins

RESPONDENT_FILE = "questionnaire.html"
INSTRUCTOR_FILE = "questionnaire_instructor.html"

TITLE = "Digital platforms, networking and the global operations of small and medium enterprises"
INSTRUCTIONS = (
    "This questionnaire is to be answered by the owner or a manager of the firm. It has three "
    "parts: about your firm, about the digital platforms your firm uses, and statements about how "
    "your firm works. Please answer every question. There are no right or wrong answers: we want "
    "your own view of your firm. For each question tick one box."
)
STATEMENTS_INSTRUCTIONS = (
    "How far do you agree with each statement about your firm? Tick one box per statement, from "
    "{low} to {high}."
)
SOURCE_NOTE = (
    "This questionnaire is the teaching kit's reconstruction of the survey described by Meera M S "
    "and Baiju Radhakrishnan, Global Expansion Through Networking Ecosystems Using Digital "
    "Platforms, Evidences from SMEs in Kerala. The authors did not publish their questionnaire; "
    "the answer options of Part A are those of the paper's Table 1, the wording of the statements "
    "is the kit's."
)
OFFICE_USE = "For office use: firm ID"
BOX = "\u2610"  # ☐, a ballot box

STYLE = """
body { font-family: Georgia, "Times New Roman", serif; font-size: 11pt; line-height: 1.35;
       max-width: 50em; margin: 1.5em auto; padding: 0 1em; color: #000; }
h1 { font-size: 16pt; margin-bottom: 0.3em; }
h2 { font-size: 13pt; margin-top: 1.4em; border-bottom: 1px solid #000; }
h3 { font-size: 11.5pt; margin: 1em 0 0.3em; }
.instructions { border: 1px solid #555; padding: 0.5em 0.8em; }
.office { text-align: right; font-size: 9pt; }
.question { margin: 0.6em 0; page-break-inside: avoid; break-inside: avoid; }
.options { margin-left: 1.5em; }
.option { display: inline-block; margin-right: 1.6em; white-space: nowrap; }
.code { font-family: "Courier New", monospace; font-size: 7.5pt; color: #555; }
.reverse { font-size: 7.5pt; color: #555; font-style: italic; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #777; padding: 0.25em 0.4em; vertical-align: top; }
th.scale { font-size: 8.5pt; font-weight: normal; width: 4.6em; text-align: center; }
td.box { text-align: center; vertical-align: middle; font-size: 13pt; }
tr { page-break-inside: avoid; break-inside: avoid; }
.source { font-size: 8pt; color: #444; margin-top: 2em; }
@page { size: A4; margin: 15mm; }
@media print {
  body { margin: 0; max-width: none; }
  h2 { page-break-after: avoid; break-after: avoid; }
  h3 { page-break-after: avoid; break-after: avoid; }
  table { page-break-inside: auto; }
}
"""


def html(instructor: bool = False) -> str:
    """The questionnaire as one self-contained HTML page.

    ``instructor=True`` adds each question's data column (e.g. ``pcdp_5``) in small print and
    marks the reverse-worded statements; the respondents' version shows neither.
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(TITLE)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f'<p class="office">{escape(OFFICE_USE)}: ____________{_code(ins.FIRM_ID, instructor)}</p>',
        f"<h1>{escape(TITLE)}</h1>",
        f'<p class="instructions">{escape(INSTRUCTIONS)}</p>',
        *_firm_part(instructor),
        *_platform_part(instructor),
        *_statements_part(instructor),
        f'<p class="source">{escape(SOURCE_NOTE)}</p>',
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _code(column: str, instructor: bool) -> str:
    """The data column in small print, for the instructor's version only."""
    return f' <span class="code">[{escape(column)}]</span>' if instructor else ""


def _firm_part(instructor: bool) -> list[str]:
    lines = ["<h2>Part A. About your firm</h2>"]
    for number, characteristic in enumerate(ins.CHARACTERISTICS, start=1):
        options = "".join(
            f'<span class="option">{BOX} {escape(category)}</span>' for category in characteristic.categories
        )
        lines += [
            '<div class="question">',
            f"<p>A{number}. {escape(characteristic.question)}{_code(characteristic.column, instructor)}</p>",
            f'<p class="options">{options}</p>',
            "</div>",
        ]
    return lines


def _platform_part(instructor: bool) -> list[str]:
    lines = [
        "<h2>Part B. Digital platforms</h2>",
        "<table>",
        "<thead><tr><th>Does your firm use this platform for its business?</th>"
        f'<th class="scale">{escape(ins.YES)}</th><th class="scale">{escape(ins.NO)}</th></tr></thead>',
        "<tbody>",
    ]
    for number, platform in enumerate(ins.PLATFORMS, start=1):
        lines.append(
            f"<tr><td>B{number}. {escape(platform.label)}{_code(platform.column, instructor)}</td>"
            f'<td class="box">{BOX}</td><td class="box">{BOX}</td></tr>'
        )
    return [*lines, "</tbody>", "</table>"]


def _statements_part(instructor: bool) -> list[str]:
    low, high = ins.LIKERT_SCALE[ins.LIKERT_MIN], ins.LIKERT_SCALE[ins.LIKERT_MAX]
    header = "".join(
        f'<th class="scale">{code}<br>{escape(label)}</th>' for code, label in ins.LIKERT_SCALE.items()
    )
    lines = [
        "<h2>Part C. Statements about your firm</h2>",
        f"<p>{escape(STATEMENTS_INSTRUCTIONS.format(low=low.lower(), high=high.lower()))}</p>",
    ]
    number = 0
    for construct in ins.CONSTRUCTS:
        lines += [
            f"<h3>{escape(construct.label)}</h3>",
            "<table>",
            f"<thead><tr><th>Statement</th>{header}</tr></thead>",
            "<tbody>",
        ]
        for item in construct.items:
            number += 1
            marks = _code(item.column, instructor)
            if instructor and item.reverse:
                marks += ' <span class="reverse">(reverse-worded: scored as 6 - answer)</span>'
            boxes = f'<td class="box">{BOX}</td>' * len(ins.LIKERT_SCALE)
            lines.append(f"<tr><td>C{number}. {escape(item.text)}{marks}</td>{boxes}</tr>")
        lines += ["</tbody>", "</table>"]
    return lines


def write(results: Path | None = None) -> list[Path]:
    """Write the respondents' and the instructor's questionnaire into ``results`` (default: the
    kit's results folder, ``settings.results_root()``), each atomically; returns the two paths."""
    folder = settings.results_dir("", results)
    written = []
    for name, instructor in ((RESPONDENT_FILE, False), (INSTRUCTOR_FILE, True)):
        files.write_text(folder / name, html(instructor))
        written.append(folder / name)
    return written
