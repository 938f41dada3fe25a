"""The Whoosh schema of the directory index, and how a SearchDocument is written into it.

Only what the engine needs is kept: the four text fields (indexed with positions, not stored),
the unique key, four numeric columns (price, rating score, latitude, longitude), a sort-key
column (title, then key), an attributes column and one stored tuple with what a hit shows.

Filter values (kind, categories, days, districts served …) are not indexed as Whoosh terms:
each document's values go in one column, which the searcher turns into document masks once per
segment. Indexing them as terms cost a third of the build time (Whoosh's writer spends ~15 µs
per posting) for postings that are only ever read whole.
"""

from __future__ import annotations

import math
from typing import Any

from whoosh import columns, fields
from whoosh.codec.whoosh3 import W3Codec

from search_index.interface import SearchDocument
from search_index.text import DomainAnalyzer, FastPositions, Synonyms

# Text fields and their boosts (title highest). Whoosh multiplies a term's weight in the field
# by the boost at indexing time; BM25F then scores it.
TEXT_FIELDS: dict[str, float] = {"title": 3.0, "provider": 2.0, "keywords": 1.5, "body": 1.0}

# Filter attributes: our name -> SearchDocument attribute (tuples are multi-valued).
ATTRIBUTES: dict[str, str] = {
    "kind": "kind",
    "category": "categories",
    "council": "councils",
    "serves": "serves_districts",
    "venue": "venue_district",
    "deployment": "deployments",
    "unit": "unit",
    "delivery": "delivery",
    "day": "days",
    "time_band": "time_bands",
    "for_age": "for_ages",
    "accessibility": "accessibility",
    "language": "languages",
    "pa_check": "pa_checks",
    "gender": "gender",
    "flag": "",  # online, vacancies
}
SINGLE_VALUED = frozenset({"kind", "venue", "unit", "gender"})
FLAG_ONLINE = "online"
FLAG_VACANCIES = "vacancies"

NO_NUMBER = -1  # price / rating score absent (both are never negative)
NUMERIC_COLUMNS: dict[str, tuple[str, float]] = {
    "price": ("<i4", NO_NUMBER),
    "rating": ("<i4", NO_NUMBER),
    "lat": ("<f8", math.nan),
    "lon": ("<f8", math.nan),
}
_STRUCT_CODES = {"<i4": "i", "<f8": "d"}
SORT_KEY = "sortkey"
ATTRS = "attrs"
ATTR_SEPARATOR = b"\x1f"  # whitespace to str.split(), so never inside a token()
HIT = "hit"
KEY = "key"


class IndexCodec(W3Codec):
    """Whoosh's W3 codec, tuned for an index whose postings are always read whole.

    - No per-block length statistics: Whoosh looks up the document's field length for every
      posting it writes (a fifth of the build time) only to let its own scorer skip blocks.
    - Uncompressed, larger blocks: zlib and per-block pickling cost more, writing and reading,
      than the disk they save.
    Segments remember their codec, so this class must stay importable under this name.
    """

    length_stats = False

    def __init__(self, blocklimit: int = 512, compression: int = 0, inlinelimit: int = 1):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)


def build_schema(synonyms: Synonyms) -> fields.Schema:
    analyzer = DomainAnalyzer(synonyms.phrases())
    spec: dict[str, Any] = {
        KEY: fields.ID(unique=True),
        HIT: fields.STORED(),
        SORT_KEY: fields.COLUMN(columns.VarBytesColumn()),
        ATTRS: fields.COLUMN(columns.VarBytesColumn()),
    }
    for name, boost in TEXT_FIELDS.items():
        spec[name] = fields.TEXT(analyzer=analyzer, field_boost=boost, phrase=True)
        spec[name].format = FastPositions(field_boost=boost)
    for name, (dtype, missing) in NUMERIC_COLUMNS.items():
        spec[name] = fields.COLUMN(columns.NumericColumn(_STRUCT_CODES[dtype], default=missing))
    return fields.Schema(**spec)


def token(value: str) -> str:
    """A filter value as one keyword (values are slugs; any whitespace would split them)."""
    return "_".join(str(value).split())


def sort_key(title: str, key: str) -> bytes:
    """Ties in every sort are broken by title (case-insensitive), then key."""
    return title.casefold().encode("utf-8") + b"\x00" + key.encode("utf-8")


def key_of_sort_key(value: bytes) -> str:
    return value.rsplit(b"\x00", 1)[-1].decode("utf-8")


def encode_attributes(doc: SearchDocument) -> bytes:
    """The document's filter values as ``name=value`` tokens."""
    pairs: list[tuple[str, str]] = []
    for name, attribute in ATTRIBUTES.items():
        if not attribute:
            continue
        value = getattr(doc, attribute)
        values = value if isinstance(value, tuple | list) else ((value,) if value else ())
        pairs.extend((name, v) for v in values)
    pairs += [("flag", FLAG_ONLINE)] * doc.online + [("flag", FLAG_VACANCIES)] * doc.has_vacancies
    return ATTR_SEPARATOR.join(f"{name}={token(value)}".encode() for name, value in pairs)


def decode_attribute(raw: bytes) -> tuple[str, str]:
    name, _, value = raw.decode("utf-8").partition("=")
    return name, value


def to_fields(doc: SearchDocument) -> dict[str, Any]:
    """The Whoosh fields of one document."""
    out: dict[str, Any] = {
        KEY: doc.key,
        "title": doc.title,
        "provider": doc.provider,
        "keywords": doc.keywords,
        "body": doc.body,
        SORT_KEY: sort_key(doc.title, doc.key),
        HIT: (
            doc.kind,
            doc.id,
            doc.title,
            doc.provider,
            doc.body,
            doc.keywords,
            tuple(doc.categories),
            doc.price_pence,
            doc.unit,
        ),
    }
    out[ATTRS] = encode_attributes(doc)
    if doc.price_pence is not None:
        out["price"] = int(doc.price_pence)
    if doc.rating_score is not None:
        out["rating"] = int(doc.rating_score)
    if doc.latitude is not None and doc.longitude is not None:
        out["lat"] = float(doc.latitude)
        out["lon"] = float(doc.longitude)
    return out
