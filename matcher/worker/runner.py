"""Run one round: claim it, solve in a separate process while beating a heartbeat, store or fail.

The solver runs in a spawned process so that a round over its time limit can be killed, and a
crash inside the solver (even a segfault) becomes a failed round with its reason instead of a
dead worker. Progress and the heartbeat are short transactions of their own.
"""

import logging
import multiprocessing
import os
import socket
import time

from flask import current_app
from sqlalchemy import select, update

from matcher.extensions import db
from matcher.models import Round
from matcher.services.rounds import DEFAULT_TIME_LIMIT, fail_round, finish_round, now
from matcher.worker.compute import DEFAULT_TARGET, child_main
from matcher.worker.reasons import Failure

log = logging.getLogger("matcher.rounds")
DEFAULT_BEAT = 2.0  # seconds between heartbeats


def worker_name() -> str:
    """Return this worker's name: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(round_id: int) -> bool:
    """Take a queued round for this worker; False if another worker took it (or it is gone)."""
    taken = db.session.execute(
        update(Round)
        .where(Round.id == round_id, Round.status == "queued")
        .values(
            status="running",
            started_at=now(),
            heartbeat_at=now(),
            worker=worker_name(),
            progress=0.02,
            message="",
        )
    )
    db.session.commit()
    return taken.rowcount == 1


def beat(round_id: int, progress: float) -> bool:
    """Record the heartbeat and progress; False if the round is no longer ours to run."""
    alive = db.session.execute(
        update(Round)
        .where(Round.id == round_id, Round.status == "running")
        .values(heartbeat_at=now(), progress=round(progress, 3))
    )
    db.session.commit()
    return alive.rowcount == 1


def next_queued() -> int | None:
    """Return the oldest queued round's id, if any."""
    return db.session.scalar(
        select(Round.id).where(Round.status == "queued").order_by(Round.id).limit(1)
    )


def _stop(proc) -> None:
    if proc.is_alive():
        proc.kill()
    proc.join(5)


def _solve_outside(round_id: int, doc: dict, limit: float, target: str) -> tuple[str, object]:
    """Run the compute target in a spawned process; return ("done", outputs), ("failed", a
    Failure) or ("gone", why)."""
    every = float(current_app.config.get("ROUNDS_HEARTBEAT", DEFAULT_BEAT))
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=child_main, args=(send, target, doc, limit), daemon=True)
    deadline = time.monotonic() + limit
    proc.start()
    send.close()
    progress = 0.05
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return "failed", Failure("time_limit", {"limit": f"{limit:g}"})
            message = None
            if receive.poll(min(every, left)):
                try:
                    message = receive.recv()
                except EOFError:
                    proc.join(5)
                    return "failed", Failure("solver_died", {"exit_code": proc.exitcode})
            if message and message[0] == "done":
                return "done", message[1]
            if message and message[0] == "error":
                return "failed", Failure(message[1], message[2])
            if message and message[0] == "progress":
                progress = message[1]
            if not beat(round_id, progress):
                return "gone", "the round was no longer running (failed by the sweeper)"
    finally:
        receive.close()
        _stop(proc)


def run_round(round_id: int, *, time_limit: float | None = None, target: str | None = None) -> str:
    """Claim and run a queued round; return "done", "failed", "gone" or "skipped"."""
    if not claim(round_id):
        return "skipped"
    rnd = db.session.get(Round, round_id)
    db.session.refresh(rnd)
    cfg = current_app.config
    limit = (
        time_limit
        or (rnd.params or {}).get("time_limit")
        or cfg.get("ROUNDS_TIME_LIMIT", DEFAULT_TIME_LIMIT)
    )
    target = target or cfg.get("ROUNDS_COMPUTE", DEFAULT_TARGET)
    doc = rnd.input_doc
    db.session.commit()  # end the read; the solve may take minutes
    try:
        state, outcome = _solve_outside(round_id, doc, float(limit), target)
        if state == "done":
            if finish_round(
                round_id, outcome["result"], outcome["baseline"], outcome["suggestions"]
            ):
                log.info("round %s done", round_id)
                return "done"
            return "gone"
        if state == "failed":
            fail_round(round_id, outcome)
            log.warning("round %s failed: %s", round_id, outcome)
        return state
    except Exception as err:  # storing failed: nothing was written, say why
        log.exception("round %s could not be stored", round_id)
        fail_round(round_id, Failure("not_stored", {"detail": f"{type(err).__name__}: {err}"}))
        return "failed"
