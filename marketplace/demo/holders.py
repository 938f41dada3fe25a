"""Generated budget holders: who they are, their record, who acts for them, budget and plans.

Holder *n* draws from ``random.Random(f"{seed}/holder/{n}")`` and follows scenario n mod 12
(``support.SCENARIOS``), so every plan state appears at any scale. How budgets are held follows
the primer's figures: about a quarter take a direct payment only, two thirds keep a budget that
is all or mostly council-managed (older people more often), a few have an Individual Service Fund
or a mixed package, and some have money from another stream such as Access to Work.
A holder is the same person, with the same record, needs, budget and plan states, at any scale;
only the providers their budget and plan name may differ, as a bigger scale has more of them.
"""

from __future__ import annotations

import copy
import random
from datetime import date, datetime, timedelta
from typing import Any

from marketplace.clock import financial_year_start, plan_year_end
from marketplace.demo import care_words as words
from marketplace.demo import names
from marketplace.demo import support as plans
from marketplace.demo.care_records import (
    AssessmentPlan,
    BrokerLinkPlan,
    BudgetPlan,
    HolderPlan,
    RepresentationPlan,
    StreamPlan,
    SupportPlanPlan,
)
from marketplace.demo.councils import CouncilSpec, council_districts
from marketplace.demo.market import Market
from marketplace.demo.people import RURAL
from marketplace.demo.ras import QUESTION_KEYS, RAS_TABLES, Scored, score
from marketplace.demo.records import LANGUAGE_ORDER, UserPlan, ordered

HOLDERS_AT_SCALE_1 = 48
MIN_HOLDERS = len(plans.SCENARIOS)  # every plan state, even at the smallest scale
LEEDS = "E08000035"
# Leeds is where the documented accounts are, so it gets more holders than its size says.
HOLDER_WEIGHT = {LEEDS: 40}
# The demo broker works in these councils; among their holders, the third is an invitation
# the broker has not answered yet and up to BROKER_ACTIVE others work with the broker.
BROKER_AREA = (LEEDS, "E08000003", "E08000039", "E08000025")
BROKER_ACTIVE = 6
BROKER_INVITED = 2

# How each deployment divides the money: (stream kind, percent).
SPLITS = {
    "dp": (("dp", 100),),
    "managed": (("managed", 100),),
    "mixed": (("dp", 40), ("managed", 35), ("isf", 25)),
}


def broker_statuses(councils: list[str]) -> dict[int, str]:
    """Holder index -> the demo broker's link status, for holders in the broker's area."""
    found = [i for i, code in enumerate(councils) if code in BROKER_AREA]
    chosen = {found[BROKER_INVITED]: "invited"} if len(found) > BROKER_INVITED else {}
    active = [i for i in found if i not in chosen][:BROKER_ACTIVE]
    return chosen | {i: "active" for i in active}


def _name(rng: random.Random, background: str, *, woman: bool, older: bool) -> tuple[str, str]:
    key = "scottish" if background == "gaelic" else background
    if older and key in words.OLDER_NAMES:
        women, men = words.OLDER_NAMES[key]
        return rng.choice(women if woman else men), rng.choice(
            names.BACKGROUNDS[background].surnames
        )
    return names.person(rng, background, woman=woman)


def _email(first: str, surname: str, suffix: str) -> str:
    local = f"{names.ascii_slug(first)}.{names.ascii_slug(surname)}.{suffix}".replace("-", "")
    return f"{local}@demo.example"


def _record(rng: random.Random, spec: CouncilSpec, background: str) -> dict[str, Any]:
    """HolderRecord columns: where they live and what they ask of personal assistants."""
    district = rng.choice(council_districts(spec.code))
    scotland = spec.nation == "Scotland"
    checks = []
    if rng.random() < (0.65 if scotland else 0.55):
        checks.append("pvg" if scotland else "enhanced_dbs")
    needs_driver = rng.random() < (0.4 if spec.code in RURAL else 0.2)
    if needs_driver and rng.random() < 0.5:
        checks.append("driving_licence")
    roll = rng.random()
    languages = [code for code in names.BACKGROUNDS[background].languages if rng.random() < 0.7]
    return {
        "postcode": f"{district} {names.inward_code(rng)}",
        "district": district,
        "lacks_capacity": False,
        "required_checks": checks,
        "preferred_gender": "female" if roll < 0.35 else "male" if roll < 0.47 else "",
        "languages": ordered(languages, LANGUAGE_ORDER),
        "needs_driver": needs_driver,
        "non_smoker": rng.random() < 0.45,
        "has_pets": rng.random() < 0.2,
        "other_preferences": rng.choice(words.PREFERENCES) if rng.random() < 0.3 else "",
    }


