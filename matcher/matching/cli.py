"""`matcher solve IN.json [-o OUT.json] [--time-limit S]`: solve a round from the shell."""

from __future__ import annotations

import time

_STARTED = time.monotonic()  # the time limit covers reading and writing the documents too

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

from .errors import RoundError  # noqa: E402
from .solve import solve  # noqa: E402


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matcher", description="Solve a matching round.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("solve", help="solve a matcher-round/1 document")
    run.add_argument("input", help="the round document (JSON)")
    run.add_argument("-o", "--output", help="write the result here instead of stdout")
    run.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    return parser


def process_age() -> float:
    """Seconds since this process started (Linux's /proc; 0 where it cannot be read): the
    interpreter's start and the imports before this module (0.25-0.3 s) count too."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            # the fields after the command's closing parenthesis start at the third; the
            # start time, in clock ticks after boot, is the 22nd
            ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        return max(uptime - ticks / os.sysconf("SC_CLK_TCK"), 0.0)
    except (OSError, ValueError, IndexError):
        return 0.0


def main(argv: list[str] | None = None, started: float | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 2 invalid input, 1 an engine
    fault, reported in one line). `started` is when the time limit's clock started
    (`time.monotonic()`): the program passes its process's start, a caller in a longer
    process gets this module's import."""
    started = min(_STARTED, time.monotonic()) if started is None else started
    args = _parser().parse_args(argv)
    try:
        with open(args.input, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as err:
        print(f"error: {args.input}: {err.strerror or err}", file=sys.stderr)
        return 2
    except (ValueError, UnicodeDecodeError) as err:
        print(f"error: {args.input}: not valid JSON ({err})", file=sys.stderr)
        return 2
    try:
        result = solve(doc, time_limit=args.time_limit, started=started)
    except RoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # a fault of the engine, not of the document: one line still
        print(
            f"error: the solver failed ({type(err).__name__}: {err}); "
            "please report it with the round document",
            file=sys.stderr,
        )
        return 1
    # Indented only for a person at a terminal: without `indent` the json module's C encoder
    # writes the answer (measured: 0.11 s instead of 0.57 s nationally, 4 ms instead of 19 ms
    # for a municipality), and files and pipes are read by programs.
    tty = not args.output and sys.stdout.isatty()
    text = json.dumps(result, indent=1 if tty else None, ensure_ascii=False)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    return 0


def end_now(code: int) -> None:
    """End the program at once with `code`, once its output is flushed: the interpreter's
    teardown of a national round's millions of objects took 0.45 s, which the time limit,
    from start to exit, would count. Only for the program itself (nothing runs after)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run(argv: list[str] | None = None) -> None:
    """The program: solve with the clock started at the process's start, then end."""
    end_now(main(argv, started=time.monotonic() - process_age()))


if __name__ == "__main__":
    run()
