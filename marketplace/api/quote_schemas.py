"""The JSON Schemas of the quote and message endpoints (marketplace.api.quote_routes and
thread_routes): requests, quotes with their history, the comparison, and message threads.

Money is whole pence. Shares of a price and the late-cancellation charge are percentages as
numbers with at most two decimal places (13.5 is 13.5%), both ways; quantities are hundredths
(7.5 hours → 750), as plan lines have them."""

from __future__ import annotations

from marketplace.api.schemas import (
    ANY_PENCE,
    BOOL,
    DATE,
    ID,
    OPT_DATE,
    OPT_ID,
    OPT_TIME,
    TEXT,
    TIME,
    Schema,
    enum_of,
    input_obj,
    obj,
    ref,
)
from marketplace.directory.vocab import DAYS, TIME_BANDS
from marketplace.messages.models import MAX_MESSAGE_CHARS
from marketplace.money import MAX_QUANTITY_HUNDREDTHS
from marketplace.plans.vocab import FREQUENCIES, LINE_UNITS
from marketplace.quotes.answers import NOTE_LIMIT
from marketplace.quotes.models import MAX_NOTICE_HOURS, MAX_QUOTE_PRICE_PENCE, QUOTE_STATUS_VALUES
from marketplace.quotes.requests import DESCRIPTION_LIMIT, DETAILS_LIMIT, MAX_RECIPIENTS

ACTION_NAMES = ("offer", "counter", "accept", "decline", "withdraw")

STATUS: Schema = {"type": "string", "enum": list(QUOTE_STATUS_VALUES)}
OPT_PENCE: Schema = {"type": ["integer", "null"], "description": "Money in whole pence."}
PERCENT: Schema = {
    "type": "number",
    "minimum": 0,
    "maximum": 100,
    "description": "A percentage, with at most two decimal places: 13.5 is 13.5%.",
}
OPT_PERCENT: Schema = {**PERCENT, "type": ["number", "null"]}
UNIT_PRICE: Schema = {
    "type": "integer",
    "minimum": 1,
    "maximum": MAX_QUOTE_PRICE_PENCE,
    "description": "Pence for each unit of the request (an hour, a visit …): 2150 is £21.50. "
    "At most £10,000; an hour at most the site's highest hourly rate (£100 unless set).",
}
DAY_LIST: Schema = {"type": "array", "items": enum_of(DAYS)}
BAND_LIST: Schema = {"type": "array", "items": enum_of(TIME_BANDS)}
KM: Schema = {"type": ["number", "null"], "description": "Between district centres, rounded."}

BREAKDOWN: Schema = obj(
    {
        "direct_percent": {**PERCENT, "description": "Direct support: the worker's pay."},
        "coordination_percent": {**PERCENT, "description": "Coordination and supervision."},
        "overheads_percent": {**PERCENT, "description": "Overheads and margin."},
    },
    description="What the price pays for, as percentages adding up to 100.",
)

QUOTE_SUMMARY: Schema = obj(
    {
        "id": ID,
        "request_id": ID,
        "status": STATUS,
        "status_label": {**TEXT, "description": "The state as your side reads it."},
        "actions": {
            "type": "array",
            "items": {"type": "string", "enum": list(ACTION_NAMES)},
            "description": "What you may do now: POST /api/v1/quotes/{id}/<action>.",
        },
        "provider_name": TEXT,
        "organisation_id": {**OPT_ID, "description": "The organisation asked (or a PA)."},
        "pa_profile_id": {**OPT_ID, "description": "The personal assistant asked."},
        "offer_id": {**OPT_ID, "description": "The listing asked about, if any."},
        "unit_price_pence": {**OPT_PENCE, "description": "The price quoted for each unit."},
        "breakdown": {"anyOf": [ref("Breakdown"), {"type": "null"}]},
        "start_on": {**OPT_DATE, "description": "When the provider could start."},
        "notice_hours": {
            "type": ["integer", "null"],
            "minimum": 0,
            "description": "The notice the provider needs of a cancellation.",
        },
        "late_cancel_percent": {
            **OPT_PERCENT,
            "description": "What a cancellation at shorter notice costs, as a percentage of the "
            "price of what is cancelled.",
        },
        "note": {**TEXT, "description": "The provider's note with their quote."},
        "counter_price_pence": {**OPT_PENCE, "description": "The counter-offer, per unit."},
        "counter_note": TEXT,
        "closing_reason": {**TEXT, "description": "Why it was declined or withdrawn."},
        "expires_at": {
            **OPT_TIME,
            "description": "When an open quote expires unanswered; null once it is closed.",
        },
        "thread_id": {**OPT_ID, "description": "Its conversation (/api/v1/threads/{id})."},
        "created_at": TIME,
        "updated_at": TIME,
    }
)

QUOTE_EVENT: Schema = obj(
    {
        "from": {"type": ["string", "null"], "enum": [*QUOTE_STATUS_VALUES, None]},
        "to": STATUS,
        "at": TIME,
        "actor": {
            "type": ["string", "null"],
            "description": "Who moved it, by the name shown to others; null: the clock.",
        },
        "price_pence": {**OPT_PENCE, "description": "The price on the table after the move."},
        "note": TEXT,
    }
)

