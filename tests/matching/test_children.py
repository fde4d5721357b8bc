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

    def record(part, points, deadline, nominal):
        seen.append(deadline - time.monotonic())
        return None

    monkeypatch.setattr(children, "solve_part", record)
    yield seen
    children._WAITING = children._Waiting(0)


def test_a_part_may_use_the_time_left_split_among_the_parts_not_started(deadlines):
    sizes = [300, 100, 100]
    window = 50.0
    deadline = time.monotonic() + window
    children._WAITING = children._Waiting(sum(sizes))
    for arcs in sizes:  # two workers; each part's fixed share: 2 x 50 s x arcs / 500
        children._solve((_part(arcs), 20, deadline, 0.0, 2 * window * arcs / 500, 2))
    # the first may use its share (60 s), capped by the round's deadline
    assert deadlines[0] == pytest.approx(window, abs=0.5)
    # the second: 2 x 50 s x 100 / 200 waiting (the first already taken up), not its 20 s
    assert deadlines[1] == pytest.approx(window, abs=0.5)
    assert deadlines[2] == pytest.approx(window, abs=0.5)


def test_a_part_keeps_its_share_of_the_window_when_more_wait_behind_it(deadlines):
    deadline = time.monotonic() + 40.0
    children._WAITING = children._Waiting(400)
    # one worker, four parts of 100 arcs: 10 s each by the time left, its share says 12 s
    children._solve((_part(100), 20, deadline, 0.0, 12.0, 1))
    assert deadlines[0] == pytest.approx(12.0, abs=0.5)
    children._solve((_part(100), 20, deadline, 0.0, 1.0, 1))
    assert deadlines[1] == pytest.approx(40.0 * 100 / 300, abs=0.5)
