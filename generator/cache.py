"""The build cache: what the last successful build knew, so that the next one redoes only what changed.

It holds three things, each checked before it is trusted:
- validated events, keyed by a hash of each event file's bytes, valid while `content_key` (registries,
  seed articles, folder settings, loader code) is unchanged;
- rendered Markdown, keyed by the Markdown text itself (valid while the `raw_html` mode is unchanged);
- for every output file, a fingerprint of everything it was rendered from and its size; a page is
  reused (hard-linked from the previous output) only when both still match.

It is stored outside the project (in $BUILD_SITE_CACHE_DIR, else $XDG_CACHE_HOME/build-site, else
~/.cache/build-site), one file per project folder, so a cache can never be shipped inside a
repository. A file that cannot be read, or was written by another version, is ignored and replaced.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import __version__
from generator.config import SiteConfig
from generator.content import EventCache
from generator.eventfiles import EventFile, Stamp
from generator.model import Event
from generator.registry import Registry

logger = logging.getLogger(__name__)
FORMAT = f"{__version__}/7"  # bump whenever BuildCache changes shape


@dataclass
class BuildCache:
    """Everything the next build may reuse."""

    format: str = FORMAT
    content_key: str = ""
    events: EventCache = field(default_factory=dict)
    stamps: dict[str, Stamp] = field(default_factory=dict)  # event file -> stat stamp and content key
    registries: dict[str, Registry] = field(default_factory=dict)  # see generator.registry.load_registry
    digests: dict[str, tuple[str, str]] = field(default_factory=dict)  # event file key -> event_digests
    markdown_mode: str = ""
    markdown: dict[tuple[str, bool], str] = field(default_factory=dict)
    fragments: dict[str, Any] = field(default_factory=dict)  # per-event pieces (generator.pieces)
    templates: dict[str, bytes] = field(default_factory=dict)  # compiled Jinja templates (checked by Jinja)
    output: str = ""  # the output folder the page fingerprints describe
    pages: dict[str, tuple[str, int]] = field(default_factory=dict)  # path -> (fingerprint, size)
    files: list[str] = field(default_factory=list)  # every file of that output, pages or not
    plan: Any = None  # the last generator.planning.PlanMemo: kept in memory (serve), never stored
    event_files: list[EventFile] | None = None  # the event files of the last build: in memory only

    def __getstate__(self) -> dict[str, Any]:
        """What is pickled: everything but what is kept in memory only."""
        return {**self.__dict__, "plan": None, "event_files": None}


def cache_file(root: Path) -> Path:
    """Where the cache of the project at `root` is kept."""
    base = os.environ.get("BUILD_SITE_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    folder = Path(base) if base else Path.home() / ".cache"
    if not os.environ.get("BUILD_SITE_CACHE_DIR"):
        folder = folder / "build-site"
    name = hashlib.blake2b(str(root.resolve()).encode(), digest_size=10).hexdigest()
    return folder / f"{name}.pickle"


def load_cache(root: Path) -> BuildCache:
    """The stored cache for a project, or an empty one if there is none or it cannot be trusted."""
    path = cache_file(root)
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)  # noqa: S301 (our own file, outside the project, under the user's home)
    except FileNotFoundError:
        return BuildCache()
    except Exception as exc:  # a truncated or corrupt file is simply not used
        logger.info("ignoring an unreadable build cache (%s)", exc)
        return BuildCache()
    if not isinstance(data, BuildCache) or data.format != FORMAT:
        logger.info("ignoring a build cache from another version")
        return BuildCache()
    return data


def save_cache(root: Path, cache: BuildCache) -> None:
    """Store the cache atomically; failing to store it only costs speed next time."""
    path = cache_file(root)
    temporary = path.with_suffix(f".tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as handle:
            pickle.dump(cache, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
    except OSError as exc:
        logger.warning("could not save the build cache: %s", exc)
        with contextlib.suppress(OSError):
            temporary.unlink()


def event_digests(events: tuple[Event, ...], cache: BuildCache) -> dict[str, tuple[str, str]]:
    """For each event id, a digest of everything in it and one of what lists show (all but the body).

    Digests are remembered per event file (its bytes' hash), so unchanged events are not hashed again.
    """
    file_keys = {event.id: key for key, (event, _) in cache.events.items()}
    known, digests = cache.digests, {}
    for event in events:
        file_key = file_keys.get(event.id, "")
        pair = known.get(file_key) if file_key else None
        if pair is None:
            full = hashlib.blake2b(repr(event).encode(), digest_size=12).hexdigest()
            listed = hashlib.blake2b(repr(dataclasses.replace(event, body="")).encode(), digest_size=12).hexdigest()
            pair = (full, listed)
        digests[event.id] = pair
    cache.digests = {file_keys[i]: pair for i, pair in digests.items() if i in file_keys}
    return digests


def _describe(key: str, value: Any, digests: dict[str, tuple[str, str]]) -> str:
    """A stable text for one template context value, with events replaced by their digests."""
    if isinstance(value, Event):
        return digests[value.id][0 if key == "event" else 1]  # the page's own event: all of it
    if key == "groups":  # year and month groups: the listed events decide everything shown
        return ",".join([digests[e.id][1] for year in value for month in year.months for e in month.events])
    if isinstance(value, list) and value and isinstance(value[0], Event):
        return ",".join([digests[e.id][1] for e in value])
    return repr(value)


def page_fingerprint(global_key: str, path: str, template: str, context: dict[str, Any],
                     digests: dict[str, tuple[str, str]]) -> str:
    """A digest of everything one page is rendered from."""
    parts = [global_key, path, template, *(f"{k}={_describe(k, v, digests)}" for k, v in context.items())]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


def render_key(config: SiteConfig, template_dirs: list[Path], facts: str) -> str:
    """A digest of what every page depends on: configuration, templates and timeline facts.

    The generator's own code is covered by `facts`, which carries generator.content.content_key.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr(dataclasses.replace(config, output_dir="")).encode() + facts.encode())
    files: list[Path] = []
    for directory in template_dirs:
        if directory.is_dir():
            static = directory / "static"  # copied, not rendered: a stylesheet edit re-renders nothing
            files += sorted(p for p in directory.rglob("*") if p.is_file() and not p.is_relative_to(static))
    for path in files:
        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
