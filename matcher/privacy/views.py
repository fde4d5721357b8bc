"""Privacy pages for a family: export its data, withdraw its consent, erase it (all audited)."""

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from matcher.extensions import db
from matcher.models import Family
from matcher.privacy.forms import EraseForm, WithdrawConsentForm
from matcher.services import audit, gdpr, gdpr_export
from matcher.web.access import coordinators, get_scoped_or_404

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/families/<int:family_id>")
@coordinators
def family(family_id: int):
    """Show the privacy actions for a family."""
    fam = get_scoped_or_404(Family, family_id)
    audit.record("view", fam)
    audit.commit_pending()
    return render_template("privacy/family.html", family=fam)


@bp.get("/families/<int:family_id>/export.<any(json, zip):fmt>")
@coordinators
def export(family_id: int, fmt: str):
    """Download everything held about a family (GDPR Art. 15) as JSON or a zip of CSV files."""
    fam = get_scoped_or_404(Family, family_id)
    document = gdpr_export.export_family(fam)
    db.session.commit()
    if fmt == "json":
        data, mimetype = gdpr_export.to_json(document), "application/json"
    else:
        data, mimetype = gdpr_export.to_zip(document), "application/zip"
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="family-{fam.id}-export.{fmt}"'
    return _no_store(response)


@bp.route("/families/<int:family_id>/withdraw", methods=["GET", "POST"])
@coordinators
def withdraw(family_id: int):
    """Record a withdrawn consent (after confirmation): the family is anonymised at once."""
    fam = get_scoped_or_404(Family, family_id)
    form = WithdrawConsentForm()
    if fam.anonymised_at is None and form.validate_on_submit():
        gdpr.withdraw_consent(fam)
        db.session.commit()
        flash(_("The consent withdrawal is recorded and the family is anonymised."), "success")
        return redirect(url_for("privacy.family", family_id=fam.id))
    audit.record("view", fam)
    audit.commit_pending()
    return render_template("privacy/withdraw.html", family=fam, form=form)


@bp.route("/families/<int:family_id>/erase", methods=["GET", "POST"])
@coordinators
def erase(family_id: int):
    """Erase a family (GDPR Art. 17) after its case reference is typed to confirm."""
    fam = get_scoped_or_404(Family, family_id)
    form = EraseForm(expected=fam.reference)
    if fam.anonymised_at is None and form.validate_on_submit():
        gdpr.erase_family(fam)
        db.session.commit()
        flash(_("The family and its children are anonymised."), "success")
        return redirect(url_for("privacy.family", family_id=fam.id))
    audit.record("view", fam)
    audit.commit_pending()
    return render_template("privacy/erase.html", family=fam, form=form)
