"""Fixtures for the rounds pages: a small municipality with places, children and families."""

import pytest

from tests import factories as f


@pytest.fixture
def town(app):
    """A municipality: one club (3 football places), a family of 2 children, a contact family."""
    from matcher.extensions import db

    mun = f.municipality()
    staff = f.user(mun, "staff")
    coordinator = f.user(mun, "coordinator")
    club = f.club(mun, places=3)
    family = f.family(mun, children=2)
    contact = f.contact_family(
        mun, status="approved", languages=["ar", "da"], child_certificate_checked="2022-01-01"
    )
    db.session.commit()
    return {
        "mun": mun,
        "staff": staff,
        "coordinator": coordinator,
        "club": club,
        "family": family,
        "contact": contact,
    }


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    """Pin the form's "today" to the tests' round date: a round date must lie within a year of
    today, and the factories' children are of activity age in 2022."""
    from matcher.rounds import forms
    from tests.rounds.helpers import DAY

    monkeypatch.setattr(forms, "today", lambda: DAY)
    return DAY
