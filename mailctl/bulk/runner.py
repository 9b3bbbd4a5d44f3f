"""The concurrent engine: runs one task per row on a bounded pool of worker threads that
share one backend (and so one keep-alive connection pool).

What it guarantees:
- each row is handed to a worker exactly once, and every row ends with exactly one
  result: done, failed, not attempted, or (after a second Ctrl-C) interrupted;
- results are delivered to `on_result` one at a time, on the calling thread, as each row
  finishes (so the report is written in order of completion and needs no lock);
- the first row runs alone: wrong credentials cost one failed login, not one per worker
  (panels lock users out after a few), and lazily built state (the connection pool, a
  mailbox.org session) is built once before the other workers start;
- an authentication failure stops the run at once; so do several requests in a row that
  could not reach the server (every further row would fail the same way). Rows already
  running finish; the rest are "not attempted";
- Ctrl-C stops scheduling and waits for the running requests; a second Ctrl-C stops
  waiting (their rows are recorded as interrupted, outcome unknown)."""

from __future__ import annotations

import queue
import signal
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Callable, Generic, Sequence, TypeVar

from mailctl.errors import AuthError, Interrupted, MailctlError, TransportError

T = TypeVar("T")

# Writes at once by default (bulk runs, apply): enough to hide the latency of a panel's
# answers without queueing on its few API workers.
DEFAULT_JOBS = 4
FAILED = "failed"
NOT_ATTEMPTED = "not_attempted"
INTERRUPTED = "interrupted"
# Requests in a row that could not reach the server (or got no readable answer) before
# the run stops: enough that one hiccup does not end a run of 500 rows, few enough that
# a dead server is not hammered.
UNREACHABLE_AFTER = 3
_POLL_SECONDS = 0.1


@dataclass
class Result(Generic[T]):
    item: T
    outcome: str
    error: MailctlError | None = None


@dataclass
class Summary(Generic[T]):
    results: list[Result[T]] = field(default_factory=list)
    # The error that ended the run early (an auth failure, an unreachable server).
    stopped_by: MailctlError | None = None
    interrupted: bool = False
    # A bug (not a MailctlError) raised by a task: the run stops and the caller re-raises it.
    crash: BaseException | None = None
    # The signal that interrupted the run (SIGINT, SIGTERM or SIGHUP), if one did.
    signal: int | None = None

    def counts(self) -> Counter:
        return Counter(result.outcome for result in self.results)

    def raise_if_cut_short(self, interrupted: str) -> None:
        """Re-raise what ended the run early: a bug, Ctrl-C (as Interrupted saying
        `interrupted`), or the auth failure / dead server that stopped it."""
        if self.crash is not None:
            raise self.crash
        if self.interrupted:
            raise Interrupted(interrupted)
        if self.stopped_by is not None:
            raise self.stopped_by


# The signals that stop a run the way Ctrl-C does: SIGTERM (kill, systemd, a CI job's
# timeout) and SIGHUP (the terminal went away) included, so the running requests finish
# and every applied row reaches the report.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class _Interrupts:
    """Counts Ctrl-C presses (and SIGTERM/SIGHUP) instead of raising KeyboardInterrupt
    at a random point of the bookkeeping (where a finished row's result could be lost).
    `first` is the signal that came first."""

    def __init__(self) -> None:
        self.count = 0
        self.first: int | None = None
        self._previous: dict[int, object] = {}

    def __enter__(self) -> "_Interrupts":
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                try:
                    self._previous[signum] = signal.signal(signum, self._pressed)
                except (OSError, ValueError):
                    pass
        return self

    def _pressed(self, signum, frame) -> None:
        if self.first is None:
            self.first = signum
        self.count += 1

    def __exit__(self, *exc_info) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)


_STOP = object()


