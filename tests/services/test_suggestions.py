"""What would help: extra places, each checked by solving the round again."""

import copy

from matcher.matching import solve
from matcher.services.suggestions import blocked_candidates, what_would_help

HOME = {"lat": 56.17, "lon": 9.55}


def _child(i: int, wishes=("football",), family=None) -> dict:
    return {
        "id": f"c{i}",
        "family": family or f"f{i}",
        "birth_date": "2012-05-01",
        "gender": "female",
        "location": HOME,
        "max_distance_km": 5,
        "available_days": ["mon"],
        "wishes": list(wishes),
        "rounds_waited": 0,
        "excluded_activities": [],
    }


def _activity(i: int, category="football", capacity=1, fee=500) -> dict:
    return {
        "id": f"a{i}",
        "club": f"b{i}",
        "category": category,
        "min_age": 8,
        "max_age": 12,
        "gender": "any",
        "days": ["mon"],
        "location": HOME,
        "capacity": capacity,
        "fee": fee,
    }


def _doc(children, activities, budget=None) -> dict:
    return {
        "format": "matcher-round/1",
        "round_date": "2022-08-15",
        "params": {"budget": budget},
        "children": children,
        "activities": activities,
    }


def test_extra_places_where_children_were_left_out_by_capacity_and_the_number_is_true():
    doc = _doc(
        [_child(i) for i in range(5)] + [_child(9, ("chess",))],
        [_activity(1, capacity=1), _activity(2, "chess", capacity=1)],
    )
    result = solve(doc, time_limit=10)
    assert result["stats"]["placed"] == 2
    found = what_would_help(doc, result)
    assert found == [
        {"activity": "a1", "extra_places": 4, "placed_more": 4, "candidates": 4, "checked": True}
    ]
    bigger = copy.deepcopy(doc)
    bigger["activities"][0]["capacity"] += 4
    assert solve(bigger, time_limit=10)["stats"]["placed"] == 6


def test_no_suggestion_when_the_budget_and_not_the_places_holds_children_back():
    doc = _doc([_child(i) for i in range(3)], [_activity(1, capacity=1, fee=500)], budget=500)
    result = solve(doc, time_limit=10)
    assert result["stats"]["placed"] == 1
    assert what_would_help(doc, result) == []


def test_places_asked_for_never_exceed_what_they_fill():
    # Three children could go to a1, but two of them also fit a2 whose one place is free.
    doc = _doc(
        [_child(i, ("football", "swimming")) for i in range(3)],
        [_activity(1, capacity=1), _activity(2, "swimming", capacity=1)],
    )
    result = solve(doc, time_limit=10)
    assert result["stats"]["placed"] == 2
    found = what_would_help(doc, result)
    assert found[0]["placed_more"] == 1 and found[0]["extra_places"] == 1


def test_children_left_out_for_other_reasons_are_not_counted():
    far = _child(1)
    far["location"] = {"lat": 55.0, "lon": 12.0}
    doc = _doc([far], [_activity(1, capacity=0)])
    result = solve(doc, time_limit=10)
    assert result["unplaced"][0]["reason"] == "no_activity_within_reach"
    assert blocked_candidates(doc, result) == {}
    assert what_would_help(doc, result) == []


def test_only_the_top_activities_are_tried():
    children = [_child(i, ("football", "chess", "dance")) for i in range(6)]
    acts = [
        _activity(1, capacity=0),
        _activity(2, "chess", capacity=0),
        _activity(3, "dance", capacity=0),
    ]
    doc = _doc(children, acts)
    result = solve(doc, time_limit=10)
    assert len(what_would_help(doc, result, top=2)) == 2
    assert len(what_would_help(doc, result, top=3)) == 3
