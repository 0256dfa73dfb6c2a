"""Machine-readable exports: iCalendar, JSON, TimelineJS JSON, the search index.

(Atom feed, sitemap: templates; TimelineJS CSV, JSON Feed, GeoJSON, JSON-LD: generator.interchange.)

Every value is derived from the content, never from the clock, so builds are reproducible.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from generator.config import SiteConfig
from generator.dates import DatePart
from generator.markup import MarkupRenderer
from generator.model import STATUSES, Event, Timeline

ICAL_STATUS = {"planned": "TENTATIVE", "reported": "TENTATIVE", "confirmed": "CONFIRMED",
               "disputed": "TENTATIVE", "denied": "CANCELLED", "postponed": "TENTATIVE",
               "cancelled": "CANCELLED"}


def last_updated(event: Event) -> date:
    """The newest date the event's own content tells us about: its latest source, else its start."""
    dates = [s.published.latest for s in event.sources if s.published]
    return max(dates) if dates else event.date.earliest


def _ical_escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, as RFC 5545 section 3.1 requires, never inside a character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces: list[bytes] = []
    limit = 75
    while len(data) > limit:
        cut = limit
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: step back to the character's start
            cut -= 1
        pieces.append(data[:cut])
        data = data[cut:]
        limit = 74  # continuation lines start with a space
    pieces.append(data)
    return b"\r\n ".join(pieces).decode("utf-8")


def render_ical(config: SiteConfig, timeline: Timeline) -> bytes:
    """An iCalendar file with one all-day VEVENT per event (open-ended events get their start day)."""
    host = config.site_origin.split("://")[-1] or "build-site.invalid"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//build-site//timeline//EN",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_ical_escape(config.title)}"]
    for event in timeline.events:
        start = event.date.earliest
        end = event.date.latest if event.date.start and event.date.end else start
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.id}@{host}",
            f"DTSTAMP:{last_updated(event):%Y%m%d}T000000Z",
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ical_escape(event.title)}",
            f"DESCRIPTION:{_ical_escape(f'{event.date.label}. {event.summary}')}",
            f"STATUS:{ICAL_STATUS[event.status]}",
            f"URL:{config.absolute_url(f'events/{event.id}/')}",
        ]
        if event.tags:
            lines.append("CATEGORIES:" + ",".join(_ical_escape(t.name) for t in event.tags))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def event_record(event: Event, config: SiteConfig, timeline: Timeline,
                 markup: MarkupRenderer) -> dict[str, Any]:
    """One event as a JSON-ready dict, with names resolved and HTML rendered."""
    def names(kind: str, ids: tuple[str, ...]) -> list[dict[str, str]]:
        registry = timeline.registry(kind)
        return [{"id": i, "name": registry[i].name} for i in ids]

    return {
        "id": event.id,
        "url": config.absolute_url(f"events/{event.id}/"),
        "title": event.title,
        "date": {"edtf": event.date.edtf, "label": event.date.label,
                 "earliest": event.date.earliest.isoformat(), "latest": event.date.latest.isoformat(),
                 "uncertain": event.date.uncertain, "approximate": event.date.approximate},
        "status": event.status,
        "summary": event.summary,
        "summary_html": markup.render_inline(event.summary),
        "body": event.body,
        "body_html": markup.render(event.body) if event.body else "",
        "actors": names("actors", event.actors),
        "places": names("places", event.places),
        "tags": [{"slug": t.slug, "name": t.name} for t in event.tags],
        "sources": [
            {"outlet": names("outlets", (s.outlet,))[0], "via": names("outlets", s.via),
             "stance": s.stance, "url": s.url, "title": s.title, "quote": s.quote,
             "published": s.published.edtf if s.published else None}
            for s in event.sources
        ],
        "derived_from": [{"article": d.article, "start": d.start, "end": d.end} for d in event.derived_from],
        "related": list(event.related),
    }


def render_json(config: SiteConfig, timeline: Timeline, markup: MarkupRenderer,
                memo: dict[str, str] | None = None, digests: dict[str, str] | None = None) -> bytes:
    """All events as one JSON document, in timeline order.

    With `memo` and `digests` (event id -> digest of everything in the event), each event's JSON
    is kept in `memo` under its digest and reused; the document is byte-identical either way.
    """
    header = {"title": config.title, "description": config.description, "language": config.language,
              "url": config.absolute_url(""), "events": []}
    pieces = []
    for event in timeline.events:
        key = f"json:{digests[event.id]}" if memo is not None and digests is not None else ""
        piece = memo.get(key) if memo is not None and key else None
        if piece is None:
            piece = json.dumps(event_record(event, config, timeline, markup), ensure_ascii=False, separators=(",", ":"))
            if memo is not None and key:
                memo[key] = piece
        pieces.append(piece)
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":"))
    assert head.endswith('"events":[]}')
    return (head[:-2] + ",".join(pieces) + "]}\n").encode("utf-8")


