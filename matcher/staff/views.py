"""Staff pages."""

from flask import Blueprint, render_template
from flask_security import current_user

from matcher.services import figures
from matcher.web.access import staff_only

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@staff_only
def start():
    """Show the staff start page with the municipality's key figures."""
    return render_template(
        "staff/start.html", figures=figures.overview(current_user.municipality_id)
    )
