"""Writing exports: joined anew or spliced, in this process or a forked one, and what the cache learns."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from test_joined import export_of

from generator.exportfiles import write_beside, write_export
from generator.joined import Layout
from generator.output import StagedOutput, file_identity


def written_once(output: Path, edition: dict[str, str]) -> Layout:
    """Write `edition` as data.json into `output` and give its layout, with the file's identity."""
    with StagedOutput(output) as staged:
        written = write_export(staged, "data.json", export_of(edition, b",", False), None)
        staged.commit()
    assert written.layout is not None and written.path == "data.json"
    written.layout.identity = file_identity(output / "data.json")
    return written.layout


def test_a_joined_export_is_spliced_from_the_file_its_layout_describes(tmp_path: Path) -> None:
    before = {f"e{n}": f"entry {n}" for n in range(40)}
    layout = written_once(tmp_path / "site", before)
    after = {**before, "e5": "changed"}
    with StagedOutput(tmp_path / "site") as staged:
        written = write_export(staged, "data.json", export_of(after, b",", False), layout)
        assert staged.staging is not None
        data = (staged.staging / "data.json").read_bytes()
    assert data == b"".join(export_of(after, b",", False))
    assert written.made == {"kind:e5=changed": "changed"} and written.gone == {"kind:e5=entry 5"}
    assert written.layout is not None and written.layout.digests[5] == "e5=changed"


def test_a_file_changed_since_its_layout_is_joined_anew(tmp_path: Path) -> None:
    before = {f"e{n}": f"entry {n}" for n in range(40)}
    layout = written_once(tmp_path / "site", before)
    (tmp_path / "site/data.json").write_bytes(b"edited by hand")
    after = {**before, "e5": "changed"}
    with StagedOutput(tmp_path / "site") as staged:
        written = write_export(staged, "data.json", export_of(after, b",", False), layout)
        assert staged.staging is not None
        assert (staged.staging / "data.json").read_bytes() == b"".join(export_of(after, b",", False))
    assert written.made == {}  # joined from the pieces: nothing made for a splice


def test_the_digest_of_a_written_export_is_that_of_its_file(tmp_path: Path) -> None:
    """Once written, an export's digest is read from its file (search.json holds search-text.json's)."""
    export = export_of({f"e{n}": f"entry {n}" for n in range(30)}, b",", False)
    with StagedOutput(tmp_path / "site") as staged:
        write_export(staged, "data.json", export, None)
        assert staged.staging is not None and export.written == staged.staging / "data.json"
        data = export.written.read_bytes()
        export.pieces.store.clear()
        export.make = None  # type: ignore[assignment]  # neither the pieces nor making them is needed
        assert export.digest(6) == hashlib.blake2b(data, digest_size=6).hexdigest()


def test_exports_written_beside_send_back_their_layouts_and_pieces(tmp_path: Path) -> None:
    before = {f"e{n}": f"entry {n}" for n in range(40)}
    layout = written_once(tmp_path / "site", before)
    after = {**before, "e9": "changed"}
    export = export_of(after, b",", False)
    pages: list[str] = []
    with StagedOutput(tmp_path / "site") as staged:
        found = write_beside({"data.json": lambda: export, "note.txt": lambda: b"a note"}, staged,
                             {"data.json": layout}, lambda: pages.append("rendered"), threading.Event(),
                             export.pieces)
        assert staged.staging is not None
        assert (staged.staging / "data.json").read_bytes() == b"".join(export_of(after, b",", False))
        assert (staged.staging / "note.txt").read_bytes() == b"a note"
        assert staged.files == 2
    assert pages == ["rendered"]
    assert [written.path for written in found] == ["data.json", "note.txt", ""]
    assert found[0].layout is not None and found[0].layout.digests[9] == "e9=changed"
    assert found[0].made == {"kind:e9=changed": "changed"}  # made in the forked process, sent back
