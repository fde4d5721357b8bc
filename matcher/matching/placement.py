"""Placing children: a min-cost flow per independent part, refined exactly where siblings
couple children: a few "join your siblings" flows, then the part's LP (column generation and
sibling cuts), an LP-guided answer, a MIP on a core of small reduced cost and the proof's MIP
on what reduced-cost fixing keeps (`_solve_whole`). Without SciPy's HiGHS binding: one MIP of the
whole part, or, for parts too large for that, a Lagrangian flow bound, reduced-cost fixing
and MIPs on cores."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from . import placement_mip, regions
from .flow import max_weight_matching
from .placement_mip import (
    HALF_ROUNDS,
    NO_PRESOLVE_FROM,
    PRESOLVE_SECONDS_PER_COLUMN,
    LpSolution,
    PlacementMip,
    _best_per_child,
    highs_limit,
)
from .placement_model import PlacementInstance, PlacementSolution
from .siblings import SCALE, relax, sibling_pairs

if TYPE_CHECKING:
    from .part_workers import Overtime

# Without the binding: parts up to this many arcs are solved as one MIP (the municipality
# round, 31,000 arcs, in 6-10 s of CPU) when their share of the time limit allows ~2,000
# arcs a second; others first get a Lagrangian bound and cores, so that a bound exists even
# when the time runs out.
_WHOLE_MIP_ARCS = 60_000
_ARCS_PER_SECOND = 2_000


def whole_mip_fits(arcs: int, seconds: float) -> bool:
    """Return whether a part of `arcs` arcs is solved as one MIP within `seconds`."""
    return arcs <= _WHOLE_MIP_ARCS and arcs <= _ARCS_PER_SECOND * seconds


# HiGHS needs ~1-3 s before its first bound on 31,000 arcs (presolve, root LP).
_MIN_MIP_SECONDS_PER_ARC = 2e-4

# One Lagrangian round (a flow and its prices) costs ~3 us an arc; a quarter of a part's share
# of the time limit goes to them, counted from the document and the limit (never the clock).
_ROUND_SECONDS_PER_ARC = 3e-6


def lagrangian_rounds(arcs: int, seconds: float) -> int:
    """Return how many subgradient rounds a part of `arcs` arcs gets within `seconds`."""
    return int(min(max(0.25 * seconds / (_ROUND_SECONDS_PER_ARC * max(arcs, 1)), 10), 150))


@dataclass
class Part:
    """One connected component of the candidate graph, in local indices."""

    arcs: np.ndarray  # global arc indices
    left: np.ndarray
    right: np.ndarray
    n_left: int
    cap: np.ndarray
    score: np.ndarray
    sib_key: np.ndarray
    sib_n: np.ndarray  # children of the family with a candidate in the arc's club
    club: np.ndarray | None = None  # per arc, its club (`regions.py` splits a part by them)


@dataclass
class PartResult:
    """The chosen arcs of a part and what is proven about them."""

    chosen: np.ndarray
    proven: bool
    score: int  # placement scores plus sibling points
    bound: int  # best score still possible with as many placed
    engine: str
    notes: dict = field(default_factory=dict)
    # when unproven after its LP: the part's model (with its cuts) and LP, so that
    # `resume_part` need not solve that LP again (3-3.5 s on a national part)
    lp_state: tuple[PlacementMip, LpSolution] | None = None


def sibling_bonus(part: Part, chosen: np.ndarray, points: int) -> int:
    """Return the sibling points earned by a choice: points per pair in one club."""
    keys = part.sib_key[(chosen > 0) & (part.sib_key >= 0)]
    if len(keys) == 0:
        return 0
    counts = np.unique(keys, return_counts=True)[1]
    return int(points * (counts * (counts - 1) // 2).sum())


def part_value(part: Part, chosen: np.ndarray, points: int) -> int:
    """Return a part's score under `chosen` (0/1 per arc), sibling points included."""
    return int((part.score * chosen).sum()) + sibling_bonus(part, chosen, points)


def fold_weight(part: Part, points: int) -> int:
    """Return a weight per placement that outweighs any change of score: lexicographic."""
    worst = np.zeros(part.n_left, np.int64)
    np.maximum.at(worst, part.left, np.abs(part.score))
    pairs = (part.sib_n[part.sib_key >= 0] - 1).sum() // 2 + 1
    return int(1 + 2 * worst.sum() + points * pairs)


