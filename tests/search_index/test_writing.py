"""Writing the index: add, replace, remove, rebuild, several writers, a busy lock."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from search_index import IndexBusy
from search_index.interface import SearchDocument, SearchQuery
from search_index.whoosh_backend import WhooshBackend
from tests.search_index.corpus import CORPUS

QUERIES = [
    SearchQuery(text="gardening"),
    SearchQuery(text="carer", sort="price"),
    SearchQuery(text='"day centre"'),
    SearchQuery(text="care", days=("sat",)),
    SearchQuery(text="", per_page=100),
    SearchQuery(text="physioterapy"),
]


def _snapshot(backend: WhooshBackend) -> list[tuple]:
    """Everything a person would see for each query."""
    out = []
    for query in QUERIES:
        r = backend.search(query)
        out.append(
            (
                r.total,
                [(h.kind, h.id, round(h.score, 4), h.snippet) for h in r.hits],
                r.facets,
                r.suggestion,
            )
        )
    return out


def _found(backend: WhooshBackend, text: str) -> set[str]:
    return {f"{h.kind}:{h.id}" for h in backend.search(SearchQuery(text=text, per_page=100)).hits}


def test_index_adds_and_replaces_by_key(backend: WhooshBackend) -> None:
    backend.index(CORPUS[:3])
    assert backend.keys() == {"offer:1", "offer:2", "offer:3"}
    backend.index([replace(CORPUS[0], title="Hedge trimming", body="Hedges cut back.")])
    assert backend.keys() == {"offer:1", "offer:2", "offer:3"}
    assert _found(backend, "hedge") == {"offer:1"}
    assert "offer:1" not in _found(backend, "mowing")  # the old version is gone
    assert backend.search(SearchQuery()).total == 3


def test_the_last_version_in_one_batch_wins(backend: WhooshBackend) -> None:
    backend.index([CORPUS[0], replace(CORPUS[0], title="Second version")])
    hits = backend.search(SearchQuery()).hits
    assert [h.title for h in hits] == ["Second version"]


def test_remove_deletes_and_ignores_unknown_keys(backend: WhooshBackend) -> None:
    backend.index(CORPUS)
    backend.remove(["offer:2", "pa:1", "offer:999", "nonsense"])
    assert backend.keys() == {d.key for d in CORPUS} - {"offer:2", "pa:1"}
    assert "offer:2" not in _found(backend, "allotment")
    assert backend.search(SearchQuery()).total == len(CORPUS) - 2
    facets = backend.search(SearchQuery()).facets
    assert {f.value: f.count for f in facets["kind"]}["pa"] == 2
    backend.remove([])  # nothing to do


def test_an_edit_is_visible_to_another_searcher_on_the_same_index(tmp_path: Path) -> None:
    writer = WhooshBackend(tmp_path)
    reader = WhooshBackend(tmp_path)
    writer.index(CORPUS[:5])
    assert reader.search(SearchQuery()).total == 5  # the reader's searcher is now open
    writer.index([replace(CORPUS[1], title="Rooftop vegetable growing")])
    assert _found(reader, "rooftop") == {"offer:2"}
    writer.remove(["offer:2"])
    assert _found(reader, "rooftop") == set()
    assert reader.keys() == {d.key for d in CORPUS[:5]} - {"offer:2"}


def test_rebuild_replaces_everything_and_reports_progress(backend: WhooshBackend) -> None:
    backend.index([replace(CORPUS[0], id=500)])
    seen: list[int] = []
    assert backend.rebuild(CORPUS, progress=seen.append) == len(CORPUS)
    assert seen == list(range(1, len(CORPUS) + 1))
    assert backend.keys() == {d.key for d in CORPUS}
    assert backend.rebuild([]) == 0
    assert backend.keys() == set()


def test_rebuild_refuses_a_key_given_twice_and_keeps_the_old_index(
    backend: WhooshBackend,
) -> None:
    backend.index(CORPUS[:2])
    with pytest.raises(ValueError, match="offer:1"):
        backend.rebuild([CORPUS[0], CORPUS[0]])
    assert backend.keys() == {"offer:1", "offer:2"}


def test_readers_see_the_old_index_until_a_rebuild_commits(tmp_path: Path) -> None:
    backend = WhooshBackend(tmp_path)
    backend.index(CORPUS[:4])
    reader = WhooshBackend(tmp_path)
    halfway = threading.Event()
    resume = threading.Event()

    def documents() -> Iterator[SearchDocument]:
        for i, doc in enumerate(CORPUS):
            if i == 10:
                halfway.set()
                resume.wait(10)
            yield doc

    thread = threading.Thread(target=backend.rebuild, args=(documents(),), kwargs={"procs": 1})
    thread.start()
    try:
        assert halfway.wait(10)
        assert reader.keys() == {d.key for d in CORPUS[:4]}  # not a partial index
    finally:
        resume.set()
        thread.join(20)
    assert reader.keys() == {d.key for d in CORPUS}


def test_rebuild_ranks_exactly_like_an_index_built_by_edits(tmp_path: Path) -> None:
    rebuilt = WhooshBackend(tmp_path / "rebuilt")
    rebuilt.rebuild(CORPUS)
    edited = WhooshBackend(tmp_path / "edited")
    # Built in several commits, with an old version of some listings replaced and a listing
    # added then removed: deletions must not change scores.
    edited.index([replace(d, body="An older description of this listing.") for d in CORPUS[:8]])
    edited.index(CORPUS[5:15])
    edited.index([replace(CORPUS[0], id=777)])
    edited.index(CORPUS[:5])
    edited.index(CORPUS[15:])
    edited.remove(["offer:777"])
    assert edited.keys() == rebuilt.keys()
    assert _snapshot(edited) == _snapshot(rebuilt)


def test_a_parallel_rebuild_equals_a_single_process_one(tmp_path: Path) -> None:
    single = WhooshBackend(tmp_path / "single")
    single.rebuild(CORPUS, procs=1)
    parallel = WhooshBackend(tmp_path / "parallel")
    assert parallel.rebuild(CORPUS, procs=2) == len(CORPUS)
    assert parallel.keys() == single.keys()
    assert _snapshot(parallel) == _snapshot(single)


def _index_in_process(index_dir: str, docs: list[SearchDocument], batch: int) -> None:
    backend = WhooshBackend(index_dir, writer_timeout=60)
    for start in range(0, len(docs), batch):
        backend.index(docs[start : start + batch])
    backend.close()


def test_several_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    WhooshBackend(tmp_path)  # created once, as the app does before starting workers
    docs = [replace(CORPUS[i % len(CORPUS)], id=1000 + i) for i in range(120)]
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_index_in_process, args=(str(tmp_path), docs[w::4], 3))
        for w in range(4)
    ]
    for worker in workers:
        worker.start()
    # Meanwhile, search: segments are merged and their files deleted under this reader.
    reader = WhooshBackend(tmp_path)
    searches = 0
    while any(w.is_alive() for w in workers):
        results = reader.search(SearchQuery(text="care", per_page=5))
        assert results.total <= len(docs)
        searches += 1
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    assert searches > 0
    backend = WhooshBackend(tmp_path)
    assert backend.keys() == {d.key for d in docs}
    assert backend.search(SearchQuery()).total == len(docs)


def test_a_writer_that_cannot_get_the_lock_raises_index_busy(tmp_path: Path) -> None:
    holder = WhooshBackend(tmp_path)
    holding = threading.Event()
    release = threading.Event()

    def slow_documents() -> Iterator[SearchDocument]:
        holding.set()
        release.wait(10)
        yield CORPUS[0]

    thread = threading.Thread(target=holder.rebuild, args=(slow_documents(),), kwargs={"procs": 1})
    thread.start()
    try:
        assert holding.wait(10)
        impatient = WhooshBackend(tmp_path, writer_timeout=0.3)
        with pytest.raises(IndexBusy):
            impatient.index(CORPUS[1:2])
        with pytest.raises(IndexBusy):
            impatient.remove(["offer:1"])
    finally:
        release.set()
        thread.join(20)
    impatient.index(CORPUS[1:2])  # free again
    assert holder.keys() == {"offer:1", "offer:2"}


def test_searches_from_several_threads_agree(tmp_path: Path) -> None:
    backend = WhooshBackend(tmp_path)
    backend.rebuild(CORPUS)
    expected = _snapshot(backend)
    results: list[list[tuple]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(5):
                results.append(_snapshot(backend))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    backend.index([replace(CORPUS[3], id=4444)])  # a refresh while others search
    for t in threads:
        t.join(30)
    assert not errors
    after = _snapshot(backend)
    assert after != expected
    assert len(results) == 20
    for seen in results:  # each query saw one whole generation, before or after the edit
        for query_result, before, later in zip(seen, expected, after, strict=True):
            assert query_result in (before, later)


def test_an_existing_index_is_reopened_not_recreated(tmp_path: Path) -> None:
    WhooshBackend(tmp_path).index(CORPUS[:2])
    assert WhooshBackend(tmp_path).keys() == {"offer:1", "offer:2"}


def test_warming_up_changes_nothing_but_speed(tmp_path: Path) -> None:
    built = WhooshBackend(tmp_path / "index")
    built.rebuild(CORPUS)
    fresh = WhooshBackend(tmp_path / "index")
    fresh.warm()
    assert _snapshot(fresh) == _snapshot(built)
    WhooshBackend(tmp_path / "empty").warm()  # an empty index warms up too


def test_an_empty_index_answers_every_query(backend: WhooshBackend) -> None:
    for query in QUERIES:
        results = backend.search(query)
        assert (results.total, results.hits) == (0, [])
    assert backend.keys() == set()
