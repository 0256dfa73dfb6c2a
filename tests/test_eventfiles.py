"""Finding event files and trusting their stat stamps (generator.eventfiles)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from generator.eventfiles import RACY_NS, EventFile, Stamp, file_key, find_event_files, refresh_event_files


def _age(path: Path, seconds: float) -> None:
    """Set the file's modification time `seconds` into the past."""
    when = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(when, when))


def test_finds_yaml_files_recursively_in_path_order(tmp_path: Path) -> None:
    events = tmp_path / "content" / "events"
    (events / "2023").mkdir(parents=True)
    for name in ("b.yaml", "a.yml", "2023/c.yaml", "notes.txt", ".yaml", "d.yaml~"):
        (events / name).write_text("x: 1\n", encoding="utf-8")
    found = find_event_files(events, tmp_path)
    assert [f.display for f in found] == ["content/events/2023/c.yaml", "content/events/a.yml",
                                          "content/events/b.yaml"]
    assert [f.stem for f in found] == ["c", "a", "b"]


def _event_file(tmp_path: Path, age: float) -> Path:
    """An event file 'e.yaml' with the title 'one', last modified `age` seconds ago."""
    path = tmp_path / "e.yaml"
    path.write_text("title: one\n", encoding="utf-8")
    _age(path, age)
    return path


def test_an_old_file_is_read_once_then_trusted_by_its_stamp(tmp_path: Path) -> None:
    _event_file(tmp_path, 60)
    fresh: dict[str, Stamp] = {}
    key, data = file_key(find_event_files(tmp_path, tmp_path)[0], {}, fresh)
    assert data == b"title: one\n"
    assert fresh["e.yaml"][4] == key
    again: dict[str, Stamp] = {}
    key2, data2 = file_key(find_event_files(tmp_path, tmp_path)[0], fresh, again)
    assert (key2, data2) == (key, None)


def test_a_changed_stamp_means_reading_again(tmp_path: Path) -> None:
    path = _event_file(tmp_path, 60)
    stamps: dict[str, Stamp] = {}
    key, _ = file_key(find_event_files(tmp_path, tmp_path)[0], {}, stamps)
    path.write_text("title: two\n", encoding="utf-8")  # same size, new time
    _age(path, 30)
    key2, data = file_key(find_event_files(tmp_path, tmp_path)[0], stamps, {})
    assert data == b"title: two\n"
    assert key2 != key


def test_a_recently_written_file_is_not_trusted_by_its_stamp(tmp_path: Path) -> None:
    _event_file(tmp_path, RACY_NS / 1e9 / 4)  # younger than RACY_NS: a same-tick rewrite could keep its stamp
    fresh: dict[str, Stamp] = {}
    file_key(find_event_files(tmp_path, tmp_path)[0], {}, fresh)
    assert fresh == {}


def _layout(tmp_path: Path) -> tuple[Path, Path]:
    events, drafts = tmp_path / "content/events", tmp_path / "content/drafts"
    for folder in (events / "2023", drafts):
        folder.mkdir(parents=True, exist_ok=True)
    for name in ("b.yaml", "2023/a.yaml"):
        (events / name).write_text("x: 1\n", encoding="utf-8")
    (drafts / "0.yaml").write_text("x: 1\n", encoding="utf-8")
    return events, drafts


def _listing(events: Path, drafts: Path, root: Path) -> list[EventFile]:
    return find_event_files(events, root) + find_event_files(drafts, root)


def test_refreshing_with_the_changed_paths_equals_listing_again(tmp_path: Path) -> None:
    events, drafts = _layout(tmp_path)
    before = _listing(events, drafts, tmp_path)
    (events / "b.yaml").write_text("x: 22\n", encoding="utf-8")  # edited
    (events / "2023/a.yaml").unlink()  # deleted
    (events / "c.yml").write_text("x: 3\n", encoding="utf-8")  # created
    (drafts / "0.yaml").rename(events / "0.yaml")  # moved out of the drafts
    changed = {events / "b.yaml", events / "2023/a.yaml", events / "c.yml", drafts / "0.yaml", events / "0.yaml",
               tmp_path / "content/actors.yaml"}  # not an event file: ignored
    after = refresh_event_files(before, changed, [events, drafts], tmp_path)
    assert after == _listing(events, drafts, tmp_path)


def test_a_changed_folder_asks_for_a_full_listing(tmp_path: Path) -> None:
    events, drafts = _layout(tmp_path)
    before = _listing(events, drafts, tmp_path)
    (events / "2024").mkdir()
    assert refresh_event_files(before, {events / "2024"}, [events, drafts], tmp_path) is None
    assert refresh_event_files(before, {events / "2023"}, [events, drafts], tmp_path) is None


def test_a_rewrite_that_restores_the_modification_time_is_still_noticed(tmp_path: Path) -> None:
    """cp -p, touch -r, tar: same mtime, size and inode; the change time still moves."""
    path = _event_file(tmp_path, 60)
    stamps: dict[str, Stamp] = {}
    file_key(find_event_files(tmp_path, tmp_path)[0], {}, stamps)
    old = path.stat().st_mtime_ns
    time.sleep(0.01)
    path.write_text("title: two\n", encoding="utf-8")
    os.utime(path, ns=(old, old))
    _, data = file_key(find_event_files(tmp_path, tmp_path)[0], stamps, {})
    assert data == b"title: two\n"


def test_a_removed_event_folder_asks_for_a_full_listing(tmp_path: Path) -> None:
    events, drafts = _layout(tmp_path)
    before = _listing(events, drafts, tmp_path)
    assert refresh_event_files(before, {drafts}, [events, drafts], tmp_path) is None  # moved to the trash
    assert refresh_event_files(before, {tmp_path / "content"}, [events, drafts], tmp_path) is None


def test_hidden_folders_are_not_event_folders(tmp_path: Path) -> None:
    events, drafts = _layout(tmp_path)
    (events / ".trash").mkdir()
    (events / ".trash/old.yaml").write_text("x: 1\n", encoding="utf-8")
    listed = _listing(events, drafts, tmp_path)
    assert all(".trash" not in f.display for f in listed)
    assert refresh_event_files(listed, {events / ".trash/old.yaml"}, [events, drafts], tmp_path) == listed
