"""CSV import and export of families with children, and the template to fill in."""

from datetime import date

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_security import current_user

from matcher.coordinators.forms import ImportForm
from matcher.coordinators.views import bp
from matcher.services import family_import
from matcher.services.errors import ImportFailed
from matcher.web.access import coordinators


def _download(data: bytes, filename: str) -> Response:
    """Answer with a CSV file to save."""
    return Response(
        data,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/families/import/template.csv")
@coordinators
def import_template():
    """Download the import template: the header row and one example row."""
    return _download(family_import.template_csv(), "familier-skabelon.csv")


@bp.route("/families/import", methods=["GET", "POST"])
@coordinators
def import_families():
    """Upload a CSV of families; every row is checked first, then all are saved or none."""
    form = ImportForm()
    if not form.validate_on_submit():
        code = 400 if form.is_submitted() else 200
        return render_template("coordinators/import.html", form=form, errors=[]), code
    data = form.file.data.read()
    try:
        count, children = family_import.run(current_user.municipality_id, data, current_user)
    except ImportFailed as failed:
        flash(
            _("Nothing was imported. Correct the rows below and upload the file again."), "danger"
        )
        return render_template("coordinators/import.html", form=form, errors=failed.errors), 400
    flash(
        _(
            "%(families)s families with %(children)s children are imported.",
            families=count,
            children=children,
        ),
        "success",
    )
    return redirect(url_for("coordinators.index"))


@bp.get("/families/export.csv")
@coordinators
def export_families():
    """Download every family of the municipality with its children (audited)."""
    data, _count = family_import.export_csv(current_user.municipality_id)
    return _download(data, f"familier-{date.today().isoformat()}.csv")
