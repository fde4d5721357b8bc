"""Refugee families and their children: the coordinators' list, create, edit, children, history.

Every change commits once, with its audit event; an edit made on an outdated version raises
StaleEdit and changes nothing. The list is built from a few set-based queries whatever the page
size (no query per family).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from matcher.extensions import db
from matcher.models import Activity, Child, Family, Proposal, Round, Unmatched, User
from matcher.models.user import COORDINATOR, Role
from matcher.services import audit, geocode, interests, records
from matcher.services.errors import StaleEdit, check_version

FAMILY_FIELDS = (
    "reference",
    "name",
    "address",
    "postcode",
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
STATUS_SOON_DAYS = 30


class DuplicateReference(ValueError):
    """Another family of the municipality already has this reference."""


class HasHistory(ValueError):
    """The child appears in matching rounds, so deleting it would rewrite their history."""


@dataclass
class FamilyFilters:
    """What the families list is narrowed to; empty values do not filter."""

    q: str = ""
    waiting: bool = False
    without_activity: bool = False
    arrived_from: date | None = None
    arrived_to: date | None = None
    coordinator_id: int | None = None


def coordinators_of_query(municipality_id: int) -> Select:
    """Return the query of the municipality's active coordinators by name."""
    return (
        select(User)
        .join(User.roles)
        .where(User.municipality_id == municipality_id, Role.name == COORDINATOR, User.active)
        .order_by(User.name, User.email)
    )


def coordinators_of(municipality_id: int) -> list[User]:
    """Return the municipality's coordinators by name (the choices for a family's coordinators)."""
    return list(db.session.scalars(coordinators_of_query(municipality_id)))


def _placed_children():
    """The ids of children with an accepted, not ended placement (an uncorrelated subquery:
    computed once per query, not once per row)."""
    return select(Proposal.child_id).where(
        Proposal.child_id.is_not(None),
        Proposal.kind == "placement",
        Proposal.status == "accepted",
        Proposal.ended_on.is_(None),
    )


def _paired_families():
    """The ids of families with an accepted, not ended contact-family pairing."""
    return select(Proposal.family_id).where(
        Proposal.family_id.is_not(None),
        Proposal.kind == "pairing",
        Proposal.status == "accepted",
        Proposal.ended_on.is_(None),
    )


def filtered(municipality_id: int, filters: FamilyFilters) -> Select:
    """Return the query of the municipality's families that pass the filters (no order)."""
    stmt = select(Family).where(Family.municipality_id == municipality_id)
    if filters.q.strip():
        like = f"%{filters.q.strip().lower()}%"
        stmt = stmt.where(
            or_(func.lower(Family.name).like(like), func.lower(Family.reference).like(like))
        )
    if filters.waiting:
        stmt = stmt.where(
            Family.wants_contact_family.is_(True), Family.id.not_in(_paired_families())
        )
    if filters.without_activity:
        stmt = stmt.where(
            Family.id.in_(select(Child.family_id).where(Child.id.not_in(_placed_children())))
        )
    if filters.arrived_from:
        stmt = stmt.where(Family.arrival_date >= filters.arrived_from)
    if filters.arrived_to:
        stmt = stmt.where(Family.arrival_date <= filters.arrived_to)
    if filters.coordinator_id:
        stmt = stmt.where(
            or_(
                Family.coordinator_id == filters.coordinator_id,
                Family.backup_coordinator_id == filters.coordinator_id,
            )
        )
    return stmt


def search(municipality_id: int, user_id: int, filters: FamilyFilters) -> Select:
    """Build the families list query: the user's own families (primary or backup) first.

    The list page reads it in pages through `family_list.page_of`, which gives the same order
    without sorting every family by a computed key."""
    own = or_(Family.coordinator_id == user_id, Family.backup_coordinator_id == user_id)
    return (
        filtered(municipality_id, filters)
        .options(selectinload(Family.coordinator), selectinload(Family.backup_coordinator))
        .order_by(case((own, 0), else_=1), Family.name, Family.id)
    )


@dataclass
class FamilyStats:
    """What the list shows about a family beyond its own columns."""

    children: int = 0
    without_activity: int = 0
    paired: bool = False


