"""Keeping the fees within the subsidy budget: a Lagrangian price on the fee over repeated
flow solves gives a strong primal and a bound; an LP-based MIP (HiGHS) on the arcs that survive
reduced-cost fixing closes the gap where time allows."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .budget_flows import Flows, MostPlaced, better_at_count, most_within
from .budget_refine import PricedLps, across_parts, guided, part_cores
from .candidates import ChildArcs
from .children import Outcome, sibling_keys, split
from .document import Round
from .flow import dual_prices, max_weight_matching
from .placement import Part, fold_weight, sibling_bonus, together_now
from .placement_mip import LpSolution, PlacementMip, highs_binding
from .placement_model import PlacementInstance

_K = 1000  # price resolution: lambda is in 1/K of a weight unit per øre
_SEARCH_ARCS = 200_000  # the bisection's flows run on rounds up to this size
# HiGHS' MIP with the budget row overran its time limit on larger cores: 16 s past it on a
# 10,000-children round's 170,000 arcs, and 700 s past it with the count fixed (measured)
_MIP_ARCS = 60_000
# one flow over the whole round: 2.0-4.5 s for 758,501 arcs (measured; started on the
# searches' last step it once ended 3 s past the deadline)
_WHOLE_FLOW_SECONDS_PER_ARC = 6e-6
_SEARCHES = 3  # searches at a count, each weighing siblings by the answer so far
# the parts' priced LPs on two threads: 4.2-4.5 s for 758,501 arcs (measured), with a margin
_LP_SECONDS_PER_ARC = 7e-6
# a search ends when its two sides' fees are this fraction of the budget apart (the first,
# which only looks for a price, sooner)
_CLOSE_FIRST, _CLOSE = 10_000, 100_000


class _Clock:
    """Whether another step fits before the deadline, judged by the last step's length."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.last = time.monotonic()
        self.step = 0.0

    def in_time(self) -> bool:
        now = time.monotonic()
        self.step, self.last = now - self.last, now
        return now + self.step < self.deadline


def _priced_lps(
    parts: list[Part],
    fee: np.ndarray,
    budget: int,
    count: int,
    points: int,
    lam: float,
    mu: float,
    deadline: float,
) -> PricedLps:
    """Return a bound on the score of any choice that places `count` within `budget` (None
    when an LP did not end in time), and the LPs' solutions and reduced costs per arc.

    Each part's LP scores a place `score + mu - lam * fee`. A choice x that places `count`
    within the budget scores (with its sibling points) its parts' priced scores
    `- mu * count + lam * fees(x)`, so at most the sum of the parts' LP optima
    `- mu * count + lam * budget` (weak duality; lam >= 0, the count exact). A hair of
    slack (a millionth of the terms' size) covers the LPs' tolerances.
    """
    n_arcs = sum(len(p.left) for p in parts)
    xs, rcs = np.zeros(n_arcs), np.full(n_arcs, np.inf)

    def one(p: Part) -> float | None:
        pf = fee[p.arcs]
        inst = PlacementInstance(
            p.left, p.right, p.cap, p.score + mu - lam * pf, p.sib_key, pf, None, None, 0, points
        )
        # no sibling cuts: nationally they gain 150 points (0.007%) for 2 s more (measured)
        lp = PlacementMip(inst).lp(max(deadline - time.monotonic(), 0.05))
        if lp is None:
            return None
        xs[p.arcs], rcs[p.arcs] = lp.x[: len(p.left)], lp.rc[: len(p.left)]
        return lp.value

    with ThreadPoolExecutor(2) as pool:
        values = list(pool.map(one, parts))
    if any(v is None for v in values):
        return PricedLps(None, xs, rcs)
    total = sum(v for v in values if v is not None) + lam * budget - mu * count
    scale = sum(abs(v) for v in values if v is not None) + lam * budget + abs(mu) * count
    return PricedLps(math.floor(total + 1e-6 * scale + 1), xs, rcs)


