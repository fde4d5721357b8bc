"""Coordinator pages for contact families: scoping, roles, locked edits, status, certificate."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, ContactFamily, Proposal, Round
from tests import factories as f


@pytest.fixture
def world(app):
    mun = f.municipality()
    other = f.municipality()
    club = f.club(mun, "Klub A")
    w = {
        "mun": mun,
        "cf": f.contact_family(mun, "Familien Holm"),
        "other_cf": f.contact_family(other, "Familien Fremmed"),
        "coordinator": f.user(mun, "coordinator", email="koord@example.dk"),
        "staff": f.user(mun, "staff", email="staff@example.dk"),
        "club_contact": f.user(mun, "club_contact", club=club, email="klub@example.dk"),
    }
    db.session.commit()
    return w


def edit_data(cf, **extra) -> dict:
    data = {
        "name": cf.name,
        "contact_name": cf.contact_name,
        "email": cf.email,
        "phone": cf.phone,
        "address": cf.address,
        "postcode": cf.postcode,
        "languages": ["da"],
        "interests": "football",
        "capacity": "1",
        "max_distance_km": "10",
        "motivation": "",
        "version": str(cf.version),
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("role", ["coordinator", "staff"])
def test_list_shows_the_municipalitys_families_only(client, world, role):
    f.login(client, world[role].email)
    html = client.get("/contact-families/").get_data(as_text=True)
    assert "Familien Holm" in html and "Familien Fremmed" not in html


def test_list_filters_by_status_and_search(client, world):
    f.contact_family(world["mun"], "Familien Berg", status="approved")
    db.session.commit()
    f.login(client, "koord@example.dk")
    html = client.get("/contact-families/?status=approved").get_data(as_text=True)
    assert "Familien Berg" in html and "Familien Holm" not in html
    html = client.get("/contact-families/?q=holm").get_data(as_text=True)
    assert "Familien Holm" in html and "Familien Berg" not in html


def test_search_folds_danish_capitals(client, world):
    f.contact_family(world["mun"], "Familien Æbelø")
    db.session.commit()
    f.login(client, "koord@example.dk")
    for typed in ("Æbelø", "æbelø", "ÆBELØ"):
        html = client.get("/contact-families/", query_string={"q": typed}).get_data(as_text=True)
        assert "Familien Æbelø" in html and "Familien Holm" not in html


def test_another_municipalitys_contact_family_is_404(client, world):
    f.login(client, "koord@example.dk")
    cf_id = world["other_cf"].id
    assert client.get(f"/contact-families/{cf_id}").status_code == 404
    assert client.get(f"/contact-families/{cf_id}/edit").status_code == 404
    assert client.post(f"/contact-families/{cf_id}/status/approve").status_code == 404
    assert db.session.get(ContactFamily, cf_id).status == "applied"


def test_club_contact_gets_403_on_every_contact_family_page(client, world):
    f.login(client, "klub@example.dk")
    cf_id = world["cf"].id
    for url in (
        "/contact-families/",
        f"/contact-families/{cf_id}",
        f"/contact-families/{cf_id}/edit",
    ):
        assert client.get(url).status_code == 403
    assert client.post(f"/contact-families/{cf_id}/status/approve").status_code == 403
    assert (
        client.post(
            f"/contact-families/{cf_id}/certificate",
            data={"checked_on": "2026-01-01", "version": "1"},
        ).status_code
        == 403
    )
    assert db.session.get(ContactFamily, cf_id).status == "applied"


def test_viewing_a_contact_family_is_audited(client, world):
    f.login(client, "koord@example.dk")
    page = client.get(f"/contact-families/{world['cf'].id}")
    assert page.status_code == 200
    assert "Not on file" in page.get_data(as_text=True) or "Ikke" in page.get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "view"))
    assert event.object_id == world["cf"].id and event.object_type == "contactfamily"


def test_opening_the_edit_form_is_audited_as_a_view(client, world):
    f.login(client, "koord@example.dk")
    assert client.get(f"/contact-families/{world['cf'].id}/edit").status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "view"))
    assert event.object_id == world["cf"].id and event.object_type == "contactfamily"
    assert event.detail.get("page") == "edit"


def test_coordinator_approves_an_application(client, world):
    f.login(client, "koord@example.dk")
    answer = client.post(f"/contact-families/{world['cf'].id}/status/approve")
    assert answer.status_code == 302
    cf = db.session.get(ContactFamily, world["cf"].id)
    assert cf.status == "approved" and cf.approved_by_id == world["coordinator"].id


def test_status_change_by_get_is_not_allowed(client, world):
    f.login(client, "koord@example.dk")
    assert client.get(f"/contact-families/{world['cf'].id}/status/approve").status_code == 405


def test_edit_saves_and_keeps_a_history_event(client, world):
    f.login(client, "koord@example.dk")
    cf = world["cf"]
    form = client.get(f"/contact-families/{cf.id}/edit").get_data(as_text=True)
    assert 'name="version"' in form and 'value="Familien Holm"' in form
    answer = client.post(f"/contact-families/{cf.id}/edit", data=edit_data(cf, name="Holms"))
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(ContactFamily, cf.id).name == "Holms"


def test_second_save_of_the_same_version_is_refused_with_409(client, world):
    f.login(client, "koord@example.dk")
    cf = world["cf"]
    stale = edit_data(cf, name="Først")
    assert client.post(f"/contact-families/{cf.id}/edit", data=stale).status_code == 302
    answer = client.post(f"/contact-families/{cf.id}/edit", data={**stale, "name": "Sidst"})
    assert answer.status_code == 409
    assert 'value="Sidst"' in answer.get_data(as_text=True)  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(ContactFamily, cf.id).name == "Først"


def test_invalid_edit_shows_the_error_next_to_the_field(client, world):
    f.login(client, "koord@example.dk")
    cf = world["cf"]
    page = client.post(f"/contact-families/{cf.id}/edit", data=edit_data(cf, postcode="12"))
    assert page.status_code == 200 and 'id="postcode-error"' in page.get_data(as_text=True)


def test_certificate_recorded_and_shown_as_allowing_young_children(client, world):
    f.login(client, "koord@example.dk")
    cf = world["cf"]
    day = date.today() - timedelta(days=3)
    answer = client.post(
        f"/contact-families/{cf.id}/certificate",
        data={"checked_on": day.isoformat(), "version": str(cf.version)},
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(ContactFamily, cf.id).child_certificate_checked_on == day
    html = client.get(f"/contact-families/{cf.id}").get_data(as_text=True)
    assert "under 15" in html and "text-success" in html


def test_certificate_in_the_future_is_refused_next_to_the_field(client, world):
    f.login(client, "koord@example.dk")
    cf = world["cf"]
    future = (date.today() + timedelta(days=2)).isoformat()
    page = client.post(
        f"/contact-families/{cf.id}/certificate",
        data={"checked_on": future, "version": str(cf.version)},
    )
    assert page.status_code == 400 and 'id="checked_on-error"' in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ContactFamily, cf.id).child_certificate_checked_on is None


def test_page_lists_current_pairings(client, world):
    fam = f.family(world["mun"], "Haddad")
    rnd = Round(municipality_id=world["mun"].id, kind="families", round_date=date(2026, 1, 1))
    db.session.add(
        Proposal(
            round=rnd,
            kind="pairing",
            family_id=fam.id,
            contact_family_id=world["cf"].id,
            status="accepted",
        )
    )
    db.session.commit()
    f.login(client, "koord@example.dk")
    assert "Haddad" in client.get(f"/contact-families/{world['cf'].id}").get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_status_post_without_csrf_token_is_refused(client, world, app_config):
    f.login(client, "koord@example.dk")
    assert client.post(f"/contact-families/{world['cf'].id}/status/approve").status_code == 400
    assert db.session.get(ContactFamily, world["cf"].id).status == "applied"
