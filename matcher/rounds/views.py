"""Rounds: staff start them; staff and coordinators follow their progress and review them."""

import json

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_security import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from matcher.extensions import db
from matcher.models import Proposal, Round
from matcher.rounds.forms import WEIGHTS, DeclineForm, StartRoundForm, round_date_window
from matcher.rounds.review import review
from matcher.services import audit, rounds
from matcher.web.access import coordinators, get_scoped_or_404, staff_only
from matcher.worker.reasons import shown as failure_shown

ROUND_DOCUMENTS = (Round.input_doc, Round.result_doc, Round.baseline_doc, Round.suggestions)
bp = Blueprint("rounds", __name__, url_prefix="/rounds")


@bp.record_once
def _setup(state) -> None:
    """Add the worker commands, and the in-process worker when the config asks for it."""
    from matcher.worker.cli import COMMANDS

    for command in COMMANDS:
        state.app.cli.add_command(command)


@bp.before_app_request
def _inline_worker() -> None:
    """Start the built-in worker thread on the first request (ROUNDS_INLINE_WORKER)."""
    from flask import current_app

    from matcher.worker.inline import start_thread, wanted

    app = current_app._get_current_object()
    if wanted(app):
        start_thread(app)


@bp.get("/")
@coordinators
def index():
    """List the municipality's rounds, newest first."""
    # The figures come from the round's proposals, one per placement and pairing of its result
    # (as the result's own stats count them): reading them from the result documents (one
    # entry per child, megabytes each) made the list take seconds.
    counts = (
        select(
            Proposal.round_id,
            func.count(Proposal.id).filter(Proposal.kind == "placement").label("placed"),
            func.count(Proposal.id).filter(Proposal.kind == "pairing").label("paired"),
        )
        .group_by(Proposal.round_id)
        .subquery()
    )
    found = db.session.execute(
        select(Round, counts.c.placed, counts.c.paired)
        .outerjoin(counts, counts.c.round_id == Round.id)
        .options(*(defer(c) for c in ROUND_DOCUMENTS))
        .where(Round.municipality_id == current_user.municipality_id)
        .order_by(Round.id.desc())
    ).all()
    return render_template("rounds/index.html", rounds=found)


def _season_budget(form: StartRoundForm) -> None:
    """Propose what is left of the season budget (the user may change it) and say so."""
    season = rounds.season_budget(current_user.municipality_id)
    if season is None:
        return
    if not form.is_submitted() and form.budget.data is None:
        form.budget.data = season.left
    form.budget.description = " ".join(
        (
            str(form.budget.description),
            _(
                "The season budget is %(budget)s kr.; accepted placements already commit "
                "%(committed)s kr., so %(left)s kr. is left. You may change the amount.",
                budget=format_decimal(season.budget),
                committed=format_decimal(season.committed),
                left=format_decimal(season.left),
            ),
        )
    )


def _render_new(form: StartRoundForm, counts, code: int = 200):
    return render_template(
        "rounds/new.html",
        form=form,
        counts=counts,
        weights=WEIGHTS,
        date_window=round_date_window(),
    ), code


@bp.route("/new", methods=["GET", "POST"])
@staff_only
def new():
    """Choose what to match, preview who takes part, and start the round."""
    form = StartRoundForm()
    _season_budget(form)
    counts = None
    if form.validate_on_submit():
        mun = current_user.municipality_id
        if form.start.data:
            try:
                rnd = rounds.start_round(
                    mun,
                    kind=form.kind.data,
                    round_date=form.round_date.data,
                    budget=form.budget.data,
                    weights=form.weights(),
                    started_by_id=current_user.id,
                )
            except rounds.RoundRefused as refused:
                flash(str(refused), "error")
                return _render_new(form, None, 409)
            flash(_("The round has started. It runs in the background."), "success")
            return redirect(url_for("rounds.show", round_id=rnd.id))
        counts = rounds.preview(mun, form.round_date.data, form.kind.data)
    elif request.method == "POST":  # errors next to the fields, like every other form
        return _render_new(form, None, 400)
    return _render_new(form, counts)


def _mine() -> bool:
    """Return whether the review shows only the user's own families' proposals: ?mine=1 or
    ?mine=0, and by default for coordinators (staff see every proposal)."""
    asked = request.values.get("mine")
    if asked in ("0", "1"):
        return asked == "1"
    return current_user.role == "coordinator"


