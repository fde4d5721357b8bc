"""Independent parts of a round: connected components of the candidate graph."""

from __future__ import annotations

import numpy as np


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


# Above this many arcs the components come from SciPy's C graph search (its import costs
# ~0.3 s, more than the union-find below needs for a municipality).
_SCIPY_ARCS = 200_000


def components(group: np.ndarray, right: np.ndarray, n_right: int) -> np.ndarray:
    """Return a component label per arc; arcs of one group (a child, or a family of siblings
    when sibling points count) always share a label, as do arcs to one right node.

    Labels are numbered in order of first appearance, so they are deterministic.
    """
    if len(group) == 0:
        return np.zeros(0, np.int64)
    roots = _roots_scipy(group, right, n_right) if len(group) > _SCIPY_ARCS else None
    if roots is None:
        roots = _roots_union_find(group, right, n_right)
    arc_root = roots[right]
    _, first = np.unique(arc_root, return_index=True)
    rank = np.empty(int(roots.max()) + 1, np.int64)
    rank[arc_root[np.sort(first)]] = np.arange(len(first))
    return rank[arc_root]


def _roots_scipy(group: np.ndarray, right: np.ndarray, n_right: int) -> np.ndarray:
    """Return a component id per right node: groups and right nodes as one undirected graph."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n_group = int(group.max()) + 1
    n = n_group + n_right
    graph = coo_matrix(
        (np.ones(len(group), np.int8), (group, n_group + right)), shape=(n, n)
    ).tocsr()
    _, labels = connected_components(graph, directed=False)
    return labels[n_group:].astype(np.int64)


def _roots_union_find(group: np.ndarray, right: np.ndarray, n_right: int) -> np.ndarray:
    """Return a component id per right node: each group links its first right node to the rest."""
    order = np.argsort(group, kind="stable")
    g_sorted = group[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    first_right = np.empty(len(group), np.int64)
    first_right[order] = np.repeat(right[order][starts], np.diff(np.r_[starts, len(group)]))
    key = first_right * n_right + right
    links = np.unique(key[first_right != right])
    parent = list(range(n_right))
    for a, b in zip((links // n_right).tolist(), (links % n_right).tolist(), strict=True):
        ra, rb = _find(parent, a), _find(parent, b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([_find(parent, i) for i in range(n_right)], np.int64)