def _levels(rng: random.Random, persona: words.Persona) -> dict[str, int]:
    return {key: rng.choices(range(4), weights=persona.needs[key])[0] for key in QUESTION_KEYS}


def _shares(rng: random.Random, deployment: str) -> tuple[tuple[str, int], ...]:
    if deployment == "mostly_managed":
        dp = rng.choice((20, 25, 30, 35))
        return (("managed", 100 - dp), ("dp", dp))
    if deployment == "isf":
        isf = rng.choice((60, 70, 80, 100))
        return (("isf", isf), ("managed", 100 - isf)) if isf < 100 else (("isf", 100),)
    return SPLITS[deployment]


def _split(total: int, shares: tuple[tuple[str, int], ...], step: int) -> list[tuple[str, int]]:
    """Divide ``total`` by percentages, each part a multiple of ``step`` but the last."""
    parts = []
    for kind, percent in shares[:-1]:
        parts.append((kind, round(total * percent / 100 / step) * step))
    parts.append((shares[-1][0], total - sum(amount for _, amount in parts)))
    return parts


def _pounds(pence: int) -> str:
    return f"{abs(pence) // 100:,}"


def plan_budget(
    rng: random.Random,
    persona: words.Persona,
    scored: Scored,
    assessed: bool,
    deployment: str,
    isf_holder: str | None,
) -> tuple[list[StreamPlan], str]:
    """The streams of a holder's budget and, where it differs from the indicative, why.

    Assessed holders get the indicative budget to the penny, entered as a yearly figure, unless
    the officer varied it; the others have a weekly figure (rounded to £5) the officer typed in.
    """
    reasons = []
    if assessed:
        social, weekly, step = scored.indicative_pence, False, 1000
        if rng.random() < 0.3:
            change = rng.choice((20, 40, 60, -20, -30)) * 52 * 100
            if scored.indicative_pence + change > 0:
                social += change
                pool = words.VARIANCE_UP if change > 0 else words.VARIANCE_DOWN
                reasons.append(rng.choice(pool).format(amount=_pounds(change)))
    else:
        social = max(5000, round(scored.indicative_pence / 52 / 500) * 500)
        weekly, step = True, 500
    streams = []
    for kind, amount in _split(social, _shares(rng, deployment), step):
        streams.append(
            StreamPlan(
                kind,
                amount * 52 if weekly else amount,
                weekly,
                organisation=isf_holder if kind == "isf" else None,
            )
        )
    if persona.other_funding and rng.random() < (
        0.4 if persona.key == "physical_disability" else 0.12
    ):
        label = names.weighted(rng, persona.other_funding)
        low, high = words.OTHER_FUNDING_ANNUAL[label]
        amount = rng.randrange(low, high + 1, 10) * 100
        streams.append(StreamPlan("other", amount, False, label=label))
        if assessed:
            reasons.append(words.OTHER_HELD_ALONGSIDE.format(label=label, amount=_pounds(amount)))
    return streams, " ".join(reasons)


