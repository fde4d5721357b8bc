"""{0, 1/2}-cuts: half the sum of some of the model's rows, rounded down, where it cuts off the
LP's point.

The placement LP is integral but for the siblings: it seats two of them half in one club and
half in another, or splits a child between two clubs, and earns their pairs' points in full
where the places left could never hold them together. HiGHS' MIP closes that gap at its root
with cuts that add capacity rows to the children's and the pairs' rows at coefficients 1/2
(read from its cut pool on municipality rounds, docs/solver.md), and takes most of a
municipality round's proof to find them, again in every MIP. This separator finds them from
the LP's point, once, for every later MIP.

Every column of the model is 0 or 1 in an answer (an arc is chosen or not; a pair's
`together` is 1 exactly when both siblings are in its club), and every row used has whole
coefficients and a whole bound. For rows `a_i x <= b_i` (a `>=` row negated, an equality
either way) and bounds `x_j >= 0` (as `-x_j <= 0`) and `x_j <= 1`, taken with multipliers
1/2 so that every column's coefficient in the sum is even and the sum's bound odd, the cut

    sum_j (sum of a_ij over the rows, +1 for an upper bound, -1 for a lower) / 2 x_j
        <=  (sum of b_i + the upper bounds taken - 1) / 2

holds for every answer (the left side is whole there; the right side is the sum's bound
halved and rounded down). The LP's point `x*` breaks it by (1 - s) / 2, where s is the sum of
the rows' and bounds' slacks at `x*`; so only rows of slack under 1 matter, a column at 0 or 1
is evened out by its bound for nothing, and a fractional one costs min(x*, 1 - x*). The rows
are found by Gaussian elimination modulo 2 over the fractional columns (Koster, Zymolka and
Kutschka, "Algorithms to separate {0, 1/2}-Chvatal-Gomory cuts", Algorithmica 2009): rows of
slack 0 are pivots, the costliest columns first; every row of the eliminated system is a
combination of rows whose slacks and odd columns can be read off; those worth less than 1
give cuts.
"""

from __future__ import annotations

import numpy as np

from .sibling_cuts import Cuts

# A cut is kept only when the LP's point breaks it by at least this.
_MIN_VIOLATION = 1e-3
# A value within this of 0 or 1 counts as whole.
_EPS = 1e-6
# The most cuts per round, the most violated first.
_MAX_CUTS = 200
# No elimination over more fractional columns or rows than these (a national part whose LP
# splits thousands of children): the dense boolean system would take tens of MB.
_MAX_COLUMNS = 3_000
_MAX_ROWS = 8_000
# Rows over more columns than this stay out of the cuts: the count of children placed (every
# arc) would make a cut over most of the model. It entered cuts on municipality seed 31, and
# building them took 0.7 s of one round, for an LP no lower.
_MAX_ROW_ENTRIES = 2_000
# Candidates are built in blocks of this many, the most broken first, until there are enough.
_BUILD_BLOCK = 100


