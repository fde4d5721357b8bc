"""The club portal: a club's details, its activities and the children placed with them."""

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_security import current_user

from matcher.clubs.forms import WEEKDAY_LABELS, ActivityForm, ClubForm
from matcher.extensions import db
from matcher.models import Activity, Club
from matcher.models.user import CLUB_CONTACT, COORDINATOR, STAFF
from matcher.services import audit, clubs
from matcher.services.errors import StaleEdit
from matcher.web.access import roles_required

bp = Blueprint("clubs", __name__, url_prefix="/club")

club_people = roles_required(CLUB_CONTACT, STAFF, COORDINATOR)


def club_for_current_user(club_id: int) -> Club:
    """Load a club the user may see: a contact only their own, staff their municipality's."""
    club = db.session.get(Club, club_id)
    if club is None or club.municipality_id != current_user.municipality_id:
        abort(404)
    if current_user.role == CLUB_CONTACT and current_user.club_id != club.id:
        abort(403)
    return club


def _activity(club: Club, activity_id: int) -> Activity:
    """Load one of the club's activities, or 404."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.club_id != club.id:
        abort(404)
    return activity


def stale_message() -> str:
    """Return the message shown when a save is refused because someone saved first."""
    return _(
        "Someone else saved this while you were editing it. Reload the page to see their "
        "changes, then make yours again."
    )


@bp.get("/<int:club_id>")
@club_people
def start(club_id: int):
    """Show a club's page: its details, activities and places."""
    club = club_for_current_user(club_id)
    return render_template("clubs/start.html", club=club, weekday_labels=WEEKDAY_LABELS)


@bp.route("/<int:club_id>/edit", methods=["GET", "POST"])
@club_people
def edit(club_id: int):
    """Edit the club's details; a save on an outdated version is refused (409)."""
    club = club_for_current_user(club_id)
    form = ClubForm(obj=club if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            clubs.update_club(club, form.to_data(), form.version.data or -1)
        except StaleEdit:
            db.session.rollback()
            flash(stale_message(), "danger")
            return render_template("clubs/edit.html", form=form, club=club), 409
        flash(_("The club's details are saved."), "success")
        return redirect(url_for("clubs.start", club_id=club.id))
    return render_template("clubs/edit.html", form=form, club=club)


@bp.route("/<int:club_id>/activities/new", methods=["GET", "POST"])
@club_people
def new_activity(club_id: int):
    """Add an activity to the club (once per form, even if sent twice)."""
    club = club_for_current_user(club_id)
    form = ActivityForm()
    if not form.token.data:
        form.token.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        clubs.add_activity(club, form.to_data(), form.token.data)
        flash(_("The activity is added."), "success")
        return redirect(url_for("clubs.start", club_id=club.id))
    return render_template("clubs/activity.html", form=form, club=club, activity=None)


@bp.route("/<int:club_id>/activities/<int:activity_id>", methods=["GET", "POST"])
@club_people
def edit_activity(club_id: int, activity_id: int):
    """Edit an activity; a save on an outdated version is refused (409)."""
    club = club_for_current_user(club_id)
    activity = _activity(club, activity_id)
    if request.method == "GET":
        form = ActivityForm(obj=activity)
        form.category.data = activity.category_code  # obj.category is the related row
        if activity.address == club.address and activity.postcode == club.postcode:
            form.address.data = form.postcode.data = ""
    else:
        form = ActivityForm()
    if form.validate_on_submit() and _places_cover_the_children(form, activity):
        try:
            clubs.update_activity(activity, form.to_data(), form.version.data or -1)
        except StaleEdit:
            db.session.rollback()
            flash(stale_message(), "danger")
            return render_template(
                "clubs/activity.html", form=form, club=club, activity=activity
            ), 409
        flash(_("The activity is saved."), "success")
        return redirect(url_for("clubs.start", club_id=club.id))
    return render_template("clubs/activity.html", form=form, club=club, activity=activity)


def _places_cover_the_children(form, activity) -> bool:
    """Refuse fewer subsidised places than children hold on the activity now (their places
    are paid for the season); the error goes next to the field."""
    holding = clubs.children_holding(activity)
    if form.places.data is not None and form.places.data < holding:
        form.places.errors = [
            *form.places.errors,
            ngettext(
                "%(num)s child holds a place on this activity now: keep at least %(num)s place, "
                "or ask the coordinator to end it first.",
                "%(num)s children hold places on this activity now: keep at least %(num)s "
                "places, or ask the coordinators to end them first.",
                holding,
            ),
        ]
        return False
    return True


@bp.post("/<int:club_id>/activities/<int:activity_id>/active")
@club_people
def set_active(club_id: int, activity_id: int):
    """Deactivate an activity (it offers no places any more), or activate it again."""
    club = club_for_current_user(club_id)
    activity = _activity(club, activity_id)
    active = request.form.get("active") == "1"
    clubs.set_activity_active(activity, active)
    flash(_("The activity is active.") if active else _("The activity is deactivated."), "success")
    return redirect(url_for("clubs.start", club_id=club.id))


@bp.get("/<int:club_id>/children")
@club_people
def children(club_id: int):
    """List the children placed with the club: first name, age, start date, coordinator."""
    club = club_for_current_user(club_id)
    rows = clubs.placed_children(club)
    audit.record("view", club, what="placed_children", count=len(rows))
    audit.commit_pending()
    return render_template("clubs/children.html", club=club, rows=rows)
