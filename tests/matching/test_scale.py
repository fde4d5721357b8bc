"""Rounds whose folded weights would leave OR-Tools' 64-bit costs are refused, not rounded."""

import numpy as np
import pytest

from benchmarks.generate import generate_round
from matcher.matching import RoundError, scale, solve
from matcher.matching.candidates import build_child_arcs
from matcher.matching.document import read_round
from matcher.matching.scale import check_scale, folded_weight


def test_the_folded_weight_outweighs_every_score_change_and_adds_the_largest_score():
    owner = np.array([0, 0, 1, 2])
    score = np.array([5, -9, 3, 0])
    # one placement: 1 + 2 * (9 + 3 + 0) + 4 sibling points; plus the largest |score| 9 + 4
    assert folded_weight(owner, score, 4, extra=4) == 1 + 2 * 12 + 4 + 9 + 4


def test_the_sum_is_exact_beyond_int64():
    owner = np.arange(4)
    score = np.full(4, 2**61, np.int64)
    assert folded_weight(owner, score, 4) == 1 + 2 * 4 * 2**61 + 2**61


def test_the_check_is_or_tools_bound_with_a_margin():
    nodes = 1000
    most = (scale._LIMIT // (nodes + 4) - 1) // 16
    check_scale(most, nodes, "children")  # fits
    with pytest.raises(RoundError) as info:
        check_scale(most + 1, nodes, "children")
    assert str(info.value).startswith("params: the points are too large for a round of this size")


def test_a_national_round_of_default_points_is_far_inside():
    doc = generate_round(2000, towns=2, seed=3)
    rnd = read_round(doc)
    arcs = build_child_arcs(rnd)
    weight = folded_weight(arcs.child, arcs.score, len(rnd.children), 20 * len(rnd.children))
    # 50,000 children of the same kind: 25 times the weight and 25 times the nodes, and
    # still a thousand times inside the bound
    check_scale(1000 * 25 * weight, 25 * (len(rnd.children) + len(rnd.activities)), "children")


@pytest.mark.parametrize("side", ["children", "families"])
def test_a_round_past_the_bound_is_refused_with_one_line(monkeypatch, side):
    # the bound itself needs ~25,000 children at every limit: lowered here to reach it
    doc = generate_round(120, seed=1, activities=15, families=40, contact_families=20)
    if side == "children":
        doc["params"]["preference_points"] = [100_000]
        doc["families"], doc["contact_families"] = [], []
    else:
        doc["params"]["language_points"] = 100_000
        doc["children"], doc["activities"] = [], []
    monkeypatch.setattr(scale, "_LIMIT", 10**9)
    with pytest.raises(RoundError) as info:
        solve(doc)
    assert str(info.value) == (
        f"params: the points are too large for a round of this size ({side}): lower the "
        "preference, waiting or sibling points, or the distance penalty"
    )
    monkeypatch.setattr(scale, "_LIMIT", 2**62)
    assert solve(doc)["status"] == "optimal"
