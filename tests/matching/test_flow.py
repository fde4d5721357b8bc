"""The flows under every part: the most matched first, then the best weight."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matcher.matching import flow
from matcher.matching.flow import max_weight_matching, most_matched, most_matched_by_slices


def _random(seed: int, n_left: int = 7, n_right: int = 4, arcs: int = 14):
    rng = np.random.default_rng(seed)
    pairs = np.unique(
        np.stack([rng.integers(0, n_left, arcs), rng.integers(0, n_right, arcs)], 1), axis=0
    )
    left, right = pairs[:, 0], pairs[:, 1]
    cap = rng.integers(0, 3, n_right)
    weight = rng.integers(-40, 130, len(left))  # scores may be negative (distance)
    return n_left, cap, left, right, weight


def _brute_force(n_left, cap, left, right, weight) -> tuple[int, int]:
    """The best (count, weight) over every choice of arcs, compared lexicographically."""
    best = (0, 0)
    for pick in itertools.product([0, 1], repeat=len(left)):
        x = np.array(pick, bool)
        if np.bincount(left[x], minlength=n_left).max(initial=0) > 1:
            continue
        if (np.bincount(right[x], minlength=len(cap)) > cap).any():
            continue
        best = max(best, (int(x.sum()), int(weight[x].sum())))
    return best


@pytest.mark.parametrize("seed", range(25))
def test_most_matched_is_the_lexicographic_optimum_by_brute_force(seed):
    n_left, cap, left, right, weight = _random(seed)
    x = most_matched(n_left, cap, left, right, weight)
    assert np.bincount(left, x, minlength=n_left).max(initial=0) <= 1
    assert (np.bincount(right, x, minlength=len(cap)) <= cap).all()
    assert (int(x.sum()), int((weight * x).sum())) == _brute_force(n_left, cap, left, right, weight)


@pytest.mark.parametrize("seed", range(5))
def test_most_matched_agrees_with_the_folded_flow_on_larger_graphs(seed):
    n_left, cap, left, right, weight = _random(seed, n_left=400, n_right=60, arcs=3000)
    big = 1 + 2 * int(np.abs(weight).sum())  # one more match outweighs any weight
    folded = max_weight_matching(n_left, cap, left, right, big + weight)
    x = most_matched(n_left, cap, left, right, weight)
    assert x.sum() == folded.sum()
    assert (weight * x).sum() == (weight * folded).sum()


@pytest.mark.parametrize("size", [1, 7, 2999, 3000, 10_000])
def test_arcs_read_a_slice_at_a_time_give_the_same_matching(size, monkeypatch):
    n_left, cap, left, right, weight = _random(3, n_left=400, n_right=60, arcs=3000)
    whole = most_matched(n_left, cap, left, right, weight)
    monkeypatch.setattr(flow, "_SLICE", size)
    asked = []

    def arcs(s: slice):
        asked.append((s.start, min(s.stop, len(left))))
        return left[s], right[s], weight[s]

    x = most_matched_by_slices(n_left, cap, len(left), arcs)
    assert x.tolist() == whole.tolist()  # the same network, arc for arc
    # every arc asked for once, in order, no more than a slice at a time
    assert [a for a, _ in asked] == list(range(0, len(left), size))
    assert asked[-1][1] == len(left)
    assert all(b - a <= size for a, b in asked)


def test_one_more_match_beats_any_weight():
    # child 0 could take the one place worth 100 alone; placing both children needs it
    # elsewhere, at a loss
    left = np.array([0, 0, 1])
    right = np.array([0, 1, 0])
    weight = np.array([100, -30, 1])
    x = most_matched(2, np.array([1, 1]), left, right, weight)
    assert x.tolist() == [0, 1, 1]


def test_no_arcs_no_matching():
    empty = np.zeros(0, np.int64)
    assert len(most_matched(3, np.array([1]), empty, empty, empty)) == 0
