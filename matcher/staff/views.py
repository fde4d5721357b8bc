"""Staff pages."""

from flask import Blueprint, render_template
from flask_security import current_user
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import ContactFamily, Proposal, Round
from matcher.services import figures
from matcher.web.access import staff_only

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@staff_only
def start():
    """Show the staff start page: key figures, the latest round and what waits for a decision."""
    mun = current_user.municipality_id
    latest = db.session.scalar(
        select(Round).where(Round.municipality_id == mun).order_by(Round.id.desc()).limit(1)
    )
    undecided = db.session.scalar(
        select(func.count(Proposal.id))
        .join(Round)
        .where(Round.municipality_id == mun, Proposal.status == "proposed")
    )
    applied = db.session.scalar(
        select(func.count(ContactFamily.id)).where(
            ContactFamily.municipality_id == mun, ContactFamily.status == "applied"
        )
    )
    return render_template(
        "staff/start.html",
        figures=figures.overview(mun),
        latest=latest,
        undecided=undecided or 0,
        applied=applied or 0,
    )
