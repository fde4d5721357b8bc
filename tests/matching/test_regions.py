"""A bound by towns for parts too large for one proof (`regions.py`)."""

from __future__ import annotations

import dataclasses
import math
import time
from typing import Any

import numpy as np
import pytest

import matcher.matching.placement as placement
from benchmarks.generate import generate_round
from matcher.matching import regions
from matcher.matching.candidates import build_child_arcs
from matcher.matching.children import sibling_keys, split
from matcher.matching.document import read_round
from matcher.matching.flow import max_weight_matching
from matcher.matching.placement import Part, _instance, fold_weight, sibling_bonus, solve_part
from matcher.matching.placement_mip import HALF_ROUNDS, PlacementMip

from .recording import record


def _largest(seed: int, n: int) -> tuple[Part, int]:
    rnd = read_round(generate_round(n, towns=1, seed=seed))
    arcs = build_child_arcs(rnd)
    sib_key, sib_n = sibling_keys(rnd, arcs)
    parts = split(rnd, arcs, sib_key, sib_n)
    return max(parts, key=lambda p: len(p.left)), rnd.params.sibling_points


def _joined(a: Part, b: Part, bridges: int) -> Part:
    """One part of two towns `a` and `b`, joined by `bridges` children of `a` who may also
    go to `b`'s first activity (as children between two towns do)."""
    shift = lambda x, by: np.where(x >= 0, x + by, -1)  # noqa: E731
    left = np.r_[a.left, b.left + a.n_left]
    right = np.r_[a.right, b.right + len(a.cap)]
    score = np.r_[a.score, b.score]
    sib_key = np.r_[a.sib_key, shift(b.sib_key, int(a.sib_key.max()) + 1)]
    sib_n = np.r_[a.sib_n, b.sib_n]
    club = np.r_[a.club, b.club + int(a.club.max()) + 1]
    lone = np.flatnonzero(a.sib_key < 0)  # children without siblings there
    kids = np.unique(a.left[lone])[:bridges]
    left = np.r_[left, kids]
    right = np.r_[right, np.full(len(kids), len(a.cap))]
    score = np.r_[score, np.full(len(kids), 60)]
    sib_key = np.r_[sib_key, np.full(len(kids), -1)]
    sib_n = np.r_[sib_n, np.ones(len(kids), np.int64)]
    club = np.r_[club, np.full(len(kids), int(b.club[b.right == 0][0]) + int(a.club.max()) + 1)]
    order = np.lexsort((right, left))
    return Part(
        np.arange(len(left)),
        left[order],
        right[order],
        a.n_left + b.n_left,
        np.r_[a.cap, b.cap],
        score[order],
        sib_key[order],
        sib_n[order],
        club=club[order],
    )


def test_towns_split_where_few_children_cross_and_nowhere_else():
    rng = np.random.default_rng(0)
    # two towns of 20 clubs, 400 children each with 6 clubs of their own town; 3 children
    # of the first may also go to one club of the second
    lefts, clubs = [], []
    for child in range(800):
        town = child // 400
        picks = rng.choice(20, 6, replace=False) + 20 * town
        lefts += [child] * 6
        clubs += picks.tolist()
    for child in range(3):
        lefts.append(child)
        clubs.append(25)
    left, club = np.array(lefts), np.array(clubs)
    order = np.lexsort((club, left))
    town = regions.towns(left[order], club[order], min_arcs=100)
    by_club = {int(c): int(t) for c, t in zip(club[order], town, strict=True)}
    assert len(set(by_club.values())) == 2
    assert len({by_club[c] for c in range(20)}) == 1
    assert len({by_club[c] for c in range(20, 40)}) == 1
    # one town alone: any split would cross a third of its children or more
    alone = left < 400
    assert (regions.towns(left[alone], club[alone], min_arcs=100) == 0).all()
    # and a part under the size worth splitting is left whole
    assert (regions.towns(left[order], club[order]) == 0).all()


def _solved(seed: int, halves: int = 0) -> tuple[Part, int, np.ndarray, PlacementMip, Any, Any]:
    """A 500-children round's largest part, its points, the flows' answer, its model, LP
    (with cuts, and `halves` rounds of {0, 1/2}-cuts, which no MIP holds) and proven
    optimum."""
    part, points = _largest(seed, 500)
    w = fold_weight(part, points) + part.score
    x = max_weight_matching(part.n_left, part.cap, part.left, part.right, w)
    mip = PlacementMip(_instance(part, np.arange(len(part.left)), int(x.sum()), points))
    lp = mip.lp(60.0, x, cuts=True, halves=halves)
    assert lp is not None and lp.row_dual is not None
    assert (mip.mip_rows < mip.shape[0]) == (halves > 0)
    exact = mip.solve(x, 120.0)
    assert exact.proven
    return part, points, x, mip, lp, exact


