"""Helpers for the index-sync tests: fake backends (fakes, not mocks) and index comparisons."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from search_index.interface import Hit, SearchDocument, SearchQuery, SearchResults


class MemoryBackend:
    """A search backend that keeps documents in a dict; enough to check what was indexed."""

    def __init__(self) -> None:
        self.documents: dict[str, SearchDocument] = {}

    def index(self, documents: Iterable[SearchDocument]) -> None:
        for document in documents:
            self.documents[document.key] = document

    def remove(self, keys: Iterable[str]) -> None:
        for key in keys:
            self.documents.pop(key, None)

    def search(self, query: SearchQuery) -> SearchResults:
        """Words anywhere in the text, the kind and the PA checks; enough for the sync tests."""
        words = query.text.lower().split()
        found = [
            d
            for _, d in sorted(self.documents.items())
            if all(w in f"{d.title} {d.provider} {d.body} {d.keywords}".lower() for w in words)
            and (query.kind is None or d.kind == query.kind)
            and set(query.pa_checks) <= set(d.pa_checks)
        ]
        start = (query.page - 1) * query.per_page
        hits = [
            Hit(
                d.kind,
                d.id,
                d.title,
                d.provider,
                d.categories,
                d.price_pence,
                d.unit,
                None,
                "",
                1.0,
            )
            for d in found[start : start + query.per_page]
        ]
        return SearchResults(total=len(found), page=query.page, per_page=query.per_page, hits=hits)

    def rebuild(self, documents: Iterable[SearchDocument], progress: Any = None) -> int:
        self.documents = {d.key: d for d in documents}
        return len(self.documents)

    def keys(self) -> set[str]:
        return set(self.documents)

    def close(self) -> None:
        pass


class BrokenDisk(OSError):
    pass


class FailingBackend:
    """Wraps a real backend; while ``failing`` every write raises, as a full disk would."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.failing = True
        self.attempts = 0

    def index(self, documents: Iterable[SearchDocument]) -> None:
        self.attempts += 1
        if self.failing:
            raise BrokenDisk("No space left on device")
        self.inner.index(documents)

    def remove(self, keys: Iterable[str]) -> None:
        self.attempts += 1
        if self.failing:
            raise BrokenDisk("No space left on device")
        self.inner.remove(keys)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class SlowBackend:
    """Wraps a real backend and pauses a random moment before each write, widening the gap
    between reading a listing and indexing it, where a stale write could overtake a fresh one."""

    def __init__(self, inner: Any, most: float = 0.2, seed: int = 0) -> None:
        import random

        self.inner = inner
        self.most = most
        self.random = random.Random(seed)

    def _pause(self) -> None:
        import time

        time.sleep(self.random.uniform(0, self.most))

    def index(self, documents: Iterable[SearchDocument]) -> None:
        self._pause()
        self.inner.index(documents)

    def remove(self, keys: Iterable[str]) -> None:
        self._pause()
        self.inner.remove(keys)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
