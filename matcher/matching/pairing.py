"""Pairing families with contact families: one min-cost flow, exact (no coupling rules)."""

from __future__ import annotations

import numpy as np

from .document import Round
from .flow import max_weight_matching
from .pairs import PairArcs


def pair_families(rnd: Round, arcs: PairArcs) -> np.ndarray:
    """Return the chosen arc indices: most families paired first, then the best total score."""
    if len(arcs.family) == 0:
        return np.zeros(0, np.int64)
    worst = np.zeros(len(rnd.families), np.int64)
    np.maximum.at(worst, arcs.family, np.abs(arcs.score))
    big = int(1 + 2 * worst.sum())  # one more pair outweighs any change of score
    caps = np.array([k.capacity for k in rnd.contact_families], np.int64)
    flows = max_weight_matching(
        len(rnd.families), caps, arcs.family, arcs.contact, big + arcs.score
    )
    return np.flatnonzero(flows)
