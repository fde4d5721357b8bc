"""Cuts that tighten the placement LP where siblings compete with other children for places.

The LP relaxation lets two siblings sit half in one club and half in another, earning their
pair's points in full, while each club has only one place left beside the children that fill
it. For a family `F` in a club (or one pair of it), let `U` be some of the club's activities
its children can join, `K` their places, and `S` any `K - r` other children (r >= 1): if
every child of `S` is in `U` and no child of `F` is in the club's other activities, at most
`r` children of `F` are in the club, so at most C(r, 2) of its pairs are together. Each child
of `S` elsewhere (t of them) frees a place, each child of `F` in the club outside `U` (a of
them) adds one, and

    sum of F's `together` in the club  <=  C(r, 2) + (C(|F|, 2) - C(r, 2)) * (t + a)

holds for every integer answer (if t + a > 0 the right side is at least every pair), with
t = sum over S of (1 - x_cU) and a = the arcs of F's children to the club outside U, so it
is valid for the MIP too. Over fifteen municipality rounds these cuts bring the LP from 3-20
points above the optimum to 0-15 points, 0-6 on thirteen of them (seed 0: from 106,396.2 to
106,382.3 against 106,380), which halves the proof's model.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np

from .distinct import distinct
from .sibling_cliques import CliqueSeparator, ClubArcs

# A cut is added only when the LP's point breaks it by more than this (in pairs).
_MIN_VIOLATION = 1e-4
# Cuts of single pairs only for families with at most this many pairs in a club (six
# siblings): a family of n siblings has n(n-1)/2 of them (80 siblings: 0.8 s a round).
_PAIR_CUTS_UP_TO = 15


@dataclass(frozen=True)
class Cuts:
    """Rows `sum(vals[i] * column[cols[i]]) <= rhs[row[i]]`, rows numbered from 0."""

    row: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    rhs: np.ndarray

    def __len__(self) -> int:
        return len(self.rhs)


def _unbreakable(together: float, outside: float, n: int) -> bool:
    """Whether no cut of a family's pairs (n siblings, their `together` columns summing to
    `together`, their arcs to the club outside `U` to `outside`) can be broken by enough,
    whatever `S`: the places that `S` frees count at least 0 (each child sits at most once),
    so with them left out each r's violation is only overstated. The margin covers the LP's
    rounding. Over a municipality round's separations 60-70% of the (pairs, `U`) tried end
    here, before their club's arcs are gathered: 0.17 s -> 0.09 s a round, the same cuts."""
    return not any(
        together - comb(r, 2) - (comb(n, 2) - comb(r, 2)) * outside > _MIN_VIOLATION - 1e-3
        for r in range(1, n)
    )


def _among(values: np.ndarray, few: np.ndarray) -> np.ndarray:
    """Whether each of `values` is one of `few` (a family's children: `np.isin`'s sorting
    costs more than a comparison per child on so few)."""
    if len(few) > 8:
        return np.isin(values, few)
    hit = np.zeros(len(values), bool)
    for v in few:
        hit |= values == v
    return hit


