"""CLI commands registered on the app (`flask --app matcher ...` or `matcher ...`)."""

import click
from flask import Flask
from flask.cli import with_appcontext

from matcher.extensions import db


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo municipality from seeds/ (does nothing if it is already loaded)."""
    from matcher.services.seed import seed_demo

    if seed_demo():
        click.echo("Demo data loaded.")
    else:
        click.echo("Demo data already present; nothing changed.")


@click.command("demo-logins")
@with_appcontext
def demo_logins_command() -> None:
    """Print the demo logins, one per role."""
    from matcher.services.seed import demo_logins

    click.echo("Demo logins (e-mail / password / role):")
    for u in demo_logins():
        click.echo(f"  {u['email']:<34} {u['password']:<24} {u['role']}")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", type=click.Choice(["staff", "coordinator", "club_contact"]), required=True)
@click.option("--municipality", "municipality_code", required=True, help="Municipality code.")
@click.option("--name", default="")
@click.option("--club", "club_id", type=int, help="The club's id (required for club_contact).")
@click.password_option()
def create_user_command(
    email: str, role: str, municipality_code: str, name: str, club_id: int | None, password: str
):
    """Create a user with one role in a municipality (a club contact in one of its clubs)."""
    from sqlalchemy import select

    from matcher.extensions import security
    from matcher.models import Club, Municipality
    from matcher.services.users import create_user

    mun = db.session.scalar(select(Municipality).where(Municipality.code == municipality_code))
    if mun is None:
        raise click.BadParameter(f"no municipality with code {municipality_code!r}")
    if role == "club_contact":
        club = db.session.get(Club, club_id) if club_id is not None else None
        if club is None or club.municipality_id != mun.id:
            raise click.BadParameter(
                "a club contact belongs to one club: give --club with the id of a club "
                f"in municipality {municipality_code!r}",
                param_hint="--club",
            )
    elif club_id is not None:
        raise click.BadParameter("only a club contact belongs to a club", param_hint="--club")
    # The same password rules as the site's forms (length, common passwords, the e-mail).
    problems, password = security._password_util.validate(password, True, email=email)
    if problems:
        raise click.BadParameter(" ".join(str(p) for p in problems), param_hint="password")
    create_user(email, password, role, mun.id, name, club_id=club_id)
    db.session.commit()
    click.echo(f"Created {email} ({role}).")


def register(app: Flask) -> None:
    """Add the commands to the app's CLI."""
    for command in (seed_demo_command, demo_logins_command, create_user_command):
        app.cli.add_command(command)
    from matcher import gdpr_commands

    gdpr_commands.register(app)
