"""The exact placement model in CP-SAT, for the parts where sibling points or a budget couple
children (everything else is a plain min-cost flow)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model


@dataclass(frozen=True)
class PlacementInstance:
    """The arcs left after reduced-cost fixing, in local indices."""

    left: np.ndarray  # child per arc
    right: np.ndarray  # activity per arc
    cap: np.ndarray  # per activity
    score: np.ndarray  # per arc, int
    sib_key: np.ndarray  # per arc: (family, club) id, -1 when no sibling shares the club
    fee: np.ndarray  # per arc, int (øre)
    budget: int | None  # øre
    placed: int | None  # required number placed (known without a budget), else folded
    weight_per_child: int  # folding weight when `placed` is None
    sibling_points: int


@dataclass(frozen=True)
class PlacementSolution:
    """Chosen arcs, whether CP-SAT proved them optimal, and its objective bound."""

    chosen: np.ndarray
    proven: bool
    objective: int
    bound: int


class PlacementModel:
    """One variable per arc, one `_add_<rule>` per rule, one objective."""

    def __init__(self, inst: PlacementInstance) -> None:
        self.inst = inst
        self.model = cp_model.CpModel()
        self.x = [self.model.new_bool_var(f"x{i}") for i in range(len(inst.left))]
        self.together: list[tuple[cp_model.IntVar, int]] = []
        self._add_one_activity_per_child()
        self._add_capacity()
        self._add_most_placed()
        self._add_budget()
        self._add_sibling_pairs()
        self._add_objective()

    def _groups(self, keys: np.ndarray) -> list[list[int]]:
        order = np.argsort(keys, kind="stable")
        cuts = np.flatnonzero(np.diff(keys[order])) + 1
        return [g.tolist() for g in np.split(order, cuts)] if len(order) else []

    def _add_one_activity_per_child(self) -> None:
        # Each child gets at most one activity.
        for arcs in self._groups(self.inst.left):
            if len(arcs) > 1:
                self.model.add_at_most_one(self.x[i] for i in arcs)

    def _add_capacity(self) -> None:
        # No activity gets more children than its free places.
        for arcs in self._groups(self.inst.right):
            cap = int(self.inst.cap[self.inst.right[arcs[0]]])
            if cap < len(arcs):
                self.model.add(sum(self.x[i] for i in arcs) <= cap)

    def _add_most_placed(self) -> None:
        # Lexicographic objective, first level: the flow already knows the most that fit.
        if self.inst.placed is not None:
            self.model.add(sum(self.x) == self.inst.placed)

    def _add_budget(self) -> None:
        # The fees of all placements stay within the subsidy budget.
        if self.inst.budget is not None:
            fees = self.inst.fee.tolist()
            self.model.add(
                sum(f * x for f, x in zip(fees, self.x, strict=True)) <= self.inst.budget
            )

    def _add_sibling_pairs(self) -> None:
        # A pair of siblings earns its points only when both are in the same club.
        inst = self.inst
        if inst.sibling_points <= 0:
            return
        shared = np.flatnonzero(inst.sib_key >= 0)
        for arcs in self._groups(inst.sib_key[shared]):
            arcs = shared[arcs]
            by_child: dict[int, list[int]] = {}
            for i in arcs.tolist():
                by_child.setdefault(int(inst.left[i]), []).append(i)
            kids = sorted(by_child)
            for a in range(len(kids)):
                for b in range(a + 1, len(kids)):
                    y = self.model.new_bool_var("")
                    self.model.add(y <= sum(self.x[i] for i in by_child[kids[a]]))
                    self.model.add(y <= sum(self.x[i] for i in by_child[kids[b]]))
                    self.together.append((y, inst.sibling_points))

    def _add_objective(self) -> None:
        # Most placed first (folded when a budget leaves the count open), then the best score.
        inst = self.inst
        per = inst.score + (inst.weight_per_child if inst.placed is None else 0)
        terms = [int(w) * x for w, x in zip(per.tolist(), self.x, strict=True)]
        terms += [p * y for y, p in self.together]
        self.model.maximize(sum(terms))

    def solve(self, hint: np.ndarray, seconds: float) -> PlacementSolution:
        """Solve from the hint (a complete solution); one worker, so deterministic."""
        for x, h in zip(self.x, hint.tolist(), strict=True):
            self.model.add_hint(x, bool(h))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(seconds, 0.05)
        # One worker with the full LP relaxation proved best on reduced parts, and a single
        # worker is deterministic; parts already run two at a time.
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = 2
        solver.parameters.random_seed = 0
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return PlacementSolution(hint, False, -1, -1)
        chosen = np.array([solver.boolean_value(x) for x in self.x], np.int64)
        return PlacementSolution(
            chosen,
            status == cp_model.OPTIMAL,
            int(round(solver.objective_value)),
            int(np.floor(solver.best_objective_bound + 1e-6)),
        )
