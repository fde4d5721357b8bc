"""The second generator (larger households) is deterministic per seed, writes documents the
solver accepts, and its small rounds are solved to the independent MILP's optimum."""

from __future__ import annotations

import json
from collections import Counter

from benchmarks.generate_households import main, national_round, town_round
from benchmarks.milp_reference import solve_milp
from matcher.matching.checker import violations
from matcher.matching.document import read_round
from matcher.matching.solve import solve


def test_the_same_seed_gives_the_same_round_and_another_seed_another():
    assert town_round(4, 300, 40, 100, 60) == town_round(4, 300, 40, 100, 60)
    assert town_round(4, 300, 40, 100, 60) != town_round(5, 300, 40, 100, 60)


def test_a_town_has_the_municipality_shape_and_households_of_up_to_five():
    doc = town_round(0)
    sizes = {k: len(doc[k]) for k in ("children", "activities", "families", "contact_families")}
    assert sizes == {"children": 2000, "activities": 250, "families": 800, "contact_families": 500}
    households = Counter(c["family"] for c in doc["children"])
    assert max(households.values()) == 5 and min(households.values()) == 1
    assert 2.2 < 2000 / len(households) < 2.8
    assert len({a["club"] for a in doc["activities"]}) == 84  # clubs of three activities
    read_round(doc)  # the solver's validating reader raises RoundError on anything invalid


def test_a_national_round_has_its_towns_apart_and_unique_ids(tmp_path):
    doc = national_round(2, children=3000, towns=3)
    assert len(doc["children"]) == 3000
    for key in ("children", "activities", "families", "contact_families"):
        ids = [r["id"] for r in doc[key]]
        assert len(set(ids)) == len(ids)
    towns = {a["id"].split("-")[0] for a in doc["activities"]}
    assert towns == {"T0", "T1", "T2"}
    read_round(doc)
    out = tmp_path / "round.json"
    assert main(["--seed", "3", "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == town_round(3)


def test_small_rounds_reach_the_independent_milps_optimum():
    for seed, params in [(1, {}), (2, {"sibling_points": 80}), (3, {"budget": 20_000})]:
        doc = town_round(seed, 250, 32, 80, 60)
        doc["params"] = params
        got = solve(json.loads(json.dumps(doc)), time_limit=60)
        ref = solve_milp(doc, 120)
        keys = ("placed", "score", "paired", "pair_score")
        assert got["status"] == "optimal"
        assert [got["stats"][k] for k in keys] == [ref["stats"][k] for k in keys]
        assert violations(doc, got) == []
