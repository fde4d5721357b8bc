"""The exact placement model (`placement_mip.py`) and the whole-part method built on it
(LP, a MIP on the core of small reduced cost, a MIP on what reduced-cost fixing keeps)."""

from __future__ import annotations

import math
import subprocess
import sys
import time

import numpy as np
import pytest

import matcher.matching.placement as placement
import matcher.matching.placement_mip as placement_mip
from benchmarks.generate import generate_round
from matcher.matching.candidates import build_child_arcs
from matcher.matching.children import sibling_keys, split
from matcher.matching.document import read_round
from matcher.matching.flow import max_weight_matching
from matcher.matching.placement import (
    _instance,
    fold_weight,
    part_value,
    sibling_bonus,
    solve_part,
)
from matcher.matching.placement_mip import PlacementMip, highs_binding
from matcher.matching.placement_model import PlacementInstance, PlacementSolution

from .recording import record


def _inst(left, right, cap, score, sib_key, placed=None, points=20) -> PlacementInstance:
    n = len(left)
    return PlacementInstance(
        left=np.array(left),
        right=np.array(right),
        cap=np.array(cap),
        score=np.array(score),
        sib_key=np.array(sib_key),
        fee=np.zeros(n, np.int64),
        budget=None,
        placed=placed,
        weight_per_child=0 if placed is not None else 1000,
        sibling_points=points,
    )


def test_the_full_highs_binding_is_used():
    # Without it the model still solves (scipy.optimize.milp), only slower: keep it in sight.
    core = highs_binding()
    assert core is not None and hasattr(core, "_Highs")


def test_siblings_who_can_only_share_one_single_place_get_no_together_column():
    # children 0 and 1 are siblings; in club key 0 each can only go to activity 0 (1 place)
    one = PlacementMip(_inst([0, 1, 0], [0, 0, 1], [1, 1], [50, 50, 40], [0, 0, -1]))
    assert one.col_upper[one.n_arcs :].tolist() == [0.0]
    # with two places they can be together
    two = PlacementMip(_inst([0, 1, 0], [0, 0, 1], [2, 1], [50, 50, 40], [0, 0, -1]))
    assert two.col_upper[two.n_arcs :].tolist() == [1.0]
    # or with a second activity in the club for one of them
    other = PlacementMip(_inst([0, 1, 1], [0, 0, 1], [1, 1], [50, 50, 40], [0, 0, 0]))
    assert other.col_upper[other.n_arcs :].tolist() == [1.0]


def test_a_count_that_fills_every_place_makes_capacities_equalities():
    inst = _inst([0, 1, 2, 2], [0, 0, 1, 0], [1, 1], [10, 20, 30, 5], [-1, -1, -1, -1], placed=2)
    mip = PlacementMip(inst)
    n_left, n_cap = 3, 2
    assert mip.shape[0] == n_left + n_cap  # no count row over all arcs
    assert mip.row_lo[n_left:].tolist() == [1.0, 1.0]
    sol = mip.solve(np.zeros(4, np.int64), 10.0)
    assert sol.proven and sol.objective == 50 and sol.chosen.tolist() == [0, 1, 1, 0]
    # a count below the places keeps the count row
    assert PlacementMip(_inst([0, 1], [0, 0], [2], [1, 1], [-1, -1], placed=1)).shape[0] == 4


def _count_row_instance(seed: int) -> tuple[PlacementInstance, np.ndarray]:
    """A small random part whose count (the most that fit) leaves places free, so its model
    keeps the count row; and the flows' answer placing that many."""
    rng = np.random.default_rng(seed)
    n, n_act = 6, 4
    while True:
        left, right = [], []
        for child in range(n):
            for act in rng.choice(n_act, rng.integers(1, 3), replace=False):
                left.append(child)
                right.append(int(act))
        left_a, right_a = np.array(left), np.array(right)
        cap = rng.integers(1, 4, n_act)
        cap[rng.integers(n_act)] = 0  # an activity full already
        family = rng.integers(0, 3, n)  # three families; an activity's club is its half
        club = right_a // 2
        siblings = np.bincount(family)[family[left_a]] > 1
        sib_key = np.where(siblings, family[left_a] * 2 + club, -1)
        score = rng.integers(1, 60, len(left))
        x = max_weight_matching(n, cap, left_a, right_a, 10_000 + score)
        if x.sum() < cap.sum():
            placed = int(x.sum())
            inst = _inst(left, right, cap.tolist(), score.tolist(), sib_key.tolist(), placed)
            return inst, x


def _feasible(entries, shape, bounds, col_upper, values) -> bool:
    vals, rows, cols = entries
    act = np.bincount(rows, vals * values[cols], shape[0])
    lo, hi = bounds
    in_rows = bool(((act >= lo - 1e-9) & (act <= hi + 1e-9)).all())
    return in_rows and bool(((values >= 0) & (values <= col_upper + 1e-9)).all())


