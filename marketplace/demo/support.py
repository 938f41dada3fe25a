"""Support plans for demo holders: how far each has gone through the workflow, and what it says.

A holder's *scenario* fixes the path: a draft; waiting for the council (some for weeks, so the
officer's queue has old and new plans); referred to a panel; approved (reviews due later, soon,
or overdue); rejected with reasons; approved with a newer draft revision; or replaced by an
approved revision. Every step becomes a PlanEvent, so the events always explain the state.
The plan's lines fit the budget stream by stream, buying real demo offers of the holder's council
and real demo PAs where there are some.

The lines keep the package rules (``packages.rules.check_package``): no demo plan has a package
error, as submitted, referred, approved and superseded plans could never have passed with one.
Drafts have none either; what a draft naturally shows, and the demo means to show, are warnings:
a first draft may leave an outcome no line serves yet ("outcome_not_served", an error only on
submit), and a stream may be at 90% or more of what it holds ("stream_near_limit").
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from marketplace.clock import add_months, financial_year_start
from marketplace.demo import care_words as words
from marketplace.demo.care_records import (
    BudgetPlan,
    EventPlan,
    LinePlan,
    OutcomePlan,
    SupportPlanPlan,
)
from marketplace.demo.market import Market, OfferRef, PARef
from marketplace.demo.records import DAY_CODES
from marketplace.money import annual_cost
from marketplace.plans.vocab import PERIODS_PER_YEAR

# One holder in each twelve follows each path; the order puts the busiest paths first, so even
# the smallest scale shows every state.
SCENARIOS = (
    "submitted",
    "review_soon",
    "referred",
    "revising",
    "rejected",
    "draft",
    "submitted",
    "review_overdue",
    "superseded",
    "panel",
    "approved",
    "none",
)
# Days a submitted plan has waited, in turn: old and new plans in every queue.
WAITS = (2, 33, 9, 47, 1, 19, 5, 26)
REVIEW_MONTHS = 12
# A PA's checks stay in date this long after the line starts (or after the demo is loaded, for
# a line already running), so the demo keeps the package rules for weeks after loading.
CHECKS_MARGIN = timedelta(days=60)
# The times of day a PA line is booked in, most wanted first.
DAY_BANDS = ("morning", "afternoon", "evening")


@dataclass
class Step:
    from_status: str | None
    to_status: str
    days_ago: int
    who: str  # "planner" or "officer"
    reason: str = ""


def _path(rng: random.Random, submitted: int, *, refer: int = 0) -> list[Step]:
    """Created some days before ``submitted`` (days ago), then maybe referred."""
    steps = [
        Step(None, "draft", submitted + rng.randint(5, 30), "planner", words.CREATED_REASON),
        Step("draft", "submitted", submitted, "planner"),
    ]
    if refer:
        steps.append(
            Step("submitted", "referred", refer, "officer", rng.choice(words.REFER_REASONS))
        )
    return steps


def _decided_to_review(today: date, due: date) -> int:
    """How many days ago a plan was approved for its 12-month review to fall on ``due``."""
    return (today - add_months(due, -REVIEW_MONTHS)).days


def timelines(rng: random.Random, scenario: str, nth: int, today: date) -> list[list[Step]]:
    """The revisions of a holder's plan, each as its steps (days before ``today``)."""

    def approved(decided: int) -> list[Step]:
        submitted = decided + rng.randint(3, 14)
        steps = _path(rng, submitted)
        steps.append(
            Step("submitted", "approved", decided, "officer", rng.choice(words.APPROVE_REASONS))
        )
        return steps

    if scenario == "none":
        return []
    if scenario == "draft":
        return [[Step(None, "draft", rng.randint(2, 30), "planner", words.CREATED_REASON)]]
    if scenario == "submitted":
        return [_path(rng, WAITS[nth % len(WAITS)])]
    if scenario == "referred":
        submitted = rng.randint(20, 45)
        return [_path(rng, submitted, refer=submitted - rng.randint(3, 9))]
    if scenario == "rejected":
        decided = rng.randint(3, 40)
        steps = _path(rng, decided + rng.randint(3, 10))
        steps.append(
            Step("submitted", "rejected", decided, "officer", rng.choice(words.REJECT_REASONS))
        )
        return [steps]
    if scenario == "panel":
        decided = rng.randint(10, 90)
        referred = decided + rng.randint(7, 21)
        steps = _path(rng, referred + rng.randint(3, 8), refer=referred)
        steps.append(
            Step(
                "referred",
                "approved",
                decided,
                "officer",
                rng.choice(words.PANEL_APPROVE_REASONS),
            )
        )
        return [steps]
    if scenario == "approved":
        return [approved(rng.randint(20, 150))]
    if scenario == "review_soon":
        due = today + timedelta(days=rng.randint(5, 28))
        return [approved(_decided_to_review(today, due))]
    if scenario == "review_overdue":
        due = today - timedelta(days=rng.randint(3, 45))
        return [approved(_decided_to_review(today, due))]
    if scenario == "revising":
        reason = rng.choice(words.REVISION_REASONS)
        return [
            approved(rng.randint(40, 150)),
            [Step(None, "draft", rng.randint(1, 20), "planner", reason)],
        ]
    if scenario == "superseded":
        first = approved(rng.randint(120, 200))
        created = rng.randint(40, 70)
        submitted = created - rng.randint(2, 6)
        decided = submitted - rng.randint(3, 10)
        second = [
            Step(None, "draft", created, "planner", rng.choice(words.REVISION_REASONS)),
            Step("draft", "submitted", submitted, "planner"),
            Step("submitted", "approved", decided, "officer", rng.choice(words.APPROVE_REASONS)),
        ]
        first.append(
            Step(
                "approved",
                "superseded",
                decided,
                "officer",
                words.SUPERSEDED_REASON.format(revision=2),
            )
        )
        return [first, second]
    raise ValueError(f"unknown scenario {scenario}")


