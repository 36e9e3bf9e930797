"""Each lesson as a PDF handout, printed by headless Chromium (or Chrome) from its book page.

    python3 kit.py handout            ->  results/handouts/00_the_study.pdf, ... one per lesson (A4)
    python3 kit.py handout 04 06      ->  only lessons 04 and 06
    python3 kit.py handout --paper letter --run NAME

A handout shows what the book shows (``tools.book``): the same run of ``kit.py replicate`` (the
latest good run of the shipped data, or ``--run NAME``; without any run, the outputs stored in
notebooks/), with its figures, tables and formulas (MathML), and the line saying which data and
which run. The book's print style leaves out the navigation bars and the In/Out prompts, keeps
figures and tables within the page width and avoids breaking a figure, table or formula across
pages. The lesson pages are built into a temporary folder, each is printed with its own short-lived
browser profile, and each PDF replaces the earlier one atomically. The browser loads nothing
from the network: the pages hold every figure, and the browser is started with host-name
resolution switched off.

The browser is the one named by the ``KIT_CHROMIUM`` environment variable, else the first of
chromium, chromium-browser, google-chrome, google-chrome-stable, chrome or msedge found on the
PATH, else Chrome or Edge in its usual place on macOS and Windows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Collection
from pathlib import Path

from helpers import files
from tools import book
from tools.notebook_runner import NOTEBOOKS_DIR, lesson_notebooks

HANDOUTS = "handouts"
PAPER_SIZES = {"a4": "A4", "letter": "letter"}
# The page box of a handout; the rest of the print style is the book's (tools.book.CSS).
PAGE_CSS = "\n@page {{ size: {size}; margin: 14mm 12mm 16mm; }}\n"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "msedge")
BROWSER_PLACES = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
)
PRINT_SECONDS = 180  # for one lesson; a long lesson with many figures prints in a few seconds


class HandoutError(Exception):
    """A handout could not be made; the message says why and what to do."""


def find_browser() -> Path | None:
    """The browser that prints the handouts (see the module's docstring), or None."""
    chosen = os.environ.get("KIT_CHROMIUM")
    if chosen:
        return Path(chosen)
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((Path(place) for place in BROWSER_PLACES if Path(place).is_file()), None)


def browser_command(browser: Path, profile: Path, page: Path, pdf: Path) -> list[str]:
    """The command that prints ``page`` (an HTML file) to ``pdf``, with nothing from the network."""
    command = [
        str(browser),
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-extensions",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # no host name resolves: nothing can be fetched
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(2, "--no-sandbox")  # Chromium refuses to start as root with its sandbox
    return command


def print_page(browser: Path, page: Path, pdf: Path) -> None:
    """Print one HTML page to ``pdf`` (replaced atomically). Raises HandoutError if the browser fails."""
    with tempfile.TemporaryDirectory(prefix="kit-handout-") as scratch:
        printed = Path(scratch) / "page.pdf"
        command = browser_command(browser, Path(scratch) / "profile", page, printed)
        try:
            finished = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_SECONDS)
        except subprocess.TimeoutExpired:
            raise HandoutError(f"{browser} did not print {page.name} within {PRINT_SECONDS} s") from None
        except OSError as error:
            raise HandoutError(f"cannot start {browser}: {error.strerror or error}") from None
        content = printed.read_bytes() if printed.is_file() else b""
        if not content.startswith(b"%PDF"):
            said = " / ".join(finished.stderr.strip().splitlines()[-3:])
            raise HandoutError(
                f"{browser} printed no PDF of {page.name} (exit code {finished.returncode}): {said}"
            )
    files.write_bytes(pdf, content)


def chosen_lessons(wanted: Collection[str], notebooks_dir: Path = NOTEBOOKS_DIR) -> list[str]:
    """The lessons (file names without .ipynb) that ``wanted`` names, by number (``04``) or name
    (``04_path_analysis``); all of them when ``wanted`` is empty. An unknown name is refused."""
    lessons = [path.stem for path in lesson_notebooks(notebooks_dir)]
    if not wanted:
        return lessons
    chosen = []
    for name in wanted:
        matching = [lesson for lesson in lessons if lesson == name or lesson.split("_", 1)[0] == name]
        if not matching:
            raise HandoutError(f"there is no lesson {name!r}; the lessons are {', '.join(lessons)}")
        chosen += [lesson for lesson in matching if lesson not in chosen]
    return chosen


def build_handouts(
    output_dir: Path,
    edition: book.Edition | None = None,
    lessons: Collection[str] = (),
    paper: str = "a4",
    notebooks_dir: Path = NOTEBOOKS_DIR,
    browser: Path | None = None,
) -> list[Path]:
    """Print each lesson of ``edition`` (those named in ``lessons``, else all) to ``output_dir``/NN_name.pdf
    on ``paper`` ("a4" or "letter"); return the PDFs in lesson order. ``edition`` None: the outputs
    stored in the notebooks."""
    browser = browser or find_browser()
    if browser is None:
        raise HandoutError(
            "no Chromium, Chrome or Edge found to print the handouts: install one (Debian/Ubuntu: "
            "apt-get install chromium), or name its program with KIT_CHROMIUM=/path/to/chrome"
        )
    if paper not in PAPER_SIZES:
        raise HandoutError(f"paper {paper!r}: choose one of {', '.join(PAPER_SIZES)}")
    names = chosen_lessons(lessons, notebooks_dir)
    with tempfile.TemporaryDirectory(prefix="kit-handout-pages-") as scratch:
        pages_dir = Path(scratch) / "pages"
        pages = book.build_book(
            pages_dir,
            notebooks_dir,
            edition or book.Edition(),
            left_out=book.companion_groups(notebooks_dir),
            extra_css=PAGE_CSS.format(size=PAPER_SIZES[paper]),
            lessons=names,
        )
        written = []
        for page in pages:
            pdf = output_dir / f"{Path(page.html_name).stem}.pdf"
            print_page(browser, pages_dir / page.html_name, pdf)
            written.append(pdf)
    return written


def run(results: Path, run_name: str | None = None, lessons: Collection[str] = (), paper: str = "a4") -> int:
    """``python3 kit.py handout``: print the lessons of one run to ``results``/handouts and list them."""
    try:
        edition = book.choose_edition(results, run_name)
        written = build_handouts(results / HANDOUTS, edition, lessons, paper)
    except (book.RunRefused, book.FormulaError, HandoutError) as refused:
        print(f"No handouts: {refused}")
        return 1
    print(edition.describe())
    for pdf in written:
        print(f"wrote {pdf}")
    return 0
