"""Per-event pieces: fetched one by one or many at once, the same pieces."""

from __future__ import annotations

from pathlib import Path

from generator.config import load_config
from generator.content import load_content
from generator.model import Event
from generator.pieces import PieceStore


def events_of(site: Path) -> tuple[Event, ...]:
    return load_content(load_config(site)).events


def test_many_gives_what_get_gives_and_makes_only_what_is_missing(seed_project: Path) -> None:
    events = events_of(seed_project)
    assert len(events) >= 3
    digests = {event.id: (f"full-{event.id}", f"listed-{event.id}") for event in events[1:]}  # the first has none
    stored = {f"card:listed-{events[1].id}": "stored card"}
    loads: list[str] = []

    def load(kind: str) -> None:
        loads.append(kind)
        stored[f"card:listed-{events[2].id}"] = "loaded card"

    one_by_one = PieceStore(dict(stored), digests)
    expected = [one_by_one.get("card", event, False, lambda event=event: "made " + event.id) for event in events]
    pieces = PieceStore(stored, digests, load)
    made: list[str] = []
    found = pieces.many("card", events, False, lambda event: made.append(event.id) or "made " + event.id)
    assert found[:2] == [expected[0], "stored card"]
    assert found[2] == "loaded card" and loads == ["card"]
    assert found[3:] == expected[3:]
    assert made == [events[0].id, *(event.id for event in events[3:])]
    assert pieces.many("card", events, False, lambda event: "again") == found  # kept
    assert pieces.many("json", events[1:2], True, lambda event: "entry") == ["entry"]
    assert f"json:full-{events[1].id}" in stored

