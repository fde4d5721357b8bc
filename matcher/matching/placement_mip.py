"""The exact placement model as an LP-based MIP (HiGHS through OR-Tools' pywraplp).

Used on the cores that the flow bounds leave open: their LP relaxation is within a few points
of the integer optimum, which suits branch and bound far better than CP-SAT's search.
"""

from __future__ import annotations

import numpy as np
from ortools.linear_solver import pywraplp

from .placement_model import PlacementInstance, PlacementSolution


def _groups(keys: np.ndarray) -> list[np.ndarray]:
    order = np.argsort(keys, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(keys[order])) + 1) if len(order) else []


class PlacementMip:
    """One binary per arc, one `_add_<rule>` per rule, one objective."""

    def __init__(self, inst: PlacementInstance) -> None:
        self.inst = inst
        self.solver = pywraplp.Solver.CreateSolver("HIGHS") or pywraplp.Solver.CreateSolver("SCIP")
        self.solver.SuppressOutput()  # stdout may carry the result document
        self.solver.SetSolverSpecificParametersAsString("output_flag=false\n")
        self.x = [self.solver.BoolVar(f"x{i}") for i in range(len(inst.left))]
        self.together: list[tuple[pywraplp.Variable, int]] = []
        self._add_one_activity_per_child()
        self._add_capacity()
        self._add_most_placed()
        self._add_budget()
        self._add_sibling_pairs()
        self._add_objective()

    def _sum(self, arcs) -> pywraplp.LinearExpr:
        return self.solver.Sum([self.x[i] for i in arcs])

    def _add_one_activity_per_child(self) -> None:
        # Each child gets at most one activity.
        for arcs in _groups(self.inst.left):
            if len(arcs) > 1:
                self.solver.Add(self._sum(arcs.tolist()) <= 1)

    def _add_capacity(self) -> None:
        # No activity gets more children than its free places.
        for arcs in _groups(self.inst.right):
            cap = int(self.inst.cap[self.inst.right[arcs[0]]])
            if cap < len(arcs):
                self.solver.Add(self._sum(arcs.tolist()) <= cap)

    def _add_most_placed(self) -> None:
        # Lexicographic objective, first level: the flow already knows the most that fit.
        if self.inst.placed is not None:
            self.solver.Add(self._sum(range(len(self.x))) == self.inst.placed)

    def _add_budget(self) -> None:
        # The fees of all placements stay within the subsidy budget.
        if self.inst.budget is not None:
            fees = self.inst.fee.tolist()
            terms = [f * x for f, x in zip(fees, self.x, strict=True) if f]
            self.solver.Add(self.solver.Sum(terms) <= self.inst.budget)

    def _add_sibling_pairs(self) -> None:
        # A pair of siblings earns its points only when both are in the same club.
        inst = self.inst
        if inst.sibling_points <= 0:
            return
        shared = np.flatnonzero(inst.sib_key >= 0)
        for group in _groups(inst.sib_key[shared]):
            by_child: dict[int, list[int]] = {}
            for i in shared[group].tolist():
                by_child.setdefault(int(inst.left[i]), []).append(i)
            kids = sorted(by_child)
            for a in range(len(kids)):
                for b in range(a + 1, len(kids)):
                    y = self.solver.NumVar(0.0, 1.0, "")  # integral at any vertex that matters
                    self.solver.Add(y <= self._sum(by_child[kids[a]]))
                    self.solver.Add(y <= self._sum(by_child[kids[b]]))
                    self.together.append((y, inst.sibling_points))

    def _add_objective(self) -> None:
        # Most placed first (folded when a budget leaves the count open), then the best score.
        inst = self.inst
        per = inst.score + (inst.weight_per_child if inst.placed is None else 0)
        terms = [int(w) * x for w, x in zip(per.tolist(), self.x, strict=True)]
        terms += [p * y for y, p in self.together]
        self.solver.Maximize(self.solver.Sum(terms))

    def solve(self, hint: np.ndarray, seconds: float) -> PlacementSolution:
        """Solve to a zero gap (or until `seconds`); HiGHS' MIP is deterministic."""
        # no SetHint: the HiGHS interface of pywraplp crashes on it (OR-Tools 9.15)
        self.solver.SetTimeLimit(int(max(seconds, 0.05) * 1000))
        params = pywraplp.MPSolverParameters()
        params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
        status = self.solver.Solve(params)
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return PlacementSolution(hint, False, -1, -1)
        chosen = np.array([round(x.solution_value()) for x in self.x], np.int64)
        objective = self.solver.Objective()
        return PlacementSolution(
            chosen,
            status == pywraplp.Solver.OPTIMAL,
            int(round(objective.Value())),
            int(np.floor(objective.BestBound() + 1e-6)),
        )
