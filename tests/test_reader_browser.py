"""The reader's timeline in a real browser (GitHub issue 5): filtering, search, shareable URLs, weight, accessibility.

Chromium is the system one (/usr/bin/chromium), driven by Playwright; sites are served by http.server on 127.0.0.1.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Request, expect

from generator.build import build_project
from tests.conftest import PROJECT, PagesHandler, copy_site
from tests.test_benchmarks_synth import load_synth
from tests.test_reader_exports import search_index

FORUM = "2023-09-10-kim-putin-meeting-at-eef"
SEED_BUDGET = 100_000  # bytes before the first event shows on the seed timeline (HTML + CSS + JS)


class StaticServer:
    """A built site served by http.server in a thread, on 127.0.0.1 only."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(PagesHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


def _serve_project(root: Path, output: Path) -> Iterator[StaticServer]:
    build_project(root, base_url="http://127.0.0.1/", output_dir=str(output))
    server = StaticServer(output)
    yield server
    server.close()


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticServer]:
    """The repository's seed timeline, built and served."""
    yield from _serve_project(PROJECT, tmp_path_factory.mktemp("seed") / "site")


@pytest.fixture(scope="module")
def split_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticServer]:
    """A 300-event synthetic timeline: over 250 events, so it is split into year pages."""
    project = load_synth().generate(tmp_path_factory.mktemp("synth") / "project", 300)
    yield from _serve_project(project, project.parent / "site")


@pytest.fixture(scope="module")
def busy_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticServer]:
    """600 synthetic events in 2002 and 2003: both years over 250 events, so each has a page per month."""
    from tests.test_timeline_pages import crowded_synth

    project = crowded_synth({2002: 1, 2003: 1}).generate(tmp_path_factory.mktemp("busy") / "project", 600)
    yield from _serve_project(project, project.parent / "site")


def visible_events(page: Page) -> list[str]:
    """Ids of the event cards the reader can see."""
    return page.locator("article.event:visible").evaluate_all("els => els.map(e => e.id)")


def applied(page: Page) -> str:
    """Wait until the filter in the address bar has been applied; return the status line."""
    page.wait_for_function("""() => document.getElementById('filter-status').dataset.applied === location.search
        && (new URLSearchParams(location.search).get('q') || '') === document.getElementById('f-q').value.trim()""")
    return page.locator("#filter-status").inner_text()


def index_of(server: StaticServer) -> dict[str, object]:
    """The served search index, one dict per event."""
    return search_index(Path(server.server.RequestHandlerClass.keywords["directory"]))  # type: ignore[attr-defined]


def test_index_is_fetched_only_when_the_reader_filters(page: Page, seed_site: StaticServer) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(urlsplit(request.url).path))
    page.goto(seed_site.url)
    page.wait_for_load_state("networkidle")
    assert "/search.json" not in requests
    assert len(visible_events(page)) == 8
    with page.expect_request("**/search.json"):
        page.get_by_label("Search titles, summaries and sources").fill("vladivostok")
    expect(page.locator("#filter-status")).to_contain_text("match")


def test_the_text_to_search_is_fetched_only_for_a_text_search(page: Page, seed_site: StaticServer) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(urlsplit(request.url).path))
    page.goto(seed_site.url + "?actor=kim-jong-un")
    assert applied(page) == "3 events match."
    assert "/search.json" in requests and "/search-text.json" not in requests
    with page.expect_request("**/search-text.json?v=*"):
        page.get_by_label("Search titles, summaries and sources").fill("vladivostok")
    assert applied(page) == "1 event matches."


def test_text_search_covers_titles_summaries_and_sources(page: Page, seed_site: StaticServer) -> None:
    page.goto(seed_site.url)
    search = page.get_by_label("Search titles, summaries and sources")
    search.fill("interfax")  # an outlet only named in sources ("via Interfax")
    assert applied(page) == "1 event matches."
    assert visible_events(page) == ["2023-09-04-shoigu-on-joint-exercises"]
    assert "?q=interfax" in page.url
    search.fill("Why not, these are our neighbors")  # a source quote
    assert applied(page) == "1 event matches."
    assert visible_events(page) == ["2023-09-04-shoigu-on-joint-exercises"]
    search.fill("Putin forum")  # words from a title, in any order
    assert applied(page) == "1 event matches."
    assert visible_events(page) == [FORUM]
    search.fill("no such words anywhere")
    assert applied(page) == "0 events match."
    assert visible_events(page) == []


