"""Synthetic timeline projects for benchmarks: N realistic events, deterministic for a given seed.

    python benchmarks/synth.py 10000 /tmp/bench-10000        # writes site.yaml, content/, seeds/
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

STATUS_WEIGHTS = {"reported": 35, "confirmed": 25, "planned": 10, "disputed": 10,
                  "denied": 8, "postponed": 6, "cancelled": 6}
STANCES = ("reports", "reports", "reports", "confirms", "denies")
FIRST = ("Anna", "Boris", "Chen", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal", "Kofi",
         "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sergei", "Tamar")
LAST = ("Abe", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova", "Jones")
ROLES = ("minister", "spokesperson", "envoy", "general", "analyst", "governor", "ambassador", "senator")
WORDS = ("agreement", "talks", "border", "ceasefire", "delegation", "summit", "sanctions", "exports", "pipeline",
         "election", "reform", "parliament", "ministry", "budget", "treaty", "convoy", "shipment", "harbour", "airport",
         "refinery", "satellite", "launch", "inquiry", "tribunal", "protest", "strike", "inflation", "currency",
         "grain", "fertiliser", "drones", "artillery", "corridor", "negotiation", "embassy", "visit", "forum",
         "exercise", "missile", "reactor", "inspection", "vote", "coalition", "mandate", "referendum", "observers",
         "aid", "refugees", "bridge", "railway", "tariff", "quota", "audit", "leak", "memo", "cable")
PLACE_ROOTS = ("Port", "Novo", "San", "Lake", "Mount", "North", "East", "New", "Fort", "Saint")
PLACE_ENDS = ("ava", "grad", "ton", "field", "burg", "polis", "mouth", "vale", "haven", "stadt")
OUTLET_KINDS = ("Times", "Herald", "Courier", "Post", "Gazette", "Wire", "Tribune", "Observer", "Monitor", "Daily")
OUTLET_CITIES = ("Northern", "Capital", "Harbour", "Evening", "Morning", "Global")
ACTORS, PLACES, OUTLETS, TAGS = 200, 100, 30, 150


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    words = rng.sample(WORDS, rng.randint(low, high))
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] = f"*{words[0]}*"
    if rng.random() < 0.15:
        words[rng.randrange(len(words))] = f"**{words[1]}**"
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, sentences: tuple[int, int] = (3, 6)) -> str:
    text = " ".join(_sentence(rng) for _ in range(rng.randint(*sentences)))
    if rng.random() < 0.2:
        text += f" See [the {rng.choice(WORDS)} report](https://example.org/{rng.choice(WORDS)}/)."
    return text


def _registry_entry(entry_id: str, name: str, aliases: list[str], description: str,
                    extra: list[str] | None = None) -> list[str]:
    lines = [f"{entry_id}:", f"  name: {_quote(name)}"]
    if aliases:
        lines.append("  aliases: [" + ", ".join(_quote(a) for a in aliases) + "]")
    lines.append(f"  description: {_quote(description)}")
    return lines + (extra or [])


def make_registries(rng: random.Random) -> dict[str, list[tuple[str, str, list[str]]]]:
    """Actors, places and outlets as (id, name, aliases); names and aliases are unique per registry."""
    actors: list[tuple[str, str, list[str]]] = []
    for first in FIRST:
        for last in LAST:
            name = f"{first} {last}"
            actors.append((_slug(name), name, [f"{first[0]}. {last}"] if rng.random() < 0.5 else []))
    places = []
    for root in PLACE_ROOTS:
        for end in PLACE_ENDS:
            name = f"{root} {end.capitalize()}"
            places.append((_slug(name), name, [f"{root}{end}".upper()] if rng.random() < 0.3 else []))
    outlets = []
    for kind in OUTLET_KINDS:
        for city in OUTLET_CITIES[:3]:
            name = f"The {city} {kind}"
            outlets.append((_slug(name), name, [f"{city[0]}{kind[0]}{len(outlets)}", f"{city} {kind}"]))
    return {"actors": actors[:ACTORS], "places": places[:PLACES], "outlets": outlets[:OUTLETS]}


def _write_registries(root: Path, registries: dict[str, list[tuple[str, str, list[str]]]],
                      rng: random.Random) -> None:
    content = root / "content"
    lines = ["# Synthetic actors."]
    for entry_id, name, aliases in registries["actors"]:
        lines += _registry_entry(entry_id, name, aliases, f"{rng.choice(ROLES).capitalize()} in the story.")
    (content / "actors.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["# Synthetic places."]
    for entry_id, name, aliases in registries["places"]:
        coords = f"  coordinates: [{rng.uniform(-60, 70):.4f}, {rng.uniform(-180, 180):.4f}]"
        lines += _registry_entry(entry_id, name, aliases, f"A {rng.choice(WORDS)} town.", [coords])
    (content / "places.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["# Synthetic outlets."]
    for entry_id, name, aliases in registries["outlets"]:
        url = f"  url: https://{entry_id}.example.com/"
        lines += _registry_entry(entry_id, name, aliases, "A news outlet.", [url])
    (content / "outlets.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_tags(rng: random.Random) -> list[str]:
    """About 150 distinct two-word tags."""
    tags: dict[str, str] = {}
    while len(tags) < TAGS:
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
        tags.setdefault(_slug(name), name)
    return list(tags.values())


def _day(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(1950, 2025), rng.randint(1, 12), rng.randint(1, 28)


def make_date(rng: random.Random) -> str:
    """An EDTF date: mostly days, then months, years, intervals, qualified and open dates."""
    year, month, day = _day(rng)
    roll = rng.random()
    if roll < 0.50:
        return f"{year}-{month:02d}-{day:02d}"
    if roll < 0.65:
        return f"{year}-{month:02d}"
    if roll < 0.72:
        return f"{year}"
    if roll < 0.84:
        end = min(day + rng.randint(1, 20), 28)
        return f"{year}-{month:02d}-{day:02d}/{year}-{month:02d}-{end:02d}"
    if roll < 0.96:
        return f"{year}-{month:02d}{rng.choice('?~%')}" if roll < 0.90 else f"{year}-{month:02d}-{day:02d}~"
    return rng.choice((f"../{year}-{month:02d}-{day:02d}", f"{year}-{month:02d}/..", f"{year}-{month:02d}-{day:02d}/"))


def _reference(rng: random.Random, entry: tuple[str, str, list[str]]) -> str:
    """An id, name or alias: events refer to entries all three ways."""
    entry_id, name, aliases = entry
    return rng.choice([entry_id, name, name, *aliases])


def _source(rng: random.Random, outlets: list[tuple[str, str, list[str]]]) -> list[str]:
    chosen = rng.sample(outlets, 3)
    lines = [f"  - outlet: {_quote(_reference(rng, chosen[0]))}"]
    if rng.random() < 0.25:
        via = [_quote(_reference(rng, o)) for o in chosen[1:1 + rng.randint(1, 2)]]
        lines.append(f"    via: [{', '.join(via)}]")
    lines.append(f"    stance: {rng.choice(STANCES)}")
    if rng.random() < 0.7:
        lines.append(f"    url: https://{chosen[0][0]}.example.com/{rng.randint(1000, 999999)}")
        lines.append(f"    title: {_quote(_sentence(rng, 4, 8))}")
    if rng.random() < 0.3:
        year, month, day = _day(rng)
        lines.append(f"    published: \"{year}-{month:02d}-{day:02d}\"")
    if rng.random() < 0.5:
        lines.append(f"    quote: {_quote(_sentence(rng))}")
    return lines


def _block(key: str, text: str, style: str) -> list[str]:
    return [f"{key}: {style}", *(f"  {line}" if line else "" for line in text.split("\n"))]


def event_text(rng: random.Random, index: int, ids: list[str], registries: dict[str, list[tuple[str, str, list[str]]]],
               tags: list[str], seeds: dict[str, int]) -> str:
    """The YAML text of one synthetic event."""
    actors = [_quote(_reference(rng, a)) for a in rng.sample(registries["actors"], rng.randint(2, 4))]
    places = [_quote(_reference(rng, p)) for p in rng.sample(registries["places"], rng.randint(0, 2))]
    lines = [f"title: {_quote(_sentence(rng, 5, 10)[:-1])}",
             f"date: \"{make_date(rng)}\"",
             f"status: {rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]}",
             *_block("summary", _paragraph(rng, (2, 3)), ">-"),
             *_block("body", "\n\n".join(_paragraph(rng) for _ in range(3)), "|-"),
             f"actors: [{', '.join(actors)}]"]
    if places:
        lines.append(f"places: [{', '.join(places)}]")
    lines.append("tags: [" + ", ".join(_quote(t) for t in rng.sample(tags, rng.randint(1, 4))) + "]")
    lines.append("sources:")
    for _ in range(rng.randint(1, 3)):
        lines += _source(rng, registries["outlets"])
    if seeds and rng.random() < 0.1:
        article, length = rng.choice(sorted(seeds.items()))
        start = rng.randrange(length - 200)
        lines += ["derived_from:", f"  article: seeds/{article}", f"  start: {start}", f"  end: {start + 150}"]
    if index > 0 and rng.random() < 0.2:
        related = {ids[rng.randrange(index)] for _ in range(rng.randint(1, 2))}
        lines.append("related: [" + ", ".join(sorted(related)) + "]")
    return "\n".join(lines) + "\n"


def generate(root: Path, events: int, seed: int = 7) -> Path:
    """Write a complete project of `events` synthetic events into `root` (replacing its content)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    for name in ("content", "seeds", "site"):
        shutil.rmtree(root / name, ignore_errors=True)
    (root / "content" / "events").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "site.yaml").write_text(
        f"title: Synthetic timeline of {events} events\n"
        "description: Generated by benchmarks/synth.py to measure build speed.\n"
        "base_url: https://bench.example.org/\n", encoding="utf-8")
    registries = make_registries(rng)
    _write_registries(root, registries, rng)
    tags = make_tags(rng)
    seeds: dict[str, int] = {}
    for number in range(5):
        text = "\n\n".join(_paragraph(rng, (6, 9)) for _ in range(4)) + "\n"
        seeds[f"article-{number}.txt"] = len(text)
        (root / "seeds" / f"article-{number}.txt").write_text(text, encoding="utf-8")
    ids = [f"e{index:06d}-{rng.choice(WORDS)}-{rng.choice(WORDS)}" for index in range(events)]
    events_dir = root / "content" / "events"
    for index, event_id in enumerate(ids):
        (events_dir / f"{event_id}.yaml").write_text(
            event_text(rng, index, ids, registries, tags, seeds), encoding="utf-8")
    return root


def main() -> None:
    """Command line: synth.py N DIR [--seed S]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.folder, args.events, args.seed)
    print(f"wrote {args.events} events into {args.folder}")


if __name__ == "__main__":
    main()
