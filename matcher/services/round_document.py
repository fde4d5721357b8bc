"""Build the `matcher-round/1` document of a municipality from the database: the round's input.

Ids in the document are strings with a letter per kind ("c12" child, "a7" activity, "f3" family,
"k9" contact family, "b2" club) so that a result maps straight back to database rows.
"""

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select, union

from matcher.extensions import db
from matcher.matching.document import MAX_ROUNDS_WAITED
from matcher.models import Activity, Child, Club, ContactFamily, Family, Proposal, Round, Unmatched
from matcher.services import interests

FORMAT = "matcher-round/1"
KINDS = ("children", "families", "both")
# The weights of docs/round-format.md; staff may change them per round.
DEFAULT_WEIGHTS: dict[str, Any] = {
    "preference_points": [100, 75, 50, 30, 15],
    "waiting_points": 10,
    "distance_penalty_per_km": 2.0,
    "sibling_points": 20,
    "language_points": 40,
    "children_age_points": 30,
    "interest_points": 10,
    "interest_points_cap": 30,
}
PREFIX = {"child": "c", "activity": "a", "family": "f", "contact_family": "k", "club": "b"}

# A match is "live" from its acceptance until a coordinator records that it ended.
LIVE = and_(Proposal.status == "accepted", Proposal.ended_on.is_(None))


def ref(kind: str, record_id: int) -> str:
    """Return the document id of a database record ("c12" for child 12)."""
    return f"{PREFIX[kind]}{record_id}"


def db_id(doc_id: str) -> int:
    """Return the database id inside a document id ("c12" -> 12)."""
    return int(doc_id[1:])


def _point(record) -> dict[str, float]:
    return {"lat": record.lat, "lon": record.lon}


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# A proposal that did not become a match: declined (a withdrawn consent declines open ones).
NOT_TAKEN = ("declined",)


def waited_rounds(kind: str):
    """Return a subquery (who, n): per child (kind "placement") or family ("pairing"), the
    earlier rounds it waited: the finished rounds it took part in without a match from them.

    Every child (family) of a round's input ends in its result either proposed or left out, so
    the rounds it took part in are its `Unmatched` rows plus its proposals, and those without a
    match are the `Unmatched` rows plus the proposals that were not accepted (declined). An
    accepted proposal (ended later or not) is a match; a failed round keeps neither. One query:
    the input documents, megabytes each, are never read. The figures page counts the same way.
    """
    if kind == "placement":
        left_out, proposed = Unmatched.child_id, Proposal.child_id
    else:
        left_out, proposed = Unmatched.family_id, Proposal.family_id
    rounds = union(
        select(left_out.label("who"), Unmatched.round_id.label("round_id")).where(
            left_out.is_not(None)
        ),
        select(proposed.label("who"), Proposal.round_id.label("round_id")).where(
            Proposal.kind == kind, Proposal.status.in_(NOT_TAKEN), proposed.is_not(None)
        ),
    ).subquery()
    return (
        select(rounds.c.who.label("who"), func.count(rounds.c.round_id).label("n"))
        .join(Round, Round.id == rounds.c.round_id)
        .where(Round.status == "done")
        .group_by(rounds.c.who)
        .subquery()
    )


def _waited(municipality_id: int, kind: str) -> Counter:
    """Count, per child or family of the municipality, the earlier rounds it waited."""
    counts = waited_rounds(kind)
    who = Child if kind == "placement" else Family
    stmt = select(counts.c.who, counts.c.n).where(
        counts.c.who.in_(select(who.id).where(_in_municipality(who, municipality_id)))
    )
    return Counter(dict(db.session.execute(stmt).all()))


def _in_municipality(model, municipality_id: int):
    if model is Child:
        return Child.family_id.in_(
            select(Family.id).where(Family.municipality_id == municipality_id)
        )
    return Family.municipality_id == municipality_id


def _declined(column, other) -> dict[int, set[int]]:
    """Return, per child or family, what was declined for it before."""
    out: dict[int, set[int]] = {}
    rows = db.session.execute(select(column, other).where(Proposal.status == "declined"))
    for who, what in rows:
        if who is not None and what is not None:
            out.setdefault(who, set()).add(what)
    return out


def _live(column) -> Counter:
    """Count live (accepted, not ended) matches per child, activity, family or contact family."""
    rows = db.session.scalars(select(column).where(LIVE, column.is_not(None)))
    return Counter(rows)


