"""The search for pairs within reach: the same pairs and distances as the spec's haversine
pair by pair, in whatever chunks it works, and its integer sort equal to NumPy's."""

import numpy as np
import pytest

from matcher.matching import geo
from matcher.matching.geo import haversine_km, pairs_within, sort_order


def _brute(q_lat, q_lon, reach, t_lat, t_lon, admissible=None):
    """Every pair within reach, the spec's way: one `math` haversine a pair."""
    out = []
    for i in range(len(q_lat)):
        for j in range(len(t_lat)):
            if admissible is not None and not admissible(np.array([i]), np.array([j]))[0]:
                continue
            km = haversine_km(q_lat[i], q_lon[i], t_lat[j], t_lon[j])
            if km <= reach[i]:
                out.append((i, j, km))
    return out


def _points(rng, n, spread=0.3):
    return 55.7 + spread * rng.random(n), 12.5 + spread * rng.random(n)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("rule", ["none", "parity"])
def test_pairs_within_equals_the_spec_pair_by_pair(seed, rule, monkeypatch):
    rng = np.random.default_rng(seed)
    q_lat, q_lon = _points(rng, int(rng.integers(1, 40)))
    t_lat, t_lon = _points(rng, int(rng.integers(1, 60)))
    reach = 1 + 15 * rng.random(len(q_lat))
    # some reaches exactly at a target's distance: inclusive, decided by the spec's arithmetic
    for i in range(0, len(q_lat), 3):
        j = int(rng.integers(len(t_lat)))
        reach[i] = haversine_km(q_lat[i], q_lon[i], t_lat[j], t_lon[j])
    admissible = None if rule == "none" else (lambda q, t: (q + t) % 2 == 0)
    if seed % 2:  # tiny chunks: the same answer, whatever the chunk size
        monkeypatch.setattr(geo, "_CHUNK_PAIRS", 7)
    q, t, km = pairs_within(q_lat, q_lon, reach, t_lat, t_lon, admissible)
    expected = _brute(q_lat, q_lon, reach, t_lat, t_lon, admissible)
    assert list(zip(q.tolist(), t.tolist(), strict=True)) == [(i, j) for i, j, _ in expected]
    assert np.allclose(km, [d for _, _, d in expected], rtol=0, atol=1e-9)


def test_unordered_pairs_are_the_same_set():
    rng = np.random.default_rng(3)
    q_lat, q_lon = _points(rng, 30)
    t_lat, t_lon = _points(rng, 50)
    reach = 8 * np.ones(30)
    ordered = pairs_within(q_lat, q_lon, reach, t_lat, t_lon)
    loose = pairs_within(q_lat, q_lon, reach, t_lat, t_lon, ordered=False)
    assert sorted(zip(*(a.tolist() for a in loose[:2]), strict=True)) == list(
        zip(*(a.tolist() for a in ordered[:2]), strict=True)
    )


def test_a_reach_beyond_half_the_earth_finds_every_target():
    q, t, _ = pairs_within(
        np.array([55.0]),
        np.array([12.0]),
        np.array([30_000.0]),
        np.array([-55.0]),
        np.array([-168.0]),
    )
    assert q.tolist() == [0] and t.tolist() == [0]


@pytest.mark.parametrize("n", [0, 1, 2, 1000])
def test_sort_order_is_argsort(n):
    rng = np.random.default_rng(n)
    keys = rng.choice(10 * n + 1, size=n, replace=False).astype(np.int64)
    assert np.array_equal(sort_order(keys, 10 * n + 1), np.argsort(keys, kind="stable"))


def test_sort_order_falls_back_when_keys_do_not_pack():
    keys = np.array([2**61, 5, 2**60, 7], np.int64)
    assert sort_order(keys, 2**62).tolist() == [1, 3, 2, 0]
