"""`flask create-user` makes accounts with the same password rules as the site."""

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import User
from tests import factories as f


@pytest.fixture
def mun(app):
    m = f.municipality()
    db.session.commit()
    return m


def _create(runner, mun, email: str, password: str):
    return runner.invoke(
        args=[
            "create-user",
            email,
            "--role",
            "coordinator",
            "--municipality",
            mun.code,
            "--password",
            password,
        ]
    )


@pytest.mark.parametrize("password", ["123", "1234567890", "ny.person@example.dk"])
def test_weak_passwords_are_refused(runner, mun, password):
    result = _create(runner, mun, "ny.person@example.dk", password)
    assert result.exit_code == 2 and "password" in result.output.lower()
    assert db.session.scalar(select(User).where(User.email == "ny.person@example.dk")) is None


def test_a_good_password_creates_a_working_account(runner, mun, client):
    result = _create(runner, mun, "Ny.Person@example.dk", "a sentence about herons")
    assert result.exit_code == 0, result.output
    assert f.login(client, "ny.person@example.dk", "a sentence about herons").status_code == 302


def test_a_club_contact_needs_a_club_of_the_municipality(runner, mun, client):
    club = f.club(mun)
    other = f.club(f.municipality())
    db.session.commit()
    base = ["create-user", "klub@example.dk", "--role", "club_contact", "--municipality", mun.code]
    base += ["--password", "a sentence about herons"]
    assert runner.invoke(args=base).exit_code == 2
    assert runner.invoke(args=[*base, "--club", str(other.id)]).exit_code == 2
    done = runner.invoke(args=[*base, "--club", str(club.id)])
    assert done.exit_code == 0, done.output
    assert f.login(client, "klub@example.dk", "a sentence about herons").status_code == 302
    assert client.get("/start").headers["Location"].endswith(f"/club/{club.id}")
