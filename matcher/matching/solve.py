"""The round as one job: read, build candidates, optimise, explain, answer."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

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
from .result import build_result
from .scale import check_scale, folded_weight


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


def _beside(rnd: Round) -> bool:
    """Return whether the families are paired in a thread beside the children."""
    return len(rnd.families) * len(rnd.contact_families) <= _BESIDE_PAIRS


class _Families:
    """The families' candidate pairs and chosen pairs: computed in a thread of their own
    (`beside`), or their pairs at once and their flows in worker processes that go on while
    the children's candidates are built (`wait` collects them)."""

    def __init__(self, rnd: Round, beside: bool) -> None:
        self._result: tuple[PairArcs, np.ndarray] | None = None
        self._error: BaseException | None = None
        self._pairing: tuple[PairArcs, Pairing] | None = None
        self._thread = threading.Thread(target=self._run, args=(rnd,), name="families")
        if beside:
            self._thread.start()
        else:
            arcs = self._arcs(rnd)  # an error is raised at once
            self._pairing = arcs, start_pairing(rnd, arcs, fork=True)

    @staticmethod
    def _arcs(rnd: Round) -> PairArcs:
        arcs = build_pair_arcs(rnd)
        weight = folded_weight(arcs.family, arcs.score, len(rnd.families))
        check_scale(weight, len(rnd.families) + len(rnd.contact_families), "families")
        return arcs

    def _run(self, rnd: Round) -> None:
        try:
            arcs = self._arcs(rnd)
            self._result = arcs, pair_families(rnd, arcs, fork=False)
        except BaseException as err:  # handed to the caller of `wait`
            self._error = err

    def end(self) -> None:
        """Wait for the thread to end and stop the workers, whatever they found."""
        if self._thread.is_alive():
            self._thread.join()
        if self._pairing is not None:
            self._pairing[1].close()

    def wait(self) -> tuple[PairArcs, np.ndarray]:
        """Wait for the thread or the workers to end (they are gone afterwards); return
        their answer or raise their error."""
        if self._pairing is not None:
            arcs, pairing = self._pairing
            self._pairing = None
            self._result = arcs, pairing.result()
        self.end()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


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
    # Families and children are independent problems. The families' exact flows (which
    # cannot be interrupted) run in a thread beside the children where the round is small:
    # HiGHS releases the GIL, so on two cores the children's LP and MIPs overlap them (0.18 s
    # of a municipality's ~2 s; OR-Tools' flow holds the GIL). Before forking worker
    # processes the children wait for that thread: a fork copies only the thread that calls
    # it, and must not catch another mid-way through native code.
    families = _Families(rnd, beside=_beside(rnd))
    try:
        outcome, arcs, first = _place(rnd, deadline, time_limit, families.wait)
    except BaseException:
        families.end()  # no thread outlives the call, whatever happened
        raise
    pair_arcs, paired = families.wait()
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
        pair_arcs,
        paired,
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
