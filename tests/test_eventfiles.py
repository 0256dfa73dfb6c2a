"""Finding event files and trusting their stat stamps (generator.eventfiles)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from generator.eventfiles import RACY_NS, Stamp, file_key, find_event_files


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


def test_an_old_file_is_read_once_then_trusted_by_its_stamp(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text("title: one\n", encoding="utf-8")
    _age(path, 60)
    fresh: dict[str, Stamp] = {}
    key, data = file_key(find_event_files(tmp_path, tmp_path)[0], {}, fresh)
    assert data == b"title: one\n"
    assert fresh["e.yaml"][3] == key
    again: dict[str, Stamp] = {}
    key2, data2 = file_key(find_event_files(tmp_path, tmp_path)[0], fresh, again)
    assert (key2, data2) == (key, None)


def test_a_changed_stamp_means_reading_again(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text("title: one\n", encoding="utf-8")
    _age(path, 60)
    stamps: dict[str, Stamp] = {}
    key, _ = file_key(find_event_files(tmp_path, tmp_path)[0], {}, stamps)
    path.write_text("title: two\n", encoding="utf-8")  # same size, new time
    _age(path, 30)
    key2, data = file_key(find_event_files(tmp_path, tmp_path)[0], stamps, {})
    assert data == b"title: two\n"
    assert key2 != key


def test_a_recently_written_file_is_not_trusted_by_its_stamp(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text("title: one\n", encoding="utf-8")
    _age(path, RACY_NS / 1e9 / 4)  # younger than RACY_NS: a same-tick rewrite could keep its stamp
    fresh: dict[str, Stamp] = {}
    file_key(find_event_files(tmp_path, tmp_path)[0], {}, fresh)
    assert fresh == {}
