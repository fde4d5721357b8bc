"""The round generator is deterministic per seed and writes documents the solver accepts."""

from __future__ import annotations

import json

from benchmarks.generate import generate_round, main
from matcher.matching.document import read_round


def test_the_same_seed_gives_the_same_round_and_another_seed_another():
    assert generate_round(300, towns=2, seed=4) == generate_round(300, towns=2, seed=4)
    assert generate_round(300, towns=2, seed=4) != generate_round(300, towns=2, seed=5)


def test_a_municipality_round_has_the_agreed_shape():
    doc = generate_round(2000)
    sizes = {k: len(doc[k]) for k in ("children", "activities", "families", "contact_families")}
    assert sizes == {"children": 2000, "activities": 250, "families": 800, "contact_families": 500}
    read_round(doc)  # the solver's validating reader raises RoundError on anything invalid


def test_rounds_have_siblings_boundaries_declines_and_waiting():
    doc = generate_round(2000, seed=3, budget=100000)
    per_family: dict[str, int] = {}
    for c in doc["children"]:
        per_family[c["family"]] = per_family.get(c["family"], 0) + 1
    assert max(per_family.values()) == 4 and min(per_family.values()) == 1
    assert any(c["birth_date"] == "2008-08-15" for c in doc["children"])  # turns 18 today
    assert any(c["excluded_activities"] for c in doc["children"])
    assert any(f["excluded_contact_families"] for f in doc["families"])
    assert any(c["rounds_waited"] > 0 for c in doc["children"])
    assert {a["gender"] for a in doc["activities"]} == {"any", "female", "male"}
    assert doc["params"] == {"budget": 100000}
    children = {c["id"] for c in doc["children"]}
    assert all(c["family"].startswith("h") for c in doc["children"]) and len(children) == 2000


def test_a_national_round_spreads_over_the_towns_and_is_valid():
    doc = generate_round(3000, towns=15, seed=1, families=100, contact_families=80)
    lats = {round(c["location"]["lat"]) for c in doc["children"]}
    assert len(lats) >= 2
    rnd = read_round(doc)
    assert len(rnd.children) == 3000 and len(rnd.families) == 100


def test_the_command_line_writes_the_round(tmp_path):
    out = tmp_path / "round.json"
    assert main(["--children", "200", "--seed", "2", "--budget", "5000", "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == generate_round(200, seed=2, budget=5000)
