"""Running one function over several shares of work, each in a forked process that reports back.

Forked workers inherit everything the parent has loaded (the timeline, compiled templates) without
pickling it. A worker sends messages to the parent as it goes; an exception in a worker (Ctrl-C
included) is sent to the parent and raised there once every worker has stopped.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

Share = TypeVar("Share")
Result = TypeVar("Result")
Send = Callable[[Any], None]  # how a worker sends a message to the parent


def can_fork() -> bool:
    """Whether this platform can fork workers (not on Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def detach(work: Callable[[], object]) -> bool:
    """Run `work` in a forked process that nobody waits for; False (and nothing done) if this cannot fork.

    The process lets go of the caller's standard streams at once, so that a caller reading our output
    to its end does not wait for it too; it leaves the terminal's session, so that a Ctrl-C meant for
    what runs next does not stop it; and it ends without running any of the parent's cleanup.
    """
    if not hasattr(os, "fork"):
        return False
    _reap_detached()
    try:
        child = os.fork()
    except OSError:  # no memory or no process left for it: the caller does the work itself
        return False
    if child == 0:
        try:
            with contextlib.suppress(OSError):
                os.setsid()
            quiet = os.open(os.devnull, os.O_RDWR)
            for stream in (0, 1, 2):
                os.dup2(quiet, stream)
            work()
        finally:
            os._exit(0)
    _DETACHED.append(child)
    return True  # not waited for: the command ends first (forking twice to spare a zombie cost 30 ms)


_DETACHED: list[int] = []  # detached processes not yet seen to end (see _reap_detached)


def _reap_detached() -> None:
    """Collect the exit status of the detached processes that have ended, so that a caller that goes on
    running (cli.main called in-process, many builds) does not keep them as zombies."""
    for pid in list(_DETACHED):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # already collected (by someone else)
            done = pid
        if done:
            _DETACHED.remove(pid)


class Forked(Generic[Result]):
    """`work()`, computed in a forked process while the caller goes on; `result()` waits for it.

    Should the process fail, or forking fail, `result()` calls `work()` itself (raising its error, if it
    fails again); the result is taken once.
    Leaving the `with` block stops the process if its result was not taken.
    """

    def __init__(self, work: Callable[[], Result]) -> None:
        self.work = work
        context = multiprocessing.get_context("fork")
        self.channel, sending = context.Pipe(duplex=False)
        self.process: multiprocessing.process.BaseProcess | None = context.Process(
            target=_send_result, args=(work, sending), daemon=True)
        try:
            self.process.start()
        except OSError:  # cannot fork now: result() does the work here
            self.process = None
        sending.close()

    def result(self) -> Result:
        """What `work()` returned in the forked process (waited for), or here if it failed there."""
        kind: str = "error"
        value: Any = None
        try:
            if self.process is not None:
                kind, value = self.channel.recv()
        except (EOFError, OSError, pickle.UnpicklingError):  # the process ended without a (whole) word
            pass
        finally:
            self.close()
        return value if kind == "ok" else self.work()

    def close(self) -> None:
        """Stop the process if it still runs (its result not taken: a build that failed, or Ctrl-C)."""
        self.channel.close()
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
            self.process = None

    def __enter__(self) -> Forked[Result]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _send_result(work: Callable[[], Any], channel: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # on Ctrl-C the parent stops it (Forked.close)
    try:
        channel.send(("ok", work()))
    except Exception:  # the parent does the work again, and sees the error itself
        channel.send(("error", None))
    finally:
        channel.close()


def worker_count(requested: int | None, items: int, per_worker: int) -> int:
    """How many processes to use: the request (default: the CPU count), fewer for little work."""
    wanted = requested if requested is not None else (os.cpu_count() or 1)
    return max(1, min(wanted, items // per_worker)) if can_fork() else 1


def _worker(work: Callable[[Share, Send], None], share: Share, channel: Connection) -> None:
    try:
        work(share, lambda message: channel.send(("message", message)))
        channel.send(("ok", None))
    except BaseException as exc:  # report everything, including Ctrl-C, to the parent
        channel.send(("error", exc))
    finally:
        channel.close()


class ForkError(OSError):
    """The system would not start another process (too many processes, too little memory)."""


def run_forked(work: Callable[[Share, Send], None], shares: Sequence[Share], heard: Callable[[Any], None],
               meanwhile: Callable[[], None] | None = None, stop: threading.Event | None = None) -> None:
    """Run `work(share, send)` in one forked process per share; the parent passes each message to `heard`.

    `meanwhile` runs in a thread of the parent once every worker has started (so no worker is forked
    from a process with two threads). Should anything fail, or Ctrl-C come, `stop` is set (so that
    `meanwhile` can end early) and the workers still running are stopped. Raises the exception of
    `meanwhile`, else the first of a worker, once every worker and `meanwhile` have stopped.
    """
    context = multiprocessing.get_context("fork")
    running: dict[Connection, multiprocessing.process.BaseProcess] = {}
    # A forked worker's garbage collector would visit, and so copy, every object it inherited.
    gc.freeze()
    failure: BaseException | None = None
    helper: threading.Thread | None = None
    helper_failure: list[BaseException] = []
    try:
        for share in shares:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_worker, args=(work, share, send))
            try:
                process.start()
            except OSError as exc:  # no process for this share: those started are stopped below
                receive.close()
                raise ForkError(str(exc)) from exc
            finally:
                send.close()
            running[receive] = process
        if meanwhile is not None:
            helper = threading.Thread(target=_catching, args=(meanwhile, helper_failure), daemon=True)
            helper.start()
        while running and not helper_failure:  # once `meanwhile` failed, the workers' results are not needed
            for ready in wait(list(running), timeout=0.05 if helper is not None else None):
                receive = next(r for r in running if r is ready)
                try:
                    kind, value = receive.recv()
                except EOFError:
                    kind, value = "error", RuntimeError("a build worker stopped without a word")
                if kind == "message":
                    heard(value)
                    continue
                if kind == "error":
                    failure = failure or value
                running.pop(receive).join()
                receive.close()
            if failure is not None and stop is not None:
                stop.set()
    except BaseException:
        if stop is not None:
            stop.set()
        raise
    finally:
        try:
            for receive, leftover in running.items():  # after a failure or Ctrl-C
                if leftover.is_alive():
                    leftover.terminate()
                leftover.join()
                receive.close()
            if helper is not None:
                _join(helper, stop)
        finally:
            gc.unfreeze()
    failure = helper_failure[0] if helper_failure else failure
    if failure is not None:
        raise failure


def _join(helper: threading.Thread, stop: threading.Event | None) -> None:
    """Wait for `helper` to end; if the wait is interrupted (Ctrl-C), tell it to stop, wait still, then re-raise.

    The helper writes into a staging folder that the caller deletes once this returns.
    """
    interrupted: BaseException | None = None
    while helper.is_alive():
        try:
            helper.join()
        except BaseException as exc:  # a second Ctrl-C must not leave the helper running either
            if stop is not None:
                stop.set()
            interrupted = interrupted or exc
    if interrupted is not None:
        raise interrupted


def _catching(function: Callable[[], None], failures: list[BaseException]) -> None:
    try:
        function()
    except BaseException as exc:  # re-raised by run_forked in the main thread
        failures.append(exc)