def test_filters_combine_and_survive_a_reload(page: Page, seed_site: StaticServer) -> None:
    page.goto(seed_site.url)
    page.get_by_text("Filter by actor, place, tag, status, outlet or date").click()
    actor = page.get_by_label("Actor", exact=True)
    expect(actor.locator("option[value='kim-jong-un']")).to_have_count(1)
    actor.select_option("kim-jong-un")
    page.get_by_label("Status", exact=True).select_option("planned")
    expect(page.locator("#filter-status")).to_have_text("1 event matches.")
    assert visible_events(page) == [FORUM]
    assert page.locator("#y2023-07").is_hidden()  # a month with no match is hidden, with its jump link
    page.get_by_label("Status", exact=True).select_option("")
    page.get_by_label("From", exact=True).fill("2023-09-05")
    page.get_by_label("To", exact=True).fill("2023-12-31")
    expect(page.locator("#filter-status")).to_have_text("1 event matches.")
    query = urlsplit(page.url).query
    assert "actor=kim-jong-un" in query and "from=2023-09-05" in query and "to=2023-12-31" in query
    page.reload()
    expect(page.locator("#filter-status")).to_have_text("1 event matches.")
    assert visible_events(page) == [FORUM]
    expect(page.get_by_label("Actor", exact=True)).to_have_value("kim-jong-un")
    expect(page.get_by_label("From", exact=True)).to_have_value("2023-09-05")
    page.get_by_role("button", name="Clear filters").click()
    expect(page.locator("#filter-status")).to_have_text("")
    assert len(visible_events(page)) == 8
    assert urlsplit(page.url).query == ""


def test_shared_link_with_place_tag_and_outlet(page: Page, seed_site: StaticServer) -> None:
    page.goto(seed_site.url + "?place=russia&tag=arms-deal&outlet=new-york-times")
    assert applied(page) == "2 events match."
    shown = visible_events(page)
    data = index_of(seed_site)
    facets = data["facets"]  # type: ignore[index]
    position = {kind: [key for key, _ in facets[kind]] for kind in facets}  # type: ignore[union-attr]
    expected = [e["id"] for e in data["events"]  # type: ignore[union-attr]
                if position["places"].index("russia") in e["pl"] and position["tags"].index("arms-deal") in e["g"]
                and position["outlets"].index("new-york-times") in e["o"]]
    assert shown == expected and expected


def test_without_javascript_the_form_stays_hidden(browser: Browser, seed_site: StaticServer) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(seed_site.url)
    assert page.locator("#filters").is_hidden()
    assert len(visible_events(page)) == 8
    expect(page.get_by_role("navigation", name="Site").get_by_role("link", name="Actors")).to_be_visible()
    context.close()


def test_split_timeline_lists_matches_from_other_year_pages(page: Page, split_site: StaticServer) -> None:
    data = index_of(split_site)
    pages: list[str] = data["pages"]  # type: ignore[assignment]
    assert len(pages) > 1 and "" not in pages
    events: list[dict[str, object]] = data["events"]  # type: ignore[assignment]
    status = "cancelled"
    matching = [e for e in events if e["st"] == status]
    year_page = pages[0]
    here = [e["id"] for e in matching if pages[e["p"]] == year_page]  # type: ignore[index]
    page.goto(f"{split_site.url}{year_page}?status={status}")
    expect(page.locator("#filter-status")).to_have_text(
        f"{len(matching)} events match ({len(here)} on this page, {len(matching) - len(here)} on other pages).")
    assert visible_events(page) == here
    elsewhere = page.locator("#filter-elsewhere li a")
    expect(elsewhere).to_have_count(len(matching) - len(here))
    first_other = next(e for e in matching if pages[e["p"]] != year_page)  # type: ignore[index]
    expect(elsewhere.first).to_have_text(str(first_other["t"]))
    elsewhere.first.click()
    expect(page.locator("h1")).to_have_text(str(first_other["t"]))
    page.go_back()
    year_links = page.get_by_role("navigation", name="Years").get_by_role("link")
    assert all("status=cancelled" in (href or "") for href in year_links.evaluate_all("l => l.map(a => a.href)"))


