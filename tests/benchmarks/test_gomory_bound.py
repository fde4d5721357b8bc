"""The Gomory cuts measured by `benchmarks.gomory_bound` hold for the optimum and only ever
lower the LP's bound, never below the optimum."""

from __future__ import annotations

import pytest

from benchmarks.gomory_bound import measure


@pytest.mark.parametrize("seed", [0, 2])
def test_gomory_cuts_keep_the_optimum_and_lower_the_bound(seed):
    # 1,200 children in one town: seeds whose LP (with sibling cuts) is points above the optimum
    got = measure(1200, seed, rounds=2, limit=60)
    assert got["proven"]
    assert got["worst"] <= 1e-6  # the optimum breaks no cut
    bounds = [got["lp"]] + [b[0] for b in got["bounds"]]
    assert all(b >= got["optimum"] - 1e-6 for b in bounds)
    assert all(later <= earlier + 1e-6 for earlier, later in zip(bounds, bounds[1:], strict=False))
    assert got["bounds"] and bounds[1] < bounds[0] - 1  # the first round closes whole points