def _top_half(part: Part, half: np.ndarray, count: int) -> int:
    """Return a bound on the score of any choice placing `count`: each child's best arc
    (`half`: twice its score and the sibling points it could earn), the `count` best."""
    best = np.full(part.n_left, np.iinfo(np.int64).min)
    np.maximum.at(best, part.left, half)
    best = np.sort(best[best > np.iinfo(np.int64).min])[::-1][:count]
    return int(best.sum()) // 2


def _fill(part: Part, x: np.ndarray, fee: np.ndarray, budget: int) -> np.ndarray:
    """Add unplaced children to free places while the budget allows (cheapest first)."""
    x = x.copy()
    spent = int((fee * x).sum())
    load = np.bincount(part.right[x > 0], minlength=len(part.cap))
    placed = np.zeros(part.n_left, bool)
    placed[part.left[x > 0]] = True
    for i in np.lexsort((-part.score, fee)).tolist():
        c, a = part.left[i], part.right[i]
        if not placed[c] and load[a] < part.cap[a] and spent + fee[i] <= budget:
            x[i], placed[c] = 1, True
            load[a] += 1
            spent += int(fee[i])
    return x


def _lp_bound(
    part: Part,
    key: np.ndarray,
    fee: np.ndarray,
    budget: int,
    placed: int,
    points: int,
    end: float,
    known: bool = False,
) -> tuple[bool, int | None, LpSolution | None]:
    """Return whether no answer within budget places more than `placed`, a proven bound on
    the score of any answer that places `placed` (None when unknown), and that LP's solution
    when HiGHS' binding gave one (its reduced costs fix arcs for the MIP).

    Two LP relaxations with the budget row: the most children that fit (if its floor equals
    the incumbent's count, no answer places more; skipped when that is `known`), then the
    best score with that count.
    """
    if not known:
        zero = np.zeros(len(part.left), np.int64)
        count = PlacementMip(
            PlacementInstance(part.left, part.right, part.cap, zero, key, fee, budget, None, 1, 0)
        ).relaxation(end - time.monotonic())
        if count is None or math.floor(count + 1e-6) > placed:
            return False, None, None
    mip = PlacementMip(
        PlacementInstance(
            part.left, part.right, part.cap, part.score, key, fee, budget, placed, 0, points
        )
    )
    if highs_binding() is None:
        best = mip.relaxation(end - time.monotonic())
        lp = None
    else:
        lp = mip.lp(end - time.monotonic(), np.ones(len(part.left)))
        best = None if lp is None else lp.value
    # a hair of slack: the LP's reported optimum may sit a rounding error below the true one
    return True, None if best is None else math.floor(best + 0.01), lp


@dataclass
class CountFirst:
    """The budget's fees per arc, the round's parts for the flows, and the most children the
    budget can place (computed before anything else: when even that many at the least fees
    exceed the budget, the unconstrained answer need not be computed at all)."""

    fee: np.ndarray
    budget: int
    key: np.ndarray
    sib_n: np.ndarray
    flows: Flows
    most: MostPlaced
    whole: Part  # the whole round as one part


def fees_in_ore(fees_dkk: np.ndarray) -> np.ndarray:
    """Return fees in whole øre, each rounded up: a fee of 0.004 DKK counts as 0.01, so that
    fees that fit the budget in øre (`budget_in_ore`, rounded down) fit it in DKK too. Fees
    in whole øre, as every real one is, are exact (a millionth of an øre is float noise)."""
    return np.ceil(np.asarray(fees_dkk, float) * 100 - 1e-6).astype(np.int64)


def budget_in_ore(budget_dkk: float | None) -> int:
    """Return the budget in whole øre, rounded down (see `fees_in_ore`)."""
    return int(np.floor((budget_dkk or 0) * 100 + 1e-6))


