"""The search index follows the database through an outbox of ``IndexJob`` rows.

Every flush that adds, changes or deletes a listing (an offer, a PA profile or its checks, an
organisation, or a listing's council areas) writes IndexJob rows in the same transaction, so a
change can never reach the database without its index update being recorded. UPDATE and DELETE
statements that bypass the flush (a suspension) are caught too. After the commit the jobs are
applied by ``marketplace.search.sync`` in a new session; a failure is logged and the rows stay,
to be retried by the next commit and by ``flask search-sync``. The user's request never fails
because of the index.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from threading import Lock
from typing import Any

import click
from flask import Flask, current_app, has_app_context
from flask.cli import with_appcontext
from sqlalchemy import Connection, event, insert, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from marketplace.clock import today
from marketplace.directory.models import ListingArea, Offer, Organisation, PACheck, PAProfile
from marketplace.extensions import db
from marketplace.search.documents import count_documents
from marketplace.search.models import IndexJob
from marketplace.search.sync import (
    SYNC_SESSION,
    BusyIndex,
    Key,
    chunks,
    pending_jobs,
    process_jobs,
    reindex,
    sync_all,
    sync_session,
)
from search_index.interface import SearchBackend, SearchDocument

log = logging.getLogger(__name__)

_KEYS = "search_index_keys"  # session.info: keys this transaction queued, to apply after commit
_QUEUED = "search_index_queued"  # session.info: keys with a job row safe from any savepoint
_AREA_KIND = {"offer": "offer", "pa_profile": "pa", "organisation": "organisation"}
AFTER_COMMIT_MAX_ATTEMPTS = 5
EXPIRED_CHECK_DAYS = 7

_paused: ContextVar[bool] = ContextVar("search_indexing_paused", default=False)
_registered = False


# --- the backend ---------------------------------------------------------------------------------


class LazyBackend:
    """Opens the real backend on first use, so commands that never search never open the index."""

    def __init__(self, factory: Callable[[], SearchBackend]) -> None:
        self._factory = factory
        self._backend: SearchBackend | None = None
        self._lock = Lock()

    @property
    def is_open(self) -> bool:
        return self._backend is not None

    @property
    def backend(self) -> SearchBackend:
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = self._factory()
        return self._backend

    def index(self, documents: Iterable[SearchDocument]) -> None:
        self.backend.index(documents)

    def remove(self, keys: Iterable[str]) -> None:
        self.backend.remove(keys)

    def search(self, query: Any) -> Any:
        return self.backend.search(query)

    def rebuild(self, documents: Iterable[SearchDocument], progress: Any = None) -> int:
        return self.backend.rebuild(documents, progress)

    def keys(self) -> set[str]:
        return self.backend.keys()

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()

    def __getattr__(self, name: str) -> Any:
        # Anything else the engine offers (suggestions, statistics) passes straight through.
        return getattr(self.backend, name)


def backend_from_config(config: Mapping[str, Any]) -> LazyBackend:
    """The search backend the settings choose (Whoosh, in INDEX_DIR), opened on first use."""
    index_dir = str(config["INDEX_DIR"])
    timeout = float(config.get("SEARCH_WRITER_TIMEOUT", 10.0))

    def open_whoosh() -> SearchBackend:
        from search_index.whoosh_backend import WhooshBackend

        return WhooshBackend(index_dir, writer_timeout=timeout)

    return LazyBackend(open_whoosh)


# --- recording changes: IndexJob rows in the same transaction ---------------------------------------


@dataclass
class _Changed:
    offers: set[int]
    pas: set[int]
    organisations: set[int]

    @classmethod
    def empty(cls) -> _Changed:
        return cls(set(), set(), set())

    def __bool__(self) -> bool:
        return bool(self.offers or self.pas or self.organisations)

    def add_area(self, kind: str, listing_id: int) -> None:
        target = _AREA_KIND.get(kind)
        if target == "offer":
            self.offers.add(listing_id)
        elif target == "pa":
            self.pas.add(listing_id)
        elif target == "organisation":
            self.organisations.add(listing_id)


def _keys(connection: Connection, changed: _Changed) -> set[Key]:
    """Every document a change touches: an owner's change reaches its offers, an offer's change
    its organisation (whose document sums up its offers)."""
    offers, pas, organisations = set(changed.offers), set(changed.pas), set(changed.organisations)
    for ids in chunks(changed.organisations):
        offers.update(connection.scalars(select(Offer.id).where(Offer.organisation_id.in_(ids))))
    for ids in chunks(changed.pas):
        offers.update(connection.scalars(select(Offer.id).where(Offer.pa_profile_id.in_(ids))))
    for ids in chunks(changed.offers):
        organisations.update(
            connection.scalars(
                select(Offer.organisation_id).where(
                    Offer.id.in_(ids), Offer.organisation_id.is_not(None)
                )
            )
        )
    return (
        {("offer", i) for i in offers}
        | {("pa", i) for i in pas}
        | {("organisation", i) for i in organisations if i is not None}
    )


def _queue(session: Session, connection: Connection, changed: _Changed) -> None:
    """Insert the jobs a change needs, once per listing per transaction."""
    keys = _keys(connection, changed)
    queued: set[Key] = session.info.setdefault(_QUEUED, set())
    new = keys - queued
    if not new:
        return
    connection.execute(
        insert(IndexJob.__table__),
        [{"kind": kind, "listing_id": listing_id} for kind, listing_id in sorted(new)],
    )
    session.info.setdefault(_KEYS, set()).update(new)
    if not session.in_nested_transaction():
        # A savepoint's rows may be rolled back alone: only rows of the outer transaction
        # may stand in for later changes to the same listing.
        queued.update(new)


def _note(changed: _Changed, obj: object) -> None:
    if isinstance(obj, Offer):
        if obj.id is not None:
            changed.offers.add(obj.id)
        if obj.organisation_id is not None:
            changed.organisations.add(obj.organisation_id)
    elif isinstance(obj, PAProfile) and obj.id is not None:
        changed.pas.add(obj.id)
    elif isinstance(obj, PACheck) and obj.pa_profile_id is not None:
        changed.pas.add(obj.pa_profile_id)
    elif isinstance(obj, Organisation) and obj.id is not None:
        changed.organisations.add(obj.id)
    elif isinstance(obj, ListingArea) and obj.listing_id is not None:
        changed.add_area(obj.kind, obj.listing_id)


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    """Queue jobs for what this flush wrote. New rows have their ids by now; ``session.new``,
    ``dirty`` and ``deleted`` still describe the flush."""
    if session.info.get(SYNC_SESSION):
        return
    changed = _Changed.empty()
    for obj in session.new:
        _note(changed, obj)
    for obj in session.deleted:
        _note(changed, obj)
    for obj in session.dirty:
        if session.is_modified(obj):
            _note(changed, obj)
    if changed:
        _queue(session, session.connection(), changed)


def _bulk_statement(state: ORMExecuteState) -> None:
    """UPDATE/DELETE statements bypass the flush (a suspension, areas being recomputed): find the
    rows they will touch first and queue those."""
    if not (state.is_update or state.is_delete) or state.session.info.get(SYNC_SESSION):
        return
    mapper = state.bind_mapper
    model = mapper.class_ if mapper is not None else None
    where = getattr(state.statement, "whereclause", None)
    columns: dict[type, tuple[Any, ...]] = {
        Offer: (Offer.id, Offer.organisation_id),
        PAProfile: (PAProfile.id,),
        Organisation: (Organisation.id,),
        PACheck: (PACheck.pa_profile_id,),
        ListingArea: (ListingArea.kind, ListingArea.listing_id),
    }
    if model not in columns:
        return
    query = select(*columns[model])
    if where is not None:
        query = query.where(where)
    connection = state.session.connection()
    changed = _Changed.empty()
    for row in connection.execute(query):
        if model is Offer:
            changed.offers.add(row[0])
            if row[1] is not None:
                changed.organisations.add(row[1])
        elif model in (PAProfile, PACheck):
            changed.pas.add(row[0])
        elif model is Organisation:
            changed.organisations.add(row[0])
        else:
            changed.add_area(row[0], row[1])
    if changed:
        _queue(state.session, connection, changed)


def _after_commit(session: Session) -> None:
    session.info.pop(_QUEUED, None)
    keys: set[Key] | None = session.info.pop(_KEYS, None)
    if not keys or _paused.get() or session.info.get(SYNC_SESSION):
        return
    if not has_app_context() or "search" not in current_app.extensions:
        return  # the rows wait for `flask search-sync`
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        process_jobs(
            app,
            keys=keys,
            # Jobs that keep failing are left to `flask search-sync`, not every request.
            max_attempts=AFTER_COMMIT_MAX_ATTEMPTS,
            wait=float(app.config.get("SEARCH_SYNC_WAIT", 3.0)),
        )
    except Exception:  # the commit has happened: never fail the request
        log.warning("Search index update failed; the jobs stay queued", exc_info=True)


def _after_rollback(session: Session) -> None:
    session.info.pop(_KEYS, None)
    session.info.pop(_QUEUED, None)


def _register_listeners() -> None:
    """On every SQLAlchemy session, once per process: any code that changes a listing queues
    its index update, whichever session it uses."""
    global _registered
    if _registered:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _bulk_statement)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    _registered = True


@contextmanager
def indexing_paused() -> Iterator[None]:
    """Record jobs but do not process them after each commit (bulk loads: reindex afterwards)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def queue_expired_checks(session: Session, days: int = EXPIRED_CHECK_DAYS) -> int:
    """Queue PAs whose checks expired lately: the clock, not an edit, changed their documents.
    Does not commit."""
    since = today() - timedelta(days=days)
    profiles = set(
        session.scalars(
            select(PACheck.pa_profile_id).where(
                PACheck.expires_on < today(), PACheck.expires_on >= since
            )
        )
    )
    if profiles:
        _queue(session, session.connection(), _Changed(set(), profiles, set()))
    return len(profiles)


