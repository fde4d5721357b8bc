"""Every left-out child or family carries a reason a coordinator can act on."""

from .rounds import activity, child, contact, family, north, reasons, round_doc, solved


def test_child_who_lost_to_others_is_left_out_for_capacity():
    kids = [child("c1", rounds_waited=2), child("c2")]
    result = solved(round_doc(kids, [activity()]))
    assert reasons(result) == {"c2": "capacity"}
    assert result["unplaced"][0]["detail"] == {"options": 1}


def test_the_first_rule_that_empties_the_options_is_named():
    # football exists but is for older children and too far: the age range is named first.
    doc = round_doc([child()], [activity(min_age=15, max_age=17, location=north(50))])
    assert reasons(solved(doc)) == {"c1": "no_activity_in_age_range"}


def test_out_of_reach_names_the_nearest_activity_and_its_distance():
    doc = round_doc([child(max_distance_km=5)], [activity(location=north(12))])
    result = solved(doc)
    detail = result["unplaced"][0]["detail"]
    assert result["unplaced"][0]["reason"] == "no_activity_within_reach"
    assert detail["nearest_activity"] == "a1" and round(detail["nearest_km"]) == 12


def test_family_without_any_contact_family_in_reach():
    doc = round_doc(families=[family()], contacts=[contact(location=north(30))])
    result = solved(doc)
    assert reasons(result) == {"f1": "no_contact_family_within_reach"}


def test_family_left_out_for_capacity():
    fams = [family("f1", rounds_waited=1), family("f2")]
    result = solved(round_doc(families=fams, contacts=[contact()]))
    assert reasons(result) == {"f2": "capacity"}


def test_placement_why_breaks_the_score_down():
    result = solved(round_doc([child(rounds_waited=2)], [activity(location=north(2.6))]))
    why = result["placements"][0]["why"]
    assert why["wish_points"] + why["waiting_points"] - why["distance_penalty"] == 115
    assert result["placements"][0]["score"] == 115
    assert why["km"] == 2.6 and why["wish"] == "football"


def test_children_checked_in_blocks_get_the_reason_each_would_get_alone(monkeypatch):
    """The children without options are checked against every activity in blocks: the block
    a child falls in (and who else is in it) never changes its reason or detail."""
    import numpy as np

    from benchmarks.generate import generate_round
    from matcher.matching import reasons as why
    from matcher.matching.candidates import activity_arrays, build_child_arcs
    from matcher.matching.document import read_round

    # few activities in three towns: every rule, and out of reach, leaves children out
    doc = generate_round(1500, towns=3, seed=3, activities=30, families=0, contact_families=0)
    doc["children"][0]["wishes"] = []
    doc["children"][1]["excluded_activities"] = [a["id"] for a in doc["activities"]]
    rnd = read_round(doc)
    arcs = build_child_arcs(rnd)
    kids = np.setdiff1d(np.arange(len(rnd.children)), arcs.child)
    acts = why.activity_index(rnd, activity_arrays(rnd))
    monkeypatch.setattr(why, "_BLOCK", 7)
    together = why.children_without_options(rnd, kids, arcs.age[kids], acts)
    alone = [
        why.children_without_options(rnd, kids[i : i + 1], arcs.age[kids[i : i + 1]], acts)[0]
        for i in range(len(kids))
    ]
    assert together == alone
    codes = {code for code, _ in together}
    assert {"no_wishes", "no_activity_within_reach", "no_activity_in_age_range"} <= codes
    assert len(kids) > 3 * 7


def test_the_nearest_out_of_reach_is_the_nearer_by_a_millimetre_and_the_first_of_equals():
    near = [activity("a1", location=north(12.000001)), activity("a2", location=north(12))]
    result = solved(round_doc([child(max_distance_km=5)], near))
    assert result["unplaced"][0]["detail"]["nearest_activity"] == "a2"
    same = [activity("a1", location=north(12)), activity("a2", location=north(12))]
    result = solved(round_doc([child(max_distance_km=5)], same))
    assert result["unplaced"][0]["detail"]["nearest_activity"] == "a1"