def budget_can_bind(rnd: Round, arcs: ChildArcs) -> bool:
    """Return whether some answer's fees could pass the budget: not when every child at its
    dearest candidate, or every candidate activity full, costs no more. Such a budget is
    no constraint, and the round is solved as one without (with all the time: the budget's
    path keeps half of it back, and a sweep found such a round left unproven in 30 s)."""
    if len(arcs.child) == 0:
        return False
    fee = fees_in_ore(arcs.fee[arcs.act])
    dearest = np.zeros(len(rnd.children), np.int64)
    np.maximum.at(dearest, arcs.child, fee)
    used, first = np.unique(arcs.act, return_index=True)  # each candidate activity, its fee
    # Python integers: places x fees may pass int64 summed over many activities
    full = sum(rnd.activities[a].capacity * int(f) for a, f in zip(used, fee[first], strict=True))
    most = min(int(dearest.astype(object).sum()), full)
    return most > budget_in_ore(rnd.params.budget)


def count_first(
    rnd: Round,
    arcs: ChildArcs,
    deadline: float,
    before_fork: Callable[[], object] | None = None,
) -> CountFirst:
    """Return the most children the round's budget can place, by flows alone (in worker
    processes forked after `before_fork` on a national round: the caller closes them,
    `CountFirst.flows.close()`)."""
    fee = fees_in_ore(arcs.fee[arcs.act])
    budget = budget_in_ore(rnd.params.budget)
    key, sib_n = sibling_keys(rnd, arcs)
    caps = np.array([a.capacity for a in rnd.activities], np.int64)
    whole = Part(
        np.arange(len(arcs.child)),
        arcs.child,
        arcs.act,
        len(rnd.children),
        caps,
        arcs.score,
        key,
        sib_n,
    )
    parts = split(rnd, arcs, key, sib_n)
    flows = Flows(parts, len(arcs.child), whole=whole, before_fork=before_fork)
    most = most_within(flows, fee, budget, _Clock(deadline - 1).in_time)
    return CountFirst(fee, budget, key, sib_n, flows, most, whole)


