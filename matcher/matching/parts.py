"""Independent parts of a round: connected components of the candidate graph."""

from __future__ import annotations

import numpy as np

from .distinct import distinct

# Above this many arcs, when they are not sorted by group, SciPy's C graph search is worth
# its import (~0.2-0.3 s): 2.4 s against 3.9 s on a random graph of 9.5 million arcs in 15
# components, shuffled. Sorted by group (a national round's family pairs are), the rounds
# below need no sort and win: 0.5-0.6 s against 0.55-0.8 s and the import, on the seed-2
# round's 9.5 million pairs and on that random graph (measured since `distinct`; before it,
# a unique of 9.4 million codes alone took 6 s).
_SCIPY_ARCS = 2_000_000


def components(group: np.ndarray, right: np.ndarray, n_right: int) -> np.ndarray:
    """Return a component label per arc; arcs of one group (a child, or a family of siblings
    when sibling points count) always share a label, as do arcs to one right node.

    Labels are numbered in order of first appearance, so they are deterministic.
    """
    if len(group) == 0:
        return np.zeros(0, np.int64)
    big = len(group) > _SCIPY_ARCS and not bool((group[1:] >= group[:-1]).all())
    roots = _roots_scipy(group, right, n_right) if big else _roots(group, right, n_right)
    arc_root = roots[right]
    _, first = np.unique(arc_root, return_index=True)
    rank = np.empty(int(roots.max()) + 1, np.int64)
    rank[arc_root[np.sort(first)]] = np.arange(len(first))
    return rank[arc_root]


def _links(group: np.ndarray, right: np.ndarray, n_right: int) -> tuple[np.ndarray, np.ndarray]:
    """Return right-node pairs (a, b) that share a group: each group's first right node
    linked to each of its others (enough to connect them all)."""
    order = np.argsort(group, kind="stable")
    g_sorted = group[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    first_right = np.empty(len(group), np.int64)
    first_right[order] = np.repeat(right[order][starts], np.diff(np.r_[starts, len(group)]))
    key = distinct((first_right * n_right + right)[first_right != right])
    return key // n_right, key % n_right


def _roots(group: np.ndarray, right: np.ndarray, n_right: int) -> np.ndarray:
    """Return a component id per right node, in vectorised rounds (no loop per arc, and no
    SciPy, whose import alone costs ~0.3 s): every link hooks the larger of its two roots
    under the smaller, then paths are shortened until each node points at its root. Roots
    only ever point lower, so no cycle forms; rounds repeat until every link is inside one
    component (a few, as pointer jumping halves the paths)."""
    a, b = _links(group, right, n_right)
    parent = np.arange(n_right)
    while len(a):
        ra, rb = parent[a], parent[b]
        apart = ra != rb
        if not apart.any():
            break
        a, b, ra, rb = a[apart], b[apart], ra[apart], rb[apart]
        np.minimum.at(parent, np.maximum(ra, rb), np.minimum(ra, rb))
        while True:
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up
    return parent


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
