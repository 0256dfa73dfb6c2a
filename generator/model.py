"""The content model: frozen dataclasses for events, sources and registry entries. No I/O."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import cached_property

from generator.dates import EventDate

STATUSES: dict[str, str] = {
    "planned": "Announced or expected, not yet happened.",
    "reported": "Reported by at least one source, not independently confirmed.",
    "confirmed": "Confirmed by a party to the event or by several independent sources.",
    "disputed": "Sources disagree about whether or how it happened.",
    "denied": "Reported, but denied by a party to the event.",
    "postponed": "Was planned, then moved to a later date.",
    "cancelled": "Was planned, then called off.",
}

STANCES: dict[str, str] = {
    "reports": "reports",
    "confirms": "confirms",
    "denies": "denies",
}

REGISTRY_KINDS = ("actors", "places", "outlets")

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def slugify(text: str) -> str:
    """A URL-safe slug: lower case, runs of anything but letters and digits become '-'."""
    return re.sub(r"[\W_]+", "-", text.casefold()).strip("-")


@dataclass(frozen=True)
class Entity:
    """A registry entry: an actor, place or outlet, with its canonical name and aliases."""

    kind: str  # "actors", "places" or "outlets"
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    url: str = ""
    coordinates: tuple[float, float] | None = None


@dataclass(frozen=True)
class Tag:
    """A free-form tag; its slug is its identity and permalink."""

    slug: str
    name: str


@dataclass(frozen=True)
class Source:
    """Where a claim comes from: an outlet, the chain it came through, and what it says."""

    outlet: str  # outlet id
    stance: str = "reports"
    url: str = ""
    title: str = ""
    published: EventDate | None = None
    quote: str = ""
    via: tuple[str, ...] = ()  # outlet ids, nearest first: Reuters via (Interfax,)


@dataclass(frozen=True)
class Derivation:
    """The article an event was derived from, and optionally the evidence's character offsets."""

    article: str  # path relative to the project root, e.g. seeds/000_x.txt
    start: int | None = None
    end: int | None = None
    excerpt: str = ""


@dataclass(frozen=True)
class Event:
    """One event of the timeline; `id` is the file stem and the permalink."""

    id: str
    path: str  # as shown in messages, relative to the project root
    title: str
    date: EventDate
    status: str
    summary: str  # Markdown, one paragraph
    body: str = ""  # Markdown
    actors: tuple[str, ...] = ()  # actor ids
    places: tuple[str, ...] = ()  # place ids
    tags: tuple[Tag, ...] = ()
    sources: tuple[Source, ...] = ()
    derived_from: tuple[Derivation, ...] = ()
    related: tuple[str, ...] = ()  # event ids
    draft: bool = False  # from content/drafts/, shown only with `build --drafts` and in `serve`

    def sort_key(self) -> tuple[object, ...]:
        """Chronological order (see generator.dates), then id for a stable total order."""
        return (*self.date.sort_key(), self.id)

    @cached_property
    def updated(self) -> datetime.date:
        """The newest date the event's own content tells us about: its latest source, else its start."""
        dates = [s.published.latest for s in self.sources if s.published]
        return max(dates) if dates else self.date.earliest

    @cached_property
    def outlets(self) -> tuple[str, ...]:
        """Every outlet id that appears in the sources, including the via chains, in order."""
        seen: dict[str, None] = {}
        for source in self.sources:
            seen[source.outlet] = None
            for outlet in source.via:
                seen[outlet] = None
        return tuple(seen)


@dataclass(frozen=True)
class Timeline:
    """Everything loaded from content/: events in chronological order plus the registries."""

    events: tuple[Event, ...]
    actors: dict[str, Entity] = field(default_factory=dict)
    places: dict[str, Entity] = field(default_factory=dict)
    outlets: dict[str, Entity] = field(default_factory=dict)

    def registry(self, kind: str) -> dict[str, Entity]:
        """The registry for 'actors', 'places' or 'outlets'."""
        registries: dict[str, dict[str, Entity]] = {
            "actors": self.actors, "places": self.places, "outlets": self.outlets,
        }
        return registries[kind]
