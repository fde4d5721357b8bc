"""Dashboard figures on a small world built by hand, where every number can be counted."""

from datetime import date

import pytest
from sqlalchemy import event, select

from matcher.extensions import db
from matcher.models import Activity, Child, Club, Round, Unmatched
from matcher.services import dashboard, followup, records
from matcher.services.errors import StaleEdit
from tests import factories

TODAY = date(2026, 11, 20)


def small_world():
    """Two municipalities; in ours: 5 children under 18 (and one adult), 2 placed, 1 ended."""
    mun = factories.municipality(name="Vores Kommune")
    other = factories.municipality(name="Anden Kommune")
    football = factories.club(mun, name="IF", places=3)  # football, 3 places, fee 800
    swim = records.add_activity(
        football,
        {
            "name": "Svøm",
            "category": "swimming",
            "min_age": 6,
            "max_age": 12,
            "places": 2,
            "fee": 500,
        },
    )
    factories.club(other, name="Fremmed IF", places=10)
    # Family A arrived 2026-11-10: three children, one of them already 18.
    fam_a = factories.family(mun, name="A", children=2, arrival_date="2026-11-10")
    fam_a.children.append(
        Child(first_name="Voksen", birth_date=date(2008, 1, 1), gender="male", wishes=[])
    )
    # Family B arrived 2026-10-21 with three children and wants no contact family.
    fam_b = factories.family(
        mun, name="B", children=3, arrival_date="2026-10-21", wants_contact_family=False
    )
    fam_other = factories.family(other, name="X", children=4)
    db.session.flush()
    act = football.activities[0]
    a1, a2 = fam_a.children[0], fam_a.children[1]
    b1, b2, b3 = fam_b.children
    factories.accepted_match(mun, child=a1, activity=act)  # holds a football place (800)
    factories.accepted_match(mun, child=b1, activity=swim)  # holds a swimming place (500)
    ended = factories.accepted_match(mun, child=b2, activity=act)
    followup.mark_ended(ended, TODAY, "moved", today=TODAY)  # place given back
    factories.accepted_match(mun, child=b3, activity=act, status="proposed")  # not yet accepted
    factories.accepted_match(other, child=fam_other.children[0], activity=_other_activity(other))
    # Rounds waited: a2 was left out of one round and declined its proposal in another, b2
    # left out once; family A left out once. A failed round counts for nobody.
    rnd, earlier, failed = (
        Round(municipality_id=mun.id, kind="both", round_date=TODAY, status=status)
        for status in ("done", "done", "failed")
    )
    db.session.add_all([rnd, earlier, failed])
    db.session.flush()
    for child in (a2, b2):
        db.session.add(Unmatched(round_id=rnd.id, child_id=child.id, reason="capacity"))
    db.session.add(Unmatched(round_id=failed.id, child_id=b2.id, reason="capacity"))
    declined = factories.accepted_match(mun, child=a2, activity=act, status="declined")
    declined.round_id = earlier.id
    db.session.add(Unmatched(round_id=rnd.id, family_id=fam_a.id, reason="no_contact_family"))
    cf = factories.contact_family(mun, status="approved")
    factories.accepted_match(mun, family=fam_b, contact_family=cf)
    mun.season_budget = 2600
    db.session.commit()
    return mun


def _other_activity(mun):
    return db.session.scalar(
        select(Activity).join(Club).where(Club.municipality_id == mun.id).order_by(Activity.id)
    )


def test_figures_of_a_hand_built_world(app):
    mun = small_world()
    fig = dashboard.compute(mun.id, today=TODAY)
    assert fig.children == 5  # the 18-year-old and the other municipality don't count
    assert fig.children_with_activity == 2  # a1 and b1; b2 ended, b3 only proposed
    assert fig.activity_share == 2 / 5
    assert (fig.families, fig.families_wanting_contact, fig.families_with_contact) == (2, 1, 1)
    assert fig.subsidy_spent == 800 + 500
    assert fig.season_budget == 2600 and fig.budget_share == 0.5

    waiting = fig.children_waiting  # a2 (2 rounds, 10 days), b2 (1, 30), b3 (0, 30)
    assert waiting.count == 3
    assert waiting.rounds == {0: 1, 1: 1, 2: 1, 3: 0}
    assert waiting.mean_rounds == 1.0 and waiting.max_rounds == 2
    assert waiting.max_days == 30 and round(waiting.mean_days, 4) == round(70 / 3, 4)
    assert waiting.median_days == 30

    # Family A wants a contact family and has none: waited 1 round, 10 days.
    fw = fig.families_waiting
    assert (fw.count, fw.mean_rounds, fw.max_days) == (1, 1.0, 10)

    by_code = {c.code: (c.places, c.used) for c in fig.categories}
    assert by_code == {"football": (3, 1), "swimming": (2, 1)}
    assert fig.longest_waiting == [("B", 30, 2), ("A", 10, 1)]


def test_category_names_follow_the_language(app):
    mun = small_world()
    names = {c.name for c in dashboard.compute(mun.id, today=TODAY, locale="en").categories}
    assert names == {"Football", "Swimming"}
    names = {c.name for c in dashboard.compute(mun.id, today=TODAY, locale="da").categories}
    assert names == {"Fodbold", "Svømning"}


def _queries_for_figures(mun) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        dashboard.compute(mun.id, today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_figures_take_a_fixed_number_of_queries_whatever_the_size(app):
    mun = small_world()
    small = _queries_for_figures(mun)
    for i in range(15):  # many more families, children and matches
        fam = factories.family(mun, name=f"F{i}", children=3)
        factories.accepted_match(mun, child=fam.children[0], activity=_other_activity(mun))
    db.session.commit()
    assert _queries_for_figures(mun) == small <= 15


def test_an_empty_municipality_has_zero_figures(app):
    mun = factories.municipality()
    fig = dashboard.compute(mun.id, today=TODAY)
    assert (fig.children, fig.children_with_activity, fig.subsidy_spent) == (0, 0, 0)
    assert fig.activity_share == 0 and fig.budget_share is None
    assert fig.categories == [] and fig.longest_waiting == []


def test_the_budget_is_saved_with_optimistic_locking(app):
    mun = factories.municipality()
    db.session.commit()
    version = mun.version
    dashboard.set_season_budget(mun, 100_000, version)
    db.session.commit()
    assert mun.season_budget == 100_000
    with pytest.raises(StaleEdit):
        dashboard.set_season_budget(mun, 5, version)
    assert mun.season_budget == 100_000
