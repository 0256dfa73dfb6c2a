"""Links of the built site under a sub-path and at a domain root, served and crawled locally."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

from conftest import PagesHandler
from generator.linkcheck import parse_page

Cli = Callable[..., tuple[int, str, str]]
SUB_PATH = "https://user.github.io/repo/"
PAGES_OUTPUT = "https://user.github.io/repo"  # as configure-pages gives it: no trailing slash
ROOT = "https://user.github.io/"
MAX_REQUESTS = 1000


@contextlib.contextmanager
def serve(folder: Path, prefix: str) -> Iterator[str]:
    """Serve `folder` under `prefix` on 127.0.0.1 (ephemeral port); yield the site's URL."""
    handler = type("Handler", (PagesHandler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def fetch(url: str) -> tuple[int, str]:
    """GET a local URL: (status, body)."""
    assert urlsplit(url).hostname == "127.0.0.1"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def crawl(start: str, production: str) -> tuple[set[str], list[str]]:
    """Follow every internal link from `start`: (pages reached, broken links as 'page: link')."""
    local_root = start
    production = production.rstrip("/") + "/"
    def localize(url: str) -> str:
        return local_root + url[len(production):] if url.startswith(production) else url

    pages: dict[str, set[str]] = {}
    broken: list[str] = []
    queue, seen = [start], {start}
    wanted: list[tuple[str, str, str, str]] = []  # (page, link, target, fragment)
    while queue:
        assert len(seen) < MAX_REQUESTS
        page = queue.pop()
        status, body = fetch(page)
        if status != 200:
            continue
        parsed = parse_page(body)
        pages[page] = parsed.ids
        for link in parsed.links:
            target, fragment = urldefrag(localize(urljoin(page, link)))
            if not target.startswith(local_root):
                if urlsplit(target).netloc == urlsplit(start).netloc:
                    broken.append(f"{page}: {link}")  # this server, outside the site
                continue  # another host: not this crawl's business
            wanted.append((page, link, target, fragment))
            if target not in seen and not target.endswith((".css", ".js", ".xml", ".ics", ".json", ".csv", ".geojson")):
                seen.add(target)
                queue.append(target)
    for page, link, target, fragment in wanted:
        if target not in pages:
            status, _ = fetch(target)
            if status != 200:
                broken.append(f"{page}: {link}")
                continue
        if fragment and target in pages and unquote(fragment) not in pages[target]:
            broken.append(f"{page}: {link}")
    return set(pages), broken


def build(cli: Cli, project: Path, base_url: str) -> Path:
    """Build the project for `base_url` into project/site."""
    code, _, err = cli("-C", project, "build", "--base-url", base_url)
    assert code == 0, err
    return project / "site"


@pytest.mark.parametrize(("base_url", "prefix"),
                         [(SUB_PATH, "/repo/"), (PAGES_OUTPUT, "/repo/"), (ROOT, "/")])
def test_crawl_finds_no_broken_link(seed_project: Path, cli: Cli, base_url: str,
                                    prefix: str) -> None:
    site = build(cli, seed_project, base_url)
    html_pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    with serve(site, prefix) as start:
        reached, broken = crawl(start, base_url)
        assert broken == []
        expected = {start + p.removesuffix("index.html") for p in html_pages - {"404.html"}}
        assert reached == expected  # every page is reachable from the home page
        # 404.html is served at any address, so its links must work from anywhere
        status, body = fetch(start + "no/such/event/here/")
        assert status == 404 and "Page not found" in body
        not_found = parse_page(body)
        for link in not_found.links:
            if link.startswith("#"):  # the same document, wherever it is served
                assert link[1:] in not_found.ids
                continue
            target = urldefrag(urljoin(start + "no/such/event/here/", link))[0]
            assert fetch(target)[0] == 200, link
    code, out, err = cli("-C", seed_project, "check", "--no-build", "--base-url", base_url)
    assert (code, out) == (0, ""), err
    assert "0 broken" in err


@pytest.mark.parametrize("base_url", [SUB_PATH, PAGES_OUTPUT, ROOT, "/", "/repo/"])
def test_every_absolute_url_is_under_the_base_url(seed_project: Path, cli: Cli,
                                                  base_url: str) -> None:
    site = build(cli, seed_project, base_url)
    base_path = urlsplit(base_url).path
    urls = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text("utf-8"))
    feed = (site / "feed.xml").read_text("utf-8")
    urls += re.findall(r'href="([^"]+)"', feed) + re.findall(r"<id>([^<]+)</id>", feed)
    document = json.loads((site / "events.json").read_text("utf-8"))
    urls += [document["url"]] + [event["url"] for event in document["events"]]
    ics = (site / "events.ics").read_text("utf-8").replace("\r\n ", "")
    urls += re.findall(r"^URL:(.+?)\r?$", ics, re.MULTILINE)
    for page in site.rglob("*.html"):
        text = page.read_text("utf-8")
        urls += re.findall(r'rel="canonical" href="([^"]+)"', text)
        # every root-relative link and asset starts with the base path
        for link in re.findall(r'(?:href|src)="(/[^"]*)"', text):
            assert link.startswith(base_path), (page, link)
    assert len(urls) > 60
    for url in urls:
        assert url.startswith(base_url.rstrip("/") + "/"), url
        assert "//" not in urlsplit(url).path, url
    assert "rel=\"canonical\"" not in (site / "404.html").read_text("utf-8")


def test_check_reports_planted_broken_links(seed_project: Path, cli: Cli) -> None:
    site = build(cli, seed_project, SUB_PATH)
    page = next(site.glob("events/*/index.html"))
    name = page.relative_to(site).as_posix()
    html = page.read_text("utf-8").replace("</main>", (
        '<a href="/repo/events/no-such-event/">gone</a>'
        '<a href="/repo/actors/#nowhere">no anchor</a>'
        '<a href="/events/">missing base path</a>'
        '<a href="../../actors/#main">fine</a>'
        '<a href="https://user.github.io/repo/#y2023-09">fine, absolute</a></main>'))
    page.write_text(html, "utf-8")
    not_found = site / "404.html"
    not_found.write_text(not_found.read_text("utf-8").replace(
        "</main>", '<a href="static/style.css">relative</a></main>'), "utf-8")
    code, out, err = cli("-C", seed_project, "check", "--no-build", "--base-url", SUB_PATH)
    assert code == 1
    assert out.splitlines() == [
        "404.html: static/style.css",
        f"{name}: /events/",
        f"{name}: /repo/actors/#nowhere",
        f"{name}: /repo/events/no-such-event/",
    ]
    assert "4 broken" in err


def test_check_builds_first_and_fails_without_a_site(seed_project: Path, cli: Cli) -> None:
    code, _, err = cli("-C", seed_project, "check", "--no-build")
    assert code == 1 and "there is no built site" in err
    code, out, err = cli("-C", seed_project, "check")
    assert (code, out) == (0, ""), err
    assert (seed_project / "site" / "index.html").is_file()


class ExternalHandler(SimpleHTTPRequestHandler):
    """/ok answers 200, /gone 404, /nohead refuses HEAD but answers GET."""

    def _answer(self, with_body: bool) -> None:
        path = urlsplit(self.path).path
        status = {"/ok": 200, "/gone": 404}.get(path, 200)
        if path == "/nohead" and self.command == "HEAD":
            status = 405
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if with_body:
            self.wfile.write(b"ok")

    def do_HEAD(self) -> None:
        """Answer a HEAD request."""
        self._answer(with_body=False)

    def do_GET(self) -> None:
        """Answer a GET request."""
        self._answer(with_body=True)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


def test_external_links_only_with_the_flag(tmp_path: Path, cli: Cli) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ExternalHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    (tmp_path / "site.yaml").write_text("title: T\nbase_url: https://example.org/\n", "utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(
        f'<a href="{origin}/ok">a</a><a href="{origin}/gone#x">b</a>'
        f'<a href="{origin}/nohead">c</a><a href="mailto:x@example.org">d</a>', "utf-8")
    try:
        assert cli("-C", tmp_path, "check", "--no-build")[:2] == (0, "")
        code, out, err = cli("-C", tmp_path, "check", "--no-build", "--external",
                             "--timeout", "2")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1
    assert out.splitlines() == [f"index.html: {origin}/gone#x"]
    assert "3 external URLs: 1 broken" in err
