"""Keeping the fees within the subsidy budget: a Lagrangian price on the fee over repeated
flow solves gives a strong primal and a bound; an LP-based MIP (HiGHS) on the arcs that survive
reduced-cost fixing closes the gap where time allows."""

from __future__ import annotations

import math
import time

import numpy as np

from .candidates import ChildArcs
from .children import Outcome
from .document import Round
from .flow import dual_prices, max_weight_matching
from .placement import Part, fold_weight, sibling_bonus
from .placement_mip import PlacementMip
from .placement_model import PlacementInstance

_K = 1000  # price resolution: lambda is in 1/K of a weight unit per øre


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
    part: Part, key: np.ndarray, fee: np.ndarray, budget: int, placed: int, points: int, end: float
) -> tuple[bool, int | None]:
    """Return whether no answer within budget places more than `placed`, and a proven bound
    on the score of any answer that places `placed` (None when unknown).

    Two LP relaxations with the budget row: the most children that fit (if its floor equals
    the incumbent's count, no answer places more), then the best score with that count.
    """
    zero = np.zeros(len(part.left), np.int64)
    count = PlacementMip(
        PlacementInstance(part.left, part.right, part.cap, zero, key, fee, budget, None, 1, 0)
    ).relaxation(end - time.monotonic())
    if count is None or math.floor(count + 1e-6) > placed:
        return False, None
    best = PlacementMip(
        PlacementInstance(
            part.left, part.right, part.cap, part.score, key, fee, budget, placed, 0, points
        )
    ).relaxation(end - time.monotonic())
    # a hair of slack: the LP's reported optimum may sit a rounding error below the true one
    return True, None if best is None else math.floor(best + 0.01)


def within_budget(
    rnd: Round, arcs: ChildArcs, outcome: Outcome, deadline: float
) -> tuple[Outcome, bool]:
    """Return an outcome whose fees fit the budget, and whether the budget binds."""
    fee = np.rint(arcs.fee[arcs.act] * 100).astype(np.int64)
    budget = int(np.floor(rnd.params.budget * 100 + 1e-6))
    if int(fee[outcome.chosen].sum()) <= budget:
        return outcome, False
    points = rnd.params.sibling_points
    sib_n = np.zeros(len(arcs.child), np.int64)
    key = outcome.sib_key
    if (key >= 0).any():
        ks, counts = np.unique(np.stack([key, arcs.child], 1)[key >= 0], axis=0, return_counts=True)
        per_key = np.bincount(ks[:, 0], minlength=int(key.max()) + 1)
        sib_n[key >= 0] = per_key[key[key >= 0]]
    caps = np.array([a.capacity for a in rnd.activities], np.int64)
    part = Part(
        np.arange(len(arcs.child)),
        arcs.child,
        arcs.act,
        len(rnd.children),
        caps,
        arcs.score,
        key,
        sib_n,
    )
    big = fold_weight(part, points)
    base2 = 2 * (big + arcs.score) + points * np.where(key >= 0, sib_n - 1, 0)

    def value(x: np.ndarray) -> int:
        return int(((big + arcs.score) * x).sum()) + sibling_bonus(part, x, points)

    best_x, best_v, best_ub, best_rc = None, -1, None, None
    lo, hi = 0, int((_K * base2 // np.maximum(fee, 1)).max()) + 1
    step_seconds = 0.0  # how long the last price took: stop before one would overrun
    for _ in range(40):
        if hi - lo <= 1 or time.monotonic() + step_seconds > deadline - 1:
            break
        step_started = time.monotonic()
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
        step_seconds = time.monotonic() - step_started
    if best_x is None:
        best_x = _fill(part, np.zeros(len(arcs.child), np.int64), fee, budget)
        best_v = value(best_x)
    placed = int(best_x.sum())
    proven = best_ub is not None and best_ub < 2 * _K * (best_v + 1)
    engine = "lagrangian-flow"
    lp_bound, count_at_lp, count_proven = None, -1, False
    # HiGHS cannot be interrupted in its presolve: an LP or MIP that cannot get past it before
    # the deadline is not started (~50 us an arc for the LP, ~100 us for the MIP, measured).
    n_arcs = len(arcs.child)
    if not proven and time.monotonic() < deadline - 1 - 5e-5 * n_arcs:
        # LP bounds first, with a third of the time left: they make the bound informative
        end = time.monotonic() + (deadline - time.monotonic()) / 3
        count_at_lp = int(best_x.sum())
        count_proven, lp_bound = _lp_bound(part, key, fee, budget, count_at_lp, points, end)
        if lp_bound is not None and lp_bound <= best_v - big * int(best_x.sum()):
            proven = True
    keep = np.zeros(0, np.int64)
    if not proven and best_ub is not None:
        keep = np.flatnonzero((best_rc <= best_ub - 2 * _K * best_v) | (best_x > 0))
    if len(keep) and time.monotonic() < deadline - 0.5 - 1e-4 * len(keep):
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
        engine = "lagrangian-flow+mip"
        placed = int(best_x.sum())
    score = best_v - big * placed
    bound = score if proven else max(score, best_ub // (2 * _K) - big * placed)
    if not proven and lp_bound is not None and placed == count_at_lp:
        bound = max(score, min(bound, lp_bound))
        proven = bound <= score
    return (
        Outcome(np.flatnonzero(best_x), proven, score, bound, outcome.parts, {engine: 1}, key, []),
        True,
    )