class Separator:
    """Finds the cuts a point of the LP breaks, for one placement model.

    `pairs` holds (family-in-club key, child, child) per `together` column, which come after
    the `m` arc columns; `sib_key` gives each arc's family-in-club key (-1: none).
    """

    def __init__(
        self,
        left: np.ndarray,
        right: np.ndarray,
        cap: np.ndarray,
        sib_key: np.ndarray,
        pairs: np.ndarray,
    ) -> None:
        self.left, self.right, self.cap = left, right, cap
        self.m = len(left)
        self.pairs = pairs
        self._by_act = np.argsort(right, kind="stable")
        self._act_start = np.searchsorted(right[self._by_act], np.arange(len(cap) + 1))
        self._club = club = ClubArcs.of(left, right, cap, sib_key)
        porder = np.argsort(pairs[:, 0], kind="stable") if len(pairs) else np.zeros(0, int)
        self._pair_order = porder
        self._pair_keys = pairs[porder, 0] if len(pairs) else np.zeros(0, np.int64)
        self._cliques = CliqueSeparator(club, pairs)

    def _arcs_into(self, acts: np.ndarray) -> np.ndarray:
        """Every arc into the activities `acts`."""
        lo, hi = self._act_start[acts], self._act_start[acts + 1]
        return np.concatenate([self._by_act[a:b] for a, b in zip(lo, hi, strict=True)])

    def separate(self, x: np.ndarray, z: np.ndarray) -> Cuts:
        """Return the cuts that the point (x over arcs, z over pairs) breaks: per family in a
        club with a fractional arc and a pair together, the most broken cut of the whole
        family and, for families of three to six, of each of its pairs, with `U` all the
        club's activities they can join and, when there are several, each one alone; and
        the broken cliques of pairs that cannot be together at once (`sibling_cliques.py`)."""
        rows = [(self.m + cols, vals, rhs) for cols, vals, rhs in self._cliques.separate(z)]
        frac = (x > 1e-6) & (x < 1 - 1e-6)
        lit = distinct(self.pairs[z > 1e-6, 0]) if len(self.pairs) else np.zeros(0, np.int64)
        near = distinct(self._club.key_sorted[frac[self._club.key_arcs]])
        keys = np.intersect1d(lit, near, assume_unique=True)
        for key in keys:
            lo, hi = np.searchsorted(self._pair_keys, [key, key + 1])
            group = self._pair_order[lo:hi]
            arcs = self._club.of_key(key)
            candidates = [group]
            if 1 < len(group) <= _PAIR_CUTS_UP_TO:
                candidates += [group[i : i + 1] for i in range(len(group))]
            for pairs in candidates:
                together = float(z[pairs].sum())
                if together <= _MIN_VIOLATION:  # no cut of these pairs can be broken
                    continue
                kids = distinct(self.pairs[pairs, 1:])
                own = arcs[_among(self.left[arcs], kids)]
                own_act = self.right[own]
                acts = distinct(own_act)
                # the club's activities together (none of the family's arcs away from them),
                # and each one the family sits in alone
                crowds = [(acts, own[:0])]
                if len(acts) > 1:
                    crowds += [(acts[i : i + 1], own[own_act != a]) for i, a in enumerate(acts)]
                for crowd, away in crowds:
                    cut = self._most_broken(pairs, kids, crowd, away, x, together)
                    if cut is not None:
                        rows.append(cut)
        if not rows:
            empty = np.zeros(0, np.int64)
            return Cuts(empty, empty, np.zeros(0), np.zeros(0))
        sizes = [len(c[0]) for c in rows]
        return Cuts(
            np.repeat(np.arange(len(rows)), sizes),
            np.concatenate([c[0] for c in rows]),
            np.concatenate([c[1] for c in rows]),
            np.array([c[2] for c in rows]),
        )

    def _most_broken(
        self,
        pairs: np.ndarray,
        kids: np.ndarray,
        acts: np.ndarray,
        away: np.ndarray,
        x: np.ndarray,
        together: float,
    ) -> tuple[np.ndarray, np.ndarray, float] | None:
        """The most broken cut for the pairs `pairs` of siblings `kids` (`together` the sum
        of their columns at x), whose arcs into their club outside `U` = `acts` are `away`,
        as (columns, coefficients, right-hand side), or None. `S` is the fullest `K - r`
        other children, for the most broken r."""
        n = len(kids)
        outside = float(x[away].sum())
        if _unbreakable(together, outside, n):  # (the crowd's arcs are not looked at)
            return None
        places = int(self.cap[acts].sum())
        into = self._arcs_into(acts)
        into = into[~_among(self.left[into], kids)]
        children, inverse = np.unique(self.left[into], return_inverse=True)
        share = np.bincount(inverse, weights=x[into], minlength=len(children))
        order = np.lexsort((children, -share))  # fullest first, ties by child
        free = np.r_[0.0, np.cumsum(1.0 - share[order])]  # places left if the first k leave
        best = None
        for r in range(1, n):
            size = places - r  # 0: the places alone keep r of the family at most
            if size < 0 or size > len(children):
                continue
            weight = comb(n, 2) - comb(r, 2)
            broken = together - comb(r, 2) - weight * (free[size] + outside)
            if broken > _MIN_VIOLATION and (best is None or broken > best[0]):
                best = (broken, r, size, weight)
        if best is None:
            return None
        _, r, size, weight = best
        members = children[order[:size]]
        mine = into[np.isin(self.left[into], members)]
        cols = np.r_[self.m + pairs, mine, away]
        vals = np.r_[
            np.ones(len(pairs)), np.full(len(mine), float(weight)), np.full(len(away), -weight)
        ]
        return cols, vals, float(comb(r, 2) + weight * size)