def stats_for(family_ids: list[int]) -> dict[int, FamilyStats]:
    """Count children, children without an activity and pairings for a page of families."""
    stats = {fid: FamilyStats() for fid in family_ids}
    if not family_ids:
        return stats
    children = db.session.execute(
        select(Child.id, Child.family_id).where(Child.family_id.in_(family_ids))
    ).all()
    # Proposals are read by child or family id and filtered here, so the only index the planner
    # can use is the id's own (a status index would mean reading every accepted proposal).
    placed = set()
    for child_id, kind, status, ended_on in db.session.execute(
        select(Proposal.child_id, Proposal.kind, Proposal.status, Proposal.ended_on).where(
            Proposal.child_id.in_(select(Child.id).where(Child.family_id.in_(family_ids)))
        )
    ):
        if kind == "placement" and status == "accepted" and ended_on is None:
            placed.add(child_id)
    for child_id, fid in children:
        stats[fid].children += 1
        stats[fid].without_activity += child_id not in placed
    for fid, kind, status, ended_on in db.session.execute(
        select(Proposal.family_id, Proposal.kind, Proposal.status, Proposal.ended_on).where(
            Proposal.family_id.in_(family_ids)
        )
    ):
        if kind == "pairing" and status == "accepted" and ended_on is None:
            stats[fid].paired = True
    return stats


def _clean(data: dict, fields: tuple[str, ...]) -> dict:
    """Keep the given fields, with text trimmed and lists of plain trimmed strings."""
    out = {}
    for key in fields:
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, str):
            value = value.strip()
        elif isinstance(value, list | tuple):
            value = [str(v).strip() for v in value if str(v).strip()]
        out[key] = value
    if "interests" in out:  # typed in Danish or English: stored as shared codes
        out["interests"] = interests.normalise(out["interests"])
    return out


def _reference_taken(municipality_id: int, reference: str, family_id: int | None = None) -> bool:
    stmt = select(Family.id).where(
        Family.municipality_id == municipality_id, Family.reference == reference
    )
    if family_id is not None:
        stmt = stmt.where(Family.id != family_id)
    return db.session.scalar(stmt.limit(1)) is not None


def create(municipality_id: int, data: dict, user: User, token: str) -> tuple[Family, bool]:
    """Store a new family once per form token; return it and whether it is new."""
    existing = db.session.scalar(select(Family).where(Family.create_token == token))
    if existing is not None:
        return existing, False
    clean = _clean(data, FAMILY_FIELDS)
    if _reference_taken(municipality_id, clean["reference"]):
        raise DuplicateReference(clean["reference"])
    recorder_id = user.id  # read first: loading it later would flush the new family early
    family = records.create_family(
        municipality_id, {**clean, "lat": data.get("lat"), "lon": data.get("lon")}
    )
    family.create_token = token
    if family.consent_given_by:
        family.consent_recorded_by_id = recorder_id
    try:
        db.session.flush()
    except IntegrityError:
        # The same form arrived twice at the same moment; the other request stored it.
        db.session.rollback()
        existing = db.session.scalar(select(Family).where(Family.create_token == token))
        if existing is None:
            raise DuplicateReference(clean["reference"]) from None
        return existing, False
    audit.record("create", family)
    db.session.commit()
    return family, True


def update(family: Family, data: dict, version: int | str, user: User) -> Family:
    """Save a coordinator's edit; refused with StaleEdit if someone saved in between."""
    check_version(version, family.version)
    clean = _clean(data, FAMILY_FIELDS)
    if "reference" in clean and _reference_taken(
        family.municipality_id, clean["reference"], family.id
    ):
        raise DuplicateReference(clean["reference"])
    consent_before = (family.consent_given_by, family.consent_date)
    changed = sorted(k for k, v in clean.items() if getattr(family, k) != v)
    for key, value in clean.items():
        setattr(family, key, value)
    lat, lon = data.get("lat"), data.get("lon")
    family.location_override = lat is not None and lon is not None
    family.lat, family.lon = geocode.locate(family.postcode, lat, lon)
    if (family.consent_given_by, family.consent_date) != consent_before:
        family.consent_recorded_by_id = user.id
    audit.record("update", family, fields=changed)
    _commit_or_stale()
    return family


