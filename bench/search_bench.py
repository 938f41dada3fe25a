"""Search benchmark: the Whoosh backend beside a naive Whoosh baseline, on synthetic offers.

    .venv/bin/python -m bench.search_bench [--sizes 10000 100000] [--queries 240]

For each size: build time (rebuild of N documents), query latency (p50/p95/p99/max, in ms,
every query asking for facet counts) over a fixed mix of single words, two-word queries,
phrases, typos, filters, postcode radius and sorts, run twice (pass 1: each query and most
terms seen for the first time; pass 2: the same queries again), and the time from an edit
(index() of one changed document) until a search finds it, in the writing process and in a
second reader of the same index. Prints a table; nothing is written outside a temporary folder.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bench.corpus import TOWNS, geo_filter, offers, town_districts, vocabulary
from marketplace.directory import vocab
from search_index.baseline import NaiveWhooshBackend
from search_index.interface import SearchQuery
from search_index.whoosh_backend import WhooshBackend

FIXED_TEXTS = [
    "gardening",
    "care",
    "support",
    "dementia",
    "swimming",
    "transport",
    "autism",
    "respite",
    "befriending",
    "cooking",
    "carer",
    "personal assistant",
    "help with shopping",
    "dementia day centre",
    "carer who speaks urdu",
    '"personal care"',
    '"day centre"',
    '"short break"',
    '"meal preparation"',
    "gardning",
    "physioterapy",
    "clening",
    "befreinding",
    "demntia",
    "",
]


def query_mix(count: int, seed: int = 5) -> list[SearchQuery]:
    """The fixed queries, each alone and with filters, then generated ones up to ``count``."""
    rng = random.Random(seed)
    words = vocabulary().words
    common, rare = words[:400], words[400:]
    districts = [d.code for ds in town_districts().values() for d in ds]
    categories = [c.slug for c in vocab.CATEGORIES]

    def filters() -> dict:
        out: dict = {}
        roll = rng.random()
        if roll < 0.25:
            out["categories"] = (rng.choice(categories),)
        if rng.random() < 0.2:
            out["days"] = tuple(rng.sample([d for d, _ in vocab.DAYS], rng.randint(1, 2)))
        if rng.random() < 0.15:
            out["delivery"] = rng.choice(["home", "venue", "online"])
        if rng.random() < 0.15:
            out["max_price_pence"] = rng.choice([1000, 2000, 3000])
        if rng.random() < 0.1:
            out["language"] = rng.choice(["ur", "pl", "cy", "pa"])
        if rng.random() < 0.1:
            out["kind"] = rng.choice(["offer", "pa"])
        if rng.random() < 0.1:
            out["for_age"] = rng.choice(["children", "adults", "older"])
        if rng.random() < 0.3:
            out["geo"] = geo_filter(rng.choice(districts), rng.choice([5, 10, 20]))
            if rng.random() < 0.4:
                out["sort"] = "distance"
        elif rng.random() < 0.1:
            out["sort"] = "price"
        return out

    def typo(word: str) -> str:
        i = rng.randint(1, len(word) - 2)
        return (
            word[:i] + word[i + 1 :]
            if rng.random() < 0.5
            else word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        )

    queries = [SearchQuery(text=t) for t in FIXED_TEXTS]
    queries += [SearchQuery(text=t, **filters()) for t in FIXED_TEXTS]
    queries += [
        SearchQuery(text="", categories=("gardening",), days=("sat",)),
        SearchQuery(text="care", geo=geo_filter("LS6", 10)),
        SearchQuery(text="", geo=geo_filter("M14", 5), sort="distance"),
        SearchQuery(text="support", delivery="home", max_price_pence=2000, sort="price"),
    ]
    while len(queries) < count:
        roll = rng.random()
        if roll < 0.35:
            text = rng.choice(common)
        elif roll < 0.5:
            text = rng.choice(rare)
        elif roll < 0.75:
            text = f"{rng.choice(common)} {rng.choice(common)}"
        elif roll < 0.85:
            text = f'"{rng.choice(common[:80])} {rng.choice(common[:80])}"'
        else:
            text = typo(rng.choice([w for w in common if len(w) >= 6]))
        queries.append(SearchQuery(text=text, page=1 if rng.random() < 0.9 else 2, **filters()))
    return queries[:count]


@dataclass
class Figures:
    name: str
    build_s: float
    warm_s: float
    passes: list[list[float]]
    edit_visible_ms: list[float]
    reader_first_ms: list[float]


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _timed(backend: object, queries: list[SearchQuery]) -> list[float]:
    out = []
    search: Callable = backend.search  # type: ignore[attr-defined]
    for q in queries:
        start = time.perf_counter()
        search(q)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _edits(make: Callable[[Path], object], folder: Path, docs: list, times: int) -> tuple:
    writer = make(folder)
    reader = make(folder)
    # Both stand for long-running processes that have already searched.
    writer.search(SearchQuery(text="care"))  # type: ignore[attr-defined]
    reader.search(SearchQuery(text="care"))  # type: ignore[attr-defined]
    visible, reader_first = [], []
    for i in range(times):
        word = f"zebrafinch{chr(ord('a') + i)}"
        original = docs[i * 37 % len(docs)]
        doc = replace(original, title=f"{original.title} {word}")
        start = time.perf_counter()
        writer.index([doc])  # type: ignore[attr-defined]
        while writer.search(SearchQuery(text=word)).total != 1:  # type: ignore[attr-defined]
            time.sleep(0.001)
        visible.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        found = reader.search(SearchQuery(text=word)).total  # type: ignore[attr-defined]
        reader_first.append((time.perf_counter() - start) * 1000)
        assert found == 1
    return visible, reader_first


def run(
    name: str, make: Callable[[Path], object], docs: list, queries: list, edits: int
) -> Figures:
    def note(what: str) -> None:
        print(f"  {name} {len(docs):,}: {what}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as folder:
        note("building")
        backend = make(Path(folder))
        gc.collect()
        start = time.perf_counter()
        backend.rebuild(docs)  # type: ignore[attr-defined]
        build = time.perf_counter() - start
        start = time.perf_counter()
        if hasattr(backend, "warm"):
            backend.warm()  # what a web process does at start-up
        warm = time.perf_counter() - start
        note("querying")
        passes = [_timed(backend, queries), _timed(backend, queries)]
        note("editing")
        visible, reader_first = _edits(make, Path(folder), docs, edits)
        backend.close()  # type: ignore[attr-defined]
    return Figures(name, build, warm, passes, visible, reader_first)


def _row(size: int, f: Figures) -> str:
    cells = [f"{size:>7,}", f"{f.name:<8}", f"{f.build_s:8.1f}", f"{f.warm_s:6.2f}"]
    for latencies in f.passes:
        cells += [f"{_percentile(latencies, p):7.1f}" for p in (50, 95, 99)]
        cells.append(f"{max(latencies):7.0f}")
    cells.append(f"{statistics.median(f.edit_visible_ms):8.0f}")
    cells.append(f"{max(f.edit_visible_ms):6.0f}")
    cells.append(f"{statistics.median(f.reader_first_ms):8.0f}")
    return " ".join(cells)


HEADER = (
    "   size engine    build s warm s | pass 1: p50     p95     p99     max |"
    "  pass 2: p50     p95     p99     max | edit→visible ms (med, max) | reader 1st ms"
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--edits", type=int, default=8)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    queries = query_mix(args.queries)
    print(f"{len(queries)} queries (all with facet counts); towns: {', '.join(TOWNS)}")
    rows = []
    for size in args.sizes:
        docs = list(offers(size))
        engines: list[tuple[str, Callable[[Path], object]]] = [("whoosh+", WhooshBackend)]
        if not args.no_baseline:
            engines.append(("naive", NaiveWhooshBackend))
        for name, make in engines:
            figures = run(name, make, docs, queries, args.edits)
            rows.append(_row(size, figures))
            print(rows[-1], flush=True)
    print()
    print("Latency in ms. whoosh+ = search_index.whoosh_backend; naive = search_index.baseline")
    print(HEADER)
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