def test_month_page_leads_to_the_next_month_and_its_search_finds_other_years(page: Page,
                                                                           busy_site: StaticServer) -> None:
    data = index_of(busy_site)
    pages: list[str] = data["pages"]  # type: ignore[assignment]
    events: list[dict[str, object]] = data["events"]  # type: ignore[assignment]
    may = [e["id"] for e in events if pages[e["p"]] == "years/2002/05/"]  # type: ignore[index]
    page.goto(busy_site.url + "years/2002/05/")
    expect(page.locator("h1")).to_have_text("May 2002")
    assert visible_events(page) == may
    page.get_by_role("navigation", name="Previous and next month").get_by_role("link", name="June 2002").click()
    expect(page.locator("h1")).to_have_text("June 2002")
    assert page.url == busy_site.url + "years/2002/06/"
    assert page.get_by_role("navigation", name="Months of 2002").get_by_role("link", name="June 2002") \
        .get_attribute("aria-current") == "page"
    year = page.get_by_role("navigation", name="Years").get_by_role("link", name="2002", exact=True)
    assert year.get_attribute("aria-current") == "true"  # the year this month belongs to, not this page
    assert year.evaluate("a => getComputedStyle(a).fontWeight") == "700"  # stands out as the current page's does
    wanted = next(e for e in events if pages[e["p"]].startswith("years/2003/"))  # type: ignore[index]
    page.get_by_label("Search titles, summaries and sources").fill(str(wanted["t"]))
    assert "on other pages" in applied(page)
    found = page.locator(f"#filter-elsewhere a[href$='/events/{wanted['id']}/']")
    expect(found).to_have_text(str(wanted["t"]))
    months = page.get_by_role("navigation", name="Months of 2002").get_by_role("link")
    assert all("?q=" in (href or "") for href in months.evaluate_all("l => l.map(a => a.href)"))
    found.click()
    expect(page.locator("h1")).to_have_text(str(wanted["t"]))
    page.get_by_role("link", name="On the timeline").click()  # back to the month page that holds it
    assert page.url.split("#")[0] == busy_site.url + pages[wanted["p"]]  # type: ignore[index]
    expect(page.locator(f"article.event[id='{wanted['id']}']")).to_be_visible()


def test_filters_on_the_home_page_of_a_split_timeline_keep_its_own_events(page: Page,
                                                                            split_site: StaticServer) -> None:
    """The home page repeats the latest year's events: a filter shows them there, not as links elsewhere."""
    data = index_of(split_site)
    pages: list[str] = data["pages"]  # type: ignore[assignment]
    events: list[dict[str, object]] = data["events"]  # type: ignore[assignment]
    latest = pages[events[-1]["p"]]  # type: ignore[index]
    shown = [e for e in events if pages[e["p"]] == latest]  # type: ignore[index]
    status = str(shown[-1]["st"])
    page.goto(f"{split_site.url}?status={status}")
    applied(page)
    assert visible_events(page) == [e["id"] for e in shown if e["st"] == status]


def test_page_weight_budget_on_the_seed(page: Page, seed_site: StaticServer) -> None:
    sizes: dict[str, int] = {}

    def record(request: Request) -> None:
        response = request.response()
        if response is not None:
            sizes[urlsplit(request.url).path] = len(response.body())

    page.on("requestfinished", record)
    page.goto(seed_site.url)
    page.wait_for_load_state("networkidle")
    assert set(sizes) == {"/", "/static/style.css", "/static/timeline.js"}
    assert sum(sizes.values()) < SEED_BUDGET, sizes


