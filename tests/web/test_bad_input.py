"""Bad input typed or uploaded anywhere: a clear error, never a 500 and never nonsense stored.

Found by probing every form, filter and import against PostgreSQL, which refuses NUL in text,
integers past 32 bits and strings past their column: each case here answered 500 (or stored
a year-1 date) before.
"""

import html
import io
from datetime import date

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import ContactFamily, Proposal
from matcher.services import activity_import, family_import, volunteer_import
from tests import factories as f
from tests.rounds.helpers import run

CONTROL = "Teksten indeholder et usynligt kontroltegn, som ikke kan gemmes."
HUGE = "9" * 400  # > 1.8e308: WTForms' NumberRange calls math.isnan(int) -> OverflowError


@pytest.fixture
def w(app):
    mun = f.municipality(code="kbh")
    club = f.club(mun, "Klub A")
    f.user(mun, "staff", email="staff@example.dk")
    coord = f.user(mun, "coordinator", email="koord@example.dk")
    f.user(mun, "club_contact", club=club, email="klub@example.dk")
    fam = f.family(mun, coordinator_id=coord.id)
    cf = f.contact_family(mun)
    db.session.commit()
    return {
        "mun": mun,
        "club": club,
        "act": club.activities[0],
        "fam": fam,
        "child": fam.children[0],
        "cf": cf,
    }


def club_data(w, **kw):
    return {
        "name": "Klub A",
        "address": "Vej 1",
        "postcode": "8600",
        "email": "a@example.dk",
        "phone": "20304050",
        "contact_name": "Ole",
        "version": str(w["club"].version),
        **kw,
    }


def activity_data(w, **kw):
    return {
        "name": "Fodbold",
        "category": "football",
        "min_age": "9",
        "max_age": "12",
        "gender": "any",
        "weekdays": ["mon"],
        "time": "",
        "address": "",
        "postcode": "",
        "places": "3",
        "fee": "100",
        "version": str(w["act"].version),
        **kw,
    }


def family_data(w, **kw):
    return {
        "reference": w["fam"].reference,
        "name": "Osman",
        "address": "Vej 8",
        "postcode": "8600",
        "languages": ["ar"],
        "interests": "music",
        "arrival_date": "2025-02-01",
        "consent_given_by": "",
        "consent_date": "",
        "coordinator_id": "",
        "backup_coordinator_id": "",
        "wants_contact_family": "y",
        "notes": "",
        "version": str(w["fam"].version),
        **kw,
    }


def cf_data(w, **kw):
    return {
        "name": "Jensen",
        "contact_name": "Mette",
        "email": "m@example.dk",
        "phone": "20304050",
        "address": "Vej 4",
        "postcode": "8600",
        "languages": ["da"],
        "interests": "x",
        "capacity": "1",
        "max_distance_km": "10",
        "motivation": "",
        "version": str(w["cf"].version),
        **kw,
    }


def new_child(**kw):
    return {
        "new-first_name": "Ali",
        "new-birth_date": "2015-01-01",
        "new-gender": "male",
        "new-wish1": "football",
        "new-wish2": "",
        "new-wish3": "",
        "new-available_days": ["mon"],
        "new-max_distance_km": "5",
        "new-token": "tok-1",
        **kw,
    }


