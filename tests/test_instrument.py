"""The instrument is defined once and everything else agrees with it."""

import io

import pandas as pd

from helpers import instrument as ins
from helpers import published, settings


def test_six_constructs_of_the_path_model_with_three_to_five_items_each():
    labels = [c.label for c in ins.CONSTRUCTS]
    assert labels == [
        "Partnership & Collaborations through Digital Platforms",
        "International Trade",
        "Global Logistics",
        "Market Reach",
        "Innovation & Agility",
        "Operational Efficiency",
    ]
    for construct in ins.CONSTRUCTS:
        assert 3 <= len(construct.items) <= 5, construct.key


def test_at_least_one_reverse_worded_item():
    assert len(ins.reverse_item_columns()) >= 1


def test_every_survey_column_is_unique():
    columns = ins.survey_columns()
    assert len(columns) == len(set(columns))


def test_characteristic_categories_are_table1_categories_exactly():
    table1 = published.table1()
    for characteristic in ins.CHARACTERISTICS:
        rows = table1[table1["characteristic"] == characteristic.label]
        assert tuple(rows["category"]) == characteristic.categories


def test_platforms_cover_figure1():
    labels = {p.label for p in ins.PLATFORMS}
    assert {"Website", "WhatsApp", "Facebook", "YouTube", "Instagram", "LinkedIn", "E-mail"} <= labels
    assert len(ins.PLATFORMS) == 9


def test_platforms_with_a_stated_share_are_exactly_those_the_paper_states():
    stated = published.platform_use().dropna(subset=["percentage"])["platform"]
    assert {p.label for p in ins.PLATFORMS if p.share_reported_in_paper} == set(stated)


def test_codebook_file_is_generated_from_the_instrument():
    on_disk = (settings.DATA_DIR / "codebook.csv").read_text(encoding="utf-8")
    buffer = io.StringIO()
    ins.codebook().to_csv(buffer, index=False, lineterminator="\n")
    assert on_disk == buffer.getvalue(), "regenerate: python -m helpers.instrument > data/codebook.csv"


def test_codebook_marks_assumed_platform_shares_and_reverse_items():
    codebook = pd.read_csv(settings.DATA_DIR / "codebook.csv", keep_default_na=False).set_index("variable")
    for platform in ins.PLATFORMS:
        note = codebook.at[platform.column, "notes"]
        assert ("assumed" in note) == (not platform.share_reported_in_paper)
    for column in ins.reverse_item_columns():
        assert "reverse-worded" in codebook.at[column, "notes"]
    assert list(codebook.index) == ins.survey_columns()


def test_unknown_construct_names_the_known_ones():
    try:
        ins.construct("market_share")
    except KeyError as error:
        assert "market_reach" in str(error)
    else:
        raise AssertionError("no error for an unknown construct")
