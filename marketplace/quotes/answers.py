"""Answering quotes: offer, counter-offer, accept, decline, withdraw. Each call is one
transaction, and each move is a conditional update (``WHERE status = <the state it was read
in>``), so of two people moving the same quote at once exactly one wins; the other is told the
state it is in now (409). Accepting one quote marks the request's other open quotes "not chosen"
and puts the agreed price into the holder's draft plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.clock import start_date_error, utcnow
from marketplace.errors import Conflict, ValidationFailed
from marketplace.extensions import DbSession, affected_rows
from marketplace.messages.models import MessageThread
from marketplace.messages.services import start_thread
from marketplace.plans.common import commit
from marketplace.plans.lines import LineInput, agree_price
from marketplace.plans.workflow import people_to_tell
from marketplace.quotes.access import (
    expire_due,
    expiry_from_now,
    provider_people,
    quote_for,
)
from marketplace.quotes.models import (
    MAX_NOTICE_HOURS,
    MAX_QUOTE_PRICE_PENCE,
    Quote,
    QuoteEvent,
    QuoteRequest,
)
from marketplace.quotes.requests import draft_plan
from marketplace.quotes.states import OPEN, QuoteStatus, Side, check_move, transition_error
from marketplace.quotes.telling import (
    each,
    per_unit,
    tell_accepted,
    tell_closed,
    tell_counter_declined,
    tell_countered,
    tell_not_chosen,
    tell_offered,
)

NOTE_LIMIT = 1000
S = QuoteStatus


@dataclass
class OfferTerms:
    """A provider's quote. Money in pence per unit of the request; shares and the
    late-cancellation charge in basis points (77% → 7700)."""

    unit_price_pence: int | None = None
    direct_bp: int | None = 10000
    coordination_bp: int | None = 0
    overheads_bp: int | None = 0
    start_on: date | None = None
    notice_hours: int | None = 48
    late_cancel_bp: int | None = 10000
    note: str = ""


def price_error(pence: int | None, unit: str, field: str = "price") -> str | None:
    """Why a price per unit is refused (none, not positive, or more than any real one)."""
    if not isinstance(pence, int) or isinstance(pence, bool):
        return f"Enter the {field} in pounds, like 18.50 {each(unit)}"
    if pence <= 0:
        return f"The {field} must be more than £0"
    highest = (
        int(current_app.config["MAXIMUM_HOURLY_RATE_PENCE"])
        if unit == "hours"
        else MAX_QUOTE_PRICE_PENCE
    )
    if pence > highest:
        return (
            f"The {field} must be {per_unit(highest, unit)} or less: check it is the price "
            "for each, not the total"
        )
    return None


def _in_range(value: Any, highest: int) -> bool:
    """A whole number from 0 to ``highest``."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= highest


def _note(text: str, field: str, errors: dict[str, str]) -> str:
    cleaned = text.strip() if isinstance(text, str) else ""
    if len(cleaned) > NOTE_LIMIT:
        errors[field] = f"Keep it to {NOTE_LIMIT:,} characters or fewer"
    return cleaned


def _checked_terms(quote: Quote, terms: OfferTerms) -> dict[str, Any]:
    errors: dict[str, str] = {}
    error = price_error(terms.unit_price_pence, quote.request.unit)
    if error:
        errors["unit_price_pence"] = error
    shares = (terms.direct_bp, terms.coordination_bp, terms.overheads_bp)
    if not all(_in_range(share, 10000) for share in shares):
        errors["breakdown"] = "Enter each share of the price as a percentage from 0 to 100"
    elif sum(s for s in shares if s is not None) != 10000:
        total = sum(s for s in shares if s is not None)
        errors["breakdown"] = f"The shares must add up to 100% (they add up to {total / 100:g}%)"
    if not isinstance(terms.start_on, date):
        errors["start_on"] = "Enter the date you could start"
    elif error := start_date_error(terms.start_on):
        errors["start_on"] = error
    if not _in_range(terms.notice_hours, MAX_NOTICE_HOURS):
        errors["notice_hours"] = (
            f"Enter the notice you need of a cancellation, in hours from 0 to {MAX_NOTICE_HOURS}"
        )
    if not _in_range(terms.late_cancel_bp, 10000):
        errors["late_cancel_bp"] = (
            "Enter what you charge for a late cancellation, as a percentage from 0 to 100 of "
            "the price of what is cancelled"
        )
    note = _note(terms.note, "note", errors)
    if errors:
        raise ValidationFailed(errors)
    return {
        "unit_price_pence": terms.unit_price_pence,
        "direct_bp": terms.direct_bp,
        "coordination_bp": terms.coordination_bp,
        "overheads_bp": terms.overheads_bp,
        "offered_start_on": terms.start_on,
        "notice_hours": terms.notice_hours,
        "late_cancel_bp": terms.late_cancel_bp,
        "provider_note": note,
    }


