"""Volunteer contact families: the public sign-up, the coordinator's edits and status changes."""

from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.models import ContactFamily, Proposal
from matcher.models.base import utcnow
from matcher.services import audit, geocode, interests, records
from matcher.services.errors import check_version

# The fields a person may type (sign-up, edit, import); everything else the service sets.
EDITABLE = (
    "name",
    "contact_name",
    "email",
    "phone",
    "address",
    "postcode",
    "languages",
    "interests",
    "children_birth_dates",
    "capacity",
    "max_distance_km",
    "motivation",
)
# Which status a family may move to from which: an ended family stays ended.
TRANSITIONS = {
    "approve": ({"applied", "paused"}, "approved"),
    "pause": ({"approved", "applied"}, "paused"),
    "end": ({"applied", "approved", "paused"}, "ended"),
}
# Children under this age need a contact family with a child certificate on file.
CERTIFICATE_AGE = 15


class InvalidTransition(ValueError):
    """The requested status change is not allowed from the family's current status."""


def sign_up(municipality_id: int, data: dict, token: str) -> tuple[ContactFamily, bool]:
    """Store a volunteer's application once per form token; return it and whether it is new."""
    existing = _by_token(token)
    if existing is not None:
        return existing, False
    cf = records.create_contact_family(municipality_id, {**_clean(data), "status": "applied"})
    cf.consent_at = utcnow()
    cf.signup_token = token
    try:
        db.session.flush()
    except IntegrityError:
        # The same form was submitted twice at the same moment: the other request stored it.
        db.session.rollback()
        return _by_token(token), False
    audit.record("create", cf, source="signup")
    db.session.commit()
    return cf, True


def _by_token(token: str) -> ContactFamily | None:
    return db.session.scalar(select(ContactFamily).where(ContactFamily.signup_token == token))


def _clean(data: dict) -> dict:
    """Keep only editable fields, with lists of plain strings and dates as ISO strings."""
    out = {k: data[k] for k in EDITABLE if k in data}
    for key in ("languages", "interests"):
        if key in out:
            out[key] = [str(x).strip() for x in out[key] if str(x).strip()]
    if "interests" in out:  # typed in Danish or English: stored as shared codes
        out["interests"] = interests.normalise(out["interests"])
    if "children_birth_dates" in out:
        out["children_birth_dates"] = [
            d.isoformat() if isinstance(d, date) else str(d) for d in out["children_birth_dates"]
        ]
    return out


def search(municipality_id: int, status: str | None = None, q: str | None = None) -> Select:
    """Build the query for the municipality's contact families, filtered by status and text."""
    stmt = select(ContactFamily).where(ContactFamily.municipality_id == municipality_id)
    if status:
        stmt = stmt.where(ContactFamily.status == status)
    if q and q.strip():
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(ContactFamily.name).like(like),
                func.lower(ContactFamily.contact_name).like(like),
                func.lower(ContactFamily.email).like(like),
                ContactFamily.postcode.like(like),
            )
        )
    return stmt.order_by(ContactFamily.status, ContactFamily.name, ContactFamily.id)


def update(cf: ContactFamily, data: dict, version: int) -> ContactFamily:
    """Save a coordinator's edit, refused with StaleEdit if someone saved in between."""
    check_version(version, cf.version)
    clean = _clean(data)
    for key, value in clean.items():
        setattr(cf, key, value)
    if "postcode" in clean:
        cf.lat, cf.lon = geocode.locate(cf.postcode)
    audit.record("update", cf, fields=sorted(clean))
    db.session.commit()
    return cf


def change_status(cf: ContactFamily, action: str, user=None) -> ContactFamily:
    """Approve, pause or end a contact family, with an audit event; refuse impossible moves."""
    allowed_from, target = TRANSITIONS[action]
    if cf.status not in allowed_from:
        raise InvalidTransition(f"cannot {action} a family that is {cf.status}")
    before = cf.status
    cf.status = target
    if action == "approve":
        cf.approved_at = utcnow()
        cf.approved_by_id = getattr(user, "id", None)
    audit.record("update", cf, status_from=before, status_to=target)
    db.session.commit()
    return cf


def record_certificate(cf: ContactFamily, checked_on: date, version: int | None = None) -> None:
    """Record the day the child certificate (børneattest) was checked; never a future day."""
    if version is not None:
        check_version(version, cf.version)
    if checked_on > date.today():
        raise ValueError("a certificate cannot be checked in the future")
    cf.child_certificate_checked_on = checked_on
    audit.record("update", cf, fields=["child_certificate_checked_on"])
    db.session.commit()


def can_pair_with_young_children(cf: ContactFamily) -> bool:
    """Return whether the family may befriend a family with children under 15."""
    return cf.has_child_certificate


def current_pairings(cf: ContactFamily) -> list[Proposal]:
    """Return the accepted, not ended pairings of a contact family, with their families."""
    stmt = (
        select(Proposal)
        .where(
            Proposal.contact_family_id == cf.id,
            Proposal.kind == "pairing",
            Proposal.status == "accepted",
            Proposal.ended_on.is_(None),
        )
        .order_by(Proposal.started_on, Proposal.id)
    )
    return list(db.session.scalars(stmt))