def moment(rng: random.Random, today: date, days_ago: int) -> datetime:
    """A time in office hours ``days_ago`` days before today (always before today's 9 am)."""
    day = today - timedelta(days=max(days_ago, 1))
    return datetime.combine(day, time(9)) + timedelta(minutes=rng.randrange(0, 8 * 60, 5))


def first_day(steps: list[Step], today: date) -> date:
    return today - timedelta(days=steps[0].days_ago)


def plan_year_of(revisions: list[list[Step]], today: date) -> date:
    """The plan year a holder's plan is for: the year its first revision was started in."""
    return financial_year_start(first_day(revisions[0], today))


def to_events(
    rng: random.Random, steps: list[Step], today: date, planner: str, officer: str
) -> tuple[list[EventPlan], date | None]:
    """Events with real times and people, and the review date if the steps approve the plan."""
    events: list[EventPlan] = []
    review: date | None = None
    for step in steps:
        at = moment(rng, today, step.days_ago)
        if events and at <= events[-1].at:  # two steps on one day: keep them in order
            at = events[-1].at + timedelta(minutes=rng.randint(10, 90))
        actor = officer if step.who == "officer" else planner
        events.append(EventPlan(step.from_status, step.to_status, actor, at, step.reason))
        if step.to_status == "approved":
            review = add_months(at.date(), REVIEW_MONTHS)
    return events, review


# --- what the plan says ----------------------------------------------------------------------


def fit(price: int, unit: str, frequency: str, budget: int) -> int:
    """The most of something (hundredths; hours by the half, others whole) ``budget`` pays for
    in a year, or 0 if not even one."""
    step = 50 if unit == "hours" else 100
    quantity = 0
    periods = PERIODS_PER_YEAR[frequency]
    while annual_cost(price, quantity + step, periods) <= budget and quantity < 10_000:
        quantity += step
    return quantity


def pick_offer(
    rng: random.Random, offers: list[OfferRef], kind: str, categories: tuple[str, ...], weekly: int
) -> OfferRef | None:
    """An offer payable from this kind of stream, of a preferred category, affordable weekly."""
    usable = [o for o in offers if kind in o.deployments and o.price_pence <= weekly]
    for category in categories:
        matching = [o for o in usable if o.category == category]
        if matching:
            return rng.choice(matching)
    return rng.choice(usable) if usable else None


