"""The last build's plan (`PlanMemo`), kept so that the next build need not plan every page again.

`serve` keeps it in memory; the build cache stores it for the next command-line build, with its
pages as skeletons (generator.skeletons). generator.planning makes and reuses it; generator.moves
updates it when events only moved on the timeline.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.model import Event, Timeline
from generator.paging import Page
from generator.skeletons import STUB, Skeletons, make_skeletons, read_back, replace_items

Shape = tuple[tuple[Any, ...], ...]
Edited = dict[str, tuple[str, Event]]  # event id -> (the content key of its file now, its previous version)


@dataclass
class PlanMemo:
    """The last build's plan: reusable while the global key and the timeline's shape are unchanged."""

    global_key: str
    shape: Shape | None  # None in a stored plan (see BuildCache): only `edited` events are compared then
    order: dict[str, int]  # event id -> position in the timeline
    digests: dict[str, tuple[str, str]]  # event id -> digests with its timeline page (see generator.planning)
    pages: list[Page] | None  # None in a stored plan: see `skeletons`
    users: dict[str, list[str]]  # event id -> paths of the pages whose context shows it (in no set order)
    fingerprints: dict[str, str]  # page path -> fingerprint
    places: dict[str, str]  # event id -> its timeline page (Renderer.places), decided by the shape
    skeletons: Skeletons | None = None  # a stored plan's pages (generator.skeletons); else the last stored ones

    def __getstate__(self) -> dict[str, Any]:
        """What the build cache stores: the pages as skeletons, and no shape (see planning._keeps_shape).

        `users` is pickled apart, remembering the objects it wrote: each page's path is then written
        once, not once per event it shows (150,000 times at 10,000 events), and reads back 3 times faster.
        The cache's index is pickled without that memory (see generator.store.write_pickle).
        """
        skeletons = self.skeletons if self.pages is None else \
            make_skeletons(self.pages, self.fingerprints, self.skeletons)
        users = pickle.dumps(self.users, protocol=pickle.HIGHEST_PROTOCOL)
        return {**self.__dict__, "pages": None, "shape": None, "skeletons": skeletons, "users": users}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Read back what __getstate__ gave."""
        self.__dict__.update(state, users=pickle.loads(state["users"]))  # noqa: S301 (our own cache)

    def event(self, timeline: Timeline) -> Callable[[str], Event]:
        """The event of `timeline` with a given id (the timeline this plan was made or kept for)."""
        return lambda event_id: timeline.events[self.order[event_id]]

    def complete(self, pages: list[Page], timeline: Timeline) -> list[Page]:
        """`pages` with each page of a stored plan (a STUB) read back with `timeline`'s events, to be rendered."""
        if self.pages is not None or self.skeletons is None:
            return pages
        event = self.event(timeline)
        return [read_back(page.path, self.skeletons, event) if page.context is STUB else page for page in pages]


def shape_item(event: Event) -> tuple[Any, ...]:
    """What decides which pages exist and where the event is listed: id, date, terms and links."""
    return (event.id, event.date.edtf, event.actors, event.places, event.outlets, event.tags, event.status,
            event.related)


def timeline_shape(timeline: Timeline) -> Shape:
    """Everything about the events that decides which pages exist and which events each lists."""
    return tuple(map(shape_item, timeline.events))


def swap_events(value: Any, new: dict[str, Event]) -> Any:
    """`value` with every event whose id is in `new` replaced by the new version."""
    return replace_items(value, Event, lambda event: new.get(event.id, event))


def placed(pair: tuple[str, str], place: str) -> tuple[str, str]:
    """An event's digests (see cache.digest_pair) with its timeline page, which lists link to."""
    return pair[0] + "@" + place, pair[1] + "@" + place


def unplaced(pair: tuple[str, str]) -> tuple[str, str]:
    """The digests of `placed`, without the timeline page."""
    return pair[0].partition("@")[0], pair[1].partition("@")[0]
