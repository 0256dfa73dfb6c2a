"""The big part of the build cache, in shards: rendered Markdown, compiled templates, each kind of piece,
and the validated events.

Each shard is a pickle file of its own, read only when a build first needs it and written only when
its entries changed. Pieces and events are split again into 16 buckets by a digit of their digest, so
a one-event edit at 10,000 events reads the events.json entries (about 50 MB) and rewrites one or two
buckets of them (about 3 MB each), not the cards, rows and other export entries it left alone; a
build that renders nothing reads no piece at all.

All entries are keyed by what they were made from (a digest, or the Markdown text itself), so a
shard can never give a wrong answer, only a missing one: a shard that is missing, unreadable or
written by another version counts as empty.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import operator
import os
import pickle
from collections.abc import Callable, Collection, Hashable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

TEMPLATES, LAYOUTS = "templates", "layouts"
MARKDOWN = "markdown-"  # + "inline." or "block." and a bucket (see markdown_shard)
MARKDOWN_COUNTS = "markdown-counts"  # how many texts each Markdown shard holds
PIECES = "pieces-"  # + the kind of piece and a bucket, e.g. pieces-card.3 (see generator.pieces)
BUCKETS = "0123456789abcdef"
EVENTS = "events-"  # + the first digit of the events' content keys: the validated events, in 16 buckets


def read_pickle(path: Path) -> Any:
    """A pickle of ours, or None if it is missing or unreadable.

    Its callers run inside build_project, which pauses the garbage collector for the whole build.
    """
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 (our own file, outside the project, under the user's home)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or corrupt file is simply not used
        logger.info("ignoring an unreadable build cache file %s (%s)", path, exc)
        return None


def write_pickle(path: Path, value: Any, shared: bool = True) -> bool:
    """Write `value` to `path` atomically and say whether it was; failing only costs speed next time,
    so it is only logged.

    Without `shared` (a value with no object reachable twice, and no cycle), the pickler does not
    remember every object it wrote: 27 MB less for the 10,000 events of the cache's index.
    """
    temporary = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as handle:
            pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.fast = not shared
            try:
                pickler.dump(value)
            except (ValueError, RecursionError):  # a cycle after all: write it the usual way
                handle.seek(0)
                handle.truncate()
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(FileNotFoundError):  # renaming over it would make ext4 allocate and start
            path.unlink()  # writing the new file's blocks at once (12 ms for a 21 MB index); lost, it only costs speed
        temporary.replace(path)
    except OSError as exc:
        logger.warning("could not save the build cache: %s", exc)
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    return True


def bucket_of(key: str) -> str:
    """A piece's bucket: the first digit of its event's digest, after 'kind:' and the 32-digit global key."""
    return _bucket(key.partition(":")[2])


def _bucket(digest: str) -> str:
    """The bucket of a piece stored under `digest` (its key after 'kind:'): see bucket_of."""
    char = digest[32:33]
    return char if char in BUCKETS and char else BUCKETS[ord(char or "0") % 16]


def markdown_shard(key: tuple[str, bool]) -> str:
    """The shard holding the HTML of a Markdown text: inline or block, then a bucket by the text's length.

    Inline HTML (summaries, small) is kept apart from block HTML (bodies), and the bucket is known without
    hashing the text. A one-event edit reads the buckets of the texts it shows and the feeds' hundred
    summaries, about 0.1–4 MB at 10,000 events, instead of 40 MB.
    """
    text, inline = key
    return f"{MARKDOWN}{'inline' if inline else 'block'}.{BUCKETS[len(text) % len(BUCKETS)]}"


def _summary(keys: Collection[Hashable]) -> tuple[int, int]:
    """Enough to tell, within one process, whether a bucket's keys changed: their count and hashes."""
    return len(keys), functools.reduce(operator.xor, map(hash, keys), 0)


def _identities(layouts: dict[str, Any]) -> dict[str, Any]:
    """Enough to tell whether the layouts changed: each one's file identity (a new layout comes with a new file)."""
    return {path: layout.identity for path, layout in layouts.items()}


