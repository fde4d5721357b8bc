"""Staff and coordinators manage clubs and invite club contacts, who choose their own password."""

import re

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Club, OutboxMessage, User
from tests import factories as f

CLUB = {
    "name": "Gjern Gymnastikforening",
    "address": "Skolevej 3",
    "postcode": "8883",
    "email": "info@ggf.dk",
    "phone": "86 87 50 50",
    "contact_name": "Bente",
}


@pytest.fixture
def world(app):
    mun = f.municipality()
    other = f.municipality()
    club_a = f.club(mun, "Klub A")
    w = {
        "mun": mun,
        "club_a": club_a,
        "foreign": f.club(other, "Fremmed Klub"),
        "coordinator": f.user(mun, "coordinator", email="koord@example.dk"),
        "staff": f.user(mun, "staff", email="staff@example.dk"),
        "contact_a": f.user(mun, "club_contact", club=club_a, email="a@example.dk"),
    }
    db.session.commit()
    return w


def club_count() -> int:
    return db.session.scalar(select(func.count(Club.id)))


@pytest.mark.parametrize("who", ["koord@example.dk", "staff@example.dk"])
def test_clubs_list_shows_the_municipalitys_clubs_only(client, world, who):
    f.login(client, who)
    html = client.get("/clubs/").get_data(as_text=True)
    assert "Klub A" in html and "Fremmed Klub" not in html


def test_coordinator_creates_a_club_once_even_if_sent_twice(client, world):
    f.login(client, "koord@example.dk")
    before = club_count()
    data = {**CLUB, "token": "z" * 32}
    first = client.post("/clubs/new", data=data)
    second = client.post("/clubs/new", data=data)
    assert first.status_code == second.status_code == 302
    assert club_count() == before + 1
    club = db.session.scalar(select(Club).where(Club.name == CLUB["name"]))
    assert club.municipality_id == world["mun"].id and club.postcode == "8883"


def test_new_club_with_unknown_postcode_is_refused(client, world):
    f.login(client, "koord@example.dk")
    before = club_count()
    page = client.post("/clubs/new", data={**CLUB, "postcode": "0000", "token": "q" * 32})
    assert page.status_code == 200 and 'id="postcode-error"' in page.get_data(as_text=True)
    assert club_count() == before


def test_club_contact_gets_403_on_club_management(client, world):
    f.login(client, "a@example.dk")
    club_id = world["club_a"].id
    for url in ("/clubs/", "/clubs/new", f"/clubs/{club_id}/invite"):
        assert client.get(url).status_code == 403, url
    assert client.post("/clubs/new", data={**CLUB, "token": "w" * 32}).status_code == 403
    assert (
        client.post(
            f"/clubs/{club_id}/invite", data={"name": "X", "email": "x@example.dk"}
        ).status_code
        == 403
    )
    assert db.session.scalar(select(User).where(User.email == "x@example.dk")) is None


def test_inviting_another_municipalitys_club_is_404(client, world):
    f.login(client, "koord@example.dk")
    assert client.get(f"/clubs/{world['foreign'].id}/invite").status_code == 404


def invite(client, club_id: int, email: str = "ny@example.dk") -> str:
    """Invite a contact and return the invitation link from the queued e-mail."""
    answer = client.post(f"/clubs/{club_id}/invite", data={"name": "Nina Ny", "email": email})
    assert answer.status_code == 302
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == email))
    return re.search(r"https?://\S+/bliv-kontaktfamilie/invitation/\S+", message.body).group(0)


def test_invited_contact_is_inactive_until_choosing_a_password(client, world):
    f.login(client, "koord@example.dk")
    link = invite(client, world["club_a"].id)
    user = db.session.scalar(select(User).where(User.email == "ny@example.dk"))
    assert not user.active and user.password is None
    assert user.club_id == world["club_a"].id and user.role == "club_contact"
    client.post("/logout")
    path = link.split("localhost", 1)[-1]
    assert client.get(path).status_code == 200
    short = client.post(path, data={"password": "kort", "confirm": "kort"})
    assert short.status_code == 200 and 'id="password-error"' in short.get_data(as_text=True)
    answer = client.post(
        path, data={"password": "en lang adgangskode", "confirm": "en lang adgangskode"}
    )
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    db.session.expire_all()
    assert db.session.get(User, user.id).active
    assert f.login(client, "ny@example.dk", "en lang adgangskode").status_code == 302
    assert client.get("/start").headers["Location"].endswith(f"/club/{world['club_a'].id}")


@pytest.mark.parametrize("password", ["1234567890", "qwertyuiop", "ny@example.dk"])
def test_invitation_refuses_common_passwords_and_the_email(client, world, password):
    f.login(client, "koord@example.dk")
    path = invite(client, world["club_a"].id).split("localhost", 1)[-1]
    client.post("/logout")
    answer = client.post(path, data={"password": password, "confirm": password})
    assert answer.status_code == 200 and 'id="password-error"' in answer.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "ny@example.dk"))
    assert not user.active and user.password is None


def test_invitation_link_works_only_once(client, world):
    f.login(client, "koord@example.dk")
    path = invite(client, world["club_a"].id).split("localhost", 1)[-1]
    client.post("/logout")
    data = {"password": "en lang adgangskode", "confirm": "en lang adgangskode"}
    assert client.post(path, data=data).status_code == 302
    assert client.get(path).status_code == 410
    assert (
        client.post(
            path, data={"password": "ny overtaget kode", "confirm": "ny overtaget kode"}
        ).status_code
        == 410
    )


def test_tampered_invitation_link_is_refused(client, world):
    f.login(client, "koord@example.dk")
    path = invite(client, world["club_a"].id).split("localhost", 1)[-1]
    client.post("/logout")
    assert client.get(path[:-3] + "abc").status_code == 410


def test_invitation_for_an_existing_email_is_refused(client, world):
    f.login(client, "koord@example.dk")
    page = client.post(
        f"/clubs/{world['club_a'].id}/invite", data={"name": "Dobbelt", "email": "a@example.dk"}
    )
    assert page.status_code == 200 and 'id="email-error"' in page.get_data(as_text=True)
