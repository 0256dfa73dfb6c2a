"""Planning a build: the pages, and a fingerprint of what each output file is made from.

Planning 10,000 events means walking 11,000 pages; `serve` rebuilds after every save, so a plan is
kept in memory (`PlanMemo`) and reused when an edit left the timeline's shape unchanged (the same
events in the same order, with the same dates, names, links and terms). Then only the pages that
show a changed event get that event swapped into their context and a new fingerprint.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.cache import BuildCache, event_digests, page_fingerprint, render_key
from generator.config import SiteConfig
from generator.model import Event, Timeline
from generator.paging import MonthGroup, Page, YearGroup
from generator.pieces import PieceStore
from generator.render import Renderer
from generator.timeline_pages import timeline_is_split

Shape = tuple[tuple[Any, ...], ...]


@dataclass
class PlanMemo:
    """The last build's plan: reusable while the global key and the timeline's shape are unchanged."""

    global_key: str
    shape: Shape
    digests: dict[str, tuple[str, str]]
    pages: list[Page]
    users: dict[str, list[int]]  # event id -> positions of the pages whose context shows it
    fingerprints: dict[str, str]  # page path -> fingerprint
    places: dict[str, str]  # event id -> its timeline page (Renderer.places), decided by the shape


def timeline_shape(timeline: Timeline) -> Shape:
    """Everything about the events that decides which pages exist and which events each lists."""
    return tuple((e.id, e.date.edtf, e.actors, e.places, e.outlets, e.tags, e.status, e.related)
                 for e in timeline.events)


def _events_in(value: Any) -> Iterator[Event]:
    """The events a context value refers to (directly, in lists, or in year and month groups)."""
    if isinstance(value, Event):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _events_in(item)
    elif isinstance(value, YearGroup):
        for month in value.months:
            yield from month.events


def _swap(value: Any, new: dict[str, Event]) -> Any:
    """`value` with every event whose id is in `new` replaced by the new version."""
    if isinstance(value, Event):
        return new.get(value.id, value)
    if isinstance(value, list):
        return [_swap(item, new) for item in value]
    if isinstance(value, YearGroup):
        return YearGroup(value.year, [MonthGroup(m.year, m.month, _swap(m.events, new)) for m in value.months])
    return value


def _users(pages: list[Page]) -> dict[str, list[int]]:
    users: dict[str, list[int]] = {}
    for position, page in enumerate(pages):
        for event_id in {e.id for value in page.context.values() for e in _events_in(value)}:
            users.setdefault(event_id, []).append(position)
    return users


def plan_build(config: SiteConfig, timeline: Timeline, renderer: Renderer, cache: BuildCache,
               memo: PlanMemo | None = None,
               remember: bool = False) -> tuple[list[Page], dict[str, str], PlanMemo | None]:
    """The pages to build and a fingerprint per page and per export (see generator.cache).

    Also gives the renderer the cached per-event pieces. With `memo` from the previous build, an edit
    that left the timeline's shape unchanged re-plans only the pages that show the edited events; a
    plan worth keeping for that is returned only if `remember` (serve) asks for it.
    """
    facts = repr((cache.content_key, timeline_is_split(timeline)))  # registries, seeds, code; year links
    global_key = render_key(config, renderer.template_dirs, facts)
    shape = timeline_shape(timeline)
    if memo is not None and memo.shape == shape:  # the same events in the same places on the timeline
        renderer.places = memo.places
    # An event's timeline page (its year's, month's or numbered page) can move when other events come or
    # go; it is part of the event's digests, so its page, its pieces and search.json follow it.
    digests = {event_id: (full + "@" + renderer.places[event_id], listed + "@" + renderer.places[event_id])
               for event_id, (full, listed) in event_digests(timeline.events, cache).items()}
    keys = {event_id: (global_key + full, global_key + listed) for event_id, (full, listed) in digests.items()}
    renderer.pieces = PieceStore(cache.fragments, keys, cache.load_pieces)
    if memo is not None and memo.global_key == global_key and memo.shape == shape:
        pages, found = list(memo.pages), dict(memo.fingerprints)
        changed = {event.id: event for event in timeline.events if memo.digests.get(event.id) != digests[event.id]}
        for position in sorted({p for event_id in changed for p in memo.users.get(event_id, [])}):
            page = pages[position]
            pages[position] = Page(page.path, page.template, {k: _swap(v, changed) for k, v in page.context.items()})
            found[page.path] = page_fingerprint(global_key, page.path, page.template, pages[position].context, digests)
        users = memo.users
    else:
        pages = renderer.pages()
        found = {page.path: page_fingerprint(global_key, page.path, page.template, page.context, digests)
                 for page in pages}
        users = _users(pages) if remember else {}
    memo = PlanMemo(global_key, shape, digests, pages, users, dict(found), renderer.places) if remember else None
    inputs = {"pages": ",".join(p.path for p in pages),  # what each kind of export is made from
              "full": ",".join(digests[e.id][0] for e in timeline.events),
              "listed": ",".join(digests[e.id][1] for e in timeline.events)}
    for path, depends, _ in renderer.exports(pages):
        found[path] = page_fingerprint(global_key, path, depends, {"inputs": inputs[depends]}, digests)
    return pages, found, memo
