"""TimelineJS CSV, JSON Feed 1.1, GeoJSON, JSON-LD and Open Graph: each parsed by a real parser."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from test_benchmarks_synth import load_synth
from test_cache import clean_build
from test_output import snapshot

from conftest import write_files
from generator.build import build_project
from generator.interchange import CSV_COLUMNS, og_locale, script_json
from tests.conftest import events_json

SEED = "https://timeline.example.org/"

# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): what is required, and the types of what we use.
JSON_FEED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string", "minLength": 1},
        "home_page_url": {"type": "string"}, "feed_url": {"type": "string"},
        "description": {"type": "string"}, "language": {"type": "string"},
        "authors": {"type": "array", "items": {"type": "object", "anyOf": [
            {"required": ["name"]}, {"required": ["url"]}, {"required": ["avatar"]}]}},
        "items": {"type": "array", "items": {
            "type": "object",
            "required": ["id"],
            "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
            "properties": {
                "id": {"type": "string", "minLength": 1}, "url": {"type": "string"},
                "title": {"type": "string"}, "content_html": {"type": "string"}, "summary": {"type": "string"},
                "date_published": {"type": "string"}, "date_modified": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
            "patternProperties": {"^[^_]": True},
        }},
    },
}


def test_timelinejs_csv_has_the_template_columns_and_every_event(seed_site: Path) -> None:
    raw = (seed_site / "timelinejs.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM: TimelineJS reads the first column name as is
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    with (seed_site / "timelinejs.csv").open(encoding="utf-8", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == CSV_COLUMNS
    assert rows[0]["Type"] == "title" and rows[0]["Headline"] == "Kim Jong-un and Vladimir Putin, 2023"
    events = events_json(seed_site)
    assert len(rows) == len(events) + 1
    for row, event in zip(rows[1:], events, strict=True):
        assert row["Display Date"] == event["date"]["label"] and row["Headline"] == event["title"]
        assert row["Group"] == event["status"].capitalize() and event["url"] in row["Text"]
        assert row["Type"] == "" and row["Time"] == ""
    forum = next(r for r in rows if r["Headline"].endswith("Eastern Economic Forum"))
    assert [forum[c] for c in ("Year", "Month", "Day", "End Year", "End Month", "End Day")] == \
        ["2023", "9", "10", "2023", "9", "13"]
    july = next(r for r in rows if r["Display Date"] == "July 2023 (uncertain)")
    assert (july["Year"], july["Month"], july["Day"], july["End Year"]) == ("2023", "7", "", "")


def test_csv_and_json_escape_headlines_for_timelinejs(minimal_site: Path) -> None:
    """TimelineJS shows headlines as HTML; a title is text, so its < and & are escaped."""
    write_files(minimal_site, {"content/events/amp.yaml": (
        "title: 'Q&A: <b>not bold</b>, \"quoted\"'\ndate: 2024-05-06\nstatus: confirmed\nsummary: S.\n")})
    build_project(minimal_site)
    site = minimal_site / "site"
    with (site / "timelinejs.csv").open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Display Date"] == "6 May 2024")
    slide = next(s for s in json.loads((site / "timelinejs.json").read_text("utf-8"))["events"]
                 if s["unique_id"] == "amp")
    assert row["Headline"] == slide["text"]["headline"] == 'Q&amp;A: &lt;b&gt;not bold&lt;/b&gt;, "quoted"'


def test_json_feed_is_valid_1_1_with_the_atom_entries(seed_site: Path) -> None:
    feed = json.loads((seed_site / "feed.json").read_text(encoding="utf-8"))
    jsonschema.validate(feed, JSON_FEED_SCHEMA)
    assert feed["feed_url"] == SEED + "feed.json" and feed["home_page_url"] == SEED
    entries = ET.parse(seed_site / "feed.xml").getroot().iter("{http://www.w3.org/2005/Atom}entry")
    atom = [entry.findtext("{http://www.w3.org/2005/Atom}id") for entry in entries]
    assert [item["url"] for item in feed["items"]] == atom  # same entries, same order
    events = {e["url"]: e for e in events_json(seed_site)}
    for item in feed["items"]:
        event = events[item["id"]]
        assert item["title"] == event["title"] and item["_timeline"]["date"] == event["date"]["edtf"]
        assert item.get("tags", []) == [t["name"] for t in event["tags"]]
        assert item["summary"].startswith(f"{event['date']['label']} ({event['status']}): ")
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None


def test_json_feed_keeps_the_100_latest_events_like_atom(tmp_path: Path) -> None:
    project = load_synth().generate(tmp_path / "project", 130)
    build_project(project)
    feed = json.loads((project / "site/feed.json").read_text(encoding="utf-8"))
    events = events_json(project / "site")
    assert [item["id"] for item in feed["items"]] == [e["url"] for e in events[-100:]][::-1]
    assert feed["items"][0]["id"] != feed["items"][-1]["id"]


def test_geojson_points_are_lon_lat_of_each_event_place(seed_site: Path) -> None:
    from tests.conftest import PROJECT

    places = yaml.safe_load((PROJECT / "content/places.yaml").read_text(encoding="utf-8"))
    document = json.loads((seed_site / "events.geojson").read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection"
    expected = [(e["id"], p["id"]) for e in events_json(seed_site) for p in e["places"]
                if "coordinates" in places[p["id"]]]
    assert [(f["properties"]["id"], f["properties"]["place"]) for f in document["features"]] == expected
    assert len(expected) > 5
    for feature in document["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert [lat, lon] == places[feature["properties"]["place"]]["coordinates"]
        assert set(feature["properties"]) >= {"id", "title", "date", "date_label", "status", "url"}
    vladivostok = next(f for f in document["features"] if f["properties"]["place"] == "vladivostok")
    assert vladivostok["geometry"]["coordinates"] == [131.8855, 43.1155]  # longitude first: east of Greenwich


def test_geojson_leaves_out_places_without_coordinates(minimal_site: Path) -> None:
    write_files(minimal_site, {
        "content/places.yaml": "paris: {name: Paris, coordinates: [48.8566, 2.3522]}\nnowhere: Nowhere\n",
        "content/events/both.yaml": "title: B\ndate: 2024\nstatus: reported\nsummary: S.\nplaces: [Nowhere, Paris]\n",
        "content/events/none.yaml": "title: N\ndate: 2024\nstatus: reported\nsummary: S.\nplaces: [Nowhere]\n",
    })
    build_project(minimal_site)
    document = json.loads((minimal_site / "site/events.geojson").read_text(encoding="utf-8"))
    pairs = [(f["properties"]["id"], f["properties"]["place"]) for f in document["features"]]
    assert ("both", "paris") in pairs and all(place == "paris" for _, place in pairs)
    assert not any(event == "none" for event, _ in pairs)


class _Head(HTMLParser):
    """The <meta property> tags and <script> elements of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("property"):
            self.meta[str(values["property"])] = str(values.get("content"))
        if tag == "script":
            self._in_script = values
            self.scripts.append((values, ""))

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def head_of(page: Path) -> _Head:
    parser = _Head()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def jsonld_of(page: Path) -> list[dict[str, Any]]:
    return [json.loads(text) for attrs, text in head_of(page).scripts if attrs.get("type") == "application/ld+json"]


