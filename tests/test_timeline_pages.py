"""The timeline's pages: one page, a page per year, and a page per month (or numbered pages) of a busy year."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from test_benchmarks_synth import load_synth

from generator.build import build_project
from generator.dates import parse_date
from generator.linkcheck import check_site
from generator.model import Event
from generator.paging import Page
from generator.timeline_pages import (
    TIMELINE_PAGE_EVENTS,
    month_path,
    timeline_pages,
    timeline_path,
    timeline_places,
)

LIMIT = TIMELINE_PAGE_EVENTS


def events_in(counts: dict[str, int]) -> list[Event]:
    """Events in timeline order: `counts` maps an EDTF date ('2003-05-10', '2003' for an unknown month) to how many."""
    made = [Event(id=f"e{date}-{n:04d}", path="", title=f"Event {n}", date=parse_date(date), status="reported",
                  summary="") for date, count in sorted(counts.items()) for n in range(count)]
    return sorted(made, key=lambda event: (event.date.earliest, event.id))


def by_path(pages: list[Page]) -> dict[str, Page]:
    return {page.path: page for page in pages}


def listed(page: Page) -> list[str]:
    """Ids of the events a timeline page lists."""
    return [event.id for year in page.context.get("groups", []) for month in year.months for event in month.events]


def test_a_timeline_up_to_the_limit_is_the_home_page_alone() -> None:
    events = events_in({"2001-01-01": 100, "2003-05-01": LIMIT - 100})
    pages = timeline_pages(events)
    assert [p.path for p in pages] == ["index.html"]
    assert timeline_places(pages) == {event.id: "" for event in events}
    assert timeline_path(events[0], timeline_places(pages)) == f"#{events[0].id}"  # as before month pages


def test_a_year_up_to_the_limit_keeps_its_page_and_a_busier_one_gets_a_page_per_month() -> None:
    events = events_in({"2001-06-01": LIMIT, "2002-01-05": 100, "2002-03-09": 100, "2002": 51})
    pages = by_path(timeline_pages(events))
    assert sorted(pages) == ["index.html", "years/2001/index.html", "years/2002/01/index.html",
                             "years/2002/03/index.html", "years/2002/index.html", "years/2002/undated/index.html"]
    assert pages["years/2001/index.html"].template == "timeline.html"
    overview = pages["years/2002/index.html"]
    assert overview.template == "year.html" and "groups" not in overview.context  # it lists months, no events
    assert overview.context["count"] == 251
    assert overview.context["months"] == [(0, 51, "years/2002/undated/"), (1, 100, "years/2002/01/"),
                                          (3, 100, "years/2002/03/")]
    assert overview.context["years"] == [(2001, None), (2002, None)]  # counted on the home page only
    assert pages["index.html"].context["years"] == [(2001, LIMIT), (2002, 251)]
    assert (overview.context["previous_year"], overview.context["next_year"]) == (2001, None)
    march = pages["years/2002/03/index.html"]
    assert march.template == "month.html" and (march.context["year"], march.context["month"]) == (2002, 3)
    assert listed(march) == [e.id for e in events if e.date.edtf == "2002-03-09"]
    assert march.context["pager"] == {"number": 1, "paths": ["years/2002/03/"]}


def test_a_month_over_the_limit_is_cut_into_numbered_pages() -> None:
    events = events_in({"2003-05-10": 2 * LIMIT + 10, "2003-06-01": 3})
    pages = by_path(timeline_pages(events))
    paths = ["years/2003/05/", "years/2003/05/page/2/", "years/2003/05/page/3/"]
    may = [pages[path + "index.html"] for path in paths]
    assert [len(listed(page)) for page in may] == [LIMIT, LIMIT, 10]
    assert [page.context["pager"] for page in may] == [{"number": n, "paths": paths} for n in (1, 2, 3)]
    assert all(page.context["count"] == 2 * LIMIT + 10 for page in may)
    assert [e for page in may for e in listed(page)] == [e.id for e in events if e.date.edtf == "2003-05-10"]
    assert "years/2003/06/page/2/index.html" not in pages


def test_previous_and_next_go_from_month_to_month_across_years() -> None:
    events = events_in({"2001-02-02": 5, "2002": 1, "2002-01-01": 150, "2002-12-01": 150, "2003-04-01": 300,
                        "2004-07-01": 2})
    pages = by_path(timeline_pages(events))

    def around(path: str) -> tuple[object, object]:
        return pages[path].context["before"], pages[path].context["after"]

    assert around("years/2002/undated/index.html") == (("years/2001/", 2001, None), ("years/2002/01/", 2002, 1))
    assert around("years/2002/12/index.html") == (("years/2002/01/", 2002, 1), ("years/2003/04/", 2003, 4))
    assert around("years/2003/04/index.html") == (("years/2002/12/", 2002, 12), ("years/2004/", 2004, None))
    assert around("years/2003/04/page/2/index.html") == around("years/2003/04/index.html")
    assert (pages["years/2004/index.html"].context["previous_year"], pages["years/2001/index.html"].context[
        "next_year"]) == (2003, 2002)  # year pages still go year to year


def test_every_event_has_one_place_on_the_page_that_lists_it() -> None:
    events = events_in({"2001-02-02": 5, "2002-03-03": 120, "2002-08-08": 140, "2003": 2, "2003-09-09": 260})
    pages = timeline_pages(events)
    places = timeline_places(pages)
    assert set(places) == {event.id for event in events}
    holders = Counter(event_id for page in pages if page.path != "index.html" for event_id in listed(page))
    assert set(holders.values()) == {1}
    for page in pages[1:]:
        assert all(places[event_id] == page.url_path for event_id in listed(page))
    assert places[events[0].id] == "years/2001/"
    assert timeline_path(events[-1], places) == f"years/2003/09/page/2/#{events[-1].id}"
    assert places[next(e.id for e in events if e.date.edtf == "2003")] == month_path(2003, 0) == "years/2003/undated/"


def test_the_home_page_of_a_busy_latest_year_shows_the_newest_events_of_its_latest_month() -> None:
    events = events_in({"2002-01-01": 260, "2003-01-01": 200, "2003-11-20": LIMIT + 7})
    home = timeline_pages(events)[0]
    assert home.path == "index.html" and home.template == "timeline.html"
    assert listed(home) == [event.id for event in events[-7:]]  # the last page of November
    assert home.context["shows"] == "years/2003/11/page/2/"  # where the filters find these events
    assert home.context["latest_month"] == ("years/2003/11/", 2003, 11)
    assert home.context["latest"] == events[-1] and home.context["count"] == len(events)


def test_the_home_page_of_a_quiet_latest_year_shows_that_year() -> None:
    events = events_in({"2002-01-01": 260, "2003-01-01": 20})
    home = timeline_pages(events)[0]
    assert listed(home) == [event.id for event in events[-20:]]
    assert home.context["shows"] == "years/2003/" and "latest_month" not in home.context


# Whole builds of synthetic timelines (benchmarks/synth.py) whose dates crowd into a few years.

def crowded_synth(years: dict[int, int], busy_month: int = 5) -> ModuleType:
    """benchmarks/synth.py, drawing event dates from `years` (year: weight), `busy_month` five times as often."""
    synth = load_synth()  # a fresh module: the change below stays in this copy

    def day(rng: random.Random) -> tuple[int, int, int]:
        year = rng.choices(list(years), weights=list(years.values()))[0]
        month = rng.choices(range(1, 13), weights=[5 if m == busy_month else 1 for m in range(1, 13)])[0]
        return year, month, rng.randint(1, 28)

    synth._day = day
    return synth


ARTICLE = re.compile(r'<article class="event[^"]*" id="([^"]+)"')


def timeline_files(site: Path) -> dict[str, str]:
    """Every timeline page of a built site but the home page, by site path ('years/2003/05/')."""
    return {p.parent.relative_to(site).as_posix() + "/": p.read_text(encoding="utf-8")
            for p in sorted((site / "years").rglob("index.html"))}


@pytest.fixture(scope="module")
def crowded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 events, most of them in 2003 (a third of those in May), built under a base path."""
    project = crowded_synth({2001: 1, 2002: 4, 2003: 95}).generate(tmp_path_factory.mktemp("crowded") / "p", 3000)
    build_project(project, base_url="https://user.github.io/repo/", workers=2)
    return project / "site"


