"""The independent checker flags every broken hard rule, score and list, and passes a valid one."""

from __future__ import annotations

import copy
import math

import pytest

from matcher.matching.checker import haversine_km, violations

KM_PER_DEG_LAT = 6371.0 * math.pi / 180


def north(km: float) -> dict:
    """A location `km` due north of the base point (55.0, 12.0)."""
    return {"lat": 55.0 + km / KM_PER_DEG_LAT, "lon": 12.0}


def round_doc() -> dict:
    """Two siblings and one other child, three activities in two clubs, two families."""
    child = {
        "gender": "female",
        "location": north(0),
        "max_distance_km": 5.0,
        "available_days": ["mon", "wed"],
        "wishes": ["football", "swimming"],
        "rounds_waited": 0,
        "excluded_activities": [],
    }
    act = {
        "club": "k1",
        "category": "football",
        "min_age": 8,
        "max_age": 12,
        "gender": "any",
        "days": ["mon"],
        "location": north(2),
        "capacity": 2,
        "fee": 1000,
    }
    return {
        "format": "matcher-round/1",
        "round_date": "2026-08-15",
        "params": {"budget": 2500},
        "children": [
            {**child, "id": "c1", "family": "h1", "birth_date": "2016-08-15"},
            {**child, "id": "c2", "family": "h1", "birth_date": "2015-01-01", "rounds_waited": 2},
            {**child, "id": "c3", "family": "h2", "birth_date": "2017-08-16"},
        ],
        "activities": [
            {**act, "id": "a1"},
            {**act, "id": "a2", "category": "swimming", "fee": 500},
            {**act, "id": "a3", "club": "k2", "capacity": 0},
        ],
        "families": [
            {
                "id": "f1",
                "location": north(0),
                "languages": ["ar", "en"],
                "children_birth_dates": ["2016-08-15"],
                "interests": ["cooking", "football", "music", "hiking"],
                "rounds_waited": 1,
                "excluded_contact_families": ["k2"],
            },
            {
                "id": "f2",
                "location": north(0),
                "languages": ["ti"],
                "children_birth_dates": ["2008-01-01"],
                "interests": [],
                "rounds_waited": 0,
                "excluded_contact_families": [],
            },
        ],
        "contact_families": [
            {
                "id": "k1",
                "location": north(3),
                "languages": ["da", "en"],
                "children_birth_dates": ["2014-08-16"],
                "interests": ["cooking", "football", "music", "hiking"],
                "capacity": 1,
                "max_distance_km": 4.0,
                "child_certificate": True,
            },
            {
                "id": "k2",
                "location": north(3),
                "languages": ["da"],
                "children_birth_dates": [],
                "interests": [],
                "capacity": 1,
                "max_distance_km": 4.0,
                "child_certificate": False,
            },
        ],
    }


def good_result() -> dict:
    """A valid answer: c1 and c2 together in club k1 (c2 later, so it carries the pair's 20)."""
    # c1: 1st wish 100 - round(2 * 2 km) = 96; c2: 2nd wish 75 + 20 waiting - 4 + 20 siblings
    # f1-k1: language 40 + ages (10 vs 11) 30 + interests min(40, 30) + waiting 10 - 6 = 104
    # f2-k2: nothing shared, no child under 15 so no certificate needed: 0 - 6 = -6
    return {
        "format": "matcher-result/1",
        "status": "optimal",
        "placements": [
            {"child": "c1", "activity": "a1", "score": 96},
            {"child": "c2", "activity": "a2", "score": 111},
        ],
        "pairings": [
            {"family": "f1", "contact_family": "k1", "score": 104},
            {"family": "f2", "contact_family": "k2", "score": -6},
        ],
        "unplaced": [{"child": "c3", "reason": "no_activity_in_age_range"}],
        "unpaired": [],
        "stats": {"placed": 2, "paired": 2, "score": 207, "pair_score": 98, "bound": 207},
    }


def test_a_valid_result_has_no_violations():
    assert violations(round_doc(), good_result()) == []


def test_haversine_matches_the_spec_radius():
    assert haversine_km(55.0, 12.0, north(2)["lat"], 12.0) == pytest.approx(2.0, abs=1e-9)


