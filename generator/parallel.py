"""Work in several processes: preparing per-event pieces, then rendering pages.

Workers are forked, so they inherit the loaded timeline and the compiled templates without pickling.
First each worker prepares every n-th event (its Markdown, card, row and export entries, see
Renderer.prepare) and sends the new pieces back, so the parent holds them all: then no piece is made
twice, in two workers or again in the parent for the exports. Then each worker renders every n-th
page into the staging folder. Every page is rendered exactly as the serial build renders it, so
output is byte-identical.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import ChainMap
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

from generator.model import Event
from generator.output import StagedOutput
from generator.pages import Page
from generator.render import Renderer

MIN_PAGES_PER_WORKER = 200  # below this, forking costs more than it saves


def worker_count(requested: int | None, pages: int) -> int:
    """How many processes to use: the request (default: the CPU count), fewer for small sites."""
    wanted = requested if requested is not None else (os.cpu_count() or 1)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(wanted, pages // MIN_PAGES_PER_WORKER))


PROGRESS_EVERY = 25  # pages between a worker's progress messages
PIECES_EVERY = 250  # events between a worker's batches of prepared pieces

Progress = Callable[[int, int], None]  # (pages rendered so far, pages to render)
Message = tuple[str, Any, int]  # (kind, value, size): "progress", "pieces", "ok" or "error"


def _run(target: Callable[[Any, Connection], None], shares: Sequence[Any],
         heard: Callable[[Message], None]) -> None:
    """Run `target(share, channel)` in one forked process per share; pass each message to `heard`.

    A worker ends by sending ("ok", ...) or ("error", exception, 0); the first error is re-raised
    here once every worker has stopped.
    """
    context = multiprocessing.get_context("fork")
    running: dict[Connection, multiprocessing.process.BaseProcess] = {}
    # The garbage collector of a forked worker would visit, and so copy, every object it inherited.
    gc.freeze()
    for share in shares:
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=target, args=(share, send))
        process.start()
        send.close()
        running[receive] = process
    failure: BaseException | None = None
    try:
        while running:
            for ready in wait(list(running)):
                receive = next(r for r in running if r is ready)
                try:
                    message: Message = receive.recv()
                except EOFError:
                    message = ("error", RuntimeError("a build worker died"), 0)
                if message[0] == "error":
                    failure = failure or message[1]
                elif message[0] != "ok":
                    heard(message)
                    continue
                running.pop(receive).join()
    finally:
        gc.unfreeze()
        for leftover in running.values():
            if leftover.is_alive():
                leftover.terminate()
                leftover.join()
    if failure is not None:
        raise failure


def _report_errors(work: Callable[[Connection], None], channel: Connection) -> None:
    try:
        work(channel)
    except BaseException as exc:  # report everything, including Ctrl-C, to the parent
        channel.send(("error", exc, 0))
    finally:
        channel.close()


def prepare_events(renderer: Renderer, events: list[Event], workers: int) -> None:
    """Make the per-event pieces of `events` in `workers` forked processes, into the renderer's stores."""
    pieces, markdown = renderer.pieces.store, renderer.markup.cache

    def work(share: list[Event], channel: Connection) -> None:
        def run(channel: Connection) -> None:
            # New pieces go into the first mapping of each chain, sent to the parent batch by batch.
            new_pieces: dict[str, Any] = {}
            sent_pieces: dict[str, Any] = {}
            new_markdown: dict[tuple[str, bool], str] = {}
            sent_markdown: dict[tuple[str, bool], str] = {}
            renderer.pieces.store = ChainMap(new_pieces, sent_pieces, pieces)
            renderer.markup.cache = ChainMap(new_markdown, sent_markdown, markdown)
            for number, event in enumerate(share, start=1):
                renderer.prepare(event)
                if number % PIECES_EVERY == 0 or number == len(share):
                    channel.send(("pieces", (new_pieces, new_markdown), 0))
                    sent_pieces.update(new_pieces)
                    sent_markdown.update(new_markdown)
                    new_pieces.clear()
                    new_markdown.clear()
            channel.send(("ok", 0, 0))
        _report_errors(run, channel)

    def heard(message: Message) -> None:
        new_pieces, new_markdown = message[1]
        pieces.update(new_pieces)
        markdown.update(new_markdown)

    _run(work, [events[index::workers] for index in range(workers)], heard)


def render_pages(renderer: Renderer, pages: list[Page], staged: StagedOutput, workers: int,
                 progress: Progress | None = None) -> None:
    """Render `pages` into `staged` with `workers` forked processes; re-raise a worker's error.

    `progress` hears how many pages are done, as the workers report them.
    """
    staging = staged.staging
    assert staging is not None
    done = 0

    def work(share: list[Page], channel: Connection) -> None:
        def run(channel: Connection) -> None:
            into = StagedOutput.into(staging)
            for number, page in enumerate(share, start=1):
                into.write(page.path, renderer.render_page(page))
                if number % PROGRESS_EVERY == 0:
                    channel.send(("progress", PROGRESS_EVERY, 0))
            channel.send(("progress", len(share) % PROGRESS_EVERY, 0))
            channel.send(("written", into.files, into.bytes))
            channel.send(("ok", 0, 0))
        _report_errors(run, channel)

    def heard(message: Message) -> None:
        nonlocal done
        kind, value, size = message
        if kind == "progress":
            done += value
            if progress is not None:
                progress(done, len(pages))
        else:  # "written"
            staged.files += value
            staged.bytes += size

    _run(work, [pages[index::workers] for index in range(workers)], heard)