# 1. NUL in a free-text field: DataError 500 on PostgreSQL
@pytest.mark.parametrize(
    "who,url,data",
    [
        ("klub@example.dk", "/club/{club}/edit", lambda w: club_data(w, name="A\x00")),
        (
            "klub@example.dk",
            "/club/{club}/activities/{act}",
            lambda w: activity_data(w, name="A\x00"),
        ),
        (
            "klub@example.dk",
            "/club/{club}/activities/new",
            lambda w: activity_data(w, address="A\x00", token="t1"),
        ),
        (
            "koord@example.dk",
            "/clubs/new",
            lambda w: club_data(w, contact_name="A\x00", token="t2"),
        ),
        (
            "koord@example.dk",
            "/clubs/{club}/invite",
            lambda w: {"name": "Ole", "email": "a\x00b"},
        ),  # email_taken() query
        (
            "koord@example.dk",
            "/coordinator/families/{fam}/edit",
            lambda w: family_data(w, notes="A\x00"),
        ),
        (
            "koord@example.dk",
            "/coordinator/families/{fam}/edit",
            lambda w: family_data(w, consent_given_by="A\x00", consent_date="2025-02-01"),
        ),
        (
            "koord@example.dk",
            "/coordinator/families/new",
            lambda w: family_data(w, reference="R\x00", token="t3"),
        ),
        (
            "koord@example.dk",
            "/coordinator/families/{fam}/children",
            lambda w: new_child(**{"new-first_name": "A\x00"}),
        ),
        (
            "koord@example.dk",
            "/contact-families/{cf}/edit",
            lambda w: cf_data(w, motivation="A\x00"),
        ),
        (
            None,
            "/bliv-kontaktfamilie/kbh/",
            lambda w: cf_data(w, name="A\x00", consent="y", token="t" * 20),
        ),
    ],
)
def test_nul_in_text_is_a_form_error(app, client, w, who, url, data, database_url):
    if who:
        f.login(client, who)
    resp = client.post(
        url.format(club=w["club"].id, act=w["act"].id, fam=w["fam"].id, cf=w["cf"].id), data=data(w)
    )
    assert resp.status_code in (200, 400)  # the form again, the error next to the field
    assert CONTROL in resp.get_data(as_text=True)


def test_nul_in_match_note_and_decline_reason(app, client, database_url):
    mun = f.municipality()
    f.user(mun, "staff", email="s@example.dk")
    f.club(mun, places=3)
    f.family(mun, children=2)
    f.contact_family(
        mun, status="approved", languages=["ar", "da"], child_certificate_checked="2022-01-01"
    )
    db.session.commit()
    rnd = run(mun.id)
    p = db.session.scalars(select(Proposal).where(Proposal.round_id == rnd.id)).first()
    f.login(client, "s@example.dk")
    for url in (f"/rounds/{rnd.id}/proposals/{p.id}/decline", f"/rounds/{rnd.id}/decline-all"):
        r = client.post(url, data={"reason": "a\x00b"}, follow_redirects=True)
        assert r.status_code < 500 and CONTROL in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).status == "proposed"
    client.post(f"/rounds/{rnd.id}/proposals/{p.id}/accept")
    r = client.post(
        f"/matches/{p.id}/ended",
        data={
            "end-ended_on": "2026-01-01",
            "end-reason": "other",
            "end-note": "a\x00b",
            "end-version": str(p.version),
        },
        follow_redirects=True,
    )
    assert r.status_code < 500 and CONTROL in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).ended_on is None


# 2. NUL in interests is stored silently (JSON list; jsonb cast later fails)
def test_nul_in_interests_not_stored(app, client, w):
    f.login(client, "koord@example.dk")
    client.post(f"/contact-families/{w['cf'].id}/edit", data=cf_data(w, interests="a\x00b"))
    db.session.expire_all()
    assert not any("\x00" in i for i in db.session.get(ContactFamily, w["cf"].id).interests)


# 3. Query strings / URL reaching the database
@pytest.mark.parametrize(
    "who,url",
    [
        ("koord@example.dk", "/coordinator/families/?q=%00"),
        ("koord@example.dk", "/contact-families/?q=%00"),
        ("staff@example.dk", "/audit/?user_email=%00"),
        ("koord@example.dk", "/coordinator/families/?coordinator=99999999999"),
        ("koord@example.dk", "/coordinator/families/?coordinator=%C2%B2"),  # '²'.isdigit() is True
        ("staff@example.dk", "/audit/?until=9999-12-31"),
        ("staff@example.dk", f"/audit/?object_id={HUGE}"),
        (None, "/bliv-kontaktfamilie/%00/"),
        (None, "/bliv-kontaktfamilie/%00/tak"),
    ],
)
def test_query_string_never_500(app, client, w, who, url):
    if who:
        f.login(client, who)
    assert client.get(url).status_code < 500


