"""The static site (`python3 dev.py book`) in headless Chromium, served from a local folder.

Every page loads with no console error, no failed request and no request to another host; its
maths is typeset (no raw $...$ left in the prose); every image loads, as many as the notebook
has figures and widget stills; every link inside the site leads to a page that exists; and a
search for a term of notebook 04 finds that notebook's page. A screenshot of each page goes to
tests/browser/screenshots/book-<page>.png.
"""

from __future__ import annotations

import functools
import http.server
import re
import sys
import threading
import urllib.request
from pathlib import Path

import nbformat
import pytest
from labdriver import PageLog, free_port

from xorhelpers.book import build, page_name
from xorhelpers.book.stills import still

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PAGES = ["index.html", *(page_name(p) for p in NOTEBOOKS)]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# Runs in the page: MathJax done, then what the reader sees.
_SEEN_JS = """() => new Promise(done => {
  const report = () => {
    const main = document.querySelector('main').cloneNode(true);
    main.querySelectorAll('script, style, pre, code, mjx-container, .jp-InputArea-editor,'
                          + ' .jp-OutputArea').forEach(e => e.remove());
    const prose = main.textContent;
    const raw = prose.match(/\\$[^$\\n]{1,80}\\$|\\\\\\(|\\\\\\[|\\\\frac|\\\\sigma/g) || [];
    const images = Array.from(document.querySelectorAll('main img'));
    done({raw: raw.slice(0, 5),
          typeset: document.querySelectorAll('mjx-container').length,
          mathErrors: Array.from(document.querySelectorAll('mjx-merror, [data-mjx-error]'))
                        .map(e => e.getAttribute('data-mjx-error') || e.textContent.slice(0, 80)),
          images: images.length,
          broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).length,
          links: Array.from(document.querySelectorAll('a[href]'))
                   .map(a => a.getAttribute('href'))});
  };
  const start = Date.now();
  const wait = () => {  // MathJax is loaded deferred: wait for it, then for its typesetting
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(report);
    } else if (Date.now() - start > 20000) { report(); } else { setTimeout(wait, 50); }
  };
  wait();
})"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built into a temporary folder and served on a free loopback port."""
    out = tmp_path_factory.mktemp("book") / "site"
    build(ROOT, out)
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = _QuietServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # a page that is closed while an image is still being sent breaks the connection:
        # harmless for the test, and not worth a traceback in the log
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def site_page(browser_context):
    page = browser_context.new_page()
    page.set_default_timeout(60_000)
    yield page
    page.close()


def _expected_images(name: str) -> int:
    if name == "index.html":
        return 0
    nb = nbformat.read(ROOT / "notebooks" / name.replace(".html", ".ipynb"), as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    figures = sum("image/png" in o.get("data", {}) for o in outputs)
    views = [o["data"][WIDGET_VIEW]["model_id"] for o in outputs
             if WIDGET_VIEW in o.get("data", {})]
    stills = sum(still(nb, v).count("<img") for v in views)
    return figures + stills


def _has_math(name: str) -> bool:
    if name == "index.html":
        return False
    nb = nbformat.read(ROOT / "notebooks" / name.replace(".html", ".ipynb"), as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return re.search(r"\$[^$\n]+\$", prose) is not None


def test_every_notebook_has_a_page():
    assert len(PAGES) == len(NOTEBOOKS) + 1 and len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_with_maths_and_images(site, site_page, screenshots, name):
    log = PageLog().attach(site_page)
    failed, outside = [], []
    site_page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    site_page.on("response", lambda r: failed.append(f"{r.url} ({r.status})")
                 if r.status >= 400 else None)
    site_page.on("request", lambda r: outside.append(r.url)
                 if not r.url.startswith((site + "/", "data:")) else None)
    site_page.goto(f"{site}/{name}", wait_until="load")
    seen = site_page.evaluate(_SEEN_JS)
    site_page.screenshot(path=str(screenshots / f"book-{Path(name).stem}.png"), full_page=True)
    problems = [f"console: {e}" for e in log.errors]
    problems += [f"request failed: {u}" for u in failed]
    problems += [f"request outside the site: {u}" for u in outside]
    if seen["raw"]:
        problems.append(f"maths left as raw TeX: {seen['raw']}")
    if _has_math(name) and not seen["typeset"]:
        problems.append("the notebook has maths but none is typeset")
    if seen["mathErrors"]:
        problems.append(f"TeX errors: {seen['mathErrors']}")
    if seen["broken"]:
        problems.append(f"{seen['broken']} images did not load")
    if seen["images"] != _expected_images(name):
        problems.append(f"{seen['images']} images, the notebook has {_expected_images(name)}")
    for href in {h.split("#")[0] for h in seen["links"]}:
        if href and not re.match(r"[a-z]+:", href):
            with urllib.request.urlopen(f"{site}/{href}", timeout=10) as answer:
                if answer.status != 200:
                    problems.append(f"link {href} answers {answer.status}")
    if name != "index.html":
        assert "index.html" in seen["links"], f"{name} links to no contents page"
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


def test_index_lists_every_notebook_and_case(site, site_page):
    site_page.goto(f"{site}/index.html")
    hrefs = site_page.eval_on_selector_all("main a[href]",
                                           "els => els.map(a => a.getAttribute('href'))")
    assert {page_name(p) for p in NOTEBOOKS} <= set(hrefs)
    text = site_page.inner_text("main")
    for case in "ABCDE":
        assert re.search(rf"\n\s*{case}\s", text), f"the index has no row for case {case}"


def test_search_finds_notebook_04(site, site_page):
    page = page_name(next(p for p in NOTEBOOKS if p.name.startswith("04_")))
    site_page.goto(f"{site}/index.html")
    site_page.fill("#book-search", "born dead")
    hit = site_page.locator(f'#book-results a[href^="{page}"]').first
    hit.wait_for(timeout=5_000)
    hit.click()
    site_page.wait_for_url(re.compile(re.escape(page)))
    assert "born dead" in site_page.inner_text("main").lower()


def test_search_says_when_nothing_is_found(site, site_page):
    site_page.goto(f"{site}/index.html")
    site_page.fill("#book-search", "zzzqqq nothing like this")
    assert site_page.locator("#book-results .book-hit-none").inner_text() == "nothing found"
