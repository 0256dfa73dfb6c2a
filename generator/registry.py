"""Registries of actors, places and outlets: loading, validation and name resolution."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Problem
from generator.model import ID_PATTERN, Entity
from generator.yamlfile import YamlDocument, YamlList, YamlLoadError, YamlMap, load_yaml

FIELDS: dict[str, tuple[str, ...]] = {
    "actors": ("name", "aliases", "description", "url"),
    "places": ("name", "aliases", "description", "url", "coordinates"),
    "outlets": ("name", "aliases", "description", "url"),
}


@dataclass
class Registry:
    """One registry with a case-insensitive lookup by id, name or alias."""

    kind: str
    file: str
    entries: dict[str, Entity] = field(default_factory=dict)
    lookup: dict[str, str] = field(default_factory=dict)

    def resolve(self, reference: str) -> str | None:
        """The id that `reference` (an id, a name or an alias) names, or None."""
        return self.lookup.get(reference.casefold())

    def suggestion(self, reference: str) -> str:
        """A 'did you mean' hint for an unknown reference, or how to add it."""
        close = difflib.get_close_matches(reference.casefold(), list(self.lookup), n=1, cutoff=0.7)
        if close:
            entity = self.entries[self.lookup[close[0]]]
            return f"did you mean '{entity.id}' ({entity.name})?"
        return f"add it to {self.file}"


def _text(value: Any) -> bool:
    return isinstance(value, str) and not isinstance(value, bool)


def _entry(kind: str, key: str, raw: Any, doc: YamlDocument, problems: list[Problem]) -> Entity | None:
    mapping = doc.value
    assert isinstance(mapping, YamlMap)
    if not ID_PATTERN.fullmatch(key):
        problems.append(doc.problem(
            mapping.key_pos[key], f"'{key}' cannot be used as an id",
            "use only letters, digits, '-' and '_', starting with a letter or digit"))
        return None
    if _text(raw):  # shorthand: `putin: Vladimir Putin`
        return Entity(kind, key, raw.strip())
    if not isinstance(raw, YamlMap):
        problems.append(doc.problem(mapping.value_pos[key], f"'{key}' must have a name",
                                    f"write e.g.  {key}: {{name: Full Name}}"))
        return None
    ok = True
    for name in raw:
        if name not in FIELDS[kind]:
            close = difflib.get_close_matches(name, FIELDS[kind], n=1)
            hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(FIELDS[kind])
            problems.append(doc.problem(raw.key_pos[name], f"unknown field '{name}'", hint))
            ok = False
    name = raw.get("name", key)
    if not _text(name) or not name.strip():
        problems.append(doc.problem(raw.value_pos.get("name", raw.pos), "'name' must be text"))
        ok = False
    aliases = raw.get("aliases", [])
    if _text(aliases):
        aliases = [aliases]
    if not isinstance(aliases, list) or not all(_text(a) for a in aliases):
        problems.append(doc.problem(raw.value_pos["aliases"], "'aliases' must be a list of names"))
        ok = False
    for text_field in ("description", "url"):
        if text_field in raw and not _text(raw[text_field]):
            problems.append(doc.problem(raw.value_pos[text_field], f"'{text_field}' must be text"))
            ok = False
    url = raw.get("url", "")
    if ok and url and not url.startswith(("http://", "https://")):
        problems.append(doc.problem(raw.value_pos["url"], "'url' must start with http:// or https://"))
        ok = False
    coordinates = None
    if "coordinates" in raw:
        coordinates = _coordinates(raw["coordinates"], raw.value_pos["coordinates"], doc, problems)
        ok = ok and coordinates is not None
    if not ok:
        return None
    return Entity(kind, key, name.strip(), tuple(aliases), raw.get("description", "").strip(),
                  url, coordinates)


def _coordinates(value: Any, pos: tuple[int, int], doc: YamlDocument,
                 problems: list[Problem]) -> tuple[float, float] | None:
    valid = (isinstance(value, YamlList) and len(value) == 2
             and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value))
    if valid and -90 <= value[0] <= 90 and -180 <= value[1] <= 180:
        return (float(value[0]), float(value[1]))
    problems.append(doc.problem(pos, "'coordinates' must be [latitude, longitude] in degrees",
                                "e.g. [43.03, 131.89]"))
    return None


def load_registry(kind: str, path: Path, display: str, problems: list[Problem],
                  memo: dict[str, Registry] | None = None) -> Registry:
    """Load `content/<kind>.yaml` (a missing file is an empty registry), appending problems.

    With `memo`, a registry loaded without problems is remembered under a hash of its file's bytes
    and reused while they are unchanged (the memo keeps only the registries last loaded).
    """
    if not path.exists():
        return Registry(kind, display)
    data = path.read_bytes()
    key = f"{kind}|{display}|" + hashlib.blake2b(data, digest_size=16).hexdigest()
    if memo is not None and key in memo:
        return memo[key]
    before = len(problems)
    registry = _parse_registry(kind, path, display, data, problems)
    if memo is not None:
        for old in [k for k in memo if k.startswith(f"{kind}|")]:
            del memo[old]
        if len(problems) == before:
            memo[key] = registry
    return registry


def _parse_registry(kind: str, path: Path, display: str, data: bytes, problems: list[Problem]) -> Registry:
    registry = Registry(kind, display)
    try:
        doc = load_yaml(path, display, data)
    except YamlLoadError as exc:
        problems.extend(exc.problems)
        return registry
    if doc.value is None:
        return registry
    if not isinstance(doc.value, YamlMap):
        problems.append(doc.problem((1, 1), f"{display} must map ids to entries",
                                    "e.g.  vladimir-putin: {name: Vladimir Putin}"))
        return registry
    for key, raw in doc.value.items():
        entity = _entry(kind, key, raw, doc, problems)
        if entity is None:  # already reported; keep the id so references to it do not cascade
            entity = Entity(kind, key, key)
        registry.entries[key] = entity
        for label in (entity.id, entity.name, *entity.aliases):
            folded = label.casefold()
            owner = registry.lookup.get(folded)
            if owner is not None and owner != key:
                problems.append(doc.problem(
                    doc.value.key_pos[key], f"'{label}' names both '{owner}' and '{key}'",
                    "an alias must name only one entry"))
            registry.lookup.setdefault(folded, key)
    return registry
