"""Public sign-up pages."""

from flask import Blueprint, render_template

bp = Blueprint("signup", __name__, url_prefix="/bliv-kontaktfamilie")


@bp.get("/")
def form():
    """Show the volunteer sign-up form."""
    return render_template("signup/form.html")
