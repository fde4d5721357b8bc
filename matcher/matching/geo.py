"""Great-circle distances and a 3-D grid index that finds the pairs within reach."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

import numpy as np

EARTH_RADIUS_KM = 6371.0
# NumPy's and libm's trigonometry may differ in the last bit; pairs this close to a boundary
# (reach, or a half point of the rounded penalty) are recomputed with `math` like the spec.
_EXACT_MARGIN = 1e-6


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the haversine distance in km, computed exactly as the spec states it."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = math.radians(lat2 - lat1)
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def haversine_np(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray):
    """Return haversine distances in km for arrays of points (vectorised)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = np.radians(lat2 - lat1)
    dl = np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def exact_where_close(km: np.ndarray, limits: list[np.ndarray], pts: tuple) -> np.ndarray:
    """Recompute with `math` the distances that sit within a hair of any of `limits`."""
    close = np.zeros(km.shape, dtype=bool)
    for limit in limits:
        close |= np.abs(km - limit) < _EXACT_MARGIN
    for i in np.flatnonzero(close):
        km[i] = haversine_km(pts[0][i], pts[1][i], pts[2][i], pts[3][i])
    return km


def xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    p, lam = np.radians(lat), np.radians(lon)
    return EARTH_RADIUS_KM * np.stack(
        [np.cos(p) * np.cos(lam), np.cos(p) * np.sin(lam), np.sin(p)], 1
    )


def _chord(km: np.ndarray) -> np.ndarray:
    # A great-circle distance d corresponds to a straight chord 2R sin(d / 2R); a grid in
    # 3-D space is conservative everywhere (poles, date line) unlike a lat/lon grid.
    half = np.minimum(km / (2 * EARTH_RADIUS_KM), math.pi / 2)
    return 2 * EARTH_RADIUS_KM * np.sin(half) * (1 + 1e-9) + 1e-6


Admissible = Callable[[np.ndarray, np.ndarray], np.ndarray]


def pairs_within(
    q_lat: np.ndarray,
    q_lon: np.ndarray,
    reach: np.ndarray,
    t_lat: np.ndarray,
    t_lon: np.ndarray,
    admissible: Admissible | None = None,
    ordered: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (query index, target index, km) of every pair with km <= the query's reach.

    `admissible(q, t)`, when given, is a cheap vectorised filter applied before any distance is
    computed (integer rules cost far less than five trigonometric functions a pair). With
    `ordered` the pairs come sorted by query, then target; callers that sort anyway skip it.
    """
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    if len(q_lat) == 0 or len(t_lat) == 0:
        return empty
    chord = _chord(reach)
    cell = float(max(np.median(chord), 0.5))
    t_cells = np.floor(xyz(t_lat, t_lon) / cell).astype(np.int64)
    q_cells = np.floor(xyz(q_lat, q_lon) / cell).astype(np.int64)
    radius = np.ceil(chord / cell).astype(np.int64)
    buckets: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for i, key in enumerate(map(tuple, t_cells.tolist())):
        buckets[key].append(i)
    bucket_arr = {k: np.array(v, np.int64) for k, v in buckets.items()}
    everything = np.arange(len(t_lat))
    groups: dict[tuple[int, int, int, int], list[int]] = defaultdict(list)
    for i, key in enumerate(zip(*q_cells.T.tolist(), radius.tolist(), strict=True)):
        groups[key].append(i)
    qs, ts, kms = [], [], []
    for (x, y, z, r), members in groups.items():
        if (2 * r + 1) ** 3 > len(bucket_arr):
            targets = everything
        else:
            found = [
                bucket_arr[(x + dx, y + dy, z + dz)]
                for dx in range(-r, r + 1)
                for dy in range(-r, r + 1)
                for dz in range(-r, r + 1)
                if (x + dx, y + dy, z + dz) in bucket_arr
            ]
            if not found:
                continue
            targets = np.concatenate(found)
        q = np.repeat(np.array(members, np.int64), len(targets))
        t = np.tile(targets, len(members))
        if admissible is not None:
            ok = admissible(q, t)
            q, t = q[ok], t[ok]
        km = haversine_np(q_lat[q], q_lon[q], t_lat[t], t_lon[t])
        keep = km <= reach[q] + _EXACT_MARGIN
        qs.append(q[keep])
        ts.append(t[keep])
        kms.append(km[keep])
    if not qs:
        return empty
    q, t, km = np.concatenate(qs), np.concatenate(ts), np.concatenate(kms)
    km = exact_where_close(km, [reach[q]], (q_lat[q], q_lon[q], t_lat[t], t_lon[t]))
    keep = km <= reach[q]
    q, t, km = q[keep], t[keep], km[keep]
    if not ordered:
        return q, t, km
    order = np.argsort(q * len(t_lat) + t)  # by query, then target: one integer sort
    return q[order], t[order], km[order]