def _refused_move(session: DbSession, quote: Quote, wanted: str) -> Exception:
    """The 409 for a conditional update that lost: someone moved the quote first, or its time
    ran out (it is expired now, and both sides are told)."""
    session.rollback()
    session.refresh(quote)
    if quote.status in OPEN and quote.expires_at <= utcnow():
        expire_due(session, [quote])
        session.commit()
    return transition_error(quote.status, wanted)


def _move(
    session: DbSession,
    quote: Quote,
    to: QuoteStatus,
    actor: Any,
    *,
    values: dict[str, Any] | None = None,
    note: str = "",
    price: int | None = None,
    asked: QuoteStatus | None = None,
) -> None:
    """Move the quote from the state it was read in to ``to`` (one conditional update) and
    record the move. An open quote stays open only until it expires. A refusal names the move
    as ``asked`` (by default ``to``): declining a counter-offer is a move to offered."""
    before, now = quote.status, utcnow()
    changes = dict(values or {}, status=to.value, updated_at=now)
    if to in OPEN:
        changes["expires_at"] = expiry_from_now()  # the other side has the full time to answer
    done = affected_rows(
        session.execute(
            update(Quote)
            .where(Quote.id == quote.id, Quote.status == before, Quote.expires_at > now)
            .values(**changes)
            .execution_options(synchronize_session=False)
        )
    )
    if done != 1:
        raise _refused_move(session, quote, (asked or to).value)
    session.add(
        QuoteEvent(
            quote_id=quote.id,
            from_status=before,
            to_status=to.value,
            actor_id=getattr(actor, "id", None),
            price_pence=price,
            note=note,
            at=now,
        )
    )
    session.flush()
    session.refresh(quote)


def offer_quote(session: DbSession, actor: Any, quote_id: int, terms: OfferTerms) -> Quote:
    """The provider quotes (or, after a counter-offer, quotes again): price, breakdown, start
    date and cancellation terms. The holder's side is told."""
    quote, side = quote_for(session, actor, quote_id)
    check_move(quote.status, S.OFFERED, side)
    values = _checked_terms(quote, terms)
    _move(
        session,
        quote,
        S.OFFERED,
        actor,
        values=values | {"counter_price_pence": None, "counter_note": ""},
        note=values["provider_note"],
        price=values["unit_price_pence"],
    )
    tell_offered(session, quote, actor)
    commit(session)
    return quote


def counter_quote(
    session: DbSession, actor: Any, quote_id: int, price_pence: int | None, note: str = ""
) -> Quote:
    """The holder's side asks for a lower price; the provider is told and answers."""
    quote, side = quote_for(session, actor, quote_id)
    check_move(quote.status, S.COUNTERED, side)
    errors: dict[str, str] = {}
    error = price_error(price_pence, quote.request.unit, "price you offer")
    if error:
        errors["counter_price_pence"] = error
    elif (
        price_pence is not None
        and quote.unit_price_pence is not None
        and price_pence >= quote.unit_price_pence
    ):
        errors["counter_price_pence"] = (
            "A counter-offer must be lower than the price quoted, "
            f"{per_unit(quote.unit_price_pence, quote.request.unit)}"
        )
    text = _note(note, "note", errors)
    if errors:
        raise ValidationFailed(errors)
    _move(
        session,
        quote,
        S.COUNTERED,
        actor,
        values={"counter_price_pence": price_pence, "counter_note": text},
        note=text,
        price=price_pence,
    )
    tell_countered(session, quote, actor)
    commit(session)
    return quote


