"""{0, 1/2}-cuts (`zero_half.py`): the cut of a textbook odd cycle, every cut holds for every
answer, the LP with them bounds every answer and falls to the optimum on generated parts, and
the MIPs leave them out."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.matching import zero_half
from matcher.matching.flow import max_weight_matching
from matcher.matching.placement import _instance, fold_weight
from matcher.matching.placement_mip import HALF_ROUNDS, PlacementMip
from matcher.matching.sibling_cuts import Cuts

from .test_placement_mip import _parts, assert_priced_within_the_lp
from .test_sibling_cuts import _answers, _random_instance


def _entries(matrix: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = np.array(matrix, float)
    rows, cols = np.nonzero(a)
    return a[rows, cols], rows, cols


def test_an_odd_cycle_at_halves_gives_its_clique_cut():
    # x0 + x1 <= 1, x1 + x2 <= 1, x0 + x2 <= 1 at (1/2, 1/2, 1/2): half their sum is
    # x0 + x1 + x2 <= 3/2, so x0 + x1 + x2 <= 1, broken by 1/2
    entries = _entries([[1, 1, 0], [0, 1, 1], [1, 0, 1]])
    cuts = zero_half.separate(
        entries, (3, 3), np.full(3, -np.inf), np.ones(3), np.ones(3), np.full(3, 0.5)
    )
    assert len(cuts) == 1
    assert cuts.cols.tolist() == [0, 1, 2] and cuts.vals.tolist() == [1.0, 1.0, 1.0]
    assert cuts.rhs.tolist() == [1.0]
    # the same rows written -x0 - x1 >= -1, ...: the same cut
    vals, rows, cols = entries
    flipped = zero_half.separate(
        (-vals, rows, cols),
        (3, 3),
        -np.ones(3),
        np.full(3, np.inf),
        np.ones(3),
        np.full(3, 0.5),
    )
    assert flipped.cols.tolist() == [0, 1, 2] and flipped.vals.tolist() == [1.0, 1.0, 1.0]
    assert flipped.rhs.tolist() == [1.0]


def test_an_even_cycle_or_a_whole_point_gives_none():
    # four rows around a cycle of four: every half sum has an even bound
    even = _entries([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1], [1, 0, 0, 1]])
    assert not zero_half.separate(
        even, (4, 4), np.full(4, -np.inf), np.ones(4), np.ones(4), np.full(4, 0.5)
    )
    # the triangle at an answer: nothing is broken
    triangle = _entries([[1, 1, 0], [0, 1, 1], [1, 0, 1]])
    assert not zero_half.separate(
        triangle, (3, 3), np.full(3, -np.inf), np.ones(3), np.ones(3), np.array([1.0, 0, 0])
    )


def test_a_column_fixed_at_zero_and_a_row_of_fractions_stay_out():
    # the triangle with a fourth column fixed at 0 in the first row (any coefficient), and a
    # row of coefficient 1/2 (not whole: never used)
    entries = _entries([[1, 1, 0, 3], [0, 1, 1, 0], [1, 0, 1, 0]])
    vals, rows, cols = entries
    vals = np.r_[vals, 0.5, 0.5]
    rows, cols = np.r_[rows, 3, 3], np.r_[cols, 0, 1]
    cuts = zero_half.separate(
        (vals, rows, cols),
        (4, 4),
        np.full(4, -np.inf),
        np.r_[np.ones(3), 0.0],
        np.array([1.0, 1, 1, 0]),
        np.r_[np.full(3, 0.5), 0.0],
    )
    assert len(cuts) == 1 and cuts.cols.tolist() == [0, 1, 2] and cuts.rhs.tolist() == [1.0]


def test_a_row_over_more_columns_than_the_limit_stays_out(monkeypatch):
    # (the count of children placed, over every arc, would make a cut over most columns)
    triangle = _entries([[1, 1, 0], [0, 1, 1], [1, 0, 1]])
    args = (triangle, (3, 3), np.full(3, -np.inf), np.ones(3), np.ones(3), np.full(3, 0.5))
    assert len(zero_half.separate(*args)) == 1
    monkeypatch.setattr(zero_half, "_MAX_ROW_ENTRIES", 1)
    assert not zero_half.separate(*args)


@pytest.mark.parametrize(("n", "seed"), [(500, 55), (500, 57), (900, 46)])
def test_cuts_built_a_block_at_a_time_are_those_built_all_at_once(n, seed, monkeypatch):
    # the candidates are built in blocks until there are enough: the same cuts, in the
    # same order, as building them all, at the LP's points of every round
    part, points, x0, mip = _part_model(seed, n)
    lp = mip.lp(60.0, x0, cuts=True)
    assert lp is not None
    x = lp.x
    compared = 0
    for _ in range(4):
        args = (mip.entries, mip.shape, mip.row_lo, mip.row_hi, mip.col_upper, x)
        monkeypatch.setattr(zero_half, "_BUILD_BLOCK", 10**6)
        whole = zero_half.separate(*args, max_cuts=40)
        monkeypatch.setattr(zero_half, "_BUILD_BLOCK", 7)
        blocks = zero_half.separate(*args, max_cuts=40)
        assert blocks.row.tolist() == whole.row.tolist()
        assert blocks.cols.tolist() == whole.cols.tolist()
        assert blocks.vals.tolist() == whole.vals.tolist()
        assert blocks.rhs.tolist() == whole.rhs.tolist()
        if not whole:
            break
        compared += len(whole)
        mip.add_cuts(whole, lp_only=True)
        after = mip.lp(60.0, x0)
        assert after is not None
        x = after.x
    assert compared > 7  # candidates of more than one block were compared


def _points(rng: np.random.Generator, mip: PlacementMip, answers: list[np.ndarray]):
    """The LP's points, and mixes of answers with noise (many fractional columns)."""
    lp = mip.lp(10.0, cuts=True)
    if lp is not None:
        yield lp.x
    for _ in range(15):
        k = int(rng.integers(1, 4))
        picks = rng.choice(len(answers), k)
        weights = rng.dirichlet(np.ones(k))
        x = sum(w * mip.columns(answers[i]) for w, i in zip(weights, picks, strict=True))
        noise = (rng.random(len(x)) < 0.2) * rng.random(len(x)) * 0.5
        yield np.clip(x + noise, 0.0, 1.0) * (mip.col_upper > 0)


