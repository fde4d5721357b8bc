"""CSV import and export of clubs' activities: every row checked first, then all saved or none."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Activity, Category, Club
from matcher.models.club import MAX_FEE, MAX_PLACES
from matcher.models.family import WEEKDAYS
from matcher.services import audit, csv_io, records
from matcher.services.csv_io import Column, ErrorList, Row
from matcher.web.validators import (
    check_age_range,
    check_postcode,
    check_time_range,
    normalise_time_range,
)

COLUMNS = [
    Column("club", ("klub", "forening"), required=True),
    Column("name", ("aktivitet", "navn", "activity"), required=True),
    Column("category", ("kategori",), required=True),
    Column("min_age", ("fra_alder", "min_alder"), required=True),
    Column("max_age", ("til_alder", "max_alder"), required=True),
    Column("gender", ("køn", "koen", "for")),
    Column("weekdays", ("ugedage", "dage", "days")),
    Column("time", ("tid", "tidspunkt")),
    Column("address", ("adresse", "sted")),
    Column("postcode", ("postnummer", "postnr")),
    Column("places", ("pladser", "friplader", "fripladser")),
    Column("fee", ("kontingent", "pris")),
]
HEADERS = [c.key for c in COLUMNS]
GENDERS = {
    "any": "any",
    "alle": "any",
    "everyone": "any",
    "": "any",
    "female": "female",
    "girls": "female",
    "piger": "female",
    "male": "male",
    "boys": "male",
    "drenge": "male",
}
DANISH_DAYS = dict(zip(("man", "tir", "ons", "tor", "fre", "lør", "søn"), WEEKDAYS, strict=True))
# The most characters each text column may hold: the Activity model's String(n) lengths.
MAX_LENGTHS = {key: csv_io.max_length(Activity, key) for key in ("name", "time", "address")}


def template() -> bytes:
    """Return an empty CSV with the headers the import reads."""
    return csv_io.to_csv(HEADERS, [])


def export(municipality_id: int) -> bytes:
    """Return the municipality's active activities as CSV, and audit the export."""
    stmt = (
        select(Activity, Club.name)
        .join(Club)
        .where(Club.municipality_id == municipality_id, Activity.active.is_(True))
        .order_by(Club.name, Activity.name, Activity.id)
    )
    rows = [
        [
            club,
            a.name,
            a.category_code,
            a.min_age,
            a.max_age,
            a.gender,
            a.weekdays,
            a.time,
            a.address,
            a.postcode,
            a.places,
            a.fee,
        ]
        for a, club in db.session.execute(stmt)
    ]
    audit.record("export", object_type="activity", count=len(rows))
    db.session.commit()
    return csv_io.to_csv(HEADERS, rows)


def import_csv(municipality_id: int, data: bytes) -> int:
    """Check every row of an uploaded file, then add all its activities or none."""
    rows = csv_io.read_rows(data, COLUMNS)
    clubs = {
        c.name.strip().lower(): c
        for c in db.session.scalars(select(Club).where(Club.municipality_id == municipality_id))
    }
    categories = _categories()
    csv_io.unneutralise_rows(rows)  # an exported '-... cell imports as it was written
    errors = ErrorList.for_rows(rows)
    items = [_parse(row, errors, clubs, categories) for row in rows]
    if not rows:
        errors.add(csv_io.HEADER_ROW, "-", _l("The file has no rows."))
    errors.raise_if_any()
    count = csv_io.write_all(items, lambda item: records.add_activity(item[0], item[1]))
    audit.record("import", object_type="activity", count=count)
    db.session.commit()
    return count


def _categories() -> dict[str, str]:
    """Map a category's code and its Danish and English names (lower case) to its code."""
    return csv_io.reference_codes(Category)


def _parse(row: Row, errors: ErrorList, clubs: dict, categories: dict) -> tuple[Club, dict]:
    """Turn one row into (club, plain activity data), noting every problem."""
    csv_io.check_text(row, errors, MAX_LENGTHS)
    club = clubs.get(row.get("club").lower())
    if club is None:
        errors.add(row.number, "club", _l("No club with this name in the municipality."))
    if not row.get("name"):
        errors.add(row.number, "name", _l("A name is required."))
    category = categories.get(row.get("category").lower())
    if category is None:
        errors.add(row.number, "category", _l("Unknown category."))
    ages = [_whole(row, key, errors, 0, 17) for key in ("min_age", "max_age")]
    if message := check_age_range(*ages):
        errors.add(row.number, "max_age", message)
    gender = GENDERS.get(row.get("gender").lower())
    if gender is None:
        errors.add(row.number, "gender", _l("Write any, girls or boys."))
    days, words = [], [w for w in re.split(r"[,;|\s]+", row.get("weekdays").lower()) if w]
    for word in words:
        day = word[:3] if word[:3] in WEEKDAYS else DANISH_DAYS.get(word[:3])
        if day is None:
            errors.add(row.number, "weekdays", _l("%(value)s is not a weekday.", value=word))
        elif day not in days:
            days.append(day)
    if not words:  # the activity form requires at least one day too
        errors.add(row.number, "weekdays", _l("Choose at least one weekday."))
    # As the activity form: optional, else HH:MM-HH:MM of real times, the start first.
    if message := check_time_range(row.get("time")):
        errors.add(row.number, "time", message)
    if row.get("postcode") and (message := check_postcode(row.get("postcode"))):
        errors.add(row.number, "postcode", message)
    data = {
        "name": row.get("name"),
        "category": category,
        "min_age": ages[0],
        "max_age": ages[1],
        "gender": gender or "any",
        "weekdays": [d for d in WEEKDAYS if d in days],
        "time": normalise_time_range(row.get("time")),
        "address": row.get("address"),
        "postcode": row.get("postcode"),
        "places": _whole(row, "places", errors, 0, MAX_PLACES, default=0),
        "fee": _whole(row, "fee", errors, 0, MAX_FEE, default=0),
    }
    return club, data


def _whole(row: Row, key: str, errors: ErrorList, low: int, high: int | None, default=None):
    """Read a whole number within [low, high]; note anything else."""
    if not row.get(key) and default is None:
        errors.add(row.number, key, _l("A number is required."))
        return None
    value = csv_io.parse_number(row, key, errors, default)
    if value is None:
        return None
    if value != int(value) or value < low or (high is not None and value > high):
        if high is None:
            errors.add(row.number, key, _l("Write a whole number, 0 or more."))
        else:
            errors.add(
                row.number,
                key,
                _l("Write a whole number from %(low)s to %(high)s.", low=low, high=high),
            )
        return None
    return int(value)
