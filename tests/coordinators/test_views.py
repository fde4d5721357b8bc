"""Coordinator family pages: scoping, roles, the list's filters, forms, locks, children."""

import io
from datetime import date, timedelta

import flask_babel
import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Activity, AuditEvent, Child, Family
from tests import factories as f


@pytest.fixture
def world(app):
    mun = f.municipality()
    other = f.municipality()
    club = f.club(mun, "Klub A")
    me = f.user(mun, "coordinator", email="koord@example.dk", name="Hanne")
    w = {
        "mun": mun,
        "me": me,
        "colleague": f.user(mun, "coordinator", email="kollega@example.dk", name="Yasmin"),
        "staff": f.user(mun, "staff", email="staff@example.dk"),
        "club_contact": f.user(mun, "club_contact", club=club, email="klub@example.dk"),
        "family": f.family(mun, "Haddad", coordinator_id=me.id),
        "other_family": f.family(other, "Fremmed"),
    }
    db.session.commit()
    return w


def log_in(client, email: str = "koord@example.dk") -> None:
    """Log in and switch to English (the texts are checked in English)."""
    f.login(client, email)
    client.post("/language", data={"lang": "en"})
    # Requests share the test's app context, so Flask-Babel's cached locale must be dropped.
    flask_babel.refresh()


def family_form(**extra) -> dict:
    data = {
        "reference": "NEW-1",
        "name": "Osman",
        "address": "Nørrevænget 8",
        "postcode": "8600",
        "phone": "20 30 40 50",
        "languages": ["ar"],
        "interests": "music, cooking",
        "arrival_date": "2025-02-01",
        "consent_given_by": "Abdi Osman",
        "consent_date": "2025-02-03",
        "coordinator_id": "",
        "backup_coordinator_id": "",
        "wants_contact_family": "y",
        "notes": "",
        "token": "tok-1",
    }
    data.update(extra)
    return data


def child_form(prefix: str, **extra) -> dict:
    data = {
        "first_name": "Amal",
        "birth_date": "2015-04-02",
        "gender": "female",
        "wish1": "swimming",
        "wish2": "football",
        "wish3": "",
        "available_days": ["mon", "thu"],
        "max_distance_km": "4",
        "token": "child-tok",
    }
    data.update(extra)
    return {f"{prefix}-{k}": v for k, v in data.items()}


@pytest.mark.parametrize("role", ["me", "staff"])
def test_list_shows_the_municipalitys_families_only(client, world, role):
    log_in(client, world[role].email)
    html = client.get("/coordinator/families/").get_data(as_text=True)
    assert "Haddad" in html and "Fremmed" not in html


def test_the_pager_speaks_danish(client, world, monkeypatch):
    from matcher.coordinators import views

    monkeypatch.setattr(views, "PER_PAGE", 1)
    f.family(world["mun"], "Aaberg")
    db.session.commit()
    log_in(client)
    client.post("/language", data={"lang": "da"})
    html = client.get("/coordinator/families/").get_data(as_text=True)
    assert "Side 1 af" in html and "Næste" in html and "Page 1 of" not in html


@pytest.mark.parametrize("typed", ["Ødegård", "ødegård", "ØDEGÅRD", "degå"])
def test_search_folds_danish_capitals(client, world, typed):
    f.family(world["mun"], "Ødegård")
    db.session.commit()
    log_in(client)
    html = client.get("/coordinator/families/", query_string={"q": typed}).get_data(as_text=True)
    assert "Ødegård" in html and "Haddad" not in html


def test_list_filters_waiting_and_search_and_puts_mine_first(client, world):
    f.family(world["mun"], "Aaberg", wants_contact_family=False)
    db.session.commit()
    log_in(client)
    html = client.get("/coordinator/families/").get_data(as_text=True)
    assert html.index("Haddad") < html.index("Aaberg")  # mine first, though later by name
    html = client.get("/coordinator/families/?waiting=1").get_data(as_text=True)
    assert "Haddad" in html and "Aaberg" not in html
    html = client.get("/coordinator/families/?q=aab").get_data(as_text=True)
    assert "Aaberg" in html and "Haddad" not in html
    html = client.get("/coordinator/families/?arrived_from=2030-01-01").get_data(as_text=True)
    assert "No families match." in html


