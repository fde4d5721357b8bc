"""The built-in worker (a thread in the web server) and RQ on Redis run queued rounds."""

import os
import uuid

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Round
from matcher.services import rounds
from matcher.worker import inline
from tests import factories as f
from tests.rounds.helpers import DAY
from tests.worker.conftest import spawn, wait_for, worker_env

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _status(round_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Round, round_id).status


def test_inline_worker_thread_runs_a_queued_round(app, town):
    app.config["ROUNDS_POLL"] = 0.1
    rnd = rounds.start_round(town.id, kind="children", round_date=DAY)
    inline.start_thread(app)
    try:
        assert wait_for(lambda: _status(rnd.id) in ("done", "failed")) and _status(rnd.id) == "done"
    finally:
        inline.stop_thread(app)


def test_inline_worker_is_wanted_by_config_or_environment(app, monkeypatch):
    monkeypatch.delenv("ROUNDS_INLINE_WORKER", raising=False)
    assert not inline.wanted(app)
    monkeypatch.setenv("ROUNDS_INLINE_WORKER", "1")
    assert inline.wanted(app)
    app.config["ROUNDS_INLINE_WORKER"] = False
    assert not inline.wanted(app)


def test_worker_command_runs_what_is_queued_once(app, town, runner):
    rnd = rounds.start_round(town.id, kind="children", round_date=DAY)
    result = runner.invoke(args=["rounds-worker", "--once", "--builtin"])
    assert result.exit_code == 0, result.output
    assert "Ran 1 round" in result.output and _status(rnd.id) == "done"
    assert runner.invoke(args=["rounds-sweep"]).output.strip() == "No stale rounds."


@pytest.fixture
def redis_url():
    """Redis at TEST_REDIS_URL (default the machine's 127.0.0.1:6379), or skip with the reason."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except RedisError as err:
        pytest.skip(f"Redis not reachable at {TEST_REDIS_URL}: {err}")
    return TEST_REDIS_URL


def test_rq_workers_share_the_queue_and_run_every_round_once(app, town, redis_url):
    from redis import Redis
    from rq import Queue

    queue = f"matcher-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=redis_url, ROUNDS_QUEUE=queue)
    other = f.municipality()
    f.club(other, places=2)
    f.family(other, children=1)
    db.session.commit()
    started = [
        rounds.start_round(m, kind="children", round_date=DAY).id for m in (town.id, other.id)
    ]
    q = Queue(queue, connection=Redis.from_url(redis_url))
    assert q.count == 2
    env = worker_env(app, REDIS_URL=redis_url, ROUNDS_QUEUE=queue)
    workers = [spawn(["-m", "flask", "rounds-worker", "--once"], env) for _ in range(2)]
    try:
        for w in workers:
            out, _ = w.communicate(timeout=120)
            assert w.returncode == 0, out.decode()
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
        q.delete(delete_jobs=True)
    db.session.expire_all()
    done = db.session.scalars(select(Round).where(Round.id.in_(started))).all()
    assert [r.status for r in done] == ["done", "done"]
    pids = {str(w.pid) for w in workers}
    assert all(r.worker.rsplit(":", 1)[1] in pids for r in done)