def separate(
    entries: tuple[np.ndarray, np.ndarray, np.ndarray],
    shape: tuple[int, int],
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    upper: np.ndarray,
    x: np.ndarray,
    max_cuts: int = _MAX_CUTS,
) -> Cuts:
    """Return {0, 1/2}-cuts that the point `x` breaks, for the model of rows
    `row_lo <= A x <= row_hi` (A as (vals, rows, cols) `entries` of `shape`) over columns that
    are whole in every answer, each between 0 and `upper` (0 or 1)."""
    vals, rows, cols = entries
    n_rows, n_cols = shape
    x = np.asarray(x, float)[:n_cols]
    frac = (x > _EPS) & (x < 1 - _EPS) & (upper > 0)
    at_one = (x >= 1 - _EPS) & (upper > 0)
    frac_cols = np.flatnonzero(frac)
    if len(frac_cols) == 0 or len(frac_cols) > _MAX_COLUMNS:
        return _no_cuts()
    # Only rows over a fractional column can add one to a cut; a column fixed at 0 is 0 in
    # every answer, so it leaves every row
    live = upper[cols] > 0
    touch = np.zeros(n_rows, bool)
    touch[rows[live & frac[cols]]] = True
    take = live & touch[rows]
    rows, cols, vals = _merged(rows[take], cols[take], vals[take], n_cols)
    act = np.bincount(rows, vals * x[cols], n_rows)
    whole_row = touch.copy()
    whole_row[rows[np.abs(vals - np.rint(vals)) > 1e-9]] = False
    whole_row &= np.bincount(rows, None, n_rows) <= _MAX_ROW_ENTRIES
    sides = _tight_sides(row_lo, row_hi, act, whole_row)
    if sides is None:
        return _no_cuts()
    side_row, side_sign, side_slack, side_rhs = sides
    # Each side's entries (rows sorted, as `_merged` leaves them)
    starts = np.searchsorted(rows, np.arange(n_rows + 1))
    lo, hi = starts[side_row], starts[side_row + 1]
    counts = hi - lo
    ent = _ranges(lo, counts)
    ent_side = np.repeat(np.arange(len(side_row)), counts)
    odd = (np.rint(vals[ent]).astype(np.int64) % 2) != 0
    # the bound's parity, each odd column at 1 evened out by its upper bound (one more)
    parity = (side_rhs + np.bincount(ent_side[odd & at_one[cols[ent]]], None, len(side_row))) % 2
    pos = np.full(n_cols, -1)
    pos[frac_cols] = np.arange(len(frac_cols))
    on_frac = odd & frac[cols[ent]]
    useful = np.zeros(len(side_row), bool)
    useful[ent_side[on_frac]] = True
    use = np.flatnonzero(useful)
    if len(use) == 0 or len(use) > _MAX_ROWS:
        return _no_cuts()
    at = np.full(len(side_row), -1)
    at[use] = np.arange(len(use))
    system = np.zeros((len(use), len(frac_cols)), bool)
    system[at[ent_side[on_frac]], pos[cols[ent][on_frac]]] = True
    combo = np.eye(len(use), dtype=bool)  # which sides each row of the system adds up
    parity = parity[use].astype(bool)
    weight = side_slack[use].copy()
    value = x[frac_cols]
    cost = np.minimum(value, 1 - value)
    done = np.zeros(len(use), bool)
    for j in np.argsort(-cost, kind="stable"):
        holders = np.flatnonzero(system[:, j])
        pivots = holders[~done[holders] & (weight[holders] <= 1e-9)]
        if len(pivots) == 0:
            continue
        p = pivots[np.argmin(system[pivots].sum(axis=1))]
        done[p] = True
        others = holders[holders != p]
        system[others] ^= system[p]
        parity[others] ^= parity[p]
        combo[others] ^= combo[p]
        weight[others] += weight[p]
    # each row's worth: its slack, the cheaper bound of each odd column, and when the bound's
    # parity comes out even the cheapest switch of one column to its other bound
    odd_cost = system @ cost
    ups = (system & (value > 0.5)).sum(axis=1)
    even = (parity.astype(np.int64) + ups) % 2 == 0
    switch = np.where(system, np.abs(1 - 2 * value), np.inf).min(axis=1, initial=np.inf)
    worth = weight + odd_cost + np.where(even, switch, 0.0)
    candidates = np.flatnonzero(worth < 1 - 2 * _MIN_VIOLATION)
    # the most broken first; three times as many as wanted cover the repeated ones
    candidates = candidates[np.argsort(worth[candidates], kind="stable")][: 3 * max_cuts]
    if len(candidates) == 0:
        return _no_cuts()
    # broken cuts only (the estimate above can only overstate), each once, the most broken
    # first: the candidates are built in that order, a block at a time, until there are
    # enough (a quarter of them repeat another; building all took 0.1-0.3 s a round)
    chosen: list[tuple[np.ndarray, np.ndarray, int]] = []
    seen: set[bytes] = set()
    for first in range(0, len(candidates), _BUILD_BLOCK):
        block = candidates[first : first + _BUILD_BLOCK]
        cand, side = np.nonzero(combo[block])  # each candidate's sides, in order
        cut_row, cut_col, cut_val, rhs = _cuts(
            cand,
            use[side],
            len(block),
            side_row,
            side_sign,
            side_rhs,
            rows,
            cols,
            vals,
            starts,
            x,
            frac,
            at_one,
        )
        lhs = np.bincount(cut_row, cut_val * x[cut_col], len(block))
        broken = lhs - rhs >= _MIN_VIOLATION
        bounds = np.searchsorted(cut_row, np.arange(len(block) + 1))
        for k in np.flatnonzero(broken):
            lo, hi = bounds[k], bounds[k + 1]
            key = cut_col[lo:hi].tobytes() + cut_val[lo:hi].tobytes() + rhs[k].tobytes()
            if key in seen:
                continue
            seen.add(key)
            chosen.append((cut_col[lo:hi], cut_val[lo:hi], int(rhs[k])))
            if len(chosen) >= max_cuts:
                break
        if len(chosen) >= max_cuts:
            break
    if not chosen:
        return _no_cuts()
    sizes = [len(c[0]) for c in chosen]
    return Cuts(
        np.repeat(np.arange(len(chosen)), sizes),
        np.concatenate([c[0] for c in chosen]),
        np.concatenate([c[1] for c in chosen]).astype(float),
        np.array([c[2] for c in chosen], float),
    )


