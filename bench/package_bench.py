"""Package builder benchmark: alternatives (and the package checks) for a 20-line plan.

    .venv/bin/python -m bench.package_bench [--offers 10000] [--councils 10] [--runs 21]
    DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m bench.package_bench

Builds a synthetic directory (``--offers`` offers across every category, ``--councils`` councils
of real postcode districts, organisations with ratings) in a temporary SQLite database under /tmp,
or in the database DATABASE_URL names (it must be empty: the benchmark creates its tables and
drops them at the end), then one holder with a budget in four streams and a 20-line plan of
directory services. It times, each run in a fresh session starting from the plan's id:

* ``alternatives_for_plan`` (marketplace.packages.alternatives);
* the naive baseline: for each line, load every offer of its category and keep or drop each one
  in Python (owner, pay flag, area looked up one by one), ranked by the same rule;
* ``check_package`` with ``alternatives_for_plan``, when marketplace.packages.rules has it
  (the issue's target: 200 ms for a 20-line package over 10k offers).

Prints median, p95 and max in ms and the SQL statements per run. The two ways must suggest the
same offers; the benchmark stops if they do not.
"""

from __future__ import annotations

import argparse
import importlib
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event, insert, select, text

from bench.harness import empty_database
from marketplace import geo
from marketplace.accounts.models import User
from marketplace.budgets.models import Budget, BudgetStream
from marketplace.directory import vocab
from marketplace.directory.models import (
    Council,
    CouncilDistrict,
    ListingArea,
    Offer,
    Organisation,
)
from marketplace.extensions import db
from marketplace.holders.models import HolderRecord
from marketplace.packages import alternatives
from marketplace.plans.models import PlanLine, PlanOutcome, SupportPlan, plan_line_outcomes

AREAS = ("LS", "M", "BD", "S", "B", "L", "NE", "BS", "NG", "CF", "G", "EH", "SO", "PL", "YO")
UNITS = ("hour",) * 7 + ("session", "session", "day")
LINES = 20
HOLDER_DISTRICT = "LS6"


def _council_districts(count: int) -> list[list[str]]:
    known = sorted(geo.districts())
    out = []
    for area in AREAS[:count]:
        codes = [c for c in known if re.fullmatch(rf"{area}\d+[A-Z]?", c)]
        out.append(codes)
    return out


