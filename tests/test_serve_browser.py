"""`build-site serve` in a real browser (GitHub issue 3): live reload, error overlay, stylesheet swap, restarts.

Chromium is the system one (/usr/bin/chromium), driven by Playwright; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Response, Route, expect

from generator.serve import serve
from tests.conftest import TIMEOUT_MS, copy_site

EVENTS = "**/__build-site/events"
REPO = Path(__file__).parent.parent


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Preview:
    """`generator.serve.serve` running in a thread on one project."""

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.lines: list[str] = []
        self.stop, self.ready = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=serve, kwargs={
            "root": root, "port": port, "report": self.lines.append, "ready": self.ready, "stop": self.stop},
            daemon=True)
        self.thread.start()
        assert self.ready.wait(10), self.lines
        self.url = next(line for line in self.lines if line.startswith("Serving")).split()[1]

    def close(self) -> None:
        """Stop the preview and wait for it to finish."""
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A fresh copy of the minimal fixture site."""
    return copy_site("minimal", tmp_path / "minimal")


@pytest.fixture
def preview(site: Path) -> Iterator[Preview]:
    """A running preview of `site`."""
    running = Preview(site, free_port())
    yield running
    running.close()


def open_live(page: Page, url: str) -> Response | None:
    """Open `url` and return once its live-reload script hears from the preview."""
    response = page.goto(url)
    expect(page.locator("script[data-connected]")).to_have_count(1)
    return response


def mark(page: Page) -> None:
    """Put a marker in the page's JavaScript state; a reload loses it."""
    page.evaluate("window.__marker = 1")


def marker(page: Page) -> object:
    """The marker set by `mark`, or None once the page was reloaded."""
    return page.evaluate("window.__marker === undefined ? null : window.__marker")


