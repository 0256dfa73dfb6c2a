"""`python -m evaluation.seed_drafts`: compare the seed article's drafts with the hand-made events.

Runs `extract` on seeds/000_7813d31a0f7a80f2.txt without writing anything, pairs each draft with
the event in content/events/ whose derived_from overlaps its evidence, and counts the fields that
differ (date, status, actors, places, sources, derived_from and title; names resolved through the
registries, so "Kim" and "kim-jong-un" are the same actor). Prints one line per field that differs.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from generator.config import load_config
from generator.errors import Problem
from generator.extract import extract_article
from generator.registry import Registry, load_registry

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_7813d31a0f7a80f2.txt"
FIELDS = ("date", "status", "actors", "places", "sources", "derived_from", "title")


def _ids(names: Any, registry: Registry) -> set[str]:
    return {registry.resolve(n) or n for n in (names or [])}


def _sources(sources: Any, outlets: Registry) -> set[tuple[str, ...]]:
    return {(outlets.resolve(s["outlet"]) or s["outlet"],
             *sorted(outlets.resolve(v) or v for v in s.get("via", []))) for s in sources or []}


def _ranges(derived: Any) -> set[tuple[int, int]]:
    items = derived if isinstance(derived, list) else [derived]
    return {(d["start"], d["end"]) for d in items}


def compare(draft: dict[str, Any], event: dict[str, Any], registries: dict[str, Registry]) -> list[str]:
    """The fields in which the draft differs from the hand-made event."""
    same = {
        "date": str(draft["date"]) == str(event["date"]),
        "status": draft["status"] == event["status"],
        "actors": _ids(draft["actors"], registries["actors"]) == _ids(event.get("actors"), registries["actors"]),
        "places": _ids(draft["places"], registries["places"]) == _ids(event.get("places"), registries["places"]),
        "sources": _sources(draft["sources"], registries["outlets"])
        == _sources(event.get("sources"), registries["outlets"]),
        "derived_from": _ranges(draft["derived_from"]) == _ranges(event["derived_from"]),
        "title": draft["title"] == event["title"],
    }
    return [name for name in FIELDS if not same[name]]


def main() -> int:
    """Print each draft beside its hand-made event, and the number of differing fields."""
    config = load_config(ROOT)
    problems: list[Problem] = []
    registries = {kind: load_registry(kind, ROOT / "content" / f"{kind}.yaml", kind, problems)
                  for kind in ("actors", "places", "outlets")}
    result = extract_article(config, SEED, today=date(2026, 11, 1), write=False)
    events = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
              for p in (ROOT / "content" / "events").glob("*.yaml")}
    total, matched = 0, set()
    for d in result.drafts:
        stem = Path(d.target).stem if d.outcome == "already-extracted" else ""
        event = events.get(stem)
        if event is None:
            print(f"{d.fields['date']:<24} no hand-made event: {d.fields['title']}")
            continue
        matched.add(stem)
        differ = compare(d.fields, event, registries)
        total += len(differ)
        print(f"{d.fields['date']:<24} {stem}: {len(differ)} of {len(FIELDS)} fields differ")
        for name in differ:
            mine, theirs = d.fields[name], event.get(name)
            print(f"    {name:<13} draft: {mine}\n    {'':<13} event: {theirs}")
    for stem in sorted(set(events) - matched):
        print(f"{'':<24} {stem}: no draft")
    print(f"{len(matched)} of {len(events)} hand-made events drafted; {total} differing fields "
          f"in all (of {len(matched) * len(FIELDS)}), {sum(1 for _ in FIELDS)} compared per event")
    return 0


if __name__ == "__main__":
    sys.exit(main())
