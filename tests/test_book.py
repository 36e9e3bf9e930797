"""The rendered book works offline in a real browser (headless Chromium).

The book is built into a temporary folder and served on 127.0.0.1; Chromium opens every page and
the test checks: no console errors or uncaught exceptions, no request leaves the local server,
every image has been decoded (non-zero natural width), every link within the book answers
HTTP 200 and every in-page anchor exists. One screenshot is saved to the results folder.
Formulas: the pages show no TeX (no ``$`` in their prose, no ``\\frac`` or ``\\chi`` in
their text), their MathML has a real layout (a display formula is at least a line high, a fraction
taller than two lines), and they load nothing from outside the book. Printed (print media, A4's
width), no table, figure or formula of a lesson is wider than the paper.

Chromium is driven through the DevTools protocol over a pipe (``--remote-debugging-pipe``: JSON
messages ending in a NUL byte on file descriptors 3 and 4), so no extra Python package is needed.
Skipped when /usr/bin/chromium is missing (Debian: ``apt-get install chromium``).
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import select
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag

import pytest

from helpers import settings
from tools import book

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 30  # seconds for any single browser answer

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium (Debian: apt-get install chromium)"
)

PAGE_REPORT = """(() => {
  const images = [...document.images].map(img => ({src: img.src.slice(0, 60), width: img.naturalWidth}));
  const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  // as browsers do: the fragment as written, then percent-decoded (nbconvert's ids keep the %XX)
  const missingAnchors = [...document.querySelectorAll('a[href^="#"]')]
    .map(a => a.hash.slice(1))
    .filter(id => id && !document.getElementById(id) && !document.getElementById(decodeURIComponent(id)));
  return {title: document.title, images, links, missingAnchors};
})()"""

NAVIGATION_LINKS = "[...document.querySelectorAll('.book-nav a')].map(a => a.getAttribute('href'))"
INDEX_ENTRIES = "[...document.querySelectorAll('ol.lessons a')].map(a => [a.getAttribute('href'), a.text])"

# What a reader sees of a page's formulas: the prose without code and formulas (where a "$" would
# be an unconverted delimiter), TeX commands in the page's text outside code (tables, prose,
# formulas), and the heights of the formulas, their fractions and a line of text.
FORMULA_REPORT = r"""(() => {
  const prose = [...document.querySelectorAll('.jp-RenderedMarkdown')].map(part => {
    const copy = part.cloneNode(true);
    copy.querySelectorAll('code, pre, math').forEach(element => element.remove());
    return copy.textContent;
  }).join('\n');
  const page = document.body.cloneNode(true);
  page.querySelectorAll('pre, code, style, script').forEach(element => element.remove());
  const outsideCode = page.textContent;
  const probe = document.createElement('span');
  probe.textContent = 'x';
  document.querySelector('.jp-RenderedMarkdown p, p').appendChild(probe);
  const line = probe.getBoundingClientRect().height;
  probe.remove();
  const height = element => element.getBoundingClientRect().height;
  const remote = [...document.querySelectorAll('script[src], link[href], img[src], iframe[src]')]
    .map(element => element.getAttribute('src') || element.getAttribute('href'))
    .filter(url => /^(https?:)?\/\//.test(url));
  return {
    line,
    dollars: prose.match(/.{0,30}\$.{0,30}/g) || [],
    tex: outsideCode.match(/\\[A-Za-z]+|\$\$/g) || [],
    formulas: document.querySelectorAll('math').length,
    blocks: [...document.querySelectorAll('math[display="block"]')].map(height),
    blockFractions: [...document.querySelectorAll('math[display="block"] mfrac')].map(height),
    remote,
  };
})()"""

# Elements of a page wider than the page, as laid out for print at the paper's width
TOO_WIDE = """(() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('table, img, svg, pre, math, .jp-OutputArea-output')]
    .filter(element => element.getBoundingClientRect().right > width + 1)
    .map(element => `${element.tagName} ${Math.round(element.getBoundingClientRect().width)} px: ` +
      element.textContent.trim().slice(0, 60));
})()"""
A4_TEXT_WIDTH = round((210 - 2 * 12) / 25.4 * 96)  # pixels: A4 less the handouts' margins (tools.handout)


def numbered_10_or_more(fd: int) -> int:
    """The same pipe end on a descriptor >= 10, so that moving it to 3 or 4 cannot hit the other."""
    import fcntl  # POSIX only; imported here so that collecting this file works on Windows too

    copy = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return copy


class Chromium:
    """Headless Chromium with one tab, driven over the DevTools protocol on a pipe."""

    def __init__(self, profile: Path):
        to_browser, self._to_browser = os.pipe()
        self._from_browser, from_browser = os.pipe()
        to_browser, from_browser = numbered_10_or_more(to_browser), numbered_10_or_more(from_browser)
        # bash moves the browser's ends of the two pipes to fds 3 and 4, then becomes Chromium
        move_to_3_and_4 = f'exec "$@" 3<&{to_browser} 4>&{from_browser} {to_browser}<&- {from_browser}>&-'
        self.process = subprocess.Popen(
            [
                "/bin/bash",
                "-c",
                move_to_3_and_4,
                "chromium",
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "--window-size=1280,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(to_browser, from_browser),
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        try:
            target = self.send("Target.createTarget", url="about:blank")["targetId"]
            self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.send(f"{domain}.enable", session=self.session)
        except BaseException:
            self.process.kill()
            self.process.wait()
            raise

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(self._from_browser, 1 << 20) if ready else b""
            if not chunk:
                raise TimeoutError("Chromium did not answer (or exited)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params) -> dict:
        """Send one command and return its result; events arriving meanwhile go to ``events``."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._next_id:
                assert "error" not in answer, f"{method}: {answer['error']}"
                return answer["result"]
            self.events.append(answer)

    def open(self, url: str) -> list[dict]:
        """Load ``url`` in the tab; return the events seen until its load event."""
        self.events = []
        self.send("Page.navigate", session=self.session, url=url)
        deadline = time.monotonic() + TIMEOUT
        while not any(event.get("method") == "Page.loadEventFired" for event in self.events):
            self.events.append(self._receive(deadline))
        return self.events

    def evaluate(self, expression: str):
        answer = self.send(
            "Runtime.evaluate", session=self.session, expression=expression, returnByValue=True
        )
        return answer["result"]["value"]

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", session=self.session, format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (OSError, TimeoutError, AssertionError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def problems_in(events: list[dict], origin: str) -> list[str]:
    """Console errors, uncaught exceptions, failed loads and requests that leave the local server."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append(f"console.{params['type']}: {params.get('args')}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            found.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
        elif method == "Network.loadingFailed":
            found.append(f"load failed: {params.get('errorText')}")
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not url.startswith((origin, "data:", "about:")):
                found.append(f"request outside the book: {url}")
    return found


@pytest.fixture(scope="module")
def served_book(tmp_path_factory):
    """The book built from the stored notebook outputs, served on a free local port."""
    folder = tmp_path_factory.mktemp("book")
    pages = book.build_book(folder)
    browser = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield pages, f"http://127.0.0.1:{server.server_address[1]}/", browser
    finally:
        browser.close()
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # Chromium drops spare connections (broken pipes); real failures show up in the checks


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_every_page_loads_cleanly_with_its_figures_and_working_links(served_book):
    pages, origin, browser = served_book
    assert pages, "no lesson notebooks found"
    names = ["index.html"] + [page.html_name for page in pages]
    internal_links = set()
    failures = []
    for name in names:
        events = browser.open(origin + name)
        report = browser.evaluate(PAGE_REPORT)
        failures += [f"{name}: {problem}" for problem in problems_in(events, origin)]
        blank = [image["src"] for image in report["images"] if not image["width"]]
        failures += [f"{name}: image not decoded {src}" for src in blank]
        failures += [f"{name}: no element with id {anchor!r}" for anchor in report["missingAnchors"]]
        internal_links |= {urldefrag(link).url for link in report["links"] if link.startswith(origin)}
        if name == "02_descriptives.html":
            assert report["images"], "the descriptives page shows Figure 1: it should have images"
    codes = {link: status_of(link) for link in sorted(internal_links)}
    failures += [f"link {link} answers {code}" for link, code in codes.items() if code != 200]
    assert not failures, "\n".join(failures)
    assert {origin + name for name in names} <= internal_links | {origin + "index.html"}


def test_pages_link_to_previous_next_and_contents(served_book):
    pages, origin, browser = served_book
    lessons = [page for page in pages if not page.group]
    browser.open(origin + lessons[1].html_name)
    links = browser.evaluate(NAVIGATION_LINKS)
    # the same bar above and below the notebook
    assert links == [lessons[0].html_name, "index.html", lessons[2].html_name] * 2
    browser.open(origin + "index.html")
    listed = browser.evaluate(INDEX_ENTRIES)
    assert listed == [[page.html_name, page.title] for page in lessons]
    assert lessons[0].title.startswith("00 ")


def test_notebooks_in_subfolders_get_pages_that_lead_back_to_the_contents(served_book):
    pages, origin, browser = served_book
    companions = [page for page in pages if page.group]
    if not companions:
        pytest.skip("notebooks/ has no subfolder with notebooks")
    browser.open(origin + companions[0].html_name)
    assert "../index.html" in browser.evaluate(NAVIGATION_LINKS)


def test_a_screenshot_of_a_page_with_figures_is_saved(served_book):
    pages, origin, browser = served_book
    browser.open(origin + "02_descriptives.html")
    browser.evaluate("document.querySelector('img').scrollIntoView()")
    path = settings.results_dir("book") / "book_02_descriptives.png"
    browser.screenshot(path)
    assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 10_000


def test_formulas_render_as_mathml_with_a_real_layout_and_nothing_from_the_network(served_book):
    pages, origin, browser = served_book
    names = [page.html_name for page in pages]  # lessons, appendix, exercises, solutions
    with_formulas = [name for name in names if name.startswith(("04_", "06_"))]
    assert len(with_formulas) == 2
    for name in names:
        events = browser.open(origin + name)
        report = browser.evaluate(FORMULA_REPORT)
        assert problems_in(events, origin) == [], name
        assert report["remote"] == [], name
        assert report["dollars"] == [], f"{name}: a $ left in the prose"
        assert report["tex"] == [], f"{name}: TeX in the page's text"
        line = report["line"]
        assert line > 5
        assert all(height >= line for height in report["blocks"]), (name, report["blocks"], line)
        if name in with_formulas:
            assert report["formulas"] >= 5 and report["blocks"], name
    # 06's degrees of freedom: a display formula with fractions (under a brace), well over two lines
    browser.open(origin + with_formulas[1])
    report = browser.evaluate(FORMULA_REPORT)
    assert max(report["blockFractions"]) > 1.8 * report["line"], report
    assert max(report["blocks"]) > 2 * report["line"], report


def test_printed_lessons_fit_the_width_of_the_paper(served_book):
    pages, origin, browser = served_book
    session = browser.session
    browser.send("Emulation.setEmulatedMedia", session=session, media="print")
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        session=session,
        width=A4_TEXT_WIDTH,
        height=1000,
        deviceScaleFactor=1,
        mobile=False,
    )
    try:
        too_wide = {}
        for page in pages:
            if not page.group:
                browser.open(origin + page.html_name)
                assert (
                    browser.evaluate("getComputedStyle(document.querySelector('.book-nav')).display")
                    == "none"
                )
                too_wide[page.html_name] = browser.evaluate(TOO_WIDE)
    finally:
        browser.send("Emulation.clearDeviceMetricsOverride", session=session)
        browser.send("Emulation.setEmulatedMedia", session=session, media="")
    assert {name: wide for name, wide in too_wide.items() if wide} == {}
