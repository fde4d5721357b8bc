"""The `matcher` command: `matcher solve` runs the pure solver without loading the web stack;
every other command is the Flask app's CLI (seed-demo, db upgrade, run, ...)."""

import sys


def main(argv: list[str] | None = None) -> int:
    """Dispatch `matcher solve` to the solver, everything else to the Flask CLI."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "solve":
        from matcher.matching.cli import main as solve_main
        from matcher.matching.cli import run

        if argv is None:  # the program itself: its clock and its end are the process's
            run(args)
        return solve_main(args)
    from flask.cli import FlaskGroup

    from matcher import create_app

    group = FlaskGroup(
        create_app=create_app,
        help="matcher: matchmaking rounds and the site.\n\n"
        "Also: matcher solve ROUND.json [-o RESULT.json] [--time-limit S] solves a round "
        "document without the web application.",
    )
    return group.main(args=args, prog_name="matcher")


if __name__ == "__main__":
    sys.exit(main())
