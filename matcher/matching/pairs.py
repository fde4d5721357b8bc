"""Candidate pairings: every (family, contact family) pair that breaks no hard rule, scored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .ages import age_on
from .candidates import penalty
from .document import Round
from .geo import pairs_within

_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], np.int64)


@dataclass(frozen=True)
class PairArcs:
    """Feasible pairings as parallel arrays, sorted by family then contact family."""

    family: np.ndarray
    contact: np.ndarray
    km: np.ndarray
    language: np.ndarray  # bool: share a language
    ages: np.ndarray  # bool: some children within 2 years of age
    interests: np.ndarray  # number of shared interests
    score: np.ndarray
    needs_certificate: np.ndarray  # per family: has a child under 15


def _bitsets(groups: list[Iterable], universe: dict) -> np.ndarray:
    """Return one packed bit row per group, a bit per member of the universe."""
    dense = np.zeros((len(groups), max(len(universe), 1)), bool)
    for i, group in enumerate(groups):
        for item in group:
            dense[i, universe[item]] = True
    return np.packbits(dense, axis=1)


def shared(left: list[Iterable], right: list[Iterable], li: np.ndarray, ri: np.ndarray):
    """Return, per pair (li, ri), how many members the two groups share."""
    universe: dict = {}
    for group in (*left, *right):
        for item in group:
            universe.setdefault(item, len(universe))
    a, b = _bitsets(left, universe), _bitsets(right, universe)
    out = np.zeros(len(li), np.int64)
    for start in range(0, len(li), 1 << 18):  # chunks bound the memory of the byte matrix
        s = slice(start, start + (1 << 18))
        out[s] = _POPCOUNT[a[li[s]] & b[ri[s]]].sum(axis=1)
    return out


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
    ki, fi, km = pairs_within(k_lat, k_lon, reach, f_lat, f_lon)
    cert = np.array([k.child_certificate for k in ks], bool)
    keep = ~needs_cert[fi] | cert[ki]
    index = {k.id: i for i, k in enumerate(ks)}
    n = max(len(ks), 1)
    excluded = [
        i * n + index[x]
        for i, f in enumerate(fs)
        for x in f.excluded_contact_families
        if x in index
    ]
    if excluded:
        keep &= ~np.isin(fi * n + ki, np.array(excluded, np.int64))
    fi, ki, km = fi[keep], ki[keep], km[keep].copy()
    order = np.lexsort((ki, fi))
    fi, ki, km = fi[order], ki[order], km[order]
    language = shared([f.languages for f in fs], [k.languages for k in ks], fi, ki) > 0
    k_near = [
        {a + d for b in k.children_birth_dates for d in range(-2, 3) for a in [age_on(b, day)]}
        for k in ks
    ]
    ages = shared(f_ages, k_near, fi, ki) > 0
    interests = shared([f.interests for f in fs], [k.interests for k in ks], fi, ki)
    waited = np.array([f.rounds_waited for f in fs], np.int64)
    pts = (f_lat[fi], f_lon[fi], k_lat[ki], k_lon[ki])
    score = (
        p.language_points * language
        + p.children_age_points * ages
        + np.minimum(p.interest_points * interests, p.interest_points_cap)
        + p.waiting_points * waited[fi]
        - penalty(km, p.distance_penalty_per_km, pts)
    ).astype(np.int64)
    return PairArcs(fi, ki, km, language, ages, interests, score, needs_cert)
