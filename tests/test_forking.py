"""Forked workers: their messages reach the parent in order, and any failure is raised in the parent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.forking import Send, run_forked, worker_count


def _count(share: list[int], send: Send) -> None:
    for number in share:
        send(number * number)


def test_every_message_of_every_worker_is_heard() -> None:
    heard: list[int] = []
    run_forked(_count, [[1, 2, 3], [4, 5]], heard.append)
    assert sorted(heard) == [1, 4, 9, 16, 25]
    assert [n for n in heard if n in (1, 4, 9)] == [1, 4, 9]  # one worker's messages stay in order


def _fail_on_three(share: list[int], send: Send) -> None:
    for number in share:
        if number == 3:
            raise ValueError(f"cannot square {number}")
        send(number)


def test_a_worker_exception_is_raised_in_the_parent_after_all_stop() -> None:
    heard: list[int] = []
    with pytest.raises(ValueError, match="cannot square 3"):
        run_forked(_fail_on_three, [[1, 3], [4, 5]], heard.append)
    assert 4 in heard and 5 in heard  # the other worker finished its share


def _die(share: list[int], send: Send) -> None:
    os._exit(3)  # as if killed: no word to the parent


def test_a_worker_that_dies_silently_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="stopped without a word"):
        run_forked(_die, [[1]], lambda message: None)


def test_meanwhile_runs_in_the_parent_and_its_failure_is_raised() -> None:
    ran: list[int] = [os.getpid()]

    def meanwhile() -> None:
        ran.append(os.getpid())
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        run_forked(_count, [[1]], lambda message: None, meanwhile)
    assert ran == [os.getpid(), os.getpid()]


def test_worker_count_follows_the_request_and_the_work() -> None:
    assert worker_count(4, 1000, 100) == 4
    assert worker_count(4, 250, 100) == 2
    assert worker_count(4, 10, 100) == 1


def test_forked_gives_what_the_work_returns_computed_in_another_process() -> None:
    from generator.forking import Forked

    with Forked(lambda: (os.getpid(), list(range(100_000)))) as forked:  # more than a pipe holds at once
        pid, numbers = forked.result()
    assert pid != os.getpid() and numbers == list(range(100_000))


def test_forked_work_that_fails_there_is_done_again_here(tmp_path: Path) -> None:
    from generator.forking import Forked

    calls = tmp_path / "calls"

    def work() -> int:
        with calls.open("a") as log:
            log.write(f"{os.getpid()}\n")
        if os.getpid() != parent:
            raise OSError("not there")
        return 7

    parent = os.getpid()
    with Forked(work) as forked:
        assert forked.result() == 7
    assert len(calls.read_text().split()) == 2  # tried there, then here

    def always_failing() -> int:
        raise ValueError("no such folder")

    with Forked(always_failing) as forked, pytest.raises(ValueError, match="no such folder"):
        forked.result()  # the error is the one the work raises here


def test_forked_work_whose_result_is_not_taken_is_stopped() -> None:
    import time

    from generator.forking import Forked

    with Forked(lambda: time.sleep(60)) as forked:
        process = forked.process
        assert process is not None and process.is_alive()
    assert forked.process is None and not process.is_alive()


def test_detached_processes_are_collected_once_they_end() -> None:
    import time

    from generator import forking

    assert forking.detach(lambda: None)
    first = forking._DETACHED[-1]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # until it has ended (a zombie: its status not yet collected)
        if Path(f"/proc/{first}/stat").read_text().split(") ")[1].startswith("Z"):
            break
        time.sleep(0.01)
    assert forking.detach(lambda: None)  # collects the first on the way
    assert first not in forking._DETACHED
    assert not Path(f"/proc/{first}").exists()
