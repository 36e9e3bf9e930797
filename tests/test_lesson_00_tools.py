"""Lesson 00: semopy reads the model's syntax with the roles the kit's instrument gives the
constructs; the design section's claim that a model with a reversed arrow fits equally well holds
on any survey; the self-check answers are right and wrong answers are refused."""

import nbformat
import pytest
import semopy
import survey_battery

from helpers import exercises, instrument, paper_model, settings
from helpers.sem import fit_sem
from helpers.sem.specification import specify
from helpers.survey import load_survey, score_constructs

SHIPPED = load_survey(settings.SHIPPED_SURVEY_FILE)
LESSON = settings.REPO_ROOT / "notebooks" / "00_the_study.ipynb"
WEAK_PATHS = next(m for m in survey_battery.MEMBERS if m.name == "weak_paths")


def test_semopy_finds_the_exogenous_and_endogenous_constructs_the_instrument_names():
    parsed = semopy.Model(paper_model.model_syntax())
    roles = {c.key: c.role for c in instrument.CONSTRUCTS}
    assert set(parsed.vars["observed"]) == set(roles)
    assert set(parsed.vars["exogenous"]) == {k for k, role in roles.items() if role == "exogenous"}
    assert set(parsed.vars["endogenous"]) == {k for k, role in roles.items() if role != "exogenous"}
    # mediators send an arrow on, outcomes do not: read from the syntax itself
    predictors = {x for xs in paper_model.equations().values() for x in xs}
    mediators = set(parsed.vars["endogenous"]) & predictors
    assert mediators == {k for k, role in roles.items() if role == "mediator"}


@pytest.fixture(scope="module")
def weak_paths_survey(tmp_path_factory):
    return load_survey(survey_battery.write(WEAK_PATHS, tmp_path_factory.mktemp("weak")))


@pytest.mark.parametrize("which", ["shipped", "weak_paths"])
def test_turning_the_arrow_pcdp_to_it_around_fits_exactly_as_well(which, weak_paths_survey):
    """The lesson says the model with IT -> PCDP is equivalent: same chi-square, same df."""
    scores = score_constructs(SHIPPED if which == "shipped" else weak_paths_survey)
    syntax = paper_model.model_syntax()
    reversed_arrow = syntax.replace(
        "international_trade ~ partnership_collaboration", "partnership_collaboration ~ international_trade"
    )
    assert reversed_arrow != syntax
    paper, other = fit_sem(syntax, scores), fit_sem(reversed_arrow, scores)
    assert other.df == paper.df
    for measure in ("chisq", "rmsea", "cfi", "tli", "srmr"):
        assert other.fit_measures()[measure] == pytest.approx(
            paper.fit_measures()[measure], rel=1e-6, abs=1e-8
        )


def test_self_check_00a_is_the_route_through_global_logistics(capsys):
    codes = {(h.predictor, h.outcome): h.code for h in paper_model.HYPOTHESES}
    route = {codes[("partnership_collaboration", "global_logistics")]}
    route.add(codes[("global_logistics", "operational_efficiency")])
    options = {"a": {"H1a", "H2c"}, "b": {"H1b", "H3c"}, "c": {"H1b", "H2c"}}
    right = next(letter for letter, pair in options.items() if pair == route)
    for letter in options:
        assert exercises.check("00.a", letter, SHIPPED) is (letter == right)
    capsys.readouterr()


@pytest.mark.parametrize(("check_id", "right"), [("00.b", "c"), ("00.c", "a")])
def test_conceptual_self_checks_take_only_the_right_letter(check_id, right, capsys):
    for letter in "abc":
        assert exercises.check(check_id, letter, SHIPPED) is (letter == right)
    capsys.readouterr()


def test_the_design_section_is_in_the_lesson_under_its_heading():
    """Lesson 04 links to it by this heading."""
    text = "\n".join(c.source for c in nbformat.read(LESSON, as_version=4).cells if c.cell_type == "markdown")
    assert "## What this design can and cannot show" in text
    for idea in (
        "Harman",
        "Podsakoff",
        "Lindell & Whitney",
        "equivalent",
        "common cause",
        "Reverse causality",
    ):
        assert idea.lower() in text.lower(), idea


def test_exercise_00_2_counts_what_semopy_lists_minus_the_exogenous_variance():
    syntax = paper_model.model_syntax() + "\nmarket_reach ~ partnership_collaboration"
    expected = specify(syntax).n_free  # what the hidden test of exercise 00.2 expects
    assert expected == 9 + 5 + 3
    assert len(semopy.Model(syntax).parameters) == expected + 1  # semopy also lists var(PCDP)


def markdown(lesson) -> str:
    return "\n".join(c.source for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "markdown")


def test_the_hypotheses_and_roles_are_described_without_causal_verbs():
    """Outside the design section, which discusses causes as such, the arrows are hypotheses:
    'is hypothesised to raise', 'exogenous variable', never 'drives' or 'exogenous cause'."""
    cells = nbformat.read(LESSON, as_version=4).cells
    text = "\n".join(
        c.source
        for c in cells
        if c.cell_type == "markdown" and c.get("id") not in ("design-causation", "references")
    )
    for phrase in ("drives", "exogenous cause", "variables are causes"):
        assert phrase not in text, phrase
    assert "hypothesised to raise" in text and "one exogenous variable" in text


def test_the_prerequisites_point_ahead_to_where_the_fit_statistics_are_defined():
    prerequisites = next(
        c.source for c in nbformat.read(LESSON, as_version=4).cells if "**Prerequisites.**" in c.source
    )
    for term in ("RMSEA", "CFI", "TLI", "SRMR", "factor analysis", "Lesson 04", "glossary"):
        assert term in prerequisites, term


def test_the_oli_and_dynamic_capabilities_lenses_cite_their_sources():
    text = markdown(LESSON)
    references = text.split("## References", 1)[1]
    assert "Dunning 1988" in text and "Teece, Pisano & Shuen 1997" in text
    assert "Dunning, J. H. (1988). The eclectic paradigm of international production" in " ".join(
        references.split()
    )
    assert "Teece, D. J., Pisano, G. & Shuen, A. (1997). Dynamic capabilities and strategic management." in (
        " ".join(references.split())
    )
