"""The dashboard's figures as rows and as CSV that spreadsheets cannot run as formulas."""

import csv
import io

from flask_babel import gettext as _

from matcher.services.dashboard import Figures

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(cell: object) -> object:
    """Make a text cell inert in a spreadsheet by prefixing an apostrophe; numbers pass."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def figure_rows(fig: Figures) -> list[tuple[str, str, object]]:
    """Return (section, figure, value) rows in the user's language."""
    cw, fw = fig.children_waiting, fig.families_waiting
    rows: list[tuple[str, str, object]] = [
        (_("Children"), _("Children under 18"), fig.children),
        (_("Children"), _("Children with an activity"), fig.children_with_activity),
        (_("Children"), _("Share with an activity (%)"), round(fig.activity_share * 100, 1)),
        (_("Families"), _("Families"), fig.families),
        (_("Families"), _("Families wanting a contact family"), fig.families_wanting_contact),
        (_("Families"), _("Families with a contact family"), fig.families_with_contact),
        (_("Waiting"), _("Children waiting"), cw.count),
        (_("Waiting"), _("Children: average rounds waited"), round(cw.mean_rounds, 2)),
        (_("Waiting"), _("Children: most rounds waited"), cw.max_rounds),
        (_("Waiting"), _("Children: average days since arrival"), round(cw.mean_days, 1)),
        (_("Waiting"), _("Children: most days since arrival"), cw.max_days),
        (_("Waiting"), _("Families waiting for a contact family"), fw.count),
        (_("Waiting"), _("Families: average rounds waited"), round(fw.mean_rounds, 2)),
        (_("Waiting"), _("Families: average days since arrival"), round(fw.mean_days, 1)),
        (_("Waiting"), _("Families: most days since arrival"), fw.max_days),
        (_("Subsidy"), _("Subsidy spent (DKK)"), fig.subsidy_spent),
        (_("Subsidy"), _("Season budget (DKK)"), fig.season_budget if fig.season_budget else ""),
    ]
    for rounds, n in cw.rounds.items():
        label = _("%(n)s or more rounds", n=rounds) if rounds == max(cw.rounds) else str(rounds)
        rows.append((_("Children waiting by rounds waited"), label, n))
    for cat in fig.categories:
        rows.append((_("Places by category"), cat.name, cat.places))
        rows.append((_("Places used by category"), cat.name, cat.used))
    for name, days, _children in fig.longest_waiting:
        rows.append((_("Longest waiting families (days since arrival)"), name, days))
    return rows


def to_csv(rows: list[tuple[str, str, object]]) -> str:
    """Write rows with a header as CSV, every text cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Section"), _("Figure"), _("Value")])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
