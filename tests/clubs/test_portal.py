"""The club portal: a contact keeps its own club and activities, and sees only what it may."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Activity, Club, Proposal, Round
from matcher.services import records
from tests import factories as f

ACTIVITY = {
    "name": "Svømning for begyndere",
    "category": "swimming",
    "min_age": "7",
    "max_age": "11",
    "gender": "female",
    "weekdays": ["tue", "thu"],
    "time": "16:30-17:30",
    "address": "",
    "postcode": "",
    "places": "4",
    "fee": "650",
}


@pytest.fixture
def world(app):
    mun = f.municipality()
    other = f.municipality()
    club_a = f.club(mun, "Klub A")
    club_b = f.club(mun, "Klub B")
    foreign = f.club(other, "Fremmed Klub")
    w = {
        "mun": mun,
        "club_a": club_a,
        "club_b": club_b,
        "foreign": foreign,
        "contact_a": f.user(mun, "club_contact", club=club_a, email="a@example.dk"),
        "contact_b": f.user(mun, "club_contact", club=club_b, email="b@example.dk"),
        "coordinator": f.user(mun, "coordinator", email="koord@example.dk", name="Karin Koord"),
    }
    db.session.commit()
    return w


def activity_count(club) -> int:
    return db.session.scalar(select(func.count(Activity.id)).where(Activity.club_id == club.id))


def test_contact_adds_an_activity_that_defaults_to_the_clubs_place(client, world):
    f.login(client, "a@example.dk")
    club = world["club_a"]
    form = client.get(f"/club/{club.id}/activities/new").get_data(as_text=True)
    assert 'name="token"' in form and "Svømning" in form
    answer = client.post(f"/club/{club.id}/activities/new", data={**ACTIVITY, "token": "x" * 32})
    assert answer.status_code == 302
    a = db.session.scalar(select(Activity).where(Activity.name == ACTIVITY["name"]))
    assert (a.min_age, a.max_age, a.gender, a.places, a.fee) == (7, 11, "female", 4, 650)
    assert a.weekdays == ["tue", "thu"] and a.category_code == "swimming"
    assert (a.postcode, a.address, a.lat, a.lon) == (
        club.postcode,
        club.address,
        club.lat,
        club.lon,
    )
    assert a.active


def test_double_submitted_activity_is_stored_once(client, world):
    f.login(client, "a@example.dk")
    club = world["club_a"]
    before = activity_count(club)
    data = {**ACTIVITY, "token": "y" * 32}
    for _ in range(2):
        assert client.post(f"/club/{club.id}/activities/new", data=data).status_code == 302
    assert activity_count(club) == before + 1


@pytest.mark.parametrize(
    ("field", "value", "error_id"),
    [
        ("min_age", "12", "max_age-error"),  # 12 > max 11
        ("max_age", "18", "max_age-error"),
        ("places", "-1", "places-error"),
        ("fee", "-5", "fee-error"),
        ("postcode", "0001", "postcode-error"),
        ("weekdays", [], "weekdays-error"),
        ("time", "whenever", "time-error"),
    ],
)
def test_invalid_activity_is_refused_next_to_the_field(client, world, field, value, error_id):
    f.login(client, "a@example.dk")
    club = world["club_a"]
    before = activity_count(club)
    page = client.post(f"/club/{club.id}/activities/new", data={**ACTIVITY, field: value})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'id="{error_id}"' in html
    assert 'value="Svømning for begyndere"' in html
    assert activity_count(club) == before


def test_contact_edits_an_activity_and_a_stale_save_is_refused(client, world):
    f.login(client, "a@example.dk")
    a = world["club_a"].activities[0]
    url = f"/club/{world['club_a'].id}/activities/{a.id}"
    form = client.get(url).get_data(as_text=True)
    assert 'name="version"' in form and 'value="Fodbold U12"' in form
    data = {**ACTIVITY, "name": "Fodbold U13", "version": str(a.version)}
    assert client.post(url, data=data).status_code == 302
    refused = client.post(url, data={**data, "name": "Fodbold U14"})
    assert refused.status_code == 409
    db.session.expire_all()
    assert db.session.get(Activity, a.id).name == "Fodbold U13"


def test_places_cannot_drop_below_the_children_holding_them(client, world):
    a = world["club_a"].activities[0]
    for _ in range(2):
        kid = f.family(world["mun"], children=1).children[0]
        f.accepted_match(world["mun"], child=kid, activity=a)
    db.session.commit()
    f.login(client, "a@example.dk")
    url = f"/club/{world['club_a'].id}/activities/{a.id}"
    data = {**ACTIVITY, "places": "1", "version": str(a.version)}
    answer = client.post(url, data=data)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'id="places-error"' in html
    assert "2 børn har plads på aktiviteten nu" in html
    assert client.post(url, data={**data, "places": "2"}).status_code == 302


def test_contact_deactivates_an_activity(client, world):
    f.login(client, "a@example.dk")
    a = world["club_a"].activities[0]
    url = f"/club/{world['club_a'].id}/activities/{a.id}/active"
    assert client.post(url, data={"active": "0"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Activity, a.id).active is False


def test_contact_edits_the_clubs_details(client, world):
    f.login(client, "a@example.dk")
    club = world["club_a"]
    data = {
        "name": "Klub A 1920",
        "address": "Ny Vej 2",
        "postcode": "8000",
        "email": "info@kluba.dk",
        "phone": "86 12 34 56",
        "contact_name": "Ole",
        "version": str(club.version),
    }
    assert client.post(f"/club/{club.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    club = db.session.get(Club, club.id)
    assert (club.name, club.postcode, club.email) == ("Klub A 1920", "8000", "info@kluba.dk")
    assert client.post(f"/club/{club.id}/edit", data=data).status_code == 409


def test_contact_of_club_a_gets_403_on_everything_of_club_b(client, world):
    f.login(client, "a@example.dk")
    b = world["club_b"]
    a_id = b.activities[0].id
    for url in (
        f"/club/{b.id}",
        f"/club/{b.id}/edit",
        f"/club/{b.id}/activities/new",
        f"/club/{b.id}/activities/{a_id}",
        f"/club/{b.id}/children",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/club/{b.id}/activities/new", data=ACTIVITY).status_code == 403
    assert (
        client.post(f"/club/{b.id}/activities/{a_id}/active", data={"active": "0"}).status_code
        == 403
    )
    assert client.post(f"/club/{b.id}/edit", data={"name": "X"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Activity, a_id).active and db.session.get(Club, b.id).name == "Klub B"


def test_another_clubs_activity_under_my_club_is_404(client, world):
    f.login(client, "a@example.dk")
    other_activity = world["club_b"].activities[0].id
    assert client.get(f"/club/{world['club_a'].id}/activities/{other_activity}").status_code == 404


def test_another_municipalitys_club_is_404(client, world):
    f.login(client, "koord@example.dk")
    assert client.get(f"/club/{world['foreign'].id}").status_code == 404
    assert client.get(f"/club/{world['club_b'].id}").status_code == 200


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_activity_post_without_csrf_token_is_refused(client, world, app_config):
    f.login(client, "a@example.dk")
    club = world["club_a"]
    before = activity_count(club)
    assert client.post(f"/club/{club.id}/activities/new", data=ACTIVITY).status_code == 400
    assert activity_count(club) == before


def without_csrf_tokens(html: str) -> str:
    """Random tokens can contain a short sentinel such as 'xq' by chance."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)


