"""Importing and exporting families with children: every row checked, all rows or none."""

import csv
import io
from datetime import date, timedelta

import pytest
from flask import session
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent, Child, Family
from matcher.services import family_import
from matcher.services.errors import ImportFailed
from matcher.services.family_import import HEADERS
from tests import factories as f


@pytest.fixture
def world(app):
    mun = f.municipality()
    w = {"mun": mun, "me": f.user(mun, "coordinator", email="hanne@example.dk")}
    db.session.commit()
    with app.test_request_context():
        session["lang"] = "en"  # messages are checked in English, whatever the catalogue holds
        yield w


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count(Family.id))),
        db.session.scalar(select(func.count(Child.id))),
    )


def one_file(*rows: dict, delimiter: str = ";") -> bytes:
    lines = [delimiter.join(HEADERS)] + [
        delimiter.join(r.get(h, "") for h in HEADERS) for r in rows
    ]
    return "\n".join(lines).encode("utf-8")


BASE = {"reference": "A-1", "name": "Haddad", "postcode": "8600", "arrival_date": "2025-01-05"}


def test_two_hundred_rows_make_a_hundred_families_with_two_children_each(world):
    assert family_import.run(world["mun"].id, f.families_csv(200), world["me"]) == (100, 200)
    assert counts() == (100, 200)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import"))
    assert event.detail == {"families": 100, "children": 200}


def test_one_bad_row_out_of_200_writes_nothing_and_names_its_row_and_column(world):
    with pytest.raises(ImportFailed) as failed:
        family_import.run(world["mun"].id, f.families_csv(200, bad_row=117), world["me"])
    assert [(e.row, e.column) for e in failed.value.errors] == [(118, "postcode")]
    assert "9999 is not a known Danish postcode" in str(failed.value.errors[0].message)
    assert counts() == (0, 0)


def test_comma_separated_file_without_bom_keeps_danish_letters(world):
    row = {
        **BASE,
        "name": "Ærø-Østergård Å",
        "child_first_name": "Søs",
        "child_birth_date": "01-06-2016",
        "child_gender": "pige",
    }
    family_import.run(world["mun"].id, one_file(row, delimiter=","))
    family = db.session.scalar(select(Family))
    assert family.name == "Ærø-Østergård Å"
    assert (family.children[0].first_name, family.children[0].gender) == ("Søs", "female")


def test_a_family_row_without_child_columns_is_a_family_without_children(world):
    family_import.run(world["mun"].id, one_file(BASE))
    assert counts() == (1, 0)


def test_danish_headers_words_and_coordinator_emails_are_understood(world):
    text = (
        "Sagsnummer;Navn;Postnummer;Ankomstdato;Sprog;Koordinator;Barn_fornavn;"
        "Barn_fødselsdato;Barn_køn;Barn_ønsker;Barn_ugedage\n"
        "B-1;Osman;8600;2025-01-05;Arabisk;HANNE@example.dk;Ali;2015-02-03;dreng;"
        "Svømning, fodbold;man, ons\n"
    )
    family_import.run(world["mun"].id, text.encode())
    family = db.session.scalar(select(Family))
    assert family.coordinator_id == world["me"].id and family.languages == ["ar"]
    child = family.children[0]
    assert (child.wishes, child.available_days) == (["swimming", "football"], ["mon", "wed"])


def test_every_error_is_listed_with_its_row_and_column(world):
    f.family(world["mun"], reference="TAKEN")
    db.session.commit()
    rows = [
        {**BASE, "reference": "TAKEN"},
        {**BASE, "reference": "C-1", "postcode": "12", "arrival_date": "soon"},
        {
            **BASE,
            "reference": "C-2",
            "coordinator_email": "nobody@example.dk",
            "notes": "CPR 010203-1234",
        },
        {
            **BASE,
            "reference": "C-2",
            "name": "Other name",
            "child_first_name": "Bo",
            "child_birth_date": "2001-01-01",
            "child_gender": "x",
            "child_wishes": "chess",
        },
    ]
    with pytest.raises(ImportFailed) as failed:
        family_import.run(world["mun"].id, one_file(*rows))
    assert {(e.row, e.column) for e in failed.value.errors} == {
        (2, "reference"),
        (3, "postcode"),
        (3, "arrival_date"),
        (4, "coordinator_email"),
        (4, "notes"),
        (5, "name"),
        (5, "child_birth_date"),
        (5, "child_gender"),
        (5, "child_wishes"),
    }
    assert counts() == (1, 2)


