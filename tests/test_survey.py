"""Loading and validating survey files, and scoring the constructs."""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import instrument as ins
from helpers import settings
from helpers.survey import (
    MIN_FIRMS,
    SurveyValidationError,
    load_survey,
    recode_reverse_items,
    score_constructs,
    source_of,
)

SHIPPED = settings.SHIPPED_SURVEY_FILE


def shipped_table() -> pd.DataFrame:
    return pd.read_csv(SHIPPED, dtype=str, keep_default_na=False)


def write(tmp_path: Path, table: pd.DataFrame, name: str = "survey.csv", **options) -> Path:
    path = tmp_path / name
    table.to_csv(path, index=False, **options)
    return path


def problems_of(path: Path) -> list:
    with pytest.raises(SurveyValidationError) as caught:
        load_survey(path)
    return caught.value.problems


def test_shipped_file_loads_with_one_row_per_firm_and_typed_columns():
    survey = load_survey(SHIPPED)
    assert len(survey) == 190
    assert survey.index.name == ins.FIRM_ID and survey.index.is_unique
    assert survey["uses_website"].dtype == bool
    assert str(survey["firm_size"].dtype) == "category"
    assert survey[ins.item_columns()].dtypes.eq("int64").all()


def test_loading_never_changes_the_file(tmp_path):
    path = write(tmp_path, shipped_table())
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    load_survey(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_missing_column_is_named(tmp_path):
    path = write(tmp_path, shipped_table().drop(columns=["mr_3"]))
    (problem,) = problems_of(path)
    assert problem.column == "mr_3" and "missing" in problem.expected


def test_unknown_column_is_named(tmp_path):
    table = shipped_table()
    table["favourite_colour"] = "blue"
    (problem,) = problems_of(write(tmp_path, table))
    assert problem.column == "favourite_colour"


def test_answer_outside_the_scale_names_row_column_value_and_scale(tmp_path):
    table = shipped_table()
    table.loc[4, "it_2"] = "7"
    (problem,) = problems_of(write(tmp_path, table))
    assert (problem.row, problem.column, problem.value) == (5, "it_2", "7")
    assert "from 1 to 5" in problem.expected
    with pytest.raises(SurveyValidationError, match=r"row 5 \(file line 6\), column 'it_2': found '7'"):
        load_survey(tmp_path / "survey.csv")


def test_text_in_a_numeric_answer(tmp_path):
    table = shipped_table()
    table.loc[0, "oe_1"] = "agree"
    (problem,) = problems_of(write(tmp_path, table))
    assert (problem.row, problem.column, problem.value) == (1, "oe_1", "agree")
    assert "text, not a number" in problem.expected


def test_fractional_answer_is_outside_the_scale(tmp_path):
    table = shipped_table()
    table.loc[2, "gl_1"] = "3.5"
    (problem,) = problems_of(write(tmp_path, table))
    assert problem.value == "3.5"


def test_unknown_category_lists_the_allowed_ones(tmp_path):
    table = shipped_table()
    table.loc[9, "firm_size"] = "Large"
    (problem,) = problems_of(write(tmp_path, table))
    assert problem.column == "firm_size" and "Small | Medium" in problem.expected


def test_platform_answer_must_be_yes_or_no(tmp_path):
    table = shipped_table()
    table.loc[3, "uses_linkedin"] = "1"
    (problem,) = problems_of(write(tmp_path, table))
    assert problem.column == "uses_linkedin" and "Yes or No" in problem.expected


def test_duplicate_firm_ids_point_at_both_rows(tmp_path):
    table = shipped_table()
    table.loc[10, ins.FIRM_ID] = table.loc[2, ins.FIRM_ID]
    (problem,) = problems_of(write(tmp_path, table))
    assert problem.row == 11 and "row 3" in problem.expected


def test_missing_answers_are_reported_not_dropped(tmp_path):
    table = shipped_table()
    table.loc[0, "pcdp_1"] = ""
    table.loc[7, "business_age"] = ""
    problems = problems_of(write(tmp_path, table))
    assert {(p.row, p.column) for p in problems} == {(1, "pcdp_1"), (8, "business_age")}
    assert all("missing answer" in p.expected for p in problems)


def test_every_problem_is_listed_in_one_error(tmp_path):
    table = shipped_table()
    table.loc[0, "it_1"] = "9"
    table.loc[1, "it_1"] = "x"
    table = table.drop(columns=["ia_4"])
    # column problems are reported first: a file with the wrong columns is not read cell by cell
    (problem,) = problems_of(write(tmp_path, table))
    assert problem.column == "ia_4"
    table = shipped_table()
    table.loc[0, "it_1"] = "9"
    table.loc[1, "it_1"] = "x"
    table.loc[2, "firm_size"] = "Huge"
    assert len(problems_of(write(tmp_path, table))) == 3


def test_long_error_messages_keep_every_problem(tmp_path):
    table = shipped_table()
    table["it_1"] = "9"
    with pytest.raises(SurveyValidationError) as caught:
        load_survey(write(tmp_path, table))
    assert len(caught.value.problems) == 190
    assert "more" in str(caught.value)
    assert len(caught.value.problem_table()) == 190


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    (problem,) = problems_of(path)
    assert "empty" in problem.expected


def test_header_without_rows(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text(",".join(ins.survey_columns()) + "\n")
    (problem,) = problems_of(path)
    assert "data row" in problem.expected


def test_semicolon_delimiter_is_recognised(tmp_path):
    path = write(tmp_path, shipped_table(), sep=";")
    (problem,) = problems_of(path)
    assert "semicolon" in problem.expected


def test_wrong_encoding_is_recognised(tmp_path):
    path = write(tmp_path, shipped_table(), encoding="utf-16")
    (problem,) = problems_of(path)
    assert "UTF-8" in problem.expected


def test_latin1_text_names_the_line(tmp_path):
    table = shipped_table()
    table.loc[5, "business_nature"] = "Café"
    path = write(tmp_path, table, encoding="latin-1")
    (problem,) = problems_of(path)
    assert problem.row == 6 and "UTF-8" in problem.expected


def test_missing_file(tmp_path):
    (problem,) = problems_of(tmp_path / "nowhere.csv")
    assert "existing" in problem.expected


def test_recoding_reverses_only_reverse_worded_items():
    survey = load_survey(SHIPPED)
    recoded = recode_reverse_items(survey)
    for column in ins.item_columns():
        expected = 6 - survey[column] if column in ins.reverse_item_columns() else survey[column]
        assert (recoded[column] == expected).all(), column


def test_construct_score_is_the_mean_of_recoded_items():
    answers = {column: 3 for column in ins.item_columns()}
    answers.update({"oe_1": 5, "oe_2": 4, "oe_3": 1, "oe_4": 4})  # oe_3 reverse-worded: 1 -> 5
    survey = pd.DataFrame([answers], index=pd.Index([1], name=ins.FIRM_ID))
    scores = score_constructs(survey)
    assert scores.loc[1, "operational_efficiency"] == pytest.approx((5 + 4 + 5 + 4) / 4)
    assert scores.loc[1, "market_reach"] == 3
    assert list(scores.columns) == ins.construct_keys()


def test_scores_stay_on_the_answer_scale():
    scores = score_constructs(load_survey(SHIPPED))
    assert np.all((scores >= 1) & (scores <= 5))


# --- what cannot be analysed is refused before any lesson runs ---------------------------------


def test_too_few_firms_are_refused_with_the_minimum_and_why(tmp_path):
    [problem] = problems_of(write(tmp_path, shipped_table().head(MIN_FIRMS - 1)))
    assert problem.value == f"{MIN_FIRMS - 1} firms"
    assert problem.expected.startswith(f"at least {MIN_FIRMS} firms: ") and "large-sample" in problem.expected
    assert isinstance(load_survey(write(tmp_path, shipped_table().head(MIN_FIRMS))), pd.DataFrame)


def test_an_item_every_firm_answered_alike_is_named(tmp_path):
    table = shipped_table()
    table["mr_1"] = "3"
    table["oe_4"] = "5"
    problems = problems_of(write(tmp_path, table))
    assert [(p.column, p.value) for p in problems] == [
        ("mr_1", "every firm answered 3"),
        ("oe_4", "every firm answered 5"),
    ]


def test_construct_scores_that_combine_exactly_are_named(tmp_path):
    table = shipped_table()
    for k in (1, 2, 3, 4):
        table[f"gl_{k}"] = table[f"it_{k}"]  # global logistics copied from international trade
    [problem] = problems_of(write(tmp_path, table))
    assert problem.value == "construct scores international_trade, global_logistics"
    assert "singular" in problem.expected


# --- blank answers: refused by default, or their firms left out on request ---------------------


def with_blanks(tmp_path) -> Path:
    table = shipped_table()
    table.loc[3, "mr_2"] = ""
    table.loc[3, "ia_1"] = " "
    table.loc[10, "firm_size"] = ""
    return write(tmp_path, table)


def test_blank_answers_are_refused_by_default_with_the_way_forward(tmp_path):
    with pytest.raises(SurveyValidationError) as caught:
        load_survey(with_blanks(tmp_path))
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "mr_2"), (4, "ia_1"), (11, "firm_size")]
    assert "3 of these are blank answers" in str(caught.value)
    assert 'missing_answers = "listwise"' in str(caught.value) and "--missing-answers listwise" in str(
        caught.value
    )


