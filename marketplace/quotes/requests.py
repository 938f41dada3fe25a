"""Asking for quotes: one request, sent to one or more providers or PAs, each a ``Quote``.

A request says what is needed, when (days, times of day, start and end), how often and how much,
where (a postcode district only), and which line of the holder's draft plan and which budget stream
it is for (no line: accepting a quote adds a new line to the draft plan).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace import geo
from marketplace.audit.services import record
from marketplace.budgets.services import current_budget
from marketplace.clock import LASTS_AT_MOST, start_date_error, utcnow
from marketplace.directory import vocab as directory_vocab
from marketplace.directory.models import Offer, PAProfile
from marketplace.errors import ValidationFailed
from marketplace.extensions import DbSession
from marketplace.holders.access import CareAccess, visible_holder_ids
from marketplace.money import MAX_QUANTITY_HUNDREDTHS, format_quantity
from marketplace.needs.models import NeedAdvert
from marketplace.plans import vocab as plan_vocab
from marketplace.plans.common import commit, planner_access
from marketplace.plans.lines import stream_choices
from marketplace.plans.models import PlanLine, SupportPlan
from marketplace.plans.services import current_plan
from marketplace.quotes.access import (
    PROVIDER_ROLES,
    REQUEST_NOT_FOUND,
    checked_on_read,
    expiry_from_now,
)
from marketplace.quotes.models import Quote, QuoteEvent, QuoteRequest
from marketplace.quotes.states import OPEN
from marketplace.quotes.telling import tell_requested

# Who asks for quotes: the holder, a representative, a broker (each for the holders they plan for).
PLANNER_ROLES = {"holder", "representative", "broker"}
DESCRIPTION_LIMIT = 300
DETAILS_LIMIT = 2000
MAX_RECIPIENTS = 10
NO_RECIPIENTS = "Choose at least one provider or personal assistant to ask"
_FREQUENCIES = {value for value, _ in plan_vocab.FREQUENCIES}
_UNITS = {value for value, _ in plan_vocab.LINE_UNITS}
_DAYS = tuple(value for value, _ in directory_vocab.DAYS)
_TIME_BANDS = tuple(value for value, _ in directory_vocab.TIME_BANDS)


@dataclass
class RequestInput:
    """A quote request as a form or the API gives it. Quantity in hundredths (1.5 → 150)."""

    holder_id: int | None = None
    offer_ids: list[int] = field(default_factory=list)
    pa_profile_ids: list[int] = field(default_factory=list)
    description: str = ""
    details: str = ""
    frequency: str = "week"
    quantity_hundredths: int | None = 100
    unit: str = "hours"
    days: list[str] = field(default_factory=list)
    time_bands: list[str] = field(default_factory=list)
    start_on: date | None = None
    end_on: date | None = None
    postcode: str = ""  # empty: the holder's own postcode district
    line_id: int | None = None
    stream_id: int | None = None
    need_id: int | None = None


@dataclass(frozen=True)
class Recipient:
    """One provider asked: an organisation or a PA, and the listing asked about (if any)."""

    organisation_id: int | None
    pa_profile_id: int | None
    offer_id: int | None
    name: str


def draft_plan(session: DbSession, holder_id: int) -> SupportPlan | None:
    """The holder's current plan if it is a draft (the only kind whose prices may change)."""
    plan = current_plan(session, holder_id)
    return plan if plan is not None and plan.status == "draft" else None


def _listed(offer: Offer) -> bool:
    """The directory shows an offer only while it and its provider are both published."""
    provider = offer.organisation or offer.pa_profile
    return offer.status == "published" and provider is not None and provider.status == "published"