def decline_quote(session: DbSession, actor: Any, quote_id: int, reason: str = "") -> Quote:
    """The provider declines to quote, saying why; or the holder's side turns down a quote. The
    other side is told. The provider declining a counter-offer keeps their price instead: the
    quote goes back to offered at their terms, with the full time to answer again (as a new
    price would), and the holder's side is told they can accept it, counter again or decline."""
    quote, side = quote_for(session, actor, quote_id)
    to = check_move(quote.status, S.DECLINED, side)
    errors: dict[str, str] = {}
    text = _note(reason, "reason", errors)
    if side is Side.PROVIDER and not text:
        errors["reason"] = (
            "Say why you are keeping your price, so they can decide what to do"
            if to is S.OFFERED
            else "Say why you are declining, so they can look elsewhere"
        )
    if errors:
        raise ValidationFailed(errors)
    if to is S.OFFERED:
        _keep_price(session, actor, quote, text)
    else:
        _move(session, quote, S.DECLINED, actor, values={"closing_reason": text}, note=text)
        tell_closed(session, quote, actor, by_provider=side is Side.PROVIDER)
    commit(session)
    return quote


def _keep_price(session: DbSession, actor: Any, quote: Quote, reason: str) -> None:
    """The counter-offer declined: the provider's terms stand, the counter-offer is cleared from
    the quote (its event keeps it) and this move's event says it was declined, and why."""
    declined = per_unit(quote.counter_price_pence, quote.request.unit)
    _move(
        session,
        quote,
        S.OFFERED,
        actor,
        values={"counter_price_pence": None, "counter_note": ""},
        note=f"Counter-offer of {declined} declined: {reason}",
        price=quote.unit_price_pence,
        asked=S.DECLINED,
    )
    tell_counter_declined(session, quote, actor, declined, reason)


def withdraw_quote(session: DbSession, actor: Any, quote_id: int, reason: str = "") -> Quote:
    """Either side withdraws before acceptance; the other side is told."""
    quote, side = quote_for(session, actor, quote_id)
    check_move(quote.status, S.WITHDRAWN, side)
    errors: dict[str, str] = {}
    text = _note(reason, "reason", errors)
    if errors:
        raise ValidationFailed(errors)
    _move(session, quote, S.WITHDRAWN, actor, values={"closing_reason": text}, note=text)
    tell_closed(session, quote, actor, by_provider=side is Side.PROVIDER)
    commit(session)
    return quote


def _claim_request(session: DbSession, quote: Quote) -> None:
    """Mark the request decided by this quote: one conditional update, so two acceptances of
    different quotes of one request cannot both win."""
    request = quote.request
    done = affected_rows(
        session.execute(
            update(QuoteRequest)
            .where(QuoteRequest.id == request.id, QuoteRequest.accepted_quote_id.is_(None))
            .values(accepted_quote_id=quote.id)
            .execution_options(synchronize_session=False)
        )
    )
    if done == 1:
        # The update went round the session: keep the loaded request in step with the row.
        set_committed_value(request, "accepted_quote_id", quote.id)
    else:
        session.rollback()
        session.refresh(request)
        if request.accepted_quote_id == quote.id:
            raise transition_error(S.ACCEPTED, S.ACCEPTED)
        raise Conflict(
            "Another quote for this request has been accepted already, so this one cannot be."
        )