def only(errors: list[str], *needles: str) -> None:
    """Assert the checker flagged something, and each needle appears in some message."""
    assert errors, "the checker accepted a broken result"
    for needle in needles:
        assert any(needle in e for e in errors), (needle, errors)


def place(result: dict, child: str, activity: str, score: int) -> dict:
    """Move `child` from unplaced into placements with `score`; keep stats consistent."""
    result["unplaced"] = [u for u in result["unplaced"] if u["child"] != child]
    result["placements"].append({"child": child, "activity": activity, "score": score})
    result["stats"]["placed"] += 1
    result["stats"]["score"] += score
    result["stats"]["bound"] += score
    return result


def test_turning_18_on_the_round_date_is_too_old():
    doc = round_doc()
    doc["children"][2]["birth_date"] = "2008-08-15"
    doc["activities"][0]["max_age"] = 18
    only(violations(doc, place(good_result(), "c3", "a1", 96)), "child=c3", "not under 18")


def test_age_one_day_short_of_min_age_is_outside_the_range():
    # c3 turns 9 on 2026-08-16: still 8 on the round date; set min_age to 9
    doc = round_doc()
    doc["activities"][0]["min_age"] = 9
    doc["activities"][0]["capacity"] = 3
    only(violations(doc, place(good_result(), "c3", "a1", 96)), "age 8 outside 9-12")


def test_age_exactly_at_min_and_max_is_allowed():
    doc = round_doc()
    doc["activities"][0]["min_age"] = 8
    doc["activities"][0]["max_age"] = 8
    doc["activities"][0]["capacity"] = 3
    doc["children"][0]["birth_date"] = "2018-08-15"  # 8 today
    doc["params"]["budget"] = 3500
    assert violations(doc, place(good_result(), "c3", "a1", 96)) == []


def test_gender_other_never_fits_a_girls_only_activity():
    doc = round_doc()
    doc["children"][0]["gender"] = "other"
    doc["activities"][0]["gender"] = "female"
    only(violations(doc, good_result()), "child=c1 activity=a1: gender other")


def test_category_not_in_wishes_is_flagged():
    doc = round_doc()
    doc["children"][0]["wishes"] = ["swimming"]
    only(violations(doc, good_result()), "child=c1 activity=a1: category football not among")


def test_no_shared_day_is_flagged():
    doc = round_doc()
    doc["children"][0]["available_days"] = ["tue"]
    only(violations(doc, good_result()), "child=c1 activity=a1: no shared day")


def test_a_declined_activity_is_flagged():
    doc = round_doc()
    doc["children"][0]["excluded_activities"] = ["a1"]
    only(violations(doc, good_result()), "child=c1 activity=a1: activity was declined")


def test_distance_beyond_reach_is_flagged():
    doc = round_doc()
    doc["children"][0]["max_distance_km"] = 1.999
    only(violations(doc, good_result()), "child=c1 activity=a1: distance 2.0000 km > max 1.999")


def test_a_child_placed_twice_is_flagged():
    result = good_result()
    result["placements"].append({"child": "c1", "activity": "a2", "score": 71})
    only(violations(round_doc(), result), "appears more than once")


def test_over_capacity_is_flagged():
    doc = round_doc()
    doc["activities"][0]["capacity"] = 1
    doc["params"]["budget"] = None
    result = place(good_result(), "c3", "a1", 96)
    only(violations(doc, result), "activity a1: 2 assigned > capacity 1")


def test_zero_capacity_activity_cannot_take_anyone():
    doc = round_doc()
    doc["params"]["budget"] = None
    only(
        violations(doc, place(good_result(), "c3", "a3", 96)),
        "activity a3: 1 assigned > capacity 0",
    )


def test_budget_exactly_spent_is_allowed_and_one_krone_over_is_not():
    doc = round_doc()
    doc["params"]["budget"] = 1500
    assert violations(doc, good_result()) == []
    doc["params"]["budget"] = 1499
    only(violations(doc, good_result()), "budget: fees 1500 > budget 1499")


