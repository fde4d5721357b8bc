"""Helpers for the worker tests: a town to match, and a worker in a process of its own."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matcher.extensions import db
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def town(app):
    """One club with 3 football places and a family of 2 children."""
    mun = f.municipality()
    f.club(mun, places=3)
    f.family(mun, children=2)
    db.session.commit()
    return mun


def worker_env(app, **extra) -> dict:
    """The environment of a `flask` worker process on the test's database."""
    return {
        **os.environ,
        "FLASK_APP": "matcher",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "worker-test-" + "x" * 30,
        "SECURITY_PASSWORD_SALT": "worker-salt",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def spawn(args: list[str], env: dict) -> subprocess.Popen:
    """Start a process in a session of its own (so it and its solver process can be killed)."""
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for(check, timeout: float = 60.0, every: float = 0.1):
    """Return check()'s first truthy answer, polling; fail after `timeout` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        answer = check()
        if answer:
            return answer
        time.sleep(every)
    raise AssertionError("condition not met in time")
