"""On small generated rounds the solver reaches the independent HiGHS MILP's proven optimum."""

from __future__ import annotations

import pytest

from benchmarks.generate import generate_round
from benchmarks.milp_reference import solve_milp
from matcher.matching import solve
from matcher.matching.checker import violations

CASES = [
    # (children, seed, budget, activities, families, contact families)
    (60, 0, None, 12, 25, 15),
    (80, 1, None, 10, 30, 20),
    (120, 2, None, 15, 40, 25),
    (150, 3, 20000.0, 20, 0, 0),
    (150, 4, 8000.0, 20, 20, 10),
    (200, 5, None, 25, 80, 50),
    (250, 6, 35000.0, 30, 0, 0),
    (300, 7, None, None, 0, 0),
]


def _totals(result: dict) -> tuple[int, int, int, int]:
    s = result["stats"]
    return s["placed"], s["score"], s["paired"], s["pair_score"]


@pytest.mark.parametrize(("n", "seed", "budget", "acts", "fams", "cons"), CASES)
def test_solver_equals_the_milp_optimum_and_breaks_no_rule(n, seed, budget, acts, fams, cons):
    doc = generate_round(
        n, seed=seed, budget=budget, activities=acts, families=fams, contact_families=cons
    )
    reference = solve_milp(doc, time_limit=120)
    assert reference["status"] == "optimal"
    assert violations(doc, reference) == []
    result = solve(doc)
    assert violations(doc, result) == []
    assert result["status"] == "optimal"
    assert _totals(result) == _totals(reference)


def test_at_the_documents_largest_numbers_the_answer_is_still_the_milps():
    # every weight at its limit (document.MAX_POINTS and the others): scores of hundreds of
    # millions, which the flows fold into one weight and HiGHS carries in doubles
    doc = generate_round(150, seed=8, activities=20, families=40, contact_families=25)
    doc["params"].update(
        preference_points=[100_000, 99_999, 50_000, 1],
        waiting_points=100_000,
        sibling_points=100_000,
        distance_penalty_per_km=10_000,
        language_points=100_000,
        children_age_points=99_999,
        interest_points=100_000,
        interest_points_cap=100_000,
    )
    for i, person in enumerate(doc["children"] + doc["families"]):
        person["rounds_waited"] = 1000 if i % 3 == 0 else i % 7
    reference = solve_milp(doc, time_limit=120)
    assert reference["status"] == "optimal"
    result = solve(doc)
    assert violations(doc, result) == []
    assert result["status"] == "optimal"
    assert _totals(result) == _totals(reference)
    assert result["stats"]["score"] > 10**8  # the limits were really reached


def test_generated_rounds_have_siblings_competing_for_the_same_clubs():
    doc = generate_round(200, seed=5, activities=25)
    households: dict[str, int] = {}
    for c in doc["children"]:
        households[c["family"]] = households.get(c["family"], 0) + 1
    assert sum(n >= 2 for n in households.values()) >= 20
    result = solve_milp(doc, time_limit=60)
    placements = {p["child"]: p["activity"] for p in result["placements"]}
    clubs = {a["id"]: a["club"] for a in doc["activities"]}
    together = {
        (c["family"], clubs[placements[c["id"]]]) for c in doc["children"] if c["id"] in placements
    }
    # some household has two children in one club, so sibling points are really exercised
    assert len(together) < len(placements)


# Found by the benchmark: with a binding budget the solver once answered "optimal" below the
# MILP's proven optimum (same count placed, lower score); kept as regression cases.
BUDGET_REGRESSIONS = [(500, 2, 150000.0), (1000, 1, 600000.0)]


@pytest.mark.parametrize(("n", "seed", "budget"), BUDGET_REGRESSIONS)
def test_binding_budget_rounds_reach_the_milp_optimum(n, seed, budget):
    doc = generate_round(n, seed=seed, budget=budget, families=0, contact_families=0)
    reference = solve_milp(doc, time_limit=300)
    assert reference["status"] == "optimal" and violations(doc, reference) == []
    result = solve(doc)
    assert violations(doc, result) == []
    assert result["status"] == "optimal"
    assert _totals(result) == _totals(reference)
