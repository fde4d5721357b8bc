"""Clubs and their activities: create and edit them, and list the children placed with them."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.models import Activity, Child, Club, Family, Proposal, User
from matcher.services import audit, geocode, records
from matcher.services.errors import check_version

CLUB_FIELDS = ("name", "address", "postcode", "email", "phone", "contact_name")
ACTIVITY_FIELDS = (
    "name",
    "category",
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


def list_clubs(municipality_id: int) -> list[tuple[Club, int, int]]:
    """Return the municipality's clubs with their number of active activities and places."""
    counts = (
        select(
            Activity.club_id,
            func.count(Activity.id).label("n"),
            func.coalesce(func.sum(Activity.places), 0).label("places"),
        )
        .where(Activity.active.is_(True))
        .group_by(Activity.club_id)
        .subquery()
    )
    stmt = (
        select(Club, func.coalesce(counts.c.n, 0), func.coalesce(counts.c.places, 0))
        .outerjoin(counts, counts.c.club_id == Club.id)
        .where(Club.municipality_id == municipality_id)
        .order_by(Club.name, Club.id)
    )
    return [(c, int(n), int(p)) for c, n, p in db.session.execute(stmt)]


def create_club(municipality_id: int, data: dict, token: str | None = None) -> tuple[Club, bool]:
    """Create a club once per form token; return it and whether it is new."""
    if token and (found := _by_token(Club, token)) is not None:
        return found, False
    club = records.create_club(municipality_id, {k: data[k] for k in CLUB_FIELDS if k in data})
    club.create_token = token
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # the same form arrived twice at once; the other one stored it
        return _by_token(Club, token), False
    audit.record("create", club)
    db.session.commit()
    return club, True


def update_club(club: Club, data: dict, version: int) -> Club:
    """Save a club's details, refused with StaleEdit if someone saved in between."""
    check_version(version, club.version)
    changed = {k: data[k] for k in CLUB_FIELDS if k in data}
    for key, value in changed.items():
        setattr(club, key, value)
    if "postcode" in changed:
        club.lat, club.lon = geocode.locate(club.postcode)
    audit.record("update", club, fields=sorted(changed))
    db.session.commit()
    return club


def add_activity(club: Club, data: dict, token: str | None = None) -> tuple[Activity, bool]:
    """Add an activity to a club once per form token; return it and whether it is new."""
    if token and (found := _by_token(Activity, token)) is not None:
        return found, False
    activity = records.add_activity(club, _activity_data(data))
    activity.create_token = token
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return _by_token(Activity, token), False
    audit.record("create", activity, club_id=club.id)
    db.session.commit()
    return activity, True


def update_activity(activity: Activity, data: dict, version: int) -> Activity:
    """Save an activity, refused with StaleEdit if someone saved in between."""
    check_version(version, activity.version)
    clean = _activity_data(data)
    for key, value in clean.items():
        setattr(activity, "category_code" if key == "category" else key, value)
    if "postcode" in clean or "address" in clean:
        club = activity.club
        activity.postcode = clean.get("postcode") or club.postcode
        activity.address = clean.get("address") or club.address
        activity.lat, activity.lon = geocode.locate(activity.postcode)
    audit.record("update", activity, fields=sorted(clean))
    db.session.commit()
    return activity


def set_activity_active(activity: Activity, active: bool) -> Activity:
    """Deactivate (or reactivate) an activity: it keeps its history but offers no places."""
    activity.active = active
    audit.record("update", activity, fields=["active"])
    db.session.commit()
    return activity


def placed_children(club: Club, today: date | None = None) -> list[dict]:
    """Return the children placed with the club: first name, age, start and coordinator only."""
    today = today or date.today()
    coordinator = User.__table__.alias("coordinator")
    backup = User.__table__.alias("backup")
    stmt = (
        select(
            Child.first_name,
            Child.birth_date,
            Proposal.started_on,
            Activity.name,
            coordinator.c.name,
            coordinator.c.email,
            backup.c.name,
            backup.c.email,
        )
        .select_from(Proposal)
        .join(Activity, Proposal.activity_id == Activity.id)
        .join(Child, Proposal.child_id == Child.id)
        .join(Family, Child.family_id == Family.id)
        .outerjoin(coordinator, coordinator.c.id == Family.coordinator_id)
        .outerjoin(backup, backup.c.id == Family.backup_coordinator_id)
        .where(
            Activity.club_id == club.id,
            Proposal.kind == "placement",
            Proposal.status == "accepted",
            Proposal.ended_on.is_(None),
        )
        .order_by(Activity.name, Child.first_name)
    )
    rows = []
    for first, born, started, activity, c_name, c_email, b_name, b_email in db.session.execute(
        stmt
    ):
        # The birth date only serves to compute the age; it never leaves this function.
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        rows.append(
            {
                "first_name": first,
                "age": age,
                "started_on": started,
                "activity": activity,
                "coordinator_name": (c_name if c_email else b_name) or "",
                "coordinator_email": c_email or b_email or club.municipality.contact_email or "",
            }
        )
    return rows


def _activity_data(data: dict) -> dict:
    """Keep an activity's editable fields, with whole numbers and a list of weekdays."""
    clean = {k: data[k] for k in ACTIVITY_FIELDS if k in data}
    for key in ("min_age", "max_age", "places", "fee"):
        if key in clean:
            clean[key] = int(clean[key])
    if "weekdays" in clean:
        clean["weekdays"] = list(clean["weekdays"])
    for key in ("address", "postcode", "time"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    return clean


def _by_token(model, token: str):
    return db.session.scalar(select(model).where(model.create_token == token))


def children_holding(activity) -> int:
    """Return how many children hold a place on the activity now (accepted, not ended)."""
    from sqlalchemy import func, select

    from matcher.models import Proposal
    from matcher.services.round_document import LIVE

    return (
        db.session.scalar(
            select(func.count(Proposal.id)).where(
                Proposal.activity_id == activity.id, Proposal.kind == "placement", LIVE
            )
        )
        or 0
    )