# (on seeds 42 and 57 the LP's {0, 1/2}-cuts, which join the towns, are priced like the
# children's rows)
@pytest.mark.parametrize(
    ("seed", "halves"), [(3, 0), (21, 0), (42, HALF_ROUNDS), (57, HALF_ROUNDS)]
)
def test_the_towns_bound_every_answer_whatever_the_split_and_the_incumbent(seed, halves):
    part, points, x, mip, lp, exact = _solved(seed, halves)
    for split_by in (3, 5):  # towns that cut through a town: many children between them
        town = part.club % split_by
        for incumbent in (x, exact.chosen):  # a weak one (the flow's) and the optimum
            got = regions.regional_bound(
                mip, lp, town, incumbent, time.monotonic() + 60, lambda arcs: 0.0
            )
            assert got is not None and got.bound is not None
            assert got.bound >= exact.objective
            # the towns' answers, where they can be spliced in, are answers
            for arcs_of_town, arcs in got.answers:
                cand = regions.splice(incumbent, part.left, arcs_of_town, arcs)
                if cand is not None:
                    assert np.bincount(part.left, cand).max() <= 1
                    taken = np.bincount(part.right, cand, minlength=len(part.cap))
                    assert (taken <= part.cap).all()


@pytest.mark.parametrize("seed", [3, 21])
def test_the_towns_mips_bound_the_same_without_highs_presolve(seed, monkeypatch):
    part, points, x, mip, lp, exact = _solved(seed)
    town = part.club % 3
    got = {}
    calls: list[bool] = []
    run = regions.highs_model

    def recorded(*args, **kw):
        calls.append(args[-1])  # its last argument: presolve
        return run(*args, **kw)

    monkeypatch.setattr(regions, "highs_model", recorded)
    for limit in (10**9, 0):  # every town's MIP with its presolve, then without
        monkeypatch.setattr(regions, "NO_PRESOLVE_FROM", limit)
        calls.clear()
        got[limit] = regions.regional_bound(mip, lp, town, x, time.monotonic() + 60, lambda a: 0)
        assert calls and all(presolve is (limit > 0) for presolve in calls)
    assert got[0].bound == got[10**9].bound >= exact.objective
    assert got[0].rows is not None and got[10**9].rows is not None
    np.testing.assert_allclose(got[0].rows.lower, got[10**9].rows.lower, atol=1e-4)


def test_towns_prove_a_part_whose_proof_does_not_fit(monkeypatch):
    a, points = _largest(0, 2000)  # two municipality rounds whose LPs are 2 and 9 points
    b, _ = _largest(7, 2000)  # above their optima, joined by two children
    part = _joined(a, b, bridges=2)
    whole = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert whole.proven and "towns" not in whole.notes
    # now no MIP over the whole part fits (no target's core, no proof), a town's does
    monkeypatch.setattr(regions, "_MIN_ARCS", 1_000)
    monkeypatch.setattr(placement, "_proof_seconds", lambda arcs: 1e9)
    by_towns = regions.regional_bound
    monkeypatch.setattr(
        regions, "regional_bound", lambda *args: by_towns(*args[:5], lambda arcs: 0.0)
    )
    got = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert got.notes["towns"]["towns"] == 2 and got.notes["towns"]["between"] == 2
    assert got.bound >= whole.score  # never below the optimum
    assert got.proven and got.score == whole.score
    assert got.notes["towns_bound"] == got.bound
    assert got.score == int((part.score * got.chosen).sum()) + sibling_bonus(
        part, got.chosen, points
    )


class _Overtime:
    """A worker's `part_workers.Overtime` as a part sees it, every slot free: the round's
    deadline `until`; what the part hands over when it takes a slot."""

    used = False

    def __init__(self, until: float) -> None:
        self.until = until
        self.handed: list = []

    def before(self, result) -> None:
        self.handed.append(result)

    def past(self, deadline, granted):
        from multiprocessing import Value

        from matcher.matching.part_workers import Overtime

        real = Overtime(self.until, None, Value("i", 1))
        real.before = self.before  # type: ignore[method-assign]
        return real.past(deadline, granted)


