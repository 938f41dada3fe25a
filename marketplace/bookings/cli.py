"""``flask ledger-check`` proves every stream's committed and spent pence equal the sums of its
ledger entries; ``flask confirm-lapsed`` confirms delivered sessions nobody answered in time
(for a scheduler to run daily; safe to run twice or at once)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from marketplace.extensions import db
from marketplace.money import format_money


@click.command("ledger-check")
@with_appcontext
def ledger_check() -> None:
    """Compare each stream's balances with its ledger; exit 1 and list any that differ."""
    from marketplace.bookings.ledger import check

    checked, wrong = check(db.session)
    for item in wrong:
        click.echo(
            f"Stream {item.stream_id}: committed {format_money(item.committed_pence)} "
            f"(ledger {format_money(item.ledger_committed)}), spent "
            f"{format_money(item.spent_pence)} (ledger {format_money(item.ledger_spent)})"
        )
    click.echo(
        f"Checked {checked} {'stream' if checked == 1 else 'streams'}: "
        + ("every balance equals its ledger" if not wrong else f"{len(wrong)} differ")
    )
    if wrong:
        sys.exit(1)


@click.command("confirm-lapsed")
@with_appcontext
def confirm_lapsed() -> None:
    """Confirm sessions delivered BOOKING_CONFIRM_DAYS ago that nobody confirmed or disputed."""
    from marketplace.bookings.sessions import lapse_due

    days = int(current_app.config["BOOKING_CONFIRM_DAYS"])
    count = lapse_due(db.session, days)
    click.echo(f"Confirmed {count} {'session' if count == 1 else 'sessions'} after {days} days")
