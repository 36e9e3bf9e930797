"""The kit's notebooks as a small static website, readable in any browser without Python.

    python3 kit.py book   ->  results/book/index.html, a page per lesson notebook, and pages for
                              the notebooks in the subfolders of notebooks/ (exercises/, solutions/)
    python3 kit.py book --without-solutions
                          ->  the student edition: the same without solutions/, for publishing
                              while exercises are open (links to solutions keep their text only)

Each page is made by nbconvert's HTML exporter (its ``lab`` template): figures are embedded in
the page as data URIs and nothing is loaded from the network, because the template below drops
the require.js, MathJax and Mermaid scripts that nbconvert would otherwise fetch from a CDN.
Formulas are converted at build time instead: every ``$...$`` (inline) and ``$$...$$`` (display)
of a markdown cell or a markdown output becomes a MathML ``<math>`` element (latex2mathml), which
browsers draw with their own fonts. Dollar signs in code, escaped (``\\$``) or used for money
(``$5 and $10``: an opening ``$`` followed by a space, or a closing one preceded by a space or
followed by a digit, is not a formula) stay as they are. A formula that latex2mathml cannot
convert stops the build, with the notebook, cell and formula of every such case (see
``FormulaError``): the book never shows raw TeX. Every page has links to the previous and next
notebook of its group and to the contents page, and links between notebooks
(``02_descriptives.ipynb``, ``exercises/...ipynb``, ``../...ipynb``) point at their pages. The
pages print well (``@media print``: no navigation bars, figures and tables within the page);
``tools.handout`` prints the lessons as PDF handouts.

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
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import latex2mathml.converter
import nbformat
from jinja2 import DictLoader, pass_context
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath, MathInlineParser

from helpers import files, settings
from tools import runs
from tools.notebook_runner import NOTEBOOKS_DIR, lesson_notebooks

BOOK_TITLE = "Digital platforms and the global expansion of SMEs: the replication kit"

# Extends nbconvert's lab template: no remote scripts, an empty inline icon (no favicon.ico
# request), a navigation bar above and below, and (when the book is given them) launch links.
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
{{ super() }}{{ resources.book_nav }}{{ resources.book_data }}{{ resources.book_launch }}
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
.book-launch { margin: 0 auto 1em; padding: 0 1em; max-width: 1100px; font-family: sans-serif;
  font-size: 0.9em; }
math { font-family: math, "STIX Two Math", "Latin Modern Math", "Cambria Math", serif; font-size: 1.05em; }
math[display="block"] { margin: 0.8em 0; overflow-x: auto; overflow-y: hidden; }
.book-underbrace { border: 0.07em solid currentColor; border-top: none; border-radius: 0 0 0.5em 0.5em;
  padding: 0 0.15em 0.25em; }
.book-overbrace { border: 0.07em solid currentColor; border-bottom: none; border-radius: 0.5em 0.5em 0 0;
  padding: 0.25em 0.15em 0; }
.book-unconverted { color: #b00020; }
@media print {
  .book-nav, .book-launch, .jp-InputPrompt, .jp-OutputPrompt, .jp-InputCollapser, .jp-OutputCollapser,
  .anchor-link { display: none !important; }
  body, .jp-Notebook { margin: 0 !important; padding: 0 !important; font-size: 10pt; }
  .jp-Cell { padding: 0.2em 0 !important; }
  .book-data { max-width: none; margin: 0 0 0.8em; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  img, svg, table, pre, math[display="block"], .jp-OutputArea-output { break-inside: avoid;
    page-break-inside: avoid; }
  img, svg { max-width: 100% !important; height: auto !important; }
  math[display="block"] { overflow: visible; max-width: 100%; }
  .jp-RenderedHTMLCommon table { max-width: 100%; table-layout: auto; }
  .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { font-size: 7.5pt !important;
    padding: 0.15em 0.3em !important; overflow-wrap: break-word; }
  .jp-RenderedHTMLCommon th { overflow-wrap: anywhere; }  /* a header breaks rather than the page */
  pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible !important; }
  a { color: inherit; text-decoration: none; }
}
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
<p>The kit's notebooks in order, with their outputs. {notice}</p>
{sections}
</body>
</html>
"""
SYNTHETIC_NOTICE = "The data are synthetic: they teach the method and are not evidence about real firms. "