def test_towns_that_do_not_fit_the_parts_deadline_go_on_to_the_rounds(monkeypatch):
    a, points = _largest(0, 2000)
    b, _ = _largest(7, 2000)
    part = _joined(a, b, bridges=2)
    monkeypatch.setattr(regions, "_MIN_ARCS", 1_000)
    monkeypatch.setattr(placement, "_proof_seconds", lambda arcs: 1e9)  # no whole proof
    by_towns = regions.regional_bound
    asked: list[float] = []

    def towns(mip, lp, town, best, end, seconds_for, cheaper_than):
        def needs(seconds):  # each town's MIP said to take 40 s: together over the deadline
            asked.append(seconds)
            return end(seconds)

        return by_towns(mip, lp, town, best, needs, lambda arcs: 40.0, cheaper_than)

    monkeypatch.setattr(regions, "regional_bound", towns)
    alone = solve_part(part, points, time.monotonic() + 70, share=120.0)
    assert "towns" not in alone.notes and not alone.proven and asked == [80.0]
    asked.clear()
    overtime = _Overtime(time.monotonic() + 600)
    got = solve_part(part, points, time.monotonic() + 70, share=120.0, overtime=overtime)
    assert asked == [80.0, 40.0, 40.0] and got.notes["towns"]["towns"] == 2
    assert got.proven and "overtime" not in got.notes  # it ended before the part's deadline
    # the answer so far, handed over when the slot was taken and again after the towns
    first, after = overtime.handed
    assert first.notes["proof_stopped"] and not first.proven and first.score <= got.score
    assert after.proven and after.score == got.score


def test_a_weak_bound_from_towns_stopped_by_the_clock_is_not_reported(monkeypatch):
    a, points = _largest(0, 2000)
    b, _ = _largest(7, 2000)
    part = _joined(a, b, bridges=2)
    monkeypatch.setattr(regions, "_MIN_ARCS", 1_000)
    monkeypatch.setattr(placement, "_proof_seconds", lambda arcs: 1e9)
    by_towns = regions.regional_bound

    def weak(*args):  # as when a town's MIP stops before its root ends: valid, but high
        got = by_towns(*args[:5], lambda arcs: 0.0)
        return dataclasses.replace(got, bound=10 * got.bound)

    monkeypatch.setattr(regions, "regional_bound", weak)
    got = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert got.notes["towns"]["towns"] == 2 and got.notes["towns_bound"] is None
    assert got.bound <= math.floor(got.notes["lp_bound"] + 0.01)


def test_towns_go_before_a_long_proof_when_their_models_are_smaller(monkeypatch):
    a, points = _largest(0, 2000)
    b, _ = _largest(7, 2000)
    part = _joined(a, b, bridges=2)
    monkeypatch.setattr(regions, "_MIN_ARCS", 1_000)
    # every MIP costs by its arcs (above `_TOWNS_FROM_SECONDS` for the whole part's proof)
    monkeypatch.setattr(placement, "_proof_seconds", lambda arcs: 1e-3 * arcs)
    # and the target's core is left out, so that the proof would have work to do (and the
    # LP's {0, 1/2}-cuts, which make it tight enough on this part to leave none)
    monkeypatch.setattr(placement, "_NEAR", -1.0)
    monkeypatch.setattr(placement, "HALF_ROUNDS", 0)
    got = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert got.notes["towns"]["towns"] == 2
    assert got.proven and "mip_bound" not in got.notes  # the towns proved it alone


@pytest.mark.parametrize(
    ("seed", "halves"), [(3, 0), (21, 0), (42, HALF_ROUNDS), (57, HALF_ROUNDS)]
)
def test_the_towns_rows_hold_for_every_answer_and_keep_every_better_ones_arcs(seed, halves):
    part, points, x, mip, lp, exact = _solved(seed, halves)
    x_value = int((part.score * x).sum()) + sibling_bonus(part, x, points)
    assert x_value < exact.objective  # so that the optimum is a better answer than x
    for split_by in (2, 3, 5):
        town = part.club % split_by
        got = regions.regional_bound(mip, lp, town, x, time.monotonic() + 60, lambda a: 0.0)
        assert got is not None and got.rows is not None
        rows = got.rows
        # (1) every town's priced cost in the optimum (and in x) is at least its MIP's bound
        for answer in (exact.chosen, x):
            column = mip.columns(answer)
            cuts = rows.cuts(np.ones(len(column), bool))
            lhs = np.bincount(cuts.row, cuts.vals * column[cuts.cols], minlength=len(cuts))
            assert (lhs <= cuts.rhs + 1e-6).all()
        # (2) the optimum scores more than x: its columns are all kept
        optimum = mip.columns(exact.chosen) > 0
        assert rows.keep(x_value)[optimum].all()
        # and nothing better than the optimum keeps a column of its own but its start's
        assert rows.keep(exact.objective).sum() <= rows.keep(x_value).sum()
        # the proof's model with the rows and the towns' fixing finds and proves the optimum
        keep = placement._fixed_model(mip, lp, x_value, x)
        keep &= rows.keep(x_value) | (mip.columns(x) > 0)
        sol = mip.solve(x, 120.0, keep, rows=rows.cuts(keep))
        assert sol.proven and sol.objective == exact.objective
        # and without HiGHS' presolve, the rows renumbered over the kept columns alone
        sol = mip.solve(x, 120.0, keep, rows=rows.cuts(keep), presolve=False)
        assert sol.proven and sol.objective == exact.objective


