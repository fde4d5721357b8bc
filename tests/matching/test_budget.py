"""A binding budget on rounds small enough for the whole MIP (`budget.py`): the arcs it
keeps are those neither the Lagrangian bound nor the LP with the budget row rules out."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.generate import generate_round
from benchmarks.milp_reference import solve_milp
from matcher.matching import budget as budget_mod
from matcher.matching import placement_mip, solve
from matcher.matching.candidates import build_child_arcs
from matcher.matching.children import sibling_keys
from matcher.matching.document import read_round
from matcher.matching.placement_model import PlacementInstance


def _last_budget_mip(monkeypatch, doc: dict) -> tuple[dict, int]:
    """Solve `doc`; return the answer and the arcs of the last MIP with the budget row."""
    seen: list[int] = []
    original = placement_mip.PlacementMip.solve

    def recording(self, *args, **kwargs):
        if self.inst.budget is not None:
            seen.append(self.n_arcs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(placement_mip.PlacementMip, "solve", recording)
    result = solve(doc)
    assert seen
    return result, seen[-1]


@pytest.mark.parametrize(("n", "seed", "budget"), [(500, 7, 60000.0), (800, 8, 100000.0)])
def test_the_lps_reduced_costs_shrink_the_mip_and_it_still_proves_the_optimum(
    monkeypatch, n, seed, budget
):
    doc = generate_round(n, seed=seed, budget=budget, families=0, contact_families=0)
    reference = solve_milp(doc, time_limit=300)
    assert reference["status"] == "optimal"
    result, arcs = _last_budget_mip(monkeypatch, doc)
    assert result["status"] == "optimal"
    assert result["stats"]["score"] == reference["stats"]["score"]
    assert result["stats"]["placed"] == reference["stats"]["placed"]
    assert result["stats"]["engines"] == {"lagrangian-flow+lp+cores+mip": 1}

    # without the LP's solution only the Lagrangian bound fixes arcs: more are kept
    lp_bound = budget_mod._lp_bound

    def without_solution(*args, **kwargs):
        proven, bound, _lp = lp_bound(*args, **kwargs)
        return proven, bound, None

    monkeypatch.setattr(budget_mod, "_lp_bound", without_solution)
    again, more = _last_budget_mip(monkeypatch, doc)
    assert again["stats"]["score"] == result["stats"]["score"]
    assert more > arcs


def test_a_count_the_search_could_not_prove_gets_a_bound_that_holds(monkeypatch):
    # the count's search stopped after two steps (as on a national round whose minute ran
    # out), on the path of rounds too large for the bisection: the bound must still hold
    # for every answer placing as many within the budget (it once equalled the answer)
    monkeypatch.setattr(budget_mod, "_SEARCH_ARCS", 0)
    real = budget_mod.most_within

    def hurried(flows, fee, budget, in_time):
        steps = iter([True, True])
        return real(flows, fee, budget, lambda: next(steps, False))

    monkeypatch.setattr(budget_mod, "most_within", hurried)
    doc = generate_round(400, seed=3, budget=60000.0, families=0, contact_families=0)
    result = solve(doc)
    stats = result["stats"]
    assert result["status"] == "feasible"
    # the exact best score with that many placed within the budget, by HiGHS
    rnd = read_round(doc)
    arcs = build_child_arcs(rnd)
    key, _ = sibling_keys(rnd, arcs)
    caps = np.array([a.capacity for a in rnd.activities], np.int64)
    fee = budget_mod.fees_in_ore(arcs.fee[arcs.act])
    exact = placement_mip.PlacementMip(
        PlacementInstance(
            arcs.child,
            arcs.act,
            caps,
            arcs.score,
            key,
            fee,
            budget_mod.budget_in_ore(60000.0),
            stats["placed"],
            0,
            rnd.params.sibling_points,
        )
    ).solve(np.zeros(len(arcs.child), np.int64), 120)
    assert exact.proven
    assert stats["score"] <= exact.objective <= stats["bound"]
