"""The parts' worker processes: two at a time (two cores), each part in a process forked for
it, and a part's towns or proof that run past its deadline going on at the lowest CPU
priority while the parts after it take its place (`Overtime`, `Extension`).

Why: a part's proof is one HiGHS MIP, which cannot be resumed once stopped. On the national
rounds the largest part's proof was stopped at the end of its share of the minute while the
other worker still had parts to solve, and was started again from scratch once they were
done: two halves of ~20 s, neither enough (the seed-3 round without families: 2 points from
proven in 56 s). Going on instead, at the lowest priority, it takes only the CPU that the
other parts leave idle, and the same round is proven in 41 s (docs/solver.md, "Time limit").
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

# At most this many proofs go on past their deadline at once: each holds its model in a
# process of its own beside the two that solve the parts after it.
MOST_OVERTIME = 1
# The nice value of a proof past its deadline: Linux' CFS then gives it ~1.5% of a core that
# a part at the default priority wants, and the whole core when no one else does.
LOWEST_PRIORITY = 19
# A proof past its deadline that has not ended this long after the round's deadline is
# stopped, and its part keeps the answer it had before the proof (`Overtime.before`). HiGHS
# looks at its clock only between steps, which at the lowest priority can be seconds apart:
# a national round once ended 10.8 s past its deadline in a slow hour (2026-11-30).
STOP_AFTER = 0.5


def lowest_priority() -> None:
    """Lower every thread of this process to the lowest CPU priority (on Linux a nice value
    belongs to a thread: HiGHS' and OpenBLAS' workers are threads of their own)."""
    try:
        threads = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:
        threads = [0]  # this thread only, where /proc is missing
    for tid in threads:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, tid, LOWEST_PRIORITY)


class Overtime:
    """A part's permission to go on with its towns and proof past its deadline, up to `until`
    (the round's deadline), at the lowest CPU priority. Given to the function a worker runs;
    `past(deadline)` yields an `Extension`, which takes one of the `MOST_OVERTIME` slots
    when work that would not fit before `deadline` asks for it. `before(result)` hands the
    parent the result to use if that work is stopped (`STOP_AFTER`)."""

    def __init__(self, until: float, conn: Connection | None, slots: Any) -> None:
        self.until = until
        self._conn = conn
        self._slots = slots
        self.lock = threading.Lock()  # one message at a time on the pipe
        self.used = False

    @contextlib.contextmanager
    def past(
        self, deadline: float, granted: Callable[[], None] | None = None
    ) -> Iterator[Extension]:
        """Yield the part's `Extension` past `deadline`; `granted()` is called when it takes
        a slot (to hand over the result so far), and the slot is given back on leaving."""
        extension = Extension(self, deadline, granted)
        try:
            yield extension
        finally:
            extension.release()

    def before(self, result: Any) -> None:
        """Give the parent the task's result as it stands, in case the work that follows is
        stopped past the round's deadline."""
        with self.lock:
            if self._conn is not None:
                self._conn.send(("before", result))

    def take_slot(self) -> bool:
        with self._slots.get_lock():
            if self._slots.value <= 0:
                return False
            self._slots.value -= 1
            return True

    def give_slot(self) -> None:
        with self._slots.get_lock():
            self._slots.value += 1

    def background(self) -> None:
        """Go on at the lowest priority, and let the parent start the next part."""
        lowest_priority()
        with self.lock:
            self.used = True
            if self._conn is not None:
                self._conn.send(("overtime", None))


class Extension:
    """A part's hold on an overtime slot, taken only when work asks for time past the part's
    deadline (`end`): a part that took it as soon as its towns started held it while they
    ended in time, and the other large part beside it, whose towns needed the slot a moment
    later, was refused (the benchmark's national round, 2026-11-30)."""

    def __init__(
        self, overtime: Overtime, deadline: float, granted: Callable[[], None] | None
    ) -> None:
        self._overtime = overtime
        self.deadline = deadline
        self._granted = granted
        self.held = False
        self._timer: threading.Timer | None = None

    def end(self, seconds: float) -> float:
        """When work of about `seconds` (an estimate) starting now may run to: the part's
        deadline when the work fits there twice over, or when no slot is free or the
        deadline has passed; else the round's deadline, holding a slot from now on (at
        the part's deadline this process goes to the lowest priority)."""
        now = time.monotonic()
        overtime = self._overtime
        wanted = now + 2 * seconds > self.deadline and overtime.until > self.deadline
        if not self.held and wanted and now < self.deadline and overtime.take_slot():
            self.held = True
            if self._granted is not None:
                self._granted()
            self._timer = threading.Timer(max(self.deadline - now, 0.0), overtime.background)
            self._timer.daemon = True
            self._timer.start()
        return overtime.until if self.held else self.deadline

    def release(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self.held:
            self.held = False
            self._overtime.give_slot()


Task = tuple[Callable[[Any, Overtime | None], Any], Any]


def _child(conn: Connection, task: Task, until: float, slots: Any) -> None:
    fn, arg = task
    overtime = Overtime(until, conn, slots)
    try:
        message: tuple[str, Any] = ("done", fn(arg, overtime))
    except BaseException as exc:  # the parent raises it
        message = ("error", exc)
    with overtime.lock:
        try:
            conn.send(message)
        except Exception as exc:  # an exception that cannot be pickled
            conn.send(("error", RuntimeError(f"{message[1]!r} ({exc})")))
    conn.close()


@dataclass
class _Running:
    """A task in its worker: the process, the task's index, whether it is the task's first
    run (not a follow-up), and whether it went past its deadline (`Overtime`)."""

    process: Any
    index: int
    first: bool
    overtime: bool = False
    before: Any = None  # the result to use if it is stopped (`Overtime.before`)


def run(
    context: Any,
    tasks: list[Task],
    until: float,
    then: Callable[[int, Any], Task | None],
    workers: int = 2,
) -> list[Any]:
    """Run `tasks` (function, argument) in processes forked from this one (`context`, a
    "fork" multiprocessing context), `workers` at a time and in order, and return their
    results in order. A task past its deadline in `Overtime` no longer counts against
    `workers`, and one still running `STOP_AFTER` past `until` that gave a result
    beforehand (`Overtime.before`) is stopped and that result used. `then(i, result)` may
    give task `i` a follow-up, queued behind every task not started yet, whose result
    replaces the first. The first error raised in a worker is raised here, after every
    worker is stopped."""
    slots = context.Value("i", MOST_OVERTIME)
    queue = deque((i, task, True) for i, task in enumerate(tasks))
    running: dict[Connection, _Running] = {}  # by the pipe its result comes through
    results: list[Any] = [None] * len(tasks)
    try:
        while queue or running:
            while queue and sum(not r.overtime for r in running.values()) < workers:
                i, task, first = queue.popleft()
                reader, writer = context.Pipe(duplex=False)
                proc = context.Process(target=_child, args=(writer, task, until, slots))
                proc.daemon = True
                proc.start()
                writer.close()
                running[reader] = _Running(proc, i, first)
            stoppable = any(r.overtime and r.before is not None for r in running.values())
            left = until + STOP_AFTER - time.monotonic()
            ready = wait(list(running), timeout=max(left, 0.0) if stoppable else None)
            if not ready and stoppable:
                _stop_late(running, results)
            for reader in ready:
                entry = running[reader]
                try:
                    kind, payload = reader.recv()
                except EOFError:
                    code = entry.process.exitcode
                    kind, payload = "error", RuntimeError(f"a part's worker died ({code})")
                if kind == "overtime":
                    entry.overtime = True
                    continue
                if kind == "before":
                    entry.before = payload
                    continue
                del running[reader]
                reader.close()
                entry.process.join()
                if kind == "error":
                    raise payload
                results[entry.index] = payload
                follow = then(entry.index, payload) if entry.first else None
                if follow is not None:
                    queue.append((entry.index, follow, False))
    finally:
        for reader, entry in running.items():
            entry.process.kill()
            entry.process.join()
            reader.close()
    return results


def _stop_late(running: dict[Connection, _Running], results: list[Any]) -> None:
    """Stop the proofs past their deadline that gave a result beforehand, and use it."""
    for reader, entry in list(running.items()):
        if entry.overtime and entry.before is not None:
            entry.process.kill()
            entry.process.join()
            reader.close()
            del running[reader]
            if entry.first or results[entry.index] is None:
                results[entry.index] = entry.before
