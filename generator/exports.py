"""Machine-readable exports: iCalendar and JSON. (The Atom feed and sitemap are templates.)

Every value is derived from the content, never from the clock, so builds are reproducible.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from generator.config import SiteConfig
from generator.markup import MarkupRenderer
from generator.model import Event, Timeline

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


def render_json(config: SiteConfig, timeline: Timeline, markup: MarkupRenderer) -> bytes:
    """All events as one JSON document, in timeline order."""
    document = {
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "url": config.absolute_url(""),
        "events": [event_record(e, config, timeline, markup) for e in timeline.events],
    }
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
