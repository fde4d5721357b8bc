"""A binding budget's answer, refined by the parts' priced LPs.

Flows priced by the fee alone seat too few siblings together: on the municipality round
with a budget of 800,000 DKK they ended 0.9% below the optimum (68 pairs together, the
optimum 130). The parts' LPs, priced at the flows' fee price and count value, know how
siblings earn their points, and their solution is integral but for a few children. So:

1. **Flows that follow the LP** (`guided`): the chord search at the count
   (`budget_flows.better_at_count`) over weights `4 x score + 40 x x_LP`, then again with the
   points of the siblings already together under the best answer so far, while it gains.
2. **A MIP on a core of each part** (`part_cores`): the arcs of the LP's support, of the
   answer, and each child's four cheapest arcs of reduced cost at most four points, with the
   part's count fixed and, as its budget, what the part spends now plus what the round
   leaves unspent (so the parts together stay within the budget). The parts go smallest
   first; a core too large for HiGHS to gain anything in seconds is left out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .budget_flows import Flows, MostPlaced, better_at_count
from .placement import Part, together_now
from .placement_mip import PlacementMip, _best_per_child
from .placement_model import PlacementInstance

# How strongly a flow follows the LP: per unit of the LP's solution, in quarter points (10
# points). Measured on the municipality round with a budget (optimum 71,659; the flows
# alone 71,017): 40 -> 71,498, 80 -> 71,469, 160 -> 71,437, 400 and 1,000 -> 71,429.
_FOLLOW = 40
_SEARCHES = 4  # guided searches at most: each later one only while the one before gained
_CORE_POINTS = 4.0  # a core holds, per child, its cheapest arcs of reduced cost up to this
_CORE_ARCS = 4  # and at most this many of them
# Cores larger than this gained nothing within seconds (measured nationally: cores of
# 8,500-20,000 arcs of parts of 127,000-176,000 arcs found no better answer in 4-12 s, those
# of 2,100-7,000 arcs ended in 0.4-2.3 s with 100-300 points more each).
_CORE_MAX = 8_000
# HiGHS' time for such a core, measured: ~0.3 ms an arc (presolve included)
_CORE_SECONDS_PER_ARC = 3e-4
_GAP = 1e-5  # a core's MIP stops this close to its own bound


@dataclass
class PricedLps:
    """The parts' priced LPs: a bound on every answer at the count (None when an LP did not
    end in time) and, per arc of the round, their solution and reduced costs."""

    bound: int | None
    x: np.ndarray
    rc: np.ndarray


def guided(
    flows: Flows,
    fee: np.ndarray,
    budget: int,
    most: MostPlaced,
    whole: Part,
    points: int,
    lps: PricedLps,
    value: Callable[[np.ndarray], int],
    in_time: Callable[[], bool],
    found: np.ndarray,
    price: tuple[int, int] | None,
    close: int,
) -> tuple[np.ndarray, int]:
    """Return the best answer (at least `found`) of flows that follow the LP's solution, at
    the count `most` and within `budget`, and its value. `price` is the last search's (for
    weights of twice the score)."""
    found_v = value(found)
    follow = 4 * whole.score + np.rint(_FOLLOW * lps.x).astype(np.int64)
    start = None if price is None else (price[0], 2 * price[1])  # weights now 4 x the score
    for i in range(_SEARCHES):
        if not in_time():
            break
        weight = follow + (4 * points * together_now(whole, found) if i else 0)
        x, v, last = better_at_count(
            flows, fee, budget, most, weight, value, in_time, found, start, close
        )
        start = last if last[1] > 0 else start
        if v <= found_v:
            break
        found, found_v = x, v
    return found, found_v


def part_cores(
    parts: list[Part],
    fee: np.ndarray,
    budget: int,
    found: np.ndarray,
    lps: PricedLps,
    value: Callable[[np.ndarray], int],
    points: int,
    deadline: float,
) -> tuple[np.ndarray, int, int]:
    """Return the best answer after each part's MIP on its core (see the module), its value
    and how many cores were solved. Each part keeps its count; the round stays within
    `budget`."""
    found_v = value(found)
    cores = []
    for p in parts:
        rc, x = lps.rc[p.arcs], found[p.arcs]
        cheap = rc <= _CORE_POINTS
        least = _best_per_child(p.left, np.where(cheap, -np.rint(rc * 1024), -(2**40)), _CORE_ARCS)
        keep = np.flatnonzero((cheap & (least > 0)) | (lps.x[p.arcs] > 1e-9) | (x > 0))
        if len(keep) <= _CORE_MAX:
            cores.append((p, keep))
    cores.sort(key=lambda pk: len(pk[1]))  # smallest first: the surest gains
    solved = 0
    for i, (p, keep) in enumerate(cores):
        left = deadline - time.monotonic()
        need = _CORE_SECONDS_PER_ARC * len(keep)
        if left < need:
            break
        # this core's share of the time left, by arcs, at least what it needs
        share = max(left * len(keep) / sum(len(k) for _, k in cores[i:]), need)
        x = found[p.arcs]
        pf = fee[p.arcs]
        spare = budget - int((fee * found).sum())
        inst = PlacementInstance(
            p.left[keep],
            p.right[keep],
            p.cap,
            p.score[keep],
            p.sib_key[keep],
            pf[keep],
            int((pf * x).sum()) + spare,
            int(x.sum()),
            0,
            points,
        )
        sol = PlacementMip(inst).solve(x[keep], min(share, left), gap=_GAP)
        solved += 1
        cand = found.copy()
        cand[p.arcs[keep]] = sol.chosen  # every arc of the answer is in the core
        if (
            int(cand[p.arcs].sum()) == int(x.sum())
            and int((fee * cand).sum()) <= budget
            and value(cand) > found_v
        ):
            found, found_v = cand, value(cand)
    return found, found_v, solved
