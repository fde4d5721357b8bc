"""Follow-up of accepted matches: a child started, a placement or pairing ended, and why.

A match holds a place while it is accepted and not ended; ending it gives the place back, because
every capacity figure here is computed from the accepted-not-ended proposals, never stored.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, func, select

from matcher.extensions import db
from matcher.models import Activity, Club, ContactFamily, Proposal
from matcher.services import audit
from matcher.services.errors import StaleEdit

END_REASONS = ("finished", "moved", "lost_interest", "not_suitable", "other")
NOTE_LENGTH = 500


class FollowupError(ValueError):
    """A follow-up that does not fit the match's state (the message says why)."""


def holding() -> ColumnElement[bool]:
    """Return the condition for a proposal that holds its place: accepted and not ended."""
    return and_(Proposal.status == "accepted", Proposal.ended_on.is_(None))


def free_places(activity: Activity) -> int:
    """Return the activity's places minus its accepted-not-ended placements (never below 0)."""
    used = db.session.scalar(
        select(func.count(Proposal.id)).where(
            Proposal.kind == "placement", Proposal.activity_id == activity.id, holding()
        )
    )
    return max(activity.places - (used or 0), 0)


def free_places_by_activity(municipality_id: int) -> dict[int, int]:
    """Return free places per activity id for a whole municipality, in one query."""
    used = (
        select(Proposal.activity_id, func.count(Proposal.id).label("used"))
        .where(Proposal.kind == "placement", holding())
        .group_by(Proposal.activity_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Activity.id, Activity.places, func.coalesce(used.c.used, 0))
        .join(Club, Activity.club_id == Club.id)
        .outerjoin(used, used.c.activity_id == Activity.id)
        .where(Club.municipality_id == municipality_id)
    )
    return {aid: max(places - n, 0) for aid, places, n in rows}


def free_family_slots(contact_family: ContactFamily) -> int:
    """Return how many more families a contact family can take (capacity minus pairings held)."""
    used = db.session.scalar(
        select(func.count(Proposal.id)).where(
            Proposal.kind == "pairing", Proposal.contact_family_id == contact_family.id, holding()
        )
    )
    return max(contact_family.capacity - (used or 0), 0)


def free_family_slots_by_contact_family(municipality_id: int) -> dict[int, int]:
    """Return free family slots per contact family id for a municipality, in one query."""
    used = (
        select(Proposal.contact_family_id, func.count(Proposal.id).label("used"))
        .where(Proposal.kind == "pairing", holding())
        .group_by(Proposal.contact_family_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ContactFamily.id, ContactFamily.capacity, func.coalesce(used.c.used, 0))
        .outerjoin(used, used.c.contact_family_id == ContactFamily.id)
        .where(ContactFamily.municipality_id == municipality_id)
    )
    return {cid: max(capacity - n, 0) for cid, capacity, n in rows}


def _check(proposal: Proposal, version: int | None, when: date, today: date) -> None:
    """Refuse a stale form, a match that is not held, and a date in the future."""
    if version is not None and version != proposal.version:
        raise StaleEdit()
    if proposal.status != "accepted" or proposal.ended_on is not None:
        raise FollowupError(_l("Only an accepted match that has not ended can be followed up."))
    if when > today:
        raise FollowupError(_l("The date cannot be in the future."))


def mark_started(
    proposal: Proposal, started_on: date, version: int | None = None, today: date | None = None
) -> Proposal:
    """Record the day a child started the activity (or a pairing's first meeting)."""
    today = today or date.today()
    _check(proposal, version, started_on, today)
    if proposal.decided_at is not None and started_on < proposal.decided_at.date():
        raise FollowupError(_l("The start cannot be before the match was accepted."))
    proposal.started_on = started_on
    audit.record("update", proposal, change="started", kind=proposal.kind)
    return proposal


def mark_ended(
    proposal: Proposal,
    ended_on: date,
    reason: str,
    note: str = "",
    version: int | None = None,
    today: date | None = None,
) -> Proposal:
    """End a placement or pairing with its reason; its place is free again from now on."""
    today = today or date.today()
    _check(proposal, version, ended_on, today)
    if reason not in END_REASONS:
        raise FollowupError(_l("Choose why the match ended."))
    note = (note or "").strip()[:NOTE_LENGTH]
    if reason == "other" and not note:
        raise FollowupError(_l("Say in a few words why the match ended."))
    if proposal.started_on is not None and ended_on < proposal.started_on:
        raise FollowupError(_l("The end cannot be before the start."))
    if proposal.decided_at is not None and ended_on < proposal.decided_at.date():
        raise FollowupError(_l("The end cannot be before the match was accepted."))
    proposal.ended_on = ended_on
    proposal.end_reason = f"{reason}: {note}" if note else reason
    proposal.status = "ended"
    audit.record("end", proposal, kind=proposal.kind)
    return proposal


def split_reason(end_reason: str | None) -> tuple[str, str]:
    """Split a stored end reason into its code and the coordinator's note."""
    code, _, note = (end_reason or "").partition(": ")
    return code, note
