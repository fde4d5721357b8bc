"""The benchmark table: the solver, first-come-first-served and the HiGHS MILP on the same rounds.

`python -m benchmarks.run [--sizes 1000,10000,20000,50000] [--milp-cap 300] [--seed 1]`
Every method runs in a fresh process (wall time includes the process start; peak memory is that
process's max RSS, and, summed over all its processes, `benchmarks.memory`'s); every result is
checked by `matcher.matching.checker.violations`. Generated
rounds are kept in benchmarks/out/ (git-ignored). The table goes to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import memory
from benchmarks.generate import generate_round
from matcher.matching.checker import violations

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
HEADER = (
    "| round | method | status | placed | score | paired | pair score | wall s | peak MiB "
    "| all MiB | rule breaks | load |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


# How often a method's memory over all its processes is sampled, in seconds.
SAMPLE_SECONDS = 0.2


def run_process(cmd: list[str], cap: float) -> tuple[float, float, float, bool]:
    """Run `cmd`; return (wall seconds, peak MiB, peak MiB over all processes, finished)
    with a kill after `cap` seconds.

    The peak comes from /usr/bin/time: Linux carries a process's max RSS across fork and exec,
    so a child forked straight from this (large) process would report our size, not its own.
    It is the largest process's; the command's workers live in its process group (a session
    of its own), whose proportional set sizes are summed every `SAMPLE_SECONDS`
    (`benchmarks.memory`; NaN where the system does not show them, or when the command ends
    before the first sample: its interpreter may not even have started).
    """
    started = time.monotonic()
    peak = OUT / "peak-kib.txt"
    peak.unlink(missing_ok=True)
    timed = ["/usr/bin/time", "-f", "%M", "-o", str(peak), *cmd]
    proc = subprocess.Popen(timed, cwd=ROOT, start_new_session=True)
    sampled = memory.available()
    whole = float("nan")  # stays so when the command ends before the first sample
    while True:
        try:
            code = proc.wait(timeout=SAMPLE_SECONDS)
            break
        except subprocess.TimeoutExpired:
            if time.monotonic() - started > cap:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return time.monotonic() - started, float("nan"), float("nan"), False
            if sampled:
                now = memory.group_pss_mib(proc.pid)
                whole = now if whole != whole else max(whole, now)
    wall = time.monotonic() - started
    kib = peak.read_text().split()[-1] if peak.exists() else "nan"
    return wall, float(kib) / 1024, whole, code == 0


def measure(method: str, doc_path: Path, doc: dict, cap: float, limit: float) -> dict:
    """One row: run `method` on the round in a fresh process and check its answer."""
    out = OUT / f"{doc_path.stem}.{method}.json"
    out.unlink(missing_ok=True)
    py = sys.executable
    if method == "solver":
        cmd = [py, "-m", "matcher.matching.cli", "solve", str(doc_path), "-o", str(out)]
        cmd += ["--time-limit", str(limit)]
    else:
        cmd = [py, "-m", "benchmarks.worker", method, str(doc_path), str(out)]
        cmd += ["--time-limit", str(limit)]
    load = os.getloadavg()[0]  # other work on the machine slows every row: say how much
    wall, mib, whole, finished = run_process(cmd, cap)
    row = {"method": method, "wall": wall, "mib": mib, "all_mib": whole, "load": load}
    if not finished or not out.exists():
        return {**row, "status": "did not finish" if not finished else "error"}
    result = json.loads(out.read_text())
    if method == "milp" and result["status"] != "optimal":
        # stopped by its own limit: what it wrote is no answer to compare (a side that did
        # not finish places nobody), and its status is the reference's, not the format's
        return {**row, "status": f"did not finish ({result['status']})"}
    s = result["stats"]
    row.update(status=result["status"], placed=s["placed"], score=s["score"])
    row.update(paired=s["paired"], pair_score=s["pair_score"])
    row["breaks"] = len(violations(doc, result))
    return row


def _towns(n: int) -> str:
    return f"{n} town" if n == 1 else f"{n} towns"


def _town_count(n: int) -> int:
    """Towns for a round of `n` children: 15 at 50,000, in proportion below."""
    return max(1, min(15, round(15 * n / 50_000)))


def rounds(
    sizes: list[int], seed: int, municipality: bool, budget: bool, families: bool = True
) -> list[tuple[str, dict, set[str]]]:
    """The benchmark rounds: (label, generate_round keyword arguments, methods left out)."""
    out: list[tuple[str, dict, set[str]]] = []
    if municipality:
        out.append(("municipality 2,000 children + 800 families", {"n_children": 2000}, set()))
    for n in sizes:
        towns = _town_count(n)
        kw = {"n_children": n, "towns": towns, "families": 0, "contact_families": 0}
        out.append((f"{n:,} children, {_towns(towns)}", kw, set()))
    n = max(sizes, default=0)
    towns = _town_count(n)
    if budget and sizes:
        kw = {"n_children": n, "towns": towns, "families": 0, "contact_families": 0}
        kw["budget"] = 600.0 * n
        out.append((f"{n:,} children, {_towns(towns)}, budget {600 * n:,} DKK", kw, set()))
    if families and sizes:
        # The generator's families (20,000 and 12,500 at 50,000 children: 9.5 million
        # candidate pairs), the round whose memory is the largest. The MILP is left out: it
        # would hold every pair as a column, beyond this machine's memory.
        label = f"{n:,} children + {round(n * 0.4):,} families, {_towns(towns)}"
        out.append((label, {"n_children": n, "towns": towns}, {"milp"}))
    return [(label, {**kw, "seed": seed}, skip) for label, kw, skip in out]


def _cell(row: dict, key: str, fmt: str = "{:,}") -> str:
    return fmt.format(row[key]) if key in row else "–"


def _mib(value: float) -> str:
    return "–" if value != value else f"{value:.0f}"  # NaN: killed at the cap, or not shown


def table_row(label: str, row: dict) -> str:
    """One Markdown line."""
    cells = [
        label,
        row["method"],
        row["status"],
        _cell(row, "placed"),
        _cell(row, "score"),
        _cell(row, "paired"),
        _cell(row, "pair_score"),
        f"{row['wall']:.2f}",
        _mib(row["mib"]),
        _mib(row["all_mib"]),
        _cell(row, "breaks"),
        f"{row['load']:.1f}",
    ]
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    """Generate the rounds, run every method, print and write the table."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    ap.add_argument("--sizes", default="1000,10000,20000,50000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--milp-cap", type=float, default=300.0, help="seconds for the MILP")
    ap.add_argument("--solver-limit", type=float, default=60.0, help="solver --time-limit")
    ap.add_argument("--methods", default="solver,greedy,milp")
    ap.add_argument("--no-municipality", action="store_true")
    ap.add_argument("--no-budget", action="store_true")
    ap.add_argument("--no-families", action="store_true")
    ap.add_argument("-o", "--output", default=str(ROOT / "docs" / "benchmarks.md"))
    a = ap.parse_args(argv)
    sizes = [int(x) for x in a.sizes.split(",") if x]
    OUT.mkdir(parents=True, exist_ok=True)
    lines = [HEADER]
    revision = _revision()
    print(HEADER, flush=True)
    chosen = rounds(sizes, a.seed, not a.no_municipality, not a.no_budget, not a.no_families)
    for label, kw, skip in chosen:
        doc = generate_round(**kw)
        name = "-".join(f"{k}{v}" for k, v in sorted(kw.items()) if v is not None)
        path = OUT / f"round-{name}.json"
        path.write_text(json.dumps(doc))
        for method in a.methods.split(","):
            if method in skip:
                continue
            limit = a.milp_cap if method == "milp" else a.solver_limit
            row = measure(method, path, doc, cap=limit + 30, limit=limit)
            lines.append(table_row(label, row))
            print(lines[-1], flush=True)
    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
    write(Path(a.output), lines, command.strip(), revision)
    return 0


