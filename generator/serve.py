"""`build-site serve`: build, serve the last good build, watch, rebuild, and tell the browsers.

Builds go to a private temporary folder (never the project's site/), swapped in atomically by
generator.output; browsers hear about a build only after the swap.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import shutil
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from generator.build import build_site
from generator.cache import BuildCache
from generator.config import SiteConfig, load_config
from generator.devserver import Broker, PendingFiles, PreviewServer, RecentPages
from generator.errors import ProblemsError, SiteError
from generator.watch import ChangeBatcher, ChangeKind, start_watching

Report = Callable[[str], None]
# After announcing changed pages, wait this long before making the data exports: making them keeps
# the interpreter busy, which slows the server's answers to the browsers fetching their pages.
HEAD_START_SECONDS = 0.1
PORT_ATTEMPTS = 20


def fingerprint(folder: Path, cache: BuildCache, skip: set[str] | frozenset[str] = frozenset()) -> dict[str, str]:
    """A digest per output file: the cache's fingerprint for pages and exports, a content hash for the rest.

    Everything else lives at the top of the output or under static/, so only those are read; the
    fingerprints change whenever what a file was rendered from does. Files in `skip` (still being
    written) are left out.
    """
    digests = {path: fingerprint for path, (fingerprint, _) in cache.pages.items()}
    others = [*folder.glob("*"), *folder.glob("static/**/*")]
    for path in sorted(others):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in digests and name not in skip:
            content = hashlib.blake2b(path.read_bytes(), digest_size=12).hexdigest()
            digests[path.relative_to(folder).as_posix()] = content
    return digests


def changed_pages(before: dict[str, str], after: dict[str, str]) -> tuple[list[str], bool]:
    """Pages (as site paths, '*' for all) whose output changed, and whether a stylesheet did."""
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    stylesheets = any(path.endswith(".css") for path in changed)
    exports = (".html", ".css", ".xml", ".ics", ".json", ".csv", ".geojson")  # no page loads an export
    if any(not path.endswith(exports) for path in changed - {".build-site"}):
        return ["*"], stylesheets  # a script or other asset changed: every page may use it
    pages = sorted(path.removesuffix("index.html") for path in changed if path.endswith(".html"))
    return pages, stylesheets


def error_lines(exc: SiteError) -> list[str]:
    """The same text the terminal prints, one entry per problem."""
    if isinstance(exc, ProblemsError):
        return [problem.format() for problem in exc.problems]
    return [exc.format()]



FULL_COLLECTION_EVERY = 25  # rebuilds, when a full collection is slow; see _tidy_memory
QUICK_FULL_COLLECTION = 0.05  # seconds: a full collection this quick is made after every rebuild


def _tidy_memory(full: bool) -> float:
    """Collect garbage between rebuilds, then set what survives aside (gc.freeze); return the seconds taken.

    The build cache holds millions of objects at 10,000 events; without this, the collector walks
    all of them in the middle of a rebuild now and then (about 230 ms each time). Collecting here,
    once a rebuild is over, frees the cycles each rebuild leaves behind. Without `full` it looks only
    at the objects made since the last freeze; with it, at everything set aside too (about 300 ms at
    10,000 events, a few ms on a small site), so that cycles among old objects are freed as well.
    Made after every rebuild when it is quick: without it the seed's pages took 30-45 ms longer to show
    (benchmarks/serve_latency.py, medians of 20 saves; why was not pinned down).
    """
    started = time.perf_counter()
    if full:
        gc.unfreeze()
    gc.collect()
    gc.freeze()
    return time.perf_counter() - started

class Preview:
    """One preview session: its configuration, its private output folder and its broker."""

    def __init__(self, root: Path, config: SiteConfig, report: Report) -> None:
        self.root, self.report = root, report
        self.workdir = Path(tempfile.mkdtemp(prefix="build-site-serve-")).resolve()  # as the server resolves requests
        self.output = self.workdir / "site"
        self.broker = Broker()
        self.config = config
        self.fingerprint: dict[str, str] = {}
        self.cache = BuildCache()  # kept in memory for the whole session
        self.rebuilds = 0
        self.full_collection = 0.0  # seconds the last full collection took (see _tidy_memory)
        self.lock = threading.Lock()
        self.pending = PendingFiles()
        self.recent = RecentPages()  # the pages served last: rendered first after a save

    def rebuild(self, paths: set[Path], kind: ChangeKind) -> None:
        """Build again and announce the result (called from the batcher thread)."""
        with self.lock:
            started = time.perf_counter()
            announced: list[list[str]] = []
            all_pages = False  # whether every page has been announced (the data exports may follow)
            shown: list[float] = []

            def announce(pending: list[str], final: bool) -> None:  # exports follow; and other pages unless final
                nonlocal all_pages
                self.pending.hold(pending)
                announced.append(self.announce(skip=set(pending)))
                shown.append(time.perf_counter())
                all_pages = final
                if final and announced[-1]:
                    time.sleep(HEAD_START_SECONDS)  # let the browsers fetch their pages before the exports

            try:
                if kind is ChangeKind.CONFIG:
                    self.config = load_config(self.root)
                result = build_site(self.config.with_overrides(output_dir=str(self.output)), cache=self.cache,
                                    cleanup="thread", drafts=True, in_place=True, changed=paths,
                                    pages_ready=announce, first=self.recent.paths())
            except (SiteError, OSError) as exc:  # OSError: a file vanished mid-build; the next save retries
                lines = error_lines(exc) if isinstance(exc, SiteError) else [f"{exc.filename or ''}: {exc.strerror}"]
                self.report("\n".join(lines))
                if announced:
                    self.announce()  # the pages shown first were put back: show them as they are again
                self.broker.publish("failed", {"errors": lines})
                return
            finally:
                self.pending.release()
            if not all_pages:
                announced.append(self.announce())
            pages = sorted({page for pages in announced for page in pages})
            self.rebuilds += 1
            full = self.full_collection < QUICK_FULL_COLLECTION or self.rebuilds % FULL_COLLECTION_EVERY == 0
            took = _tidy_memory(full)
            if full:
                self.full_collection = took
            names = ", ".join(sorted(p.name for p in paths)[:3]) or "start"
            early = "".join(f"{'open ' if number == 0 and len(shown) > 1 else ''}pages announced after "
                            f"{(moment - started) * 1000:.0f} ms; " for number, moment in enumerate(shown))
            self.report(f"{result.summary()} [{names}; {len(pages)} page(s) changed; {early}"
                        f"{(time.perf_counter() - started) * 1000:.0f} ms]")

    def announce(self, skip: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """Tell the browsers which pages changed since the last announcement; return them."""
        after = fingerprint(self.output, self.cache, skip)
        pages, stylesheets = changed_pages(self.fingerprint, after)
        self.fingerprint = after
        build_id = hashlib.blake2b("".join(sorted(after.values())).encode(), digest_size=6).hexdigest()
        self.broker.publish("built", {"build": build_id, "pages": pages, "stylesheets": stylesheets, "errors": []})
        return pages

    def close(self) -> None:
        """End the streams and remove the private output folder."""
        self.broker.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def bind(host: str, port: int, preview: Preview, report: Report) -> PreviewServer:
    """A server on `port`, or on the next free port (saying so) when it is taken."""
    for candidate in range(port, port + PORT_ATTEMPTS):
        try:
            server = PreviewServer((host, candidate), preview.output, preview.config.base_path, preview.broker,
                                   preview.pending, preview.recent)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise SiteError(f"cannot listen on {host}:{candidate}: {exc.strerror}") from None
            continue
        if candidate != port:
            report(f"Port {port} is in use; using {candidate} instead.")
        return server
    raise SiteError(f"ports {port}-{port + PORT_ATTEMPTS - 1} are all in use; pass --port with a free one")


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          poll: bool = False, report: Report = print, ready: threading.Event | None = None,
          stop: threading.Event | None = None) -> None:
    """Run the preview until Ctrl-C (or until `stop` is set, for tests)."""
    config = load_config(root)
    preview = Preview(root, config, report)
    try:
        preview.rebuild(set(), ChangeKind.CONFIG)
        server = bind(host, port, preview, report)
    except BaseException:
        preview.close()  # Ctrl-C during the first build, or no port to listen on: leave no temporary folder
        raise
    stop = stop or threading.Event()
    batcher = ChangeBatcher(preview.rebuild)
    observer = start_watching(preview.config, batcher, poll=poll)
    threads = [threading.Thread(target=batcher.run, args=(stop,), daemon=True),
               threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)]
    for thread in threads:
        thread.start()
    url = f"http://{host}:{server.server_address[1]}{preview.config.base_path}"
    report(f"Serving {url} (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(url)
    if ready is not None:
        ready.set()
    try:
        while not stop.wait(0.5):
            pass
    finally:
        stop.set()
        observer.stop()
        preview.close()
        server.shutdown()
        server.server_close()
        observer.join(timeout=2)
        for thread in threads:
            thread.join(timeout=2)
