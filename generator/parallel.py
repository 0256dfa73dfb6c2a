"""Rendering pages in several processes: each forked worker renders every n-th page into the staging folder.

Workers are forked, so they inherit the loaded timeline and the compiled templates without pickling;
each page is rendered exactly as the serial build renders it, so output is byte-identical.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.connection import Connection
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


def _work(renderer: Renderer, pages: list[Page], staging: Path, channel: Connection) -> None:
    try:
        staged = StagedOutput.into(staging)
        for page in pages:
            staged.write(page.path, renderer.render_page(page))
        channel.send(("ok", staged.files, staged.bytes))
    except BaseException as exc:  # report everything, including Ctrl-C, to the parent
        channel.send(("error", exc, 0))
    finally:
        channel.close()


def render_pages(renderer: Renderer, pages: list[Page], staged: StagedOutput, workers: int) -> None:
    """Render `pages` into `staged` with `workers` forked processes; re-raise a worker's error."""
    assert staged.staging is not None
    context = multiprocessing.get_context("fork")
    running = []
    for index in range(workers):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(renderer, pages[index::workers], staged.staging, send))
        process.start()
        send.close()
        running.append((process, receive))
    failure: BaseException | None = None
    try:
        for process, receive in running:
            try:
                status, value, size = receive.recv()
            except EOFError:
                status, value, size = "error", RuntimeError("a render worker died"), 0
            if status == "error":
                failure = failure or value
            else:
                staged.files += value
                staged.bytes += size
            process.join()
    finally:
        for process, _ in running:
            if process.is_alive():
                process.terminate()
                process.join()
    if failure is not None:
        raise failure
