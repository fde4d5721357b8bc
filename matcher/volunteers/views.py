"""Coordinator pages for contact families: list, view, edit, status changes, certificate."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_security import current_user

from matcher.extensions import db
from matcher.models import ContactFamily
from matcher.models.contact_family import STATUSES
from matcher.services import audit, contact_families
from matcher.services.errors import StaleEdit
from matcher.volunteers.forms import CertificateForm, ContactFamilyForm
from matcher.web.access import coordinators, get_scoped_or_404
from matcher.web.paging import page_arg

bp = Blueprint("volunteers", __name__, url_prefix="/contact-families")

PER_PAGE = 50


def stale_message() -> str:
    """Return the message shown when a save is refused because someone saved first."""
    return _(
        "Someone else changed this contact family while you were editing it. Reload the page to "
        "see their changes, then make yours again."
    )


@bp.get("/")
@coordinators
def index():
    """List the municipality's contact families, filtered by status and a search text."""
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    q = request.args.get("q", "").strip()[:100]
    stmt = contact_families.search(current_user.municipality_id, status or None, q or None)
    page = db.paginate(stmt, page=page_arg(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "volunteers/index.html", page=page, status=status, q=q, statuses=STATUSES
    )


@bp.get("/<int:cf_id>")
@coordinators
def show(cf_id: int):
    """Show a contact family, its certificate, its status buttons and its current pairings."""
    cf = get_scoped_or_404(ContactFamily, cf_id)
    form = CertificateForm(
        data={"checked_on": cf.child_certificate_checked_on, "version": cf.version}
    )
    audit.record("view", cf)
    audit.commit_pending()
    return _show(cf, form)


def _show(cf: ContactFamily, certificate_form: CertificateForm, code: int = 200):
    """Render a contact family's page (also after a refused certificate form)."""
    return render_template(
        "volunteers/show.html",
        cf=cf,
        certificate_form=certificate_form,
        pairings=contact_families.current_pairings(cf),
        may_pair_young=contact_families.can_pair_with_young_children(cf),
        transitions=contact_families.TRANSITIONS,
    ), code


@bp.route("/<int:cf_id>/edit", methods=["GET", "POST"])
@coordinators
def edit(cf_id: int):
    """Edit a contact family's details; a save on an outdated version is refused (409)."""
    cf = get_scoped_or_404(ContactFamily, cf_id)
    form = ContactFamilyForm() if request.method == "POST" else ContactFamilyForm.for_record(cf)
    if form.validate_on_submit():
        try:
            contact_families.update(cf, form.to_data(), form.version.data)
        except StaleEdit:
            db.session.rollback()
            flash(stale_message(), "danger")
            return render_template("volunteers/edit.html", form=form, cf=cf), 409
        flash(_("The contact family is saved."), "success")
        return redirect(url_for("volunteers.show", cf_id=cf.id))
    if request.method == "GET":  # the form shows the whole record: a read like the page's
        audit.record("view", cf, page="edit")
        audit.commit_pending()
    return render_template("volunteers/edit.html", form=form, cf=cf)


@bp.post("/<int:cf_id>/status/<action>")
@coordinators
def change_status(cf_id: int, action: str):
    """Approve, pause or end a contact family."""
    if action not in contact_families.TRANSITIONS:
        abort(404)
    cf = get_scoped_or_404(ContactFamily, cf_id)
    try:
        contact_families.change_status(cf, action, current_user)
    except contact_families.InvalidTransition:
        flash(_("That change is not possible for a contact family with this status."), "warning")
        return redirect(url_for("volunteers.show", cf_id=cf.id))
    messages = {
        "approve": _("The contact family is approved."),
        "pause": _("The contact family is paused."),
        "end": _("The contact family has ended."),
    }
    flash(messages[action], "success")
    return redirect(url_for("volunteers.show", cf_id=cf.id))


@bp.post("/<int:cf_id>/certificate")
@coordinators
def certificate(cf_id: int):
    """Record the day the child certificate was checked."""
    cf = get_scoped_or_404(ContactFamily, cf_id)
    form = CertificateForm()
    if not form.validate_on_submit():
        return _show(cf, form, 400)
    try:
        contact_families.record_certificate(cf, form.checked_on.data, form.version.data)
    except StaleEdit:
        db.session.rollback()
        flash(stale_message(), "danger")
        return _show(db.session.get(ContactFamily, cf_id), form, 409)
    flash(_("The child certificate is recorded."), "success")
    return redirect(url_for("volunteers.show", cf_id=cf.id))


from matcher.volunteers import csv_views  # noqa: E402,F401  (adds the CSV routes to bp)