def test_club_contacts_get_403_on_every_family_page(client, world):
    log_in(client, "klub@example.dk")
    fid = world["family"].id
    for url in (
        "/coordinator/",
        "/coordinator/families/",
        "/coordinator/families/new",
        f"/coordinator/families/{fid}",
        f"/coordinator/families/{fid}/edit",
        "/coordinator/families/import",
        "/coordinator/families/export.csv",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/coordinator/families/{fid}/children").status_code == 403


def test_another_municipalitys_family_is_404(client, world):
    log_in(client)
    other = world["other_family"]
    assert client.get(f"/coordinator/families/{other.id}").status_code == 404
    assert client.get(f"/coordinator/families/{other.id}/edit").status_code == 404
    child = other.children[0]
    url = f"/coordinator/families/{world['family'].id}/children/{child.id}"
    assert client.post(url, data=child_form(f"c{child.id}")).status_code == 404


def test_create_with_errors_keeps_what_was_typed_next_to_the_field(client, world):
    log_in(client)
    answer = client.post(
        "/coordinator/families/new",
        data=family_form(postcode="9999", phone="12", notes="CPR 010203-1234"),
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="postcode-error"' in html and "9999 is not a known Danish postcode" in html
    assert 'value="9999"' in html and 'value="Osman"' in html
    assert 'id="phone-error"' in html and 'id="notes-error"' in html
    assert db.session.scalar(select(func.count(Family.id))) == 2


def test_create_saves_once_even_when_submitted_twice(client, world):
    log_in(client)
    first = client.post("/coordinator/families/new", data=family_form())
    second = client.post("/coordinator/families/new", data=family_form())
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    family = db.session.scalar(select(Family).where(Family.reference == "NEW-1"))
    assert family.consent_recorded_by_id == world["me"].id
    assert family.interests == ["music", "cooking"]


def test_duplicate_reference_is_an_error_on_the_reference_field(client, world):
    log_in(client)
    answer = client.post(
        "/coordinator/families/new", data=family_form(reference=world["family"].reference)
    )
    assert answer.status_code == 400
    assert 'id="reference-error"' in answer.get_data(as_text=True)


def test_family_page_shows_period_status_children_and_is_audited(client, world):
    log_in(client)
    family = world["family"]
    html = client.get(f"/coordinator/families/{family.id}").get_data(as_text=True)
    assert "The integration period ends on March 1, 2028" in html
    assert "Barn0" in html and "Barn1" in html and "No activity yet" in html
    assert 'id="next-status"' in html
    assert db.session.scalar(
        select(func.count()).where(AuditEvent.action == "view", AuditEvent.object_id == family.id)
    )


def test_family_page_shows_current_activity_and_history(client, world):
    family = world["family"]
    activity = db.session.scalar(select(Activity))
    f.accepted_match(world["mun"], child=family.children[0], activity=activity)
    f.accepted_match(world["mun"], child=family.children[1], activity=activity, status="declined")
    db.session.commit()
    log_in(client)
    html = client.get(f"/coordinator/families/{family.id}").get_data(as_text=True)
    assert "Fodbold U12, Klub A" in html
    history = html[html.index('id="history"') :]
    assert history.count("<tr>") == 3 and "Declined" in history and "Accepted" in history


def test_stale_family_edit_is_refused_with_409_and_nothing_is_overwritten(client, world):
    log_in(client)
    family = world["family"]
    url = f"/coordinator/families/{family.id}/edit"
    base = family_form(reference=family.reference, version="1", token="")
    assert client.post(url, data={**base, "name": "First"}).status_code == 302
    answer = client.post(url, data={**base, "name": "Second"})
    assert answer.status_code == 409
    assert "Someone else changed this family" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Family, family.id).name == "First"


def test_children_are_added_inline_with_errors_on_the_page(client, world):
    log_in(client)
    family = world["family"]
    url = f"/coordinator/families/{family.id}/children"
    future = (date.today() + timedelta(days=3)).isoformat()
    bad = client.post(url, data=child_form("new", birth_date=future, wish2="swimming"))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert 'id="new-birth_date-error"' in html and 'id="new-wish2-error"' in html
    assert 'value="Amal"' in html
    assert client.post(url, data=child_form("new")).status_code == 302
    assert client.post(url, data=child_form("new")).status_code == 302  # double submission
    amal = db.session.scalar(select(Child).where(Child.first_name == "Amal"))
    assert amal.wishes == ["swimming", "football"] and amal.available_days == ["mon", "thu"]
    assert db.session.scalar(select(func.count(Child.id)).where(Child.family_id == family.id)) == 3


def test_an_adult_is_not_accepted_as_a_child(client, world):
    log_in(client)
    url = f"/coordinator/families/{world['family'].id}/children"
    answer = client.post(url, data=child_form("new", birth_date="2000-01-01"))
    assert answer.status_code == 400 and "under 18" in answer.get_data(as_text=True)


def test_stale_child_edit_is_refused_and_delete_needs_the_current_version(client, world):
    log_in(client)
    family = world["family"]
    child = family.children[0]
    url = f"/coordinator/families/{family.id}/children/{child.id}"
    data = child_form(f"c{child.id}", version="1", first_name="Saved")
    assert client.post(url, data=data).status_code == 302
    late = client.post(url, data={**data, f"c{child.id}-first_name": "Late"})
    assert late.status_code == 409
    assert "Someone else changed this child" in late.get_data(as_text=True)
    assert client.post(url + "/delete", data={"version": "1"}).status_code == 409
    assert client.post(url + "/delete", data={"version": "2"}).status_code == 302
    assert db.session.get(Child, child.id) is None


def test_import_with_one_bad_row_writes_nothing_and_shows_that_row(client, world):
    log_in(client)
    data = {"file": (io.BytesIO(f.families_csv(200, bad_row=117)), "families.csv")}
    answer = client.post("/coordinator/families/import", data=data)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Row 118, column postcode: 9999 is not a known Danish postcode." in html
    assert db.session.scalar(select(func.count(Family.id))) == 2


def test_import_of_a_good_file_adds_every_family(client, world):
    log_in(client)
    data = {"file": (io.BytesIO(f.families_csv(20)), "families.csv")}
    assert client.post("/coordinator/families/import", data=data).status_code == 302
    assert db.session.scalar(select(func.count(Family.id))) == 12


def test_an_oversized_upload_is_refused_with_413(client, world):
    log_in(client)
    big = b"reference;name\n" + b"x" * (5 * 1024 * 1024 + 10)
    answer = client.post(
        "/coordinator/families/import", data={"file": (io.BytesIO(big), "big.csv")}
    )
    assert answer.status_code == 413


def test_export_and_template_download_as_csv(client, world):
    log_in(client)
    answer = client.get("/coordinator/families/export.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    text = answer.data.decode("utf-8-sig")
    assert "Haddad" in text and "Fremmed" not in text
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "export"))
    template = client.get("/coordinator/families/import/template.csv")
    assert template.data.decode("utf-8-sig").count("\r\n") == 2