def together_now(part: Part, chosen: np.ndarray) -> np.ndarray:
    """Per arc, how many siblings of its child sit in its club under `chosen`."""
    out = np.zeros(len(part.left), np.int64)
    sel = (chosen > 0) & (part.sib_key >= 0)
    if sel.any():
        keys, counts = np.unique(part.sib_key[sel], return_counts=True)
        pos = np.searchsorted(keys, part.sib_key)
        hit = (part.sib_key >= 0) & (pos < len(keys))
        hit[hit] &= keys[pos[hit]] == part.sib_key[hit]
        out[hit] = counts[pos[hit]] - (chosen[hit] > 0)
    return out


def solve_part(
    part: Part,
    points: int,
    deadline: float,
    share: float = 60.0,
    overtime: Overtime | None = None,
) -> PartResult:
    """Solve one part exactly (or as well as the deadline allows); `share` is its nominal
    share of the time limit in seconds, which decides the method (deterministically); a share
    of 0 asks for the flows only (a quick start that a binding budget replaces anyway).
    With `overtime` (a worker's, `part_workers.py`) its proof may go on past `deadline` at
    the lowest priority, up to the round's deadline."""
    whole_mip = whole_mip_fits(len(part.left), share)
    big = fold_weight(part, points)
    w = big + part.score
    x = max_weight_matching(part.n_left, part.cap, part.left, part.right, w)
    placed = int(x.sum())
    score = int((part.score * x).sum())
    if points <= 0 or not (part.sib_key >= 0).any():
        return PartResult(x, True, score, score, "flow")

    def value(c: np.ndarray) -> int:
        return part_value(part, c, points)

    best, best_value = x, value(x)
    for _ in range(3):  # a few rounds of "join the siblings where they are now"
        if time.monotonic() >= deadline:  # a flow cannot be interrupted: none past it
            break
        w3 = 2 * w + 2 * points * together_now(part, best)
        cand = max_weight_matching(part.n_left, part.cap, part.left, part.right, w3)
        if cand.sum() != placed or value(cand) <= best_value:
            break
        best, best_value = cand, value(cand)
    if share <= 0:  # a start for the budget: the flows only, nothing proven
        possible = len(sibling_pairs(part.left, part.sib_key))
        bound = max(best_value, score + points * possible)
        return PartResult(best, bound <= best_value, best_value, bound, "flow", {})
    # The flow's score is the best without sibling points; every possible pair on top of it
    # bounds any answer. When the incumbent reaches it, nothing is left to prove.
    possible = len(sibling_pairs(part.left, part.sib_key))
    bound = score + points * possible
    notes = {"arcs": len(part.left), "sibling_pairs": possible}
    if best_value >= bound:
        return PartResult(best, True, best_value, best_value, "flow", notes)
    if placement_mip.highs_binding() is None:  # scipy.optimize.milp only: the earlier paths
        if not whole_mip or len(part.left) > _WHOLE_MIP_ARCS:
            rounds = lagrangian_rounds(len(part.left), share)
            return _refine_large(
                part, points, deadline, rounds, big, placed, best, best_value, value
            )
        sol = _solve_core(part, np.arange(len(part.left)), best, placed, points, deadline)
        if sol.chosen.sum() == placed and value(sol.chosen) > best_value:
            best, best_value = sol.chosen, value(sol.chosen)
        bound = best_value if sol.proven else min(bound, max(sol.bound, best_value))
        return PartResult(best, bound <= best_value, best_value, bound, "flow+mip", notes)

    def before(chosen: np.ndarray, found: int, proven: int, more: dict) -> None:
        # the answer before a proof past the deadline, used if that proof is stopped
        if overtime is not None:
            kept = {**notes, **more, "overtime": True, "proof_stopped": True}
            overtime.before(
                PartResult(chosen, proven <= found, found, max(proven, found), _ENGINE, kept)
            )

    best, best_value, bound, more, state = _solve_whole(
        part, points, deadline, placed, best, bound, value, overtime=overtime, before=before
    )
    notes.update(more)
    proven = bound <= best_value
    return PartResult(
        best, proven, best_value, max(bound, best_value), _ENGINE, notes, None if proven else state
    )


_ENGINE = "flow+lp+mip"  # a part's engine once its LP and MIPs ran

# A part is resumed (`resume_part`) only with at least this much time left per arc (5 s for
# a national part of 171,000 arcs, whose towns take 9-15 s; they start only if they fit).
_RESUME_SECONDS_PER_ARC = 3e-5


def worth_resuming(result: PartResult) -> bool:
    """Whether a part's answer could still be proven by `resume_part`: its LP and core ran,
    and it ended unproven (its towns or its proof did not fit its share of the time)."""
    notes = result.notes
    return (
        result.engine == _ENGINE
        and not result.proven
        and "resumed" not in notes
        and "overtime" not in notes  # its proof went on to the round's deadline
    )


