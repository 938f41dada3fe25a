"""Per-segment data read from a Whoosh index into numpy arrays, cached while the segment lives.

A Whoosh index is a list of immutable segments (plus a set of deleted document numbers per
segment, which can grow). Anything read from a segment (a term's postings, field lengths, column
values) stays valid for as long as the segment exists, so it is cached per segment: after a commit
only the new, small segment has to be read. Deletions are applied later, per index generation.

Reading postings block by block (instead of posting by posting through the Matcher API) is what
makes this fast; it relies on the layout of Whoosh 2.7's W3 codec, with a slow, generic path for
anything else.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from itertools import accumulate
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import FixedBytesColumn
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.util.numeric import byte_to_length

_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)


class Postings:
    """A term's postings in one segment: sorted local doc numbers and their weights."""

    __slots__ = ("ids", "values", "weights")

    def __init__(self, ids: np.ndarray, weights: np.ndarray, values: list[bytes] | None = None):
        self.ids = ids
        self.weights = weights
        self.values = values

    @property
    def nbytes(self) -> int:
        return int(self.ids.nbytes + self.weights.nbytes) + (
            sum(len(v) for v in self.values) if self.values else 0
        )


EMPTY = Postings(_EMPTY_IDS, _EMPTY_WEIGHTS, [])


def read_postings(reader: SegmentReader, field: str, text: str, values: bool = False) -> Postings:
    """All postings of ``field:text`` in the segment, deleted documents included."""
    fieldobj = reader.schema[field]
    try:
        matcher = reader._terms.matcher(field, fieldobj.to_bytes(text), fieldobj.format)
    except (TermNotFound, KeyError):
        return EMPTY
    id_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    value_parts: list[bytes] = []
    if isinstance(matcher, W3LeafMatcher):
        # Whole blocks at a time: a block holds up to 128 postings, already decoded by Whoosh
        # into arrays; going through matcher.id()/next() would cost a Python call per posting.
        while not matcher._atend:
            matcher._read_ids()
            matcher._read_weights()
            id_parts.append(np.asarray(matcher._ids, dtype=np.int32))
            weight_parts.append(np.asarray(matcher._weights, dtype=np.float32))
            if values:
                matcher._read_values()
                value_parts.extend(matcher._values)
            matcher._next_block()
        ids = np.concatenate(id_parts) if id_parts else _EMPTY_IDS
        weights = np.concatenate(weight_parts) if weight_parts else _EMPTY_WEIGHTS
    else:
        id_list: list[int] = []
        weight_list: list[float] = []
        while matcher.is_active():
            id_list.append(matcher.id())
            weight_list.append(matcher.weight())
            if values:
                value_parts.append(matcher.value())
            matcher.next()
        ids = np.asarray(id_list, dtype=np.int32)
        weights = np.asarray(weight_list, dtype=np.float32)
    return Postings(ids, weights, value_parts if values else None)


def field_lengths(reader: SegmentReader, field: str) -> np.ndarray:
    """Each document's length in ``field`` (as Whoosh stores it: one byte, approximate)."""
    size = reader.doc_count_all()
    raw = fixed_column_bytes(reader, _lenfield(field), LENGTHS_COLUMN, size)
    if raw is None:
        return np.zeros(size, dtype=np.float32)
    return _LENGTH_OF_BYTE[np.frombuffer(raw, dtype=np.uint8)]


def fixed_column_bytes(
    reader: SegmentReader, field: str, column: FixedBytesColumn, size: int
) -> bytes | None:
    """The raw bytes of a fixed-width column for the whole segment (default-padded), or None."""
    perdoc = reader._perdoc
    if not perdoc.has_column(field):
        return None
    creader = perdoc.column_reader(field, column)
    width = creader._fixedlen
    stored = min(creader._count, size)
    raw = creader._dbfile.get(creader._basepos, stored * width) if stored else b""
    if stored < size:
        raw = bytes(raw) + creader._defaultbytes * (size - stored)
    return bytes(raw)


def numeric_column(reader: SegmentReader, field: str, dtype: str, missing: float) -> np.ndarray:
    """A NumericColumn's values for every document of the segment, as a numpy array."""
    size = reader.doc_count_all()
    column = reader.schema[field].column_type
    raw = fixed_column_bytes(reader, field, column, size)
    if raw is None:
        return np.full(size, missing, dtype=dtype)
    # Whoosh packs numeric columns big-endian ("!" in struct terms).
    return np.frombuffer(raw, dtype=">" + dtype[1:]).astype(dtype)


