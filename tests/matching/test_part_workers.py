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
    with overtime.past(start + 0.3) as extension:
        granted = extension.end(1.5) == overtime.until
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
    with overtime.past(time.monotonic() + 0.5) as extension:
        granted = extension.end(0.3) == overtime.until  # 0.3 s of work may not fit 0.5 s
        time.sleep(0.05)
    return {"granted": granted, "used": overtime.used, "nice": os.getpriority(os.PRIO_PROCESS, 0)}


def test_a_proof_ending_before_its_deadline_keeps_its_priority():
    (out,) = part_workers.run(FORK, [(_short_proof, 0)], time.monotonic() + 30, lambda i, r: None)
    assert out["granted"] and not out["used"]
    assert out["nice"] == os.getpriority(os.PRIO_PROCESS, 0)


def _holds(arg, overtime):
    if arg == 1:
        time.sleep(0.3)  # asks while the first holds its slot
    with overtime.past(time.monotonic() + 10.0) as extension:
        granted = extension.end(20.0) == overtime.until
        time.sleep(0.9 if arg == 0 else 0.0)
        if arg == 1:
            time.sleep(1.0)  # the first has ended and given its slot back: asked again
            later = extension.end(20.0) == overtime.until
    return {"granted": granted, "later": later if arg == 1 else None}


def test_no_more_parts_than_allowed_go_past_their_deadline_at_once(monkeypatch):
    monkeypatch.setattr(part_workers, "MOST_OVERTIME", 1)
    tasks = [(_holds, 0), (_holds, 1)]  # two workers: the second asks while the first holds
    first, second = part_workers.run(FORK, tasks, time.monotonic() + 30, lambda i, r: None)
    assert first["granted"] and not second["granted"] and second["later"]


def test_a_slot_is_taken_only_for_work_that_may_not_fit_before_the_parts_deadline():
    slots = FORK.Value("i", 1)
    overtime = part_workers.Overtime(time.monotonic() + 100.0, None, slots)
    handed = []
    deadline = time.monotonic() + 50.0
    with overtime.past(deadline, lambda: handed.append(slots.value)) as extension:
        assert extension.end(10.0) == deadline and slots.value == 1 and not extension.held
        assert extension.end(30.0) == overtime.until and extension.held and slots.value == 0
        assert extension.end(1.0) == overtime.until and handed == [0]  # handed over once
    assert slots.value == 1 and not overtime.used


def test_no_overtime_when_the_round_ends_at_the_parts_deadline_or_it_has_passed():
    slots = FORK.Value("i", 1)
    overtime = part_workers.Overtime(time.monotonic() + 100.0, None, slots)
    with overtime.past(overtime.until) as extension:
        assert extension.end(1e6) == overtime.until and not extension.held
    passed = time.monotonic() - 1.0
    with overtime.past(passed) as extension:
        assert extension.end(1e6) == passed and not extension.held
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
    handed = {"answer": "before the proof", "pid": os.getpid()}
    with overtime.past(start + 0.2, lambda: overtime.before(handed)) as extension:
        extension.end(arg)
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