def resume_part(part: Part, points: int, deadline: float, earlier: PartResult) -> PartResult:
    """Go on with a part that `solve_part` left unproven, in time that the other parts left
    over: from its earlier answer, model and LP (`PartResult.lp_state`; without them, the
    whole way again), its towns and its proof, without the flows and the core that found
    that answer. Returns the earlier result when too little time is left to start."""
    m = len(part.left)
    if deadline - time.monotonic() < _RESUME_SECONDS_PER_ARC * m:
        return earlier
    placed = int(earlier.chosen.sum())

    def value(c: np.ndarray) -> int:
        return part_value(part, c, points)

    best, best_value, bound, more, _ = _solve_whole(
        part, points, deadline, placed, earlier.chosen, earlier.bound, value, earlier.lp_state
    )
    bound = min(bound, earlier.bound)
    # What the resumed run found adds to the earlier notes; a bound it did not improve
    # (None) leaves the earlier run's in place (no `lp_state`: not resumed again).
    found = {key: value for key, value in more.items() if value is not None}
    notes = {**earlier.notes, **found, "resumed": True}
    return PartResult(
        best, bound <= best_value, best_value, max(bound, best_value), earlier.engine, notes
    )


# The core for an answer only, where the target's core would be too large: the LP's support
# and, per child, its (up to) four arcs of least reduced cost among those costing at most four
# points. Measured before sibling cuts, over seven municipality rounds (seeds 0-6), core and
# proof together: 10.5-10.7 s with four arcs a child, 11.4 s with three, 12.7 s with two,
# 12.2 s with five; on the national round's parts 5% faster than three.
_CORE_POINTS = 4.0
_CORE_ARCS = 4


def cheap_core(left: np.ndarray, rc: np.ndarray, x_lp: np.ndarray, best: np.ndarray) -> np.ndarray:
    """Return, per arc, whether it is in the core for an answer only (see above): the LP's
    support (`x_lp`), the answer's arcs (`best`) and each child's (`left`) cheapest arcs of
    reduced cost (`rc`) at most `_CORE_POINTS`, `_CORE_ARCS` of them at most."""
    cheap = rc <= _CORE_POINTS
    least = _best_per_child(left, np.where(cheap, -np.rint(rc * 1024), -(2**40)), _CORE_ARCS)
    return (cheap & (least > 0)) | (x_lp > 1e-9) | (best > 0)


# Parts up to this many arcs (the municipality round's 25,000-33,000) start the proof from a
# MIP on the LP's support instead of the target's core (`support_core`): its answer lands
# 0-15 points below the optimum in 0.1-1 s, and the proof from it keeps 1,000-11,000 arcs.
# Over municipality seeds 0-59 (2026-11-30, `matcher solve`, interleaved with the target's
# core): 108.5 s against 116.6 s in all, 41 rounds under 2 s against 38, the slowest 3.8 s
# against 4.8 s, the same proven scores; 28 rounds faster, 19 slower by 0.1-0.9 s (most of
# them rounds whose target's core proves the optimum alone). Larger parts (national) keep
# the target's core, which finds their answers.
_SUPPORT_ARCS = 40_000
# A fractional child's arcs in that MIP: those of reduced cost at most this.
_SUPPORT_POINTS = 4.0
# On such a part the support's MIP and the proof's get their kept columns alone (presolved):
# over municipality seeds 0-59 (2026-12-01, a slow hour, interleaved) 118.4 s -> 108.5 s in
# all, 36 -> 44 rounds under 2 s, the same proven scores (each alone: 114.4 s the proof's,
# 111.2 s the support's); the households generator's seeds 0-29 52.9 s -> 53.4 s (noise).
# Its MIPs hold the sibling pairs' columns as integers (`PlacementMip`'s `whole_pairs`): over
# municipality seeds 0-59 (2026-12-01, interleaved) 91.3 -> 88.2 s and 96.9 -> 92.3 s in
# all, the slowest rounds 5.0 -> 2.6 s (seed 14) and 4.4 -> 3.2 s (seed 36); the
# households generator's seeds 0-29 47.9 -> 48.8 s; the national seed-1 round 28.6-29.8 s
# -> 29.4-31.1 s, so larger parts keep them continuous.
# On such a part the proof's MIP runs without HiGHS' restart when its start is this many
# points or more below the LP's bound: the restart (HiGHS' root again, on the columns its
# reduced costs leave) pays when the start is close and most columns go, and otherwise
# throws away the root's cuts for a model not much smaller. Over municipality seeds 0-59
# (2026-12-01, interleaved): the MIPs 33.5 s -> 29.2 s in all, seed 42's proof 2.5 -> 0.9 s
# (start 5 points below); with the start 1-2 points below, the restart was 0.1 s quicker.
_NO_RESTART_GAP = 3
# When the support's answer is this many points or more below the LP's bound (16 of
# municipality seeds 0-159), the target's core follows it, its columns alone with the LP's
# tight cuts as the proof's (`_target_core`), and proves the optimum by itself on most of
# them (a proof from its answer on the others). Over seeds 0-159 (2026-12-01, interleaved
# with 5c17c39, the core from 3 points below): 38.1 s -> 36.0 s in all on the 25 rounds it
# ran on (seed 115 3.7 -> 2.9 s, 137 2.5 -> 1.9 s), the others unchanged (129.1 s ->
# 127.8 s), the same proven scores. Of those 25, the 9 three points below gained nothing
# (the core, the proof's columns less a band of one point, is nearly the proof's model,
# and its proof follows): their MIPs after the support 3.69 s -> 4.04 s in all (seed 37
# 0.40 -> 0.84 s), against 4.41 s -> 3.47 s on the 9 four below and 6.45 s -> 4.77 s on
# the 7 five or more below (one run each, 2026-12-01).
_CORE_FROM_GAP = 4
# Its columns
# alone without the LP's cuts (as `solve_within`) were slower, 11.4 s against 9.8 s of core
# MIPs over the 25, and with HiGHS' sub-MIP on cheap arcs 11.4 s; run beside the support's
# MIP on the second core, from the flows' answer, 5 s slower over the 160 in all (its MIP
# from a worse start, and both MIPs slower side by side). The guided flows' answer as the
# support's start, measured again: 144.3 s -> 149.3 s over seeds 0-159.


