"""Candidate placements: every (child, activity) pair that breaks no hard rule, with its score."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ages import age_on
from .document import Round
from .fields import DAYS
from .geo import Exact, pairs_within, spec_distances

NOT_WISHED = np.iinfo(np.int16).max
GENDER_CODE = {"any": 0, "female": 1, "male": 2, "other": 3}


def day_mask(days: frozenset[str]) -> int:
    """Return the weekdays as a 7-bit mask."""
    return sum(1 << i for i, d in enumerate(DAYS) if d in days)


@dataclass(frozen=True)
class ChildArcs:
    """Feasible placements as parallel arrays, sorted by child then activity."""

    child: np.ndarray  # int64 index into round.children
    act: np.ndarray  # int64 index into round.activities
    km: np.ndarray
    rank: np.ndarray  # 0-based wish rank
    score: np.ndarray  # int64, without sibling points
    age: np.ndarray  # per child, whole years on the round date
    club: np.ndarray  # per activity, int club id
    fee: np.ndarray  # per activity, float DKK


def penalty(km: np.ndarray, per_km: float, exact: Exact) -> np.ndarray:
    """Return round(per_km * km) half to even, exact (`geo.spec_distances`) where a half is
    within a hair."""
    value = per_km * km
    close = np.flatnonzero(np.abs(value - np.floor(value) - 0.5) < 1e-6)
    if len(close):
        km[close] = exact(close)
        value[close] = per_km * km[close]
    return np.rint(value).astype(np.int64)


def child_arrays(rnd: Round) -> dict[str, np.ndarray]:
    """Return the children's fields as NumPy arrays."""
    cs = rnd.children
    return {
        "lat": np.array([c.lat for c in cs], float),
        "lon": np.array([c.lon for c in cs], float),
        "reach": np.array([c.max_distance_km for c in cs], float),
        "age": np.array([age_on(c.birth_date, rnd.round_date) for c in cs], np.int64),
        "gender": np.array([GENDER_CODE[c.gender] for c in cs], np.int64),
        "days": np.array([day_mask(c.available_days) for c in cs], np.int64),
        "waited": np.array([c.rounds_waited for c in cs], np.int64),
    }


def activity_arrays(rnd: Round) -> dict[str, np.ndarray]:
    """Return the activities' fields as NumPy arrays."""
    acts = rnd.activities
    clubs: dict[str, int] = {}
    return {
        "lat": np.array([a.lat for a in acts], float),
        "lon": np.array([a.lon for a in acts], float),
        "min_age": np.array([a.min_age for a in acts], np.int64),
        "max_age": np.array([a.max_age for a in acts], np.int64),
        "gender": np.array([GENDER_CODE[a.gender] for a in acts], np.int64),
        "days": np.array([day_mask(a.days) for a in acts], np.int64),
        "club": np.array([clubs.setdefault(a.club, len(clubs)) for a in acts], np.int64),
        "fee": np.array([a.fee for a in acts], float),
    }


def wish_ranks(rnd: Round) -> tuple[np.ndarray, np.ndarray]:
    """Return (rank matrix child x category, category id per activity)."""
    cats: dict[str, int] = {}
    act_cat = np.array([cats.setdefault(a.category, len(cats)) for a in rnd.activities], np.int64)
    ranks = np.full((len(rnd.children), max(len(cats), 1)), NOT_WISHED, np.int16)
    for i, c in enumerate(rnd.children):
        for r, wish in reversed(list(enumerate(c.wishes))):  # first occurrence wins
            if wish in cats:
                ranks[i, cats[wish]] = r
    return ranks, act_cat


def declined(rnd: Round, child: np.ndarray, act: np.ndarray) -> np.ndarray:
    """Return a mask of the pairs the child declined before."""
    index = {a.id: i for i, a in enumerate(rnd.activities)}
    n = max(len(rnd.activities), 1)
    keys = [
        i * n + index[a]
        for i, c in enumerate(rnd.children)
        for a in c.excluded_activities
        if a in index
    ]
    if not keys:
        return np.zeros(len(child), bool)
    return np.isin(child * n + act, np.array(keys, np.int64))


def build_child_arcs(rnd: Round) -> ChildArcs:
    """Build every feasible placement with a spatial index and vectorised hard-rule filters."""
    ch, ac = child_arrays(rnd), activity_arrays(rnd)
    ranks, act_cat = wish_ranks(rnd)
    p = rnd.params
    eligible = np.flatnonzero((ch["age"] < 18) & (ranks.min(axis=1) < NOT_WISHED))
    e_age, e_gender, e_days = ch["age"][eligible], ch["gender"][eligible], ch["days"][eligible]
    e_ranks = ranks[eligible]

    def admissible(q: np.ndarray, a: np.ndarray) -> np.ndarray:
        """The hard rules that need no distance: wishes, age range, gender, weekdays."""
        age = e_age[q]
        return (
            (e_ranks[q, act_cat[a]] < NOT_WISHED)
            & (ac["min_age"][a] <= age)
            & (age <= ac["max_age"][a])
            & ((ac["gender"][a] == 0) | (ac["gender"][a] == e_gender[q]))
            & ((ac["days"][a] & e_days[q]) != 0)
        )

    qi, ai, km = pairs_within(
        ch["lat"][eligible],
        ch["lon"][eligible],
        ch["reach"][eligible],
        ac["lat"],
        ac["lon"],
        admissible,
    )
    ci = eligible[qi]
    rank = ranks[ci, act_cat[ai]].astype(np.int64)
    keep = ~declined(rnd, ci, ai)
    ci, ai, km, rank = ci[keep], ai[keep], km[keep].copy(), rank[keep]
    prefs = np.array(list(p.preference_points) + [0], np.int64)
    exact = spec_distances(ch["lat"], ch["lon"], ci, ac["lat"], ac["lon"], ai)
    score = (
        prefs[np.minimum(rank, len(prefs) - 1)]
        + p.waiting_points * ch["waited"][ci]
        - penalty(km, p.distance_penalty_per_km, exact)
    )
    order = np.lexsort((ai, ci))
    return ChildArcs(
        ci[order], ai[order], km[order], rank[order], score[order], ch["age"], ac["club"], ac["fee"]
    )
