"""Split the children's candidate graph into parts and place each part's children."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

import numpy as np

from . import part_workers
from .candidates import ChildArcs
from .distinct import distinct
from .document import Round
from .part_workers import Overtime
from .parts import components
from .placement import Part, PartResult, resume_part, solve_part, worth_resuming
from .workers import may_fork_workers

_PARALLEL_ARCS = 20_000  # below this a part solves faster than a process starts


def time_weight(arcs: int) -> int:
    """A part's claim on the time, from its arcs: its work grows faster than its size (the
    benchmark's national round: parts of 25,000-81,000 arcs ended in 1-8 s, one of 127,000
    in 14.5 s, and the two of 171,000-176,000 need 32-53 s for their proofs, offline), so
    a part of twice the arcs gets 2.8 times the time."""
    return int(arcs**1.5)


# With two workers, no part takes more than this share of the time left while others wait.
# Without it, a part too large to prove in the minute (the seed-0 national round's 302,000
# arcs, whose LP alone takes 11-13 s) took the whole window by its weight, and so did the
# second largest beside it, which left the parts after them nothing: a gap of 369,461
# points instead of 667-693 by size alone. With 0.6: gaps of 670 and 825 there, 20-40 on
# the benchmark's round; 0.5 (one run each) gave 971 and 25, and that benchmark run ended
# 12 s before its deadline with its two largest parts unproven (docs/solver.md, step 1).
_MOST_OF_WINDOW = 0.6


class _Waiting:
    """The time weights (`time_weight`) of the parts not started yet (in one process)."""

    def __init__(self, weight: int) -> None:
        self.value = weight

    def get_lock(self) -> contextlib.nullcontext:
        return contextlib.nullcontext()


# The time weights of the parts no worker has taken up yet: a shared counter when the parts
# run in forked workers (set before they are forked), else a plain one.
_WAITING: Any = _Waiting(0)


def _solve(
    job: tuple[Part, int, float, float, float, int], overtime: Overtime | None = None
) -> PartResult:
    part, points, deadline, nominal, seconds, workers = job
    # A part's clock starts when a worker takes it up, and it may use the time left split by
    # time weight among the parts not started yet (this one included), or its share of the
    # whole window if that is more: time a part ended early without (the national round's two
    # largest, whose proof cannot be done in the minute, leave ~20 s) goes to the parts
    # after it, whose proofs can then end by themselves. The round's deadline stays the hard
    # limit. The method is chosen from the nominal share (document and limit only).
    now = time.monotonic()
    weight = time_weight(len(part.left))
    with _WAITING.get_lock():
        waiting = _WAITING.value
        _WAITING.value = waiting - weight
    window = max(deadline - now, 0.0)
    allowed = max(seconds, workers * window * weight / max(waiting, weight, 1))
    if workers > 1 and waiting > weight:
        # That share counts the other worker as free for the parts waiting, while it may
        # be busy with a large part of its own: this worker keeps some time for them.
        allowed = min(allowed, _MOST_OF_WINDOW * window)
    return solve_part(part, points, min(deadline, now + allowed), nominal, overtime=overtime)


def _resume(
    job: tuple[Part, int, float, PartResult], overtime: Overtime | None = None
) -> PartResult:
    part, points, deadline, earlier = job
    return resume_part(part, points, deadline, earlier)


def _in_workers(context: Any, jobs: list[tuple], workers: int = 2) -> list[PartResult]:
    """Solve the parts' jobs in worker processes, two at a time (`part_workers.run`): a
    part's proof may go on past its share at the lowest priority, up to the round's
    deadline, while the next part takes its place. A part that ends unproven
    (`worth_resuming`: its towns or its proof did not fit its share of the minute) is queued
    again behind every part not started yet, to go on from its answer in the time the others
    leave over (`resume_part`): on the benchmark's national round, in a slow hour, the other
    worker ended its parts ~15 s before the deadline while the largest part's towns, which
    prove it, did not fit its 0.6 of the window."""
    until = max((job[2] for job in jobs), default=0.0)

    def then(i: int, result: PartResult) -> part_workers.Task | None:
        if not worth_resuming(result):
            return None
        part, points, deadline = jobs[i][:3]
        return _resume, (part, points, deadline, result)

    tasks: list[part_workers.Task] = [(_solve, job) for job in jobs]
    return part_workers.run(context, tasks, until, then, workers)


@dataclass
class Outcome:
    """Chosen arcs (global indices) with their proof status and score bound."""

    chosen: np.ndarray
    proven: bool
    score: int
    bound: int
    parts: int
    engines: dict[str, int]
    sib_key: np.ndarray
    details: list[dict]


def sibling_keys(rnd: Round, arcs: ChildArcs) -> tuple[np.ndarray, np.ndarray]:
    """Per arc: an id of (family, club) when another sibling also has a candidate in that club
    (else -1), and how many of the family's children have one there."""
    fams: dict[str, int] = {}
    fam = np.array([fams.setdefault(c.family, len(fams)) for c in rnd.children], np.int64)
    n_clubs = int(arcs.club.max()) + 1 if len(arcs.club) else 1
    key = fam[arcs.child] * n_clubs + arcs.club[arcs.act]
    if not len(key):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # each child once per (family, club), as one code (a national round: 0.9 s -> 0.05 s
    # against a unique of (key, child) rows and a unique of the keys)
    n_kids = len(rnd.children)
    codes = distinct(key * n_kids + arcs.child)
    keys, counts = np.unique(codes // n_kids, return_counts=True)
    dense = np.searchsorted(keys, key)  # every key is among them: its rank
    n = counts[dense]
    return np.where(n > 1, dense, -1), n


def split(rnd: Round, arcs: ChildArcs, sib_key: np.ndarray, sib_n: np.ndarray) -> list[Part]:
    """Return the independent parts; siblings who share a club land in one part."""
    caps = np.array([a.capacity for a in rnd.activities], np.int64)
    if rnd.params.sibling_points > 0:
        fams: dict[str, int] = {}
        group = np.array([fams.setdefault(c.family, len(fams)) for c in rnd.children])[arcs.child]
    else:
        group = arcs.child
    label = components(group, arcs.act, len(rnd.activities))
    order = np.argsort(label, kind="stable")  # arcs stay sorted by child inside a part
    cuts = np.flatnonzero(np.diff(label[order])) + 1
    parts = []
    for idx in np.split(order, cuts) if len(order) else []:
        kids, left = np.unique(arcs.child[idx], return_inverse=True)
        acts, right = np.unique(arcs.act[idx], return_inverse=True)
        parts.append(
            Part(
                idx,
                left,
                right,
                len(kids),
                caps[acts],
                arcs.score[idx],
                sib_key[idx],
                sib_n[idx],
                club=arcs.club[arcs.act[idx]],
            )
        )
    return parts


def place_children(
    rnd: Round,
    arcs: ChildArcs,
    deadline: float,
    nominal: float,
    before_fork: Callable[[], object] | None = None,
) -> Outcome:
    """Place the children of every part; parts run two at a time (two cores), in worker
    processes forked after calling `before_fork` (which waits for other threads to end).

    `nominal` is the time limit the caller was given for this stage: a part whose share of it
    (by size) is enough for one whole MIP gets one; the choice depends on the document and
    the limit only, never on the clock, so the same document gets the same answer.
    """
    sib_key, sib_n = sibling_keys(rnd, arcs)
    parts = split(rnd, arcs, sib_key, sib_n)
    points = rnd.params.sibling_points
    # Two processes for two cores (the flow holds the GIL, so threads would not help). Each part
    # may use its share of the time, by its time weight, so one hard part cannot starve the
    # others; the method is chosen from its nominal share by size.
    total = max(sum(len(p.left) for p in parts), 1)
    heavy = max(sum(time_weight(len(p.left)) for p in parts), 1)
    window = max(deadline - time.monotonic(), 0.0)
    big = [p for p in parts if len(p.left) >= _PARALLEL_ARCS]
    workers = 2 if len(big) >= 2 and may_fork_workers() else 1
    # Largest first, so that the two workers finish at about the same time.
    parts.sort(key=lambda p: len(p.left), reverse=True)
    jobs = [
        (
            p,
            points,
            deadline,
            workers * nominal * len(p.left) / total,
            workers * window * time_weight(len(p.left)) / heavy,
            workers,
        )
        for p in parts
    ]
    global _WAITING
    try:
        if workers == 2:
            if before_fork is not None:
                before_fork()
            context = get_context("fork")
            _WAITING = context.Value("q", heavy)
            results = _in_workers(context, jobs)
        else:
            _WAITING = _Waiting(heavy)
            results = [_solve(job) for job in jobs]
    finally:
        _WAITING = _Waiting(0)
    chosen = np.zeros(len(arcs.child), np.int64)
    engines: dict[str, int] = {}
    for part, res in zip(parts, results, strict=True):
        chosen[part.arcs] = res.chosen
        engines[res.engine] = engines.get(res.engine, 0) + 1
    return Outcome(
        chosen=np.flatnonzero(chosen),
        proven=all(r.proven for r in results),
        score=sum(r.score for r in results),
        bound=sum(r.bound for r in results),
        parts=len(parts),
        engines=engines,
        sib_key=sib_key,
        details=[
            {
                "children": p.n_left,
                "engine": r.engine,
                "score": r.score,
                "bound": r.bound,
                **r.notes,
            }
            for p, r in zip(parts, results, strict=True)
            if r.engine != "flow"
        ],
    )