def support_core(
    n_left: int, left: np.ndarray, rc: np.ndarray, x_lp: np.ndarray, best: np.ndarray
) -> np.ndarray:
    """Return, per arc, whether it is in the support's MIP (see above): the LP's support
    (`x_lp`), the answer's arcs (`best`), and every arc of reduced cost (`rc`) at most
    `_SUPPORT_POINTS` of a child (`left`, `n_left` of them) the LP splits."""
    split = np.zeros(n_left, bool)
    split[left[(x_lp > 1e-6) & (x_lp < 1 - 1e-6)]] = True
    return (x_lp > 1e-9) | (best > 0) | (split[left] & (rc <= _SUPPORT_POINTS))


# With sibling cuts the LP is 0-6 points above the optimum on 13 of 15 municipality rounds
# (seeds 0-14): the first MIP holds every arc of an answer scoring more than two points below
# the LP's bound, and proves the optimum by itself when it gets there (9 of those 15 rounds;
# one and three points below were slower over seeds 0-6).
_TARGET_POINTS = 2
# The target's core ends at its root node on every municipality and national round measured;
# where it branches, the target is out of reach (sibling points of 80 on a 1,400-children
# town: the LP 180 points above the optimum, 387 nodes and 24 s to prove the core), so it
# stops after a few nodes and its answer starts the proof.
_NODES = 10
# Parts of this many arcs or more give the target's core to HiGHS as its columns alone:
# measured on three national parts (2026-12-01, one run each), 15.6 -> 14.8 s (301,984 arcs,
# a core of 45,276), 15.3 -> 15.0 s (260,311; 38,997) and 11.1 -> 10.8 s (168,415; 29,544),
# the same answers; municipality-sized cores were slower alone (see `_mip_highs`).
_ALONE_ARCS = 150_000
# The target's core is tried when the answer from the flows is within 1% of the LP: 0.003-0.17%
# on the municipality rounds and about 0.14% on national parts, 2.7% on that round (where the
# earlier core's answer makes the proof 8 s shorter).
_NEAR = 0.01
# Towns (`regions.py`) are tried before a proof estimated longer than this (the municipality
# rounds' proofs take 0.3-1.5 s: they never split).
_TOWNS_FROM_SECONDS = 5.0


def _proof_seconds(arcs: int) -> float:
    """How long the proof's MIP on `arcs` arcs takes, measured on national parts and the
    municipality round (two cores, quiet machine): 0.6 s on 7,000 arcs, 1.3 s on 17,000,
    2.2 s on 26,000, 6.2 s on 53,000, and 163 s on 157,000, faster than linear from 60,000
    on; plus the most that `highs_limit` keeps back for HiGHS' overrun. A proof is only started
    when it can end: one stopped by the clock makes the answer depend on the machine's speed
    (the same document, different answers), for a bound that helps little."""
    return 0.8e-4 * arcs * (1.0 + (arcs / 60_000) ** 2) + PRESOLVE_SECONDS_PER_COLUMN * arcs


