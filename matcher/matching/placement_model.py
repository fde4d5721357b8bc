"""What the exact placement model takes and gives, whichever solver runs it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
    """Chosen arcs, whether the solver proved them optimal, and its objective bound."""

    chosen: np.ndarray
    proven: bool
    objective: int
    bound: int
