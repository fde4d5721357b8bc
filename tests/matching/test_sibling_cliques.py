"""Clique cuts on the siblings' pairs (`sibling_cliques.py`): every cut holds for every answer,
the room a club has for a family is a largest matching, and the cuts close the gap the LP
opens by splitting a child between two clubs."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.matching import sibling_cliques
from matcher.matching.placement_mip import PlacementMip
from matcher.matching.sibling_cliques import CliqueSeparator, ClubArcs, most_at_once

from .test_placement_mip import _inst
from .test_sibling_cuts import _answers, _random_instance


def test_every_clique_cut_holds_for_every_answer():
    rng = np.random.default_rng(11)
    found = 0
    for _ in range(80):
        inst = _random_instance(rng)
        mip = PlacementMip(inst)
        if len(mip.pairs) < 2:
            continue
        sep = CliqueSeparator(ClubArcs.of(inst.left, inst.right, inst.cap, inst.sib_key), mip.pairs)
        rows = []
        for _ in range(20):  # points of every kind, most of them with some group over 1
            z = rng.random(len(mip.pairs)) * (rng.random(len(mip.pairs)) < 0.8)
            rows += sep.separate(z)
        found += len(rows)
        for answer in _answers(inst):
            together = mip.columns(answer)[mip.n_arcs :]  # 1 exactly when both are there
            for cols, vals, rhs in rows:
                assert (vals * together[cols]).sum() <= rhs + 1e-9
    assert found > 50  # the check is not empty


def test_a_broken_clique_is_lifted_to_every_pair_that_conflicts_with_it():
    # Siblings 0, 1, 2; club key 0 has activity 0 (two places), club key 1 activity 1 (two
    # places). Pairs: (0,1), (0,2), (1,2) in each club. Any two of them share a child, so
    # they conflict: across clubs a child would be in two, within one club three children
    # would need its two places. All six form one clique.
    inst = _inst([0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 0, 1], [2, 2], [100] * 6, [0, 1, 0, 1, 0, 1])
    mip = PlacementMip(inst)
    sep = CliqueSeparator(ClubArcs.of(inst.left, inst.right, inst.cap, inst.sib_key), mip.pairs)
    z = np.zeros(len(mip.pairs))
    z[:2] = 0.6  # two lit pairs over 1 together; the other four at 0 join the cut
    rows = sep.separate(z)
    assert len(rows) == 1
    cols, vals, rhs = rows[0]
    assert sorted(cols.tolist()) == list(range(len(mip.pairs))) and rhs == 1.0
    assert sep.separate(np.full(len(mip.pairs), 1 / 6)) == []  # at 1, nothing is broken


@pytest.mark.parametrize(
    ("kids", "acts", "cap", "most"),
    [
        ([0, 1, 2], [0, 0, 0], [2], 2),  # three children, one activity of two places
        ([0, 1, 2], [0, 0, 0], [0], 0),  # no place left
        ([0, 1, 2], [0, 1, 2], [1, 1, 1], 3),  # each its own activity
        # child 0 can join 0 or 1, child 1 only 0: the path moves child 0 to activity 1
        ([0, 0, 1], [0, 1, 0], [1, 1], 2),
        ([0, 1, 2, 3], [0, 0, 1, 1], [1, 5], 3),
    ],
)
def test_the_room_a_club_has_for_a_family_is_a_largest_matching(kids, acts, cap, most):
    assert most_at_once(np.array(kids), np.array(acts), np.array(cap)) == most


def test_a_child_split_between_two_clubs_loses_the_points_the_lp_gave_it(monkeypatch):
    # Siblings 0, 1, 2, all placed. Club key 0: activity 0 (two places), for 0 and 2. Club
    # key 1: activity 1 (two places), for all three. Any answer has at most one pair
    # together (20 points): 320. With the capacity cuts (`sibling_cuts.py`) the LP still
    # seats 0 and 2 half in each club beside 1 and earns 1.5 pairs: half of (0,2) in the
    # first club, half of (0,1) and of (1,2) in the second. No cut of one club is broken;
    # the clique of the four pairs (any two share a child) is.
    inst = _inst([0, 0, 1, 2, 2], [0, 1, 1, 0, 1], [2, 2], [100] * 5, [0, 1, 1, 0, 1], placed=3)
    exact = PlacementMip(inst).solve(np.array([1, 0, 1, 1, 0]), 10.0)
    assert exact.proven and exact.objective == 320
    with_cliques = PlacementMip(inst).lp(10.0, cuts=True)
    monkeypatch.setattr(sibling_cliques.CliqueSeparator, "separate", lambda self, z: [])
    without = PlacementMip(inst).lp(10.0, cuts=True)
    assert with_cliques is not None and without is not None
    assert without.value == pytest.approx(330.0)
    assert with_cliques.value == pytest.approx(320.0)


def test_a_family_one_activity_takes_whole_gets_its_size_and_the_others_their_matching():
    # `_one_activity_takes_all` says "all of them" only where the largest matching says so
    # too, and leaves 0 (to `most_at_once`) where no one activity takes the whole family.
    left = np.array([0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 4])
    right = np.array([0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4])
    cap = np.array([2, 1, 1, 5, 1])
    key = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    # key 0: activity 0 has 2 places for both; key 1: activities 1 and 2 one place each (both
    # fit, one in each, but no one activity takes them: left to the matching); key 2:
    # activity 3 takes both (child 4's two arcs to activity 4 count once)
    club = ClubArcs.of(left, right, cap, key)
    keys, whole = sibling_cliques._one_activity_takes_all(club)
    assert keys.tolist() == [0, 1, 2] and whole.tolist() == [2, 0, 2]
    rng = np.random.default_rng(5)
    checked = 0
    for _ in range(60):
        inst = _random_instance(rng)
        club = ClubArcs.of(inst.left, inst.right, inst.cap, inst.sib_key)
        keys, whole = sibling_cliques._one_activity_takes_all(club)
        for k, w in zip(keys.tolist(), whole.tolist(), strict=True):
            own = club.of_key(k)
            most = most_at_once(inst.left[own], inst.right[own], inst.cap)
            assert w in (0, most) and (w == 0 or most == len(set(inst.left[own].tolist())))
            checked += w > 0
    assert checked > 20