def test_a_crowded_year_builds_into_month_pages_under_a_megabyte(crowded_site: Path) -> None:
    pages = timeline_files(crowded_site)
    assert "years/2003/05/page/2/" in pages and "years/2003/undated/" in pages  # May holds about 700 events
    largest = max(crowded_site.rglob("*.html"), key=lambda p: p.stat().st_size)
    assert largest.stat().st_size < 1_000_000, largest
    report = check_site(crowded_site, "https://user.github.io/repo/")
    assert report.broken == () and report.pages > 3000


def test_every_event_is_on_exactly_one_timeline_page_which_search_and_event_pages_name(crowded_site: Path) -> None:
    holders: dict[str, list[str]] = {}
    for path, html in timeline_files(crowded_site).items():
        for event_id in ARTICLE.findall(html):
            holders.setdefault(event_id, []).append(path)
    events = json.loads((crowded_site / "events.json").read_text(encoding="utf-8"))["events"]
    assert sorted(holders) == sorted(e["id"] for e in events)
    assert all(len(paths) == 1 for paths in holders.values())
    index = json.loads((crowded_site / "search.json").read_text(encoding="utf-8"))
    for event_id, page, *_ in index["events"]:
        assert index["pages"][page] == holders[event_id][0]
    for event_id in list(holders)[::97]:
        event_page = (crowded_site / "events" / event_id / "index.html").read_text(encoding="utf-8")
        assert f'href="/repo/{holders[event_id][0]}#{event_id}"' in event_page  # "On the timeline"
    home = ARTICLE.findall((crowded_site / "index.html").read_text(encoding="utf-8"))
    shown = {holders[event_id][0] for event_id in home}  # the newest events: the last page of December 2003
    assert len(shown) == 1 and shown.pop().startswith("years/2003/12/") and home[-1] == events[-1]["id"]
    sitemap = (crowded_site / "sitemap.xml").read_text(encoding="utf-8")
    assert all(f"/repo/{path}</loc>" in sitemap for path in timeline_files(crowded_site))


