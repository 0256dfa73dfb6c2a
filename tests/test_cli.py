"""The command line: help, version, exit codes and what it prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_files
from generator import __version__
from generator.cli import main


def test_build_prints_closing_line(minimal_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(minimal_site)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Built 2 events into ") and " pages (" in out and out.rstrip().endswith(" s")


def test_quiet_prints_nothing(minimal_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(minimal_site), "-q", "build"]) == 0
    assert capsys.readouterr() == ("", "")


def test_errors_go_to_stderr_with_exit_1(minimal_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_files(minimal_site, {"content/events/bad.yaml": "title: x\ndate: 2023-13\nstatus: planned\nsummary: s\n"})
    assert main(["-C", str(minimal_site)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "content/events/bad.yaml:2:12: invalid date '2023-13': there is no month 13; months run from 01 to 12",
        "    date: 2023-13",
        "               ^",
        "Build failed: 1 problem found; nothing was written.",
    ]


def test_base_url_option(minimal_site: Path) -> None:
    assert main(["-C", str(minimal_site), "-q", "build", "--base-url", "https://u.github.io/r/"]) == 0
    assert 'href="/r/static/style.css"' in (minimal_site / "site/index.html").read_text(encoding="utf-8")


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--no-such-option"]) == 2
    assert "No such option" in capsys.readouterr().err


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"build-site, version {__version__}"
    assert main(["--help"]) == 0
    assert "Build an event-timeline website" in capsys.readouterr().out


def test_installed_console_script_builds_from_the_project_folder(minimal_site: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    done = subprocess.run([sys.executable, "-m", "generator"], cwd=minimal_site, capture_output=True, text=True,
                          env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built 2 events")
    assert (minimal_site / "site/index.html").is_file()


def test_console_script_exits_at_once_but_keeps_its_output_and_codes(minimal_site: Path, tmp_path: Path) -> None:
    """After a build, `run` ends the process without freeing the cache (os._exit): nothing may be lost."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent), "BUILD_SITE_CACHE_DIR": str(tmp_path)}
    for _ in range(2):  # without, then with a stored cache
        done = subprocess.run([sys.executable, "-m", "generator", "-v"], cwd=minimal_site, capture_output=True,
                              text=True, env=env, check=False)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Built 2 events"), done.stdout  # flushed into a pipe
        assert "INFO: loaded 2 events" in done.stderr  # and the log too
    assert list(tmp_path.glob("*.pickle"))  # the cache was saved before the exit
    broken = next((minimal_site / "content/events").glob("*.yaml"))
    broken.write_text("title: [unclosed\n")
    done = subprocess.run([sys.executable, "-m", "generator"], cwd=minimal_site, capture_output=True, text=True,
                          env=env, check=False)
    assert done.returncode == 1
    assert broken.name in done.stderr


SLOW_DELETE = """
import shutil, sys, time
from generator import output
deleting = shutil.rmtree
def slow(*args, **kwargs):
    time.sleep(4)
    deleting(*args, **kwargs)
output.shutil.rmtree = slow
from generator.cli import run
sys.argv = ["build-site"]
run()
"""


def test_the_old_site_is_deleted_without_holding_the_callers_pipes(minimal_site: Path, tmp_path: Path) -> None:
    """The replaced files are deleted by a detached process whose output goes nowhere: a caller reading the
    command's output to its end (a script, `| tee`, CI) does not wait for the deletion (here made 4 s long)."""
    import time

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent), "BUILD_SITE_CACHE_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "generator", "-q"], cwd=minimal_site, env=env, check=True)
    event = next((minimal_site / "content/events").glob("*.yaml"))
    event.write_text(event.read_text().replace("title: ", "title: Edited ", 1))  # a patch of the site
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", SLOW_DELETE], cwd=minimal_site, capture_output=True, text=True,
                          env=env, check=False)
    waited = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built 2 events"), done.stdout
    assert waited < 4, waited  # the output ended before the deletion did
    assert "Edited" in (minimal_site / "site/index.html").read_text()
    assert list(minimal_site.glob(".site.*-*"))  # the replaced site (or files), still being deleted
    deadline = time.monotonic() + 20
    while any(minimal_site.glob(".site.*-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(minimal_site.glob(".site.*-*"))


def test_the_cache_is_saved_in_the_background_only_for_a_person_at_a_terminal(monkeypatch: pytest.MonkeyPatch,
                                                                              tmp_path: Path) -> None:
    """A script, CI job or timer may be stopped with everything it started once the command ends: then the
    command saves the cache itself (the test above checks it is there when the process has ended)."""
    import pty

    from generator import cli

    leader, follower = pty.openpty()
    with os.fdopen(follower, "w") as terminal, (tmp_path / "log").open("w") as log:
        monkeypatch.setattr(sys, "stderr", terminal)
        assert cli._at_a_terminal()
        monkeypatch.setattr(sys, "stderr", log)
        assert not cli._at_a_terminal()
    os.close(leader)
