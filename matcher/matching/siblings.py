"""A tight bound for sibling points by Lagrangian relaxation over min-cost flows.

Each pair of siblings (i, j) who could meet in club k earns its points only when both are
there. Relaxing that, the points are split between the two: i gets alpha, j the rest, each
only when placed in k. Any split gives an upper bound (a flow with the shares added to the arc
weights); subgradient steps move the split towards the sibling that was left alone, which
closes the bound on the LP value. Every flow solved on the way is also a candidate solution.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .distinct import distinct
from .flow import dual_prices, max_weight_matching

SCALE = 16  # shares are in 1/SCALE of a point, so weights stay integers


@dataclass
class Relaxation:
    """The best bound found (scaled by SCALE) with the reduced costs of the same flow: any
    matching y weighs at most `dual - rc . y` (reduced-cost fixing measures gaps from `dual`)."""

    bound: int
    rc: np.ndarray
    candidates: list[np.ndarray]
    dual: int


def sibling_pairs(left: np.ndarray, sib_key: np.ndarray) -> np.ndarray:
    """Return rows (key, child i, child j), i < j, of siblings who share a candidate club."""
    sel = sib_key >= 0
    if not sel.any():
        return np.zeros((0, 3), np.int64)
    # each (key, child) once, as one code, sorted by key then child
    n = int(left.max()) + 1
    code = distinct(sib_key[sel].astype(np.int64) * n + left[sel])
    key, kid = code // n, code % n
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    size = np.diff(np.r_[start, len(code)])
    # each child pairs with the children after it in its key's group, in order
    after = np.repeat(start + size, size) - np.arange(len(code)) - 1
    first = np.repeat(np.arange(len(code)), after)
    second = first + np.arange(len(first)) - np.repeat(np.cumsum(after) - after, after) + 1
    return np.stack([key[first], kid[first], kid[second]], 1).astype(np.int64)


def relax(
    n_left: int,
    cap: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    sib_key: np.ndarray,
    points: int,
    target: int,
    deadline: float,
    rounds: int = 40,
) -> Relaxation:
    """Minimise the Lagrangian bound of max weight + sibling points by subgradient steps;
    stop once below `target` (scaled), after `rounds` flows, or at the deadline.

    Polyak steps towards `target` (the incumbent), halved after five rounds without a better
    bound: on the municipality round 40 rounds bring the bound from 109,553 to 106,467 and 150
    to 106,418 (LP optimum 106,411.6). Each round's bound is the relaxed flow's exact value.
    """
    pairs = sibling_pairs(left, sib_key)
    total = SCALE * points
    alpha = np.full(len(pairs), total / 2)
    n = max(n_left, 1)
    arc_code = sib_key * n + left
    side_code = np.r_[pairs[:, 0] * n + pairs[:, 1], pairs[:, 0] * n + pairs[:, 2]]
    codes, side_slot = np.unique(side_code, return_inverse=True)
    arc_slot = np.searchsorted(codes, arc_code)
    has = (sib_key >= 0) & (arc_slot < len(codes))
    has[has] &= codes[arc_slot[has]] == arc_code[has]
    base = SCALE * weight
    best: tuple[int, np.ndarray, np.ndarray] | None = None  # bound, weights, flow
    theta, stall = 1.0, 0
    candidates = []
    for _ in range(rounds):
        whole = np.rint(alpha).astype(np.int64)
        share = np.bincount(side_slot, weights=np.r_[whole, total - whole], minlength=len(codes))
        w = base.copy()
        w[has] += share[arc_slot[has]].astype(np.int64)
        x = max_weight_matching(n_left, cap, left, right, w)
        bound = int((w * x).sum())  # the flow is optimal for w: its value is the bound
        candidates.append(x)
        if best is None or bound < best[0]:
            best, stall = (bound, w, x), 0
        else:
            stall += 1
            if stall >= 5:
                theta, stall = theta / 2, 0
        if best[0] < target or theta < 0.01 or time.monotonic() > deadline:
            break
        in_club = np.zeros(len(codes), np.int64)  # is the child placed in the pair's club?
        in_club[arc_slot[has & (x > 0)]] = 1
        g = in_club[side_slot[: len(pairs)]] - in_club[side_slot[len(pairs) :]]
        norm = int((g != 0).sum())
        if norm == 0:
            break
        step = theta * max(bound - target, SCALE) / norm
        alpha = np.clip(alpha - step * g, 0, total)
    assert best is not None
    rc, dual = dual_prices(n_left, cap, left, right, best[1], best[2])
    # Any matching y has weight <= dual - rc . y; `dual` equals the bound once the prices
    # have converged (they do within their 400 rounds on every round measured).
    return Relaxation(best[0], rc, candidates, dual)
