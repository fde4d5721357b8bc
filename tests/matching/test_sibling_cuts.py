"""Sibling cuts (`sibling_cuts.py`): every cut holds for every answer, and they close the LP's
gap where siblings split half and half around full activities."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matcher.matching.flow import max_weight_matching
from matcher.matching.placement import _instance, fold_weight, sibling_bonus
from matcher.matching.placement_mip import PlacementMip
from matcher.matching.placement_model import PlacementInstance
from matcher.matching.sibling_cuts import Separator

from .test_placement_mip import _inst, _parts


def _random_instance(rng: np.random.Generator) -> PlacementInstance:
    """Up to 6 children in families of 1-4, 2-3 clubs of 1-2 activities with 1-3 places."""
    n = int(rng.integers(3, 7))
    family = np.sort(rng.integers(0, max(2, n // 2), n))
    clubs = int(rng.integers(2, 4))
    club_of = np.repeat(np.arange(clubs), rng.integers(1, 3, clubs))
    cap = rng.integers(1, 4, len(club_of))
    left, right = [], []
    for c in range(n):
        for a in rng.choice(
            len(club_of), min(len(club_of), int(rng.integers(1, 4))), replace=False
        ):
            left.append(c)
            right.append(int(a))
    left_a, right_a = np.array(left), np.array(right)
    order = np.lexsort((right_a, left_a))
    left_a, right_a = left_a[order], right_a[order]
    # a (family, club) key on an arc when another child of the family has an arc in the club
    fam_club = family[left_a] * clubs + club_of[right_a]
    kids = {k: set(left_a[fam_club == k]) for k in np.unique(fam_club)}
    sib_key = np.array([k if len(kids[k]) > 1 else -1 for k in fam_club])
    score = rng.integers(60, 130, len(left_a))
    return _inst(left_a, right_a, cap, score, sib_key)


def _answers(inst: PlacementInstance):
    """Every integer answer: each child one of its arcs or none, within the places."""
    n = int(inst.left.max()) + 1
    options = [[-1, *np.flatnonzero(inst.left == c).tolist()] for c in range(n)]
    for choice in itertools.product(*options):
        x = np.zeros(len(inst.left), np.int64)
        x[[a for a in choice if a >= 0]] = 1
        if (np.bincount(inst.right[x > 0], minlength=len(inst.cap)) <= inst.cap).all():
            yield x


def test_every_cut_holds_for_every_answer():
    rng = np.random.default_rng(7)
    found = 0
    for _ in range(60):
        inst = _random_instance(rng)
        mip = PlacementMip(inst)
        if not len(mip.pairs):
            continue
        sep = Separator(inst.left, inst.right, inst.cap, inst.sib_key, mip.pairs)
        rows, cols, vals, rhs = [], [], [], []
        for _ in range(25):  # points of every kind: each cut is checked, broken or not
            x = rng.random(mip.n_arcs) * (rng.random(mip.n_arcs) < 0.7)
            z = rng.random(len(mip.pairs))
            cuts = sep.separate(x, z)
            rows.append(cuts.row + len(rhs) if len(rhs) else cuts.row)
            cols.append(cuts.cols)
            vals.append(cuts.vals)
            rhs.extend(cuts.rhs.tolist())
        if not rhs:
            continue
        found += len(rhs)
        row, col, val = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
        for answer in _answers(inst):
            full = mip.columns(answer)  # `together` = 1 exactly when both are in the club
            lhs = np.bincount(row, weights=val * full[col], minlength=len(rhs))
            assert (lhs <= np.array(rhs) + 1e-9).all()
    assert found > 100  # the check is not empty


def test_siblings_split_around_full_activities_lose_the_points_the_lp_gave_them():
    # Siblings 0 and 1 may join activity 0 (club key 0) or activity 1 (club key 1), each with
    # two places; child 2 can only join activity 0 and child 3 only activity 1. All four are
    # placed, so the siblings must split: no pair points. Without cuts the LP seats each
    # sibling half in each club and earns the pair's 20 points.
    inst = _inst(
        [0, 0, 1, 1, 2, 3], [0, 1, 0, 1, 0, 1], [2, 2], [100] * 6, [0, 1, 0, 1, -1, -1], placed=4
    )
    plain = PlacementMip(inst).lp(10.0)
    mip = PlacementMip(inst)
    cut = mip.lp(10.0, cuts=True)
    exact = mip.solve(np.array([1, 0, 0, 1, 1, 0]), 10.0)
    assert plain is not None and cut is not None
    assert plain.value == pytest.approx(420.0)
    assert exact.proven and exact.objective == 400
    assert cut.value == pytest.approx(400.0) and mip.cuts > 0


@pytest.mark.parametrize("seed", [21, 22])
def test_the_cut_lp_still_bounds_every_answer_with_its_reduced_costs(seed):
    parts, points = _parts(seed)
    part = max(parts, key=lambda p: len(p.left))
    x0 = max_weight_matching(
        part.n_left, part.cap, part.left, part.right, fold_weight(part, points) + part.score
    )
    plain = PlacementMip(_instance(part, np.arange(len(part.left)), int(x0.sum()), points))
    mip = PlacementMip(_instance(part, np.arange(len(part.left)), int(x0.sum()), points))
    before, lp = plain.lp(60.0, x0), mip.lp(60.0, x0, cuts=True)
    assert before is not None and lp is not None
    exact = mip.solve(x0, 60.0)
    assert exact.proven and exact.objective <= lp.value + 1e-6 <= before.value + 2e-6
    for chosen in (x0, exact.chosen):
        cols = mip.columns(chosen)
        pays = np.where(lp.rc > 0, lp.rc * cols, -lp.rc * (mip.col_upper - cols))
        value = int((part.score * chosen).sum()) + sibling_bonus(part, chosen, points)
        assert value <= lp.value - pays[: mip.shape[1]].sum() + 1e-6


def test_an_lp_that_cannot_be_solved_after_a_round_of_cuts_gives_the_one_before(monkeypatch):
    # A round of cuts whose LP cannot be solved (here: a row no answer meets, standing for a
    # deadline reached in the middle) leaves the LP solved before it, which still holds.
    import matcher.matching.placement_mip as placement_mip
    from matcher.matching.sibling_cuts import Cuts

    inst = _inst(
        [0, 0, 1, 1, 2, 3], [0, 1, 0, 1, 0, 1], [2, 2], [100] * 6, [0, 1, 0, 1, -1, -1], placed=4
    )
    plain = PlacementMip(inst).lp(10.0)

    def impossible(self, x, z):
        n = len(self.left)
        return Cuts(np.zeros(n, np.int64), np.arange(n), np.ones(n), np.array([-1.0]))

    monkeypatch.setattr(placement_mip.Separator, "separate", impossible)
    mip = PlacementMip(inst)
    after = mip.lp(10.0, cuts=True)
    assert plain is not None and after is not None and mip.cuts == 1
    assert after.value == pytest.approx(plain.value)


def test_large_families_get_cuts_of_the_whole_family_only():
    # eight siblings who can all join one activity with one place, and one other child: a
    # point with every pair a fifth together breaks the cuts of single pairs too
    n = 8
    inst = _inst(list(range(n + 1)), [0] * (n + 1), [1], [100] * (n + 1), [0] * n + [-1])
    mip = PlacementMip(inst)
    sep = Separator(inst.left, inst.right, inst.cap, inst.sib_key, mip.pairs)
    x = np.full(n + 1, 1 / (n + 1)) + 1e-3 * np.arange(n + 1)  # fractional, all in
    cuts = sep.separate(x, np.full(len(mip.pairs), 0.2))
    assert len(cuts) >= 1
    for row in range(len(cuts)):
        cols = cuts.cols[cuts.row == row]
        assert (cols >= mip.n_arcs).sum() == n * (n - 1) // 2  # every pair, never one alone


@pytest.mark.parametrize("seed", [21, 23, 24])
def test_the_shortcut_leaves_out_no_cut_at_the_lps_points(seed, monkeypatch):
    # `_unbreakable` skips the (pairs, `U`) whose cut no `S` could break: at every point the
    # LP's rounds of cuts stop at, the cuts are the same with and without it.
    import matcher.matching.sibling_cuts as sibling_cuts

    parts, points = _parts(seed, n=800)
    part = max(parts, key=lambda p: len(p.left))
    x0 = max_weight_matching(
        part.n_left, part.cap, part.left, part.right, fold_weight(part, points) + part.score
    )
    mip = PlacementMip(_instance(part, np.arange(len(part.left)), int(x0.sum()), points))
    inst = mip.inst
    sep = Separator(inst.left, inst.right, inst.cap, inst.sib_key, mip.pairs)
    seen = []
    real = Separator.separate

    def both(self, x, z):
        found = real(self, x, z)
        seen.append((x.copy(), z.copy(), found))
        return found

    monkeypatch.setattr(sibling_cuts.Separator, "separate", both)
    assert mip.lp(60.0, x0, cuts=True) is not None and mip.cuts > 0
    monkeypatch.setattr(sibling_cuts.Separator, "separate", real)
    monkeypatch.setattr(sibling_cuts, "_unbreakable", lambda *a: False)
    assert seen
    for x, z, found in seen:
        every = sep.separate(x, z)
        assert np.array_equal(found.row, every.row) and np.array_equal(found.cols, every.cols)
        assert np.array_equal(found.vals, every.vals) and np.array_equal(found.rhs, every.rhs)


@pytest.mark.parametrize("few", [0, 1, 3, 8, 9, 20])
def test_among_says_what_isin_says_for_few_and_many(few):
    from matcher.matching.sibling_cuts import _among

    rng = np.random.default_rng(few)
    values = rng.integers(0, 40, 500)
    chosen = rng.choice(40, few, replace=False)
    assert np.array_equal(_among(values, chosen), np.isin(values, chosen))
    assert _among(values[:0], chosen).shape == (0,)
