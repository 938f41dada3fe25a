"""Booking benchmark: one-off bookings committed per second by concurrent clients, and whether
any budget stream is overspent on the way.

    .venv/bin/python -m bench.booking_bench [--clients 16] [--processes 1] [--streams 1000]
        [--attempts 4000]
    .venv/bin/python -m bench.booking_bench --database-url sqlite:////tmp/bookingbench.db

Runs in its own database: PostgreSQL ``bookingbench`` by default (created if missing; its schema
dropped and built again by the migrations, its tables emptied before each run, so a database
holding accounts this benchmark did not make is refused). ``--clients`` threads each book through their own
SQLAlchemy Session on the app's engine, all starting together, in two scenarios:

* spread: ``--attempts`` bookings over ``--streams`` holders, each with a direct payment that
  affords all of its share (the issue's target: 200 bookings a second);
* contested: ``--contested-attempts`` bookings all on one direct payment that affords only
  ``--affordable`` of them; the rest must be refused.

Each is run with ``create_booking`` (marketplace.bookings.services) and again with the naive
baseline: the same service with the money moved by read-check-write (the stream read, its
remaining pence checked in Python, then a plain UPDATE writing the new committed pence), which
loses concurrent updates and so books more than the stream holds.

After each run every stream is checked. Overspent: committed plus spent pence beyond the total,
or the active bookings' session prices beyond it (a lost update leaves the stream's own figure
within the total while the bookings are not). Ledger mismatches: ``bookings.ledger.check``.
"""

from __future__ import annotations

