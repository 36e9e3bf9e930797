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

A book shows one dataset. Its lesson pages come from one run of ``kit.py replicate`` (see
``tools.runs``): by default the latest good run of the shipped data, or the run named with
``--run``; a failed run is refused. Without any run, the pages show the outputs stored in
``notebooks/`` (executed on the shipped data). The index and every page say which data and which
run they show; the "synthetic data" notice appears only when the data are the kit's shipped
synthetic survey. Exercises and solutions (whose stored outputs are on the shipped data) are part
of the book only when the lessons are too. No page carries an absolute path of the machine that
built it: the kit's folder, the results folder, the survey's folder, the home and temporary
folders and the Python installation are written as short names instead.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from helpers import files, settings
from tools import runs
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
{%- block body_header -%}
{{ super() }}{{ resources.book_nav }}{{ resources.book_data }}
{%- endblock body_header -%}
{%- block body_footer -%}{{ resources.book_nav }}{{ super() }}{%- endblock body_footer -%}
"""

CSS = """
.book-nav { display: flex; justify-content: space-between; gap: 1em; margin: 1em auto;
  padding: 0.6em 1em; max-width: 1100px; font-family: sans-serif; background: #f3f5f7;
  border-radius: 6px; }
.book-nav a { color: #1a5490; text-decoration: none; }
.book-nav a:hover { text-decoration: underline; }
.book-data { margin: 0 auto 1em; padding: 0.4em 1em; max-width: 1100px; font-family: sans-serif;
  font-size: 0.9em; color: #333; border-left: 4px solid #1a5490; background: #fafbfc; }
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
<p class="book-data">{data}</p>
<p>The kit's notebooks in order, with their outputs. {notice}Formulas are shown as TeX source.</p>
{sections}
</body>
</html>
"""
SYNTHETIC_NOTICE = "The data are synthetic: they teach the method and are not evidence about real firms. "


@dataclass(frozen=True)
class Edition:
    """What a book shows: one run's executed lessons, or (``run`` None) the stored outputs."""

    run: Path | None = None
    manifest: dict = field(default_factory=dict)

    @property
    def shipped(self) -> bool:
        return self.run is None or bool(self.manifest["dataset"]["shipped"])

    def describe(self) -> str:
        """One line for the index and every page: which data, which run."""
        if self.run is None:
            return (
                "Data: the kit's shipped synthetic survey (data/sme_kerala_survey.csv). Outputs: those "
                "stored in the notebooks (no run of kit.py replicate was found)."
            )
        dataset = self.manifest["dataset"]
        data = (
            "the kit's shipped synthetic survey (data/sme_kerala_survey.csv"
            if dataset["shipped"]
            else f"{Path(dataset['path']).name} (not the shipped data"
        )
        left_out = len(dataset.get("firms_left_out", []))
        blanks = f"; {left_out} firm(s) with blank answers left out" if left_out else ""
        return (
            f"Data: {data}, {dataset['n_firms']} firms{blanks}, SHA-256 {dataset['sha256'][:12]}). "
            f"Outputs: run {self.run.name} of kit.py replicate, finished {self.manifest['finished']}."
        )

    def machine_paths(self) -> list[tuple[str, str]]:
        """Absolute paths of this machine that a page may contain, each with what replaces it."""
        replacements = [
            (settings.results_root(), "results"),
            (settings.REPO_ROOT, "kit"),
            (Path(sys.prefix), "python"),
            (Path(sys.base_prefix), "python"),
            (Path(tempfile.gettempdir()), "tmp"),
            (Path.home(), "~"),
        ]
        if self.run is not None:
            replacements.insert(0, (self.run, "run"))
            replacements.insert(0, (Path(self.manifest["dataset"]["path"]).parent, ""))
        return [(str(path), name) for path, name in replacements]


def without_machine_paths(text: str, replacements: list[tuple[str, str]]) -> str:
    """Write every absolute path of ``replacements`` (the longest first) as its short name, or, for
    the name "", without its folder: ``/home/ana/course/class.csv`` becomes ``class.csv``,
    ``/home/ana/kit/helpers/survey.py`` ``kit/helpers/survey.py``."""
    for path, name in sorted(replacements, key=lambda pair: -len(pair[0])):
        if len(path) <= 1:  # never the file system's root
            continue
        for written in {path, html.escape(path), path.replace("\\", "\\\\")}:
            if name:
                text = text.replace(written, name)
            else:
                for separator in ("\\\\", "\\", "/"):  # a repr doubles Windows' backslashes
                    text = text.replace(written + separator, "")
                text = text.replace(written, ".")
    return text


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


def left_out_groups(notebooks_dir: Path, edition: Edition, left_out: Collection[str]) -> tuple[str, ...]:
    """The subfolders the book leaves out: those asked for, and, for a survey other than the
    shipped one, every subfolder (their stored outputs are on the shipped data)."""
    if edition.shipped:
        return tuple(left_out)
    return tuple(dict.fromkeys([*left_out, *companion_groups(notebooks_dir)]))


def read_pages(
    notebooks_dir: Path, edition: Edition, left_out: Collection[str] = ()
) -> list[tuple[Page, nbformat.NotebookNode]]:
    """Every notebook of the book with its page: the lessons (from the edition's run, if any),
    then each subfolder's notebooks (except the subfolders in ``left_out``)."""
    entries = []
    for lesson in lesson_notebooks(notebooks_dir):
        executed = edition.run is not None
        source = edition.run / "notebooks" / lesson.name if executed else lesson
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


def index_page(pages: list[Page], edition: Edition = Edition()) -> str:
    """The contents page: which data and run, the lessons in order, then one list per subfolder."""
    sections = []
    for group in dict.fromkeys(page.group for page in pages):
        items = []
        for page in pages:
            if page.group == group:
                origin = "executed by the run" if page.executed else "stored outputs"
                link = f'<a href="{page.html_name}">{html.escape(page.title)}</a>'
                items.append(f'<li>{link} <span class="origin">({origin})</span></li>')
        heading = html.escape(group.replace("_", " ").capitalize() or "Lessons")
        kind = "group" if group else "lessons"
        sections.append(f'<h2>{heading}</h2>\n<ol class="{kind}">\n' + "\n".join(items) + "\n</ol>")
    return INDEX_PAGE.format(
        title=html.escape(BOOK_TITLE),
        data=html.escape(edition.describe()),
        notice=SYNTHETIC_NOTICE if edition.shipped else "",
        sections="\n".join(sections),
    )


def build_book(
    output_dir: Path,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    edition: Edition = Edition(),
    left_out: Collection[str] = (),
) -> list[Page]:
    """Write ``index.html`` and one page per notebook into ``output_dir``; return the pages in order.

    ``left_out`` names subfolders of notebooks/ to leave out, e.g. ``("solutions",)``. The new book
    replaces an earlier one in ``output_dir`` whole.
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    left_out = left_out_groups(notebooks_dir, edition, left_out)
    # built beside the old book, which it then replaces whole: no page of an earlier book remains
    staging = output_dir.with_name(f".{output_dir.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)

    entries = read_pages(notebooks_dir, edition, left_out)
    pages = [page for page, _ in entries]
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"book.html.j2": TEMPLATE})],
        template_file="book.html.j2",
        embed_images=True,
    )
    paths = edition.machine_paths()
    data_line = html.escape(edition.describe()) + (f" {SYNTHETIC_NOTICE}" if edition.shipped else "")
    for page, notebook in entries:
        group = [other for other in pages if other.group == page.group]
        notebook.metadata["title"] = page.title
        resources = {
            # relative paths in a notebook (e.g. a markdown image) start from its own folder
            "metadata": {"name": page.source.stem, "path": str(notebooks_dir / page.group)},
            "book_nav": navigation(group, group.index(page)),
            "book_data": f'<p class="book-data">{data_line}</p>',
            "book_css": CSS,
        }
        body, _ = exporter.from_notebook_node(notebook, resources=resources)
        body = without_machine_paths(link_notebooks_to_pages(body, left_out), paths)
        files.write_text(staging / page.html_name, body)
    files.write_text(staging / "index.html", without_machine_paths(index_page(pages, edition), paths))
    runs.replace_directory(staging, output_dir)
    return pages


class RunRefused(Exception):
    """The run asked for cannot make a book; the message says why and what to do."""


def choose_edition(results: Path, run_name: str | None) -> Edition:
    """The run named ``run_name``, or the latest good run of the shipped data, or (no run at all)
    the stored outputs. A failed, unfinished or unknown run is refused."""
    if run_name is None:
        good = runs.good_runs(results, shipped_only=True)
        return Edition(good[0], runs.read_manifest(good[0])) if good else Edition()
    folder = results / runs.RUNS / run_name
    manifest = runs.read_manifest(folder)
    if manifest is not None and manifest.get("status") == "ok":
        return Edition(folder, manifest)
    failed = sorted((results / runs.FAILED).glob(f"{run_name}*"))
    known = ", ".join(path.name for path in runs.good_runs(results)) or "none yet"
    if failed or (manifest is not None):
        raise RunRefused(
            f"the run {run_name} did not finish well (see {failed[-1] if failed else folder}/"
            f"{runs.MANIFEST}); a book shows only a good run. Fix the cause and run kit.py replicate "
            f"again. Good runs: {known}"
        )
    raise RunRefused(f"there is no run {run_name} in {results / runs.RUNS}. Good runs: {known}")


def run(results: Path, run_name: str | None = None, left_out: Collection[str] = ()) -> int:
    """``python3 kit.py book``: build the book of one run into ``results``/book and say what it shows."""
    try:
        edition = choose_edition(results, run_name)
    except RunRefused as refused:
        print(f"No book: {refused}")
        return 1
    output_dir = results / "book"
    pages = build_book(output_dir, edition=edition, left_out=left_out)
    lessons = [page for page in pages if not page.group]
    if not lessons:
        print(f"No lesson notebooks found in {NOTEBOOKS_DIR}")
        return 1
    print(edition.describe())
    if edition.run is None:
        print("(Run `kit.py replicate` first for a book of freshly executed lessons.)")
    for group in dict.fromkeys(page.group for page in pages if page.group):
        count = sum(page.group == group for page in pages)
        print(f"  {group}/: {count} notebooks, stored outputs on the shipped data")
    for group in left_out_groups(NOTEBOOKS_DIR, edition, left_out):
        why = "student edition" if group in left_out else "their outputs are on the shipped data"
        print(f"  {group}/: left out ({why})")
    print(f"{len(lessons)} lessons. Open {output_dir / 'index.html'} in a browser.")
    return 0
