"""Writing the site: a safe output folder, a staging folder, and an atomic swap at the end.

Files are written into a hidden staging folder beside the output folder. Only when every file
is written does the staging folder replace the output folder, so a failed or interrupted build
leaves the previous site untouched. Nothing outside the output folder is ever deleted, and an
existing folder that build-site did not create is never replaced.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from types import TracebackType

from generator.config import SiteConfig
from generator.errors import OutputError
from generator.forking import detach

MARKER = ".build-site"
MARKER_TEXT = b"This folder is written by build-site and replaced on every build; do not edit it.\n"


def check_output_folder(config: SiteConfig) -> Path:
    """The resolved output folder, or OutputError if writing there could harm the project."""
    root = config.root.resolve()
    output = config.output_path.resolve()
    if output == root or root.is_relative_to(output):
        raise OutputError(f"refusing to build into {output}: it contains the project itself; "
                          "set output_dir in site.yaml to a folder such as 'site'")
    for name, folder in (("content", config.content_path), ("templates", config.templates_path),
                         ("seeds", config.seeds_path)):
        folder = folder.resolve()
        if output == folder or folder.is_relative_to(output) or output.is_relative_to(folder):
            raise OutputError(f"refusing to build into {output}: it overlaps the {name} folder "
                              f"{folder}; choose a separate output_dir")
    if output.exists() and not output.is_dir():
        raise OutputError(f"the output path {output} is a file, not a folder; move it or "
                          "choose another output_dir")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise OutputError(f"{output} already exists and was not made by build-site; to protect "
                          "its files, move it away or choose another output_dir")
    return output


def _safe_relative(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if relative.is_absolute() or any(part in ("", ".", "..") for part in relative.parts):
        raise OutputError(f"refusing to write '{path}': it would escape the output folder")
    return relative


CLEANUP_MODES = ("inline", "process", "thread")


REPLACED = ".replaced"  # in a patch's staging folder: the files it replaced, freed with the folder


def _move_aside(target: Path, aside: Path) -> bool:
    """Move `target`, about to be replaced, to `aside` (a new name), if it is there.

    The new file is then renamed to a free name. Renaming it over the old one would make ext4 allocate
    and start writing its blocks at once (23 ms for the 50 MB of events.json at 10,000 events); and the
    old file's space is freed later, with the folder `aside` is in (see _remove). The file is missing for
    the moment between the two renames, as the whole folder is when a build swaps it (StagedOutput).
    Says whether it was moved.
    """
    try:
        target.replace(aside)
    except OSError:  # not there (a new file), or cannot be moved: replaced in one rename
        return False
    return True


def _remove(folder: Path, mode: str) -> None:
    """Delete a replaced site: now ('inline'), in a forked child so a command can exit at once
    ('process', for single-threaded callers), or in a background thread (for a long-running preview)."""
    if mode == "process" and detach(functools.partial(shutil.rmtree, folder, ignore_errors=True)):
        return
    if mode == "thread":
        threading.Thread(target=shutil.rmtree, args=(folder, True), daemon=True).start()
        return
    shutil.rmtree(folder, ignore_errors=True)


def _remove_leftovers(output: Path) -> None:
    """Delete staging or replaced folders that an interrupted build left beside the output (ours only)."""
    for pattern, inner in ((f".{output.name}.tmp-*", ""), (f".{output.name}.old-*", "site")):
        for folder in output.parent.glob(pattern):
            if folder.is_dir() and ((folder / inner / MARKER).is_file() or not any(folder.iterdir())):
                shutil.rmtree(folder, ignore_errors=True)


def _remove_empty_folders(gone: Path, output: Path) -> None:
    """Remove the folders of a deleted file `gone` that it left empty, up to `output` (kept)."""
    for folder in gone.parents:
        if folder == output or not folder.is_relative_to(output):
            break
        try:
            folder.rmdir()
        except OSError:  # not empty
            break


Content = bytes | Iterable[str] | Iterable[bytes]  # a file's content: bytes, or pieces streamed to disk
Run = tuple[int, int] | bytes  # part of a file: bytes (start, end) of another file, or bytes to write
Identity = tuple[int, int, int, int, int]  # a file's size, modification and change times (ns), inode, device


def _write_all(descriptor: int, data: bytes) -> int:
    view, done = memoryview(data), 0
    while done < len(data):
        done += os.write(descriptor, view[done:])
    return done


def file_identity(path: Path) -> Identity | None:
    """What tells a file from any other or from itself rewritten (None if it is missing).

    Writing in place changes the change time even when the size stays and the modification time is
    set back (touch -r, cp -p, rsync --inplace -t).
    """
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev)


def folder_identity(folder: Path) -> tuple[int, int, int]:
    """Device, inode and modification time of a folder: a folder swapped in, or changed, has others."""
    try:
        stat = folder.stat()
    except OSError:
        return (0, 0, 0)
    return (stat.st_dev, stat.st_ino, stat.st_mtime_ns)


def _same_small_file(one: Path, other: Path, limit: int = 1 << 20) -> bool:
    """Whether two files have the same bytes (only checked below `limit` bytes; bigger ones: False)."""
    try:
        size = one.stat().st_size
        return size == other.stat().st_size and size <= limit and one.read_bytes() == other.read_bytes()
    except OSError:
        return False


class StagedOutput:
    """A context manager: write files, then `commit()` swaps them in; otherwise nothing changes."""

    def __init__(self, output: Path, cleanup: str = "inline") -> None:
        assert cleanup in CLEANUP_MODES
        self.output = output
        self.cleanup = cleanup  # how the replaced site is deleted (see _remove)
        self.staging: Path | None = None
        self.files = 0
        self.bytes = 0

    @classmethod
    def into(cls, staging: Path, output: Path | None = None) -> StagedOutput:
        """A writer into an existing staging folder (for a render worker) of `output`; it never commits."""
        writer = cls(output or staging)
        writer.staging = staging
        return writer

    def __enter__(self) -> StagedOutput:
        self.output.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(self.output)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.tmp-", dir=self.output.parent))
        self.staging.chmod(0o755)  # mkdtemp makes it private; a site is meant to be read
        (self.staging / MARKER).write_bytes(MARKER_TEXT)
        return self

    def write(self, path: str, data: Content) -> None:
        """Write one file into the staging folder: bytes, or pieces (text as UTF-8, or bytes) one by one."""
        assert self.staging is not None, "use StagedOutput as a context manager"
        target = self.staging.joinpath(*_safe_relative(path).parts)
        try:
            handle = target.open("wb")
        except FileNotFoundError:  # its folder is not there yet (see make_folders)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle = target.open("wb")
        with handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                for piece in data:
                    handle.write(piece if isinstance(piece, bytes) else piece.encode("utf-8"))
        self.files += 1
        self.bytes += len(data) if isinstance(data, bytes) else target.stat().st_size

    def write_spliced(self, path: str, runs: list[Run], source: Path) -> None:
        """Write one file into the staging folder from `runs`: bytes, or ranges of bytes of `source`.

        The ranges are copied inside the kernel (copy_file_range) where it can, else read and written.
        """
        assert self.staging is not None, "use StagedOutput as a context manager"
        target = self.staging.joinpath(*_safe_relative(path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        with source.open("rb") as old, target.open("wb", buffering=0) as new:
            into, out = old.fileno(), new.fileno()
            for run in runs:
                if isinstance(run, bytes):
                    size += _write_all(out, run)
                    continue
                start, end = run
                while start < end:
                    try:
                        copied = os.copy_file_range(into, out, end - start, start)
                    except (AttributeError, OSError):  # not Linux, or not between these files
                        copied = 0
                    if copied <= 0:  # read and write instead
                        old.seek(start)
                        copied = _write_all(out, old.read(min(end - start, 1 << 22)))
                    if copied <= 0:
                        raise OSError(f"{source} ends before byte {end}")
                    start += copied
                    size += copied
        self.files += 1
        self.bytes += size

    def make_folders(self, paths: Iterable[str]) -> None:
        """Create the folders of the files at `paths` in the staging folder, before workers write them.

        Creating entries in one folder from two processes at once makes them wait on each other,
        so the parent makes every folder first and the workers only add files.
        """
        assert self.staging is not None, "use StagedOutput as a context manager"
        made: set[str] = set()
        for path in paths:
            folder = _safe_relative(path).parent.as_posix()
            if folder not in made:
                self.staging.joinpath(folder).mkdir(parents=True, exist_ok=True)
                made.add(folder)

    def link(self, path: str, source: Path) -> None:
        """Put an unchanged file from the previous output into the staging folder (hard link, else copy)."""
        assert self.staging is not None, "use StagedOutput as a context manager"
        target = self.staging.joinpath(*_safe_relative(path).parts)
        try:
            os.link(source, target)
        except FileNotFoundError:  # the folder is not there yet: make it (rarely needed twice)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        self.files += 1
        self.bytes += target.stat().st_size

    def commit(self) -> None:
        """Replace the output folder with the staging folder, as close to atomically as POSIX allows."""
        assert self.staging is not None
        old = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-", dir=self.output.parent))
            self.output.replace(old / "site")
        try:
            self.staging.replace(self.output)
        except OSError:
            if old is not None:
                (old / "site").replace(self.output)
            raise
        self.staging = None
        if old is not None:
            _remove(old, self.cleanup)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


class PatchedOutput(StagedOutput):
    """For incremental builds: stage only the files that changed, then move each into place.

    Each file is replaced by two renames (the old one moved aside, the new one in: see _move_aside), and
    nothing is touched before `commit`, so a failed build leaves the previous site whole. Unchanged files
    are simply left where they are.
    """

    def __init__(self, output: Path, cleanup: str = "inline") -> None:
        super().__init__(output, cleanup)
        self._replaced: dict[str, bytes | None] = {}  # files moved in by commit_first -> what they replaced
        self._undone: list[Callable[[], object]] = []

    def commit_first(self, paths: list[str], undone: Callable[[], object]) -> None:
        """Move these staged files into the output now, ahead of `commit`.

        Unless `commit` follows, leaving the writer puts back what they replaced (deleting those that
        replaced nothing, and the folders this leaves empty), then calls `undone`, even if putting
        back failed.
        """
        assert self.staging is not None, "use PatchedOutput as a context manager"
        self._undone.append(undone)
        for path in paths:
            relative = _safe_relative(path)
            target = self.output / relative
            self._replaced[path] = target.read_bytes() if target.is_file() else None
            target.parent.mkdir(parents=True, exist_ok=True)
            (self.staging / relative).replace(target)

    def keep(self, files: int, size: int) -> None:
        """Unchanged `files` (of `size` bytes in all) already in the output stay; only count them."""
        self.files += files
        self.bytes += size

    def commit(self, remove: tuple[str, ...] = ()) -> None:
        """Delete the output files in `remove`, then move every staged file into the output.

        Deleting first keeps a page whose name changed only in letter case on a case-insensitive
        file system (where the old and the new name are the same file).
        """
        assert self.staging is not None
        if not self.output.is_dir():
            super().commit()
            return
        for path in remove:
            gone = self.output / _safe_relative(path)
            with contextlib.suppress(FileNotFoundError):
                gone.unlink()
            _remove_empty_folders(gone, self.output)  # as a clean build has none
        replaced = self.staging / REPLACED
        replaced.mkdir(exist_ok=True)
        for number, staged in enumerate(sorted(self.staging.rglob("*"))):
            if staged.is_file():
                target = self.output / staged.relative_to(self.staging)
                if _same_small_file(staged, target):
                    continue  # the marker and static files of a no-change build: leave the folder untouched
                target.parent.mkdir(parents=True, exist_ok=True)
                aside = replaced / str(number)
                moved = _move_aside(target, aside)
                try:
                    staged.replace(target)
                except BaseException:  # the new file could not take its place (or Ctrl-C): the old one back
                    if moved:
                        aside.replace(target)
                    raise
        _remove(self.staging, self.cleanup)  # with the replaced files: 50 MB of events.json take 30 ms to free
        self.staging = None
        self._replaced.clear()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if self.staging is not None and self._replaced:  # not committed: put back what commit_first replaced
                try:
                    self._put_back()
                finally:  # even if putting back failed half-way
                    for undone in self._undone:
                        undone()
        finally:
            super().__exit__(kind, exc, tb)

    def _put_back(self) -> None:
        assert self.staging is not None
        for path, data in self._replaced.items():
            target = self.output / _safe_relative(path)
            if data is None:
                target.unlink(missing_ok=True)
                _remove_empty_folders(target, self.output)
            else:
                staged = self.staging / _safe_relative(path)  # its staged copy was moved away: reuse the name
                staged.write_bytes(data)
                staged.replace(target)
