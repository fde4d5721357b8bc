"""The sweep (`benchmarks.sweep`) compares the engine with the MILP and reports mismatches."""

from __future__ import annotations

import benchmarks.sweep as sweep


def test_small_random_rounds_all_match_the_milp(capsys):
    assert sweep.main(["--rounds", "2", "--seed", "3", "--children", "60-120"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(line.endswith(" OK") for line in lines[:2])
    assert lines[2] == "mismatches: 0 of 2"


def test_an_answer_below_the_milp_is_a_mismatch(monkeypatch, capsys):
    real = sweep.solve

    def one_child_fewer(doc, time_limit=60.0):
        result = real(doc, time_limit=time_limit)
        dropped = result["placements"].pop()
        result["stats"]["placed"] -= 1
        result["stats"]["score"] -= dropped["score"]
        return result

    monkeypatch.setattr(sweep, "solve", one_child_fewer)
    assert sweep.main(["--rounds", "1", "--seed", "3", "--children", "60-120"]) == 1
    assert capsys.readouterr().out.splitlines()[0].endswith(" MISMATCH")
