"""A binding budget on rounds small enough for the whole MIP (`budget.py`): the arcs it
keeps are those neither the Lagrangian bound nor the LP with the budget row rules out."""

from __future__ import annotations

import pytest

from benchmarks.generate import generate_round
from benchmarks.milp_reference import solve_milp
from matcher.matching import budget as budget_mod
from matcher.matching import placement_mip, solve


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
