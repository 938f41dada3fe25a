"""Flask commands. Each feature adds its own to the ``flask`` group here."""

from __future__ import annotations

import click
from flask import Flask

from marketplace.extensions import db
from marketplace.permissions import Role


def register_cli(app: Flask) -> None:
    from marketplace.api.cli import create_token
    from marketplace.bookings.cli import confirm_lapsed, ledger_check
    from marketplace.demo.cli import demo_data
    from marketplace.quotes.cli import expire_quotes

    app.cli.add_command(demo_data)
    app.cli.add_command(create_token)
    app.cli.add_command(expire_quotes)
    app.cli.add_command(ledger_check)
    app.cli.add_command(confirm_lapsed)

    @app.cli.command("send-mail")
    def send_mail() -> None:
        """Send the email outbox (retries what failed before; never sends a message twice)."""
        from marketplace.mail.services import send_pending

        sent = send_pending(db.session)
        click.echo(f"Sent {sent} message(s).")

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--name", required=True, help="The person's full name.")
    @click.option(
        "--role",
        required=True,
        type=click.Choice([r.value for r in Role]),
        help="officer and admin are the usual ones; others can sign up themselves.",
    )
    @click.option("--council", "council_code", help="ONS code of an officer's council.")
    @click.option("--organisation-id", type=int, help="Organisation of provider staff.")
    @click.option(
        "--password",
        envvar="NEW_USER_PASSWORD",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="Asked for when not given (or set NEW_USER_PASSWORD).",
    )
    def create_user(
        email: str,
        name: str,
        role: str,
        council_code: str | None,
        organisation_id: int | None,
        password: str,
    ) -> None:
        """Create an account of any role, e.g. --role officer --council E08000035."""
        from marketplace.accounts.services import create_user as create
        from marketplace.errors import ValidationFailed

        try:
            user = create(
                db.session,
                email=email,
                name=name,
                password=password,
                role=Role(role),
                council_code=council_code,
                organisation_id=organisation_id,
            )
        except ValidationFailed as error:
            for field, message in error.errors.items():
                click.echo(f"{field}: {message}", err=True)
            raise SystemExit(2) from error
        click.echo(f"Created {user.role} {user.email} (id {user.id}).")