# --- wiring ---------------------------------------------------------------------------------------------


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    started = time.perf_counter()
    with sync_session() as session:
        total = count_documents(session)
    with click.progressbar(length=total, label="Indexing listings", show_pos=True) as bar:
        try:
            indexed = reindex(app, bar.update)
        except BusyIndex as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"Indexed {indexed:,} documents in {time.perf_counter() - started:.1f} s.")


@click.command("search-sync")
@with_appcontext
def search_sync_command() -> None:
    """Apply queued search index updates now (run it from a scheduler, e.g. every few minutes)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    expired = queue_expired_checks(db.session())
    db.session.commit()
    result = sync_all(app)
    click.echo(
        f"Applied {result.jobs:,} index job(s): {result.indexed:,} indexed, "
        f"{result.removed:,} removed"
        + (f"; {expired:,} PA(s) with checks expired lately re-queued" if expired else "")
        + "."
    )
    if result.busy or result.failed:
        with sync_session() as session:
            left = pending_jobs(session)
        raise click.ClickException(f"{left:,} job(s) are still queued; see the log for why.")


def init_app(app: Flask) -> None:
    """Record listing changes for the index and process them after each commit."""
    _register_listeners()
    app.cli.add_command(reindex_command)
    app.cli.add_command(search_sync_command)
