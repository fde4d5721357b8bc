"""Independent parts: both ways of finding components agree, and solving the family pairing
part by part (in two worker processes) gives the same optimum as solving it in one piece."""

import numpy as np
import pytest

from benchmarks.generate import generate_round
from matcher.matching import flow, pairing, parts
from matcher.matching.document import read_round
from matcher.matching.flow import max_weight_matching
from matcher.matching.pairs import build_pair_arcs


@pytest.mark.parametrize("seed", range(40))
def test_scipy_components_equal_the_vectorised_ones(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    n_group, n_right = int(rng.integers(1, 60)), int(rng.integers(1, 60))
    m = int(rng.integers(1, 150))
    group, right = rng.integers(0, n_group, m), rng.integers(0, n_right, m)
    vectorised = parts.components(group, right, n_right)
    monkeypatch.setattr(parts, "_SCIPY_ARCS", 0)
    assert np.array_equal(parts.components(group, right, n_right), vectorised)


def test_arcs_sorted_by_group_never_need_scipy(monkeypatch):
    # a national round's family pairs come sorted by family: the vectorised rounds need no
    # sort there and beat SciPy's search and its import, whatever the size
    rng = np.random.default_rng(3)
    group = np.sort(rng.integers(0, 40, 300))
    right = rng.integers(0, 30, 300)
    expected = parts.components(group, right, 30)
    monkeypatch.setattr(parts, "_SCIPY_ARCS", 0)

    def no_scipy(*args):
        raise AssertionError("SciPy's search for arcs sorted by group")

    monkeypatch.setattr(parts, "_roots_scipy", no_scipy)
    assert np.array_equal(parts.components(group, right, 30), expected)


def test_a_long_chain_is_one_component():
    # group i links right nodes i and i + 1: one component, however long the chain
    n = 50_000
    group = np.r_[np.arange(n), np.arange(n)]
    right = np.r_[np.arange(n), np.arange(1, n + 1)]
    assert set(parts.components(group, right, n + 1).tolist()) == {0}


def test_labels_follow_first_appearance():
    # arcs 0-1 share right node 5; arc 2 is alone; arc 3 joins group 0
    group = np.array([3, 1, 2, 3])
    right = np.array([5, 5, 7, 6])
    assert parts.components(group, right, 8).tolist() == [0, 0, 1, 0]


def _one_flow_score(rnd, arcs) -> tuple[int, int]:
    worst = np.zeros(len(rnd.families), np.int64)
    np.maximum.at(worst, arcs.family, np.abs(arcs.score))
    big = int(1 + 2 * worst.sum())
    caps = np.array([k.capacity for k in rnd.contact_families], np.int64)
    x = max_weight_matching(len(rnd.families), caps, arcs.family, arcs.contact, big + arcs.score)
    return int(x.sum()), int((arcs.score * x).sum())


@pytest.mark.parametrize("workers", ["in process", "two workers", "two workers, slices"])
def test_pairing_by_parts_reaches_the_one_flow_optimum(workers, monkeypatch):
    rnd = read_round(generate_round(600, towns=3, seed=4))
    arcs = build_pair_arcs(rnd)
    assert (
        len(np.unique(parts.components(arcs.family, arcs.contact, len(rnd.contact_families)))) >= 2
    )
    if workers.startswith("two workers"):
        monkeypatch.setattr(pairing, "_PARALLEL_ARCS", 0)
    if workers.endswith("slices"):  # each part's arcs gathered a few at a time
        monkeypatch.setattr(flow, "_SLICE", 13)
    chosen = pairing.pair_families(rnd, arcs)
    count, score = _one_flow_score(rnd, arcs)
    assert len(chosen) == count
    assert int(arcs.score[chosen].sum()) == score
    # each family at most once, each contact family within its capacity
    assert len(np.unique(arcs.family[chosen])) == len(chosen)
    used = np.bincount(arcs.contact[chosen], minlength=len(rnd.contact_families))
    assert (used <= [k.capacity for k in rnd.contact_families]).all()


def _solve_in_daemon(doc, queue):  # runs in a spawned daemonic process, as in the site
    from matcher.matching import children, pairing, solve

    pairing._PARALLEL_ARCS = 0
    children._PARALLEL_ARCS = 0
    queue.put(solve(doc))


def test_parts_run_in_this_process_inside_a_daemonic_worker():
    """The site solves rounds in a daemonic process, which may not start workers itself."""
    import multiprocessing

    doc = generate_round(300, towns=3, seed=2)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_solve_in_daemon, args=(doc, queue), daemon=True)
    proc.start()
    result = queue.get(timeout=120)
    proc.join(30)
    assert proc.exitcode == 0
    assert result["status"] == "optimal"
    from matcher.matching import solve

    assert result["stats"]["score"] == solve(doc)["stats"]["score"]
