"""The round's input document built from the database: who takes part, with what."""

from datetime import UTC, date, datetime

from matcher.extensions import db
from matcher.models import Proposal, Round, Unmatched
from matcher.services.round_document import build_document, db_id, ref
from tests import factories as f

DAY = date(2022, 8, 15)


def _town():
    mun = f.municipality()
    club = f.club(mun, places=3)
    family = f.family(mun, children=2)
    contact = f.contact_family(
        mun, status="approved", capacity=2, child_certificate_checked="2022-01-01"
    )
    db.session.commit()
    return mun, club.activities[0], family, contact


def _done_round(mun, **kw) -> Round:
    rnd = Round(municipality_id=mun.id, kind="both", round_date=DAY, status="done", **kw)
    db.session.add(rnd)
    db.session.flush()
    return rnd


def _proposal(rnd, status="accepted", **kw) -> Proposal:
    p = Proposal(round_id=rnd.id, status=status, **kw)
    db.session.add(p)
    db.session.flush()
    return p


def test_ids_are_prefixed_strings_that_map_back_to_rows(app):
    mun, activity, family, contact = _town()
    doc = build_document(mun.id, DAY, "both")
    assert doc["format"] == "matcher-round/1"
    assert [c["id"] for c in doc["children"]] == [ref("child", c.id) for c in family.children]
    assert doc["activities"][0]["id"] == f"a{activity.id}"
    assert doc["activities"][0]["club"] == f"b{activity.club_id}"
    assert doc["families"][0]["id"] == f"f{family.id}"
    assert doc["contact_families"][0]["id"] == f"k{contact.id}"
    assert db_id(doc["children"][0]["id"]) == family.children[0].id
    assert doc["children"][0]["family"] == f"f{family.id}"


def test_document_is_valid_for_the_solver_with_default_weights(app):
    from matcher.matching import solve

    mun, *_ = _town()
    doc = build_document(mun.id, DAY, "both", budget=5000)
    assert doc["params"]["budget"] == 5000
    assert doc["params"]["preference_points"] == [100, 75, 50, 30, 15]
    result = solve(doc, time_limit=10)
    assert result["stats"]["placed"] == 2
    assert result["stats"]["paired"] == 1


def test_rounds_waited_past_the_solvers_limit_count_as_its_limit(app, monkeypatch):
    # a municipality with weekly rounds for decades must not have its rounds refused
    from collections import Counter

    from matcher.matching import solve
    from matcher.matching.document import MAX_ROUNDS_WAITED
    from matcher.services import round_document

    mun, _activity, family, _contact = _town()
    ids = [c.id for c in family.children] + [family.id]
    monkeypatch.setattr(round_document, "_waited", lambda *a: Counter(dict.fromkeys(ids, 5000)))
    doc = build_document(mun.id, DAY, "both")
    waited = [p["rounds_waited"] for p in doc["children"] + doc["families"]]
    assert waited == [MAX_ROUNDS_WAITED] * 3
    assert solve(doc, time_limit=10)["stats"]["placed"] == 2


def test_kind_children_leaves_the_family_lists_empty_and_the_other_way_round(app):
    mun, *_ = _town()
    children = build_document(mun.id, DAY, "children")
    families = build_document(mun.id, DAY, "families")
    assert children["children"] and children["activities"]
    assert not children["families"] and not children["contact_families"]
    assert families["families"] and families["contact_families"]
    assert not families["children"] and not families["activities"]


def test_children_18_or_older_on_the_round_date_do_not_take_part(app):
    mun, *_ = _town()
    assert len(build_document(mun.id, DAY, "children")["children"]) == 2
    # Born 2012 and 2013: on 2031-06-01 one is 19, the other turned 18 the month before.
    assert build_document(mun.id, date(2031, 6, 1), "children")["children"] == []


def test_withdrawn_consent_or_anonymised_family_leaves_everyone_out(app):
    mun, _, family, _ = _town()
    family.consent_withdrawn_at = datetime.now(UTC)
    other = f.family(mun, name="Other", children=1)
    other.anonymised_at = datetime.now(UTC)
    db.session.commit()
    doc = build_document(mun.id, DAY, "both")
    assert doc["children"] == [] and doc["families"] == []


def test_live_placement_takes_a_place_and_the_child_out_until_it_ends(app):
    mun, activity, family, _ = _town()
    child = family.children[0]
    rnd = _done_round(mun)
    p = _proposal(rnd, kind="placement", child_id=child.id, activity_id=activity.id)
    db.session.commit()
    doc = build_document(mun.id, DAY, "children")
    assert ref("child", child.id) not in [c["id"] for c in doc["children"]]
    assert doc["activities"][0]["capacity"] == 2
    p.status, p.ended_on = "ended", DAY
    db.session.commit()
    doc = build_document(mun.id, DAY, "children")
    assert ref("child", child.id) in [c["id"] for c in doc["children"]]
    assert doc["activities"][0]["capacity"] == 3