def count_builds(page: Page) -> None:
    """Count the preview's `built` messages in `window.__builds`, over a second stream of our own."""
    with page.expect_response(EVENTS):
        page.evaluate("""() => {
            window.__builds = 0;
            new EventSource(document.querySelector('script[data-endpoint]').dataset.endpoint)
                .addEventListener('built', () => { window.__builds += 1; });
        }""")


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` with `new` in a file, insisting that `old` is there."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_edited_title_appears_by_itself(preview: Preview, page: Page) -> None:
    open_live(page, preview.url + "events/next-meeting/")
    expect(page.locator("h1")).to_have_text("A second meeting")
    edit(preview.root / "content/events/next-meeting.yaml", "A second meeting", "A renamed meeting")
    expect(page.locator("h1")).to_have_text("A renamed meeting", timeout=TIMEOUT_MS)


def test_broken_yaml_shows_an_overlay_that_fixing_removes(preview: Preview, page: Page) -> None:
    event = preview.root / "content/events/next-meeting.yaml"
    good = event.read_text(encoding="utf-8")
    open_live(page, preview.url + "events/next-meeting/")
    overlay = page.locator("#build-site-errors")
    expect(overlay).to_have_count(0)
    edit(event, "status: planned", "status: [planned")
    expect(overlay).to_be_visible(timeout=TIMEOUT_MS)
    expect(overlay).to_contain_text("content/events/next-meeting.yaml:4:")
    expect(page.locator("h1")).to_have_text("A second meeting")  # the last good build, still readable
    with page.expect_navigation():
        page.locator(".site-title a").click()  # still clickable: the overlay covers only the bottom
    assert page.url == preview.url
    expect(overlay).to_contain_text("content/events/next-meeting.yaml:4:")  # and the next page says so too
    event.write_text(good, encoding="utf-8")
    expect(overlay).to_have_count(0, timeout=TIMEOUT_MS)


def test_stylesheet_edit_applies_without_a_reload(preview: Preview, page: Page) -> None:
    open_live(page, preview.url + "events/meeting/")
    mark(page)
    background = "() => getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(background) != "rgb(1, 2, 3)"
    stylesheet = preview.root / "templates/static/style.css"
    stylesheet.parent.mkdir(parents=True)
    stylesheet.write_text("body { background-color: rgb(1, 2, 3) }\n", encoding="utf-8")
    page.wait_for_function(f"({background})() === 'rgb(1, 2, 3)'", timeout=TIMEOUT_MS)
    stylesheet.write_text("body { background-color: rgb(4, 5, 6) }\n", encoding="utf-8")
    page.wait_for_function(f"({background})() === 'rgb(4, 5, 6)'", timeout=TIMEOUT_MS)
    assert marker(page) == 1


def mark_body(page: Page) -> None:
    """Mark the page's <body>; refreshing the page's content replaces it."""
    page.evaluate("document.body.dataset.marker = 'kept'")


def body_marker(page: Page) -> object:
    return page.evaluate("document.body.dataset.marker || null")


def test_only_changed_pages_refresh_and_without_a_full_reload(preview: Preview, browser: Browser) -> None:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        unchanged, changed = context.new_page(), context.new_page()
        open_live(unchanged, preview.url + "actors/bob/")  # Bob is not in next-meeting
        open_live(changed, preview.url + "events/next-meeting/")
        count_builds(unchanged)
        for page in (unchanged, changed):
            mark(page)
            mark_body(page)
        edit(preview.root / "content/events/next-meeting.yaml", "A second meeting", "A renamed meeting")
        expect(changed.locator("h1")).to_have_text("A renamed meeting", timeout=TIMEOUT_MS)
        assert body_marker(changed) is None  # its content was replaced...
        assert marker(changed) == 1  # ...in place: no reload, no flash, scroll position kept
        assert "A renamed meeting" in changed.title()
        expect(changed.locator("script[data-connected]")).to_have_count(1)  # still listening
        unchanged.wait_for_function("window.__builds >= 1", timeout=TIMEOUT_MS)
        unchanged.wait_for_timeout(500)  # time enough for a refresh to start, had one been asked for
        assert marker(unchanged) == 1 and body_marker(unchanged) == "kept"
    finally:
        context.close()


def test_refreshed_page_runs_its_scripts_once_and_keeps_its_scroll(preview: Preview, page: Page) -> None:
    page.set_viewport_size({"width": 800, "height": 300})
    open_live(page, preview.url)
    buttons = page.locator("article.event .copy-link")
    count = page.locator("article.event").count()
    expect(buttons).to_have_count(count)  # the theme's script adds one per event
    page.evaluate("window.scrollTo(0, 200)")
    mark(page)
    edit(preview.root / "content/events/next-meeting.yaml", "A second meeting", "A renamed meeting")
    expect(page.locator("article.event h4", has_text="A renamed meeting")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(buttons).to_have_count(count)  # run again on the new content, exactly once
    assert marker(page) == 1
    assert page.evaluate("window.scrollY") == 200
    edit(preview.root / "content/events/next-meeting.yaml", "A renamed meeting", "Renamed twice")
    expect(page.locator("article.event h4", has_text="Renamed twice")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(buttons).to_have_count(count)


@pytest.mark.parametrize("address", ["events/new-event/", "events/new-event"])
def test_missing_event_page_turns_into_the_event(preview: Preview, page: Page, address: str) -> None:
    response = open_live(page, preview.url + address)
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    (preview.root / "content/events/new-event.yaml").write_text(
        "title: A brand-new event\ndate: 2024-05-01\nstatus: reported\nsummary: Just added.\n"
        "sources:\n  - outlet: wire\n", encoding="utf-8")
    expect(page.locator("h1")).to_have_text("A brand-new event", timeout=TIMEOUT_MS)


def test_open_page_reloads_once_after_a_restart(site: Path, page: Page) -> None:
    port = free_port()
    first = Preview(site, port)
    loads: list[str] = []
    try:
        open_live(page, first.url + "events/meeting/")
        page.on("load", lambda loaded: loads.append(loaded.url))
        mark(page)
    finally:
        first.close()
    edit(site / "content/events/meeting.yaml", "Alice meets Bob", "Alice meets Bob again")
    second = Preview(site, port)
    try:
        assert second.url == first.url
        expect(page.locator("h1")).to_have_text("Alice meets Bob again", timeout=TIMEOUT_MS)
        assert marker(page) is None
        page.wait_for_timeout(1500)  # a reload loop would show up here
        assert loads == [first.url + "events/meeting/"]
    finally:
        second.close()


def test_ctrl_c_stops_cleanly(site: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "-C", str(site), "serve", "--port", str(port)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONFAULTHANDLER": "1"},
        # as from a terminal: a test run started in the background (`cmd &` in a script) ignores
        # SIGINT, its children inherit that, and Python then leaves Ctrl-C ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 20
        output = ""
        while "Serving" not in output and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output += line
        assert f"Serving http://127.0.0.1:{port}/" in output
        stream = http.client.HTTPConnection("127.0.0.1", port, timeout=5)  # a browser tab still listening
        stream.request("GET", "/__build-site/events")
        assert stream.getresponse().status == 200
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=20)  # generous: CI machines can be busy
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
            _, err = process.communicate(timeout=10)
            pytest.fail("serve did not stop within 20 s of Ctrl-C; its threads:\n" + err)
        stream.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err and err.strip() == "", err
    assert "Stopped." in out


def test_page_built_before_its_script_connects_still_updates(preview: Preview, page: Page) -> None:
    """A rebuild announced before the page's script connected must not leave the page stale."""
    held: list[Route] = []

    def hold_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)  # the page's own script: run it only after the next rebuild

    page.route("**/__build-site/livereload.js", hold_first)
    page.goto(preview.url + "events/next-meeting/", wait_until="commit")
    expect(page.locator("h1")).to_have_text("A second meeting")
    assert len(held) == 1
    reports = len(preview.lines)
    edit(preview.root / "content/events/next-meeting.yaml", "A second meeting", "A renamed meeting")
    deadline = time.monotonic() + 10
    while len(preview.lines) == reports and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "page(s) changed" in preview.lines[-1]  # rebuilt and announced, before the page listens
    held[0].continue_()
    expect(page.locator("h1")).to_have_text("A renamed meeting", timeout=TIMEOUT_MS)


def test_many_tabs_share_one_stream(preview: Preview, browser: Browser) -> None:
    """Browsers allow six HTTP/1.1 connections per host: a stream per tab would block a seventh tab."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        pages = [context.new_page() for _ in range(8)]
        for page in pages:
            open_live(page, preview.url + "events/next-meeting/")
        edit(preview.root / "content/events/next-meeting.yaml", "A second meeting", "A renamed meeting")
        for page in pages:
            expect(page.locator("h1")).to_have_text("A renamed meeting", timeout=TIMEOUT_MS)
    finally:
        context.close()
