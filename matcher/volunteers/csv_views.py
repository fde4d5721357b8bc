"""CSV template, export and import of contact families (registered on the volunteers blueprint)."""

from collections.abc import Callable

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_security import current_user

from matcher.services import volunteer_import
from matcher.services.errors import ImportFailed
from matcher.volunteers.forms import CsvUploadForm
from matcher.volunteers.views import bp
from matcher.web.access import coordinators


def csv_download(data: bytes, filename: str) -> Response:
    """Answer with a CSV file to save (Excel opens it with æøå intact)."""
    return Response(
        data,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def import_page(run: Callable[[int, bytes], int], title: str, template_url: str, done_url: str):
    """Show the upload form; on upload, import all rows or none and list every error."""
    form = CsvUploadForm()
    errors = []
    if form.validate_on_submit():
        try:
            count = run(current_user.municipality_id, form.file.data.read())
        except ImportFailed as exc:
            errors = exc.errors
        else:
            flash(_("%(count)s rows were imported.", count=count), "success")
            return redirect(done_url)
    page = render_template(
        "volunteers/import.html",
        form=form,
        errors=errors,
        title=title,
        template_url=template_url,
        back_url=done_url,
    )
    return page, 400 if errors else 200


@bp.get("/template.csv")
@coordinators
def template_csv():
    """Download an empty CSV with the contact-family columns."""
    return csv_download(volunteer_import.template(), "kontaktfamilier-skabelon.csv")


@bp.get("/export.csv")
@coordinators
def export_csv():
    """Download the municipality's contact families as CSV."""
    return csv_download(
        volunteer_import.export(current_user.municipality_id), "kontaktfamilier.csv"
    )


@bp.route("/import", methods=["GET", "POST"])
@coordinators
def import_csv():
    """Import contact families from a CSV file: all rows or none."""
    return import_page(
        volunteer_import.import_csv,
        _("Import contact families"),
        url_for("volunteers.template_csv"),
        url_for("volunteers.index"),
    )