def _ids(values: Any) -> list[Any]:
    """The ids asked for, each once and in order (whatever a caller sent: an id that is not a
    whole number finds nothing, as a missing one does)."""
    return [v if _whole(v) else None for v in dict.fromkeys(values or ())]


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _recipients(session: DbSession, data: RequestInput, errors: dict[str, str]) -> list[Recipient]:
    found: list[Recipient] = []
    for offer_id in _ids(data.offer_ids):
        offer = session.get(Offer, offer_id) if offer_id is not None else None
        if offer is None or not _listed(offer):
            errors["recipients"] = "Choose services that are listed in the directory"
            continue
        if offer.price_unit == "free":
            errors["recipients"] = (
                f"“{offer.title}” is free: add it to the plan without asking for a quote"
            )
            continue
        found.append(
            Recipient(offer.organisation_id, offer.pa_profile_id, offer.id, offer.provider_name)
        )
    for pa_id in _ids(data.pa_profile_ids):
        pa = session.get(PAProfile, pa_id) if pa_id is not None else None
        if pa is None or pa.status != "published":
            errors["recipients"] = "Choose personal assistants who are listed in the directory"
            continue
        found.append(Recipient(None, pa.id, None, pa.display_name))
    if not found and "recipients" not in errors:
        errors["recipients"] = NO_RECIPIENTS
    seen: dict[tuple[int | None, int | None], str] = {}
    for item in found:
        key = (item.organisation_id, item.pa_profile_id)
        if key in seen:
            errors["recipients"] = (
                f"You chose {item.name} twice: ask each provider once, "
                "and say in the details if you want more than one of their services"
            )
        seen[key] = item.name
    if len(found) > MAX_RECIPIENTS:
        errors["recipients"] = f"Ask at most {MAX_RECIPIENTS} providers at once"
    return found


def _check_schedule(data: RequestInput, errors: dict[str, str]) -> None:
    if data.frequency not in _FREQUENCIES:
        errors["frequency"] = "Choose how often"
    if data.unit not in _UNITS:
        errors["unit"] = "Choose what the number counts (hours, sessions …)"
    quantity = data.quantity_hundredths
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        errors["quantity_hundredths"] = "Enter how many, like 6 or 1.5"
    elif quantity <= 0:
        errors["quantity_hundredths"] = "The number must be more than 0"
    elif quantity > MAX_QUANTITY_HUNDREDTHS:
        errors["quantity_hundredths"] = (
            f"The number must be {format_quantity(MAX_QUANTITY_HUNDREDTHS)} or less"
        )
    elif data.unit == "hours" and data.frequency == "week" and quantity > 168 * 100:
        errors["quantity_hundredths"] = "A week has 168 hours: enter fewer hours"
    if not set(data.days or ()) <= set(_DAYS):
        errors["days"] = "Choose days from the list"
    if not set(data.time_bands or ()) <= set(_TIME_BANDS):
        errors["time_bands"] = "Choose times of day from the list"
    if not isinstance(data.start_on, date):
        errors["start_on"] = "Enter the date you would like it to start"
    elif error := start_date_error(data.start_on):
        errors["start_on"] = error
    elif data.end_on is not None and (
        not isinstance(data.end_on, date) or data.end_on < data.start_on
    ):
        errors["end_on"] = "The end date must be the same as or after the start date"
    elif data.end_on is not None and data.end_on > data.start_on + LASTS_AT_MOST:
        errors["end_on"] = (
            "The end date must be within 5 years of the start: leave it empty if it carries on"
        )


def _stream_ids(session: DbSession, access: CareAccess, plan: SupportPlan | None) -> set[int]:
    """The streams that may pay: those of the draft plan's year, or with no draft plan, those
    of the holder's budget for this year."""
    if plan is not None:
        return {s.id for s in stream_choices(session, plan)}
    budget = current_budget(session, access.holder.id)
    return {s.id for s in budget.streams} if budget is not None else set()


def _check_plan_links(
    session: DbSession, access: CareAccess, data: RequestInput, errors: dict[str, str]
) -> tuple[SupportPlan | None, PlanLine | None, int | None]:
    plan = draft_plan(session, access.holder.id)
    line = None
    if data.line_id is not None:
        line = session.get(PlanLine, data.line_id) if _whole(data.line_id) else None
        if line is None or plan is None or line.plan_id != plan.id:
            errors["line_id"] = "Choose a line of this person's draft plan"
            line = None
    stream_id = data.stream_id
    if stream_id is None and line is not None:
        stream_id = line.stream_id
    if stream_id is not None and stream_id not in _stream_ids(session, access, plan):
        errors["stream_id"] = "Choose one of this person's budget streams"
    if data.need_id is not None:
        need = session.get(NeedAdvert, data.need_id) if _whole(data.need_id) else None
        if need is None or need.holder_id != access.holder.id:
            errors["need_id"] = "Choose one of this person's adverts"
    return plan, line, stream_id


def _district(access: CareAccess, postcode: str, errors: dict[str, str]) -> str:
    text = (postcode or "").strip() or (access.record.postcode if access.record else "")
    if not text:
        errors["postcode"] = "Enter the postcode where support is needed, like LS6 2AB or LS6"
        return ""
    try:
        return geo.parse_postcode(text).district.code
    except geo.UnknownPostcode as error:
        errors["postcode"] = error.message
        return ""


