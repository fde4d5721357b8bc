"""The families service: create once, locked edits, children, the list's filters and order."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent, Child, Family, Proposal, Round
from matcher.services import families, geocode
from matcher.services.errors import StaleEdit
from matcher.services.families import FamilyFilters
from tests import factories as f


@pytest.fixture
def world(app):
    mun = f.municipality()
    w = {
        "mun": mun,
        "me": f.user(mun, "coordinator", name="Hanne"),
        "other": f.user(mun, "coordinator", name="Yasmin"),
    }
    db.session.commit()
    return w


def family_data(**extra) -> dict:
    data = {
        "reference": "R-1",
        "name": "Kravchenko",
        "address": "Birkevej 4",
        "postcode": "8600",
        "lat": None,
        "lon": None,
        "phone": "20 30 40 50",
        "languages": ["ar"],
        "interests": ["music"],
        "arrival_date": date(2024, 1, 13),
        "consent_given_by": "Olena",
        "consent_date": date(2024, 2, 1),
        "coordinator_id": None,
        "backup_coordinator_id": None,
        "wants_contact_family": True,
        "notes": "",
    }
    data.update(extra)
    return data


def child_data(**extra) -> dict:
    data = {
        "first_name": "Maksym",
        "birth_date": date(2014, 5, 9),
        "gender": "male",
        "wishes": ["football", "swimming"],
        "available_days": ["tue"],
        "max_distance_km": 4.0,
    }
    data.update(extra)
    return data


def test_create_geocodes_records_consent_taker_and_audits(world):
    family, created = families.create(world["mun"].id, family_data(), world["me"], "tok-1")
    assert created and family.version == 1
    silkeborg = geocode.lookup("8600")
    assert (family.lat, family.lon, family.location_override) == (
        silkeborg.lat,
        silkeborg.lon,
        False,
    )
    assert family.consent_recorded_by_id == world["me"].id
    assert db.session.scalar(
        select(func.count()).where(AuditEvent.action == "create", AuditEvent.object_id == family.id)
    )


def test_double_submission_of_the_create_form_stores_one_family(world):
    first, _ = families.create(world["mun"].id, family_data(), world["me"], "tok-1")
    again, created = families.create(world["mun"].id, family_data(), world["me"], "tok-1")
    assert again.id == first.id and not created
    assert db.session.scalar(select(func.count(Family.id))) == 1


def test_a_reference_is_unique_within_the_municipality(world):
    families.create(world["mun"].id, family_data(), world["me"], "tok-1")
    with pytest.raises(families.DuplicateReference):
        families.create(world["mun"].id, family_data(), world["me"], "tok-2")


def test_explicit_coordinates_override_the_postcode(world):
    family, _ = families.create(
        world["mun"].id, family_data(lat=56.1, lon=9.6), world["me"], "tok-1"
    )
    assert (family.lat, family.lon, family.location_override) == (56.1, 9.6, True)


def test_update_saves_and_bumps_the_version(world):
    family, _ = families.create(world["mun"].id, family_data(), world["me"], "tok-1")
    families.update(family, family_data(name="Osman", postcode="8000"), 1, world["other"])
    db.session.expire_all()
    saved = db.session.get(Family, family.id)
    assert (saved.name, saved.postcode, saved.version) == ("Osman", "8000", 2)
    aarhus = geocode.lookup("8000")
    assert (saved.lat, saved.lon) == (aarhus.lat, aarhus.lon)


def test_stale_edit_is_refused_and_nothing_is_overwritten(world):
    family, _ = families.create(world["mun"].id, family_data(), world["me"], "tok-1")
    families.update(family, family_data(name="First save"), 1, world["me"])
    with pytest.raises(StaleEdit):
        families.update(family, family_data(name="Second save"), 1, world["other"])
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Family, family.id).name == "First save"


def test_consent_change_records_who_took_it(world):
    family, _ = families.create(world["mun"].id, family_data(), world["me"], "tok-1")
    families.update(family, family_data(consent_given_by="Ali"), 1, world["other"])
    assert family.consent_recorded_by_id == world["other"].id


def test_children_are_added_once_edited_with_a_lock_and_deleted(world):
    family, _ = families.create(world["mun"].id, family_data(), world["me"], "tok-1")
    child, created = families.add_child(family, child_data(), "c-tok")
    again, created_again = families.add_child(family, child_data(), "c-tok")
    assert created and not created_again and again.id == child.id
    families.update_child(child, child_data(first_name="Max"), 1)
    with pytest.raises(StaleEdit):
        families.update_child(child, child_data(first_name="Late"), 1)
    db.session.rollback()
    assert db.session.get(Child, child.id).first_name == "Max"
    families.delete_child(child, 2)
    assert db.session.scalar(select(func.count(Child.id))) == 0


def test_a_child_in_a_rounds_history_is_not_deleted(world):
    family = f.family(world["mun"], children=1)
    child = family.children[0]
    rnd = Round(municipality_id=world["mun"].id, kind="children", round_date=date(2025, 1, 1))
    db.session.add(rnd)
    db.session.flush()
    db.session.add(Proposal(round_id=rnd.id, kind="placement", child_id=child.id))
    db.session.commit()
    with pytest.raises(families.HasHistory):
        families.delete_child(child, child.version)


def _placed(world, child, status="accepted", ended_on=None):
    club = f.club(world["mun"])
    rnd = Round(municipality_id=world["mun"].id, kind="children", round_date=date(2025, 1, 1))
    db.session.add(rnd)
    db.session.flush()
    p = Proposal(
        round_id=rnd.id,
        kind="placement",
        child_id=child.id,
        activity_id=club.activities[0].id,
        status=status,
        ended_on=ended_on,
    )
    db.session.add(p)
    db.session.commit()
    return p


def test_list_puts_my_families_first_then_by_name(world):
    f.family(world["mun"], "Aaberg")
    f.family(world["mun"], "Zulu", backup_coordinator_id=world["me"].id)
    f.family(world["mun"], "Møller", coordinator_id=world["me"].id)
    db.session.commit()
    stmt = families.search(world["mun"].id, world["me"].id, FamilyFilters())
    assert [x.name for x in db.session.scalars(stmt)] == ["Møller", "Zulu", "Aaberg"]


def test_list_filters_children_without_activity_and_waiting(world):
    placed = f.family(world["mun"], "Placed", children=1, wants_contact_family=False)
    waiting = f.family(world["mun"], "Waiting", children=0)
    _placed(world, placed.children[0])
    db.session.add(
        Proposal(
            round_id=db.session.scalar(select(Round.id)),
            kind="pairing",
            family_id=placed.id,
            status="accepted",
        )
    )
    db.session.commit()

    def names(**kw):
        stmt = families.search(world["mun"].id, world["me"].id, FamilyFilters(**kw))
        return [x.name for x in db.session.scalars(stmt)]

    assert names(without_activity=True) == []
    assert names(waiting=True) == ["Waiting"]
    ended = f.family(world["mun"], "Ended", children=1)
    _placed(world, ended.children[0], ended_on=date(2025, 6, 1))
    assert names(without_activity=True) == ["Ended"]
    stats = families.stats_for([placed.id, ended.id, waiting.id])
    assert (stats[placed.id].children, stats[placed.id].without_activity) == (1, 0)
    assert stats[placed.id].paired and not stats[waiting.id].paired
    assert stats[ended.id].without_activity == 1


def test_list_searches_name_and_reference_and_filters_arrival_and_coordinator(world):
    f.family(world["mun"], "Haddad", arrival_date="2023-05-01", reference="SH-77")
    f.family(world["mun"], "Osman", arrival_date="2024-05-01", coordinator_id=world["other"].id)
    db.session.commit()

    def names(**kw):
        stmt = families.search(world["mun"].id, world["me"].id, FamilyFilters(**kw))
        return [x.name for x in db.session.scalars(stmt)]

    assert names(q="hadd") == ["Haddad"] and names(q="sh-77") == ["Haddad"]
    assert names(arrived_from=date(2024, 1, 1)) == ["Osman"]
    assert names(arrived_to=date(2023, 12, 31)) == ["Haddad"]
    assert names(coordinator_id=world["other"].id) == ["Osman"]


def test_another_municipalitys_families_are_not_listed(world):
    f.family(f.municipality(), "Elsewhere")
    db.session.commit()
    stmt = families.search(world["mun"].id, world["me"].id, FamilyFilters())
    assert list(db.session.scalars(stmt)) == []


def test_current_activity_is_the_accepted_not_ended_placement(world):
    family = f.family(world["mun"], children=2)
    first, second = family.children
    current = _placed(world, first)
    _placed(world, second, status="declined")
    found = families.current_activities(family.children)
    assert list(found) == [first.id] and found[first.id].id == current.id
    assert {p.child_id for p in families.history(family)} == {first.id, second.id}


def test_next_status_is_every_six_months_within_the_integration_period(world):
    family = f.family(world["mun"], arrival_date="2024-01-13")
    assert family.integration_ends == date(2027, 1, 13)
    assert family.next_status_due(date(2024, 3, 1)) == date(2024, 7, 13)
    assert family.next_status_due(date(2024, 7, 13)) == date(2024, 7, 13)
    assert family.next_status_due(date(2026, 8, 1)) == date(2027, 1, 13)
    assert family.next_status_due(date(2027, 1, 14)) is None
    soon = families.status_due_soon([family], date(2024, 7, 1))
    assert soon == [family]
    assert families.status_due_soon([family], date(2024, 7, 1) - timedelta(days=60)) == []
