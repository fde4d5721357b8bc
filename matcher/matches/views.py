"""Coordinators follow up accepted matches: list them, mark a start, end one with a reason."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_security import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher.extensions import db
from matcher.matches.cli import send_mail_command
from matcher.matches.forms import END_REASON_LABELS, EndedForm, StartedForm
from matcher.models import Activity, Child, Proposal, Round
from matcher.services import audit, followup
from matcher.services.errors import StaleEdit
from matcher.services.round_decisions import for_coordinator
from matcher.web.access import coordinators
from matcher.web.paging import page_arg

# cli_group=None puts `send-mail` at the top level: `flask send-mail` / `matcher send-mail`.
bp = Blueprint("matches", __name__, url_prefix="/matches", cli_group=None)
bp.cli.add_command(send_mail_command)

PER_PAGE = 50
SHOW = ("current", "ended", "all")


def _matches_query(show: str, kind: str | None, mine: bool):
    """Select the municipality's accepted (and/or ended) matches, their records loaded at once."""
    stmt = (
        select(Proposal)
        .join(Round, Proposal.round_id == Round.id)
        .where(Round.municipality_id == current_user.municipality_id)
        # Loaded by id for the page's 50 rows: joined into the query, every accepted match of
        # the municipality was joined to its child, family, activity and club before sorting.
        .options(
            selectinload(Proposal.child).selectinload(Child.family),
            selectinload(Proposal.activity).selectinload(Activity.club),
            selectinload(Proposal.family),
            selectinload(Proposal.contact_family),
        )
        .order_by(Proposal.decided_at.desc().nulls_last(), Proposal.id.desc())
    )
    if show == "current":
        stmt = stmt.where(followup.holding())
    elif show == "ended":
        stmt = stmt.where(Proposal.status == "ended")
    else:
        stmt = stmt.where(Proposal.status.in_(("accepted", "ended")))
    if kind in ("placement", "pairing"):
        stmt = stmt.where(Proposal.kind == kind)
    if mine:  # the same condition as a round's "my families"
        stmt = stmt.where(for_coordinator(current_user.id))
    return stmt


@bp.get("/")
@coordinators
def index():
    """List accepted matches, current by default, with filters for kind and own families."""
    show = request.args.get("show", "current")
    show = show if show in SHOW else "current"
    kind = request.args.get("kind") or None
    mine = request.args.get("mine") == "1"
    page = db.paginate(
        _matches_query(show, kind, mine),
        page=page_arg(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "matches/index.html", page=page, show=show, kind=kind, mine=mine, reasons=END_REASON_LABELS
    )


def _detail(proposal: Proposal, started: StartedForm, ended: EndedForm, code: int = 200):
    return (
        render_template(
            "matches/detail.html",
            p=proposal,
            started=started,
            ended=ended,
            reasons=END_REASON_LABELS,
            reason=followup.split_reason(proposal.end_reason),
        ),
        code,
    )


def _load(proposal_id: int) -> Proposal:
    """Load an accepted or ended match of the user's municipality; anything else is a 404."""
    # Scoped through the round: `get_scoped_or_404` follows `family`, which a placement lacks.
    proposal = db.session.scalar(
        select(Proposal)
        .join(Round, Proposal.round_id == Round.id)
        .where(
            Proposal.id == proposal_id,
            Round.municipality_id == current_user.municipality_id,
            Proposal.status.in_(("accepted", "ended")),
        )
    )
    if proposal is None:
        abort(404)
    return proposal


@bp.get("/<int:proposal_id>")
@coordinators
def show(proposal_id: int):
    """Show one match with the forms to mark its start or its end."""
    proposal = _load(proposal_id)
    audit.record("view", proposal)
    audit.commit_pending()
    version = {"version": proposal.version}
    return _detail(
        proposal, StartedForm(prefix="start", data=version), EndedForm(prefix="end", data=version)
    )


def _version(form) -> int:
    """Return the version the form was loaded with (a tampered value counts as outdated)."""
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return -1


def _stale(proposal_id: int, started: StartedForm, ended: EndedForm):
    db.session.rollback()
    flash(
        _("Someone else changed this match while you were looking at it. Check it and try again."),
        "danger",
    )
    return _detail(db.session.get(Proposal, proposal_id), started, ended, 409)


@bp.post("/<int:proposal_id>/started")
@coordinators
def started(proposal_id: int):
    """Record the day a child started the activity."""
    proposal = _load(proposal_id)
    form = StartedForm(prefix="start")
    other = EndedForm(prefix="end", formdata=None, data={"version": proposal.version})
    if not form.validate_on_submit():
        return _detail(proposal, form, other, 400)
    try:
        followup.mark_started(proposal, form.started_on.data, _version(form))
    except StaleEdit:
        return _stale(proposal_id, form, other)
    except followup.FollowupError as exc:
        form.started_on.errors = [str(exc)]
        return _detail(proposal, form, other, 400)
    db.session.commit()
    flash(_("The start is recorded."), "success")
    return redirect(url_for("matches.show", proposal_id=proposal.id))


@bp.post("/<int:proposal_id>/ended")
@coordinators
def ended(proposal_id: int):
    """End a placement or pairing with its reason; its place is free again."""
    proposal = _load(proposal_id)
    form = EndedForm(prefix="end")
    other = StartedForm(prefix="start", formdata=None, data={"version": proposal.version})
    if not form.validate_on_submit():
        return _detail(proposal, other, form, 400)
    try:
        followup.mark_ended(
            proposal, form.ended_on.data, form.reason.data, form.note.data, _version(form)
        )
    except StaleEdit:
        return _stale(proposal_id, other, form)
    except followup.FollowupError as exc:
        form.ended_on.errors = [str(exc)]
        return _detail(proposal, other, form, 400)
    db.session.commit()
    flash(_("The match is ended and its place is free again."), "success")
    return redirect(url_for("matches.show", proposal_id=proposal.id))