def _restart(arcs: int, bound: int, best_value: int) -> bool:
    """Whether the proof's MIP on a part of `arcs` arcs may restart its root (see
    `_NO_RESTART_GAP`; larger parts keep HiGHS' default, measured there)."""
    return arcs > _SUPPORT_ARCS or bound - best_value < _NO_RESTART_GAP


def _slack(lp_value: float, best_value: int) -> float:
    """The reduced cost above which a column is in no answer scoring best_value + 1 or more
    (weak duality, see `LpSolution`; scores are integers, 0.01 covers the LP's rounding)."""
    return lp_value + 0.01 - best_value - 1


def _fixed_model(mip: PlacementMip, lp: LpSolution, value: int, best: np.ndarray) -> np.ndarray:
    """The columns reduced-cost fixing keeps for answers scoring more than `value`: every arc
    and pair whose reduced cost is at most the LP's gap to it, and those of `best` (the
    MIP's start)."""
    m = mip.n_arcs
    slack = _slack(lp.value, value)
    keep = mip.arc_mask((lp.rc[:m] <= slack) | (best > 0))
    keep[m:] &= (lp.rc[m:] <= slack) | (mip.columns(best)[m:] > 0)
    return keep


def _solve_whole(
    part: Part,
    points: int,
    deadline: float,
    placed: int,
    best: np.ndarray,
    bound: int,
    value: Callable[[np.ndarray], int],
    resume: tuple[PlacementMip, LpSolution] | None = None,
    overtime: Overtime | None = None,
    before: Callable[[np.ndarray, int, int, dict], None] | None = None,
) -> tuple[np.ndarray, int, int, dict, tuple[PlacementMip, LpSolution] | None]:
    """Solve a part as: its LP relaxation (column generation, then rounds of sibling cuts
    and of {0, 1/2}-cuts);
    an answer (`_core_answer`: on a municipality-sized part a MIP on the LP's support; on a
    larger one a MIP on the core of every arc in an answer scoring more than a target just
    below the LP's bound, which proves the optimum when it reaches the target, else gives a
    strong answer); then a MIP on every arc that reduced-cost fixing cannot rule out (an arc
    costing more than the gap between the LP and that answer is in no better one), which
    proves the optimum, or, when the deadline comes first, improves the answer and the bound
    as far as it got. A part whose LP is too far above its answer for
    the target's core (national parts) gets a core of each child's cheapest arcs, for an
    answer only. `bound` is what is known before the LP (the flow's score with every
    possible sibling pair). With `resume` (the model and LP of an earlier run, or empty),
    `best` is that run's answer after its core (`resume_part`): no flows and no core, only
    the towns and the proof. With `overtime`, the towns and the proof start when they could
    end by the round's deadline and go on past `deadline` at the lowest priority
    (`part_workers.Extension`), after `before(answer, value, bound, notes)` has handed over
    what to keep if they are stopped there. Returns (chosen, value, proven bound, notes,
    (model, LP))."""
    best_value = value(best)
    if time.monotonic() >= deadline:  # no time for the LP (a national round's last parts
        return best, best_value, bound, {}, resume  # spent 0.1-0.4 s each building it)
    m = len(part.left)
    if resume is not None:
        mip, lp = resume
    else:
        mip = PlacementMip(_instance(part, np.arange(m), placed, points), m <= _SUPPORT_ARCS)
        solved = mip.lp(deadline - time.monotonic(), best, cuts=True, halves=HALF_ROUNDS)
        if solved is None:  # out of time: the flows' answer and the simple bound
            return best, best_value, bound, {}, None
        lp = solved
    # the LP's value is exact to ~1e-7 relative: a margin of 0.01 keeps bound and fixing safe
    bound = min(bound, math.floor(lp.value + 0.01))
    notes: dict = {"lp_bound": round(lp.value, 3)}
    if bound <= best_value:
        return best, best_value, bound, notes, (mip, lp)

    def improve(chosen: np.ndarray) -> None:
        nonlocal best, best_value
        if chosen.sum() == placed and value(chosen) > best_value:
            best, best_value = chosen, value(chosen)

    if resume is None:  # else `best` is an earlier run's answer after its core
        best, bound = _core_answer(
            part, points, deadline, placed, mip, lp, best, bound, value, notes
        )
        best_value = value(best)
    keep = _fixed_model(mip, lp, best_value, best)
    if bound <= best_value:  # proven already (by the target's core)
        notes["arcs_in_model"] = int(keep[:m].sum())
        return best, best_value, bound, notes, (mip, lp)
    proof = _proof_seconds(int(keep[:m].sum()))

    def hand_over() -> None:  # the answer so far, kept if the work past the deadline is stopped
        if before is not None:
            before(best, best_value, bound, notes)

    # The towns and the proof may go on past the part's deadline, to the round's, at the
    # lowest priority (`part_workers.Extension`), each started only when it could end by
    # then: on the benchmark's national round the towns of a 171,000-arc part, stopped at
    # its deadline 2.7 s short of proving it, left a whole proof in overtime that did not
    # end by the round's deadline.
    past = overtime.past(deadline, hand_over) if overtime is not None else None
    with past if past is not None else contextlib.nullcontext() as extension:

        def end(seconds: float) -> float:
            return deadline if extension is None else extension.end(seconds)

        town_rows = None
        if part.club is not None and proof > _TOWNS_FROM_SECONDS:
            # A long proof: first a bound by the part's towns, each its own MIP (`regions.py`),
            # when they take less time; their answers replace the incumbent's where they can.
            town = regions.towns(part.left, part.club)
            reg = regions.regional_bound(mip, lp, town, best, end, _proof_seconds, proof)
            if reg is not None:
                for arcs_of_town, arcs in reg.answers:
                    cand = regions.splice(best, part.left, arcs_of_town, arcs)
                    if cand is not None:
                        improve(cand)
                if reg.bound is not None and reg.bound > best_value and reg.answers:
                    mixed = _mixed_answer(mip, best, reg.answers, end)
                    if mixed is not None:
                        improve(mixed)
                        notes["towns_mix"] = int(best_value)
                # (a town's MIP stopped by the clock bounds weakly: 1,181,305 on a part whose
                # LP says 682,569, once; the note names only a bound that helped)
                helped = reg.bound is not None and reg.bound < bound
                if helped:
                    bound = max(reg.bound, best_value)
                notes["towns"] = {"towns": reg.towns, "between": reg.crossing, "arcs": reg.arcs}
                notes["towns_bound"] = reg.bound if helped else None
                keep = _fixed_model(mip, lp, best_value, best)
                if reg.bound is not None and reg.rows is not None:
                    # what the towns' MIPs proved, town by town: fewer arcs, a lower LP
                    keep &= reg.rows.keep(best_value) | (mip.columns(best) > 0)
                    town_rows = reg.rows.cuts(keep)
                if extension is not None and extension.held:
                    hand_over()
        kept = int(keep[:m].sum())
        notes["arcs_in_model"] = kept
        proof = _proof_seconds(kept)
        left = end(proof) - time.monotonic()
        if bound > best_value and left > proof:
            presolve = int(keep.sum()) < NO_PRESOLVE_FROM
            sol = mip.solve(
                best,
                highs_limit(left, kept),
                keep,
                rows=town_rows,
                presolve=presolve,
                lp_rows=mip.tight_rows(lp),
                restart=_restart(m, bound, best_value),
                alone=m <= _SUPPORT_ARCS,
            )
            improve(sol.chosen)
            # answers outside the kept columns score at most best_value
            if sol.proven:
                bound = best_value
            elif sol.bound >= 0:
                bound = min(bound, max(sol.bound, best_value))
            notes["mip_bound"] = int(sol.bound)
        if extension is not None and extension.held and overtime is not None and overtime.used:
            notes["overtime"] = True
    return best, best_value, bound, notes, (mip, lp)


