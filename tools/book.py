"""The kit's notebooks as a small static website, readable in any browser without Python.

    python3 kit.py book   ->  results/book/index.html, a page per lesson notebook, and pages for
                              the notebooks in the subfolders of notebooks/ (exercises/, solutions/)
    python3 kit.py book --without-solutions
                          ->  the student edition: the same without solutions/, for publishing
                              while exercises are open (links to solutions keep their text only)

Each page is made by nbconvert's HTML exporter (its ``lab`` template): figures are embedded in
the page as data URIs and nothing is loaded from the network, because the template below drops
the require.js, MathJax and Mermaid scripts that nbconvert would otherwise fetch from a CDN
(formulas therefore show as their TeX source, e.g. ``$\\chi^2$``). Every page has links to the
previous and next notebook of its group and to the contents page, and links between notebooks
(``02_descriptives.ipynb``, ``exercises/...ipynb``, ``../...ipynb``) point at their pages.

A lesson's page shows the outputs of the copy that ``python3 kit.py replicate`` executed into
``results/notebooks/`` when there is one no older than the lesson itself, else the outputs stored
in ``notebooks/``; the other notebooks show their stored outputs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import nbformat

from helpers import settings
from tools.notebook_runner import NOTEBOOKS_DIR, lesson_notebooks

BOOK_TITLE = "Digital platforms and the global expansion of SMEs: the replication kit"

# Extends nbconvert's lab template: no remote scripts, an empty inline icon (no favicon.ico
# request), and a navigation bar above and below.
TEMPLATE = """
{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<link rel="icon" href="data:,">
<style type="text/css">{{ resources.book_css }}</style>
{%- endblock extra_css -%}
{%- block body_header -%}{{ super() }}{{ resources.book_nav }}{%- endblock body_header -%}
{%- block body_footer -%}{{ resources.book_nav }}{{ super() }}{%- endblock body_footer -%}
"""

CSS = """
.book-nav { display: flex; justify-content: space-between; gap: 1em; margin: 1em auto;
  padding: 0.6em 1em; max-width: 1100px; font-family: sans-serif; background: #f3f5f7;
  border-radius: 6px; }
.book-nav a { color: #1a5490; text-decoration: none; }
.book-nav a:hover { text-decoration: underline; }
"""

INDEX_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<link rel="icon" href="data:,">
<style type="text/css">
body {{ font-family: sans-serif; max-width: 50em; margin: 2em auto; padding: 0 1em; line-height: 1.5; }}
ol {{ list-style: none; padding-left: 0; }}
li {{ margin: 0.4em 0; }}
.origin {{ color: #666; font-size: 0.9em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>The kit's notebooks in order, with their outputs. The data are synthetic: they teach the method
and are not evidence about real firms. Formulas are shown as TeX source.</p>
{sections}
</body>
</html>
"""


@dataclass(frozen=True)
class Page:
    """One notebook of the book: where its outputs come from and the page it becomes."""

    source: Path
    executed: bool
    title: str
    html_name: str  # the page's path inside the book, e.g. "exercises/02_descriptives_exercises.html"
    group: str = ""  # "" for the lessons, else the subfolder of notebooks/ ("exercises", ...)


def companion_groups(folder: Path = NOTEBOOKS_DIR) -> dict[str, list[Path]]:
    """The notebooks of each subfolder of notebooks/ (exercises, solutions, ...), in order."""
    groups = {}
    for subfolder in sorted(path for path in folder.iterdir() if path.is_dir()):
        notebooks = sorted(subfolder.glob("*.ipynb"))
        if notebooks and not subfolder.name.startswith((".", "_")):
            groups[subfolder.name] = notebooks
    return groups


def choose_source(lesson: Path, executed_dir: Path) -> tuple[Path, bool]:
    """The executed copy of a lesson when replicate wrote one no older than the lesson, else the lesson."""
    executed = executed_dir / lesson.name
    if executed.is_file() and executed.stat().st_mtime >= lesson.stat().st_mtime:
        return executed, True
    return lesson, False


def notebook_title(notebook: nbformat.NotebookNode) -> str:
    """The first markdown heading of a notebook, without its ``#`` marks."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""


def navigation(group: list[Page], position: int) -> str:
    """The bar of previous / contents / next links for the page at ``position`` of its group."""
    page = group[position]
    contents = "../" * page.html_name.count("/") + "index.html"
    previous = next_page = "<span></span>"  # empty placeholders keep "Contents" centred
    if position > 0:
        other = group[position - 1]
        previous = f'<a href="{Path(other.html_name).name}" rel="prev">← {html.escape(other.title)}</a>'
    if position + 1 < len(group):
        other = group[position + 1]
        next_page = f'<a href="{Path(other.html_name).name}" rel="next">{html.escape(other.title)} →</a>'
    return f'<nav class="book-nav">{previous}<a href="{contents}">Contents</a>{next_page}</nav>'


def link_notebooks_to_pages(body: str, left_out: Collection[str] = ()) -> str:
    """Point relative links to notebooks (``x.ipynb``, ``exercises/x.ipynb#part``) at their pages.

    A link to a notebook in a left-out subfolder (``solutions/x.ipynb`` or ``../solutions/x.ipynb``
    in the student edition) would lead nowhere: it keeps its text and loses the link.
    """
    for group in left_out:
        into_group = rf'<a href="(?:\.\./)?{re.escape(group)}/[^"]*\.ipynb[^"]*"[^>]*>(.*?)</a>'
        body = re.sub(into_group, r"\1", body, flags=re.DOTALL)
    return re.sub(r'href="(?![a-z][a-z0-9+.-]*:|/)([^"#]+)\.ipynb([#"])', r'href="\1.html\2', body)


def read_pages(
    notebooks_dir: Path, executed_dir: Path, left_out: Collection[str] = ()
) -> list[tuple[Page, nbformat.NotebookNode]]:
    """Every notebook of the book with its page: the lessons, then each subfolder's notebooks
    (except the subfolders in ``left_out``)."""
    entries = []
    for lesson in lesson_notebooks(notebooks_dir):
        source, executed = choose_source(lesson, executed_dir)
        notebook = nbformat.read(source, as_version=4)
        page = Page(source, executed, notebook_title(notebook) or lesson.stem, f"{lesson.stem}.html")
        entries.append((page, notebook))
    for group, paths in companion_groups(notebooks_dir).items():
        if group in left_out:
            continue
        for path in paths:
            notebook = nbformat.read(path, as_version=4)
            title = notebook_title(notebook) or path.stem
            entries.append((Page(path, False, title, f"{group}/{path.stem}.html", group), notebook))
    return entries


def index_page(pages: list[Page]) -> str:
    """The contents page: the lessons in order, then one list per subfolder."""
    sections = []
    for group in dict.fromkeys(page.group for page in pages):
        items = []
        for page in pages:
            if page.group == group:
                origin = "executed by replicate" if page.executed else "stored outputs"
                link = f'<a href="{page.html_name}">{html.escape(page.title)}</a>'
                items.append(f'<li>{link} <span class="origin">({origin})</span></li>')
        heading = html.escape(group.replace("_", " ").capitalize() or "Lessons")
        kind = "group" if group else "lessons"
        sections.append(f'<h2>{heading}</h2>\n<ol class="{kind}">\n' + "\n".join(items) + "\n</ol>")
    return INDEX_PAGE.format(title=html.escape(BOOK_TITLE), sections="\n".join(sections))


def build_book(
    output_dir: Path,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    executed_dir: Path | None = None,
    left_out: Collection[str] = (),
) -> list[Page]:
    """Write ``index.html`` and one page per notebook into ``output_dir``; return the pages in order.

    ``left_out`` names subfolders of notebooks/ to leave out, e.g. ``("solutions",)``; pages of an
    earlier build that this one does not write are removed.
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    executed_dir = executed_dir if executed_dir is not None else settings.results_dir() / "notebooks"
    output_dir.mkdir(parents=True, exist_ok=True)
    for stale in output_dir.rglob("*.html"):
        stale.unlink()

    entries = read_pages(notebooks_dir, executed_dir, left_out)
    pages = [page for page, _ in entries]
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"book.html.j2": TEMPLATE})],
        template_file="book.html.j2",
        embed_images=True,
    )
    for page, notebook in entries:
        group = [other for other in pages if other.group == page.group]
        notebook.metadata["title"] = page.title
        resources = {
            # relative paths in a notebook (e.g. a markdown image) start from its own folder
            "metadata": {"name": page.source.stem, "path": str(notebooks_dir / page.group)},
            "book_nav": navigation(group, group.index(page)),
            "book_css": CSS,
        }
        body, _ = exporter.from_notebook_node(notebook, resources=resources)
        target = output_dir / page.html_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(link_notebooks_to_pages(body, left_out), encoding="utf-8")
    (output_dir / "index.html").write_text(index_page(pages), encoding="utf-8")
    return pages


