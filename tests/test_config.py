"""Settings from the environment: secrets generated once into the instance folder, owner-only,
one value even when several processes start together; DATABASE_URL and PORT honoured."""

import multiprocessing
import os
import stat
import subprocess
from pathlib import Path

from matcher import config


def test_secrets_are_created_in_the_instance_folder_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = config.from_environment(tmp_path / "instance")
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text() == settings["SECRET_KEY"] and len(settings["SECRET_KEY"]) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert config.from_environment(tmp_path / "instance")["SECRET_KEY"] == settings["SECRET_KEY"]


def test_the_instance_folder_is_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    folder = tmp_path / "instance"
    folder.mkdir(mode=0o755)
    config.from_environment(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def _read_key(folder: str, queue) -> None:
    queue.put(config._instance_secret(__import__("pathlib").Path(folder), "secret_key"))


def test_processes_starting_together_share_one_secret(tmp_path):
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_read_key, args=(str(tmp_path), queue)) for _ in range(8)]
    for p in procs:
        p.start()
    values = {queue.get(timeout=30) for _ in procs}
    for p in procs:
        p.join(10)
    assert values == {(tmp_path / "secret_key").read_text()}


def test_database_url_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://db.example/matcher")
    settings = config.from_environment(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db.example/matcher"


def test_make_run_serves_on_the_port_from_the_environment():
    root = Path(__file__).resolve().parent.parent
    plan = subprocess.run(
        ["make", "-n", "run"],
        cwd=root,
        env={**os.environ, "PORT": "5391"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--port 5391" in plan and "http://127.0.0.1:5391" in plan


def test_without_database_url_the_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = config.from_environment(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'matcher.sqlite'}"