def _commit_or_stale() -> None:
    """Commit; a concurrent save caught by the version column becomes StaleEdit."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleEdit() from None


def add_child(family: Family, data: dict, token: str) -> tuple[Child, bool]:
    """Add a child to a family once per form token; return it and whether it is new."""
    existing = db.session.scalar(select(Child).where(Child.create_token == token))
    if existing is not None:
        return existing, False
    child = records.new_child(_clean(data, CHILD_FIELDS))
    child.create_token = token
    family.children.append(child)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return db.session.scalar(select(Child).where(Child.create_token == token)), False
    audit.record("create", child, family_id=family.id)
    db.session.commit()
    return child, True


def update_child(child: Child, data: dict, version: int | str) -> Child:
    """Save an edit of a child; refused with StaleEdit if someone saved in between."""
    check_version(version, child.version)
    clean = _clean(data, CHILD_FIELDS)
    changed = sorted(k for k, v in clean.items() if getattr(child, k) != v)
    for key, value in clean.items():
        setattr(child, key, value)
    audit.record("update", child, fields=changed)
    _commit_or_stale()
    return child


def delete_child(child: Child, version: int | str) -> None:
    """Delete a child who never took part in a round; refuse a stale or historic one."""
    check_version(version, child.version)
    in_rounds = db.session.scalar(
        select(
            exists().where(Proposal.child_id == child.id)
            | exists().where(Unmatched.child_id == child.id)
        )
    )
    if in_rounds:
        raise HasHistory(child.id)
    audit.record("delete", child, family_id=child.family_id)
    db.session.delete(child)
    _commit_or_stale()


def current_activities(children: list[Child]) -> dict[int, Proposal]:
    """Return each child's accepted, not ended placement (with its activity and club)."""
    ids = [c.id for c in children]
    if not ids:
        return {}
    stmt = (
        select(Proposal)
        .where(Proposal.child_id.in_(ids), Proposal.kind == "placement")
        .where(Proposal.status == "accepted", Proposal.ended_on.is_(None))
        .options(selectinload(Proposal.activity).selectinload(Activity.club))
    )
    return {p.child_id: p for p in db.session.scalars(stmt)}


def history(family: Family) -> list[Proposal]:
    """Return every proposal for the family or its children, newest round first."""
    child_ids = select(Child.id).where(Child.family_id == family.id)
    stmt = (
        select(Proposal)
        .join(Round)
        .where(or_(Proposal.family_id == family.id, Proposal.child_id.in_(child_ids)))
        .options(
            selectinload(Proposal.round),
            selectinload(Proposal.child),
            selectinload(Proposal.contact_family),
            selectinload(Proposal.activity).selectinload(Activity.club),
        )
        .order_by(Round.round_date.desc(), Proposal.id.desc())
    )
    return list(db.session.scalars(stmt))


def own_families(user: User, limit: int = 50) -> list[Family]:
    """Return the families the user coordinates (primary or backup), primary ones first."""
    primary = Family.coordinator_id == user.id
    stmt = (
        select(Family)
        .where(
            Family.municipality_id == user.municipality_id,
            or_(primary, Family.backup_coordinator_id == user.id),
        )
        .order_by(case((primary, 0), else_=1), Family.name, Family.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def status_due_soon(families: list[Family], today: date | None = None) -> list[Family]:
    """Return the families whose six-monthly status is due within the next 30 days."""
    today = today or date.today()
    soon = today + timedelta(days=STATUS_SOON_DAYS)
    due = [(f.next_status_due(today), f) for f in families]
    return [f for d, f in sorted(due, key=lambda x: (x[0] or soon, x[1].name)) if d and d <= soon]


def waiting_count(municipality_id: int, user_id: int) -> dict[str, int]:
    """Count the user's own families waiting for a contact family, and children without activity."""
    own = and_(
        Family.municipality_id == municipality_id,
        or_(Family.coordinator_id == user_id, Family.backup_coordinator_id == user_id),
    )
    waiting = db.session.scalar(
        select(func.count(Family.id)).where(
            own, Family.wants_contact_family.is_(True), Family.id.not_in(_paired_families())
        )
    )
    children = db.session.scalar(
        select(func.count(Child.id)).join(Family).where(own, Child.id.not_in(_placed_children()))
    )
    return {"waiting": waiting or 0, "children_without_activity": children or 0}
