"""The preview server: path safety, injection, status codes and content types, over a real socket."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.devserver import Broker, PreviewServer, inject, resolve_request


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "events/a").mkdir(parents=True)
    (site / "index.html").write_text("<html><body>home</body></html>")
    (site / "events/a/index.html").write_text("<html><body>event a</body></html>")
    (site / "404.html").write_text("<html><body>missing</body></html>")
    (site / "style.css").write_text("body{}")
    (tmp_path / "secret.txt").write_text("TOPSECRET")
    (site / "link.txt").symlink_to(tmp_path / "secret.txt")
    return site


@pytest.mark.parametrize("request_path", [
    "/repo/../secret.txt", "/repo/%2e%2e/secret.txt", "/repo/%2E%2E%2Fsecret.txt", "/repo/..%2fsecret.txt",
    "/repo/link.txt", "/repo/a\\..\\secret.txt", "/secret.txt", "/repo/%00", "/repo/./index.html",
])
def test_nothing_outside_the_output_folder(root: Path, request_path: str) -> None:
    assert resolve_request(root, "/repo/", request_path) is None


def test_directories_serve_their_index(root: Path) -> None:
    assert resolve_request(root, "/repo/", "/repo/events/a/?x=1") == (root / "events/a/index.html").resolve()
    assert resolve_request(root, "/repo/", "/repo/") == (root / "index.html").resolve()


def test_inject_before_body_end() -> None:
    assert inject(b"<body>x</body>", "/s.js", "/e", "p/") == (
        b'<body>x<script src="/s.js" data-endpoint="/e" data-page="p/"></script></body>')
    assert b' data-build="abc123"' in inject(b"<body>x</body>", "/s.js", "/e", "p/", "abc123")


@pytest.fixture
def server(root: Path) -> Iterator[tuple[str, int]]:
    broker = Broker()
    httpd = PreviewServer(("127.0.0.1", 0), root, "/repo/", broker)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield "127.0.0.1", httpd.server_address[1]
    broker.close()
    httpd.shutdown()
    httpd.server_close()


def fetch(address: tuple[str, int], path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(*address, timeout=5)
    connection.request(method, path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def test_pages_get_the_reload_script(server: tuple[str, int]) -> None:
    status, headers, body = fetch(server, "/repo/events/a/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body.endswith(b'data-page="events/a/"></script></body></html>')


def test_missing_page_is_404_with_the_404_page_and_script(server: tuple[str, int]) -> None:
    status, _, body = fetch(server, "/repo/events/new/")
    assert status == 404 and b"missing" in body and b"livereload.js" in body


def test_traversal_over_the_wire_is_404(server: tuple[str, int]) -> None:
    for path in ("/repo/%2e%2e/secret.txt", "/repo/link.txt", "/repo/..%2fsecret.txt"):
        status, _, body = fetch(server, path)
        assert status == 404 and b"TOPSECRET" not in body


def test_request_path_cannot_inject_markup(server: tuple[str, int]) -> None:
    status, _, body = fetch(server, '/repo/%22%3E%3Cscript%3Ealert(1)%3C/script%3E')
    assert status == 404 and b"<script>alert" not in body and b"&quot;&gt;&lt;script&gt;" in body


def test_head_css_redirects_and_types(server: tuple[str, int]) -> None:
    status, headers, body = fetch(server, "/repo/style.css", "HEAD")
    assert (status, headers["Content-Type"], headers["Content-Length"], body) == (
        200, "text/css; charset=utf-8", "6", b"")
    status, headers, _ = fetch(server, "/")
    assert status == 302 and headers["Location"] == "/repo/"
    assert fetch(server, "/repo/events/a")[1]["Location"] == "/repo/events/a/"


def test_many_open_streams_do_not_stall_pages(server: tuple[str, int]) -> None:
    streams = []
    for _ in range(100):
        connection = http.client.HTTPConnection(*server, timeout=5)
        connection.request("GET", "/repo/__build-site/events")
        response = connection.getresponse()
        assert response.status == 200 and response.readline().startswith(b"retry:")
        streams.append(connection)
    for _ in range(50):
        assert fetch(server, "/repo/")[0] == 200
    for connection in streams:
        connection.close()


def test_the_pages_served_last_are_remembered(root: Path) -> None:
    from generator.devserver import RecentPages

    recent = RecentPages(size=2)
    httpd = PreviewServer(("127.0.0.1", 0), root, "/repo/", Broker(), recent=recent)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        address = ("127.0.0.1", httpd.server_address[1])
        for path in ("/repo/events/a/", "/repo/style.css", "/repo/missing/", "/repo/"):
            fetch(address, path)
        assert recent.paths() == {"events/a/index.html", "index.html"}  # pages only; not a 404 or a stylesheet
        fetch(address, "/repo/events/a/")
        fetch(address, "/repo/404.html")
        assert recent.paths() == {"events/a/index.html", "404.html"}  # the two most recent
    finally:
        httpd.shutdown()
        httpd.server_close()
