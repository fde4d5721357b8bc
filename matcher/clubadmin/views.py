"""Managing clubs: list, create, invite a club contact."""

import secrets

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_security import current_user

from matcher.clubadmin.forms import InviteForm
from matcher.clubs.forms import ClubForm
from matcher.clubs.views import club_for_current_user
from matcher.services import activity_import, clubs, invitations
from matcher.volunteers.csv_views import csv_download, import_page
from matcher.web.access import coordinators

bp = Blueprint("clubadmin", __name__, url_prefix="/clubs")


@bp.get("/")
@coordinators
def index():
    """List the municipality's clubs with their activities and places."""
    rows = clubs.list_clubs(current_user.municipality_id)
    return render_template("clubadmin/index.html", rows=rows)


@bp.route("/new", methods=["GET", "POST"])
@coordinators
def new():
    """Create a club (once per form, even if sent twice)."""
    form = ClubForm()
    if not form.token.data:
        form.token.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        club, _created = clubs.create_club(
            current_user.municipality_id, form.to_data(), form.token.data
        )
        flash(_("The club is created. Invite its contact person next."), "success")
        return redirect(url_for("clubadmin.invite", club_id=club.id))
    return render_template("clubadmin/new.html", form=form)


@bp.route("/<int:club_id>/invite", methods=["GET", "POST"])
@coordinators
def invite(club_id: int):
    """Invite a club contact: an account that starts when they choose a password."""
    club = club_for_current_user(club_id)
    form = InviteForm()
    if form.validate_on_submit():
        invitations.invite(
            club,
            form.email.data,
            form.name.data,
            lambda token: url_for("signup.invitation", token=token, _external=True),
        )
        flash(_("The invitation is on its way to %(email)s.", email=form.email.data), "success")
        return redirect(url_for("clubadmin.invite", club_id=club.id))
    return render_template("clubadmin/invite.html", form=form, club=club)


@bp.get("/activities/template.csv")
@coordinators
def activities_template():
    """Download an empty CSV with the activity columns."""
    return csv_download(activity_import.template(), "aktiviteter-skabelon.csv")


@bp.get("/activities/export.csv")
@coordinators
def activities_export():
    """Download the municipality's active activities as CSV."""
    return csv_download(activity_import.export(current_user.municipality_id), "aktiviteter.csv")


@bp.route("/activities/import", methods=["GET", "POST"])
@coordinators
def activities_import():
    """Import activities of the municipality's clubs from a CSV file: all rows or none."""
    return import_page(
        activity_import.import_csv,
        _("Import activities"),
        url_for("clubadmin.activities_template"),
        url_for("clubadmin.index"),
    )
