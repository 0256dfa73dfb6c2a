"""Exports made of one piece per event joined in timeline order, and how to rewrite one cheaply.

Seven of the data exports (events.json, events.ics, timelinejs.json, timelinejs.csv, events.geojson,
search.json and search-text.json) are a head, one entry per event (a piece: see generator.pieces)
joined by a separator, and a tail. Writing one records where each entry lies in the file (a Layout). A later
build that must rewrite it after a few events changed or moved copies the entries that stayed from
the previous file, in as few runs as the new order allows (in the kernel, with copy_file_range), and
makes only the new entries. At 10,000 events that rewrites events.json's 50 MB in 40-60 ms,
instead of reading its 10,000 stored entries back from the cache and joining them again.

An entry's bytes depend only on its piece key, as every piece's do, and on what the export says
all its entries share (`shared`: search.json's tables), so a spliced file is byte for byte the file
joined from the pieces. The previous file is used only while its size, modification
time, change time and inode are those recorded once it was written (see output.file_identity).
"""

from __future__ import annotations

import contextlib
import hashlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.model import Event
from generator.output import Identity, Run
from generator.pieces import BATCH, PieceStore

# Splice only while at most this share of the entries are new: making more of them one by one, without
# the stored pieces of their kind, would cost more than joining everything again.
NEW_SHARE = 0.25


@dataclass
class Layout:
    """Where each entry of a written export lies: its entries' digests in order, and each one's bytes."""

    digests: list[str]
    starts: array[int]
    ends: array[int]
    identity: Identity | None = None  # of the file in the output, once committed (see output.file_identity)
    shared: str = ""  # the digest of what every entry depends on besides its event (see JoinedExport)


@dataclass(frozen=True)
class Splice:
    """How to write a joined export from its previous file (see JoinedExport.splice)."""

    runs: list[Run]  # bytes to write, or (start, end) bytes of the previous file to copy
    layout: Layout
    made: dict[str, Any]  # the entries made, keyed as in the piece store
    gone: set[str]  # the digests of the previous file's entries that are not in the new one (shared: read only)


@dataclass
class JoinedExport:
    """An export made of `head`, each event's piece `kind` joined by `separator`, and `tail`.

    Iterating gives its bytes a few hundred entries at a time, and then `layout` says where each lies.
    With `skip_empty`, events whose piece is empty (no place with coordinates...) take no separator.
    With `shared` (a digest of tables in the head that the entries point into), the entries depend on
    more than their event: they are made each time (`make`), never stored, and a file written with
    other tables is never spliced.
    """

    head: bytes
    kind: str
    full: bool  # the piece is made from all of the event (else from what lists show; see PieceStore)
    events: Sequence[Event]
    pieces: PieceStore
    make: Callable[[Event], str | bytes]
    separator: bytes = b","
    tail: bytes = b""
    skip_empty: bool = False
    shared: str = ""
    layout: Layout | None = field(default=None, init=False)
    written: Path | None = field(default=None, init=False)  # the file it was last written to (see digest)

    def entry(self, event: Event) -> str | bytes:
        """The piece of one event (made once, kept in the piece store unless the export has `shared` tables)."""
        if self.shared:
            return self.make(event)
        return self.pieces.get(self.kind, event, self.full, lambda: self.make(event))

    def _entries(self) -> Sequence[str | bytes]:
        """Every event's entry, in order."""
        if self.shared:
            return [self.make(event) for event in self.events]
        return self.pieces.many(self.kind, self.events, self.full, self.make)

    def digest(self, size: int) -> str:
        """A blake2b digest (of `size` bytes) of the export, without writing it or recording its layout.

        Once written (generator.exportfiles notes where), the file's bytes are hashed: at 10,000 events
        that takes a third of the time joining the pieces again takes, and does not read them.
        """
        if self.written is not None:
            with contextlib.suppress(OSError), self.written.open("rb") as file:
                return hashlib.file_digest(file, lambda: hashlib.blake2b(digest_size=size)).hexdigest()
        hasher = hashlib.blake2b(self.head, digest_size=size)
        written = False
        for entry in self._entries():  # not all joined at once
            data = entry if isinstance(entry, bytes) else entry.encode("utf-8")
            if data or not self.skip_empty:
                hasher.update(self.separator + data if written else data)
                written = True
        hasher.update(self.tail)
        return hasher.hexdigest()

    def __iter__(self) -> Iterator[bytes]:
        """The whole export from the stored pieces (making those missing), recording `layout`."""
        entries = self._entries()
        placing = _Placing(len(self.head), len(self.separator), self.skip_empty)
        yield self.head
        for first in range(0, len(entries), BATCH):
            batch: list[bytes] = []
            for entry in entries[first:first + BATCH]:
                data = entry if isinstance(entry, bytes) else entry.encode("utf-8")
                after = placing.place(len(data))
                if after is not None:
                    batch += [self.separator, data] if after else [data]
            yield b"".join(batch)
        yield self.tail
        self.layout = Layout(self.pieces.digests_of(self.events, self.full), placing.starts, placing.ends,
                             shared=self.shared)

    def splice(self, previous: Layout) -> Splice | None:
        """How to write this export from the file `previous` describes; None if too many entries are new.

        Entries that follow each other in both files are copied as one run, separators included; the
        new ones are taken from the piece store, else made (see NEW_SHARE). None as well if the
        previous file was written with other `shared` tables.
        """
        if previous.shared != self.shared:
            return None
        digests = self.pieces.digests_of(self.events, self.full)
        moves = _moves(previous.digests, digests)
        if moves.new > NEW_SHARE * len(digests):
            return None
        runs: list[Run] = [self.head]
        made: dict[str, Any] = {}
        placing = _Placing(len(self.head), len(self.separator), self.skip_empty)
        for index, first, last in moves.blocks:
            if first < 0:  # a new entry: made, unless the piece store has it
                key = f"{self.kind}:{digests[index]}"
                piece = None if self.shared else self.pieces.store.get(key)
                piece = piece if piece is not None else self.make(self.events[index])
                if not self.shared:
                    made[key] = piece
                data = piece if isinstance(piece, bytes) else piece.encode("utf-8")
                after = placing.place(len(data))
                if after is not None:
                    runs += [self.separator, data] if after else [data]
                continue
            copied = placing.place_block(previous, first, last)
            if copied is not None:
                after, run = copied
                runs += [self.separator, run] if after else [run]
        runs.append(self.tail)
        return Splice(runs, Layout(digests, placing.starts, placing.ends, shared=self.shared), made, moves.gone)