# Inline math as pandoc reads it: the opening $ is followed by a non-space, the closing $ follows a
# non-space and is not followed by a digit, so that "$5 and $10" stays text. Neither $ is escaped.
INLINE_MATH = r"(?s:(?<![$\\])\$(?=[^\s$])(?P<math_inline_tex>.+?)(?<![\s$\\])\$(?!\d))"


MATHML = "http://www.w3.org/1998/Math/MathML"
BRACES = {"\u23df": "book-underbrace", "\u23de": "book-overbrace"}  # the glyphs of \underbrace, \overbrace


class UnsupportedFormula(ValueError):
    """latex2mathml cannot convert a formula; the message says why."""


class FormulaError(Exception):
    """Formulas of the book that cannot become MathML; the message lists each with its notebook and
    cell, and what to change."""


@dataclass(frozen=True)
class Unconverted:
    """A formula that stopped the build: where it is and why."""

    notebook: str  # e.g. "06_reporting_audit.ipynb" or "solutions/04_path_analysis_solutions.ipynb"
    cell: int  # counted from 1, as a reader counts the cells of the notebook
    tex: str
    reason: str

    def __str__(self) -> str:
        return f"{self.notebook}, cell {self.cell}: formula `{' '.join(self.tex.split())}`: {self.reason}"


def tex_to_mathml(tex: str, display: bool) -> str:
    """One formula (TeX, without its $ delimiters) as a MathML ``<math>`` element, ``display="block"``
    for a display formula. Raises ``UnsupportedFormula`` when latex2mathml stops, or when it would keep
    a command it does not know as text (``\\foo`` would be drawn as the letters "\\foo")."""
    try:
        mathml = latex2mathml.converter.convert(tex.strip(), display="block" if display else "inline")
    except Exception as error:  # latex2mathml's errors name only their kind, e.g. MissingEndError
        detail = f"{type(error).__name__} {error}".strip()
        raise UnsupportedFormula(f"latex2mathml cannot read it ({detail})") from None
    unknown = sorted(set(re.findall(r"\\[A-Za-z]+|\\.", mathml)))
    if unknown:
        raise UnsupportedFormula(f"latex2mathml does not know {', '.join(unknown)}")
    # latex2mathml writes \! as a named space that browsers ignore; a narrow gap is as good
    return drawn_braces(mathml.replace('<mspace width="negativethinmathspace" />', ""))


def drawn_braces(mathml: str) -> str:
    """``\\underbrace`` and ``\\overbrace`` drawn as a rounded border (class ``book-underbrace`` or
    ``book-overbrace``) instead of the brace glyph: a browser stretches that glyph across the braced
    terms only with a math font, which many machines lack; a border stretches everywhere."""
    if not any(f"&#x{ord(brace):X};" in mathml for brace in BRACES):
        return mathml
    root = ElementTree.fromstring(mathml.replace(f' xmlns="{MATHML}"', "", 1))
    for parent in list(root.iter()):
        for position, child in enumerate(list(parent)):
            if child.tag in ("munder", "mover") and len(child) == 2 and child[1].text in BRACES:
                braced = child[0]
                braced.set("class", BRACES[child[1].text])
                parent[position] = braced
    return ElementTree.tostring(root, encoding="unicode").replace("<math ", f'<math xmlns="{MATHML}" ', 1)


