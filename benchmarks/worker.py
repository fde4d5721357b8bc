"""One method on one round in a fresh process, so that the parent can time it and read its memory.

`python -m benchmarks.worker greedy|milp IN.json OUT.json [--time-limit S]`
(the solver itself is run through its own command line, `python -m matcher.matching.cli`).
"""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    """Run the method and write its result document."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.worker")
    ap.add_argument("method", choices=["greedy", "milp"])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--time-limit", type=float, default=300.0)
    a = ap.parse_args(argv)
    with open(a.input, encoding="utf-8") as fh:
        doc = json.load(fh)
    if a.method == "greedy":
        from matcher.matching import first_come_first_served

        result = first_come_first_served(doc)
    else:
        from benchmarks.milp_reference import solve_milp

        result = solve_milp(doc, time_limit=a.time_limit)
    with open(a.output, "w", encoding="utf-8") as fh:
        json.dump(result, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