_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"[*_`#>]+")


def plain_text(markdown: str) -> str:
    """Markdown reduced to its words (links keep their text) for searching."""
    return " ".join(_MARKDOWN_MARKS.sub("", _MARKDOWN_LINK.sub(r"\1", markdown)).split())


def render_search_index(timeline: Timeline, page_of: Callable[[Event], str]) -> bytes:
    """The compact index the timeline's filter and search use, fetched only when a reader filters.

    `facets` lists every actor, place, tag and outlet once as [key, name]; each event refers to them
    by position: {"id", "p" (index into `pages`), "t" (title), "d" (date label), "s"/"e" (earliest and
    latest ISO day), "st" (status), "a"/"pl"/"g"/"o" (actor, place, tag, outlet positions), "x"
    (lowercase text of title, summary and sources: outlet names, titles and quotes)}.
    """
    facets: dict[str, dict[str, list[str]]] = {kind: {} for kind in ("actors", "places", "tags", "outlets")}
    for event in timeline.events:  # only what some event names, so every option finds something
        for kind, keys in (("actors", event.actors), ("places", event.places), ("outlets", event.outlets)):
            for key in keys:
                facets[kind].setdefault(key, [key, timeline.registry(kind)[key].name])
        for tag in event.tags:
            facets["tags"].setdefault(tag.slug, [tag.slug, tag.name])
    facets = {kind: dict(sorted(entries.items(), key=lambda item: item[1][1].casefold()))
              for kind, entries in facets.items()}
    position = {kind: {key: n for n, key in enumerate(entries)} for kind, entries in facets.items()}
    pages: dict[str, int] = {}
    events = []
    for event in timeline.events:
        outlet_names = [timeline.registry("outlets")[key].name for key in event.outlets]
        words = [event.title, plain_text(event.summary), *outlet_names]
        for source in event.sources:
            words += [source.title, source.quote]
        events.append({
            "id": event.id, "p": pages.setdefault(page_of(event), len(pages)), "t": event.title,
            "d": event.date.label, "s": event.date.earliest.isoformat(), "e": event.date.latest.isoformat(),
            "st": event.status,
            "a": [position["actors"][k] for k in event.actors], "pl": [position["places"][k] for k in event.places],
            "g": [position["tags"][t.slug] for t in event.tags], "o": [position["outlets"][k] for k in event.outlets],
            "x": " ".join(w for w in words if w).lower(),
        })
    document = {
        "version": 1, "pages": list(pages), "statuses": list(STATUSES),
        "facets": {kind: list(entries.values()) for kind, entries in facets.items()}, "events": events,
    }
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _timelinejs_date(part: DatePart) -> dict[str, int]:
    """A TimelineJS date object with only the components the EDTF date knows."""
    found = {"year": part.year}
    if part.month:
        found["month"] = part.month
    if part.day:
        found["day"] = part.day
    return found


def timelinejs_text(event: Event, config: SiteConfig, markup: MarkupRenderer) -> str:
    """A TimelineJS slide's HTML text: the summary, then a paragraph linking to the event's page."""
    link = html.escape(config.absolute_url(f"events/{event.id}/"))
    return f'<p>{markup.render_inline(event.summary)}</p><p><a href="{link}">Sources and details</a></p>'


def render_timelinejs(config: SiteConfig, timeline: Timeline, markup: MarkupRenderer) -> bytes:
    """The events in TimelineJS3's JSON format (one slide per event, grouped by status).

    TimelineJS shows headlines as HTML, so the (plain text) title is HTML-escaped.
    """
    slides = []
    for event in timeline.events:
        start = event.date.start or event.date.end
        assert start is not None
        slide: dict[str, Any] = {
            "unique_id": event.id,
            "start_date": _timelinejs_date(start),
            "display_date": event.date.label,
            "text": {"headline": html.escape(event.title, quote=False),
                     "text": timelinejs_text(event, config, markup)},
            "group": event.status.capitalize(),
        }
        if event.date.start and event.date.end:
            slide["end_date"] = _timelinejs_date(event.date.end)
        slides.append(slide)
    document = {"title": {"text": {"headline": config.title, "text": config.description}}, "events": slides}
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