def checks_needed_on(start_on: date, today: date) -> date:
    """The day a line's PA must still hold the holder's checks on (see ``CHECKS_MARGIN``)."""
    return max(start_on, today) + CHECKS_MARGIN


def suitable_pas(market: Market, record: dict[str, Any], on: date) -> list[PARef]:
    """Published PAs who keep the package rules for this holder: every check the holder asks
    for, in date ``on``, and travel as far as the holder's district (from any council)."""
    return [
        pa
        for pas in market.pas.values()
        for pa in pas
        if pa.has_checks(record["required_checks"], on)
        and pa.travels_to(record["district"])
        and pa_times(pa)[1]
    ]


def pa_times(pa: PARef, days: tuple[str, ...] = tuple(DAY_CODES)) -> tuple[str, list[str]]:
    """The daytime band the PA is free in on most of ``days`` (the earlier band on a tie) and
    those days: a PA line booked then keeps the availability rule. ("", []) if none."""
    best = max(DAY_BANDS, key=lambda band: len(pa.days_at(band, days)))
    found = pa.days_at(best, days)
    return (best, found) if found else ("", [])


@dataclass
class Content:
    what_matters: str
    outcomes: list[OutcomePlan]
    lines: list[LinePlan]


def content(
    rng: random.Random,
    persona: words.Persona,
    council: str,
    budget: BudgetPlan,
    market: Market,
    start_on: date,
    *,
    record: dict[str, Any],
    today: date,
    finished: bool,
) -> Content:
    """What matters, 2-4 outcomes and lines that spend each stream without overspending it.

    The lines keep the package rules (``packages.rules``): a PA line names a PA who holds the
    checks in the holder's ``record``, travels to their district and is free on the line's days
    and times (else the PA is still being recruited: a free-text line); offers are paid only
    from streams they accept. A ``finished`` plan (one that went to the council) serves every
    outcome; a draft may leave one unserved, as a plan being written does (a warning until it
    is submitted)."""
    count = rng.randint(2, min(4, len(persona.outcomes)))
    picked = sorted(rng.sample(range(len(persona.outcomes)), count))
    outcomes = [OutcomePlan(*persona.outcomes[i]) for i in picked]
    lines: list[LinePlan] = []
    left = {s.kind: s.total_pence for s in budget.streams}

    def add(line: LinePlan) -> None:
        if line.stream_kind is not None:
            left[line.stream_kind] -= line.annual_pence
        line.outcomes = line.outcomes or [len(lines) % len(outcomes)]
        lines.append(line)

    def base(kind: str, description: str, provider: str, stream: str | None) -> LinePlan:
        return LinePlan(kind, description, provider, "week", 100, "hours", 0, stream, start_on, [])

    if "dp" in left:
        pas = suitable_pas(market, record, checks_needed_on(start_on, today))
        pa = rng.choice(pas) if pas else None
        rate = pa.rate_pence if pa else 1450
        hours = fit(rate, "hours", "week", left["dp"] * rng.randint(70, 85) // 100)
        if hours:
            line = base(
                "pa" if pa else "text",
                "Personal assistant" if pa else "Personal assistant, employed directly",
                pa.display_name if pa else "Recruiting through the local PA register",
                "dp",
            )
            line.quantity_hundredths, line.unit_price_pence = hours, rate
            line.pa_email = pa.email if pa else None
            if pa:
                band, days = pa_times(pa)
                line.days = days[: rng.randint(2, 5)]
                line.time_bands = [band]
            line.outcomes = [0]
            add(line)
    for kind in ("managed", "isf"):
        if kind not in left:
            continue
        offers = market.offers.get(council, [])
        isf_holder = next((s.organisation for s in budget.streams if s.kind == "isf"), None)
        if kind == "isf":
            offers = [o for o in offers if o.organisation == isf_holder]
        weekly = left[kind] // 52
        offer = pick_offer(rng, offers, kind, persona.categories, weekly)
        if offer is not None:
            line = base("offer", offer.title, offer.organisation, kind)
            line.unit, line.unit_price_pence = offer.unit, offer.price_pence
            line.offer = (offer.organisation, offer.title)
            line.days = list(offer.days[:3])
            line.time_bands = list(offer.time_bands[:1])
        else:
            line = base(
                "text",
                "Support arranged by the council" if kind == "managed" else "Support at home",
                "Council commissioning team" if kind == "managed" else isf_holder or "",
                kind,
            )
            line.unit_price_pence = 2150
        line.quantity_hundredths = fit(
            line.unit_price_pence, line.unit, "week", left[kind] * rng.randint(80, 95) // 100
        )
        if line.quantity_hundredths:
            add(line)
    other = budget.stream("other")
    if other is not None and other.label in words.OTHER_FUNDING_LINES:
        description, frequency, quantity, unit = words.OTHER_FUNDING_LINES[other.label]
        price = other.total_pence // (PERIODS_PER_YEAR[frequency] * quantity // 100)
        line = base("text", description, other.label, "other")
        line.frequency, line.quantity_hundredths, line.unit = frequency, quantity, unit
        line.unit_price_pence = price
        add(line)
    for description, frequency, quantity, unit, price in persona.extras:
        stream = next((k for k in ("dp", "managed", "isf") if k in left), None)
        cost = annual_cost(price, quantity, PERIODS_PER_YEAR[frequency])
        if stream and left[stream] >= cost and rng.random() < 0.5:
            line = base("text", description, "", stream)
            line.frequency, line.quantity_hundredths, line.unit = frequency, quantity, unit
            line.unit_price_pence = price
            add(line)
            break
    if rng.random() < 0.75:
        description, frequency, quantity, unit = rng.choice(persona.unpaid)
        line = base("unpaid", description, "Family and friends", None)
        line.frequency, line.quantity_hundredths, line.unit = frequency, quantity, unit
        line.outcomes = [len(outcomes) - 1]
        add(line)
    if finished:
        served = {n for line in lines for n in line.outcomes}
        paid = [line for line in lines if line.kind != "unpaid"] or lines
        for n in range(len(outcomes)):
            if n not in served and paid:
                paid[n % len(paid)].outcomes.append(n)
    return Content(rng.choice(persona.what_matters), outcomes, lines)


def revised(original: Content, reason: str, budget: BudgetPlan) -> Content:
    """A newer revision: the same plan plus what the reason says it adds, paid from the stream
    of its biggest weekly paid line, which gives up as much as it takes. Still within budget."""
    changed = copy.deepcopy(original)
    paid = [line for line in changed.lines if line.unit_price_pence and line.frequency == "week"]
    if not paid or reason not in words.REVISIONS:
        return changed
    biggest = max(paid, key=lambda line: line.annual_pence)
    description, frequency, quantity, unit, price = words.REVISIONS[reason]
    added = LinePlan(
        "text", description, "", frequency, quantity, unit, price, biggest.stream_kind,
        biggest.start_on, [len(changed.outcomes) - 1],
    )  # fmt: skip
    stream = budget.stream(biggest.stream_kind or "")
    room = stream.total_pence if stream else 0
    room -= sum(
        line.annual_pence for line in changed.lines if line.stream_kind == biggest.stream_kind
    )
    step = 50 if biggest.unit == "hours" else 100
    while room < added.annual_pence and biggest.quantity_hundredths > step:
        room += biggest.annual_pence
        biggest.quantity_hundredths -= step
        room -= biggest.annual_pence
    if room >= added.annual_pence:
        changed.lines.append(added)
    return changed


def plan_for(
    year_start: date,
    revision: int,
    planner: str,
    body: Content,
    events: list[EventPlan],
    review: date | None,
) -> SupportPlanPlan:
    return SupportPlanPlan(
        year_start,
        revision,
        planner,
        body.what_matters,
        body.outcomes,
        body.lines,
        events,
        review_due_on=review if events[-1].to_status in ("approved", "superseded") else None,
    )
