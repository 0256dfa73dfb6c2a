"""Shared fixtures: a copy of the seed timeline as a project, and running the command line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def seed_project(tmp_path: Path) -> Path:
    """The seed timeline (site.yaml, content, seeds) copied into a fresh project folder."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "site.yaml", project / "site.yaml")
    shutil.copytree(REPO / "content", project / "content")
    shutil.copytree(REPO / "seeds", project / "seeds")
    return project


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run build-site with arguments; return (exit code, stdout, stderr)."""
    def run(*args: str | Path) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run
