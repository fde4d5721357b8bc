"""A binding subsidy budget, by flows alone: the most children the budget can place (proven),
then a good score with that many placed, and a Lagrangian bound on the best.

Both searches walk the hull of a two-criteria curve with one round of flows a step: the
chord between the last point within the budget and the first beyond it prices the next
flows (Eisner and Severance's method), so they end in a handful of steps where bisection
on the price takes twenty or more. The round's parts (which share no child and no place)
are flowed side by side in two forked workers on a national round (OR-Tools' flow holds the
GIL: in two threads they took as long as one after the other).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

import numpy as np

from .flow import max_weight_matching
from .placement import Part
from .workers import may_fork_workers

_WIDEN = 6  # steps from a start price before the search falls back on the least fees
_LIMIT = 2**60  # OR-Tools scales the costs by the number of nodes: that must stay in int64
# Rounds with this many arcs flow their parts in two forked workers (a national round's step
# of flows takes seconds; a municipality's, ~0.1 s, less than starting them).
_FORK_ARCS = 300_000

# What the forked workers read: the parts, and the buffer the weights of each step are
# written to (set just before they are forked, so no part is ever pickled).
_SHARED: dict[str, Any] = {}


def _ready(_: int) -> None:
    """Nothing: a first job that makes the workers start."""


def _flow_in_worker(job: tuple[int, int | None]) -> np.ndarray:
    """One part's flow (part `job[0]`, exactly `job[1]` placed when given) under the weights
    in the shared buffer; returns the chosen arcs' local indices."""
    i, placed = job
    p = _SHARED["parts"][i]
    weight = np.frombuffer(_SHARED["weight"], np.int64)[p.arcs]
    return np.flatnonzero(max_weight_matching(p.n_left, p.cap, p.left, p.right, weight, placed))


@dataclass
class _Point:
    """The flows' answer at one price: per part and whole, what it gains and what it costs."""

    x: np.ndarray  # per arc of the round
    gain: np.ndarray  # per part
    fee: np.ndarray  # per part

    @property
    def total(self) -> int:
        return int(self.gain.sum())

    @property
    def spent(self) -> int:
        return int(self.fee.sum())


@dataclass
class MostPlaced:
    """A choice of the least fees that places `count` children (`per_part` of them in each
    part), and whether no choice within the budget places more (the count's proof)."""

    x: np.ndarray
    count: int
    per_part: list[int]
    proven: bool
    binds: bool = True  # False: the most that can be placed fit the budget at least fees


