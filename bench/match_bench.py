"""Matching benchmark: one need advert in Leeds (LS6) against 5,000 PAs and 200 provider services.

    .venv/bin/python -m bench.match_bench [--pas 5000] [--offers 200] [--runs 21]
    DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m bench.match_bench

Builds a synthetic directory in a temporary SQLite database under /tmp, or in the database
DATABASE_URL names (it must be empty: the benchmark creates its tables and drops them at the end):
``--pas`` published PAs (most within 30 km of LS6, some across the north and the midlands, a few
anywhere in Great Britain; a twentieth in draft) with varied availability, skills, languages,
checks (some out of date), travel ranges and rates, and ``--offers`` providers' personal-assistant
services from organisations serving whole councils or single districts. Then one need advert.

It times, each run in a fresh session starting from the need's id, as a request would:

* ``match_need`` (marketplace.needs.matching);
* the naive baseline: every PA read, each one's checks lazy-loaded (a query per PA), every PA
  scored in Python whatever its distance, and each offer's organisation and the district's
  councils read one by one.

Prints median, p95 and max in ms and the SQL statements per run. Both ways must rank the same
candidates in the same order; the benchmark stops if they do not. Target: 200 ms.
"""

from __future__ import annotations

import argparse
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
from marketplace.clock import today
from marketplace.directory import vocab
from marketplace.directory.models import (
    Council,
    CouncilDistrict,
    Offer,
    Organisation,
    PACheck,
    PAProfile,
)
from marketplace.extensions import db
from marketplace.needs.matching import (
    PA_CATEGORY,
    Match,
    NeedMatches,
    match_need,
    rank,
    score_offer,
    score_pa,
)
from marketplace.needs.models import NeedAdvert

NEED_DISTRICT = "LS6"
AREAS = ("LS", "BD", "WF", "HX", "HD", "YO", "M", "S", "NE", "B")
DAYS = [d for d, _ in vocab.DAYS]
BANDS = [b for b, _ in vocab.TIME_BANDS]
SKILLS = [s for s, _ in vocab.PA_SKILLS]
LANGUAGES = ["ur", "pa", "pl", "bn", "ar", "ro"]


def _districts_by_distance() -> tuple[list[str], list[str], list[str]]:
    """Districts within 30 km of the need, 30 to 200 km away, and beyond (all of Great Britain)."""
    places = geo.districts()
    centre = places[NEED_DISTRICT]
    near, middle, far = [], [], []
    for code in sorted(places):
        km = geo.distance_km(centre, places[code])
        (near if km <= 30 else middle if km <= 200 else far).append(code)
    return near, middle, far


def _councils(session: Any) -> list[str]:
    """One council per postcode area; returns their ONS codes."""
    known = sorted(geo.districts())
    codes = []
    for i, area in enumerate(AREAS, start=1):
        code = f"E0{i:07d}"
        session.add(
            Council(
                id=i,
                code=code,
                name=f"Council {area}",
                nation="England",
                districts=[
                    CouncilDistrict(district=d)
                    for d in known
                    if re.fullmatch(rf"{area}\d+[A-Z]?", d)
                ],
            )
        )
        codes.append(code)
    session.flush()
    return codes


def _slots(rng: random.Random) -> list[str]:
    days = rng.sample(DAYS, rng.randint(2, 7))
    bands = rng.sample(BANDS[:3], rng.randint(1, 3)) + (["sleep_in"] if rng.random() < 0.1 else [])
    return [f"{d}:{b}" for d in days for b in bands]