def create_request(session: DbSession, actor: Any, data: RequestInput) -> QuoteRequest:
    """Ask each chosen provider for a quote. Refused whole (ValidationFailed naming every field,
    nothing written) when anything is wrong; NotFound for a holder the actor may not plan for.
    Each provider is told (notification and email)."""
    holder_id = data.holder_id
    if not isinstance(holder_id, int) or isinstance(holder_id, bool):
        raise ValidationFailed({"holder_id": "Choose who the quote is for"})
    access = planner_access(session, actor, holder_id, REQUEST_NOT_FOUND)
    errors: dict[str, str] = {}
    recipients = _recipients(session, data, errors)
    description = (data.description or "").strip()
    if not description:
        errors["description"] = "Say what is needed, like “Help with personal care each morning”"
    elif len(description) > DESCRIPTION_LIMIT:
        errors["description"] = f"Keep it to {DESCRIPTION_LIMIT} characters or fewer"
    details = (data.details or "").strip()
    if len(details) > DETAILS_LIMIT:
        errors["details"] = f"The details must be {DETAILS_LIMIT:,} characters or fewer"
    _check_schedule(data, errors)
    plan, line, stream_id = _check_plan_links(session, access, data, errors)
    district = _district(access, data.postcode, errors)
    if errors:
        raise ValidationFailed(errors)
    request = QuoteRequest(
        holder_id=access.holder.id,
        plan_id=plan.id if plan is not None else None,
        line_id=line.id if line is not None else None,
        stream_id=stream_id,
        need_id=data.need_id,
        description=description,
        details=details,
        frequency=data.frequency,
        quantity_hundredths=data.quantity_hundredths,
        unit=data.unit,
        days=[d for d in _DAYS if d in (data.days or ())],
        time_bands=[b for b in _TIME_BANDS if b in (data.time_bands or ())],
        start_on=data.start_on,
        end_on=data.end_on,
        district=district,
        created_by_id=actor.id,
    )
    now, expires = utcnow(), expiry_from_now()
    for item in recipients:
        quote = Quote(
            organisation_id=item.organisation_id if item.pa_profile_id is None else None,
            pa_profile_id=item.pa_profile_id,
            offer_id=item.offer_id,
            status="requested",
            expires_at=expires,
            created_at=now,
        )
        quote.events.append(QuoteEvent(to_status="requested", actor_id=actor.id, at=now))
        request.quotes.append(quote)
    session.add(request)
    session.flush()
    for quote in request.quotes:
        tell_requested(session, quote, actor)
    record(session, actor, "create", "quote_request", request.id, request.holder_id)
    commit(session)
    return request


def requests_of(
    session: DbSession, actor: Any, *, holder_id: int | None = None
) -> list[QuoteRequest]:
    """The requests for the holders the actor plans for (one holder's, when given), newest
    first, their quotes loaded and expiry checked."""
    query = (
        select(QuoteRequest)
        .order_by(QuoteRequest.created_at.desc(), QuoteRequest.id.desc())
        .options(selectinload(QuoteRequest.quotes), selectinload(QuoteRequest.holder))
    )
    if holder_id is not None:
        planner_access(session, actor, holder_id, REQUEST_NOT_FOUND)
        query = query.where(QuoteRequest.holder_id == holder_id)
    elif actor.role in PLANNER_ROLES:
        query = query.where(QuoteRequest.holder_id.in_(visible_holder_ids(actor)))
    else:
        return []
    requests = list(session.scalars(query))
    checked_on_read(session, [q for r in requests for q in r.quotes])
    return requests


def quotes_to_answer(session: DbSession, actor: Any, *, open_only: bool = False) -> list[Quote]:
    """The quotes the actor answers (a PA's own, or their organisation's once their place there
    is approved), newest first, expiry checked. Empty for anyone else."""
    query = select(Quote).order_by(Quote.updated_at.desc(), Quote.id.desc())
    if actor.role in PROVIDER_ROLES and actor.acts_for(actor.organisation_id):
        query = query.where(Quote.organisation_id == actor.organisation_id)
    elif actor.role == "pa":
        mine = select(PAProfile.id).where(PAProfile.user_id == actor.id)
        query = query.where(Quote.pa_profile_id.in_(mine))
    else:
        return []
    if open_only:
        query = query.where(Quote.status.in_(OPEN))
    quotes = list(session.scalars(query.options(selectinload(Quote.request))))
    checked_on_read(session, quotes)
    if open_only:  # those that expired as they were read are open no longer
        quotes = [q for q in quotes if q.status in OPEN]
    return quotes
