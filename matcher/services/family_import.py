"""CSV import and export of refugee families with their children: one row per child.

A family's columns are repeated on each of its children's rows (rows with the same reference
belong to one family; later rows may leave the family columns empty), and a family without
children is one row with the child columns empty. The import checks every row first and saves
all families or none; the export writes the same columns, so a file can be edited and re-imported
into another municipality.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from matcher.extensions import db
from matcher.models import Category, Child, Family, Language, User
from matcher.models.family import GENDERS
from matcher.services import audit, csv_io, families, interests, records
from matcher.services.csv_io import Column, ErrorList, Row
from matcher.services.errors import ImportFailed, RowError
from matcher.web.validators import (
    check_child_birth_date,
    check_not_future,
    check_phone,
    check_postcode,
)

FAMILY_COLUMNS = (
    Column("reference", ("ref", "sagsnummer"), required=True),
    Column("name", ("navn", "familienavn", "family_name"), required=True),
    Column("address", ("adresse",)),
    Column("postcode", ("postnummer", "postnr"), required=True),
    Column("lat", ("latitude", "breddegrad")),
    Column("lon", ("longitude", "længdegrad")),
    Column("phone", ("telefon", "tlf")),
    Column("languages", ("sprog",)),
    Column("interests", ("interesser",)),
    Column("arrival_date", ("ankomstdato", "ankomst"), required=True),
    Column("consent_given_by", ("samtykke_givet_af",)),
    Column("consent_date", ("samtykkedato", "samtykke_dato")),
    Column("coordinator_email", ("koordinator",)),
    Column("backup_coordinator_email", ("backup_koordinator", "stedfortræder")),
    Column("wants_contact_family", ("ønsker_kontaktfamilie",)),
    Column("notes", ("noter", "bemærkninger")),
)
CHILD_COLUMNS = (
    Column("child_first_name", ("barn_fornavn",)),
    Column("child_birth_date", ("barn_fødselsdato",)),
    Column("child_gender", ("barn_køn",)),
    Column("child_wishes", ("barn_ønsker",)),
    Column("child_available_days", ("barn_ugedage",)),
    Column("child_max_distance_km", ("barn_max_afstand_km",)),
)
COLUMNS = FAMILY_COLUMNS + CHILD_COLUMNS
HEADERS = [c.key for c in COLUMNS]
# The template's example row; columns not named here are left empty.
EXAMPLE_CELLS = {
    "reference": "SH-2024-101",
    "name": "Haddad",
    "address": "Søndergade 12, 2. tv.",
    "postcode": "8600",
    "phone": "20 30 40 50",
    "languages": "ar, da",
    "interests": "musik, madlavning",
    "arrival_date": "2024-03-01",
    "consent_given_by": "Amal Haddad",
    "consent_date": "2024-03-15",
    "wants_contact_family": "ja",
    "child_first_name": "Lina",
    "child_birth_date": "2014-06-02",
    "child_gender": "female",
    "child_wishes": "football, swimming",
    "child_available_days": "mon, wed",
    "child_max_distance_km": "5",
}
EXAMPLE = [EXAMPLE_CELLS.get(h, "") for h in HEADERS]
CHILD_KEYS = [c.key for c in CHILD_COLUMNS]
# The family's own columns: on a family's later rows they are empty or the same as on its first.
FAMILY_KEYS = [c.key for c in FAMILY_COLUMNS]
GENDER_WORDS = {
    **{g: g for g in GENDERS},
    "pige": "female",
    "girl": "female",
    "f": "female",
    "k": "female",
    "dreng": "male",
    "boy": "male",
    "m": "male",
    "andet": "other",
}
WEEKDAY_WORDS = {
    "mon": "mon",
    "man": "mon",
    "mandag": "mon",
    "monday": "mon",
    "tue": "tue",
    "tir": "tue",
    "tirsdag": "tue",
    "tuesday": "tue",
    "wed": "wed",
    "ons": "wed",
    "onsdag": "wed",
    "wednesday": "wed",
    "thu": "thu",
    "tor": "thu",
    "torsdag": "thu",
    "thursday": "thu",
    "fri": "fri",
    "fre": "fri",
    "fredag": "fri",
    "friday": "fri",
    "sat": "sat",
    "lør": "sat",
    "lørdag": "sat",
    "saturday": "sat",
    "sun": "sun",
    "søn": "sun",
    "søndag": "sun",
    "sunday": "sun",
}
MAX_WISHES = 3
# The most characters each text column may hold: the model's String(n) length, or for a column
# the model stores as Text or a list, the family form's limit (interests 300, notes 5000).
MAX_LENGTHS = {
    **{
        key: csv_io.max_length(Family, key)
        for key in ("reference", "name", "address", "phone", "consent_given_by")
    },
    "interests": 300,
    "notes": 5000,
    "coordinator_email": csv_io.max_length(User, "email"),
    "backup_coordinator_email": csv_io.max_length(User, "email"),
    "child_first_name": csv_io.max_length(Child, "first_name"),
}


def template_csv() -> bytes:
    """Return the import template: the header row and one example row."""
    return csv_io.to_csv(HEADERS, [EXAMPLE])


def _lookups(municipality_id: int) -> dict:
    """Load the reference data every row is checked against, in a few queries."""
    people = {u.email.lower(): u.id for u in families.coordinators_of(municipality_id)}
    return {
        "languages": csv_io.reference_codes(Language),
        "categories": csv_io.reference_codes(Category),
        "coordinators": people,
    }


def parse(municipality_id: int, data: bytes, today: date | None = None) -> list[dict]:
    """Check every row of a file; return the families to create, or raise ImportFailed."""
    rows = csv_io.read_rows(data, COLUMNS)
    if not rows:
        raise ImportFailed([RowError(csv_io.HEADER_ROW, "-", _no_rows())])
    csv_io.unneutralise_rows(rows)  # an exported '+45 ... or '- note imports as it was written
    errors = ErrorList.for_rows(rows)
    lookups = _lookups(municipality_id)
    family_rules = FamilyRules(lookups, errors, today)
    child_rules = ChildRules(lookups, errors, today)
    found: dict[str, tuple[Row, dict]] = {}
    for row in rows:
        csv_io.check_text(row, errors, MAX_LENGTHS)
        reference = row.get("reference")
        if not reference:
            errors.add(row.number, "reference", _required())
            continue
        if reference not in found:
            found[reference] = (row, family_rules.family(row))
        else:
            family_rules.same_family(found[reference][0], row)
        child = child_rules.child(row)
        if child is not None:
            found[reference][1]["children"].append(child)
    _check_new_references(municipality_id, found, errors)
    errors.raise_if_any()
    return [data for _row, data in found.values()]


def _check_new_references(municipality_id: int, found: dict, errors: ErrorList) -> None:
    """Note every reference that another family of the municipality already has."""
    if not found:
        return
    taken = set(
        db.session.scalars(
            select(Family.reference).where(
                Family.municipality_id == municipality_id, Family.reference.in_(list(found))
            )
        )
    )
    for reference in taken:
        errors.add(found[reference][0].number, "reference", _taken(reference))


def run(municipality_id: int, data: bytes, user: User | None = None) -> tuple[int, int]:
    """Import a file: check every row, then save all families or none; return the counts."""
    parsed = parse(municipality_id, data)

    recorder_id = user.id if user is not None else None

    def save(item: dict) -> None:
        family = records.create_family(municipality_id, item)
        if item.get("consent_given_by"):
            family.consent_recorded_by_id = recorder_id
        db.session.flush()
        audit.record("create", family, source="import")

    children = sum(len(f["children"]) for f in parsed)
    audit.record("import", object_type="family", families=len(parsed), children=children)
    try:
        csv_io.write_all(parsed, save)
    except IntegrityError:
        raise ImportFailed([RowError(csv_io.HEADER_ROW, "reference", _taken("?"))]) from None
    return len(parsed), children


def export_csv(municipality_id: int) -> tuple[bytes, int]:
    """Write the municipality's families with their children (audited); return it and the count."""
    stmt = (
        select(Family)
        .where(Family.municipality_id == municipality_id)
        .options(
            selectinload(Family.children),
            selectinload(Family.coordinator),
            selectinload(Family.backup_coordinator),
        )
        .order_by(func.lower(Family.reference), Family.id)
    )
    family_list = list(db.session.scalars(stmt))
    rows = []
    for f in family_list:
        base = [
            f.reference,
            f.name,
            f.address,
            f.postcode,
            f.lat if f.location_override else "",
            f.lon if f.location_override else "",
            f.phone,
            f.languages,
            interests.labels(f.interests, "da"),
            f.arrival_date,
            f.consent_given_by,
            f.consent_date,
            f.coordinator.email if f.coordinator else "",
            f.backup_coordinator.email if f.backup_coordinator else "",
            f.wants_contact_family,
            f.notes,
        ]
        for c in f.children or [None]:
            rows.append(
                base
                + (
                    ["", "", "", "", "", ""]
                    if c is None
                    else [
                        c.first_name,
                        c.birth_date,
                        c.gender,
                        c.wishes,
                        c.available_days,
                        f"{c.max_distance_km:g}",
                    ]
                )
            )
    audit.record(
        "export",
        object_type="family",
        families=len(family_list),
        family_ids=[f.id for f in family_list],  # so that a family's data export lists it
    )
    db.session.commit()
    return csv_io.to_csv(HEADERS, rows), len(family_list)


