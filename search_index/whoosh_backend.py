"""The Whoosh search backend: Whoosh stores, analyses and locks; numpy matches, counts and ranks.

Whoosh keeps the index on disk (segments, postings with positions, stored hit data, columns),
the writer lock that lets several processes write safely, and the analysis. Searching reads
postings and columns once per segment into numpy arrays (search_index.segments), builds a view
of each index generation over them (search_index.snapshot) and answers queries with array
operations (search_index.engine): filters are cached document masks applied before scoring,
facet counts are AND + popcount over packed bitmaps, and only the requested page is sorted.
Scores are Whoosh's BM25F, computed for the matching documents in one vectorised step.

Segment readers are kept open and reused from one generation to the next; checking for a new
generation costs one directory listing per search. A lock makes one thread at a time search
(Whoosh readers share file handles). Writers take Whoosh's file lock, waiting up to
``writer_timeout`` seconds, so several processes can write without losing updates; a writer
that cannot get the lock raises IndexBusy and writes nothing.

Segments are written uncompressed and not as compound files: opening a compound segment copies
it into memory, and zlib cost a quarter of the build time. The index is bigger on disk (about
4 kB per document) in exchange.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.writing import CLEAR, IndexWriter

from search_index import engine
from search_index.errors import IndexBusy
from search_index.interface import (
    FACET_FIELDS,
    Progress,
    SearchDocument,
    SearchQuery,
    SearchResults,
)
from search_index.schema import (
    KEY,
    NUMERIC_COLUMNS,
    TEXT_FIELDS,
    IndexCodec,
    build_schema,
    to_fields,
)
from search_index.snapshot import Readers, Snapshot
from search_index.text import Synonyms, load_synonyms

log = logging.getLogger(__name__)
T = TypeVar("T")

INDEX_NAME = "MAIN"
# Memory for the postings read from one segment (whole-segment arrays come on top).
SEGMENT_CACHE_BYTES = 128 * 1024 * 1024
WRITER_MEMORY_MB = 256
REBUILD_MEMORY_MB = 512  # per process: the postings of ~40k documents are sorted in memory
PARALLEL_FROM = 5000  # documents from which a rebuild uses several processes
_RETRY_PAUSE = 0.05


def _toc_retry(read: Callable[[], T], attempts: int = 20) -> T:
    """Run something that reads the index's table of contents, retrying when a writer in
    another process replaced it (and deleted the old one) between listing and opening it."""
    for attempt in range(attempts):
        try:
            return read()
        except FileNotFoundError:
            if attempt == attempts - 1:
                raise
            time.sleep(_RETRY_PAUSE / 5)
    raise AssertionError("unreachable")


class WhooshBackend:
    """A SearchBackend over a Whoosh index in ``index_dir`` (created if missing)."""

    def __init__(
        self,
        index_dir: str | Path,
        *,
        writer_timeout: float = 10.0,
        synonyms: Synonyms | None = None,
        build_procs: int | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.writer_timeout = writer_timeout
        self.build_procs = build_procs or min(2, os.cpu_count() or 1)
        self.synonyms = synonyms or load_synonyms()
        self._schema = build_schema(self.synonyms)
        self._ix = self._open_or_create()
        self._lock = threading.RLock()
        self._snapshot: Snapshot | None = None
        self._readers = Readers(self._ix)

    # Opening -----------------------------------------------------------------------------------

    @contextmanager
    def _file_lock(self, name: str) -> Iterator[None]:
        with open(self.index_dir / name, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _open_or_create(self) -> Any:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        # Two processes starting together must not both create (the second would wipe the first).
        with self._file_lock(".create.lock"):
            ix = _toc_retry(self._open_existing)
            if ix is not None:
                if set(ix.schema.names()) == set(self._schema.names()):
                    return ix
                log.warning("Search index at %s has an old schema: recreating it", self.index_dir)
            return whoosh_index.create_in(self.index_dir, self._schema, indexname=INDEX_NAME)

    def _open_existing(self) -> Any:
        if not whoosh_index.exists_in(self.index_dir, indexname=INDEX_NAME):
            return None
        ix = whoosh_index.open_dir(self.index_dir, indexname=INDEX_NAME)
        ix.schema  # noqa: B018 - reads the TOC now, inside the retry
        return ix

    # Writing -----------------------------------------------------------------------------------

    def _writer(self, **options: Any) -> IndexWriter:
        """The index writer, waiting up to ``writer_timeout`` for another writer to finish."""
        deadline = time.monotonic() + self.writer_timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                return self._ix.writer(
                    timeout=max(0.0, min(remaining, 1.0)),
                    codec=IndexCodec(),
                    compound=False,
                    **options,
                )
            except LockError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"The search index is being written by someone else "
                        f"(waited {self.writer_timeout:g}s); try again later."
                    ) from None
                time.sleep(_RETRY_PAUSE)

    @contextmanager
    def _writing(self, **options: Any) -> Iterator[IndexWriter]:
        writer = self._writer(**options)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise

    def index(self, documents: Iterable[SearchDocument]) -> None:
        """Add or replace documents by key, in one commit. Raises IndexBusy if locked out."""
        latest: dict[str, SearchDocument] = {}
        for doc in documents:
            latest[doc.key] = doc  # within a batch, the last version of a key wins
        if not latest:
            return
        with self._writing(limitmb=WRITER_MEMORY_MB) as writer:
            # One searcher for all deletions: update_document() would open one per document.
            with writer.searcher() as searcher:
                for key in latest:
                    writer.delete_by_term(KEY, key, searcher=searcher)
            for doc in latest.values():
                writer.add_document(**to_fields(doc))
            writer.commit()

    def remove(self, keys: Iterable[str]) -> None:
        """Remove documents by key (unknown keys are ignored). Raises IndexBusy if locked out."""
        wanted = set(keys)
        if not wanted:
            return
        with self._writing() as writer:
            with writer.searcher() as searcher:
                for key in wanted:
                    writer.delete_by_term(KEY, key, searcher=searcher)
            writer.commit()

    def rebuild(
        self,
        documents: Iterable[SearchDocument],
        progress: Progress | None = None,
        *,
        procs: int | None = None,
    ) -> int:
        """Replace the whole index with ``documents`` in one commit.

        Readers see the old index until the commit, then the new one: never a partial index.
        ``progress`` is called after each document with the count so far. Large rebuilds
        (from PARALLEL_FROM documents) are indexed by ``build_procs`` processes, each writing a
        segment; ``procs`` overrides that choice.
        """
        stream = iter(documents)
        head: list[SearchDocument] = []
        if procs is None:  # by default, small rebuilds are not worth starting processes for
            head = list(islice(stream, PARALLEL_FROM))
            procs = self.build_procs if len(head) >= PARALLEL_FROM else 1
        options: dict[str, Any] = {"limitmb": REBUILD_MEMORY_MB}
        # Schema changes (new synonym phrases) are only applied by a single writer.
        if procs > 1 and _toc_retry(lambda: self._ix.schema) == self._schema:
            options.update(procs=procs, multisegment=True, batchsize=250)
        count = 0
        seen: set[str] = set()
        with self._writing(**options) as writer:
            if writer.schema != self._schema:
                # The synonyms' phrases (part of the analyzer) changed: the new index uses the
                # current schema. Allowed because nothing has been added to this writer yet.
                writer.schema = self._schema
            for doc in chain(head, stream):
                if doc.key in seen:
                    raise ValueError(f"Document {doc.key} given twice to rebuild")
                seen.add(doc.key)
                writer.add_document(**to_fields(doc))
                count += 1
                if progress:
                    progress(count)
            writer.commit(mergetype=CLEAR)
        indexed = _toc_retry(self._ix.doc_count)
        if indexed != count:  # never report success for a partial index
            raise RuntimeError(f"Rebuild indexed {indexed} of {count} documents")
        return count

    # Reading -----------------------------------------------------------------------------------

    def _current(self) -> Snapshot:
        """The snapshot of the latest generation (cheap when the index has not changed: one
        directory listing)."""
        snapshot = self._snapshot
        if snapshot is None or snapshot.generation != self._ix.latest_generation():
            snapshot = self._snapshot = self._readers.snapshot(SEGMENT_CACHE_BYTES)
        return snapshot

    def search(self, query: SearchQuery) -> SearchResults:
        engine.validate(query)
        with self._lock:
            return engine.run(self._current(), self.synonyms, query)

    def warm(self) -> None:
        """Open the index and build what every query uses, so that the first search after a
        start or a rebuild is as fast as the others (optional; searching does it lazily)."""
        with self._lock:
            snapshot = self._current()
            snapshot.title_rank()
            snapshot.vocabulary()
            for field in FACET_FIELDS:
                snapshot.facet_bitmaps(field)
            for field in TEXT_FIELDS:
                snapshot.lengths(field)
            for column in NUMERIC_COLUMNS:
                snapshot.numbers(column)

    def keys(self) -> set[str]:
        with self._lock:
            return self._current().keys()

    def close(self) -> None:
        with self._lock:
            self._snapshot = None
            self._readers.close()
