"""``flask expire-quotes``: expire every open quote whose time is up, for a scheduler to run
(every few minutes, or hourly). Safe to run twice or at once: a quote expires only once."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.extensions import db


@click.command("expire-quotes")
@with_appcontext
def expire_quotes() -> None:
    """Expire open quotes past their time and tell both sides (a notification and an email)."""
    from marketplace.quotes.answers import expire_quotes as expire

    count = expire(db.session)
    click.echo(f"Expired {count} {'quote' if count == 1 else 'quotes'}")
