"""Accepting and declining a round's proposals, one by one or all at once.

An accepted placement takes its place from the activity (the next round's document counts it as
taken) and a later round never moves it; a declined pair is never proposed again. The e-mails of
an acceptance are queued in the outbox inside the accepting transaction, so they are stored
together with the acceptance or not at all.
"""

from flask import has_request_context
from flask_babel import gettext
from sqlalchemy import ColumnElement, func, or_, select

from matcher.extensions import db
from matcher.models import Activity, Child, ContactFamily, Family, Proposal, Round
from matcher.models.base import utcnow
from matcher.services import audit, notifications
from matcher.services.round_document import LIVE


def _(text: str, **values) -> str:
    """Translate in a request (the user's language); workers and the CLI keep the English."""
    if has_request_context():
        return gettext(text, **values)
    return text % values if values else text


class DecisionRefused(Exception):
    """A proposal cannot be accepted or declined; the message says why in plain words."""


def _live_count(column, value: int) -> int:
    return db.session.scalar(select(func.count(Proposal.id)).where(LIVE, column == value)) or 0


def _check_open(proposal: Proposal) -> None:
    if proposal.status != "proposed":
        raise DecisionRefused(_("This proposal was already decided."))
    if proposal.round.status != "done":
        raise DecisionRefused(_("The round is not finished."))


def _check_room(proposal: Proposal) -> None:
    """Refuse a proposal whose child/family is matched already or whose place is gone."""
    if proposal.kind == "placement":
        if _live_count(Proposal.child_id, proposal.child_id):
            raise DecisionRefused(_("The child already has an accepted activity."))
        # Lock the activity row (PostgreSQL) so two acceptances cannot both take the last place.
        activity = db.session.scalar(
            select(Activity).where(Activity.id == proposal.activity_id).with_for_update()
        )
        if _live_count(Proposal.activity_id, activity.id) >= activity.places:
            raise DecisionRefused(_("The activity has no free place left."))
    else:
        if _live_count(Proposal.family_id, proposal.family_id):
            raise DecisionRefused(_("The family already has an accepted contact family."))
        contact = db.session.scalar(
            select(ContactFamily)
            .where(ContactFamily.id == proposal.contact_family_id)
            .with_for_update()
        )
        if _live_count(Proposal.contact_family_id, contact.id) >= contact.capacity:
            raise DecisionRefused(_("The contact family has no room left."))


def accept(proposal: Proposal, user_id: int | None = None, *, commit: bool = True) -> Proposal:
    """Accept a proposal: the match becomes live and its place is taken."""
    _check_open(proposal)
    _check_room(proposal)
    proposal.status = "accepted"
    proposal.decided_by_id = user_id
    proposal.decided_at = utcnow()
    db.session.flush()
    audit.record("accept", proposal, kind=proposal.kind, round_id=proposal.round_id)
    notifications.on_accepted(proposal)
    if commit:
        db.session.commit()
    return proposal


def decline(
    proposal: Proposal, reason: str, user_id: int | None = None, *, commit: bool = True
) -> Proposal:
    """Decline a proposal with a reason; the pair is never proposed again."""
    reason = (reason or "").strip()
    if not reason:
        raise DecisionRefused(_("Please give a reason for declining."))
    _check_open(proposal)
    proposal.status = "declined"
    proposal.decline_reason = reason
    proposal.decided_by_id = user_id
    proposal.decided_at = utcnow()
    db.session.flush()
    audit.record("decline", proposal, kind=proposal.kind, round_id=proposal.round_id)
    if commit:
        db.session.commit()
    return proposal


def for_coordinator(user_id: int) -> ColumnElement[bool]:
    """Return the condition for a proposal of a family the user is (backup) coordinator of: the
    pairing's family, or the placed child's family (as /matches/?mine=1 has it)."""
    own = select(Family.id).where(
        or_(Family.coordinator_id == user_id, Family.backup_coordinator_id == user_id)
    )
    return or_(
        Proposal.family_id.in_(own),
        Proposal.child_id.in_(select(Child.id).where(Child.family_id.in_(own))),
    )


def _open_proposals(rnd: Round, coordinator_id: int | None = None) -> list[Proposal]:
    stmt = select(Proposal).where(Proposal.round_id == rnd.id, Proposal.status == "proposed")
    if coordinator_id is not None:
        stmt = stmt.where(for_coordinator(coordinator_id))
    return list(db.session.scalars(stmt.order_by(Proposal.id)))


def accept_all(
    rnd: Round, user_id: int | None = None, *, coordinator_id: int | None = None
) -> tuple[int, int]:
    """Accept every undecided proposal of a round in one transaction; return (accepted, skipped).

    With `coordinator_id`, only those for that coordinator's families. A proposal whose child,
    family or place was taken meanwhile is skipped and stays undecided.
    """
    accepted = skipped = 0
    for proposal in _open_proposals(rnd, coordinator_id):
        try:
            accept(proposal, user_id, commit=False)
            accepted += 1
        except DecisionRefused:
            skipped += 1
    db.session.commit()
    return accepted, skipped


def decline_all(
    rnd: Round, reason: str, user_id: int | None = None, *, coordinator_id: int | None = None
) -> int:
    """Decline every undecided proposal of a round with one reason (with `coordinator_id`, only
    those for that coordinator's families); return how many."""
    if not (reason or "").strip():
        raise DecisionRefused(_("Please give a reason for declining."))
    proposals = _open_proposals(rnd, coordinator_id)
    for proposal in proposals:
        decline(proposal, reason, user_id, commit=False)
    db.session.commit()
    return len(proposals)
