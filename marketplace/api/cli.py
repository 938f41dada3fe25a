"""``flask create-token EMAIL``: a personal API token for an account, for admins and scripts."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.api import tokens
from marketplace.errors import ValidationFailed
from marketplace.extensions import db


@click.command("create-token")
@with_appcontext
@click.argument("email")
@click.option("--name", default="Command line", show_default=True, help="What the token is for.")
def create_token(email: str, name: str) -> None:
    """Create an API token for EMAIL's account and print it (only the token, on stdout).

    The token is shown this once; the account page lists it by name and can revoke it.
    """
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        click.echo(f"There is no account with the email address {email}.", err=True)
        raise SystemExit(2)
    try:
        row, token = tokens.create_token(db.session, user, name)
    except ValidationFailed as error:
        for message in error.errors.values():
            click.echo(message, err=True)
        raise SystemExit(2) from error
    click.echo(f"Created the token “{row.name}” ({row.prefix}…) for {user.email}.", err=True)
    click.echo(token)