# 4. 309+ digit integers: OverflowError in NumberRange
@pytest.mark.parametrize(
    "who,url,data",
    [
        (
            "klub@example.dk",
            "/club/{club}/activities/{act}",
            lambda w: activity_data(w, places=HUGE),
        ),
        (
            "klub@example.dk",
            "/club/{club}/activities/{act}",
            lambda w: activity_data(w, min_age=HUGE),
        ),
        ("koord@example.dk", "/contact-families/{cf}/edit", lambda w: cf_data(w, capacity=HUGE)),
        (
            None,
            "/bliv-kontaktfamilie/kbh/",
            lambda w: cf_data(w, capacity=HUGE, consent="y", token="t" * 20),
        ),
        (
            "staff@example.dk",
            "/dashboard/budget",
            lambda w: {"season_budget": HUGE, "version": "0"},
        ),
        (
            "staff@example.dk",
            "/rounds/new",
            lambda w: {
                "kind": "both",
                "round_date": date.today().isoformat(),
                "budget": HUGE,
                "preference_points": "10,5",
                "waiting_points": "1",
                "distance_penalty_per_km": "1",
                "sibling_points": "1",
                "language_points": "1",
                "children_age_points": "1",
                "interest_points": "1",
                "interest_points_cap": "1",
                "preview": "1",
            },
        ),
    ],
)
def test_huge_integer_is_a_form_error(app, client, w, who, url, data):
    if who:
        f.login(client, who)
    resp = client.post(url.format(club=w["club"].id, act=w["act"].id, cf=w["cf"].id), data=data(w))
    assert resp.status_code in (200, 400)
    assert "Tallet skal være" in html.unescape(resp.get_data(as_text=True))


# 5. CSV imports
def csv_file(headers, **cells):
    line = ";".join(cells.get(h, "") for h in headers)
    return {
        "file": (
            io.BytesIO(("\ufeff" + ";".join(headers) + "\r\n" + line + "\r\n").encode()),
            "x.csv",
        )
    }


FAM = dict(
    reference="C-1",
    name="Osman",
    postcode="8600",
    arrival_date="2025-02-01",
    child_first_name="Ali",
    child_birth_date="2015-01-01",
    child_gender="male",
)


def _names_row_2(page: str) -> bool:
    """The importers list errors as "Række 2, kolonne ..." or as a table row."""
    return "Række 2, kolonne" in page or "<tr><td>2</td>" in page


@pytest.mark.parametrize(
    "url,headers,cells",
    [
        ("/coordinator/families/import", family_import.HEADERS, dict(FAM, notes="a\x00b")),
        (
            "/coordinator/families/import",
            family_import.HEADERS,
            dict(FAM, child_first_name="a\x00b"),
        ),
        (
            "/contact-families/import",
            volunteer_import.HEADERS,
            dict(name="a\x00b", email="j@example.dk", postcode="8600"),
        ),
        (
            "/clubs/activities/import",
            activity_import.HEADERS,
            dict(
                club="Klub A",
                name="a\x00b",
                category="football",
                min_age="5",
                max_age="9",
                weekdays="mon",
            ),
        ),
        (
            "/coordinator/families/import",
            family_import.HEADERS,
            dict(FAM, notes="x" * 200_000),
        ),  # _csv.Error
        (
            "/contact-families/import",
            volunteer_import.HEADERS,
            dict(name="J", email="j@example.dk", postcode="8600", motivation="x" * 200_000),
        ),
    ],
)
def test_csv_bad_cell_is_listed(app, client, w, url, headers, cells):
    f.login(client, "koord@example.dk")
    resp = client.post(url, data=csv_file(headers, **cells), content_type="multipart/form-data")
    assert resp.status_code == 400
    page = html.unescape(resp.get_data(as_text=True))
    long = any(len(v) > 100_000 for v in cells.values())
    expected = "Rækken kan ikke læses: en celle er alt for lang" if long else CONTROL
    assert expected in page and _names_row_2(page)