@dataclass(frozen=True)
class _Moves:
    """How the entries of a new file (their digests in order) come from those of the previous one."""

    previous: list[str]
    digests: list[str]
    blocks: list[tuple[int, int, int]]  # (new index, first and last previous index) of each block; new: -1, -1
    new: int  # how many entries are new
    gone: set[str]  # the previous entries' digests that are not in the new file


_MOVES: list[_Moves] = []  # the last few worked out: exports made from the same digests share them


def _moves(previous: list[str], digests: list[str]) -> _Moves:
    """Where each of `digests` was in `previous`, as blocks of entries that follow each other in both.

    Exports whose entries are made from the same part of each event (all of it, or what lists show) have
    the same two lists (the very same objects: see PieceStore.digests_of, and the layouts are stored with
    their shared lists), so a build with six exports works this out twice, not six times.
    """
    for known in _MOVES:
        if known.previous is previous and known.digests is digests:
            return known
    where = dict(zip(previous, range(len(previous)), strict=True))
    indices = [where.get(digest, -1) for digest in digests]  # in the previous file; -1: new
    blocks: list[tuple[int, int, int]] = []
    index, count = 0, len(indices)
    while index < count:
        first = indices[index]
        end = index + 1  # the entries that follow each other in the previous file too
        while first >= 0 and end < count and indices[end] == indices[end - 1] + 1:
            end += 1
        blocks.append((index, first, first + end - index - 1 if first >= 0 else -1))
        index = end
    found = _Moves(previous, digests, blocks, indices.count(-1), set(previous).difference(digests))
    _MOVES[:] = [found, *_MOVES[:1]]  # the lists stay referenced, so no other list can take their identity
    return found


class _Placing:
    """Where each entry of a file being written lies, as entries are added one or a block at a time."""

    def __init__(self, start: int, separator: int, skip_empty: bool) -> None:
        self.position, self.separator, self.skip_empty = start, separator, skip_empty
        self.starts, self.ends = array("q"), array("q")
        self.written = False  # an entry with bytes is written: the next one comes after a separator

    def place(self, length: int) -> bool | None:
        """Place an entry of `length` bytes: None if it is skipped (empty), else whether a separator goes before."""
        if self.skip_empty and not length:
            self.starts.append(self.position)
            self.ends.append(self.position)
            return None
        after = self.written
        self.position += self.separator if after else 0
        self.starts.append(self.position)
        self.position += length
        self.ends.append(self.position)
        self.written = True
        return after

    def place_block(self, previous: Layout, first: int, last: int) -> tuple[bool, tuple[int, int]] | None:
        """Place the entries `first` to `last` of the `previous` file, which follow each other there too.

        Gives whether a separator goes before, and the bytes of the previous file to copy (the entries
        and the separators between them); None if they are all empty and skipped.
        """
        old_starts, old_ends = previous.starts, previous.ends
        copy_from = first  # with skip_empty, from the block's first entry with bytes (no separator before it)
        while self.skip_empty and copy_from <= last and old_starts[copy_from] == old_ends[copy_from]:
            copy_from += 1
        self.starts.extend([self.position] * (copy_from - first))
        self.ends.extend([self.position] * (copy_from - first))
        if copy_from > last:  # nothing but empty entries
            return None
        after = self.written
        self.position += self.separator if after else 0
        shift = self.position - old_starts[copy_from]
        self.starts.extend([offset + shift for offset in old_starts[copy_from:last + 1]])
        self.ends.extend([offset + shift for offset in old_ends[copy_from:last + 1]])
        self.position += old_ends[last] - old_starts[copy_from]  # an empty entry ends where the one before does
        self.written = True
        return after, (old_starts[copy_from], old_ends[last])