def build(session: Any, offers: int, councils: int, seed: int = 6) -> int:
    """Write the directory, the holder, the budget and the plan; return the plan's id."""
    rng = random.Random(seed)
    areas = _council_districts(councils)
    session.execute(
        insert(Council),
        [
            {"id": i + 1, "code": f"E0{i + 1:07d}", "name": f"Council {i + 1}", "nation": "England"}
            for i in range(len(areas))
        ],
    )
    session.execute(
        insert(CouncilDistrict),
        [{"council_id": i + 1, "district": d} for i, codes in enumerate(areas) for d in codes],
    )
    organisations = max(1, offers // 10)
    org_council: dict[int, int] = {}
    rows = []
    for n in range(1, organisations + 1):
        council = rng.randrange(len(areas))
        org_council[n] = council + 1
        regulated = rng.random() < 0.4
        kind = "council_run" if rng.random() < 0.03 else rng.choice(("private", "voluntary"))
        rows.append(
            {
                "id": n,
                "name": f"Provider {n}",
                "kind": kind,
                "base_postcode": "",
                "base_district": rng.choice(areas[council]),
                "service_councils": [f"E0{council + 1:07d}"],
                "service_districts": [],
                "regulator": "cqc" if regulated else "none",
                "rating": rng.choice(("outstanding", "good", "requires_improvement", None))
                if regulated
                else None,
                "status": "published" if rng.random() < 0.97 else "suspended",
            }
        )
    session.execute(insert(Organisation), rows)
    categories = [c.slug for c in vocab.CATEGORIES]
    offer_rows, area_rows = [], []
    for n in range(1, offers + 1):
        org = rng.randint(1, organisations)
        category = rng.choice(categories)
        unit = rng.choice(UNITS)
        free = rng.random() < 0.03
        mode = rng.random()
        venue = mode < 0.3
        online = 0.3 <= mode < 0.4
        district = rng.choice(areas[org_council[org] - 1]) if venue else None
        offer_rows.append(
            {
                "id": n,
                "organisation_id": org,
                "title": f"Offer {n}",
                "category": category,
                "price_pence": 0 if free else rng.randrange(900, 4000, 5),
                "price_unit": "free" if free else unit,
                "pay_dp": category != vocab.LONG_TERM_RESIDENTIAL and rng.random() < 0.9,
                "pay_managed": rng.random() < 0.9,
                "pay_isf": rng.random() < 0.9,
                "deliver_home": not venue and not online,
                "deliver_venue": venue,
                "deliver_online": online,
                "venue_address": "1 High Street" if venue else "",
                "venue_district": district,
                "vacancies": rng.choice((None, None, None, 0, 3)),
                "capacity": 10,
                "status": "published" if rng.random() < 0.95 else "draft",
            }
        )
        if offer_rows[-1]["status"] == "published":
            area_rows.append({"kind": "offer", "listing_id": n, "council_id": org_council[org]})
    session.execute(insert(Offer), offer_rows)
    session.execute(insert(ListingArea), area_rows)
    return _holder_and_plan(session, rng, offer_rows, org_council)


def _holder_and_plan(
    session: Any, rng: random.Random, offer_rows: list[dict], org_council: dict[int, int]
) -> int:
    holder = User(email="holder@example.com", name="Holder", password_hash="x", role="holder")
    session.add(holder)
    session.flush()
    session.add(
        HolderRecord(user_id=holder.id, council_id=1, postcode="LS6 2AB", district=HOLDER_DISTRICT)
    )
    start = date(2025, 4, 1)
    budget = Budget(
        holder_id=holder.id,
        council_id=1,
        year_start=start,
        year_end=start.replace(year=start.year + 1) - timedelta(days=1),
        total_pence=8_000_000,
        set_by_id=holder.id,
    )
    budget.streams = [
        BudgetStream(kind="dp", total_pence=3_000_000),
        BudgetStream(kind="managed", total_pence=3_000_000),
        BudgetStream(kind="isf", organisation_id=1, total_pence=1_500_000),
        BudgetStream(kind="other", label="Access to Work", total_pence=500_000),
    ]
    plan = SupportPlan(holder_id=holder.id, council_id=1, year_start=start, created_by_id=holder.id)
    plan.outcomes = [
        PlanOutcome(code=c, position=i) for i, c in enumerate(("independence", "control"))
    ]
    session.add_all([budget, plan])
    session.flush()
    local = [
        r
        for r in offer_rows
        if r["status"] == "published"
        and org_council[r["organisation_id"]] == 1
        and r["price_unit"] != "free"
    ]
    chosen = rng.sample(local, LINES)
    for i, row in enumerate(chosen):
        stream = budget.streams[i % len(budget.streams)]
        plan.lines.append(
            PlanLine(
                kind="offer",
                offer_id=row["id"],
                description=row["title"],
                quantity_hundredths=rng.choice((100, 200, 600)),
                unit_price_pence=row["price_pence"],
                stream_id=stream.id,
                start_on=start,
                position=i,
            )
        )
    session.flush()
    session.execute(
        insert(plan_line_outcomes),
        [{"line_id": line.id, "outcome_id": plan.outcomes[0].id} for line in plan.lines],
    )
    session.commit()
    return plan.id


def naive_alternatives(session: Any, plan: SupportPlan) -> dict[int, list[Any]]:
    """The obvious way: per line, every offer of the category, each kept or dropped in turn."""
    record = session.get(HolderRecord, plan.holder_id)
    home = geo.districts().get(record.district)
    found: dict[int, list[Any]] = {}
    for line in plan.lines:
        if not (line.kind == "offer" and line.offer and line.stream and line.unit_price_pence):
            continue
        kept = []
        for offer in session.scalars(select(Offer).where(Offer.category == line.offer.category)):
            owner = offer.organisation
            if offer.status != "published" or owner is None or owner.status != "published":
                continue
            kind = line.stream.kind
            if kind != "other" and not getattr(offer, f"pay_{kind}"):
                continue
            if kind == "dp" and owner.kind == vocab.COUNCIL_RUN:
                continue
            if offer.vacancies == 0:
                continue
            listed = session.get(ListingArea, ("offer", offer.id, record.council_id))
            if listed is None and not offer.deliver_online:
                continue
            kept.append(offer)
        found[line.id] = alternatives.rank_offers(line, kept, home)
    return found


def _timed(
    plan_id: int, work: Callable[[Any, SupportPlan], Any], runs: int
) -> tuple[list[float], int, Any]:
    """Each run in a fresh session from the plan's id, as a request would; the SQL statements
    of the first run are counted."""
    times: list[float] = []
    statements = 0
    result = None
    for i in range(runs):
        db.session.remove()
        count = [0]

        def counter(*_: Any, _count: list[int] = count) -> None:
            _count[0] += 1

        event.listen(db.engine, "before_cursor_execute", counter)
        start = time.perf_counter()
        plan = db.session.get(SupportPlan, plan_id)
        assert plan is not None
        result = work(db.session, plan)
        times.append((time.perf_counter() - start) * 1000)
        event.remove(db.engine, "before_cursor_execute", counter)
        if i == 0:
            statements = count[0]
    return times, statements, result


def _ids(found: dict[int, list[Any]]) -> dict[int, list[int]]:
    return {line_id: [a.offer.id for a in items] for line_id, items in found.items()}


def _row(name: str, times: list[float], statements: int) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{name:<34} {statistics.median(times):9.1f} {p95:9.1f} {max(times):9.1f} {statements:6}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--councils", type=int, default=10, choices=range(1, len(AREAS) + 1))
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--baseline-runs", type=int, default=5)
    args = parser.parse_args()
    with empty_database("package-bench-"):
        _run(args)


def _run(args: argparse.Namespace) -> None:
    print(f"building {args.offers:,} offers in {args.councils} councils …", file=sys.stderr)
    start = time.perf_counter()
    plan_id = build(db.session, args.offers, args.councils)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))  # as autovacuum would have, on a live database
        db.session.commit()
    built = time.perf_counter() - start
    backend = db.engine.dialect.name
    print(f"{backend}: {args.offers:,} offers built in {built:.1f} s; a {LINES}-line plan")
    rows = []
    fast, statements, fast_found = _timed(plan_id, alternatives.alternatives_for_plan, args.runs)
    rows.append(_row("alternatives_for_plan", fast, statements))
    slow, slow_statements, slow_found = _timed(plan_id, naive_alternatives, args.baseline_runs)
    rows.append(_row("naive baseline", slow, slow_statements))
    if _ids(fast_found) != _ids(slow_found):
        sys.exit("alternatives_for_plan and the baseline disagree")
    suggested = sum(len(v) for v in fast_found.values())
    try:
        rules = importlib.import_module("marketplace.packages.rules")
    except ImportError:
        rules = None
    check_package = getattr(rules, "check_package", None)
    if check_package is not None:

        def both(session: Any, plan: SupportPlan) -> Any:
            return check_package(session, plan), alternatives.alternatives_for_plan(session, plan)

        checks, check_statements, _ = _timed(plan_id, lambda s, p: check_package(s, p), args.runs)
        rows.append(_row("check_package", checks, check_statements))
        together, together_statements, _ = _timed(plan_id, both, args.runs)
        rows.append(_row("check_package + alternatives", together, together_statements))
    print(f"{suggested} alternatives suggested over {len(fast_found)} lines (same both ways)")
    print("ms per call, each in a fresh session from the plan's id; SQL: statements per call")
    print(f"{'':<34} {'median':>9} {'p95':>9} {'max':>9} {'SQL':>6}")
    for row in rows:
        print(row)
    speed_up = statistics.median(slow) / statistics.median(fast)
    print(f"alternatives_for_plan median: {speed_up:.0f}x faster than the baseline")


if __name__ == "__main__":
    main()