def _close_not_chosen(session: DbSession, other: Quote, actor: Any) -> None:
    """Another quote of the accepted request, if still open, becomes "not chosen" and its
    provider is told. Its state is read afresh for each try: the provider may have answered
    since the request was loaded, and an answer must not leave it open beside the accepted one."""
    while True:
        before = session.scalar(select(Quote.status).where(Quote.id == other.id))
        if before not in OPEN:
            return
        now = utcnow()
        done = affected_rows(
            session.execute(
                update(Quote)
                .where(Quote.id == other.id, Quote.status == before)
                .values(status=S.NOT_CHOSEN.value, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        )
        if done == 1:
            break
    session.add(
        QuoteEvent(
            quote_id=other.id,
            from_status=before,
            to_status=S.NOT_CHOSEN.value,
            actor_id=actor.id,
            at=now,
        )
    )
    session.refresh(other)
    tell_not_chosen(session, other, actor)


def _line_for(quote: Quote) -> LineInput:
    request, line = quote.request, quote.request.line
    # A listing asked about, else the PA asked; else (the listing has been deleted since) the
    # organisation by name, as a line described in words.
    if quote.offer_id is not None:
        kind = "offer"
    elif quote.pa_profile_id is not None:
        kind = "pa"
    else:
        kind = "text"
    return LineInput(
        kind=kind,
        offer_id=quote.offer_id,
        pa_profile_id=quote.pa_profile_id if kind == "pa" else None,
        description=line.description if line is not None else request.description,
        provider_name=quote.provider_name,
        frequency=request.frequency,
        quantity_hundredths=request.quantity_hundredths,
        unit=request.unit,
        unit_price_pence=quote.unit_price_pence,
        stream_id=request.stream_id,
        outcome_ids=[o.id for o in line.outcomes] if line is not None else [],
        start_on=max(request.start_on, quote.offered_start_on or request.start_on),
        end_on=request.end_on,
        days=list(request.days or ()),
        time_bands=list(request.time_bands or ()),
    )


def _put_in_plan(session: DbSession, actor: Any, quote: Quote) -> None:
    """The agreed price goes into the holder's draft plan: onto the request's line, or a new
    line. The plan the request was made for must still be a draft (else 409: it was submitted
    meanwhile); with no plan at all the agreement is kept on the quote alone."""
    request = quote.request
    if request.line_id is not None and request.line is not None:
        plan_id = request.line.plan_id
    elif request.plan_id is not None:
        plan_id = request.plan_id
    else:
        plan = draft_plan(session, request.holder_id)
        if plan is None:
            return
        plan_id = plan.id
    line = agree_price(session, actor, plan_id, request.line_id, _line_for(quote))
    request.line_id, request.plan_id = line.id, line.plan_id


def accept_quote(session: DbSession, actor: Any, quote_id: int) -> Quote:
    """The holder's side accepts a quote on the table. Exactly one acceptance of a request wins
    (others: 409). The request's other open quotes become "not chosen" and their providers are
    told; the agreed price goes into the draft plan's line. If the plan refuses the line (it is
    no longer a draft, or a package rule is broken) nothing is accepted."""
    quote, side = quote_for(session, actor, quote_id)
    check_move(quote.status, S.ACCEPTED, side)
    # The request first: its row is what concurrent acceptances of any of its quotes queue on
    # (claiming the quote first would deadlock two acceptances on the one-accepted index).
    _claim_request(session, quote)
    _move(session, quote, S.ACCEPTED, actor, price=quote.unit_price_pence)
    for other in quote.request.quotes:
        if other.id != quote.id:
            _close_not_chosen(session, other, actor)
    try:
        _put_in_plan(session, actor, quote)
    except Exception:
        session.rollback()
        raise
    tell_accepted(session, quote, actor)
    commit(session)
    return quote


def write_about_quote(session: DbSession, actor: Any, quote_id: int, body: str) -> MessageThread:
    """A message in the quote's thread (created with the first message) between the provider and
    the holder's side — the holder, their representatives and broker, whoever asked — each of
    the others told. One transaction."""
    quote, _side = quote_for(session, actor, quote_id)
    request = quote.request
    thread = start_thread(
        session,
        actor,
        topic_key=f"quote:{quote.id}",
        subject=f"Quote: {request.description} ({quote.provider_name})",
        participants=[
            *provider_people(session, quote),
            *people_to_tell(session, request.holder_id),
            request.created_by,
        ],
        body=body,
        holder_id=request.holder_id,
    )
    quote.thread_id = thread.id
    commit(session)
    return thread


def expire_quotes(session: DbSession) -> int:
    """Expire every open quote whose time is up (the `flask expire-quotes` job); both sides
    are told. Returns how many expired. One transaction."""
    expired = expire_due(session)
    commit(session)
    return len(expired)
