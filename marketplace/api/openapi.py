"""The OpenAPI 3.1 document of everything under /api/v1, built as data.

Served at /api/v1/openapi.json. tests/api/test_openapi.py walks the app's URL map and fails when a
route is missing here or a path here has no route, so the document grows with the API.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from marketplace.api.booking_schemas import BOOKING_SCHEMAS
from marketplace.api.need_schemas import NEED_SCHEMAS
from marketplace.api.quote_schemas import QUOTE_SCHEMAS
from marketplace.api.schemas import SCHEMAS, Schema, ref
from marketplace.needs.models import NEED_STATUSES
from marketplace.plans.models import PLAN_STATUS_VALUES
from marketplace.search import params as search_params

PUBLIC: list[Any] = []  # an operation anyone may call, without a token

_ERRORS = {
    "400": "The request was refused: `fields` names each problem (and `rules` each package "
    "rule broken, by its code). Nothing was saved.",
    "401": "No token, or one that is unknown or revoked, or the account is inactive.",
    "403": "Only the other side may do that (the provider, or the person asking).",
    "404": "There is no such record, or it is not yours to see or change.",
    "409": "Not allowed from the record's current state, or it changed meanwhile.",
}


def _error(status: str) -> dict[str, Any]:
    return {
        "description": _ERRORS[status],
        "content": {"application/json": {"schema": ref("Error")}},
    }


def _ok(schema: Schema, description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(name: str, *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": ref(name)}}}


def _id(name: str, what: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": f"The {what}'s id.",
        "schema": {"type": "integer", "minimum": 1},
    }


def _query(name: str, schema: Schema, description: str = "") -> dict[str, Any]:
    parameter: dict[str, Any] = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        parameter["description"] = description
    return parameter


_PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "default": 1}),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}),
]
_HOLDER = _query("holder_id", {"type": "integer", "minimum": 1}, "Only this holder's records.")


def _op(
    summary: str,
    responses: dict[str, Any],
    *,
    errors: tuple[str, ...] = ("401",),
    tags: tuple[str, ...] = (),
    **extra: Any,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "tags": list(tags), **extra}
    operation["responses"] = {**responses, **{status: _error(status) for status in errors}}
    return operation


def _transition(summary: str, body: str | None, *, created: bool = False) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if body is not None:
        extra["requestBody"] = _body(body, required=body == "RequiredReason")
    status = "201" if created else "200"
    return _op(
        summary,
        {status: _ok(ref("Plan"))},
        errors=("400", "401", "404", "409"),
        tags=("Plans",),
        **extra,
    )


def _search_parameters() -> list[dict[str, Any]]:
    """The search API's parameters, from the same lists the search parser checks against."""
    integers = {"page", "per_page", "max_price_pence"}
    flags = {"free", "vacancies"}
    found = []
    for name in search_params.PARAMETERS:
        schema: Schema = {"type": "string"}
        if name in integers:
            schema = {"type": "integer", "minimum": 0}
        elif name in flags:
            schema = {"type": "boolean"}
        elif name == "radius_km":
            schema = {
                "type": "number",
                "minimum": search_params.MIN_RADIUS_KM,
                "maximum": search_params.MAX_RADIUS_KM,
            }
        elif name in search_params.VOCABULARIES:
            schema = {"type": "string", "enum": [v for v, _ in search_params.VOCABULARIES[name]]}
        if name in search_params.REPEATABLE:
            found.append({**_query(name, {"type": "array", "items": schema}), "explode": True})
        else:
            found.append(_query(name, schema))
    return found


