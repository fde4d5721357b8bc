"""Importing and exporting families with children: every row checked, all rows or none."""

import csv
import io

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
