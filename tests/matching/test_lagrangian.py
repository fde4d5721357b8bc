"""The path for parts too large for one MIP (Lagrangian bound, reduced-cost fixing, MIPs on
cores) against the whole-part MIP on the same part: never better than the optimum, a bound
never below it, and "proven" only when it reaches it."""

import time

import numpy as np
import pytest

import matcher.matching.placement_mip as placement_mip
from benchmarks.generate import generate_round
from matcher.matching.candidates import build_child_arcs
from matcher.matching.children import sibling_keys, split
from matcher.matching.document import read_round
from matcher.matching.placement import fold_weight, lagrangian_rounds, solve_part
from matcher.matching.siblings import SCALE, relax


def _largest_part(seed: int):
    rnd = read_round(generate_round(400, towns=1, seed=seed))
    arcs = build_child_arcs(rnd)
    sib_key, sib_n = sibling_keys(rnd, arcs)
    part = max(split(rnd, arcs, sib_key, sib_n), key=lambda p: len(p.left))
    assert (part.sib_key >= 0).any()
    return part, rnd.params.sibling_points


def _feasible(part, chosen) -> bool:
    per_child = np.bincount(part.left[chosen > 0], minlength=part.n_left)
    per_act = np.bincount(part.right[chosen > 0], minlength=len(part.cap))
    return bool((per_child <= 1).all() and (per_act <= part.cap).all())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lagrangian_path_is_bounded_by_the_whole_mip(seed, monkeypatch):
    part, points = _largest_part(seed)
    exact = solve_part(part, points, time.monotonic() + 60, share=60.0)
    assert exact.proven and exact.engine == "flow+lp+mip"
    # Without SciPy's HiGHS binding, a tiny nominal share sends the same part down the
    # large-part path.
    monkeypatch.setattr(placement_mip, "highs_binding", lambda: None)
    large = solve_part(part, points, time.monotonic() + 60, share=0.01)
    assert large.engine.startswith("flow+lagrangian")
    assert _feasible(part, large.chosen)
    assert large.chosen.sum() == exact.chosen.sum()  # the most placed either way
    assert large.score <= exact.score <= large.bound
    if large.proven:
        assert large.score == exact.score


def test_relaxation_bound_holds_and_tightens_with_rounds():
    part, points = _largest_part(5)
    exact = solve_part(part, points, time.monotonic() + 60, share=60.0)
    big = fold_weight(part, points)
    w = big + part.score
    placed = int(exact.chosen.sum())
    bounds = []
    for rounds in (1, 30):
        lag = relax(
            part.n_left,
            part.cap,
            part.left,
            part.right,
            w,
            part.sib_key,
            points,
            0,
            time.monotonic() + 60,
            rounds,
        )
        assert lag.dual >= lag.bound
        bounds.append(lag.bound / SCALE - big * placed)
    assert bounds[0] >= bounds[1] >= exact.score


def test_rounds_follow_the_nominal_share_only():
    assert lagrangian_rounds(30_000, 60.0) == lagrangian_rounds(30_000, 60.0)
    assert lagrangian_rounds(30_000, 0.0) == 10
    assert lagrangian_rounds(1_000, 600.0) == 150
    assert lagrangian_rounds(300_000, 10.0) < lagrangian_rounds(30_000, 10.0)
