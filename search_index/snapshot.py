"""One generation of the index as numpy arrays over its document numbers.

A ``Snapshot`` is one index generation: its segments' readers, end to end (global document
number = segment offset + local number). Everything a query needs is an array indexed by
document number, built on first use from the per-segment caches and kept until the next
generation: which documents are alive, each term's postings with its BM25F score, one boolean
mask per filter value, packed bitmaps for facet counting, prices, ratings, positions and the
title order used to break ties. ``Readers`` opens the snapshots, reusing unchanged segments.

Snapshots are used under the backend's lock: Whoosh readers share file handles and must not be
used by two threads at once.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.reading import SegmentReader

from search_index.schema import (
    ATTRS,
    HIT,
    SINGLE_VALUED,
    SORT_KEY,
    TEXT_FIELDS,
    key_of_sort_key,
)
from search_index.segments import (
    SegmentCache,
    lexicon,
)
from search_index.text import edit_distance, joined
from search_index.text import words as text_words

# BM25F parameters, as Whoosh's default weighting (scoring.BM25F()).
B = 0.75
K1 = 1.2

# Per generation: terms' matches and scores, filter masks (facet bitmaps come on top).
TERM_CACHE_BYTES = 192 * 1024 * 1024
MASK_CACHE_BYTES = 96 * 1024 * 1024

_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_SCORES = np.zeros(0, dtype=np.float32)


@dataclass(frozen=True)
class TermMatches:
    """Where a term (or phrase) occurs in one field: alive doc numbers and their BM25F scores."""

    ids: np.ndarray
    scores: np.ndarray


EMPTY_MATCHES = TermMatches(_EMPTY_IDS, _EMPTY_SCORES)


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, TermMatches):
        return int(value.ids.nbytes + value.scores.nbytes)
    return 64


class _Lru(OrderedDict):
    """A cache bounded by entries and by the bytes of the arrays it holds."""

    def __init__(self, limit: int, budget_bytes: int) -> None:
        super().__init__()
        self.limit = limit
        self.budget = budget_bytes
        self.used = 0

    def put(self, key: Any, value: Any) -> Any:
        if key in self:
            self.used -= _nbytes(self.pop(key))
        self[key] = value
        self.used += _nbytes(value)
        while len(self) > 1 and (len(self) > self.limit or self.used > self.budget):
            _, dropped = self.popitem(last=False)
            self.used -= _nbytes(dropped)
        return value

    def find(self, key: Any) -> Any:
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value


def packed(mask: np.ndarray) -> np.ndarray:
    """A boolean mask as 64-bit words, for AND + popcount over many masks at once."""
    bits = np.packbits(mask)
    pad = (-len(bits)) % 8
    if pad:
        bits = np.concatenate([bits, np.zeros(pad, dtype=np.uint8)])
    return bits.view(np.uint64)


class Readers:
    """The open segment readers of an index, reused from one generation to the next.

    Whoosh's own ``searcher.refresh()`` reopens every segment (its reuse check never matches),
    and opening a compound segment copies it into memory; here a segment is opened once, its
    per-document data read into its cache at once, and its reader kept while the segment lives.
    Reading everything at opening also pins the segment's files: another process merging
    segments may delete them later, but open files stay readable.
    """

    def __init__(self, ix: Any) -> None:
        self.ix = ix
        self.open: dict[str, SegmentReader] = {}
        self.caches: dict[str, SegmentCache] = {}

    def snapshot(self, budget: int) -> Snapshot:
        for attempt in range(10):
            fresh: dict[str, SegmentReader] = {}
            try:
                toc = self.ix._read_toc()
                parts = []
                for segment in toc.segments:
                    segment_id = segment.segment_id()
                    reader = self.open.get(segment_id)
                    if reader is None:
                        reader = fresh[segment_id] = SegmentReader(
                            self.ix.storage, toc.schema, segment, generation=toc.generation
                        )
                        cache = SegmentCache(segment_id, reader.doc_count_all(), budget)
                        cache.load(reader, toc.schema)
                        self.caches[segment_id] = cache
                    parts.append((segment, reader, self.caches[segment_id]))
            except OSError:
                # A writer replaced the TOC or removed a segment while we were opening them.
                for reader in fresh.values():
                    reader.close()
                if attempt == 9:
                    raise
                continue
            break
        self.open.update(fresh)
        live = {segment.segment_id() for segment, _, _ in parts}
        for segment_id in list(self.open):
            if segment_id not in live:
                self.open.pop(segment_id).close()
                self.caches.pop(segment_id, None)
        return Snapshot(toc.generation, toc.schema, parts)

    def close(self) -> None:
        for reader in self.open.values():
            reader.close()
        self.open.clear()
        self.caches.clear()


class Snapshot:
    def __init__(self, generation: int, schema: Any, segments: list[tuple[Any, Any, Any]]) -> None:
        self.generation = generation
        self.schema = schema
        self.parts: list[tuple[Any, int, SegmentCache]] = []
        alive_parts = []
        size = 0
        for segment, reader, cache in segments:
            self.parts.append((reader, size, cache))
            part_alive = np.ones(cache.size, dtype=bool)
            deleted = np.fromiter(segment.deleted_docs(), dtype=np.int64)
            if len(deleted):
                part_alive[deleted] = False
            alive_parts.append(part_alive)
            size += cache.size
        self.size = size
        self.offsets = np.array([offset for _, offset, _ in self.parts], dtype=np.int64)
        self.alive = np.concatenate(alive_parts) if alive_parts else np.zeros(0, dtype=bool)
        self.alive_count = int(self.alive.sum())
        self._terms: _Lru = _Lru(8192, TERM_CACHE_BYTES)
        self._masks: _Lru = _Lru(4096, MASK_CACHE_BYTES)
        self._lazy: dict[Any, Any] = {}
        self.analyzer = self.schema["body"].analyzer

    # Text --------------------------------------------------------------------------------------

    def _lazy_get(self, key: Any, build: Any) -> Any:
        if key not in self._lazy:
            self._lazy[key] = build()
        return self._lazy[key]

    def lengths(self, field: str) -> np.ndarray:
        return self._lazy_get(("lengths", field), lambda: self._concat(("lengths", field)))

    def _concat(self, key: Any) -> np.ndarray:
        """One per-segment array (read when the segment was opened) for the whole index."""
        arrays = [cache.data[key] for _, _, cache in self.parts]
        return np.concatenate(arrays) if arrays else np.zeros(0)

    def average_length(self, field: str) -> float:
        def build() -> float:
            if not self.alive_count:
                return 1.0
            return float(self.lengths(field)[self.alive].sum(dtype=np.float64)) / self.alive_count

        return self._lazy_get(("avgfl", field), build) or 1.0

    def _bm25(self, field: str, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Whoosh's BM25F formula for these postings (``ids`` alive, ``weights`` = frequency x
        field boost).

        Unlike Whoosh, document frequency, document count and average length count live
        documents only, so scores do not depend on how many updates the index has seen (an
        index built incrementally ranks exactly like a rebuilt one).
        """
        idf = math.log(self.alive_count / (len(ids) + 1)) + 1
        avgfl = self.average_length(field)
        lengths = self.lengths(field)[ids]
        norm = K1 * ((1 - B) + B * lengths / avgfl)
        return (idf * (weights * (K1 + 1)) / (weights + norm)).astype(np.float32)

    def term(self, field: str, term: str) -> TermMatches:
        """Alive documents with ``term`` in ``field``, with the term's BM25F score in each."""
        key = ("t", field, term)
        found = self._terms.find(key)
        if found is not None:
            return found
        id_parts, weight_parts = [], []
        for leaf, offset, cache in self.parts:
            postings = cache.postings(leaf, field, term)
            if len(postings.ids):
                id_parts.append(postings.ids + offset)
                weight_parts.append(postings.weights)
        if not id_parts:
            return self._terms.put(key, EMPTY_MATCHES)
        ids = np.concatenate(id_parts)
        weights = np.concatenate(weight_parts)
        keep = self.alive[ids]
        if not keep.all():
            ids, weights = ids[keep], weights[keep]
        return self._terms.put(key, TermMatches(ids, self._bm25(field, ids, weights)))

    def phrase(self, field: str, words: tuple[str, ...]) -> TermMatches:
        """Alive documents where ``words`` occur together, in order, in ``field``, scored as
        the sum of the words' scores.

        Phrases the analyzer indexes as one term (the multi-word synonyms) are found by that
        term; others by checking positions, once per segment.
        """
        if len(words) == 1:
            return self.term(field, words[0])
        key = ("p", field, words)
        found = self._terms.find(key)
        if found is not None:
            return found
        if words in getattr(self.analyzer, "phrases", ()):
            ids = self.term(field, joined(words)).ids
        else:
            parts = []
            for leaf, offset, cache in self.parts:
                local = cache.phrase(leaf, field, words)
                if len(local):
                    parts.append(local + offset)
            ids = np.concatenate(parts) if parts else _EMPTY_IDS
            ids = ids[self.alive[ids]]
        if not len(ids):
            return self._terms.put(key, EMPTY_MATCHES)
        scores = np.zeros(len(ids), dtype=np.float32)
        for word in words:
            matches = self.term(field, word)
            scores += matches.scores[np.searchsorted(matches.ids, ids)]
        return self._terms.put(key, TermMatches(ids, scores))

    def vocabulary(self) -> dict[str, list[str]]:
        """Every word term of the text fields, by first letter (for typo correction)."""

        def build() -> dict[str, list[str]]:
            seen: set[str] = set()
            for leaf, _, cache in self.parts:
                seen |= cache.get(
                    "vocabulary",
                    lambda leaf=leaf: {
                        t for f in TEXT_FIELDS for t in lexicon(leaf, f) if " " not in t
                    },
                )
            by_letter: dict[str, list[str]] = {}
            for t in sorted(seen):
                by_letter.setdefault(t[0], []).append(t)
            return by_letter

        return self._lazy_get("vocabulary", build)

    def cached(self, key: Any, build: Any) -> Any:
        """A per-generation cache for derived answers (bounded, like the term cache)."""
        found = self._terms.find(("cached", key))
        if found is None:
            found = self._terms.put(("cached", key), build())
        return found

    def frequency(self, term: str) -> int:
        """How many alive documents have ``term`` in any text field."""
        key = ("df", term)
        found = self._terms.find(key)
        if found is None:
            ids = [self.term(f, term).ids for f in TEXT_FIELDS]
            found = self._terms.put(key, len(np.unique(np.concatenate(ids))))
        return found

    # Filters -----------------------------------------------------------------------------------

    def _attributes(self, leaf: Any, cache: SegmentCache) -> dict[str, dict[str, np.ndarray]]:
        return cache.data[ATTRS]

    def mask(self, field: str, value: str) -> np.ndarray:
        """Alive documents having ``value`` for filter attribute ``field``."""
        key = (field, value)
        found = self._masks.find(key)
        if found is not None:
            return found
        mask = np.zeros(self.size, dtype=bool)
        for leaf, offset, cache in self.parts:
            ids = self._attributes(leaf, cache).get(field, {}).get(value)
            if ids is not None:
                mask[ids + offset] = True
        mask &= self.alive
        return self._masks.put(key, mask)

    def values(self, field: str) -> list[str]:
        """The values of a filter attribute anywhere in the index."""

        def build() -> list[str]:
            seen: set[str] = set()
            for leaf, _, cache in self.parts:
                seen.update(self._attributes(leaf, cache).get(field, {}))
            return sorted(seen)

        return self._lazy_get(("values", field), build)

    def codes(self, field: str) -> tuple[dict[str, int], np.ndarray]:
        """For a single-valued attribute: value -> code, and each document's code (-1: none)."""

        def build() -> tuple[dict[str, int], np.ndarray]:
            index = {value: i for i, value in enumerate(self.values(field))}
            codes = np.full(self.size, -1, dtype=np.int32)
            for leaf, offset, cache in self.parts:
                for value, ids in self._attributes(leaf, cache).get(field, {}).items():
                    codes[ids + offset] = index[value]
            return index, codes

        return self._lazy_get(("codes", field), build)

    def any_of(self, field: str, values: Iterable[str]) -> np.ndarray:
        """Alive documents having any of ``values`` for ``field``."""
        wanted = list(dict.fromkeys(values))
        if field in SINGLE_VALUED and len(wanted) > 2:
            # Many values (the districts near a postcode): one table lookup per document
            # instead of one mask per value.
            index, codes = self.codes(field)
            table = np.zeros(len(index) + 1, dtype=bool)  # the extra last slot is code -1
            for value in wanted:
                if value in index:
                    table[index[value]] = True
            return table[codes] & self.alive
        out = np.zeros(self.size, dtype=bool)
        for value in wanted:
            out |= self.mask(field, value)
        return out

    def facet_bitmaps(self, field: str) -> tuple[list[str], np.ndarray]:
        """(values, packed bitmap per value) for counting a facet with AND + popcount."""

        def build() -> tuple[list[str], np.ndarray]:
            values = self.values(field)
            if not values:
                return [], np.zeros((0, 0), dtype=np.uint64)
            return values, np.stack([packed(self.mask(field, v)) for v in values])

        return self._lazy_get(("facet", field), build)

    def numbers(self, column: str) -> np.ndarray:
        return self._lazy_get(("numbers", column), lambda: self._concat(("column", column)))

    # Order and stored data ---------------------------------------------------------------------

    def _sort_keys(self) -> list[bytes]:
        def build() -> list[bytes]:
            keys: list[bytes] = []
            for _, _, cache in self.parts:
                keys.extend(cache.data[SORT_KEY])
            return keys

        return self._lazy_get("sortkeys", build)

    def title_rank(self) -> np.ndarray:
        """Each document's place in (title, key) order: the tie-break of every sort."""

        def build() -> np.ndarray:
            runs = [cache.data[("sorted", SORT_KEY)] for _, _, cache in self.parts]
            if not runs:
                return np.zeros(0, dtype=np.int64)
            merged = np.concatenate([keys for keys, _ in runs])
            docs = np.concatenate(
                [
                    order + offset
                    for (_, order), (_, offset, _) in zip(runs, self.parts, strict=True)
                ]
            )
            # Stable sorting of already sorted runs is a merge: fast after a small edit.
            order = np.argsort(merged, kind="stable")
            rank = np.empty(self.size, dtype=np.int64)
            rank[docs[order]] = np.arange(self.size)
            return rank

        return self._lazy_get("rank", build)

    def keys(self) -> set[str]:
        keys = self._sort_keys()
        return {key_of_sort_key(keys[i]) for i in np.flatnonzero(self.alive).tolist()}

    def stored(self, docnum: int) -> tuple:
        part = int(np.searchsorted(self.offsets, docnum, side="right")) - 1
        reader, offset, _ = self.parts[part]
        return reader.stored_fields(int(docnum) - offset)[HIT]

    def surface(self, term: str, typed: str) -> str:
        """A word as written in the documents whose term is ``term``, closest to ``typed``."""
        key = ("surface", term, typed)
        found = self._terms.find(key)
        if found is not None:
            return found
        counts: dict[str, int] = {}
        for field in ("body", "title", "keywords", "provider"):
            for docnum in self.term(field, term).ids[:5].tolist():
                _, _, title, provider, body, keywords, *_ = self.stored(docnum)
                for word in text_words(f"{title} {provider} {keywords} {body}"):
                    if word.term == term:
                        lowered = word.surface.lower()
                        counts[lowered] = counts.get(lowered, 0) + 1
            if counts:
                break
        if not counts:
            return self._terms.put(key, term)
        best = min(counts, key=lambda w: (edit_distance(w, typed, 99), -counts[w], w))
        return self._terms.put(key, best)


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    lat1, lon1 = math.radians(lat), math.radians(lon)
    lat2, lon2 = np.radians(lats), np.radians(lons)
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
