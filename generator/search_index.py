"""The search index the timeline's filters use: search.json (what filtering needs) and search-text.json.

Both are joined exports (generator.joined): a head, one entry per event in timeline order, a tail,
so a build after a one-event edit splices them from their previous files instead of making them again.

search.json's entries are positions in tables its head holds (the timeline pages, the statuses, and
the actors, places, tags and outlets some event names). They are made from each event's row (kept in
the piece store), which holds the strings of what the index says of it, so the events' other fields
need not be read (generator.lazyevent). The entries themselves are not stored: they depend on the
tables, and when these change (a new actor, a new timeline page) every entry changes with them and
the file is joined anew (see JoinedExport.shared).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sys
from collections.abc import Callable
from itertools import chain
from operator import itemgetter
from typing import Any

from generator.dates import EventDate, label_for
from generator.joined import JoinedExport
from generator.model import STATUSES, Event, Timeline
from generator.pieces import PieceStore

SEARCH_TEXT = "search-text.json"  # the searchable words, beside search.json
FACET_KINDS = ("actors", "places", "tags", "outlets")

_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"[*_`#>]+")


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def plain_text(markdown: str) -> str:
    """Markdown reduced to its words (links keep their text) for searching."""
    return " ".join(_MARKDOWN_MARKS.sub("", _MARKDOWN_LINK.sub(r"\1", markdown)).split())


def _search_text(event: Event, timeline: Timeline) -> str:
    """The lowercase words a text search looks in besides the title: summary and sources (outlets, titles, quotes)."""
    words = [plain_text(event.summary), *(timeline.registry("outlets")[k].name for k in event.outlets)]
    for source in event.sources:
        words += [source.title, source.quote]
    return " ".join(w for w in words if w).lower()


def search_text_export(timeline: Timeline, pieces: PieceStore | None = None) -> JoinedExport:
    """The second half of the search index: each event's searchable text, fetched only for a text search.

    {"version": 2, "x": [text of event 0, text of event 1, ...]}, in the order of search.json's events;
    the titles, also searched, are in search.json.
    """
    return JoinedExport(b'{"version":2,"x":[', "search-text", False, timeline.events, pieces or PieceStore(),
                        lambda event: _compact_json(_search_text(event, timeline)), b",", b"]}\n")


SearchRow = tuple[str, str, str, str, str, str, tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...],
                  tuple[str, ...]]


def _search_row(event: Event, page_of: Callable[[Event], str], label: Callable[[EventDate], str]) -> SearchRow:
    """What the search index says of one event: page, title, date label, first and last day, status, and
    its actors, places, tags (slug and name) and outlets.

    The strings that many events share are interned: stored rows then share them (the piece store
    pickles each object once), which makes the stored rows a third smaller, and reading them back and
    collecting the facets from 10,000 of them twice as fast.
    """
    dates, share = event.date, sys.intern
    return (share(page_of(event)), event.title, label(dates), dates.earliest.isoformat(), dates.latest.isoformat(),
            share(event.status), tuple(map(share, event.actors)), tuple(map(share, event.places)),
            tuple([(share(tag.slug), share(tag.name)) for tag in event.tags]), tuple(map(share, event.outlets)))


def _facets(timeline: Timeline, rows: list[SearchRow]) -> dict[str, dict[str, list[str]]]:
    """Every actor, place, tag and outlet some event names, as key -> [key, name], sorted by name.

    Only what some event names, so that every option of the filters finds something. A tag's name is
    its first spelling in timeline order.
    """
    actor_col, place_col, tag_col, outlet_col = (map(itemgetter(n), rows) for n in (6, 7, 8, 9))
    named = {"actors": dict.fromkeys(chain.from_iterable(actor_col)),  # chain and map loop in C
             "places": dict.fromkeys(chain.from_iterable(place_col)),
             "outlets": dict.fromkeys(chain.from_iterable(outlet_col))}
    tag_pairs = list(chain.from_iterable(tag_col))  # (slug, name)
    spelling = dict(reversed(tag_pairs))  # the first spelling wins
    facets = {kind: {key: [key, spelling[key]] for key in dict.fromkeys(map(itemgetter(0), tag_pairs))}
              if kind == "tags" else {key: [key, timeline.registry(kind)[key].name] for key in named[kind]}
              for kind in FACET_KINDS}
    return {kind: dict(sorted(entries.items(), key=lambda item: item[1][1].casefold()))
            for kind, entries in facets.items()}


def search_index_export(timeline: Timeline, page_of: Callable[[Event], str],
                        label: Callable[[EventDate], str] = label_for,
                        pieces: PieceStore | None = None, text: JoinedExport | None = None) -> JoinedExport:
    """search.json: the compact index the timeline's filters use, fetched only when a reader filters; no event text.

    {"version": 3, "pages": [...], "statuses": [...], "text": ..., "facets": {...}, "events": [entry, ...]}:
    `facets` lists every actor, place, tag and outlet some event names as [key, name], by name; `text`
    names the file with the other words to search (search_text_export), with a digest of its content,
    so that a browser never pairs this index with the text of another build. Each event's entry, in
    timeline order, is [id, page (index into `pages`), title, date label (from `label`), earliest and
    latest ISO day, status (index into `statuses`), actor, place, tag and outlet positions in `facets`].
    `text` is search_text_export's export, if already made (and written: see JoinedExport.digest).
    """
    events = timeline.events
    pieces = pieces or PieceStore()
    make_row = functools.partial(_search_row, page_of=page_of, label=label)
    rows = pieces.many("search", events, False, make_row)
    facets = _facets(timeline, rows)
    pages = list(dict.fromkeys(map(itemgetter(0), rows)))  # in timeline order
    tables = {"pages": pages, "statuses": list(STATUSES),
              "facets": {kind: list(entries) for kind, entries in facets.items()}}
    shared = hashlib.blake2b(_compact_json(tables).encode("utf-8"), digest_size=16).hexdigest()
    page_at = {page: n for n, page in enumerate(pages)}
    status_at = {status: n for n, status in enumerate(STATUSES)}
    actor_at, place_at, tag_at, outlet_at = ({key: n for n, key in enumerate(facets[kind])} for kind in FACET_KINDS)

    def entry(event: Event) -> str:  # for the few events a splice needs, or for all when the file is joined anew
        row = pieces.get("search", event, False, lambda: make_row(event))
        return _compact_json([event.id, page_at[row[0]], row[1], row[2], row[3], row[4], status_at[row[5]],
                              [actor_at[key] for key in row[6]], [place_at[key] for key in row[7]],
                              [tag_at[slug] for slug, _ in row[8]], [outlet_at[key] for key in row[9]]])

    digest = (text or search_text_export(timeline, pieces)).digest(6)
    head = _compact_json({"version": 3, "pages": pages, "statuses": list(STATUSES), "text": f"{SEARCH_TEXT}?v={digest}",
                          "facets": {kind: list(entries.values()) for kind, entries in facets.items()}, "events": []})
    assert head.endswith('"events":[]}')
    return JoinedExport(head[:-2].encode("utf-8"), "search-entry", False, events, pieces, entry, b",", b"]}\n",
                        shared=shared)
