"""The benchmark table's rows (`benchmarks.run.measure`): what each method's answer shows."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import benchmarks.run as run
from benchmarks import memory
from benchmarks.generate import generate_round
from matcher.matching import solve


def _measured(monkeypatch, tmp_path: Path, method: str, result: dict) -> dict:
    doc = generate_round(60, seed=2)
    doc_path = tmp_path / "round.json"
    doc_path.write_text(json.dumps(doc))
    monkeypatch.setattr(run, "OUT", tmp_path)

    def finished(cmd: list[str], cap: float) -> tuple[float, float, float, bool]:
        Path(cmd[cmd.index("-o") + 1] if "-o" in cmd else cmd[-3]).write_text(json.dumps(result))
        return 1.5, 80.0, 120.0, True

    monkeypatch.setattr(run, "run_process", finished)
    return run.measure(method, doc_path, doc, cap=10.0, limit=5.0)


def test_a_solver_answer_is_checked_and_its_figures_reported(monkeypatch, tmp_path):
    result = solve(generate_round(60, seed=2))
    row = _measured(monkeypatch, tmp_path, "solver", result)
    assert row["status"] == "optimal" and row["breaks"] == 0
    assert row["placed"] == result["stats"]["placed"] and row["score"] == result["stats"]["score"]


def test_a_milp_stopped_by_its_own_limit_reports_no_answer(monkeypatch, tmp_path):
    # the reference writes a side that did not finish as nobody placed, with its own status
    result = solve(generate_round(60, seed=2))
    result["status"] = "children:time_limit families:optimal"
    result["placements"], result["stats"]["placed"], result["stats"]["score"] = [], 0, 0
    row = _measured(monkeypatch, tmp_path, "milp", result)
    assert row["status"] == "did not finish (children:time_limit families:optimal)"
    assert "placed" not in row and "score" not in row and "breaks" not in row
    assert "| – |" in run.table_row("50,000 children", row)


def test_a_row_shows_both_peaks_and_a_dash_for_one_not_measured(monkeypatch, tmp_path):
    row = _measured(monkeypatch, tmp_path, "solver", solve(generate_round(60, seed=2)))
    assert (row["mib"], row["all_mib"]) == (80.0, 120.0)
    assert "| 80 | 120 |" in run.table_row("60 children", row)
    assert "| 80 | – |" in run.table_row("60 children", {**row, "all_mib": float("nan")})
    assert run.HEADER.splitlines()[0].count("|") == run.HEADER.splitlines()[1].count("|")


def test_the_families_round_runs_without_the_milp():
    rows = run.rounds([1000, 50_000], seed=3, municipality=False, budget=True)
    labels = [label for label, _, _ in rows]
    assert labels[-1] == "50,000 children + 20,000 families, 15 towns"
    kw, skip = rows[-1][1], rows[-1][2]
    assert skip == {"milp"} and "families" not in kw and kw["seed"] == 3
    assert all(skip == set() for _, _, skip in rows[:-1])
    assert len(run.rounds([1000], seed=1, municipality=True, budget=False, families=False)) == 2


@pytest.mark.skipif(not memory.available(), reason="no proportional set sizes here")
def test_a_process_and_its_forked_worker_are_measured_together(tmp_path, monkeypatch):
    # each holds ~150 MiB of its own for a second: the largest process's peak sees one
    # of them, the group's sum both
    script = (
        "import os, time\n"
        "block = bytearray(os.urandom(1 << 20)) * 150\n"
        "pid = os.fork()\n"
        "mine = bytearray(os.urandom(1 << 20)) * 150 if pid == 0 else None\n"
        "time.sleep(1.5)\n"
        "os._exit(0) if pid == 0 else os.waitpid(pid, 0)\n"
    )
    monkeypatch.setattr(run, "OUT", tmp_path)
    wall, peak, whole, finished = run.run_process([sys.executable, "-c", script], cap=30)
    assert finished
    assert 150 < peak < 400  # the parent's block, or the child's two (one shared)
    assert whole > 280  # parent's 150 + child's own 150, the shared block counted once
    assert whole < 2 * peak + 100


def test_a_command_that_ends_before_the_first_sample_shows_no_sum(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "OUT", tmp_path)
    monkeypatch.setattr(run, "SAMPLE_SECONDS", 5.0)
    wall, peak, whole, finished = run.run_process(["true"], cap=30)
    assert finished and peak > 0
    assert whole != whole  # NaN: shown as a dash, never as 0 MiB
