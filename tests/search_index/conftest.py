"""Engine tests: a Whoosh index in a temporary folder, no database and no Flask app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search_index.whoosh_backend import WhooshBackend
from tests.search_index.corpus import CORPUS


@pytest.fixture(autouse=True)
def _clean_tables() -> Iterator[None]:
    """Overrides the suite-wide table cleaning: these tests never touch the database."""
    yield


@pytest.fixture(scope="module")
def corpus_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WhooshBackend]:
    """The fixed corpus, indexed once per test module (read-only: tests must not write)."""
    backend = WhooshBackend(tmp_path_factory.mktemp("corpus-index"))
    backend.rebuild(CORPUS)
    yield backend
    backend.close()


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[WhooshBackend]:
    """An empty index for tests that write."""
    b = WhooshBackend(tmp_path / "index")
    yield b
    b.close()