@pytest.mark.parametrize("seed", range(12))
def test_the_count_row_written_over_slacks_keeps_exactly_the_same_answers(seed):
    # HiGHS' MIPs get the count row (dense over every arc) over one slack per capacity
    # row: every 0/1 choice of arcs (with each pair's best `together`) is an answer of one
    # model exactly when it is of the other, the slacks at the free places.
    inst, _ = _count_row_instance(seed)
    mip = PlacementMip(inst)
    where = mip._count_and_caps(None)
    assert where is not None
    count, cap_rows, acts = where
    bounds = (mip.row_lo, mip.row_hi)
    entries, shape, new_bounds = placement_mip.count_by_slacks(
        mip.entries, mip.shape, bounds, count, cap_rows
    )
    assert shape == (mip.shape[0], mip.shape[1] + len(cap_rows))
    vals, rows, cols = entries
    # the count row holds the slacks alone, and each capacity row is an equality with its
    # slack, so the slacks are the free places (no other values fit)
    assert (cols[rows == count] >= mip.shape[1]).all() and (rows == count).sum() == len(acts)
    assert (new_bounds[0][cap_rows] == new_bounds[1][cap_rows]).all()
    upper = np.r_[mip.col_upper, new_bounds[1][cap_rows]]
    m = mip.n_arcs
    seen = 0
    for bits in range(2**m):
        chosen = (bits >> np.arange(m)) & 1
        cols = mip.columns(chosen)
        before = _feasible(mip.entries, mip.shape, bounds, mip.col_upper, cols)
        after = _feasible(entries, shape, new_bounds, upper, np.r_[cols, mip._slacks(chosen, acts)])
        assert before == after
        seen += before
    assert seen > 0


@pytest.mark.parametrize("seed", range(12))
def test_a_mip_with_its_count_over_slacks_finds_the_optimum_of_the_plain_model(seed):
    inst, x = _count_row_instance(seed)
    mip = PlacementMip(inst)
    assert mip.count_row is not None
    fast = mip.solve(x, 10.0)
    plain = mip._solve_milp(x, 10.0, mip.col_upper, 0.0)  # the model as built, scipy's milp
    assert fast.proven and plain.proven
    assert fast.objective == plain.objective
    assert fast.chosen.sum() == inst.placed
    # and over a part of the columns, passed alone, as masked
    some = mip.arc_mask((x > 0) | (np.arange(mip.n_arcs) % 2 == 0))
    alone = mip.solve_within(x, 10.0, some)
    masked = mip.solve(x, 10.0, some)
    assert alone.proven and masked.proven and alone.objective == masked.objective
    assert alone.chosen.sum() == inst.placed and not (alone.chosen > some[: mip.n_arcs]).any()


@pytest.mark.parametrize("seed", range(12))
def test_a_mip_without_presolve_gets_its_kept_columns_alone_and_the_same_optimum(seed):
    # (`NO_PRESOLVE_FROM`: large proofs run without HiGHS' presolve, on their columns alone)
    inst, x = _count_row_instance(seed)
    mip = PlacementMip(inst)
    model = (mip.entries, mip.shape, mip.cost, mip.col_upper, (mip.row_lo, mip.row_hi))
    h = placement_mip.highs_model(highs_binding(), *model, mip.n_arcs, 1.0, 0.0, None, False)
    assert h.getOptionValue("presolve")[1] == "off"
    plain = mip._solve_milp(x, 10.0, mip.col_upper, 0.0)
    whole = mip.solve(x, 10.0, presolve=False)
    assert whole.proven and whole.objective == plain.objective
    assert whole.chosen.sum() == inst.placed
    some = mip.arc_mask((x > 0) | (np.arange(mip.n_arcs) % 2 == 0))
    masked = mip.solve(x, 10.0, some)
    alone = mip.solve(x, 10.0, some, presolve=False)
    assert alone.proven and alone.objective == masked.objective
    assert not (alone.chosen > some[: mip.n_arcs]).any()
    # a hint outside the columns is not passed as a start: the same end as when masked
    outside = mip.arc_mask(np.arange(mip.n_arcs) % 2 == 1)
    assert (x > outside[: mip.n_arcs]).any()
    masked = mip.solve(x, 10.0, outside)
    alone = mip.solve(x, 10.0, outside, presolve=False)
    assert alone.proven == masked.proven and alone.objective == masked.objective


@pytest.mark.parametrize("seed", range(6))
def test_a_mip_given_its_kept_columns_alone_presolves_them_and_proves_the_same(seed, monkeypatch):
    # (`alone`: the support's MIP and the proof of a municipality-sized part)
    inst, x = _count_row_instance(seed)
    mip = PlacementMip(inst)
    some = mip.arc_mask((x > 0) | (np.arange(mip.n_arcs) % 2 == 0))
    masked = mip.solve(x, 10.0, some)
    calls = record(monkeypatch, PlacementMip, "_solve_on")
    alone = mip.solve(x, 10.0, some, alone=True)
    assert len(calls) == 1
    (_, _, _, kept, *rest), _, _ = calls[0]
    assert kept.tolist() == np.flatnonzero(some & (mip.col_upper > 0)).tolist()
    assert rest[4] is True  # HiGHS' presolve stays on
    assert alone.proven and masked.proven and alone.objective == masked.objective
    assert alone.chosen.sum() == inst.placed and not (alone.chosen > some[: mip.n_arcs]).any()


@pytest.mark.parametrize("seed", range(6))
def test_more_rows_over_the_kept_columns_alone_cut_the_same_answers(seed):
    # the towns' rows reach HiGHS renumbered over the columns passed: a row that cuts the
    # optimum off (its arcs, one fewer) gives the same next-best answer with or without it
    from matcher.matching.sibling_cuts import Cuts

    inst, x = _count_row_instance(seed)
    mip = PlacementMip(inst)
    best = mip.solve(x, 10.0)
    assert best.proven
    some = mip.arc_mask((best.chosen > 0) | (np.arange(mip.n_arcs) % 3 != 0))
    arcs = np.flatnonzero(best.chosen)
    cut = Cuts(np.zeros(len(arcs), np.int64), arcs, np.ones(len(arcs)), np.array([len(arcs) - 1]))
    masked = mip.solve(x, 10.0, some, rows=cut)
    alone = mip.solve(x, 10.0, some, rows=cut, presolve=False)
    assert alone.proven == masked.proven and alone.objective == masked.objective
    if alone.proven:
        assert alone.objective <= best.objective and alone.chosen[arcs].sum() < len(arcs)
        assert not (alone.chosen > some[: mip.n_arcs]).any()


