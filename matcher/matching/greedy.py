"""First come, first served: the baseline that mimics coordinators matching by hand."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from .candidates import build_child_arcs
from .document import read_round
from .geo import haversine_np
from .pairs import build_pair_arcs
from .result import build_result, families_answer


def first_come_first_served(doc: dict[str, Any]) -> dict[str, Any]:
    """Place children longest-waiting first, each in its best wish with a free place (nearest
    first); pair families the same way with the nearest contact family with room."""
    started = time.monotonic()
    rnd = read_round(doc)
    arcs = build_child_arcs(rnd)
    budget = np.inf if rnd.params.budget is None else rnd.params.budget
    load = np.zeros(len(rnd.activities), np.int64)
    caps = np.array([a.capacity for a in rnd.activities], np.int64)
    spent, chosen = 0.0, []
    queue = sorted(range(len(rnd.children)), key=lambda i: (-rnd.children[i].rounds_waited, i))
    starts = np.searchsorted(arcs.child, np.arange(len(rnd.children) + 1))
    for c in queue:
        own = np.arange(starts[c], starts[c + 1])
        for i in own[np.lexsort((arcs.act[own], arcs.km[own], arcs.rank[own]))].tolist():
            a = int(arcs.act[i])
            if load[a] < caps[a] and spent + arcs.fee[a] <= budget:
                load[a] += 1
                spent += float(arcs.fee[a])
                chosen.append(i)
                break
    pair_arcs = build_pair_arcs(rnd)
    k_load = np.zeros(len(rnd.contact_families), np.int64)
    k_caps = np.array([k.capacity for k in rnd.contact_families], np.int64)
    paired = []
    f_queue = sorted(range(len(rnd.families)), key=lambda i: (-rnd.families[i].rounds_waited, i))
    f_starts = np.searchsorted(pair_arcs.family, np.arange(len(rnd.families) + 1))
    fs, ks = rnd.families, rnd.contact_families
    f_lat, f_lon = np.array([f.lat for f in fs]), np.array([f.lon for f in fs])
    k_lat, k_lon = np.array([k.lat for k in ks]), np.array([k.lon for k in ks])
    fi, ki = pair_arcs.family, pair_arcs.contact
    km = haversine_np(f_lat[fi], f_lon[fi], k_lat[ki], k_lon[ki])
    for f in f_queue:
        own = np.arange(f_starts[f], f_starts[f + 1])
        for i in own[np.lexsort((pair_arcs.contact[own], km[own]))].tolist():
            k = int(pair_arcs.contact[i])
            if k_load[k] < k_caps[k]:
                k_load[k] += 1
                paired.append(i)
                break
    return build_result(
        rnd,
        arcs,
        np.array(sorted(chosen), np.int64),
        families_answer(rnd, pair_arcs, np.array(sorted(paired), np.int64)),
        proven=False,
        bound=None,
        started=started,
        budget_bound=rnd.params.budget is not None,
        extra={"engines": {"greedy": 1}},
    )
