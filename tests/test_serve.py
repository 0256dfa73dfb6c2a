"""`serve` end to end over loopback: real file events, rebuilds, SSE messages, errors and recovery."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import build_project
from generator.errors import SiteError
from generator.serve import changed_pages, serve
from tests.test_output import snapshot


class Session:
    """A running preview plus an open event stream to it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lines: list[str] = []
        self.stop, self.ready = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=serve, kwargs={
            "root": root, "port": 18700, "report": self.lines.append, "ready": self.ready, "stop": self.stop},
            daemon=True)
        self.thread.start()
        assert self.ready.wait(10)
        self.port = int(next(line for line in self.lines if line.startswith("Serving")).split(":")[2].split("/")[0])
        self.stream = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        self.stream.request("GET", "/__build-site/events")
        self.response = self.stream.getresponse()

    def next_event(self, name: str, timeout: float = 10.0) -> dict[str, object]:
        """The data of the next SSE event called `name`."""
        deadline = time.monotonic() + timeout
        event = None
        while time.monotonic() < deadline:
            line = self.response.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == name:
                return dict(json.loads(line[6:]))
        raise AssertionError(f"no {name} event within {timeout} s")

    def get(self, path: str) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()

    def close(self) -> None:
        self.stream.close()
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive()


@pytest.fixture
def session(minimal_site: Path) -> Iterator[Session]:
    running = Session(minimal_site)
    yield running
    running.close()


def test_edit_rebuilds_and_names_the_changed_page(session: Session) -> None:
    assert session.next_event("state")["errors"] == []
    event = session.root / "content/events/next-meeting.yaml"
    event.write_text(event.read_text().replace("A second meeting", "A renamed meeting"))
    built = session.next_event("built")
    assert "events/next-meeting/" in built["pages"] and built["stylesheets"] is False
    status, body = session.get("/events/next-meeting/")
    assert status == 200 and "A renamed meeting" in body and "livereload.js" in body


def test_exports_asked_for_right_after_the_announcement_are_already_new(session: Session) -> None:
    """serve writes the data exports after announcing the pages; a request for one waits for it."""
    session.next_event("state")
    event = session.root / "content/events/next-meeting.yaml"
    event.write_text(event.read_text().replace("A second meeting", "A renamed meeting"))
    session.next_event("built")
    for path in ("/events.json", "/search.json", "/timelinejs.csv", "/events.ics"):
        status, body = session.get(path)
        assert status == 200 and "A renamed meeting" in body, path


def test_pending_files_wait_until_released() -> None:
    from generator.devserver import PendingFiles

    pending = PendingFiles(timeout=5)
    pending.hold(["events.json"])
    done: list[float] = []
    waiter = threading.Thread(target=lambda: (pending.wait_for("events.json"), done.append(time.monotonic())))
    waiter.start()
    pending.wait_for("index.html")  # not held: returns at once
    time.sleep(0.2)
    assert done == []  # still waiting for events.json
    released = time.monotonic()
    pending.release()
    waiter.join(5)
    assert done and done[0] >= released


def test_a_path_no_longer_held_is_let_go_at_once() -> None:
    from generator.devserver import PendingFiles

    pending = PendingFiles(timeout=5)
    pending.hold(["index.html", "events.json"])
    done: list[float] = []
    waiter = threading.Thread(target=lambda: (pending.wait_for("index.html"), done.append(time.monotonic())))
    waiter.start()
    time.sleep(0.1)
    held_again = time.monotonic()
    pending.hold(["events.json"])  # index.html is written; the exports are not yet
    waiter.join(5)
    assert done and done[0] - held_again < 1
    pending.release()


def test_broken_yaml_shows_errors_then_clears(session: Session) -> None:
    session.next_event("state")
    event = session.root / "content/events/next-meeting.yaml"
    good = event.read_text()
    event.write_text(good.replace("status: planned", "status: [planned"))
    failed = session.next_event("failed")
    errors = failed["errors"]
    assert isinstance(errors, list) and errors[0].startswith("content/events/next-meeting.yaml:4:")
    assert session.get("/events/next-meeting/")[0] == 200  # the last good build is still served
    event.write_text(good)
    assert session.next_event("built")["errors"] == []


def test_stylesheet_edit_is_announced_as_a_stylesheet(session: Session) -> None:
    session.next_event("state")
    (session.root / "templates/static").mkdir(parents=True)
    (session.root / "templates/static/style.css").write_text("body { color: red; }\n")
    built = session.next_event("built")
    assert built["stylesheets"] is True and built["pages"] == []


def test_rename_onto_a_file_counts_as_an_edit(session: Session) -> None:
    session.next_event("state")
    event = session.root / "content/events/next-meeting.yaml"
    temporary = event.with_name("next-meeting.yaml.tmp")
    temporary.write_text(event.read_text().replace("A second meeting", "Saved by rename"))
    temporary.replace(event)
    session.next_event("built")
    assert "Saved by rename" in session.get("/events/next-meeting/")[1]


def test_preview_output_is_byte_identical_to_a_clean_build(minimal_site: Path) -> None:
    running = Session(minimal_site)
    try:
        running.next_event("state")
        event = minimal_site / "content/events/meeting.yaml"
        event.write_text(event.read_text().replace("Alice meets Bob", "Alice and Bob meet"))
        running.next_event("built")  # the pages are in place; the data exports follow, then the report
        deadline = time.monotonic() + 10
        while not any("meeting.yaml" in line for line in running.lines) and time.monotonic() < deadline:
            time.sleep(0.02)
        preview_output = next(Path(p) for p in Path("/tmp").glob("build-site-serve-*/site")
                              if (p / "events/meeting/index.html").is_file()
                              and "Alice and Bob meet" in (p / "events/meeting/index.html").read_text())
        preview = snapshot(preview_output)
    finally:
        running.close()
    build_project(minimal_site)
    assert preview == snapshot(minimal_site / "site")


def test_changed_pages() -> None:
    before = {"index.html": "1", "events/a/index.html": "2", "static/style.css": "3", "static/timeline.js": "4"}
    after = {**before, "events/a/index.html": "5", "events/b/index.html": "6"}
    assert changed_pages(before, after) == (["events/a/", "events/b/"], False)
    assert changed_pages(before, {**before, "static/style.css": "7"}) == ([], True)
    assert changed_pages(before, {**before, "static/timeline.js": "8"}) == (["*"], False)
    exports = {"timelinejs.csv": "9", "events.geojson": "10", "feed.json": "11"}
    assert changed_pages({**before, **dict.fromkeys(exports, "0")}, {**before, **exports}) == ([], False)


def test_failing_to_listen_leaves_no_temporary_folder(minimal_site: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temporary))
    with pytest.raises(SiteError, match="cannot listen"):
        serve(minimal_site, host="192.0.2.1", report=lambda text: None)  # TEST-NET-1: not this machine's address
    assert list(temporary.iterdir()) == []


def test_a_page_open_in_the_browser_is_announced_before_the_others(session: Session) -> None:
    session.next_event("state")
    assert session.get("/events/next-meeting/")[0] == 200  # a browser has it open
    event = session.root / "content/events/next-meeting.yaml"
    event.write_text(event.read_text().replace("A second meeting", "A renamed meeting"))
    first, rest = session.next_event("built"), session.next_event("built")
    assert first["pages"] == ["events/next-meeting/"]
    assert rest["pages"] and "events/next-meeting/" not in rest["pages"]  # its list pages, announced next
    assert "A renamed meeting" in session.get("/")[1]
