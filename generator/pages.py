"""Which pages the site has: a pure plan of (output path, template, context) from the timeline."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from generator.model import REGISTRY_KINDS, STATUSES, Entity, Event, Tag, Timeline
from generator.paging import Page as Page  # re-exported: generator.parallel imports it from here
from generator.paging import group_by_year_and_month, paginate
from generator.timeline_pages import timeline_pages

TERM_PAGE_EVENTS = 100  # events per page on an actor, place, tag, outlet or status page

KIND_TITLES = {"actors": "Actors", "places": "Places", "outlets": "Outlets",
               "tags": "Tags", "status": "Status"}


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


def term_heading(timeline: Timeline, kind: str, key: str, matching: list[Event]) -> tuple[str, str] | None:
    """The name and description a term's page shows, as plan_pages gives them (`matching`: its events).

    None for a tag spelled in more than one way: the first spelling on the timeline names it then, on
    its page and on the list of tags, and which one comes first depends on the events' order.
    """
    if kind in REGISTRY_KINDS:
        entity = timeline.registry(kind)[key]
        return entity.name, entity.description
    if kind == "status":
        return key.capitalize(), STATUSES[key]
    names = {tag.name for event in matching for tag in event.tags if tag.slug == key}
    return (names.pop(), "") if len(names) == 1 else None


def term_pages(timeline: Timeline, kind: str, key: str, name: str, description: str,
               matching: list[Event]) -> list[Page]:
    """The pages of one actor, place, outlet, tag or status (`matching`: its events, in timeline order)."""
    record = timeline.registry(kind).get(key) if kind in REGISTRY_KINDS else None
    context = {"kind": kind, "key": key, "name": name, "description": description, "record": record}
    return [
        Page(path + "index.html", "term.html", {
            **context, "listed": chunk, "count": len(matching),  # grouped only when rendered: see page_context
            "pager": pager,
        })
        for path, chunk, pager in paginate(f"{kind}/{key}/", matching, TERM_PAGE_EVENTS)
    ]


def page_context(page: Page) -> dict[str, Any]:
    """What the page's template sees: the planned context, with `listed` events grouped by year and month.

    Planning 11,000 pages should not group events that no page will render this time.
    """
    if "listed" not in page.context:
        return page.context
    return {**page.context, "groups": group_by_year_and_month(page.context["listed"])}


def related_links(events: list[Event]) -> dict[str, set[str]]:
    """For each event id, the events it is related to, either way (an event names the other)."""
    links: dict[str, set[str]] = defaultdict(set)
    for event in events:
        for other in event.related:
            links[event.id].add(other)
            links[other].add(event.id)
    return links


def event_page(events: list[Event], position: int, order: dict[str, int], links: dict[str, set[str]]) -> Page:
    """The page of the event at `position` of `events` (`order`: each id's position; see related_links)."""
    event = events[position]
    related = [events[order[other]] for other in sorted(links.get(event.id, ()), key=order.__getitem__)]
    return Page(f"events/{event.id}/index.html", "event.html", {
        "event": event,
        "previous": events[position - 1] if position > 0 else None,
        "next": events[position + 1] if position + 1 < len(events) else None,
        "related": related,
    })


def plan_pages(timeline: Timeline) -> list[Page]:
    """Every HTML page of the site, in a stable order.

    The timeline's pages, then each event's in timeline order, then the list and term pages, then
    404.html: generator.planning relies on this order when it re-plans only part of it.
    """
    events = list(timeline.events)
    index = index_events(timeline)
    pages = timeline_pages(events)
    order = {event.id: position for position, event in enumerate(events)}
    links = related_links(events)
    pages += [event_page(events, position, order, links) for position in range(len(events))]
    for kind, title in KIND_TITLES.items():
        items = _entity_items(timeline, kind)
        counts = {key: len(index[kind].get(key, [])) for key, _, _ in items}
        pages.append(Page(f"{kind}/index.html", "list.html",
                          {"kind": kind, "title": title, "items": items, "counts": counts}))
        for key, name, description in items:
            pages += term_pages(timeline, kind, key, name, description, index[kind].get(key, []))
    pages.append(Page("404.html", "404.html"))
    return pages
