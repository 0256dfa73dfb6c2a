"""A one-line progress display for long builds on a terminal (used by the command line only)."""

from __future__ import annotations

import os
import time
from typing import TextIO

SHOW_AFTER_SECONDS = 1.0  # short builds stay silent
UPDATE_EVERY_SECONDS = 0.1


class TerminalProgress:
    """Shows 'Rendering pages: 4,512 of 11,312' in place, once a build has run for a second.

    Silent unless `stream` is a terminal, and in CI (where $CI is set); call `clear` at the end.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty() and not os.environ.get("CI")
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        """Hear that `done` of `total` pages are rendered; redraw at most ten times a second."""
        now = time.monotonic()
        if not self.enabled or now - self.started < SHOW_AFTER_SECONDS:
            return
        if now - self.last < UPDATE_EVERY_SECONDS and done < total:
            return
        self.last, self.shown = now, True
        self.stream.write(f"\rRendering pages: {done:,} of {total:,}")
        self.stream.flush()

    def clear(self) -> None:
        """Remove the progress line, so the closing summary stands alone."""
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False
