"""The build, top to bottom: load configuration, load content, plan, render what changed, write, swap."""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from generator.cache import BuildCache, content_key, load_cache, save_cache
from generator.config import SiteConfig, load_config
from generator.content import load_content
from generator.eventfiles import EventFile, event_files, event_folders, refresh_event_files
from generator.exportfiles import keep_layouts, record_written, write_beside, write_export
from generator.forking import Forked, can_fork
from generator.joined import Layout
from generator.model import Timeline
from generator.output import (
    MARKER,
    PatchedOutput,
    StagedOutput,
    check_output_folder,
    folder_identity,
)
from generator.paging import Page
from generator.parallel import Progress, render_in_parallel, worker_count
from generator.patching import loaded_edits, patch_timeline
from generator.pieces import drop_stale_pieces
from generator.planmemo import Edited
from generator.planning import plan_build
from generator.render import TEMPLATE_EXPORTS, Renderer

logger = logging.getLogger(__name__)

# From this many events, a build that renders its pages in one process writes the exports from a
# forked process meanwhile (see exportfiles.write_beside).
EXPORTS_BESIDE_EVENTS = 2000
LISTED_BESIDE_FILES = 2000  # from this many entries in content/events, build_project lists them beside (_listing)


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    output: Path
    events: int
    pages: int  # HTML pages
    rendered: int  # HTML pages rendered this time (the rest came from the cache)
    files: int  # every file written, pages included
    bytes: int
    seconds: float

    def summary(self) -> str:
        """The closing line, e.g. 'Built 8 events into 48 pages (48 rendered, 0 from cache; ...) in 0.21 s'."""
        return (f"Built {self.events} events into {self.pages} pages ({self.rendered} rendered, "
                f"{self.pages - self.rendered} from cache; {self.files} files, {self.bytes / 1024:.0f} KiB) "
                f"in {self.seconds:.2f} s")


def _load(config: SiteConfig, cache: BuildCache | None, drafts: bool, in_place: bool,
          changed: set[Path] | None, workers: int | None, planned: bool,
          listed: Callable[[], list[EventFile]] | None = None) -> tuple[Timeline, Edited | None]:
    """The timeline, and the events read anew since the cache's last plan (None: unknown, plan everything).

    serve (`in_place`, `changed`) first tries to patch its last timeline (generator.patching).
    `planned`: the cache's events are those of its last plan (else there is no plan to compare with).
    """
    if changed is not None and in_place and cache is not None and cache.timeline is not None:
        patched = patch_timeline(config, cache, cache.timeline, changed)  # None: load everything
        if patched is not None:
            cache.timeline = patched.timeline
            return patched.timeline, patched.edited
    if cache is None:
        return load_content(config, None, drafts=drafts, workers=workers), None
    old_events, old_stamps = dict(cache.events), dict(cache.stamps)  # to tell which events are read anew
    cache.timeline = None  # set again once this load succeeds
    files = None
    if changed is not None and cache.event_files is not None:
        files = refresh_event_files(cache.event_files, changed, event_folders(config, drafts), config.root)
    if files is None:
        files = listed() if listed is not None else event_files(config, drafts)
    cache.event_files = files
    timeline = load_content(config, cache.events, drafts=drafts, files=files, stamps=cache.stamps,
                            registry_memo=cache.registries, workers=workers)
    if in_place:
        cache.timeline = timeline
    return timeline, loaded_edits(old_events, old_stamps, cache.events) if planned else None


