"""The `matcher` command: `solve` runs the pure solver, the rest is the app's CLI."""

import json
import subprocess
import sys

from tests.matching.rounds import activity, child, round_doc

ROUND = round_doc(children=[child("c1")], activities=[activity("a1")])


def _matcher(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "matcher.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_matcher_solve_writes_the_result_file(tmp_path):
    (tmp_path / "round.json").write_text(json.dumps(ROUND))
    done = _matcher("solve", "round.json", "-o", "result.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads((tmp_path / "result.json").read_text())
    assert result["format"] == "matcher-result/1"
    assert [(p["child"], p["activity"]) for p in result["placements"]] == [("c1", "a1")]


def test_matcher_solve_reports_a_bad_document_in_one_line(tmp_path):
    bad = json.loads(json.dumps(ROUND))
    bad["children"][0]["birth_date"] = "2015-02-30"
    (tmp_path / "round.json").write_text(json.dumps(bad))
    done = _matcher("solve", "round.json", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "children[0].birth_date" in done.stderr and "Traceback" not in done.stderr


def test_matcher_help_lists_the_app_commands_and_solve():
    done = _matcher("--help")
    assert done.returncode == 0
    assert "seed-demo" in done.stdout and "matcher solve" in done.stdout


def test_matcher_solve_prints_the_whole_answer_before_it_ends_at_once(tmp_path):
    # the program ends without the interpreter's teardown: what it printed (well past a
    # pipe's buffer here) must all be out first
    from benchmarks.generate import generate_round

    doc = generate_round(400, seed=2)
    (tmp_path / "round.json").write_text(json.dumps(doc))
    done = _matcher("solve", "round.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) > 100_000
    result = json.loads(done.stdout)
    assert len(result["placements"]) + len(result["unplaced"]) == len(doc["children"])
