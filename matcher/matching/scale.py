"""Whether a round's scores fit the engine's 64-bit integer weights.

The flows fold "most placed first" into one integer weight per arc: a weight per placement
larger than any change of score (twice the sum of each child's largest score, plus every
sibling pair's points), carried in sixteenths of a point by the Lagrangian flows. OR-Tools'
min-cost flow multiplies every cost by the number of nodes and refuses costs whose product
would leave int64. The document's limits (`document.MAX_POINTS` and the others) keep every
real round far inside that; only the largest points on a very large round can reach it, and
such a round is refused with a message rather than solved with rounded weights.
"""

from __future__ import annotations

import numpy as np

from .errors import RoundError

_SIXTEENTHS = 16  # siblings.SCALE: the finest unit a flow's weight is carried in
_LIMIT = 2**62  # OR-Tools' bound is 2**63 for (largest cost + 1) * (nodes + 1): a margin of 2


def folded_weight(owner: np.ndarray, score: np.ndarray, n_owners: int, extra: int = 0) -> int:
    """Return the largest weight a flow may give an arc: one more placement's weight (as in
    `placement.fold_weight`, over the whole round) plus the arc's own score."""
    worst = np.zeros(n_owners, np.int64)
    if len(owner):
        np.maximum.at(worst, owner, np.abs(score))
    # Python integers: the sum itself must not overflow while it is checked
    big = 1 + 2 * int(worst.astype(object).sum()) + extra
    return big + int(worst.max(initial=0)) + extra


def check_scale(weight: int, nodes: int, what: str) -> None:
    """Raise RoundError when `weight` (from `folded_weight`) in sixteenths, times the nodes
    of a flow over the round, would not fit OR-Tools' 64-bit costs."""
    if (_SIXTEENTHS * weight + 1) * (nodes + 4) > _LIMIT:
        raise RoundError(
            "params",
            f"the points are too large for a round of this size ({what}): lower the "
            "preference, waiting or sibling points, or the distance penalty",
        )
