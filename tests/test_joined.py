"""Joined exports: written from their pieces or spliced from the previous file, the same bytes and layout."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import joined
from generator.joined import JoinedExport
from generator.output import Run, StagedOutput
from generator.pieces import BATCH, PieceStore


@dataclass(frozen=True)
class FakeEvent:
    """All a joined export asks of an event: its id."""

    id: str


Edition = dict[str, str]  # event id -> its piece, in timeline order


def export_of(edition: Edition, separator: bytes, skip_empty: bool, made: list[str] | None = None) -> JoinedExport:
    """A joined export of `edition`; each event's digest stands for its piece, as a real digest does."""
    events = [FakeEvent(event_id) for event_id in edition]
    digests = {event_id: (f"{event_id}={piece}", f"{event_id}={piece}") for event_id, piece in edition.items()}

    def make(event: Any) -> str:
        if made is not None:
            made.append(event.id)
        return edition[event.id]

    return JoinedExport(b"head[", "kind", False, events, PieceStore({}, digests), make,  # type: ignore[arg-type]
                        separator, b"]tail", skip_empty)


def apply(runs: list[Run], old: bytes) -> bytes:
    return b"".join(run if isinstance(run, bytes) else old[run[0]:run[1]] for run in runs)


pieces = st.text(alphabet="ab,é", max_size=4)  # empty, with the separator inside, two bytes per é


@st.composite
def edits(draw: Callable[..., Any]) -> tuple[Edition, Edition]:
    """A timeline's pieces before and after an edit: events moved, changed, deleted and added."""
    before = {f"e{number}": draw(pieces) for number in range(draw(st.integers(0, 25)))}
    order = draw(st.permutations(list(before)))
    kept = order[:draw(st.integers(0, len(order)))]
    after = {event_id: draw(pieces) if draw(st.booleans()) else before[event_id] for event_id in kept}
    for number in range(draw(st.integers(0, 4))):
        after[f"new{number}"] = draw(pieces)
    ids = draw(st.permutations(list(after)))
    return before, {event_id: after[event_id] for event_id in ids}


@given(st.lists(pieces, max_size=2 * BATCH + 3), st.sampled_from([b"", b",", b", "]), st.booleans())
def test_a_joined_export_is_its_pieces_joined_and_its_layout_finds_each(texts: list[str], separator: bytes,
                                                                        skip_empty: bool) -> None:
    export = export_of({f"e{n}": text for n, text in enumerate(texts)}, separator, skip_empty)
    data = b"".join(export)
    kept = [text.encode() for text in texts if text or not skip_empty]
    assert data == b"head[" + separator.join(kept) + b"]tail"
    assert export.layout is not None
    assert [data[start:end] for start, end in zip(export.layout.starts, export.layout.ends, strict=True)] == \
        [text.encode() for text in texts]


@given(st.lists(pieces, max_size=20), st.sampled_from([b"", b",", b", "]), st.booleans())
def test_the_digest_of_a_joined_export_is_that_of_its_bytes(texts: list[str], separator: bytes,
                                                           skip_empty: bool) -> None:
    edition = {f"e{n}": text for n, text in enumerate(texts)}
    data = b"".join(export_of(edition, separator, skip_empty))
    assert export_of(edition, separator, skip_empty).digest(6) == hashlib.blake2b(data, digest_size=6).hexdigest()


@given(edits(), st.sampled_from([b"", b",", b", "]), st.booleans())
def test_a_spliced_export_is_byte_for_byte_the_one_joined_anew(edit: tuple[Edition, Edition], separator: bytes,
                                                               skip_empty: bool) -> None:
    before, after = edit
    old = export_of(before, separator, skip_empty)
    old_data = b"".join(old)
    assert old.layout is not None
    fresh = export_of(after, separator, skip_empty)
    made: list[str] = []
    with mock.patch.object(joined, "NEW_SHARE", 1.0):
        spliced = export_of(after, separator, skip_empty, made).splice(old.layout)
    assert spliced is not None
    runs, layout, pieces_made = spliced.runs, spliced.layout, spliced.made
    assert apply(runs, old_data) == b"".join(fresh)
    assert fresh.layout is not None
    assert (layout.digests, layout.starts, layout.ends) == (fresh.layout.digests, fresh.layout.starts,
                                                            fresh.layout.ends)
    new = [event_id for event_id, piece in after.items() if before.get(event_id) != piece]
    assert made == new  # only the entries the previous file did not have were made
    assert sorted(pieces_made) == sorted(f"kind:{event_id}={after[event_id]}" for event_id in new)
    assert spliced.gone == {f"{event_id}={piece}" for event_id, piece in before.items() if after.get(event_id) != piece}