import argparse
import itertools
import math
import multiprocessing
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import flask_migrate
from flask import Flask
from sqlalchemy import (
    Engine,
    MetaData,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from marketplace import create_app
from marketplace.accounts.models import User
from marketplace.bookings import ledger
from marketplace.bookings.models import Booking, BookingSession
from marketplace.bookings.services import BookingInput, create_booking
from marketplace.budgets.models import Budget, BudgetStream
from marketplace.clock import financial_year_start, plan_year_end, today
from marketplace.directory.models import Council, Offer, Organisation
from marketplace.errors import DomainError, InsufficientBudget
from marketplace.extensions import DbSession, db, empty_all_tables
from marketplace.holders.models import HolderRecord
from marketplace.search.indexing import indexing_paused

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bookingbench"
EMAIL_DOMAIN = "booking-bench.example"
PRICE = 2000  # pence an hour; every booking is one hour
TARGET = 200  # bookings a second, spread over many streams


@dataclass(frozen=True)
class Attempt:
    holder_id: int
    stream_id: int


@dataclass
class Outcome:
    """What one scenario's run did, and what the streams looked like afterwards."""

    scenario: str
    way: str
    clients: int
    attempts: int
    booked: int = 0
    refused: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process's, every thread's: near ``seconds`` is one core busy
    statements: int = 0  # SQL statements sent by the clients
    latencies: list[float] = field(default_factory=list)
    overspent: int = 0
    mismatches: int = 0


def _database(url: str) -> None:
    """Create the PostgreSQL database ``url`` names if it is missing (SQLite makes its file)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    name = parsed.database or ""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        sys.exit(
            f"{name!r} is not a database name this benchmark will create: use letters, digits, _"
        )
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        found = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not found:
            print(f"creating database {name} …", file=sys.stderr)
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    server.dispose()


def _app(url: str, clients: int, folder: Path) -> Flask:
    """The app on ``url``, its pool big enough for every client at once (and the checks)."""
    options: dict[str, Any] = {
        "pool_size": clients + 2,
        "max_overflow": clients,
        "pool_timeout": 60,
    }
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 60}  # writers wait for each other
    return create_app(
        {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": options,
            "MAIL_DIR": str(folder / "mail"),
            "INDEX_DIR": str(folder / "index"),
            "SITE_URL": "http://localhost",
        }
    )


def _refuse_others(url: str) -> None:
    """Stop, before the schema is touched, unless the database is empty or holds only an
    earlier run's rows: the schema is dropped and every table emptied."""
    engine = db.engine
    tables = inspect(engine).get_table_names()
    if not tables:
        return
    strangers: int | None = 1  # tables, but not this app's
    if "users" in tables:
        with engine.connect() as connection:
            strangers = connection.scalar(
                select(func.count())
                .select_from(User)
                .where(User.email.not_like(f"%@{EMAIL_DOMAIN}"))
            )
    if strangers:
        sys.exit(
            f"{url.split('@')[-1]} holds data this benchmark did not make: give it a database "
            "of its own (it drops the schema and empties every table)"
        )


def _fresh_schema() -> None:
    """Drop whatever is there and build the schema from this checkout's migrations, so a
    database left at a revision since renamed or removed (another branch) still runs."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        else:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            found = MetaData()
            found.reflect(connection)
            found.drop_all(connection)
    flask_migrate.upgrade()


def build(session: DbSession, holders: int, stream_pence: int) -> tuple[int, list[Attempt]]:
    """A council, a provider (with an admin, told of each booking) and its hourly offer, then
    ``holders`` holders each with this plan year's budget in one direct payment of
    ``stream_pence``. Returns the offer's id and each holder's (id, stream id)."""
    council = Council(code="E08000035", name="Leeds City Council", nation="England")
    organisation = Organisation(
        name="Bench Home Care",
        kind="private",
        base_postcode="LS6 2AB",
        base_district="LS6",
        service_districts=["LS6"],
        status="published",
    )
    session.add_all([council, organisation])
    session.flush()
    officer = User(
        email=f"officer@{EMAIL_DOMAIN}",
        name="Bench Officer",
        password_hash="x",
        role="officer",
        council_id=council.id,
    )
    admin = User(
        email=f"admin@{EMAIL_DOMAIN}",
        name="Bench Admin",
        password_hash="x",
        role="provider_admin",
        organisation_id=organisation.id,
    )
    offer = Offer(
        organisation_id=organisation.id,
        title="Home care visits",
        category="personal-care",
        price_pence=PRICE,
        price_unit="hour",
        deliver_home=True,
        status="published",
    )
    session.add_all([officer, admin, offer])
    session.flush()
    holder_ids = list(
        session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": f"holder{n}@{EMAIL_DOMAIN}",
                    "name": f"Holder {n}",
                    "password_hash": "x",
                    "role": "holder",
                }
                for n in range(holders)
            ],
        )
    )
    session.execute(
        insert(HolderRecord),
        [
            {"user_id": h, "council_id": council.id, "postcode": "LS6 2AB", "district": "LS6"}
            for h in holder_ids
        ],
    )
    start = financial_year_start(today())
    budget_ids = list(
        session.scalars(
            insert(Budget).returning(Budget.id, sort_by_parameter_order=True),
            [
                {
                    "holder_id": h,
                    "council_id": council.id,
                    "year_start": start,
                    "year_end": plan_year_end(start),
                    "total_pence": stream_pence,
                    "set_by_id": officer.id,
                }
                for h in holder_ids
            ],
        )
    )
    stream_ids = list(
        session.scalars(
            insert(BudgetStream).returning(BudgetStream.id, sort_by_parameter_order=True),
            [{"budget_id": b, "kind": "dp", "total_pence": stream_pence} for b in budget_ids],
        )
    )
    session.commit()
    return offer.id, [Attempt(h, s) for h, s in zip(holder_ids, stream_ids, strict=True)]


def naive_apply(session: DbSession, stream_id: int, movement: ledger.Movement) -> bool:
    """``ledger.apply`` the obvious way: read the stream, check what is left in Python, then
    write the new figures with an UPDATE that checks nothing. Two bookings that read the stream
    before either writes both pass the check, and the second write overwrites the first."""
    stream = session.get(BudgetStream, stream_id, populate_existing=True)
    assert stream is not None
    more = movement.committed + movement.spent
    if more > stream.remaining_pence:
        raise ledger.refusal(session, stream_id, more)
    session.execute(
        update(BudgetStream)
        .where(BudgetStream.id == stream_id)
        .values(
            committed_pence=stream.committed_pence + movement.committed,
            spent_pence=stream.spent_pence + movement.spent,
        )
        .execution_options(synchronize_session=False)
    )
    return True


@contextmanager
def naive_ledger() -> Iterator[None]:
    """``create_booking`` with ``naive_apply`` in place of ``ledger.apply``: everything else it
    does (checks, rows, notifications) is the service's own, so the two runs differ only in how
    the money is moved. Stops if the service never called it (it moves money some other way
    now, and the baseline would measure the service itself)."""
    calls = multiprocessing.get_context("fork").Value("i", 0)  # seen by forked clients too

    def counted(session: DbSession, stream_id: int, movement: ledger.Movement) -> bool:
        with calls.get_lock():
            calls.value += 1
        return naive_apply(session, stream_id, movement)

    conditional = ledger.apply
    ledger.apply = counted
    try:
        yield
    finally:
        ledger.apply = conditional
    if calls.value == 0:
        sys.exit("create_booking did not call ledger.apply: the naive baseline did not run")


@dataclass
class Share:
    """What one process's clients did (a process's part of an Outcome)."""

    booked: int = 0
    refused: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    statements: int = 0
    cpu_seconds: float = 0.0


def _book_in_threads(
    app: Flask,
    engine: Engine,
    offer_id: int,
    attempts: list[Attempt],
    clients: int,
    start: Callable[[], Any],
) -> Share:
    """``clients`` threads of this process each book their share of ``attempts`` in turn, as
    the holder, in their own session; they begin when ``start()`` returns (after every thread
    has its connection). Counts the statements sent and this process's CPU time."""
    share = Share()
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    start_on = today()

    def client(number: int) -> None:
        booked, refused, errors, latencies = 0, 0, Counter[str](), []
        with app.app_context(), Session(engine) as session:
            ready.wait()
            ready.wait()  # the second time: everyone, in every process, goes
            for attempt in attempts[number::clients]:
                began = time.perf_counter()
                try:
                    user = session.get(User, attempt.holder_id)
                    create_booking(
                        session,
                        user,
                        BookingInput(
                            offer_id=offer_id,
                            holder_id=attempt.holder_id,
                            stream_id=attempt.stream_id,
                            kind="one_off",
                            start_on=start_on,
                            quantity_hundredths=100,
                        ),
                    )
                    booked += 1
                except InsufficientBudget:
                    session.rollback()
                    refused += 1
                except DomainError as error:
                    session.rollback()
                    errors[error.code] += 1
                except Exception as error:  # a deadlock, a constraint: shown in the table
                    session.rollback()
                    errors[type(error).__name__] += 1
                latencies.append(time.perf_counter() - began)
        with lock:
            share.booked += booked
            share.refused += refused
            share.errors.update(errors)
            share.latencies.extend(latencies)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    # Connections opened before the clock starts: the pool is warm, as on a running site.
    warm = [engine.connect() for _ in range(clients)]
    for connection in warm:
        connection.close()
    sent = itertools.count()

    def count(*_: Any) -> None:
        next(sent)  # one step, atomic under the GIL: no lock for the clients to wait on

    event.listen(engine, "before_cursor_execute", count)
    ready.wait()
    start()
    cpu = time.process_time()
    ready.wait()
    for thread in threads:
        thread.join()
    share.cpu_seconds = time.process_time() - cpu
    event.remove(engine, "before_cursor_execute", count)
    share.statements = next(sent)
    return share


