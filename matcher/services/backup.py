"""Backup and restore of the whole database, with an integrity check.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot while the
site keeps running and writing; restore copies the file back the same way. PostgreSQL: `pg_dump
-Fc` (custom format) and `pg_restore --clean --if-exists`; a URL whose search_path names a schema
dumps that schema only. `fingerprint` gives row counts and a content hash per table, so a restore
can be shown to give back exactly the data that was backed up.
"""

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import select
from sqlalchemy.engine import URL, Engine

from matcher.extensions import db


class BackupFailed(RuntimeError):
    """A backup, restore or integrity check did not succeed; the message says why."""


def _url() -> URL:
    return db.engine.url


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupFailed("an in-memory SQLite database cannot be backed up")
    return url.database


def pg_tool(name: str) -> str:
    """Return the path of pg_dump or pg_restore (PATH first, then Debian's versioned folders)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if not candidates:
        raise BackupFailed(f"{name} not found; install the PostgreSQL client tools")
    return candidates[0]


def _pg_args(url: URL) -> tuple[list[str], dict[str, str], str | None]:
    """Return libpq connection options, an environment with the password, and the schema."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password  # not on the command line, where `ps` would show it
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    args += ["--dbname", url.database or "postgres"]
    schema = None
    options = url.query.get("options")
    if options:
        text = unquote(options if isinstance(options, str) else options[0])
        for part in text.split():
            if part.startswith("-csearch_path="):
                schema = part.split("=", 1)[1].split(",")[0]
    return args, env, schema


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupFailed(f"{Path(command[0]).name} failed: {done.stderr.strip()[:2000]}")


def backup(path: str | Path, url: URL | None = None) -> Path:
    """Write a backup of the database to `path` and check it; return the path."""
    url = url or _url()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A backup holds every person's data: readable by its owner only, from the first byte.
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    path.chmod(0o600)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)  # one step: a consistent snapshot even during writes
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        args, env, schema = _pg_args(url)
        command = [pg_tool("pg_dump"), "-Fc", "--no-owner", "--file", str(path), *args]
        if schema:
            command += ["--schema", schema]
        _run(command, env)
    else:
        raise BackupFailed(f"backups of {url.get_backend_name()} are not supported")
    check(path)
    return path


def check(path: str | Path) -> dict[str, int]:
    """Check a backup file's integrity; return its row count (SQLite) or entry count per table."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        raise BackupFailed(f"{path} is missing or empty")
    if path.read_bytes()[:5] == b"PGDMP":
        listing = subprocess.run(
            [pg_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True
        )
        if listing.returncode != 0:
            raise BackupFailed(f"pg_restore cannot read {path}: {listing.stderr.strip()}")
        tables = [ln.split()[-2] for ln in listing.stdout.splitlines() if " TABLE DATA " in ln]
        return dict.fromkeys(tables, 1)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupFailed(f"integrity check of {path} failed: {result}")
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(f"{path} is not a SQLite database: {exc}") from exc
    finally:
        conn.close()


def restore(path: str | Path, url: URL | None = None) -> None:
    """Replace the database's contents with the backup at `path` (checked first)."""
    url = url or _url()
    path = Path(path)
    check(path)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep reading the old contents
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        args, env, _schema = _pg_args(url)
        command = [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(path),
        ]
        _run(command, env)
    else:
        raise BackupFailed(f"restores of {url.get_backend_name()} are not supported")


def _cell(value) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return repr(value)


def fingerprint(engine: Engine | None = None) -> dict[str, tuple[int, str]]:
    """Return each table's row count and a SHA-256 of its rows in primary-key order."""
    out = {}
    with (engine or db.engine).connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256()
            for row in rows:
                digest.update("\x1f".join(_cell(v) for v in row).encode("utf-8") + b"\x1e")
            out[table.name] = (len(rows), digest.hexdigest())
    return out


def url_with_database(name: str, url: URL | None = None) -> URL:
    """Return the URL pointing at another database on the same server (restore drills)."""
    return (url or _url()).set(database=name)
