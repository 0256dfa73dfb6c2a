"""Machine-readable exports: iCalendar, JSON, TimelineJS JSON.

(Atom feed, sitemap: templates; TimelineJS CSV, JSON Feed, GeoJSON, JSON-LD: generator.interchange;
the search index: generator.search_index.)

Every value is derived from the content, never from the clock, so builds are reproducible.
"""

from __future__ import annotations

import html
import json
from datetime import date, timedelta
from functools import partial
from typing import Any

from generator.config import SiteConfig
from generator.dates import DatePart
from generator.joined import JoinedExport
from generator.markup import MarkupRenderer
from generator.model import Event, Timeline
from generator.pieces import PieceStore

ICAL_STATUS = {"planned": "TENTATIVE", "reported": "TENTATIVE", "confirmed": "CONFIRMED",
               "disputed": "TENTATIVE", "denied": "CANCELLED", "postponed": "TENTATIVE",
               "cancelled": "CANCELLED"}


def last_updated(event: Event) -> date:
    """The newest date the event's own content tells us about: its latest source, else its start."""
    return event.updated


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


def _vevent(config: SiteConfig, event: Event) -> str:
    """One event as a VEVENT block, folded, with a CRLF after every line."""
    host = config.site_origin.split("://")[-1] or "build-site.invalid"
    start = event.date.earliest
    end = event.date.latest if event.date.start and event.date.end else start
    lines = [
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
    return "".join(_fold(line) + "\r\n" for line in lines)


def ical_export(config: SiteConfig, timeline: Timeline, pieces: PieceStore | None = None) -> JoinedExport:
    """An iCalendar file with one all-day VEVENT per event (open-ended events get their start day)."""
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//build-site//timeline//EN",
            "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_ical_escape(config.title)}"]
    return JoinedExport("".join(_fold(line) + "\r\n" for line in head).encode("utf-8"), "ical", False,
                        timeline.events, pieces or PieceStore(), partial(_vevent, config), b"",
                        b"END:VCALENDAR\r\n")


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


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_entry(event: Event, config: SiteConfig, timeline: Timeline, markup: MarkupRenderer) -> bytes:
    return _compact_json(event_record(event, config, timeline, markup)).encode("utf-8")


def json_export(config: SiteConfig, timeline: Timeline, markup: MarkupRenderer,
                pieces: PieceStore | None = None) -> JoinedExport:
    """All events as one JSON document, in timeline order, made from all of each event (`full`).

    Each event's entry is a piece of UTF-8: joining 50 MB of entries and writing them takes 38 ms,
    against 124 ms as text to encode.
    """
    header = {"title": config.title, "description": config.description, "language": config.language,
              "url": config.absolute_url(""), "events": []}
    head = _compact_json(header)
    assert head.endswith('"events":[]}')
    return JoinedExport(head[:-2].encode("utf-8"), "json", True, timeline.events, pieces or PieceStore(),
                        lambda event: _json_entry(event, config, timeline, markup), b",", b"]}\n")


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


def _slide(config: SiteConfig, event: Event, markup: MarkupRenderer) -> str:
    """One event as a TimelineJS slide (compact JSON); TimelineJS shows headlines as HTML, so the title is escaped."""
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
    return _compact_json(slide)


def timelinejs_export(config: SiteConfig, timeline: Timeline, markup: MarkupRenderer,
                      pieces: PieceStore | None = None) -> JoinedExport:
    """The events in TimelineJS3's JSON format (one slide per event, grouped by status)."""
    head = _compact_json({"title": {"text": {"headline": config.title, "text": config.description}}, "events": []})
    assert head.endswith('"events":[]}')
    return JoinedExport(head[:-2].encode("utf-8"), "timelinejs", False, timeline.events, pieces or PieceStore(),
                        lambda event: _slide(config, event, markup), b",", b"]}\n")