def _children(mun: int, day: date, activities: set[int]) -> list[dict]:
    placed = _live(Proposal.child_id)
    waited = _waited(mun, "placement")
    declined = _declined(Proposal.child_id, Proposal.activity_id)
    rows = db.session.scalars(
        select(Child)
        .join(Family)
        .where(
            Family.municipality_id == mun,
            Family.consent_withdrawn_at.is_(None),
            Family.anonymised_at.is_(None),
        )
        .order_by(Child.family_id, Child.id)
    )
    out = []
    for c in rows:
        if placed[c.id] or _age_on(c.birth_date, day) >= 18:
            continue
        out.append(
            {
                "id": ref("child", c.id),
                "family": ref("family", c.family_id),
                "birth_date": c.birth_date.isoformat(),
                "gender": c.gender,
                "location": _point(c.family),
                "max_distance_km": c.max_distance_km,
                "available_days": list(c.available_days or []),
                "wishes": list(c.wishes or []),
                "rounds_waited": min(waited[c.id], MAX_ROUNDS_WAITED),
                "excluded_activities": [
                    ref("activity", a) for a in sorted(declined.get(c.id, ())) if a in activities
                ],
            }
        )
    return out


def _activities(mun: int) -> list[dict]:
    taken = _live(Proposal.activity_id)
    rows = db.session.scalars(
        select(Activity)
        .join(Club)
        .where(Club.municipality_id == mun, Activity.active.is_(True))
        .order_by(Activity.id)
    )
    return [
        {
            "id": ref("activity", a.id),
            "club": ref("club", a.club_id),
            "category": a.category_code,
            "min_age": a.min_age,
            "max_age": a.max_age,
            "gender": a.gender,
            "days": list(a.weekdays or []),
            "location": _point(a),
            "capacity": max(0, a.places - taken[a.id]),
            "fee": a.fee,
        }
        for a in rows
    ]


def _families(mun: int, contacts: set[int]) -> list[dict]:
    paired = _live(Proposal.family_id)
    waited = _waited(mun, "pairing")
    declined = _declined(Proposal.family_id, Proposal.contact_family_id)
    rows = db.session.scalars(
        select(Family)
        .where(
            Family.municipality_id == mun,
            Family.wants_contact_family.is_(True),
            Family.consent_withdrawn_at.is_(None),
            Family.anonymised_at.is_(None),
        )
        .order_by(Family.id)
    )
    return [
        {
            "id": ref("family", f.id),
            "location": _point(f),
            "languages": list(f.languages or []),
            "children_birth_dates": [c.birth_date.isoformat() for c in f.children],
            "interests": interests.normalise(f.interests),
            "rounds_waited": min(waited[f.id], MAX_ROUNDS_WAITED),
            "excluded_contact_families": [
                ref("contact_family", k) for k in sorted(declined.get(f.id, ())) if k in contacts
            ],
        }
        for f in rows
        if not paired[f.id]
    ]


def _contact_families(mun: int) -> list[dict]:
    taken = _live(Proposal.contact_family_id)
    rows = db.session.scalars(
        select(ContactFamily)
        .where(ContactFamily.municipality_id == mun, ContactFamily.status == "approved")
        .order_by(ContactFamily.id)
    )
    return [
        {
            "id": ref("contact_family", k.id),
            "location": _point(k),
            "languages": list(k.languages or []),
            "children_birth_dates": [str(d) for d in (k.children_birth_dates or [])],
            "interests": interests.normalise(k.interests),
            "capacity": max(0, k.capacity - taken[k.id]),
            "max_distance_km": k.max_distance_km,
            "child_certificate": k.has_child_certificate,
        }
        for k in rows
    ]


def build_document(
    municipality_id: int,
    round_date: date,
    kind: str,
    budget: float | None = None,
    weights: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the municipality's `matcher-round/1` document for a round of the given kind.

    Takes part: children under 18 on the round date of families whose consent stands and who are
    not anonymised, without a live placement; active activities with their free places; families
    wanting a contact family without a live pairing; approved contact families with room.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    params: dict[str, Any] = {**DEFAULT_WEIGHTS, **(weights or {}), "budget": budget}
    doc: dict[str, Any] = {
        "format": FORMAT,
        "round_date": round_date.isoformat(),
        "params": params,
        "children": [],
        "activities": [],
        "families": [],
        "contact_families": [],
    }
    if kind in ("children", "both"):
        doc["activities"] = _activities(municipality_id)
        ids = {db_id(a["id"]) for a in doc["activities"]}
        doc["children"] = _children(municipality_id, round_date, ids)
    if kind in ("families", "both"):
        doc["contact_families"] = _contact_families(municipality_id)
        ids = {db_id(k["id"]) for k in doc["contact_families"]}
        doc["families"] = _families(municipality_id, ids)
    return doc
