"""The dashboard page: who may see it, escaped chart labels, the CSV export and the budget form."""

import csv
import io

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Category, Municipality
from matcher.services import records
from tests import factories

EVIL = "<script>alert(1)</script>"


def world():
    mun = factories.municipality()
    staff = factories.user(mun, "staff")
    coordinator = factories.user(mun, "coordinator")
    club = factories.club(mun, places=3)
    contact = factories.user(mun, "club_contact", club=club)
    family = factories.family(mun, children=2)
    factories.accepted_match(mun, child=family.children[0], activity=club.activities[0])
    db.session.commit()
    return mun, staff, coordinator, contact, club


@pytest.mark.parametrize("role", ["staff", "coordinator"])
def test_the_dashboard_renders_for_staff_and_coordinators(app, client, role):
    _, staff, coordinator, _, _ = world()
    factories.login(client, {"staff": staff, "coordinator": coordinator}[role].email)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<svg class="chart" id="chart-goals"' in html
    assert 'id="activity-share">50' in html  # 1 of 2 children
    assert ("Season budget" in html or "budget" in html.lower()) is True
    assert ('name="season_budget"' in html) is (role == "staff")


def test_club_contacts_may_not_see_the_dashboard(app, client):
    _, _, _, contact, _ = world()
    factories.login(client, contact.email)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/figures.csv").status_code == 403


def test_the_dashboard_asks_for_a_login(app, client):
    world()
    assert client.get("/dashboard/").status_code == 302


def test_names_in_chart_labels_are_escaped(app, client):
    mun, staff, _, _, club = world()
    db.session.add(Category(code="evil", name_da=EVIL, name_en=EVIL))
    records.add_activity(
        club, {"name": "X", "category": "evil", "min_age": 5, "max_age": 15, "places": 1}
    )
    factories.family(mun, name=EVIL, children=1, arrival_date="2020-01-01")
    db.session.commit()
    factories.login(client, staff.email)
    html = client.get("/dashboard/").get_data(as_text=True)
    assert EVIL not in html
    categories = html[html.index('id="chart-categories"') :]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in categories[: categories.index("</svg>")]
    longest = html[html.index('id="chart-longest"') :]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in longest[: longest.index("</svg>")]


def test_the_csv_export_neutralises_formulas(app, client):
    mun, staff, _, _, club = world()
    db.session.add(Category(code="cmd", name_da="=cmd|' /C calc'!A0", name_en="=cmd"))
    records.add_activity(
        club, {"name": "Y", "category": "cmd", "min_age": 5, "max_age": 15, "places": 2}
    )
    factories.family(mun, name='=HYPERLINK("http://evil")', children=1, arrival_date="2020-01-01")
    db.session.commit()
    factories.login(client, staff.email)
    response = client.get("/dashboard/figures.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    cells = [cell for row in rows for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [e.object_type for e in events] == ["dashboard"]


def test_staff_set_the_season_budget_and_see_spending_against_it(app, client):
    mun, staff, _, _, _ = world()
    factories.login(client, staff.email)
    response = client.post(
        "/dashboard/budget", data={"season_budget": "1600", "version": str(mun.version)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Municipality, mun.id).season_budget == 1600
    html = client.get("/dashboard/").get_data(as_text=True)
    assert "50" in html[html.index('id="subsidy-spent"') :][:400]  # 800 of 1,600 kr.


def test_a_budget_save_on_an_old_version_is_refused(app, client):
    mun, staff, _, _, _ = world()
    old = mun.version
    mun.season_budget = 10
    db.session.commit()
    factories.login(client, staff.email)
    response = client.post("/dashboard/budget", data={"season_budget": "99", "version": str(old)})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Municipality, mun.id).season_budget == 10


def test_a_negative_budget_is_refused_next_to_the_field(app, client):
    mun, staff, _, _, _ = world()
    factories.login(client, staff.email)
    response = client.post(
        "/dashboard/budget", data={"season_budget": "-5", "version": str(mun.version)}
    )
    assert response.status_code == 400
    assert 'id="season_budget-error"' in response.get_data(as_text=True)


def test_coordinators_may_not_set_the_budget(app, client):
    mun, _, coordinator, _, _ = world()
    factories.login(client, coordinator.email)
    response = client.post(
        "/dashboard/budget", data={"season_budget": "5", "version": str(mun.version)}
    )
    assert response.status_code == 403