def _count_bound(
    part: Part,
    half: np.ndarray,
    fee: np.ndarray,
    budget: int,
    most: MostPlaced,
    price: tuple[int, int] | None,
    flows: Flows,
    points: int,
    clock: _Clock,
    deadline: float,
) -> tuple[int, PricedLps | None]:
    """Return a bound on the score of every answer within `budget` that places `most.count`,
    and the parts' priced LPs when they were solved (None: no time, or no binding)."""
    at_count = _top_half(part, half, most.count)  # a bound when no flow gives a better one
    # the bound's flows cover the whole round at once, each in one thread: their time is
    # judged from the arcs, not from the search's last step (which may have been short)
    if (
        not most.proven
        or price is None
        or time.monotonic() + _WHOLE_FLOW_SECONDS_PER_ARC * len(fee) >= deadline - 1
    ):
        return at_count, None
    # Every choice within budget places most.count: weak duality at the search's price,
    # and the count's marginal value there (from the same flow with one fewer placed; the
    # two flows side by side)
    a, b = price
    w = a * half - b * fee
    counts = [most.count, most.count - 1]
    if flows.whole is part:  # side by side in the flows' workers, when it has them
        xs = flows.flows(w, [(len(flows.parts), c) for c in counts])
    else:
        xs = [
            max_weight_matching(part.n_left, part.cap, part.left, part.right, w, c) for c in counts
        ]
    here, fewer = (int((w * x).sum()) for x in xs)
    at_count = min(at_count, (here + b * budget) // (2 * a))
    if (
        highs_binding() is None
        or not clock.in_time()
        or time.monotonic() + _LP_SECONDS_PER_ARC * len(fee) >= deadline - 1
    ):
        return at_count, None
    # the parts' LPs know how siblings really earn their points
    mu = (fewer - here) / (2 * a)
    lps = _priced_lps(flows.parts, fee, budget, most.count, points, b / (2 * a), mu, deadline - 1)
    return (at_count if lps.bound is None else min(at_count, lps.bound)), lps


def within_budget(
    rnd: Round, arcs: ChildArcs, outcome: Outcome | None, first: CountFirst, deadline: float
) -> tuple[Outcome, bool]:
    """Return an outcome whose fees fit the budget, and whether the budget binds (`outcome`,
    the answer without a budget, is None when the count alone shows that it binds)."""
    fee, budget, key, sib_n, most = first.fee, first.budget, first.key, first.sib_n, first.most
    if outcome is not None and int(fee[outcome.chosen].sum()) <= budget:
        return outcome, False
    points = rnd.params.sibling_points
    part = first.whole
    caps = part.cap
    big = fold_weight(part, points)
    base2 = 2 * (big + arcs.score) + points * np.where(key >= 0, sib_n - 1, 0)

    def value(x: np.ndarray) -> int:
        return int(((big + arcs.score) * x).sum()) + sibling_bonus(part, x, points)

    # Then a better score with as many placed in each part: flows that use the time they
    # need (the clock only guards the deadline; no decision depends on it otherwise).
    clock = _Clock(deadline - 1)
    flows = first.flows
    # The first search weighs a place by its score and the points of every sibling who could
    # join it in its club (measured nationally: 2,113,791 against 2,111,204 when it weighs
    # the score alone, both after the later searches).
    half = base2 - 2 * big  # twice the score, plus the sibling points it could earn
    found, found_v = most.x, value(most.x)
    x, v, last = better_at_count(
        flows, fee, budget, most, half, value, clock.in_time, found, None, budget // _CLOSE_FIRST
    )
    price = last if last[1] > 0 else None  # (1, 0): no price was needed
    found, found_v = (x, v) if v > found_v else (found, found_v)
    at_count, lps = _count_bound(
        part, half, fee, budget, most, price, flows, points, clock, deadline
    )
    refined = ""
    if lps is not None and lps.bound is not None:
        # flows that follow the parts' LPs, then each part's MIP on its core (budget_refine);
        # on rounds that go on to the whole MIP below, half the time left
        found, found_v = guided(
            flows,
            fee,
            budget,
            most,
            part,
            points,
            lps,
            value,
            clock.in_time,
            found,
            price,
            budget // _CLOSE,
            deadline - 1,
        )
        now = time.monotonic()
        end = now + (deadline - 1 - now) / 2 if len(fee) <= _SEARCH_ARCS else deadline - 1
        # then a MIP across the parts where the answer and the LPs disagree, each part's MIPs
        # on its core, and that MIP again on what the cores left (budget_refine)
        found, found_v = across_parts(part, fee, budget, found, lps, value, points, end)
        found, found_v, cores = part_cores(flows.parts, fee, budget, found, lps, value, points, end)
        found, found_v = across_parts(part, fee, budget, found, lps, value, points, end)
        refined = "+lp" + ("+cores" if cores else "")
    else:
        # without the LPs, each later search weighs a place by its score and the points of
        # the siblings already there under the best answer so far, from the last price
        # scaled by how the weights of that answer compare
        weight = half
        for _ in range(1, _SEARCHES):
            before = int((weight * found).sum())
            weight = 2 * arcs.score + points * together_now(part, found)
            if price is not None and before > 0:
                price = price[0], max(1, price[1] * int((weight * found).sum()) // before)
            x, v, last = better_at_count(
                flows,
                fee,
                budget,
                most,
                weight,
                value,
                clock.in_time,
                found,
                price,
                budget // _CLOSE,
            )
            price = last if last[1] > 0 else price
            if v <= found_v:
                break
            found, found_v = x, v
    best_x, best_v, best_ub, best_rc = found, found_v, None, None
    lo, hi = 0, int((_K * base2 // np.maximum(fee, 1)).max()) + 1
    bisect = _Clock(deadline - 1)  # stop before a price would overrun
    # The bisection below prices the count and the score together and gives the MIP its
    # reduced costs: on large rounds its flows would take the time of the proof's, for little
    for _ in range(40 if len(arcs.child) <= _SEARCH_ARCS else 0):
        if hi - lo <= 1 or not bisect.in_time():
            break
        lam = (lo + hi) // 2
        w = _K * base2 - lam * fee
        x = max_weight_matching(part.n_left, caps, part.left, part.right, w)
        rc, dual = dual_prices(part.n_left, caps, part.left, part.right, w, x)
        ub = dual + lam * budget  # >= 2K * value of any solution within budget
        if best_ub is None or ub < best_ub:
            best_ub, best_rc = ub, rc
        if int((fee * x).sum()) <= budget:
            hi = lam
            x = _fill(part, x, fee, budget)
            if value(x) > best_v:
                best_x, best_v = x, value(x)
        else:
            lo = lam
    placed = int(best_x.sum())
    proven = best_ub is not None and best_ub < 2 * _K * (best_v + 1)
    engine = "lagrangian-flow" + refined
    count_at_lp = most.count
    count_proven = most.proven and placed == most.count
    lp_bound, lp = None, None
    # HiGHS cannot be interrupted in its presolve: an LP or MIP that cannot get past it before
    # the deadline is not started (~50 us an arc for the LP, ~100 us for the MIP, measured).
    n_arcs = len(arcs.child)
    if not proven and time.monotonic() < deadline - 1 - 5e-5 * n_arcs:
        # LP bounds first, with a third of the time left: they make the bound informative
        end = time.monotonic() + (deadline - time.monotonic()) / 3
        if not count_proven:
            count_at_lp = placed
        count_proven, lp_bound, lp = _lp_bound(
            part, key, fee, budget, count_at_lp, points, end, count_proven
        )
        if lp_bound is not None and lp_bound <= best_v - big * int(best_x.sum()):
            proven = True
    keep = np.zeros(0, np.int64)
    if not proven and best_ub is not None:
        kept = (best_rc <= best_ub - 2 * _K * best_v) | (best_x > 0)
        if lp is not None and count_proven and placed == count_at_lp:
            # and the LP with the budget row, the count fixed: an arc whose reduced cost
            # exceeds its gap to the answer is in no better one (the municipality round
            # with a budget: the Lagrangian's bound alone kept every one of 31,373 arcs,
            # this keeps 10,543, and the MIP proves the optimum in 34 s, 44 s in all, where
            # it did not end by the 60 s limit)
            slack = lp.value + 0.01 - (best_v - big * placed) - 1
            kept &= (lp.rc[: len(kept)] <= slack) | (best_x > 0)
        keep = np.flatnonzero(kept)
    if 0 < len(keep) <= _MIP_ARCS and time.monotonic() < deadline - 0.5 - 1e-4 * len(keep):
        # When the LP proved that no answer places more, the count is fixed instead of folded
        # into the objective: HiGHS solves that model about twice as fast (measured: 10 s
        # against 23 s for the municipality part without a budget).
        fixed = count_proven and placed == count_at_lp
        inst = PlacementInstance(
            part.left[keep],
            part.right[keep],
            caps,
            arcs.score[keep],
            key[keep],
            fee[keep],
            budget,
            placed if fixed else None,
            0 if fixed else big,
            points,
        )
        sol = PlacementMip(inst).solve(best_x[keep], deadline - time.monotonic())
        cand = np.zeros(len(arcs.child), np.int64)
        cand[keep] = sol.chosen
        if int((fee * cand).sum()) <= budget and value(cand) >= best_v:
            best_x, best_v = cand, value(cand)
        proven = sol.proven
        if sol.bound >= 0:
            mip_bound = sol.bound + (big * placed if fixed else 0)  # in folded units
            best_ub = min(best_ub, 2 * _K * mip_bound + 2 * _K - 1)
        engine = "lagrangian-flow" + refined + "+mip"
        placed = int(best_x.sum())
    score = best_v - big * placed
    bound = None if best_ub is None else best_ub // (2 * _K) - big * placed
    if count_proven and placed == count_at_lp:
        for other in (at_count, lp_bound):
            bound = other if bound is None or other is not None and other < bound else bound
    if bound is None:
        # nothing priced this count (the count's search ran out of time on a round too large
        # for the bisection): each child at its best place, the best `placed` of them
        bound = _top_half(part, half, placed)
    bound = score if proven else max(score, bound)
    proven = proven or (count_proven and placed == count_at_lp and bound <= score)
    n_parts = len(flows.parts)
    return (
        Outcome(np.flatnonzero(best_x), proven, score, bound, n_parts, {engine: 1}, key, []),
        True,
    )
