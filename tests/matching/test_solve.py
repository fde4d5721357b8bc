"""The round as one job: the families are paired in a thread beside the children."""

import sys
import threading

import pytest

from benchmarks.generate import generate_round
from matcher.matching import children, solve

# the module (the package exports its `solve` function under the same name)
SOLVE = sys.modules["matcher.matching.solve"]


def test_children_fork_their_workers_only_once_the_families_thread_is_done(monkeypatch):
    """The families are paired in a thread beside the children; a fork must not copy that
    thread mid-way, so the children's workers start after it, and the answer is the one of
    solving everything in this process."""
    doc = generate_round(900, towns=3, seed=5)
    alone = solve(doc)
    events = []
    real = children._in_workers

    def in_workers(*args, **kwargs):
        events.append(("fork", [t.name for t in threading.enumerate()]))
        return real(*args, **kwargs)

    monkeypatch.setattr(children, "_PARALLEL_ARCS", 0)
    monkeypatch.setattr(children, "_in_workers", in_workers)
    both = solve(doc)
    assert [e[0] for e in events] == ["fork"]
    assert not [name for name in events[0][1] if name.startswith("families")]
    assert both["stats"]["score"] == alone["stats"]["score"]
    assert both["placements"] == alone["placements"]
    assert both["pairings"] == alone["pairings"]


@pytest.mark.parametrize("beside", [True, False])
def test_an_error_while_pairing_families_reaches_the_caller(beside, monkeypatch):
    def broken(rnd):
        raise RuntimeError("pairing failed")

    monkeypatch.setattr(SOLVE, "build_pair_arcs", broken)
    monkeypatch.setattr(SOLVE, "_BESIDE_PAIRS", 10**9 if beside else 0)
    with pytest.raises(RuntimeError, match="pairing failed"):
        solve(generate_round(120, seed=1))
    assert not [t for t in threading.enumerate() if t.name == "families"]


def test_an_error_while_placing_children_leaves_no_thread_behind(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("placing failed")

    monkeypatch.setattr(SOLVE, "place_children", broken)
    with pytest.raises(RuntimeError, match="placing failed"):
        solve(generate_round(120, seed=1))
    assert not [t for t in threading.enumerate() if t.name == "families"]


def test_a_large_round_pairs_its_families_first_and_gets_the_same_answer(monkeypatch):
    doc = generate_round(400, towns=2, seed=8)
    beside = solve(doc)
    monkeypatch.setattr(SOLVE, "_BESIDE_PAIRS", 0)
    first = solve(doc)
    assert first["pairings"] == beside["pairings"]
    assert first["placements"] == beside["placements"]


def test_families_paired_beside_the_children_never_fork_workers(monkeypatch):
    from matcher.matching import pairing

    doc = generate_round(600, towns=3, seed=4)
    alone = solve(doc)

    def no_fork(*args, **kwargs):
        raise AssertionError("a fork beside another thread")

    monkeypatch.setattr(pairing, "_PARALLEL_ARCS", 0)  # large enough for workers otherwise
    monkeypatch.setattr(pairing, "get_context", no_fork)
    assert solve(doc)["pairings"] == alone["pairings"]


def test_a_budget_that_cannot_bind_is_solved_as_no_budget_with_all_the_time():
    # found by a sweep: such a round kept half its time back for the budget's MIP and ended
    # unproven; every child at its dearest candidate costs no more than the budget here
    from benchmarks.generate import generate_round
    from matcher.matching.budget import budget_can_bind
    from matcher.matching.candidates import build_child_arcs
    from matcher.matching.document import read_round

    doc = generate_round(300, seed=4, activities=30, families=0, contact_families=0)
    rnd = read_round(doc)
    arcs = build_child_arcs(rnd)
    dearest: dict[int, float] = {}
    for c, a in zip(arcs.child.tolist(), arcs.act.tolist(), strict=True):
        dearest[c] = max(dearest.get(c, 0.0), rnd.activities[a].fee)
    used = set(arcs.act.tolist())
    full = sum(rnd.activities[a].capacity * rnd.activities[a].fee for a in used)
    most = round(min(sum(dearest.values()), full), 2)  # every child at its dearest, or all full
    assert most > 0
    free = solve(doc)
    for budget, binds in ((most, False), (most - 0.01, True)):
        doc["params"]["budget"] = budget
        assert budget_can_bind(read_round(doc), arcs) is binds
    doc["params"]["budget"] = most
    bounded = solve(doc)
    assert bounded["status"] == free["status"] == "optimal"
    assert bounded["placements"] == free["placements"]
    assert bounded["stats"]["engines"] == free["stats"]["engines"]


def _families_in_workers(monkeypatch) -> None:
    """A round pairs its families first, their flows in two workers, whatever its size."""
    from matcher.matching import pairing

    monkeypatch.setattr(SOLVE, "_BESIDE_PAIRS", 0)
    monkeypatch.setattr(pairing, "_PARALLEL_ARCS", 0)


def test_family_workers_run_while_the_childrens_candidates_are_built(monkeypatch):
    """The families' flows go on in their workers while this process builds the children's
    candidates; the workers are gone before the children's own workers are forked, and the
    answer is the one of solving everything in this process."""
    import multiprocessing

    doc = generate_round(900, towns=3, seed=5)
    alone = solve(doc)
    seen = {}
    real_arcs, real_workers = SOLVE.build_child_arcs, children._in_workers

    def arcs(rnd):
        seen["while building"] = len(multiprocessing.active_children())
        return real_arcs(rnd)

    def in_workers(*args, **kwargs):
        seen["at the fork"] = len(multiprocessing.active_children())
        return real_workers(*args, **kwargs)

    _families_in_workers(monkeypatch)
    monkeypatch.setattr(SOLVE, "build_child_arcs", arcs)
    monkeypatch.setattr(children, "_PARALLEL_ARCS", 0)
    monkeypatch.setattr(children, "_in_workers", in_workers)
    both = solve(doc)
    assert seen == {"while building": 2, "at the fork": 0}
    assert both["pairings"] == alone["pairings"]
    assert both["placements"] == alone["placements"]
    assert both["stats"]["score"] == alone["stats"]["score"]


def test_an_error_while_the_family_workers_run_leaves_no_process_behind(monkeypatch):
    import multiprocessing

    def broken(*args, **kwargs):
        raise RuntimeError("placing failed")

    _families_in_workers(monkeypatch)
    monkeypatch.setattr(SOLVE, "place_children", broken)
    with pytest.raises(RuntimeError, match="placing failed"):
        solve(generate_round(600, towns=3, seed=4))
    assert multiprocessing.active_children() == []
