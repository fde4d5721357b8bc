"""Candidate pairings: every (family, contact family) pair that breaks no hard rule, scored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .ages import age_on
from .candidates import penalty
from .distinct import distinct
from .document import Round
from .geo import pairs_within, sort_order, spec_distances


@dataclass(frozen=True)
class PairArcs:
    """Feasible pairings as parallel arrays, sorted by family then contact family: what the
    flows and the explanations read (the distance and the shared interests are recomputed
    for the chosen pairs alone: kept for every pair, they held 152 MiB of a national round's
    memory through the whole round)."""

    family: np.ndarray
    contact: np.ndarray
    language: np.ndarray  # bool: share a language
    ages: np.ndarray  # bool: some children within 2 years of age
    score: np.ndarray
    needs_certificate: np.ndarray  # per family: has a child under 15


def _bitsets(groups: list[Iterable], universe: dict) -> np.ndarray:
    """Return one row of 64-bit words per group, a bit per member of the universe."""
    words = max((len(universe) + 63) // 64, 1)
    out = np.zeros((len(groups), words), np.uint64)
    for i, group in enumerate(groups):
        for item in group:
            bit = universe[item]
            out[i, bit >> 6] |= np.uint64(1 << (bit & 63))
    return out


def shared(left: list[Iterable], right: list[Iterable], li: np.ndarray, ri: np.ndarray):
    """Return, per pair (li, ri), how many members the two groups share."""
    universe: dict = {}
    for group in (*left, *right):
        for item in group:
            universe.setdefault(item, len(universe))
    a, b = _bitsets(left, universe), _bitsets(right, universe)
    out = np.zeros(len(li), np.int64)
    for w in range(a.shape[1]):  # one word for up to 64 languages, interests or ages
        out += np.bitwise_count(a[li, w] & b[ri, w])
    return out


def _without_declined(keys: np.ndarray, excluded: list[int]) -> np.ndarray:
    """Return a mask over the sorted pair `keys` that leaves out the pairs declined before:
    each declined pair is looked up among the pairs (a few lookups in the sorted keys, where
    looking up every pair among the declined cost ~0.6 s at 9.5 million pairs)."""
    declined = distinct(np.array(excluded, np.int64))
    pos = np.searchsorted(keys, declined)
    found = pos < len(keys)
    found[found] = keys[pos[found]] == declined[found]
    keep = np.ones(len(keys), bool)
    keep[pos[found]] = False
    return keep


def build_pair_arcs(rnd: Round) -> PairArcs:
    """Build every feasible pairing with a spatial index and vectorised filters and scores."""
    fs, ks, p, day = rnd.families, rnd.contact_families, rnd.params, rnd.round_date
    f_ages = [[age_on(b, day) for b in f.children_birth_dates] for f in fs]
    needs_cert = np.array([any(a < 15 for a in ages) for ages in f_ages], bool)
    k_lat = np.array([k.lat for k in ks], float)
    k_lon = np.array([k.lon for k in ks], float)
    f_lat = np.array([f.lat for f in fs], float)
    f_lon = np.array([f.lon for f in fs], float)
    reach = np.array([k.max_distance_km for k in ks], float)
    ki, fi, km = pairs_within(k_lat, k_lon, reach, f_lat, f_lon, ordered=False)
    cert = np.array([k.child_certificate for k in ks], bool)
    keep = ~needs_cert[fi] | cert[ki]
    n = max(len(ks), 1)
    keys, km = (fi * n + ki)[keep], km[keep]
    order = sort_order(keys, len(fs) * n)  # by family, then contact family
    keys, km = keys[order], km[order]
    index = {k.id: i for i, k in enumerate(ks)}
    excluded = [
        i * n + index[x]
        for i, f in enumerate(fs)
        for x in f.excluded_contact_families
        if x in index
    ]
    if excluded:
        keep = _without_declined(keys, excluded)
        keys, km = keys[keep], km[keep]
    fi, ki = np.divmod(keys, n)
    language = shared([f.languages for f in fs], [k.languages for k in ks], fi, ki) > 0
    k_near = [
        {a + d for b in k.children_birth_dates for d in range(-2, 3) for a in [age_on(b, day)]}
        for k in ks
    ]
    ages = shared(f_ages, k_near, fi, ki) > 0
    interests = shared([f.interests for f in fs], [k.interests for k in ks], fi, ki)
    waited = np.array([f.rounds_waited for f in fs], np.int64)
    exact = spec_distances(f_lat, f_lon, fi, k_lat, k_lon, ki)
    score = (
        p.language_points * language
        + p.children_age_points * ages
        + np.minimum(p.interest_points * interests, p.interest_points_cap)
        + p.waiting_points * waited[fi]
        - penalty(km, p.distance_penalty_per_km, exact)
    ).astype(np.int64)
    return PairArcs(fi, ki, language, ages, score, needs_cert)
