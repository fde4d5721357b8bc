"""Pairing families with contact families: one maximum flow of least cost per independent part
(the most pairs, then the best score; exact, as no rule couples two pairs), parts of a large
national round two at a time."""

from __future__ import annotations

from multiprocessing import get_context
from typing import Any

import numpy as np

from .document import Round
from .flow import most_matched_by_slices
from .pairs import PairArcs
from .parts import components
from .workers import may_fork_workers, release_free_memory

# Below this many arcs the flows are solved in this process: starting workers costs more.
_PARALLEL_ARCS = 500_000

# What the forked workers read (set just before they are forked, so nothing is pickled).
_JOB: dict = {}


def _local_ids(ids: np.ndarray, idx: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the ids under `size` that `ids[idx]` holds, in order, and a table from each of
    them to its position there (what `np.unique(ids[idx], return_inverse=True)` gives, by a
    table instead of a sort: sorting the parts' ids took ~1 s of 5 at 9.5 million pairs)."""
    seen = np.zeros(size, bool)
    seen[ids[idx]] = True
    return np.flatnonzero(seen), (np.cumsum(seen) - 1).astype(np.int32)


def _solve_part(idx: np.ndarray) -> np.ndarray:
    """Return the positions in `idx` (a part's arcs) of the arcs its flow chooses. The
    part's arcs are gathered a slice at a time as OR-Tools reads them (see
    `most_matched_by_slices`)."""
    caps, family, contact, weight = _JOB["caps"], _JOB["family"], _JOB["contact"], _JOB["weight"]
    fams, family_at = _local_ids(family, idx, _JOB["families"])
    contacts, contact_at = _local_ids(contact, idx, len(caps))

    def arcs(s: slice) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        at = idx[s]
        return family_at[family[at]], contact_at[contact[at]], weight[at]

    return np.flatnonzero(most_matched_by_slices(len(fams), caps[contacts], len(idx), arcs))


def _solve_indexed(i: int) -> np.ndarray:
    return _solve_part(_JOB["parts"][i])


def pair_families(rnd: Round, arcs: PairArcs, fork: bool = True) -> np.ndarray:
    """Return the chosen arc indices: most families paired first, then the best total score.
    Large rounds are solved by two forked workers unless `fork` is False (in a thread beside
    others: a fork would copy only the calling thread, whatever the others hold)."""
    return start_pairing(rnd, arcs, fork).result()


class Pairing:
    """The families' flows, under way: in two forked workers, which go on while the caller
    works (`result` waits for them), or already solved in this process."""

    def __init__(
        self,
        parts: list[np.ndarray],
        flows: list[np.ndarray] | None = None,
        pool: Any = None,
        pending: Any = None,
    ) -> None:
        self._parts, self._flows = parts, flows
        self._pool, self._pending = pool, pending

    def result(self) -> np.ndarray:
        """Wait for the flows and return the chosen arc indices."""
        if self._flows is None:
            try:
                self._flows = self._pending.get()
            finally:
                self.close()
        chosen = [idx[at] for idx, at in zip(self._parts, self._flows, strict=True)]
        return np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, np.int64)

    def close(self) -> None:
        """End the workers, whether or not they finished."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def _parts(arcs: PairArcs, n_contacts: int) -> list[np.ndarray]:
    """Return the arc indices of each independent part: towns far apart share no candidate,
    so each connected part is its own flow. (Its labels are gone before any worker is
    forked, which would otherwise hold them: 76 MiB at 9.5 million pairs.)"""
    label = components(arcs.family, arcs.contact, n_contacts)
    order = np.argsort(label, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(label[order])) + 1)


def start_pairing(rnd: Round, arcs: PairArcs, fork: bool = True) -> Pairing:
    """Start the families' flows (see `pair_families`): on a large round, with `fork`, in two
    worker processes that run while the caller goes on (the children's candidates, 1.3 s of
    a national round, are built meanwhile); else solved before returning."""
    if len(arcs.family) == 0:
        return Pairing([], [])
    caps = np.array([k.capacity for k in rnd.contact_families], np.int64)
    parts = _parts(arcs, len(caps))
    _JOB.update(
        caps=caps,
        family=arcs.family,
        contact=arcs.contact,
        weight=arcs.score,
        families=len(rnd.families),
    )
    try:
        big = len(arcs.family) >= _PARALLEL_ARCS and len(parts) >= 2
        if big and fork and may_fork_workers():
            # Largest first, so that the two workers finish at about the same time.
            parts = _JOB["parts"] = sorted(parts, key=len, reverse=True)
            release_free_memory()
            pool = get_context("fork").Pool(2)  # the workers copy `_JOB` as they start
            pending = pool.map_async(_solve_indexed, range(len(parts)), chunksize=1)
            return Pairing(parts, pool=pool, pending=pending)
        return Pairing(parts, [_solve_part(idx) for idx in parts])
    finally:
        _JOB.clear()
