"""The round as one job: read, build candidates, optimise, explain, answer."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from .budget import (
    CountFirst,
    budget_can_bind,
    budget_in_ore,
    count_first,
    fees_in_ore,
    within_budget,
)
from .candidates import ChildArcs, build_child_arcs
from .children import Outcome, place_children
from .document import Round, read_round
from .pairing import Pairing, pair_families, start_pairing
from .pairs import PairArcs, build_pair_arcs
from .result import FamiliesAnswer, build_result, families_answer
from .scale import check_scale, folded_weight
from .workers import may_fork_workers


def output_reserve(rnd: Round) -> float:
    """Seconds kept back from the time limit to write the answer and end: ~25 us a record
    measured (70,000 children and families written in ~1.9 s), kept with a margin, since a
    last flow or HiGHS call may end a little after the deadline."""
    records = len(rnd.children) + len(rnd.families)
    return 1.0 + 4e-5 * records


# Families are paired beside the children when they can form at most this many candidate
# pairs (a municipality: 800 x 500). A national round builds its pairs first and solves
# their flows in two workers while the children's candidates are built (those workers end
# before the children's parts start): its 9.5 million pairs beside the children's parts
# raised the peak memory from 1.6 GB to 2.0-2.15 GB and the time by 3 s (measured), as both
# sides then compete for the two cores.
_BESIDE_PAIRS = 1_000_000
# Beside the children, families that can form at least this many pairs get a forked process
# of their own (where this process may fork): OR-Tools' flow holds the GIL (two flows in two
# threads take as long as one after the other), and so do the pairs' and the records' Python
# parts, so in a thread they held up the children's LP. Over municipality seeds 0-159
# (2026-12-01, interleaved with the thread): 182.0 s -> 171.7 s end to end, faster on 126
# of the 160, the same results. Smaller rounds keep the thread, cheaper than a fork.
_PROCESS_PAIRS = 20_000


def _beside(rnd: Round) -> bool:
    """Return whether the families are paired beside the children (a thread or a process)."""
    return len(rnd.families) * len(rnd.contact_families) <= _BESIDE_PAIRS


def _in_process(rnd: Round) -> bool:
    """Return whether the families, paired beside the children, get a process of their own."""
    return len(rnd.families) * len(rnd.contact_families) >= _PROCESS_PAIRS and may_fork_workers()


def _families_answer(rnd: Round) -> FamiliesAnswer:
    """Build the families' candidate pairs, pair them, and return their records."""
    arcs = _pair_arcs(rnd)
    return families_answer(rnd, arcs, pair_families(rnd, arcs, fork=False))


def _pair_arcs(rnd: Round) -> PairArcs:
    """Build the families' candidate pairs; a RoundError when their points are too large."""
    arcs = build_pair_arcs(rnd)
    weight = folded_weight(arcs.family, arcs.score, len(rnd.families))
    check_scale(weight, len(rnd.families) + len(rnd.contact_families), "families")
    return arcs


def _send_answer(rnd: Round, conn: Connection) -> None:
    """In the families' process: send back their records, or the error that stopped them."""
    try:
        conn.send(("answer", _families_answer(rnd)))
    except BaseException as err:  # handed to the caller of `_Families.wait`
        try:
            conn.send(("error", err))
        except Exception:  # an error that cannot be pickled: its message
            conn.send(("error", RuntimeError(str(err))))
    finally:
        conn.close()


class _Families:
    """The families' side of the round, computed beside the children: in a forked process
    (`_in_process`) or a thread of its own (`beside`), or, on a large round, their pairs at
    once and their flows in worker processes that go on while the children's candidates are
    built. `wait` collects their answer."""

    def __init__(self, rnd: Round, beside: bool) -> None:
        self._rnd = rnd
        self._answer: FamiliesAnswer | None = None
        self._error: BaseException | None = None
        self._pairing: tuple[PairArcs, Pairing] | None = None
        self._process: tuple[BaseProcess, Connection] | None = None
        self._thread = threading.Thread(target=self._run, name="families")
        if beside and _in_process(rnd):
            context = get_context("fork")
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_send_answer, args=(rnd, send), daemon=True)
            process.start()
            send.close()  # the child's end: only the child holds it now
            self._process = process, receive
        elif beside:
            self._thread.start()
        else:
            arcs = _pair_arcs(rnd)  # an error is raised at once
            self._pairing = arcs, start_pairing(rnd, arcs, fork=True)

    def _run(self) -> None:
        try:
            self._answer = _families_answer(self._rnd)
        except BaseException as err:  # handed to the caller of `wait`
            self._error = err

    def _receive(self) -> None:
        """Take the process' answer or error; a process that died without one (killed, out
        of memory) leaves the work to this process, so that the round still gets its
        answer."""
        assert self._process is not None
        process, receive = self._process
        self._process = None
        try:
            kind, value = receive.recv()
        except EOFError:
            kind, value = "lost", None
        finally:
            receive.close()
            process.join()
        if kind == "answer":
            self._answer = value
        elif kind == "error":
            self._error = value
        else:
            self._run()

    def end(self) -> None:
        """Wait for the thread to end and stop the process or the workers, whatever they
        found."""
        if self._thread.is_alive():
            self._thread.join()
        if self._process is not None:
            process, receive = self._process
            self._process = None
            process.terminate()
            process.join()
            receive.close()
        if self._pairing is not None:
            self._pairing[1].close()

    def wait(self) -> FamiliesAnswer:
        """Wait for the process, the thread or the workers to end (they are gone
        afterwards); return their answer or raise their error (again on a later call)."""
        if self._process is not None:
            self._receive()
        if self._pairing is not None:
            arcs, pairing = self._pairing
            self._pairing = None
            self._answer = families_answer(self._rnd, arcs, pairing.result())
        self.end()
        if self._error is not None:
            raise self._error
        assert self._answer is not None
        return self._answer


