"""The LP over the columns generated so far: HiGHS holds those alone; the others are priced
from its row duals, and a column added late brings its entries in rows added before it."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from benchmarks.generate import generate_round
from matcher.matching.candidates import build_child_arcs
from matcher.matching.children import sibling_keys, split
from matcher.matching.column_lp import ColumnLp
from matcher.matching.document import read_round
from matcher.matching.flow import max_weight_matching
from matcher.matching.placement import _instance, fold_weight
from matcher.matching.placement_mip import (
    PlacementMip,
    _best_per_child,
    highs_binding,
    highs_model,
)
from matcher.matching.sibling_cuts import Cuts


def _model(seed: int) -> tuple[PlacementMip, np.ndarray]:
    rnd = read_round(generate_round(300, towns=1, seed=seed))
    arcs = build_child_arcs(rnd)
    key, sib_n = sibling_keys(rnd, arcs)
    part = max(split(rnd, arcs, key, sib_n), key=lambda p: len(p.left))
    points = rnd.params.sibling_points
    x = max_weight_matching(
        part.n_left, part.cap, part.left, part.right, fold_weight(part, points) + part.score
    )
    mip = PlacementMip(_instance(part, np.arange(len(part.left)), int(x.sum()), points))
    return mip, x


def _lp(core, *model):
    """A HiGHS LP as `PlacementMip.lp` builds it."""
    return highs_model(core, *model, None, 30.0, 0.0)


def _held(mip: PlacementMip, x: np.ndarray) -> tuple[ColumnLp, np.ndarray]:
    upper = mip.col_upper.copy()
    m = mip.n_arcs
    upper[:m] = np.maximum(_best_per_child(mip.inst.left, mip.inst.score, 2), x > 0)
    core = highs_binding()
    return ColumnLp(core, mip, upper, functools.partial(_lp, core)), upper


def _run(held: ColumnLp) -> float:
    held.h.run()
    assert held.h.getModelStatus() == highs_binding().HighsModelStatus.kOptimal
    return -held.h.getInfo().objective_function_value


def _whole_lp(mip: PlacementMip, upper: np.ndarray) -> float:
    """The same LP with every column in HiGHS (`upper` 0 keeping one out)."""
    core = highs_binding()
    rows = (mip.row_lo, mip.row_hi)
    h = _lp(core, mip.entries, mip.shape, mip.cost, upper, rows)
    h.run()
    return -h.getInfo().objective_function_value


@pytest.mark.parametrize("seed", [3, 4])
def test_reduced_costs_from_the_row_duals_are_highs_own_on_the_columns_held(seed):
    mip, x = _model(seed)
    held, upper = _held(mip, x)
    assert len(held.active) < mip.shape[1]  # some columns are left out
    value = _run(held)
    assert value == pytest.approx(_whole_lp(mip, upper), abs=1e-6)
    xs, rc, duals = held.solution()
    sol = held.h.getSolution()
    assert np.allclose(rc[held.active], np.asarray(sol.col_dual), atol=1e-7)
    assert (xs[upper == 0] == 0).all()
    assert float(-(mip.cost * xs).sum()) == pytest.approx(value, abs=1e-6)
    assert len(duals) == mip.shape[0]


@pytest.mark.parametrize("seed", [3, 4])
def test_a_column_added_late_brings_its_entries_in_the_rows_added_before_it(seed):
    mip, x = _model(seed)
    held, upper = _held(mip, x)
    _run(held)
    xs, rc, _ = held.solution()
    out = np.flatnonzero(upper[: mip.n_arcs] == 0)
    inside = np.flatnonzero(xs[: mip.n_arcs] > 0.5)
    # a row over a column held (in the LP's answer) and two not held yet: one of the three
    cols = np.r_[inside[:1], out[:2]]
    cut = Cuts(np.zeros(3, np.int64), cols, np.ones(3), np.array([1.0]))
    held.add_rows(cut)
    mip.add_cuts(cut, lp_only=True)
    assert held.h.getNumRow() == mip.shape[0]
    _run(held)
    upper[out[:2]] = 1.0
    held.add_columns(out[:2], upper)
    assert held.h.getNumCol() == len(held.active) == int((upper > 0).sum())
    after = _run(held)
    # the same LP as the one built whole from the model, the new row and columns in it
    assert after == pytest.approx(_whole_lp(mip, upper), abs=1e-6)
    lp = held.h.getLp()
    starts, index = np.asarray(lp.a_matrix_.start_), np.asarray(lp.a_matrix_.index_)
    for col in out[:2]:
        at = held.place[col]
        assert mip.shape[0] - 1 in index[starts[at] : starts[at + 1]].tolist()
    xs, rc, _ = held.solution()
    assert xs[cols].sum() <= 1 + 1e-7
