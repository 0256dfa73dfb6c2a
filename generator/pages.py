"""Which pages the site has: a pure plan of (output path, template, context) from the timeline."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from generator.dates import MONTHS
from generator.model import REGISTRY_KINDS, STATUSES, Entity, Event, Tag, Timeline

TIMELINE_PAGE_EVENTS = 250  # above this, the timeline splits into one page per year
TERM_PAGE_EVENTS = 100  # events per page on an actor, place, tag, outlet or status page

KIND_TITLES = {"actors": "Actors", "places": "Places", "outlets": "Outlets",
               "tags": "Tags", "status": "Status"}


@dataclass(frozen=True)
class Page:
    """One output file to render: where it goes, which template, and what the template sees."""

    path: str  # relative to the output folder, e.g. events/x/index.html
    template: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def url_path(self) -> str:
        """The page's site path as linked, e.g. 'events/x/' ('' for the home page)."""
        return self.path.removesuffix("index.html")


@dataclass(frozen=True)
class MonthGroup:
    """Events of one month (month 0: known only to the year)."""

    year: int
    month: int
    events: list[Event]

    @property
    def label(self) -> str:
        """'September 2023', or '2023 (month unknown)'."""
        return f"{MONTHS[self.month - 1]} {self.year}" if self.month else f"{self.year} (month unknown)"

    @property
    def anchor(self) -> str:
        """A fragment id for the jump menu, e.g. 'y2023-09'."""
        return f"y{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class YearGroup:
    """Events of one year, grouped by month."""

    year: int
    months: list[MonthGroup]

    @property
    def anchor(self) -> str:
        """A fragment id for the year heading."""
        return f"y{self.year:04d}"


def group_by_year_and_month(events: tuple[Event, ...] | list[Event]) -> list[YearGroup]:
    """Group events (already in timeline order) by the year and month of their earliest start."""
    years: dict[int, dict[int, list[Event]]] = defaultdict(lambda: defaultdict(list))
    for event in events:
        part = event.date.start or event.date.end
        assert part is not None
        years[part.year][part.month or 0].append(event)
    return [
        YearGroup(year, [MonthGroup(year, month, evs) for month, evs in sorted(months.items())])
        for year, months in sorted(years.items())
    ]


def index_events(timeline: Timeline) -> dict[str, dict[str, list[Event]]]:
    """For each kind (actors, places, outlets, tags, status), which events name each key."""
    index: dict[str, dict[str, list[Event]]] = {kind: defaultdict(list) for kind in KIND_TITLES}
    for event in timeline.events:
        for actor in event.actors:
            index["actors"][actor].append(event)
        for place in event.places:
            index["places"][place].append(event)
        for outlet in event.outlets:
            index["outlets"][outlet].append(event)
        for tag in event.tags:
            index["tags"][tag.slug].append(event)
        index["status"][event.status].append(event)
    return index


def all_tags(timeline: Timeline) -> dict[str, Tag]:
    """Every tag by slug, sorted by slug; the first spelling seen names it."""
    tags: dict[str, Tag] = {}
    for event in timeline.events:
        for tag in event.tags:
            tags.setdefault(tag.slug, tag)
    return dict(sorted(tags.items()))


def _entity_items(timeline: Timeline, kind: str) -> list[tuple[str, str, str]]:
    """(key, display name, description) for every item of a list page."""
    if kind in REGISTRY_KINDS:
        entries: dict[str, Entity] = timeline.registry(kind)
        return [(e.id, e.name, e.description) for e in sorted(entries.values(), key=lambda e: e.name.casefold())]
    if kind == "tags":
        return [(slug, tag.name, "") for slug, tag in all_tags(timeline).items()]
    return [(status, status.capitalize(), text) for status, text in STATUSES.items()]


def timeline_is_split(timeline: Timeline) -> bool:
    """Whether the timeline is too long for one page and gets one page per year."""
    return len(timeline.events) > TIMELINE_PAGE_EVENTS


def timeline_path(event: Event, split: bool) -> str:
    """The site path of the timeline page that lists `event`, with its fragment."""
    if not split:
        return f"#{event.id}"
    part = event.date.start or event.date.end
    assert part is not None
    return f"years/{part.year}/#{event.id}"


def _timeline_pages(events: list[Event]) -> list[Page]:
    groups = group_by_year_and_month(events)
    span = {"count": len(events), "first": events[0] if events else None, "latest": events[-1] if events else None}
    if len(events) <= TIMELINE_PAGE_EVENTS:
        return [Page("index.html", "timeline.html", {**span, "groups": groups, "years": [], "year": None})]
    years = [(g.year, sum(len(m.events) for m in g.months)) for g in groups]
    pages = [Page("index.html", "timeline.html", {**span, "groups": groups[-1:], "years": years, "year": None})]
    for position, group in enumerate(groups):
        pages.append(Page(f"years/{group.year}/index.html", "timeline.html", {
            **span, "groups": [group], "years": years, "year": group.year,
            "previous_year": groups[position - 1].year if position > 0 else None,
            "next_year": groups[position + 1].year if position + 1 < len(groups) else None,
        }))
    return pages


def _term_pages(kind: str, key: str, context: dict[str, Any], matching: list[Event]) -> list[Page]:
    chunks = [matching[i:i + TERM_PAGE_EVENTS] for i in range(0, len(matching), TERM_PAGE_EVENTS)] or [[]]
    paths = [f"{kind}/{key}/" + (f"page/{n}/" if n > 1 else "") for n in range(1, len(chunks) + 1)]
    return [
        Page(path + "index.html", "term.html", {
            **context, "listed": chunk, "count": len(matching),  # grouped only when rendered: see page_context
            "pager": {"number": number, "paths": paths},
        })
        for number, (path, chunk) in enumerate(zip(paths, chunks, strict=True), start=1)
    ]


def page_context(page: Page) -> dict[str, Any]:
    """What the page's template sees: the planned context, with `listed` events grouped by year and month.

    Planning 11,000 pages should not group events that no page will render this time.
    """
    if "listed" not in page.context:
        return page.context
    return {**page.context, "groups": group_by_year_and_month(page.context["listed"])}


def plan_pages(timeline: Timeline) -> list[Page]:
    """Every HTML page of the site, in a stable order."""
    events = list(timeline.events)
    index = index_events(timeline)
    pages = _timeline_pages(events)
    order = {event.id: position for position, event in enumerate(events)}
    links: dict[str, set[str]] = defaultdict(set)
    for event in events:
        for other in event.related:
            links[event.id].add(other)
            links[other].add(event.id)
    for position, event in enumerate(events):
        related = [events[order[other]] for other in sorted(links[event.id], key=order.__getitem__)]
        pages.append(Page(f"events/{event.id}/index.html", "event.html", {
            "event": event,
            "previous": events[position - 1] if position > 0 else None,
            "next": events[position + 1] if position + 1 < len(events) else None,
            "related": related,
        }))
    for kind, title in KIND_TITLES.items():
        items = _entity_items(timeline, kind)
        counts = {key: len(index[kind].get(key, [])) for key, _, _ in items}
        pages.append(Page(f"{kind}/index.html", "list.html",
                          {"kind": kind, "title": title, "items": items, "counts": counts}))
        for key, name, description in items:
            record = timeline.registry(kind).get(key) if kind in REGISTRY_KINDS else None
            context = {"kind": kind, "key": key, "name": name, "description": description, "record": record}
            pages += _term_pages(kind, key, context, index[kind].get(key, []))
    pages.append(Page("404.html", "404.html"))
    return pages
