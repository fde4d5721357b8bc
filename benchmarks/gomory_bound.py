"""How far Gomory mixed-integer cuts from the placement LP's optimal tableau close its gap.

`python -m benchmarks.gomory_bound [--seeds 0-14] [--children 2000] [--rounds 3]`

A research measurement, not part of the engine (docs/solver.md, "Ideas not done",
thirteenth session). For each generated round (a municipality by default): the largest
part's LP with the engine's sibling cuts (`PlacementMip.lp`), then rounds of Gomory cuts
read off the optimal basis of that LP over every column, each round's bound, and the
optimum (HiGHS' MIP on the whole part) with the largest amount by which the optimum breaks
any cut (it must be at most 0: a cut that cuts off the optimum is a bug).

For a basic arc `x_j` at a fractional value, row i of B^-1 (`rho`) gives the identity
`abar . x - rho . (A x) = 0`, `abar = rho A`, at every point whatever the basis. Each other
column and row activity is written from one of its bounds (t = v - lower or upper - v >= 0):
`x_j + sum a'_k t_k = beta`, and with f0 the fraction of beta the cut

    sum over integer t_k of min(f_k / f0, (1 - f_k) / (1 - f0)) t_k
  + sum over continuous t_k of (a'_k / f0 if a'_k >= 0 else -a'_k / (1 - f0)) t_k  >=  1

holds for every answer (an arc is integral; a row's activity is, when its entries are whole
and on arcs only and its bounds whole). The function of f_k is continuous, so rounding moves
each coefficient by as much; a margin on the right-hand side covers it.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any

import numpy as np

from benchmarks.generate import generate_round
from matcher.matching.candidates import build_child_arcs
from matcher.matching.children import sibling_keys, split
from matcher.matching.document import read_round
from matcher.matching.flow import max_weight_matching
from matcher.matching.placement import _instance, fold_weight
from matcher.matching.placement_mip import PlacementMip, highs_binding, highs_model, run_from

# A cut only from a row whose value is at least this far from a whole number: the cut's
# coefficients grow as 1 / f0 (and 1 / (1 - f0)), and with them the effect of rounding.
_MIN_FRACTION = 0.01
# Entries of B^-1's row under this size are taken as 0 (they are rounding of exact zeros).
_TINY = 1e-11
# A cut's coefficients under this share of its largest are dropped, each term's largest
# value over its column's bounds taken off the right-hand side (so the cut stays valid).
_DROP = 1e-9
# Taken off every cut's right-hand side, per unit of its coefficients' sum: the identity's
# and the cut's own rounding (~1e-13 a term) stay far below it.
_MARGIN = 1e-7
# A cut is kept when the LP's point breaks it by at least this much (in the units of the
# cut as derived: 1 at a point where every t is 0).
_MIN_VIOLATION = 1e-3


class Tableau:
    """What the cuts of one LP need besides its basis: the matrix as (vals, rows, cols) of
    `shape` (rows x columns), the columns' and rows' true bounds (whatever a HiGHS object
    has fixed for the moment), which columns are integers and which rows' activities are
    integral at every answer (whole entries on integer columns only, whole bounds)."""

    def __init__(
        self,
        entries: tuple[np.ndarray, np.ndarray, np.ndarray],
        shape: tuple[int, int],
        col_bounds: tuple[np.ndarray, np.ndarray],
        row_bounds: tuple[np.ndarray, np.ndarray],
        int_col: np.ndarray,
    ) -> None:
        self.vals, self.rows, self.cols = entries
        self.shape = shape
        self.col_lo, self.col_hi = col_bounds
        self.row_lo, self.row_hi = row_bounds
        self.int_col = int_col
        odd = ~int_col[self.cols] | (self.vals != np.rint(self.vals))

        def whole(b: np.ndarray) -> np.ndarray:
            return ~np.isfinite(b) | (b == np.rint(b))

        self.int_row = (
            (np.bincount(self.rows, odd, minlength=shape[0]) == 0)
            & whole(self.row_lo)
            & whole(self.row_hi)
        )

        order = np.argsort(self.rows, kind="stable")  # the entries row by row
        self._row_vals, self._row_cols = self.vals[order], self.cols[order]
        self._row_start = np.searchsorted(self.rows[order], np.arange(shape[0] + 1))

    def row_entries(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The entries of the rows `rows`: (their row's position in `rows`, column, value)."""
        start, stop = self._row_start[rows], self._row_start[rows + 1]
        length = stop - start
        which = np.repeat(np.arange(len(rows)), length)
        at = np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length, length)
        at += np.repeat(start, length)
        return which, self._row_cols[at], self._row_vals[at]

    def times(self, v: np.ndarray) -> np.ndarray:
        """A v: each row's activity."""
        return np.bincount(self.rows, self.vals * v[self.cols], minlength=self.shape[0])