def test_month_pages_say_where_they_are(crowded_site: Path) -> None:
    pages = timeline_files(crowded_site)
    second = pages["years/2003/05/page/2/"]
    assert "<title>May 2003, page 2 · " in second and "<h1>May 2003</h1>" in second
    assert re.search(r'<a href="/repo/years/2003/05/" aria-current="true">May 2003</a>', second)
    assert '<span aria-current="page">Page 2</span>' in second
    assert 'href="/repo/years/2003/04/" rel="prev"' in second and 'href="/repo/years/2003/06/" rel="next"' in second
    assert re.search(r'href="/repo/years/2003/" aria-current="true">2003<', second)
    assert 'data-page="years/2003/05/page/2/"' in second
    undated = pages["years/2003/undated/"]  # the first of 2003's pages; 2002 has a page of its own
    assert "<h1>2003 (month unknown)</h1>" in undated
    assert 'href="/repo/years/2002/" rel="prev"><span aria-hidden="true">←</span> 2002</a>' in undated
    assert 'href="/repo/years/2003/01/" rel="next">January 2003 <span' in undated
    overview = pages["years/2003/"]
    assert re.search(r'href="/repo/years/2003/" aria-current="page">2003<', overview)
    assert '<a href="/repo/years/2003/05/">May 2003</a>' in overview and "<article" not in overview
    assert "<title>2003 · " in overview
