"""Property tests: on random tiny rounds the solver breaks no rule and equals a brute force."""

from __future__ import annotations

import math
from datetime import date, timedelta
from itertools import combinations, product

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from matcher.matching import solve
from matcher.matching.checker import (
    haversine_km,
    pairing_rule_breaks,
    pairing_score,
    params_of,
    placement_base_score,
    placement_rule_breaks,
    violations,
)

DAY = date(2026, 8, 15)
KM_PER_DEG = 6371.0 * math.pi / 180
DAYS = ["mon", "tue", "wed"]
CATEGORIES = ["football", "swimming"]


def _where(north_km: float, east_km: float) -> dict[str, float]:
    lat = 55.0 + north_km / KM_PER_DEG
    return {"lat": lat, "lon": 12.0 + east_km / (KM_PER_DEG * math.cos(math.radians(55.0)))}


@st.composite
def birth(draw, acts: list[dict] | None, low: int = 3, high: int = 19) -> str:
    """A birth date, often exactly at (or a day off) an activity's min or max age, or 18."""
    edges = [a[k] for a in acts or [] for k in ("min_age", "max_age")] + [18]
    inside = [y for a in acts or [] for y in range(a["min_age"], a["max_age"] + 1)]
    if inside:
        options = st.sampled_from(edges) | st.sampled_from(inside) | st.integers(low, high)
        years = draw(st.sampled_from(inside) | st.sampled_from(inside) | options)
    else:
        years = draw(st.integers(low, high))
    anniversary = DAY.replace(year=DAY.year - years)
    shift = draw(st.sampled_from([0, 0, 0, 1, -1, -100]))
    return (anniversary + timedelta(days=shift)).isoformat()


spot = st.builds(_where, st.integers(0, 4), st.integers(0, 4))