def test_unknown_ids_are_flagged():
    result = good_result()
    result["placements"][0]["activity"] = "nope"
    result["pairings"][0]["family"] = "ghost"
    only(violations(round_doc(), result), "unknown activity id", "unknown family id")


def test_a_wrong_placement_score_is_flagged():
    result = good_result()
    result["placements"][0]["score"] = 97
    result["stats"]["score"] = 208
    only(violations(round_doc(), result), "child=c1 activity=a1: score 97 != 96")


def test_sibling_points_go_to_the_later_sibling_in_the_children_list():
    result = good_result()
    result["placements"][0]["score"] = 116  # c1 claiming the pair's points instead of c2
    result["placements"][1]["score"] = 91
    only(violations(round_doc(), result), "child=c1 activity=a1: score 116 != 96")


def test_three_siblings_in_one_club_make_three_pairs():
    doc = round_doc()
    doc["children"][2]["family"] = "h1"
    doc["children"][2]["birth_date"] = "2016-01-01"
    doc["activities"][0]["capacity"] = 3
    doc["params"]["budget"] = None
    # c3 comes third: two earlier siblings in club k1, 96 + 2 * 20
    assert violations(doc, place(good_result(), "c3", "a1", 136)) == []


def test_siblings_in_different_clubs_earn_nothing():
    doc = round_doc()
    doc["activities"][1]["club"] = "k9"
    only(violations(doc, good_result()), "child=c2 activity=a2: score 111 != 91")


def test_stats_must_match_the_lists():
    result = good_result()
    result["stats"].update(placed=3, paired=1, score=1, pair_score=2)
    errors = violations(round_doc(), result)
    only(errors, "stats.placed", "stats.paired", "stats.score", "stats.pair_score")


def test_every_child_and_family_is_accounted_for_with_a_reason():
    result = good_result()
    result["unplaced"] = []
    result["pairings"].pop()
    result["stats"].update(paired=1, pair_score=104)
    only(violations(round_doc(), result), "child c3: neither", "family f2: neither")
    result = good_result()
    result["unplaced"][0]["reason"] = ""
    only(violations(round_doc(), result), "unplaced child=c3: no reason")


def test_a_child_both_placed_and_unplaced_is_flagged():
    result = good_result()
    result["unplaced"].append({"child": "c1", "reason": "capacity"})
    only(violations(round_doc(), result), "unplaced child=c1: also in placements")


def test_contact_family_out_of_reach_is_flagged():
    doc = round_doc()
    doc["contact_families"][0]["max_distance_km"] = 2.5
    only(violations(doc, good_result()), "family=f1 contact_family=k1: distance 3.0000 km > max")


def test_declined_contact_family_is_flagged():
    result = good_result()
    result["pairings"] = [{"family": "f1", "contact_family": "k2", "score": 4}]
    result["unpaired"] = [{"family": "f2", "reason": "capacity"}]
    result["stats"].update(paired=1, pair_score=4)
    only(
        violations(round_doc(), result), "family=f1 contact_family=k2: contact family was declined"
    )


def test_a_child_under_15_needs_a_certificate_and_15_does_not():
    doc = round_doc()
    doc["families"][1]["children_birth_dates"] = ["2011-08-16"]  # 14 on the round date
    only(violations(doc, good_result()), "family=f2 contact_family=k2: family has a child under 15")
    doc["families"][1]["children_birth_dates"] = ["2011-08-15"]  # 15 on the round date
    assert violations(doc, good_result()) == []


def test_contact_family_over_capacity_is_flagged():
    result = good_result()
    result["pairings"][1]["contact_family"] = "k1"
    result["pairings"][1]["score"] = -6
    only(violations(round_doc(), result), "contact_family k1: 2 assigned > capacity 1")


def test_a_wrong_pairing_score_is_flagged():
    result = good_result()
    result["pairings"][0]["score"] = 114
    result["stats"]["pair_score"] = 108
    only(violations(round_doc(), result), "family=f1 contact_family=k1: score 114 != 104")


def test_the_checker_does_not_modify_its_inputs():
    doc, result = round_doc(), good_result()
    before = copy.deepcopy((doc, result))
    violations(doc, result)
    assert (doc, result) == before