def _worker(
    app: Flask,
    offer_id: int,
    attempts: list[Attempt],
    clients: int,
    go: Any,
    results: Any,
) -> None:
    """A forked process's clients: its own connections (the parent's are not shared)."""
    with app.app_context():
        db.engine.dispose(close=False)
        share = _book_in_threads(app, db.engine, offer_id, attempts, clients, go.wait)
    results.put(share)


def run_clients(
    app: Flask,
    engine: Engine,
    offer_id: int,
    attempts: list[Attempt],
    outcome: Outcome,
    processes: int = 1,
) -> None:
    """The outcome's clients book ``attempts``: as threads of this process, or spread over
    ``processes`` forked processes (as a site runs several workers; threads of one interpreter
    share one core's worth of Python). All start together. Fills in the outcome's counts,
    latencies, wall-clock and CPU seconds and the statements sent."""
    if processes <= 1:
        began: list[float] = []
        share = _book_in_threads(
            app,
            engine,
            offer_id,
            attempts,
            outcome.clients,
            lambda: began.append(time.perf_counter()),
        )
        outcome.seconds = time.perf_counter() - began[0]
        shares = [share]
    else:
        forked = multiprocessing.get_context("fork")
        go = forked.Barrier(processes + 1, timeout=300)  # a worker that died: stop, not hang
        results = forked.Queue()
        per_process = [outcome.clients // processes] * processes
        for n in range(outcome.clients % processes):
            per_process[n] += 1
        workers, first = [], 0
        for n, clients in enumerate(per_process):
            # Each process takes whole clients' shares of the attempts, as the threads do.
            mine = [
                a for i, a in enumerate(attempts) if first <= i % outcome.clients < first + clients
            ]
            first += clients
            workers.append(
                forked.Process(
                    target=_worker, args=(app, offer_id, mine, clients, go, results), name=f"b{n}"
                )
            )
        engine.dispose()  # no connection of ours crosses the fork
        for worker in workers:
            worker.start()
        go.wait()
        started = time.perf_counter()
        shares = [results.get(timeout=3600) for _ in workers]
        outcome.seconds = time.perf_counter() - started
        for worker in workers:
            worker.join()
        if any(worker.exitcode for worker in workers):
            sys.exit("a client process failed: see its traceback above")
    for share in shares:
        outcome.booked += share.booked
        outcome.refused += share.refused
        outcome.errors.update(share.errors)
        outcome.latencies.extend(share.latencies)
        outcome.statements += share.statements
        outcome.cpu_seconds += share.cpu_seconds


def check_streams(session: DbSession, outcome: Outcome) -> None:
    """Count the streams overspent (by their own figures or by the bookings made on them) and
    those whose figures differ from their ledger entries."""
    booked = (
        select(Booking.stream_id, func.sum(BookingSession.price_pence).label("pence"))
        .join(BookingSession, BookingSession.booking_id == Booking.id)
        .where(Booking.status == "active", BookingSession.status != "cancelled")
        .group_by(Booking.stream_id)
        .subquery()
    )
    rows = session.execute(
        select(
            BudgetStream.total_pence,
            BudgetStream.committed_pence + BudgetStream.spent_pence,
            func.coalesce(booked.c.pence, 0),
        ).outerjoin(booked, booked.c.stream_id == BudgetStream.id)
    ).all()
    outcome.overspent = sum(1 for total, used, promised in rows if max(used, promised) > total)
    outcome.mismatches = len(ledger.check(session)[1])


def scenario(
    app: Flask,
    args: argparse.Namespace,
    name: str,
    way: str,
    book: Callable[[], AbstractContextManager[None]],
) -> Outcome:
    """Empty the tables, build the scenario's holders, book from every client, check."""
    spread = name == "spread"
    holders = args.streams if spread else 1
    attempts = args.attempts if spread else args.contested_attempts
    per_stream = math.ceil(attempts / holders)
    stream_pence = PRICE * per_stream if spread else PRICE * args.affordable
    print(
        f"{name}, {way}: emptying the tables, building {holders:,} "
        f"holder{'s' if holders != 1 else ''} …",
        file=sys.stderr,
    )
    empty_all_tables()
    with indexing_paused():
        offer_id, holder_streams = build(db.session, holders, stream_pence)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))  # as autovacuum would have, on a live database
        db.session.commit()
    db.session.remove()
    plan = [holder_streams[n % holders] for n in range(attempts)]
    outcome = Outcome(name, way, args.clients, attempts)
    print(f"{name}, {way}: {attempts:,} bookings from {args.clients} clients …", file=sys.stderr)
    with book():
        run_clients(app, db.engine, offer_id, plan, outcome, args.processes)
    check_streams(db.session, outcome)
    db.session.remove()
    return outcome


