"""`distinct` (sorted distinct values by a sort) and the sibling codes built with it: the same
as `np.unique` and as the pair-by-pair forms they replaced."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matcher.matching.candidates import build_child_arcs
from matcher.matching.children import sibling_keys
from matcher.matching.distinct import distinct
from matcher.matching.document import read_round
from matcher.matching.siblings import sibling_pairs

from .rounds import activity, child, round_doc


@pytest.mark.parametrize("high", [3, 1000, 10**15])
def test_distinct_is_numpys_unique(high):
    rng = np.random.default_rng(high)
    for n in (0, 1, 2, 7, 500):
        values = rng.integers(-high, high, n)
        assert np.array_equal(distinct(values), np.unique(values))
    grid = rng.integers(0, 5, (6, 4))
    assert np.array_equal(distinct(grid), np.unique(grid))


def _pairs_one_by_one(left: np.ndarray, sib_key: np.ndarray) -> list[tuple[int, int, int]]:
    """(key, i, j) for i < j sharing a key, key by key: the form `sibling_pairs` replaced."""
    kids: dict[int, set[int]] = {}
    for c, k in zip(left.tolist(), sib_key.tolist(), strict=True):
        if k >= 0:
            kids.setdefault(k, set()).add(c)
    return [(k, i, j) for k in sorted(kids) for i, j in itertools.combinations(sorted(kids[k]), 2)]


def test_sibling_pairs_are_every_pair_of_children_sharing_a_key_in_order():
    rng = np.random.default_rng(5)
    for _ in range(300):
        m = int(rng.integers(0, 60))
        left = np.sort(rng.integers(0, 12, m))
        key = rng.integers(-1, 6, m)
        got = sibling_pairs(left, key)
        assert got.dtype == np.int64 and got.shape[1] == 3
        assert [tuple(r) for r in got.tolist()] == _pairs_one_by_one(left, key)


def test_sibling_keys_mark_clubs_where_two_children_of_a_family_could_meet():
    doc = round_doc(
        children=[child("a1", family="A"), child("a2", family="A"), child("b1", family="B")],
        activities=[activity("x1", club="X"), activity("x2", club="X"), activity("y1", club="Y")],
    )
    rnd = read_round(doc)
    arcs = build_child_arcs(rnd)
    key, n = sibling_keys(rnd, arcs)
    kid = [rnd.children[c].id for c in arcs.child]
    club = [rnd.activities[a].club for a in arcs.act]
    seen = {
        (k, c): (int(key[i]), int(n[i])) for i, (k, c) in enumerate(zip(kid, club, strict=True))
    }
    assert len(arcs.child) == 9  # every child may join every activity
    assert seen[("b1", "X")] == (-1, 1) and seen[("b1", "Y")] == (-1, 1)
    (ax, nx), (ay, ny) = seen[("a1", "X")], seen[("a1", "Y")]
    assert nx == ny == 2 and ax >= 0 and ay >= 0 and ax != ay
    assert seen[("a2", "X")] == (ax, 2) and seen[("a2", "Y")] == (ay, 2)