# What is asked: what both sides see (the provider sees no more of the holder than their name).
_ASKED: dict[str, Schema] = {
    "id": ID,
    "holder_name": {**TEXT, "description": "Whom the support is for."},
    "description": TEXT,
    "details": TEXT,
    "frequency": enum_of(FREQUENCIES),
    "quantity_hundredths": {"type": "integer", "minimum": 1, "description": "7.5 → 750."},
    "quantity": {"type": "string", "examples": ["7.5"]},
    "unit": enum_of(LINE_UNITS),
    "days": {"type": "array", "items": TEXT},
    "time_bands": {"type": "array", "items": TEXT},
    "start_on": DATE,
    "end_on": OPT_DATE,
    "district": {**TEXT, "description": "The postcode district, never the full postcode."},
    "created_at": TIME,
}
REQUEST_ASKED: Schema = obj(_ASKED, description="What a quote request asks for.")

QUOTE: Schema = obj(
    {
        **QUOTE_SUMMARY["properties"],
        "side": {
            "type": "string",
            "enum": ["requester", "provider"],
            "description": "Your side: the holder's (requester) or the provider's.",
        },
        "request": ref("QuoteRequestAsked"),
        "events": {
            "type": "array",
            "items": ref("QuoteEvent"),
            "description": "Every move, oldest first.",
        },
    }
)

_HOLDER_SIDE: dict[str, Schema] = {
    **_ASKED,
    "holder_id": ID,
    "plan_id": {**OPT_ID, "description": "The draft plan the accepted price goes into."},
    "line_id": {**OPT_ID, "description": "Its line (none: a new line on acceptance)."},
    "stream_id": {**OPT_ID, "description": "The budget stream that would pay."},
    "need_id": OPT_ID,
    "accepted_quote_id": OPT_ID,
    "created_by_id": ID,
    "quotes": {"type": "array", "items": ref("QuoteSummary")},
}
QUOTE_REQUEST: Schema = obj(
    _HOLDER_SIDE, description="A request as the holder's side sees it: every provider's quote."
)
PROVIDER_REQUEST: Schema = obj(
    {
        **_ASKED,
        "quotes": {
            "type": "array",
            "items": ref("QuoteSummary"),
            "description": "Your own quote only: never another provider's.",
        },
    },
    description="A request as a provider or personal assistant asked sees it.",
)

AFFORDABILITY: Schema = obj(
    {
        "stream_id": ID,
        "stream_name": TEXT,
        "left_pence": {
            **ANY_PENCE,
            "description": "What the stream has left for this line beside the plan's other "
            "lines on it (negative: overspent already).",
        },
        "affordable": BOOL,
        "over_pence": {**ANY_PENCE, "description": "How much the year's cost is over it."},
    }
)
COLUMN: Schema = obj(
    {
        "quote_id": ID,
        "provider_name": TEXT,
        "status": STATUS,
        "price_pence": {**OPT_PENCE, "description": "Per unit; null until quoted."},
        "weekly_pence": {**OPT_PENCE, "description": "A week's cost (null for a one-off)."},
        "annual_pence": {**OPT_PENCE, "description": "The cost over the plan year."},
        "rating": {**TEXT, "examples": ["Good (CQC)", "Not regulated (personal assistant)"]},
        "distance_km": KM,
        "affordability": {"anyOf": [ref("Affordability"), {"type": "null"}]},
        "cheapest": {**BOOL, "description": "The cheapest open answer (of two or more)."},
        "is_open": BOOL,
        "expires_at": OPT_TIME,
    },
    description="One quote costed on the request's schedule.",
)
COMPARISON: Schema = obj(
    {
        "stream_id": {**OPT_ID, "description": "The stream that would pay."},
        "stream_name": {"type": ["string", "null"]},
        "columns": {"type": "array", "items": ref("ComparisonColumn")},
    }
)
COMPARED_REQUEST: Schema = obj(
    {**_HOLDER_SIDE, "comparison": ref("Comparison")},
    description="A request as the holder's side sees it, with its answers compared.",
)

RECIPIENT: Schema = {
    "oneOf": [
        input_obj({"offer_id": {**ID, "description": "A published, priced offer."}}, ["offer_id"]),
        input_obj(
            {"pa_profile_id": {**ID, "description": "A published personal assistant."}},
            ["pa_profile_id"],
        ),
    ],
    "description": "Who to ask: an offer (its provider is asked) or a personal assistant.",
}
NEW_REQUEST: Schema = input_obj(
    {
        "holder_id": {
            **ID,
            "description": "Whom it is for: required for a representative or broker; a holder "
            "may leave it out (their own).",
        },
        "recipients": {
            "type": "array",
            "items": ref("Recipient"),
            "minItems": 1,
            "maxItems": MAX_RECIPIENTS,
        },
        "description": {**TEXT, "maxLength": DESCRIPTION_LIMIT},
        "details": {**TEXT, "maxLength": DETAILS_LIMIT},
        "frequency": {**enum_of(FREQUENCIES), "default": "week"},
        "quantity_hundredths": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_QUANTITY_HUNDREDTHS,
            "description": "How many units each time, in hundredths: 7.5 hours → 750.",
        },
        "unit": {**enum_of(LINE_UNITS), "default": "hours"},
        "days": DAY_LIST,
        "time_bands": BAND_LIST,
        "start_on": {**DATE, "description": "Today or later."},
        "end_on": {**OPT_DATE, "description": "On or after start_on; null: no end."},
        "postcode": {
            **TEXT,
            "description": "Where support is needed (LS6 2AB or LS6); only its district is "
            "kept. Default: the holder's own.",
        },
        "line_id": {**OPT_ID, "description": "A line of the holder's draft plan to price."},
        "stream_id": {**OPT_ID, "description": "Default: the line's stream."},
        "need_id": {**OPT_ID, "description": "The holder's need advert it came from."},
    },
    ["recipients", "description", "quantity_hundredths", "start_on"],
)

