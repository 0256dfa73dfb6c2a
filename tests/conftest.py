"""Shared fixtures: fixture sites under tests/sites/, the seed project, and the command line."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import settings
from playwright.sync_api import Browser, Page, sync_playwright

from generator.cli import main

# Hypothesis' per-example deadline is a timing assertion; on a busy two-core machine it fails for no reason.
settings.register_profile("build-site", deadline=None)
settings.load_profile("build-site")

SITES = Path(__file__).parent / "sites"
CHROMIUM = "/usr/bin/chromium"  # Debian's Chromium; Playwright's own browser download is never used
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 10_000
PROJECT = Path(__file__).parent.parent


def copy_site(name: str, destination: Path) -> Path:
    """Copy tests/sites/<name> to destination and return it."""
    shutil.copytree(SITES / name, destination, dirs_exist_ok=True)
    return destination


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: content} under root (the MkDocs `tempdir` pattern)."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def private_build_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps its build cache in its own folder, never in the user's home."""
    folder = tmp_path_factory.mktemp("build-cache")
    monkeypatch.setenv("BUILD_SITE_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def minimal_site(tmp_path: Path) -> Path:
    """A fresh copy of the valid minimal fixture site."""
    return copy_site("minimal", tmp_path / "minimal")


REPO = PROJECT


@pytest.fixture
def seed_project(tmp_path: Path) -> Path:
    """A fresh copy of the project's own seed timeline (site.yaml, content, seeds, templates)."""
    root = tmp_path / "seed"
    root.mkdir()
    for name in ("content", "seeds", "templates"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "site.yaml", root / "site.yaml")
    return root


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run build-site with arguments; return (exit code, stdout, stderr)."""
    def run(*args: str | Path) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole test session."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own browser context."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


class PagesHandler(SimpleHTTPRequestHandler):
    """Serves a folder under a path prefix, answering unknown addresses with 404.html."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        """Map /prefix/x to <folder>/x; anything outside the prefix maps to a missing file."""
        route = urlsplit(path).path
        if not route.startswith(self.prefix):
            return str(Path(self.directory) / "outside-the-prefix" / "missing")
        return super().translate_path("/" + route[len(self.prefix):])

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """Serve the site's 404.html as GitHub Pages does."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's seed timeline, built once per test module (read only)."""
    from generator.build import build_project

    output = tmp_path_factory.mktemp("seed") / "site"
    build_project(PROJECT, output_dir=str(output))
    return output


def events_json(site: Path) -> list[dict[str, Any]]:
    """The events of a built site's JSON export."""
    return json.loads((site / "events.json").read_text(encoding="utf-8"))["events"]  # type: ignore[no-any-return]
