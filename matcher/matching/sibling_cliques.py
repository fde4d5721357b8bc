"""Clique cuts on the siblings' `together` columns: pairs that no answer has together at once.

Two pairs of one family conflict when
- they share a child and are in different clubs (a child has one activity, so one club), or
- they are in the same club and hold more of the family's children than the club can take at
  once: `most_at_once`, the largest matching of the family's children who have a candidate
  there into the club's free places (ignoring every other child, so it never understates).
In every answer a pair's `together` is 1 only when both its children are in its club, so of a
set of pairwise conflicting pairs (a clique) at most one is together:

    sum of the clique's `together`  <=  1.

The LP breaks these where it splits a child between two clubs and earns a pair in each: on
the seed-14 municipality round HiGHS' root found such a cut (a child 2/3 with one sibling in
one club and 1/3 with two others in another) that alone lowered the LP by 5.8 points, which
the capacity cuts of `sibling_cuts.py` cannot see.

Separation: among the groups of pairs linked by a shared child or club whose `together` sum
exceeds 1 at the LP's point, a greedy clique from each lit pair (the heaviest first, over lit
pairs by weight), kept when broken and then lifted to a maximal clique with the group's other
pairs (those at 0 now), so that the LP cannot move its split to the next pair: on the
municipality rounds measured, one round gave what a round per cut gave after twelve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .parts import components

# A cut is added only when the LP's point breaks it by more than this (in pairs).
_MIN_VIOLATION = 1e-4
# At most this many cliques are grown per group and round (from its heaviest lit pairs).
_SEEDS = 8


def most_at_once(kids: np.ndarray, acts: np.ndarray, cap: np.ndarray) -> int:
    """The most of the children `kids` placed at once on arcs (kids[i] -> acts[i]) into
    activities with `cap` free places each: a largest matching by augmenting paths (a
    family's few children in one club)."""
    options: dict[int, list[int]] = {}
    for kid, act in zip(kids.tolist(), acts.tolist(), strict=True):
        if cap[act] > 0:
            options.setdefault(kid, []).append(act)
    seated: dict[int, list[int]] = {}

    def seat(kid: int, tried: set[int]) -> bool:
        for act in options[kid]:
            if act in tried:
                continue
            tried.add(act)
            held = seated.setdefault(act, [])
            if len(held) < cap[act]:
                held.append(kid)
                return True
            for other in list(held):
                if seat(other, tried):
                    held.remove(other)
                    held.append(kid)
                    return True
        return False

    return sum(seat(kid, set()) for kid in sorted(options))


def _one_activity_takes_all(arcs: ClubArcs) -> tuple[np.ndarray, np.ndarray]:
    """Per family-in-club key (ascending): its number of children when one of its
    activities has a free place for each of them and arcs from all of them (then they all
    fit at once), else 0."""
    keys = arcs.key_sorted
    if len(keys) == 0:
        return keys, keys
    left, right = arcs.left[arcs.key_arcs], arcs.right[arcs.key_arcs]
    uniq, key_at = np.unique(keys, return_inverse=True)
    n_left, n_act = int(left.max()) + 1, len(arcs.cap)
    kids = np.unique(key_at * n_left + left) // n_left  # each (key, child) once
    family = np.bincount(kids, minlength=len(uniq))
    # each (key, activity, child) once: a child's arcs to one activity count once
    seen = np.unique((key_at * n_act + right) * n_left + left) // n_left
    key_act, per_act = np.unique(seen, return_counts=True)
    fits = per_act == family[key_act // n_act]
    fits &= arcs.cap[key_act % n_act] >= per_act
    whole = np.zeros(len(uniq), np.int64)
    whole[key_act[fits] // n_act] = family[key_act[fits] // n_act]
    return uniq, whole


@dataclass(frozen=True)
class ClubArcs:
    """A placement model's arcs (child `left`, activity `right`, free places `cap` per
    activity) with those of each family-in-club key found by a sorted index."""

    left: np.ndarray
    right: np.ndarray
    cap: np.ndarray
    key_arcs: np.ndarray  # the arcs with a key, sorted by it
    key_sorted: np.ndarray  # their keys

    @classmethod
    def of(cls, left: np.ndarray, right: np.ndarray, cap: np.ndarray, sib_key: np.ndarray):
        """Index the arcs by `sib_key` (each arc's family-in-club key; -1: none)."""
        sel = np.flatnonzero(sib_key >= 0)
        key_arcs = sel[np.argsort(sib_key[sel], kind="stable")]
        return cls(left, right, cap, key_arcs, sib_key[key_arcs])

    def of_key(self, key: int) -> np.ndarray:
        """The arcs of the family-in-club `key`."""
        lo, hi = np.searchsorted(self.key_sorted, [key, key + 1])
        return self.key_arcs[lo:hi]


class CliqueSeparator:
    """Finds the clique cuts a point of the LP breaks, for one placement model: its `arcs`
    and `pairs`, (family-in-club key, child, child) per `together` column (after the arcs'
    columns)."""

    def __init__(self, arcs: ClubArcs, pairs: np.ndarray) -> None:
        self.arcs = arcs
        self.pairs = pairs
        self.group = np.zeros(0, np.int64)
        if len(pairs):
            # pairs linked by a club (key) or a child: one group (two arcs a pair)
            keys = np.repeat(pairs[:, 0], 2)
            kids = pairs[:, 1:].reshape(-1)
            self.group = components(keys, kids, int(kids.max()) + 1)[::2]
        self._order = np.argsort(self.group, kind="stable")
        n_groups = int(self.group.max()) + 1 if len(pairs) else 0
        self._start = np.searchsorted(self.group[self._order], np.arange(n_groups + 1))
        self._at_once: dict[int, int] = {}
        self._keys, self._whole = _one_activity_takes_all(arcs)

    def _room(self, key: int) -> int:
        """How many of the family fit in the club of `key` at once (cached), by
        `most_at_once` (`_conflicts` first takes `_whole`, which says it for most families)."""
        if key not in self._at_once:
            arcs, own = self.arcs, self.arcs.of_key(key)
            self._at_once[key] = most_at_once(arcs.left[own], arcs.right[own], arcs.cap)
        return self._at_once[key]

    def _conflicts(self, members: np.ndarray) -> np.ndarray:
        """The conflict matrix of the pairs `members` (column indices among the pairs)."""
        key, a, b = (self.pairs[members, i] for i in range(3))
        shared = (
            (a[:, None] == a[None, :]).astype(np.int64)
            + (a[:, None] == b[None, :])
            + (b[:, None] == a[None, :])
            + (b[:, None] == b[None, :])
        )
        same = key[:, None] == key[None, :]
        room = self._whole[np.searchsorted(self._keys, key)]  # 0: not known yet
        for i in np.flatnonzero(room == 0):
            room[i] = self._room(int(key[i]))
        conflict = np.where(same, 4 - shared > room[:, None], shared > 0)
        np.fill_diagonal(conflict, False)
        return conflict

    def separate(self, z: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, float]]:
        """Return the broken cliques at the point `z` (over the pairs) as rows (columns
        among the pairs, coefficients, right-hand side)."""
        if not len(self.pairs):
            return []
        weight = np.bincount(self.group, weights=z, minlength=int(self.group.max()) + 1)
        rows: list[tuple[np.ndarray, np.ndarray, float]] = []
        for g in np.flatnonzero(weight > 1 + _MIN_VIOLATION):
            members = self._order[self._start[g] : self._start[g + 1]]
            w = z[members]
            lit = np.flatnonzero(w > 1e-6)
            lit = lit[np.lexsort((lit, -w[lit]))]  # heaviest first, ties by column
            conflict = self._conflicts(members)
            seen: set[tuple[int, ...]] = set()
            for seed in lit[:_SEEDS]:
                clique, open_ = [seed], conflict[seed].copy()
                for v in lit:
                    if open_[v]:
                        clique.append(v)
                        open_ &= conflict[v]
                if w[clique].sum() <= 1 + _MIN_VIOLATION:
                    continue
                for v in np.flatnonzero(open_):  # lifted: the group's other pairs that fit
                    if open_[v]:
                        clique.append(v)
                        open_ &= conflict[v]
                cols = tuple(sorted(members[clique].tolist()))
                if cols not in seen:
                    seen.add(cols)
                    rows.append((np.array(cols, np.int64), np.ones(len(cols)), 1.0))
        return rows
