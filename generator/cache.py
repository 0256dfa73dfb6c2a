"""The build cache: what the last successful build knew, so that the next one redoes only what changed.

It holds four things, each checked before it is trusted:
- validated events, keyed by a hash of each event file's bytes, valid while `content_key` (registries,
  seed articles, folder settings, loader code) is unchanged;
- rendered Markdown, keyed by the Markdown text itself (valid while the `raw_html` mode is unchanged);
- for every output file, a fingerprint of everything it was rendered from and its size; a page is
  reused (hard-linked from the previous output) only when both still match;
- the last plan (generator.planmemo.PlanMemo, its pages as skeletons), so that a build after an edit
  that keeps the timeline's shape fingerprints only the pages showing the edited events.

The index holds the small part; events, Markdown, templates, pieces and the layouts of the joined
exports (generator.joined) are in shards beside it (generator.store).

It is stored outside the project (in $BUILD_SITE_CACHE_DIR, else $XDG_CACHE_HOME/build-site, else
~/.cache/build-site), one file per project folder, so a cache can never be shipped inside a
repository. A file that cannot be read, or was written by another version, is ignored and replaced.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: no lock, and no saving in the background either (no fork)
    fcntl = None  # type: ignore[assignment]

from generator import __version__
from generator.config import SiteConfig
from generator.content import EventCache
from generator.eventfiles import EventFile, Stamp
from generator.forking import detach
from generator.joined import Layout
from generator.lazyevent import stored
from generator.model import REGISTRY_KINDS, Event, Timeline
from generator.paging import YearGroup
from generator.pieces import KINDS_PER_EVENT, drop_stale_markdown, most_markdown
from generator.registry import Registry
from generator.store import ShardedStore, read_pickle, write_pickle

logger = logging.getLogger(__name__)
FORMAT = f"{__version__}/26"  # bump whenever BuildCache changes shape, or its Markdown HTML is made otherwise


@functools.cache
def code_digest() -> str:
    """A hash of the generator's own code, as this process imported it (read once per process)."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def content_key(config: SiteConfig) -> str:
    """A hash of everything an event's validation depends on besides its own file.

    That is: the registries, the seed articles, the folder settings and the loader's own code.
    A cached event is reused only while this key and the event file's bytes are unchanged.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{config.root}|{config.content_dir}|{config.seeds_dir}|{code_digest()}".encode())
    files = [config.content_path / f"{kind}.yaml" for kind in REGISTRY_KINDS]
    seeds = sorted(config.seeds_path.rglob("*")) if config.seeds_path.is_dir() else []
    for path in (*files, *seeds):
        if path.is_file():
            digest.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


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
    layouts: dict[str, Layout] = field(default_factory=dict)  # where each entry lies in the joined exports
    output: str = ""  # the output folder the page fingerprints describe
    output_id: tuple[int, int, int] = (0, 0, 0)  # its identity then (generator.output.folder_identity)
    pages: dict[str, tuple[str, int]] = field(default_factory=dict)  # path -> (fingerprint, size)
    files: list[str] = field(default_factory=list)  # every file of that output, pages or not
    plan: Any = None  # the last generator.planmemo.PlanMemo (stored without its pages and shape)
    timeline: Any = None  # the last build's Timeline, for generator.patching: in memory only (serve)
    event_files: list[EventFile] | None = None  # the event files of the last build: in memory only
    shards: ShardedStore | None = None  # where markdown, fragments and templates are stored (not in the index)
    loaded: Any = None  # what the index looked like when it was loaded (see save_cache)

    def __getstate__(self) -> dict[str, Any]:
        """What is pickled into the index: everything but the big caches and what is kept in memory only."""
        return {**self.__dict__, "events": {}, "markdown": {}, "fragments": {}, "templates": {}, "layouts": {},
                "timeline": None, "event_files": None, "shards": None, "loaded": None}

    def load_pieces(self, kind: str) -> None:
        """Read the stored pieces of `kind`, if not yet read (PieceStore calls this on a miss)."""
        if self.shards is not None:
            self.shards.load_pieces(kind)

    def load_layouts(self) -> dict[str, Layout]:
        """The layouts of the joined exports as last written (read from the store when first asked for)."""
        if self.shards is not None:
            self.shards.load_layouts()
        return self.layouts

    def add_pieces(self, entries: dict[str, Any], wanted: set[str], replaced: set[str]) -> None:
        """Keep pieces made without reading the stored ones of their kind (see ShardedStore.add_pieces)."""
        if self.shards is not None:
            self.shards.add_pieces(entries, wanted, replaced)
            return
        self.fragments.update(entries)
        for key in replaced:  # serve's cache, in memory only
            if key.partition(":")[2] not in wanted:
                self.fragments.pop(key, None)

    def piece_kinds(self) -> int:
        """How many kinds of piece may be in memory: those read from the store, or all of them."""
        if self.shards is None or not self.shards.stored:
            return KINDS_PER_EVENT
        return max(1, len(self.shards.kinds))

    def before_rendering(self, pages: int, parallel: bool) -> None:
        """Read what rendering needs: the compiled templates, and everything else before forking workers.

        Before forking, all the rendered Markdown and every kind of piece are read (or each worker would
        read them again); otherwise they are read when first needed.
        """
        if self.shards is None:
            return
        self.shards.load_templates()
        if parallel:
            self.load_markdown()
            self.shards.load_all_pieces()

    def load_markdown(self, key: tuple[str, bool] | None = None) -> None:
        """Read the stored HTML of the Markdown text `key`, or of all texts (MarkupRenderer calls this on a miss)."""
        if self.shards is not None:
            self.shards.markdown_mode = self.markdown_mode
            self.shards.load_markdown(key)

    def drop_stale_markdown(self, timeline: Timeline) -> None:
        """Drop the HTML of texts no event has any more, once the stored Markdown has grown (see ShardedStore)."""
        if self.shards is not None and self.shards.markdown_grown(most_markdown(len(timeline.events))):
            self.load_markdown()
        drop_stale_markdown(self.markdown, timeline)


def _index_state(cache: BuildCache) -> tuple[Any, ...]:
    """What decides whether the index must be saved again: everything in it that a build can change."""
    plan = cache.plan
    planned = (plan.global_key, dict(plan.digests), dict(plan.fingerprints)) if plan is not None else None
    return (cache.content_key, cache.markdown_mode, cache.output, cache.output_id, tuple(cache.files),
            dict(cache.pages), dict(cache.stamps), dict(cache.digests), tuple(cache.registries), planned)


def cache_file(root: Path) -> Path:
    """Where the cache of the project at `root` is kept."""
    base = os.environ.get("BUILD_SITE_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    folder = Path(base) if base else Path.home() / ".cache"
    if not os.environ.get("BUILD_SITE_CACHE_DIR"):
        folder = folder / "build-site"
    name = hashlib.blake2b(str(root.resolve()).encode(), digest_size=10).hexdigest()
    return folder / f"{name}.pickle"


@contextlib.contextmanager
def _locked(path: Path, exclusive: bool) -> Iterator[int | None]:
    """Hold the lock of the cache at `path`: shared to read it, exclusive to write it.

    A save may go on in the background after its build's command has ended (see save_cache): the next
    build reads the cache only once it is done. Without locks (Windows, a read-only folder), no wait.
    """
    descriptor = None
    if fcntl is not None:
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if descriptor is not None:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            except OSError:  # a file system without locks: go on without one
                os.close(descriptor)
                descriptor = None
        yield descriptor
    finally:
        if descriptor is not None:
            os.close(descriptor)


def load_cache(root: Path) -> BuildCache:
    """The stored cache for a project, or an empty one if there is none or it cannot be trusted.

    Only the index and the events are read here, under the cache's lock; the shards beside them are read
    when a build needs them (generator.store). Those are content-addressed, and a build saves the cache
    only after its own load: a shard replaced meanwhile can only lack pieces, which are made again.
    """
    path = cache_file(root)
    with _locked(path, exclusive=False):
        return _load(path)


def _load(path: Path) -> BuildCache:
    data = read_pickle(path)
    if not isinstance(data, BuildCache) or data.format != FORMAT:
        if data is not None:
            logger.info("ignoring a build cache from another version")
        data = BuildCache()
    else:
        data.loaded = _index_state(data)
    folder = path.with_suffix(".shards")  # content-addressed: usable even when the index is not
    data.shards = ShardedStore(folder, FORMAT, data.markdown, data.fragments, data.templates, folder.is_dir(),
                               data.layouts)
    if data.content_key:
        data.events = data.shards.load_events(data.content_key)
    return data


def save_cache(root: Path, cache: BuildCache, release: bool = False, background: bool = False) -> None:
    """Store the cache atomically; failing to store it only costs speed next time.

    Only the shards that changed are written (see generator.store), the index only if it changed.
    With `release` (the process is about to end), each kind of piece leaves memory once written.
    With `background` (a command about to end, run from a terminal: see generator.cli), a forked process
    writes it, holding the cache's lock until it is done, and the command need not wait (0.1 s after a
    one-event edit at 10,000 events, 1 s after a cold build); load_cache waits for it. Without a lock
    (no fork, a file system without locks), or if forking fails, it is written before returning.
    """
    path = cache_file(root)
    with _locked(path, exclusive=True) as lock:  # also waits for an earlier save still going on
        if background and lock is not None and detach(lambda: _save(path, cache, release)):
            return  # the forked process holds the lock (the same open file) until it ends
        _save(path, cache, release)


def _save(path: Path, cache: BuildCache, release: bool) -> None:
    folder = path.with_suffix(".shards")
    shards = cache.shards
    if shards is None or shards.folder != folder:
        shards = ShardedStore(folder, FORMAT, cache.markdown, cache.fragments, cache.templates, False, cache.layouts)
    shards.markdown_mode = cache.markdown_mode
    # The index first: events stored without it would be newer than the plan and pages it describes.
    changed = cache.loaded is None or cache.loaded != _index_state(cache)
    if changed and not write_pickle(path, cache, shared=False):  # the page list and the plan: nothing shared
        return
    shards.save(release)
    shards.save_events(cache.events, cache.content_key, pack=_stored_entry)
    with contextlib.suppress(OSError):
        path.with_suffix(".store").unlink()  # the single store file of earlier versions


def _stored_entry(entry: tuple[Event, Any]) -> tuple[Event, Any]:
    """A cached event as the events shard keeps it (generator.lazyevent), with its related references."""
    return stored(entry[0]), entry[1]


def event_digests(events: tuple[Event, ...], cache: BuildCache) -> dict[str, tuple[str, str]]:
    """For each event id, a digest of everything in it and one of what lists show (all but the body).

    Digests are remembered per event file (its bytes' hash), so unchanged events are not hashed again.
    """
    file_keys = {event.id: key for key, (event, _) in cache.events.items()}
    known, digests = cache.digests, {}
    for event in events:
        file_key = file_keys.get(event.id, "")
        pair = known.get(file_key) if file_key else None
        digests[event.id] = pair if pair is not None else digest_pair(event)
    cache.digests = {file_keys[i]: pair for i, pair in digests.items() if i in file_keys}
    return digests


_LISTED_FIELDS = tuple(f.name for f in dataclasses.fields(Event) if f.name != "body")


def digest_pair(event: Event) -> tuple[str, str]:
    """A digest of everything in `event`, and one of what lists show (all but the body).

    Each field is written out once (repr), the body last, and the two digests hash the text with
    and without it.
    """
    listed = repr(tuple([getattr(event, name) for name in _LISTED_FIELDS])).encode()
    digest = hashlib.blake2b(listed, digest_size=12)
    both = digest.copy()
    both.update(b"\0body=" + event.body.encode())
    return both.hexdigest(), digest.hexdigest()


def _describe(key: str, value: Any, digests: dict[str, tuple[str, str]], shown: set[str]) -> str:
    """A stable text for one template context value, with events replaced by their digests (their ids to `shown`)."""
    if isinstance(value, Event):
        shown.add(value.id)
        return digests[value.id][0 if key == "event" else 1]  # the page's own event: all of it
    if key == "groups":  # year and month groups: the listed events decide everything shown
        ids = [e.id for year in value for month in year.months for e in month.events]
    elif isinstance(value, list) and value and isinstance(value[0], Event):
        ids = [e.id for e in value]
    else:
        add_event_ids(value, shown)  # none expected: to be sure
        return repr(value)
    shown.update(ids)
    return ",".join([digests[event_id][1] for event_id in ids])


def add_event_ids(value: Any, found: set[str]) -> None:
    """Add the ids of the events `value` refers to (directly, in lists, or in year and month groups)."""
    if isinstance(value, Event):
        found.add(value.id)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, Event):
                found.add(item.id)
            else:
                add_event_ids(item, found)
    elif isinstance(value, YearGroup):
        for month in value.months:
            found.update([event.id for event in month.events])


def page_fingerprint(global_key: str, path: str, template: str, context: dict[str, Any],
                     digests: dict[str, tuple[str, str]], shown: set[str] | None = None) -> str:
    """A digest of everything one page is rendered from; `shown` receives the ids of the events it shows."""
    shown = set() if shown is None else shown
    parts = [global_key, path, template, *(f"{k}={_describe(k, v, digests, shown)}" for k, v in context.items())]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


def render_key(config: SiteConfig, template_dirs: list[Path], facts: str) -> str:
    """A digest of what every page depends on: configuration, templates and timeline facts.

    The generator's own code is covered by `facts`, which carries content_key.
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