def _taken(reference: str):
    return _l("A family with reference %(value)s already exists.", value=reference)


def _required():
    return _l("This is required.")


def _no_rows():
    return _l("The file has a header but no families.")


class FamilyRules:
    """Check a family's columns on its first row, and that later rows agree with it."""

    def __init__(self, lookups: dict, errors: ErrorList, today: date | None = None):
        self.lookups, self.errors, self.today = lookups, errors, today

    def family(self, row: Row) -> dict:
        """Return the family's data from its first row, noting every problem."""
        err, n = self.errors.add, row.number
        for key in ("name",):
            if not row.get(key):
                err(n, key, _required())
        message = check_postcode(row.get("postcode"))
        if message:
            err(n, "postcode", message)
        # Within Denmark, as the family form allows; a far-off place would break the next round.
        lat = csv_io.parse_in_range(row, "lat", self.errors, *csv_io.DENMARK_LAT)
        lon = csv_io.parse_in_range(row, "lon", self.errors, *csv_io.DENMARK_LON)
        if bool(row.get("lat")) != bool(row.get("lon")):
            err(n, "lon", _l("Give both lat and lon, or neither."))
        if check_phone(row.get("phone")):
            err(n, "phone", check_phone(row.get("phone")))
        consent_date = csv_io.parse_date(row, "consent_date", self.errors)
        if check_not_future(consent_date, self.today):
            err(n, "consent_date", check_not_future(consent_date, self.today))
        arrival = csv_io.parse_date(row, "arrival_date", self.errors, required=True)
        if message := check_not_future(arrival, self.today):
            err(n, "arrival_date", message)
        if bool(row.get("consent_given_by")) != bool(row.get("consent_date")):
            err(n, "consent_date", _l("Give both who consented and the date, or neither."))
        coordinator = self._coordinator(row, "coordinator_email")
        backup = self._coordinator(row, "backup_coordinator_email")
        if backup is not None and backup == coordinator:
            err(n, "backup_coordinator_email", _l("The backup must be someone else."))
        return {
            "reference": row.get("reference"),
            "name": row.get("name"),
            "address": row.get("address"),
            "postcode": row.get("postcode"),
            "lat": lat,
            "lon": lon,
            "phone": row.get("phone") or None,
            "languages": self.codes(row, "languages", "languages"),
            "interests": csv_io.parse_list(row, "interests"),
            "arrival_date": arrival,
            "consent_given_by": row.get("consent_given_by") or None,
            "consent_date": consent_date,
            "coordinator_id": coordinator,
            "backup_coordinator_id": backup,
            "wants_contact_family": csv_io.parse_bool(
                row, "wants_contact_family", self.errors, default=True
            ),
            "notes": row.get("notes"),
            "children": [],
        }

    def same_family(self, first: Row, row: Row) -> None:
        """Note each family column of a later row that differs from the family's first row."""
        for key in FAMILY_KEYS:
            value = row.get(key)
            if value and value != first.get(key):
                self.errors.add(
                    row.number,
                    key,
                    _l("Differs from row %(row)s, which has the same reference.", row=first.number),
                )

    def _coordinator(self, row: Row, key: str) -> int | None:
        email = row.get(key).lower()
        if not email:
            return None
        found = self.lookups["coordinators"].get(email)
        if found is None:
            self.errors.add(
                row.number,
                key,
                _l("%(value)s is not a coordinator in this municipality.", value=row.get(key)),
            )
        return found

    def codes(self, row: Row, key: str, table: str) -> list[str]:
        """Map a list cell's names or codes to codes of a reference table, noting unknown ones."""
        return csv_io.parse_codes(row, key, self.errors, self.lookups[table])