def _mixed_answer(
    mip: PlacementMip,
    best: np.ndarray,
    answers: list[tuple[np.ndarray, np.ndarray]],
    end: Callable[[float], float],
) -> np.ndarray | None:
    """The best answer within the incumbent's arcs and the towns' answers' (a MIP on
    their union, the part's count kept), or None when it would not end by `end(seconds)`.
    A town's MIP prices the count and the children between towns, so its answer may place
    a child fewer in its town, or one of those children twice, and cannot be spliced in
    alone; mixed with the others and the incumbent it can. On the national seed-7 round's
    168,415-arc part the towns bounded it at 547,770 where the answer was 547,768: one
    town's answer placed a child fewer, the other's placed a child between towns twice;
    their union with the incumbent (5,890 arcs) gave 547,770 in 2.1 s, which the towns'
    bound proves (the proof itself needed 77 s)."""
    mixed = best > 0
    for _, arcs in answers:
        mixed[arcs] = True
    arcs = int(mixed.sum())
    need = _proof_seconds(arcs)
    left = end(need) - time.monotonic()
    if left <= need:
        return None
    return mip.solve_within(best, highs_limit(left, arcs), mip.arc_mask(mixed)).chosen


def _core_answer(
    part: Part,
    points: int,
    deadline: float,
    placed: int,
    mip: PlacementMip,
    lp: LpSolution,
    best: np.ndarray,
    bound: int,
    value: Callable[[np.ndarray], int],
    notes: dict,
) -> tuple[np.ndarray, int]:
    """The answer before the proof (`_solve_whole`): on a part of up to `_SUPPORT_ARCS` arcs a
    MIP on the LP's support; on larger ones LP-guided flows, then a MIP on the target's core
    (which may prove the optimum) or, far from the LP, on the cheapest arcs. Returns (the
    best answer, the bound)."""
    m = len(part.left)
    best_value = value(best)

    def improve(chosen: np.ndarray) -> None:
        nonlocal best, best_value
        if chosen.sum() == placed and value(chosen) > best_value:
            best, best_value = chosen, value(chosen)

    def target_core(target: int) -> bool:
        """Run the target's core's MIP (`_target_core`), keeping its answer and bound;
        whether it ran."""
        nonlocal bound
        core = _target_core(mip, lp, best, target, deadline)
        if core is None:
            return False
        improve(core[0].chosen)
        bound = _core_bound(core[0], bound, best_value, target)
        notes["core_arcs"] = core[1]
        return True

    rc = lp.rc[:m]
    if m <= _SUPPORT_ARCS:
        # A MIP on the LP's support, solved to the end, for the proof's start (no guided
        # flows: the support with the flows' answer, which holds arcs the LP does not use,
        # gave better answers than with theirs: seed 52, 108,272 against 108,258)
        support = mip.arc_mask(support_core(part.n_left, part.left, rc, lp.x[:m], best))
        arcs = int(support[:m].sum())
        left = deadline - time.monotonic()
        if left > PRESOLVE_SECONDS_PER_COLUMN * arcs:
            sol = mip.solve_within(best, highs_limit(left / 2, arcs), support)
            improve(sol.chosen)
            notes["support_arcs"] = arcs
        # Its answer `_CORE_FROM_GAP` points or more below the LP's bound: the target's core
        if bound - best_value >= _CORE_FROM_GAP:
            target_core(bound - _TARGET_POINTS)
        return best, bound
    # A strong answer for little: a flow that follows the LP (its solution is integral but
    # for a few hundred children), then "join your siblings" flows. On the national round's
    # largest part it comes within 0.14% of the LP where the flows' answer was 0.95% below.
    follow = 4 * (fold_weight(part, points) + part.score) + np.rint(80 * lp.x[:m]).astype(np.int64)
    started = time.monotonic()
    guided = max_weight_matching(part.n_left, part.cap, part.left, part.right, follow)
    one_flow = time.monotonic() - started  # flows are not interruptible: none past the deadline
    for _ in range(3):
        if guided.sum() != placed:
            break
        improve(guided)
        if deadline - time.monotonic() < 3 * one_flow:
            break
        together = 4 * points * together_now(part, guided)
        cand = max_weight_matching(part.n_left, part.cap, part.left, part.right, follow + together)
        if cand.sum() != placed or value(cand) <= value(guided):
            break
        guided = cand
    improve(guided)  # the last "join" flow's answer too
    left = deadline - time.monotonic()
    target = bound - _TARGET_POINTS
    near = lp.value - best_value <= _NEAR * abs(lp.value)  # else the target is out of reach
    # (an answer within two points of the LP's bound goes straight to the proof: its model
    # is small already)
    if target > best_value and not (near and target_core(target)):
        # The LP is far above the answer (national parts): a MIP on a core of the cheapest
        # arcs, for an answer only. Half the time, or all of it when the proof's model (sized
        # from the answer so far) could not be started after it anyway.
        core = mip.arc_mask(cheap_core(part.left, rc, lp.x[:m], best))
        if left > PRESOLVE_SECONDS_PER_COLUMN * core[:m].sum():
            later = _proof_seconds(int((rc <= _slack(lp.value, best_value)).sum()))
            seconds = left / 2 if later < left / 2 else left
            # (passed as its columns alone: on the seed-0 national round's 301,984-arc part
            # with families, a core of 39,097 arcs among every column at 0 gave nothing in
            # 17 s, and alone 990,116 against the flows' 989,841, solved to the end in 13.4 s)
            improve(mip.solve_within(best, highs_limit(seconds, core[:m].sum()), core).chosen)
    return best, bound


