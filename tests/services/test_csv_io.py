"""The shared CSV machinery: encodings, delimiters, headers, row errors, formula neutralising."""

import csv
import io

import pytest

from matcher.services import csv_io
from matcher.services.csv_io import Column, ErrorList
from matcher.services.errors import ImportFailed

COLUMNS = [Column("name", ("navn",), required=True), Column("postcode", ("postnummer",))]


def test_semicolon_file_with_bom_and_danish_letters_is_read():
    data = "\ufeffnavn;postnummer\r\nSøren Ærø Åberg;8600\r\n".encode()
    rows = csv_io.read_rows(data, COLUMNS)
    assert [(r.number, r.cells) for r in rows] == [
        (2, {"name": "Søren Ærø Åberg", "postcode": "8600"})
    ]


def test_comma_file_without_bom_is_read_and_blank_rows_skipped():
    data = b'Name,Postcode\n"Haddad, Amal",8000\n,\nJensen,2100\n'
    rows = csv_io.read_rows(data, COLUMNS)
    assert [(r.number, r.get("name")) for r in rows] == [(2, "Haddad, Amal"), (4, "Jensen")]


def test_file_that_is_not_utf8_is_refused():
    with pytest.raises(ImportFailed) as failed:
        csv_io.read_rows("name;postcode\nSøren;8600\n".encode("latin-1"), COLUMNS)
    assert failed.value.errors[0].row == 1


def test_unknown_and_missing_headers_are_reported_against_row_one():
    with pytest.raises(ImportFailed) as failed:
        csv_io.read_rows(b"postcode;shoe_size\n8600;42\n", COLUMNS)
    assert {(e.row, e.column) for e in failed.value.errors} == {(1, "shoe_size"), (1, "name")}


def test_row_with_more_cells_than_headers_is_an_error():
    with pytest.raises(ImportFailed) as failed:
        csv_io.read_rows(b"name;postcode\nA;8600;extra\n", COLUMNS)
    assert failed.value.errors[0].row == 2


def test_error_list_collects_every_problem_sorted_by_row():
    errors = ErrorList()
    errors.add(5, "postcode", "bad")
    errors.add(3, "name", "missing")
    with pytest.raises(ImportFailed) as failed:
        errors.raise_if_any()
    assert [(e.row, e.column) for e in failed.value.errors] == [(3, "name"), (5, "postcode")]
    assert str(failed.value.errors[0]) == "Row 3, column name: missing"


@pytest.mark.parametrize(
    "text, expected",
    [("2024-03-31", "2024-03-31"), ("31-03-2024", "2024-03-31"), ("31.03.2024", "2024-03-31")],
)
def test_dates_are_read_in_iso_and_danish_forms(text, expected):
    row = csv_io.Row(2, {"d": text})
    assert csv_io.parse_date(row, "d", ErrorList()).isoformat() == expected


def test_numbers_take_a_decimal_comma_and_yes_no_takes_danish_words():
    errors = ErrorList()
    row = csv_io.Row(2, {"km": "2,5", "yes": "ja", "no": "Nej", "bad": "maybe"})
    assert csv_io.parse_number(row, "km", errors) == 2.5
    assert csv_io.parse_bool(row, "yes", errors) is True
    assert csv_io.parse_bool(row, "no", errors) is False
    csv_io.parse_bool(row, "bad", errors)
    assert [(e.row, e.column) for e in errors.errors] == [(2, "bad")]


@pytest.mark.parametrize("cell", ["=1+1", "+45 2030", "-3", "@SUM(A1)", "\tx", "\rx"])
def test_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(cell):
    assert csv_io.neutralise(cell) == "'" + cell


def test_export_is_utf8_with_bom_semicolons_and_neutralised_cells():
    data = csv_io.to_csv(["name", "note"], [["Ærø", '=HYPERLINK("http://x")'], ["Bo", "ok"]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["name", "note"], ["Ærø", '\'=HYPERLINK("http://x")'], ["Bo", "ok"]]


def test_exported_file_reads_back():
    data = csv_io.to_csv(["name", "postcode"], [["Åse; Øster", "8600"]])
    rows = csv_io.read_rows(data, COLUMNS)
    assert rows[0].cells == {"name": "Åse; Øster", "postcode": "8600"}


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "+45 20 30 40 50", "- husk tolk", "@x", "'+45", "''=x", "'plain", "plain", " =1", ""],
)
def test_unneutralise_gives_back_exactly_what_was_exported(cell):
    assert csv_io.unneutralise(csv_io.neutralise(cell)) == cell.strip()
    assert not csv_io.neutralise(cell).strip().startswith(("=", "+", "-", "@"))


def test_errors_name_the_column_as_the_file_spells_it_and_unknown_keys_as_they_are():
    rows = csv_io.read_rows("\ufeff Navn ;Postnummer\r\nBo;12\r\n".encode(), COLUMNS)
    errors = ErrorList.for_rows(rows)
    errors.add(2, "postcode", "bad")
    errors.add(2, "name", "bad")
    errors.add(2, "lat", "bad")
    assert [e.column for e in errors.errors] == ["Postnummer", "Navn", "lat"]


@pytest.mark.parametrize("text", ["nan", "inf", "-Infinity", "1e999"])
def test_numbers_that_are_not_finite_are_refused(text):
    errors = ErrorList()
    assert csv_io.parse_number(csv_io.Row(2, {"km": text}), "km", errors, 5.0) == 5.0
    assert [(e.row, e.column) for e in errors.errors] == [(2, "km")]


def test_check_text_names_cpr_numbers_in_any_cell_and_too_long_cells(app):
    with app.test_request_context():
        errors = ErrorList()
        row = csv_io.Row(2, {"name": "Bo 010203-1234", "email": "0102031234@x.dk", "ref": "x" * 41})
        csv_io.check_text(row, errors, {"ref": 40, "name": None})
        assert [e.column for e in errors.errors] == ["name", "email", "ref"]
        assert "40" in str(errors.errors[2].message)
