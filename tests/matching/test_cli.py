"""`matcher solve`: exit codes, the one-line error, the output file."""

import json
import subprocess
import sys

from matcher.matching.cli import main

from .rounds import activity, child, round_doc


def test_solve_writes_the_result_to_the_output_file(tmp_path):
    src, out = tmp_path / "round.json", tmp_path / "result.json"
    src.write_text(json.dumps(round_doc([child()], [activity()])))
    assert main(["solve", str(src), "-o", str(out), "--time-limit", "5"]) == 0
    assert json.loads(out.read_text())["stats"]["placed"] == 1


def test_solve_prints_to_stdout_without_output_file(tmp_path, capsys):
    src = tmp_path / "round.json"
    src.write_text(json.dumps(round_doc([child()], [activity()])))
    assert main(["solve", str(src)]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "matcher-result/1"


def _solve_in_a_process(tmp_path, doc) -> subprocess.CompletedProcess:
    """Run `matcher solve` on `doc` as the shell would, capturing what it prints."""
    src = tmp_path / "round.json"
    src.write_text(json.dumps(doc))
    return subprocess.run(
        [sys.executable, "-m", "matcher.matching.cli", "solve", str(src)],
        capture_output=True,
        text=True,
    )


def test_invalid_document_exits_2_with_one_line_and_no_traceback(tmp_path):
    run = _solve_in_a_process(tmp_path, round_doc([child(), child("c2", birth_date="2016-13-01")]))
    assert run.returncode == 2
    assert run.stderr == "error: children[1].birth_date: not a date\n"
    assert run.stdout == ""


def test_unreadable_file_exits_2(tmp_path, capsys):
    assert main(["solve", str(tmp_path / "missing.json")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert main(["solve", str(broken)]) == 2


def test_a_fault_of_the_engine_is_one_line_and_exit_1(tmp_path, capsys, monkeypatch):
    import matcher.matching.cli as cli

    def broken(doc, **kw):
        raise RuntimeError("min cost flow failed with status BAD_COST_RANGE")

    monkeypatch.setattr(cli, "solve", broken)
    src = tmp_path / "round.json"
    src.write_text(json.dumps(round_doc([child()], [activity()])))
    assert main(["solve", str(src)]) == 1
    out = capsys.readouterr()
    assert out.out == "" and out.err == (
        "error: the solver failed (RuntimeError: min cost flow failed with status "
        "BAD_COST_RANGE); please report it with the round document\n"
    )


def test_points_too_large_exit_2_with_the_field(tmp_path):
    run = _solve_in_a_process(
        tmp_path, round_doc([child()], [activity()], preference_points=[10**15])
    )
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == "error: params.preference_points[0]: must be at most 100000\n"


def test_the_program_prints_the_whole_answer_and_its_exit_code(tmp_path):
    # `python -m matcher.matching.cli` ends without the interpreter's teardown
    from benchmarks.generate import generate_round

    doc = generate_round(400, seed=2)
    run = _solve_in_a_process(tmp_path, doc)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert len(result["placements"]) + len(result["unplaced"]) == len(doc["children"])
    bad = _solve_in_a_process(tmp_path, dict(doc, format="matcher-round/9"))
    assert bad.returncode == 2 and bad.stdout == ""


def test_the_programs_clock_starts_with_its_process(tmp_path):
    # the time limit counts the interpreter's start and the imports too: a program that
    # spent a second before reaching the solver reports that second in its answer
    src = tmp_path / "round.json"
    src.write_text(json.dumps(round_doc([child()], [activity()])))
    code = (
        "import sys, time\n"
        "time.sleep(1.0)\n"
        "from matcher.matching.cli import process_age, run\n"
        "assert process_age() >= 0.9, process_age()\n"
        f"run(['solve', {str(src)!r}, '-o', {str(tmp_path / 'out.json')!r}])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "out.json").read_text())["stats"]["seconds"] >= 0.9
