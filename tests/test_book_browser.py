"""The built book as a reader sees it: every page of the TOC rendered by Chromium, after its scripts ran.

Runs on the smoke-profile build that `make test` produces (``_build/smoke/_build/html``; the
environment variable ``HUMAPS_BOOK_HTML`` points it at another build). One headless Chromium
(driven by Playwright, the machine's own ``chromium``, no downloaded browser) opens each page,
waits for MathJax, and measures what is on screen:

* math is typeset: no raw ``\\(``, ``\\[``, ``$$`` or ``\\begin{`` left in the text, no MathJax error;
* no "Traceback", "Warning:" or absolute path (``/usr/``, ``/home/``, ``site-packages``, ...) in the text;
* every table fits its column, or scrolls inside it (a container with ``overflow-x: auto|scroll``);
* every figure image is displayed at least 400 px wide, and none is broken;
* the page loads nothing from the web (MathJax and the animation players are bundled);
* the landing page (the TOC root) shows the claims table (``table.claims``, ≥ 11 rows) whose links
  all resolve to built files and anchors.

A full-page screenshot (1200 px wide) of every page is kept in ``_build/smoke/_build/screenshots``
for a person to look at. Skips, saying why, only when that build or Chromium is missing.
"""
from __future__ import annotations

import os
import re
import shutil
import struct
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from humaps.book.notebooks import EXECUTED_PREFIX, REPO, toc_entries

HTML = Path(os.environ.get("HUMAPS_BOOK_HTML") or REPO / "_build" / "smoke" / "_build" / "html")
SHOTS = HTML.parent / "screenshots"
ENTRIES = toc_entries()
ROOT = ENTRIES[0]
LEDGER = f"{EXECUTED_PREFIX}claims"  # the page every claim is decided on, with its evidence
WIDTH = 1200
#: (figures, tables) a chapter shows at least; (1, 1) otherwise. The ledger is a table, no figure.
MINIMUM = {"paper_at_a_glance": (3, 4), "claims": (0, 1)}
MIN_FIGURE_PX = 400
CLAIMS_MIN_ROWS = 11
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 # nothing from the web: a page that needs it shows up in its requests, fast
                 "--host-resolver-rules=MAP * ~NOTFOUND"]
#: script errors every Jupyter Book 1.0.4 page raises, harmless to the reader: sphinx-thebe 0.3.1 adds its
#: inline config script twice (thebe, the live-code button, is not used by this book)
KNOWN_SCRIPT_ERRORS = ("Identifier 'THEBE_JS_URL' has already been declared",)
RAW_MATH = re.compile(r"\\\(|\\\[|\$\$|\\begin\{")
ERROR_TEXT = re.compile(r"Traceback|Warning:")
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/~-])/(?:usr|home|tmp|work|root|opt|var|private|Users)/|site-packages")

#: what the page shows, measured in the page once MathJax has finished
MEASURE = """async () => {
  const out = {};
  const hasMath = !!document.querySelector('.math');
  let state = 'no math';
  if (hasMath) {
    const ready = () => window.MathJax && MathJax.startup && MathJax.startup.promise;
    for (let i = 0; i < 200 && !ready(); i++) await new Promise(r => setTimeout(r, 50));
    if (ready()) { await MathJax.startup.promise; state = 'typeset'; } else state = 'MathJax did not load';
  }
  out.math = state;
  out.mathErrors = [...document.querySelectorAll('mjx-merror')].map(e => e.textContent).slice(0, 5);
  const article = document.querySelector('article.bd-article') || document.querySelector('[role=main]');
  out.article = !!article;
  if (!article) return out;
  out.text = document.body.innerText;
  // the reader's text without the code cells' sources (code may legitimately spell \\( or $$)
  const inputs = [...document.querySelectorAll('.cell_input')];
  inputs.forEach(e => { e.dataset.display = e.style.display; e.style.display = 'none'; });
  out.prose = document.body.innerText;
  inputs.forEach(e => { e.style.display = e.dataset.display; });
  // the text column: the article's content box (without its padding)
  const box = article.getBoundingClientRect(), pad = getComputedStyle(article);
  const col = {left: box.left + parseFloat(pad.paddingLeft), right: box.right - parseFloat(pad.paddingRight)};
  out.column = [col.left, col.right];
  const label = t => (t.querySelector('th') ? t.querySelector('th').innerText : t.innerText).trim().slice(0, 60);
  out.tables = [...article.querySelectorAll('table')].map((t, i) => {
    const r = t.getBoundingClientRect();
    let scroller = null;
    for (let e = t; e && e !== article.parentElement; e = e.parentElement) {
      const s = getComputedStyle(e), b = e.getBoundingClientRect();
      if (['auto', 'scroll'].includes(s.overflowX) && b.left >= col.left - 1 && b.right <= col.right + 1) {
        scroller = e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '');
        break;
      }
    }
    return {index: i, label: label(t), left: r.left, right: r.right, width: r.width, scrollWidth: t.scrollWidth,
            scroller, claims: t.classList.contains('claims')};
  });
  out.images = [...article.querySelectorAll('img')].map(img => {
    const r = img.getBoundingClientRect();
    return {src: (img.getAttribute('src') || '').slice(0, 80), width: r.width, natural: img.naturalWidth,
            shown: img.offsetParent !== null && r.width > 0, broken: img.complete && img.naturalWidth === 0};
  });
  out.links = [...article.querySelectorAll('a[href]')].map(a => a.href);
  const claims = article.querySelector('table.claims');
  out.claims = claims ? {rows: claims.querySelectorAll('tbody tr').length,
                         links: [...claims.querySelectorAll('a[href]')].map(a => a.href)} : null;
  return out;
}"""