def build_site(config: SiteConfig, workers: int | None = 1, cache: BuildCache | None = None,
               cleanup: str = "inline", drafts: bool = False, in_place: bool = False,
               changed: set[Path] | None = None,
               pages_ready: Callable[[list[str], bool], None] | None = None,
               progress: Progress | None = None, first: Collection[str] = (),
               listed: Callable[[], list[EventFile]] | None = None) -> BuildResult:
    """Validate everything, render the pages that changed, then swap the new site in.

    `workers` is the number of render processes (None: one per CPU; small sites always use one).
    With `cache`, unchanged event files are not parsed again and unchanged pages are reused; the
    cache is updated in place. With `in_place` (for serve's private folder, with a cache), only
    changed files are staged and each is moved into the output at the end. `changed` (from serve's
    watcher) names the paths edited since the last build with this cache, so the event folders need
    not be listed again. Raises SiteError on any problem; nothing is written then.

    With `pages_ready` (serve, in place), the data exports (JSON, iCalendar, CSV...: made by our code,
    not by templates, so they cannot fail on the user's input) are written after the pages: the pages
    are committed, `pages_ready(exports still being made, True)` is called, then those are committed.
    The pages named in `first` (serve: those open in a browser) are rendered and committed before the
    others, and `pages_ready(exports still to be written, False)` is called then; should the rest
    fail, those pages are put back as they were (see _write_first).
    `progress` hears (pages rendered, pages to render) as rendering goes on. `listed` gives the event
    files, when the caller has had them listed (see build_project).
    """
    started = time.perf_counter()
    output = check_output_folder(config)
    key = content_key(config) if cache is not None else ""
    if cache is not None and cache.content_key != key:
        cache.events, cache.stamps, cache.digests, cache.content_key = {}, {}, {}, key
        cache.event_files = cache.timeline = None  # the folders may have moved (content_dir is part of the key)
    if cache is not None and cache.markdown_mode != config.raw_html:
        cache.markdown.clear()  # in place: the store (generator.store) fills this very dictionary
        cache.markdown_mode = config.raw_html
    # The last plan is detached until this build has planned: a build that fails after loading has
    # already moved the cached events on, and a later build must not compare them with that plan.
    memo = cache.plan if cache is not None else None
    if cache is not None:
        cache.plan = None
    timeline, edited = _load(config, cache, drafts, in_place, changed, workers, planned=memo is not None,
                             listed=listed)
    logger.info("loaded %d events", len(timeline.events))
    if cache is not None:
        renderer = Renderer(config, timeline, markdown_cache=cache.markdown, template_cache=cache.templates,
                            load_markdown=cache.load_markdown)
    else:
        renderer = Renderer(config, timeline)
    if cache is not None:
        pages, fingerprints, cache.plan = plan_build(config, timeline, renderer, cache, memo,
                                                     edited=edited)
    else:
        pages, fingerprints = renderer.pages(), {}
    # The cache describes the output only if this cache's last build wrote it last: a build without the
    # cache (`check`, `--no-cache`) swaps in a new folder, with another identity.
    trusted = cache is not None and cache.output == str(output) and cache.output_id == folder_identity(output)
    previous = cache.pages if cache is not None and trusted else {}

    same = [path for path, fingerprint in fingerprints.items()
            if (known := previous.get(path)) is not None and known[0] == fingerprint]
    # serve's private output: nothing but these builds writes there; site/ may have been edited by hand
    reuse = set(same) if in_place else set(unchanged_files(output, same, previous))
    fresh = [page for page in pages if page.path not in reuse]
    if cache is not None and cache.plan is not None:
        fresh = cache.plan.complete(fresh, timeline)  # a stored plan's pages are read back only to be rendered
    # Replace only the changed files (each atomically, all after everything rendered) when most files
    # stay; otherwise stage a whole new site beside the old one and swap the two folders.
    patch = cache is not None and bool(previous) and (in_place or 2 * len(reuse) >= len(fingerprints))
    processes = worker_count(workers, len(fresh))
    if cache is not None and len(reuse) < len(fingerprints):  # something will be rendered
        cache.before_rendering(len(fresh), parallel=processes > 1)
        drop_stale_pieces(cache.fragments, renderer.pieces, cache.piece_kinds())  # of the kinds read so far
    writer = PatchedOutput(output, cleanup) if patch else StagedOutput(output, cleanup)
    static = renderer.static_files()
    exports = renderer.exports(pages)
    late = {path for path, _, _ in exports if path not in reuse and path not in TEMPLATE_EXPORTS} \
        if pages_ready is not None and patch else set()
    early = [page for page in fresh if page.path in first] if pages_ready is not None and in_place and patch else []
    early = early if len(early) < len(fresh) else []  # all of them: no need to make two steps
    with writer as staged:
        if early and isinstance(staged, PatchedOutput):
            assert cache is not None and pages_ready is not None
            fresh = [page for page in fresh if page.path not in first]
            _write_first(staged, renderer, early, cache, fingerprints)
            pages_ready(sorted(path for path, _, _ in exports if path not in reuse), False)
        if isinstance(staged, PatchedOutput):
            gone = previous.keys() - reuse  # few: summing the sizes of all, then subtracting these, is quicker
            staged.keep(len(reuse), sum(map(itemgetter(1), previous.values())) - sum(previous[p][1] for p in gone))
        else:
            for path in sorted(reuse):
                staged.link(path, output / path)
        layouts: dict[str, Layout] = {}
        to_write = {path: make for path, _, make in exports if path not in reuse and path not in late}
        stored_layouts = cache.load_layouts() if cache is not None and to_write else {}
        # the data exports, from a forked process on another CPU; those made from templates (loaded here for
        # the pages) here
        beside = {path: make for path, make in to_write.items() if path not in TEMPLATE_EXPORTS} \
            if fresh and processes == 1 and (os.cpu_count() or 1) > 1 and can_fork() \
            and len(timeline.events) >= EXPORTS_BESIDE_EVENTS else {}
        stopping = threading.Event()  # set if the exports, written beside, fail, or on Ctrl-C

        def pages_and_exports() -> None:
            if processes > 1:
                render_in_parallel(renderer, fresh, staged, processes, progress)
            else:
                for number, page in enumerate(fresh, start=1):
                    if stopping.is_set():
                        return  # the build fails: the rest is not needed
                    staged.write(page.path, renderer.render_page(page))
                    if progress is not None:
                        progress(number, len(fresh))
            for path, make in to_write.items():
                if path not in beside and not stopping.is_set():
                    record_written(cache, layouts, write_export(staged, path, make(), stored_layouts.get(path)),
                                   renderer.pieces)

        found = write_beside(beside, staged, stored_layouts, pages_and_exports, stopping, renderer.pieces) \
            if beside else None
        for written in found or ():
            record_written(cache, layouts, written, renderer.pieces)
        if found is None:  # nothing beside, or no process could be started for it
            beside.clear()
            pages_and_exports()
        for path, source in static.items():
            staged.write(path, source.read_bytes())
        current = {*fingerprints, *static, MARKER}
        unchanged = cache is not None and len(current) == len(cache.files) and current.issuperset(cache.files)
        if isinstance(staged, PatchedOutput):
            assert cache is not None
            staged.commit(remove=() if unchanged else tuple(sorted(set(cache.files) - current)))
        else:
            staged.commit()
    if cache is not None:
        cache.output = str(output)
        recorded = cache.pages if previous is cache.pages else {}  # updated in place: most entries stay
        for path in [path for path in recorded if path not in fingerprints or path in late]:
            del recorded[path]
        _record(recorded, output, [path for path in fingerprints if path not in reuse and path not in late],
                fingerprints)  # late: not yet written
        cache.pages = recorded
        cache.files = cache.files if unchanged else sorted(current)
        keep_layouts(cache, output, layouts)
    files_written, bytes_written = staged.files, staged.bytes
    if late:
        assert pages_ready is not None and cache is not None
        pages_ready(sorted(late), True)
        layouts = {}
        stored_layouts = cache.load_layouts()
        with PatchedOutput(output) as staged:
            for path, _, make in exports:
                if path in late:
                    record_written(cache, layouts, write_export(staged, path, make(), stored_layouts.get(path)),
                                   renderer.pieces)
            staged.commit()
        _record(cache.pages, output, late, fingerprints)
        keep_layouts(cache, output, layouts)
        files_written, bytes_written = files_written + staged.files, bytes_written + staged.bytes
    if cache is not None:
        cache.output_id = folder_identity(output)  # after everything, the late exports included
        drop_stale_pieces(cache.fragments, renderer.pieces, cache.piece_kinds())  # and those read since
        cache.drop_stale_markdown(timeline)
    logger.info("rendered %d of %d pages with %d process(es)", len(early) + len(fresh), len(pages), processes)
    return BuildResult(output, len(timeline.events), len(pages), len(early) + len(fresh), files_written, bytes_written,
                       time.perf_counter() - started)