def test_jsonld_only_for_dates_exact_to_the_day(seed_site: Path) -> None:
    found = {}
    for event in events_json(seed_site):
        blocks = jsonld_of(seed_site / "events" / event["id"] / "index.html")
        date = event["date"]
        exact = (re.fullmatch(r"\d{4}-\d{2}-\d{2}(/\d{4}-\d{2}-\d{2})?", date["edtf"]) is not None)
        assert len(blocks) == (1 if exact else 0), event["id"]
        if blocks:
            found[event["id"]] = blocks[0]
            assert blocks[0]["startDate"] == date["earliest"] and blocks[0]["name"] == event["title"]
            assert blocks[0].get("endDate") == (date["latest"] if "/" in date["edtf"] else None)
    assert len(found) == 3
    forum = found["2023-09-10-kim-putin-meeting-at-eef"]
    assert forum["@context"] == "https://schema.org" and forum["@type"] == "Event"
    assert forum["eventStatus"] == "https://schema.org/EventScheduled"  # planned
    assert forum["url"] == SEED + "events/2023-09-10-kim-putin-meeting-at-eef/"
    assert [p["name"] for p in forum["location"]] == ["Vladivostok", "Far Eastern Federal University"]
    assert forum["location"][0]["geo"] == {"@type": "GeoCoordinates", "latitude": 43.1155, "longitude": 131.8855}
    reported = found["2023-09-04-shoigu-on-joint-exercises"]
    assert "eventStatus" not in reported  # schema.org has no "reported, unconfirmed"


@pytest.mark.parametrize(("status", "expected"), [
    ("planned", "EventScheduled"), ("confirmed", "EventScheduled"), ("postponed", "EventPostponed"),
    ("cancelled", "EventCancelled"), ("reported", None), ("disputed", None), ("denied", None)])
def test_jsonld_event_status(minimal_site: Path, status: str, expected: str | None) -> None:
    write_files(minimal_site, {"content/events/s.yaml": f"title: T\ndate: 2024-05-06\nstatus: {status}\nsummary: S.\n"})
    build_project(minimal_site)
    block = jsonld_of(minimal_site / "site/events/s/index.html")[0]
    assert block.get("eventStatus") == (f"https://schema.org/{expected}" if expected else None)