def test_start_page_lists_my_families_and_what_waits(client, world):
    log_in(client)
    html = client.get("/coordinator/").get_data(as_text=True)
    own = html[html.index('id="own-families"') :]
    assert "Haddad" in own
    waiting = html[html.index('id="waiting-children"') :]
    assert ">2<" in waiting.replace(" ", "")


def test_a_child_is_edited_in_place_on_the_family_page(client, world):
    log_in(client)
    family = world["family"]
    child, other = family.children[0], family.children[1]
    page = f"/coordinator/families/{family.id}"
    html = client.get(page).get_data(as_text=True)
    opened = f"{page}?edit={child.id}#child-{child.id}"
    assert f'href="{opened}"' in html and f'href="{page}?add=1#add-child"' in html
    assert f'id="c{child.id}-first_name"' not in html and 'id="new-first_name"' not in html
    html = client.get(page, query_string={"edit": child.id}).get_data(as_text=True)
    # The form opens in the child's card, on the family's page; the other child stays read-only.
    card = html[html.index(f'id="child-{child.id}"') : html.index(f'id="child-{other.id}"')]
    assert f'id="c{child.id}-first_name"' in card and f'value="{child.first_name}"' in card
    assert f'id="c{other.id}-first_name"' not in html and 'id="history"' in html
    viewed = select(func.count()).where(
        AuditEvent.action == "view",
        AuditEvent.object_type == "child",
        AuditEvent.object_id == child.id,
    )
    assert db.session.scalar(viewed) == 1
    url = f"/coordinator/families/{family.id}/children/{child.id}"
    bad = client.post(url, data=child_form(f"c{child.id}", first_name=""))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and f'id="c{child.id}-first_name-error"' in html
    assert 'id="history"' in html  # the errors are shown in place on the family's page
    data = child_form(f"c{child.id}", first_name="Samira", version=str(child.version))
    good = client.post(url, data=data)
    assert good.status_code == 302 and good.headers["Location"].endswith(f"#child-{child.id}")
    assert client.get(url).headers["Location"].endswith(f"?edit={child.id}#child-{child.id}")
    assert client.get(f"{page}?edit={world['other_family'].children[0].id}").status_code == 404


def test_saving_a_child_deleted_meanwhile_says_so(client, world):
    log_in(client)
    family = world["family"]
    child = family.children[0]
    url = f"/coordinator/families/{family.id}/children/{child.id}"
    data = child_form(f"c{child.id}", version=str(child.version))
    db.session.delete(child)
    db.session.commit()
    answer = client.post(url, data=data, follow_redirects=True)
    assert answer.status_code == 200
    assert "deleted by someone else meanwhile" in answer.get_data(as_text=True)


def test_a_child_is_added_in_place_and_errors_stay_there(client, world):
    log_in(client)
    family = world["family"]
    page = f"/coordinator/families/{family.id}"
    html = client.get(page, query_string={"add": 1}).get_data(as_text=True)
    assert 'id="new-first_name"' in html and 'id="history"' in html
    assert client.get(f"{page}/children/new").headers["Location"].endswith("?add=1#add-child")
    url = f"{page}/children"
    bad = client.post(url, data=child_form("new", first_name=""))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="new-first_name-error"' in html
    assert 'id="history"' in html  # still the family's page
    assert client.post(url, data=child_form("new", token="t-2")).status_code == 302


def test_a_family_without_children_shows_the_add_form_on_its_page(client, world):
    log_in(client)
    family = world["family"]
    for child in list(family.children):
        db.session.delete(child)
    db.session.commit()
    html = client.get(f"/coordinator/families/{family.id}").get_data(as_text=True)
    assert 'id="new-first_name"' in html and "No children registered yet." in html