def _cuts(
    cand: np.ndarray,
    side: np.ndarray,
    n_cand: int,
    side_row: np.ndarray,
    side_sign: np.ndarray,
    side_rhs: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    vals: np.ndarray,
    starts: np.ndarray,
    x: np.ndarray,
    frac: np.ndarray,
    at_one: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cuts (see the module's docstring) of `n_cand` candidates, candidate `cand[i]`
    adding up the side `side[i]`: (cut, column, whole coefficient) entries sorted by cut
    then column, and each cut's bound. A candidate whose bound no choice of the columns'
    bounds makes odd gets the empty cut `0 <= 0`."""
    n_cols = len(x)
    r = side_row[side]
    lo, hi = starts[r], starts[r + 1]
    ent = _ranges(lo, hi - lo)
    owner = np.repeat(cand, hi - lo)
    coef_in = np.repeat(side_sign[side], hi - lo) * np.rint(vals[ent]).astype(np.int64)
    key, inverse = np.unique(owner * n_cols + cols[ent], return_inverse=True)
    coef = np.bincount(inverse, coef_in, len(key)).astype(np.int64)
    cut, col = key // n_cols, key % n_cols
    rhs = np.bincount(cand, side_rhs[side], n_cand).astype(np.int64)
    odd = coef % 2 != 0
    up = odd & (at_one[col] | (frac[col] & (x[col] > 0.5)))
    even = (rhs + np.bincount(cut, up, n_cand).astype(np.int64)) % 2 == 0
    # where the bound comes out even, the fractional column that costs least switches bound
    switchable = np.flatnonzero(odd & frac[col] & even[cut])
    order = switchable[np.lexsort((np.abs(1 - 2 * x[col[switchable]]), cut[switchable]))]
    first = order[np.r_[True, cut[order][1:] != cut[order][:-1]]] if len(order) else order
    up[first] ^= True
    fixed = np.zeros(n_cand, bool)
    fixed[cut[first]] = True
    coef[up] += 1
    coef[odd & ~up] -= 1
    rhs += np.bincount(cut, up, n_cand).astype(np.int64)
    coef //= 2
    rhs = (rhs - 1) // 2
    dead = even & ~fixed  # no odd bound: the empty cut, never broken
    keep = (coef != 0) & ~dead[cut]
    rhs[dead] = 0
    return cut[keep], col[keep], coef[keep], rhs


def _merged(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The entries sorted by row then column, repeated (row, column) entries summed."""
    key = rows.astype(np.int64) * n_cols + cols
    uniq, inverse = np.unique(key, return_inverse=True)
    summed = np.bincount(inverse, vals, len(uniq))
    nz = summed != 0
    return (uniq // n_cols)[nz], (uniq % n_cols)[nz], summed[nz]


def _tight_sides(
    row_lo: np.ndarray, row_hi: np.ndarray, act: np.ndarray, whole_row: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """The rows' sides as `sign * A_i x <= rhs` with a whole bound and a slack under 1 at the
    point (an equality once): (row, sign, slack, rhs), or None when there is none."""
    out = []
    eq = np.isfinite(row_lo) & np.isfinite(row_hi) & (row_lo == row_hi)
    for sign, bound in ((1, row_hi), (-1, row_lo)):
        finite = np.isfinite(bound)
        b = np.where(finite, bound, 0.0)
        ok = finite & whole_row & (np.abs(b - np.rint(b)) < 1e-9)
        if sign < 0:
            ok &= ~eq
        slack = np.maximum(sign * (b - act), 0.0)
        sel = np.flatnonzero(ok & (slack < 1 - 2 * _MIN_VIOLATION))
        out.append((sel, np.full(len(sel), sign), slack[sel], np.rint(sign * b[sel])))
    side_row = np.concatenate([o[0] for o in out])
    if len(side_row) == 0:
        return None
    return (
        side_row,
        np.concatenate([o[1] for o in out]).astype(np.int64),
        np.concatenate([o[2] for o in out]),
        np.concatenate([o[3] for o in out]).astype(np.int64),
    )


def _ranges(lo: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The positions lo[k] .. lo[k] + counts[k] - 1 of every k, concatenated."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    shift = np.repeat(lo - np.r_[0, np.cumsum(counts)[:-1]], counts)
    return np.arange(total) + shift


def _no_cuts() -> Cuts:
    empty = np.zeros(0, np.int64)
    return Cuts(empty, empty, np.zeros(0), np.zeros(0))