def bytes_column(reader: SegmentReader, field: str) -> list[bytes]:
    """A VarBytesColumn's values for every document of the segment."""
    size = reader.doc_count_all()
    perdoc = reader._perdoc
    if not perdoc.has_column(field):
        return [b""] * size
    creader = perdoc.column_reader(field, reader.schema[field].column_type)
    lengths = getattr(creader, "_lengths", None)
    if lengths is None:  # not the VarBytes layout this fast path knows
        return [creader[i] for i in range(size)]
    # One read of the whole column, then slices (values are stored one after another).
    ends = np.cumsum(np.asarray(lengths, dtype=np.int64)).tolist()
    blob = creader._dbfile.get(creader._basepos, ends[-1] if ends else 0)
    starts = [0, *ends[:-1]]
    values = [blob[a:b] for a, b in zip(starts, ends, strict=True)]
    return values + [b""] * (size - len(values))


def attributes(reader: SegmentReader, column: str, separator: bytes) -> dict[bytes, np.ndarray]:
    """An inverted view of a column of separated tokens: token -> local doc numbers (sorted)."""
    raws = bytes_column(reader, column)
    # Whole-column operations in C: one split, one dict, one map (a Python loop per token took
    # a second per 100k documents).
    counts = np.fromiter(
        (raw.count(separator) + 1 if raw else 0 for raw in raws), dtype=np.int64, count=len(raws)
    )
    tokens = separator.join(raw for raw in raws if raw).split(separator) if counts.any() else []
    if not tokens:
        return {}
    index = {token: code for code, token in enumerate(set(tokens))}
    codes = np.fromiter(map(index.__getitem__, tokens), dtype=np.int32, count=len(tokens))
    docs = np.repeat(np.arange(len(raws), dtype=np.int32), counts)
    order = np.argsort(codes, kind="stable")  # stable: docs stay sorted within a token
    bounds = np.searchsorted(codes[order], np.arange(len(index) + 1))
    grouped = docs[order]
    return {token: grouped[bounds[code] : bounds[code + 1]] for token, code in index.items()}


def lexicon(reader: SegmentReader, field: str) -> list[str]:
    fieldobj = reader.schema[field]
    return [fieldobj.from_bytes(b) for b in reader.lexicon(field)]


class SegmentCache:
    """What has been read from one segment. Filled lazily, by whichever search needs it."""

    def __init__(self, segment_id: str, size: int, budget_bytes: int) -> None:
        self.segment_id = segment_id
        self.size = size
        self._budget = budget_bytes
        self._used = 0
        self._postings: OrderedDict[tuple[str, str, bool], Postings] = OrderedDict()
        self._phrases: OrderedDict[tuple[str, tuple[str, ...]], np.ndarray] = OrderedDict()
        self.data: dict[Any, Any] = {}  # small, whole-segment things: lengths, columns, lexicons

    def postings(
        self, reader: SegmentReader, field: str, text: str, values: bool = False
    ) -> Postings:
        key = (field, text, values)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        if not values:
            with_values = self._postings.get((field, text, True))
            if with_values is not None:
                return with_values
        found = read_postings(reader, field, text, values)
        self._postings[key] = found
        self._used += found.nbytes + 100
        while self._used > self._budget and len(self._postings) > 1:
            _, dropped = self._postings.popitem(last=False)
            self._used -= dropped.nbytes + 100
        return found

    def phrase(self, reader: SegmentReader, field: str, words: tuple[str, ...]) -> np.ndarray:
        """Local doc numbers where ``words`` occur one after another in ``field``."""
        key = (field, words)
        found = self._phrases.get(key)
        if found is None:
            fmt = reader.schema[field].format
            found = _phrase_docs_checked(
                [self.postings(reader, field, w, values=True) for w in words], fmt
            )
            self._phrases[key] = found
            if len(self._phrases) > 256:
                self._phrases.popitem(last=False)
        return found

    def load(self, reader: SegmentReader, schema: Any) -> None:
        """Read the segment's per-document data: field lengths, filter attributes, sort keys and
        numeric columns. Every file of the segment is open afterwards (see Readers)."""
        from search_index.schema import (
            ATTR_SEPARATOR,
            ATTRS,
            NUMERIC_COLUMNS,
            SORT_KEY,
            TEXT_FIELDS,
            decode_attribute,
        )

        for field in TEXT_FIELDS:
            self.data[("lengths", field)] = field_lengths(reader, field)
        by_name: dict[str, dict[str, np.ndarray]] = {}
        for raw, ids in attributes(reader, ATTRS, ATTR_SEPARATOR).items():
            name, value = decode_attribute(raw)
            by_name.setdefault(name, {})[value] = ids
        self.data[ATTRS] = by_name
        keys = bytes_column(reader, SORT_KEY)
        self.data[SORT_KEY] = keys
        # Sorted once per segment: a generation's title order is then a merge of sorted runs.
        array = np.array(keys) if keys else np.zeros(0, dtype="S1")
        order = np.argsort(array, kind="stable")
        self.data[("sorted", SORT_KEY)] = (array[order], order.astype(np.int64))
        for column, (dtype, missing) in NUMERIC_COLUMNS.items():
            self.data[("column", column)] = numeric_column(reader, column, dtype, missing)
        if self.size:
            reader.stored_fields(0)  # opens the stored-fields file

    def get(self, key: Any, load: Any) -> Any:
        if key not in self.data:
            self.data[key] = load()
        return self.data[key]


