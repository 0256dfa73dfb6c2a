"""Change classification and debouncing, without sockets or real file events."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import load_config
from generator.watch import ChangeBatcher, ChangeKind, classify


@pytest.mark.parametrize(("relative", "kind"), [
    ("site.yaml", ChangeKind.CONFIG),
    ("content/events/meeting.yaml", ChangeKind.CONTENT),
    ("content/actors.yaml", ChangeKind.CONTENT),
    ("seeds/story.txt", ChangeKind.CONTENT),
    ("templates/event.html", ChangeKind.TEMPLATE),
    ("templates/partials/x.html", ChangeKind.TEMPLATE),
    ("templates/static/style.css", ChangeKind.STYLESHEET),
    ("templates/static/timeline.js", ChangeKind.CONTENT),
    ("site/index.html", None),
    (".site.tmp-abc/index.html", None),
    ("content/events/.meeting.yaml.swp", None),
    ("content/events/meeting.yaml~", None),
    ("content/events/.#meeting.yaml", None),
    ("content/events/4913", None),
    (".git/index", None),
    ("README.md", None),
])
def test_classify(minimal_site: Path, relative: str, kind: ChangeKind | None) -> None:
    config = load_config(minimal_site)
    assert classify(minimal_site / relative, config) == kind


def test_outside_the_project_is_ignored(minimal_site: Path, tmp_path: Path) -> None:
    assert classify(tmp_path / "elsewhere.yaml", load_config(minimal_site)) is None


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_burst_becomes_one_batch_with_the_strongest_kind() -> None:
    clock = FakeClock()
    fired: list[tuple[set[Path], ChangeKind]] = []
    batcher = ChangeBatcher(lambda paths, kind: fired.append((paths, kind)), delay=0.1, clock=clock)
    for step in range(50):  # a git checkout: 50 changes, 10 ms apart
        clock.now = step * 0.01
        batcher.add(Path(f"content/events/e{step}.yaml"), ChangeKind.CONTENT)
        assert not batcher.flush_if_due()
    batcher.add(Path("templates/base.html"), ChangeKind.TEMPLATE)
    clock.now += 0.099
    assert not batcher.flush_if_due()
    clock.now += 0.002
    assert batcher.flush_if_due()
    assert len(fired) == 1 and len(fired[0][0]) == 51 and fired[0][1] is ChangeKind.TEMPLATE
    assert batcher.due() is None and not batcher.flush_if_due()


def test_one_save_fires_once_after_the_quiet_period() -> None:
    clock = FakeClock()
    fired: list[ChangeKind] = []
    batcher = ChangeBatcher(lambda paths, kind: fired.append(kind), delay=0.1, clock=clock)
    batcher.add(Path("content/events/a.yaml"), ChangeKind.CONTENT)  # editors often write twice per save
    batcher.add(Path("content/events/a.yaml"), ChangeKind.CONTENT)
    assert batcher.due() == pytest.approx(0.1)
    clock.now = 0.1
    assert batcher.flush_if_due() and fired == [ChangeKind.CONTENT]
