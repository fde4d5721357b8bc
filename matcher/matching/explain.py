"""Placements and pairings with their scores broken down, as the result document lists them."""

from __future__ import annotations

import numpy as np

from .candidates import ChildArcs
from .document import Round
from .geo import haversine_km
from .pairs import PairArcs


def placements(rnd: Round, arcs: ChildArcs, chosen: np.ndarray) -> list[dict]:
    """Return the placement records, in children order, each with its `why`.

    A pair of siblings in one club earns sibling_points once; the points are credited to the
    later sibling of the pair in the children list, so placement scores add up to the objective.
    """
    p = rnd.params
    order = sorted(chosen.tolist(), key=lambda i: int(arcs.child[i]))
    together: dict[tuple[str, int], list[str]] = {}
    for i in order:
        c = rnd.children[int(arcs.child[i])]
        together.setdefault((c.family, int(arcs.club[arcs.act[i]])), []).append(c.id)
    out = []
    for i in order:
        c, a = rnd.children[int(arcs.child[i])], rnd.activities[int(arcs.act[i])]
        rank = int(arcs.rank[i])
        km = haversine_km(c.lat, c.lon, a.lat, a.lon)
        group = together[(c.family, int(arcs.club[arcs.act[i]]))]
        earlier = group[: group.index(c.id)]
        bonus = p.sibling_points * len(earlier)
        why = {
            "wish": a.category,
            "wish_rank": rank + 1,
            "wish_points": p.preference_points[rank] if rank < len(p.preference_points) else 0,
            "rounds_waited": c.rounds_waited,
            "waiting_points": p.waiting_points * c.rounds_waited,
            "km": round(km, 2),
            "distance_penalty": round(p.distance_penalty_per_km * km),
            "siblings_in_same_club": [s for s in group if s != c.id],
            "sibling_points": bonus,
            "sibling_points_for": earlier,
        }
        score = int(arcs.score[i]) + bonus
        out.append({"child": c.id, "activity": a.id, "score": score, "why": why})
    return out


def pairings(rnd: Round, arcs: PairArcs, chosen: np.ndarray) -> list[dict]:
    """Return the pairing records, in families order, each with its `why`."""
    p = rnd.params
    out = []
    for i in chosen.tolist():
        f, k = rnd.families[int(arcs.family[i])], rnd.contact_families[int(arcs.contact[i])]
        km = haversine_km(f.lat, f.lon, k.lat, k.lon)
        shared = sorted(f.interests & k.interests)
        why = {
            "shared_languages": sorted(f.languages & k.languages),
            "language_points": p.language_points if arcs.language[i] else 0,
            "children_ages_match": bool(arcs.ages[i]),
            "children_age_points": p.children_age_points if arcs.ages[i] else 0,
            "shared_interests": shared,
            "interest_points": min(p.interest_points * len(shared), p.interest_points_cap),
            "rounds_waited": f.rounds_waited,
            "waiting_points": p.waiting_points * f.rounds_waited,
            "km": round(km, 2),
            "distance_penalty": round(p.distance_penalty_per_km * km),
        }
        out.append(
            {"family": f.id, "contact_family": k.id, "score": int(arcs.score[i]), "why": why}
        )
    return out
