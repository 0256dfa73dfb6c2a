"""Re-planning after events moved on the timeline: a new date, everything else that shapes pages kept.

A new date moves an event to another place in the timeline's order, and maybe to another year's or
month's page. Planning the whole site again means fingerprinting 11,000 pages at 10,000 events (about
0.5 s); yet only these pages can show something else:
- the timeline's pages (made again, all of them: a few dozen);
- the moved event's page, its neighbours' before and after the move (their previous and next links)
  and the pages of the events related to it (their related lists follow the order);
- the pages of its actors, places, outlets, tags and status, whose lists follow the order;
- every page that shows an event whose digests changed: the moved event, and any event whose
  timeline page changed (each card and row links to it).
`plan_moves` plans those and keeps the rest of the last plan. It gives up (None) when the page list
itself would change (a year appears or goes, a year is split or joined) or a moved event's tag is
spelled in more than one way; the caller then plans everything. Tests compare its plans with full ones.
"""

from __future__ import annotations

from generator.cache import BuildCache, digest_pair, page_fingerprint
from generator.model import Event, Timeline
from generator.pages import event_page, related_links, term_heading, term_pages
from generator.paging import Page
from generator.planmemo import (
    Edited,
    PlanMemo,
    placed,
    shape_item,
    swap_events,
    timeline_shape,
    unplaced,
)
from generator.skeletons import STUB, make_skeletons, read_back, stored_context, stub_pages
from generator.timeline_pages import timeline_pages, timeline_places

MOVE_LIMIT = 20  # more edited events than this (a search-and-replace): plan everything


def only_moved(memo: PlanMemo, timeline: Timeline, edited: Edited, order: dict[str, int]) -> bool:
    """Whether the `edited` events (at most MOVE_LIMIT) kept everything but their dates that shapes pages."""
    if len(timeline.events) != len(memo.order) or len(edited) > MOVE_LIMIT:
        return False
    for event_id, (_, old) in edited.items():
        if event_id not in memo.order or event_id not in order:
            return False
        if shape_item(timeline.events[order[event_id]])[2:] != shape_item(old)[2:]:  # all but id and date
            return False
    return True


def _terms(event: Event) -> list[tuple[str, str]]:
    """Every (kind, key) whose page lists `event`."""
    return [*(("actors", key) for key in event.actors), *(("places", key) for key in event.places),
            *(("outlets", key) for key in event.outlets), *(("tags", tag.slug) for tag in event.tags),
            ("status", event.status)]


def _listed(memo: PlanMemo, old: list[Page], where: dict[str, int], kind: str, key: str) -> list[str]:
    """The ids of the events the last plan listed on the pages of (kind, key) (`where`: each page's position).

    They are the events naming it now: the moved events kept their terms, and no other event changed.
    Reading them there spares looking at every event's terms (70 ms at 10,000 events).
    """
    ids: list[str] = []
    path, number = f"{kind}/{key}/index.html", 1
    while path in where:
        page = old[where[path]]
        context = stored_context(path, memo.skeletons or {}) if page.context is STUB else page.context
        ids += [item.id for item in context["listed"]]  # events, or EventRefs in a stored plan
        number += 1
        path = f"{kind}/{key}/page/{number}/index.html"
    return ids


def _fresh_pages(memo: PlanMemo, timeline: Timeline, edited: Edited, order: dict[str, int],
                 first: list[Page], old: list[Page], where: dict[str, int]) -> dict[str, Page] | None:
    """The pages planned again from `timeline`, by path (`first`: the timeline's own pages; `old`: the
    last plan's pages, `where`: the position of each)."""
    events = list(timeline.events)
    fresh = {page.path: page for page in first}
    old_positions = {memo.order[event_id] + step for event_id in edited for step in (-1, 1)}
    around = {event_id for event_id, position in memo.order.items() if position in old_positions}
    links = related_links(events)
    for event_id in edited:
        position = order[event_id]
        around.update(event.id for event in events[max(position - 1, 0):position + 2])  # itself and its neighbours
        around.update(links.get(event_id, ()))
    for event_id in around:
        page = event_page(events, order[event_id], order, links)
        fresh[page.path] = page
    wanted = {term for event_id in edited for term in _terms(events[order[event_id]])}
    for kind, key in wanted:
        matching = [events[position] for position in sorted(order[i] for i in _listed(memo, old, where, kind, key))]
        heading = term_heading(timeline, kind, key, matching)
        if heading is None:
            return None
        fresh.update((page.path, page) for page in term_pages(timeline, kind, key, *heading, matching))
    return fresh


