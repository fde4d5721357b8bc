"""A binding budget's answer, refined by the parts' priced LPs.

Flows priced by the fee alone seat too few siblings together: on the municipality round
with a budget of 800,000 DKK they ended 0.9% below the optimum (68 pairs together, the
optimum 130). The parts' LPs, priced at the flows' fee price and count value, know how
siblings earn their points, and their solution is integral but for a few children. So:

1. **Flows that follow the LP** (`guided`): the chord search at the count
   (`budget_flows.better_at_count`) over weights `4 x score + 40 x x_LP`, then again with the
   points of the siblings already together under the best answer so far, while it gains.
2. **A MIP on a core of each part** (`part_cores`): the arcs of the LP's support, of the
   answer, and each child's four cheapest arcs of reduced cost at most four points
   (`placement.cheap_core`, as for a part without a budget), with the
   part's count fixed and, as its budget, what the part spends now plus a share of what the
   round leaves unspent (so the parts together stay within the budget). A core too large
   for HiGHS to gain anything in seconds is solved in windows of whole children, the part's
   other children keeping their places. Two threads take the parts, each smallest first.
3. **A MIP across the parts** (`across_parts`), before and after the cores: the children
   the answer and the LPs disagree on (placed where the LP does not keep them whole, or
   left out where the LP places some of them), all parts together, on their cores, with
   the round's budget and their count. The cores keep each part's count and share out the
   unspent budget evenly, so only this one moves places and fees between parts: where the
   budget barely binds, which children to leave out is the round's choice, not a part's.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .budget_flows import Flows, MostPlaced, better_at_count
from .distinct import distinct
from .placement import Part, cheap_core, part_value, together_now
from .placement_mip import PlacementMip
from .placement_model import PlacementInstance

# How strongly a flow follows the LP: per unit of the LP's solution, in quarter points (10
# points). Measured on the municipality round with a budget (optimum 71,659; the flows
# alone 71,017): 40 -> 71,498, 80 -> 71,469, 160 -> 71,437, 400 and 1,000 -> 71,429.
_FOLLOW = 40
_SEARCHES = 4  # guided searches at most: each later one only while the one before gained
_STEPS = 3  # steps of flows a guided search takes at least (3-4 measured nationally)
# Cores larger than this gained nothing within seconds (measured nationally: cores of
# 8,500-20,000 arcs of parts of 127,000-176,000 arcs found no better answer in 4-12 s, those
# of 2,100-7,000 arcs ended in 0.4-2.3 s with 100-300 points more each).
_CORE_MAX = 8_000
# so larger cores are solved in windows of about this many arcs (measured nationally: 14
# windows of 1,600-4,000 arcs, 0.1-2.0 s and 13-170 points each)
_WINDOW = 4_000
# HiGHS' time for such a core, measured: ~0.3 ms an arc (presolve included)
_CORE_SECONDS_PER_ARC = 3e-4
# and the time it may take: the cores above gained 100-300 points each in 0.4-2.3 s under a
# limit of 4 s, and nothing under one of ~1 s
_CORE_GIVEN_PER_ARC = 6e-4
_GAP = 1e-5  # a core's MIP stops this close to its own bound
# Time left after a pass over the windows goes to more passes, each with windows twice as
# large and cut elsewhere (`windows(..., backwards)`), started while this much is left.
_PASSES = 3
_PASS_SECONDS = 3.0
# The MIP across the parts holds the children the answer and the LPs disagree on: 2,000-4,300
# of 50,000 nationally (7,000-14,000 arcs, 1.2-3.7 s); larger sets are cut in windows.
_ACROSS_MAX = 40_000


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
    end: float,
) -> tuple[np.ndarray, int]:
    """Return the best answer (at least `found`) of flows that follow the LP's solution, at
    the count `most` and within `budget`, and its value. `price` is the last search's (for
    weights of twice the score). A search starts only when `_STEPS` steps of flows (as long
    as the last one) would end by `end`: its first steps run whatever the clock says (a
    national round once ended 1.5 s late without this guard)."""
    found_v = value(found)
    follow = 4 * whole.score + np.rint(_FOLLOW * lps.x).astype(np.int64)
    start = None if price is None else (price[0], 2 * price[1])  # weights now 4 x the score
    for i in range(_SEARCHES):
        if time.monotonic() + _STEPS * flows.step > end or not in_time():
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


def disagree(left: np.ndarray, n_left: int, x_lp: np.ndarray, found: np.ndarray) -> np.ndarray:
    """Return, per child (`left` per arc, `n_left` children), whether the LP's solution
    (`x_lp`, per arc) and the answer (`found`) disagree on it: placed on an arc the LP does
    not hold whole, or left out where the LP places some of it."""
    on = np.bincount(left, x_lp * (found > 0), n_left)
    mass = np.bincount(left, x_lp, n_left)
    placed = np.bincount(left, found > 0, n_left) > 0
    return (placed & (on < 1 - 1e-3)) | (~placed & (mass > 1e-3))


def across_parts(
    whole: Part,
    fee: np.ndarray,
    budget: int,
    found: np.ndarray,
    lps: PricedLps,
    value: Callable[[np.ndarray], int],
    points: int,
    end: float,
) -> tuple[np.ndarray, int]:
    """Return the best answer (at least `found`, per arc of the round, as `fee`) after a MIP
    over the round (`whole`) on the core arcs (`cheap_core`) of the children the answer and
    the parts' LPs disagree on (`disagree`), the others where they are: as many of them
    placed, within their fees now and what the round leaves unspent. Each window (of
    `_ACROSS_MAX` arcs) starts only when it could end by `end`.

    Measured on national rounds of 50,000 children whose budget binds (2026-12-01, from
    the answer after the cores): seed 6 with a budget of 41 M DKK (the round without one
    spends 43.6 M) 2,514,266 -> 2,517,485 (its LPs' bound 2,518,120: 0.15% -> 0.025%) in
    3.7 s on 4,227 children, seed 3 with 20 M 1,662,503 -> 1,663,413 (bound 1,663,762) in
    1.3 s, seed 0 with 30 M 2,129,912 -> 2,130,819 (bound 2,131,588) in 2.1 s."""
    arcs = whole.arcs
    x, pf = found[arcs], fee[arcs]
    x_lp, rc = lps.x[arcs], lps.rc[arcs]
    free = disagree(whole.left, whole.n_left, x_lp, x)
    keep = np.flatnonzero(cheap_core(whole.left, rc, x_lp, x) & free[whole.left])
    spare = budget - int((fee * found).sum())
    for window in windows(whole, keep, _ACROSS_MAX) if len(keep) else []:
        left = end - time.monotonic()
        if left < _CORE_SECONDS_PER_ARC * len(window):
            break
        seconds = min(left, _CORE_GIVEN_PER_ARC * len(window))
        x, spare = _improve_window(whole, window, pf, x, spare, points, seconds)
    if (x == found[arcs]).all():
        return found, value(found)
    out = found.copy()
    out[arcs] = x
    return out, value(out)


def windows(part: Part, keep: np.ndarray, limit: int, backwards: bool = False) -> list[np.ndarray]:
    """Split a part's core arcs `keep` (local indices) into windows of whole children of at
    most about `limit` arcs each, children near each other in the core's graph together:
    they are taken in breadth-first order over the activities they share, so a window
    holds neighbouring clubs (and, mostly, a family's children). One window when the core
    is small enough. `backwards` starts the search from the last activity instead of the
    first, so the windows' borders fall elsewhere."""
    if len(keep) <= limit:
        return [keep]
    left, right = part.left[keep], part.right[keep]
    by_child = np.argsort(left, kind="stable")
    child_start = np.searchsorted(left[by_child], np.arange(part.n_left + 1))
    by_act = np.argsort(right, kind="stable")
    act_start = np.searchsorted(right[by_act], np.arange(len(part.cap) + 1))
    seen_act = np.zeros(len(part.cap), bool)
    seen_child = np.zeros(part.n_left, bool)
    order: list[int] = []
    for first in distinct(right)[:: -1 if backwards else 1].tolist():
        if seen_act[first]:
            continue
        seen_act[first] = True
        queue = deque([first])
        while queue:
            a = queue.popleft()
            for c in left[by_act[act_start[a] : act_start[a + 1]]].tolist():
                if seen_child[c]:
                    continue
                seen_child[c] = True
                order.append(c)
                for b in right[by_child[child_start[c] : child_start[c + 1]]].tolist():
                    if not seen_act[b]:
                        seen_act[b] = True
                        queue.append(b)
    sizes = np.diff(child_start)[order]
    cut = (np.cumsum(sizes) - 1) // limit  # the window of each child, in that order
    out = []
    for w in distinct(cut).tolist():  # (a child of more arcs than `limit` skips a number)
        children = np.asarray(order)[cut == w]
        out.append(
            np.concatenate([by_child[child_start[c] : child_start[c + 1]] for c in children])
        )
    return [keep[np.sort(w)] for w in out]


def part_cores(
    parts: list[Part],
    fee: np.ndarray,
    budget: int,
    found: np.ndarray,
    lps: PricedLps,
    value: Callable[[np.ndarray], int],
    points: int,
    deadline: float,
    workers: int = 2,
) -> tuple[np.ndarray, int, int]:
    """Return the best answer after each part's MIPs on its core (see the module), its value
    and how many MIPs were solved. Each window keeps its count, and the round stays within
    `budget`. The parts are dealt to `workers` threads (HiGHS releases the GIL; parts share
    no child and no place), each with its parts' fees and an equal share of what is unspent."""
    cores = []
    for p in parts:
        keep = np.flatnonzero(cheap_core(p.left, lps.rc[p.arcs], lps.x[p.arcs], found[p.arcs]))
        cores.append((p, keep))
    # the largest cores first, each to the least loaded worker; each worker then goes
    # through its parts smallest first (the surest gains)
    groups: list[list[tuple[Part, np.ndarray]]] = [[] for _ in range(min(workers, len(cores)))]
    load = [0] * len(groups)
    for p, keep in sorted(cores, key=lambda pk: (-len(pk[1]), int(pk[0].arcs[0]))):
        i = load.index(min(load))
        groups[i].append((p, keep))
        load[i] += len(keep)
    if not groups:
        return found, value(found), 0
    spare = (budget - int((fee * found).sum())) // len(groups)
    big_cores = any(len(keep) > _CORE_MAX for _, keep in cores)

    def run(group: list[tuple[Part, np.ndarray]]) -> tuple[list[tuple[Part, np.ndarray]], int]:
        solved, left_over = 0, spare
        xs = [found[p.arcs] for p, _ in group]
        for turn in range(_PASSES):  # later passes: windows twice as large, cut elsewhere
            if turn and not (big_cores and deadline - time.monotonic() > _PASS_SECONDS):
                break
            # core arcs not yet solved in this pass
            rest = sum(len(keep) for _, keep in group if not turn or len(keep) > _CORE_MAX)
            for i in reversed(range(len(group))):
                p, keep = group[i]
                if turn and len(keep) <= _CORE_MAX:
                    continue  # solved whole already
                pf = fee[p.arcs]
                limit = _CORE_MAX if len(keep) <= _CORE_MAX else _WINDOW << turn
                for window in windows(p, keep, limit, turn % 2 == 1):
                    left = deadline - time.monotonic()
                    if left < _CORE_SECONDS_PER_ARC * len(window):
                        break
                    # its share of the time left by arcs, at least what it is given an arc
                    share = left * len(window) / max(rest, 1)
                    seconds = min(left, max(share, _CORE_GIVEN_PER_ARC * len(window)))
                    rest -= len(window)
                    xs[i], left_over = _improve_window(
                        p, window, pf, xs[i], left_over, points, seconds
                    )
                    solved += 1
        return [(p, x) for (p, _), x in zip(group, xs, strict=True)], solved

    with ThreadPoolExecutor(len(groups)) as pool:
        done = list(pool.map(run, groups))
    found = found.copy()
    for out, _ in done:
        for p, x in out:
            found[p.arcs] = x
    return found, value(found), sum(n for _, n in done)


def _improve_window(
    p: Part,
    window: np.ndarray,
    fee: np.ndarray,
    x: np.ndarray,
    spare: int,
    points: int,
    seconds: float,
) -> tuple[np.ndarray, int]:
    """Return the part's answer after the window's MIP (`_window_mip`) and what is left of
    `spare`: the MIP's answer when it scores more within `spare`, else `x` and `spare`."""
    cand = _window_mip(p, window, fee, x, spare, points, seconds)
    more = int((fee * cand).sum()) - int((fee * x).sum())
    if more <= spare and part_value(p, cand, points) > part_value(p, x, points):
        return cand, spare - more
    return x, spare


def _window_mip(
    p: Part,
    window: np.ndarray,
    fee: np.ndarray,
    x: np.ndarray,
    spare: int,
    points: int,
    seconds: float,
) -> np.ndarray:
    """Return the part's answer `x` (per its arcs; `fee` too) with the window's children
    placed by a MIP on the window's arcs: as many of them placed, within their fees now
    and `spare` more, the part's other children where they are, the places they take and
    the siblings among them counted (a sibling's points for a club where a child outside
    the window sits are added to the arc's score)."""
    free = np.zeros(p.n_left, bool)
    free[p.left[window]] = True
    fixed = (x > 0) & ~free[p.left]
    cap = p.cap - np.bincount(p.right[fixed], minlength=len(p.cap))
    # the siblings outside the window already in an arc's club
    score = p.score[window] + points * together_now(p, fixed.astype(np.int64))[window]
    mine = free[p.left] & (x > 0)
    inst = PlacementInstance(
        p.left[window],
        p.right[window],
        cap,
        score,
        p.sib_key[window],
        fee[window],
        int((fee * x)[mine].sum()) + spare,
        int(x[mine].sum()),
        0,
        points,
    )
    sol = PlacementMip(inst).solve(x[window], seconds, gap=_GAP)
    cand = x.copy()
    cand[mine] = 0
    cand[window] = sol.chosen  # every arc of a window's child in the answer is in it
    return cand