def test_csv_contact_family_adult_child_refused(app, client, w):
    f.login(client, "koord@example.dk")
    data = csv_file(
        volunteer_import.HEADERS,
        name="J",
        email="j@example.dk",
        postcode="8600",
        children_birth_dates="0001-01-01",
    )
    resp = client.post("/contact-families/import", data=data, content_type="multipart/form-data")
    assert resp.status_code == 400
    page = html.unescape(resp.get_data(as_text=True))
    assert "children_birth_dates" in page and _names_row_2(page)
    assert "Et barn skal være under 18 år." in page


# 6. Year-1 dates stored
def test_arrival_in_year_1_refused(app, client, w):
    f.login(client, "koord@example.dk")
    r = client.post(
        f"/coordinator/families/{w['fam'].id}/edit", data=family_data(w, arrival_date="0001-01-01")
    )
    assert r.status_code == 400


def test_certificate_in_year_1_refused(app, client, w):
    f.login(client, "koord@example.dk")
    r = client.post(
        f"/contact-families/{w['cf'].id}/certificate",
        data={"checked_on": "0001-01-01", "version": str(w["cf"].version)},
    )
    assert r.status_code == 400


def test_match_cannot_end_before_it_was_accepted(app, client):
    mun = f.municipality()
    f.user(mun, "staff", email="s@example.dk")
    f.club(mun, places=3)
    f.family(mun, children=1)
    db.session.commit()
    rnd = run(mun.id, kind="children")
    p = db.session.scalars(select(Proposal).where(Proposal.round_id == rnd.id)).first()
    f.login(client, "s@example.dk")
    client.post(f"/rounds/{rnd.id}/proposals/{p.id}/accept")
    db.session.expire_all()
    p = db.session.get(Proposal, p.id)
    client.post(
        f"/matches/{p.id}/ended",
        data={
            "end-ended_on": "0001-01-01",
            "end-reason": "finished",
            "end-version": str(p.version),
        },
    )
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).ended_on != date(1, 1, 1)


# 7. Tampered hidden fields
@pytest.mark.parametrize(
    "who,url,data",
    [
        ("klub@example.dk", "/club/{club}/edit", lambda w: club_data(w, version="abc")),
        (
            "klub@example.dk",
            "/club/{club}/activities/{act}",
            lambda w: activity_data(w, version="abc"),
        ),
        (
            "koord@example.dk",
            "/coordinator/families/{fam}/edit",
            lambda w: family_data(w, version="abc"),
        ),
        (
            "koord@example.dk",
            "/coordinator/families/{fam}/children/{child}/delete",
            lambda w: {"version": "abc"},
        ),
        ("koord@example.dk", "/contact-families/{cf}/edit", lambda w: cf_data(w, version="abc")),
        (
            "koord@example.dk",
            "/contact-families/{cf}/certificate",
            lambda w: {"checked_on": "2025-01-01", "version": "abc"},
        ),
        (
            "koord@example.dk",
            "/coordinator/families/new",
            lambda w: family_data(w, reference="N-1", token="x" * 65),
        ),
        (
            "koord@example.dk",
            "/coordinator/families/{fam}/children",
            lambda w: new_child(**{"new-token": "x" * 65}),
        ),
        (
            "klub@example.dk",
            "/club/{club}/activities/new",
            lambda w: activity_data(w, token="x" * 65),
        ),
        ("koord@example.dk", "/clubs/new", lambda w: club_data(w, token="x" * 65)),
    ],
)
def test_tampered_hidden_field_never_500(app, client, w, who, url, data):
    f.login(client, who)
    u = url.format(
        club=w["club"].id, act=w["act"].id, fam=w["fam"].id, cf=w["cf"].id, child=w["child"].id
    )
    assert client.post(u, data=data(w)).status_code < 500