class Flows:
    """The round's parts (and the whole round as one, `whole`), flowed at one price together:
    in two worker processes forked once, after `before_fork` (which waits for other threads
    to end), when the round is large and this process may fork; else one after the other."""

    def __init__(
        self,
        parts: list[Part],
        n_arcs: int,
        workers: int = 2,
        whole: Part | None = None,
        before_fork: Callable[[], object] | None = None,
    ) -> None:
        self.parts = sorted(parts, key=lambda p: -len(p.left))  # the largest start first
        self.whole = whole
        self.n_arcs = n_arcs
        self.step = 0.0  # seconds the last `run` took
        # the largest weight an arc may have: the costs times the nodes must fit int64
        self.limit = _LIMIT // (max((p.n_left + len(p.cap) for p in parts), default=0) + 3)
        self._pool: Any = None
        if workers > 1 and n_arcs >= _FORK_ARCS and may_fork_workers():
            if before_fork is not None:
                before_fork()
            context = get_context("fork")
            buffer = context.RawArray("q", n_arcs)
            self._weight = np.frombuffer(buffer, np.int64)
            _SHARED.update(parts=[*self.parts, whole], weight=buffer)
            try:
                # forked at the first jobs, all at once (a fork context never forks later);
                # a worker that dies raises BrokenProcessPool instead of hanging a map
                self._pool = ProcessPoolExecutor(workers, mp_context=context)
                list(self._pool.map(_ready, range(workers)))
            finally:
                _SHARED.clear()
            self._end = weakref.finalize(self, self._pool.shutdown, wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the worker processes, if any (the flows then run in this process)."""
        if self._pool is not None:
            self._end()
            self._pool = None

    def flows(self, weight: np.ndarray, jobs: list[tuple[int, int | None]]) -> list[np.ndarray]:
        """Per job (part i, or the whole round for i = len(parts); exactly that many placed
        when given), the best choice under `weight` (per arc of the round)."""
        everything = [*self.parts, self.whole]
        if self._pool is not None:
            self._weight[:] = weight
            found = list(self._pool.map(_flow_in_worker, jobs))
            out = []
            for (i, _), idx in zip(jobs, found, strict=True):
                x = np.zeros(len(everything[i].left), np.int64)
                x[idx] = 1
                out.append(x)
            return out
        out = []
        for i, placed in jobs:
            p = everything[i]
            out.append(
                max_weight_matching(p.n_left, p.cap, p.left, p.right, weight[p.arcs], placed)
            )
        return out

    def run(
        self, weight: np.ndarray, gain: np.ndarray, fee: np.ndarray, counts: list[int] | None
    ) -> _Point:
        """Return the best choice for `weight` (per arc of the round) in every part, with
        exactly `counts[i]` placed in part i when given."""
        began = time.monotonic()
        jobs = [(i, None if counts is None else counts[i]) for i in range(len(self.parts))]
        chosen = self.flows(weight, jobs)
        self.step = time.monotonic() - began
        x = np.zeros(self.n_arcs, np.int64)
        for p, c in zip(self.parts, chosen, strict=True):
            x[p.arcs] = c
        g = np.array(
            [int((gain[p.arcs] * c).sum()) for p, c in zip(self.parts, chosen, strict=True)]
        )
        f = np.array(
            [int((fee[p.arcs] * c).sum()) for p, c in zip(self.parts, chosen, strict=True)]
        )
        return _Point(x, g, f)

    def fit(self, a: int, b: int, gain: np.ndarray, fee: np.ndarray) -> tuple[int, int]:
        """Return (a, b), scaled down together where an arc's `a * gain - b * fee` could pass
        the limit (a price a little off still gives a true bound, only a looser one)."""
        most = a * int(np.abs(gain).max(initial=0)) + b * int(fee.max(initial=0))
        if most > self.limit:
            shrink = -(-most // self.limit)
            a, b = max(a // shrink, 1 if a else 0), max(b // shrink, 1 if b else 0)
        return a, b


def most_within(
    flows: Flows, fee: np.ndarray, budget: int, in_time: Callable[[], bool]
) -> MostPlaced:
    """Return the most children whose fees fit `budget` (øre per arc in `fee`).

    F(q), the least fee that places q children, is convex (a min-cost flow's value in its
    amount), and flows that maximise `a * placed - b * fees` land on its lower hull. From
    placing nobody (F(0) = 0) and the most placed at least fees, each step prices the
    flows by the chord between the last point within the budget and the first beyond it:
    they either find a hull point between the two or show the chord is an edge of F. Then F
    is linear there, and the largest q with F(q) <= budget is the most that fit: no choice
    within the budget places more. `in_time()` says whether another step may start.
    """
    ones = np.ones(len(fee), np.int64)
    top = int(fee.max(initial=0)) * (max((p.n_left for p in flows.parts), default=0) + 1) + 1
    exact = 2 * top <= flows.limit  # one more child outweighs every fee (else: no proof)
    top = min(top, flows.limit // 2)

    def point(a: int, b: int, counts: list[int] | None = None) -> _Point:
        return flows.run(a * ones - b * fee, ones, fee, counts)

    # placing nobody costs nothing: F(0) = 0 is the hull's first point (no flow needed, ~1 s
    # nationally); the chords find any choices that cost nothing either
    none = np.zeros(len(flows.parts), np.int64)
    lo, hi = _Point(np.zeros(flows.n_arcs, np.int64), none, none), point(top, 1)
    if hi.spent <= budget:
        return MostPlaced(hi.x, hi.total, hi.gain.tolist(), exact, binds=False)
    while in_time():
        a, b = hi.spent - lo.spent, hi.total - lo.total  # the chord: a / b øre a child
        if a + b * int(fee.max()) > flows.limit:
            break  # the price cannot be exact: no proof (never seen)
        mid = point(a, b)
        if a * mid.total - b * mid.spent <= a * lo.total - b * lo.spent:
            # nothing above the chord: F runs straight from lo to hi (hi beyond the budget),
            # and so does each part's between its counts at lo and at hi
            count = lo.total + (budget - lo.spent) * b // a
            per_part, more = lo.gain.tolist(), count - lo.total
            for i, extra in enumerate((hi.gain - lo.gain).tolist()):
                per_part[i] += min(extra, more)
                more -= min(extra, more)
            least = point(0, 1, per_part) if count > lo.total else lo
            return MostPlaced(least.x, count, per_part, exact)
        if mid.spent <= budget:
            lo = mid
        else:
            hi = mid
    return MostPlaced(lo.x, lo.total, lo.gain.tolist(), False)


def better_at_count(
    flows: Flows,
    fee: np.ndarray,
    budget: int,
    most: MostPlaced,
    weight: np.ndarray,
    value: Callable[[np.ndarray], int],
    in_time: Callable[[], bool],
    incumbent: np.ndarray,
    start: tuple[int, int] | None = None,
    close: int = 0,
) -> tuple[np.ndarray, int, tuple[int, int]]:
    """Return the best choice found (`incumbent` unless a better one) that places as many as
    `most` in each part within `budget`, its value, and the last price (a, b): `b / a`
    weight per øre.

    `weight` per arc is what a placement is worth to the search (its score and what its
    siblings add); `value` scores a choice exactly. Each step prices the flows by the chord
    between the best-weighted point within the budget and the best beyond it, until no flow
    rises above the chord or the two are `close` øre apart. A `start` price (an earlier
    search's, for weights close to these) brackets the budget in a few widening steps.
    """
    best_x, best_v = incumbent, value(incumbent)

    def point(a: int, b: int) -> _Point:
        return flows.run(a * weight - b * fee, weight, fee, most.per_part)

    def keep(p: _Point) -> None:
        nonlocal best_x, best_v
        if p.spent <= budget and value(p.x) > best_v:
            best_x, best_v = p.x, value(p.x)

    def least() -> _Point:
        # the least fees at these counts, the most weight among them: within the budget
        most_kids = max((p.n_left for p in flows.parts), default=0)
        rank = int(np.abs(weight).max(initial=0)) * (most_kids + 1) * 2 + 1
        return point(*flows.fit(1, rank, weight, fee))

    price = (1, 0)
    lo: _Point | None = None  # the least fees beyond the budget so far
    hi: _Point | None = None  # the most within it
    if start is not None and start[1] > 0:
        # from the start price, steps of 1/8 that double until the budget is bracketed
        a, b = flows.fit(*start, weight, fee)
        step = max(b // 8, 1)
        timely = True
        for _ in range(_WIDEN):
            p = point(a, b)
            keep(p)
            if p.spent <= budget:
                hi = p if hi is None or p.spent > hi.spent else hi
            elif lo is None or p.spent < lo.spent:
                lo = p
            timely = in_time()
            if (hi is not None and lo is not None) or not timely:  # bracketed, or no time
                break
            b = b - step if p.spent <= budget else b + step
            if b <= 0:
                break
            step *= 2
        if not timely:
            return best_x, best_v, price
    if lo is None:
        # the most weight at no price: beyond the budget, or the answer (only needed when
        # no start price found a point beyond the budget: such a point spends less)
        lo = point(*price)
        keep(lo)
        if lo.spent <= budget or not in_time():
            return best_x, best_v, price
    if hi is None:
        hi = least()
        keep(hi)
    while in_time() and hi.spent + close < lo.spent:
        price = a, b = flows.fit(lo.spent - hi.spent, lo.total - hi.total, weight, fee)
        mid = point(a, b)
        keep(mid)
        if a * mid.total - b * mid.spent <= a * lo.total - b * lo.spent:
            break  # no point above the chord: the last price
        if mid.spent <= budget:
            hi = mid
        else:
            lo = mid
    return best_x, best_v, price
