"""The work of one round, run in a solver process of its own: solve, baseline, suggestions.

Pure (no Flask, no database): it gets the frozen input document and answers through a pipe, so
the worker can beat its heartbeat meanwhile, and kill it when it overruns its time limit.
"""

from __future__ import annotations

import importlib
import time
import traceback
from collections.abc import Callable
from typing import Any

from matcher.matching import RoundError, first_come_first_served, solve

DEFAULT_TARGET = "matcher.worker.compute:compute"
Progress = Callable[[float, str], None]


def compute(doc: dict[str, Any], time_limit: float, progress: Progress) -> dict[str, Any]:
    """Solve the round, run first-come-first-served on it, and check what would help."""
    from matcher.services.suggestions import what_would_help

    started = time.monotonic()
    progress(0.1, "solving")
    result = solve(doc, time_limit=time_limit * 0.5)
    progress(0.55, "baseline")
    baseline = first_come_first_served(doc)
    progress(0.6, "suggestions")
    left = max(0.0, time_limit * 0.85 - (time.monotonic() - started))
    suggestions = what_would_help(
        doc,
        result,
        deadline=time.monotonic() + left,
        solve_seconds=max(1.0, left / 8),
        on_progress=lambda f: progress(0.6 + 0.35 * f, "suggestions"),
    )
    return {"result": result, "baseline": baseline, "suggestions": suggestions}


def load_target(target: str) -> Callable[..., dict[str, Any]]:
    """Return the compute function named "module:function" (tests name a failing one)."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def child_main(conn, target: str, doc: dict[str, Any], time_limit: float) -> None:
    """Solver process entry: send progress, then ("done", outputs) or ("error", code, values)
    (a reason of `matcher.worker.reasons`)."""

    def progress(fraction: float, stage: str) -> None:
        conn.send(("progress", fraction, stage))

    try:
        outputs = load_target(target)(doc, time_limit, progress)
        conn.send(("done", outputs))
    except RoundError as err:
        conn.send(("error", "invalid_input", {"detail": str(err)}))
    except Exception as err:  # the worker must learn why, whatever it was
        detail = traceback.format_exception_only(type(err), err)[-1].strip()
        conn.send(("error", "solver_error", {"detail": detail}))
    finally:
        conn.close()
