"""The club portal."""

from flask import Blueprint, abort, render_template
from flask_security import current_user

from matcher.extensions import db
from matcher.models import Club
from matcher.models.user import CLUB_CONTACT, COORDINATOR, STAFF
from matcher.web.access import roles_required

bp = Blueprint("clubs", __name__, url_prefix="/club")


def club_for_current_user(club_id: int) -> Club:
    """Load a club the current user may see: a contact only their own, staff their municipality's."""
    club = db.session.get(Club, club_id)
    if club is None or club.municipality_id != current_user.municipality_id:
        abort(404)
    if current_user.role == CLUB_CONTACT and current_user.club_id != club.id:
        abort(403)
    return club


@bp.get("/<int:club_id>")
@roles_required(CLUB_CONTACT, STAFF, COORDINATOR)
def start(club_id: int):
    """Show a club's page: its activities and places."""
    club = club_for_current_user(club_id)
    return render_template("clubs/start.html", club=club)
