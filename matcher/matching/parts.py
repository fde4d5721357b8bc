"""Independent parts of a round: connected components of the candidate graph."""

from __future__ import annotations

import numpy as np


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def components(group: np.ndarray, right: np.ndarray, n_right: int) -> np.ndarray:
    """Return a component label per arc; arcs of one group (a child, or a family of siblings
    when sibling points count) always share a label, as do arcs to one right node.

    Labels are numbered in order of first appearance, so they are deterministic.
    """
    if len(group) == 0:
        return np.zeros(0, np.int64)
    order = np.argsort(group, kind="stable")
    g_sorted = group[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    first_right = np.empty(len(group), np.int64)
    first_right[order] = np.repeat(right[order][starts], np.diff(np.r_[starts, len(group)]))
    links = np.unique(np.stack([first_right, right], 1), axis=0)
    parent = list(range(n_right))
    for a, b in links[links[:, 0] != links[:, 1]].tolist():
        ra, rb = _find(parent, a), _find(parent, b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([_find(parent, i) for i in range(n_right)], np.int64)
    arc_root = roots[right]
    _, first = np.unique(arc_root, return_index=True)
    rank = np.empty(n_right, np.int64)
    rank[arc_root[np.sort(first)]] = np.arange(len(first))
    return rank[arc_root]
