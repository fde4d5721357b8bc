"""Sorted distinct values of an integer array, by a sort instead of `np.unique`.

NumPy 2.4's `np.unique(x)` without `return_*` finds distinct integers with a hash table and
then sorts them, which on this machine is far slower than sorting the whole array: 0.57 s
against 0.009 s for 760,000 wide int64 codes (a national round's (family, club, child)
codes), 10.8 s against 0.14 s for 9.5 million, 0.11 ms against 5 us for 1,000 (measured,
NumPy 2.4.6). Its `return_counts`, `return_inverse` and `return_index` forms sort, and are
not affected.
"""

from __future__ import annotations

import numpy as np


def distinct(values: np.ndarray) -> np.ndarray:
    """Return the distinct values of a 1-D array, ascending: what `np.unique(values)` gives."""
    flat = np.sort(np.asarray(values).ravel())
    if len(flat) < 2:
        return flat
    keep = np.empty(len(flat), bool)
    keep[0] = True
    np.not_equal(flat[1:], flat[:-1], out=keep[1:])
    return flat[keep]