def test_listwise_deletion_leaves_out_the_firms_with_a_blank_and_records_them(tmp_path):
    survey = load_survey(with_blanks(tmp_path), missing_answers="listwise")
    source = source_of(survey)
    assert len(survey) == source.n_firms == 188
    assert [(firm.row, firm.blank_columns) for firm in source.dropped] == [
        (4, ("mr_2", "ia_1")),
        (11, ("firm_size",)),
    ]
    assert 4 not in survey.index and 11 not in survey.index  # the shipped firm IDs are the row numbers
    described = source.describe()
    assert "2 firm(s) with blank answers were left out" in described and "data rows 4, 11" in described
    assert "3 blank cell(s)" in described and "the 188 firms that remain" in described


def test_listwise_deletion_still_refuses_every_other_problem_with_its_row(tmp_path):
    table = shipped_table()
    table.loc[3, "mr_2"] = ""
    table.loc[20, "it_1"] = "9"
    with pytest.raises(SurveyValidationError) as caught:
        load_survey(write(tmp_path, table), missing_answers="listwise")
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(21, "it_1", "9")]


def test_listwise_deletion_that_leaves_too_few_firms_says_how_many_it_left_out(tmp_path):
    table = shipped_table().head(MIN_FIRMS + 1)
    table.loc[[0, 1], "oe_1"] = ""
    [problem] = problems_of_listwise(write(tmp_path, table))
    assert problem.value == f"{MIN_FIRMS - 1} firms (after leaving out 2 with blank answers)"


