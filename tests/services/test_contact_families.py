"""The contact-family service: sign-up once per token, edits with locking, status, certificate."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent, ContactFamily, Proposal, Round
from matcher.services import contact_families as service
from matcher.services.errors import StaleEdit
from tests import factories as f

DATA = {
    "name": "Familien Holm",
    "contact_name": "Jens Holm",
    "email": "jens@example.dk",
    "phone": "20304050",
    "address": "Skovvej 1",
    "postcode": "8600",
    "languages": ["da"],
    "interests": ["nature"],
    "children_birth_dates": [date(2015, 1, 2)],
    "capacity": 1,
    "max_distance_km": 10.0,
    "motivation": "",
}


@pytest.fixture
def mun(app):
    m = f.municipality()
    db.session.commit()
    return m


def test_sign_up_twice_with_the_same_token_stores_one_application(mun):
    first, new_first = service.sign_up(mun.id, DATA, "token-" + "a" * 20)
    second, new_second = service.sign_up(mun.id, DATA, "token-" + "a" * 20)
    assert (new_first, new_second) == (True, False)
    assert first.id == second.id
    assert db.session.scalar(select(func.count(ContactFamily.id))) == 1
    assert first.status == "applied" and first.consent_at is not None
    assert first.children_birth_dates == ["2015-01-02"]


def test_sign_up_ignores_fields_a_volunteer_may_not_set(mun):
    cf, _ = service.sign_up(
        mun.id, {**DATA, "status": "approved", "child_certificate_checked": "2020-01-01"}, "t" * 20
    )
    assert cf.status == "applied" and cf.child_certificate_checked_on is None


def test_search_filters_by_status_and_text_within_the_municipality(mun):
    other = f.municipality()
    f.contact_family(mun, "Familien Holm", status="approved")
    f.contact_family(mun, "Familien Berg")
    f.contact_family(other, "Familien Holmgaard", status="approved")
    db.session.commit()
    names = lambda stmt: [c.name for c in db.session.scalars(stmt)]  # noqa: E731
    assert names(service.search(mun.id, q="holm")) == ["Familien Holm"]
    assert names(service.search(mun.id, status="applied")) == ["Familien Berg"]
    assert len(names(service.search(mun.id))) == 2


def test_update_on_an_outdated_version_is_refused_and_changes_nothing(mun):
    cf = f.contact_family(mun)
    db.session.commit()
    loaded = cf.version
    service.update(cf, {"name": "Første"}, loaded)
    with pytest.raises(StaleEdit):
        service.update(cf, {"name": "Anden"}, loaded)
    db.session.rollback()
    assert db.session.get(ContactFamily, cf.id).name == "Første"


def test_update_moves_the_location_with_the_postcode(mun):
    cf = f.contact_family(mun)
    db.session.commit()
    before = (cf.lat, cf.lon)
    service.update(cf, {"postcode": "8000"}, cf.version)
    assert (cf.lat, cf.lon) != before


def test_approve_records_who_and_when_with_an_audit_event(mun):
    coordinator = f.user(mun, "coordinator")
    cf = f.contact_family(mun)
    db.session.commit()
    service.change_status(cf, "approve", coordinator)
    assert cf.status == "approved" and cf.approved_by_id == coordinator.id
    assert cf.approved_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_id == cf.id))
    assert event.detail == {"status_from": "applied", "status_to": "approved"}


def test_an_ended_family_cannot_be_approved_again(mun):
    cf = f.contact_family(mun, status="ended")
    db.session.commit()
    with pytest.raises(service.InvalidTransition):
        service.change_status(cf, "approve")
    assert cf.status == "ended"


def test_pause_and_approve_again(mun):
    cf = f.contact_family(mun, status="approved")
    db.session.commit()
    service.change_status(cf, "pause")
    assert cf.status == "paused"
    service.change_status(cf, "approve")
    assert cf.status == "approved"


def test_certificate_in_the_future_is_refused(mun):
    cf = f.contact_family(mun)
    db.session.commit()
    with pytest.raises(ValueError):
        service.record_certificate(cf, date.today() + timedelta(days=1))
    assert not service.can_pair_with_young_children(cf)


def test_only_a_family_with_a_certificate_may_pair_with_young_children(mun):
    cf = f.contact_family(mun)
    db.session.commit()
    assert not service.can_pair_with_young_children(cf)
    service.record_certificate(cf, date.today())
    assert service.can_pair_with_young_children(cf)
    assert db.session.get(ContactFamily, cf.id).child_certificate_checked_on == date.today()


def test_current_pairings_are_accepted_and_not_ended(mun):
    cf = f.contact_family(mun, status="approved")
    fams = [f.family(mun, name) for name in ("Haddad", "Ahmadi", "Nour", "Saleh")]
    rnd = Round(municipality_id=mun.id, kind="families", round_date=date(2026, 1, 1))
    db.session.add(rnd)
    for fam, status, ended in (
        (fams[0], "accepted", None),
        (fams[1], "accepted", date(2026, 2, 1)),
        (fams[2], "proposed", None),
        (fams[3], "declined", None),
    ):
        db.session.add(
            Proposal(
                round=rnd,
                kind="pairing",
                family_id=fam.id,
                contact_family_id=cf.id,
                status=status,
                ended_on=ended,
                started_on=date(2026, 1, 5),
            )
        )
    db.session.commit()
    assert [p.family.name for p in service.current_pairings(cf)] == ["Haddad"]
