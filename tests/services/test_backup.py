"""Backup then restore gives back exactly the demo data (row counts and a content hash per table),
on SQLite (also with a backup taken while another connection writes) and on PostgreSQL."""

import stat
import threading
import uuid

import pytest
from sqlalchemy import create_engine, delete, insert, select, text, update

from matcher.extensions import db
from matcher.models import Category, ContactFamily, Family
from matcher.services import backup
from matcher.services.seed import seed_demo


@pytest.fixture
def demo(app):
    """The demo municipality, loaded through the seed service."""
    assert seed_demo()
    return backup.fingerprint()


def _spoil() -> None:
    """Change, add and remove data after the backup, so a restore has something to undo."""
    db.session.execute(update(Family).values(notes="changed after the backup"))
    db.session.add(Category(code="after", name_da="Efter", name_en="After"))
    db.session.execute(delete(ContactFamily))
    db.session.commit()


def test_backup_then_restore_gives_back_exactly_the_demo_data(demo, tmp_path):
    assert demo["family"][0] > 0 and demo["child"][0] > 0
    path = backup.backup(tmp_path / "matcher.backup")
    _spoil()
    assert backup.fingerprint() != demo

    backup.restore(path)

    assert backup.fingerprint() == demo


def test_a_backup_file_is_readable_by_its_owner_only(demo, tmp_path):
    path = backup.backup(tmp_path / "matcher.backup")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_backup_is_refused_before_anything_is_restored(demo, tmp_path):
    broken = tmp_path / "broken.backup"
    broken.write_bytes(b"this is not a backup at all" * 100)
    with pytest.raises(backup.BackupFailed):
        backup.restore(broken)
    with pytest.raises(backup.BackupFailed):
        backup.check(tmp_path / "missing.backup")
    assert backup.fingerprint() == demo


def test_backup_taken_while_another_connection_writes_is_a_consistent_snapshot(demo, tmp_path):
    # A second engine, as another process of the site would have: the backup must not block it,
    # and must hold a consistent state (SQLite's backup API, pg_dump's snapshot).
    other = create_engine(db.engine.url, connect_args=_busy_timeout(db.engine.url))
    started, stop = threading.Event(), threading.Event()
    written: list[int] = []

    def writer() -> None:
        i = 0
        while not stop.is_set():
            with other.begin() as conn:
                conn.execute(
                    insert(Category).values(code=f"w{i:05d}", name_da="skrevet", name_en="written")
                )
            written.append(i)
            i += 1
            if i == 20:
                started.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert started.wait(30)
        path = backup.backup(tmp_path / "during-writes.backup")
    finally:
        stop.set()
        thread.join(30)
        other.dispose()
    assert backup.check(path)

    backup.restore(path)
    after = backup.fingerprint()
    codes = db.session.scalars(
        select(Category.code).where(Category.code.like("w%")).order_by(Category.code)
    ).all()
    # Each insert committed in order: a consistent snapshot holds exactly the first k of them.
    assert 20 <= len(codes) <= len(written)
    assert codes == [f"w{i:05d}" for i in range(len(codes))]
    assert after["category"][0] == demo["category"][0] + len(codes)
    assert {k: v for k, v in after.items() if k != "category"} == {
        k: v for k, v in demo.items() if k != "category"
    }


def _busy_timeout(url) -> dict:
    return {"timeout": 30} if url.get_backend_name() == "sqlite" else {}


def test_postgresql_backup_restores_into_a_fresh_database(demo, tmp_path):
    url = db.engine.url
    if url.get_backend_name() != "postgresql":
        pytest.skip("restoring into a fresh database is the PostgreSQL drill")
    path = backup.backup(tmp_path / "matcher.dump")
    assert "family" in backup.check(path)
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    fresh_url = backup.url_with_database(name)
    try:
        backup.restore(path, url=fresh_url)
        fresh = create_engine(fresh_url)
        try:
            assert backup.fingerprint(fresh) == demo
            with fresh.connect() as conn:
                names = conn.scalars(select(Family.name).order_by(Family.id)).all()
            assert names == db.session.scalars(select(Family.name).order_by(Family.id)).all()
        finally:
            fresh.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
