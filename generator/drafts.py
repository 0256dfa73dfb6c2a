"""Draft event files: indexing the events and drafts already written, and writing new ones.

The index is deliberately lenient (a broken event file is skipped with a warning, not fatal): it
only has to answer "was this evidence already extracted?" and "is there already an event on this
date with these actors?". Writing never overwrites: a taken file name gets a -2, -3, ... suffix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.dates import DateError, EventDate, parse_date
from generator.errors import ExtractError
from generator.registry import Registry
from generator.yamlfile import YamlList, YamlLoadError, YamlMap, load_yaml

EVENT_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class KnownEvent:
    """What the duplicate check needs to know about one existing event or draft."""

    id: str
    path: Path
    date: EventDate | None
    actors: frozenset[str]
    outlets: frozenset[str]
    evidence: tuple[tuple[str, int | None, int | None], ...]  # (article, start, end)
    is_draft: bool

    def covers(self, article: str, start: int, end: int) -> bool:
        """True when this event already rests on an overlapping part of the same article."""
        for name, s, e in self.evidence:
            if name != article:
                continue
            if s is None or e is None or (s < end and e > start):
                return True
        return False


def same_dates(a: EventDate, b: EventDate) -> bool:
    """Equal dates, ignoring the ? and ~ qualifiers (2023-09-04~ matches 2023-09-04)."""
    def ends(value: EventDate) -> tuple[str | None, str | None]:
        """The start and end without qualifiers."""
        return (value.start.iso if value.start else None, value.end.iso if value.end else None)
    return ends(a) == ends(b)


def article_key(name: str, seeds_dir: str) -> str:
    """The article path as content.py resolves it: 'story.txt' means seeds/story.txt."""
    return name if "/" in name else f"{seeds_dir}/{name}"


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _evidence(raw: Any, seeds_dir: str) -> tuple[tuple[str, int | None, int | None], ...]:
    items = raw if isinstance(raw, YamlList) else [] if raw is None else [raw]
    found: list[tuple[str, int | None, int | None]] = []
    for item in items:
        if isinstance(item, str):
            found.append((article_key(item, seeds_dir), None, None))
        elif isinstance(item, YamlMap) and isinstance(item.get("article"), str):
            start, end = item.get("start"), item.get("end")
            found.append((article_key(item["article"], seeds_dir),
                          start if isinstance(start, int) else None,
                          end if isinstance(end, int) else None))
    return tuple(found)


def _known_event(path: Path, doc: YamlMap, is_draft: bool, seeds_dir: str, actors: Registry,
                 outlets: Registry) -> KnownEvent:
    date = None
    raw_date = doc.get("date")
    if isinstance(raw_date, str | int) and not isinstance(raw_date, bool):
        try:
            date = parse_date(str(raw_date))
        except DateError:
            date = None
    actor_ids = {actors.resolve(name) for name in _names(doc.get("actors"))}
    outlet_ids: set[str | None] = set()
    sources = doc.get("sources")
    for source in sources if isinstance(sources, list) else []:
        if isinstance(source, dict):
            for name in _names(source.get("outlet")) + _names(source.get("via")):
                outlet_ids.add(outlets.resolve(name))
    return KnownEvent(path.stem, path, date, frozenset(a for a in actor_ids if a),
                      frozenset(o for o in outlet_ids if o),
                      _evidence(doc.get("derived_from"), seeds_dir), is_draft)


def index_events(folders: list[tuple[Path, bool]], seeds_dir: str, actors: Registry,
                 outlets: Registry) -> tuple[list[KnownEvent], list[str]]:
    """Every readable event in the (folder, is_draft) pairs, and a warning per unreadable file."""
    known: list[KnownEvent] = []
    warnings: list[str] = []
    for folder, is_draft in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.suffix in EVENT_SUFFIXES):
            try:
                doc = load_yaml(path, str(path))
            except YamlLoadError as exc:
                reason = exc.problems[0].message
                warnings.append(f"{path}: skipped in the duplicate check ({reason})")
                continue
            if isinstance(doc.value, YamlMap):
                known.append(_known_event(path, doc.value, is_draft, seeds_dir, actors, outlets))
    return known, warnings


class _DraftDumper(yaml.SafeDumper):
    """Writes long text as folded `>-` blocks, like the hand-written event files."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 70 and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_DraftDumper.add_representer(str, _str_representer)


def draft_text(fields: dict[str, Any], comments: list[str]) -> str:
    """The YAML text of a draft event: comments for the editor first, then the fields."""
    header = "".join(f"# {line}\n" for comment in comments for line in comment.splitlines())
    body = yaml.dump(fields, Dumper=_DraftDumper, sort_keys=False, allow_unicode=True, width=96,
                     default_flow_style=None)
    return header + body


def write_new(folder: Path, stem: str, text: str) -> Path:
    """Write `text` to folder/stem.yaml, or stem-2.yaml, ...: never replaces an existing file."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        path = folder / (f"{stem}.yaml" if n == 1 else f"{stem}-{n}.yaml")
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            continue
        return path
    raise ExtractError(f"{folder}/{stem}.yaml: too many drafts with this name")