def plan_holder(
    index: int,
    seed: int,
    spec: CouncilSpec,
    nth: int,
    broker_status: str | None,
    broker: str,
    today: date,
    market: Market,
) -> HolderPlan:
    """Holder ``index``: the same person, budget and plan for the same seed and day."""
    rng = random.Random(f"{seed}/holder/{index}")
    scenario = plans.SCENARIOS[index % len(plans.SCENARIOS)]
    persona = rng.choices(words.PERSONAS, weights=[p.weight for p in words.PERSONAS])[0]
    background = names.weighted(rng, spec.backgrounds)
    first, surname = _name(rng, background, woman=rng.random() < 0.6, older=persona.older)
    user = UserPlan(_email(first, surname, str(index + 1)), f"{first} {surname}", "holder")
    record = _record(rng, spec, background)
    officer = market.officers[spec.code]

    representative = None
    if rng.random() < persona.representative_chance:
        lacks = persona.key in ("older", "learning_disability") and rng.random() < 0.35
        record["lacks_capacity"] = lacks
        kind = "deputy" if lacks and persona.older else "suitable_person" if lacks else ""
        kind = kind or rng.choice(words.RELATIVES)
        rep_first, rep_surname = names.person(rng, background, woman=rng.random() < 0.6)
        if kind in ("family", "deputy", "suitable_person"):  # a son, daughter, parent…
            rep_surname = surname
        representative = RepresentationPlan(
            UserPlan(
                _email(rep_first, rep_surname, f"rep{index + 1}"),
                f"{rep_first} {rep_surname}",
                "representative",
            ),
            kind,
            officer if lacks else user.email,
            datetime(2000, 1, 1),  # set below, once the holder's first day is known
        )
    planner = user.email
    if representative and record["lacks_capacity"]:
        planner = representative.representative.email
    elif broker_status == "active" and rng.random() < 0.6:
        planner = broker
    elif representative and rng.random() < 0.5:
        planner = representative.representative.email

    current = financial_year_start(today)
    revisions = plans.timelines(rng, scenario, nth, today)
    year = plans.plan_year_of(revisions, today) if revisions else current
    if revisions:
        days_before = (today - plans.first_day(revisions[0], today)).days + rng.randint(3, 20)
    else:
        days_before = rng.randint(5, 60)
    budget_set = plans.moment(rng, today, days_before)

    scored = score(RAS_TABLES[spec.code], _levels(rng, persona))
    assessed = rng.random() < 0.6
    deployment = names.weighted(rng, persona.deployments)
    isf_holders = market.isf_holders(spec.code)
    if deployment in ("isf", "mixed") and not isf_holders:
        deployment = "managed" if deployment == "isf" else "mostly_managed"
    # Which providers a holder's budget and plan name depends on what the scale created: draw
    # them from their own stream, so the rest of the holder stays the same at any scale.
    shops = random.Random(f"{seed}/holder/{index}/market")
    isf_holder = shops.choice(isf_holders) if deployment in ("isf", "mixed") else None
    streams, reason = plan_budget(rng, persona, scored, assessed, deployment, isf_holder)
    contribution = 0
    if rng.random() < (0.65 if persona.older else 0.4):
        contribution = rng.randrange(500, 9500, 50) * 52
    contribution = min(contribution, sum(s.total_pence for s in streams) // 2)
    budgets = [
        BudgetPlan(
            year,
            plan_year_end(year),
            contribution,
            streams,
            officer,
            budget_set,
            indicative_pence=scored.indicative_pence if assessed else None,
            uses_assessment=assessed,
            variance_reason=reason,
        )
    ]
    if year < current:  # the plan is last year's: the council rolled the budget over
        rolled = [copy.copy(s) for s in streams if s.label != "Disabled Facilities Grant"]
        start_days = (today - current).days + rng.randint(3, 20)
        budgets.append(
            BudgetPlan(
                current,
                plan_year_end(current),
                min(contribution, sum(s.total_pence for s in rolled) // 2),
                rolled,
                officer,
                plans.moment(rng, today, start_days),
                variance_reason=words.ROLLED_OVER,
            )
        )
    assessment = None
    if assessed:
        assessment = AssessmentPlan(
            scored.answers,
            scored.points,
            RAS_TABLES[spec.code].method,
            scored.working,
            scored.indicative_pence,
            officer if rng.random() < 0.4 else planner,
            budget_set - timedelta(days=rng.randint(7, 30)),
        )
    support = _plans(
        rng,
        shops,
        revisions,
        persona,
        spec.code,
        budgets[0],
        market,
        today,
        planner,
        officer,
        record,
    )

    firsts = [b.created_at for b in budgets] + [e.events[0].at for e in support]
    if assessment:
        firsts.append(assessment.created_at)
    created = min(firsts) - timedelta(days=rng.randint(20, 120))
    if representative:
        representative.created_at = created + timedelta(days=rng.randint(1, 10), hours=2)
    link = None
    if broker_status == "active":
        invited = created + timedelta(days=rng.randint(2, 15), hours=3)
        link = BrokerLinkPlan(
            broker,
            "active",
            officer if rng.random() < 0.3 else user.email,
            invited,
            invited + timedelta(days=rng.randint(1, 3)),
        )
    elif broker_status == "invited":
        link = BrokerLinkPlan(broker, "invited", user.email, plans.moment(rng, today, 3))
    return HolderPlan(
        user,
        spec.code,
        created,
        record,
        budgets,
        support,
        assessment,
        representative,
        link,
        persona=persona.key,
    )


def _plans(
    rng: random.Random,
    shops: random.Random,
    revisions: list[list[plans.Step]],
    persona: words.Persona,
    council: str,
    budget: BudgetPlan,
    market: Market,
    today: date,
    planner: str,
    officer: str,
    record: dict[str, Any],
) -> list[SupportPlanPlan]:
    found: list[SupportPlanPlan] = []
    body: plans.Content | None = None
    for number, steps in enumerate(revisions, start=1):
        events, review = plans.to_events(rng, steps, today, planner, officer)
        start_on = min(
            max(budget.year_start, plans.first_day(steps, today) + timedelta(days=14)),
            budget.year_end,
        )
        if body is None:
            # A plan that went to the council serves every outcome; a first draft may not yet.
            finished = events[-1].to_status != "draft"
            body = plans.content(
                shops,
                persona,
                council,
                budget,
                market,
                start_on,
                record=record,
                today=today,
                finished=finished,
            )
        else:
            body = plans.revised(body, events[0].reason, budget)
            for line in body.lines:
                line.start_on = start_on
        found.append(plans.plan_for(budget.year_start, number, planner, body, events, review))
    return found