def _write_first(staged: PatchedOutput, renderer: Renderer, pages: list[Page], cache: BuildCache,
                 fingerprints: dict[str, str]) -> None:
    """Render `pages` and move them into the output before the rest of the build, recording each.

    Should the rest fail, the writer puts the files back as they were, and then (even if that
    failed) their records are dropped, so that the next build renders them again; the rest of the
    output is still the one the cache describes, though moving files in and out changed its folders'
    times, which the cache's output identity includes.
    """
    for page in pages:
        staged.write(page.path, renderer.render_page(page))
    paths, recorded = [page.path for page in pages], cache.pages

    def put_back() -> None:
        for path in paths:
            recorded.pop(path, None)
        cache.output_id = folder_identity(staged.output)

    staged.commit_first(paths, undone=put_back)
    _record(recorded, staged.output, paths, fingerprints)


def _record(recorded: dict[str, tuple[str, int]], output: Path, paths: Iterable[str],
            fingerprints: dict[str, str]) -> None:
    """Record each of `paths`, just written to `output`, with its fingerprint and size.

    One stat call each, on plain strings (see unchanged_files).
    """
    base = str(output) + os.sep
    for path in paths:
        recorded[path] = (fingerprints[path], os.stat(base + path).st_size)  # noqa: PTH116