class BookInlineParser(MathInlineParser):
    """nbconvert's markdown math, with the stricter reading of inline ``$...$`` above."""

    SPECIFICATION = {**MathInlineParser.SPECIFICATION, "inline_math_tex": INLINE_MATH}


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, with formulas written as MathML. A formula that cannot be
    converted is listed in ``unconverted`` (its TeX and the reason) and left visibly marked."""

    def __init__(self, **options):
        super().__init__(**options)
        self.unconverted: list[tuple[str, str]] = []

    def formula(self, tex: str, display: bool) -> str:
        try:
            return tex_to_mathml(tex, display)
        except UnsupportedFormula as problem:
            self.unconverted.append((tex, str(problem)))
            return f'<code class="book-unconverted">{self.escape_html(tex)}</code>'

    def block_math(self, body: str) -> str:
        return self.formula(body, display=True)

    def inline_math(self, body: str) -> str:
        return self.formula(body, display=False)

    def latex_environment(self, name: str, body: str) -> str:
        return self.formula(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)


def markdown_with_mathml(renderer: MathMLRenderer) -> MarkdownWithMath:
    """nbconvert's markdown reader (its math rules, with the stricter inline ``$...$``) for ``renderer``."""
    return MarkdownWithMath(renderer=renderer, inline=BookInlineParser(hard_wrap=False))


def unconverted_formulas(notebook_path: Path, name: str = "") -> list[Unconverted]:
    """The formulas of a notebook (its markdown cells and markdown outputs) that cannot become MathML;
    each named by ``name`` (default: the file's name) and its cell, counted from 1."""
    found = []
    notebook = nbformat.read(notebook_path, as_version=4)
    for number, cell in enumerate(notebook.cells, start=1):
        texts = [cell.source] if cell.cell_type == "markdown" else []
        texts += [output.get("data", {}).get("text/markdown", "") for output in cell.get("outputs", [])]
        for text in filter(None, texts):
            renderer = MathMLRenderer(escape=False)
            markdown_with_mathml(renderer).render(text)
            found += [
                Unconverted(name or notebook_path.name, number, *problem) for problem in renderer.unconverted
            ]
    return found


def cell_number(notebook: nbformat.NotebookNode | None, cell) -> int:
    """The place of ``cell`` in ``notebook``, counted from 1 (0 when it is not one of its cells)."""
    for number, other in enumerate(notebook.cells if notebook is not None else [], start=1):
        if other is cell:
            return number
    return 0


class BookExporter(HTMLExporter):
    """nbconvert's HTML exporter with formulas as MathML; ``unconverted`` collects the formulas it
    could not convert, with the notebook (``resources["book_notebook"]``) and cell of each."""

    def __init__(self, **options):
        super().__init__(**options)
        self.unconverted: list[Unconverted] = []

    @pass_context  # jinja2 hands the template's context (the cell, the notebook) to this filter
    def markdown2html(self, context, source: str) -> str:
        cell = context.get("cell", {})
        number = cell_number(context.get("nb"), cell)
        where = context.get("resources", {}).get("book_notebook", "")
        renderer = MathMLRenderer(
            escape=False,
            attachments=cell.get("attachments", {}),
            embed_images=self.embed_images,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options,
        )
        rendered = markdown_with_mathml(renderer).render(source)
        self.unconverted += [Unconverted(where, number, *problem) for problem in renderer.unconverted]
        return rendered


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

    @property
    def notebook_name(self) -> str:
        """The notebook's path inside notebooks/, e.g. ``exercises/02_descriptives_exercises.ipynb``."""
        return self.html_name.removesuffix(".html") + ".ipynb"


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


def breakable_table_cells(body: str) -> str:
    """Let a table cell's text break after its underscores (``frequency_<wbr>published``), so that a
    wide table of the study's variable names fits a printed page; on screen nothing changes."""
    return re.sub(
        r"(<t[hd]\b[^>]*>)([^<]*_[^<]*)(</t[hd]>)",
        lambda cell: cell[1] + cell[2].replace("_", "_<wbr>") + cell[3],
        body,
    )


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
    notebooks_dir: Path,
    edition: Edition,
    left_out: Collection[str] = (),
    lessons: Collection[str] | None = None,
) -> list[tuple[Page, nbformat.NotebookNode]]:
    """Every notebook of the book with its page: the lessons (from the edition's run, if any; only
    those whose file name, without .ipynb, is in ``lessons`` when it is given), then each
    subfolder's notebooks (except the subfolders in ``left_out``)."""
    entries = []
    for lesson in lesson_notebooks(notebooks_dir):
        if lessons is not None and lesson.stem not in lessons:
            continue
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


