"""The output folder: staging, atomic swap, and the refusals that protect user files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import write_files
from generator.build import build_project
from generator.errors import OutputError, TemplateError
from generator.output import MARKER, StagedOutput


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes and every folder (an empty one left behind counts as a difference)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b"<folder>"
            for p in folder.rglob("*")}


def test_failure_midway_leaves_the_previous_site_and_no_staging(minimal_site: Path) -> None:
    build_project(minimal_site)
    before = snapshot(minimal_site / "site")
    # Pages render in order; an error in the 404 template happens after many files were staged.
    write_files(minimal_site, {"templates/404.html": "{{ missing_variable }}"})
    with pytest.raises(TemplateError):
        build_project(minimal_site)
    assert snapshot(minimal_site / "site") == before
    assert sorted(p.name for p in minimal_site.iterdir()) == ["content", "seeds", "site", "site.yaml", "templates"]


def test_interrupt_during_writing_changes_nothing(tmp_path: Path) -> None:
    output = tmp_path / "site"
    with StagedOutput(output) as staged:
        staged.write("index.html", b"old")
        staged.commit()
    with pytest.raises(KeyboardInterrupt), StagedOutput(output) as staged:
        staged.write("index.html", b"new")
        raise KeyboardInterrupt
    assert (output / "index.html").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("path", ["../escape.html", "/etc/passwd", "a/../../b", ".."])
def test_paths_that_escape_are_refused(tmp_path: Path, path: str) -> None:
    with StagedOutput(tmp_path / "site") as staged, pytest.raises(OutputError):
        staged.write(path, b"x")
    assert not (tmp_path / "escape.html").exists()


def test_committed_folder_is_readable_and_marked(tmp_path: Path) -> None:
    with StagedOutput(tmp_path / "site") as staged:
        staged.write("a/b.html", b"x")
        staged.commit()
    assert (tmp_path / "site" / MARKER).is_file()
    assert (tmp_path / "site").stat().st_mode & 0o755 == 0o755


def test_files_committed_first_are_put_back_unless_the_rest_commits(tmp_path: Path) -> None:
    from generator.output import PatchedOutput

    output = tmp_path / "site"
    with StagedOutput(output) as staged:
        staged.write("a.html", b"old a")
        staged.commit()
    undone: list[str] = []
    with pytest.raises(KeyboardInterrupt), PatchedOutput(output) as patched:
        patched.write("a.html", b"new a")
        patched.write("b/new.html", b"new b")
        patched.commit_first(["a.html", "b/new.html"], undone=lambda: undone.append("undone"))
        assert (output / "a.html").read_bytes() == b"new a" and (output / "b/new.html").is_file()
        raise KeyboardInterrupt
    assert (output / "a.html").read_bytes() == b"old a" and not (output / "b").exists()  # nor its new folder
    assert undone == ["undone"] and sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    with PatchedOutput(output) as patched:
        patched.write("a.html", b"new a")
        patched.write("c.html", b"c")
        patched.commit_first(["a.html"], undone=lambda: undone.append("again"))
        patched.commit()
    assert (output / "a.html").read_bytes() == b"new a" and (output / "c.html").read_bytes() == b"c"
    assert undone == ["undone"]


@pytest.mark.parametrize("cleanup", ["inline", "process", "thread"])
def test_a_patch_frees_the_files_it_replaced_after_the_swap(tmp_path: Path, cleanup: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A replaced file is moved into the staging folder, deleted with it (unless 'inline', in the background)."""
    import time

    from generator import output as output_module
    from generator.output import PatchedOutput

    held: list[int] = []
    remove = output_module._remove

    def watching(folder: Path, mode: str) -> None:
        held.extend(p.stat().st_ino for p in (folder / output_module.REPLACED).glob("*"))
        remove(folder, mode)

    monkeypatch.setattr(output_module, "_remove", watching)
    output = tmp_path / "site"
    with StagedOutput(output) as staged:
        staged.write("events.json", b"old" * 1000)
        staged.write("kept.html", b"kept")
        staged.commit()
    old_inode = (output / "events.json").stat().st_ino
    with PatchedOutput(output, cleanup) as patched:
        patched.write("events.json", b"new")
        patched.write("added.html", b"added")
        patched.commit()
    assert snapshot(output) == {MARKER: (output / MARKER).read_bytes(), "events.json": b"new", "kept.html": b"kept",
                                "added.html": b"added"}
    assert held == [old_inode]  # the new file replaced nothing
    deadline = time.monotonic() + 10
    while [p.name for p in tmp_path.iterdir()] != ["site"] and time.monotonic() < deadline:
        time.sleep(0.01)  # the forked child or the thread deletes the staging folder
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_file_that_cannot_take_its_place_leaves_the_old_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The old file is moved aside before the new one is renamed in; should that fail, it is put back."""
    from generator.output import PatchedOutput

    output = tmp_path / "site"
    with StagedOutput(output) as staged:
        staged.write("events.json", b"old")
        staged.commit()
    original = Path.replace

    def failing(self: Path, target: Any) -> Any:
        if self.name == "events.json" and ".replaced" not in str(target):
            raise OSError("the new file cannot be moved in")
        return original(self, target)

    monkeypatch.setattr(Path, "replace", failing)
    with pytest.raises(OSError, match="cannot be moved in"), PatchedOutput(output) as patched:
        patched.write("events.json", b"new")
        patched.commit()
    assert (output / "events.json").read_bytes() == b"old"