def run(left_out: Collection[str] = ()) -> int:
    """``python3 kit.py book``: build the book into the results folder and say what it used."""
    output_dir = settings.results_dir("book")
    pages = build_book(output_dir, left_out=left_out)
    lessons = [page for page in pages if not page.group]
    if not lessons:
        print(f"No lesson notebooks found in {NOTEBOOKS_DIR}")
        return 1
    executed = [page for page in lessons if page.executed]
    if len(executed) == len(lessons):
        print("Lessons from the executed notebooks in results/notebooks/ (written by `kit.py replicate`):")
    elif not executed:
        print("Lessons from the outputs stored in notebooks/ (run `kit.py replicate` first for fresh ones):")
    else:
        print("Lessons from results/notebooks/ where replicate wrote an up-to-date copy, else notebooks/:")
    for page in lessons:
        origin = "executed (results/notebooks)" if page.executed else "stored (notebooks)"
        print(f"  {page.html_name:<40} {origin}")
    for group in dict.fromkeys(page.group for page in pages if page.group):
        count = sum(page.group == group for page in pages)
        print(f"  {group}/: {count} notebooks, stored outputs")
    for group in left_out:
        print(f"  {group}/: left out (student edition)")
    print(f"Open {output_dir / 'index.html'} in a browser.")
    return 0