@pytest.mark.parametrize("javascript", [True, False])
def test_first_event_shows_in_the_first_screen_of_a_phone(browser: Browser, seed_site: StaticServer,
                                                           javascript: bool) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(seed_site.url)
    page.wait_for_load_state("networkidle")
    box = page.locator("article.event").first.bounding_box()
    assert box is not None and 0 <= box["y"] < 740 - 100, box  # its date, status and title line show
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sticks out sideways
    if javascript:  # the filters wait behind "Filter and search", which the keyboard opens
        expect(page.get_by_label("Search titles, summaries and sources")).to_be_hidden()
        page.get_by_text("Filter and search", exact=True).focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "f-q"
        page.keyboard.type("shoigu")
        page.keyboard.press("Enter")
        assert applied(page) == "3 events match."
    else:
        assert page.locator("#filter-box").is_hidden()
    context.close()


def test_a_filtered_address_opens_the_filters_on_a_phone(browser: Browser, seed_site: StaticServer) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(seed_site.url + "?q=shoigu")
    assert applied(page) == "3 events match."
    expect(page.get_by_label("Search titles, summaries and sources")).to_have_value("shoigu")
    context.close()


def test_print_hides_the_controls_and_shows_where_links_lead(page: Page, seed_site: StaticServer,
                                                             french_site: StaticServer) -> None:
    page.emulate_media(media="print")
    page.goto(french_site.url + "events/meeting/")  # the seed's sources have no links; this one's do
    after = "el => getComputedStyle(el, '::after').content"
    source = page.locator(".sources a[href^='http']").first
    href = source.get_attribute("href")
    assert href and source.evaluate(after) == f'" <{href}>"'
    assert page.locator(".facets a").first.evaluate(after) == "none"  # this site's own pages: no address
    assert page.locator(".site-header nav").is_hidden() and page.locator(".skip-link").is_hidden()
    page.goto(seed_site.url)
    assert page.evaluate("matchMedia('print').matches")
    for hidden in ("#filter-box", "nav.jump", ".copy-link", ".site-footer"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator("article.event").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    assert len(visible_events(page)) == 8
    assert page.pdf(format="A4").startswith(b"%PDF")


AXE_OPTIONS = {  # WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe-core's best practices
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
PAGE_KINDS = {
    "timeline": "",
    "timeline, filtered": "?q=putin&status=reported",
    "event": f"events/{FORUM}/",
    "list": "actors/",
    "term": "actors/kim-jong-un/",
    "404": "no/such/page/",
}


def axe_violations(page: Page) -> list[str]:
    """What axe-core finds wrong on the page, one line per violation and element."""
    results = Axe().run(page, options=AXE_OPTIONS)
    return [f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')}"
            for v in results.response["violations"] for node in v["nodes"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_axe_finds_no_violation(page: Page, seed_site: StaticServer, kind: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(seed_site.url + PAGE_KINDS[kind])
    if "?" in PAGE_KINDS[kind]:
        applied(page)
        page.locator("details.filter-more").evaluate("d => d.open = true")
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    assert axe_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_a_year_page(page: Page, split_site: StaticServer, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    year_page = index_of(split_site)["pages"][0]  # type: ignore[index]
    page.goto(f"{split_site.url}{year_page}?status=cancelled")
    applied(page)
    assert axe_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["years/2003/", "years/2003/05/?q=talks"])
def test_axe_finds_no_violation_on_a_year_overview_and_a_month_page(page: Page, busy_site: StaticServer,
                                                                     path: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(busy_site.url + path)
    if "?" in path:
        applied(page)
    assert axe_violations(page) == []


FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])"
NAME = """el => el.dataset.tabStop + ' ' + el.tagName.toLowerCase() + ':'
    + (el.id || el.getAttribute('href') || el.getAttribute('aria-label') || el.textContent.trim())"""
DESCRIBE_FOCUS = f"""() => {{
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return [({NAME})(el), style.outlineStyle, parseFloat(style.outlineWidth)];
}}"""
EXPECTED_ORDER = f"""sel => [...document.querySelectorAll(sel)].filter(el => el.checkVisibility() && !el.disabled)
    .map((el, i) => {{ el.dataset.tabStop = i; return ({NAME})(el); }})"""


def tab_through(page: Page, limit: int) -> list[tuple[str, str, float]]:
    """Press Tab until focus leaves the page (or `limit` presses); each stop's element and outline, once."""
    stops: list[tuple[str, str, float]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        stop = tuple(page.evaluate(DESCRIBE_FOCUS))
        if not stops or stops[-1][0] != stop[0]:  # a date input's day, month and year are stops of one input
            stops.append(stop)  # type: ignore[arg-type]
    return stops


@pytest.mark.parametrize("path", ["", f"events/{FORUM}/", "actors/kim-jong-un/"])
def test_keyboard_reaches_every_control_in_order_with_visible_focus(page: Page, seed_site: StaticServer,
                                                                    path: str) -> None:
    page.goto(seed_site.url + path)
    page.wait_for_load_state("networkidle")
    if not path:  # open the filters with the keyboard: their controls join the Tab order
        page.get_by_text("Filter by actor, place, tag, status, outlet or date").focus()
        page.keyboard.press("Enter")
        expect(page.locator("details.filter-more")).to_have_attribute("open", "")
        page.evaluate("() => { const b = document.body; b.tabIndex = -1; b.focus(); b.removeAttribute('tabindex'); }")
    expected: list[str] = page.evaluate(EXPECTED_ORDER, FOCUSABLE)
    stops = tab_through(page, 6 * len(expected) + 10)
    assert [name for name, _, _ in stops] == expected
    assert stops[0][0] == "0 a:#main"  # the skip link comes first
    unmarked = [name for name, style, width in stops if style == "none" or width < 2]
    assert unmarked == []
    if not path:
        titles = page.locator("article.event h4 a").evaluate_all(f"ls => ls.map({NAME})")
        assert len(titles) == 8 and set(titles) <= {name for name, _, _ in stops}
        reached = {name.split(" ", 1)[1] for name in expected}
        for control in ("input:f-q", "select:f-actor", "select:f-status", "input:f-from", "button:Clear filters"):
            assert control in reached


def test_keyboard_alone_filters_the_timeline(page: Page, seed_site: StaticServer) -> None:
    page.goto(seed_site.url)
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Enter")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-q":
            break
    page.keyboard.type("shoigu")
    page.keyboard.press("Enter")
    assert applied(page) == "3 events match."
    assert urlsplit(page.url).query == "q=shoigu"
    assert len(visible_events(page)) == 3


@pytest.mark.parametrize(("motion", "behaviour"), [("reduce", "auto"), ("no-preference", "smooth")])
def test_reduced_motion_is_respected(page: Page, seed_site: StaticServer, motion: str, behaviour: str) -> None:
    page.emulate_media(reduced_motion=motion)  # type: ignore[arg-type]
    page.goto(seed_site.url)
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == behaviour
    moving = page.evaluate("""() => [...document.querySelectorAll('*')].filter(el => {
        const s = getComputedStyle(el);
        return s.animationName !== 'none' || parseFloat(s.transitionDuration) > 0;
    }).length""")
    assert moving == 0


def _language_site(tmp_path_factory: pytest.TempPathFactory, language: str) -> Iterator[StaticServer]:
    project = copy_site("minimal", tmp_path_factory.mktemp(language) / "minimal")
    config = project / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"language: {language}\n", encoding="utf-8")
    yield from _serve_project(project, project.parent / "site")


@pytest.fixture(scope="module")
def french_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticServer]:
    """The minimal fixture site with `language: fr`."""
    yield from _language_site(tmp_path_factory, "fr")


@pytest.fixture(scope="module")
def arabic_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticServer]:
    """The minimal fixture site with `language: ar`."""
    yield from _language_site(tmp_path_factory, "ar")


def test_french_site_speaks_french(page: Page, french_site: StaticServer) -> None:
    page.goto(french_site.url)
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["fr", "ltr"]
    nav = page.get_by_role("navigation", name="Site")
    assert nav.get_by_role("link").all_inner_texts() == ["Chronologie", "Acteurs", "Lieux", "Médias", "Mots-clés",
                                                          "Statut"]
    assert page.locator("p.counts").inner_text() == (
        "2 événements, du premier (1er mars 2024) au dernier (avril 2024 (date incertaine)).")
    assert page.locator("section.month h3").all_inner_texts() == ["MARS 2024", "AVRIL 2024"]  # CSS upper-cases
    assert page.locator("time").all_inner_texts() == ["1er mars 2024", "avril 2024 (date incertaine)"]
    first = page.locator("article.event").first
    expect(first.locator("a.status")).to_have_text("✓ Confirmé")
    expect(first.locator(".stance").first).to_have_text("confirme")
    expect(page.get_by_role("navigation", name="Aller à un mois").get_by_role("link").first).to_have_text("2024")
    # the words static/timeline.js writes
    expect(first.get_by_role("button", name="Copier le lien vers Alice meets Bob")).to_have_text("Copier le lien")
    page.get_by_label("Rechercher dans les titres, les résumés et les sources").fill("paris")
    assert applied(page) == "1 événement correspond."
    page.get_by_label("Rechercher dans les titres, les résumés et les sources").fill("meet")
    assert applied(page) == "2 événements correspondent."
    page.get_by_role("button", name="Effacer les filtres").click()
    page.goto(french_site.url + "events/meeting/")
    assert page.get_by_role("heading", level=2).all_inner_texts() == ["Sources", "Tiré de", "Événements liés"]
    expect(page.locator(".event-status .status-text")).to_have_text(
        "Confirmé par une partie à l’événement ou par plusieurs sources indépendantes.")
    expect(page.locator(".sources .published").first).to_have_text("(2 mars 2024)")
    expect(page.locator(".chain")).to_have_text("Chaîne\u00a0: Wire Agency → The Daily")
    expect(page.get_by_role("link", name="Sur la chronologie")).to_be_visible()


def test_arabic_site_speaks_arabic(page: Page, arabic_site: StaticServer) -> None:
    page.goto(arabic_site.url + "?status=planned")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert applied(page) == "حدث واحد مطابق."
    assert page.get_by_role("navigation", name="الموقع").get_by_role("link").all_inner_texts()[:2] == [
        "الخط الزمني", "الفاعلون"]
    assert page.locator("time").all_inner_texts() == ["1 مارس 2024", "أبريل 2024 (تاريخ غير مؤكد)"]
    expect(page.get_by_label("الحالة", exact=True)).to_have_value("planned")
    expect(page.get_by_label("الحالة", exact=True).locator("option:checked")).to_have_text("مقرَّر")
    page.get_by_role("button", name="مسح عوامل التصفية").click()
    expect(page.locator("#filter-status")).to_have_text("")
    expect(page.locator("p.counts")).to_have_text("حدثان، من 1 مارس 2024 إلى أبريل 2024 (تاريخ غير مؤكد).")
    expect(page.locator(".copy-link").first).to_have_text("نسخ الرابط")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("language", "path"), [("fr", ""), ("fr", "?q=paris"), ("fr", "events/meeting/"),
                                                ("ar", ""), ("ar", "?q=paris"), ("ar", "events/meeting/")])
def test_axe_finds_no_violation_in_french_and_arabic(page: Page, french_site: StaticServer, arabic_site: StaticServer,
                                                     language: str, path: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto((french_site if language == "fr" else arabic_site).url + path)
    if "?" in path:
        applied(page)
    assert axe_violations(page) == []


def test_arabic_site_reads_right_to_left(page: Page, tmp_path: Path) -> None:
    project = copy_site("minimal", tmp_path / "minimal")
    config = project / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: ar\n", encoding="utf-8")
    for server in _serve_project(project, tmp_path / "site"):
        page.goto(server.url)
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
        timeline = page.locator("ol.events").first.bounding_box()
        card = page.locator("article.event").first.bounding_box()
        assert timeline is not None and card is not None
        # the timeline's rule (border-inline-start) and the cards' status stripe sit on the right
        assert page.locator("ol.events").first.evaluate("e => getComputedStyle(e).borderRightWidth") == "3px"
        assert page.locator("ol.events").first.evaluate("e => getComputedStyle(e).borderLeftWidth") == "0px"
        assert card["x"] + card["width"] < timeline["x"] + timeline["width"]
        assert card["x"] <= timeline["x"] + 1
        assert axe_violations(page) == []
