"""/api/v1/quote-requests and /api/v1/quotes: asking for quotes, comparing them, negotiating and
accepting (marketplace.quotes) for API callers.

The holder's side (the holder, a representative, an active broker) asks, reads every answer
with the comparison, counters, accepts, declines and withdraws; a provider's staff or a PA reads
the requests they were asked, with their own quote only (never another provider's), and offers,
declines or withdraws (declining a counter-offer keeps their price: the quote is offered again at
their terms, as ``quotes.answers.decline_quote`` says). Anyone else gets 404. A move not allowed
from the quote's state is 409 naming both states; a move that is the other side's is 403. Bodies
are checked whole before anything is written: 400 naming each field, as the API spells it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from flask import jsonify, url_for

from marketplace.accounts.models import User
from marketplace.api.auth import api_user, require_any_api, token_required
from marketplace.api.blueprint import bp
from marketplace.api.body import Fields, json_object, query_fields
from marketplace.api.quote_json import (
    ACTIONS,
    compared_request,
    holder_request,
    provider_request,
    quote_detail,
)
from marketplace.api.thread_routes import thread_json
from marketplace.audit.services import record, record_read
from marketplace.directory.vocab import DAYS, TIME_BANDS
from marketplace.errors import NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.permissions import PLANNERS, Role
from marketplace.plans.vocab import FREQUENCIES, LINE_UNITS
from marketplace.quotes import answers
from marketplace.quotes.access import (
    PROVIDER_ROLES,
    checked_on_read,
    provides,
    quote_for,
    request_for,
)
from marketplace.quotes.models import Quote, QuoteRequest
from marketplace.quotes.requests import RequestInput, create_request, quotes_to_answer, requests_of
from marketplace.quotes.states import Side, check_move

REQUEST_FIELDS = (
    "holder_id",
    "recipients",
    "description",
    "details",
    "frequency",
    "quantity_hundredths",
    "unit",
    "days",
    "time_bands",
    "start_on",
    "end_on",
    "postcode",
    "line_id",
    "stream_id",
    "need_id",
)
OFFER_FIELDS = (
    "unit_price_pence",
    "breakdown",
    "start_on",
    "notice_hours",
    "late_cancel_percent",
    "note",
)
SHARES = ("direct_percent", "coordination_percent", "overheads_percent")
# The services' field names that the API spells differently.
API_NAMES = {"late_cancel_bp": "late_cancel_percent"}
PROVIDER_SIDE_ROLES = {*PROVIDER_ROLES, Role.PA.value}

PRICE_MESSAGE = "Enter the price as a whole number of pence, like 2150 for £21.50"
PERCENT_MESSAGE = "Enter a percentage as a number from 0 to 100, like 13.5"
WHOLE_MESSAGE = "Enter a whole number"
RECIPIENTS_MESSAGE = (
    'Choose at least one provider or personal assistant to ask, like [{"offer_id": 12}, '
    '{"pa_profile_id": 3}]'
)
QUANTITY_MESSAGE = "Enter how many in hundredths, as a whole number: 750 for 7.5 hours"


# --- reading bodies -----------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _whole(fields: Fields, name: str, message: str = WHOLE_MESSAGE) -> int | None:
    """A whole number, its range left to the service (whose messages say what is allowed)."""
    if not fields.present(name):
        fields.fail(name, f"This field is required: {message[0].lower()}{message[1:]}")
        return None
    value = fields.data[name]
    if not _is_int(value):
        fields.fail(name, message)
        return None
    return int(value)


def _basis_points(fields: Fields, name: str) -> int | None:
    """A percentage sent as a number with at most two decimals (13.5) → basis points (1350).
    Strings, booleans and anything but a finite number are refused."""
    if not fields.present(name):
        fields.fail(name, "This field is required: " + PERCENT_MESSAGE.lower())
        return None
    value = fields.data[name]
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        fields.fail(name, PERCENT_MESSAGE)
        return None
    if not 0 <= value <= 100:
        fields.fail(name, PERCENT_MESSAGE)
        return None
    hundredths = Decimal(str(value)) * 100
    if hundredths != hundredths.to_integral_value():
        fields.fail(name, "Use at most two decimal places: " + PERCENT_MESSAGE)
        return None
    return int(hundredths)


def _recipients(fields: Fields) -> tuple[list[int], list[int]]:
    """recipients: [{"offer_id": 1}, {"pa_profile_id": 2}] → (offer ids, PA profile ids)."""
    offer_ids: list[int] = []
    pa_ids: list[int] = []
    items = fields.objects("recipients")
    if not items and fields.present("recipients") and "recipients" not in fields.errors:
        fields.fail("recipients", RECIPIENTS_MESSAGE)
    for item in items:
        item.allow(("offer_id", "pa_profile_id"))
        if item.present("offer_id") == item.present("pa_profile_id"):
            item.fail("offer_id", "Send either offer_id or pa_profile_id")
            continue
        if item.present("offer_id"):
            offer_ids.extend(i for i in [item.integer("offer_id")] if i is not None)
        else:
            pa_ids.extend(i for i in [item.integer("pa_profile_id")] if i is not None)
    return offer_ids, pa_ids


def _request_input(user: User, body: dict[str, Any]) -> RequestInput:
    fields = Fields(body, REQUEST_FIELDS)
    holder_id = fields.integer("holder_id", required=False)
    if (
        holder_id is None
        and Role(user.role) is not Role.HOLDER
        and "holder_id" not in fields.errors
    ):
        fields.fail("holder_id", "This field is required: send the id of the person it is for")
    offer_ids, pa_ids = _recipients(fields)
    data = RequestInput(
        holder_id=holder_id or user.id,
        offer_ids=offer_ids,
        pa_profile_ids=pa_ids,
        description=fields.text("description", required=True),
        details=fields.text("details"),
        frequency=fields.choice("frequency", (v for v, _ in FREQUENCIES), required=False) or "week",
        quantity_hundredths=_whole(fields, "quantity_hundredths", QUANTITY_MESSAGE),
        unit=fields.choice("unit", (v for v, _ in LINE_UNITS), required=False) or "hours",
        days=fields.choices("days", (v for v, _ in DAYS)),
        time_bands=fields.choices("time_bands", (v for v, _ in TIME_BANDS)),
        start_on=fields.date("start_on"),
        end_on=fields.date("end_on", required=False),
        postcode=fields.text("postcode", max_length=20),
        line_id=fields.integer("line_id", required=False),
        stream_id=fields.integer("stream_id", required=False),
        need_id=fields.integer("need_id", required=False),
    )
    fields.done()
    return data


def _offer_terms(body: dict[str, Any]) -> answers.OfferTerms:
    fields = Fields(body, OFFER_FIELDS)
    price = _whole(fields, "unit_price_pence", PRICE_MESSAGE)
    shares: dict[str, int | None] = dict.fromkeys(SHARES)
    breakdown = fields.data.get("breakdown")
    if not fields.present("breakdown"):
        fields.fail("breakdown", "This field is required: send " + ", ".join(SHARES))
    elif not isinstance(breakdown, dict):
        fields.fail("breakdown", "Send an object with " + ", ".join(SHARES))
    else:
        parts = Fields(breakdown, SHARES, prefix="breakdown.", errors=fields.errors)
        shares = {name: _basis_points(parts, name) for name in SHARES}
    terms = answers.OfferTerms(
        unit_price_pence=price,
        direct_bp=shares["direct_percent"],
        coordination_bp=shares["coordination_percent"],
        overheads_bp=shares["overheads_percent"],
        start_on=fields.date("start_on"),
        notice_hours=_whole(fields, "notice_hours", "Enter the notice you need in whole hours"),
        late_cancel_bp=_basis_points(fields, "late_cancel_percent"),
        note=fields.text("note"),
    )
    fields.done()
    return terms


def _reason(body: dict[str, Any]) -> str:
    fields = Fields(body, ("reason",))
    reason = fields.text("reason")
    fields.done()
    return reason


# --- answers ------------------------------------------------------------------------------------


def _may(quote_id: int, action: str) -> Side:
    """Someone else's quote (404), then a move not allowed from its state (409) or not the
    caller's side's (403), all before the body is read; the service checks again as it moves."""
    quote, side = quote_for(db.session, api_user(), quote_id)
    check_move(quote.status, ACTIONS[action], side)
    return side


def _quote_answer(quote: Quote, side: Side) -> Any:
    db.session.expire(quote)  # its events and state as the service left them
    return jsonify(quote_detail(quote, side))


def _mine(user: User, quotes: Iterable[Quote]) -> list[Quote]:
    return [quote for quote in quotes if provides(user, quote)]


def _requests_answered(user: User) -> list[tuple[QuoteRequest, list[Quote]]]:
    """The requests a provider or PA was asked, each with their own quotes, in the order their
    quotes last moved."""
    grouped: dict[int, tuple[QuoteRequest, list[Quote]]] = {}
    for quote in quotes_to_answer(db.session, user):
        grouped.setdefault(quote.request_id, (quote.request, []))[1].append(quote)
    return list(grouped.values())


# --- requests -----------------------------------------------------------------------------------


@bp.post("/quote-requests")
@token_required
def create_quote_request() -> Any:
    require_any_api(*PLANNERS)
    user = api_user()
    data = _request_input(user, json_object())
    request = create_request(db.session, user, data)
    response = jsonify(compared_request(request))
    response.status_code = 201
    response.headers["Location"] = url_for("api.quote_request", request_id=request.id)
    return response


@bp.get("/quote-requests")
@token_required
def quote_requests() -> Any:
    user = api_user()
    query = query_fields(("holder_id",))
    holder_id = query.integer("holder_id", required=False)
    query.done()
    if holder_id is None and user.role in PROVIDER_SIDE_ROLES:
        answered = _requests_answered(user)
        found = [request for request, _ in answered]
        body = [provider_request(request, mine) for request, mine in answered]
    else:
        found = requests_of(db.session, user, holder_id=holder_id)
        body = [holder_request(request) for request in found]
    for request in found:
        record(db.session, user, "read", "quote_request", request.id, request.holder_id)
    db.session.commit()
    return jsonify({"requests": body})


def _request_seen(user: User, request_id: int) -> tuple[QuoteRequest, dict[str, Any]]:
    """The request as the caller sees it: the holder's side with every quote compared; a
    provider or PA asked with their own quote and nothing else; anyone else NotFound."""
    try:
        request = request_for(db.session, user, request_id)
    except NotFound:
        found = db.session.get(QuoteRequest, request_id)
        mine = _mine(user, found.quotes) if found is not None else []
        if found is None or not mine:
            raise
        checked_on_read(db.session, mine)
        return found, provider_request(found, mine)
    return request, compared_request(request)


@bp.get("/quote-requests/<int:request_id>")
@token_required
def quote_request(request_id: int) -> Any:
    user = api_user()
    request, body = _request_seen(user, request_id)
    record_read(db.session, user, "quote_request", request.id, request.holder_id)
    return jsonify(body)


# --- quotes -------------------------------------------------------------------------------------


@bp.get("/quotes/<int:quote_id>")
@token_required
def quote(quote_id: int) -> Any:
    user = api_user()
    found, side = quote_for(db.session, user, quote_id)
    body = quote_detail(found, side)
    record_read(db.session, user, "quote", found.id, found.request.holder_id)
    return jsonify(body)


@bp.post("/quotes/<int:quote_id>/offer")
@token_required
def offer_quote(quote_id: int) -> Any:
    side = _may(quote_id, "offer")
    terms = _offer_terms(json_object())
    try:
        found = answers.offer_quote(db.session, api_user(), quote_id, terms)
    except ValidationFailed as refused:
        if not set(refused.errors) & set(API_NAMES):
            raise
        renamed = {API_NAMES.get(name, name): text for name, text in refused.errors.items()}
        raise ValidationFailed(renamed) from refused
    return _quote_answer(found, side)


@bp.post("/quotes/<int:quote_id>/counter")
@token_required
def counter_quote(quote_id: int) -> Any:
    side = _may(quote_id, "counter")
    fields = Fields(json_object(), ("counter_price_pence", "note"))
    price = _whole(fields, "counter_price_pence", PRICE_MESSAGE)
    note = fields.text("note")
    fields.done()
    found = answers.counter_quote(db.session, api_user(), quote_id, price, note)
    return _quote_answer(found, side)


@bp.post("/quotes/<int:quote_id>/accept")
@token_required
def accept_quote(quote_id: int) -> Any:
    side = _may(quote_id, "accept")
    Fields(json_object(optional=True), ()).done()
    return _quote_answer(answers.accept_quote(db.session, api_user(), quote_id), side)


@bp.post("/quotes/<int:quote_id>/decline")
@token_required
def decline_quote(quote_id: int) -> Any:
    side = _may(quote_id, "decline")
    reason = _reason(json_object(optional=True))
    return _quote_answer(answers.decline_quote(db.session, api_user(), quote_id, reason), side)


@bp.post("/quotes/<int:quote_id>/withdraw")
@token_required
def withdraw_quote(quote_id: int) -> Any:
    side = _may(quote_id, "withdraw")
    reason = _reason(json_object(optional=True))
    return _quote_answer(answers.withdraw_quote(db.session, api_user(), quote_id, reason), side)


@bp.post("/quotes/<int:quote_id>/messages")
@token_required
def write_about_quote(quote_id: int) -> Any:
    user = api_user()
    quote_for(db.session, user, quote_id)  # someone else's quote: 404 before the body
    fields = Fields(json_object(), ("body",))
    text = fields.text("body", required=True)
    fields.done()
    thread = answers.write_about_quote(db.session, user, quote_id, text)
    response = jsonify(thread_json(thread))
    response.status_code = 201
    response.headers["Location"] = url_for("api.thread_messages", thread_id=thread.id)
    return response