def _check_children(rnd: Round, arcs: ChildArcs) -> None:
    """Refuse a round whose children's folded weights would not fit the flows' integers."""
    sizes = Counter(c.family for c in rnd.children).values()
    pairs = sum(k * (k - 1) // 2 for k in sizes)
    weight = folded_weight(
        arcs.child, arcs.score, len(rnd.children), rnd.params.sibling_points * (pairs + 1)
    )
    check_scale(weight, len(rnd.children) + len(rnd.activities), "children")


def _place(
    rnd: Round, deadline: float, time_limit: float, before_fork: Callable[[], object]
) -> tuple[Outcome | None, ChildArcs, CountFirst | None]:
    """Return the children's placements (before the budget: None when the budget is sure to
    bind), their candidate arcs, and the budget's first step (None without a budget)."""
    arcs = build_child_arcs(rnd)
    _check_children(rnd, arcs)
    if rnd.params.budget is None or not budget_can_bind(rnd, arcs):
        return place_children(rnd, arcs, deadline, time_limit, before_fork), arcs, None
    # With a budget the most children that fit come first (flows alone): when even they
    # exceed the budget at the least fees, the budget binds and the answer without it is
    # not needed. Else the flows' answer (no sibling MIP), and the whole work only when it
    # already fits the budget; a binding budget's own MIP then gets the time.
    first = count_first(rnd, arcs, deadline, before_fork)
    if first.most.binds:
        return None, arcs, first
    outcome = place_children(rnd, arcs, deadline, 0.0, before_fork)
    if fees_in_ore(arcs.fee[arcs.act[outcome.chosen]]).sum() <= budget_in_ore(rnd.params.budget):
        left = max(deadline - time.monotonic(), 0.0)
        outcome = place_children(
            rnd, arcs, time.monotonic() + 0.5 * left, 0.5 * time_limit, before_fork
        )
    return outcome, arcs, first


def solve_round(
    rnd: Round, time_limit: float = 60.0, started: float | None = None
) -> dict[str, Any]:
    """Solve a validated round and return the `matcher-result/1` document.

    `started` is when the clock for `time_limit` began (`time.monotonic()`; the command line
    passes its own start, so reading the document and writing the answer count too).
    """
    started = time.monotonic() if started is None else started
    # Decisions that shape the answer use this nominal limit, never the clock (determinism).
    time_limit = max(time_limit - output_reserve(rnd), 0.0)
    deadline = started + time_limit
    # Families and children are independent problems. Where the round is small the
    # families' exact flows (which cannot be interrupted) and their records are made beside
    # the children, on the second core: in a forked process, or a thread where this process
    # may not fork (a thread shares the GIL, which OR-Tools' flow holds; HiGHS releases it).
    # Before forking worker processes the children wait for the families: a fork copies
    # only the thread that calls it, and must not catch another mid-way through native code.
    families = _Families(rnd, beside=_beside(rnd))
    try:
        outcome, arcs, first = _place(rnd, deadline, time_limit, families.wait)
    except BaseException:
        families.end()  # no thread or process outlives the call, whatever happened
        raise
    families_side = families.wait()
    budget_bound = False
    if first is not None:
        try:
            outcome, budget_bound = within_budget(rnd, arcs, outcome, first, deadline)
        finally:
            first.flows.close()
    assert outcome is not None  # a budget that binds gives its own
    extra = {"parts": outcome.parts, "engines": outcome.engines, "hard_parts": outcome.details}
    return build_result(
        rnd,
        arcs,
        outcome.chosen,
        families_side,
        proven=outcome.proven,
        bound=outcome.bound,
        started=started,
        budget_bound=budget_bound,
        extra=extra,
    )


def solve(
    doc: dict[str, Any], *, time_limit: float = 60.0, started: float | None = None
) -> dict[str, Any]:
    """Validate a `matcher-round/1` document and return its `matcher-result/1` answer."""
    started = time.monotonic() if started is None else started
    return solve_round(read_round(doc), time_limit, started)