def test_moving_one_entry_copies_the_rest_in_four_runs() -> None:
    before = {f"e{n}": f"entry {n}" for n in range(100)}
    old = export_of(before, b",", False)
    old_data = b"".join(old)
    assert old.layout is not None
    ids = [*before]
    ids.insert(80, ids.pop(20))  # e20 moves after e80, its piece unchanged
    spliced = export_of({event_id: before[event_id] for event_id in ids}, b",", False).splice(old.layout)
    assert spliced is not None
    runs = spliced.runs
    copied = [run for run in runs if isinstance(run, tuple)]
    assert len(copied) == 4  # e0-e19, e21-e80, e20, e81-e99
    assert sum(end - start for start, end in copied) == len(old_data) - len(b"head[]tail") - 3  # 3 separators


def test_too_many_new_entries_are_joined_anew() -> None:
    before = {f"e{n}": "x" for n in range(8)}
    old = export_of(before, b",", False)
    b"".join(old)
    assert old.layout is not None
    after = {event_id: "y" if n < 3 else "x" for n, event_id in enumerate(before)}  # 3 of 8 changed: over 25 %
    assert export_of(after, b",", False).splice(old.layout) is None
    after = {event_id: "y" if n < 2 else "x" for n, event_id in enumerate(before)}
    assert export_of(after, b",", False).splice(old.layout) is not None


def test_entries_that_share_tables_are_made_not_stored_and_spliced_only_under_the_same_tables() -> None:
    """search.json's entries point into tables in its head (`shared`): spliced only from a file with the same."""
    before = {f"e{n}": f"entry {n}" for n in range(20)}
    old = export_of(before, b",", False)
    old.shared = "tables-1"
    old_data = b"".join(old)
    assert old.layout is not None and old.layout.shared == "tables-1"
    assert not old.pieces.store  # made each time: an entry stored under its event would outlive the tables
    ids = [*before]
    ids.insert(15, ids.pop(3))
    after = {event_id: before[event_id] for event_id in ids} | {"e7": "changed"}
    made: list[str] = []
    moved = export_of(after, b",", False, made)
    moved.shared = "tables-1"
    spliced = moved.splice(old.layout)
    assert spliced is not None and made == ["e7"] and spliced.made == {}
    fresh = export_of(after, b",", False)
    fresh.shared = "tables-1"
    assert apply(spliced.runs, old_data) == b"".join(fresh)
    other = export_of(after, b",", False)
    other.shared = "tables-2"
    assert other.splice(old.layout) is None


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_write_spliced_copies_ranges_of_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          kernel_copy: bool) -> None:
    if not kernel_copy:
        def refuse(*args: object) -> int:
            raise OSError("not here")
        monkeypatch.setattr(os, "copy_file_range", refuse, raising=False)
    previous = tmp_path / "previous.json"
    previous.write_bytes(b"0123456789" * 1000)
    output = tmp_path / "site"
    with StagedOutput(output) as staged:
        staged.write_spliced("data/new.json", [b"<", (5, 15), b"|", (9000, 10000), b">"], previous)
        assert staged.staging is not None
        written = (staged.staging / "data/new.json").read_bytes()
        assert staged.files == 1 and staged.bytes == len(written)
    assert written == b"<" + b"5678901234" + b"|" + b"0123456789" * 100 + b">"


def test_write_spliced_fails_on_a_previous_file_shorter_than_its_layout(tmp_path: Path) -> None:
    previous = tmp_path / "previous.json"
    previous.write_bytes(b"short")
    with StagedOutput(tmp_path / "site") as staged, pytest.raises(OSError, match="ends before byte 50"):
        staged.write_spliced("new.json", [(0, 50)], previous)

