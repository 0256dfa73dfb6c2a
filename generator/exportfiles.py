"""Writing the exports: each joined export spliced from its previous file where it can (generator.joined),
and, for a big timeline, all of them written by a forked process while the parent renders the pages.

Writing an export gives what the build cache must then learn (a `Written`: the layout of a joined
export, the entries made for a splice and those they replace), so that the same code serves the build
process and a forked one, which sends it back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.forking import ForkError, Send, run_forked
from generator.joined import JoinedExport, Layout
from generator.output import Content, StagedOutput, file_identity
from generator.pieces import PieceStore

if TYPE_CHECKING:
    from generator.cache import BuildCache

logger = logging.getLogger(__name__)


@dataclass
class Written:
    """What the build cache must learn from writing one export."""

    path: str  # "": the pieces a forked writer made on the way, which belong to no one export
    layout: Layout | None = None  # a joined export's, once written
    made: dict[str, Any] = field(default_factory=dict)  # pieces made on the way, by key
    gone: set[str] = field(default_factory=set)  # the keys of stored pieces that those replace


def write_export(staged: StagedOutput, path: str, content: Content, known: Layout | None) -> Written:
    """Write one export; a joined one is spliced from its previous file if that is as `known` describes it.

    Should the splice fail (the previous file shorter than its layout says...), the export is joined anew.
    """
    if not isinstance(content, JoinedExport):
        staged.write(path, content)
        return Written(path)
    assert staged.staging is not None
    content.written = None  # until written whole (search.json holds the digest of search-text.json's bytes)
    previous = staged.output / path
    splice = content.splice(known) if known is not None and known.identity is not None \
        and known.identity == file_identity(previous) else None
    if splice is not None:
        try:
            staged.write_spliced(path, splice.runs, previous)
        except OSError as exc:
            logger.info("joining %s anew: %s", path, exc)
            splice = None
    if splice is None:
        staged.write(path, content)
        assert content.layout is not None
        written = Written(path, content.layout)
    else:
        written = Written(path, splice.layout, splice.made,
                          {f"{content.kind}:{digest}" for digest in splice.gone} if splice.made else set())
    content.written = staged.staging / path
    return written


def record_written(cache: BuildCache | None, layouts: dict[str, Layout], written: Written, pieces: PieceStore) -> None:
    """Note what writing an export gave: its layout in `layouts`, the pieces made in the cache."""
    if written.layout is not None:
        layouts[written.path] = written.layout
    if written.made and cache is not None:  # kept, and the entries they replace dropped from the store
        cache.add_pieces(written.made, pieces.wanted(), written.gone)


def keep_layouts(cache: BuildCache, output: Path, layouts: dict[str, Layout]) -> None:
    """Record the layouts of the joined exports just written, with their files' identities in `output`."""
    if not layouts:
        return
    known = cache.load_layouts()
    for path, layout in layouts.items():
        layout.identity = file_identity(output / path)
        known[path] = layout


def write_beside(exports: dict[str, Callable[[], Content]], staged: StagedOutput, known: dict[str, Layout],
                 meanwhile: Callable[[], None], stop: threading.Event, pieces: PieceStore) -> list[Written] | None:
    """Write `exports` into `staged` from a forked process while the parent runs `meanwhile` (in a thread).

    For a build that renders its pages in one process: the pages are made from templates, the exports
    from pieces, and the two take about as long. Gives what each export's writing gave (see
    write_export), and last the pieces the process made on the way (in `pieces`: search.json's rows...),
    for the cache. Should either fail, or Ctrl-C come, `stop` is set (`meanwhile` should then end soon)
    and the error is raised once both have stopped (see run_forked). None if no process could be
    started: then nothing was written, `meanwhile` did not run and `stop` is clear.
    """
    staging = staged.staging
    assert staging is not None
    sent: list[tuple[int, int, list[Written]]] = []

    def work(share: list[str], send: Send) -> None:
        into = StagedOutput.into(staging, staged.output)  # whose files the splices copy from
        first = len(pieces.made)
        written = [write_export(into, path, exports[path](), known.get(path)) for path in share]
        written.append(Written("", made={key: pieces.store[key] for key in pieces.made[first:]}))
        send((into.files, into.bytes, written))  # one message: the layouts share their digests

    try:
        run_forked(work, [list(exports)], sent.append, meanwhile, stop)
    except ForkError as exc:
        logger.info("writing the exports here: %s", exc)
        stop.clear()  # set by run_forked on the failed start, before anything ran
        return None
    found: list[Written] = []
    for files, size, written in sent:  # counted once `meanwhile` has stopped writing too
        staged.files += files
        staged.bytes += size
        found += written
    return found
