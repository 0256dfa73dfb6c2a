"""The Atom feed, iCalendar and JSON exports parse with real parsers and carry the events."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.build import build_project
from generator.exports import _fold

ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feed_parses(seed_project: Path) -> None:
    build_project(seed_project)
    root = ET.parse(seed_project / "site/feed.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 8
    assert root.findtext(f"{ATOM}updated") == "2023-09-10T00:00:00Z"  # newest entry: no source dates, so its start
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Kim Jong-un and Vladimir Putin to meet at the Eastern Economic Forum"
    assert first.find(f"{ATOM}link").get("href") == "https://timeline.example.org/events/2023-09-10-kim-putin-meeting-at-eef/"
    assert (first.findtext(f"{ATOM}summary") or "").startswith("10–13 September 2023 (planned): Kim Jong-un")


def test_sitemap_parses(seed_project: Path) -> None:
    build_project(seed_project)
    root = ET.parse(seed_project / "site/sitemap.xml").getroot()
    locations = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://timeline.example.org/" in locations and len(locations) == len(set(locations)) > 40


def test_json_export(seed_project: Path) -> None:
    build_project(seed_project)
    data = json.loads((seed_project / "site/events.json").read_text(encoding="utf-8"))
    by_id = {e["id"]: e for e in data["events"]}
    forum = by_id["2023-09-10-kim-putin-meeting-at-eef"]
    assert forum["date"] == {"edtf": "2023-09-10/2023-09-13", "label": "10–13 September 2023",
                             "earliest": "2023-09-10", "latest": "2023-09-13", "uncertain": False, "approximate": False}
    assert forum["status"] == "planned"
    shoigu = by_id["2023-09-04-shoigu-on-joint-exercises"]
    assert shoigu["sources"][0]["outlet"] == {"id": "reuters", "name": "Reuters"}
    assert shoigu["sources"][0]["via"] == [{"id": "interfax", "name": "Interfax"}]


def unfold(text: str) -> list[str]:
    """RFC 5545 unfolding: a CRLF followed by a space continues the previous line."""
    return text.replace("\r\n ", "").split("\r\n")


def test_icalendar_export(seed_project: Path) -> None:
    build_project(seed_project)
    raw = (seed_project / "site/events.ics").read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    lines = unfold(raw.decode("utf-8"))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 8
    start = lines.index("UID:2023-09-10-kim-putin-meeting-at-eef@timeline.example.org")
    block = lines[start:start + 8]
    assert "DTSTART;VALUE=DATE:20230910" in block and "DTEND;VALUE=DATE:20230914" in block
    assert "STATUS:TENTATIVE" in block


def test_fold_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "é" * 100
    folded = _fold(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