class ShardedStore:
    """The shards of one project's cache in `folder`; `tag` (format and Markdown mode) must match to be read.

    The dictionaries it fills are the build cache's own (markdown, pieces, templates), filled in place.
    """

    def __init__(self, folder: Path, tag: str, markdown: dict[tuple[str, bool], str], pieces: dict[str, Any],
                 templates: dict[str, bytes], stored: bool, layouts: dict[str, Any] | None = None) -> None:
        self.folder, self.tag = folder, tag
        self.markdown_mode = ""  # the Markdown shards are read only if written in the same raw_html mode
        self.markdown, self.pieces, self.templates = markdown, pieces, templates
        self.layouts = layouts if layouts is not None else {}  # export path -> generator.joined.Layout
        self.stored = stored  # False: nothing is stored yet, so what is in memory is complete
        self.loaded: dict[str, Any] = {}  # shard -> what it held when loaded (entry count, or the templates)
        self.kinds: set[str] = set()  # the kinds of piece read
        self.held: dict[tuple[str, str], tuple[int, int]] = {}  # (kind, bucket) -> _summary of what is stored
        self.buckets: dict[str, tuple[str, frozenset[str]]] = {}  # event bucket -> (its tag, its keys) on disk
        self.markdown_counts: dict[str, int] | None = None  # see _markdown_counts

    def _tag(self, shard: str) -> str:
        return f"{self.tag}|{self.markdown_mode}" if shard.startswith(MARKDOWN) else self.tag

    def _read(self, shard: str) -> dict[Any, Any]:
        data = read_pickle(self.folder / f"{shard}.pickle") if self.stored else None
        if not isinstance(data, dict) or data.get("tag") != self._tag(shard):
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def load_pieces(self, kind: str) -> None:
        """Make sure the pieces of `kind` are in memory (read at most once)."""
        if kind in self.kinds:
            return
        self.kinds.add(kind)
        for path in sorted(self.folder.glob(f"{PIECES}{kind}.*.pickle")) if self.stored else []:
            shard = path.name.removesuffix(".pickle")
            entries = self._read(shard)
            self.pieces.update(entries)
            self.held[(kind, shard.rpartition(".")[2])] = _summary(entries)

    def add_pieces(self, entries: dict[str, Any], wanted: set[str], replaced: set[str]) -> None:
        """Add pieces made without reading their kind, first reading the stored buckets they go into.

        Saving then rewrites those buckets whole, without reading the rest of their kind. The buckets
        of the `replaced` keys are read too. Entries of a bucket read here whose digest (after 'kind:')
        is not `wanted` are dropped, as drop_stale_pieces drops them from a kind read whole.
        """
        for kind, bucket in {(key.partition(":")[0], bucket_of(key)) for key in (*entries, *replaced)}:
            if kind not in self.kinds and (kind, bucket) not in self.held:
                stored = self._read(f"{PIECES}{kind}.{bucket}")
                self.held[(kind, bucket)] = _summary(stored)
                self.pieces.update((key, piece) for key, piece in stored.items() if key.partition(":")[2] in wanted)
        self.pieces.update(entries)

    def load_all_pieces(self) -> None:
        """Read every stored kind of piece (before work that needs all of them, or forks)."""
        names = [path.name.removesuffix(".pickle") for path in self.folder.glob(f"{PIECES}*.*.pickle")] \
            if self.stored else []
        for kind in sorted({name[len(PIECES):].rpartition(".")[0] for name in names}):
            self.load_pieces(kind)

    def load_markdown(self, key: tuple[str, bool] | None = None) -> None:
        """Make sure the stored HTML of the Markdown text `key` is in memory, or all of it (each shard read once)."""
        if key is not None:
            shards = [markdown_shard(key)]
        else:
            shards = sorted(path.name.removesuffix(".pickle") for path in self.folder.glob(f"{MARKDOWN}*.*.pickle")) \
                if self.stored else []
        for shard in shards:
            if shard not in self.loaded:
                self._load_markdown_shard(shard)

    def _load_markdown_shard(self, shard: str) -> dict[tuple[str, bool], str]:
        """Read one Markdown shard into memory, noting what and how much it holds; gives its entries."""
        entries = self._read(shard)
        self.markdown.update(entries)
        self.loaded[shard] = _summary(entries)
        self._markdown_counts()[shard] = len(entries)
        return entries

    def markdown_grown(self, most: int) -> bool:
        """Whether the Markdown shards hold more than `most` texts in all, by the counts stored with them.

        Each edit of a summary or body adds a text, and only a build that holds every text can tell
        which are no longer used (see generator.pieces.drop_stale_markdown).
        """
        return sum(self._markdown_counts().values()) > most

    def _markdown_counts(self) -> dict[str, int]:
        """How many texts each Markdown shard holds (read once, kept up to date as shards are read or written)."""
        if self.markdown_counts is None:
            self.markdown_counts = {shard: count for shard, count in self._read(MARKDOWN_COUNTS).items()
                                    if isinstance(count, int)}
        return self.markdown_counts

    def load_templates(self) -> None:
        """Make sure the compiled templates are in memory (read at most once)."""
        if TEMPLATES not in self.loaded:
            self.templates.update(self._read(TEMPLATES))
            self.loaded[TEMPLATES] = dict(self.templates)

    def load_layouts(self) -> None:
        """Make sure the layouts of the joined exports (generator.joined) are in memory (read at most once)."""
        if LAYOUTS not in self.loaded:
            self.layouts.update(self._read(LAYOUTS))
            self.loaded[LAYOUTS] = _identities(self.layouts)

    def load_events(self, content_key: str) -> dict[str, Any]:
        """The validated events stored under `content_key` (see generator.content.EventCache).

        They are kept in 16 buckets by the first digit of their content key, so that an edit rewrites
        one bucket (about 2 MB at 10,000 events), not every event. A bucket validated under another
        content key (other registries, other code) counts as empty.
        """
        events: dict[str, Any] = {}
        tag = f"{self.tag}|{content_key}"
        for path in sorted(self.folder.glob(f"{EVENTS}*.pickle")) if self.stored else []:
            data = read_pickle(path)
            entries = data.get("entries") if isinstance(data, dict) and data.get("tag") == tag else None
            if isinstance(entries, dict):
                events.update(entries)
                self.buckets[path.name[len(EVENTS):-len(".pickle")]] = (tag, frozenset(entries))
        return events

    def save_events(self, events: dict[str, Any], content_key: str, pack: Callable[[Any], Any]) -> None:
        """Write the buckets of `events` whose keys (or content key) differ from what is stored, each entry
        as `pack` makes it."""
        tag = f"{self.tag}|{content_key}"
        buckets: dict[str, dict[str, Any]] = {}
        for key, value in events.items():
            buckets.setdefault(key[:1], {})[key] = value
        for name in sorted(buckets.keys() | self.buckets.keys()):
            entries = buckets.get(name, {})
            held = (tag, frozenset(entries))
            if self.buckets.get(name) != held:
                # with the pickler's memo: each field name is written once, and the bucket reads 25 % faster
                packed = {key: pack(value) for key, value in entries.items()}
                write_pickle(self.folder / f"{EVENTS}{name}.pickle", {"tag": tag, "entries": packed})
                self.buckets[name] = held
                self.stored = True

    def save(self, release: bool = False) -> None:
        """Write every shard whose entries changed; a shard never read is written only if none was stored.

        Shards are written one at a time; with `release` (the process is about to end), the pieces of each
        kind are dropped from memory once written, so writing never needs much more than the build did.
        """
        complete = not self.stored  # nothing stored yet: what is in memory is all there is
        by_kind: dict[str, dict[str, list[str]]] = {}  # kind -> bucket -> keys, in one pass over the keys
        for key in self.pieces:
            kind, _, digest = key.partition(":")
            by_kind.setdefault(kind, {}).setdefault(_bucket(digest), []).append(key)
        held = {kind for kind, _ in self.held}  # read whole, or some buckets of it (add_pieces)
        for kind in sorted(by_kind.keys() | held):
            # a kind never read is saved only if none of it is stored: then what is in memory is all of it
            buckets = by_kind.get(kind, {})
            if kind in held or complete or not any(self.folder.glob(f"{PIECES}{kind}.*.pickle")):
                self._save_kind(kind, buckets)
            if release:
                for keys in buckets.values():
                    for key in keys:
                        del self.pieces[key]
        for path in self.folder.glob(f"{PIECES}*.pickle") if self.stored else []:
            if "." not in path.name.removesuffix(".pickle"):  # a whole kind in one file, as earlier versions kept it
                with contextlib.suppress(OSError):
                    path.unlink()
        self._save_markdown(complete)
        if (TEMPLATES in self.loaded or complete) and self.loaded.get(TEMPLATES) != self.templates:
            self._write(TEMPLATES, self.templates)
            self.loaded[TEMPLATES] = dict(self.templates)
        if (LAYOUTS in self.loaded or complete) and self.loaded.get(LAYOUTS) != _identities(self.layouts):
            self._write(LAYOUTS, self.layouts, shared=True)  # the layouts share their digests
            self.loaded[LAYOUTS] = _identities(self.layouts)

    def _save_markdown(self, complete: bool) -> None:
        """Write the Markdown shards whose texts changed; one not read is read first, to keep what it holds."""
        by_shard: dict[str, list[tuple[str, bool]]] = {}
        for key in self.markdown:
            by_shard.setdefault(markdown_shard(key), []).append(key)
        written = False
        for shard in sorted(by_shard.keys() | {s for s in self.loaded if s.startswith(MARKDOWN)}):
            if shard not in self.loaded and not complete:  # texts converted without reading it
                stored = self._load_markdown_shard(shard)
                by_shard[shard] = list(dict.fromkeys([*by_shard[shard], *stored]))
            keys = by_shard.get(shard, [])
            if self.loaded.get(shard) != _summary(keys):
                self._write(shard, {key: self.markdown[key] for key in keys})
                self.loaded[shard] = _summary(keys)
                self._markdown_counts()[shard], written = len(keys), True
        if written:
            self._write(MARKDOWN_COUNTS, self._markdown_counts())
        with contextlib.suppress(OSError):
            (self.folder / "markdown.pickle").unlink()  # all of it in one file, as earlier versions kept it

    def _save_kind(self, kind: str, buckets: dict[str, list[str]]) -> None:
        """Write the buckets of one kind of piece (their keys, by bucket) whose keys differ from what is stored."""
        for bucket in sorted(buckets.keys() | {b for k, b in self.held if k == kind}):
            keys = buckets.get(bucket, [])
            summary = _summary(keys)
            if self.held.get((kind, bucket)) != summary:
                pieces = self.pieces
                # each object once: strings that many pieces share (search.json's rows) are written once
                self._write(f"{PIECES}{kind}.{bucket}", {key: pieces[key] for key in keys}, shared=True)
                self.held[(kind, bucket)] = summary

    def _write(self, shard: str, entries: dict[Any, Any], shared: bool = False) -> None:
        write_pickle(self.folder / f"{shard}.pickle", {"tag": self._tag(shard), "entries": entries}, shared=shared)
        self.stored = True
