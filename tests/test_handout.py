"""Lessons as PDF handouts: tools/handout.py and ``kit.py handout``.

The browser tests print two lessons from the outputs stored in notebooks/ with headless Chromium:
02 (Table 1 and Figure 1: tables and figures) on Letter paper, 04 (path analysis: formulas) on A4.
pypdfium2 then reads each PDF: its paper size and a plausible page count; its first pages rendered
to images, which must not be blank; an image object (a figure) in 02; and its text, which holds
the lesson's title and the math-italic letters that only MathML draws (𝜒, 𝛴), and no TeX. Skipped
where /usr/bin/chromium is missing (Debian: ``apt-get install chromium``). The other tests need no
browser.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

from tools import book, handout
from tools.notebook_runner import NOTEBOOKS_DIR

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium (Debian: apt-get install chromium)"
)
POINTS = {"a4": (595.3, 841.9), "letter": (612.0, 792.0)}  # PDF page sizes, 1/72 inch
TEX = ("\\frac", "\\chi", "\\Sigma", "\\theta", "\\operatorname", "\\text", "$$")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[Path, str, float]]:
    """Lesson 02 on Letter and lesson 04 on A4: each PDF with its paper and the seconds it took."""
    folder = tmp_path_factory.mktemp("handouts")
    made = {}
    for lesson, paper in (("02", "letter"), ("04", "a4")):
        started = time.monotonic()
        (pdf,) = handout.build_handouts(folder / paper, lessons=[lesson], paper=paper, browser=CHROMIUM)
        made[lesson] = (pdf, paper, time.monotonic() - started)
    return made


def lesson_title(stem: str) -> str:
    return book.notebook_title(nbformat.read(NOTEBOOKS_DIR / f"{stem}.ipynb", as_version=4))


def pdf_text(document, pages: range | None = None) -> str:
    """The text of the PDF's pages, with every run of white space as one space."""
    pages = pages if pages is not None else range(len(document))
    text = " ".join(document[number].get_textpage().get_text_range() for number in pages)
    return " ".join(text.split())


def inked_share(page) -> float:
    """The share of the page's pixels that are not (near) white, rendered at 72 dots per inch."""
    image = page.render(scale=1).to_pil().convert("L")
    histogram = image.histogram()
    return 1 - sum(histogram[245:]) / (image.width * image.height)


@needs_chromium
def test_handouts_are_named_after_their_lessons_on_the_paper_asked_for(printed):
    import pypdfium2

    for lesson, expected_name in (("02", "02_descriptives.pdf"), ("04", "04_path_analysis.pdf")):
        pdf, paper, seconds = printed[lesson]
        assert pdf.name == expected_name and pdf.read_bytes().startswith(b"%PDF")
        document = pypdfium2.PdfDocument(pdf)
        assert 4 <= len(document) <= 60, f"{pdf.name}: {len(document)} pages"
        for number in range(len(document)):
            width, height = document[number].get_size()
            assert abs(width - POINTS[paper][0]) < 1 and abs(height - POINTS[paper][1]) < 1, (
                pdf.name,
                number,
            )
        print(f"{pdf.name}: {len(document)} pages on {paper}, built and printed in {seconds:.1f} s")


@needs_chromium
def test_the_first_pages_show_the_lesson_and_are_not_blank(printed):
    import pypdfium2

    for lesson, stem in (("02", "02_descriptives"), ("04", "04_path_analysis")):
        document = pypdfium2.PdfDocument(printed[lesson][0])
        for number in range(3):
            share = inked_share(document[number])
            assert 0.02 < share < 0.6, f"{stem} page {number + 1}: {share:.3f} of the page inked"
        first_page = pdf_text(document, range(1))
        assert lesson_title(stem) in first_page
        assert "Data: the kit's shipped synthetic survey" in first_page  # which data, as in the book
        assert "Contents" not in first_page  # no navigation bar in print


@needs_chromium
def test_formulas_are_drawn_as_mathematics_not_tex(printed):
    import pypdfium2

    text = pdf_text(pypdfium2.PdfDocument(printed["04"][0]))
    # MathML draws a single-letter identifier in math italic: these letters come only from formulas
    # (the prose writes χ² and Σ upright)
    assert "𝜒" in text and "𝛴" in text and "𝐹𝑀𝐿" in text
    assert [tex for tex in TEX if tex in text] == []


@needs_chromium
def test_the_figures_and_tables_are_printed(printed):
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    document = pypdfium2.PdfDocument(printed["02"][0])
    images = sum(
        len(list(document[number].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])))
        for number in range(len(document))
    )
    assert images >= 1, "lesson 02 shows Figure 1: its handout should hold images"
    text = pdf_text(document)
    assert "Table 1" in text and "Figure 1" in text
    assert "frequency" in text and "Proprietary" in text  # Table 1's header and one of its rows


def test_lessons_are_chosen_by_number_or_name_and_an_unknown_one_is_refused():
    assert handout.chosen_lessons(["04", "04_path_analysis", "02"]) == ["04_path_analysis", "02_descriptives"]
    assert handout.chosen_lessons([]) == [
        path.stem for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    ]
    with pytest.raises(handout.HandoutError, match="there is no lesson '99'; the lessons are 00_the_study, "):
        handout.chosen_lessons(["99"])


def test_the_browser_is_started_with_no_network_and_its_own_profile(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_CHROMIUM", str(tmp_path / "my-chrome"))
    assert handout.find_browser() == tmp_path / "my-chrome"
    page, pdf = tmp_path / "04_path_analysis.html", tmp_path / "out.pdf"
    command = handout.browser_command(Path("chromium"), tmp_path / "profile", page, pdf)
    assert command[0] == "chromium" and command[-1] == page.as_uri()
    assert "--host-resolver-rules=MAP * ~NOTFOUND" in command
    assert f"--user-data-dir={tmp_path / 'profile'}" in command and f"--print-to-pdf={pdf}" in command


def test_without_a_browser_the_handout_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setattr(handout, "find_browser", lambda: None)
    with pytest.raises(handout.HandoutError, match="apt-get install chromium.*KIT_CHROMIUM"):
        handout.build_handouts(tmp_path)
    assert not (tmp_path / "04_path_analysis.pdf").exists()


def test_a_failed_print_names_the_page_and_keeps_the_earlier_handout(tmp_path):
    earlier = tmp_path / "04_path_analysis.pdf"
    earlier.write_bytes(b"%PDF earlier")
    page = tmp_path / "04_path_analysis.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(handout.HandoutError, match="printed no PDF of 04_path_analysis.html"):
        handout.print_page(Path("/bin/true"), page, earlier)
    assert earlier.read_bytes() == b"%PDF earlier"


def test_an_unknown_run_gives_no_handouts_and_says_why(tmp_path, capsys):
    assert handout.run(tmp_path, "class-0123456789ab") == 1
    assert "No handouts: there is no run class-0123456789ab" in capsys.readouterr().out
    assert not (tmp_path / handout.HANDOUTS).exists()


def test_kit_handout_passes_the_lessons_paper_and_run(kit, monkeypatch, tmp_path):
    chosen = []
    monkeypatch.setattr(
        handout, "run", lambda results, run, lessons, paper: chosen.append((run, list(lessons), paper)) or 0
    )
    monkeypatch.setattr(kit, "in_kit_environment", lambda: True)
    assert kit.main(["handout", "--results", str(tmp_path)]) == 0
    assert (
        kit.main(["handout", "04", "06", "--paper", "letter", "--run", "x-1", "--results", str(tmp_path)])
        == 0
    )
    assert chosen == [(None, [], "a4"), ("x-1", ["04", "06"], "letter")]
