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
from dataclasses import dataclass
from pathlib import Path

EVENT_SUFFIXES = (".yaml", ".yml")
RACY_NS = 2_000_000_000  # files younger than this when read are hashed again next time

Stamp = tuple[int, int, int, str]  # (mtime in ns, size, inode, content key)


@dataclass(frozen=True)
class EventFile:
    """One event file found on disk."""

    path: str  # absolute
    display: str  # relative to the project, with forward slashes, as shown in messages
    stem: str  # the file name without its suffix: the event's id
    mtime_ns: int
    size: int
    inode: int


def find_event_files(folder: Path, root: Path) -> list[EventFile]:
    """Every *.yaml or *.yml file under `folder` (recursively, in sorted path order)."""
    found: list[EventFile] = []
    prefix = str(root) + os.sep
    for top, dirs, files in os.walk(folder):
        dirs.sort()
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
                                   stat.st_mtime_ns, stat.st_size, stat.st_ino))
    found.sort(key=lambda file: file.path)
    return found


def file_key(file: EventFile, stamps: dict[str, Stamp], fresh: dict[str, Stamp]) -> tuple[str, bytes | None]:
    """The file's content key (hash of its bytes, plus its display path), and its bytes if read.

    The bytes are not read when the stamp in `stamps` still matches; `fresh` receives the stamps
    worth remembering for the next build.
    """
    known = stamps.get(file.display)
    if known is not None and known[:3] == (file.mtime_ns, file.size, file.inode):
        fresh[file.display] = known
        return known[3], None
    data = Path(file.path).read_bytes()
    key = hashlib.blake2b(data, digest_size=16).hexdigest() + file.display
    if len(data) == file.size and time.time_ns() - file.mtime_ns > RACY_NS:
        fresh[file.display] = (file.mtime_ns, file.size, file.inode, key)
    return key, data
