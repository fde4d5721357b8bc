"""The dashboard: how many children have an activity, who waits, what the subsidy costs."""

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_security import current_user

from matcher.dashboard.charts import bar_chart
from matcher.dashboard.export import figure_rows, to_csv
from matcher.dashboard.forms import BudgetForm
from matcher.extensions import db
from matcher.models import Municipality
from matcher.services import audit, dashboard
from matcher.services.errors import StaleEdit
from matcher.web.access import coordinators, staff_only
from matcher.web.i18n import current_language

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


def _goal(label: str, value: int, total: int) -> tuple[str, float, float, str]:
    """Return a chart row for progress towards a goal: each bar is its own share of 100 %."""
    share = value / total if total else 0.0
    text = _(
        "%(value)s of %(total)s (%(share)s)",
        value=format_decimal(value),
        total=format_decimal(total),
        share=format_percent(share) if total else "–",
    )
    return label, share * 100, 100.0, text


def charts(fig: dashboard.Figures) -> dict:
    """Build the dashboard's charts from its figures."""
    goals = [
        _goal(_("Children with an activity"), fig.children_with_activity, fig.children),
        _goal(
            _("Families with a contact family"),
            fig.families_with_contact,
            fig.families_wanting_contact,
        ),
    ]
    if fig.season_budget:
        goals.append(_goal(_("Subsidy spent"), fig.subsidy_spent, fig.season_budget))
    top = max(fig.children_waiting.rounds, default=0)
    rounds = [
        (_("%(n)s or more", n=n) if n == top else str(n), count, 0, str(count))
        for n, count in fig.children_waiting.rounds.items()
    ]
    return {
        "goals": bar_chart("goals", _("Towards the goals"), goals),
        "categories": bar_chart(
            "categories",
            _("Places used by category"),
            [(c.name, c.used, c.places, f"{c.used}/{c.places}") for c in fig.categories],
        ),
        "rounds": bar_chart("rounds", _("Children waiting, by rounds waited"), rounds),
        "longest": bar_chart(
            "longest",
            _("Longest waiting families (days since arrival)"),
            [(name, days, 0, format_decimal(days)) for name, days, _n in fig.longest_waiting],
        ),
    }


def _page(form: BudgetForm | None = None, code: int = 200):
    mun = db.session.get(Municipality, current_user.municipality_id)
    fig = dashboard.compute(mun.id, locale=current_language())
    if form is None and current_user.role == "staff":
        form = BudgetForm(data={"season_budget": mun.season_budget, "version": mun.version})
    return render_template("dashboard/index.html", fig=fig, charts=charts(fig), form=form), code


@bp.get("/")
@coordinators
def index():
    """Show the figures and charts (staff also get the budget form)."""
    return _page()


@bp.post("/budget")
@staff_only
def budget():
    """Set the season's subsidy budget (optimistic locking on the municipality)."""
    form = BudgetForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    mun = db.session.get(Municipality, current_user.municipality_id)
    try:
        version = int(form.version.data)
    except (TypeError, ValueError):
        version = -1
    try:
        dashboard.set_season_budget(mun, form.season_budget.data, version)
    except StaleEdit:
        db.session.rollback()
        flash(_("Someone else changed the budget meanwhile. Check it and try again."), "danger")
        return _page(None, 409)
    db.session.commit()
    flash(_("The season budget is saved."), "success")
    return redirect(url_for("dashboard.index"))


@bp.get("/figures.csv")
@coordinators
def export_csv():
    """Download the figures as CSV (formula-looking cells neutralised)."""
    fig = dashboard.compute(current_user.municipality_id, locale=current_language())
    body = "\ufeff" + to_csv(figure_rows(fig))  # the BOM makes Excel read UTF-8 (æøå)
    # The CSV names the longest-waiting families: their ids let a data export list this read.
    audit.record(
        "export",
        object_type="dashboard",
        object_id=current_user.municipality_id,
        family_ids=fig.longest_waiting_ids,
    )
    audit.commit_pending()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=matcher-figures-{fig.today}.csv"},
    )
