"""A family's children: added, edited and deleted inline on the family's page.

The family's page lists the children read-only and opens one child's form in place when asked
(rendering an edit form for every child made it the slowest page of daily work); a form that
fails is shown again in place, with its errors. The old per-child URLs lead there too.
"""

import uuid

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from matcher.coordinators.forms import DeleteForm
from matcher.coordinators.views import bp, child_form, render_show
from matcher.extensions import db
from matcher.models import Child, Family
from matcher.services import families
from matcher.services.errors import StaleEdit
from matcher.web.access import coordinators, get_scoped_or_404


def _child_of(family: Family, child_id: int) -> Child:
    """Load a child of this family (so a child id from another family is a 404)."""
    child = get_scoped_or_404(Child, child_id)
    if child.family_id != family.id:
        abort(404)
    return child


def stale_child_message() -> str:
    """Return the message shown when a child's save is refused because someone saved first."""
    return _(
        "Someone else changed this child while you were editing. Nothing was saved. Reload the "
        "page to see their changes, then make yours again."
    )


def _back(family: Family, anchor: str = "children"):
    return redirect(url_for("coordinators.show", family_id=family.id, _anchor=anchor))


@bp.get("/families/<int:family_id>/children/new")
@coordinators
def new_child(family_id: int):
    """Open the add-child form on the family's page."""
    get_scoped_or_404(Family, family_id)
    return redirect(url_for("coordinators.show", family_id=family_id, add=1, _anchor="add-child"))


@bp.post("/families/<int:family_id>/children")
@coordinators
def add_child(family_id: int):
    """Add a child to the family; a double submission adds it once."""
    family = get_scoped_or_404(Family, family_id)
    form = child_form("new")
    if not form.validate_on_submit():
        return render_show(family, add=form, code=400)
    child, created = families.add_child(family, form.to_data(), form.token.data or uuid.uuid4().hex)
    if created:
        flash(_("%(name)s is added.", name=child.first_name), "success")
    return _back(family, f"child-{child.id}")


@bp.route("/families/<int:family_id>/children/<int:child_id>", methods=["GET", "POST"])
@coordinators
def edit_child(family_id: int, child_id: int):
    """Edit a child in place on the family's page; a save on an outdated version is refused
    (409)."""
    family = get_scoped_or_404(Family, family_id)
    if request.method == "POST" and db.session.get(Child, child_id) is None:
        # Deleted by someone else while this form was open: say so, on the family's page.
        flash(_("This child was deleted by someone else meanwhile. Nothing was saved."), "warning")
        return _back(family)
    child = _child_of(family, child_id)
    if request.method == "GET":
        return redirect(
            url_for(
                "coordinators.show", family_id=family.id, edit=child.id, _anchor=f"child-{child.id}"
            )
        )
    form = child_form(f"c{child.id}", child)
    if not form.validate_on_submit():
        return render_show(family, edit=(child, form), code=400)
    try:
        families.update_child(child, form.to_data(), form.version.data or -1)
    except StaleEdit:
        db.session.rollback()
        flash(stale_child_message(), "danger")
        return render_show(family, edit=(child, form), code=409)
    flash(_("%(name)s is saved.", name=child.first_name), "success")
    return _back(family, f"child-{child.id}")


@bp.post("/families/<int:family_id>/children/<int:child_id>/delete")
@coordinators
def delete_child(family_id: int, child_id: int):
    """Delete a child after the person confirmed; refused if stale or in a round's history."""
    family = get_scoped_or_404(Family, family_id)
    child = _child_of(family, child_id)
    form = DeleteForm()
    name = child.first_name
    if not form.validate_on_submit():
        abort(400)
    try:
        families.delete_child(child, form.version.data)
    except StaleEdit:
        db.session.rollback()
        flash(stale_child_message(), "danger")
        return render_show(family, code=409)
    except families.HasHistory:
        db.session.rollback()
        flash(
            _("%(name)s has taken part in matching rounds and cannot be deleted.", name=name),
            "warning",
        )
        return _back(family, f"child-{child_id}")
    flash(_("%(name)s is deleted.", name=name), "success")
    return _back(family)