class ChildRules(FamilyRules):
    """Check a row's child columns; a row with all of them empty has no child."""

    def child(self, row: Row) -> dict | None:
        """Return the row's child, or None when the child columns are empty."""
        if not any(row.get(k) for k in CHILD_KEYS):
            return None
        err, n = self.errors.add, row.number
        if not row.get("child_first_name"):
            err(n, "child_first_name", _required())
        birth = csv_io.parse_date(row, "child_birth_date", self.errors, required=True)
        if check_child_birth_date(birth, self.today):
            err(n, "child_birth_date", check_child_birth_date(birth, self.today))
        gender = GENDER_WORDS.get(row.get("child_gender").lower())
        if gender is None:
            err(n, "child_gender", _l("Write female, male or other."))
        wishes = self.codes(row, "child_wishes", "categories")
        if len(wishes) > MAX_WISHES:
            err(n, "child_wishes", _l("At most three wishes, the most wanted first."))
        days = []
        for word in csv_io.parse_list(row, "child_available_days"):
            day = WEEKDAY_WORDS.get(word)
            if day is None:
                err(n, "child_available_days", _l("%(value)s is not a weekday.", value=word))
            elif day not in days:
                days.append(day)
        km = csv_io.parse_number(row, "child_max_distance_km", self.errors, default=5.0)
        if not 0 <= km <= 100:
            err(n, "child_max_distance_km", _l("Write a distance from 0 to 100 km."))
        return {
            "first_name": row.get("child_first_name"),
            "birth_date": birth,
            "gender": gender,
            "wishes": wishes,
            "available_days": days,
            "max_distance_km": km,
        }
