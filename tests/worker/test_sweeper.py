"""Heartbeats and the sweeper: a round whose worker died is failed and leaves nothing behind."""

import os
import signal
from datetime import timedelta

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Proposal, Round
from matcher.services import rounds
from matcher.services.rounds import finish_round, now
from matcher.worker.runner import beat, claim, run_round
from matcher.worker.sweeper import sweep
from tests.rounds.helpers import DAY
from tests.worker.conftest import spawn, wait_for, worker_env

WORKER = """
from matcher import create_app
from matcher.worker.inline import run_pending

if __name__ == "__main__":
    import os
    app = create_app({"ROUNDS_COMPUTE": "tests.worker.targets:slow", "ROUNDS_HEARTBEAT": 0.2})
    run_pending(app)
"""


def _round(round_id: int) -> Round:
    db.session.expire_all()
    return db.session.get(Round, round_id)


def _proposals() -> int:
    return db.session.scalar(select(func.count(Proposal.id)))


def test_running_round_beats_and_reports_progress(town):
    rnd = rounds.start_round(town.id, kind="children", round_date=DAY)
    assert claim(rnd.id)
    assert beat(rnd.id, 0.4)
    rnd = _round(rnd.id)
    assert rnd.status == "running" and rnd.progress == 0.4 and rnd.heartbeat_at is not None
    assert not claim(rnd.id)  # a second worker cannot take it


def test_sweeper_leaves_a_beating_round_alone(town):
    rnd = rounds.start_round(town.id, kind="children", round_date=DAY)
    claim(rnd.id)
    assert sweep() == []
    assert _round(rnd.id).status == "running"


def test_sweeper_fails_a_silent_round_and_frees_the_municipality(town):
    rnd = rounds.start_round(town.id, kind="children", round_date=DAY)
    claim(rnd.id)
    assert sweep(now=now() + timedelta(seconds=61)) == [rnd.id]
    rnd = _round(rnd.id)
    assert rnd.status == "failed" and "heartbeat" in rnd.message
    assert rnd.active_municipality_id is None
    assert not beat(rnd.id, 0.5)  # a worker that wakes up again learns it lost the round


def test_result_arriving_after_the_sweep_is_not_stored(town):
    rnd = rounds.start_round(town.id, kind="children", round_date=DAY)
    claim(rnd.id)
    sweep(stale_after=0.0)
    result = {"placements": [{"child": "c1", "activity": "a1", "score": 1}], "unplaced": []}
    assert finish_round(rnd.id, result, None, None) is False
    assert _proposals() == 0 and _round(rnd.id).status == "failed"


def test_round_no_worker_takes_is_failed_with_a_hint(town):
    rnd = rounds.start_round(town.id, kind="children", round_date=DAY)
    assert sweep(now=now() + timedelta(minutes=16)) == [rnd.id]
    assert "worker" in _round(rnd.id).message


def test_killed_worker_leaves_no_proposals_and_the_sweeper_fails_its_round(app, town, tmp_path):
    rnd = rounds.start_round(town.id, kind="children", round_date=DAY)
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    proc = spawn([str(script)], worker_env(app))
    try:
        wait_for(lambda: _round(rnd.id).progress >= 0.3 or proc.poll() is not None)
        assert proc.poll() is None, proc.stdout.read().decode()  # the solver process is at work
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert _round(rnd.id).status == "running"
    assert _proposals() == 0
    assert sweep(stale_after=0.0) == [rnd.id]
    rnd = _round(rnd.id)
    assert rnd.status == "failed" and rnd.active_municipality_id is None
    assert _proposals() == 0
    again = rounds.start_round(town.id, kind="children", round_date=DAY)
    assert run_round(again.id) == "done"
    assert _proposals() == 2