@bp.get("/<int:round_id>")
@coordinators
def show(round_id: int):
    """Show a round: its progress while it runs, its proposals once done."""
    rnd = get_scoped_or_404(Round, round_id)
    data = None
    mine = _mine()
    if rnd.status == "done":
        data = review(rnd, coordinator_id=current_user.id if mine else None)
        audit.record("view", rnd, proposals=len(data["proposals"]))
        audit.commit_pending()
    return render_template(
        "rounds/show.html",
        rnd=rnd,
        data=data,
        mine=mine,
        failure=failure_shown(rnd.params, rnd.message) if rnd.status == "failed" else None,
        decline_form=DeclineForm(),
    )


@bp.get("/<int:round_id>/status")
@coordinators
def status(round_id: int):
    """Answer the round's state and progress as JSON, for the page to poll."""
    rnd = get_scoped_or_404(Round, round_id)
    return jsonify(
        id=rnd.id,
        status=rnd.status,
        progress=rnd.progress,
        message=failure_shown(rnd.params, rnd.message) if rnd.status == "failed" else rnd.message,
        finished=rnd.status in ("done", "failed"),
    )


@bp.get("/<int:round_id>/<any(input, result):which>.json")
@coordinators
def download(round_id: int, which: str):
    """Download the round's frozen input document or its result document."""
    rnd = get_scoped_or_404(Round, round_id)
    doc = rnd.input_doc if which == "input" else rnd.result_doc
    if doc is None:
        abort(404)
    audit.record("export", rnd, document=which)
    audit.commit_pending()
    body = json.dumps(doc, indent=1, ensure_ascii=False)
    name = f"round-{rnd.id}-{which}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _back(round_id: int, proposal_id: int | None = None):
    """Redirect to the round's review, keeping its "only my families" choice."""
    mine = request.form.get("mine")
    keep = {"mine": mine} if mine in ("0", "1") else {}
    anchor = f"p{proposal_id}" if proposal_id else None
    return redirect(url_for("rounds.show", round_id=round_id, _anchor=anchor, **keep))


def _proposal(round_id: int, proposal_id: int) -> Proposal:
    # Scoped through the round: a placement has no family of its own to scope by.
    get_scoped_or_404(Round, round_id)
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.round_id != round_id:
        abort(404)
    return proposal


@bp.post("/<int:round_id>/proposals/<int:proposal_id>/accept")
@coordinators
def accept(round_id: int, proposal_id: int):
    """Accept one proposal."""
    proposal = _proposal(round_id, proposal_id)
    try:
        rounds.accept(proposal, current_user.id)
        flash(_("Accepted."), "success")
    except rounds.DecisionRefused as refused:
        flash(str(refused), "error")
    return _back(round_id, proposal_id)


def _why_not(form: DeclineForm) -> str:
    """The decline form's own error (a reason too long, or holding a control character), or
    that a reason is needed."""
    errors = list(form.reason.errors)
    return (
        str(errors[0]) if errors and form.reason.data else _("Please give a reason for declining.")
    )


@bp.post("/<int:round_id>/proposals/<int:proposal_id>/decline")
@coordinators
def decline(round_id: int, proposal_id: int):
    """Decline one proposal with a reason."""
    proposal = _proposal(round_id, proposal_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        flash(_why_not(form), "error")
        return _back(round_id, proposal_id)
    try:
        rounds.decline(proposal, form.reason.data, current_user.id)
        flash(_("Declined. This pair will not be proposed again."), "success")
    except rounds.DecisionRefused as refused:
        flash(str(refused), "error")
    return _back(round_id, proposal_id)


@bp.post("/<int:round_id>/accept-all")
@coordinators
def accept_all(round_id: int):
    """Accept every undecided proposal of the round."""
    rnd = get_scoped_or_404(Round, round_id)
    mine = request.form.get("mine") == "1"
    accepted, skipped = rounds.accept_all(
        rnd, current_user.id, coordinator_id=current_user.id if mine else None
    )
    flash(_("%(n)s proposals accepted.", n=accepted), "success")
    if skipped:
        flash(
            _(
                "%(n)s proposals could not be accepted: their child, family or place was "
                "taken meanwhile.",
                n=skipped,
            ),
            "warning",
        )
    return _back(round_id)


@bp.post("/<int:round_id>/decline-all")
@coordinators
def decline_all(round_id: int):
    """Decline every undecided proposal of the round, with one reason."""
    rnd = get_scoped_or_404(Round, round_id)
    form = DeclineForm()
    mine = request.form.get("mine") == "1"
    if not form.validate_on_submit():
        flash(_why_not(form), "error")
        return _back(round_id)
    try:
        n = rounds.decline_all(
            rnd, form.reason.data, current_user.id, coordinator_id=current_user.id if mine else None
        )
        flash(_("%(n)s proposals declined.", n=n), "success")
    except rounds.DecisionRefused as refused:
        flash(str(refused), "error")
    return _back(round_id)
