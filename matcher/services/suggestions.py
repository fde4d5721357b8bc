"""What would help: the few extra places that would place the most children left out by capacity.

Each suggestion is checked by solving the round again with the places added, so the number it
states is what the solver really achieves. Pure: imports the solver only (no Flask, no database),
so it runs inside the worker's solver process.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

from matcher.matching import solve
from matcher.matching.checker import placement_rule_breaks

# Left out although an activity could have taken them, had it had room.
CAPACITY_REASONS = ("capacity", "no_activity_with_capacity")


def blocked_candidates(doc: dict[str, Any], result: dict[str, Any]) -> Counter:
    """Count, per activity, the children left out by capacity who could have gone there."""
    children = {c["id"]: c for c in doc.get("children") or []}
    day = date.fromisoformat(doc["round_date"])
    counts: Counter = Counter()
    for left in result.get("unplaced") or []:
        if left["reason"] not in CAPACITY_REASONS:
            continue
        child = children[left["child"]]
        for a in doc.get("activities") or []:
            # The category test first: it is cheap and rules out most activities.
            if a["category"] in child["wishes"] and not placement_rule_breaks(child, a, day):
                counts[a["id"]] += 1
    return counts


def _with_places(doc: dict[str, Any], activity: str, extra: int) -> dict[str, Any]:
    """Return a copy of the document with `extra` places added to one activity."""
    acts = [
        {**a, "capacity": a["capacity"] + extra} if a["id"] == activity else a
        for a in doc["activities"]
    ]
    return {**doc, "activities": acts}


def _gain(doc: dict, activity: str, extra: int, placed: int, time_limit: float) -> int:
    """Return how many more children the solver places with the extra places."""
    again = solve(_with_places(doc, activity, extra), time_limit=time_limit)
    return again["stats"]["placed"] - placed


def what_would_help(
    doc: dict[str, Any],
    result: dict[str, Any],
    *,
    top: int = 4,
    max_extra: int = 10,
    deadline: float | None = None,
    solve_seconds: float = 10.0,
    on_progress: Callable[[float], None] | None = None,
) -> list[dict[str, Any]]:
    """Return checked suggestions, best first: {activity, extra_places, placed_more, candidates}.

    Tries the `top` activities that most capacity-blocked children could have gone to; for each,
    adds as many places as it has such children (at most `max_extra`), re-solves, and then tries
    the smaller number of places equal to the gain, so a suggestion never asks for more places
    than it fills. Stops starting new solves after `deadline` (time.monotonic()).
    """
    counts = blocked_candidates(doc, result)
    order = {a["id"]: i for i, a in enumerate(doc.get("activities") or [])}
    best = sorted(counts.items(), key=lambda kv: (-kv[1], order[kv[0]]))[:top]
    placed = result["stats"]["placed"]
    out = []
    for done, (activity, candidates) in enumerate(best):
        if deadline is not None and time.monotonic() >= deadline:
            break
        extra = min(candidates, max_extra)
        gain = _gain(doc, activity, extra, placed, solve_seconds)
        if 0 < gain < extra and _gain(doc, activity, gain, placed, solve_seconds) == gain:
            extra = gain
        if gain > 0:
            out.append(
                {
                    "activity": activity,
                    "extra_places": extra,
                    "placed_more": gain,
                    "candidates": candidates,
                    "checked": True,
                }
            )
        if on_progress:
            on_progress((done + 1) / len(best))
    out.sort(key=lambda s: (-s["placed_more"], s["extra_places"], order[s["activity"]]))
    return out
