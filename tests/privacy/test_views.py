"""Privacy pages: coordinators export, withdraw consent and erase (confirmed, audited, scoped)."""

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Family
from tests import factories as f


@pytest.fixture
def setup(app):
    """A municipality with a coordinator, a club contact, a family, and another municipality."""
    mun = f.municipality()
    other = f.municipality()
    club = f.club(mun)
    people = {
        "coordinator": f.user(mun, "coordinator"),
        "staff": f.user(mun, "staff"),
        "club": f.user(mun, "club_contact", club=club),
        "stranger": f.user(other, "coordinator"),
    }
    fam = f.family(mun, name="Haddad", notes="Hemmelig note")
    db.session.commit()
    return {"family": fam, **people}


def _login(client, user):
    assert f.login(client, user.email).status_code in (302, 303)


@pytest.mark.parametrize("who", ["coordinator", "staff"])
def test_coordinators_and_staff_download_the_export_and_it_is_audited(client, setup, who):
    fam = setup["family"]
    _login(client, setup[who])
    r = client.get(f"/privacy/families/{fam.id}/export.json")
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    assert "attachment" in r.headers["Content-Disposition"]
    doc = json.loads(r.data)
    assert doc["family"]["name"] == "Haddad" and doc["family"]["notes"] == "Hemmelig note"
    r = client.get(f"/privacy/families/{fam.id}/export.zip")
    assert r.status_code == 200
    assert "family.csv" in zipfile.ZipFile(io.BytesIO(r.data)).namelist()
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "export", AuditEvent.object_id == fam.id)
    ).all()
    assert [e.user_email for e in events] == [setup[who].email] * 2


@pytest.mark.parametrize("path", ["", "/export.json", "/export.zip", "/withdraw", "/erase"])
def test_a_club_contact_is_refused_every_privacy_page(client, setup, path):
    _login(client, setup["club"])
    assert client.get(f"/privacy/families/{setup['family'].id}{path}").status_code == 403


@pytest.mark.parametrize("path", ["", "/export.json", "/withdraw", "/erase"])
def test_another_municipalitys_coordinator_gets_404(client, setup, path):
    _login(client, setup["stranger"])
    assert client.get(f"/privacy/families/{setup['family'].id}{path}").status_code == 404
    r = client.post(
        f"/privacy/families/{setup['family'].id}/erase",
        data={"reference": setup["family"].reference},
    )
    assert r.status_code == 404
    assert db.session.get(Family, setup["family"].id).anonymised_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, setup):
    r = client.get(f"/privacy/families/{setup['family'].id}/export.json")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_erasure_needs_the_typed_case_reference(client, setup):
    fam = setup["family"]
    _login(client, setup["coordinator"])
    page = client.get(f"/privacy/families/{fam.id}/erase")
    assert page.status_code == 200 and b"Haddad" in page.data
    r = client.post(f"/privacy/families/{fam.id}/erase", data={"reference": "wrong"})
    assert r.status_code == 200
    assert 'aria-invalid="true"' in r.get_data(as_text=True)
    assert db.session.get(Family, fam.id).anonymised_at is None

    r = client.post(f"/privacy/families/{fam.id}/erase", data={"reference": fam.reference})
    assert r.status_code == 302
    db.session.expire_all()
    erased = db.session.get(Family, fam.id)
    assert erased.anonymised_at is not None and erased.name != "Haddad" and erased.notes == ""
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erase"))
    assert event.user_email == setup["coordinator"].email


def test_consent_withdrawal_needs_the_confirmation_box(client, setup):
    fam = setup["family"]
    _login(client, setup["coordinator"])
    r = client.post(f"/privacy/families/{fam.id}/withdraw", data={})
    assert r.status_code == 200
    assert db.session.get(Family, fam.id).consent_withdrawn_at is None
    r = client.post(f"/privacy/families/{fam.id}/withdraw", data={"confirm": "y"})
    assert r.status_code == 302
    db.session.expire_all()
    fam = db.session.get(Family, fam.id)
    assert fam.consent_withdrawn_at is not None and fam.anonymised_at is not None
    page = client.get(f"/privacy/families/{fam.id}").get_data(as_text=True)
    assert "Hemmelig" not in page


def test_an_erasure_by_get_changes_nothing(client, setup):
    fam = setup["family"]
    _login(client, setup["coordinator"])
    client.get(f"/privacy/families/{fam.id}/erase?reference={fam.reference}")
    client.get(f"/privacy/families/{fam.id}/withdraw?confirm=y")
    db.session.expire_all()
    assert db.session.get(Family, fam.id).anonymised_at is None


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_an_erasure_without_a_csrf_token_is_refused(client, setup):
    fam = setup["family"]
    page = client.get("/login")
    token = (
        page.get_data(as_text=True)
        .split('name="csrf_token" type="hidden" value="')[1]
        .split('"')[0]
    )
    client.post(
        "/login",
        data={"email": setup["coordinator"].email, "password": f.PASSWORD, "csrf_token": token},
    )
    r = client.post(f"/privacy/families/{fam.id}/erase", data={"reference": fam.reference})
    assert r.status_code == 400
    assert db.session.get(Family, fam.id).anonymised_at is None