def launch_line(links: dict[str, str]) -> str:
    """A page's launch links (e.g. ``{"Binder": url, "Colab": url}``) as one line under its header."""
    if not links:
        return ""
    anchors = " · ".join(
        f'<a href="{html.escape(url)}" rel="noopener">{html.escape(name)}</a>' for name, url in links.items()
    )
    return f'<p class="book-launch">Run this notebook online: {anchors}</p>'


def build_book(
    output_dir: Path,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    edition: Edition = Edition(),
    left_out: Collection[str] = (),
    launch_links: Callable[[Page], dict[str, str]] | None = None,
    extra_css: str = "",
    lessons: Collection[str] | None = None,
) -> list[Page]:
    """Write ``index.html`` and one page per notebook into ``output_dir``; return the pages in order.

    ``left_out`` names subfolders of notebooks/ to leave out, e.g. ``("solutions",)``. The new book
    replaces an earlier one in ``output_dir`` whole. ``launch_links``, if given, names each page's
    links to run its notebook online (``{"Binder": url, ...}``, from ``Page.notebook_name``); they
    appear under the page's header and not in print. ``extra_css`` is added to every page's style
    (the handouts' paper size); ``lessons`` keeps only the lessons named (file names without .ipynb).
    Raises ``FormulaError``, and leaves an earlier book as it was, when a formula cannot be
    converted to MathML.
    """
    left_out = left_out_groups(notebooks_dir, edition, left_out)
    # built beside the old book, which it then replaces whole: no page of an earlier book remains
    staging = output_dir.with_name(f".{output_dir.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)

    entries = read_pages(notebooks_dir, edition, left_out, lessons)
    pages = [page for page, _ in entries]
    exporter = BookExporter(
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
            "book_launch": launch_line(launch_links(page)) if launch_links else "",
            "book_css": CSS + extra_css,
            "book_notebook": f"notebooks/{page.notebook_name}",
        }
        body, _ = exporter.from_notebook_node(notebook, resources=resources)
        # the table cells' break points last: they would split a machine path that is still to be shortened
        body = breakable_table_cells(without_machine_paths(link_notebooks_to_pages(body, left_out), paths))
        files.write_text(staging / page.html_name, body)
    if exporter.unconverted:
        shutil.rmtree(staging, ignore_errors=True)
        listed = "\n".join(f"  {formula}" for formula in exporter.unconverted)
        raise FormulaError(
            f"{len(exporter.unconverted)} formula(s) cannot be converted to MathML, so no book was written:\n"
            f"{listed}\nWrite each with TeX that latex2mathml supports (or teach tools/book.py the "
            "command), then build again."
        )
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


def online_links(root: Path = settings.REPO_ROOT) -> Callable[[Page], dict[str, str]] | None:
    """Each page's Binder and Colab links, from the checkout's GitHub remote (``tools.launch``), or
    None when the checkout is not on GitHub (``kit.py book`` then prints what to do)."""
    from tools import launch

    if launch.repository_slug(root) is None:
        return None

    def page_links(page: Page) -> dict[str, str]:
        links = launch.launch_links(page.notebook_name, root)
        return {"Binder": links.binder, "Colab": links.colab} if links else {}

    return page_links


def run(results: Path, run_name: str | None = None, left_out: Collection[str] = ()) -> int:
    """``python3 kit.py book``: build the book of one run into ``results``/book and say what it shows."""
    try:
        edition = choose_edition(results, run_name)
    except RunRefused as refused:
        print(f"No book: {refused}")
        return 1
    output_dir = results / "book"
    try:
        pages = build_book(output_dir, edition=edition, left_out=left_out, launch_links=online_links())
    except FormulaError as problem:
        print(f"No book: {problem}")
        return 1
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
    if online_links() is None:
        from tools import launch

        print(launch.instruction())
    print(f"{len(lessons)} lessons. Open {output_dir / 'index.html'} in a browser.")
    return 0
