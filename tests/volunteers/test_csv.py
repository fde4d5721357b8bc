"""CSV import and export of contact families and activities: all rows or none, every error shown."""

import io

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Activity, AuditEvent, ContactFamily, Language
from matcher.services import activity_import, records, volunteer_import
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
    # The column is named as the file's header has it (postnummer), not by its internal key.
    assert [(e.row, e.column) for e in failed.value.errors] == [(138, "postnummer")]
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


def test_status_may_be_written_in_danish_and_is_exported_in_danish(world):
    data = (
        "navn;e-mail;postnummer;status;interesser\n"
        "Holm;h@example.dk;8000;Godkendt;Fodbold, madlavning\n"
        "Berg;b@example.dk;8000;på pause;\n"
        "Dahl;d@example.dk;8000;ansøgt;\n"
    ).encode()
    assert volunteer_import.import_csv(world["mun"].id, data) == 3
    by_name = {cf.name: cf for cf in db.session.scalars(select(ContactFamily))}
    assert [by_name[n].status for n in ("Holm", "Berg", "Dahl")] == [
        "approved",
        "paused",
        "applied",
    ]
    assert by_name["Holm"].interests == ["football", "cooking"]
    exported = volunteer_import.export(world["mun"].id).decode("utf-8-sig")
    assert "godkendt" in exported and "fodbold, madlavning" in exported
    with pytest.raises(ImportFailed) as failed:
        volunteer_import.import_csv(
            world["mun"].id, b"navn;e-mail;postnummer;status\nX;x@example.dk;8000;klar\n"
        )
    assert "godkendt" in str(failed.value.errors[0].message)


def test_an_email_already_registered_is_refused(world):
    f.contact_family(world["mun"], email="f0@example.dk")
    db.session.commit()
    with pytest.raises(ImportFailed) as failed:
        volunteer_import.import_csv(world["mun"].id, cf_rows(2))
    assert [(e.row, e.column) for e in failed.value.errors] == [(2, "e-mail")]


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


def test_activity_import_refuses_places_and_fees_beyond_any_real_activity(world):
    # the matching engine refuses such numbers, so one typo would stop every round
    before = db.session.scalar(select(func.count(Activity.id)))
    data = (
        ACT_HEADER + "\nSøhøj IF;Svøm;Svømning;6;9;;man;;;10001;0"
        "\nSøhøj IF;Løb;Svømning;6;9;;man;;;4;100001"
        "\nSøhøj IF;Ok;Svømning;6;9;;man;;;10000;100000\n"
    )
    with pytest.raises(ImportFailed) as failed:
        activity_import.import_csv(world["mun"].id, data.encode())
    found = {(e.row, e.column, str(e.message)) for e in failed.value.errors}
    assert found == {
        (2, "pladser", "Skriv et helt tal fra 0 til 10000."),
        (3, "kontingent", "Skriv et helt tal fra 0 til 100000."),
    }
    assert db.session.scalar(select(func.count(Activity.id))) == before


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
        (3, "klub"),
        (3, "kategori"),
        (3, "til_alder"),
        (3, "køn"),
        (3, "ugedage"),
        (3, "postnummer"),
        (3, "pladser"),
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
    assert "<td>4</td><td>postnummer</td>" in html
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


def test_contact_family_languages_are_stored_as_codes_and_unknown_ones_named(world):
    db.session.add(Language(code="en", name_da="Engelsk", name_en="English"))
    db.session.commit()
    data = "navn;e-mail;postnummer;sprog\nHolm;h@example.dk;8000;Dansk, ENGELSK, ar\n"
    assert volunteer_import.import_csv(world["mun"].id, data.encode()) == 1
    assert db.session.scalar(select(ContactFamily)).languages == ["da", "en", "ar"]
    data = "navn;e-mail;postnummer;sprog\nLund;l@example.dk;8000;dansk, klingon\n"
    with pytest.raises(ImportFailed) as failed:
        volunteer_import.import_csv(world["mun"].id, data.encode())
    assert [(e.row, e.column) for e in failed.value.errors] == [(2, "sprog")]
    assert "klingon" in str(failed.value.errors[0].message)


