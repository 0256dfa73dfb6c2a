"""Rendering pages in several processes: each forked worker renders every n-th page into the staging folder.

Workers are forked, so they inherit the loaded timeline and the compiled templates without pickling;
each page is rendered exactly as the serial build renders it, so output is byte-identical.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from pathlib import Path

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

Progress = Callable[[int, int], None]  # (pages rendered so far, pages to render)


def _work(renderer: Renderer, pages: list[Page], staging: Path, channel: Connection) -> None:
    try:
        staged = StagedOutput.into(staging)
        for number, page in enumerate(pages, start=1):
            staged.write(page.path, renderer.render_page(page))
            if number % PROGRESS_EVERY == 0:
                channel.send(("progress", PROGRESS_EVERY, 0))
        channel.send(("progress", len(pages) % PROGRESS_EVERY, 0))
        channel.send(("ok", staged.files, staged.bytes))
    except BaseException as exc:  # report everything, including Ctrl-C, to the parent
        channel.send(("error", exc, 0))
    finally:
        channel.close()


def render_pages(renderer: Renderer, pages: list[Page], staged: StagedOutput, workers: int,
                 progress: Progress | None = None) -> None:
    """Render `pages` into `staged` with `workers` forked processes; re-raise a worker's error.

    `progress` hears how many pages are done, as the workers report them.
    """
    assert staged.staging is not None
    context = multiprocessing.get_context("fork")
    running: dict[Connection, multiprocessing.process.BaseProcess] = {}
    for index in range(workers):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(renderer, pages[index::workers], staged.staging, send))
        process.start()
        send.close()
        running[receive] = process
    failure: BaseException | None = None
    done = 0
    try:
        while running:
            for ready in wait(list(running)):
                receive = next(r for r in running if r is ready)
                try:
                    status, value, size = receive.recv()
                except EOFError:
                    status, value, size = "error", RuntimeError("a render worker died"), 0
                if status == "progress":
                    done += value
                    if progress is not None:
                        progress(done, len(pages))
                    continue
                if status == "error":
                    failure = failure or value
                else:
                    staged.files += value
                    staged.bytes += size
                running.pop(receive).join()
    finally:
        for leftover in running.values():
            if leftover.is_alive():
                leftover.terminate()
                leftover.join()
    if failure is not None:
        raise failure
