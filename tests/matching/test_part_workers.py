"""The parts' worker processes: order, follow-ups, errors, and proofs past their deadline."""

import multiprocessing
import os
import time

import pytest

from matcher.matching import part_workers

FORK = multiprocessing.get_context("fork")


def _stamp(arg, overtime):
    return {"arg": arg, "start": time.monotonic(), "pid": os.getpid()}


def test_tasks_run_in_order_at_most_workers_at_once_and_follow_ups_come_last():
    def then(i, result):
        return (_stamp, ("again", i)) if i == 1 else None

    tasks = [(_stamp, i) for i in range(4)]
    out = part_workers.run(FORK, tasks, time.monotonic() + 30, then, workers=1)
    assert [r["arg"] for r in out] == [0, ("again", 1), 2, 3]
    starts = [r["start"] for r in out]
    assert starts[0] < starts[2] < starts[3] < starts[1]
    assert len({r["pid"] for r in out}) == 4 and os.getpid() not in {r["pid"] for r in out}
    assert multiprocessing.active_children() == []


def _long_proof(arg, overtime):
    start = time.monotonic()
    with overtime.past(start + 0.3) as granted:
        time.sleep(1.5)  # the "proof" runs past its deadline
    return {
        "granted": granted,
        "used": overtime.used,
        "nice": os.getpriority(os.PRIO_PROCESS, 0),
        "start": start,
        "end": time.monotonic(),
    }


def test_a_proof_past_its_deadline_goes_on_at_the_lowest_priority_beside_the_next_task():
    tasks = [(_long_proof, 0), (_stamp, 1)]
    out = part_workers.run(FORK, tasks, time.monotonic() + 30, lambda i, r: None, workers=1)
    proof, after = out
    assert proof["granted"] and proof["used"]
    assert proof["nice"] == part_workers.LOWEST_PRIORITY
    # with one worker, the next task started once the proof was past its deadline
    assert proof["start"] + 0.3 <= after["start"] < proof["end"]
    assert os.getpriority(os.PRIO_PROCESS, 0) != part_workers.LOWEST_PRIORITY  # not here


def _short_proof(arg, overtime):
    with overtime.past(time.monotonic() + 5.0) as granted:
        time.sleep(0.05)
    return {"granted": granted, "used": overtime.used, "nice": os.getpriority(os.PRIO_PROCESS, 0)}


def test_a_proof_ending_before_its_deadline_keeps_its_priority():
    (out,) = part_workers.run(FORK, [(_short_proof, 0)], time.monotonic() + 30, lambda i, r: None)
    assert out["granted"] and not out["used"]
    assert out["nice"] == os.getpriority(os.PRIO_PROCESS, 0)


def _holds(arg, overtime):
    if arg == 1:
        time.sleep(0.3)  # asks while the first holds its permission
    with overtime.past(time.monotonic() + 10.0) as granted:
        time.sleep(0.9 if arg == 0 else 0.0)
    return {"granted": granted, "start": time.monotonic()}


def test_no_more_proofs_than_allowed_go_past_their_deadline_at_once(monkeypatch):
    monkeypatch.setattr(part_workers, "MOST_OVERTIME", 1)
    tasks = [(_holds, 0), (_holds, 1)]  # two workers: the second asks while the first holds
    first, second = part_workers.run(FORK, tasks, time.monotonic() + 30, lambda i, r: None)
    assert first["granted"] and not second["granted"]


def test_no_overtime_when_the_round_ends_at_the_parts_deadline():
    slots = FORK.Value("i", 1)
    overtime = part_workers.Overtime(100.0, None, slots)
    with overtime.past(100.0) as granted:
        assert not granted
    with overtime.past(50.0) as granted:
        assert granted and slots.value == 0
    assert slots.value == 1


def _fails(arg, overtime):
    if arg == 1:
        raise ValueError("part 1 failed")
    time.sleep(0.2 if arg == 0 else 5.0)
    return arg


def _dies(arg, overtime):
    os._exit(3)


def test_an_error_in_a_worker_reaches_the_caller_and_no_worker_is_left():
    tasks = [(_fails, i) for i in range(3)]
    with pytest.raises(ValueError, match="part 1 failed"):
        part_workers.run(FORK, tasks, time.monotonic() + 30, lambda i, r: None)
    assert multiprocessing.active_children() == []
    with pytest.raises(RuntimeError, match="died"):
        part_workers.run(FORK, [(_dies, 0)], time.monotonic() + 30, lambda i, r: None)
    assert multiprocessing.active_children() == []


def _overrunning_proof(arg, overtime):
    start = time.monotonic()
    with overtime.past(start + 0.2) as granted:
        if granted:
            overtime.before({"answer": "before the proof", "pid": os.getpid()})
        time.sleep(arg)  # the "proof", which does not look at the clock
    return {"answer": "proven", "pid": os.getpid()}


def test_a_proof_still_running_past_the_rounds_deadline_is_stopped_and_its_answer_kept():
    until = time.monotonic() + 1.0
    (out,) = part_workers.run(FORK, [(_overrunning_proof, 30.0)], until, lambda i, r: None)
    ended = time.monotonic()
    assert out["answer"] == "before the proof"
    assert until + part_workers.STOP_AFTER <= ended < until + part_workers.STOP_AFTER + 2.0
    with pytest.raises(ProcessLookupError):  # its worker is gone
        os.kill(out["pid"], 0)
    assert multiprocessing.active_children() == []


def test_a_proof_that_ends_by_the_rounds_deadline_gives_its_own_answer():
    until = time.monotonic() + 5.0
    (out,) = part_workers.run(FORK, [(_overrunning_proof, 0.5)], until, lambda i, r: None)
    assert out["answer"] == "proven"