def _target_core(
    mip: PlacementMip, lp: LpSolution, best: np.ndarray, target: int, deadline: float
) -> tuple[PlacementSolution, int] | None:
    """The MIP on the target's core (`_core_answer`): every column of an answer scoring more
    than `target`, from the answer `best`, stopped after `_NODES` nodes; its answer and the
    core's arcs, or None when it could not end in half the time left (it may use all of it).
    Solved to the end, it proves the optimum when it reaches the target (no answer outside
    scores more)."""
    m = mip.n_arcs
    within = int((lp.rc[:m] <= _slack(lp.value, target)).sum())
    left = deadline - time.monotonic()
    if left / 2 <= _proof_seconds(within):
        return None
    core = _fixed_model(mip, lp, target, best)
    arcs = int(core[:m].sum())
    limit = highs_limit(left, arcs)
    if m <= _SUPPORT_ARCS:  # its columns alone, with the LP's tight cuts (as the proof's)
        rows = mip.tight_rows(lp)
        sol = mip.solve(
            best, limit, core, heuristics=False, max_nodes=_NODES, lp_rows=rows, alone=True
        )
        return sol, arcs
    if m >= _ALONE_ARCS:
        return mip.solve_within(best, limit, core, max_nodes=_NODES), arcs
    return mip.solve(best, limit, core, heuristics=False, max_nodes=_NODES), arcs