def _need_paths() -> dict[str, Any]:
    need_id = [_id("need_id", "advert")]
    all_errors = ("400", "401", "404", "409")
    return {
        "/api/v1/needs": {
            "get": _op(
                "Need adverts of the holders you plan for (yours, the people you act for or "
                "broker for), open first, newest first",
                {"200": _ok(ref("NeedList"))},
                errors=("400", "401", "404"),
                tags=("Needs",),
                parameters=[
                    _HOLDER,
                    _query("status", {"type": "string", "enum": list(NEED_STATUSES)}),
                ],
            ),
            "post": _op(
                "Post a need advert for a holder (the holder, a representative or their broker). "
                "Refused (400, each field named) with no hours, an end before the start, pay "
                "below the minimum wage or absurdly high, or an unknown postcode; nothing saved",
                {"201": _ok(ref("Need"), "Posted; Location names it")},
                errors=("400", "401", "404"),
                tags=("Needs",),
                requestBody=_body("NewNeed"),
            ),
        },
        "/api/v1/needs/{need_id}": {
            "parameters": need_id,
            "get": _op(
                "A need advert (the holder's side)",
                {"200": _ok(ref("Need"))},
                errors=("401", "404"),
                tags=("Needs",),
            ),
        },
        "/api/v1/needs/{need_id}/close": {
            "parameters": need_id,
            "post": _op(
                "Close an advert (409 when it is closed already); interested PAs are told",
                {"200": _ok(ref("Need"))},
                errors=all_errors,
                tags=("Needs",),
                requestBody=_body("Empty", required=False),
            ),
        },
        "/api/v1/needs/{need_id}/matches": {
            "parameters": need_id,
            "get": _op(
                "Personal assistants and providers' PA services for an advert: eligible ones "
                "ranked by score, each score broken into its parts with the reason for each; "
                "excluded ones nearest first, each with the reasons",
                {"200": _ok(ref("NeedMatches"))},
                errors=("400", "401", "404"),
                tags=("Needs",),
                parameters=[
                    _query(
                        "limit",
                        {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                        "How many of each list to return.",
                    ),
                    _query("offset", {"type": "integer", "minimum": 0, "default": 0}),
                ],
            ),
        },
        "/api/v1/needs/{need_id}/interest": {
            "parameters": need_id,
            "post": _op(
                "Say you are interested in an advert (personal assistants): 201, or 200 when you "
                "were already. Refused (400, code not_eligible) when a hard constraint rules you out, "
                "saying why; "
                "409 when the advert has closed",
                {
                    "201": _ok(ref("Interest"), "Interested; the holder's side is told"),
                    "200": _ok(ref("Interest"), "You were interested already"),
                },
                errors=all_errors,
                tags=("Needs",),
                requestBody=_body("InterestInput", required=False),
            ),
            "delete": _op(
                "Withdraw your interest (409 when you had not said you were interested)",
                {"200": _ok(ref("Interest"))},
                errors=("401", "404", "409"),
                tags=("Needs",),
            ),
        },
        "/api/v1/pas/me/matching-needs": {
            "get": _op(
                "Open adverts in your travel range that you fit, best first, each with how you "
                "match (personal assistants with a published profile; 404 otherwise, saying "
                "how to get one). Never the holder's name, id or postcode",
                {"200": _ok(ref("MatchingNeeds"))},
                errors=("401", "404"),
                tags=("Needs",),
            ),
        },
    }


def _quote_action(summary: str, body: str, *, required: bool = True) -> dict[str, Any]:
    return _op(
        summary + ". 409 when the quote's state does not allow it (the message names both "
        "states); 403 when it is the other side's move; 400 naming each refused field, with "
        "nothing saved",
        {"200": _ok(ref("Quote"), "Done: the quote as it is now, with its history")},
        errors=("400", "401", "403", "404", "409"),
        tags=("Quotes",),
        requestBody=_body(body, required=required),
    )


def _quote_paths() -> dict[str, Any]:
    request_id = [_id("request_id", "quote request")]
    quote_id = [_id("quote_id", "quote")]
    return {
        "/api/v1/quote-requests": {
            "get": _op(
                "Quote requests: the holder's side reads every request of the holders they "
                "plan for, with every quote; a provider's staff or a PA reads the requests they "
                "were asked, each with their own quote only",
                {"200": _ok(ref("QuoteRequestList"))},
                errors=("400", "401", "404"),
                tags=("Quotes",),
                parameters=[_HOLDER],
            ),
            "post": _op(
                "Ask one or more providers or personal assistants for a quote (the holder, a "
                "representative or their broker); each is told. Refused whole (400, each field "
                "named) with no recipients, an unlisted or free offer, a date in the past, a "
                "line or stream that is not the holder's …; nothing saved",
                {"201": _ok(ref("ComparedQuoteRequest"), "Sent; Location names it")},
                errors=("400", "401", "404"),
                tags=("Quotes",),
                requestBody=_body("NewQuoteRequest"),
            ),
        },
        "/api/v1/quote-requests/{request_id}": {
            "parameters": request_id,
            "get": _op(
                "A quote request. The holder's side: every quote, compared (weekly and annual "
                "cost on the request's schedule, whether the paying stream can afford it, "
                "rating, distance, the cheapest). A provider or PA asked: their own quote only",
                {"200": _ok({"anyOf": [ref("ComparedQuoteRequest"), ref("ProviderQuoteRequest")]})},
                errors=("401", "404"),
                tags=("Quotes",),
            ),
        },
        "/api/v1/quotes/{quote_id}": {
            "parameters": quote_id,
            "get": _op(
                "A quote, with what was asked and every move (either side); expired on reading "
                "when its time is up",
                {"200": _ok(ref("Quote"))},
                errors=("401", "404"),
                tags=("Quotes",),
            ),
        },
        "/api/v1/quotes/{quote_id}/offer": {
            "parameters": quote_id,
            "post": _quote_action(
                "Quote a price (the provider), or quote again after a counter-offer: price per "
                "unit in pence, its breakdown in percentages adding up to 100, start date, "
                "notice and late-cancellation charge",
                "OfferInput",
            ),
        },
        "/api/v1/quotes/{quote_id}/counter": {
            "parameters": quote_id,
            "post": _quote_action(
                "Make a counter-offer below the price quoted (the holder's side)", "CounterInput"
            ),
        },
        "/api/v1/quotes/{quote_id}/accept": {
            "parameters": quote_id,
            "post": _quote_action(
                "Accept a quote (the holder's side): the request's other open quotes are not "
                "chosen, and the price goes into the draft plan's line. Of two acceptances at "
                "once exactly one wins; the other is 409",
                "Empty",
                required=False,
            ),
        },
        "/api/v1/quotes/{quote_id}/decline": {
            "parameters": quote_id,
            "post": _quote_action(
                "Decline: the provider declines to quote (saying why), or the holder's side "
                "turns down the price quoted; either closes the quote. The provider declining a "
                "counter-offer (saying why) keeps their price instead: the quote goes back to "
                "offered at their terms, with the full time to answer, and the holder's side may "
                "accept it, counter again or decline. To stop altogether, withdraw",
                "QuoteReason",
                required=False,
            ),
        },
        "/api/v1/quotes/{quote_id}/withdraw": {
            "parameters": quote_id,
            "post": _quote_action(
                "Withdraw before acceptance (either side)", "QuoteReason", required=False
            ),
        },
        "/api/v1/quotes/{quote_id}/messages": {
            "parameters": quote_id,
            "post": _op(
                "Write about a quote (either side): the message goes into the quote's "
                "conversation, started with the first message; the others are told",
                {"201": _ok(ref("ThreadMessages"), "Sent; Location names the conversation")},
                errors=("400", "401", "404"),
                tags=("Quotes", "Messages"),
                requestBody=_body("NewMessage"),
            ),
        },
    }


def _session_action(summary: str, body: str) -> dict[str, Any]:
    return _op(
        summary + ". 403 when it is the other side's move; 409 when the session's state does not "
        "allow it (the message names both states) or its booking is cancelled",
        {"200": _ok(ref("BookingSession"), "Done: the session as it is now")},
        errors=("400", "401", "403", "404", "409"),
        tags=("Bookings",),
        requestBody=_body(body, required=False),
    )


def _booking_paths() -> dict[str, Any]:
    booking_id = [_id("booking_id", "booking")]
    session_id = [_id("session_id", "session")]
    budget_id = [_id("budget_id", "budget")]
    return {
        "/api/v1/bookings": {
            "get": _op(
                "Bookings, newest first: the holder's side reads those of the holders they plan "
                "for; a provider's staff or a PA reads those they deliver",
                {"200": _ok(ref("BookingList"))},
                errors=("400", "401", "404"),
                tags=("Bookings",),
                parameters=[_HOLDER, *_PAGING],
            ),
            "post": _op(
                "Book an accepted quote, or a fixed-price offer for a holder (the holder, a "
                "representative or their broker): one-off, or weekly on the days given from "
                "start_on to end_on or the end of the plan year. Every session's price is "
                "committed on the stream at once. Refused with nothing saved: 400 naming each "
                "field; 404 for someone else's quote or holder; 409 for a quote that is not "
                "accepted or is booked already, and 409 insufficient_budget when the stream "
                "cannot afford every session, saying by how much",
                {"201": _ok(ref("Booking"), "Booked; Location names it")},
                errors=("400", "401", "404", "409"),
                tags=("Bookings",),
                requestBody=_body("NewBooking"),
            ),
        },
        "/api/v1/bookings/{booking_id}": {
            "parameters": booking_id,
            "get": _op(
                "A booking (either side), with the money it holds on the stream",
                {"200": _ok(ref("Booking"))},
                errors=("401", "404"),
                tags=("Bookings",),
            ),
        },
        "/api/v1/bookings/{booking_id}/amend": {
            "parameters": booking_id,
            "post": _op(
                "Change how much each session holds or the price per unit, for the sessions "
                "still scheduled from from_day (the holder's side). A rise is committed like a "
                "booking (409 insufficient_budget, nothing saved, when it does not fit), a fall "
                "released; 403 for the provider; 409 when the booking is cancelled",
                {"200": _ok(ref("BookingAmended"))},
                errors=("400", "401", "403", "404", "409"),
                tags=("Bookings",),
                requestBody=_body("Amendment"),
            ),
        },
        "/api/v1/bookings/{booking_id}/cancel": {
            "parameters": booking_id,
            "post": _op(
                "Cancel the booking and every session not yet started (either side): each "
                "session's price is released, less the late-cancellation charge (spent) when the "
                "holder's side cancels inside the provider's notice. 409 when it is cancelled "
                "already",
                {"200": _ok(ref("BookingCancelled"))},
                errors=("400", "401", "404", "409"),
                tags=("Bookings",),
                requestBody=_body("BookingNote", required=False),
            ),
        },
        "/api/v1/bookings/{booking_id}/sessions": {
            "parameters": booking_id,
            "get": _op(
                "A booking's sessions by day (either side), each with the moves your side may "
                "make now",
                {"200": _ok(ref("BookingSessions"))},
                errors=("401", "404"),
                tags=("Bookings",),
            ),
        },
        "/api/v1/sessions/{session_id}/deliver": {
            "parameters": session_id,
            "post": _session_action(
                "Say a session happened (the provider), on or after its day; its price stays "
                "committed until the holder's side confirms it or it lapses to confirmed",
                "Empty",
            ),
        },
        "/api/v1/sessions/{session_id}/confirm": {
            "parameters": session_id,
            "post": _session_action(
                "Confirm a delivered session (the holder's side): its price moves from "
                "committed to spent",
                "Empty",
            ),
        },
        "/api/v1/sessions/{session_id}/missed": {
            "parameters": session_id,
            "post": _session_action(
                "Say a session did not happen (either side), on or after its day, scheduled or "
                "delivered: its price is released",
                "BookingNote",
            ),
        },
        "/api/v1/sessions/{session_id}/cancel": {
            "parameters": session_id,
            "post": _session_action(
                "Cancel a session before it starts (either side): its price is released, less "
                "the late-cancellation charge (spent) when the holder's side cancels inside the "
                "provider's notice",
                "BookingNote",
            ),
        },
        "/api/v1/budgets/{budget_id}/ledger": {
            "parameters": budget_id,
            "get": _op(
                "A budget's ledger: every movement of money on its streams, oldest first, and "
                "each stream's committed and spent (always the sums of its entries). Whoever "
                "may read the budget",
                {"200": _ok(ref("Ledger"))},
                errors=("400", "401", "404"),
                tags=("Bookings", "Budgets"),
                parameters=_PAGING,
            ),
        },
        "/api/v1/budgets/{budget_id}/forecast": {
            "parameters": budget_id,
            "get": _op(
                "Where each stream is heading by the end of the plan year: on track, "
                "underspending or overspending, saying why. Whoever may read the budget",
                {"200": _ok(ref("Forecast"))},
                errors=("401", "404"),
                tags=("Bookings", "Budgets"),
            ),
        },
    }


def _thread_paths() -> dict[str, Any]:
    thread_id = [_id("thread_id", "conversation")]
    return {
        "/api/v1/threads": {
            "get": _op(
                "Your conversations, the latest first (a representative or broker: also those "
                "about the holders they plan for)",
                {"200": _ok(ref("ThreadList"))},
                tags=("Messages",),
            ),
        },
        "/api/v1/threads/{thread_id}/messages": {
            "parameters": thread_id,
            "get": _op(
                "A conversation's messages, oldest first (its participants, and whoever plans "
                "for the holder it is about); marks it read",
                {"200": _ok(ref("ThreadMessages"))},
                errors=("401", "404"),
                tags=("Messages",),
            ),
            "post": _op(
                "Write in a conversation; the others are told",
                {"201": _ok(ref("Message"), "Sent")},
                errors=("400", "401", "404"),
                tags=("Messages",),
                requestBody=_body("NewMessage"),
            ),
        },
    }


def _paths() -> dict[str, Any]:
    budget_id = [_id("budget_id", "budget")]
    plan_id = [_id("plan_id", "plan")]
    outcome_ids = [*plan_id, _id("outcome_id", "outcome")]
    line_ids = [*plan_id, _id("line_id", "line")]
    listing = _ok(ref("Listing"))
    return {
        "/api/v1/openapi.json": {
            "get": _op(
                "This document", {"200": _ok({"type": "object"})}, errors=(), security=PUBLIC
            )
        },
        "/api/v1/me": {
            "get": _op("The account the token belongs to", {"200": _ok(ref("Me"))}, tags=("Me",))
        },
        "/api/v1/budgets": {
            "get": _op(
                "Budgets of every holder you may see (yours, the people you act for or "
                "broker for, or your council's)",
                {"200": _ok(ref("BudgetList"))},
                errors=("400", "401", "404"),
                tags=("Budgets",),
                parameters=[_HOLDER, *_PAGING],
            ),
            "post": _op(
                "Record a holder's budget for a plan year (officers of the holder's council)",
                {"201": _ok(ref("Budget"), "Recorded; Location names it")},
                errors=("400", "401", "404", "409"),
                tags=("Budgets",),
                requestBody=_body("NewBudget"),
            ),
        },
        "/api/v1/budgets/{budget_id}": {
            "parameters": budget_id,
            "get": _op(
                "A budget with its streams: total, committed, spent, remaining, weekly figures",
                {"200": _ok(ref("Budget"))},
                errors=("401", "404"),
                tags=("Budgets",),
            ),
            "put": _op(
                "Change a budget's amounts and streams (officers of its council)",
                {"200": _ok(ref("Budget"))},
                errors=("400", "401", "404", "409"),
                tags=("Budgets",),
                requestBody=_body("BudgetChange"),
            ),
        },
        "/api/v1/plans": {
            "get": _op(
                "Support plans you may see (summaries; every revision)",
                {"200": _ok(ref("PlanList"))},
                errors=("400", "401", "404"),
                tags=("Plans",),
                parameters=[
                    _HOLDER,
                    _query("status", {"type": "string", "enum": list(PLAN_STATUS_VALUES)}),
                    *_PAGING,
                ],
            ),
            "post": _op(
                "Start a draft plan for a holder (the holder, a representative or their broker); "
                "an open draft for that year is returned as it is (200)",
                {"201": _ok(ref("Plan"), "Started"), "200": _ok(ref("Plan"), "The open draft")},
                errors=("400", "401", "404", "409"),
                tags=("Plans",),
                requestBody=_body("NewPlan"),
            ),
        },
        "/api/v1/plans/{plan_id}": {
            "parameters": plan_id,
            "get": _op(
                "A plan with its outcomes, lines and costs, and its history",
                {"200": _ok(ref("Plan"))},
                errors=("401", "404"),
                tags=("Plans",),
            ),
            "patch": _op(
                "Change what matters to the person (drafts only)",
                {"200": _ok(ref("Plan"))},
                errors=("400", "401", "404", "409"),
                tags=("Plans",),
                requestBody=_body("PlanChange"),
            ),
        },
        "/api/v1/plans/{plan_id}/outcomes": {
            "parameters": plan_id,
            "post": _op(
                "Add an outcome to a draft",
                {"201": _ok(ref("Outcome"))},
                errors=("400", "401", "404", "409"),
                tags=("Plans",),
                requestBody=_body("OutcomeInput"),
            ),
        },
        "/api/v1/plans/{plan_id}/outcomes/{outcome_id}": {
            "parameters": outcome_ids,
            "put": _op(
                "Replace an outcome of a draft",
                {"200": _ok(ref("Outcome"))},
                errors=("400", "401", "404", "409"),
                tags=("Plans",),
                requestBody=_body("OutcomeInput"),
            ),
            "delete": _op(
                "Remove an outcome from a draft",
                {"204": {"description": "Removed"}},
                errors=("401", "404", "409"),
                tags=("Plans",),
            ),
        },
        "/api/v1/plans/{plan_id}/checks": {
            "parameters": plan_id,
            "get": _op(
                "The package checks: each rule's findings (errors stop submission), and each "
                "budget stream's figures",
                {"200": _ok(ref("PackageChecks"))},
                errors=("401", "404"),
                tags=("Plans",),
            ),
        },
        "/api/v1/plans/{plan_id}/lines": {
            "parameters": plan_id,
            "post": _op(
                "Add a line to a draft; one breaking a package rule is refused (400, code "
                "rule_broken: the rule's message under the field to change, its code in rules)",
                {"201": _ok(ref("NewLine"), "Added, with the package checks after it")},
                errors=("400", "401", "404", "409"),
                tags=("Plans",),
                requestBody=_body("LineInput"),
            ),
        },
        "/api/v1/plans/{plan_id}/lines/{line_id}": {
            "parameters": line_ids,
            "put": _op(
                "Change a line of a draft: the fields sent change, the fields left out keep the "
                "line's current values; a change breaking a package rule is refused as when "
                "adding (400, rule_broken) and nothing is saved",
                {"200": _ok(ref("NewLine"), "Changed, with the package checks after it")},
                errors=("400", "401", "404", "409"),
                tags=("Plans",),
                requestBody=_body("LineChange"),
            ),
            "delete": _op(
                "Remove a line from a draft",
                {"200": _ok(ref("LineRemoved"), "Removed; the package checks after it")},
                errors=("401", "404", "409"),
                tags=("Plans",),
            ),
        },
        "/api/v1/plans/{plan_id}/lines/{line_id}/alternatives": {
            "parameters": line_ids,
            "get": _op(
                "Up to 3 cheaper or closer offers for a paid service line, best first, "
                "each explained",
                {"200": _ok(ref("Alternatives"))},
                errors=("401", "404"),
                tags=("Plans",),
            ),
        },
        "/api/v1/plans/{plan_id}/submit": {
            "parameters": plan_id,
            "post": _transition(
                "Send a draft to the council (it needs outcomes, each saying how it is met)", None
            ),
        },
        "/api/v1/plans/{plan_id}/withdraw": {
            "parameters": plan_id,
            "post": _transition("Take a submitted plan back to draft", "Reason"),
        },
        "/api/v1/plans/{plan_id}/revise": {
            "parameters": plan_id,
            "post": _transition(
                "Start a new draft revision of an approved or rejected plan", None, created=True
            ),
        },
        "/api/v1/plans/{plan_id}/approve": {
            "parameters": plan_id,
            "post": _transition(
                "Approve a plan (officers of its council). Refused (400) when a stream no longer "
                "holds enough, or a line now breaks a package rule (rule_broken: a PA's check "
                "expired, an offer no longer payable by its stream …)",
                "Approval",
            ),
        },
        "/api/v1/plans/{plan_id}/reject": {
            "parameters": plan_id,
            "post": _transition("Reject a plan, saying why (officers)", "RequiredReason"),
        },
        "/api/v1/plans/{plan_id}/refer": {
            "parameters": plan_id,
            "post": _transition("Refer a plan to a panel, saying why (officers)", "RequiredReason"),
        },
        **_need_paths(),
        **_quote_paths(),
        **_thread_paths(),
        **_booking_paths(),
        "/api/v1/search": {
            "get": _op(
                "Search the public directory of services, personal assistants and organisations",
                {"200": _ok(ref("SearchResults"))},
                errors=("400",),
                tags=("Directory",),
                security=PUBLIC,
                parameters=_search_parameters(),
            )
        },
        "/api/v1/offers/{offer_id}": {
            "parameters": [_id("offer_id", "offer")],
            "get": _op(
                "A published offer",
                {"200": listing},
                errors=("404",),
                tags=("Directory",),
                security=PUBLIC,
            ),
        },
        "/api/v1/pas/{pa_id}": {
            "parameters": [_id("pa_id", "personal assistant")],
            "get": _op(
                "A published personal assistant",
                {"200": listing},
                errors=("404",),
                tags=("Directory",),
                security=PUBLIC,
            ),
        },
        "/api/v1/organisations/{org_id}": {
            "parameters": [_id("org_id", "organisation")],
            "get": _op(
                "A published organisation",
                {"200": listing},
                errors=("404",),
                tags=("Directory",),
                security=PUBLIC,
            ),
        },
    }


@cache
def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Personal budget marketplace API",
            "version": "1.0.0",
            "description": (
                "Budgets, support plans, need adverts, quotes and bookings for the people you "
                "may see, with each budget's ledger and forecast; adverts that fit a personal "
                "assistant, the quotes a provider is asked for and the bookings they deliver; "
                "conversations, and the public directory. "
                "Money is in whole pence (18050 is £180.50); dates are ISO 8601; times are UTC. "
                "Send a personal API token (create one on your account page) as "
                "`Authorization: Bearer <token>`. Someone else's record answers 404, exactly "
                'like one that does not exist. Errors are `{"error": {"code", "message"}}`, '
                "with `fields` when fields were refused and `rules` (code `rule_broken`) when "
                "package rules were broken."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerToken": []}],
        "tags": [
            {"name": "Me"},
            {"name": "Budgets"},
            {"name": "Plans"},
            {"name": "Needs", "description": "Need adverts and matching with personal assistants."},
            {
                "name": "Quotes",
                "description": "Asking providers for quotes, comparing and negotiating them.",
            },
            {
                "name": "Bookings",
                "description": "Booking accepted quotes and fixed-price offers, their sessions, "
                "and the ledger of money on each budget stream.",
            },
            {"name": "Messages", "description": "Conversations between the parties."},
            {"name": "Directory", "description": "Public: no token needed."},
        ],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token, pbm_…, from your account page.",
                }
            },
            "schemas": {**SCHEMAS, **NEED_SCHEMAS, **QUOTE_SCHEMAS, **BOOKING_SCHEMAS},
        },
    }
