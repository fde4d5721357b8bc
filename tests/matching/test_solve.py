"""The round as one job: the families are paired beside the children, in a process of their
own or a thread."""

import multiprocessing
import os
import pickle
import sys
import threading

import pytest

from benchmarks.generate import generate_round
from matcher.matching import children, solve
from matcher.matching.errors import RoundError

# the module (the package exports its `solve` function under the same name)
SOLVE = sys.modules["matcher.matching.solve"]


def _families_beside_in(where: str, monkeypatch) -> None:
    """Pair the families beside the children in a forked process or in a thread, whatever
    the round's size."""
    monkeypatch.setattr(SOLVE, "_PROCESS_PAIRS", 0 if where == "process" else 10**12)


@pytest.mark.parametrize("where", ["process", "thread"])
def test_children_fork_their_workers_only_once_the_families_are_done(where, monkeypatch):
    """The families are paired beside the children; a fork must not copy their thread
    mid-way, so the children's workers start after it (and after their process), and the
    answer is the one of solving everything in this process."""
    doc = generate_round(900, towns=3, seed=5)
    alone = solve(doc)
    events = []
    real = children._in_workers

    def in_workers(*args, **kwargs):
        names = [t.name for t in threading.enumerate()]
        events.append(("fork", names, len(multiprocessing.active_children())))
        return real(*args, **kwargs)

    _families_beside_in(where, monkeypatch)
    monkeypatch.setattr(children, "_PARALLEL_ARCS", 0)
    monkeypatch.setattr(children, "_in_workers", in_workers)
    both = solve(doc)
    assert [e[0] for e in events] == ["fork"]
    assert not [name for name in events[0][1] if name.startswith("families")]
    assert events[0][2] == 0
    assert both["stats"]["score"] == alone["stats"]["score"]
    assert both["placements"] == alone["placements"]
    assert both["pairings"] == alone["pairings"]


@pytest.mark.parametrize("where", ["process", "thread", "first"])
def test_an_error_while_pairing_families_reaches_the_caller(where, monkeypatch):
    def broken(rnd):
        raise RuntimeError("pairing failed")

    monkeypatch.setattr(SOLVE, "build_pair_arcs", broken)
    monkeypatch.setattr(SOLVE, "_BESIDE_PAIRS", 0 if where == "first" else 10**9)
    _families_beside_in(where, monkeypatch)
    with pytest.raises(RuntimeError, match="pairing failed"):
        solve(generate_round(120, seed=1))
    assert not [t for t in threading.enumerate() if t.name == "families"]
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("where", ["process", "thread"])
def test_an_error_while_placing_children_leaves_no_thread_or_process_behind(where, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("placing failed")

    _families_beside_in(where, monkeypatch)
    monkeypatch.setattr(SOLVE, "place_children", broken)
    with pytest.raises(RuntimeError, match="placing failed"):
        solve(generate_round(120, seed=1))
    assert not [t for t in threading.enumerate() if t.name == "families"]
    assert multiprocessing.active_children() == []


def test_families_in_their_own_process_give_the_answer_of_a_thread(monkeypatch, tmp_path):
    """The same records whichever way the families went: a forked process (gone
    afterwards), or a thread of this process."""
    doc = generate_round(300, towns=2, seed=3)
    real = SOLVE._families_answer
    where = tmp_path / "pids"

    def answer(rnd):
        with open(where, "a") as out:
            out.write(f"{os.getpid()}\n")
        return real(rnd)

    monkeypatch.setattr(SOLVE, "_families_answer", answer)
    _families_beside_in("thread", monkeypatch)
    in_thread = solve(doc)
    _families_beside_in("process", monkeypatch)
    in_process = solve(doc)
    first, second = (int(pid) for pid in where.read_text().split())
    assert first == os.getpid() != second
    assert multiprocessing.active_children() == []
    assert in_process["pairings"] and in_process["unpaired"]
    for key in ("pairings", "unpaired", "placements", "unplaced"):
        assert in_process[key] == in_thread[key]
    for key in ("paired", "pair_score", "pair_candidates", "score"):
        assert in_process["stats"][key] == in_thread["stats"][key]


def test_a_municipality_round_pairs_its_families_in_a_process_unless_it_may_not_fork(
    monkeypatch,
):
    """800 x 500 families get a process; a process that may not fork (the site runs rounds
    in a daemonic one) keeps the thread; a handful of families keep the thread too."""
    big = SOLVE.read_round(generate_round(100, seed=2, families=800, contact_families=500))
    small = SOLVE.read_round(generate_round(100, seed=2, families=40, contact_families=25))
    assert SOLVE._beside(big) and SOLVE._in_process(big)
    assert SOLVE._beside(small) and not SOLVE._in_process(small)
    monkeypatch.setattr(SOLVE, "may_fork_workers", lambda: False)
    assert not SOLVE._in_process(big)


def test_a_round_error_in_the_families_process_reaches_the_caller_whole(monkeypatch):
    """Points too large for the families' flow: the process' RoundError comes back with its
    field, as the command line prints it."""
    doc = generate_round(120, seed=1)
    _families_beside_in("process", monkeypatch)

    def too_large(weight, nodes, what):
        if what == "families":
            raise RoundError("params", "the points are too large (families)")

    monkeypatch.setattr(SOLVE, "check_scale", too_large)
    with pytest.raises(RoundError) as err:
        solve(doc)
    assert err.value.path == "params"
    assert str(err.value) == "params: the points are too large (families)"
    assert multiprocessing.active_children() == []


def test_a_round_error_survives_pickling():
    err = pickle.loads(pickle.dumps(RoundError("children[3].birth_date", "not a date")))
    assert (err.path, err.message) == ("children[3].birth_date", "not a date")
    assert str(err) == "children[3].birth_date: not a date"


def test_an_error_that_cannot_be_pickled_comes_back_as_its_message(monkeypatch):
    class Odd(Exception):
        def __init__(self, a, b):
            super().__init__(f"odd {a} {b}")

    def broken(rnd):
        raise Odd(1, 2)

    monkeypatch.setattr(SOLVE, "build_pair_arcs", broken)
    _families_beside_in("process", monkeypatch)
    with pytest.raises(RuntimeError, match="odd 1 2"):
        solve(generate_round(120, seed=1))


def test_a_families_process_that_dies_leaves_the_work_to_the_round(monkeypatch):
    """Killed or out of memory before it answered: the round pairs its families itself."""
    doc = generate_round(200, seed=6)
    _families_beside_in("thread", monkeypatch)
    expected = solve(doc)
    _families_beside_in("process", monkeypatch)
    monkeypatch.setattr(SOLVE, "_send_answer", lambda rnd, conn: os._exit(3))
    got = solve(doc)
    assert got["pairings"] == expected["pairings"]
    assert got["unpaired"] == expected["unpaired"]
    assert multiprocessing.active_children() == []


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
