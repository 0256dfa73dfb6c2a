"""Per-event pieces of output (timeline cards, list rows, export entries), made once and reused.

A piece is stored under its kind and a digest of what it is made from: the event (all of it, or only
what lists show) plus everything every page depends on (configuration, templates, registries, code).
Within one build this renders each card once however many pages show it; across builds (the store
lives in the build cache) an unchanged event's pieces are not made again.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from typing import Any, TypeVar

from generator.model import Event, Timeline

T = TypeVar("T")

DigestPair = tuple[str, str]  # (digest of the whole event, digest of what lists show)


class PieceStore:
    """Pieces by kind and event digest; without digests, by kind and event id (one build only).

    A piece's key is 'kind:', then `prefix` (the global key: configuration, templates, registries,
    code), then the event's digest.
    """

    def __init__(self, store: dict[str, Any] | None = None, digests: dict[str, DigestPair] | None = None,
                 load: Callable[[str], None] | None = None, prefix: str = "") -> None:
        self.store: MutableMapping[str, Any] = store if store is not None else {}
        self.digests = digests or {}
        self.prefix = prefix
        self.made: list[str] = []  # the keys of the pieces made (not found) by this store, in order
        self.load = load  # reads the stored pieces of a kind into `store`, before the first miss counts
        self._in_order: dict[bool, tuple[Sequence[Event], list[str]]] = {}  # see digests_of
        self._wanted: set[str] | None = None  # see wanted

    def _key(self, kind: str, event: Event, full: bool) -> str:
        pair = self.digests.get(event.id)
        return f"{kind}:{self.prefix}{pair[0] if full else pair[1]}" if pair else f"{kind}:{event.id}"

    def has(self, kind: str, event: Event, full: bool) -> bool:
        """Whether the piece `kind` of `event` is already made (see get)."""
        return self._present(kind, self._key(kind, event, full))

    def _present(self, kind: str, key: str) -> bool:
        if key in self.store:
            return True
        if self.load is not None:
            self.load(kind)  # reads each kind at most once
            return key in self.store
        return False

    def get(self, kind: str, event: Event, full: bool, make: Callable[[], T]) -> T:
        """The piece `kind` of `event` (made from the whole event if `full`, else from what lists show)."""
        key = self._key(kind, event, full)
        if self._present(kind, key):
            piece: T = self.store[key]
            return piece
        piece = self.store[key] = make()
        self.made.append(key)
        return piece

    def digests_of(self, events: Sequence[Event], full: bool) -> list[str]:
        """What each of `events`' pieces is stored under, after its 'kind:' (see get).

        Remembered for the last sequence asked about (a build asks a dozen times about all its events,
        1 ms per thousand each time); the digests of a store do not change once it is made.
        """
        known = self._in_order.get(full)
        if known is not None and known[0] is events:
            return known[1]
        index, digests, prefix = (0 if full else 1), self.digests, self.prefix
        found = [prefix + pair[index] if (pair := digests.get(event.id)) else event.id for event in events]
        self._in_order[full] = (events, found)
        return found

    def wanted(self) -> set[str]:
        """Every digest a piece of this store's events may be stored under (wanted_digests), made once."""
        if self._wanted is None:
            self._wanted = wanted_digests(self.digests, self.prefix)
        return self._wanted

    def many(self, kind: str, events: Sequence[Event], full: bool, make: Callable[[Event], T]) -> list[T]:
        """The piece `kind` of each of `events`, in order, as `get` gives it: an export needs 10,000 at once."""
        store = self.store
        keys = [f"{kind}:{digest}" for digest in self.digests_of(events, full)]
        if self.load is not None and any(key not in store for key in keys):
            self.load(kind)  # reads each kind at most once
        found: list[T] = []
        for key, event in zip(keys, events, strict=True):
            piece = store.get(key, _MISSING)
            if piece is _MISSING:
                piece = store[key] = make(event)
                self.made.append(key)
            found.append(piece)
        return found


_MISSING = object()
BATCH = 500  # pieces joined into one text to write: few writes, and never the whole 50 MB document at once
KINDS_PER_EVENT = 12  # more than the kinds of piece an event has (card, row, one per export...)


def wanted_digests(digests: dict[str, DigestPair], prefix: str = "") -> set[str]:
    """Every digest a piece may be stored under now (after its 'kind:'), `prefix` included; the others are stale."""
    return {prefix + digest for pair in digests.values() for digest in pair}


def drop_stale_markdown(markdown: dict[tuple[str, bool], str], timeline: Timeline) -> None:
    """Remove from `markdown` (in place) the texts no event has any more, once it holds twice as many as needed.

    The HTML of other texts (a registry's descriptions...) goes too: it is made again when next needed.
    """
    if len(markdown) <= most_markdown(len(timeline.events)):
        return
    texts = {text for event in timeline.events for text in (event.summary, event.body)}
    for key in [key for key in markdown if key[0] not in texts]:
        del markdown[key]


MARKDOWN_PER_EVENT = 3  # a summary, inline and as a block, and a body
MARKDOWN_SLACK = 100  # texts besides the events' that the cache keeps without counting


def most_markdown(events: int) -> int:
    """How many Markdown texts the cache keeps for `events` events before it drops those no longer used."""
    return 2 * MARKDOWN_PER_EVENT * events + MARKDOWN_SLACK


def drop_stale_pieces(store: dict[str, Any], pieces: PieceStore, kinds: int = KINDS_PER_EVENT) -> None:
    """Remove from `store` (in place) the pieces of events that no longer exist or have changed.

    Only once the store holds about twice what the current events need of the `kinds` of piece it
    holds: looking at every key after each one-event edit would cost more than the space saved.
    """
    if len(store) <= 2 * kinds * len(pieces.digests):
        return
    wanted = pieces.wanted()
    for key in [key for key in store if key.partition(":")[2] not in wanted]:
        del store[key]