def build(session: Any, pas: int, offers: int, seed: int = 7) -> int:
    """Write the directory and the need; return the need's id."""
    rng = random.Random(seed)
    near, middle, far = _districts_by_distance()
    council_codes = _councils(session)
    # The holder first, so the users' id sequence has moved past it (PostgreSQL does not move
    # a sequence for the explicit ids below).
    holder = User(email="holder@example.com", name="Holder", password_hash="x", role="holder")
    session.add(holder)
    session.flush()
    session.execute(
        insert(User),
        [
            {"id": holder.id + n, "email": f"pa{n}@example.com", "name": f"PA {n}"}
            | {"password_hash": "x", "role": "pa"}
            for n in range(1, pas + 1)
        ],
    )
    profiles, checks = [], []
    start = today()
    for n in range(1, pas + 1):
        where = rng.random()
        home = rng.choice(near if where < 0.8 else middle if where < 0.95 else far)
        profiles.append(
            {
                "id": n,
                "user_id": holder.id + n,
                "display_name": f"PA {n:05d}",
                "employment": rng.choice(("self_employed", "seeking_employment")),
                "hourly_rate_pence": rng.randrange(1150, 2100, 5),
                "skills": rng.sample(SKILLS, rng.randint(1, 6)),
                "languages": ["en"] + ([rng.choice(LANGUAGES)] if rng.random() < 0.2 else []),
                "gender": rng.choice(("female", "female", "male", "non_binary", "not_said")),
                "availability": _slots(rng),
                "home_district": home,
                "travel_km": rng.choice((5, 8, 10, 15, 20, 30, 50)),
                "non_smoker": rng.random() < 0.6,
                "pets_ok": rng.random() < 0.5,
                "status": "published" if rng.random() < 0.95 else "draft",
            }
        )
        for kind, share in (
            ("enhanced_dbs", 0.85),
            ("right_to_work", 0.7),
            ("driving_licence", 0.5),
        ):
            if rng.random() < share:
                expires = start + timedelta(days=rng.randint(-200, 1200))
                checks.append(
                    {
                        "pa_profile_id": n,
                        "kind": kind,
                        "issued_on": expires - timedelta(days=1095),
                        "expires_on": expires,
                    }
                )
    session.execute(insert(PAProfile), profiles)
    session.execute(insert(PACheck), checks)
    organisations = max(1, offers // 5)
    session.execute(
        insert(Organisation),
        [
            {
                "id": n,
                "name": f"PA Agency {n}",
                "kind": rng.choice(("private", "voluntary", "user_led")),
                "base_postcode": "",
                "base_district": rng.choice(near if n % 2 else middle),
                "service_councils": [rng.choice(council_codes)] if n % 3 else [],
                "service_districts": rng.sample(near, 5) if not n % 3 else [],
                "status": "published" if rng.random() < 0.95 else "suspended",
            }
            for n in range(1, organisations + 1)
        ],
    )
    session.execute(
        insert(Offer),
        [
            {
                "organisation_id": rng.randint(1, organisations),
                "title": f"Personal assistants {n}",
                "category": PA_CATEGORY,
                "price_pence": rng.randrange(1500, 3000, 5),
                "price_unit": rng.choice(("hour", "hour", "hour", "visit")),
                "deliver_home": True,
                "days": rng.sample(DAYS, rng.randint(0, 7)),
                "time_bands": rng.sample(BANDS[:3], rng.randint(0, 3)),
                "languages": ["en"],
                "status": "published" if rng.random() < 0.95 else "draft",
            }
            for n in range(1, offers + 1)
        ],
    )
    need = NeedAdvert(
        holder_id=holder.id,
        posted_by_id=holder.id,
        title="A PA for mornings and some evenings",
        district=NEED_DISTRICT,
        slots=["mon:morning", "tue:morning", "wed:morning", "thu:evening", "sat:afternoon"],
        hours_hundredths=1500,
        skills=["personal-care", "medication", "meal-preparation"],
        preferred_gender="female",
        non_smoker=True,
        required_checks=["enhanced_dbs"],
        start_on=start + timedelta(days=30),
        rate_pence=1600,
    )
    session.add(need)
    session.commit()
    return need.id


def naive_match(session: Any, need: NeedAdvert, on: date) -> NeedMatches:
    """The obvious way: every PA and every offer read and scored, details loaded one by one."""
    scored: list[Match] = []
    for pa in session.scalars(select(PAProfile)):
        if pa.status == "published":
            scored.append(score_pa(need, pa, on))  # pa.checks: one query each
    for offer in session.scalars(select(Offer).where(Offer.category == PA_CATEGORY)):
        owner = offer.organisation  # one query each
        if offer.status != "published" or owner is None or owner.status != "published":
            continue
        councils = session.scalars(
            select(Council.code)
            .join(CouncilDistrict, CouncilDistrict.council_id == Council.id)
            .where(CouncilDistrict.district == need.district)
        ).all()
        scored.append(score_offer(need, offer, on, councils=councils))
    eligible = [m for m in scored if m.eligible]
    return NeedMatches(need, rank(eligible), [m for m in scored if not m.eligible], len(scored))


def _timed(
    need_id: int, work: Callable[[Any, NeedAdvert, date], NeedMatches], runs: int
) -> tuple[list[float], list[float], int, NeedMatches]:
    """Each run in a fresh session from the need's id; SQL statements of the first run counted.
    Returns wall-clock and CPU times (this process only: not a database server's work)."""
    times: list[float] = []
    cpu: list[float] = []
    statements = 0
    result: NeedMatches | None = None
    on = today()
    for i in range(runs):
        db.session.remove()
        count = [0]

        def counter(*_: Any, _count: list[int] = count) -> None:
            _count[0] += 1

        event.listen(db.engine, "before_cursor_execute", counter)
        start, start_cpu = time.perf_counter(), time.process_time()
        need = db.session.get(NeedAdvert, need_id)
        assert need is not None
        result = work(db.session, need, on)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        event.remove(db.engine, "before_cursor_execute", counter)
        if i == 0:
            statements = count[0]
    assert result is not None
    return times, cpu, statements, result


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _row(name: str, times: list[float], cpu: list[float], statements: int) -> str:
    return (
        f"{name:<16} {statistics.median(times):9.1f} {_p95(times):9.1f} {max(times):9.1f}"
        f" {statistics.median(cpu):9.1f} {statements:6}"
    )


def _ranked(result: NeedMatches) -> list[tuple[str, int, int]]:
    return [(m.kind, m.candidate_id, m.score) for m in result.matches]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--pas", type=int, default=5_000)
    parser.add_argument("--offers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--baseline-runs", type=int, default=5)
    args = parser.parse_args()
    with empty_database("match-bench-"):
        _run(args)


def _run(args: argparse.Namespace) -> None:
    print(f"building {args.pas:,} PAs and {args.offers} provider services …", file=sys.stderr)
    start = time.perf_counter()
    need_id = build(db.session, args.pas, args.offers)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))  # as autovacuum would have, on a live database
        db.session.commit()
    built = time.perf_counter() - start
    print(
        f"{db.engine.dialect.name}: {args.pas:,} PAs and {args.offers} provider services "
        f"built in {built:.1f} s; one need in {NEED_DISTRICT}"
    )
    fast, fast_cpu, statements, found = _timed(
        need_id, lambda s, n, on: match_need(s, n, on=on), args.runs
    )
    slow, slow_cpu, slow_statements, slow_found = _timed(need_id, naive_match, args.baseline_runs)
    if _ranked(found) != _ranked(slow_found):
        sys.exit("match_need and the baseline disagree")
    print(
        f"{found.considered:,} candidates scored ({found.too_far_away:,} PAs beyond 200 km not "
        f"read); {len(found.matches)} matches, {len(found.excluded):,} excluded "
        f"(the baseline scored {slow_found.considered:,}; same ranking)"
    )
    print(
        "ms per call, each in a fresh session from the need's id (cpu: median CPU time of this"
        " process); SQL: statements per call"
    )
    print(f"{'':<16} {'median':>9} {'p95':>9} {'max':>9} {'cpu':>9} {'SQL':>6}")
    print(_row("match_need", fast, fast_cpu, statements))
    print(_row("naive baseline", slow, slow_cpu, slow_statements))
    speed_up = statistics.median(slow) / statistics.median(fast)
    print(f"match_need median: {speed_up:.0f}x faster than the baseline")


if __name__ == "__main__":
    main()