@pytest.mark.parametrize(("n", "seed"), [(500, 55), (900, 46), (900, 52)])
def test_a_proof_past_the_presolve_limit_runs_without_it_and_proves_the_same(n, seed, monkeypatch):
    part, points = _part_with_a_proof(seed, n, monkeypatch)
    calls = record(monkeypatch, PlacementMip, "solve")
    before = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert "mip_bound" in before.notes
    assert [kw["presolve"] for _, kw, _ in calls if "presolve" in kw] == [True]
    calls.clear()
    monkeypatch.setattr(placement, "NO_PRESOLVE_FROM", 0)
    after = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert [kw["presolve"] for _, kw, _ in calls if "presolve" in kw] == [False]
    assert before.proven and after.proven and after.score == before.score
    assert after.chosen.sum() == before.chosen.sum()


@pytest.mark.parametrize("seed", range(12))
def test_the_lp_of_a_part_with_a_count_row_is_the_plain_lp_and_prices_by_its_duals(seed):
    # what `lp` returns (column generation, then cut rounds) is the LP over every column
    # (scipy's linprog gives the same value), with reduced costs that are `cost - A^T
    # duals` for the model as built, cuts included (`regions.py` prices rows by them)
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    inst, x = _count_row_instance(seed)
    mip = PlacementMip(inst)
    assert mip.count_row is not None
    lp = mip.lp(10.0, x, cuts=True)
    assert lp is not None and lp.row_dual is not None
    vals, rows, cols = mip.entries
    a = csr_matrix((vals, (rows, cols)), shape=mip.shape)
    lo, hi = mip.row_lo, mip.row_hi
    ub = np.isfinite(hi) & ~np.isfinite(lo)
    eq = np.isfinite(lo) & np.isfinite(hi)
    assert (ub | eq).all()  # (no row bounded only below)
    plain = linprog(
        mip.cost,
        A_ub=a[ub],
        b_ub=hi[ub],
        A_eq=a[eq],
        b_eq=hi[eq],
        bounds=list(zip(np.zeros(mip.shape[1]), mip.col_upper, strict=True)),
    )
    assert plain.status == 0
    assert lp.value == pytest.approx(-plain.fun, abs=1e-6)
    assert len(lp.x) == len(lp.rc) == mip.shape[1] and len(lp.row_dual) == mip.shape[0]
    np.testing.assert_allclose(lp.rc, mip.cost - a.T @ lp.row_dual, atol=1e-7)


def test_columns_set_together_only_when_both_siblings_sit_in_the_club():
    # children 0, 1 siblings; key 7 = their shared club (activities 0 and 1)
    mip = PlacementMip(_inst([0, 0, 1, 1], [0, 2, 1, 2], [1, 1, 5], [9, 9, 9, 9], [7, -1, 7, -1]))
    assert mip.columns(np.array([1, 0, 1, 0]))[mip.n_arcs :].tolist() == [1.0]
    assert mip.columns(np.array([1, 0, 0, 1]))[mip.n_arcs :].tolist() == [0.0]
    assert mip.columns(np.array([0, 0, 0, 0]))[mip.n_arcs :].tolist() == [0.0]


def _parts(seed: int, n: int = 500):
    rnd = read_round(generate_round(n, towns=1, seed=seed))
    arcs = build_child_arcs(rnd)
    sib_key, sib_n = sibling_keys(rnd, arcs)
    return split(rnd, arcs, sib_key, sib_n), rnd.params.sibling_points


def _part_with_a_proof(seed: int, n: int, monkeypatch) -> tuple:
    """The largest part of a generated round, municipality-sized, and its sibling points;
    without {0, 1/2}-cuts in the LP (which make it tight enough on these to need none) and
    without the target's core after the support (which proves some of them), its support's
    answer leaves a proof to do."""
    parts, points = _parts(seed, n=n)
    part = max(parts, key=lambda p: len(p.left))
    assert len(part.left) <= placement._SUPPORT_ARCS
    monkeypatch.setattr(placement, "HALF_ROUNDS", 0)
    monkeypatch.setattr(placement, "_target_core", lambda *args: None)
    return part, points


@pytest.mark.parametrize("seed", [11, 12, 13, 14])
def test_reduced_cost_fixing_keeps_the_optimum_of_the_whole_model(seed, monkeypatch):
    parts, points = _parts(seed)
    part = max(parts, key=lambda p: len(p.left))
    fast = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert fast.engine == "flow+lp+mip" and fast.proven
    assert fast.score == fast.bound
    # The whole model, no LP, no fixing (the path taken without the HiGHS binding)
    monkeypatch.setattr(placement_mip, "highs_binding", lambda: None)
    plain = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert plain.engine == "flow+mip"
    assert plain.proven and plain.score == fast.score
    assert plain.chosen.sum() == fast.chosen.sum()
    assert fast.score == int((part.score * fast.chosen).sum()) + sibling_bonus(
        part, fast.chosen, points
    )