@pytest.mark.parametrize("date", ["2024-05", "2024-05-06?", "2024-05-06~", "2024-05-06/..", "2024-05-06/",
                                  "../2024-05-06", "2024-05-06/2024-06"])
def test_no_jsonld_when_any_end_is_not_an_exact_day(minimal_site: Path, date: str) -> None:
    write_files(minimal_site, {"content/events/s.yaml": f"title: T\ndate: '{date}'\nstatus: confirmed\nsummary: S.\n"})
    build_project(minimal_site)
    assert jsonld_of(minimal_site / "site/events/s/index.html") == []


def test_jsonld_cannot_break_out_of_its_script(minimal_site: Path) -> None:
    title = "</script><script>alert(1)</script> & <!-- x"
    write_files(minimal_site, {"content/events/x.yaml": (
        f"title: '{title}'\ndate: 2024-05-06\nstatus: confirmed\n"
        "summary: 'A </script><img src=x onerror=alert(2)> summary & more'\n")})
    build_project(minimal_site)
    page = minimal_site / "site/events/x/index.html"
    text = page.read_text(encoding="utf-8")
    head = head_of(page)
    assert sorted(attrs.get("type") or attrs.get("src", "")[-11:] for attrs, _ in head.scripts) == \
        ["application/json", "application/ld+json", "timeline.js"]  # ours only (interface words, JSON-LD, script)
    assert "alert" not in next(body for attrs, body in head.scripts if attrs.get("type") == "application/json")
    block = jsonld_of(page)[0]
    assert block["name"] == title
    assert "alert(2)" not in block["description"] and block["description"].startswith("A ")
    assert "<script>alert" not in text and "onerror" not in text
    assert head.meta["og:title"] == title  # an attribute: escaped by the template, read back whole


def test_script_json_escapes_markup_characters() -> None:
    text = script_json({"a": "</script>&<!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script>&<!--"}


def test_open_graph_tags_on_event_pages(seed_site: Path) -> None:
    meta = head_of(seed_site / "events/2023-07-kim-invites-putin/index.html").meta
    assert meta["og:type"] == "article" and meta["og:title"] == "Kim Jong-un invites Vladimir Putin to North Korea"
    assert meta["og:url"] == SEED + "events/2023-07-kim-invites-putin/"
    assert meta["og:site_name"] == "Kim Jong-un and Vladimir Putin, 2023" and meta["og:locale"] == "en"
    assert meta["og:description"].startswith("July 2023 (uncertain): During Shoigu")
    assert head_of(seed_site / "index.html").meta == {}  # the timeline page gets none of this


def test_open_graph_url_only_with_an_absolute_base_url(seed_project: Path) -> None:
    build_project(seed_project, base_url="/repo/")
    meta = head_of(seed_project / "site/events/2023-07-kim-invites-putin/index.html").meta
    assert "og:url" not in meta and meta["og:type"] == "article"
    block = jsonld_of(seed_project / "site/events/2023-09-10-kim-putin-meeting-at-eef/index.html")[0]
    assert "url" not in block


@pytest.mark.parametrize(("language", "locale"), [("en", "en"), ("pt-BR", "pt_BR"), ("zh-Hant-TW", "zh_TW"),
                                                  ("AR", "ar")])
def test_og_locale(language: str, locale: str) -> None:
    assert og_locale(language) == locale


def test_feeds_are_linked_from_every_page_head_and_not_loaded(seed_site: Path) -> None:
    home = (seed_site / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/feed+json"' in home and 'href="/feed.json"' in home
    for name in ("feed.json", "events.geojson", "timelinejs.csv"):
        assert f'src="/{name}"' not in home


def test_place_coordinates_edit_rebuilds_the_geojson(tmp_path: Path) -> None:
    """The GeoJSON depends on the places registry: an incremental build after an edit matches a clean one."""
    project = load_synth().generate(tmp_path / "project", 60)
    build_project(project, use_cache=True)
    document = json.loads((project / "site/events.geojson").read_text(encoding="utf-8"))
    place = document["features"][0]["properties"]["place"]
    places = project / "content/places.yaml"
    text = places.read_text(encoding="utf-8")
    entry = re.search(rf"^{re.escape(place)}:\n(?:  .*\n)*?  coordinates: \[[^\]]*\]", text, re.MULTILINE)
    assert entry is not None
    edited = re.sub(r"coordinates: \[[^\]]*\]", "coordinates: [1.5, 2.5]", entry.group(0))
    places.write_text(text.replace(entry.group(0), edited), encoding="utf-8")
    build_project(project, use_cache=True)
    after = snapshot(project / "site")
    assert after == clean_build(project)
    features = json.loads(after["events.geojson"])["features"]
    assert {tuple(f["geometry"]["coordinates"]) for f in features if f["properties"]["place"] == place} == {(2.5, 1.5)}
