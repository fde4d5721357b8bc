"""`flask send-mail`: deliver the outbox (run it from cron or a timer every minute)."""

import click
from flask.cli import with_appcontext


@click.command("send-mail")
@click.option("--limit", default=100, show_default=True, help="Most messages to send in one run.")
@with_appcontext
def send_mail_command(limit: int) -> None:
    """Send the e-mails waiting in the outbox; failures stay queued and are retried later."""
    from matcher.services.mailer import deliver_pending

    report = deliver_pending(limit=limit)
    click.echo(f"Sent {len(report.sent)} e-mail(s), {len(report.failed)} failed (kept for retry).")
