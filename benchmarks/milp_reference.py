"""An independent exact MILP of the round's objective, through `scipy.optimize.milp` (HiGHS).

Written from the spec without the project's solver: its own candidates (reference_candidates),
its own model. Children and families are separate problems (the objective is lexicographic for
each on its own). The lexicographic objective is exact by two solves per problem: first the most
placed (paired); then, with that count fixed as a constraint, the highest total score, with
`mip_rel_gap=0`. Where the rows form a bipartite b-matching (families always; children's first
solve without a budget) the LP is solved instead and its answer checked to be integral (else the
MIP is solved). Sibling points are linearised: one 0/1 variable per pair of siblings and club
where both have candidates, y <= (child i placed in the club) and y <= (child j placed in it).
"""

from __future__ import annotations

import time
from itertools import combinations
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix, csr_matrix, hstack, vstack

from benchmarks.reference_candidates import ChildArcs, child_arcs, pair_arcs
from matcher.matching.checker import params_of

MILP_STATUS = {0: "optimal", 1: "time_limit", 2: "infeasible", 3: "unbounded", 4: "failed"}


def _rows(index: np.ndarray, n_rows: int) -> csr_matrix:
    """One row per group: 1 in every column whose `index` is the row."""
    cols = np.arange(len(index))
    return csr_matrix((np.ones(len(index)), (index, cols)), shape=(n_rows, len(index)))


def _sibling_pairs(doc: dict, arcs: ChildArcs) -> list[tuple[int, int, int]]:
    """Return (child i, child j, club) for sibling pairs that both have candidates in the club."""
    clubs_of: dict[int, set[int]] = {}
    for c, k in zip(arcs.child.tolist(), arcs.club.tolist(), strict=True):
        clubs_of.setdefault(c, set()).add(k)
    families: dict[str, list[int]] = {}
    for i, c in enumerate(doc.get("children") or []):
        if i in clubs_of:
            families.setdefault(c["family"], []).append(i)
    return [
        (i, j, k)
        for members in families.values()
        for i, j in combinations(members, 2)
        for k in sorted(clubs_of[i] & clubs_of[j])
    ]


def _solve(c, constraints, n_int: int, deadline: float, lp: bool = False) -> tuple[Any, str]:
    """One HiGHS solve; `lp` solves the relaxation (exact only for a unimodular matrix)."""
    left = max(deadline - time.monotonic(), 0.01)
    res = milp(
        c,
        integrality=np.zeros(n_int) if lp else np.ones(n_int),
        bounds=Bounds(0, 1),
        constraints=constraints,
        options={"time_limit": left, "mip_rel_gap": 0.0, "presolve": True},
    )
    status = MILP_STATUS.get(res.status, "failed")
    if lp and status == "optimal" and np.abs(res.x - np.round(res.x)).max(initial=0) > 1e-6:
        return _solve(c, constraints, n_int, deadline)  # not a vertex: solve the MIP after all
    return res, status


def _lexicographic(score, base_rows, extra, deadline, unimodular: bool = False):
    """Max count, then max score with the count fixed; `extra` adds variables (siblings).

    `unimodular`: the rows are a bipartite b-matching (plus, in the second solve, the all-ones
    count row, which keeps the matrix totally unimodular), so a vertex optimum of the LP is
    integral; HiGHS' simplex returns one, and a fractional answer falls back to the MIP.
    """
    n = len(score)
    if n == 0:
        return np.zeros(0), np.zeros(0), "optimal", 0
    res, status = _solve(-np.ones(n), [base_rows], n, deadline, unimodular)
    if status != "optimal":
        return None, None, status, None
    count = int(round(-res.fun))
    n_extra, extra_obj, extra_rows = extra
    pad = csr_matrix((base_rows.A.shape[0], n_extra))
    rows = [
        LinearConstraint(hstack([base_rows.A, pad]).tocsr(), base_rows.lb, base_rows.ub),
        LinearConstraint(np.concatenate([np.ones(n), np.zeros(n_extra)])[None, :], count, np.inf),
    ]
    if extra_rows is not None:
        rows.append(extra_rows)
    lp = unimodular and n_extra == 0
    res, status = _solve(-np.concatenate([score, extra_obj]), rows, n + n_extra, deadline, lp)
    if res.x is None:
        return None, None, status, count
    x = np.round(res.x).astype(bool)
    return x[:n], x[n:], status, count


