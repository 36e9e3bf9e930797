"""No input crashes the survey loader or the answer checker (property-based, with hypothesis).

Whatever a file holds, ``load_survey`` returns the typed survey or raises its
``SurveyValidationError`` naming the row and column; nothing else escapes and the file is never
changed. Whatever a student passes, ``exercises.check`` answers right or not yet. The examples
are generated from a fixed seed (``derandomize``), so every run tries the same ones.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import exercises
from helpers import instrument as ins
from helpers import settings as kit_settings
from helpers.survey import SurveyValidationError, load_survey

SHIPPED_TEXT = kit_settings.SHIPPED_SURVEY_FILE.read_text(encoding="utf-8")
HEADER, *SHIPPED_ROWS = list(csv.reader(io.StringIO(SHIPPED_TEXT)))
ROWS = SHIPPED_ROWS[:40]  # a small valid file (the kit analyses 30 firms or more)
ITEMS = ins.item_columns()
EXAMPLES = settings(
    max_examples=120,
    derandomize=True,  # the same examples on every run: a test result never depends on luck
    database=None,  # nothing written into the checkout
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue()


def load_or_problems(path: Path) -> pd.DataFrame | SurveyValidationError:
    """What the loader gives back: the survey, or its validation error (anything else fails the test)."""
    before = path.read_bytes()
    try:
        result = load_survey(path)
    except SurveyValidationError as error:
        result = error
    assert path.read_bytes() == before  # the user's file is never changed
    return result


# Numbers in the spellings Python (and spreadsheets) accept or reject, and plain text
number_spellings = st.one_of(
    st.integers(-10, 10).map(str),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(0, 6).map(lambda x: f"{x:.3f}"),
    st.sampled_from(
        ["3.", ".5", "3.0", "03", "+3", "-0", "1e0", "3e0", "0x3", "1_0", "3,0", " 3 ", "３", "٣", "²",
         "3\u00a0", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "5.0000001", "4.99999999", "TRUE",
         "None", "\t"]
    ),
)  # fmt: skip
cell_values = st.one_of(number_spellings, st.text(max_size=30), st.text(min_size=2000, max_size=5000))


@EXAMPLES
@given(row=st.integers(0, len(ROWS) - 1), column=st.sampled_from(ITEMS), value=number_spellings)
def test_a_number_in_any_spelling_is_an_answer_or_a_named_problem(tmp_path, row, column, value):
    rows = [list(r) for r in ROWS]
    rows[row][HEADER.index(column)] = value
    path = tmp_path / "survey.csv"
    path.write_text(csv_text(HEADER, rows), encoding="utf-8")
    result = load_or_problems(path)
    if re.fullmatch(r"[1-5](\.0*)?", value.strip()) or re.fullmatch(r"0*[1-5](\.0*)?", value.strip()):
        assert isinstance(result, pd.DataFrame), result
        assert result[column].iloc[row] == int(value.strip().split(".")[0])
    else:
        assert isinstance(result, SurveyValidationError)
        assert [(p.row, p.column) for p in result.problems] == [(row + 1, column)]


@EXAMPLES
@given(row=st.integers(0, len(ROWS) - 1), column=st.sampled_from(HEADER), value=cell_values)
def test_any_value_in_any_column_is_loaded_or_named(tmp_path, row, column, value):
    rows = [list(r) for r in ROWS]
    rows[row][HEADER.index(column)] = value
    path = tmp_path / "survey.csv"
    path.write_text(csv_text(HEADER, rows), encoding="utf-8", errors="surrogatepass")
    result = load_or_problems(path)
    if isinstance(result, SurveyValidationError):
        assert result.problems, "an error lists at least one problem"
        assert all(p.row is None or 1 <= p.row <= len(rows) for p in result.problems)


@EXAMPLES
@given(
    changes=st.lists(
        st.tuples(st.integers(0, len(ROWS) - 1), st.integers(-3, 3).filter(bool)), min_size=1, max_size=4
    )
)
def test_rows_with_too_few_or_too_many_fields_are_named(tmp_path, changes):
    rows = [list(r) for r in ROWS]
    for row, change in changes:
        rows[row] = rows[row][:change] if change < 0 else rows[row] + ["3"] * change
    path = tmp_path / "survey.csv"
    path.write_text(csv_text(HEADER, rows), encoding="utf-8")
    result = load_or_problems(path)
    ragged = sorted({row + 1 for row, _ in changes if len(rows[row]) != len(HEADER)})
    if ragged:
        assert isinstance(result, SurveyValidationError)
        assert [p.row for p in result.problems] == ragged
        assert all(f"{len(HEADER)} fields" in p.expected for p in result.problems)
    else:
        assert isinstance(result, pd.DataFrame)


@EXAMPLES
@given(data=st.binary(max_size=3000))
def test_random_bytes_never_crash_the_loader(tmp_path, data):
    path = tmp_path / "survey.csv"
    path.write_bytes(data)
    assert isinstance(load_or_problems(path), SurveyValidationError)


@EXAMPLES
@given(
    prefix=st.binary(max_size=200),
    encoding=st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "utf-8-sig", "utf-8"]),
)
def test_a_valid_file_in_any_encoding_or_with_junk_in_front_is_loaded_or_named(tmp_path, prefix, encoding):
    text = csv_text(HEADER, [list(r) for r in ROWS])
    path = tmp_path / "survey.csv"
    path.write_bytes(prefix + text.encode(encoding))
    result = load_or_problems(path)
    if not prefix and encoding in ("utf-8", "utf-8-sig", "latin-1", "cp1252"):  # ASCII content: all the same
        assert isinstance(result, pd.DataFrame)


def test_a_folder_or_an_empty_or_blank_file_is_a_named_problem(tmp_path):
    for content in (b"", b"\n\n", b",,,\n,,\n", b'"unclosed', b"\x00\x00"):
        path = tmp_path / "survey.csv"
        path.write_bytes(content)
        assert isinstance(load_or_problems(path), SurveyValidationError)
    with pytest.raises(SurveyValidationError, match="a readable CSV file"):
        load_survey(tmp_path)


# ---- the answers a student may pass to exercises.check -----------------------------------------

answers = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.fractions(),
    st.complex_numbers(),
    st.lists(st.floats(), max_size=4),
    st.lists(st.floats(), max_size=4).map(np.array),
    st.lists(st.floats(), min_size=1, max_size=3).map(pd.Series),
    st.floats().map(lambda x: pd.DataFrame({"a": [x]})),
    st.sampled_from(
        [np.float64("nan"), np.int64(3), np.bool_(True), Decimal("1E+999"), Fraction(1, 3), object(), ...]
    ),
)


@pytest.fixture(scope="module")
def shipped_survey() -> pd.DataFrame:
    return load_survey()


@EXAMPLES
@given(exercise=st.sampled_from(sorted(exercises.REGISTRY)), answer=answers)
def test_any_answer_to_any_exercise_gets_right_or_not_yet(shipped_survey, capsys, exercise, answer):
    verdict = exercises.check(exercise, answer, shipped_survey)
    printed = capsys.readouterr().out
    assert isinstance(verdict, bool)
    assert printed.startswith("✓ Right." if verdict else "✗ ")
