"""Random rounds, each solved by `matcher solve`'s engine and by the independent HiGHS MILP.

`python -m benchmarks.sweep [--rounds 30] [--seed 1] [--children 100-1500] [--towns 1-2]`
Each round comes from `benchmarks.generate` with a random size, towns and seed, sibling points
drawn from 5, 20, 40 and 80 and, one round in five, a budget of 50-200 DKK a child. A round
is OK when the engine says "optimal", places as many children with the same score as the
MILP, and `matcher.matching.checker.violations` finds nothing (NO REFERENCE when the MILP
did not prove its optimum within its limit: only the rules are checked). One line per round,
then the count of mismatches; the exit status is 1 if there was any.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import numpy as np

from benchmarks.generate import generate_round
from benchmarks.milp_reference import solve_milp
from matcher.matching import solve
from matcher.matching.checker import violations


def _span(text: str) -> tuple[int, int]:
    """Read "LO-HI" (or one number) as an inclusive range."""
    lo, _, hi = text.partition("-")
    return int(lo), int(hi or lo)


def sweep_round(rng: np.random.Generator, children: tuple[int, int], towns: tuple[int, int]):
    """Draw one round's document and describe it."""
    n = int(rng.integers(children[0], children[1] + 1))
    n_towns = int(rng.integers(towns[0], towns[1] + 1))
    doc = generate_round(n, towns=n_towns, seed=int(rng.integers(1000, 10**6)))
    params = doc.setdefault("params", {})
    params["sibling_points"] = int(rng.choice([5, 20, 40, 80]))
    if rng.random() < 0.2:
        params["budget"] = float(rng.integers(50, 201)) * n
    label = f"n={n} towns={n_towns} sibling_points={params['sibling_points']}"
    return doc, label + f" budget={params.get('budget')}"


def compare(doc: dict[str, Any], milp_limit: float) -> tuple[str, str]:
    """Solve `doc` both ways; return the verdict (OK, MISMATCH, or NO REFERENCE when the
    MILP did not prove its optimum in time: then only the rules are checked) and a summary."""
    started = time.monotonic()
    result = solve(doc, time_limit=120.0)
    ours = time.monotonic() - started
    started = time.monotonic()
    reference = solve_milp(doc, time_limit=milp_limit)
    theirs = time.monotonic() - started
    broken = violations(doc, result)
    s, r = result["stats"], reference["stats"]
    same = (s["placed"], s["score"]) == (r["placed"], r["score"])
    if broken or (reference.get("status") == "optimal" and not same):
        verdict = "MISMATCH"
    elif reference.get("status") != "optimal":
        verdict = "NO REFERENCE"
    else:
        verdict = "OK" if result["status"] == "optimal" else "MISMATCH"
    text = (
        f"engine {result['status']} {s['placed']}/{s['score']} ({ours:.1f} s), "
        f"milp {reference.get('status')} {r['placed']}/{r['score']} ({theirs:.1f} s), "
        f"rule breaks {len(broken)}"
    )
    return verdict, text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.sweep", description=__doc__)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--children", default="100-1500", help="range of children, LO-HI")
    ap.add_argument("--towns", default="1-2", help="range of towns, LO-HI")
    ap.add_argument("--milp-limit", type=float, default=300.0, help="seconds for the MILP")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    bad = 0
    for i in range(args.rounds):
        doc, label = sweep_round(rng, _span(args.children), _span(args.towns))
        verdict, text = compare(doc, args.milp_limit)
        bad += verdict == "MISMATCH"
        print(f"{i}: {label}: {text} {verdict}", flush=True)
    print(f"mismatches: {bad} of {args.rounds}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