def _phrase_docs(postings: list[Postings]) -> np.ndarray:
    common = postings[0].ids
    for p in postings[1:]:
        common = np.intersect1d(common, p.ids, assume_unique=True)
    return common


_SINGLE_VALUE_LENGTH = 13  # uint32 count 1 + pickle of [p] for p < 256: b"\x80\x02]q\x00K" p b"a."
_BININT1 = ord("K")
_LIST_HEAD = b"\x80\x02]q\x00("  # pickle protocol 2: a list, then MARK before its items


def _single_positions(values: list[bytes]) -> np.ndarray:
    """The position of each posting holding exactly one position below 256 (-1 otherwise),
    read straight from the bytes of Whoosh's Positions encoding, without unpickling."""
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    buffer = np.frombuffer(b"".join(values), dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    single = lengths == _SINGLE_VALUE_LENGTH
    positions = np.full(len(values), -1, dtype=np.int64)
    at = starts[single]
    simple = buffer[at + 9] == _BININT1
    chosen = np.flatnonzero(single)[simple]
    positions[chosen] = buffer[at[simple] + 10]
    return positions


def _phrase_docs_checked(postings: list[Postings], fmt: Any) -> np.ndarray:
    candidates = _phrase_docs(postings)
    if len(candidates) == 0:
        return candidates
    where = [np.searchsorted(p.ids, candidates) for p in postings]
    values = [
        [p.values[i] for i in w.tolist()]  # type: ignore[index]
        for p, w in zip(postings, where, strict=True)
    ]
    # Most words occur once in a document: check those candidates in one vectorised step.
    singles = [_single_positions(v) for v in values]
    simple = np.all([s >= 0 for s in singles], axis=0)
    together = simple.copy()
    for offset, positions in enumerate(singles[1:], 1):
        together &= positions == singles[0] + offset
    found = [candidates[together]]
    # The others (a word occurring several times, or far into a long text) are decoded.
    slow_decode = fmt.decoder("positions")

    def decode(value: bytes) -> Iterable[int]:
        # Small gaps between positions (each below 256) are one byte each after a "K"
        # opcode: read them without unpickling.
        count = (len(value) - 12) // 2
        if value[4:10] == _LIST_HEAD and value[10:-2:2] == b"K" * count:
            return accumulate(value[11:-2:2])
        return slow_decode(value)

    slow = []
    for i in np.flatnonzero(~simple).tolist():
        starts = set(decode(values[0][i]))
        for offset in range(1, len(postings)):
            starts &= {q - offset for q in decode(values[offset][i])}
            if not starts:
                break
        if starts:
            slow.append(int(candidates[i]))
    found.append(np.asarray(slow, dtype=np.int32))
    return np.sort(np.concatenate(found)).astype(np.int32)
