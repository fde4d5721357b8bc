"""The LP relaxation in HiGHS over the columns generated so far (`PlacementMip.lp`): HiGHS
holds those columns alone, with every row; the others' reduced costs come from its row
duals. Held at an upper bound of 0 instead, the 20,000-25,000 columns not yet generated of
a municipality part made each of HiGHS' dual simplex iterations and each re-solve dearer
(measured on the seed-34 and seed-50 rounds' LPs, 2026-12-01: from scratch over the final
columns, 0.15 s and 0.18 s with them, 0.10 s without)."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from .sibling_cuts import Cuts


class Model(Protocol):
    """What the LP is built from: the model's (vals, rows, cols) entries, its shape (rows,
    columns), its costs (minimised) and its rows' bounds (`PlacementMip`)."""

    entries: tuple[np.ndarray, np.ndarray, np.ndarray]
    shape: tuple[int, int]
    cost: np.ndarray
    row_lo: np.ndarray
    row_hi: np.ndarray


def _by_column(
    entries: tuple[np.ndarray, np.ndarray, np.ndarray], place: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The entries of the columns whose `place` (per model column, -1 for none) is set,
    grouped by that place: (starts of the `count` columns, their rows, their values)."""
    vals, rows, cols = entries
    at = place[cols]
    take = np.flatnonzero(at >= 0)
    order = take[np.argsort(at[take], kind="stable")]
    starts = np.searchsorted(at[order], np.arange(count))
    return starts.astype(np.int32), rows[order].astype(np.int32), vals[order].astype(float)


class ColumnLp:
    """A HiGHS LP (`make(entries, shape, cost, upper, row bounds)` builds it) over the
    columns `active` of `model`, with upper bounds `upper` (per model column); columns and
    rows are added as the LP grows."""

    def __init__(self, core: Any, model: Model, upper: np.ndarray, make: Any) -> None:
        self.core = core
        self.model = model
        self.active = np.flatnonzero(upper > 0)  # the model column of each HiGHS column
        n_cols = model.shape[1]
        self.place = np.full(n_cols, -1, np.int64)
        self.place[self.active] = np.arange(len(self.active))
        vals, rows, cols = model.entries
        take = self.place[cols] >= 0
        entries = (vals[take], rows[take], self.place[cols[take]])
        shape = (model.shape[0], len(self.active))
        bounds = (model.row_lo, model.row_hi)
        self.h = make(entries, shape, model.cost[self.active], upper[self.active], bounds)

    def add_columns(self, columns: np.ndarray, upper: np.ndarray) -> None:
        """Add the model's columns `columns` (none held yet) with their entries in every row
        held, upper bounds `upper` (per model column)."""
        if len(columns) == 0:
            return
        place = np.full(self.model.shape[1], -1, np.int64)
        place[columns] = np.arange(len(columns))
        starts, rows, vals = _by_column(self.model.entries, place, len(columns))
        n = len(columns)
        cost = self.model.cost[columns].astype(float)
        self.h.addCols(
            n, cost, np.zeros(n), upper[columns].astype(float), len(rows), starts, rows, vals
        )
        self.place[columns] = len(self.active) + np.arange(n)
        self.active = np.r_[self.active, columns]

    def add_rows(self, cuts: Cuts) -> None:
        """Add rows (`sibling_cuts.Cuts`, each `<= rhs`, over model columns) with their
        entries on the columns held; the model is to get them too (their entries on the
        other columns come with those columns)."""
        at = self.place[cuts.cols]
        held = at >= 0
        order = np.argsort(cuts.row[held], kind="stable")
        row = cuts.row[held][order]
        starts = np.searchsorted(row, np.arange(len(cuts)))
        self.h.addRows(
            len(cuts),
            np.full(len(cuts), -self.core.kHighsInf),
            cuts.rhs.astype(float),
            len(row),
            starts.astype(np.int32),
            at[held][order].astype(np.int32),
            cuts.vals[held][order].astype(float),
        )

    def solution(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The LP's solution per model column, every column's reduced cost (of the
        minimisation: cost less the row duals' price) and the row duals."""
        sol = self.h.getSolution()
        n_cols = self.model.shape[1]
        x = np.zeros(n_cols)
        x[self.active] = np.asarray(sol.col_value)
        duals = np.asarray(sol.row_dual)
        vals, rows, cols = self.model.entries
        price = np.bincount(cols, weights=vals * duals[rows], minlength=n_cols)
        return x, self.model.cost - price, duals