def _no_core(part, points, deadline, placed, mip, lp, best, bound, *rest):
    return best, bound


def _towns_from_a_weak_answer(monkeypatch) -> tuple[Part, int, Any]:
    """Two towns joined by two children, whose towns go before the proof from the flows'
    answer (no core after the LP), no town's answer put in alone (as when one places a
    child fewer in its town); and the part solved before that, whole."""
    a, points = _largest(0, 2000)
    b, _ = _largest(7, 2000)
    part = _joined(a, b, bridges=2)
    whole = solve_part(part, points, time.monotonic() + 120, share=120.0)
    monkeypatch.setattr(regions, "_MIN_ARCS", 1_000)
    monkeypatch.setattr(placement, "_proof_seconds", lambda arcs: 1e-3 * arcs)
    monkeypatch.setattr(placement, "_core_answer", _no_core)
    monkeypatch.setattr(regions, "splice", lambda *args: None)
    return part, points, whole


def test_the_towns_answers_mixed_with_the_incumbent_reach_their_bound(monkeypatch):
    part, points, whole = _towns_from_a_weak_answer(monkeypatch)
    got = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert got.notes["towns"]["towns"] == 2
    assert got.notes["towns_mix"] == got.score == whole.score
    assert got.proven and "mip_bound" not in got.notes  # the towns' bound proves the mix
    assert np.bincount(part.left, got.chosen).max() <= 1
    assert (np.bincount(part.right, got.chosen, minlength=len(part.cap)) <= part.cap).all()
    assert int(got.chosen.sum()) == int(whole.chosen.sum())


def test_the_proof_after_the_towns_keeps_their_rows_and_proves_the_optimum(monkeypatch):
    part, points, whole = _towns_from_a_weak_answer(monkeypatch)
    monkeypatch.setattr(placement, "_mixed_answer", lambda *args: None)
    calls = record(monkeypatch, PlacementMip, "solve")
    got = solve_part(part, points, time.monotonic() + 120, share=120.0)
    assert got.notes["towns"]["towns"] == 2 and "mip_bound" in got.notes
    assert got.proven and got.score == whole.score
    rows = calls[-1][1].get("rows")  # the proof's
    assert rows is not None and len(rows) == 2  # one row a town


def test_a_mip_within_some_columns_is_the_mip_over_all_with_the_others_at_zero():
    part, points = _largest(5, 500)
    w = fold_weight(part, points) + part.score
    x = max_weight_matching(part.n_left, part.cap, part.left, part.right, w)
    mip = PlacementMip(_instance(part, np.arange(len(part.left)), int(x.sum()), points))
    lp = mip.lp(60.0, x, cuts=True)
    m = mip.n_arcs
    core = mip.arc_mask(placement.support_core(part.n_left, part.left, lp.rc[:m], lp.x[:m], x))
    inside = mip.solve_within(x, 60.0, core)
    over_all = mip.solve(x, 60.0, core)
    assert inside.proven and over_all.proven
    assert inside.objective == over_all.objective
    assert not inside.chosen[~core[:m]].any()
    assert int(inside.chosen.sum()) == int(x.sum())
    assert inside.objective == int((part.score * inside.chosen).sum()) + sibling_bonus(
        part, inside.chosen, points
    )


@pytest.mark.parametrize("seed", [0, 1, 5])
def test_the_towns_bound_holds_when_the_count_fills_every_place(seed):
    # few activities: on seeds 0 and 5 the most placed fill every place (the capacity rows
    # are equalities and there is no count row), on seed 1 they do not
    rnd = read_round(generate_round(300, towns=1, seed=seed, activities=12))
    arcs = build_child_arcs(rnd)
    sib_key, sib_n = sibling_keys(rnd, arcs)
    part = max(split(rnd, arcs, sib_key, sib_n), key=lambda p: len(p.left))
    points = rnd.params.sibling_points
    w = fold_weight(part, points) + part.score
    x = max_weight_matching(part.n_left, part.cap, part.left, part.right, w)
    mip = PlacementMip(_instance(part, np.arange(len(part.left)), int(x.sum()), points))
    assert (mip.count_row is None) == (int(x.sum()) == int(part.cap.sum()))
    lp = mip.lp(60.0, x, cuts=True)
    exact = mip.solve(x, 60.0)
    got = regions.regional_bound(mip, lp, part.club % 2, x, time.monotonic() + 60, lambda a: 0.0)
    assert got is not None and got.bound is not None and got.bound >= exact.objective
    # and so do the towns' rows
    column = mip.columns(exact.chosen)
    cuts = got.rows.cuts(np.ones(len(column), bool))
    lhs = np.bincount(cuts.row, cuts.vals * column[cuts.cols], minlength=len(cuts))
    assert (lhs <= cuts.rhs + 1e-6).all()