def plan_moves(memo: PlanMemo, timeline: Timeline, edited: Edited, order: dict[str, int], global_key: str,
               cache: BuildCache) -> tuple[list[Page], dict[str, str], PlanMemo] | None:
    """The pages, their fingerprints and the new plan after `edited` events moved (see only_moved).

    `order`: each event's position in `timeline`. None if the list of pages changes: plan everything.
    """
    events = timeline.events
    old = memo.pages if memo.pages is not None else stub_pages(memo.skeletons or {})
    first = timeline_pages(events)
    count, total = len(first), len(events)
    if len(old) <= count + total or [page.path for page in old[:count]] != [page.path for page in first] \
            or old[count].template != "event.html" or old[count + total].template == "event.html":
        return None  # the timeline's pages are not the same ones
    places = timeline_places(first)
    digests = dict(memo.digests)
    for event_id, (file_key, _) in edited.items():
        pair = cache.digests[file_key] = digest_pair(events[order[event_id]])
        digests[event_id] = placed(pair, places[event_id])
    for event_id, place in places.items():  # with a month cut into numbered pages, others move along
        if memo.places[event_id] != place and event_id not in edited:
            digests[event_id] = placed(unplaced(digests[event_id]), place)
    changed = {event_id: events[order[event_id]] for event_id in (*edited, *places)
               if digests[event_id] != memo.digests[event_id]}
    where = {page.path: position for position, page in enumerate(old)}
    fresh = _fresh_pages(memo, timeline, edited, order, first, old, where)
    if fresh is None:
        return None
    kept = {page.path: page for page in old[count:count + total]}
    pages = [*first, *(fresh.get(path) or kept[path] for path in (f"events/{event.id}/index.html" for event in events)),
             *(fresh.get(page.path, page) for page in old[count + total:])]
    if len(pages) != len(old) or any(path not in where for path in fresh):
        return None  # a page that did not exist: should not happen, as every term keeps its events

    def event(event_id: str) -> Event:
        return events[order[event_id]]

    found, users = dict(memo.fingerprints), dict(memo.users)
    positions = {page.path: position for position, page in enumerate(pages)}
    for path, page in fresh.items():
        shown: set[str] = set()
        found[path] = page_fingerprint(global_key, path, page.template, page.context, digests, shown)
        if found[path] == memo.fingerprints[path]:
            continue  # the same events shown (their digests are in the fingerprint)
        before = old[where[path]]  # what it showed before, to keep `users` exact
        if before.context is STUB:
            before = read_back(path, memo.skeletons or {}, event)
        shown_before: set[str] = set()
        page_fingerprint(global_key, path, before.template, before.context, memo.digests, shown_before)
        for event_id in shown_before - shown:
            users[event_id] = [user for user in users[event_id] if user != path]
        for event_id in shown - shown_before:
            users[event_id] = [*users.get(event_id, []), path]
    for path in {path for event_id in changed for path in users.get(event_id, ()) if path not in fresh}:
        page = pages[positions[path]]
        page = read_back(path, memo.skeletons or {}, event) if page.context is STUB else \
            Page(path, page.template, {key: swap_events(value, changed) for key, value in page.context.items()})
        pages[positions[path]] = page
        found[path] = page_fingerprint(global_key, path, page.template, page.context, digests)
    found = {page.path: found[page.path] for page in pages}  # in page order, as a full plan gives them
    stored = memo.pages is None
    skeletons = memo.skeletons
    if stored:
        made = make_skeletons([page for page in pages if page.path in fresh], found, memo.skeletons)
        skeletons = {page.path: made.get(page.path) or (memo.skeletons or {})[page.path] for page in pages}
    shape = timeline_shape(timeline) if memo.shape is not None else None
    new = PlanMemo(memo.global_key, shape, order, digests, None if stored else pages, users, dict(found),
                   places, skeletons)
    return pages, found, new
