"""Shared fixtures: fixture sites under tests/sites/, the seed project, and the command line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import main

SITES = Path(__file__).parent / "sites"
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