def _chromium() -> str:
    for exe in (shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome"),
                "/usr/bin/chromium"):
        if exe and Path(exe).exists():
            return exe
    pytest.skip("no Chromium on this machine (make test installs Debian's 'chromium' when it can)")


def _html_file(entry: str) -> Path:
    return HTML / f"{entry}.html"


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


class Book:
    """One browser for every page; each page is opened once, measured and photographed."""

    def __init__(self, browser):
        self.browser, self.pages = browser, {}

    def __call__(self, entry: str) -> dict:
        if entry not in self.pages:
            self.pages[entry] = self._render(entry)
        return self.pages[entry]

    def _render(self, entry: str) -> dict:
        path = _html_file(entry)
        assert path.exists(), f"{entry} is in _toc.yml but {path} was not built"
        page = self.browser.new_page(viewport={"width": WIDTH, "height": 900})
        requests, errors = [], []
        page.on("request", lambda r: requests.append(r.url)
                if not r.url.startswith(("file:", "data:", "blob:", "about:")) else None)
        page.on("pageerror", lambda e: errors.append(str(e)) if str(e) not in KNOWN_SCRIPT_ERRORS else None)
        try:
            page.goto(path.as_uri(), wait_until="load", timeout=60_000)
            seen = page.evaluate(MEASURE)
            shot = SHOTS / f"{Path(entry).name}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
        finally:
            page.close()
        assert seen["article"], f"{entry}: Chromium rendered no article from {path} (screenshot: {shot})"
        seen.update(entry=entry, path=path, requests=requests, errors=errors, screenshot=shot)
        return seen