def _core_bound(sol: PlacementSolution, bound: int, best_value: int, target: int) -> int:
    """The part's bound after the target's core's MIP `sol` (`best_value` the answer's score
    since): the target when it was solved to the end (no answer outside the core scores
    more), else the higher of the target and its own bound, which holds for the core's
    answers."""
    if sol.proven:
        return min(bound, max(best_value, target))
    if sol.bound >= 0:
        return min(bound, max(best_value, target, sol.bound))
    return bound


def _instance(part: Part, keep: np.ndarray, placed: int, points: int) -> PlacementInstance:
    """The placement model of a part restricted to the arcs `keep`."""
    return PlacementInstance(
        left=part.left[keep],
        right=part.right[keep],
        cap=part.cap,
        score=part.score[keep],
        sib_key=part.sib_key[keep],
        fee=np.zeros(len(keep), np.int64),
        budget=None,
        placed=placed,
        weight_per_child=0,
        sibling_points=points,
    )


def _refine_large(
    part: Part,
    points: int,
    deadline: float,
    rounds: int,
    big: int,
    placed: int,
    best: np.ndarray,
    best_value: int,
    value: Callable[[np.ndarray], int],
) -> PartResult:
    """A part too large for one MIP: Lagrangian flow bound, reduced-cost fixing, MIP on cores."""
    w = big + part.score
    target = SCALE * (big * placed + best_value + 1)
    lag = relax(
        part.n_left,
        part.cap,
        part.left,
        part.right,
        w,
        part.sib_key,
        points,
        target,
        deadline,
        rounds,
    )
    for cand in lag.candidates:
        if cand.sum() == placed and value(cand) > best_value:
            best, best_value = cand, value(cand)
    bound = lag.bound // SCALE - big * placed
    notes = {"arcs": len(part.left), "lagrangian_bound": bound}
    if bound <= best_value:
        return PartResult(best, True, best_value, best_value, "flow+lagrangian", notes)
    # Reduced-cost fixing: an arc whose reduced cost exceeds the gap is in no better solution.
    # Solve first on the arcs of small reduced cost only (a core): if the core's optimum closes
    # the gap down to the core's threshold, no arc outside it can help, and it is optimal.
    gap = lag.dual - SCALE * (big * placed + best_value)
    threshold = min(gap, SCALE * 16)
    final = bound
    while True:
        keep = np.flatnonzero((lag.rc <= threshold) | (best > 0))
        complete = threshold >= gap  # the core holds every arc of any better solution
        if deadline - time.monotonic() < _MIN_MIP_SECONDS_PER_ARC * len(keep):
            break  # HiGHS' presolve cannot be interrupted: do not start what cannot finish
        sol = _solve_core(part, keep, best, placed, points, deadline)
        chosen = np.zeros(len(part.left), np.int64)
        chosen[keep] = sol.chosen
        if chosen.sum() == placed and value(chosen) > best_value:
            best, best_value = chosen, value(chosen)
        if complete and sol.bound >= 0:
            final = min(final, sol.bound)
        gap = lag.dual - SCALE * (big * placed + best_value)
        if (sol.proven and gap <= threshold) or final <= best_value:
            final = best_value
            break
        if complete or time.monotonic() >= deadline:
            break
        threshold = min(gap, 4 * threshold) if sol.proven else gap
    notes["arcs_in_model"] = len(keep)
    return PartResult(
        best, final <= best_value, best_value, max(final, best_value), "flow+lagrangian+mip", notes
    )


def _solve_core(
    part: Part, keep: np.ndarray, hint: np.ndarray, placed: int, points: int, deadline: float
) -> PlacementSolution:
    """Solve the placement model restricted to the arcs `keep`, hinted with `hint`."""
    mip = PlacementMip(_instance(part, keep, placed, points))
    return mip.solve(hint[keep], deadline - time.monotonic())
