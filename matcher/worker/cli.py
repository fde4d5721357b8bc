"""`flask rounds-worker` and `flask rounds-sweep`."""

import threading

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("rounds-worker")
@click.option("--builtin", is_flag=True, help="Poll the database even when REDIS_URL is set.")
@click.option("--once", is_flag=True, help="Run the rounds queued now, then stop.")
@with_appcontext
def rounds_worker_command(builtin: bool, once: bool) -> None:
    """Run matching rounds in the background (RQ when REDIS_URL is set, else the built-in loop)."""
    from matcher.worker import inline, queue

    app = current_app._get_current_object()
    if app.config.get("REDIS_URL") and not builtin:
        click.echo(f"Round worker on RQ queue {queue.queue_name(app)}")
        queue.work(app, burst=once)
        return
    if once:
        click.echo(f"Ran {inline.run_pending(app)} round(s).")
        return
    click.echo("Round worker polling the database (Ctrl-C stops it).")
    stop = threading.Event()
    try:
        inline.loop(app, stop)
    except KeyboardInterrupt:
        stop.set()


@click.command("rounds-sweep")
@with_appcontext
def rounds_sweep_command() -> None:
    """Mark rounds whose worker stopped (or that no worker took) as failed."""
    from matcher.worker.sweeper import sweep

    failed = sweep()
    click.echo(f"Marked {len(failed)} round(s) failed." if failed else "No stale rounds.")


COMMANDS = (rounds_worker_command, rounds_sweep_command)
