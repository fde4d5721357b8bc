"""CSV import and export of contact families: every row checked first, then all saved or none."""

import re
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import ContactFamily, Language
from matcher.models.contact_family import STATUSES
from matcher.services import audit, csv_io, interests, records
from matcher.services.csv_io import Column, ErrorList, Row
from matcher.web.validators import (
    check_child_birth_date,
    check_not_future,
    check_phone,
    check_postcode,
)

COLUMNS = [
    Column("name", ("navn", "familie"), required=True),
    Column("contact_name", ("kontaktperson",)),
    Column("email", ("e_mail", "mail"), required=True),
    Column("phone", ("telefon", "tlf")),
    Column("address", ("adresse",)),
    Column("postcode", ("postnummer", "postnr"), required=True),
    Column("languages", ("sprog",)),
    Column("interests", ("interesser",)),
    Column("children_birth_dates", ("børn_født", "boern_foedt", "children")),
    Column("capacity", ("kapacitet", "antal_familier")),
    Column("max_distance_km", ("max_afstand_km", "afstand_km")),
    Column(
        "status",
    ),
    Column("child_certificate_checked", ("børneattest", "boerneattest", "certificate")),
    Column(
        "motivation",
    ),
]
HEADERS = [c.key for c in COLUMNS]
# The most characters each text column may hold: the model's String(n) length, or for a column
# the model stores as Text or a list, the sign-up form's limit (interests 300, motivation 2000).
MAX_LENGTHS = {
    **{
        key: csv_io.max_length(ContactFamily, key)
        for key in ("name", "contact_name", "email", "phone", "address")
    },
    "interests": 300,
    "motivation": 2000,
}
_DATES_SPLIT = re.compile(r"[,|\s]+")

# Status in the file as a Danish or English word (or the stored code); exported in Danish.
STATUS_DA = {
    "applied": "ansøgt",
    "approved": "godkendt",
    "paused": "på pause",
    "ended": "afsluttet",
}
STATUS_WORDS = {
    **{code: code for code in STATUSES},
    **{word: code for code, word in STATUS_DA.items()},
    "pause": "paused",
    "afsluttet": "ended",
    "slut": "ended",
}


def template() -> bytes:
    """Return an empty CSV with the headers the import reads."""
    return csv_io.to_csv(HEADERS, [])


def export(municipality_id: int) -> bytes:
    """Return the municipality's contact families as CSV, and audit the export."""
    stmt = (
        select(ContactFamily)
        .where(ContactFamily.municipality_id == municipality_id)
        .order_by(ContactFamily.name, ContactFamily.id)
    )
    families = list(db.session.scalars(stmt))
    rows = [
        [
            cf.name,
            cf.contact_name,
            cf.email,
            cf.phone,
            cf.address,
            cf.postcode,
            cf.languages,
            interests.labels(cf.interests, "da"),
            cf.children_birth_dates,
            cf.capacity,
            _plain_number(cf.max_distance_km),
            STATUS_DA.get(cf.status, cf.status),
            cf.child_certificate_checked_on,
            cf.motivation,
        ]
        for cf in families
    ]
    audit.record("export", object_type="contact_family", count=len(rows))
    db.session.commit()
    return csv_io.to_csv(HEADERS, rows)


def import_csv(municipality_id: int, data: bytes) -> int:
    """Check every row of an uploaded file, then add all its contact families or none."""
    rows = csv_io.read_rows(data, COLUMNS)
    csv_io.unneutralise_rows(rows)  # an exported '+45 ... imports as it was written
    errors = ErrorList.for_rows(rows)
    known = _existing_emails(municipality_id)
    languages = csv_io.reference_codes(Language)
    items = []
    for row in rows:
        item = _parse(row, errors, languages)
        email = item.get("email")
        if email and email in known:
            errors.add(row.number, "email", _l("A contact family with this e-mail exists."))
        elif email:
            known.add(email)
        items.append(item)
    if not rows:
        errors.add(csv_io.HEADER_ROW, "-", _l("The file has no rows."))
    errors.raise_if_any()
    count = csv_io.write_all(items, lambda d: records.create_contact_family(municipality_id, d))
    audit.record("import", object_type="contact_family", count=count)
    db.session.commit()
    return count


def _existing_emails(municipality_id: int) -> set[str]:
    stmt = select(func.lower(ContactFamily.email)).where(
        ContactFamily.municipality_id == municipality_id
    )
    return set(db.session.scalars(stmt))


def _parse(row: Row, errors: ErrorList, languages: dict[str, str]) -> dict:
    """Turn one row into plain data for `records.create_contact_family`, noting every problem.

    `languages` maps language codes and Danish and English names (lower case) to codes.
    """
    csv_io.check_text(row, errors, MAX_LENGTHS)
    get = row.get
    if not get("name"):
        errors.add(row.number, "name", _l("A name is required."))
    email = get("email").lower()
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        errors.add(row.number, "email", _l("%(value)s is not an e-mail address.", value=email))
    for key, check in (("postcode", check_postcode), ("phone", check_phone)):
        if message := check(get(key)):
            errors.add(row.number, key, message)
    capacity = csv_io.parse_number(row, "capacity", errors, 1)
    if capacity is not None and (capacity != int(capacity) or not 1 <= capacity <= 5):
        errors.add(row.number, "capacity", _l("Write a whole number from 1 to 5."))
    distance = csv_io.parse_number(row, "max_distance_km", errors, 10)
    if distance is not None and not 1 <= distance <= 100:
        errors.add(row.number, "max_distance_km", _l("Write a distance from 1 to 100 km."))
    typed = " ".join(get("status").split()).casefold() or "applied"
    status = STATUS_WORDS.get(typed, typed)
    if status not in STATUSES:
        errors.add(row.number, "status", _l("Write ansøgt, godkendt, på pause or afsluttet."))
    certificate = csv_io.parse_date(row, "child_certificate_checked", errors)
    if message := check_not_future(certificate):
        errors.add(row.number, "child_certificate_checked", message)
    return {
        "name": get("name"),
        "contact_name": get("contact_name"),
        "email": email,
        "phone": get("phone"),
        "address": get("address"),
        "postcode": get("postcode"),
        "languages": csv_io.parse_codes(row, "languages", errors, languages),
        "interests": csv_io.parse_list(row, "interests"),
        "children_birth_dates": _birth_dates(row, errors),
        "capacity": int(capacity or 1),
        "max_distance_km": float(distance or 10),
        "status": status,
        "child_certificate_checked": certificate,
        "motivation": get("motivation"),
    }


def _birth_dates(row: Row, errors: ErrorList) -> list[date]:
    """Read the own children's birth dates (separated by commas or spaces): children under 18,
    as the form takes them (a typo such as 0001-01-01 would otherwise count in pairing)."""
    found = []
    for text in _DATES_SPLIT.split(row.get("children_birth_dates")):
        if not text:
            continue
        day = _date(text)
        if day is None or day > date.today():
            errors.add(
                row.number,
                "children_birth_dates",
                _l("%(value)s is not a birth date (write 2014-03-31).", value=text),
            )
        elif message := check_child_birth_date(day):
            errors.add(row.number, "children_birth_dates", message)
        else:
            found.append(day)
    return sorted(found)


def _date(text: str) -> date | None:
    for fmt in csv_io.DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _plain_number(value: float) -> int | float:
    """Write 10.0 as 10 so the export reads like what was typed."""
    return int(value) if float(value).is_integer() else value
