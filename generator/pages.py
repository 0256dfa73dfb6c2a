"""Which pages the site has: a pure plan of (output path, template, context) from the timeline."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from generator.dates import MONTHS
from generator.model import REGISTRY_KINDS, STATUSES, Entity, Event, Tag, Timeline

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


def plan_pages(timeline: Timeline) -> list[Page]:
    """Every HTML page of the site, in a stable order."""
    events = list(timeline.events)
    index = index_events(timeline)
    pages = [Page("index.html", "timeline.html", {"groups": group_by_year_and_month(events)})]
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
            matching = index[kind].get(key, [])
            pages.append(Page(f"{kind}/{key}/index.html", "term.html", {
                "kind": kind, "key": key, "name": name, "description": description,
                "record": record, "groups": group_by_year_and_month(matching), "count": len(matching),
            }))
    pages.append(Page("404.html", "404.html"))
    return pages
