"""RQ on Redis, for production: rounds are queued there when REDIS_URL is set.

The database row stays the source of truth (the runner claims it atomically), so a job that runs
twice, or a built-in worker that takes the round first, does no harm.
"""

import os

from flask import Flask, current_app, has_app_context

DEFAULT_QUEUE = "matcher-rounds"
_job_app: Flask | None = None


def _queue(app: Flask):
    from redis import Redis
    from rq import Queue

    conn = Redis.from_url(app.config["REDIS_URL"])
    return Queue(queue_name(app), connection=conn)


def queue_name(app: Flask) -> str:
    """Return the RQ queue's name: config or environment ROUNDS_QUEUE, else matcher-rounds."""
    return app.config.get("ROUNDS_QUEUE") or os.environ.get("ROUNDS_QUEUE") or DEFAULT_QUEUE


def enqueue(round_id: int) -> bool:
    """Queue the round on RQ if REDIS_URL is set; return whether it was queued there."""
    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        return False
    limit = float(app.config.get("ROUNDS_TIME_LIMIT", 300))
    _queue(app).enqueue(
        "matcher.worker.queue.run_job",
        round_id,
        job_timeout=int(limit) + 120,
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
    )
    return True


def run_job(round_id: int) -> str:
    """The RQ job: run the round inside an application context (made once per worker)."""
    from matcher.worker.runner import run_round

    global _job_app
    if has_app_context():
        return run_round(round_id)
    if _job_app is None:
        from matcher import create_app

        _job_app = create_app()
    with _job_app.app_context():
        return run_round(round_id)


def work(app: Flask, burst: bool = False) -> None:
    """Run an RQ worker on the rounds queue in this process (no fork per job: the runner already
    runs the solver in a process of its own)."""
    from rq import SimpleWorker

    queue = _queue(app)
    SimpleWorker([queue], connection=queue.connection).work(burst=burst)