def test_contact_family_cpr_numbers_and_too_long_texts_are_named_by_row_and_column(world):
    long_name = "N" * 121
    data = (
        "navn;kontaktperson;e-mail;postnummer;motivation\n"
        "Holm;Åse 010203-1234;h@example.dk;8000;ok\n"
        f"{long_name};Bo;0102031234@example.dk;8000;{'m' * 2001}\n"
    )
    with pytest.raises(ImportFailed) as failed:
        volunteer_import.import_csv(world["mun"].id, data.encode())
    assert {(e.row, e.column) for e in failed.value.errors} == {
        (2, "kontaktperson"),
        (3, "navn"),
        (3, "e-mail"),
        (3, "motivation"),
    }
    assert cf_count() == 0


def test_activity_import_requires_a_weekday_and_a_real_time_span(world):
    rows = [
        "Søhøj IF;Ingen dage;football;6;9;;;16:00-17:00;;1;0",
        "Søhøj IF;Bare tekst;football;6;9;;man;kl. 16;;1;0",
        "Søhøj IF;Baglæns;football;6;9;;man;18:00-16:00;;1;0",
        "Søhøj IF;Umulig;football;6;9;;man;25:00-26:00;;1;0",
        "Søhøj IF;Kun komma;football;6;9;;, ,;;;1;0",
    ]
    with pytest.raises(ImportFailed) as failed:
        activity_import.import_csv(world["mun"].id, "\n".join([ACT_HEADER, *rows]).encode())
    assert {(e.row, e.column) for e in failed.value.errors} == {
        (2, "ugedage"),
        (3, "tid"),
        (4, "tid"),
        (5, "tid"),
        (6, "ugedage"),
    }
    ok = ACT_HEADER + "\nSøhøj IF;Svøm;swimming;6;9;;tirsdag;9.30 – 11:00;;1;0\n"
    assert activity_import.import_csv(world["mun"].id, ok.encode()) == 1
    assert db.session.scalar(select(Activity).where(Activity.name == "Svøm")).time == "09:30-11:00"


def test_activity_cpr_numbers_and_too_long_texts_are_named_by_row_and_column(world):
    rows = [
        "Søhøj IF;Hold 0102031234;football;6;9;;man;;;1;0",
        f"Søhøj IF;{'A' * 121};football;6;9;;man;;;1;0",
    ]
    with pytest.raises(ImportFailed) as failed:
        activity_import.import_csv(world["mun"].id, "\n".join([ACT_HEADER, *rows]).encode())
    assert [(e.row, e.column) for e in failed.value.errors] == [(2, "aktivitet"), (3, "aktivitet")]
    assert "120" in str(failed.value.errors[1].message)  # the column's most characters


def test_activity_export_imports_again_with_identical_data(world):
    mun, club = world["mun"], world["club"]
    records.add_activity(
        club,
        {
            "name": "-Leg & bevægelse, æøå",
            "category": "swimming",
            "min_age": 3,
            "max_age": 6,
            "gender": "female",
            "weekdays": ["tue", "sat"],
            "time": "16:30-18:00",
            "address": "=Søvej 1",
            "postcode": "8600",
            "places": 2,
            "fee": 150,
        },
    )
    db.session.commit()
    fields = (
        "name",
        "category_code",
        "min_age",
        "max_age",
        "gender",
        "weekdays",
        "time",
        "address",
        "postcode",
        "places",
        "fee",
    )

    def snapshot() -> list[tuple]:
        return sorted(tuple(getattr(a, k) for k in fields) for a in club.activities)

    before = snapshot()
    data = activity_import.export(mun.id)
    assert "'-Leg" in data.decode("utf-8-sig")
    for activity in list(club.activities):
        db.session.delete(activity)
    db.session.commit()
    assert activity_import.import_csv(mun.id, data) == 2
    db.session.refresh(club)
    assert snapshot() == before