@st.composite
def tiny_round(draw) -> dict:
    """1-4 children and 1-3 activities; 0-3 families and 0-2 contact families; random rules."""
    acts = []
    for j in range(draw(st.integers(1, 3))):
        low = draw(st.integers(4, 12))
        acts.append(
            {
                "id": f"a{j}",
                "club": draw(st.sampled_from(["k1", "k2"])),
                "category": draw(st.sampled_from(CATEGORIES)),
                "min_age": low,
                "max_age": low + draw(st.integers(0, 6)),
                "gender": draw(st.sampled_from(["any", "any", "any", "female", "male"])),
                "days": draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=2, unique=True)),
                "location": draw(spot),
                "capacity": draw(st.sampled_from([0, 1, 1, 2, 2])),
                "fee": float(draw(st.integers(0, 3)) * 500),
            }
        )
    kids = []
    for i in range(draw(st.integers(1, 4))):
        # Most children are built around one activity so that most rounds place someone and
        # the optimiser has real choices; each rule is still broken at random.
        t = draw(st.sampled_from(acts))
        friendly = draw(st.sampled_from([True, True, True, False]))
        wishes = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, unique=True))
        days = draw(st.lists(st.sampled_from(DAYS), min_size=1, unique=True))
        gender = draw(st.sampled_from(["female", "female", "male", "male", "other"]))
        home = draw(spot)
        if friendly:
            wishes = wishes if t["category"] in wishes else wishes + [t["category"]]
            days = sorted(set(days) | {t["days"][0]})
            gender = t["gender"] if t["gender"] != "any" else gender
        reach = draw(st.sampled_from([1.0, 4.0, 8.0, 12.0, "exact", "exact"]))
        if reach == "exact":  # exactly the distance to some activity: on the boundary
            a = draw(st.sampled_from(acts))["location"]
            reach = haversine_km(home["lat"], home["lon"], a["lat"], a["lon"])
        kids.append(
            {
                "id": f"c{i}",
                "family": draw(st.sampled_from(["h1", "h1", "h2", f"solo{i}"])),
                "birth_date": draw(birth([t] if friendly else acts)),
                "gender": gender,
                "location": home,
                "max_distance_km": reach,
                "available_days": days,
                "wishes": wishes,
                "rounds_waited": draw(st.integers(0, 2)),
                "excluded_activities": draw(st.sampled_from([[], [], [], [acts[0]["id"]]])),
            }
        )
    cons = [
        {
            "id": f"k{j}",
            "location": draw(spot),
            "languages": draw(st.lists(st.sampled_from(["da", "ar", "en"]), unique=True)),
            "children_birth_dates": draw(st.lists(birth(None, 0, 17), max_size=2)),
            "interests": draw(st.lists(st.sampled_from(["x", "y", "z", "w"]), unique=True)),
            "capacity": draw(st.integers(0, 2)),
            "max_distance_km": draw(st.sampled_from([2.0, 6.0, 12.0, 12.0])),
            "child_certificate": draw(st.sampled_from([True, True, True, False])),
        }
        for j in range(draw(st.integers(1, 2)))
    ]
    fams = [
        {
            "id": f"f{i}",
            "location": draw(spot),
            "languages": draw(st.lists(st.sampled_from(["ar", "ti", "en"]), unique=True)),
            "children_birth_dates": draw(st.lists(birth(None, 0, 17), max_size=2)),
            "interests": draw(st.lists(st.sampled_from(["x", "y", "z", "w"]), unique=True)),
            "rounds_waited": draw(st.integers(0, 2)),
            "excluded_contact_families": draw(st.lists(st.sampled_from([k["id"] for k in cons]))),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    params = {"sibling_points": draw(st.sampled_from([20, 0, 60]))}
    if draw(st.booleans()):
        params["budget"] = float(draw(st.integers(0, 8)) * 500)
    return {
        "format": "matcher-round/1",
        "round_date": DAY.isoformat(),
        "params": params,
        "children": kids,
        "activities": acts,
        "families": fams,
        "contact_families": cons,
    }


def best_placement(doc: dict) -> tuple[int, int]:
    """(most placed, best score) by enumerating every assignment of children to activities."""
    p, acts = params_of(doc), doc["activities"]
    options = [
        [None] + [a for a in acts if not placement_rule_breaks(c, a, DAY)] for c in doc["children"]
    ]
    best = (0, 0)
    for choice in product(*options):
        used = [a["id"] for a in choice if a]
        if any(used.count(a["id"]) > a["capacity"] for a in acts):
            continue
        if p["budget"] is not None and sum(a["fee"] for a in choice if a) > p["budget"]:
            continue
        pairs = zip(doc["children"], choice, strict=True)
        placed = [(c, a) for c, a in pairs if a]
        score = sum(placement_base_score(c, a, p) for c, a in placed)
        score += p["sibling_points"] * sum(
            x[0]["family"] == y[0]["family"] and x[1]["club"] == y[1]["club"]
            for x, y in combinations(placed, 2)
        )
        best = max(best, (len(placed), score))
    return best


def best_pairing(doc: dict) -> tuple[int, int]:
    """(most paired, best score) by enumerating every assignment of families."""
    p, cons = params_of(doc), doc["contact_families"]
    options = [
        [None] + [k for k in cons if not pairing_rule_breaks(f, k, DAY)] for f in doc["families"]
    ]
    best = (0, 0)
    for choice in product(*options):
        used = [k["id"] for k in choice if k]
        if any(used.count(k["id"]) > k["capacity"] for k in cons):
            continue
        pairs = [(f, k) for f, k in zip(doc["families"], choice, strict=True) if k]
        best = max(best, (len(pairs), sum(pairing_score(f, k, DAY, p) for f, k in pairs)))
    return best


def _without_timing(result: dict) -> dict:
    return {**result, "stats": {k: v for k, v in result["stats"].items() if k != "seconds"}}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_round())
def test_solver_breaks_no_rule_and_equals_brute_force(doc):
    result = solve(doc)
    assert violations(doc, result) == []
    assert result["status"] == "optimal"
    stats = result["stats"]
    event(f"placed {stats['placed']}, paired {stats['paired']}")
    assert (stats["placed"], stats["score"]) == best_placement(doc)
    assert (stats["paired"], stats["pair_score"]) == best_pairing(doc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_round())
def test_the_same_document_gives_the_same_result(doc):
    assert _without_timing(solve(doc)) == _without_timing(solve(doc))
