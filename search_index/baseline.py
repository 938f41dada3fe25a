"""A deliberately naive Whoosh backend: the yardstick the benchmark measures the real one against.

Whoosh used the way its tutorial shows: StemmingAnalyzer text fields and KEYWORD filter fields,
default writer settings, a new searcher per query, MultifieldParser for the text (AND of
words, quotes for phrases; if nothing matches, every word is retried fuzzily), filters as a
Whoosh filter query, facet counts by ``groupedby`` and Whoosh's highlighter for snippets. Not used
by the application.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from whoosh import fields, index, query, sorting
from whoosh.analysis import StemmingAnalyzer
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser

from search_index.interface import (
    FACET_FIELDS,
    FacetCount,
    Hit,
    Progress,
    SearchDocument,
    SearchQuery,
    SearchResults,
)
from search_index.schema import ATTRIBUTES

# The same filter attributes as the real backend (the "flag" pseudo-field aside).
_FILTERS = {name: attribute for name, attribute in ATTRIBUTES.items() if attribute}
_TEXT = ["title", "provider", "keywords", "body"]


def _schema() -> fields.Schema:
    analyzer = StemmingAnalyzer()
    spec: dict = {
        "key": fields.ID(stored=True, unique=True),
        "kind_id": fields.STORED(),
        "title": fields.TEXT(analyzer=analyzer, stored=True, field_boost=3.0),
        "provider": fields.TEXT(analyzer=analyzer, stored=True, field_boost=2.0),
        "keywords": fields.TEXT(analyzer=analyzer, field_boost=1.5),
        "body": fields.TEXT(analyzer=analyzer, stored=True),
        "price": fields.NUMERIC(stored=True, sortable=True),
        "rating": fields.NUMERIC(),
        "flag": fields.KEYWORD(),
        "info": fields.STORED(),
    }
    for name in _FILTERS:
        spec[name] = fields.KEYWORD(lowercase=False, scorable=False)
    return fields.Schema(**spec)


def _fields(doc: SearchDocument) -> dict:
    out: dict = {
        "key": doc.key,
        "kind_id": (doc.kind, doc.id),
        "title": doc.title,
        "provider": doc.provider,
        "keywords": doc.keywords,
        "body": doc.body,
        "info": (doc.categories, doc.unit),
        "flag": " ".join(["online"] * doc.online + ["vacancies"] * doc.has_vacancies),
    }
    if doc.price_pence is not None:
        out["price"] = doc.price_pence
    if doc.rating_score is not None:
        out["rating"] = doc.rating_score
    for name, attribute in _FILTERS.items():
        value = getattr(doc, attribute)
        values = value if isinstance(value, tuple) else ((value,) if value else ())
        if values:
            out[name] = " ".join(values)
    return out


class NaiveWhooshBackend:
    def __init__(self, index_dir: str | Path) -> None:
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        if index.exists_in(index_dir):
            self.ix = index.open_dir(index_dir)
        else:
            self.ix = index.create_in(index_dir, _schema())

    def index(self, documents: Iterable[SearchDocument]) -> None:
        writer = self.ix.writer()
        for doc in documents:
            writer.update_document(**_fields(doc))
        writer.commit()

    def remove(self, keys: Iterable[str]) -> None:
        writer = self.ix.writer()
        for key in keys:
            writer.delete_by_term("key", key)
        writer.commit()

    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        writer = self.ix.writer()
        count = 0
        for doc in documents:
            writer.add_document(**_fields(doc))
            count += 1
        writer.commit()
        return count

    def keys(self) -> set[str]:
        with self.ix.searcher() as searcher:
            return {f["key"] for f in searcher.all_stored_fields()}

    def close(self) -> None:
        pass

    def _filter(self, q: SearchQuery) -> query.Query | None:
        parts: list[query.Query] = []

        def any_of(field: str, values: Iterable[str]) -> None:
            values = list(values)
            if values:
                parts.append(query.Or([query.Term(field, v) for v in values]))

        def all_of(field: str, values: Iterable[str]) -> None:
            parts.extend(query.Term(field, v) for v in values)

        any_of("kind", [q.kind] if q.kind else [])
        any_of("category", q.categories)
        any_of("council", [q.council] if q.council else [])
        any_of("deployment", [q.deployment] if q.deployment else [])
        any_of("unit", [q.unit] if q.unit else [])
        any_of("day", q.days)
        any_of("time_band", q.time_bands)
        any_of("delivery", [q.delivery] if q.delivery else [])
        any_of("for_age", [q.for_age] if q.for_age else [])
        all_of("accessibility", q.accessibility)
        any_of("language", [q.language] if q.language else [])
        all_of("pa_check", q.pa_checks)
        any_of("gender", [q.gender] if q.gender else [])
        if q.vacancies:
            parts.append(query.Term("flag", "vacancies"))
        if q.max_price_pence is not None:
            parts.append(query.NumericRange("price", None, q.max_price_pence))
        if q.free:
            parts.append(query.Or([query.NumericRange("price", 0, 0), query.Term("unit", "free")]))
        if q.min_rating_score is not None:
            parts.append(query.NumericRange("rating", q.min_rating_score, None))
        if q.geo:
            parts.append(
                query.Or(
                    [query.Term("venue", d) for d in q.geo.near_districts]
                    + [query.Term("serves", q.geo.district), query.Term("flag", "online")]
                )
            )
        return query.And(parts) if parts else None

    def search(self, q: SearchQuery) -> SearchResults:
        with self.ix.searcher() as searcher:
            parser = MultifieldParser(_TEXT, self.ix.schema)
            parser.add_plugin(FuzzyTermPlugin())
            text_query = parser.parse(q.text) if q.text.strip() else query.Every()
            facets = (
                {f: sorting.FieldFacet(f, allow_overlap=True) for f in FACET_FIELDS}
                if q.with_facets
                else None
            )
            options: dict = {"filter": self._filter(q), "groupedby": facets}
            if q.sort == "price":
                options["sortedby"] = "price"
            results = searcher.search_page(text_query, q.page, pagelen=q.per_page, **options)
            if results.total == 0 and q.text.strip():
                fuzzy = " ".join(f"{w}~2/1" for w in re.findall(r"\w+", q.text))
                results = searcher.search_page(
                    parser.parse(fuzzy), q.page, pagelen=q.per_page, **options
                )
            hits = []
            for hit in results:
                kind, id_ = hit["kind_id"]
                categories, unit = hit["info"]
                hits.append(
                    Hit(
                        kind=kind,
                        id=id_,
                        title=hit["title"],
                        provider=hit["provider"],
                        categories=categories,
                        price_pence=hit.get("price"),
                        unit=unit,
                        distance_km=None,
                        snippet=hit.highlights("body") or hit["body"][:160],
                        score=hit.score or 0.0,
                    )
                )
            counts = {}
            if facets:
                for name in FACET_FIELDS:
                    groups = results.results.groups(name)
                    counts[name] = [
                        FacetCount(str(v), len(docs))
                        for v, docs in sorted(groups.items(), key=lambda g: -len(g[1]))
                    ]
            return SearchResults(
                total=results.total, page=q.page, per_page=q.per_page, hits=hits, facets=counts
            )
