"""Every lesson has the same scaffolding (issue 14): prerequisites at the top, two or three
self-check questions inside the lesson (registered, so their answers are checked), at least one
step done with the field's standard library and shown equal to the kit's helper, key points
before the exercises and references before the environment cell. The right answers themselves
are tested per lesson (tests/test_lesson_*_tools.py); this file pins the shape."""

import re

import nbformat
import pytest

from helpers import self_checks, settings

LESSONS = sorted(settings.REPO_ROOT.glob("notebooks/[0-9][0-9]_*.ipynb"))
SELF_CHECK = re.compile(r"""lesson\.check\(\s*["'](\d\d)\.([a-z])["']""")
APPENDIX = settings.REPO_ROOT / "notebooks" / "appendix"


def cells(lesson):
    return nbformat.read(lesson, as_version=4).cells


def heading_index(notebook_cells, heading):
    found = [i for i, c in enumerate(notebook_cells) if c.cell_type == "markdown" and heading in c.source]
    assert found, f"no {heading!r}"
    return found[0]


def self_check_ids(lesson):
    return [
        f"{n}.{letter}"
        for c in cells(lesson)
        if c.cell_type == "code"
        for n, letter in SELF_CHECK.findall(c.source)
    ]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_prerequisites_open_the_lesson(lesson):
    opening = [c.source for c in cells(lesson)[:3] if c.cell_type == "markdown"]
    assert any("**Prerequisites.**" in text for text in opening)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_two_or_three_registered_self_checks_inside_the_lesson(lesson):
    ids = self_check_ids(lesson)
    assert 2 <= len(ids) <= 3, ids
    assert all(i.startswith(lesson.name[:2] + ".") for i in ids), ids
    assert set(ids) <= set(self_checks.REGISTRY), set(ids) - set(self_checks.REGISTRY)
    notebook_cells = cells(lesson)
    exercises = heading_index(notebook_cells, "## Exercises")
    for i in ids:  # each question is asked in prose before its check cell, inside the lesson
        asked = heading_index(notebook_cells, f"Self-check {i}")
        checked = next(k for k, c in enumerate(notebook_cells) if c.cell_type == "code" and i in c.source)
        assert asked < checked < exercises


def test_every_registered_self_check_is_asked_in_its_lesson():
    asked = {i for lesson in LESSONS for i in self_check_ids(lesson)}
    assert set(self_checks.REGISTRY) == asked


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_a_step_with_the_fields_own_tool_shown_equal_to_the_helper(lesson):
    assert any(c.cell_type == "code" and "lesson.same_result(" in c.source for c in cells(lesson))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_key_points_before_the_exercises_and_references_before_the_environment(lesson):
    notebook_cells = cells(lesson)
    key_points = heading_index(notebook_cells, "## Key points")
    exercises = heading_index(notebook_cells, "## Exercises")
    references = heading_index(notebook_cells, "## References")
    environment = heading_index(notebook_cells, "## Environment")
    assert key_points < exercises < references < environment
    points = notebook_cells[key_points].source.split("## Key points", 1)[1]
    assert len(re.findall(r"^\s*- ", points, flags=re.M)) >= 3


def test_the_glossary_defines_the_terms_the_lessons_use():
    glossary = APPENDIX / "glossary.ipynb"
    text = "\n".join(c.source for c in nbformat.read(glossary, as_version=4).cells)
    for term in ("RMSEA", "CFI", "TLI", "SRMR", "mediation", "confidence interval", "common-method"):
        assert term.lower() in text.lower(), term


def reference_bullets(text):
    """The bullets of a References list, each joined into one line."""
    bullets = re.split(r"\n- ", "\n" + text.split("## References", 1)[1])
    return [" ".join(bullet.split()) for bullet in bullets if bullet.strip()]


def cited(bullet):
    """(first author's surname, year) of a reference, or None for a work without a year."""
    year = re.search(r"\((\d{4})\)", bullet)
    return (re.split(r"[ ,]", bullet, maxsplit=1)[0], year.group(1)) if year else None


def test_the_readme_lists_every_reference_of_every_lesson():
    readme = (settings.REPO_ROOT / "README.md").read_text(encoding="utf-8")
    listed = reference_bullets(readme.split("## How to cite")[0])
    for lesson in LESSONS:
        section = next(
            c.source for c in cells(lesson) if c.cell_type == "markdown" and "## References" in c.source
        )
        for bullet in reference_bullets(section):
            work = cited(bullet)
            if work:
                assert any(work[0] in entry and f"({work[1]})" in entry for entry in listed), (
                    lesson.name,
                    bullet,
                )
