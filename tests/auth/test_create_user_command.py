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
