"""Rounds: staff start them; staff and coordinators follow their progress and review them."""

import json

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_security import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from matcher.extensions import db
from matcher.models import Proposal, Round
from matcher.rounds.forms import WEIGHTS, DeclineForm, StartRoundForm
from matcher.rounds.review import review
from matcher.services import audit, rounds
from matcher.web.access import coordinators, get_scoped_or_404, staff_only

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


@bp.route("/new", methods=["GET", "POST"])
@staff_only
def new():
    """Choose what to match, preview who takes part, and start the round."""
    form = StartRoundForm()
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
                return render_template(
                    "rounds/new.html", form=form, counts=None, weights=WEIGHTS
                ), 409
            flash(_("The round has started. It runs in the background."), "success")
            return redirect(url_for("rounds.show", round_id=rnd.id))
        counts = rounds.preview(mun, form.round_date.data, form.kind.data)
    return render_template("rounds/new.html", form=form, counts=counts, weights=WEIGHTS)


@bp.get("/<int:round_id>")
@coordinators
def show(round_id: int):
    """Show a round: its progress while it runs, its proposals once done."""
    rnd = get_scoped_or_404(Round, round_id)
    data = None
    if rnd.status == "done":
        data = review(rnd)
        audit.record("view", rnd, proposals=len(data["proposals"]))
        audit.commit_pending()
    return render_template("rounds/show.html", rnd=rnd, data=data, decline_form=DeclineForm())


@bp.get("/<int:round_id>/status")
@coordinators
def status(round_id: int):
    """Answer the round's state and progress as JSON, for the page to poll."""
    rnd = get_scoped_or_404(Round, round_id)
    return jsonify(
        id=rnd.id,
        status=rnd.status,
        progress=rnd.progress,
        message=rnd.message,
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
    return redirect(url_for("rounds.show", round_id=round_id, _anchor=f"p{proposal_id}"))


@bp.post("/<int:round_id>/proposals/<int:proposal_id>/decline")
@coordinators
def decline(round_id: int, proposal_id: int):
    """Decline one proposal with a reason."""
    proposal = _proposal(round_id, proposal_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason for declining."), "error")
        return redirect(url_for("rounds.show", round_id=round_id, _anchor=f"p{proposal_id}"))
    try:
        rounds.decline(proposal, form.reason.data, current_user.id)
        flash(_("Declined. This pair will not be proposed again."), "success")
    except rounds.DecisionRefused as refused:
        flash(str(refused), "error")
    return redirect(url_for("rounds.show", round_id=round_id, _anchor=f"p{proposal_id}"))


@bp.post("/<int:round_id>/accept-all")
@coordinators
def accept_all(round_id: int):
    """Accept every undecided proposal of the round."""
    rnd = get_scoped_or_404(Round, round_id)
    accepted, skipped = rounds.accept_all(rnd, current_user.id)
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
    return redirect(url_for("rounds.show", round_id=round_id))


@bp.post("/<int:round_id>/decline-all")
@coordinators
def decline_all(round_id: int):
    """Decline every undecided proposal of the round, with one reason."""
    rnd = get_scoped_or_404(Round, round_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason for declining."), "error")
        return redirect(url_for("rounds.show", round_id=round_id))
    try:
        n = rounds.decline_all(rnd, form.reason.data, current_user.id)
        flash(_("%(n)s proposals declined.", n=n), "success")
    except rounds.DecisionRefused as refused:
        flash(str(refused), "error")
    return redirect(url_for("rounds.show", round_id=round_id))
