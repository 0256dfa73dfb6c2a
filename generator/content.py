"""Loading content/: event files validated into `Event`s, cross-checked against the registries.

Every problem in every file is collected; `load_content` raises one ContentError with all of them.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.config import SiteConfig
from generator.dates import DateError, EventDate, parse_date
from generator.errors import ContentError, Problem, make_problem
from generator.eventfiles import EventFile, Stamp, event_files, file_key
from generator.forking import Send, run_forked, worker_count
from generator.model import (
    ID_PATTERN,
    REGISTRY_KINDS,
    STANCES,
    STATUSES,
    Derivation,
    Event,
    Source,
    Tag,
    Timeline,
    slugify,
)
from generator.registry import Registry, load_registry
from generator.yamlfile import Position, YamlDocument, YamlList, YamlLoadError, YamlMap, load_yaml

EventCache = dict[str, tuple[Event, tuple[tuple[str, Position], ...]]]
_Read = tuple[list[Problem], Event | None, tuple[tuple[str, Position], ...]]  # what reading one event file gives
READS_PER_WORKER = 500  # event files to parse before a second process pays off
READS_PER_MESSAGE = 250

EVENT_FIELDS = ("title", "date", "status", "summary", "body", "actors", "places", "tags",
                "sources", "derived_from", "related")
REQUIRED_FIELDS = ("title", "date", "status", "summary")
SOURCE_FIELDS = ("outlet", "url", "title", "published", "stance", "quote", "via")
DERIVATION_FIELDS = ("article", "start", "end")


def _did_you_mean(word: str, choices: tuple[str, ...] | list[str], what: str) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f"did you mean '{close[0]}'?" if close else f"{what}: " + ", ".join(choices)


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


class _EventReader:
    """Validates one loaded event file, appending located problems."""

    def __init__(self, doc: YamlDocument, config: SiteConfig, registries: dict[str, Registry],
                 articles: dict[Path, str], problems: list[Problem]) -> None:
        self.doc, self.config, self.registries = doc, config, registries
        self.articles, self.problems = articles, problems
        self.failed = False
        self.related_refs: list[tuple[str, Position]] = []

    def error(self, pos: Position, message: str, hint: str = "") -> None:
        self.failed = True
        self.problems.append(self.doc.problem(pos, message, hint))

    def check_fields(self, mapping: YamlMap, allowed: tuple[str, ...], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.error(mapping.key_pos[key], f"unknown field '{key}' in {what}",
                           _did_you_mean(key, allowed, "allowed fields"))

    def text(self, mapping: YamlMap, key: str, default: str = "") -> str:
        value = mapping.get(key, default)
        if value is None:
            return default
        if not _is_text(value):
            self.error(mapping.value_pos[key], f"'{key}' must be text", "put the value in quotes")
            return default
        return str(value).strip()

    def text_list(self, mapping: YamlMap, key: str) -> list[tuple[str, Position]]:
        value = mapping.get(key)
        if value is None:
            return []
        if _is_text(value):
            return [(value, mapping.value_pos[key])]
        if not isinstance(value, YamlList) or not all(_is_text(v) for v in value):
            self.error(mapping.value_pos[key], f"'{key}' must be a list of names",
                       f"write e.g.  {key}: [first, second]")
            return []
        return list(zip(value, value.item_pos, strict=True))

    def date(self, mapping: YamlMap, key: str) -> EventDate | None:
        raw = mapping.get(key)
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not _is_text(raw):
            self.error(mapping.value_pos[key], f"'{key}' must be an EDTF date such as 2023-09-04",
                       "quote it if needed")
            return None
        try:
            return parse_date(str(raw))
        except DateError as exc:
            line, column = mapping.value_pos[key]
            source = self.doc.text.splitlines()[line - 1][column - 1:]
            quote_offset = 1 if source[:1] in "'\"" else 0
            self.error((line, column + quote_offset + exc.offset), f"invalid date '{raw}': {exc}")
            return None

    def url(self, mapping: YamlMap, key: str) -> str:
        value = self.text(mapping, key)
        if value and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc):
            self.error(mapping.value_pos[key], f"'{key}' must be a web address starting with "
                       "http:// or https://", f"got '{value}'")
            return ""
        return value

    def resolve(self, kind: str, names: list[tuple[str, Position]]) -> tuple[str, ...]:
        registry = self.registries[kind]
        ids: dict[str, None] = {}
        for name, pos in names:
            entity_id = registry.resolve(name)
            if entity_id is None:
                singular = kind.rstrip("s")
                self.error(pos, f"unknown {singular} '{name}'", registry.suggestion(name))
            else:
                ids[entity_id] = None
        return tuple(ids)

    def sources(self, mapping: YamlMap) -> tuple[Source, ...]:
        raw = mapping.get("sources")
        if raw is None:
            return ()
        if not isinstance(raw, YamlList):
            self.error(mapping.value_pos["sources"], "'sources' must be a list",
                       "start each source with '- outlet: ...'")
            return ()
        sources = []
        for item, pos in zip(raw, raw.item_pos, strict=True):
            if not isinstance(item, YamlMap):
                self.error(pos, "each source must have fields such as outlet, url and stance")
                continue
            self.check_fields(item, SOURCE_FIELDS, "a source")
            if "outlet" not in item:
                self.error(item.pos, "a source needs an 'outlet'", "name the outlet that published it")
                continue
            outlet = self.resolve("outlets", self.text_list(item, "outlet"))
            stance = self.text(item, "stance", "reports")
            if stance not in STANCES:
                self.error(item.value_pos["stance"], f"unknown stance '{stance}'",
                           _did_you_mean(stance, tuple(STANCES), "use one of"))
            published = self.date(item, "published") if "published" in item else None
            via = self.resolve("outlets", self.text_list(item, "via"))
            if outlet:
                sources.append(Source(outlet[0], stance, self.url(item, "url"), self.text(item, "title"),
                                      published, self.text(item, "quote"), via))
        return tuple(sources)

    def derivations(self, mapping: YamlMap) -> tuple[Derivation, ...]:
        raw = mapping.get("derived_from")
        if raw is None:
            return ()
        items = raw if isinstance(raw, YamlList) else [raw]
        positions = raw.item_pos if isinstance(raw, YamlList) else [mapping.value_pos["derived_from"]]
        found = []
        for item, pos in zip(items, positions, strict=True):
            if _is_text(item):
                item_map = YamlMap()
                item_map["article"], item_map.value_pos["article"] = item, pos
                item = item_map
            if not isinstance(item, YamlMap) or "article" not in item:
                self.error(pos, "'derived_from' must name an article in seeds/",
                           "e.g.  derived_from: {article: seeds/story.txt, start: 0, end: 120}")
                continue
            self.check_fields(item, DERIVATION_FIELDS, "derived_from")
            derivation = self._derivation(item)
            if derivation:
                found.append(derivation)
        return tuple(found)

    def _derivation(self, item: YamlMap) -> Derivation | None:
        name = self.text(item, "article")
        root = self.config.root
        path = (root / name) if "/" in name else (self.config.seeds_path / name)
        resolved = path.resolve()
        if not resolved.is_relative_to(root) or not resolved.is_file():
            self.error(item.value_pos["article"], f"article '{name}' not found",
                       f"put the article in {self.config.seeds_dir}/ and name it like "
                       f"{self.config.seeds_dir}/story.txt")
            return None
        text = self.articles.get(resolved)
        if text is None:
            text = self.articles[resolved] = resolved.read_text(encoding="utf-8", errors="replace")
        start, end = item.get("start"), item.get("end")
        if start is None and end is None:
            return Derivation(resolved.relative_to(root).as_posix())
        if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
            self.error(item.value_pos.get("start", item.pos),
                       f"'start' and 'end' must be character offsets with 0 <= start < end <= {len(text)}")
            return None
        return Derivation(resolved.relative_to(root).as_posix(), start, end, text[start:end])

    def read(self, event_id: str) -> Event | None:
        doc = self.doc
        if doc.value is None:
            self.error((1, 1), "this event file is empty",
                       "an event needs at least: " + ", ".join(REQUIRED_FIELDS))
            return None
        mapping = doc.value
        if not isinstance(mapping, YamlMap):
            self.error((1, 1), "an event file must contain 'field: value' lines",
                       "start with e.g.  title: What happened")
            return None
        self.check_fields(mapping, EVENT_FIELDS, "an event")
        for key in REQUIRED_FIELDS:
            if key not in mapping or mapping[key] in (None, ""):
                self.error(mapping.value_pos.get(key, mapping.pos), f"'{key}' is missing",
                           f"every event needs a {key}")
        if self.failed:
            return None
        title, summary = self.text(mapping, "title"), self.text(mapping, "summary")
        if "\n\n" in summary:
            self.error(mapping.value_pos["summary"], "'summary' must be a single paragraph",
                       "move the rest into 'body'")
        date = self.date(mapping, "date")
        status = self.text(mapping, "status")
        if status and status not in STATUSES:
            self.error(mapping.value_pos["status"], f"unknown status '{status}'",
                       _did_you_mean(status, tuple(STATUSES), "use one of"))
        self.related_refs = self.text_list(mapping, "related")
        tags: dict[str, Tag] = {}
        for name, pos in self.text_list(mapping, "tags"):
            slug = slugify(name)
            if not slug:
                self.error(pos, f"tag '{name}' has no letters or digits")
            tags.setdefault(slug, Tag(slug, name.strip()))
        event = Event(
            id=event_id, path=doc.display_path, title=title, date=date,  # type: ignore[arg-type]
            status=status, summary=summary, body=self.text(mapping, "body"),
            actors=self.resolve("actors", self.text_list(mapping, "actors")),
            places=self.resolve("places", self.text_list(mapping, "places")),
            tags=tuple(tags.values()), sources=self.sources(mapping),
            derived_from=self.derivations(mapping),
            related=tuple(dict.fromkeys(name for name, _ in self.related_refs)),
        )
        return None if self.failed else event


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


RelatedRef = tuple[str, str, str, Position]  # (display path, file, related id, position)


def _check_related(ids: set[str], refs: list[RelatedRef], problems: list[Problem]) -> None:
    for display, path, related, pos in refs:
        if related not in ids:
            close = difflib.get_close_matches(related, list(ids), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "use another event's file name without .yaml"
            text = Path(path).read_text(encoding="utf-8", errors="replace")
            problems.append(make_problem(display, text, pos[0], pos[1], f"unknown related event '{related}'", hint))


def read_event(file: EventFile, data: bytes | None, config: SiteConfig, registries: dict[str, Registry],
                articles: dict[Path, str], drafts_prefix: str) -> _Read:
    """Parse and validate one event file (its bytes `data`, if already read)."""
    path = Path(file.path)
    try:
        doc = load_yaml(path, file.display, path.read_bytes() if data is None else data)
    except YamlLoadError as exc:
        return exc.problems, None, ()
    problems: list[Problem] = []
    reader = _EventReader(doc, config, registries, articles, problems)
    event = reader.read(file.stem)
    if event is not None and file.path.startswith(drafts_prefix):
        event = dataclasses.replace(event, draft=True)
    return problems, event, tuple(reader.related_refs)


def _read_files(read: Callable[[EventFile, bytes | None], _Read], files: list[tuple[int, EventFile, bytes | None]],
                workers: int | None) -> list[tuple[int, _Read]]:
    """`read` each of `files` ((position, file, bytes or None)): here, or in forked processes when many."""
    processes = worker_count(workers, len(files), READS_PER_WORKER)
    if processes == 1:
        return [(position, read(file, data)) for position, file, data in files]
    results: list[tuple[int, _Read]] = []

    def work(share: list[tuple[int, EventFile, bytes | None]], send: Send) -> None:
        batch: list[tuple[int, _Read]] = []
        for position, file, data in share:
            batch.append((position, read(file, data)))
            if len(batch) == READS_PER_MESSAGE:
                send(batch)
                batch = []
        send(batch)

    run_forked(work, [files[index::processes] for index in range(processes)], results.extend)
    return results


def load_content(config: SiteConfig, cache: EventCache | None = None, drafts: bool = False,
                 stamps: dict[str, Stamp] | None = None, registry_memo: dict[str, Registry] | None = None,
                 files: list[EventFile] | None = None, workers: int | None = 1) -> Timeline:
    """Load and validate the registries and every event; raise ContentError listing all problems.

    With `cache` (file hash -> event, see generator.cache), unchanged event files are not parsed again;
    with `stamps` as well (see generator.eventfiles), files whose stamps are unchanged are not even read;
    with `registry_memo`, unchanged registries are not parsed again; `files` (see `event_files`) saves
    listing the folders when the caller knows what is in them. `workers` processes (None: one per CPU)
    parse the files when there are many.
    With `drafts`, the drafts in content/drafts/ (written by `build-site extract`) are included, marked.
    """
    problems: list[Problem] = []
    content = config.content_path
    registries = {
        kind: load_registry(kind, content / f"{kind}.yaml", f"{config.content_dir}/{kind}.yaml", problems,
                            registry_memo)
        for kind in REGISTRY_KINDS
    }
    events_dir = content / "events"
    if not events_dir.is_dir():
        raise ContentError([Problem(_display(events_dir, config.root), 1, 1,
                                    "the events folder does not exist; create it and add event files")])
    first_seen: dict[str, str] = {}
    # What each file gives, in file order (so messages come in file order, however files are read):
    # its problems, its event (None if it has problems), its related references, and its content key.
    found: list[_Read | None] = []
    unread: list[tuple[int, EventFile, bytes | None]] = []
    keys: list[str] = []
    fresh_stamps: dict[str, Stamp] = {}
    listed = event_files(config, drafts) if files is None else files
    for file in listed:
        display, event_id = file.display, file.stem
        keys.append("")
        if not ID_PATTERN.fullmatch(event_id):
            found.append(([Problem(display, 1, 1, f"'{Path(file.path).name}' cannot be an event id",
                                   "rename the file using only letters, digits, '-' and '_'")], None, ()))
            continue
        if event_id in first_seen:
            found.append(([Problem(display, 1, 1, f"two events have the id '{event_id}' "
                                   f"(the other is {first_seen[event_id]})",
                                   "rename one of the files; the file name is the event's id")], None, ()))
            continue
        first_seen[event_id] = display
        key, data = file_key(file, stamps if stamps is not None and cache is not None else {}, fresh_stamps)
        keys[-1] = key
        if cache is not None and key in cache:
            found.append(([], *cache[key]))
            continue
        found.append(None)
        unread.append((len(found) - 1, file, data))
    reader = functools.partial(read_event, config=config, registries=registries, articles={},
                               drafts_prefix=str(content / "drafts") + os.sep)
    for position, read in _read_files(reader, unread, workers):
        found[position] = read
    events: list[Event] = []
    related_refs: list[RelatedRef] = []
    seen_cache: EventCache = {}
    for file, key, outcome in zip(listed, keys, found, strict=True):
        assert outcome is not None
        file_problems, event, refs = outcome
        problems.extend(file_problems)
        related_refs.extend((file.display, file.path, name, pos) for name, pos in refs)
        if event is not None:
            events.append(event)
            seen_cache[key] = (event, refs)
    _check_related(set(first_seen), related_refs, problems)
    if problems:
        raise ContentError(problems)
    if cache is not None:
        cache.clear()
        cache.update(seen_cache)
    if stamps is not None:
        stamps.clear()
        stamps.update(fresh_stamps)
    events.sort(key=Event.sort_key)
    return Timeline(tuple(events), *(registries[k].entries for k in REGISTRY_KINDS))