def test_every_cut_holds_for_every_answer():
    rng = np.random.default_rng(5)
    found = 0
    for _ in range(60):
        inst = _random_instance(rng)
        mip = PlacementMip(inst)
        answers = list(_answers(inst))
        cuts = []
        for x in _points(rng, mip, answers):
            got = zero_half.separate(
                mip.entries, mip.shape, mip.row_lo, mip.row_hi, mip.col_upper, x
            )
            # each cut is broken at the point it was found for
            lhs = np.bincount(got.row, got.vals * x[got.cols], len(got))
            assert (lhs > got.rhs + 1e-4).all()
            cuts.append(got)
        found += sum(len(c) for c in cuts)
        for answer in answers:
            cols = mip.columns(answer)
            for got in cuts:
                lhs = np.bincount(got.row, got.vals * cols[got.cols], len(got))
                assert (lhs <= got.rhs + 1e-9).all()
    assert found > 100  # the check is not empty


def _part_model(seed: int, n: int):
    """A generated round's largest part, its points, the flows' answer and its model."""
    parts, points = _parts(seed, n=n)
    part = max(parts, key=lambda p: len(p.left))
    x0 = max_weight_matching(
        part.n_left, part.cap, part.left, part.right, fold_weight(part, points) + part.score
    )
    mip = PlacementMip(_instance(part, np.arange(len(part.left)), int(x0.sum()), points))
    return part, points, x0, mip


@pytest.mark.parametrize(("n", "seed"), [(300, 46), (300, 54), (500, 55), (500, 57)])
def test_the_lp_falls_to_the_optimum_and_still_bounds_every_answer(n, seed):
    part, points, x0, plain = _part_model(seed, n)
    *_, mip = _part_model(seed, n)
    before = plain.lp(60.0, x0, cuts=True)
    lp = mip.lp(60.0, x0, cuts=True, halves=HALF_ROUNDS)
    assert before is not None and lp is not None
    exact = mip.solve(x0, 60.0)
    assert exact.proven and exact.objective == plain.solve(x0, 60.0).objective
    # on these parts the sibling cuts leave the LP 1.2-9.5 points above the optimum; with
    # the {0, 1/2}-cuts it is the optimum
    assert before.value >= exact.objective + 1
    assert lp.value == pytest.approx(exact.objective, abs=1e-6)
    # weak duality with the cuts' duals: every answer scores at most the LP less what its
    # columns' reduced costs charge (the fixing of the proof's model rests on it)
    for chosen in (x0, exact.chosen):
        assert_priced_within_the_lp(mip, lp, part, points, chosen)


def test_the_mips_leave_the_lps_own_rows_out():
    part, points, x0, mip = _part_model(55, 500)
    assert mip.lp(60.0, x0, cuts=True, halves=HALF_ROUNDS) is not None
    assert mip.mip_rows < mip.shape[0]  # the {0, 1/2}-cuts are in the model, after the rest
    (vals, rows, cols), shape = mip.mip_model()
    assert shape == (mip.mip_rows, mip.shape[1]) and rows.max() < mip.mip_rows
    assert len(vals) == int((mip.entries[1] < mip.mip_rows).sum())
    some = np.flatnonzero(x0)[:3]
    entries, _, _, used = mip.submodel(some)
    assert (used < mip.mip_rows).all()
    # a row for the MIPs cannot come after the LP's own
    one = Cuts(np.zeros(1, np.int64), np.array([0]), np.array([1.0]), np.array([1.0]))
    with pytest.raises(ValueError):
        mip.add_cuts(one)
    mip.add_cuts(one, lp_only=True)


@pytest.mark.parametrize("presolve", [True, False])
def test_a_proof_holding_the_lps_tight_cuts_proves_the_same_optimum(presolve):
    part, points, x0, mip = _part_model(55, 500)
    lp = mip.lp(60.0, x0, cuts=True, halves=HALF_ROUNDS)
    assert lp is not None
    tight = mip.tight_rows(lp)
    # only the LP's own rows, and some of them (those its optimum rests on)
    assert not tight[: mip.mip_rows].any() and 0 < tight.sum() < mip.shape[0] - mip.mip_rows
    *_, used = mip.submodel(np.arange(mip.shape[1]), None, tight)
    assert (used >= mip.mip_rows).sum() == tight.sum()  # (the path without presolve)
    plain = mip.solve(x0, 60.0, presolve=presolve)
    held = mip.solve(x0, 60.0, presolve=presolve, lp_rows=tight)
    assert plain.proven and held.proven and held.objective == plain.objective
    assert held.chosen.sum() == plain.chosen.sum()
