"""The budget's flows (`budget_flows.py`): the most children a budget can place, found and
proven by flows alone; choices at that count; an exact count in a flow."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from benchmarks.generate import generate_round
from benchmarks.milp_reference import solve_milp
from matcher.matching import budget as budget_mod
from matcher.matching import budget_flows, solve
from matcher.matching.budget_flows import Flows, better_at_count, most_within
from matcher.matching.candidates import build_child_arcs
from matcher.matching.checker import violations
from matcher.matching.children import sibling_keys, split
from matcher.matching.document import read_round
from matcher.matching.flow import max_weight_matching
from matcher.matching.placement import Part


def _part(rng: np.random.Generator, first_arc: int) -> Part:
    """A part of 4-25 children and 2-6 activities with 0-3 places, arcs sorted by child."""
    n = int(rng.integers(4, 26))
    acts = int(rng.integers(2, 7))
    left, right = [], []
    for c in range(n):
        for a in rng.choice(acts, int(rng.integers(1, min(acts, 4) + 1)), replace=False):
            left.append(c)
            right.append(int(a))
    left_a, right_a = np.array(left), np.array(right)
    m = len(left_a)
    return Part(
        np.arange(first_arc, first_arc + m),
        left_a,
        right_a,
        n,
        rng.integers(0, 4, acts),
        rng.integers(40, 130, m),
        np.full(m, -1),
        np.ones(m, np.int64),
    )


def _round(seed: int) -> tuple[list[Part], np.ndarray]:
    """Two or three parts and a fee per arc (øre, some of them nothing)."""
    rng = np.random.default_rng(seed)
    parts: list[Part] = []
    for _ in range(int(rng.integers(2, 4))):
        parts.append(_part(rng, sum(len(p.left) for p in parts)))
    n_arcs = sum(len(p.left) for p in parts)
    fee = rng.choice([0, 5000, 10000, 15000, 25000, 40000], n_arcs)
    return parts, fee


def _exact(parts: list[Part], fee: np.ndarray, budget: int, count: int | None = None):
    """HiGHS' MILP over all parts: the most placed within budget (count None), or the least
    fee placing `count`. Returns the optimum."""
    rows, cols, r = [], [], 0
    for p in parts:
        rows += [p.left + r, p.right + r + p.n_left]
        cols += [p.arcs, p.arcs]
        r += p.n_left + len(p.cap)
    n = len(fee)
    a = csr_matrix((np.ones(2 * n), (np.concatenate(rows), np.concatenate(cols))), (r, n))
    hi = np.concatenate([np.r_[np.ones(p.n_left), p.cap] for p in parts])
    cons = [LinearConstraint(a, -np.inf, hi)]
    if count is None:
        cons.append(LinearConstraint(fee[None, :].astype(float), -np.inf, budget))
        res = milp(-np.ones(n), integrality=np.ones(n), bounds=Bounds(0, 1), constraints=cons)
        return round(-res.fun)
    cons.append(LinearConstraint(np.ones((1, n)), count, count))
    res = milp(fee.astype(float), integrality=np.ones(n), bounds=Bounds(0, 1), constraints=cons)
    return round(res.fun)


def _check_choice(parts: list[Part], x: np.ndarray) -> None:
    for p in parts:
        xp = x[p.arcs]
        assert np.bincount(p.left[xp > 0], minlength=p.n_left).max(initial=0) <= 1
        assert (np.bincount(p.right[xp > 0], minlength=len(p.cap)) <= p.cap).all()


@pytest.mark.parametrize("seed", range(40))
def test_the_most_placed_within_budget_equal_the_milps_and_are_proven(seed):
    parts, fee = _round(seed)
    rng = np.random.default_rng(1000 + seed)
    most_fee = int(fee.sum())
    budget = int(rng.integers(0, max(most_fee // 3, 1)))
    most = most_within(Flows(parts, len(fee)), fee, budget, lambda: True)
    assert most.proven
    assert most.count == _exact(parts, fee, budget)
    _check_choice(parts, most.x)
    assert int(most.x.sum()) == most.count
    assert [int(most.x[p.arcs].sum()) for p in Flows(parts, len(fee)).parts] == most.per_part
    # and at the least fees that place that many
    assert int((fee * most.x).sum()) == _exact(parts, fee, budget, most.count) <= budget


def test_a_budget_that_the_most_placed_fit_does_not_bind_the_count():
    parts, fee = _round(3)
    most = most_within(Flows(parts, len(fee)), fee, int(fee.sum()), lambda: True)
    assert most.proven and not most.binds
    assert most.count == _exact(parts, fee, int(fee.sum()))


def test_without_time_for_a_step_the_count_is_not_claimed_proven():
    parts, fee = _round(5)
    flows = Flows(parts, len(fee))
    most_fee = int((fee * most_within(flows, fee, int(fee.sum()), lambda: True).x).sum())
    budget = most_fee // 2  # half what the most placed cost at least: the budget binds
    most = most_within(flows, fee, budget, lambda: False)
    assert most.binds and not most.proven
    assert int((fee * most.x).sum()) <= budget and int(most.x.sum()) == most.count
    assert most.count <= _exact(parts, fee, budget)


@pytest.mark.parametrize("seed", range(12))
def test_an_exact_count_in_the_flow_gives_the_best_choice_with_that_many(seed):
    parts, fee = _round(seed)
    p = parts[0]
    weight = p.score - fee[p.arcs] // 500
    most = max_weight_matching(p.n_left, p.cap, p.left, p.right, np.ones(len(p.left), np.int64))
    for placed in sorted({0, int(most.sum()) // 2, int(most.sum())}):
        x = max_weight_matching(p.n_left, p.cap, p.left, p.right, weight, placed)
        assert int(x.sum()) == placed
        rows = np.r_[p.left, p.right + p.n_left]
        cols = np.r_[np.arange(len(x)), np.arange(len(x))]
        a = csr_matrix((np.ones(2 * len(x)), (rows, cols)), (p.n_left + len(p.cap), len(x)))
        cons = [
            LinearConstraint(a, -np.inf, np.r_[np.ones(p.n_left), p.cap]),
            LinearConstraint(np.ones((1, len(x))), placed, placed),
        ]
        res = milp(
            -weight.astype(float),
            integrality=np.ones(len(x)),
            bounds=Bounds(0, 1),
            constraints=cons,
        )
        assert int((weight * x).sum()) == round(-res.fun)


@pytest.mark.parametrize("seed", range(20))
def test_a_search_at_the_count_keeps_each_parts_count_and_the_budget(seed):
    parts, fee = _round(seed)
    flows = Flows(parts, len(fee))
    budget = int(fee.sum()) // 3
    most = most_within(flows, fee, budget, lambda: True)
    score = np.zeros(len(fee), np.int64)
    for p in parts:
        score[p.arcs] = p.score

    def value(x: np.ndarray) -> int:
        return int((score * x).sum())

    x, v, _price = better_at_count(flows, fee, budget, most, 2 * score, value, lambda: True, most.x)
    _check_choice(parts, x)
    assert v == value(x) >= value(most.x)
    assert int((fee * x).sum()) <= budget
    assert [int(x[p.arcs].sum()) for p in flows.parts] == most.per_part


@pytest.mark.parametrize(
    ("n", "seed", "budget"), [(300, 1, 30000.0), (500, 2, 150000.0), (400, 3, 60000.0)]
)
def test_on_large_rounds_the_refined_answer_places_the_most_and_its_bound_holds(
    monkeypatch, n, seed, budget
):
    # The rounds too large for the bisection and the MIP (national ones) end with the flows'
    # answer refined by the parts' LPs (`budget_refine`), and the bound of those LPs: forced
    # here on rounds the MILP proves. The flows alone ended 0.4-0.5% below the optimum on
    # these three; the refined answers are the optimum.
    monkeypatch.setattr(budget_mod, "_SEARCH_ARCS", 0)
    doc = generate_round(n, seed=seed, budget=budget, families=0, contact_families=0)
    reference = solve_milp(doc, time_limit=300)
    assert reference["status"] == "optimal"
    result = solve(doc)
    assert violations(doc, result) == []
    stats, best = result["stats"], reference["stats"]
    assert stats["placed"] == best["placed"]
    assert best["score"] * 0.999 <= stats["score"] <= best["score"] <= stats["bound"]
    # the parts' priced LPs make the bound informative (without them: 3-4% above)
    assert stats["bound"] <= best["score"] * 1.01
    assert (result["status"] == "optimal") == (stats["score"] == best["score"] == stats["bound"])
    assert stats["engines"] == {"lagrangian-flow+lp+cores": 1}


def test_the_parts_priced_lps_bound_every_answer_at_the_count_whatever_the_prices():
    doc = generate_round(400, seed=3, budget=60000.0, families=0, contact_families=0)
    reference = solve_milp(doc, time_limit=300)
    assert reference["status"] == "optimal"
    rnd = read_round(doc)
    arcs = build_child_arcs(rnd)
    key, sib_n = sibling_keys(rnd, arcs)
    parts = split(rnd, arcs, key, sib_n)
    fee = np.rint(arcs.fee[arcs.act] * 100).astype(np.int64)
    budget = 6_000_000
    placed, best = reference["stats"]["placed"], reference["stats"]["score"]
    bounds = [
        budget_mod._priced_lps(
            parts, fee, budget, placed, rnd.params.sibling_points, lam, mu, time.monotonic() + 60
        ).bound
        for lam, mu in [(0.0, 0.0), (0.0005, 20.0), (0.002, 50.0), (0.01, 300.0), (0.004, -40.0)]
    ]
    assert all(b is not None and b >= best for b in bounds)


def test_lps_in_two_threads_leave_stderr_as_it_was(capfd):
    import sys

    doc = generate_round(300, seed=1, budget=30000.0, families=0, contact_families=0)
    rnd = read_round(doc)
    arcs = build_child_arcs(rnd)
    key, sib_n = sibling_keys(rnd, arcs)
    parts = split(rnd, arcs, key, sib_n) * 4  # several LPs at once in two threads
    fee = np.rint(arcs.fee[arcs.act] * 100).astype(np.int64)
    budget_mod._priced_lps(parts, fee, 3_000_000, 41, 20, 0.001, 10.0, time.monotonic() + 60)
    print("still here", file=sys.stderr, flush=True)
    assert "still here" in capfd.readouterr().err


@pytest.mark.parametrize("seed", range(3))
def test_flows_in_forked_workers_match_the_flows_in_process(seed, monkeypatch):
    # a national round's parts flow in two workers (OR-Tools holds the GIL, so threads did
    # not overlap): the same choices, part by part and for the whole round as one part
    parts, fee = _round(seed)
    n = len(fee)
    whole = Part(
        np.arange(n),
        np.concatenate([p.left + sum(q.n_left for q in parts[:i]) for i, p in enumerate(parts)]),
        np.concatenate([p.right + sum(len(q.cap) for q in parts[:i]) for i, p in enumerate(parts)]),
        sum(p.n_left for p in parts),
        np.concatenate([p.cap for p in parts]),
        np.concatenate([p.score for p in parts]),
        np.full(n, -1),
        np.ones(n, np.int64),
    )
    alone = Flows(parts, n, whole=whole)
    monkeypatch.setattr(budget_flows, "_FORK_ARCS", 0)
    forked = Flows(parts, n, whole=whole)
    assert forked._pool is not None and alone._pool is None
    try:
        weight = np.concatenate([p.score for p in parts]) * 1000 - fee
        jobs = [(i, None) for i in range(len(parts))] + [(len(parts), 3), (len(parts), None)]
        for _ in range(2):  # a second step reads the weights written for it
            got, want = forked.flows(weight, jobs), alone.flows(weight, jobs)
            assert [x.tolist() for x in got] == [x.tolist() for x in want]
            weight = weight[::-1].copy()
        budget = int(fee.sum()) // 3
        assert most_within(forked, fee, budget, lambda: True).x.tolist() == (
            most_within(alone, fee, budget, lambda: True).x.tolist()
        )
    finally:
        forked.close()
    assert forked._pool is None


def test_a_worker_that_dies_raises_instead_of_hanging_the_round(monkeypatch):
    parts, fee = _round(1)
    monkeypatch.setattr(budget_flows, "_FORK_ARCS", 0)
    flows = Flows(parts, len(fee))
    try:
        for pid in list(flows._pool._processes):
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            flows.flows(fee.copy(), [(0, None)])
    finally:
        flows.close()
