"""Planning a build: the pages, and a fingerprint of what each output file is made from.

Planning 10,000 events means walking 11,000 pages, so the last plan (generator.planmemo.PlanMemo) is
kept: in memory by `serve`, and in the build cache (its pages as skeletons, generator.skeletons) for
the next command-line build. It is reused when an edit left the timeline's shape unchanged (the same
events in the same order, with the same dates, names, links and terms). Then only the pages that show
a changed event get that event swapped into their context and a new fingerprint; when the builder
knows which events were read anew (`edited`), no other event is even looked at. When the edited
events only moved (a new date), generator.moves re-plans the pages that can change.
"""

from __future__ import annotations

import hashlib

from generator.cache import BuildCache, digest_pair, event_digests, page_fingerprint, render_key
from generator.config import SiteConfig
from generator.interchange import FEED_ITEMS
from generator.model import Timeline
from generator.moves import only_moved, plan_moves
from generator.paging import Page
from generator.pieces import PieceStore
from generator.planmemo import Edited, PlanMemo, placed, shape_item, swap_events, timeline_shape
from generator.render import Renderer
from generator.skeletons import STUB, read_back, stub_pages
from generator.timeline_pages import timeline_is_split

Plan = tuple[list[Page], dict[str, str], PlanMemo]  # the pages, a fingerprint per page, the plan to keep
STALE_DIGESTS = 64  # digests of event files no longer there kept before they are dropped (see plan_build)


def _keeps_shape(memo: PlanMemo, timeline: Timeline, edited: Edited) -> bool:
    """Whether the timeline has the shape `memo` was planned for, if only the `edited` events changed.

    Every other event is the very one planned then, so the order is the same if each edited event
    kept its id, its place and what decides the pages (its date among them, hence its sort key).
    """
    if len(timeline.events) != len(memo.order):
        return False
    for event_id, (_, old) in edited.items():
        position = memo.order.get(event_id)
        if position is None or timeline.events[position].id != event_id:
            return False
        if shape_item(timeline.events[position]) != shape_item(old):
            return False
    return True


def _same_shape(memo: PlanMemo, timeline: Timeline, edited: Edited | None) -> bool:
    """Whether the timeline has the shape `memo` was planned for (`edited`: only these events were read again)."""
    if edited is not None:
        return _keeps_shape(memo, timeline, edited)
    return memo.shape is not None and memo.shape == timeline_shape(timeline)


def _plan_all(global_key: str, timeline: Timeline, renderer: Renderer, cache: BuildCache,
              skeletons: dict[str, tuple[str, str, bytes]] | None) -> Plan:
    """Plan every page and fingerprint each (`skeletons`: the last stored ones, to reuse when storing)."""
    order = {event.id: position for position, event in enumerate(timeline.events)}
    places = renderer.places
    digests = {event_id: placed(pair, places[event_id])
               for event_id, pair in event_digests(timeline.events, cache).items()}
    pages = renderer.pages()
    found: dict[str, str] = {}
    users: dict[str, list[str]] = {}  # event id -> paths of the pages that show it
    for page in pages:
        shown: set[str] = set()
        found[page.path] = page_fingerprint(global_key, page.path, page.template, page.context, digests, shown)
        for event_id in shown:
            users.setdefault(event_id, []).append(page.path)
    memo = PlanMemo(global_key, timeline_shape(timeline), order, digests, pages, users, dict(found),
                    places, skeletons)
    return pages, found, memo


