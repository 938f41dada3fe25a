"""Search of the directory, behind one interface.

Only the backends in this package know which engine is used (Whoosh first; PostgreSQL later).
The rest of the code builds ``SearchDocument``s, asks with a ``SearchQuery`` and reads
``SearchResults``.
"""

from search_index.errors import IndexBusy
from search_index.interface import (
    FACET_FIELDS,
    FacetCount,
    GeoFilter,
    Hit,
    SearchBackend,
    SearchDocument,
    SearchQuery,
    SearchResults,
)

__all__ = [
    "FACET_FIELDS",
    "FacetCount",
    "GeoFilter",
    "Hit",
    "IndexBusy",
    "SearchBackend",
    "SearchDocument",
    "SearchQuery",
    "SearchResults",
]