def problems_of_listwise(path: Path) -> list:
    with pytest.raises(SurveyValidationError) as caught:
        load_survey(path, missing_answers="listwise")
    return caught.value.problems


def test_an_unknown_missing_answers_rule_is_named():
    with pytest.raises(ValueError, match="missing_answers = 'pairwise': expected 'refuse' or 'listwise'"):
        load_survey(missing_answers="pairwise")


@pytest.mark.parametrize("export", ["timestamp column", "answer labels"])
def test_a_survey_tools_export_is_pointed_to_kit_py_import(tmp_path, export):
    table = shipped_table()
    if export == "timestamp column":
        table.insert(0, "Timestamp", "2026/01/01 10:00:00")
    else:
        table["pcdp_1"] = [ins.LIKERT_SCALE[int(code)] for code in table["pcdp_1"]]  # "Agree", not 4
    with pytest.raises(SurveyValidationError) as raised:
        load_survey(write(tmp_path, table))
    assert "python3 kit.py import FILE" in str(raised.value)


@pytest.mark.parametrize("slip", ["7", "agree"])
def test_a_file_that_is_no_export_gets_no_import_hint(tmp_path, slip):
    table = shipped_table()
    table.loc[0, "pcdp_1"] = slip  # one answer mistyped in a coded file
    table.loc[1, "it_2"] = "9"
    with pytest.raises(SurveyValidationError) as raised:
        load_survey(write(tmp_path, table))
    assert "kit.py import" not in str(raised.value)
