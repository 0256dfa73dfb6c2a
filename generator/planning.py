"""Planning a build: the pages, and a fingerprint of what each output file is made from.

Planning 10,000 events means walking 11,000 pages, so the last plan (`PlanMemo`) is kept: in memory
by `serve`, and in the build cache (its pages as skeletons, generator.skeletons) for the next
command-line build. It is reused when an edit left the timeline's shape unchanged (the same events
in the same order, with the same dates, names, links and terms). Then only the pages that show a
changed event get that event swapped into their context and a new fingerprint; when the builder
knows which events were read anew (`edited`), no other event is even looked at.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.cache import BuildCache, digest_pair, event_digests, page_fingerprint, render_key
from generator.config import SiteConfig
from generator.model import Event, Timeline
from generator.paging import Page
from generator.pieces import PieceStore
from generator.render import Renderer
from generator.skeletons import STUB, Skeletons, make_skeletons, read_back, replace_items, stub_pages
from generator.timeline_pages import timeline_is_split

Shape = tuple[tuple[Any, ...], ...]
Edited = dict[str, tuple[str, Event]]  # event id -> (the content key of its file now, its previous version)


@dataclass
class PlanMemo:
    """The last build's plan: reusable while the global key and the timeline's shape are unchanged."""

    global_key: str
    shape: Shape | None  # None in a stored plan (see BuildCache): only `edited` events are compared then
    order: dict[str, int]  # event id -> position in the timeline
    digests: dict[str, tuple[str, str]]  # event id -> digests with its timeline page (see plan_build)
    keys: dict[str, tuple[str, str]]  # event id -> the keys of its pieces (generator.pieces)
    pages: list[Page] | None  # None in a stored plan: see `skeletons`
    users: dict[str, list[int]]  # event id -> positions of the pages whose context shows it
    fingerprints: dict[str, str]  # page path -> fingerprint
    places: dict[str, str]  # event id -> its timeline page (Renderer.places), decided by the shape
    skeletons: Skeletons | None = None  # a stored plan's pages (generator.skeletons); else the last stored ones

    def __getstate__(self) -> dict[str, Any]:
        """What the build cache stores: the pages as skeletons, and no shape (see _keeps_shape)."""
        skeletons = self.skeletons if self.pages is None else \
            make_skeletons(self.pages, self.fingerprints, self.skeletons)
        return {**self.__dict__, "pages": None, "shape": None, "skeletons": skeletons}

    def event(self, timeline: Timeline) -> Callable[[str], Event]:
        """The event of `timeline` with a given id (the timeline this plan was made or kept for)."""
        return lambda event_id: timeline.events[self.order[event_id]]

    def complete(self, pages: list[Page], timeline: Timeline) -> list[Page]:
        """`pages` with each page of a stored plan (a STUB) read back with `timeline`'s events, to be rendered."""
        if self.pages is not None or self.skeletons is None:
            return pages
        event = self.event(timeline)
        return [read_back(page.path, self.skeletons, event) if page.context is STUB else page for page in pages]


def _shape_item(e: Event) -> tuple[Any, ...]:
    return (e.id, e.date.edtf, e.actors, e.places, e.outlets, e.tags, e.status, e.related)


def timeline_shape(timeline: Timeline) -> Shape:
    """Everything about the events that decides which pages exist and which events each lists."""
    return tuple(map(_shape_item, timeline.events))


def _swap(value: Any, new: dict[str, Event]) -> Any:
    """`value` with every event whose id is in `new` replaced by the new version."""
    return replace_items(value, Event, lambda event: new.get(event.id, event))


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
        if _shape_item(timeline.events[position]) != _shape_item(old):
            return False
    return True


def _digests(timeline: Timeline, cache: BuildCache, places: dict[str, str], memo: PlanMemo | None,
             edited: Edited | None) -> dict[str, tuple[str, str]]:
    """Each event's digests (see event_digests) with its timeline page: from `memo` but the `edited` ones."""
    if memo is None or edited is None:
        return {event_id: _placed(pair, places[event_id])
                for event_id, pair in event_digests(timeline.events, cache).items()}
    digests = dict(memo.digests)
    for event_id, (file_key, _) in edited.items():
        pair = cache.digests[file_key] = digest_pair(timeline.events[memo.order[event_id]])
        digests[event_id] = _placed(pair, places[event_id])
    return digests


def _placed(pair: tuple[str, str], place: str) -> tuple[str, str]:
    return pair[0] + "@" + place, pair[1] + "@" + place


def _piece_keys(global_key: str, pair: tuple[str, str]) -> tuple[str, str]:
    return global_key + pair[0], global_key + pair[1]