def _sibling_model(doc: dict, arcs: ChildArcs, sp: float):
    """Variables, objective and rows that credit sibling_points per pair placed in one club."""
    trios = _sibling_pairs(doc, arcs)
    n, m = len(arcs.child), len(trios)
    if m == 0 or sp == 0:
        return (0, np.zeros(0), None), trios
    by_key: dict[tuple[int, int], list[int]] = {}
    for a, (c, k) in enumerate(zip(arcs.child.tolist(), arcs.club.tolist(), strict=True)):
        by_key.setdefault((c, k), []).append(a)
    r, col, val = [], [], []
    for t, (i, j, k) in enumerate(trios):
        for row, child in ((2 * t, i), (2 * t + 1, j)):  # y - sum x(child in club) <= 0
            r += [row] * (len(by_key[(child, k)]) + 1)
            col += [n + t] + by_key[(child, k)]
            val += [1.0] + [-1.0] * len(by_key[(child, k)])
    ub = np.zeros(2 * m)
    if sp < 0:  # a negative bonus must still be paid: y >= x_i + x_j - 1
        for t, (i, j, k) in enumerate(trios):
            arcs_ij = by_key[(i, k)] + by_key[(j, k)]
            r += [2 * m + t] * (len(arcs_ij) + 1)
            col += [n + t] + arcs_ij
            val += [-1.0] + [1.0] * len(arcs_ij)
        ub = np.concatenate([ub, np.ones(m)])
    a = coo_matrix((val, (r, col)), shape=(len(ub), n + m)).tocsr()
    return (m, np.full(m, float(sp)), LinearConstraint(a, -np.inf, ub)), trios


def solve_milp(doc: dict, time_limit: float = 300.0) -> dict[str, Any]:
    """Solve the round exactly with HiGHS; return a `matcher-result/1`-like document."""
    started = time.monotonic()
    deadline = started + time_limit
    p = params_of(doc)
    kids, acts = doc.get("children") or [], doc.get("activities") or []
    arcs = child_arcs(doc, p)
    caps = np.array([a["capacity"] for a in acts], float)
    rows = [_rows(arcs.child, len(kids)), _rows(arcs.act, len(acts))]
    ub = [np.ones(len(kids)), caps]
    if p["budget"] is not None:
        # in whole øre, as docs/round-format.md counts them: each fee rounded up, the budget
        # down (exact for fees in whole øre; the 1e-6 absorbs float noise like 0.07 * 100)
        fee_ore = np.ceil(arcs.fee * 100 - 1e-6)
        rows.append(csr_matrix(fee_ore[None, :]))
        ub.append(np.array([np.floor(float(p["budget"]) * 100 + 1e-6)]))
    base = LinearConstraint(vstack(rows).tocsr(), -np.inf, np.concatenate(ub))
    extra, _ = _sibling_model(doc, arcs, p["sibling_points"])
    # without a budget row the children's rows are a bipartite b-matching too (siblings' extra
    # variables only enter the second solve, which then stays a MIP)
    tu = p["budget"] is None
    x, _, c_status, _ = _lexicographic(arcs.score.astype(float), base, extra, deadline, tu)
    fams, cons = doc.get("families") or [], doc.get("contact_families") or []
    pa = pair_arcs(doc, p)
    k_caps = np.array([k["capacity"] for k in cons], float)
    pbase = LinearConstraint(
        vstack([_rows(pa.family, len(fams)), _rows(pa.contact, len(cons))]).tocsr(),
        -np.inf,
        np.concatenate([np.ones(len(fams)), k_caps]),
    )
    z, _, f_status, _ = _lexicographic(
        pa.score.astype(float), pbase, (0, np.zeros(0), None), deadline, unimodular=True
    )
    return _result(doc, p, arcs, x, pa, z, c_status, f_status, time.monotonic() - started)


def _result(doc, p, arcs, x, pa, z, c_status, f_status, seconds) -> dict[str, Any]:
    kids, acts = doc.get("children") or [], doc.get("activities") or []
    fams, cons = doc.get("families") or [], doc.get("contact_families") or []
    placements, pairings = [], []
    if x is not None:
        earlier: dict[tuple[str, int], int] = {}  # siblings already placed in the club
        for a in np.flatnonzero(x).tolist():  # arcs are in children order
            c, club = kids[int(arcs.child[a])], int(arcs.club[a])
            before = earlier.get((c["family"], club), 0)
            earlier[(c["family"], club)] = before + 1
            score = int(arcs.score[a]) + p["sibling_points"] * before
            placements.append(
                {"child": c["id"], "activity": acts[int(arcs.act[a])]["id"], "score": score}
            )
    if z is not None:
        for a in np.flatnonzero(z).tolist():
            pairings.append(
                {
                    "family": fams[int(pa.family[a])]["id"],
                    "contact_family": cons[int(pa.contact[a])]["id"],
                    "score": int(pa.score[a]),
                }
            )
    placed = {q["child"] for q in placements}
    paired = {q["family"] for q in pairings}
    status = (
        "optimal"
        if c_status == f_status == "optimal"
        else f"children:{c_status} families:{f_status}"
    )
    return {
        "format": "matcher-result/1",
        "status": status if status != "optimal" else "optimal",
        "placements": placements,
        "pairings": pairings,
        "unplaced": [
            {"child": c["id"], "reason": "not_chosen"} for c in kids if c["id"] not in placed
        ],
        "unpaired": [
            {"family": f["id"], "reason": "not_chosen"} for f in fams if f["id"] not in paired
        ],
        "stats": {
            "placed": len(placements),
            "paired": len(pairings),
            "score": sum(q["score"] for q in placements),
            "pair_score": sum(q["score"] for q in pairings),
            "seconds": round(seconds, 3),
            "candidates": int(len(arcs.child)),
            "pair_candidates": int(len(pa.family)),
            "children_status": c_status,
            "families_status": f_status,
        },
    }
