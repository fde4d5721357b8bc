"""The reference MILP's own candidate pairs and scores, written from the spec (not the solver's).

Pairs within reach come from a k-d tree (SciPy) over points on the sphere in 3-D; the hard rules
are vectorised NumPy filters. Distances are computed with NumPy and, where a result sits within a
hair of a boundary (the reach, or a half point of the rounded penalty), recomputed with `math` in
the spec's haversine form, so the reference agrees with the spec to the bit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.spatial import cKDTree

R = 6371.0
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HAIR = 1e-6


def age(birth: str, day: date) -> int:
    """Whole years on `day`."""
    b = date.fromisoformat(birth)
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def _math_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(a))


def _latlon(records: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    lat = np.array([r["location"]["lat"] for r in records], float)
    lon = np.array([r["location"]["lon"] for r in records], float)
    return lat, lon


def _xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    p, q = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(p) * np.cos(q), np.cos(p) * np.sin(q), np.sin(p)], 1) * R


def within(q: list[dict], reach: np.ndarray, t: list[dict], penalty: float):
    """Return (query idx, target idx, km) with km <= reach[query], km exact near boundaries."""
    qa, qo = _latlon(q)
    ta, to = _latlon(t)
    if not len(q) or not len(t):
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    chord = 2 * R * np.sin(np.minimum(reach / (2 * R), np.pi / 2)) * (1 + 1e-9) + 1e-6
    hits = cKDTree(_xyz(ta, to)).query_ball_point(_xyz(qa, qo), chord)
    qi = np.repeat(np.arange(len(q)), [len(h) for h in hits])
    ti = np.fromiter((j for h in hits for j in h), int, len(qi))
    p1, p2 = np.radians(qa[qi]), np.radians(ta[ti])
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(to[ti] - qo[qi]) / 2) ** 2
    )
    km = 2 * R * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    frac = penalty * km - np.floor(penalty * km)
    close = (np.abs(km - reach[qi]) < _HAIR) | (np.abs(frac - 0.5) < _HAIR * max(penalty, 1))
    for i in np.flatnonzero(close):
        km[i] = _math_km(qa[qi[i]], qo[qi[i]], ta[ti[i]], to[ti[i]])
    keep = km <= reach[qi]
    return qi[keep], ti[keep], km[keep]


def _penalty(penalty: float, km: np.ndarray) -> np.ndarray:
    # Python's round (half to even) on each float, exactly as the spec says
    return np.array([round(penalty * k) for k in km.tolist()], np.int64)


def _day_mask(days: list[str]) -> int:
    return sum(1 << DAYS.index(d) for d in days)


@dataclass
class ChildArcs:
    """Candidate (child, activity) pairs with their base scores (no sibling points)."""

    child: np.ndarray
    act: np.ndarray
    score: np.ndarray
    club: np.ndarray  # club index of the activity
    fee: np.ndarray


def child_arcs(doc: dict, p: dict) -> ChildArcs:
    """Enumerate every placement the hard rules allow, with its base score."""
    kids, acts = doc.get("children") or [], doc.get("activities") or []
    day = date.fromisoformat(doc["round_date"])
    reach = np.array([c["max_distance_km"] for c in kids], float)
    parts = []  # one k-d tree per category: a child only meets activities it wishes for
    for cat in sorted({a["category"] for a in acts}):
        who = [i for i, c in enumerate(kids) if cat in c["wishes"]]
        what = [j for j, a in enumerate(acts) if a["category"] == cat]
        qi, ti, km = within(
            [kids[i] for i in who],
            reach[who],
            [acts[j] for j in what],
            p["distance_penalty_per_km"],
        )
        ci, ai = np.array(who, int)[qi], np.array(what, int)[ti]
        rk = np.array([kids[i]["wishes"].index(cat) for i in ci.tolist()], int)
        parts.append((ci, ai, km, rk))
    if parts:
        ci, ai, km, rk = (np.concatenate(x) for x in zip(*parts, strict=True))
    else:
        ci, ai, rk, km = np.zeros(0, int), np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    ages = np.array([age(c["birth_date"], day) for c in kids], int)
    lo = np.array([a["min_age"] for a in acts], int)
    hi = np.array([a["max_age"] for a in acts], int)
    ok = (ages[ci] < 18) & (lo[ai] <= ages[ci]) & (ages[ci] <= hi[ai])
    genders = {"female": 1, "male": 2, "other": 3}
    cg = np.array([genders[c["gender"]] for c in kids], int)
    ag = np.array([genders.get(a.get("gender", "any"), 0) for a in acts], int)
    ok &= (ag[ai] == 0) | (ag[ai] == cg[ci])
    cd = np.array([_day_mask(c["available_days"]) for c in kids], int)
    ad = np.array([_day_mask(a["days"]) for a in acts], int)
    ok &= (cd[ci] & ad[ai]) != 0
    ids = {a["id"]: j for j, a in enumerate(acts)}
    declined = {
        (i, ids[x])
        for i, c in enumerate(kids)
        for x in c.get("excluded_activities") or []
        if x in ids
    }
    if declined:
        pairs = zip(ci.tolist(), ai.tolist(), strict=True)
        ok &= np.fromiter((pair not in declined for pair in pairs), bool, len(ci))
    ci, ai, km, rk = ci[ok], ai[ok], km[ok], rk[ok]
    prefs = np.array(list(p["preference_points"]) + [0] * (int(rk.max()) + 1 if len(rk) else 0))
    waited = np.array([c.get("rounds_waited", 0) for c in kids], np.int64)
    score = (
        prefs[rk] + p["waiting_points"] * waited[ci] - _penalty(p["distance_penalty_per_km"], km)
    )
    clubs = {name: k for k, name in enumerate(sorted({a["club"] for a in acts}))}
    club_of = np.array([clubs[a["club"]] for a in acts], int)
    fee = np.array([float(a.get("fee", 0)) for a in acts])
    order = np.lexsort((ai, ci))
    ci, ai = ci[order], ai[order]
    return ChildArcs(
        ci, ai, score[order], club_of[ai] if len(ai) else ai, fee[ai] if len(ai) else km
    )


@dataclass
class PairArcs:
    """Candidate (family, contact family) pairs with their scores."""

    family: np.ndarray
    contact: np.ndarray
    score: np.ndarray


def _mask(items: list[str], vocab: dict[str, int]) -> int:
    return sum(1 << vocab.setdefault(x, len(vocab)) for x in set(items))


def _bits(positions: Iterable[int]) -> int:
    """An int with exactly these bits set (a set of small non-negative ints)."""
    out = 0
    for b in positions:
        out |= 1 << b
    return out


def _popcount(x: np.ndarray) -> np.ndarray:
    return np.array([bin(v).count("1") for v in x.tolist()], np.int64)


def pair_arcs(doc: dict, p: dict) -> PairArcs:
    """Enumerate every pairing the hard rules allow, with its score."""
    fams, cons = doc.get("families") or [], doc.get("contact_families") or []
    day = date.fromisoformat(doc["round_date"])
    reach = np.array([k["max_distance_km"] for k in cons], float)
    ki, fi, km = within(cons, reach, fams, p["distance_penalty_per_km"])
    f_ages = [[age(b, day) for b in f.get("children_birth_dates") or []] for f in fams]
    k_ages = [[age(b, day) for b in k.get("children_birth_dates") or []] for k in cons]
    young = np.array([any(a < 15 for a in ages) for ages in f_ages], bool)
    cert = np.array([bool(k.get("child_certificate", False)) for k in cons], bool)
    ok = ~young[fi] | cert[ki]
    ids = {k["id"]: j for j, k in enumerate(cons)}
    declined = {
        (i, ids[x])
        for i, f in enumerate(fams)
        for x in f.get("excluded_contact_families") or []
        if x in ids
    }
    if declined:
        pairs = zip(fi.tolist(), ki.tolist(), strict=True)
        ok &= np.fromiter((pair not in declined for pair in pairs), bool, len(fi))
    fi, ki, km = fi[ok], ki[ok], km[ok]
    langs: dict[str, int] = {}
    fl = np.array([_mask(f.get("languages") or [], langs) for f in fams], object)
    kl = np.array([_mask(k.get("languages") or [], langs) for k in cons], object)
    interests: dict[str, int] = {}
    fn = np.array([_mask(f.get("interests") or [], interests) for f in fams], object)
    kn = np.array([_mask(k.get("interests") or [], interests) for k in cons], object)
    # ages within 2 years: spread each family's ages over +-2 and intersect (Python ints as sets,
    # shifted so that even a birth date after the round date gives a non-negative bit)
    off = 2 - min([0] + [a for ages in f_ages + k_ages for a in ages])
    fa = [_bits(a + off + d for a in ages for d in range(-2, 3)) for ages in f_ages]
    ka = [_bits(a + off for a in ages) for ages in k_ages]
    fa, ka = np.array(fa, object), np.array(ka, object)
    lang = (fl[fi] & kl[ki]) != 0
    ages_ok = (fa[fi] & ka[ki]) != 0
    shared = _popcount(fn[fi] & kn[ki])
    waited = np.array([f.get("rounds_waited", 0) for f in fams], np.int64)
    score = (
        p["language_points"] * lang.astype(np.int64)
        + p["children_age_points"] * ages_ok.astype(np.int64)
        + np.minimum(p["interest_points"] * shared, p["interest_points_cap"])
        + p["waiting_points"] * waited[fi]
        - _penalty(p["distance_penalty_per_km"], km)
    )
    order = np.lexsort((ki, fi))
    return PairArcs(fi[order], ki[order], score[order])
