"""The reader's exports (issue 5): TimelineJS JSON round-trips; Atom, iCalendar and JSON parse with real parsers."""

from __future__ import annotations

import calendar
import html
import json
from datetime import date
from pathlib import Path
from typing import Any

import feedparser
import icalendar

from generator.build import build_project
from generator.search_index import plain_text
from tests.conftest import events_json
from tests.test_benchmarks_synth import load_synth


def import_timelinejs(document: dict[str, Any]) -> list[dict[str, str]]:
    """Read TimelineJS3 JSON back by hand: each slide's id, headline (HTML there) and first and last day."""
    def first_day(part: dict[str, int]) -> date:
        return date(int(part["year"]), int(part.get("month", 1)), int(part.get("day", 1)))

    def last_day(part: dict[str, int]) -> date:
        year, month = int(part["year"]), int(part.get("month", 12))
        return date(year, month, int(part.get("day", calendar.monthrange(year, month)[1])))

    return [{"id": slide["unique_id"], "title": html.unescape(slide["text"]["headline"]),
             "label": slide["display_date"],
             "earliest": first_day(slide["start_date"]).isoformat(),
             "latest": last_day(slide.get("end_date", slide["start_date"])).isoformat()}
            for slide in document["events"]]


def same_events(site: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(what TimelineJS JSON gives back, what the JSON export says) for every event, in timeline order."""
    imported = import_timelinejs(json.loads((site / "timelinejs.json").read_text(encoding="utf-8")))
    expected = [{"id": e["id"], "title": e["title"], "label": e["date"]["label"],
                 "earliest": e["date"]["earliest"], "latest": e["date"]["latest"]} for e in events_json(site)]
    return imported, expected


def test_timelinejs_round_trip_on_the_seed(seed_site: Path) -> None:
    imported, expected = same_events(seed_site)
    assert imported == expected and len(imported) == 8
    document = json.loads((seed_site / "timelinejs.json").read_text(encoding="utf-8"))
    assert document["title"]["text"]["headline"] == "Kim Jong-un and Vladimir Putin, 2023"
    forum = next(s for s in document["events"] if s["unique_id"] == "2023-09-10-kim-putin-meeting-at-eef")
    assert forum["start_date"] == {"year": 2023, "month": 9, "day": 10}
    assert forum["end_date"] == {"year": 2023, "month": 9, "day": 13}
    assert forum["group"] == "Planned" and forum["display_date"] == "10–13 September 2023"
    assert 'href="https://timeline.example.org/events/2023-09-10-kim-putin-meeting-at-eef/"' in forum["text"]["text"]
    july = next(s for s in document["events"] if s["unique_id"] == "2023-07-kim-invites-putin")
    assert july["start_date"] == {"year": 2023, "month": 7} and "end_date" not in july


def test_timelinejs_round_trip_on_every_kind_of_date(tmp_path: Path) -> None:
    project = load_synth().generate(tmp_path / "project", 120)  # years, months, qualified, open and intervals
    build_project(project)
    imported, expected = same_events(project / "site")
    assert imported == expected and len(imported) == 120


def test_atom_feed_with_feedparser(seed_site: Path) -> None:
    feed = feedparser.parse((seed_site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Kim Jong-un and Vladimir Putin, 2023"
    by_link = {entry.link: entry for entry in feed.entries}
    events = events_json(seed_site)
    assert set(by_link) == {e["url"] for e in events}
    for event in events:
        entry = by_link[event["url"]]
        assert entry.title == event["title"]
        assert entry.id == event["url"]
        assert {t.term for t in entry.get("tags", [])} == {t["slug"] for t in event["tags"]}


def test_icalendar_with_the_icalendar_package(seed_site: Path) -> None:
    calendar_ = icalendar.Calendar.from_ical((seed_site / "events.ics").read_bytes())
    vevents = {str(v["UID"]).split("@")[0]: v for v in calendar_.walk("VEVENT")}
    events = events_json(seed_site)
    assert list(vevents) == [e["id"] for e in events]
    for event in events:
        vevent = vevents[event["id"]]
        assert str(vevent["SUMMARY"]) == event["title"]
        assert vevent.decoded("DTSTART") == date.fromisoformat(event["date"]["earliest"])
        assert str(vevent["URL"]) == event["url"]
    forum = vevents["2023-09-10-kim-putin-meeting-at-eef"]
    assert forum.decoded("DTEND") == date(2023, 9, 14)  # exclusive end of an all-day event
    assert str(forum["STATUS"]) == "TENTATIVE"


def test_json_export_carries_every_event(seed_site: Path) -> None:
    document = json.loads((seed_site / "events.json").read_text(encoding="utf-8"))
    assert document["language"] == "en" and len(document["events"]) == 8
    starts = [e["date"]["earliest"] for e in document["events"]]
    assert starts == sorted(starts)


def search_index(site: Path) -> dict[str, Any]:
    """search.json with each event's array turned into a dict (statuses by name), as timeline.js does."""
    index: dict[str, Any] = json.loads((site / "search.json").read_text(encoding="utf-8"))
    assert index["version"] == 3
    names = ("id", "p", "t", "d", "s", "e", "st", "a", "pl", "g", "o")
    index["events"] = [dict(zip(names, entry, strict=True)) for entry in index["events"]]
    for event in index["events"]:
        event["st"] = index["statuses"][event["st"]]
    return index


def test_search_index_matches_the_json_export(seed_site: Path) -> None:
    index = search_index(seed_site)
    text_file, _, digest = index["text"].partition("?v=")
    texts = json.loads((seed_site / text_file).read_text(encoding="utf-8"))["x"]
    assert digest and len(texts) == len(index["events"])
    events = events_json(seed_site)
    assert index["pages"] == [""] and index["statuses"][0] == "planned"
    assert [e["id"] for e in index["events"]] == [e["id"] for e in events]
    names = {kind: [key for key, _ in entries] for kind, entries in index["facets"].items()}
    for entry, event, text in zip(index["events"], events, texts, strict=True):
        assert entry["t"] == event["title"] and entry["d"] == event["date"]["label"] and entry["st"] == event["status"]
        assert (entry["s"], entry["e"]) == (event["date"]["earliest"], event["date"]["latest"])
        assert [names["actors"][i] for i in entry["a"]] == [a["id"] for a in event["actors"]]
        assert [names["places"][i] for i in entry["pl"]] == [p["id"] for p in event["places"]]
        assert [names["tags"][i] for i in entry["g"]] == [t["slug"] for t in event["tags"]]
        outlets = {s["outlet"]["id"] for s in event["sources"]} | {v["id"] for s in event["sources"] for v in s["via"]}
        assert {names["outlets"][i] for i in entry["o"]} == outlets
        assert "x" not in entry  # the words live in the text file, fetched only for a text search
        assert text == text.lower()  # the title is searched from the index, not repeated here
        for source in event["sources"]:
            assert source["outlet"]["name"].lower() in text
            assert (source["quote"] or "").lower() in text


def test_search_index_splits_into_year_pages(tmp_path: Path) -> None:
    project = load_synth().generate(tmp_path / "project", 260)
    build_project(project)
    index = search_index(project / "site")
    assert len(index["pages"]) > 1 and all(p.startswith("years/") for p in index["pages"])
    for entry in index["events"]:
        assert (project / "site" / index["pages"][entry["p"]] / "index.html").is_file()
        assert index["pages"][entry["p"]] == f"years/{entry['s'][:4]}/"  # the year of the earliest start


def test_plain_text_keeps_the_words_of_markdown() -> None:
    assert plain_text("See **the** [*report*](https://example.org/x) `now`.") == "See the report now."
