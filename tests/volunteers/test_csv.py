"""CSV import and export of contact families and activities: all rows or none, every error shown."""

import io

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Activity, AuditEvent, ContactFamily
from matcher.services import activity_import, volunteer_import
from matcher.services.errors import ImportFailed
from tests import factories as f

CF_HEADER = (
    "navn;kontaktperson;e-mail;telefon;adresse;postnummer;sprog;interesser;børn_født;kapacitet"
)


@pytest.fixture
def world(app):
    # Error messages are translated lazily; reading them needs a request's language.
    ctx = app.test_request_context()
    ctx.push()
    mun = f.municipality()
    w = {
        "mun": mun,
        "club": f.club(mun, "Søhøj IF"),
        "coordinator": f.user(mun, "coordinator", email="koord@example.dk"),
        "contact": f.user(mun, "club_contact", email="klub@example.dk"),
    }
    db.session.commit()
    yield w
    ctx.pop()


def cf_rows(n: int, bad: int | None = None) -> bytes:
    lines = [CF_HEADER]
    for i in range(n):
        postcode = "12" if i == bad else "8600"
        lines.append(
            f"Familien Ø{i};Åse {i};f{i}@example.dk;2030405{i % 10};Vej {i};{postcode};"
            f"da,ar;fodbold;2015-01-0{1 + i % 9};2"
        )
    return ("\ufeff" + "\r\n".join(lines)).encode("utf-8")


def cf_count() -> int:
    return db.session.scalar(select(func.count(ContactFamily.id)))


def test_import_of_200_rows_with_one_bad_writes_nothing_and_names_the_row(world):
    with pytest.raises(ImportFailed) as failed:
        volunteer_import.import_csv(world["mun"].id, cf_rows(200, bad=136))
    assert [(e.row, e.column) for e in failed.value.errors] == [(138, "postcode")]
    assert cf_count() == 0


def test_import_of_good_rows_stores_them_all_with_danish_letters(world):
    assert volunteer_import.import_csv(world["mun"].id, cf_rows(3)) == 3
    cf = db.session.scalar(select(ContactFamily).where(ContactFamily.email == "f1@example.dk"))
    assert cf.name == "Familien Ø1" and cf.languages == ["da", "ar"]
    assert cf.children_birth_dates == ["2015-01-02"] and cf.capacity == 2
    assert cf.status == "applied"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import"))


def test_comma_separated_file_with_english_headers_is_read(world):
    data = (
        b"name,email,postcode,status,child_certificate_checked\n"
        b"Holm,h@example.dk,8000,approved,2025-01-31\n"
    )
    assert volunteer_import.import_csv(world["mun"].id, data) == 1
    cf = db.session.scalar(select(ContactFamily))
    assert cf.status == "approved" and str(cf.child_certificate_checked_on) == "2025-01-31"


def test_an_email_already_registered_is_refused(world):
    f.contact_family(world["mun"], email="f0@example.dk")
    db.session.commit()
    with pytest.raises(ImportFailed) as failed:
        volunteer_import.import_csv(world["mun"].id, cf_rows(2))
    assert [(e.row, e.column) for e in failed.value.errors] == [(2, "email")]


def test_export_reimports_cleanly_and_neutralises_formulas(world):
    mun = world["mun"]
    f.contact_family(mun, '=HYPERLINK("x")', phone="+45 20 30 40 50", email="a@example.dk")
    db.session.commit()
    data = volunteer_import.export(mun.id)
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+45 20 30 40 50" in text and data.startswith(b"\xef\xbb\xbf")
    other = f.municipality()
    db.session.commit()
    assert volunteer_import.import_csv(other.id, data) == 1
    copy = db.session.scalar(select(ContactFamily).where(ContactFamily.municipality_id == other.id))
    assert copy.phone == "+45 20 30 40 50" and copy.name == '=HYPERLINK("x")'


ACT_HEADER = (
    "klub;aktivitet;kategori;fra_alder;til_alder;køn;ugedage;tid;postnummer;pladser;kontingent"
)


def test_activity_import_reads_danish_words_and_places(world):
    data = ACT_HEADER + "\nSøhøj IF;Svømning;Svømning;6;9;piger;man, onsdag;16:00-17:00;;4;500\n"
    assert activity_import.import_csv(world["mun"].id, data.encode()) == 1
    a = db.session.scalar(select(Activity).where(Activity.name == "Svømning"))
    assert (a.category_code, a.gender, a.weekdays, a.places, a.fee) == (
        "swimming",
        "female",
        ["mon", "wed"],
        4,
        500,
    )
    assert a.postcode == world["club"].postcode


def test_activity_import_lists_every_error_and_writes_nothing(world):
    before = db.session.scalar(select(func.count(Activity.id)))
    data = (
        ACT_HEADER + "\nSøhøj IF;Ok;football;6;9;;man;;;1;0"
        "\nUkendt Klub;Svøm;kajak;12;9;x;funday;;0000;-1;0\n"
    )
    with pytest.raises(ImportFailed) as failed:
        activity_import.import_csv(world["mun"].id, data.encode())
    cells = {(e.row, e.column) for e in failed.value.errors}
    assert cells == {
        (3, "club"),
        (3, "category"),
        (3, "max_age"),
        (3, "gender"),
        (3, "weekdays"),
        (3, "postcode"),
        (3, "places"),
    }
    assert db.session.scalar(select(func.count(Activity.id))) == before


def test_import_page_shows_row_and_column_of_each_error(client, world):
    f.login(client, "koord@example.dk")
    page = client.post(
        "/contact-families/import",
        data={"file": (io.BytesIO(cf_rows(5, bad=2)), "kontaktfamilier.csv")},
        content_type="multipart/form-data",
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and 'id="import-errors"' in html
    assert "<td>4</td><td>postcode</td>" in html
    assert cf_count() == 0


def test_import_page_imports_and_export_downloads(client, world):
    f.login(client, "koord@example.dk")
    answer = client.post(
        "/contact-families/import",
        data={"file": (io.BytesIO(cf_rows(4)), "k.csv")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302 and cf_count() == 4
    export = client.get("/contact-families/export.csv")
    assert export.mimetype == "text/csv" and "Familien Ø3" in export.get_data().decode("utf-8-sig")
    template = client.get("/contact-families/template.csv").get_data().decode("utf-8-sig")
    assert template.startswith("name;contact_name;email")


def test_activity_csv_pages_for_coordinators(client, world):
    f.login(client, "koord@example.dk")
    export = client.get("/clubs/activities/export.csv").get_data().decode("utf-8-sig")
    assert "Søhøj IF;Fodbold U12;football" in export
    assert client.get("/clubs/activities/template.csv").status_code == 200
    assert client.get("/clubs/activities/import").status_code == 200


def test_club_contact_gets_403_on_every_csv_page(client, world):
    f.login(client, "klub@example.dk")
    for url in (
        "/contact-families/export.csv",
        "/contact-families/template.csv",
        "/contact-families/import",
        "/clubs/activities/export.csv",
        "/clubs/activities/import",
    ):
        assert client.get(url).status_code == 403, url
    answer = client.post(
        "/contact-families/import",
        data={"file": (io.BytesIO(cf_rows(2)), "k.csv")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 403 and cf_count() == 0