def gomory_cuts(
    h: Any, tab: Tableau, x: np.ndarray, limit: int
) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Return Gomory mixed-integer cuts (cols, vals, rhs: `vals . v[cols] >= rhs`) that the LP's
    optimal point `x` breaks, from the basis held by the HiGHS object `h` of the LP `tab`:
    at most `limit`, from the basic integer columns whose values are the most fractional
    (ties by column, so the same LP gives the same cuts)."""
    _, basic = h.getBasicVariables()
    basic = np.asarray(basic, np.int64)
    position = np.flatnonzero(basic >= 0)
    column = basic[position]
    frac = x[column] - np.floor(x[column])
    away = np.minimum(frac, 1.0 - frac)
    take = tab.int_col[column] & (away >= _MIN_FRACTION)
    position, column, away = position[take], column[take], away[take]
    order = np.lexsort((column, -away))[:limit]
    sides = _Sides(tab, x)
    found: list[tuple[np.ndarray, np.ndarray, float]] = []
    for i in order.tolist():
        _, dense, count, index = h.getBasisInverseRowSparse(int(position[i]))
        rows = np.sort(np.asarray(index[:count], np.int64))
        rho = np.asarray(dense, float)[rows]
        cut = _cut(tab, sides, rows, rho, int(column[i]))
        if cut is not None:
            cols, vals, rhs = cut
            if rhs - float(vals @ x[cols]) >= _MIN_VIOLATION:
                found.append((cols, vals, rhs))
    return found


class _Sides:
    """The bound each column and row activity is written from at the point x (the nearer
    one; rows with one finite side, that side): t = sign * (v - bound) >= 0."""

    def __init__(self, tab: Tableau, x: np.ndarray) -> None:
        activity = tab.times(x)
        at_hi = (tab.col_hi - x) < (x - tab.col_lo)
        self.col_bound = np.where(at_hi, tab.col_hi, tab.col_lo)
        self.col_sign = np.where(at_hi, -1.0, 1.0)
        self.col_fixed = tab.col_hi == tab.col_lo
        lo, hi = tab.row_lo, tab.row_hi
        row_hi = np.isfinite(hi) & (~np.isfinite(lo) | ((hi - activity) < (activity - lo)))
        self.row_bound = np.where(row_hi, hi, lo)
        self.row_sign = np.where(row_hi, -1.0, 1.0)


def _gmi(a: np.ndarray, integral: np.ndarray, f0: float) -> np.ndarray:
    """The cut's coefficient of each t_k from its coefficient `a` in the tableau row."""
    f = a - np.floor(a)
    whole = np.minimum(f / f0, (1.0 - f) / (1.0 - f0))
    part = np.where(a >= 0, a / f0, -a / (1.0 - f0))
    return np.where(integral, whole, part)


def _cut(
    tab: Tableau, sides: _Sides, rows: np.ndarray, rho: np.ndarray, j: int
) -> tuple[np.ndarray, np.ndarray, float] | None:
    """The cut `vals . v[cols] >= rhs` from the row of B^-1 whose entries `rho` are on the
    rows `rows` and whose basic column is `j`; None when the row cannot give a safe one."""
    big = np.abs(rho) >= _TINY
    rows, rho = rows[big], rho[big]
    if not np.isfinite(sides.row_bound[rows]).all():
        return None  # a free row in the identity has no bound to write it from
    which, col, val = tab.row_entries(rows)
    # the identity: abar . v - rho . (A v) = 0 at every point, abar = rho A
    abar = np.bincount(col, val * rho[which], minlength=tab.shape[1])
    if abs(abar[j] - 1.0) > 1e-7:
        return None  # not the row of x_j: numerical trouble
    abar[j] = 0.0
    cols = np.flatnonzero(abar)
    fixed = cols[sides.col_fixed[cols]]
    cols = cols[~sides.col_fixed[cols]]
    # x_j + sum a'_k t_k = beta (a fixed column's term is a constant)
    a_col = abar[cols] * sides.col_sign[cols]
    a_row = -rho * sides.row_sign[rows]
    beta = float(
        -(abar[cols] @ sides.col_bound[cols])
        - abar[fixed] @ tab.col_lo[fixed]
        + rho @ sides.row_bound[rows]
    )
    f0 = beta - np.floor(beta)
    if not _MIN_FRACTION <= f0 <= 1.0 - _MIN_FRACTION:
        return None
    pi_col = _gmi(a_col, tab.int_col[cols], f0)
    pi_row = _gmi(a_row, tab.int_row[rows], f0)
    # sum pi t >= 1, with t = sign * (v - bound), and a row's v its activity A_r v
    row_coef = pi_row * sides.row_sign[rows]
    coef = np.bincount(col, val * row_coef[which], minlength=tab.shape[1])
    rhs = 1.0 + float(
        (pi_col * sides.col_sign[cols]) @ sides.col_bound[cols] + row_coef @ sides.row_bound[rows]
    )
    on_fixed = sides.col_fixed & (coef != 0)
    rhs -= float(coef[on_fixed] @ tab.col_lo[on_fixed])
    coef[on_fixed] = 0.0
    coef[cols] += pi_col * sides.col_sign[cols]
    keep = np.flatnonzero(coef)
    if len(keep) == 0:
        return None
    vals = coef[keep]
    small = np.abs(vals) < _DROP * np.abs(vals).max()
    if small.any():  # c_k v_k is at most max(c_k lo, c_k hi): the rest must reach rhs - it
        k, c = keep[small], vals[small]
        rhs -= float(np.maximum(c * tab.col_lo[k], c * tab.col_hi[k]).sum())
        keep, vals = keep[~small], vals[~small]
    reach = np.maximum(np.abs(tab.col_lo[keep]), np.abs(tab.col_hi[keep]))
    rhs -= _MARGIN * (1.0 + float(np.abs(vals) @ reach) + abs(rhs))
    return keep, vals, rhs


