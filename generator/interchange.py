"""Exports for other tools: the TimelineJS spreadsheet CSV, JSON Feed 1.1, GeoJSON, and the
schema.org Event JSON-LD of event pages.

Like every export, each is derived from the content only (never the clock), so builds are
reproducible and the build cache can reuse them.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from functools import partial
from typing import Any

from generator.config import SiteConfig
from generator.dates import DatePart, EventDate
from generator.exports import last_updated, timelinejs_text
from generator.joined import JoinedExport
from generator.markup import MarkupRenderer
from generator.model import Event, Timeline
from generator.pieces import PieceStore

FEED_ITEMS = 100  # like the Atom feed: the latest events only

# The columns of TimelineJS3's Google Sheets template, in its order (TimelineJS reads them by name).
CSV_COLUMNS = ("Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
               "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
               "Media Thumbnail", "Type", "Group", "Background")

# schema.org has no value for "reported but unconfirmed", "disputed" or "denied": those get none.
SCHEMA_STATUS = {"planned": "EventScheduled", "confirmed": "EventScheduled",
                 "postponed": "EventPostponed", "cancelled": "EventCancelled"}

_TAG = re.compile(r"<[^>]*>")


def _text_of(fragment: str) -> str:
    """The words of a sanitized HTML fragment, tags removed and entities decoded."""
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def _csv_date(part: DatePart | None) -> list[str]:
    if part is None:
        return ["", "", ""]
    return [str(part.year), str(part.month or ""), str(part.day or "")]


def _csv_row(config: SiteConfig, markup: MarkupRenderer, event: Event) -> str:
    """One event's spreadsheet row, CRLF-terminated."""
    start = event.date.start or event.date.end
    end = event.date.end if event.date.start and event.date.end else None
    year, month, day = _csv_date(start)
    end_year, end_month, end_day = _csv_date(end)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow({
        **dict.fromkeys(CSV_COLUMNS, ""), "Year": year, "Month": month, "Day": day, "End Year": end_year,
        "End Month": end_month, "End Day": end_day, "Display Date": event.date.label,
        "Headline": html.escape(event.title, quote=False),
        "Text": timelinejs_text(event, config, markup), "Group": event.status.capitalize(),
    }.values())
    return buffer.getvalue()


def timelinejs_csv_export(config: SiteConfig, timeline: Timeline, markup: MarkupRenderer,
                          pieces: PieceStore | None = None) -> JoinedExport:
    """The events as a TimelineJS spreadsheet (CSV): a title row, then one row per event.

    Dates are only as precise as the EDTF date; Display Date carries our label (with uncertainty),
    Group the status, Text the summary and a link back, as in timelinejs.json.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    blank = dict.fromkeys(CSV_COLUMNS, "")
    writer.writerow({**blank, "Headline": html.escape(config.title, quote=False),
                     "Text": html.escape(config.description, quote=False), "Type": "title"}.values())
    return JoinedExport(buffer.getvalue().encode("utf-8"), "csv", False, timeline.events, pieces or PieceStore(),
                        partial(_csv_row, config, markup), b"")


def _feed_time(event: Event) -> str:
    return f"{last_updated(event).isoformat()}T00:00:00Z"


def render_json_feed(config: SiteConfig, timeline: Timeline, markup: MarkupRenderer) -> bytes:
    """A JSON Feed 1.1 with the same entries as the Atom feed (the latest events, newest first)."""
    items = []
    for event in list(timeline.events)[-FEED_ITEMS:][::-1]:
        url = config.absolute_url(f"events/{event.id}/")
        lead = f"{html.escape(event.date.label)} ({event.status}): "
        content = f"<p>{lead}{markup.render_inline(event.summary)}</p>"
        item: dict[str, Any] = {
            "id": url, "url": url, "title": event.title, "content_html": content,
            "summary": _text_of(content), "date_published": _feed_time(event),
            "date_modified": _feed_time(event),
            "_timeline": {"date": event.date.edtf, "label": event.date.label, "status": event.status},
        }
        if event.tags:
            item["tags"] = [tag.name for tag in event.tags]
        items.append(item)
    document: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1", "title": config.title,
        "home_page_url": config.absolute_url(""), "feed_url": config.absolute_url("feed.json"),
        "language": config.language, "authors": [{"name": config.author or config.title}],
    }
    if config.description:
        document["description"] = config.description
    document["items"] = items
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _features(config: SiteConfig, timeline: Timeline, event: Event) -> str:
    """The event's GeoJSON features (one per place with coordinates), comma-separated, or ''."""
    features = []
    for key in event.places:
        place = timeline.places[key]
        if place.coordinates is None:
            continue
        latitude, longitude = place.coordinates
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
            "properties": {
                "id": event.id, "title": event.title, "date": event.date.edtf,
                "date_label": event.date.label, "status": event.status,
                "url": config.absolute_url(f"events/{event.id}/"),
                "place": key, "place_name": place.name,
            },
        })
    return ",".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features)


def geojson_export(config: SiteConfig, timeline: Timeline, pieces: PieceStore | None = None) -> JoinedExport:
    """A GeoJSON FeatureCollection: one Point per event and place with coordinates ([lon, lat]).

    Each event's piece is its features, comma-separated ('' without coordinates: no entry then).
    """
    return JoinedExport(b'{"type":"FeatureCollection","features":[', "geojson", False, timeline.events,
                        pieces or PieceStore(), partial(_features, config, timeline), b",", b"]}\n",
                        skip_empty=True)


def exact_days(value: EventDate) -> tuple[str, str | None] | None:
    """(start, end or None) as ISO days when every end of the date is known exactly to the day."""
    parts = [value.start, value.end] if value.is_interval else [value.start]
    if any(p is None or p.precision != "day" or p.uncertain or p.approximate for p in parts):
        return None
    assert value.start is not None
    return value.start.iso, value.end.iso if value.end else None


def script_json(data: Any) -> str:
    """JSON that is safe inside an HTML <script> element: <, > and & are written as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def event_jsonld(event: Event, config: SiteConfig, timeline: Timeline, markup: MarkupRenderer) -> str:
    """schema.org Event JSON-LD for an event page, or '' when the date is not exact to the day."""
    days = exact_days(event.date)
    if days is None:
        return ""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Event", "name": event.title,
                            "description": _text_of(markup.render_inline(event.summary)),
                            "startDate": days[0]}
    if days[1]:
        data["endDate"] = days[1]
    if event.status in SCHEMA_STATUS:
        data["eventStatus"] = f"https://schema.org/{SCHEMA_STATUS[event.status]}"
    places = []
    for key in event.places:
        place = timeline.places[key]
        entry: dict[str, Any] = {"@type": "Place", "name": place.name}
        if config.site_origin:
            entry["url"] = config.absolute_url(f"places/{key}/")
        if place.coordinates:
            entry["geo"] = {"@type": "GeoCoordinates", "latitude": place.coordinates[0],
                            "longitude": place.coordinates[1]}
        places.append(entry)
    if places:
        data["location"] = places[0] if len(places) == 1 else places
    if event.tags:
        data["keywords"] = ", ".join(tag.name for tag in event.tags)
    data["inLanguage"] = config.language
    if config.site_origin:
        data["url"] = config.absolute_url(f"events/{event.id}/")
    return script_json(data)


def og_locale(language: str) -> str:
    """An Open Graph locale (language_TERRITORY) from a BCP 47 tag: pt-BR -> pt_BR, en -> en."""
    parts = language.split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), "")
    return f"{parts[0].lower()}_{region.upper()}" if region else parts[0].lower()