def _plan_same(global_key: str, timeline: Timeline, cache: BuildCache, memo: PlanMemo,
               edited: Edited | None) -> Plan:
    """Reuse `memo`: the same events in the same places; only pages showing a changed event are fingerprinted.

    `edited`: only these events were read again (else every event is compared with the plan's).
    """
    digests = dict(memo.digests)
    if edited is not None:
        for event_id, (file_key, _) in edited.items():
            pair = cache.digests[file_key] = digest_pair(timeline.events[memo.order[event_id]])
            digests[event_id] = placed(pair, memo.places[event_id])
        changed = {event_id: timeline.events[memo.order[event_id]] for event_id in edited
                   if memo.digests.get(event_id) != digests[event_id]}
    else:
        digests = {event_id: placed(pair, memo.places[event_id])
                   for event_id, pair in event_digests(timeline.events, cache).items()}
        changed = {event.id: event for event in timeline.events if memo.digests.get(event.id) != digests[event.id]}
    pages = list(memo.pages) if memo.pages is not None else stub_pages(memo.skeletons or {})
    found = dict(memo.fingerprints)
    users = {path for event_id in changed for path in memo.users.get(event_id, ())}
    for position, page in enumerate(pages):  # in page order, as the fingerprints are
        if page.path not in users:
            continue
        if page.context is STUB:
            page = read_back(page.path, memo.skeletons or {}, memo.event(timeline))
        pages[position] = Page(page.path, page.template,
                               {key: swap_events(value, changed) for key, value in page.context.items()})
        found[page.path] = page_fingerprint(global_key, page.path, page.template, pages[position].context, digests)
    stored = memo.pages is None  # pages still as skeletons: keep them so
    shape = memo.shape if edited is not None else timeline_shape(timeline)
    memo = PlanMemo(global_key, shape, memo.order, digests, None if stored else pages, memo.users,
                    dict(found), memo.places, memo.skeletons)
    return pages, found, memo


def plan_build(config: SiteConfig, timeline: Timeline, renderer: Renderer, cache: BuildCache,
               memo: PlanMemo | None = None, edited: Edited | None = None) -> Plan:
    """The pages to build, a fingerprint per page and per export (see generator.cache), and the plan to keep.

    Also gives the renderer the cached per-event pieces. With `memo` from the previous build, an edit
    that left the timeline's shape unchanged re-plans only the pages that show the edited events, and
    one that only moved events re-plans the pages they can change (generator.moves). `edited` says
    that only those events changed since that plan (each with its previous version): then no other
    event is looked at.
    """
    facts = repr((cache.content_key, timeline_is_split(timeline)))  # registries, seeds, code; year links
    global_key = render_key(config, renderer.template_dirs, facts)
    plan: Plan | None = None
    if memo is not None and (memo.pages is not None or memo.skeletons is not None) and memo.global_key == global_key:
        if _same_shape(memo, timeline, edited):
            renderer.places = memo.places  # the same events in the same places on the timeline
            plan = _plan_same(global_key, timeline, cache, memo, edited)
        elif edited is not None:
            order = {event.id: position for position, event in enumerate(timeline.events)}
            if only_moved(memo, timeline, edited, order):
                plan = plan_moves(memo, timeline, edited, order, global_key, cache)
                if plan is not None:
                    renderer.places = plan[2].places
    if plan is None:
        plan = _plan_all(global_key, timeline, renderer, cache, memo.skeletons if memo is not None else None)
    pages, found, memo = plan
    renderer.pieces = PieceStore(cache.fragments, memo.digests, cache.load_pieces, memo.global_key)
    if len(cache.digests) > len(cache.events) + STALE_DIGESTS:  # an edit adds its file's new key, not removing the old
        cache.digests = {key: pair for key, pair in cache.digests.items() if key in cache.events}
    found = dict(found)
    found.update(_export_fingerprints(global_key, list(memo.order), renderer, pages, memo.digests))
    return pages, found, memo


def _export_fingerprints(global_key: str, ids: list[str], renderer: Renderer, pages: list[Page],
                         digests: dict[str, tuple[str, str]]) -> dict[str, str]:
    """A fingerprint per export, from what each kind of export is made from (`ids`: the events in order)."""
    listed = [digests[event_id][1] for event_id in ids]
    texts = {"pages": ",".join(sorted(p.path for p in pages)),  # the sitemap lists them in this order
             "full": ",".join([digests[event_id][0] for event_id in ids]),
             "listed": ",".join(listed), "latest": ",".join(listed[-FEED_ITEMS:])}
    inputs = {kind: hashlib.blake2b(text.encode(), digest_size=16).hexdigest() for kind, text in texts.items()}
    return {path: page_fingerprint(global_key, path, depends, {"inputs": inputs[depends]}, digests)
            for path, depends, _ in renderer.exports(pages)}