def test_export_writes_a_row_per_child_neutralises_formulas_and_is_audited(world):
    f.family(world["mun"], name='=HYPERLINK("http://x")', reference="E-1", children=2)
    f.family(world["mun"], name="Ærø", reference="E-2", children=0)
    db.session.commit()
    data, count = family_import.export_csv(world["mun"].id)
    assert count == 2 and data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [r["reference"] for r in rows] == ["E-1", "E-1", "E-2"]
    assert rows[0]["name"] == '\'=HYPERLINK("http://x")'
    assert rows[2]["name"] == "Ærø" and rows[2]["child_first_name"] == ""
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))


def test_an_export_imports_into_another_municipality_unchanged(world):
    f.family(world["mun"], name="Kravchenko", reference="R-9", children=2)
    db.session.commit()
    data, _ = family_import.export_csv(world["mun"].id)
    other = f.municipality()
    db.session.commit()
    assert family_import.run(other.id, data) == (1, 2)
    copy = db.session.scalar(select(Family).where(Family.municipality_id == other.id))
    assert [c.first_name for c in copy.children] == ["Barn0", "Barn1"]


def test_the_template_has_a_header_and_one_example_row_that_imports(world):
    data = family_import.template_csv()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADERS and len(rows) == 2
    assert family_import.run(world["mun"].id, data) == (1, 1)


FAMILY_FIELDS = (
    "reference",
    "name",
    "address",
    "postcode",
    "lat",
    "lon",
    "location_override",
    "phone",
    "languages",
    "interests",
    "arrival_date",
    "consent_given_by",
    "consent_date",
    "coordinator_id",
    "backup_coordinator_id",
    "wants_contact_family",
    "notes",
)
CHILD_FIELDS = ("first_name", "birth_date", "gender", "wishes", "available_days", "max_distance_km")


def snapshot(municipality_id: int) -> list[tuple]:
    stmt = select(Family).where(Family.municipality_id == municipality_id)
    return sorted(
        (
            tuple(getattr(fam, k) for k in FAMILY_FIELDS),
            [tuple(getattr(c, k) for k in CHILD_FIELDS) for c in fam.children],
        )
        for fam in db.session.scalars(stmt)
    )


def test_an_export_with_formula_like_cells_imports_again_with_identical_data(world):
    mun, me = world["mun"], world["me"]
    backup = f.user(mun, "coordinator", email="bo@example.dk")
    f.family(
        mun,
        name="Ærø-Østergård",
        reference="-R-1",
        address="Søndergade 12, 2. tv.",
        phone="+45 20 30 40 50",
        notes="- husk tolk\n=ikke en formel; æøå",
        languages=["ar", "da"],
        interests=["musik", "madlavning"],
        lat=56.1697,
        lon=9.5451,
        consent_given_by="@Amal Haddad",
        consent_date="2025-03-15",
        coordinator_id=me.id,
        backup_coordinator_id=backup.id,
        wants_contact_family=False,
        children=3,
    )
    f.family(mun, name="'+quoted", reference="R-2", phone="0045 20304050", children=0)
    db.session.commit()
    for fam in db.session.scalars(select(Family)):  # a child with a formula-like name too
        if fam.children:
            fam.children[0].first_name = "-Åse"
            fam.children[1].max_distance_km = 7.5
    db.session.commit()
    before = snapshot(mun.id)
    data, count = family_import.export_csv(mun.id)
    assert count == 2 and "'+45 20 30 40 50" in data.decode("utf-8-sig")
    for fam in db.session.scalars(select(Family)):
        db.session.delete(fam)
    db.session.commit()
    assert counts() == (0, 0)
    assert family_import.run(mun.id, data, me) == (2, 3)
    assert snapshot(mun.id) == before


