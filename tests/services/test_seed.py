"""The demo data loads through the services, once, and gives every role a working login."""

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Activity, Child, Club, ContactFamily, Family, Municipality, User
from matcher.services.seed import demo_logins, seed_demo


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_data_has_the_promised_size(app):
    assert seed_demo() is True
    assert _count(Municipality) == 1
    assert 35 <= _count(Family) <= 45
    assert 80 <= _count(Child) <= 100
    assert _count(ContactFamily) == 25
    assert _count(Club) == 12
    assert _count(Activity) == 30


def test_seeding_twice_changes_nothing(app):
    seed_demo()
    before = [_count(m) for m in (Family, Child, ContactFamily, Club, Activity, User)]
    assert seed_demo() is False
    assert [_count(m) for m in (Family, Child, ContactFamily, Club, Activity, User)] == before


def test_every_demo_child_is_between_4_and_17_and_located(app):
    seed_demo()
    from datetime import date

    for child in db.session.scalars(select(Child)):
        assert 4 <= child.age_on(date.today()) <= 17
        assert 54 < child.family.lat < 58 and 8 < child.family.lon < 13


def test_there_is_a_demo_login_for_each_role(app):
    seed_demo()
    roles = {u["role"] for u in demo_logins()}
    assert roles == {"staff", "coordinator", "club_contact"}
    for login in demo_logins():
        user = db.session.scalar(select(User).where(User.email == login["email"]))
        assert user is not None and user.role == login["role"]


def test_seed_command_is_idempotent(runner):
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and "loaded" in first.output
    assert second.exit_code == 0 and "already" in second.output


def test_demo_logins_command_prints_every_login(runner):
    out = runner.invoke(args=["demo-logins"]).output
    for login in demo_logins():
        assert login["email"] in out and login["password"] in out