def test_the_lp_bounds_every_answer_and_its_reduced_costs_bound_each_one():
    parts, points = _parts(21)
    part = max(parts, key=lambda p: len(p.left))
    w = fold_weight(part, points) + part.score
    x = max_weight_matching(part.n_left, part.cap, part.left, part.right, w)
    placed = int(x.sum())
    mip = PlacementMip(_instance(part, np.arange(len(part.left)), placed, points))
    lp = mip.lp(60.0)
    assert lp is not None
    exact = mip.solve(x, 60.0)
    assert exact.proven and exact.objective <= lp.value + 1e-6
    for chosen in (x, exact.chosen):
        assert_priced_within_the_lp(mip, lp, part, points, chosen)


def assert_priced_within_the_lp(mip: PlacementMip, lp, part, points: int, chosen) -> None:
    """Weak duality, per answer: its value <= LP - the reduced costs it pays (a column below
    its upper bound pays a negative reduced cost, one above 0 a positive one)."""
    cols = mip.columns(chosen)
    pays = np.where(lp.rc > 0, lp.rc * cols, -lp.rc * (mip.col_upper - cols))
    value = int((part.score * chosen).sum()) + sibling_bonus(part, chosen, points)
    assert value <= lp.value - pays[: mip.shape[1]].sum() + 1e-6


def test_column_generation_reaches_the_lp_over_all_columns():
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    parts, points = _parts(31, n=700)
    part = max(parts, key=lambda p: len(p.left))
    w = fold_weight(part, points) + part.score
    x = max_weight_matching(part.n_left, part.cap, part.left, part.right, w)
    mip = PlacementMip(_instance(part, np.arange(len(part.left)), int(x.sum()), points))
    lp = mip.lp(60.0, x)
    vals, rows, cols = mip.entries
    a = csr_matrix((vals, (rows, cols)), shape=mip.shape)
    upper_only = ~np.isfinite(mip.row_lo)
    eq = ~upper_only
    ref = linprog(
        mip.cost,
        A_ub=a[upper_only],
        b_ub=mip.row_hi[upper_only],
        A_eq=a[eq],
        b_eq=mip.row_hi[eq],
        bounds=list(zip(np.zeros(mip.shape[1]), mip.col_upper, strict=True)),
        method="highs",
    )
    assert ref.status == 0
    assert lp.value == pytest.approx(-ref.fun, abs=1e-6)
    # and its reduced costs price every column, those it never took in too
    assert (lp.rc[: mip.n_arcs][lp.x[: mip.n_arcs] < 1e-9] >= -1e-6).all()


@pytest.mark.parametrize("seconds", [0.0, 0.3])
def test_a_short_deadline_still_gives_a_feasible_answer_and_a_true_bound(seconds):
    parts, points = _parts(41, n=900)
    part = max(parts, key=lambda p: len(p.left))
    exact = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert exact.proven
    hurried = solve_part(part, points, time.monotonic() + seconds, share=120.0)
    per_child = np.bincount(part.left[hurried.chosen > 0], minlength=part.n_left)
    per_act = np.bincount(part.right[hurried.chosen > 0], minlength=len(part.cap))
    assert (per_child <= 1).all() and (per_act <= part.cap).all()
    assert hurried.chosen.sum() == exact.chosen.sum()
    assert hurried.score <= exact.score <= hurried.bound
    assert hurried.proven == (hurried.score == hurried.bound)


def test_a_part_past_its_deadline_gets_its_flow_and_no_lp_or_join_flows(monkeypatch):
    # a national round's last parts started after the deadline and each still built its LP
    # and ran three more flows, 3.5 s past a 25 s limit in all (measured)
    parts, points = _parts(41, n=900)
    part = max(parts, key=lambda p: len(p.left))

    def no_lp(*args, **kwargs):
        raise AssertionError("an LP past the deadline")

    flows = []
    real = placement.max_weight_matching

    def counted(*args, **kwargs):
        flows.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(PlacementMip, "lp", no_lp)
    monkeypatch.setattr(placement, "max_weight_matching", counted)
    late = solve_part(part, points, time.monotonic() - 1.0, share=120.0)
    assert len(flows) == 1
    assert late.chosen.sum() > 0 and late.score <= late.bound
    assert late.proven == (late.score == late.bound)


