"""The whole demo data set as plain data, built from a seed, a scale and a reference date.

Nothing here touches the database. Each organisation and PA draws from its own
``random.Random(f"{seed}/…/{index}")``, so entity *n* is the same whatever the scale: a bigger
scale only adds entities, and loading a bigger scale over a smaller one adds just the difference.
Councils are spread over providers by a smooth weighted round robin, so even a tiny scale covers
many councils, and a bigger council gets more providers.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from marketplace.demo.adverts import NeedPlan, plan_adverts
from marketplace.demo.care_records import HolderPlan
from marketplace.demo.catalogue import ARCHETYPE_BY_KEY, ARCHETYPES
from marketplace.demo.councils import COUNCIL_BY_CODE, COUNCILS, CouncilSpec
from marketplace.demo.featured import plan_featured
from marketplace.demo.holders import (
    HOLDER_WEIGHT,
    HOLDERS_AT_SCALE_1,
    MIN_HOLDERS,
    broker_statuses,
    plan_holder,
)
from marketplace.demo.market import build_market
from marketplace.demo.names import person, weighted
from marketplace.demo.organisations import OrganisationPlan, plan_organisation
from marketplace.demo.people import PAPlan, plan_pa
from marketplace.demo.ras import RAS_TABLES, RasPlan
from marketplace.demo.records import UserPlan
from marketplace.demo.support import SCENARIOS

DEMO_PASSWORD = "demo-password-2026"
ORGANISATIONS_AT_SCALE_1 = 180
PAS_AT_SCALE_1 = 160
LEEDS = "E08000035"
DEMO_PROVIDER = "Aire Valley Home Care"

# The documented accounts, one per role (listed in README.md).
HOLDER = UserPlan("holder@demo.example", "Grace Thompson", "holder")
REPRESENTATIVE = UserPlan("representative@demo.example", "David Thompson", "representative")
BROKER = UserPlan("broker@demo.example", "Priya Sharma", "broker")
PA = UserPlan("pa@demo.example", "Joanne Walsh", "pa")
PROVIDER = UserPlan("provider@demo.example", "Imran Hussain", "provider_admin")
STAFF = UserPlan("staff@demo.example", "Beth Carter", "provider_staff")
OFFICER = UserPlan("officer@demo.example", "Martin Lowe", "officer", LEEDS)
ADMIN = UserPlan("admin@demo.example", "Sam Ridley", "admin")


@dataclass
class DemoPlan:
    seed: int
    scale: float
    councils: tuple[CouncilSpec, ...]
    users: list[UserPlan]  # accounts that belong to no organisation or PA profile
    organisations: list[OrganisationPlan]
    pas: list[PAPlan]
    ras_tables: list[RasPlan] = field(default_factory=list)
    # Budget holders with their records, links, budgets and support plans; Grace first.
    holders: list[HolderPlan] = field(default_factory=list)
    # Need adverts (Grace's first) and PAs' replies to them.
    adverts: list[NeedPlan] = field(default_factory=list)

    @property
    def offer_count(self) -> int:
        return sum(len(o.offers) for o in self.organisations) + sum(len(p.offers) for p in self.pas)


def spread(weights: Sequence[tuple[str, int]], count: int) -> list[str]:
    """A smooth weighted round robin: each key's share follows its weight at every prefix."""
    current = {key: 0 for key, _ in weights}
    total = sum(w for _, w in weights)
    chosen = []
    for _ in range(count):
        for key, weight in weights:
            current[key] += weight
        best = max(weights, key=lambda kw: current[kw[0]])[0]  # first wins a tie
        current[best] -= total
        chosen.append(best)
    return chosen


def scaled(count_at_1: int, scale: float) -> int:
    return max(1, round(count_at_1 * scale))


def officers(seed: int) -> list[UserPlan]:
    """One council officer per council; Leeds's is the documented officer@demo.example."""
    found = []
    for spec in COUNCILS:
        if spec.code == LEEDS:
            found.append(OFFICER)
            continue
        rng = random.Random(f"{seed}/officer/{spec.code}")
        first, surname = person(rng, weighted(rng, spec.backgrounds), woman=rng.random() < 0.6)
        found.append(
            UserPlan(
                f"officer.{spec.slug}@demo.example", f"{first} {surname}", "officer", spec.code
            )
        )
    return found


def build_plan(seed: int, scale: float, today: date) -> DemoPlan:
    """Everything ``flask demo-data`` loads, as data. Same arguments, same plan."""
    reference = datetime.combine(today, time(9, 0))
    council_weights = [(c.code, c.weight) for c in COUNCILS]
    org_count = scaled(ORGANISATIONS_AT_SCALE_1, scale)
    org_councils = spread(council_weights, org_count)
    org_kinds = spread([(a.key, a.weight) for a in ARCHETYPES], org_count)
    used_names = {DEMO_PROVIDER.lower()}
    organisations = []
    for i in range(org_count):
        rng = random.Random(f"{seed}/organisation/{i}")
        if i == 0:
            organisations.append(
                plan_organisation(
                    rng,
                    ARCHETYPE_BY_KEY["home_care"],
                    COUNCIL_BY_CODE[LEEDS],
                    today,
                    reference,
                    used_names,
                    fixed_name=DEMO_PROVIDER,
                    fixed_district="LS5",
                    admin=PROVIDER,
                    staff=[STAFF],
                )
            )
            continue
        organisations.append(
            plan_organisation(
                rng,
                ARCHETYPE_BY_KEY[org_kinds[i]],
                COUNCIL_BY_CODE[org_councils[i]],
                today,
                reference,
                used_names,
            )
        )

    pa_count = scaled(PAS_AT_SCALE_1, scale)
    pa_councils = spread(council_weights, pa_count)
    pas = []
    for i in range(pa_count):
        rng = random.Random(f"{seed}/pa/{i}")
        council = LEEDS if i == 0 else pa_councils[i]
        pas.append(
            plan_pa(
                rng,
                i,
                COUNCIL_BY_CODE[council],
                today,
                reference,
                PA if i == 0 else None,
                habits=random.Random(f"{seed}/pa/{i}/habits"),
            )
        )
    council_officers = officers(seed)
    users = [HOLDER, REPRESENTATIVE, BROKER, ADMIN, *council_officers]
    market = build_market(
        organisations, pas, {u.council_code or "": u.email for u in council_officers}
    )
    holders = [
        plan_featured(
            seed,
            today,
            market,
            holder=HOLDER,
            representative=REPRESENTATIVE,
            broker=BROKER,
            officer=OFFICER.email,
            pa_email=PA.email,
            provider=DEMO_PROVIDER,
        )
    ]
    holder_count = max(MIN_HOLDERS, scaled(HOLDERS_AT_SCALE_1, scale))
    weights = [(c.code, HOLDER_WEIGHT.get(c.code, c.weight)) for c in COUNCILS]
    holder_councils = spread(weights, holder_count)
    links = broker_statuses(holder_councils)
    seen: Counter[str] = Counter()
    for i, code in enumerate(holder_councils):
        scenario = SCENARIOS[i % len(SCENARIOS)]
        holders.append(
            plan_holder(
                i,
                seed,
                COUNCIL_BY_CODE[code],
                seen[scenario],
                links.get(i),
                BROKER.email,
                today,
                market,
            )
        )
        seen[scenario] += 1
    ras_tables = [RAS_TABLES[c.code] for c in COUNCILS]
    adverts = plan_adverts(holders, pas[0])
    return DemoPlan(seed, scale, COUNCILS, users, organisations, pas, ras_tables, holders, adverts)
