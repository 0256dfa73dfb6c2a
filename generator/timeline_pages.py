"""The timeline's pages: one page, or a page per year, and a page per month of a year too busy for one.

Up to TIMELINE_PAGE_EVENTS events, the timeline is the home page alone. Above that, every year has
`years/<YYYY>/`; a year of more than TIMELINE_PAGE_EVENTS events is split again: its year page becomes
an overview of its months, each month has `years/<YYYY>/<MM>/` (`years/<YYYY>/undated/` for events
known only to the year), and a month of more events than that is cut into numbered pages
(`years/<YYYY>/<MM>/page/2/`), as actor and tag pages are. So no timeline page lists more than
TIMELINE_PAGE_EVENTS events. The home page shows the latest year, or, when that year is split,
the newest events: the last page of its latest month.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generator.model import Event, Timeline
from generator.paging import MonthGroup, Page, YearGroup, group_by_year_and_month, paginate

TIMELINE_PAGE_EVENTS = 250  # above this, the timeline splits into years, and such a year into months

Stop = tuple[str, int, int | None]  # a place to go on the timeline: (site path, year, month or None for the year)


def timeline_is_split(timeline: Timeline) -> bool:
    """Whether the timeline is too long for one page and gets one page per year."""
    return len(timeline.events) > TIMELINE_PAGE_EVENTS


def year_is_split(group: YearGroup) -> bool:
    """Whether a year has too many events for one page and gets one page per month."""
    return group.count > TIMELINE_PAGE_EVENTS


def month_path(year: int, month: int) -> str:
    """The site path of a month's (first) page, e.g. 'years/2003/05/'; month 0 is 'years/2003/undated/'."""
    return f"years/{year}/{month:02d}/" if month else f"years/{year}/undated/"


def _stops(groups: list[YearGroup]) -> list[Stop]:
    """Every year page and month page in timeline order: what previous and next link to."""
    stops: list[Stop] = []
    for group in groups:
        if year_is_split(group):
            stops += [(month_path(group.year, m.month), group.year, m.month) for m in group.months]
        else:
            stops.append((f"years/{group.year}/", group.year, None))
    return stops


def _month_pages(group: YearGroup, context: dict[str, Any], stops: list[Stop]) -> list[Page]:
    """The overview of a split year, then each of its months' pages."""
    months = [(m.month, len(m.events), month_path(group.year, m.month)) for m in group.months]
    pages = [Page(f"years/{group.year}/index.html", "year.html", {**context, "count": group.count, "months": months})]
    for month in group.months:
        position = stops.index((month_path(group.year, month.month), group.year, month.month))
        around = {"before": stops[position - 1] if position > 0 else None,
                  "after": stops[position + 1] if position + 1 < len(stops) else None}
        for path, chunk, pager in paginate(month_path(group.year, month.month), month.events, TIMELINE_PAGE_EVENTS):
            pages.append(Page(path + "index.html", "month.html", {
                **context, "month": month.month, "count": len(month.events), "months": months, **around,
                "groups": [YearGroup(group.year, [MonthGroup(group.year, month.month, chunk)])], "pager": pager,
            }))
    return pages


def timeline_pages(events: Sequence[Event]) -> list[Page]:
    """The home page, then (on a split timeline) every year's page and every month's pages, in order."""
    groups = group_by_year_and_month(events)
    span = {"count": len(events), "first": events[0] if events else None, "latest": events[-1] if events else None}
    if len(events) <= TIMELINE_PAGE_EVENTS:
        return [Page("index.html", "timeline.html", {**span, "groups": groups, "years": [], "year": None})]
    # Only the home page counts each year's events: were the counts on every year's page, moving one
    # event from a year to another would change all of them (77 pages at 10,000 synthetic events).
    years: list[tuple[int, int | None]] = [(g.year, None) for g in groups]
    stops = _stops(groups)
    pages: list[Page] = []
    for position, group in enumerate(groups):
        context = {"years": years, "year": group.year,
                   "previous_year": groups[position - 1].year if position > 0 else None,
                   "next_year": groups[position + 1].year if position + 1 < len(groups) else None}
        if year_is_split(group):
            pages += _month_pages(group, context, stops)
        else:
            pages.append(Page(f"years/{group.year}/index.html", "timeline.html",
                              {**span, "groups": [group], **context}))
    counted = [(g.year, g.count) for g in groups]
    home: dict[str, Any] = {**span, "groups": groups[-1:], "years": counted, "year": None, "shows": stops[-1][0]}
    if year_is_split(groups[-1]):  # the newest events: the last page of the latest month
        newest = pages[-1]
        home.update(groups=newest.context["groups"], shows=newest.url_path, latest_month=stops[-1])
    return [Page("index.html", "timeline.html", home), *pages]


def timeline_places(pages: Sequence[Page]) -> dict[str, str]:
    """For each event id, the site path of the timeline page that holds it ('' for the home page).

    `pages` are timeline_pages(); the home page of a split timeline repeats a year's or a month's
    events, which are held by that page.
    """
    return {event.id: page.url_path
            for page in pages if "shows" not in page.context
            for year in page.context.get("groups", []) for month in year.months for event in month.events}


def timeline_path(event: Event, places: dict[str, str]) -> str:
    """The site path of the timeline page that lists `event`, with its fragment (see timeline_places)."""
    return f"{places[event.id]}#{event.id}"
