"""The battery's surveys (tests/survey_battery.py) and the shipped one, loaded and analysed once
per test session, for the tests of the lessons' computed sentences."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import survey_battery

from helpers import paper_model, paper_tables
from helpers.survey import SurveySource, load_survey, score_constructs, source_of


@dataclass
class Analysed:
    """One survey of the battery with the tables the lessons compute from it (on demand)."""

    name: str
    survey: pd.DataFrame

    @property
    def source(self) -> SurveySource:
        return source_of(self.survey)

    @cached_property
    def scores(self) -> pd.DataFrame:
        return score_constructs(self.survey)

    @cached_property
    def fit(self):
        return paper_model.fit(self.scores)

    @cached_property
    def table2(self) -> pd.DataFrame:
        return paper_tables.table2_model_tests(self.fit)

    @cached_property
    def table3(self) -> pd.DataFrame:
        return paper_tables.table3_fit_indices(self.fit)

    @cached_property
    def table4(self) -> pd.DataFrame:
        return paper_tables.table4_fit_indices(self.fit)

    @cached_property
    def table5(self) -> pd.DataFrame:
        return paper_tables.table5_paths(self.fit)

    @cached_property
    def orthogonal_table2(self) -> pd.DataFrame:
        return paper_tables.table2_model_tests(paper_model.fit(self.scores, correlated_outcomes=False))

    @cached_property
    def comparison(self) -> pd.DataFrame:
        return paper_tables.compare_with_published(self.fit)


def analyse_battery(folder: Path) -> dict[str, Analysed]:
    """The shipped survey and every battery member, written to ``folder`` and loaded."""
    battery = {"shipped": Analysed("shipped", load_survey())}
    for member in survey_battery.MEMBERS:
        battery[member.name] = Analysed(member.name, load_survey(survey_battery.write(member, folder)))
    return battery
