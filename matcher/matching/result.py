"""The `matcher-result/1` document: placements, pairings, who was left out and why, stats."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from .candidates import ChildArcs, activity_arrays
from .document import Round
from .explain import pairings, placements
from .pairs import PairArcs
from .reasons import activity_index, children_without_options, family_without_options

RESULT_FORMAT = "matcher-result/1"


def unplaced(rnd: Round, arcs, chosen: np.ndarray, budget_bound: bool) -> list[dict]:
    """Return the left-out records with a reason code and a detail."""
    placed = set(arcs.child[chosen].tolist())
    has_arcs = np.zeros(len(rnd.children), bool)
    has_arcs[arcs.child] = True
    load = np.bincount(arcs.act[chosen], minlength=len(rnd.activities))
    caps = np.array([a.capacity for a in rnd.activities], np.int64)
    acts = activity_index(rnd, activity_arrays(rnd)) if not has_arcs.all() else {}
    starts = np.searchsorted(arcs.child, np.arange(len(rnd.children) + 1))  # arcs sorted by child
    without = np.flatnonzero(~has_arcs)
    reasons = children_without_options(rnd, without, arcs.age[without], acts)
    why = dict(zip(without.tolist(), reasons, strict=True))
    out = []
    for i, c in enumerate(rnd.children):
        if i in placed:
            continue
        if not has_arcs[i]:
            reason, detail = why[i]
        else:
            options = arcs.act[starts[i] : starts[i + 1]]
            if caps[options].sum() == 0:
                reason, detail = "no_activity_with_capacity", {"options": len(options)}
            elif budget_bound and (load[options] < caps[options]).any():
                reason, detail = "budget", {"options": len(options)}
            else:
                reason, detail = "capacity", {"options": len(options)}
        out.append({"child": c.id, "reason": reason, "detail": detail})
    return out


def unpaired(rnd: Round, arcs, chosen: np.ndarray) -> list[dict]:
    """Return the left-out records with a reason code and a detail."""
    paired = set(arcs.family[chosen].tolist())
    caps = np.array([k.capacity for k in rnd.contact_families], np.int64)
    starts = np.searchsorted(arcs.family, np.arange(len(rnd.families) + 1))  # sorted by family
    out = []
    for i, f in enumerate(rnd.families):
        if i in paired:
            continue
        options = arcs.contact[starts[i] : starts[i + 1]]
        if len(options) == 0:
            reason, detail = family_without_options(rnd, f, bool(arcs.needs_certificate[i]))
        elif caps[options].sum() == 0:
            reason, detail = "no_contact_family_with_capacity", {"options": len(options)}
        else:
            reason, detail = "capacity", {"options": len(options)}
        out.append({"family": f.id, "reason": reason, "detail": detail})
    return out


@dataclass(frozen=True)
class FamiliesAnswer:
    """The families' side of a result, ready to write: their pairing records, the families
    left out with their reasons, and how many candidate pairs there were. Built where the
    families were paired (a process of their own on a municipality's round, `solve.py`), so
    that only these records travel back."""

    pairings: list[dict]
    unpaired: list[dict]
    candidates: int


def families_answer(rnd: Round, arcs: PairArcs, chosen: np.ndarray) -> FamiliesAnswer:
    """Return the families' side of the result for the chosen pair arcs `chosen`."""
    return FamiliesAnswer(
        pairings(rnd, arcs, chosen), unpaired(rnd, arcs, chosen), len(arcs.family)
    )


def build_result(
    rnd: Round,
    arcs: ChildArcs,
    chosen: np.ndarray,
    families: FamiliesAnswer,
    *,
    proven: bool,
    bound: int | None,
    started: float,
    budget_bound: bool = False,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble the result document from the chosen placement and pairing arcs."""
    placed = placements(rnd, arcs, chosen)
    pairs = families.pairings
    score = sum(p["score"] for p in placed)
    stats = {
        "placed": len(placed),
        "paired": len(pairs),
        "score": score,
        "pair_score": sum(p["score"] for p in pairs),
        "seconds": 0.0,  # set last, when the whole answer is built
        "bound": score if bound is None else max(bound, score),
        "children": len(rnd.children),
        "activities": len(rnd.activities),
        "families": len(rnd.families),
        "contact_families": len(rnd.contact_families),
        "candidates": int(len(arcs.child)),
        "pair_candidates": int(families.candidates),
        "fees": round(float(arcs.fee[arcs.act[chosen]].sum()), 2),
        **(extra or {}),
    }
    result = {
        "format": RESULT_FORMAT,
        "status": "optimal" if proven else "feasible",
        "placements": placed,
        "pairings": pairs,
        "unplaced": unplaced(rnd, arcs, chosen, budget_bound),
        "unpaired": families.unpaired,
        "stats": stats,
    }
    stats["seconds"] = round(time.monotonic() - started, 3)
    return result
