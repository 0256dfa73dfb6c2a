"""Change classification and debouncing, without sockets or real file events."""

from __future__ import annotations

import time
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


def test_a_completed_save_needs_only_the_short_settle() -> None:
    clock = FakeClock()
    fired: list[set[Path]] = []
    batcher = ChangeBatcher(lambda paths, kind: fired.append(paths), delay=0.1, settle=0.025, clock=clock)
    event = Path("content/events/a.yaml")
    batcher.add(event, ChangeKind.CONTENT)  # modified: the write may go on
    assert batcher.due() == pytest.approx(0.1)
    clock.now = 0.005
    batcher.add(event, ChangeKind.CONTENT, completes=True)  # closed after writing: the save is over
    assert batcher.due() == pytest.approx(0.025)
    clock.now = 0.029
    assert not batcher.flush_if_due()
    clock.now = 0.031
    assert batcher.flush_if_due() and fired == [{event}]


def test_a_burst_of_completed_saves_is_still_one_batch() -> None:
    clock = FakeClock()
    fired: list[set[Path]] = []
    batcher = ChangeBatcher(lambda paths, kind: fired.append(paths), delay=0.1, settle=0.025, clock=clock)
    for step in range(30):  # git checkout writes and closes files a few milliseconds apart
        clock.now = step * 0.004
        batcher.add(Path(f"content/events/e{step}.yaml"), ChangeKind.CONTENT, completes=True)
        assert not batcher.flush_if_due()
    clock.now += 0.03
    assert batcher.flush_if_due() and len(fired) == 1 and len(fired[0]) == 30


def test_a_write_then_close_on_disk_is_reported_as_completing(minimal_site: Path) -> None:
    """Through the real watcher: one save gives changes, the last of which completes it."""
    import threading

    from generator.config import load_config
    from generator.watch import start_watching

    calls: list[bool] = []
    done = threading.Event()

    class Recorder(ChangeBatcher):
        def add(self, path: Path, kind: ChangeKind, completes: bool = False) -> None:
            calls.append(completes)
            if completes:
                done.set()

    observer = start_watching(load_config(minimal_site), Recorder(lambda paths, kind: None))
    try:
        event = next((minimal_site / "content/events").glob("*.yaml"))
        time.sleep(0.2)  # let the observer start
        event.write_text(event.read_text() + "\n", encoding="utf-8")
        assert done.wait(5), calls
    finally:
        observer.stop()
        observer.join()
    assert calls[-1] is True


def test_a_completed_save_does_not_cut_short_another_file_still_being_written() -> None:
    clock = FakeClock()
    batcher = ChangeBatcher(lambda paths, kind: None, delay=0.1, settle=0.025, clock=clock)
    batcher.add(Path("content/events/big.yaml"), ChangeKind.CONTENT)  # still being written
    clock.now = 0.01
    batcher.add(Path("content/events/small.yaml"), ChangeKind.CONTENT, completes=True)
    assert batcher.due() == pytest.approx(0.1)  # the full quiet time: big.yaml is not closed yet
    clock.now = 0.02
    batcher.add(Path("content/events/big.yaml"), ChangeKind.CONTENT, completes=True)
    assert batcher.due() == pytest.approx(0.025)
