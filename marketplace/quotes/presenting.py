"""What the quote pages show, worked out from the services' answers: a new request started from
a plan line, a need advert or listings; the choices of whom to ask; the lists of requests and of
quotes to answer; a quote's history and the moves its viewer may make; what accepting does.

Reads only: every change is a service's (``quotes.requests``, ``quotes.answers``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.budgets.models import BudgetStream
from marketplace.budgets.services import current_budget
from marketplace.clock import UK_TIME, today
from marketplace.directory import vocab
from marketplace.directory.models import Offer, PAProfile
from marketplace.directory.services import is_public
from marketplace.directory.shortlist import shortlist_for
from marketplace.errors import NotFound
from marketplace.extensions import DbSession
from marketplace.holders.access import CareAccess, visible_holder_ids
from marketplace.messages.services import shown_names
from marketplace.money import format_pence, format_quantity
from marketplace.needs.models import NeedAdvert
from marketplace.needs.services import need_for_planner
from marketplace.packages.builder import LINE_UNIT_OF_PRICE
from marketplace.permissions import Role
from marketplace.plans import vocab as plan_vocab
from marketplace.plans.common import planner_access
from marketplace.plans.lines import stream_choices
from marketplace.plans.models import PlanLine, SupportPlan
from marketplace.quotes.access import PROVIDER_ROLES, REQUEST_NOT_FOUND
from marketplace.quotes.answers import OfferTerms
from marketplace.quotes.comparison import Affordability, affordability_at, costs
from marketplace.quotes.models import Quote, QuoteRequest
from marketplace.quotes.requests import RequestInput, draft_plan
from marketplace.quotes.states import (
    LABELS,
    OPEN,
    PROVIDER_LABELS,
    QuoteStatus,
    Side,
    allowed_moves,
    leads_to,
    words,
)
from marketplace.quotes.telling import each as each  # the templates ask present.each
from marketplace.quotes.telling import per_unit

S = QuoteStatus
LINE_NOT_FOUND = "We could not find that line of a plan."
NEW_LINE = "new"
# The example start date the request form shows: two weeks from today.
EXAMPLE_AFTER = timedelta(days=14)
# Whose turn it is to answer in each open state.
TURN = {S.REQUESTED: Side.PROVIDER, S.COUNTERED: Side.PROVIDER, S.OFFERED: Side.REQUESTER}
# Each move's page, in the order the buttons show.
ENDPOINTS = {
    S.OFFERED: "quotes.offer",
    S.ACCEPTED: "quotes.accept",
    S.COUNTERED: "quotes.counter",
    S.DECLINED: "quotes.decline",
    S.WITHDRAWN: "quotes.withdraw",
}


# --- in words ---------------------------------------------------------------------------------


def uk_date(moment: datetime) -> date:
    """The day a stored (naive UTC) time falls on in the UK."""
    return moment.replace(tzinfo=UTC).astimezone(UK_TIME).date()


def listed(items: list[str]) -> str:
    """['a', 'b', 'c'] → 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def parse_id(text: str | None) -> int | None:
    """An id from an address or a form ('12'), or None for anything else."""
    value = (text or "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


def how_much(request: QuoteRequest) -> str:
    """'10 hours each week', '1 visit each fortnight', '3 items once (a one-off)'."""
    unit = vocab.label(plan_vocab.LINE_UNITS, request.unit)
    if request.quantity_hundredths == 100 and unit.endswith("s"):
        unit = unit[:-1]
    often = vocab.label(plan_vocab.FREQUENCIES, request.frequency)
    return f"{format_quantity(request.quantity_hundredths)} {unit} {often}"


def when_text(request: QuoteRequest) -> str:
    """'Monday, Wednesday and Friday; mornings and evenings', or '' when neither is given."""
    days = [vocab.label(vocab.DAYS, d) for d in request.days or ()]
    bands = [vocab.label(vocab.TIME_BANDS, b).lower() for b in request.time_bands or ()]
    parts = [listed(days)] if days else []
    if bands:
        parts.append(listed(bands))
    return "; ".join(parts)


def cost_text(request: QuoteRequest, price_pence: int) -> str:
    """What the request's schedule costs at this price: '£215.00 a week (£11,180.00 a year)',
    or for a one-off '£450.00 in all'."""
    annual, weekly = costs(request, price_pence)
    if weekly is None:
        return f"{format_pence(annual)} in all"
    return f"{format_pence(weekly)} a week ({format_pence(annual)} a year)"


def weekly_or_total(request: QuoteRequest, price_pence: int) -> str:
    """The short form for a sentence: '£215.00 a week', or '£450.00 in all' for a one-off."""
    annual, weekly = costs(request, price_pence)
    return (
        f"{format_pence(weekly)} a week" if weekly is not None else f"{format_pence(annual)} in all"
    )


def notice_text(hours: int | None) -> str:
    if hours is None:
        return ""
    if hours and hours % 24 == 0:
        days = hours // 24
        return f"{days} day{'s' if days != 1 else ''} ({hours} hours)"
    return f"{hours} hour{'s' if hours != 1 else ''}"


# --- the moves a viewer may make --------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    text: str
    endpoint: str
    status: str  # the state the move asks for (declining a counter-offer leads back to offered)
    warning: bool = False
    secondary: bool = False
    hint: str = ""  # what the move means, where two could be mistaken for each other


def _provider_text(current: str, to: str) -> str:
    if to == S.OFFERED:
        if current == S.REQUESTED:
            return "Send a quote"
        return "Answer with a new price" if current == S.COUNTERED else "Change your quote"
    if to == S.DECLINED:
        return "Decline the counter-offer" if current == S.COUNTERED else "Decline to quote"
    return "Withdraw"


_REQUESTER_TEXT = {
    S.ACCEPTED: "Accept",
    S.COUNTERED: "Counter-offer",
    S.DECLINED: "Decline",
    S.WITHDRAWN: "Withdraw",
}


def move_hint(quote: Quote, side: Side, wanted: str) -> str:
    """What declining or withdrawing means for ``side`` now, in a sentence ('' for the other
    moves): the two both close a quote, and declining a counter-offer closes nothing."""
    name, price = quote.provider_name, per_unit(quote.unit_price_pence, quote.request.unit)
    if side is Side.REQUESTER:
        if wanted == S.DECLINED:
            return f"Turn down {name}'s price of {price}. You cannot accept it later."
        if wanted == S.WITHDRAWN:
            if quote.status == S.REQUESTED:
                return f"You no longer want a quote from {name}."
            return f"You no longer want a quote from {name}, whatever their price."
        return ""
    if wanted == S.DECLINED:
        if leads_to(quote.status, wanted) == S.OFFERED:
            return f"Keep your price of {price}. They can still accept it."
        return "You cannot do this. Say why, so they can look elsewhere."
    if wanted == S.WITHDRAWN:
        if quote.status == S.REQUESTED:
            return "Step out of this request without quoting."
        return f"Take back your quote of {price}. They can no longer accept it."
    return ""


def actions(quote: Quote, side: Side) -> list[Action]:
    """The buttons for the moves ``side`` may make now (``states.allowed_moves``), in order."""
    found = []
    order = list(ENDPOINTS)
    moves = [to for to in allowed_moves(quote.status, side) if to in ENDPOINTS]
    for to in sorted(moves, key=order.index):
        text = (
            _provider_text(quote.status, to)
            if side is Side.PROVIDER
            else _REQUESTER_TEXT.get(to, words(to).capitalize())
        )
        found.append(
            Action(
                text=text,
                endpoint=ENDPOINTS[to],
                status=to,
                warning=to == S.WITHDRAWN,
                secondary=to in {S.DECLINED, S.COUNTERED},
                hint=move_hint(quote, side, to),
            )
        )
    return found


# The roles of the provider's side (the organisation's staff, a PA): who withdrew a quote.
PROVIDER_SIDE_ROLES = {*PROVIDER_ROLES, Role.PA.value}


def closed_by(quote: Quote) -> tuple[Side, str] | None:
    """The side that declined or withdrew the quote, and the state it was in then, from the
    move's event; None for any other state, or when the event cannot say."""
    if quote.status not in {S.DECLINED, S.WITHDRAWN}:
        return None
    event = next((e for e in reversed(quote.events) if e.to_status == quote.status), None)
    if event is None or event.from_status is None:
        return None
    if quote.status == S.DECLINED:
        # The holder's side declines only an offered quote; the provider a requested one (or a
        # countered one, before declining a counter-offer came to keep the price).
        by = Side.REQUESTER if event.from_status == S.OFFERED else Side.PROVIDER
    elif event.actor is not None:  # either side withdraws: the actor's role says which
        by = Side.PROVIDER if event.actor.role in PROVIDER_SIDE_ROLES else Side.REQUESTER
    else:
        return None
    return by, event.from_status


def status_label(quote: Quote, side: str) -> str:
    """The quote's state as the viewer's side reads it on its tag, saying which side declined or
    withdrew it ('You declined', 'They declined to quote', 'They withdrew'): "Declined" alone
    leaves the holder's side guessing whether they or the provider said no."""
    labels = PROVIDER_LABELS if side == Side.PROVIDER else LABELS
    closing = closed_by(quote)
    if closing is None:
        return labels[quote.status]
    by, before = closing
    who = "You" if by == side else "They"
    if quote.status == S.WITHDRAWN:
        return f"{who} withdrew"
    return f"{who} declined to quote" if before == S.REQUESTED else f"{who} declined"


def answer_by(quote: Quote, side: Side) -> str:
    """'Answer by 18 December 2026' when it is the viewer's turn; else who has until when.
    Empty once the quote is closed."""
    if quote.status not in OPEN:
        return ""
    day = uk_date(quote.expires_at)
    when = f"{day.day} {day:%B %Y}"
    turn = TURN[QuoteStatus(quote.status)]
    if turn == side:
        return f"Answer by {when}"
    if turn is Side.PROVIDER:
        return f"{quote.provider_name} has until {when} to answer"
    return f"{quote.request.holder.name}'s side has until {when} to answer"


# --- history ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    who: str
    change: str  # "Requested → Offered"
    price: str
    note: str


def history(session: DbSession, quote: Quote) -> list[HistoryRow]:
    """Every move of the quote, oldest first: who made it ('automatically' for the clock), what
    it changed, the price it put on the table and its note."""
    actors = [e.actor for e in quote.events if e.actor is not None]
    names = shown_names(session, actors) if actors else {}
    rows = []
    for event in quote.events:
        change = words(event.to_status).capitalize()
        if event.from_status:
            change = f"{words(event.from_status).capitalize()} → {words(event.to_status)}"
        rows.append(
            HistoryRow(
                at=event.at,
                who=names.get(event.actor_id, "") if event.actor_id else "automatically",
                change=change,
                price=per_unit(event.price_pence, quote.request.unit) if event.price_pence else "",
                note=event.note,
            )
        )
    return rows


# --- lists --------------------------------------------------------------------------------------


def answered(quote: Quote) -> bool:
    """The provider has answered: quoted at some point, or declined."""
    return quote.unit_price_pence is not None or quote.status == S.DECLINED


@dataclass(frozen=True)
class RequestRow:
    request: QuoteRequest
    answered: int
    asked: int
    accepted: Quote | None

    @property
    def answers_text(self) -> str:
        return f"{self.answered} of {self.asked} answered"


def request_rows(requests: list[QuoteRequest]) -> list[RequestRow]:
    rows = []
    for request in requests:
        accepted = next((q for q in request.quotes if q.id == request.accepted_quote_id), None)
        rows.append(
            RequestRow(
                request=request,
                answered=sum(1 for q in request.quotes if answered(q)),
                asked=len(request.quotes),
                accepted=accepted,
            )
        )
    return rows


def to_answer_first(quotes: list[Quote]) -> tuple[list[Quote], list[Quote]]:
    """(the quotes waiting for the provider: requested or countered, soonest to expire first;
    the rest, as given)."""
    waiting = [q for q in quotes if TURN.get(QuoteStatus(q.status)) is Side.PROVIDER]
    waiting.sort(key=lambda q: (q.expires_at, q.id))
    ids = {q.id for q in waiting}
    return waiting, [q for q in quotes if q.id not in ids]


# --- answering --------------------------------------------------------------------------------


def offer_terms_for(quote: Quote) -> OfferTerms:
    """What the provider's quote form starts with: the terms on the table when there are some
    (after a counter-offer, at the price offered back); else the listing's breakdown, and its
    price when it is priced in the request's unit (a PA's hourly rate for hours)."""
    request = quote.request
    if quote.unit_price_pence is not None:
        price = quote.unit_price_pence
        if quote.status == S.COUNTERED and quote.counter_price_pence is not None:
            price = quote.counter_price_pence
        return OfferTerms(
            unit_price_pence=price,
            direct_bp=quote.direct_bp,
            coordination_bp=quote.coordination_bp,
            overheads_bp=quote.overheads_bp,
            start_on=max(quote.offered_start_on or request.start_on, today()),
            notice_hours=quote.notice_hours,
            late_cancel_bp=quote.late_cancel_bp,
        )
    terms = OfferTerms(start_on=max(request.start_on, today()))
    offer = quote.offer
    if offer is not None:
        terms.direct_bp = offer.direct_bp
        terms.coordination_bp = offer.coordination_bp
        terms.overheads_bp = offer.overheads_bp
        if offer.price_unit != "free" and LINE_UNIT_OF_PRICE.get(offer.price_unit) == request.unit:
            terms.unit_price_pence = offer.price_pence
    elif quote.pa_profile is not None and request.unit == "hours":
        terms.unit_price_pence = quote.pa_profile.hourly_rate_pence
    return terms


def offer_heading(quote: Quote) -> str:
    if quote.status == S.REQUESTED:
        return "Send a quote"
    return "Answer the counter-offer" if quote.status == S.COUNTERED else "Change your quote"


def closing_heading(quote: Quote, side: Side, wanted: str) -> str:
    if wanted == S.DECLINED:
        if side is Side.REQUESTER:
            return f"Decline the quote from {quote.provider_name}"
        return "Decline the counter-offer" if quote.status == S.COUNTERED else "Decline to quote"
    if side is Side.REQUESTER:
        return f"Withdraw the request to {quote.provider_name}"
    return "Withdraw from this request" if quote.status == S.REQUESTED else "Withdraw your quote"


def closed_text(quote: Quote, side: Side, before: str) -> str:
    """What the flash says once a quote is declined or withdrawn, or a counter-offer declined
    (``before``: its state then)."""
    holder_side = f"{quote.request.holder.name}'s side"
    if side is Side.PROVIDER:
        if quote.status == S.OFFERED:  # the counter-offer declined: the price stands
            price = per_unit(quote.unit_price_pence, quote.request.unit)
            return (
                f"You declined the counter-offer and kept your price of {price}. We have told "
                f"{holder_side}: they can accept it, make another counter-offer or decline."
            )
        if quote.status == S.DECLINED:
            return f"You declined to quote. We have told {holder_side}."
        what = "from this request" if before == S.REQUESTED else "your quote"
        return f"You withdrew {what}. We have told {holder_side}."
    if quote.status == S.DECLINED:
        return f"You declined the quote from {quote.provider_name}. We have told them."
    return f"You withdrew the request to {quote.provider_name}. We have told them."


# --- accepting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AcceptPreview:
    """What accepting the quote will do, said before it is done."""

    price: str  # "£21.50 an hour"
    cost: str  # "£215.00 a week"
    outcome: str  # "line", "new_line", "no_plan" or "locked"
    description: str  # the line's (or the new line's) description
    plan_status: str
    others: list[str]  # the providers whose open quotes become "not chosen"
    money: Affordability | None = None  # whether the paying stream can afford it (None: no stream)


def accept_preview(session: DbSession, quote: Quote) -> AcceptPreview:
    """As ``answers.accept_quote`` will do it: the request's line takes the price, or a new line
    joins the plan the request was made for (refused when that plan is no longer a draft), or,
    with no plan at all, the price is kept on the quote."""
    request = quote.request
    price = quote.unit_price_pence or 0
    line = request.line if request.line_id is not None else None
    plan = line.plan if line is not None else request.plan
    if plan is None:
        plan = draft_plan(session, request.holder_id)
    if plan is None:
        outcome, plan_status = "no_plan", ""
    elif plan.status != "draft":
        outcome, plan_status = "locked", plan.status
    else:
        outcome, plan_status = ("line" if line is not None else "new_line"), plan.status
    return AcceptPreview(
        price=per_unit(price, request.unit),
        cost=weekly_or_total(request, price),
        outcome=outcome,
        description=line.description if line is not None else request.description,
        plan_status=plan_status,
        others=[q.provider_name for q in request.quotes if q.id != quote.id and q.status in OPEN],
        money=affordability_at(request, price),
    )


def accepted_text(session: DbSession, quote: Quote, others: list[str]) -> str:
    """What the flash says once the quote is accepted: the price, where it went, the others."""
    request = quote.request
    price = quote.unit_price_pence or 0
    said = [f"You accepted the quote from {quote.provider_name}: {per_unit(price, request.unit)}."]
    # The acceptance set the line's id (a new line's too): read the line itself afresh.
    line = session.get(PlanLine, request.line_id) if request.line_id is not None else None
    if line is not None:
        said.append(
            f"The line “{line.description}” in the draft plan now costs "
            f"{weekly_or_total(request, price)}."
        )
    else:
        said.append("There is no draft plan, so the agreed price is kept on this quote.")
    if others:
        said.append(f"We have told {listed(others)} that their quote was not chosen.")
    return " ".join(said)


# --- a new request ------------------------------------------------------------------------------


def holders_of(session: DbSession, user: Any) -> list[User]:
    """The holders the user may ask quotes for: themselves, or the people they plan for."""
    if user.role == "holder":
        return [user]
    return list(
        session.scalars(
            select(User).where(User.id.in_(visible_holder_ids(user))).order_by(User.name, User.id)
        )
    )


@dataclass
class Start:
    """A new request as its form starts: for whom (None: the planner chooses first), the values
    filled in, and a sentence saying where they came from."""

    holder_id: int | None
    data: RequestInput
    note: str = ""


def _line_start(session: DbSession, user: Any, line_id: int, data: RequestInput) -> str:
    line = session.get(PlanLine, line_id)
    if line is None:
        raise NotFound(LINE_NOT_FOUND)
    planner_access(session, user, line.plan.holder_id, LINE_NOT_FOUND)
    data.holder_id = line.plan.holder_id
    data.description = line.description
    data.frequency, data.quantity_hundredths, data.unit = (
        line.frequency,
        line.quantity_hundredths,
        line.unit,
    )
    data.days, data.time_bands = list(line.days or ()), list(line.time_bands or ())
    data.start_on = max(line.start_on, today())
    data.end_on = line.end_on if line.end_on and line.end_on >= data.start_on else None
    data.stream_id = line.stream_id
    if line.plan.status == "draft":  # only a draft's lines can take the price
        data.line_id = line.id
    if line.offer_id is not None:
        data.offer_ids.append(line.offer_id)
    elif line.pa_profile_id is not None:
        data.pa_profile_ids.append(line.pa_profile_id)
    return f"Filled in from the line “{line.description}” of the support plan."


def _need_start(session: DbSession, user: Any, need: NeedAdvert, data: RequestInput) -> str:
    slots = list(need.slots or ())
    data.holder_id = need.holder_id
    data.need_id = need.id
    data.description = need.title
    data.details = need.description
    data.frequency, data.quantity_hundredths, data.unit = "week", need.hours_hundredths, "hours"
    data.days = [d for d, _ in vocab.DAYS if any(s.startswith(f"{d}:") for s in slots)]
    data.time_bands = [b for b, _ in vocab.TIME_BANDS if any(s.endswith(f":{b}") for s in slots)]
    data.start_on = max(need.start_on, today())
    data.end_on = need.end_on if need.end_on and need.end_on >= data.start_on else None
    data.postcode = need.district
    return f"Filled in from the advert “{need.title}”."


def _listing_start(session: DbSession, data: RequestInput) -> str:
    """Asked from listings alone: what the first of them is, in its unit."""
    for offer_id in data.offer_ids:
        offer = session.get(Offer, offer_id)
        if offer is not None and offer.status == "published":
            data.description = offer.title
            data.unit = LINE_UNIT_OF_PRICE.get(offer.price_unit, "hours")
            return ""
    return ""


def start_request(
    session: DbSession,
    user: Any,
    *,
    offer_ids: list[int],
    pa_ids: list[int],
    line_id: int | None = None,
    need_id: int | None = None,
    holder_id: int | None = None,
) -> Start:
    """A new request's starting values from the address: a plan line (its schedule, stream and
    provider), a need advert (its hours, days and times, dates and area), listings, a holder.
    Someone else's line, advert or holder: NotFound."""
    data = RequestInput(holder_id=None, offer_ids=list(offer_ids), pa_profile_ids=list(pa_ids))
    note = ""
    if line_id is not None:
        note = _line_start(session, user, line_id, data)
    elif need_id is not None:
        note = _need_start(session, user, need_for_planner(session, user, need_id), data)
    else:
        _listing_start(session, data)
    if data.holder_id is None:
        if holder_id is not None:
            planner_access(session, user, holder_id, REQUEST_NOT_FOUND)
            data.holder_id = holder_id
        else:
            holders = holders_of(session, user)
            if len(holders) == 1:
                data.holder_id = holders[0].id
    if data.holder_id is not None and not data.postcode:
        access = planner_access(session, user, data.holder_id, REQUEST_NOT_FOUND)
        data.postcode = access.record.postcode if access.record is not None else ""
    return Start(holder_id=data.holder_id, data=data, note=note)


@dataclass
class RequestChoices:
    """What the new-request form offers for one holder: whom to ask (chosen first, then the
    user's shortlist), the draft plan's lines and the streams that may pay (the draft plan's,
    or with none, those of this year's budget)."""

    access: CareAccess
    plan: SupportPlan | None
    recipients: list[tuple[str, str]] = field(default_factory=list)
    lines: list[PlanLine] = field(default_factory=list)
    streams: list[BudgetStream] = field(default_factory=list)


def _offer_label(offer: Offer) -> str:
    unit = vocab.label(vocab.PRICE_UNITS, offer.price_unit)
    price = "free" if offer.price_unit == "free" else f"{format_pence(offer.price_pence)} {unit}"
    return f"{offer.title}, {offer.provider_name} ({price})"


def _pa_label(pa: PAProfile) -> str:
    return f"{pa.display_name}, personal assistant ({format_pence(pa.hourly_rate_pence)} an hour)"


def parse_recipient(value: str) -> tuple[str, int] | None:
    """'offer:12' → ('offer', 12); anything else None."""
    kind, _, number = (value or "").partition(":")
    found = parse_id(number)
    return (kind, found) if kind in {"offer", "pa"} and found is not None else None


def request_choices(
    session: DbSession, user: Any, holder_id: int, offer_ids: list[int], pa_ids: list[int]
) -> RequestChoices:
    """The choices for a request for ``holder_id`` (NotFound unless the user plans for them).
    The listings asked for come first (published ones only), then the rest of the shortlist."""
    access = planner_access(session, user, holder_id, REQUEST_NOT_FOUND)
    plan = draft_plan(session, holder_id)
    choices = RequestChoices(access=access, plan=plan)
    seen: set[str] = set()

    def add(value: str, label: str) -> None:
        if value not in seen:
            seen.add(value)
            choices.recipients.append((value, label))

    for offer_id in offer_ids:
        offer = session.get(Offer, offer_id)
        if offer is not None and is_public(offer):
            add(f"offer:{offer.id}", _offer_label(offer))
    for pa_id in pa_ids:
        pa = session.get(PAProfile, pa_id)
        if pa is not None and is_public(pa):
            add(f"pa:{pa.id}", _pa_label(pa))
    if user.role in {"holder", "representative", "broker"}:
        saved = shortlist_for(session, user)
        for entry in saved.offers:
            saved_offer = entry.item.offer
            if entry.public and saved_offer is not None and saved_offer.price_unit != "free":
                add(f"offer:{saved_offer.id}", _offer_label(saved_offer))
        for entry in saved.pas:
            saved_pa = entry.item.pa_profile
            if entry.public and saved_pa is not None:
                add(f"pa:{saved_pa.id}", _pa_label(saved_pa))
    if plan is not None:
        choices.lines = [line for line in plan.lines if line.kind != "unpaid"]
        choices.streams = stream_choices(session, plan)
    else:  # no draft plan: the streams of this year's budget, as the service allows
        budget = current_budget(session, holder_id)
        choices.streams = list(budget.streams) if budget is not None else []
    return choices
