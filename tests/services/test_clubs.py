"""The club service: create once, locked edits, activity places, and the placed-children view."""

import time
from datetime import date

import pytest
from itsdangerous import TimestampSigner

from matcher.extensions import db
from matcher.models import Activity, Proposal, Round
from matcher.services import clubs, invitations
from matcher.services.errors import StaleEdit
from tests import factories as f


@pytest.fixture
def mun(app):
    m = f.municipality()
    db.session.commit()
    return m


def test_list_clubs_counts_active_activities_and_their_places(mun):
    club = f.club(mun, "Klub A", places=3)
    f.club(mun, "Klub B", places=5)
    clubs.add_activity(
        club, {"name": "Svøm", "category": "swimming", "min_age": 6, "max_age": 9, "places": 2}
    )
    gone, _ = clubs.add_activity(
        club, {"name": "Gammel", "category": "swimming", "min_age": 6, "max_age": 9, "places": 7}
    )
    clubs.set_activity_active(gone, False)
    rows = {c.name: (n, p) for c, n, p in clubs.list_clubs(mun.id)}
    assert rows == {"Klub A": (2, 5), "Klub B": (1, 5)}


def test_activity_with_its_own_postcode_is_placed_there(mun):
    club = f.club(mun)
    activity, created = clubs.add_activity(
        club,
        {
            "name": "Svøm",
            "category": "swimming",
            "min_age": 6,
            "max_age": 9,
            "postcode": "8000",
            "address": "Havnen 1",
        },
    )
    assert created and activity.postcode == "8000" and activity.address == "Havnen 1"
    assert (activity.lat, activity.lon) != (club.lat, club.lon)


def test_update_activity_back_to_the_clubs_place(mun):
    club = f.club(mun)
    activity, _ = clubs.add_activity(
        club,
        {"name": "Svøm", "category": "swimming", "min_age": 6, "max_age": 9, "postcode": "8000"},
    )
    clubs.update_activity(activity, {"postcode": "", "address": ""}, activity.version)
    assert (activity.postcode, activity.lat, activity.lon) == (club.postcode, club.lat, club.lon)


def test_stale_activity_edit_is_refused(mun):
    activity = f.club(mun).activities[0]
    db.session.commit()
    old = activity.version
    clubs.update_activity(activity, {"places": 9}, old)
    with pytest.raises(StaleEdit):
        clubs.update_activity(activity, {"places": 1}, old)
    db.session.rollback()
    assert db.session.get(Activity, activity.id).places == 9


def test_placed_children_are_only_current_accepted_placements(mun):
    club = f.club(mun)
    coord = f.user(mun, "coordinator", name="Karin")
    fam = f.family(mun, children=3, coordinator_id=coord.id)
    rnd = Round(municipality_id=mun.id, kind="children", round_date=date(2026, 1, 1))
    for child, status, ended in zip(
        fam.children,
        ("accepted", "accepted", "proposed"),
        (None, date(2026, 2, 1), None),
        strict=True,
    ):
        db.session.add(
            Proposal(
                round=rnd,
                kind="placement",
                child_id=child.id,
                activity_id=club.activities[0].id,
                status=status,
                ended_on=ended,
                started_on=date(2026, 1, 10),
            )
        )
    db.session.commit()
    rows = clubs.placed_children(club, today=date(2026, 6, 1))
    assert rows == [
        {
            "first_name": fam.children[0].first_name,
            "age": fam.children[0].age_on(date(2026, 6, 1)),
            "started_on": date(2026, 1, 10),
            "activity": "Fodbold U12",
            "coordinator_name": "Karin",
            "coordinator_email": coord.email,
        }
    ]


def test_expired_invitation_token_is_refused(mun, monkeypatch):
    club = f.club(mun)
    user, message = invitations.invite(club, "ny@example.dk", "Ny", lambda t: f"/i/{t}")
    assert not user.active and "/i/" in message.body
    fresh = invitations.make_token(user)
    # A token signed longer ago than the invitation's lifetime.
    long_ago = int(time.time()) - invitations.MAX_AGE_SECONDS - 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: long_ago)
    old = invitations.make_token(user)
    monkeypatch.undo()
    with pytest.raises(invitations.InvitationError):
        invitations.user_for_token(old)
    assert invitations.user_for_token(fresh).id == user.id


def test_accepting_an_invitation_activates_the_user_and_spends_the_token(mun):
    club = f.club(mun)
    user, _ = invitations.invite(club, "ny@example.dk", "Ny", lambda t: t)
    token = invitations.make_token(user)
    with pytest.raises(invitations.InvitationError):
        invitations.accept(token, "short")
    invitations.accept(token, "a long enough password")
    assert user.active and user.password
    with pytest.raises(invitations.InvitationError):
        invitations.accept(token, "another long password")