@pytest.fixture(scope="module")
def book():
    exe = _chromium()
    if not (HTML / "index.html").exists():
        pytest.skip(f"{HTML} not built: run `make test` (it builds the smoke book first)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield Book(browser)
        finally:
            browser.close()


def _context(text: str, match: re.Match, width: int = 70) -> str:
    return " ".join(text[max(0, match.start() - width): match.end() + width].split())


@pytest.mark.parametrize("entry", ENTRIES)
def test_page_renders_and_keeps_a_screenshot(book, entry):
    seen = book(entry)
    assert not seen["errors"], f"{entry}: scripts failed in the page: {seen['errors'][:3]}"
    width, _ = _png_size(seen["screenshot"])
    assert width == WIDTH, f"{entry}: the page is {width} px wide at a {WIDTH} px window (it scrolls sideways)"


@pytest.mark.parametrize("entry", ENTRIES)
def test_page_loads_nothing_from_the_web(book, entry):
    seen = book(entry)
    assert not seen["requests"], f"{entry}: the page requests {sorted(set(seen['requests']))[:5]} (offline it breaks)"


@pytest.mark.parametrize("entry", ENTRIES)
def test_math_is_typeset(book, entry):
    seen = book(entry)
    assert seen["math"] in ("no math", "typeset"), f"{entry}: {seen['math']}"
    assert not seen["mathErrors"], f"{entry}: MathJax could not typeset {seen['mathErrors']}"
    raw = [_context(seen["prose"], m) for m in RAW_MATH.finditer(seen["prose"])]
    assert not raw, f"{entry}: raw LaTeX shown to the reader: {raw[:3]}"


@pytest.mark.parametrize("entry", ENTRIES)
def test_no_traceback_warning_or_path_in_the_text(book, entry):
    text = book(entry)["text"]
    found = list(dict.fromkeys(" ".join(line.split())[:160] for line in text.splitlines()
                               if ERROR_TEXT.search(line) or ABSOLUTE_PATH.search(line)))
    assert not found, f"{entry}: the reader sees {len(found)} line(s) with an error, warning or path: {found[:4]}"


@pytest.mark.parametrize("entry", ENTRIES)
def test_tables_fit_their_column_or_scroll(book, entry):
    seen = book(entry)
    left, right = seen["column"]
    cut = [f"table {t['index']} ({t['label']!r}): {t['width']:.0f} px, column {right - left:.0f} px"
           for t in seen["tables"] if (t["right"] > right + 1 or t["left"] < left - 1) and not t["scroller"]]
    assert not cut, f"{entry}: tables wider than the text column and not scrolling: {cut}"


@pytest.mark.parametrize("entry", ENTRIES)
def test_figures_are_readable(book, entry):
    seen = book(entry)
    broken = [i["src"] for i in seen["images"] if i["broken"]]
    assert not broken, f"{entry}: images that did not load: {broken}"
    small = [f"{i['src']} shown {i['width']:.0f} px wide" for i in seen["images"]
             if i["shown"] and i["width"] < MIN_FIGURE_PX]
    assert not small, f"{entry}: figures narrower than {MIN_FIGURE_PX} px: {small}"


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.startswith(EXECUTED_PREFIX) and e != ROOT])
def test_chapter_shows_figures_and_tables(book, entry):
    seen = book(entry)
    name = entry[len(EXECUTED_PREFIX):]
    figures = [i for i in seen["images"] if i["shown"]]
    need_fig, need_tab = MINIMUM.get(name, (1, 1))
    assert len(figures) >= need_fig, f"{name}: {len(figures)} figures rendered, expected ≥ {need_fig}"
    assert len(seen["tables"]) >= need_tab, f"{name}: {len(seen['tables'])} tables rendered, expected ≥ {need_tab}"


def _resolves(url: str) -> str | None:
    """Why ``url`` (absolute, from the browser) does not lead to a built page and anchor; None if it does."""
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return f"{url}: not a page of the book"
    target = Path(unquote(parsed.path))
    if not target.is_file():
        return f"{url}: {target} was not built"
    if parsed.fragment:
        anchor = re.escape(unquote(parsed.fragment))
        if not re.search(rf"""\bid=["']{anchor}["']""", target.read_text(encoding="utf-8", errors="replace")):
            return f"{url}: no element with id {unquote(parsed.fragment)!r} in {target.name}"
    return None


def test_landing_page_links_to_the_claims_ledger(book):
    seen = book(ROOT)
    ledger = [u for u in seen["links"] if urlparse(u).path.endswith(f"/{LEDGER}.html")]
    assert ledger, f"the landing page {ROOT} does not link to the claims ledger ({LEDGER})"
    assert not [why for why in map(_resolves, ledger) if why]


def test_the_ledger_shows_the_claims_table_and_its_links_work(book):
    seen = book(LEDGER)
    claims = seen["claims"]
    assert claims is not None, (f"the claims ledger {LEDGER} ({seen['path']}) shows no claims table "
                                f"(an HTML <table class=\"claims\">); it has {len(seen['tables'])} other table(s)")
    assert claims["rows"] >= CLAIMS_MIN_ROWS, \
        f"the claims table has {claims['rows']} body rows, expected ≥ {CLAIMS_MIN_ROWS}"
    assert claims["links"], "the claims table links to no chapter"
    broken = [why for why in map(_resolves, claims["links"]) if why]
    assert not broken, f"{len(broken)} of {len(claims['links'])} links of the claims table lead nowhere: {broken[:5]}"
