"""Finding event files, and telling from their stat stamps which ones cannot have changed.

Reading and hashing 10,000 event files takes most of a second; a stat call each takes a few
milliseconds in all. So, like git's index, the build cache remembers each file's modification time,
size and inode together with the hash of its bytes, and trusts the hash while all three are
unchanged. A file modified less than `RACY_NS` before it was read is never trusted this way (a
second write in the same clock tick could leave its stamp unchanged): it is hashed again next time.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import NamedTuple

from generator.config import SiteConfig

EVENT_SUFFIXES = (".yaml", ".yml")
RACY_NS = 2_000_000_000  # files younger than this when read are hashed again next time

Stamp = tuple[int, int, int, int, str]  # (mtime in ns, size, inode, ctime in ns, content key)


class EventFile(NamedTuple):
    """One event file found on disk (a named tuple: made for every file on every build, faster than a dataclass)."""

    path: str  # absolute
    display: str  # relative to the project, with forward slashes, as shown in messages
    stem: str  # the file name without its suffix: the event's id
    mtime_ns: int
    size: int
    inode: int
    ctime_ns: int  # changes on every write and cannot be set back (unlike mtime: cp -p, touch -r)


def find_event_files(folder: Path, root: Path) -> list[EventFile]:
    """Every *.yaml or *.yml file under `folder` (recursively, in sorted path order)."""
    found: list[EventFile] = []
    prefix = str(root) + os.sep
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # hidden folders: editors' and tools' own
        for name in files:
            dot = name.rfind(".")  # the suffix and stem as pathlib defines them
            if not 0 < dot < len(name) - 1 or name[dot:] not in EVENT_SUFFIXES:
                continue
            stem = name[:dot]
            path = os.path.join(top, name)
            try:
                stat = os.stat(path)
            except OSError:  # removed while we looked
                continue
            display = path[len(prefix):] if path.startswith(prefix) else path
            found.append(EventFile(path, display.replace(os.sep, "/"), stem,
                                   stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns))
    found.sort(key=lambda file: file.path)
    return found


def event_folders(config: SiteConfig, drafts: bool = False) -> list[Path]:
    """The folders event files are read from: content/events, and content/drafts with `drafts`."""
    return [config.content_path / "events", *([config.content_path / "drafts"] if drafts else [])]


def event_files(config: SiteConfig, drafts: bool = False) -> list[EventFile]:
    """Every event file (and draft, with `drafts`), events first, each folder in path order."""
    return [file for folder in event_folders(config, drafts) if folder.is_dir()
            for file in find_event_files(folder, config.root)]


def file_key(file: EventFile, stamps: dict[str, Stamp], fresh: dict[str, Stamp]) -> tuple[str, bytes | None]:
    """The file's content key (hash of its bytes, plus its display path), and its bytes if read.

    The bytes are not read when the stamp in `stamps` still matches; `fresh` receives the stamps
    worth remembering for the next build.
    """
    known = stamps.get(file.display)
    if known is not None and known[:4] == (file.mtime_ns, file.size, file.inode, file.ctime_ns):
        fresh[file.display] = known
        return known[4], None
    data = Path(file.path).read_bytes()
    key = hashlib.blake2b(data, digest_size=16).hexdigest() + file.display
    if len(data) == file.size and time.time_ns() - file.mtime_ns > RACY_NS:
        fresh[file.display] = (file.mtime_ns, file.size, file.inode, file.ctime_ns, key)
    return key, data


def refresh_event_files(previous: list[EventFile], changed: set[Path], folders: list[Path],
                        root: Path) -> list[EventFile] | None:
    """`previous` updated for the `changed` paths (each looked at again), or None to list afresh.

    For `serve`, which hears from the watcher exactly which paths changed: listing 10,000 files again
    after every save costs more than the rest of a one-event rebuild. A changed folder, or a path that
    is neither a known event file nor named like one, asks for a full listing.
    """
    prefix = str(root) + os.sep
    inside = [str(folder) + os.sep for folder in folders]
    by_path = {file.path: file for file in previous}
    for path in changed:
        text = str(path)
        if any(folder == path or folder.is_relative_to(path) for folder in folders):
            return None  # an event folder itself (or one above it) was created, moved or deleted
        if not text.startswith(tuple(inside)):
            continue  # not in an event folder: registries, seeds, templates
        name = path.name
        dot = name.rfind(".")
        if any(part.startswith(".") for part in Path(text[len(prefix):]).parts[:-1]):
            continue  # inside a hidden folder: never listed
        if text not in by_path and (not 0 < dot < len(name) - 1 or name[dot:] not in EVENT_SUFFIXES):
            return None  # a folder, or something we cannot tell apart from one
        try:
            stat = os.stat(text)
        except FileNotFoundError:
            by_path.pop(text, None)
            continue
        if not os.path.isfile(text):
            return None
        display = text[len(prefix):] if text.startswith(prefix) else text
        by_path[text] = EventFile(text, display.replace(os.sep, "/"), name[:dot], stat.st_mtime_ns, stat.st_size,
                                  stat.st_ino, stat.st_ctime_ns)
    first = inside[0] if inside else ""
    return sorted(by_path.values(), key=lambda f: (not f.path.startswith(first), f.path))  # as event_files lists