SENTINELS = {
    "surname": "Sentinelsurname",
    "address": "Sentineladdressvej 99",
    "phone": "99887766",
    "language": "xq",
    "notes": "SENTINEL-NOTE-TEXT",
    "birth": "2014-02-13",
    "reference": "SENTINEL-REF",
    "interest": "sentinelinterest",
}


def test_club_contact_sees_only_first_name_age_start_and_coordinator(client, world):
    mun, club = world["mun"], world["club_a"]
    fam = records.create_family(
        mun.id,
        {
            "reference": SENTINELS["reference"],
            "name": SENTINELS["surname"],
            "address": SENTINELS["address"],
            "postcode": "8600",
            "phone": SENTINELS["phone"],
            "languages": [SENTINELS["language"]],
            "interests": [SENTINELS["interest"]],
            "notes": SENTINELS["notes"],
            "arrival_date": "2025-03-01",
            "coordinator_id": world["coordinator"].id,
            "children": [
                {
                    "first_name": "Amira",
                    "birth_date": SENTINELS["birth"],
                    "gender": "female",
                    "wishes": ["football"],
                    "available_days": ["mon"],
                }
            ],
        },
    )
    db.session.flush()
    rnd = Round(municipality_id=mun.id, kind="children", round_date=date(2026, 1, 1))
    db.session.add(
        Proposal(
            round=rnd,
            kind="placement",
            child_id=fam.children[0].id,
            activity_id=club.activities[0].id,
            status="accepted",
            started_on=date(2026, 1, 12),
        )
    )
    db.session.commit()
    f.login(client, "a@example.dk")
    pages = [
        client.get(u)
        for u in (
            f"/club/{club.id}",
            f"/club/{club.id}/children",
            f"/club/{club.id}/edit",
            f"/club/{club.id}/activities/{club.activities[0].id}",
        )
    ]
    assert all(p.status_code == 200 for p in pages)
    children = pages[1].get_data(as_text=True)
    assert "Amira" in children and "Karin Koord" in children and "koord@example.dk" in children
    age = date.today().year - 2014 - ((date.today().month, date.today().day) < (2, 13))
    assert f"<td>{age}</td>" in children
    for html in (without_csrf_tokens(p.get_data(as_text=True)) for p in pages):
        for value in (*SENTINELS.values(), "13.02.2014", "13/02/2014", "13. feb"):
            assert value not in html
