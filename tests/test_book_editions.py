"""The book's pages and links without a browser: the full edition and the student edition.

A small notebooks folder (one lesson, its exercises and its solutions, linking to each other)
keeps these tests fast; tests/test_book.py opens the real book in Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools import book
from tools.notebook_runner import NOTEBOOKS_DIR

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


# Formulas: TeX in markdown becomes MathML at build time (tests/test_book.py checks how it renders).

FORMULA_TEXT = r"""# 02 · Formulas

The statistic $\chi^2$ and a display formula:

$$F_{ML}(\theta) = \log|\Sigma(\theta)| + \operatorname{tr}\!\big(S\,\Sigma(\theta)^{-1}\big)$$

In code, `$x$` and `self$model` stay; so does an escaped \$5 fee, and money: $5 and $10.

```r
fit$model  # $$ not a formula $$
```
"""


STATEMENT = "$R^2 = .42$, the share explained"  # a markdown output, as a statements helper writes


def formula_course(folder: Path, text: str = FORMULA_TEXT, statement: str = STATEMENT) -> Path:
    """A lesson: a markdown cell (``text``), then a code cell whose output is markdown (``statement``)."""
    notebook = new_notebook(cells=[new_markdown_cell(text)])
    notebook.cells.append(new_code_cell("statement()"))
    output = new_output("display_data", data={"text/markdown": statement, "text/plain": ""})
    notebook.cells[1].outputs = [output]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / "02_formulas.ipynb")
    return folder


def test_formulas_become_mathml_and_other_dollar_signs_stay(tmp_path):
    build(formula_course(tmp_path / "notebooks"), tmp_path / "book")
    page = (tmp_path / "book" / "02_formulas.html").read_text(encoding="utf-8")
    assert page.count('<math display="block"') == 1
    assert page.count('<math display="inline"') == 2  # chi-square, and R² in the markdown output
    assert "<mi>χ</mi>" in page and "<mfrac>" not in page and "<msup><mi>R</mi><mn>2</mn></msup>" in page
    assert "\\chi" not in page and "\\Sigma" not in page and "$$F" not in page
    assert "<code>$x$</code>" in page and "<code>self$model</code>" in page
    assert "escaped $5 fee" in page and "money: $5 and $10." in page
    assert '<span class="c1"># $$ not a formula $$</span>' in page  # the fenced R code, highlighted
    assert 'class="book-unconverted"' not in page


def test_a_formula_latex2mathml_cannot_convert_stops_the_build_and_names_it(tmp_path):
    course = formula_course(tmp_path / "notebooks")
    build(course, tmp_path / "book")
    text = FORMULA_TEXT + "\nAnd $\\foo{x}$, then $$\\frac{1}{$$\n"
    formula_course(course, text, statement="$R^2 = \\bad$")
    with pytest.raises(book.FormulaError) as stopped:
        build(course, tmp_path / "book")
    message = str(stopped.value)
    assert "3 formula(s)" in message
    assert (
        "notebooks/02_formulas.ipynb, cell 2: formula `R^2 = \\bad`: latex2mathml does not know \\bad"
        in message
    )
    assert (
        "notebooks/02_formulas.ipynb, cell 1: formula `\\foo{x}`: latex2mathml does not know \\foo" in message
    )
    assert "notebooks/02_formulas.ipynb, cell 1: formula `\\frac{1}{`: latex2mathml cannot read it" in message
    # the earlier book stays whole, and no half-built one is left beside it
    assert "<math" in (tmp_path / "book" / "02_formulas.html").read_text(encoding="utf-8")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["book", "notebooks"]
    assert [str(formula) for formula in book.unconverted_formulas(course / "02_formulas.ipynb")] == [
        "02_formulas.ipynb, cell 1: formula `\\foo{x}`: latex2mathml does not know \\foo",
        "02_formulas.ipynb, cell 1: formula `\\frac{1}{`: latex2mathml cannot read it "
        "(NoAvailableTokensError)",
        "02_formulas.ipynb, cell 2: formula `R^2 = \\bad`: latex2mathml does not know \\bad",
    ]


def test_every_formula_of_the_kits_notebooks_converts():
    notebooks = sorted(NOTEBOOKS_DIR.rglob("*.ipynb"))
    assert len(notebooks) > 20  # lessons, exercises, solutions, appendix
    failures = [str(formula) for path in notebooks for formula in book.unconverted_formulas(path)]
    assert failures == []


def test_tex_to_mathml_draws_braces_and_refuses_unknown_commands():
    braced = book.tex_to_mathml(r"\underbrace{\frac{p(p+1)}{2}}_{\text{moments}} - q", display=True)
    assert braced.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">')
    assert (
        '<mrow class="book-underbrace"><mfrac>' in braced
        and "\u23df" not in braced
        and "&#x23DF;" not in braced
    )
    assert "negativethinmathspace" not in book.tex_to_mathml(r"\Phi\!\left(x\right)", display=False)
    with pytest.raises(book.UnsupportedFormula, match=r"does not know \\foo, \\qux"):
        book.tex_to_mathml(r"\foo + \qux", display=False)


def test_pages_can_carry_launch_links(small_course, tmp_path):
    def links(page: book.Page) -> dict[str, str]:
        return {"Binder": f"https://mybinder.org/v2/gh/a/b/HEAD?labpath=notebooks/{page.notebook_name}&x=1"}

    pages = book.build_book(tmp_path, small_course, launch_links=links)
    assert pages[1].notebook_name == "exercises/01_lesson_exercises.ipynb"
    exercises = (tmp_path / "exercises" / "01_lesson_exercises.html").read_text(encoding="utf-8")
    assert (
        '<p class="book-launch">Run this notebook online: <a href="https://mybinder.org/v2/gh/a/b/HEAD?'
        'labpath=notebooks/exercises/01_lesson_exercises.ipynb&amp;x=1" rel="noopener">Binder</a></p>'
    ) in exercises
    book.build_book(tmp_path, small_course)
    assert (
        "book-launch" not in (tmp_path / "01_lesson.html").read_text(encoding="utf-8").split("</style>")[-1]
    )


def test_table_cells_may_break_after_underscores():
    body = (
        '<th>frequency_published</th><td class="x">partnership_collaboration</td><td>0.5</td>'
        "<th><b>a_b</b></th>"
    )
    assert book.breakable_table_cells(body) == (
        '<th>frequency_<wbr>published</th><td class="x">partnership_<wbr>collaboration</td><td>0.5</td>'
        "<th><b>a_b</b></th>"
    )


def test_kit_book_takes_each_pages_links_from_the_github_remote(tmp_path):
    import subprocess

    checkout = tmp_path / "kit"
    checkout.mkdir()
    subprocess.run(["git", "init", "-q", str(checkout)], check=True)
    assert book.online_links(checkout) is None  # no remote: no links (kit.py book says what to do)
    remote = "https://github.com/a-teacher/sme-kit.git"
    subprocess.run(["git", "-C", str(checkout), "remote", "add", "origin", remote], check=True)
    page = book.Page(Path("x.ipynb"), False, "04", "exercises/04_path_analysis_exercises.html", "exercises")
    links = book.online_links(checkout)(page)
    assert links["Binder"] == (
        "https://mybinder.org/v2/gh/a-teacher/sme-kit/HEAD?urlpath=lab/tree/"
        "notebooks/exercises/04_path_analysis_exercises.ipynb"
    )
    assert links["Colab"].startswith("https://colab.research.google.com/github/a-teacher/sme-kit/blob/")
    assert links["Colab"].endswith("/notebooks/exercises/04_path_analysis_exercises.ipynb")
