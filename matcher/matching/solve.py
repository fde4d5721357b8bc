"""The round as one job: read, build candidates, optimise, explain, answer."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from .budget import within_budget
from .candidates import build_child_arcs
from .children import place_children
from .document import Round, read_round
from .pairing import pair_families
from .pairs import build_pair_arcs
from .result import build_result


def output_reserve(rnd: Round) -> float:
    """Seconds kept back from the time limit to write the answer and end: ~25 us a record
    measured (70,000 children and families written in ~1.9 s), kept with a margin, since a
    last flow or HiGHS call may end a little after the deadline."""
    records = len(rnd.children) + len(rnd.families)
    return 1.0 + 4e-5 * records


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
    # Families first: one exact flow that cannot be interrupted; children get the time left.
    pair_arcs = build_pair_arcs(rnd)
    paired = pair_families(rnd, pair_arcs)
    arcs = build_child_arcs(rnd)
    if rnd.params.budget is None:
        outcome = place_children(rnd, arcs, deadline, time_limit)
    else:
        # With a budget the unconstrained optimum is only a start, and a binding budget
        # replaces it: the flows alone first (no sibling MIP), the whole work only when their
        # answer already fits the budget. The budget's own MIP then gets the time.
        outcome = place_children(rnd, arcs, deadline, 0.0)
        fees = np.rint(arcs.fee[arcs.act[outcome.chosen]] * 100).sum()
        if fees <= np.floor(rnd.params.budget * 100 + 1e-6):
            left = max(deadline - time.monotonic(), 0.0)
            outcome = place_children(rnd, arcs, time.monotonic() + 0.5 * left, 0.5 * time_limit)
    budget_bound = False
    if rnd.params.budget is not None:
        outcome, budget_bound = within_budget(rnd, arcs, outcome, deadline)
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