OFFER_INPUT: Schema = input_obj(
    {
        "unit_price_pence": UNIT_PRICE,
        "breakdown": ref("BreakdownInput"),
        "start_on": {**DATE, "description": "When you could start: today or later."},
        "notice_hours": {"type": "integer", "minimum": 0, "maximum": MAX_NOTICE_HOURS},
        "late_cancel_percent": {
            **PERCENT,
            "description": "What a cancellation at shorter notice costs, as a percentage of "
            "the price of what is cancelled (two decimal places at most).",
        },
        "note": {**TEXT, "maxLength": NOTE_LIMIT},
    },
    ["unit_price_pence", "breakdown", "start_on", "notice_hours", "late_cancel_percent"],
)
BREAKDOWN_INPUT: Schema = input_obj(
    dict(BREAKDOWN["properties"]), ["direct_percent", "coordination_percent", "overheads_percent"]
)
COUNTER_INPUT: Schema = input_obj(
    {
        "counter_price_pence": {**UNIT_PRICE, "description": "Lower than the price quoted."},
        "note": {**TEXT, "maxLength": NOTE_LIMIT},
    },
    ["counter_price_pence"],
)
QUOTE_REASON: Schema = input_obj(
    {
        "reason": {
            **TEXT,
            "maxLength": NOTE_LIMIT,
            "description": "Why. A provider declining must say; otherwise optional.",
        }
    },
    [],
)

# --- message threads ----------------------------------------------------------------------------

MESSAGE: Schema = obj(
    {
        "id": ID,
        "author": {**TEXT, "description": "The name shown (a PA's profile name)."},
        "body": TEXT,
        "created_at": TIME,
    }
)
THREAD_MESSAGES: Schema = obj(
    {
        "thread_id": ID,
        "subject": TEXT,
        "participants": {
            "type": "array",
            "items": TEXT,
            "description": "Everyone taking part, by the names shown.",
        },
        "messages": {"type": "array", "items": ref("Message"), "description": "Oldest first."},
    }
)
THREAD_SUMMARY: Schema = obj(
    {
        "id": ID,
        "subject": TEXT,
        "others": {"type": "array", "items": TEXT, "description": "The others taking part."},
        "unread": {**BOOL, "description": "Someone else wrote since you last read it."},
        "last_message_at": TIME,
        "last_message": {
            "anyOf": [
                obj({"author": TEXT, "body": TEXT, "created_at": TIME}),
                {"type": "null"},
            ]
        },
    }
)
NEW_MESSAGE: Schema = input_obj(
    {"body": {**TEXT, "minLength": 1, "maxLength": MAX_MESSAGE_CHARS}}, ["body"]
)

QUOTE_SCHEMAS: dict[str, Schema] = {
    "Breakdown": BREAKDOWN,
    "QuoteSummary": QUOTE_SUMMARY,
    "QuoteEvent": QUOTE_EVENT,
    "QuoteRequestAsked": REQUEST_ASKED,
    "Quote": QUOTE,
    "QuoteRequest": QUOTE_REQUEST,
    "ProviderQuoteRequest": PROVIDER_REQUEST,
    "QuoteRequestList": obj(
        {
            "requests": {
                "type": "array",
                "items": {"anyOf": [ref("QuoteRequest"), ref("ProviderQuoteRequest")]},
                "description": "The holder's side: every request of the holders you plan for. "
                "A provider or PA: the requests you were asked, newest answered first.",
            }
        }
    ),
    "Affordability": AFFORDABILITY,
    "ComparisonColumn": COLUMN,
    "Comparison": COMPARISON,
    "ComparedQuoteRequest": COMPARED_REQUEST,
    "Recipient": RECIPIENT,
    "NewQuoteRequest": NEW_REQUEST,
    "BreakdownInput": BREAKDOWN_INPUT,
    "OfferInput": OFFER_INPUT,
    "CounterInput": COUNTER_INPUT,
    "QuoteReason": QUOTE_REASON,
    "Message": MESSAGE,
    "ThreadMessages": THREAD_MESSAGES,
    "ThreadSummary": THREAD_SUMMARY,
    "ThreadList": obj({"threads": {"type": "array", "items": ref("ThreadSummary")}}),
    "NewMessage": NEW_MESSAGE,
}
