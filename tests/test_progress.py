"""The terminal progress line: only on a terminal, only after a second, never in CI."""

from __future__ import annotations

import io

import pytest

from generator import progress as module
from generator.progress import TerminalProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [100.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    monkeypatch.delenv("CI", raising=False)
    return now


def test_shows_after_a_second_and_clears(clock: list[float]) -> None:
    stream = Terminal()
    shown = TerminalProgress(stream)
    shown(10, 1000)
    assert stream.getvalue() == ""  # a short build stays silent
    clock[0] += 1.5
    shown(500, 1000)
    assert stream.getvalue() == "\rRendering pages: 500 of 1,000"
    clock[0] += 0.01
    shown(510, 1000)  # too soon to redraw
    shown(1000, 1000)  # but the last page always shows
    assert stream.getvalue().endswith("\rRendering pages: 1,000 of 1,000")
    assert "510" not in stream.getvalue()
    shown.clear()
    assert stream.getvalue().endswith("\r\033[K")


@pytest.mark.parametrize("ci", [False, True])
def test_silent_on_a_pipe_and_in_ci(clock: list[float], monkeypatch: pytest.MonkeyPatch, ci: bool) -> None:
    stream: io.StringIO = Terminal() if ci else io.StringIO()
    if ci:
        monkeypatch.setenv("CI", "true")
    shown = TerminalProgress(stream)
    clock[0] += 5
    shown(1, 2)
    shown.clear()
    assert stream.getvalue() == ""
