"""Serve's quick load: the last timeline, with the few event files a save changed read again.

After a save, serve's watcher names the paths that changed. Looking at every other event file's stamp,
checking 10,000 events against each other and sorting them again takes 60-90 ms at 10,000 events, far
more than reading one file. So when the change is simple, the last timeline is patched instead:
- every changed path is an event file the last build read, and it is still there (none added,
  removed or renamed: those change which events exist);
- each reads without problems and names only events that exist;
- each event keeps its place in the order (the same sort key: its date and id are unchanged).
Otherwise `patch_timeline` returns None and the build loads everything as usual, reporting every
problem. The patched timeline is the one a full load would give: tests compare the two.
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass
from pathlib import Path

from generator.cache import BuildCache
from generator.config import SiteConfig
from generator.content import EventCache, read_event
from generator.errors import Problem
from generator.eventfiles import EventFile, Stamp, file_key
from generator.model import REGISTRY_KINDS, Event, Timeline
from generator.planmemo import Edited
from generator.registry import load_registry

PATCH_LIMIT = 20  # more changed paths than this (a checkout, a search-and-replace): load everything


@dataclass(frozen=True)
class Patched:
    """A patched timeline, and the events read again (each at its old place in the order)."""

    timeline: Timeline
    edited: Edited  # event id -> (the content key of its file now, its previous version)


@dataclass(frozen=True)
class _Edit:
    position: int  # in the file list
    file: EventFile
    key: str
    stamp: Stamp | None
    event: Event
    refs: tuple[tuple[str, tuple[int, int]], ...]


def _old_key(display: str, stamps: dict[str, Stamp], events: EventCache, by_display: dict[str, str]) -> str | None:
    """The content key a load recorded (`stamps`, `events`) for the file shown as `display`.

    Its stamp says, unless the file was too fresh to be stamped; then the keys are looked through,
    once (`by_display`, filled on first need, serves the next calls).
    """
    stamp = stamps.get(display)
    if stamp is not None and stamp[4] in events:
        return stamp[4]
    if not by_display:
        by_display.update({key[32:]: key for key in events})  # a content key is a 32-digit hash, then the path
    return by_display.get(display)


def _read_again(config: SiteConfig, cache: BuildCache, position: int, old: EventFile,
                drafts_prefix: str) -> _Edit | None:
    """The event file at `position` read again, or None if it is gone or has a problem."""
    try:
        stat = Path(old.path).stat()
    except OSError:
        return None
    file = EventFile(old.path, old.display, old.stem, stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)
    fresh: dict[str, Stamp] = {}
    key, data = file_key(file, cache.stamps, fresh)
    if key in cache.events:
        event, refs = cache.events[key]
    else:
        problems: list[Problem] = []
        registries = {kind: load_registry(kind, config.content_path / f"{kind}.yaml",
                                          f"{config.content_dir}/{kind}.yaml", problems, cache.registries)
                      for kind in REGISTRY_KINDS}
        if problems:
            return None
        problems, maybe, refs = read_event(file, data, config, registries, {}, drafts_prefix)
        if problems or maybe is None:
            return None
        event = maybe
    return _Edit(position, file, key, fresh.get(file.display), event, refs)


def patch_timeline(config: SiteConfig, cache: BuildCache, previous: Timeline,
                   changed: set[Path]) -> Patched | None:
    """`previous` with the events of the `changed` files read again, or None when a full load is needed.

    On success the cache (its event files, events, stamps and digests) is updated as a full load would.
    """
    files = cache.event_files
    if files is None or not changed or len(changed) > PATCH_LIMIT:
        return None
    events_prefix = str(config.content_path / "events") + os.sep
    drafts_prefix = str(config.content_path / "drafts") + os.sep
    edits: list[_Edit] = []
    places: list[int] = []  # of each edited event in the timeline
    ids: set[str] | None = None
    for path in changed:
        text = str(path)
        position = bisect.bisect_left(files, (not text.startswith(events_prefix), text),
                                      key=lambda file: (not file.path.startswith(events_prefix), file.path))
        if position == len(files) or files[position].path != text:
            return None  # a new file, a folder, or something outside the event folders
        edit = _read_again(config, cache, position, files[position], drafts_prefix)
        if edit is None:
            return None
        place = bisect.bisect_left(previous.events, edit.event.sort_key(), key=Event.sort_key)
        if place == len(previous.events) or previous.events[place].id != edit.event.id:
            return None  # its date changed, so its place in the order may have
        if edit.refs:
            ids = ids if ids is not None else {file.stem for file in files}
            if any(name not in ids for name, _ in edit.refs):
                return None
        edits.append(edit)
        places.append(place)
    by_display: dict[str, str] = {}
    old_keys = [_old_key(edit.file.display, cache.stamps, cache.events, by_display) for edit in edits]
    if None in old_keys:
        return None
    events, new_files = list(previous.events), list(files)
    edited: Edited = {}
    for edit, place, old_key in zip(edits, places, old_keys, strict=True):
        new_files[edit.position] = edit.file
        events[place] = edit.event
        if old_key != edit.key:
            assert old_key is not None
            del cache.events[old_key]
            cache.digests.pop(old_key, None)
            cache.events[edit.key] = (edit.event, edit.refs)
            edited[edit.event.id] = (edit.key, previous.events[place])
        cache.stamps.pop(edit.file.display, None)
        if edit.stamp is not None:
            cache.stamps[edit.file.display] = edit.stamp
    cache.event_files = new_files
    registries = (previous.registry(kind) for kind in REGISTRY_KINDS)
    return Patched(Timeline(tuple(events), *registries), edited)


def loaded_edits(old_events: EventCache, old_stamps: dict[str, Stamp], events: EventCache) -> Edited | None:
    """The events a full load read anew (`events` against `old_events`), each with its previous version.

    None when a new event has no previous version (a new or renamed file): the shape has changed then.
    """
    edited: Edited = {}
    by_display: dict[str, str] = {}
    for key in [key for key in events if key not in old_events]:
        old_key = _old_key(key[32:], old_stamps, old_events, by_display)
        if old_key is None:
            return None
        event, old = events[key][0], old_events[old_key][0]
        if old.id != event.id:
            return None
        edited[event.id] = (key, old)
    return edited