def _largest_part(n: int, seed: int):
    rnd = read_round(generate_round(n, towns=1, seed=seed))
    arcs = build_child_arcs(rnd)
    sib_key, sib_n = sibling_keys(rnd, arcs)
    part = max(split(rnd, arcs, sib_key, sib_n), key=lambda p: len(p.left))
    return part, rnd.params.sibling_points


def measure(n: int, seed: int, rounds: int, limit: int) -> dict[str, Any]:
    """One round: the LP with sibling cuts (`lp`), the bound after each Gomory round
    (`bounds`, with the cuts and entries each added and the seconds they took), the optimum
    and by how much it breaks the most broken cut (`worst`: at most 0 when every cut holds)."""
    core = highs_binding()
    part, points = _largest_part(n, seed)
    start = max_weight_matching(
        part.n_left, part.cap, part.left, part.right, fold_weight(part, points) + part.score
    )
    mip = PlacementMip(_instance(part, np.arange(len(part.left)), int(start.sum()), points))
    lp = mip.lp(60.0, start, cuts=True)
    assert lp is not None
    vals, rows, cols = mip.entries
    n_rows, n_cols = mip.shape
    lo, hi = mip.row_lo, mip.row_hi
    integer = np.zeros(n_cols, bool)
    integer[: mip.n_arcs] = True
    optimum = mip.solve(start, 300.0)
    best = mip.columns(optimum.chosen)
    out: dict[str, Any] = {"lp": lp.value, "bounds": [], "worst": -math.inf}

    def solved() -> Any:
        h = highs_model(
            core, (vals, rows, cols), (n_rows, n_cols), mip.cost, mip.col_upper, (lo, hi),
            None, 300.0, 0.0,
        )  # fmt: skip
        run_from(core, h, None)
        return h

    h = solved()
    for _ in range(rounds):
        x = np.asarray(h.getSolution().col_value)
        bounds = (np.zeros(n_cols), mip.col_upper)
        tab = Tableau((vals, rows, cols), (n_rows, n_cols), bounds, (lo, hi), integer)
        started = time.monotonic()
        cuts = gomory_cuts(h, tab, x, limit)
        took = time.monotonic() - started
        if not cuts:
            break
        for c, v, r in cuts:
            out["worst"] = max(out["worst"], r - float(v @ best[c]))
        k = len(cuts)
        vals = np.r_[vals, np.concatenate([-v for _, v, _ in cuts])]
        rows = np.r_[rows, np.repeat(np.arange(n_rows, n_rows + k), [len(c) for c, _, _ in cuts])]
        cols = np.r_[cols, np.concatenate([c for c, _, _ in cuts])]
        lo = np.r_[lo, np.full(k, -np.inf)]
        hi = np.r_[hi, -np.array([r for _, _, r in cuts])]
        n_rows += k
        h = solved()
        value = -float(h.getInfo().objective_function_value)
        out["bounds"].append((value, k, sum(len(c) for c, _, _ in cuts), took))
    out["optimum"], out["proven"] = optimum.objective, optimum.proven
    return out


def _line(seed: int, got: dict[str, Any]) -> str:
    steps = [f"seed {seed}: LP {got['lp']:,.2f}"] + [
        f"+{k} cuts ({nnz:,} entries, {took:.2f} s) {value:,.2f}"
        for value, k, nnz, took in got["bounds"]
    ]
    return (
        " -> ".join(steps)
        + f"; optimum {got['optimum']:,} (proven {got['proven']}); "
        + f"by the optimum, the most broken cut: {got['worst']:.2g}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.gomory_bound", description=__doc__)
    ap.add_argument("--seeds", default="0-14", help="range of seeds, LO-HI")
    ap.add_argument("--children", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cuts", type=int, default=150, help="cuts a round, at most")
    args = ap.parse_args(argv)
    lo, _, hi = args.seeds.partition("-")
    bad = 0
    for seed in range(int(lo), int(hi or lo) + 1):
        got = measure(args.children, seed, args.rounds, args.cuts)
        bad += got["worst"] > 1e-6
        print(_line(seed, got), flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