def unchanged_files(output: Path, paths: list[str], known: dict[str, tuple[str, int]]) -> list[str]:
    """Those of `paths` still in `output` as regular files of the size `known` records for each.

    Someone may have edited or deleted a file in site/ since the last build; that file is made again.
    One stat call each, on plain strings: 11,000 of them take about 40 ms.
    """
    base = str(output) + os.sep
    kept = []
    for path in paths:
        try:
            status = os.stat(base + path)  # noqa: PTH116 (a Path per file costs twice as much)
        except OSError:
            continue
        if stat.S_ISREG(status.st_mode) and status.st_size == known[path][1]:
            kept.append(path)
    return kept


def _listing(config: SiteConfig, drafts: bool) -> contextlib.AbstractContextManager[Forked[list[EventFile]] | None]:
    """The event files, listed in a forked process, for a big project (else None: listed when needed).

    Listing them means a system call per file (60 ms at 10,000 events), which another core can make
    while this one reads the cache (120 ms).
    """
    big = False
    with contextlib.suppress(OSError), os.scandir(config.content_path / "events") as entries:
        big = can_fork() and len(list(itertools.islice(entries, LISTED_BESIDE_FILES))) == LISTED_BESIDE_FILES
    return Forked(functools.partial(event_files, config, drafts)) if big else contextlib.nullcontext()


def build_project(root: Path, base_url: str | None = None, output_dir: str | None = None,
                  workers: int | None = 1, use_cache: bool = False, cleanup: str = "inline",
                  drafts: bool = False, progress: Progress | None = None,
                  keep: list[object] | None = None, save_in_background: bool = False) -> BuildResult:
    """Load `<root>/site.yaml`, apply overrides, and build (with the stored cache if `use_cache`).

    `cleanup` says how the replaced site is deleted (generator.output.CLEANUP_MODES). With
    `save_in_background`, a forked process saves the cache (see save_cache). `keep` receives
    the cache, for a caller about to exit: freeing its millions of objects one by one takes about
    0.3 s at 10,000 events, and the operating system frees a process's memory at once.
    The cyclic garbage collector is paused meanwhile: a build makes little cyclic garbage, and each
    collection would visit every loaded event again (about a second of a 10,000-event build; the peak
    memory is the same without it).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        config = load_config(root).with_overrides(base_url=base_url, output_dir=output_dir)
        if not use_cache:
            return build_site(config, workers=workers, cleanup=cleanup, drafts=drafts, progress=progress)
        with _listing(config, drafts) as listing:  # the event files, listed while the cache is read
            cache = load_cache(config.root)
            result = build_site(config, workers=workers, cache=cache, cleanup=cleanup, drafts=drafts,
                                progress=progress, listed=listing.result if listing is not None else None)
        # The cache is not used again in this process; a command about to end need not wait for it.
        save_cache(config.root, cache, release=True, background=save_in_background)
        if keep is not None:
            keep.append(cache)
        return result
    finally:
        if collecting:
            gc.enable()