def _revision() -> str:
    """The commit measured, and whether the solver had uncommitted changes."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run(git + ["rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(
        git + ["status", "--porcelain", "matcher/matching"], capture_output=True, text=True
    )
    rev = head.stdout.strip() or "unknown"
    return rev + (" with uncommitted changes in matcher/matching" if dirty.stdout.strip() else "")


def write(path: Path, lines: list[str], command: str, revision: str) -> None:
    """Write the Markdown page with the command, the machine and the commit."""
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    intro = [
        "# Benchmarks",
        "",
        f"Produced by `{command}` on {datetime.now(UTC):%Y-%m-%d} ({machine}),",
        f"at commit {revision} (when the run started).",
        "",
        "Each method runs in a fresh process: wall seconds include the process start and reading",
        "the JSON; peak MiB is the largest process's max RSS, and all MiB the peak of the",
        "proportional set sizes summed over all the method's processes (the solver's workers",
        "included, shared pages counted once; sampled every 0.2 s, so that a run of a second",
        "or less may show less than its largest process, and one of less than 0.2 s a dash):",
        "what the machine must hold.",
        "`solver` is `matcher solve` (OR-Tools);",
        "`greedy` is first come, first served (what coordinators do by hand); `milp` is an",
        "independent exact model through `scipy.optimize.milp` (HiGHS), two solves per side",
        "(most placed, then best score with that count fixed), stopped at its cap. `rule breaks`",
        "counts what `matcher.matching.checker.violations` finds in the answer. Rounds come from",
        "`benchmarks.generate` (children-only rows: no families). `load` is the machine's",
        "1-minute load average when the row started (2 cores: above 2, others were competing).",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(intro + lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