def plan_build(config: SiteConfig, timeline: Timeline, renderer: Renderer, cache: BuildCache,
               memo: PlanMemo | None = None, remember: bool = False,
               edited: Edited | None = None) -> tuple[list[Page], dict[str, str], PlanMemo | None]:
    """The pages to build and a fingerprint per page and per export (see generator.cache).

    Also gives the renderer the cached per-event pieces. With `memo` from the previous build, an edit
    that left the timeline's shape unchanged re-plans only the pages that show the edited events; a
    plan worth keeping for that is returned only if `remember` asks for it. `edited` says that only
    those events changed since that plan (each with its previous version): then no other event is
    looked at.
    """
    facts = repr((cache.content_key, timeline_is_split(timeline)))  # registries, seeds, code; year links
    global_key = render_key(config, renderer.template_dirs, facts)
    usable = memo is not None and (memo.pages is not None or memo.skeletons is not None)
    quick = usable and memo is not None and edited is not None and memo.global_key == global_key \
        and _keeps_shape(memo, timeline, edited)
    if quick:
        assert memo is not None and edited is not None
        shape, order = memo.shape, memo.order
    else:
        shape, edited = timeline_shape(timeline), None
        order = {event.id: position for position, event in enumerate(timeline.events)} if remember else {}
    same = quick or (usable and memo is not None and memo.global_key == global_key and memo.shape == shape)
    if same:  # the same events in the same places on the timeline
        assert memo is not None
        renderer.places = memo.places
    # An event's timeline page (its year's, month's or numbered page) can move when other events come or
    # go; it is part of the event's digests, so its page, its pieces and search.json follow it.
    digests = _digests(timeline, cache, renderer.places, memo if quick else None, edited)
    if quick:
        assert memo is not None and edited is not None
        keys = dict(memo.keys)
        keys.update({event_id: _piece_keys(global_key, digests[event_id]) for event_id in edited})
    else:
        keys = {event_id: _piece_keys(global_key, pair) for event_id, pair in digests.items()}
    renderer.pieces = PieceStore(cache.fragments, keys, cache.load_pieces)
    if same:
        assert memo is not None
        pages = list(memo.pages) if memo.pages is not None else stub_pages(memo.skeletons or {})
        found = dict(memo.fingerprints)
        if edited is not None:  # only these were read again
            changed = {event_id: timeline.events[order[event_id]] for event_id in edited
                       if memo.digests.get(event_id) != digests[event_id]}
        else:
            changed = {event.id: event for event in timeline.events if memo.digests.get(event.id) != digests[event.id]}
        for position in sorted({p for event_id in changed for p in memo.users.get(event_id, [])}):
            page = pages[position]
            if page.context is STUB:
                page = read_back(page.path, memo.skeletons or {}, memo.event(timeline))
            pages[position] = Page(page.path, page.template,
                                   {k: _swap(v, changed) for k, v in page.context.items()})
            found[page.path] = page_fingerprint(global_key, page.path, page.template, pages[position].context, digests)
        users = memo.users
    else:
        pages = renderer.pages()
        found, users = {}, {}  # users: event id -> positions of the pages that show it
        for position, page in enumerate(pages):
            shown: set[str] = set()
            found[page.path] = page_fingerprint(global_key, page.path, page.template, page.context, digests, shown)
            for event_id in shown if remember else ():
                users.setdefault(event_id, []).append(position)
    stored = same and memo is not None and memo.pages is None  # pages still as skeletons: keep them so
    skeletons = memo.skeletons if memo is not None else None  # else kept to be reused when stored again
    memo = PlanMemo(global_key, shape, order, digests, keys, None if stored else pages, users, dict(found),
                    renderer.places, skeletons) if remember else None
    ids = list(order) if order else [event.id for event in timeline.events]  # order: in timeline order
    found.update(_export_fingerprints(global_key, ids, renderer, pages, digests))
    return pages, found, memo


def _export_fingerprints(global_key: str, ids: list[str], renderer: Renderer, pages: list[Page],
                         digests: dict[str, tuple[str, str]]) -> dict[str, str]:
    """A fingerprint per export, from what each kind of export is made from (`ids`: the events in order)."""
    texts = {"pages": ",".join(p.path for p in pages),
             "full": ",".join([digests[event_id][0] for event_id in ids]),
             "listed": ",".join([digests[event_id][1] for event_id in ids])}
    inputs = {kind: hashlib.blake2b(text.encode(), digest_size=16).hexdigest() for kind, text in texts.items()}
    return {path: page_fingerprint(global_key, path, depends, {"inputs": inputs[depends]}, digests)
            for path, depends, _ in renderer.exports(pages)}