def test_coordinates_outside_denmark_are_refused_per_row_and_column(world):
    rows = [
        {**BASE, "reference": "G-1", "lat": "99", "lon": "-170"},
        {**BASE, "reference": "G-2", "lat": "56,1", "lon": "nan"},
        {**BASE, "reference": "G-3", "lat": "54.4", "lon": "15.3"},  # the edges are fine
    ]
    with pytest.raises(ImportFailed) as failed:
        family_import.run(world["mun"].id, one_file(*rows))
    assert {(e.row, e.column) for e in failed.value.errors} == {
        (2, "lat"),
        (2, "lon"),
        (3, "lon"),
    }
    assert "Write a number from 54.4 to 57.9." in [str(e.message) for e in failed.value.errors]
    assert counts() == (0, 0)


def test_cpr_numbers_and_too_long_texts_are_named_by_row_and_column(world):
    child = {"child_birth_date": "2015-01-01", "child_gender": "pige"}
    rows = [
        {**BASE, "reference": "P-1", "child_first_name": "Lina 010203-1234", **child},
        {**BASE, "reference": "P-2", "interests": "musik, 0102031234"},
        {**BASE, "reference": "x" * 300},
        {**BASE, "reference": "P-4", "name": "N" * 500, "address": "Vej 1 " * 40},
        {**BASE, "reference": "P-5", "child_first_name": "B" * 81, **child},
    ]
    with pytest.raises(ImportFailed) as failed:
        family_import.run(world["mun"].id, one_file(*rows))
    assert {(e.row, e.column) for e in failed.value.errors} == {
        (2, "child_first_name"),
        (3, "interests"),
        (4, "reference"),
        (5, "name"),
        (5, "address"),
        (6, "child_first_name"),
    }
    messages = {(e.row, str(e.message)) for e in failed.value.errors}
    assert (4, "At most 40 characters.") in messages and (5, "At most 120 characters.") in messages
    assert any("CPR" in m for row, m in messages if row == 2)
    assert counts() == (0, 0)


def test_languages_are_stored_as_codes_and_unknown_ones_named(world):
    family_import.run(world["mun"].id, one_file({**BASE, "languages": "Dansk, ARABIC, da"}))
    assert db.session.scalar(select(Family)).languages == ["da", "ar"]
    with pytest.raises(ImportFailed) as failed:
        family_import.run(
            world["mun"].id, one_file({**BASE, "reference": "L-2", "languages": "Klingon"})
        )
    assert [(e.row, e.column, str(e.message)) for e in failed.value.errors] == [
        (2, "languages", "klingon is not known.")
    ]


def test_an_arrival_date_after_today_is_refused(world):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    rows = [
        {**BASE, "arrival_date": tomorrow},
        {**BASE, "reference": "A-2", "arrival_date": "2031-01-01"},
    ]
    with pytest.raises(ImportFailed) as failed:
        family_import.run(world["mun"].id, one_file(*rows))
    assert [(e.row, e.column) for e in failed.value.errors] == [
        (2, "arrival_date"),
        (3, "arrival_date"),
    ]
    assert str(failed.value.errors[0].message) == "The date cannot be in the future."
    family_import.run(world["mun"].id, one_file({**BASE, "arrival_date": date.today().isoformat()}))
    assert counts() == (1, 0)


def test_errors_name_the_column_as_the_files_header_spells_it(world):
    text = (
        "Sagsnummer;Navn;Postnummer;Ankomstdato;Breddegrad;Længdegrad\n"
        "B-1;Osman;12;2025-01-05;99;9\n"
    )
    with pytest.raises(ImportFailed) as failed:
        family_import.run(world["mun"].id, text.encode())
    assert {(e.row, e.column) for e in failed.value.errors} == {
        (2, "Postnummer"),
        (2, "Breddegrad"),
    }
