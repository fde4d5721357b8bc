"""Coordinator pages."""

from flask import Blueprint, render_template
from flask_security import current_user

from matcher.services import figures
from matcher.web.access import coordinators

bp = Blueprint("coordinators", __name__, url_prefix="/coordinator")


@bp.get("/")
@coordinators
def start():
    """Show the coordinator's start page: their own families and what waits for them."""
    return render_template(
        "coordinators/start.html", figures=figures.overview(current_user.municipality_id)
    )
