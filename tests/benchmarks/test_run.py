"""The benchmark table's rows (`benchmarks.run.measure`): what each method's answer shows."""

from __future__ import annotations

import json
from pathlib import Path

import benchmarks.run as run
from benchmarks.generate import generate_round
from matcher.matching import solve


def _measured(monkeypatch, tmp_path: Path, method: str, result: dict) -> dict:
    doc = generate_round(60, seed=2)
    doc_path = tmp_path / "round.json"
    doc_path.write_text(json.dumps(doc))
    monkeypatch.setattr(run, "OUT", tmp_path)

    def finished(cmd: list[str], cap: float) -> tuple[float, float, bool]:
        Path(cmd[cmd.index("-o") + 1] if "-o" in cmd else cmd[-3]).write_text(json.dumps(result))
        return 1.5, 80.0, True

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
