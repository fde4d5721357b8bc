"""Follow-up: a start is recorded, an ended match frees its place, and every change is audited."""

from datetime import date

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent
from matcher.services import followup
from matcher.services.errors import StaleEdit
from tests import factories

TODAY = date(2026, 11, 20)


def world(places: int = 2):
    mun = factories.municipality()
    club = factories.club(mun, places=places)
    family = factories.family(mun, children=2)
    return mun, club.activities[0], family


def test_ending_a_placement_gives_its_place_back(app):
    mun, activity, family = world(places=2)
    first = factories.accepted_match(mun, child=family.children[0], activity=activity)
    factories.accepted_match(mun, child=family.children[1], activity=activity)
    assert followup.free_places(activity) == 0
    assert followup.free_places_by_activity(mun.id) == {activity.id: 0}

    followup.mark_ended(first, date(2026, 11, 1), "moved", today=TODAY)
    db.session.commit()

    assert first.status == "ended" and first.ended_on == date(2026, 11, 1)
    assert followup.free_places(activity) == 1
    assert followup.free_places_by_activity(mun.id) == {activity.id: 1}


def test_proposed_and_declined_placements_do_not_take_places(app):
    mun, activity, family = world(places=2)
    factories.accepted_match(mun, child=family.children[0], activity=activity, status="proposed")
    factories.accepted_match(mun, child=family.children[1], activity=activity, status="declined")
    assert followup.free_places(activity) == 2


def test_free_places_never_go_below_zero_when_places_are_cut(app):
    mun, activity, family = world(places=1)
    factories.accepted_match(mun, child=family.children[0], activity=activity)
    factories.accepted_match(mun, child=family.children[1], activity=activity)
    assert followup.free_places(activity) == 0


def test_ending_a_pairing_frees_the_contact_familys_slot(app):
    mun = factories.municipality()
    cf = factories.contact_family(mun, status="approved", capacity=1)
    pairing = factories.accepted_match(mun, family=factories.family(mun), contact_family=cf)
    assert followup.free_family_slots(cf) == 0
    assert followup.free_family_slots_by_contact_family(mun.id) == {cf.id: 0}
    followup.mark_ended(pairing, TODAY, "other", note="Familien flyttede til Aarhus", today=TODAY)
    assert followup.free_family_slots(cf) == 1
    assert followup.split_reason(pairing.end_reason) == ("other", "Familien flyttede til Aarhus")


def test_a_start_is_recorded_and_audited_without_field_values(app):
    mun, activity, family = world()
    p = factories.accepted_match(mun, child=family.children[0], activity=activity)
    followup.mark_started(p, date(2026, 11, 2), version=p.version, today=TODAY)
    db.session.commit()
    assert p.started_on == date(2026, 11, 2)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).all()
    assert event.object_type == "proposal" and event.object_id == p.id
    assert "2026" not in str(event.detail)


def test_an_end_is_audited(app):
    mun, activity, family = world()
    p = factories.accepted_match(mun, child=family.children[0], activity=activity)
    followup.mark_ended(p, TODAY, "finished", today=TODAY)
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "end")).all()
    assert [(e.object_type, e.object_id) for e in events] == [("proposal", p.id)]


@pytest.mark.parametrize(
    "change",
    [
        lambda p: followup.mark_started(p, date(2026, 12, 1), today=TODAY),  # future
        lambda p: followup.mark_ended(p, TODAY, "no-such-reason", today=TODAY),
        lambda p: followup.mark_ended(p, TODAY, "other", note="  ", today=TODAY),
    ],
    ids=["start-in-future", "unknown-reason", "other-without-note"],
)
def test_impossible_follow_ups_are_refused(app, change):
    mun, activity, family = world()
    p = factories.accepted_match(mun, child=family.children[0], activity=activity)
    with pytest.raises(followup.FollowupError):
        change(p)
    assert p.status == "accepted" and p.ended_on is None and p.started_on is None


def test_an_end_before_the_start_is_refused(app):
    mun, activity, family = world()
    p = factories.accepted_match(mun, child=family.children[0], activity=activity)
    followup.mark_started(p, date(2026, 11, 10), today=TODAY)
    with pytest.raises(followup.FollowupError):
        followup.mark_ended(p, date(2026, 11, 5), "moved", today=TODAY)


def test_only_accepted_matches_can_be_followed_up(app):
    mun, activity, family = world()
    p = factories.accepted_match(
        mun, child=family.children[0], activity=activity, status="proposed"
    )
    with pytest.raises(followup.FollowupError):
        followup.mark_started(p, TODAY, today=TODAY)
    ended = factories.accepted_match(mun, child=family.children[1], activity=activity)
    followup.mark_ended(ended, TODAY, "finished", today=TODAY)
    with pytest.raises(followup.FollowupError):
        followup.mark_ended(ended, TODAY, "finished", today=TODAY)


def test_a_stale_form_is_refused(app):
    mun, activity, family = world()
    p = factories.accepted_match(mun, child=family.children[0], activity=activity)
    db.session.commit()
    loaded_version = p.version
    followup.mark_started(p, date(2026, 11, 2), version=loaded_version, today=TODAY)
    db.session.commit()
    with pytest.raises(StaleEdit):
        followup.mark_ended(p, TODAY, "moved", version=loaded_version, today=TODAY)


def test_the_next_rounds_input_sees_the_ended_placements_place_again(app):
    from matcher.services.round_document import build_document, ref

    mun, activity, family = world(places=1)
    p = factories.accepted_match(mun, child=family.children[0], activity=activity)
    db.session.commit()

    def capacity() -> int:
        doc = build_document(mun.id, TODAY, "children")
        [entry] = [a for a in doc["activities"] if a["id"] == ref("activity", activity.id)]
        return entry["capacity"]

    assert capacity() == 0 == followup.free_places(activity)
    followup.mark_ended(p, TODAY, "lost_interest", today=TODAY)
    db.session.commit()
    assert capacity() == 1 == followup.free_places(activity)
