"""Watching the project for edits: which paths matter, and turning bursts of events into one rebuild."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import Enum
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from generator.config import CONFIG_FILE, SiteConfig

DEBOUNCE_SECONDS = 0.1  # quiet time after a change before rebuilding
SETTLE_SECONDS = 0.025  # shorter, after a change that completes a save (see ChangeBatcher.add)
COMPLETING_EVENTS = ("closed", "moved", "deleted")
_IGNORED_NAMES = {".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "4913", ".DS_Store"}
_IGNORED_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", ".bak", ".orig", "~", ".part", ".crdownload")


class ChangeKind(Enum):
    """What a changed path affects, from least to most."""

    STYLESHEET = 1  # a .css file in templates/static: can be swapped in place
    CONTENT = 2  # events, registries, seeds, other static files
    TEMPLATE = 3
    CONFIG = 4  # site.yaml: everything


def classify(path: Path, config: SiteConfig) -> ChangeKind | None:
    """What kind of change an edit of `path` is, or None if it should be ignored."""
    path = Path(path)
    try:
        relative = path.resolve().relative_to(config.root)
    except ValueError:
        return None
    parts = relative.parts
    if not parts or any(p in _IGNORED_NAMES for p in parts) or path.name.endswith(_IGNORED_SUFFIXES):
        return None
    if path.name.startswith((".#", "#")) or any(p.startswith(".") for p in parts):
        return None  # editor lock files, hidden folders, our own staging folders
    if path.resolve().is_relative_to(config.output_path.resolve()):
        return None
    if relative.as_posix() == CONFIG_FILE:
        return ChangeKind.CONFIG
    if relative.is_relative_to(config.templates_dir):
        inside = relative.relative_to(config.templates_dir)
        if inside.parts and inside.parts[0] == "static":
            return ChangeKind.STYLESHEET if path.suffix == ".css" else ChangeKind.CONTENT
        return ChangeKind.TEMPLATE
    if relative.is_relative_to(config.content_dir) or relative.is_relative_to(config.seeds_dir):
        return ChangeKind.CONTENT
    return None


class ChangeBatcher:
    """Collects changes and fires `callback` once, `delay` seconds after the last one (trailing edge).

    A change that completes a save (the file closed after writing, renamed into place, or deleted)
    needs only `settle` seconds of quiet, unless another file is still being written: the save is
    over, and the short wait still gathers the other files an editor or `git checkout` touches at
    the same moment into the same batch.
    """

    def __init__(self, callback: Callable[[set[Path], ChangeKind], None], delay: float = DEBOUNCE_SECONDS,
                 clock: Callable[[], float] = time.monotonic, settle: float = SETTLE_SECONDS) -> None:
        self.callback, self.delay, self.clock, self.settle = callback, delay, clock, settle
        self._lock = threading.Lock()
        self._paths: set[Path] = set()
        self._writing: set[Path] = set()  # changed, and not yet closed, renamed or deleted
        self._kind: ChangeKind | None = None
        self._deadline = 0.0

    def add(self, path: Path, kind: ChangeKind, completes: bool = False) -> None:
        """Record one change and set the deadline: `delay` from now, or `settle` if it `completes` a save."""
        with self._lock:
            self._paths.add(path)
            self._kind = kind if self._kind is None or kind.value > self._kind.value else self._kind
            if completes:
                self._writing.discard(path)
            else:
                self._writing.add(path)
            self._deadline = self.clock() + (self.delay if self._writing else self.settle)

    def due(self) -> float | None:
        """Seconds until the batch fires (0 if now), or None when nothing is pending."""
        with self._lock:
            if self._kind is None:
                return None
            return max(0.0, self._deadline - self.clock())

    def flush_if_due(self) -> bool:
        """Fire the callback if the quiet period has passed; return whether it fired."""
        with self._lock:
            if self._kind is None or self.clock() < self._deadline:
                return False
            paths, kind = self._paths, self._kind
            self._paths, self._kind, self._writing = set(), None, set()
        self.callback(paths, kind)
        return True

    def run(self, stop: threading.Event) -> None:
        """Loop until `stop` is set, firing batches when due."""
        while not stop.is_set():
            wait = self.due()
            stop.wait(0.05 if wait is None else min(wait, 0.05))
            self.flush_if_due()


class _Handler(FileSystemEventHandler):
    def __init__(self, config: SiteConfig, batcher: ChangeBatcher) -> None:
        self.config, self.batcher = config, batcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # follows every change inside; the file's own events say what changed
        paths = [event.src_path, getattr(event, "dest_path", "")]  # a rename onto a file is an edit of it
        for raw in paths:
            if raw:
                path = Path(raw if isinstance(raw, str) else raw.decode())
                kind = classify(path, self.config)
                if kind is not None:
                    self.batcher.add(path, kind, completes=event.event_type in COMPLETING_EVENTS)


def start_watching(config: SiteConfig, batcher: ChangeBatcher, poll: bool = False) -> BaseObserver:
    """Start a watchdog observer on the project root (polling with `poll`); the caller stops it."""
    observer: BaseObserver = PollingObserver(timeout=0.5) if poll else Observer()
    observer.schedule(_Handler(config, batcher), str(config.root), recursive=True)
    observer.daemon = True
    observer.start()
    return observer
