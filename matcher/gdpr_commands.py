"""CLI commands for privacy and reliability: a family's export and erasure, the retention job,
backup and restore. Run them as `flask --app matcher <command>` or `matcher <command>`."""

import os
from datetime import date
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from matcher.extensions import db


def _family(family_id: int):
    from matcher.models import Family

    family = db.session.get(Family, family_id)
    if family is None:
        raise click.BadParameter(f"no family with id {family_id}", param_hint="FAMILY_ID")
    return family


@click.command("gdpr-export")
@click.argument("family_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "zip"]), default="json")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output for JSON).",
)
@with_appcontext
def gdpr_export_command(family_id: int, fmt: str, output: Path | None) -> None:
    """Export everything held about a family (GDPR Art. 15), as JSON or a zip of CSV files."""
    from matcher.services import gdpr_export

    document = gdpr_export.export_family(_family(family_id))
    data = gdpr_export.to_json(document) if fmt == "json" else gdpr_export.to_zip(document)
    if output is None and fmt == "zip":
        raise click.UsageError("a zip export needs --output FILE")
    if output is None:
        click.echo(data.decode("utf-8"))
    else:
        # A family's whole record: readable by its owner only, from the first byte.
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        output.chmod(0o600)
        click.echo(f"Wrote {output}", err=True)
    db.session.commit()  # the export's audit event


@click.command("gdpr-erase")
@click.argument("family_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def gdpr_erase_command(family_id: int, yes: bool) -> None:
    """Erase a family (GDPR Art. 17): anonymise it and its children in every table."""
    from matcher.services import gdpr

    family = _family(family_id)
    if not yes:
        click.confirm(f"Anonymise family {family_id} and its children for good?", abort=True)
    try:
        gdpr.erase_family(family)
        db.session.commit()
    except gdpr.GdprRefused as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Family {family_id} anonymised.")


@click.command("retention-run")
@click.option(
    "--months",
    type=int,
    default=None,
    help="Months after the integration period (default: the configured value).",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as if today were this date (YYYY-MM-DD).",
)
@with_appcontext
def retention_run_command(months: int | None, today) -> None:
    """Anonymise families whose integration period ended more than the retention time ago."""
    from matcher.services import gdpr

    day = today.date() if today else date.today()
    count = gdpr.run_retention(today=day, months=months)
    click.echo(f"Anonymised {count} families.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Back up the database to PATH (SQLite online backup or pg_dump) and check the copy."""
    from matcher.services import backup

    try:
        backup.backup(path)
        tables = backup.check(path)
    except backup.BackupFailed as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {path} ({len(tables)} tables, integrity ok).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database's contents with the backup at PATH (checked first)."""
    from matcher.services import backup

    if not yes:
        click.confirm("Replace ALL data in the database with this backup?", abort=True)
    try:
        backup.restore(path)
    except backup.BackupFailed as exc:
        raise click.ClickException(str(exc)) from exc
    counts = backup.fingerprint()
    click.echo(
        f"Restored {path}: {sum(n for n, _ in counts.values())} rows in {len(counts)} tables."
    )


COMMANDS = (
    gdpr_export_command,
    gdpr_erase_command,
    retention_run_command,
    backup_command,
    restore_command,
)


def register(app: Flask) -> None:
    """Add the privacy and reliability commands to the app's CLI."""
    for command in COMMANDS:
        app.cli.add_command(command)
