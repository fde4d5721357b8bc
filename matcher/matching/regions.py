"""A bound by towns for a part too large for one proof.

A national part joins several towns through a handful of children who live between two of
them (the seed-0 round's largest part: 16,649 children in 759 clubs, whose best splits cut
1, 12, 40, 9 and 13 children, where any split inside a town cuts 1,100-2,500). Split there,
each town is a municipality-sized MIP, and the few children between towns are the only
rows that join them:

- **Towns**: the clubs are split in two by the Fiedler vector of their graph (two clubs are
  joined by every child with a candidate in both), at the cut that crosses the fewest
  children for its size; a split is kept only when it crosses at most 10% of the smaller
  side's children (between towns 0-5%, inside one 13-92%, measured), and sides are
  split again while they hold `_MIN_ARCS` arcs or more.
- **Lagrangian bound**: the rows of the children between towns ("at most one place") and
  the count row are priced with the part's LP duals and left out; each town keeps its own
  rows (the crossing children's "at most one" within it too) and is solved as a MIP. For any
  prices of the right sign, the towns' optima plus the prices times the rows' right-hand
  sides bound every answer (weak duality); with the LP's duals the towns differ from the
  LP only where a MIP closes a town's gap. Each town's MIP keeps only the columns whose
  reduced cost under the LP's duals (the town's own dual objective and the incumbent's share
  as the gap) could still improve on the incumbent's share, so its optimum is exact.
- Where a town's MIP places the children between towns as the incumbent does, its answer
  replaces the incumbent's there when it scores more.

Measured on that part (LP 990,154.3, answer 990,117, proof model 197,000 arcs): five towns
of 33,000-130,000 arcs with 35 children between them; their MIPs kept 7,000-42,000 arcs
and proved 990,117 in 17 s (the whole part's proof MIP on what a regional fixing keeps,
86,000 arcs, took 230 s). Regions by k-means on the clubs' coordinates (8 regions, 2,940
children between them) left 4.4 points (990,121.4), and subgradient steps on the prices did
not lower it: the towns' borders are what closes the gap.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .distinct import distinct
from .placement_mip import (
    NO_PRESOLVE_FROM,
    LpSolution,
    PlacementMip,
    highs_binding,
    highs_limit,
    highs_model,
    run_from,
)
from .sibling_cuts import Cuts

# Sides under this many arcs are not split further (a MIP of that size ends in ~1-2 s).
_MIN_ARCS = 20_000
# A split is kept when it crosses at most this share of the smaller side's children. On the
# national rounds' six largest parts (seeds 0 and 1), the best cuts between towns crossed
# 0-5% and those inside a town 49-92%; two cities had cuts of 13% and 19%, which leaked
# and were merged again (the 171,000-arc part's towns took 36 s at 20%, 20 s at 10%).
_MAX_CROSSING = 0.1
# Each side of a split holds at least this share of the arcs.
_BALANCE = 0.2
# Beyond this many clubs the dense eigen-decomposition (n^3) is not attempted.
_MAX_CLUBS = 3_000
# Margin for floating point in the duals' sums (a town's dual objective is ~10^5-10^6).
_MARGIN = 0.05


def towns(left: np.ndarray, club: np.ndarray, min_arcs: int | None = None) -> np.ndarray:
    """Per arc (its child `left`, its `club`), the number of its town (0, 1, ...), by
    recursive spectral bisection of the clubs (see the module's doc); all 0 when no split
    crosses few enough children. Sides under `min_arcs` arcs (`_MIN_ARCS`) are not split."""
    min_arcs = _MIN_ARCS if min_arcs is None else min_arcs
    region = np.zeros(len(left), np.int64)
    todo = [np.arange(len(left))]
    done: list[np.ndarray] = []
    while todo:
        arcs = todo.pop()
        sides = _bisect(left[arcs], club[arcs]) if len(arcs) >= min_arcs else None
        if sides is None:
            done.append(arcs)
            continue
        todo += [arcs[sides], arcs[~sides]]
    done.sort(key=lambda a: int(a[0]))  # numbered by their first arc: deterministic
    for r, arcs in enumerate(done):
        region[arcs] = r
    return region


def _bisect(left: np.ndarray, club: np.ndarray) -> np.ndarray | None:
    """Return per arc whether it is on the first side of the best split, or None."""
    clubs, ci = np.unique(club, return_inverse=True)
    n = len(clubs)
    if n < 2 or n > _MAX_CLUBS:
        return None
    inc = distinct(left * n + ci)  # (child, club) pairs, sorted by child
    kid, kc = inc // n, inc % n
    kids, kinv = np.unique(kid, return_inverse=True)
    deg = np.bincount(kinv)
    w = np.zeros((n, n))
    for k in range(1, int(deg.max())):  # every pair of clubs of one child
        same = kinv[k:] == kinv[:-k]
        a, b = kc[:-k][same], kc[k:][same]
        weight = 1.0 / (deg[kinv[:-k][same]] - 1)
        np.add.at(w, (a, b), weight)
        np.add.at(w, (b, a), weight)
    d = w.sum(1) + 1e-12
    s = 1.0 / np.sqrt(d)
    lap = np.eye(n) - w * s[:, None] * s[None, :]
    _, vecs = np.linalg.eigh(lap)
    f = vecs[:, 1] * s
    nonzero = np.flatnonzero(np.abs(f) > 1e-12)
    if len(nonzero) and f[nonzero[0]] < 0:  # the eigenvector's sign is arbitrary
        f = -f
    order = np.argsort(f, kind="stable")
    pos = np.empty(n, np.int64)
    pos[order] = np.arange(n)
    # a child crosses the split before position t when its clubs lie on both sides
    p = pos[kc]
    lo = np.full(len(kids), n)
    np.minimum.at(lo, kinv, p)
    hi = np.full(len(kids), -1)
    np.maximum.at(hi, kinv, p)
    diff = np.zeros(n + 1)
    np.add.at(diff, lo + 1, 1)
    np.add.at(diff, hi + 1, -1)
    crossing = np.cumsum(diff)[:n]
    before = np.cumsum(np.bincount(pos[ci], minlength=n))  # arcs before position t + 1
    kids_before = np.cumsum(np.bincount(lo, minlength=n))  # children starting before
    t = np.arange(1, n)
    small = np.minimum(before[t - 1], len(left) - before[t - 1])
    ratio = np.where(small >= _BALANCE * len(left), crossing[t] / np.maximum(small, 1), np.inf)
    if not np.isfinite(ratio).any():
        return None
    cut = int(t[np.argmin(ratio)])
    first_side = int(kids_before[cut - 1])  # children with a club before the cut
    other_side = len(kids) - first_side + int(crossing[cut])
    if crossing[cut] > _MAX_CROSSING * min(first_side, other_side):
        return None
    return pos[ci] < cut


@dataclass
class RegionalBound:
    """What the towns prove: `bound` on every answer with the part's count (None when a town
    could not be solved), and each town's MIP answer: (the town's arcs, the arcs it
    chooses), to put in place of the incumbent's where it places the children between
    towns as the incumbent does (`splice`)."""

    bound: int | None
    answers: list[tuple[np.ndarray, np.ndarray]]
    towns: int
    crossing: int
    arcs: list[int]
    rows: TownRows | None = None


@dataclass(frozen=True)
class TownRows:
    """What the towns' MIPs prove town by town, for the part's proof after them. Under the
    LP's duals on the rows between towns (priced costs `cost`, per column, `town` the town
    of each), every answer costs at least `constant` plus its towns' priced costs, and each
    town's priced cost is at least its MIP's bound `lower[t]` (what `regional_bound`
    sums). So (1) the rows "town t's priced cost >= lower[t]" hold for every answer and
    bring the proof's LP down to the towns' bound; (2) an answer scoring more than the
    incumbent leaves town t at most `-(value + 1) - constant - sum of the other towns'
    lower` to spend, so its columns of reduced cost `rc` above that less the town's dual
    objective `dual[t]` are in no better answer (the part's LP fixing allows each town the
    whole LP's gap, here the gap less the other towns' MIP gains)."""

    town: np.ndarray
    cost: np.ndarray
    lower: np.ndarray
    constant: float
    rc: np.ndarray
    dual: np.ndarray

    def keep(self, value: int) -> np.ndarray:
        """Per column, whether it may be in an answer scoring more than `value`."""
        spend = -(value + 1) - self.constant - (self.lower.sum() - self.lower)
        return self.rc <= (spend - self.dual)[self.town] + _MARGIN

    def cuts(self, columns: np.ndarray) -> Cuts:
        """The rows (1), as `Cuts` (each `<= rhs`), over the columns of the mask `columns`."""
        cols = np.flatnonzero(columns & (self.cost != 0))
        cols = cols[np.argsort(self.town[cols], kind="stable")]
        return Cuts(
            self.town[cols],
            cols,
            -self.cost[cols],
            -(self.lower - _MARGIN),
        )


def regional_bound(
    mip: PlacementMip,
    lp: LpSolution,
    region: np.ndarray,
    best: np.ndarray,
    deadline: float | Callable[[float], float],
    seconds_for: Any,
    cheaper_than: float = math.inf,
) -> RegionalBound | None:
    """Bound a part by its towns (`region`, per arc) under the LP's duals, see the module's
    doc; `best` is the incumbent (arcs), `seconds_for(arcs)` how long a MIP on that many
    arcs takes (towns start only when all those still to solve fit before `deadline`, and
    the first towns only when they take less than `cheaper_than` seconds). `deadline` may
    be a function of the seconds a step needs, giving when it may run to (see
    `part_workers.Extension.end`).
    While the bound is above the incumbent, the town whose MIP beats its share the most is
    merged with the town it shares the most children with, and the merged town is solved
    (the others keep their MIPs: their prices do not change). None when the part is one
    town, the LP has no row duals, or a row other than a child's or the count joins two
    towns."""
    core = highs_binding()
    if core is None or lp.row_dual is None or len(region) == 0 or region.max() < 1:
        return None
    end = deadline if callable(deadline) else lambda seconds: deadline
    # Duals of the right sign (HiGHS minimises): <= rows y <= 0, >= rows y >= 0.
    y = np.asarray(lp.row_dual, float).copy()
    y[np.isinf(mip.row_lo) & (y > 0)] = 0.0
    y[np.isinf(mip.row_hi) & (y < 0)] = 0.0
    rhs = np.where(y < 0, mip.row_hi, mip.row_lo)
    rhs = np.where(y == 0, 0.0, rhs)
    start = mip.columns(best)
    incumbent = -float(mip.cost @ start)
    group = np.arange(int(region.max()) + 1)  # first towns -> the town they are now in
    solved: dict[tuple[int, ...], float] = {}
    answers: list[tuple[np.ndarray, np.ndarray]] = []
    result: RegionalBound | None = None
    while True:
        labels, town = np.unique(group[region], return_inverse=True)
        k = len(labels)
        setup = _Towns(mip, town, k, y, rhs, start) if k > 1 else None
        if setup is None or not setup.ok:
            break
        keys = [tuple(np.flatnonzero(group == g).tolist()) for g in labels]
        sizes = np.bincount(town, setup.keep[: mip.n_arcs], minlength=k).astype(np.int64)
        todo = [r for r in np.argsort(sizes, kind="stable") if keys[r] not in solved]
        cost = sum(seconds_for(int(sizes[r])) for r in todo)
        if not solved and cost >= cheaper_than or time.monotonic() + cost > end(cost):
            break
        for r in todo:
            columns = np.flatnonzero(setup.keep & (setup.col_town == r))
            lower, x = 0.0, None  # no column left: the town's arcs only make it worse
            if len(columns):
                need = seconds_for(len(columns))
                seconds = highs_limit(end(need) - time.monotonic(), len(columns))
                got = _town_mip(core, mip, setup, columns, start, seconds)
                if got is None:
                    return result
                lower, x = got
            solved[keys[r]] = lower
            if x is not None:
                answers.append((np.flatnonzero(town == r), columns[: len(x)][x > 0]))
        lowers = np.array([solved[key] for key in keys])
        bound = math.floor(-(setup.constant + lowers.sum()) + _MARGIN)
        if result is None or result.bound is None or bound < result.bound:
            rows = TownRows(
                setup.col_town, setup.cost, lowers, setup.constant, setup.rc, setup.dual
            )
            result = RegionalBound(bound, answers, k, len(setup.crossing), sizes.tolist(), rows)
        if bound <= incumbent:
            break
        leak = setup.share - lowers  # what each town's MIP finds beyond the incumbent's share
        worst = int(np.argmax(leak))
        other = setup.neighbour(worst)
        if leak[worst] <= 1e-6 or other is None:
            break
        group[group == labels[other]] = labels[worst]
    return result


class _Towns:
    """The Lagrangian problem of one split into towns: priced costs, reduced costs, each
    town's dual objective and the incumbent's share, and the columns each town keeps."""

    def __init__(
        self,
        mip: PlacementMip,
        town: np.ndarray,
        k: int,
        y: np.ndarray,
        rhs: np.ndarray,
        start: np.ndarray,
    ) -> None:
        n_left = int(mip.inst.left.max()) + 1
        vals, rows, cols = mip.entries
        n_rows = mip.shape[0]
        self.left = mip.inst.left
        self.town = town
        self.col_town = col_town = np.r_[town, _pair_regions(mip, town)]
        # rows that join towns: only children's rows and the count row may
        rr = col_town[cols]
        lo = np.full(n_rows, k)
        np.minimum.at(lo, rows, rr)
        hi = np.full(n_rows, -1)
        np.maximum.at(hi, rows, rr)
        joins = hi > lo
        relaxed = joins.copy()
        others = joins.copy()
        others[:n_left] = False
        if mip.count_row is not None:
            relaxed[mip.count_row] = True
            others[mip.count_row] = False
        # the LP's own rows ({0, 1/2}-cuts, which no MIP holds) are priced like the children's
        relaxed[mip.mip_rows :] = True
        others[mip.mip_rows :] = False
        self.ok = not others.any()  # else the towns cannot be priced apart
        self.crossing = np.flatnonzero(joins[:n_left])
        # priced costs: the relaxed rows move into the objective
        on = relaxed[rows]
        self.cost = cost = mip.cost.copy()
        np.subtract.at(cost, cols[on], y[rows[on]] * vals[on])
        self.constant = float((y[relaxed] * rhs[relaxed]).sum())
        # reduced costs and each town's dual objective under the kept rows' duals
        kept = ~relaxed
        rc = cost.copy()
        np.subtract.at(rc, cols[kept[rows]], y[rows[kept[rows]]] * vals[kept[rows]])
        dual = np.zeros(k)
        inside = kept & (lo < k)  # (a row without entries belongs to no town)
        np.add.at(dual, lo[inside], y[inside] * rhs[inside])
        np.add.at(dual, col_town, np.minimum(rc, 0.0) * mip.col_upper)
        self.rc, self.dual = rc, dual
        self.share = np.bincount(col_town, cost * start, minlength=k)
        # the columns that could still beat the incumbent's share of their town
        keep = (rc <= (self.share - dual)[col_town] + _MARGIN) | (start > 0)
        self.keep = keep & (mip.col_upper > 0)
        self.rows_kept = kept
        self.rows_kept[self.crossing] = True  # in its town, a child still takes one place

    def neighbour(self, r: int) -> int | None:
        """The town sharing the most children between towns with town `r`, if any."""
        if len(self.crossing) == 0:
            return None
        m = len(self.left)
        link = np.isin(self.left, self.crossing)
        pairs = np.unique(np.stack([self.left[link], self.town[:m][link]], 1), axis=0)
        mine = distinct(pairs[pairs[:, 1] == r, 0])
        near = pairs[np.isin(pairs[:, 0], mine) & (pairs[:, 1] != r), 1]
        if len(near) == 0:
            return None
        return int(np.argmax(np.bincount(near)))


def _pair_regions(mip: PlacementMip, region: np.ndarray) -> np.ndarray:
    """The town of each sibling pair's column: its club's (any arc with its key)."""
    key = mip.inst.sib_key
    if len(mip.pairs) == 0:
        return np.zeros(0, np.int64)
    at = np.full(int(key.max()) + 1, -1, np.int64)
    has = np.flatnonzero(key >= 0)
    at[key[has]] = region[has]
    return at[mip.pairs[:, 0]]


def _town_mip(
    core: Any,
    mip: PlacementMip,
    towns: _Towns,
    columns: np.ndarray,
    start: np.ndarray,
    seconds: float,
) -> tuple[float, np.ndarray | None] | None:
    """Minimise the priced cost over a town's `columns` under the kept rows; returns HiGHS'
    dual bound (a lower bound on the town's minimum: valid even when stopped by the clock)
    and the best answer's arc columns (None without one); None without a bound."""
    entries, shape, row_bounds, _ = mip.submodel(columns, towns.rows_kept)
    arcs = int((columns < mip.n_arcs).sum())  # arcs come first, then pairs
    h = highs_model(
        core,
        entries,
        shape,
        towns.cost[columns],
        mip.col_upper[columns],
        row_bounds,
        arcs,
        seconds,
        0.0,
        1e-6,  # the priced objective is fractional: no whole-point gap
        len(columns) < NO_PRESOLVE_FROM,
    )
    info = run_from(core, h, start[columns])
    lower = float(info.mip_dual_bound)
    if not math.isfinite(lower):
        return None
    x = None
    if info.primal_solution_status == core.kSolutionStatusFeasible:
        x = np.rint(np.asarray(h.getSolution().col_value)[:arcs]).astype(np.int64)
    return lower, x


def splice(
    chosen: np.ndarray, left: np.ndarray, town: np.ndarray, arcs: np.ndarray
) -> np.ndarray | None:
    """Return `chosen` (0/1 per arc) with the arcs of `town` replaced by `arcs`, or None
    when a child would then hold two places (one of the children between towns)."""
    out = chosen.copy()
    out[town] = 0
    out[arcs] = 1
    if np.bincount(left, out).max(initial=0) > 1:
        return None
    return out
