"""The preview HTTP server: safe static serving under the base path, reload injection, and SSE.

Only files inside the output folder are ever served. HTML responses get the live-reload script;
`<base>__build-site/events` streams build news as Server-Sent Events.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

SPECIAL = "__build-site/"
RELOAD_JS = (Path(__file__).parent / "livereload.js").read_bytes()
HEARTBEAT_SECONDS = 10.0
NOT_FOUND = b"<!doctype html><title>Not found</title><body><h1>Not found</h1></body>"
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".xml": "application/xml; charset=utf-8",
         ".json": "application/json; charset=utf-8",
         ".ics": "text/calendar; charset=utf-8", ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8"}


class PendingFiles:
    """Output files still being written after the pages of a build were announced.

    A request for one of them waits until it is written (at most `timeout` seconds), so a browser
    never pairs a new page with an old export.
    """

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._paths: set[str] = set()
        self._written = threading.Condition()

    def hold(self, paths: list[str]) -> None:
        """These output paths (relative, e.g. 'events.json') are being written."""
        with self._written:
            self._paths = set(paths)
            self._written.notify_all()  # a path no longer held is written

    def release(self) -> None:
        """Everything held is written (or will not be): let waiting requests go."""
        with self._written:
            self._paths.clear()
            self._written.notify_all()

    def wait_for(self, path: str) -> None:
        """Return once `path` is not being written."""
        with self._written:
            self._written.wait_for(lambda: path not in self._paths, self.timeout)


class RecentPages:
    """The output paths of the last pages served (most recent last): the pages likely open in a browser.

    serve renders these first after a save, so the page being looked at shows the edit sooner
    (Hugo's server does the same with the pages visited; its "fast render mode").
    """

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._paths: dict[str, None] = {}  # ordered: a dict keeps insertion order
        self._lock = threading.Lock()

    def saw(self, path: str) -> None:
        """A page at this output path (e.g. 'events/x/index.html') was just served."""
        with self._lock:
            self._paths.pop(path, None)
            self._paths[path] = None
            while len(self._paths) > self.size:
                del self._paths[next(iter(self._paths))]

    def paths(self) -> frozenset[str]:
        """The pages served most recently."""
        with self._lock:
            return frozenset(self._paths)


class Broker:
    """Holds the preview's current state and wakes every SSE listener when it changes."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._messages: list[tuple[int, str, str]] = []
        self._sequence = 0
        self.closed = False
        self.build = ""
        self.errors: list[str] = []

    def publish(self, event: str, data: dict[str, Any]) -> None:
        """Record the new state and send one event to every listener."""
        with self._condition:
            self.build = data.get("build", self.build)
            self.errors = list(data.get("errors", []))
            self._sequence += 1
            self._messages = [*self._messages[-49:], (self._sequence, event, json.dumps(data))]
            self._condition.notify_all()

    def state(self) -> tuple[int, str]:
        """The latest sequence number and the current state as JSON."""
        with self._condition:
            return self._sequence, json.dumps({"build": self.build, "errors": self.errors})

    def wait(self, after: int, timeout: float) -> list[tuple[int, str, str]]:
        """Messages newer than `after`, waiting up to `timeout` seconds for one."""
        with self._condition:
            self._condition.wait_for(lambda: self.closed or self._sequence > after, timeout)
            return [m for m in self._messages if m[0] > after]

    def close(self) -> None:
        """End every stream (on shutdown)."""
        with self._condition:
            self.closed = True
            self._condition.notify_all()


def resolve_request(root: Path, base_path: str, raw_path: str) -> Path | None:
    """The file a request path names inside `root`, or None if it is outside the base path or the root."""
    path = unquote(urlsplit(raw_path).path)
    if not path.startswith(base_path) or "\x00" in path or "\\" in path:
        return None
    relative = path[len(base_path):]
    if any(part in ("..", ".") for part in relative.split("/")):
        return None
    target = (root / relative).resolve() if relative else root.resolve()
    if not target.is_relative_to(root.resolve()):
        return None  # a symlink pointing out of the output folder
    if target.is_dir():
        target = target / "index.html"
    return target


def inject(html: bytes, script_url: str, endpoint: str, page: str, build: str = "") -> bytes:
    """Add the live-reload script to an HTML page, just before </body>."""
    attributes = {"src": script_url, "data-endpoint": endpoint, "data-page": page}
    if build:
        attributes["data-build"] = build  # the build this page came from, to catch builds missed before connecting
    tag = ("<script " + " ".join(f'{k}="{escape(v, quote=True)}"' for k, v in attributes.items())
           + "></script>").encode()
    index = html.rfind(b"</body>")
    return html[:index] + tag + html[index:] if index >= 0 else html + tag


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server that knows the output folder, the base path and the broker."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], root: Path, base_path: str, broker: Broker,
                 pending: PendingFiles | None = None, recent: RecentPages | None = None) -> None:
        super().__init__(address, PreviewHandler)
        self.root, self.base_path, self.broker = root, base_path, broker
        self.pending = pending or PendingFiles()
        self.recent = recent or RecentPages()


class PreviewHandler(BaseHTTPRequestHandler):
    """Serves the last good build, the reload script and the event stream."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the preview reports builds, not requests."""

    def do_HEAD(self) -> None:
        """Like GET, without the body."""
        self._respond(head=True)

    def do_GET(self) -> None:
        """Serve a file, the script, or the event stream."""
        self._respond(head=False)

    def _send(self, status: int, content_type: str, body: bytes, head: bool,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _respond(self, head: bool) -> None:
        base = self.server.base_path
        path = urlsplit(self.path).path
        if path == f"{base}{SPECIAL}livereload.js":
            return self._send(200, TYPES[".js"], RELOAD_JS, head)
        if path == f"{base}{SPECIAL}events" and not head:
            return self._stream()
        if base != "/" and path in ("/", base.rstrip("/")):
            return self._send(302, TYPES[".txt"], b"", head, {"Location": base})
        target = resolve_request(self.server.root, base, self.path)
        if target is not None and target.name == "index.html" and not path.endswith(("/", "index.html")):
            return self._send(301, TYPES[".txt"], b"", head, {"Location": path + "/"})
        status = 200
        if target is not None and target.is_relative_to(self.server.root):
            self.server.pending.wait_for(target.relative_to(self.server.root).as_posix())
        if target is None or not target.is_file():
            status, target = 404, self.server.root / "404.html"
        build = self.server.broker.build  # before reading: a file newer than its id costs a reload, never staleness
        body = target.read_bytes() if target.is_file() else NOT_FOUND
        content_type = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/html"):
            if status == 200:
                self.server.recent.saw(target.relative_to(self.server.root).as_posix())
            page = unquote(path[len(base):]) if path.startswith(base) else ""
            page = page.removesuffix("index.html")
            if status == 404 and page and not page.endswith("/") and "." not in page.rsplit("/", 1)[-1]:
                page += "/"  # /events/x will redirect to /events/x/ once it exists: reload when that page appears
            body = inject(body, f"{base}{SPECIAL}livereload.js", f"{base}{SPECIAL}events", page, build)
        self._send(status, content_type, body, head)

    def _stream(self) -> None:
        broker = self.server.broker
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        sequence, state = broker.state()
        try:
            self.wfile.write(f"retry: 500\nevent: state\ndata: {state}\n\n".encode())
            self.wfile.flush()
            while not broker.closed:
                messages = broker.wait(sequence, HEARTBEAT_SECONDS)
                if not messages:
                    self.wfile.write(b": ping\n\n")
                for _, event, data in messages:
                    self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                if messages:
                    sequence = messages[-1][0]
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return
