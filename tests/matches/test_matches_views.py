"""Coordinators follow up matches in the site: list, mark started, end with a reason."""

from datetime import date, timedelta

from matcher.extensions import db
from matcher.models import Proposal
from matcher.services import followup
from tests import factories


def world():
    mun = factories.municipality()
    coordinator = factories.user(mun, "coordinator", name="Ane")
    club = factories.club(mun, name="Søhøj IF", places=1)
    contact = factories.user(mun, "club_contact", club=club)
    family = factories.family(mun, name="Haddad", coordinator_id=coordinator.id)
    placement = factories.accepted_match(mun, child=family.children[0], activity=club.activities[0])
    db.session.commit()
    return mun, coordinator, contact, placement


def test_coordinators_see_accepted_matches(app, client):
    mun, coordinator, _, placement = world()
    factories.accepted_match(
        mun,
        child=placement.child.family.children[1],
        activity=placement.activity,
        status="proposed",
    )
    db.session.commit()
    factories.login(client, coordinator.email)
    html = client.get("/matches/").get_data(as_text=True)
    assert "Haddad" in html and "Søhøj IF" in html
    assert html.count("/matches/") >= 1
    assert f'/matches/{placement.id}"' in html
    assert html.count('btn btn-sm btn-outline-primary" href="/matches/') == 1  # not the proposal


def test_only_my_families_filter(app, client):
    mun, coordinator, _, placement = world()
    other = factories.user(mun, "coordinator")
    db.session.commit()
    factories.login(client, other.email)
    assert "Haddad" in client.get("/matches/").get_data(as_text=True)
    assert "Haddad" not in client.get("/matches/?mine=1").get_data(as_text=True)


def test_club_contacts_may_not_follow_up_matches(app, client):
    _, _, contact, placement = world()
    factories.login(client, contact.email)
    assert client.get("/matches/").status_code == 403
    assert client.post(f"/matches/{placement.id}/ended", data={}).status_code == 403


def test_ending_a_placement_in_the_site_frees_its_place(app, client):
    _, coordinator, _, placement = world()
    assert followup.free_places(placement.activity) == 0
    factories.login(client, coordinator.email)
    response = client.post(
        f"/matches/{placement.id}/ended",
        data={
            "end-ended_on": date.today().isoformat(),
            "end-reason": "moved",
            "end-note": "",
            "end-version": str(placement.version),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    p = db.session.get(Proposal, placement.id)
    assert p.status == "ended" and p.end_reason == "moved"
    assert followup.free_places(p.activity) == 1


def test_marking_a_start(app, client):
    _, coordinator, _, placement = world()
    factories.login(client, coordinator.email)
    response = client.post(
        f"/matches/{placement.id}/started",
        data={"start-started_on": date.today().isoformat(), "start-version": placement.version},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, placement.id).started_on == date.today()


def test_an_end_without_reason_or_with_a_future_date_shows_errors(app, client):
    _, coordinator, _, placement = world()
    factories.login(client, coordinator.email)
    response = client.post(
        f"/matches/{placement.id}/ended",
        data={
            "end-ended_on": (date.today() + timedelta(days=3)).isoformat(),
            "end-reason": "",
            "end-version": str(placement.version),
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="end-ended_on-error"' in html and 'id="end-reason-error"' in html
    db.session.expire_all()
    assert db.session.get(Proposal, placement.id).ended_on is None


def test_another_reason_needs_a_note(app, client):
    _, coordinator, _, placement = world()
    factories.login(client, coordinator.email)
    response = client.post(
        f"/matches/{placement.id}/ended",
        data={
            "end-ended_on": date.today().isoformat(),
            "end-reason": "other",
            "end-note": " ",
            "end-version": str(placement.version),
        },
    )
    assert response.status_code == 400
    assert 'id="end-note-error"' in response.get_data(as_text=True)


def test_a_follow_up_on_an_old_version_is_refused(app, client):
    _, coordinator, _, placement = world()
    old = placement.version
    followup.mark_started(placement, date.today())
    db.session.commit()
    factories.login(client, coordinator.email)
    response = client.post(
        f"/matches/{placement.id}/ended",
        data={
            "end-ended_on": date.today().isoformat(),
            "end-reason": "moved",
            "end-version": str(old),
        },
    )
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Proposal, placement.id).ended_on is None


def test_another_municipalitys_match_is_not_found(app, client):
    _, _, _, placement = world()
    other = factories.municipality()
    stranger = factories.user(other, "coordinator")
    db.session.commit()
    factories.login(client, stranger.email)
    assert client.get(f"/matches/{placement.id}").status_code == 404
    assert client.post(f"/matches/{placement.id}/ended", data={}).status_code == 404


def test_a_proposal_under_review_cannot_be_followed_up(app, client):
    mun, coordinator, _, placement = world()
    proposed = factories.accepted_match(
        mun,
        child=placement.child.family.children[1],
        activity=placement.activity,
        status="proposed",
    )
    db.session.commit()
    factories.login(client, coordinator.email)
    assert client.get(f"/matches/{proposed.id}").status_code == 404


def test_the_match_page_shows_the_forms_and_is_audited(app, client):
    _, coordinator, _, placement = world()
    factories.login(client, coordinator.email)
    html = client.get(f"/matches/{placement.id}").get_data(as_text=True)
    assert 'name="end-reason"' in html and 'name="start-started_on"' in html
    from sqlalchemy import select

    from matcher.models import AuditEvent

    views = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view")).all()
    assert [(e.object_type, e.object_id) for e in views] == [("proposal", placement.id)]
