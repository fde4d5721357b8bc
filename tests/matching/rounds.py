"""Builders of tiny hand-made rounds for the solver tests."""

from __future__ import annotations

import math
from typing import Any

from matcher.matching.checker import violations
from matcher.matching.geo import haversine_km

ROUND_DATE = "2026-08-15"
HOME = {"lat": 55.0, "lon": 10.0}
KM_PER_DEG = 6371.0 * math.pi / 180


def north(km: float, of: dict | None = None) -> dict[str, float]:
    """Return a location `km` north of `of` (default: HOME)."""
    base = of or HOME
    return {"lat": base["lat"] + km / KM_PER_DEG, "lon": base["lon"]}


def km(a: dict, b: dict) -> float:
    """Return the haversine distance between two locations, as the spec computes it."""
    return haversine_km(a["lat"], a["lon"], b["lat"], b["lon"])


def child(id: str = "c1", **kw: Any) -> dict[str, Any]:
    """Return a 10-year-old who wishes football, free every day, 10 km reach."""
    return {
        "id": id,
        "family": kw.pop("family", f"fam-{id}"),
        "birth_date": "2016-01-01",
        "gender": "female",
        "location": HOME,
        "max_distance_km": 10,
        "available_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "wishes": ["football"],
        "rounds_waited": 0,
        "excluded_activities": [],
        **kw,
    }


def activity(id: str = "a1", **kw: Any) -> dict[str, Any]:
    """Return a football activity for ages 6-14, any gender, on Mondays, 1 km away."""
    return {
        "id": id,
        "club": kw.pop("club", f"club-{id}"),
        "category": "football",
        "min_age": 6,
        "max_age": 14,
        "gender": "any",
        "days": ["mon"],
        "location": north(1),
        "capacity": 1,
        "fee": 500,
        **kw,
    }


def family(id: str = "f1", **kw: Any) -> dict[str, Any]:
    """Return a refugee family with a 10-year-old child, speaking Arabic."""
    return {
        "id": id,
        "location": HOME,
        "languages": ["ar"],
        "children_birth_dates": ["2016-01-01"],
        "interests": ["cooking"],
        "rounds_waited": 0,
        "excluded_contact_families": [],
        **kw,
    }


def contact(id: str = "k1", **kw: Any) -> dict[str, Any]:
    """Return a contact family 2 km away with a certificate and room for one family."""
    return {
        "id": id,
        "location": north(2),
        "languages": ["da"],
        "children_birth_dates": [],
        "interests": [],
        "capacity": 1,
        "max_distance_km": 10,
        "child_certificate": True,
        **kw,
    }


def round_doc(children=(), activities=(), families=(), contacts=(), **params: Any) -> dict:
    """Return a `matcher-round/1` document."""
    return {
        "format": "matcher-round/1",
        "round_date": ROUND_DATE,
        "params": params,
        "children": list(children),
        "activities": list(activities),
        "families": list(families),
        "contact_families": list(contacts),
    }


def solved(doc: dict, solver: Any = None) -> dict:
    """Solve the document and assert the independent checker finds nothing wrong."""
    from matcher.matching import solve

    result = (solver or solve)(doc)
    assert violations(doc, result) == []
    return result


def placed(result: dict) -> dict[str, str]:
    """Return {child: activity} of a result."""
    return {p["child"]: p["activity"] for p in result["placements"]}


def reasons(result: dict) -> dict[str, str]:
    """Return {child or family: reason} of the left-out lists."""
    out = {u["child"]: u["reason"] for u in result["unplaced"]}
    out.update({u["family"]: u["reason"] for u in result["unpaired"]})
    return out