class Runner(Generic[T]):
    """Runs `task(item)` for every item with at most `jobs` running at once. A task
    returns normally for success (None, or the name of another good outcome such as
    "exists") and raises a MailctlError for a failure."""

    def __init__(
        self,
        task: Callable[[T], None],
        *,
        jobs: int,
        done: str,
        on_result: Callable[[Result[T]], None] = lambda result: None,
        note: Callable[[str], None] = lambda text: None,
        first_alone: bool = True,
    ):
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        self.task = task
        self.jobs = jobs
        self.done = done
        self.on_result = on_result
        self.note = note
        # False when an earlier request already proved the server and credentials work.
        self.first_alone = first_alone
        # Set by stop(): the run schedules no more rows (the running ones finish).
        self.stop_reason: MailctlError | None = None

    def stop(self, reason: MailctlError) -> None:
        """Stop scheduling rows, for a reason found outside the rows (the report cannot
        be written); the rows running finish and are recorded."""
        if self.stop_reason is None:
            self.stop_reason = reason

    def run(self, items: Sequence[T]) -> Summary[T]:
        summary: Summary[T] = Summary()
        tasks: queue.Queue = queue.Queue()
        finished: queue.Queue = queue.Queue()
        workers = [
            threading.Thread(target=self._work, args=(tasks, finished), name=f"mailctl-bulk-{n}", daemon=True)
            for n in range(min(self.jobs, len(items)))
        ]
        for worker in workers:
            worker.start()
        pending = deque(enumerate(items))
        running: dict[int, T] = {}
        width = 1 if self.first_alone else self.jobs  # see the module docstring
        unreachable = 0
        stopping = False
        try:
            with _Interrupts() as interrupts:
                while True:
                    if interrupts.count and not summary.interrupted:
                        summary.interrupted = stopping = True
                        summary.signal = interrupts.first
                        if running:
                            self.note(f"Interrupted: waiting for {len(running)} running request(s) to finish "
                                      "(Ctrl-C again to stop waiting)")
                    if interrupts.count >= 2:
                        break
                    while not stopping and pending and len(running) < width:
                        index, item = pending.popleft()
                        running[index] = item
                        tasks.put((index, item))
                    if not running:
                        break
                    try:
                        index, error, outcome = finished.get(timeout=_POLL_SECONDS)
                    except queue.Empty:
                        continue
                    result = self._result(running.pop(index), error, summary, outcome)
                    summary.results.append(result)
                    self.on_result(result)
                    if self.stop_reason is not None and summary.stopped_by is None:
                        stopping, summary.stopped_by = True, self.stop_reason
                    if summary.crash is not None:
                        stopping = True
                    elif result.error is None or not isinstance(result.error, (AuthError, TransportError)):
                        # The server answered and took the credentials: open up.
                        width, unreachable = self.jobs, 0
                    elif isinstance(result.error, AuthError):
                        stopping, summary.stopped_by = True, result.error
                    else:
                        unreachable += 1
                        if unreachable >= UNREACHABLE_AFTER and summary.stopped_by is None:
                            stopping, summary.stopped_by = True, result.error
        finally:
            for _ in workers:
                tasks.put(_STOP)
        for index in sorted(running):
            self._record(summary, Result(running[index], INTERRUPTED, MailctlError(
                "interrupted while its request was running: whether it was applied is unknown")))
        reason = "interrupted" if summary.interrupted else "the run stopped early"
        for _, item in pending:
            self._record(summary, Result(item, NOT_ATTEMPTED, MailctlError(f"not attempted: {reason}")))
        return summary

    def _record(self, summary: Summary[T], result: Result[T]) -> None:
        summary.results.append(result)
        self.on_result(result)

    def _result(self, item: T, error: BaseException | None, summary: Summary[T],
                outcome: str | None = None) -> Result[T]:
        if error is None:
            return Result(item, outcome if isinstance(outcome, str) else self.done)
        if isinstance(error, MailctlError):
            return Result(item, FAILED, error)
        if summary.crash is None:
            summary.crash = error
        return Result(item, FAILED, MailctlError(f"internal error: {type(error).__name__}: {error}"))

    def _work(self, tasks: queue.Queue, finished: queue.Queue) -> None:
        while True:
            job = tasks.get()
            if job is _STOP:
                return
            index, item = job
            try:
                outcome = self.task(item)
            except BaseException as exc:  # every outcome goes back to the scheduler
                finished.put((index, exc, None))
            else:
                finished.put((index, None, outcome))
