"""Staff read the audit log of their municipality. There is deliberately no route that edits
or deletes an event (tests/security/test_audit_log.py checks that no such route exists)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request
from flask_security import current_user

from matcher.audit.forms import ACTION_LABELS, OBJECT_LABELS, AuditFilterForm
from matcher.extensions import db
from matcher.services import audit
from matcher.web.access import staff_only
from matcher.web.paging import page_arg

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 50


def _local_midnight(day) -> datetime:
    """Return the start of a local calendar day (dates are entered in Danish time)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone)


@bp.get("/")
@staff_only
def index():
    """List audit events, newest first, filtered by the form's fields."""
    form = AuditFilterForm(request.args)
    filters: dict = {}
    if form.validate():
        d = form.data
        filters = {
            "action": d["action"] or None,
            "user_email": d["user_email"] or None,
            "object_type": d["object_type"] or None,
            "object_id": d["object_id"],
            "since": _local_midnight(d["since"]) if d["since"] else None,
            # up to 31 December 9999 is no limit at all (and its next day would overflow)
            "until": _local_midnight(d["until"] + timedelta(days=1))
            if d["until"] and d["until"] < date.max
            else None,
        }
    page = db.paginate(
        audit.search(current_user.municipality_id, **filters),
        page=page_arg(),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
        error_out=False,
    )
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "audit/index.html",
        form=form,
        page=page,
        args=args,
        actions=ACTION_LABELS,
        objects=OBJECT_LABELS,
    )
