"""Fuzzing the CSV reading: whatever bytes arrive, the answer is rows or ImportFailed (row and
column named), never another exception; what the writer neutralises reads back as written."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.extensions import db
from matcher.services import activity_import, csv_io, volunteer_import
from matcher.services.errors import ImportFailed
from tests import factories as f

FUZZ = settings(max_examples=200, deadline=None)
DB_FUZZ = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
COLUMNS = [
    csv_io.Column("name", ("navn",), required=True),
    csv_io.Column("postcode"),
    csv_io.Column("arrival_date"),
    csv_io.Column("count"),
    csv_io.Column("ok"),
]
# Text that looks like spreadsheet cells: digits, dates, Danish letters, separators, quotes.
CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "8600",
            "9999",
            "2024-02-30",
            "31.12.2023",
            "ja",
            "nej",
            "x",
            "=1+1",
            "æøå ÆØÅ",
            '"',
            '""',
            ";",
            ",",
            "\r\n",
            "\ufeff",
            "1,5",
            "-3",
        ]
    ),
)


def _csv(header: list[str], rows: list[list[str]], sep: str, bom: bool) -> bytes:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    return (("\ufeff" if bom else "") + "\n".join(lines)).encode("utf-8")


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_give_rows_or_import_failed(data):
    try:
        rows = csv_io.read_rows(data, COLUMNS)
    except ImportFailed as exc:
        assert exc.errors and all(e.row >= 1 and e.column for e in exc.errors)
    else:
        assert all(r.number >= 2 for r in rows)


@FUZZ
@given(
    header=st.lists(
        st.sampled_from(
            ["name", "navn", "postcode", "arrival_date", "count", "ok", "unknown", "", " Name "]
        ),
        min_size=1,
        max_size=6,
    ),
    rows=st.lists(st.lists(CELL, max_size=7), max_size=8),
    sep=st.sampled_from([";", ","]),
    bom=st.booleans(),
)
def test_spreadsheet_like_files_parse_or_name_the_bad_row(header, rows, sep, bom):
    try:
        parsed = csv_io.read_rows(_csv(header, rows, sep, bom), COLUMNS)
    except ImportFailed as exc:
        assert exc.errors
        return
    errors = csv_io.ErrorList()
    for row in parsed:
        csv_io.parse_date(row, "arrival_date", errors)
        csv_io.parse_number(row, "count", errors)
        csv_io.parse_bool(row, "ok", errors)
        assert all(w == w.strip().lower() and w for w in csv_io.parse_list(row, "name"))
    assert all(e.row in {r.number for r in parsed} for e in errors.errors)


# What the site stores: no control characters but tab and line breaks (forms and imports
# refuse the others, see the next test)
STORABLE = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r"),
    max_size=20,
)


@FUZZ
@given(st.lists(st.lists(STORABLE, min_size=2, max_size=2), min_size=1, max_size=6))
def test_written_cells_read_back_neutralised_and_never_as_formulas(rows):
    data = csv_io.to_csv(["name", "postcode"], rows)
    try:
        parsed = csv_io.read_rows(data, COLUMNS)
    except ImportFailed as exc:
        # Only a row that is wider than the header (a delimiter inside a quoted cell cannot do
        # that) or a header problem may refuse the file; neither can come from to_csv.
        pytest.fail(f"to_csv wrote a file read_rows refuses: {exc.errors}")
    kept = [r for r in rows if any(csv_io.neutralise(c).strip() for c in r)]
    assert [(p.get("name"), p.get("postcode")) for p in parsed] == [
        (csv_io.neutralise(a).strip(), csv_io.neutralise(b).strip()) for a, b in kept
    ]
    for p in parsed:
        for cell in p.cells.values():
            assert not cell.startswith(("=", "+", "-", "@"))


@FUZZ
@given(st.text(max_size=10), st.sampled_from("\x00\x01\x08\x0b\x0c\x1b\x7f"), st.text(max_size=10))
def test_a_cell_with_a_control_character_is_refused_by_row_and_column(before, bad, after):
    # PostgreSQL refuses NUL in text; none of them is anything a person meant to type (those
    # that are white space are stripped at a cell's ends, like spaces: kept inside a word)
    cell = f"a{before}{bad}{after}b"
    data = csv_io.to_csv(["name", "postcode"], [["Ok", "8000"], ["Ok", cell]])
    with pytest.raises(ImportFailed) as failed:
        csv_io.read_rows(data, COLUMNS)
    assert [(e.row, e.column) for e in failed.value.errors] == [(3, "postcode")]


VOLUNTEER_HEADERS = [
    "name",
    "email",
    "postcode",
    "phone",
    "languages",
    "children_birth_dates",
    "capacity",
    "max_distance_km",
    "status",
    "navn",
    "bogus",
]
ACTIVITY_HEADERS = [
    "club",
    "name",
    "category",
    "min_age",
    "max_age",
    "gender",
    "weekdays",
    "places",
    "fee",
    "postcode",
]


@DB_FUZZ
@given(
    header=st.lists(st.sampled_from(VOLUNTEER_HEADERS), min_size=1, max_size=9, unique=True),
    rows=st.lists(st.lists(CELL, max_size=10), max_size=5),
)
def test_contact_family_import_answers_with_a_count_or_import_failed(app, header, rows):
    mun = _municipality()
    try:
        with app.test_request_context():  # uploads arrive in a request (messages are lazy)
            count = volunteer_import.import_csv(mun, _csv(header, rows, ";", True))
    except ImportFailed as exc:
        db.session.rollback()
        assert exc.errors
    else:
        assert 0 < count <= len(rows)


@DB_FUZZ
@given(
    header=st.lists(st.sampled_from(ACTIVITY_HEADERS), min_size=1, max_size=10, unique=True),
    rows=st.lists(st.lists(CELL, max_size=10), max_size=5),
)
def test_activity_import_answers_with_a_count_or_import_failed(app, header, rows):
    mun = _municipality()
    try:
        with app.test_request_context():  # uploads arrive in a request (messages are lazy)
            count = activity_import.import_csv(mun, _csv(header, rows, ";", False))
    except ImportFailed as exc:
        db.session.rollback()
        assert exc.errors
    else:
        assert 0 < count <= len(rows)


def _municipality() -> int:
    from sqlalchemy import select

    from matcher.models import Municipality

    mun = db.session.scalar(select(Municipality).where(Municipality.code == "fuzz"))
    if mun is None:
        mun = f.municipality("fuzz")
        f.club(mun, name="8600")
        db.session.commit()
    return mun.id
