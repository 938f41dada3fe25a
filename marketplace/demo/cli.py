"""``flask demo-data``: load the deterministic demo data set."""

from __future__ import annotations

import time as timer
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time

import click
from flask.cli import with_appcontext

from marketplace.clock import today
from marketplace.demo.load import Bar, load, table_counts
from marketplace.demo.plan import DEMO_PASSWORD, build_plan
from marketplace.extensions import db
from marketplace.search.indexing import indexing_paused


@contextmanager
def _bar(label: str, length: int) -> Iterator[Bar]:
    with click.progressbar(length=length, label=label, show_pos=True) as bar:
        yield bar


@click.command("demo-data")
@click.option("--seed", default=2026, show_default=True, help="Same seed, same data.")
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.01, max=20.0),
    help="1.0 gives about 180 organisations, 160 PAs and over 2,000 offers.",
)
@with_appcontext
def demo_data(seed: int, scale: float) -> None:
    """Load realistic, fictional demo data: councils, providers, PAs, offers, budget holders with
    their budgets and support plans, and demo accounts.

    Running it again adds nothing; a bigger --scale adds the difference.
    """
    started = timer.perf_counter()
    reference_day = today()
    plan = build_plan(seed, scale, reference_day)
    click.echo(
        f"Demo data, seed {seed}, scale {scale:g}: {len(plan.councils)} councils, "
        f"{len(plan.organisations)} organisations, {len(plan.pas)} PAs, "
        f"{plan.offer_count} offers, {len(plan.holders)} budget holders, "
        f"{len(plan.adverts)} need adverts planned."
    )
    # Thousands of listings: their index jobs are recorded, and `flask reindex` applies them at once.
    with indexing_paused():
        report = load(db.session(), plan, datetime.combine(reference_day, time(9, 0)), _bar)
    elapsed = timer.perf_counter() - started
    if report.nothing_added:
        click.echo("The demo data was already loaded: nothing added.")
    else:
        click.echo("Added: " + ", ".join(f"{n:,} {what}" for what, n in report.added.items() if n))
        if any(report.found.values()):
            click.echo(
                "Already there: "
                + ", ".join(f"{n:,} {what}" for what, n in report.found.items() if n)
            )
    click.echo("In the database now:")
    for label, count in table_counts(db.session()).items():
        click.echo(f"  {label:<28}{count:>8,}")
    click.echo(f'Demo accounts (listed in README.md) use the password "{DEMO_PASSWORD}".')
    click.echo(f"Done in {elapsed:.1f} s.")
    if not report.nothing_added:
        click.echo("Run `flask reindex` to make the new listings searchable.")