def test_declined_activity_is_excluded_for_that_child_only(app):
    mun, activity, family, _ = _town()
    first, second = family.children
    rnd = _done_round(mun)
    _proposal(rnd, status="declined", kind="placement", child_id=first.id, activity_id=activity.id)
    db.session.commit()
    kids = {c["id"]: c for c in build_document(mun.id, DAY, "children")["children"]}
    assert kids[ref("child", first.id)]["excluded_activities"] == [ref("activity", activity.id)]
    assert kids[ref("child", second.id)]["excluded_activities"] == []


def test_rounds_waited_counts_finished_rounds_that_left_the_child_out(app):
    mun, _, family, _ = _town()
    child = family.children[0]
    for status in ("done", "done", "failed"):
        rnd = Round(municipality_id=mun.id, kind="both", round_date=DAY, status=status)
        db.session.add(rnd)
        db.session.flush()
        db.session.add(Unmatched(round_id=rnd.id, child_id=child.id, reason="capacity"))
        db.session.add(Unmatched(round_id=rnd.id, family_id=family.id, reason="capacity"))
    db.session.commit()
    doc = build_document(mun.id, DAY, "both")
    kids = {c["id"]: c for c in doc["children"]}
    assert kids[ref("child", child.id)]["rounds_waited"] == 2
    assert kids[ref("child", family.children[1].id)]["rounds_waited"] == 0
    assert doc["families"][0]["rounds_waited"] == 2


def test_rounds_waited_counts_declined_proposals_but_not_accepted_or_undecided_ones(app):
    mun, activity, family, contact = _town()
    first, second = family.children
    other = f.family(mun, "Osman", children=1)
    lone = other.children[0]
    declined = _done_round(mun)
    _proposal(declined, "declined", kind="placement", child_id=first.id, activity_id=activity.id)
    _proposal(
        declined, "declined", kind="pairing", family_id=family.id, contact_family_id=contact.id
    )
    db.session.add(Unmatched(round_id=declined.id, child_id=second.id, reason="capacity"))
    ended = _done_round(mun)  # accepted, then ended: that round placed the child
    _proposal(
        ended, "ended", kind="placement", child_id=second.id, activity_id=activity.id, ended_on=DAY
    )
    _proposal(ended, "declined", kind="placement", child_id=first.id, activity_id=activity.id)
    failed = Round(municipality_id=mun.id, kind="both", round_date=DAY, status="failed")
    db.session.add(failed)
    db.session.flush()
    db.session.add(Unmatched(round_id=failed.id, child_id=first.id, reason="capacity"))
    open_ = _done_round(mun)  # undecided yet: not (yet) a round waited
    _proposal(open_, "proposed", kind="placement", child_id=lone.id, activity_id=activity.id)
    db.session.commit()
    doc = build_document(mun.id, DAY, "both")
    kids = {c["id"]: c["rounds_waited"] for c in doc["children"]}
    assert kids[ref("child", first.id)] == 2
    assert kids[ref("child", second.id)] == 1
    assert kids[ref("child", lone.id)] == 0
    families = {x["id"]: x["rounds_waited"] for x in doc["families"]}
    assert families[ref("family", family.id)] == 1
    assert families[ref("family", other.id)] == 0


def test_only_approved_contact_families_with_room_left(app):
    mun, _, family, contact = _town()
    f.contact_family(mun, name="Applied", status="applied")
    other = f.family(mun, name="Paired", children=0)
    rnd = _done_round(mun)
    _proposal(rnd, kind="pairing", family_id=other.id, contact_family_id=contact.id)
    db.session.commit()
    doc = build_document(mun.id, DAY, "families")
    assert [k["id"] for k in doc["contact_families"]] == [ref("contact_family", contact.id)]
    assert doc["contact_families"][0]["capacity"] == 1
    assert doc["contact_families"][0]["child_certificate"] is True
    assert [x["id"] for x in doc["families"]] == [ref("family", family.id)]


def test_family_not_wanting_a_contact_family_is_left_out(app):
    mun, _, family, _ = _town()
    family.wants_contact_family = False
    db.session.commit()
    assert build_document(mun.id, DAY, "families")["families"] == []


def test_inactive_activities_and_other_municipalities_do_not_take_part(app):
    mun, activity, *_ = _town()
    other = f.municipality()
    f.club(other, name="Elsewhere IF")
    f.family(other, name="Elsewhere")
    activity.active = False
    db.session.commit()
    doc = build_document(mun.id, DAY, "both")
    assert doc["activities"] == []
    assert len(doc["children"]) == 2
