"""Fixtures shared by the whole suite: an app per test, on SQLite and (when available) PostgreSQL.

Every database test runs once per backend. PostgreSQL comes from TEST_DATABASE_URL (CI sets it to
the machine's local server); without it those runs are skipped with a reason, never silently.
Each pytest worker gets its own PostgreSQL schema, and every table is emptied after each test.
"""

import os
import tempfile
import uuid

import pytest
from sqlalchemy import create_engine, text

from matcher import create_app
from matcher.config import normalise_database_url
from matcher.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
# Apps built by the tests keep their generated secrets in a folder of their own, never in the
# checkout's instance/ (a developer's running site keeps its own there).
os.environ.setdefault("MATCHER_INSTANCE_PATH", tempfile.mkdtemp(prefix="matcher-test-instance-"))
FAST_HASHING = {"argon2__rounds": 1, "argon2__memory_cost": 1024, "argon2__parallelism": 1}


def _pg_url(worker: str) -> str:
    """Point the PostgreSQL URL at a schema of this worker's own."""
    base = normalise_database_url(TEST_DATABASE_URL)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3Dpytest_{worker}"


@pytest.fixture(scope="session")
def worker_id_safe(request) -> str:
    """Return the xdist worker id (or "main"), safe for a schema name."""
    # The process id keeps two test runs on one PostgreSQL server out of each other's way.
    return f"{getattr(request.config, 'workerinput', {}).get('workerid', 'main')}_{os.getpid()}"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory, worker_id_safe):
    """Yield a database URL with the schema created, once per backend per session."""
    if request.param == "postgresql":
        if not TEST_DATABASE_URL:
            pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (make test sets it in CI)")
        admin = create_engine(normalise_database_url(TEST_DATABASE_URL))
        schema = f"pytest_{worker_id_safe}"
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        url = _pg_url(worker_id_safe)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    app = create_app(_test_config(url))
    with app.app_context():
        db.create_all()
    yield url
    if request.param == "postgresql":
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def _test_config(url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-" + uuid.uuid4().hex,
        "SECURITY_PASSWORD_SALT": "test-salt",
        "WTF_CSRF_ENABLED": False,
        "SECURITY_PASSWORD_HASH": "argon2",
        # Cheap hashing parameters in tests only: production keeps argon2's defaults.
        "SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS": FAST_HASHING,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        **extra,
    }


@pytest.fixture
def app_config() -> dict:
    """Extra config for one test; override in a module to change it."""
    return {}


@pytest.fixture
def app(database_url, app_config, tmp_path):
    """An application bound to an empty database, emptied again after the test."""
    app = create_app(_test_config(database_url, **app_config))
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app's commands."""
    return app.test_cli_runner()
