"""A real browser: Debian's Chromium, driven by Playwright, loads every page from a live server
and checks the key content, that every chart rendered (vega-embed from the package's own static
files, no network), that the console stayed clean, phone width and print.

Skipped when Chromium or Playwright is missing, except under CI (``CI`` set), where that fails.
Screenshots go to ``$CARTATLAS_SCREENSHOTS`` when set (``docs/screenshots/`` was made that way),
else to a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cartatlas.web.questions import QUESTIONS

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = [
    ("overview", "/?a=CN&b=US", "CAR-T in China and United States"),
    *((q.key, f"/q/{q.key}?a=CN&b=US", q.title) for q in QUESTIONS),
    ("products", "/products", "CAR-T products"),  # a table, no chart
    ("product", "/products/axi-cel", "axicabtagene-ciloleucel"),
    (
        "trial-finder",
        "/trials?condition=lymphoma&country=CN&recruiting=true&searched=true",
        "Find a CAR-T trial",
    ),
    ("meta", "/meta?indication=MM&endpoint=ORR&countries=CN&countries=US", "Meta-analysis"),
]
RENDERED = "() => [...document.querySelectorAll('[data-spec]')].every(e => e.dataset.rendered)"
# Waits are for events (network idle, charts marked rendered), never fixed sleeps; this is only
# the bound on a machine so loaded that a page takes this long (a hang, not a slow page, fails).
LOADED = 300_000


def expect(locator):
    """Playwright's retrying assertion (imported late: the module loads without Playwright),
    retrying up to the same bound as every other wait (its own default is 5 s)."""
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=LOADED)
    return playwright_expect(locator)


def _unavailable() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("CARTATLAS_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Visit:
    """One page in a fresh tab, with every console error and failed request recorded."""

    def __init__(self, browser, url: str, width: int = 1280) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        # Every click, fill, read and navigation waits on its condition up to the load bound
        # (Playwright's default of 30 s is too short on a loaded 2-core machine).
        self.page.set_default_timeout(LOADED)
        self.page.set_default_navigation_timeout(LOADED)
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))
        # "networkidle": every script, chart and map request has finished, whatever the load.
        self.response = self.page.goto(url, wait_until="networkidle", timeout=LOADED)
        self.page.wait_for_function(RENDERED, timeout=LOADED)

    def charts(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "[data-spec]", "els => els.map(e => e.dataset.rendered)"
        )

    def screenshot(self, path: Path, height: int = 1800) -> None:
        """The top of the page (at most ``height`` px): moderate files, the key content."""
        size = self.page.evaluate("() => [window.innerWidth, document.body.scrollHeight]")
        clip = {"x": 0, "y": 0, "width": size[0], "height": min(height, size[1])}
        self.page.screenshot(path=str(path), full_page=True, clip=clip)

    def close(self) -> None:
        self.page.close()


@pytest.mark.parametrize(("name", "path", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_page_loads_with_charts_and_no_console_errors(
    browser, live_server, shots, name, path, heading
):
    visit = Visit(browser, live_server + path)
    try:
        assert visit.response.status == 200
        assert heading in visit.page.inner_text("h1")
        charts = visit.charts()
        assert (charts or name == "products") and all(s == "true" for s in charts), charts
        assert visit.page.locator("[data-spec] svg.marks").count() == len(charts)
        assert visit.errors == []
        visit.screenshot(shots / f"{name}.png")
    finally:
        visit.close()


def test_trial_page_lists_and_maps_its_sites(browser, live_server, shots):
    finder = Visit(browser, live_server + "/trials?country=US&searched=true")
    try:
        with finder.page.expect_navigation(wait_until="networkidle", timeout=LOADED):
            finder.page.click("ol.results li:first-child h2 a")  # waits on the trial page
        finder.page.wait_for_function(RENDERED, timeout=LOADED)
        assert "Sites" in finder.page.inner_text("main")
        assert finder.page.locator("table tbody tr").count() >= 1
        assert all(state == "true" for state in finder.charts())
        assert finder.errors == []
    finally:
        finder.close()


@pytest.mark.parametrize(
    ("age", "country", "code"),
    [("", "", ""), ("70", "", ""), ("", "USA", "US"), ("70", "中国", "CN")],
    ids=["age-empty", "age-70", "country-USA", "age-70-country-中国"],
)
def test_trial_finder_form_submits_with_and_without_an_age(
    browser, live_server, age, country, code
):
    """The age box is optional: leaving it empty (its normal use) must not answer 422; the
    country box takes what people type (a name, an alias, Chinese), as the CLI does."""
    finder = Visit(browser, live_server + "/trials")
    try:
        finder.page.fill("input[name=condition]", "r/r myeloma")
        finder.page.fill("input[name=age]", age)
        finder.page.fill("input[name=country]", country)
        with finder.page.expect_navigation(wait_until="networkidle") as navigation:
            finder.page.click("form.finder button[type=submit]")
        assert navigation.value.status == 200
        assert f"age={age}&" in finder.page.url or finder.page.url.endswith(f"age={age}")
        assert finder.page.input_value("input[name=country]") == code
        if code:
            summaries = finder.page.locator("ol.results details summary").all_inner_texts()
            assert summaries and all(s.endswith(f" in {code}") for s in summaries), summaries
        count = int(finder.page.inner_text("p.count strong"))
        assert count > 0
        assert "myeloma" in finder.page.inner_text("ol.results").lower()
        csv_link = finder.page.get_attribute("p.count a", "href")
        assert finder.page.request.get(live_server + csv_link).status == 200
    finally:
        finder.close()


def test_figure_data_and_sources_are_one_click_away(browser, live_server):
    visit = Visit(browser, live_server + "/q/approvals?a=CN&b=US")
    try:
        details = visit.page.locator("figure details.figure-data").first
        expect(details.locator("table")).to_be_hidden()
        details.locator("summary").click()
        expect(details.locator("table")).to_be_visible()
        assert details.locator("ol.sources a").count() >= 1
    finally:
        visit.close()


@pytest.mark.parametrize(
    "path", ["/?a=CN&b=US", "/trials?condition=myeloma&searched=true", "/q/success"]
)
def test_phone_width_has_no_sideways_scrolling(browser, live_server, shots, path):
    visit = Visit(browser, live_server + path, width=390)
    try:
        overflow = visit.page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 1
        if path.startswith("/trials"):
            visit.screenshot(shots / "trial-finder-phone.png")
        expect(visit.page.locator(".menu-button")).to_be_visible()
        visit.page.click(".menu-button")
        expect(visit.page.locator("nav.menu")).to_be_visible()
        assert visit.errors == []
    finally:
        visit.close()


def test_print_hides_navigation_and_opens_data_tables(browser, live_server):
    visit = Visit(browser, live_server + "/q/cost?a=CN&b=US")
    try:
        visit.page.emulate_media(media="print")
        expect(visit.page.locator("header.site")).to_be_hidden()
        expect(visit.page.locator("form.pair")).to_be_hidden()
        visit.page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        assert visit.page.evaluate(
            "() => [...document.querySelectorAll('details.figure-data')].every(d => d.open)"
        )
        assert len(visit.page.pdf()) > 10_000
    finally:
        visit.close()


def test_article_page_highlights_claims_under_the_csp(browser, live_server, shots):
    """A pasted article comes back with its claims highlighted by verdict, no console error
    (the page has no script), and hostile markup in it shown as text."""
    from tests.articles.conftest import EXAMPLE_ARTICLE

    if not EXAMPLE_ARTICLE.exists():
        pytest.skip("the example article is missing")
    visit = Visit(browser, live_server + "/article")
    try:
        text = EXAMPLE_ARTICLE.read_text("utf-8") + "\n\n<img src=x onerror=alert(1)>"
        visit.page.fill("textarea[name=text]", text)
        with visit.page.expect_navigation(wait_until="networkidle") as navigation:
            visit.page.click("form.article-form button[type=submit]")
        assert navigation.value.status == 200
        assert "checkable claims" in visit.page.inner_text("p.answer")
        assert visit.page.locator("section.article-text mark.claim").count() >= 14
        assert visit.page.locator("section.article-text img").count() == 0
        assert visit.errors == []
        visit.screenshot(shots / "article.png")
    finally:
        visit.close()
