"""The book's pages and links without a browser: the full edition and the student edition.

A small notebooks folder (one lesson, its exercises and its solutions, linking to each other)
keeps these tests fast; tests/test_book.py opens the real book in Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from tools import book

LESSON_TEXT = (
    "# 01 · A lesson\n\nWork in [the exercises](exercises/01_lesson_exercises.ipynb); "
    "worked solutions are in "
    "[`solutions/01_lesson_solutions.ipynb`](solutions/01_lesson_solutions.ipynb#part-2)."
)
EXERCISES_TEXT = (
    "# 01 · Exercises\n\nBack to [the lesson](../01_lesson.ipynb); "
    "stuck? See [the solutions](../solutions/01_lesson_solutions.ipynb)."
)
SOLUTIONS_TEXT = "# 01 · Solutions\n\n## Part 2\n\nBack to [the lesson](../01_lesson.ipynb)."


def write_notebook(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=[new_markdown_cell(text)]), path)


@pytest.fixture(scope="module")
def small_course(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("notebooks")
    write_notebook(folder / "01_lesson.ipynb", LESSON_TEXT)
    write_notebook(folder / "exercises" / "01_lesson_exercises.ipynb", EXERCISES_TEXT)
    write_notebook(folder / "solutions" / "01_lesson_solutions.ipynb", SOLUTIONS_TEXT)
    return folder


def relative_links(page: Path) -> list[str]:
    hrefs = re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8"))
    return [href for href in hrefs if not re.match(r"[a-z][a-z0-9+.-]*:|#|/", href)]


def broken_links(output_dir: Path) -> list[str]:
    broken = []
    for page in output_dir.rglob("*.html"):
        for href in relative_links(page):
            if not (page.parent / href.partition("#")[0]).is_file():
                broken.append(f"{page.relative_to(output_dir)} -> {href}")
    return broken


def build(small_course: Path, output_dir: Path, left_out=()) -> list[book.Page]:
    return book.build_book(output_dir, small_course, left_out=left_out)


def test_the_full_edition_has_every_notebook_and_links_them(small_course, tmp_path):
    pages = build(small_course, tmp_path)
    assert [page.html_name for page in pages] == [
        "01_lesson.html",
        "exercises/01_lesson_exercises.html",
        "solutions/01_lesson_solutions.html",
    ]
    lesson = (tmp_path / "01_lesson.html").read_text(encoding="utf-8")
    assert 'href="solutions/01_lesson_solutions.html#part-2"' in lesson
    assert "Solutions" in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert broken_links(tmp_path) == []


def test_the_student_edition_leaves_out_the_solutions_and_every_link_to_them(small_course, tmp_path):
    build(small_course, tmp_path)  # a full edition first: its solution pages must go
    pages = build(small_course, tmp_path, left_out=("solutions",))
    assert [page.group for page in pages] == ["", "exercises"]
    assert not list(tmp_path.rglob("solutions/*.html"))
    assert "Solutions" not in (tmp_path / "index.html").read_text(encoding="utf-8")
    for page in tmp_path.rglob("*.html"):
        assert not [href for href in relative_links(page) if "solutions" in href], page.name
    assert broken_links(tmp_path) == []
    # the links lose their target, not their text; other links stay
    lesson = (tmp_path / "01_lesson.html").read_text(encoding="utf-8")
    assert "solutions/01_lesson_solutions.ipynb</code>" in lesson
    assert 'href="exercises/01_lesson_exercises.html"' in lesson
    exercises = (tmp_path / "exercises" / "01_lesson_exercises.html").read_text(encoding="utf-8")
    assert "stuck? See the solutions." in exercises
    assert 'href="../01_lesson.html"' in exercises


def test_link_rewriting_in_a_page_body():
    body = (
        '<a href="02_descriptives.ipynb">02</a> <a href="solutions/x_solutions.ipynb#a">'
        "<code>x</code></a> <a href='https://example.org/a.ipynb'>web</a>"
    )
    assert book.link_notebooks_to_pages(body) == (
        '<a href="02_descriptives.html">02</a> <a href="solutions/x_solutions.html#a">'
        "<code>x</code></a> <a href='https://example.org/a.ipynb'>web</a>"
    )
    assert book.link_notebooks_to_pages(body, left_out=("solutions",)) == (
        "<a href=\"02_descriptives.html\">02</a> <code>x</code> <a href='https://example.org/a.ipynb'>web</a>"
    )


def test_kit_book_has_a_student_edition_option_and_a_run_option(kit, monkeypatch, tmp_path):
    chosen = []
    monkeypatch.setattr(
        book, "run", lambda results, run, left_out=(): chosen.append((run, tuple(left_out))) or 0
    )
    monkeypatch.setattr(kit, "in_kit_environment", lambda: True)
    for flags in ([], ["--without-solutions"], ["--run", "class-0123456789ab"]):
        assert kit.main(["book", "--results", str(tmp_path), *flags]) == 0
    assert chosen == [(None, ()), (None, ("solutions",)), ("class-0123456789ab", ())]


def test_machine_paths_become_short_names_the_longest_first():
    replacements = [("/home/ana", "~"), ("/home/ana/course", ""), ("/home/ana/kit", "kit")]
    text = "read /home/ana/course/class.csv with /home/ana/kit/helpers/survey.py in /home/ana/other"
    assert book.without_machine_paths(text, replacements) == (
        "read class.csv with kit/helpers/survey.py in ~/other"
    )
    windows = [("C:\\Users\\ana\\course", "")]
    assert book.without_machine_paths("'C:\\\\Users\\\\ana\\\\course\\\\class.csv'", windows) == "'class.csv'"


def test_a_book_without_runs_shows_the_stored_outputs_of_the_shipped_data(small_course, tmp_path):
    build(small_course, tmp_path / "book")
    index = (tmp_path / "book" / "index.html").read_text(encoding="utf-8")
    assert "Data: the kit&#x27;s shipped synthetic survey" in index and "stored in the notebooks" in index
    assert "The data are synthetic" in index
