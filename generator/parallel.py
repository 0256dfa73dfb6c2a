"""Rendering in several processes: first each event's pieces and page, then the pages that list events.

Phase one: each worker takes every n-th event that has no pieces yet, makes its pieces (Markdown,
card, row, export entries: Renderer.prepare), renders its own page, and sends the pieces back, so the
parent holds them all and no piece is made twice. Phase two: each worker renders every n-th remaining
page (timeline, actors, tags...), which only join pieces. Every page is rendered exactly as the serial
build renders it, so output is byte-identical.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable
from typing import Any

from generator.forking import Send, run_forked
from generator.forking import worker_count as _worker_count
from generator.model import Event
from generator.output import StagedOutput
from generator.pages import Page
from generator.render import Renderer

# Below this, forking costs more than it saves. 40 was tried: a clean build of 300 synthetic events
# took 1.12 s instead of 1.33 s (medians of 5), but date edits, which render 60-100 pages with a
# large cache in memory, got slower (harness: 0.61 -> 0.93 s at 1,000 events).
MIN_PAGES_PER_WORKER = 200
PROGRESS_EVERY = 25  # pages between a worker's progress messages
PIECES_EVERY = 250  # events between a worker's batches of pieces

Progress = Callable[[int, int], None]  # (pages rendered so far, pages to render)


def worker_count(requested: int | None, pages: int) -> int:
    """How many processes to use: the request (default: the CPU count), fewer for small sites."""
    return _worker_count(requested, pages, MIN_PAGES_PER_WORKER)


class _Tally:
    """What the parent hears from the workers: pages done (for `progress`), files and bytes written."""

    def __init__(self, staged: StagedOutput, total: int, progress: Progress | None) -> None:
        self.staged, self.total, self.progress, self.done = staged, total, progress, 0

    def pages_done(self, count: int) -> None:
        self.done += count
        if self.progress is not None and count:
            self.progress(self.done, self.total)

    def written(self, counts: tuple[int, int]) -> None:
        self.staged.files += counts[0]
        self.staged.bytes += counts[1]


def _prepare_events(renderer: Renderer, events: list[Event], pages: dict[str, Page], staged: StagedOutput,
                    workers: int, tally: _Tally, meanwhile: Callable[[], None]) -> None:
    """Phase one: prepare `events`, rendering the page of each that has one in `pages` (by event id).

    The parent runs `meanwhile` as the workers work.
    """
    staging, store = staged.staging, renderer.pieces.store
    assert staging is not None

    def work(share: list[Event], send: Send) -> None:
        new: dict[str, Any] = {}  # pieces made since the last batch sent
        sent: dict[str, Any] = {}
        renderer.pieces.store = ChainMap(new, sent, store)
        into, rendered = StagedOutput.into(staging), 0
        for number, event in enumerate(share, start=1):
            renderer.prepare(event)
            page = pages.get(event.id)
            if page is not None:
                into.write(page.path, renderer.render_page(page))
                rendered += 1
            if number % PIECES_EVERY == 0 or number == len(share):
                send(("pieces", new, rendered))
                sent.update(new)
                new.clear()
                rendered = 0
        send(("written", (into.files, into.bytes), 0))

    def heard(message: tuple[str, Any, int]) -> None:
        kind, value, rendered = message
        if kind == "pieces":
            store.update(value)
            tally.pages_done(rendered)
        else:
            tally.written(value)

    run_forked(work, [events[index::workers] for index in range(workers)], heard, meanwhile)


def _render_pages(renderer: Renderer, pages: list[Page], staged: StagedOutput, workers: int,
                  tally: _Tally) -> None:
    """Phase two: render `pages`, every n-th in each worker."""
    staging = staged.staging
    assert staging is not None

    def work(share: list[Page], send: Send) -> None:
        into = StagedOutput.into(staging)
        for number, page in enumerate(share, start=1):
            into.write(page.path, renderer.render_page(page))
            if number % PROGRESS_EVERY == 0:
                send(("progress", PROGRESS_EVERY))
        send(("progress", len(share) % PROGRESS_EVERY))
        send(("written", (into.files, into.bytes)))

    def heard(message: tuple[str, Any]) -> None:
        if message[0] == "progress":
            tally.pages_done(message[1])
        else:
            tally.written(message[1])

    run_forked(work, [pages[index::workers] for index in range(workers)], heard)


def _event_id(page: Page) -> str:
    """The id of the event whose own page this is ('' for other pages)."""
    return page.context["event"].id if page.template == "event.html" else ""


def render_in_parallel(renderer: Renderer, pages: list[Page], staged: StagedOutput, workers: int,
                       progress: Progress | None = None) -> None:
    """Render `pages` into `staged` with `workers` forked processes; re-raise a worker's error.

    Events without pieces are prepared first (phase one, with their own pages when these are among
    `pages`). `progress` hears how many pages are done, as the workers report them.
    """
    tally = _Tally(staged, len(pages), progress)
    # Two processes adding entries to one folder wait on each other: the parent makes the folders.
    paths = [page.path for page in pages]
    unprepared = [event for event in renderer.timeline.events if not renderer.is_prepared(event)]
    own_pages: dict[str, Page] = {}
    if len(unprepared) >= 2 * MIN_PAGES_PER_WORKER:
        wanted = {event.id for event in unprepared}
        own_pages = {_event_id(page): page for page in pages if _event_id(page) in wanted}
        paths.sort(key=lambda path: not path.startswith("events/"))  # the pages of phase one first
        _prepare_events(renderer, unprepared, own_pages, staged, workers, tally,
                        lambda: staged.make_folders(paths))
    else:
        staged.make_folders(paths)
    rest = [page for page in pages if _event_id(page) not in own_pages]
    if rest:
        _render_pages(renderer, rest, staged, _worker_count(workers, len(rest), MIN_PAGES_PER_WORKER // 4), tally)
