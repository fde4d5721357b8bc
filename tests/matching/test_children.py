"""Placing the children part by part: how much of the time each part may use."""

import time

import numpy as np
import pytest

from matcher.matching import children
from matcher.matching.placement import Part


def _part(arcs: int) -> Part:
    zeros = np.zeros(arcs, np.int64)
    return Part(zeros, zeros, zeros, 1, np.ones(1, np.int64), zeros, zeros - 1, zeros)


@pytest.fixture
def deadlines(monkeypatch):
    seen = []

    def record(part, points, deadline, nominal, overtime=None):
        seen.append(deadline - time.monotonic())
        return None

    monkeypatch.setattr(children, "solve_part", record)
    yield seen
    children._WAITING = children._Waiting(0)


def _weights(sizes):
    return sum(children.time_weight(a) for a in sizes)


def test_a_part_of_twice_the_arcs_claims_about_2_8_times_the_time():
    assert children.time_weight(200_000) / children.time_weight(100_000) == pytest.approx(
        2**1.5, rel=1e-6
    )
    assert children.time_weight(0) == 0


def test_a_part_may_use_the_time_left_split_among_the_parts_not_started(deadlines):
    sizes = [300, 100, 100]
    window = 50.0
    deadline = time.monotonic() + window
    children._WAITING = children._Waiting(_weights(sizes))
    # one worker: each part's share of the window by weight, or the time left split among
    # the parts not started yet, whichever is more
    share = [window * children.time_weight(a) / _weights(sizes) for a in sizes]
    for arcs, seconds in zip(sizes, share, strict=True):
        children._solve((_part(arcs), 20, deadline, 0.0, seconds, 1))
    assert deadlines[0] == pytest.approx(share[0], abs=0.5)  # 0.72 of the window
    # (the fake takes no time) the second: half of the time left, then the last all of it
    assert deadlines[1] == pytest.approx(window / 2, abs=0.5)
    assert deadlines[2] == pytest.approx(window, abs=0.5)


def test_with_two_workers_a_part_leaves_time_for_the_parts_behind_it(deadlines):
    sizes = [300, 100, 100]
    window = 50.0
    deadline = time.monotonic() + window
    children._WAITING = children._Waiting(_weights(sizes))
    # its share by weight would be 2 x 50 s x 0.72: capped at 0.6 of the time left
    children._solve((_part(300), 20, deadline, 0.0, 72.0, 2))
    assert deadlines[0] == pytest.approx(children._MOST_OF_WINDOW * window, abs=0.5)
    children._solve((_part(100), 20, deadline, 0.0, 14.0, 2))
    assert deadlines[1] == pytest.approx(children._MOST_OF_WINDOW * window, abs=0.5)
    # the last part waits for nothing: the round's deadline is its only limit
    children._solve((_part(100), 20, deadline, 0.0, 14.0, 2))
    assert deadlines[2] == pytest.approx(window, abs=0.5)


def test_a_part_keeps_its_share_of_the_window_when_more_wait_behind_it(deadlines):
    deadline = time.monotonic() + 40.0
    children._WAITING = children._Waiting(_weights([100] * 4))
    # one worker, four parts of 100 arcs: 10 s each by the time left, its share says 12 s
    children._solve((_part(100), 20, deadline, 0.0, 12.0, 1))
    assert deadlines[0] == pytest.approx(12.0, abs=0.5)
    children._solve((_part(100), 20, deadline, 0.0, 1.0, 1))
    assert deadlines[1] == pytest.approx(40.0 * 100 / 300, abs=0.5)


def test_a_part_left_unproven_is_queued_again_behind_the_others(monkeypatch):
    """`_in_workers` resumes each part that ended unproven once, after every part not
    started yet, and keeps what the resumed run found (each run in a forked worker, which
    notes when it started)."""
    from multiprocessing import get_context

    from matcher.matching.placement import PartResult

    def solve(job, overtime=None):
        part = job[0]
        proven = len(part.left) != 3  # the part of three arcs ends unproven
        notes = {"started": time.monotonic()}
        return PartResult(
            np.zeros(len(part.left)), proven, 10, 10 if proven else 14, "flow+lp+mip", notes
        )

    def resume(job, overtime=None):
        part, _, _, earlier = job
        notes = {"resumed": True, "started": time.monotonic()}
        return PartResult(earlier.chosen, True, 12, 12, earlier.engine, notes)

    monkeypatch.setattr(children, "_solve", solve)
    monkeypatch.setattr(children, "_resume", resume)
    jobs = [(_part(n), 20, time.monotonic() + 60, 60.0, 60.0, 2) for n in (5, 3, 2, 1)]
    results = children._in_workers(get_context("fork"), jobs, workers=1)  # a strict order
    assert [(r.proven, r.score, r.bound) for r in results] == [
        (True, 10, 10),
        (True, 12, 12),
        (True, 10, 10),
        (True, 10, 10),
    ]
    started = [r.notes["started"] for r in results]
    assert started[0] < started[2] < started[3] < started[1]  # the part of three arcs last
    assert results[1].notes["resumed"] and "resumed" not in results[0].notes