def test_the_binding_loads_without_scipy_optimize_and_is_shared_with_it():
    """The binding alone spares a round the ~0.25 s import of `scipy.optimize`; importing
    that package later must reuse the same module, and its solvers must still work."""
    code = """
import sys
from benchmarks.generate import generate_round
from matcher.matching import placement_mip, solve
result = solve(generate_round(200, towns=1, seed=3))
assert result["status"] == "optimal", result["status"]
assert result["stats"]["engines"].get("flow+lp+mip"), result["stats"]["engines"]
assert "scipy.optimize" not in sys.modules
core = placement_mip.highs_binding()
import numpy as np
from scipy.optimize import LinearConstraint, linprog, milp
from scipy.optimize._highspy import _core
assert _core is core
assert linprog([1, 1], A_ub=[[-1, -1]], b_ub=[-1], method="highs").status == 0
res = milp(np.ones(2), constraints=LinearConstraint(np.ones((1, 2)), 1, 2), integrality=np.ones(2))
assert res.status == 0 and round(res.fun) == 1
print("ok")
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


# rounds whose target's core runs: it proves 45 and 49 (900) alone; the others need the proof
# after. (43 was one of them until the clique cuts: its LP now leaves no room for a core.)
# A target at the LP's bound (0 points below) makes a core too small to hold the optimum.
# With one node allowed (`_NODES` 1) the core's MIP may stop before it is solved (1500, 44): its
# own bound then joins the target's (85,146 where the LP says 85,148).
@pytest.mark.parametrize(("points_below", "nodes"), [(2, 10), (0, 10), (2, 1)])
@pytest.mark.parametrize(("n", "seed"), [(900, 45), (900, 49), (900, 52), (1500, 44)])
def test_the_targets_core_alone_gives_a_true_bound_when_no_proof_follows(
    n, seed, points_below, nodes, monkeypatch
):
    # The target's core is solved to the end (or stopped); the proof's MIP after it is never
    # started (as on a national part too large for it): the bound is then max(answer,
    # target, the core's bound), which must still hold against the part's true optimum.
    import matcher.matching.placement as placement

    monkeypatch.setattr(placement, "_SUPPORT_ARCS", 0)  # the target's core, as on larger parts
    # (an LP without {0, 1/2}-cuts: with them it is tight on seed 45, and no core follows)
    monkeypatch.setattr(placement, "HALF_ROUNDS", 0)
    parts, points = _parts(seed, n=n)
    part = max(parts, key=lambda p: len(p.left))
    exact = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert exact.proven and exact.notes["core_arcs"] > 0
    calls = []

    def only_the_core(arcs: int) -> float:
        calls.append(arcs)
        return 0.0 if len(calls) == 1 else 1e9

    monkeypatch.setattr(placement, "_proof_seconds", only_the_core)
    monkeypatch.setattr(placement, "_TARGET_POINTS", points_below)
    monkeypatch.setattr(placement, "_NODES", nodes)
    alone = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert alone.notes["core_arcs"] > 0 and "mip_bound" not in alone.notes
    assert alone.chosen.sum() == exact.chosen.sum()
    assert alone.score <= exact.score <= alone.bound
    assert alone.bound <= math.floor(alone.notes["lp_bound"] + 0.01)
    assert alone.proven == (alone.score == alone.bound)


def _solved_through_the_targets_core(n: int, seed: int, monkeypatch):
    """The largest part of a generated round and its answer when it takes the target's core
    (`_SUPPORT_ARCS` 0, as on larger parts), for a test that then changes one step; its LP
    without {0, 1/2}-cuts (with them it is tight on seed 45, and no core follows)."""
    monkeypatch.setattr(placement, "_SUPPORT_ARCS", 0)
    monkeypatch.setattr(placement, "HALF_ROUNDS", 0)
    parts, points = _parts(seed, n=n)
    part = max(parts, key=lambda p: len(p.left))
    return part, points, solve_part(part, points, time.monotonic() + 120, share=120.0)


@pytest.mark.parametrize(("n", "seed"), [(900, 45), (1500, 44)])
def test_the_targets_core_given_its_columns_alone_proves_the_same(n, seed, monkeypatch):
    # Parts of `_ALONE_ARCS` arcs or more (national) pass the target's core to HiGHS as its
    # columns alone: the same core, answer and proven optimum as among every column at 0.
    part, points, among = _solved_through_the_targets_core(n, seed, monkeypatch)
    monkeypatch.setattr(placement, "_ALONE_ARCS", 0)
    calls = record(monkeypatch, PlacementMip, "solve_within")
    alone = solve_part(part, points, time.monotonic() + 120, share=120.0)
    # the target's core, stopped after as many nodes
    assert [kw.get("max_nodes") for _, kw, _ in calls] == [placement._NODES]
    assert among.proven and alone.proven
    assert alone.notes["core_arcs"] == among.notes["core_arcs"] > 0
    assert (alone.score, int(alone.chosen.sum())) == (among.score, int(among.chosen.sum()))
    assert alone.score == part_value(part, alone.chosen, points)


@pytest.mark.parametrize(("n", "seed"), [(900, 49), (1500, 44)])
def test_an_lp_far_above_the_answer_skips_the_target_and_still_proves(n, seed, monkeypatch):
    # With every LP counted as far (as on a round of very high sibling points, 2.7% above
    # the flows' answer), the part goes through the answer-only core and the proof: the same
    # proven optimum, and no target's core.
    part, points, exact = _solved_through_the_targets_core(n, seed, monkeypatch)
    monkeypatch.setattr(placement, "_NEAR", 0.0)
    cores = record(monkeypatch, PlacementMip, "solve_within")  # the answer-only core's MIP
    far = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert exact.proven and far.proven
    assert "core_arcs" in exact.notes and "core_arcs" not in far.notes
    assert far.score == exact.score and far.chosen.sum() == exact.chosen.sum()
    assert len(cores) == 1
    (_, _, columns), _, sol = cores[0]
    columns = columns[: len(part.left)]
    assert sol.chosen.sum() == exact.chosen.sum() and not sol.chosen[~columns].any()
    assert part_value(part, sol.chosen, points) == sol.objective <= exact.score


@pytest.mark.parametrize(("n", "seed"), [(900, 45), (900, 52), (1500, 44), (2000, 14)])
def test_a_small_part_starts_its_proof_from_the_lps_support_and_proves_the_same(
    n, seed, monkeypatch
):
    # A part of up to `_SUPPORT_ARCS` arcs (a municipality's) gets a MIP on the LP's support
    # instead of the target's core, then the proof: the same proven optimum either way.
    import matcher.matching.placement as placement

    parts, points = _parts(seed, n=n)
    part = max(parts, key=lambda p: len(p.left))
    assert len(part.left) <= placement._SUPPORT_ARCS
    small = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert small.proven and small.notes["support_arcs"] > 0
    monkeypatch.setattr(placement, "_SUPPORT_ARCS", 0)
    large = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert large.proven and "support_arcs" not in large.notes
    assert (small.score, int(small.chosen.sum())) == (large.score, int(large.chosen.sum()))
    assert small.score == part_value(part, small.chosen, points)


# Municipality parts whose support's answer lands `_CORE_FROM_GAP` points or more below the
# LP's bound: the target's core proves the optimum by itself (1500, 42; 2000, 44), or, short
# of the target, hands a better start to the proof (2000, 137).
@pytest.mark.parametrize(
    ("n", "seed", "proof"), [(1500, 42, False), (2000, 44, False), (2000, 137, True)]
)
def test_a_support_answer_far_below_the_lp_goes_through_the_targets_core_to_the_same_optimum(
    n, seed, proof, monkeypatch
):
    parts, points = _parts(seed, n=n)
    part = max(parts, key=lambda p: len(p.left))
    assert len(part.left) <= placement._SUPPORT_ARCS
    supports = record(monkeypatch, PlacementMip, "solve_within")
    solves = record(monkeypatch, PlacementMip, "solve")
    cored = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert cored.proven and cored.notes["support_arcs"] > 0 and cored.notes["core_arcs"] > 0
    (_, _, support), _, first = supports[0]
    gap = math.floor(cored.notes["lp_bound"] + 0.01) - part_value(part, first.chosen, points)
    assert gap >= placement._CORE_FROM_GAP
    # the core: its columns alone, the LP's tight cuts, no sub-MIP on cheap arcs, few nodes
    (hint, _, core), kw, sol = solves[0]
    assert kw["alone"] and kw["lp_rows"].any() and kw["max_nodes"] == placement._NODES
    assert kw["heuristics"] is False
    assert (hint == first.chosen).all() and core[: len(part.left)].sum() == cored.notes["core_arcs"]
    assert core.sum() > support.sum()
    assert ("mip_bound" in cored.notes) == proof == (len(solves) == 2)
    assert sol.proven and sol.objective >= first.objective
    monkeypatch.setattr(placement, "_target_core", lambda *args: None)
    plain = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert plain.proven and "core_arcs" not in plain.notes and "mip_bound" in plain.notes
    assert (cored.score, int(cored.chosen.sum())) == (plain.score, int(plain.chosen.sum()))
    assert cored.score == part_value(part, cored.chosen, points) == cored.bound


def test_a_support_answer_three_points_below_the_lp_goes_straight_to_the_proof(monkeypatch):
    # (municipality seed 37: the core would be the proof's model less a band of one point)
    parts, points = _parts(37, n=2000)
    part = max(parts, key=lambda p: len(p.left))
    supports = record(monkeypatch, PlacementMip, "solve_within")
    got = solve_part(part, points, time.monotonic() + 120, share=120.0)
    _, _, first = supports[0]
    gap = math.floor(got.notes["lp_bound"] + 0.01) - part_value(part, first.chosen, points)
    assert gap == placement._CORE_FROM_GAP - 1 == 3
    assert got.proven and "core_arcs" not in got.notes and "mip_bound" in got.notes


def test_the_targets_core_bounds_the_part_by_its_target_once_solved_and_else_by_its_own():
    def sol(proven: bool, bound: int) -> PlacementSolution:
        return PlacementSolution(np.zeros(1, np.int64), proven, 100, bound)

    # solved to the end: no answer outside the core scores more than the target
    assert placement._core_bound(sol(True, 100), 110, 100, 108) == 108
    assert placement._core_bound(sol(True, 109), 110, 109, 108) == 109  # the answer above it
    # stopped: its own bound holds for the core's answers, the target for the others
    assert placement._core_bound(sol(False, 109), 110, 100, 108) == 109
    assert placement._core_bound(sol(False, 104), 110, 100, 108) == 108
    assert placement._core_bound(sol(False, 112), 110, 100, 108) == 110  # never above the LP's
    assert placement._core_bound(sol(False, -1), 110, 100, 108) == 110  # no bound at all


def test_the_supports_mip_holds_the_lps_arcs_the_answers_and_a_split_childs_cheap_ones():
    import matcher.matching.placement as placement

    left = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    x_lp = np.array([1.0, 0.0, 0.0, 0.5, 0.5, 0.0, 0.0, 0.0])  # child 1 split, 2 unplaced
    rc = np.array([0.0, 1.0, 2.0, 0.0, 0.0, 3.9, 0.5, 9.0])
    best = np.array([0, 0, 0, 1, 0, 0, 0, 1])
    got = placement.support_core(3, left, rc, x_lp, best)
    # child 0 is whole in the LP: its LP arc only; child 1: its LP arcs and its arc of
    # reduced cost 3.9; child 2 is not in the LP: the answer's arc only, however dear
    assert got.tolist() == [True, False, False, True, True, True, False, True]


def test_a_gap_under_one_point_is_trusted_only_for_whole_numbers_exact_in_doubles():
    # scores and sibling points are whole: HiGHS may stop once its bound is within 0.99
    plain = PlacementMip(_inst([0, 1, 1], [0, 0, 1], [1, 1], [50, 49, 40], [0, 0, -1]))
    assert plain._integral_objective()
    sol = plain.solve(np.zeros(3, np.int64), 10.0)
    assert sol.proven and sol.objective == sol.bound == 2 * 1000 + 90  # folded count
    # a folded weight so large that doubles round the objective: no such shortcut
    inst = _inst([0, 1], [0, 0], [2], [1, 1], [-1, -1])
    huge = PlacementMip(PlacementInstance(**{**inst.__dict__, "weight_per_child": 2**52}))
    assert not huge._integral_objective()


def test_a_part_left_unproven_is_resumed_from_its_model_and_lp_to_the_proof(monkeypatch):
    """A part whose proof did not fit its time ends unproven with its model and LP; given
    time later, `resume_part` proves the same optimum from them without solving the LP or
    the core again (a municipality round whose LP stays 15 points above the optimum)."""
    parts, points = _parts(14, n=2000)
    part = max(parts, key=lambda p: len(p.left))
    exact = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert exact.proven and placement.worth_resuming(exact) is False
    with monkeypatch.context() as m:  # every proof "too long": no target's core, no proof
        m.setattr(placement, "_proof_seconds", lambda arcs: 1e9)
        first = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert not first.proven and first.lp_state is not None
    assert placement.worth_resuming(first)

    def no_lp(*args, **kwargs):
        raise AssertionError("the LP solved again")

    monkeypatch.setattr(PlacementMip, "lp", no_lp)
    monkeypatch.setattr(placement, "_core_answer", no_lp)
    again = placement.resume_part(part, points, time.monotonic() + 120, first)
    assert again.proven and again.score == exact.score == again.bound
    assert again.chosen.sum() == exact.chosen.sum() and again.notes["resumed"]
    assert not placement.worth_resuming(again)
    # with no time left it keeps the earlier answer
    late = placement.resume_part(part, points, time.monotonic() - 1.0, first)
    assert late is first


def test_a_resumed_part_keeps_the_earlier_runs_towns_bound_when_its_own_did_not_help(
    monkeypatch,
):
    parts, points = _parts(14, n=2000)
    part = max(parts, key=lambda p: len(p.left))
    chosen = np.zeros(len(part.left), np.int64)
    towns = {"towns": 2, "between": 36, "arcs": [900, 300]}
    earlier = placement.PartResult(
        chosen, False, 100, 110, "flow+lp+mip", {"towns": towns, "towns_bound": 110}, None
    )

    def resumed_run(*args, **kwargs):  # its towns ran again but bound no better
        more = {"lp_bound": 120.5, "towns": towns, "towns_bound": None, "mip_bound": 108}
        return chosen, 100, 108, more, None

    monkeypatch.setattr(placement, "_solve_whole", resumed_run)
    again = placement.resume_part(part, points, time.monotonic() + 120, earlier)
    assert again.notes["towns_bound"] == 110 and again.notes["mip_bound"] == 108
    assert again.notes["resumed"] and again.bound == 108 and not again.proven


def test_highs_limit_keeps_the_presolve_back_only_where_the_limit_could_fall_in_it():
    # 45,000 columns: HiGHS' presolve may take up to ~4.5 s before it looks at the clock
    before = placement_mip.PRESOLVE_SECONDS_PER_COLUMN * 45_000
    assert placement_mip.highs_limit(6.0, 45_000) == pytest.approx(6.0 - before)
    # a window twice the presolve's estimate or more: a quarter of it (and 0.2 s) kept back
    assert placement_mip.highs_limit(20.0, 45_000) == pytest.approx(20.0 - 0.25 * before - 0.2)
    # small models keep no more back than their estimate, and every limit is positive
    assert placement_mip.highs_limit(10.0, 1_000) == pytest.approx(10.0 - 0.1)
    assert placement_mip.highs_limit(0.01, 1_000) == 0.05
    for seconds in np.linspace(0.0, 30.0, 301):
        limit = placement_mip.highs_limit(float(seconds), 45_000)
        assert 0.05 <= limit and (limit <= seconds or limit == 0.05)


def test_a_proof_that_fits_only_the_rounds_deadline_runs_in_overtime(monkeypatch):
    """Given a worker's `Overtime`, a proof too long for the part's own deadline starts when
    it could end by the round's, under `past(deadline)`, after handing over the answer to
    keep if it is stopped, and proves the optimum; without one it does not start (a
    municipality round whose LP stays several points above)."""
    import contextlib

    parts, points = _parts(14, n=2000)
    part = max(parts, key=lambda p: len(p.left))
    exact = solve_part(part, points, time.monotonic() + 120, share=120.0)
    monkeypatch.setattr(placement, "_proof_seconds", lambda arcs: 100.0)

    class Overtime:
        used = False

        def __init__(self):
            self.until = time.monotonic() + 300
            self.asked = []
            self.handed = []

        def before(self, result):
            self.handed.append(result)

        @contextlib.contextmanager
        def past(self, deadline, granted):
            self.asked.append(deadline)
            outer = self

            class Extension:
                held = False

                def end(self, seconds):
                    if not self.held:
                        self.held = True
                        granted()
                    return outer.until

            yield Extension()

    overtime = Overtime()
    deadline = time.monotonic() + 60
    late = solve_part(part, points, deadline, share=120.0, overtime=overtime)
    assert overtime.asked == [deadline]
    assert late.proven and late.score == exact.score and "overtime" not in late.notes
    (kept,) = overtime.handed  # the answer before the proof, unproven, marked as stopped
    assert not kept.proven and kept.score <= exact.score <= kept.bound
    assert kept.notes["proof_stopped"] and kept.notes["overtime"] and kept.lp_state is None
    alone = solve_part(part, points, time.monotonic() + 60, share=120.0)
    assert not alone.proven and "mip_bound" not in alone.notes


def test_a_mip_without_restart_tells_highs_so_and_proves_the_same():
    inst, x = _count_row_instance(3)
    mip = PlacementMip(inst)
    model = (mip.entries, mip.shape, mip.cost, mip.col_upper, (mip.row_lo, mip.row_hi))
    h = placement_mip.highs_model(highs_binding(), *model, mip.n_arcs, 1.0, 0.0)
    placement_mip._search_limits(h, True, None)
    assert h.getOptionValue("mip_allow_restart")[1] is True
    placement_mip._search_limits(h, True, None, restart=False)
    assert h.getOptionValue("mip_allow_restart")[1] is False
    plain = mip.solve(x, 10.0)
    for presolve in (True, False):
        held = mip.solve(x, 10.0, presolve=presolve, restart=False)
        assert plain.proven and held.proven and held.objective == plain.objective


def test_only_a_small_parts_proof_from_a_start_well_below_the_lp_skips_the_restart():
    gap = placement._NO_RESTART_GAP
    small, large = placement._SUPPORT_ARCS, placement._SUPPORT_ARCS + 1
    assert placement._restart(small, 100, 100 - gap + 1)
    assert not placement._restart(small, 100, 100 - gap)
    assert placement._restart(large, 100, 0)


@pytest.mark.parametrize(("n", "seed"), [(500, 55), (900, 46)])
def test_the_proof_restarts_as_its_start_says_and_proves_the_same_either_way(n, seed, monkeypatch):
    part, points = _part_with_a_proof(seed, n, monkeypatch)
    calls = record(monkeypatch, PlacementMip, "solve")
    ends = {}
    for gap in (0, placement._NO_RESTART_GAP, 10**9):  # always restart, as set, never
        monkeypatch.setattr(placement, "_NO_RESTART_GAP", gap)
        calls.clear()
        got = solve_part(part, points, time.monotonic() + 120, share=120.0)
        proofs = [(args, kw) for args, kw, _ in calls if "lp_rows" in kw]
        assert got.proven and len(proofs) == 1
        (start, *_), kw = proofs[0]
        below = math.floor(got.notes["lp_bound"] + 0.01) - part_value(part, start, points)
        assert kw["restart"] == placement._restart(len(part.left), below, 0)
        ends[gap] = (got.score, int(got.chosen.sum()))
    assert len(set(ends.values())) == 1


@pytest.mark.parametrize(("n", "seed"), [(500, 55), (900, 46)])
def test_a_small_parts_support_and_proof_get_their_columns_alone_and_prove_the_same(
    n, seed, monkeypatch
):
    part, points = _part_with_a_proof(seed, n, monkeypatch)
    seen: list[tuple[str, PlacementMip, tuple, dict, object]] = []
    methods = {name: getattr(PlacementMip, name) for name in ("solve", "solve_within")}

    def recorder(name):
        def recorded(self, *args, **kw):
            result = methods[name](self, *args, **kw)
            seen.append((name, self, args, kw, result))
            return result

        return recorded

    for name in methods:
        monkeypatch.setattr(PlacementMip, name, recorder(name))
    got = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert got.proven and "mip_bound" in got.notes
    support = [call for call in seen if call[0] == "solve_within"]
    proofs = [call for call in seen if call[0] == "solve" and "lp_rows" in call[3]]
    assert len(support) == 1 and len(proofs) == 1
    for name, method in methods.items():
        monkeypatch.setattr(PlacementMip, name, method)
    # the support's MIP on its columns alone ends where it ends with every column passed
    _, mip, (hint, seconds, columns), _, result = support[0]
    masked = mip.solve(hint, seconds, columns, heuristics=False)
    assert result.proven and masked.proven and result.objective == masked.objective
    # and so does the proof
    _, mip, args, kw, result = proofs[0]
    assert kw["alone"] is True
    masked = mip.solve(*args, **{**kw, "alone": False})
    assert result.proven and masked.proven and result.objective == masked.objective
    assert part_value(part, result.chosen, points) == got.score


@pytest.mark.parametrize("seed", range(8))
def test_whole_pairs_make_every_mip_column_an_integer_and_keep_the_optimum(seed):
    inst, x = _count_row_instance(seed)
    plain, whole = PlacementMip(inst), PlacementMip(inst, whole_pairs=True)
    core = highs_binding()
    entries, shape = whole.mip_model()
    n = whole.mip_rows
    model = (entries, shape, (whole.row_lo[:n], whole.row_hi[:n]), whole.cost, whole.col_upper)
    for mip, kinds in ((plain, {"arcs"}), (whole, {"all"})):
        h, acts = mip._mip_highs(core, model, mip.n_arcs, 1.0, 0.0, None)
        integrality = list(h.getLp().integrality_)
        integer = [k == core.HighsVarType.kInteger for k in integrality]
        assert len(integer) == shape[1] + len(acts)
        if kinds == {"all"}:
            assert all(integer)
        else:
            assert all(integer[: mip.n_arcs]) and not any(integer[mip.n_arcs :])
    a, b = plain.solve(x, 10.0), whole.solve(x, 10.0)
    assert a.proven and b.proven and a.objective == b.objective
    assert b.chosen.sum() == inst.placed


@pytest.mark.parametrize(("n", "seed"), [(500, 55), (900, 46)])
def test_a_small_parts_mips_hold_whole_pairs_and_prove_what_continuous_ones_do(
    n, seed, monkeypatch
):
    part, points = _part_with_a_proof(seed, n, monkeypatch)
    built: list[PlacementMip] = []

    def make(whole: bool):
        def build(inst, whole_pairs=False):
            mip = PlacementMip(inst, whole_pairs if whole else False)
            built.append(mip)
            return mip

        return build

    ends = {}
    for whole in (True, False):
        built.clear()
        monkeypatch.setattr(placement, "PlacementMip", make(whole))
        got = solve_part(part, points, time.monotonic() + 120, share=120.0)
        assert got.proven and "mip_bound" in got.notes
        assert [mip.whole_pairs for mip in built] == [whole]
        ends[whole] = (got.score, int(got.chosen.sum()))
    assert ends[True] == ends[False]
