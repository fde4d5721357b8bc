"""The first-come-first-served baseline: valid, scored like the solver, never better."""

from benchmarks.generate import generate_round
from matcher.matching import first_come_first_served, solve
from matcher.matching.checker import violations

from .rounds import activity, child, placed, round_doc, solved


def test_longest_waiting_child_takes_the_place_first():
    kids = [child("c1"), child("c2", rounds_waited=1)]
    result = solved(round_doc(kids, [activity()]), first_come_first_served)
    assert placed(result) == {"c2": "a1"}
    assert result["status"] == "feasible"


def test_baseline_is_valid_and_never_beats_the_solver():
    doc = generate_round(400, seed=5)
    greedy, best = first_come_first_served(doc), solve(doc)
    assert violations(doc, greedy) == []
    assert violations(doc, best) == []
    g, b = greedy["stats"], best["stats"]
    assert (g["placed"], g["score"]) <= (b["placed"], b["score"])
    assert (g["paired"], g["pair_score"]) <= (b["paired"], b["pair_score"])
