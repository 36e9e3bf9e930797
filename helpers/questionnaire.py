"""The questionnaire as a printable page, made from the instrument (``helpers.instrument``).

An instructor who runs the study with a class hands out this page: the firm characteristics with
their answer options, the yes/no questions on platform use, and every statement of the six
constructs with the 1-5 answer scale, all worded exactly as the instrument defines them. Two
versions are written:

- ``questionnaire.html`` for respondents: no item codes, no construct names, no scoring notes.
  The statements stand in one table under a neutral heading, in the instrument's order: a
  construct's name over its statements would tell respondents what is measured and invite
  consistent answering or guessing at the hypotheses, a source of common-method variance;
- ``questionnaire_instructor.html``: the same page with notes for the instructor, each question's
  data column in small print, the statements under their construct's name, the reverse-worded
  statements marked, and the data's label beside any answer option printed in other words
  (``Characteristic.printed_categories``), for typing the answers into a CSV file whose columns
  are those of ``data/codebook.csv``.

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
    "your firm works. There are no right or wrong answers: we want your own view of your firm. "
    "For each question tick one box."
)
CONSENT = (
    "Taking part is voluntary: you may leave out any question or stop at any time. The "
    "questionnaire is anonymous: please do not write your name or your firm's name on it. The "
    "answers are used for teaching and reported only as totals and averages."
)
STATEMENTS_INSTRUCTIONS = (
    "How far do you agree with each statement about your firm? Tick one box per statement, from "
    "{low} to {high}."
)
SOURCE_NOTE = (
    "This questionnaire is the teaching kit's reconstruction of the survey described by Meera M S "
    "and Baiju Radhakrishnan, Global Expansion Through Networking Ecosystems Using Digital "
    "Platforms, Evidences from SMEs in Kerala. The authors did not publish their questionnaire; "
    "the answer options of Part A are the categories of the paper's Table 1 (the firm ages worded "
    "so that the ranges do not overlap), the wording of the statements is the kit's."
)
OFFICE_USE = "For office use: firm ID"
INSTRUCTOR_HEADING = "Instructor's version: not for respondents"
STATEMENTS_NOTE = (
    "Part C. The respondents' version prints the statements in one table under a neutral heading, "
    "without the construct names shown here. A construct's name over its statements tells "
    "respondents what is being measured and invites them to answer the block consistently or to "
    "guess the study's hypotheses, which adds shared method variance to the scores (lesson 00, "
    "common-method bias; Podsakoff, MacKenzie, Lee & Podsakoff, 2003). The statements keep the "
    "instrument's order, the order of the data columns, so answers are typed in row by row. "
    "Mixing the statements of different constructs is a further procedural remedy, with its own "
    "cost (a statement loses the context of its neighbours); if you mix them, keep this version "
    "to map each statement to its item code."
)
BLANKS_NOTE = (
    "Blank answers. Respondents may leave any question out. Leave its cell empty when you type "
    "the answers in: the lessons then stop and list every blank, unless their parameter cell says "
    'missing_answers = "listwise", which leaves out the firms with any blank.'
)
PRINTED_WORDING_NOTE = (
    "{question}. The paper's Table 1 categories, which the data keep as their labels, are unclear "
    "on paper (for firm age, ranges such as 3-6 and 6-9 years share their end points: a firm of "
    "exactly 6 years fits both). The questionnaire prints them as the options below, worded so "
    "that every answer fits exactly one (3 to under 6 years, ..., 12 years or more; a firm of "
    "exactly 12 years ticks the last). Type each answer in as the data label shown in brackets "
    "beside it."
)
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
.consent { font-size: 9.5pt; }
.instructor { border: 2px solid #000; padding: 0.3em 0.8em; font-size: 9.5pt; }
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

    ``instructor=True`` adds the instructor's notes, each question's data column (e.g. ``pcdp_5``)
    in small print, the construct names over the statements, the marks on the reverse-worded
    statements and the data label of each answer option printed in other words; the respondents'
    version shows none of them.
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
        f'<p class="consent">{escape(CONSENT)}</p>',
        *(_instructor_notes() if instructor else []),
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


def _instructor_notes() -> list[str]:
    reworded = [f"A{number}" for number, c in enumerate(ins.CHARACTERISTICS, start=1) if c.printed_categories]
    notes = [STATEMENTS_NOTE, BLANKS_NOTE]
    if reworded:
        notes.append(PRINTED_WORDING_NOTE.format(question=" and ".join(reworded)))
    return [
        '<div class="instructor">',
        f"<h2>{escape(INSTRUCTOR_HEADING)}</h2>",
        *(f"<p>{escape(note)}</p>" for note in notes),
        "</div>",
    ]


def _option(printed: str, label: str, instructor: bool) -> str:
    """One answer option as printed; the instructor's version adds the data's label if it differs."""
    data_label = f' <span class="code">[{escape(label)}]</span>' if instructor and printed != label else ""
    return f'<span class="option">{BOX} {escape(printed)}{data_label}</span>'


def _firm_part(instructor: bool) -> list[str]:
    lines = ["<h2>Part A. About your firm</h2>"]
    for number, characteristic in enumerate(ins.CHARACTERISTICS, start=1):
        options = "".join(
            _option(printed, label, instructor) for label, printed in characteristic.wording_on_paper.items()
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
        f"<thead><tr><th>{escape(ins.PLATFORMS_HEADING)}</th>"
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
    # Respondents get one table with no construct names (see STATEMENTS_NOTE); the instructor's
    # version puts each construct's name over its statements. Numbering and order are the same.
    groups = [(c.label, c.items) for c in ins.CONSTRUCTS] if instructor else [(None, tuple(ins.items()))]
    number = 0
    for heading, items in groups:
        lines += [
            *([f"<h3>{escape(heading)}</h3>"] if heading else []),
            "<table>",
            f"<thead><tr><th>Statement</th>{header}</tr></thead>",
            "<tbody>",
        ]
        for item in items:
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