def _p95_ms(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return 1000 * ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _row(o: Outcome) -> str:
    errors = ", ".join(f"{n} {what}" for what, n in o.errors.most_common()) or "0"
    return (
        f"{o.scenario:<10} {o.way:<15} {o.clients:>7} {o.attempts:>8} {o.booked:>7} "
        f"{o.refused:>7} {o.booked / o.seconds:>10.0f} {o.attempts / o.seconds:>10.0f} "
        f"{_p95_ms(o.latencies):>7.0f} {o.statements / o.attempts:>5.1f} "
        f"{100 * o.cpu_seconds / o.seconds:>6.0f} "
        f"{o.overspent:>9} {o.mismatches:>10}  {errors}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="worker processes the clients are spread over (as a site runs several workers)",
    )
    parser.add_argument("--streams", type=int, default=1000, help="holders in the spread run")
    parser.add_argument("--attempts", type=int, default=4000, help="bookings in the spread run")
    parser.add_argument("--contested-attempts", type=int, default=400)
    parser.add_argument("--affordable", type=int, default=100, help="of the contested attempts")
    args = parser.parse_args()
    if min(args.clients, args.streams, args.attempts, args.contested_attempts) < 1:
        parser.error("--clients, --streams and the attempts must be at least 1")
    if not 1 <= args.processes <= args.clients:
        parser.error("--processes must be between 1 and --clients")
    if not 0 <= args.affordable <= args.contested_attempts:
        parser.error("--affordable must be between 0 and --contested-attempts")
    _database(args.database_url)
    with tempfile.TemporaryDirectory(prefix="booking-bench-") as folder:
        app = _app(args.database_url, args.clients, Path(folder))
        with app.app_context():
            _refuse_others(args.database_url)
            _fresh_schema()
            outcomes = [
                scenario(app, args, name, way, book)
                for name in ("spread", "contested")
                for way, book in (("create_booking", nullcontext), ("naive baseline", naive_ledger))
            ]
            db.session.remove()
            db.engine.dispose()
    _report(args, outcomes)


def _report(args: argparse.Namespace, outcomes: list[Outcome]) -> None:
    backend = make_url(args.database_url).get_backend_name()
    print(
        f"{backend}, {args.clients} clients in {args.processes} "
        f"process{'es' if args.processes != 1 else ''}. spread: {args.attempts:,} one-off bookings over "
        f"{args.streams:,} direct payments that afford them all; contested: "
        f"{args.contested_attempts:,} on one that affords {args.affordable}."
    )
    print(
        "booked/s: bookings committed a second; tried/s: attempts (booked or refused) a second;\n"
        "p95 ms: an attempt's time; SQL: statements an attempt; CPU %: the clients' processes'\n"
        "CPU time over the run's (100 is one core; threads of one interpreter share one);\n"
        "overspent, mismatches: streams, counted after the run; errors: anything not refused."
    )
    print(
        f"{'scenario':<10} {'way':<15} {'clients':>7} {'attempts':>8} {'booked':>7} "
        f"{'refused':>7} {'booked/s':>10} {'tried/s':>10} {'p95 ms':>7} {'SQL':>5} "
        f"{'CPU %':>6} {'overspent':>9} {'mismatches':>10}  errors"
    )
    for outcome in outcomes:
        print(_row(outcome))
    ours = outcomes[0]
    rate = ours.booked / ours.seconds
    print(
        f"create_booking, spread: {rate:.0f} bookings/s "
        f"({'meets' if rate >= TARGET else 'misses'} the {TARGET}/s target)"
    )
    honest = [o for o in outcomes if o.way == "create_booking"]
    if any(o.overspent or o.mismatches or o.errors for o in honest):
        sys.exit("create_booking overspent a stream, broke the ledger or failed: see above")


if __name__ == "__main__":
    main()
