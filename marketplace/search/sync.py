"""Applying the outbox: IndexJob rows become index writes, under one lock.

Every writer of the index goes through ``sync_lock`` (a file lock beside the index directory,
shared by threads and processes). Inside it the jobs are selected, their listings' CURRENT state
is read from the database, written to the index, and exactly those job rows deleted. Because the
read happens inside the lock, a process that read an older state can never write it after a
process that read a newer one; and a job row is deleted only once a state at least as new as its
change is in the index. A failure keeps the rows (attempts + 1, last_error) for a retry.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.search.documents import all_documents, document_for
from marketplace.search.models import IndexJob
from search_index.interface import SearchBackend, SearchDocument

log = logging.getLogger(__name__)

Key = tuple[str, int]  # (document kind, listing id), e.g. ("offer", 12)

SYNC_SESSION = "search_sync"  # session.info: a session of the indexer itself
CHUNK = 500  # ids per IN (...) list and documents per index write
RETRY_BATCH = 100  # older jobs an after-commit run also retries
ERROR_LIMIT = 2000


class BusyIndex(Exception):
    """Another process kept the indexer's lock for longer than we could wait."""


def backend(app: Flask | None = None) -> SearchBackend:
    search: SearchBackend = (app or current_app).extensions["search"]
    return search


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    items = sorted(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def lock_path(app: Flask) -> Path:
    # Beside the index directory, not in it: a rebuild may replace the directory's contents.
    index_dir = Path(app.config["INDEX_DIR"])
    return index_dir.with_name(index_dir.name + ".sync.lock")


@contextmanager
def sync_lock(path: Path, wait: float) -> Iterator[bool]:
    """Hold the indexer's lock (shared by threads and processes on this machine); yields False
    when another holder kept it for longer than ``wait`` seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.01)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class SyncResult:
    jobs: int = 0
    indexed: int = 0
    removed: int = 0
    failed: int = 0  # job rows left for a retry
    busy: bool = False  # the lock was held elsewhere for too long


def sync_session() -> Session:
    return Session(db.engine, info={SYNC_SESSION: True}, expire_on_commit=False)


def _job_ids(
    session: Session, keys: set[Key] | None, limit: int, max_attempts: int | None
) -> list[int]:
    """Jobs for these listings (whatever their past), plus the ``limit`` oldest others."""
    ids: set[int] = set()
    by_kind: dict[str, list[int]] = {}
    for kind, listing_id in keys or ():
        by_kind.setdefault(kind, []).append(listing_id)
    for kind, listing_ids in by_kind.items():
        for chunk in chunks(listing_ids):
            ids.update(
                session.scalars(
                    select(IndexJob.id).where(
                        and_(IndexJob.kind == kind, IndexJob.listing_id.in_(chunk))
                    )
                )
            )
    if limit > 0:
        older = select(IndexJob.id).order_by(IndexJob.id).limit(limit)
        if max_attempts is not None:
            older = older.where(IndexJob.attempts < max_attempts)
        ids.update(session.scalars(older))
    return sorted(ids)


def _failed(session: Session, job_ids: list[int], error: Exception) -> None:
    """Keep these jobs for a retry, saying why they failed."""
    session.execute(
        update(IndexJob)
        .where(IndexJob.id.in_(job_ids))
        .values(
            attempts=IndexJob.attempts + 1,
            last_error=f"{type(error).__name__}: {error}"[:ERROR_LIMIT],
        )
    )


def _apply(session: Session, search: SearchBackend, job_ids: list[int], result: SyncResult) -> None:
    """Write the current state of these jobs' listings to the index, then delete the jobs.

    A listing whose document cannot be built keeps its jobs without holding up the others; a
    failed index write keeps them all.
    """
    rows = session.execute(
        select(IndexJob.id, IndexJob.kind, IndexJob.listing_id).where(IndexJob.id.in_(job_ids))
    ).all()
    by_key: dict[Key, list[int]] = {}
    for job_id, kind, listing_id in rows:
        by_key.setdefault((kind, listing_id), []).append(job_id)
    documents: list[SearchDocument] = []
    gone: list[str] = []
    broken: list[tuple[list[int], Exception]] = []
    for (kind, listing_id), ids in sorted(by_key.items()):
        try:
            document = document_for(session, kind, listing_id)
        except Exception as error:  # a bad row must not block every other listing
            log.warning("Search document of %s:%s failed: %s", kind, listing_id, error)
            session.rollback()
            broken.append((ids, error))
            continue
        if document is None:
            gone.append(f"{kind}:{listing_id}")
        else:
            documents.append(document)
    session.rollback()  # end the read before the (slower) index write
    done = sorted(set(job_ids) - {i for ids, _ in broken for i in ids})
    try:
        if documents:
            search.index(documents)
        if gone:
            search.remove(gone)
    except Exception as error:  # any failure: keep the jobs, retry later
        log.warning("Search index update of %d job(s) failed: %s", len(job_ids), error)
        session.rollback()
        broken.append((done, error))
        done = []
    for ids, reason in broken:
        _failed(session, ids, reason)
        result.failed += len(ids)
    if done:
        session.execute(delete(IndexJob).where(IndexJob.id.in_(done)))
        result.jobs += len(done)
        result.indexed += len(documents)
        result.removed += len(gone)
    session.commit()


def process_jobs(
    app: Flask,
    *,
    keys: set[Key] | None = None,
    limit: int = RETRY_BATCH,
    max_attempts: int | None = None,
    wait: float = 3.0,
) -> SyncResult:
    """Apply queued jobs to the index: those for ``keys`` plus the ``limit`` oldest (of those
    tried fewer than ``max_attempts`` times, if given).

    Guarantees: the index is written only with state read while holding the lock, and a job row
    is deleted only once its listing's state (at least as new as the job) is in the index.
    """
    result = SyncResult()
    search = backend(app)
    with sync_lock(lock_path(app), wait) as acquired:
        if not acquired:
            result.busy = True
            log.warning("Search index busy; queued jobs wait for the next sync")
            return result
        with sync_session() as session:
            job_ids = _job_ids(session, keys, limit, max_attempts)
            session.rollback()
            for chunk in chunks(job_ids):
                _apply(session, search, chunk, result)
    return result


def sync_all(app: Flask, wait: float = 60.0) -> SyncResult:
    """Process every queued job, oldest first, until none is left or no more can be applied.

    ``failed`` in the result counts the jobs of the last round that failed (still queued).
    """
    total = SyncResult()
    while True:
        result = process_jobs(app, limit=CHUNK, wait=wait)
        total.jobs += result.jobs
        total.indexed += result.indexed
        total.removed += result.removed
        total.failed = result.failed
        total.busy = result.busy
        if result.busy or result.jobs == 0:
            return total


def reindex(app: Flask, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database, then drop the jobs it made redundant.

    Jobs queued before the rebuild started are covered by it and deleted; any queued during it
    stay and are applied afterwards (the rebuild holds the lock, so they cannot be applied to
    the old index and then be overwritten).
    """
    search = backend(app)
    with sync_lock(lock_path(app), wait=600.0) as acquired:
        if not acquired:
            raise BusyIndex("Another process kept the search index busy; try again.")
        with sync_session() as session:
            earlier = list(session.scalars(select(IndexJob.id)))
            session.rollback()

            def counted() -> Iterator[SearchDocument]:
                for document in all_documents(session):
                    if progress is not None:
                        progress(1)
                    yield document

            indexed = search.rebuild(counted())
            session.rollback()
            for chunk in chunks(earlier):
                session.execute(delete(IndexJob).where(IndexJob.id.in_(chunk)))
            session.commit()
    sync_all(app)
    return indexed


def pending_jobs(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(IndexJob)) or 0
