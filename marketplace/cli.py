"""Flask commands. Each feature adds its own to the ``flask`` group here."""

from __future__ import annotations

import click
from flask import Flask

from marketplace.extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("send-mail")
    def send_mail() -> None:
        """Send the email outbox (retries what failed before; never sends a message twice)."""
        from marketplace.mail.services import send_pending

        sent = send_pending(db.session)
        click.echo(f"Sent {sent} message(s).")
