"""The JSON Schemas of the booking endpoints (marketplace.api.booking_routes): bookings, their
sessions, what amending or cancelling one did, and a budget's ledger and forecast.

Money is whole pence; quantities are hundredths of the unit (1.5 hours → 150), as quote
requests and plan lines have them; the late-cancellation charge is a percentage (13.5 is 13.5%);
a session's start time is "HH:MM" in UK time, other times UTC with a ``Z``."""

from __future__ import annotations

from marketplace.api.schemas import (
    ANY_PENCE,
    DATE,
    ID,
    OPT_DATE,
    OPT_ID,
    OPT_TIME,
    SCHEMAS,
    TEXT,
    TIME,
    Schema,
    enum_of,
    input_obj,
    obj,
    ref,
)
from marketplace.bookings.forecast import LABELS as FORECAST_LABELS
from marketplace.bookings.models import (
    BOOKING_KINDS,
    BOOKING_STATUSES,
    LEDGER_KINDS,
    SESSION_STATUSES,
)
from marketplace.bookings.schedule import WEEKDAYS
from marketplace.plans.vocab import LINE_UNITS
from marketplace.quotes.answers import NOTE_LIMIT

BOOKING_ACTION_NAMES = ("amend", "cancel")
SESSION_ACTION_NAMES = ("deliver", "confirm", "missed", "cancel")
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"

COUNT: Schema = {"type": "integer", "minimum": 0}
HUNDREDTHS: Schema = {
    "type": "integer",
    "minimum": 1,
    "description": "How much of the unit each session holds, in hundredths: 1.5 hours → 150.",
}
SIDE: Schema = {
    "type": "string",
    "enum": ["requester", "provider"],
    "description": "Your side: the holder's (requester) or the provider's.",
}
# The paging keys every list answer shares (total, page, per_page), as budgets and plans have them.
_PAGE: dict[str, Schema] = {
    name: schema
    for name, schema in SCHEMAS["BudgetList"]["properties"].items()
    if name != "budgets"
}

BOOKING: Schema = obj(
    {
        "id": ID,
        "side": SIDE,
        "holder_id": {**ID, "description": "Whom the support is for."},
        "holder_name": TEXT,
        "stream_id": {**ID, "description": "The budget stream that pays."},
        "plan_id": OPT_ID,
        "line_id": {**OPT_ID, "description": "The plan line it delivers, if any."},
        "quote_id": {**OPT_ID, "description": "The accepted quote it was made from."},
        "offer_id": {**OPT_ID, "description": "The listing booked, or the quote was about."},
        "organisation_id": {**OPT_ID, "description": "The organisation booked (or a PA)."},
        "pa_profile_id": {**OPT_ID, "description": "The personal assistant booked."},
        "provider_name": TEXT,
        "description": TEXT,
        "kind": {"type": "string", "enum": list(BOOKING_KINDS)},
        "unit": enum_of(LINE_UNITS),
        "unit_price_pence": {"type": "integer", "minimum": 1, "description": "Per unit."},
        "quantity_hundredths": HUNDREDTHS,
        "quantity": {"type": "string", "examples": ["1.5"]},
        "days": {"type": "array", "items": {"type": "string", "enum": list(WEEKDAYS)}},
        "start_time": {
            "type": "string",
            "pattern": HHMM,
            "description": "When each session starts, UK time.",
        },
        "start_on": {**DATE, "description": "The first session's day."},
        "end_on": {
            **OPT_DATE,
            "description": "The last day a weekly booking may run; null: the plan year's end.",
        },
        "last_session_on": DATE,
        "notice_hours": {
            **COUNT,
            "description": "The notice the provider needs of a cancellation.",
        },
        "late_cancel_percent": {
            "type": "number",
            "minimum": 0,
            "maximum": 100,
            "description": "What the holder's side cancelling a session at shorter notice "
            "costs, as a percentage of its price.",
        },
        "status": {"type": "string", "enum": list(BOOKING_STATUSES)},
        "actions": {
            "type": "array",
            "items": {"type": "string", "enum": list(BOOKING_ACTION_NAMES)},
            "description": "What you may do now: POST /api/v1/bookings/{id}/<action>.",
        },
        "committed_pence": {
            **ANY_PENCE,
            "description": "This booking's money still committed: sessions to come or to confirm.",
        },
        "spent_pence": {
            **ANY_PENCE,
            "description": "This booking's money spent: confirmed sessions and late charges.",
        },
        "session_count": COUNT,
        "sessions_left": {**COUNT, "description": "Sessions still scheduled."},
        "created_at": TIME,
        "updated_at": TIME,
        "links": obj(
            {
                "self": TEXT,
                "sessions": TEXT,
                "page": {**TEXT, "description": "The booking's page on the site."},
            }
        ),
    }
)

SESSION: Schema = obj(
    {
        "id": ID,
        "booking_id": ID,
        "day": DATE,
        "starts_at": {**TIME, "description": "When it starts (UTC)."},
        "status": {"type": "string", "enum": list(SESSION_STATUSES)},
        "status_label": TEXT,
        "quantity_hundredths": HUNDREDTHS,
        "price_pence": {**ANY_PENCE, "description": "Its price, committed until it is settled."},
        "charge_pence": {**ANY_PENCE, "description": "A late cancellation's charge (spent)."},
        "delivered_at": {**OPT_TIME, "description": "When the provider said it happened."},
        "settled_at": {**OPT_TIME, "description": "When it was confirmed, missed or cancelled."},
        "note": TEXT,
        "actions": {
            "type": "array",
            "items": {"type": "string", "enum": list(SESSION_ACTION_NAMES)},
            "description": "What your side may do now: POST /api/v1/sessions/{id}/<action>.",
        },
    }
)

NEW_BOOKING: Schema = input_obj(
    {
        "quote_id": {
            **ID,
            "description": "An accepted quote: the holder, price, unit, terms and stream come "
            "from it. Send this or offer_id.",
        },
        "offer_id": {**ID, "description": "A fixed-price service in the directory."},
        "holder_id": {
            **ID,
            "description": "Whom an offer is booked for: required for a representative or "
            "broker, a holder may leave it out (their own). Not sent with a quote.",
        },
        "stream_id": {
            **ID,
            "description": "The holder's budget stream that pays. Default for a quote: its "
            "stream; required for an offer.",
        },
        "line_id": {**ID, "description": "A line of the holder's plan it delivers."},
        "kind": {"type": "string", "enum": list(BOOKING_KINDS)},
        "days": {
            "type": "array",
            "items": {"type": "string", "enum": list(WEEKDAYS)},
            "description": "Weekly: the days of the week it happens on.",
        },
        "start_time": {
            "type": "string",
            "pattern": HHMM,
            "default": "09:00",
            "description": "When each session starts, UK time (24-hour).",
        },
        "start_on": {
            **DATE,
            "description": "The first day: today or later, in the budget's plan year.",
        },
        "end_on": {
            **OPT_DATE,
            "description": "Weekly: the last day it may run (default: the plan year's end).",
        },
        "quantity_hundredths": HUNDREDTHS,
    },
    ["kind", "start_on", "quantity_hundredths"],
)

AMENDMENT: Schema = input_obj(
    {
        "quantity_hundredths": HUNDREDTHS,
        "unit_price_pence": {
            "type": "integer",
            "minimum": 1,
            "description": "The new price per unit, in pence.",
        },
        "from_day": {
            **DATE,
            "description": "The first session the change applies to: today or later (default "
            "today).",
        },
    },
    [],
)

BOOKING_NOTE: Schema = input_obj(
    {"note": {**TEXT, "maxLength": NOTE_LIMIT, "description": "Why, for the other side."}}, []
)

BOOKING_AMENDED: Schema = obj(
    {
        "booking": ref("Booking"),
        "committed_change_pence": {
            **ANY_PENCE,
            "description": "What the change committed on the stream (negative: released).",
        },
    }
)

BOOKING_CANCELLED: Schema = obj(
    {
        "booking": ref("Booking"),
        "sessions_cancelled": {**COUNT, "description": "The sessions still to come, cancelled."},
        "late_sessions": {**COUNT, "description": "Of those, the ones inside the notice."},
        "charged_pence": {**ANY_PENCE, "description": "Late-cancellation charges, spent."},
        "released_pence": {**ANY_PENCE, "description": "Released back to the stream."},
    }
)

LEDGER_ENTRY: Schema = obj(
    {
        "id": ID,
        "stream_id": ID,
        "booking_id": OPT_ID,
        "session_id": OPT_ID,
        "kind": {"type": "string", "enum": list(LEDGER_KINDS)},
        "committed_delta": {**ANY_PENCE, "description": "Added to committed (negative: taken)."},
        "spent_delta": {**ANY_PENCE, "description": "Added to spent (negative: refunded)."},
        "actor": {
            "type": ["string", "null"],
            "description": "Who moved the money, by the name shown to others; null: the system.",
        },
        "at": TIME,
        "note": TEXT,
    }
)

LEDGER_STREAM: Schema = obj(
    {
        "stream_id": ID,
        "name": TEXT,
        "total_pence": ANY_PENCE,
        "committed_pence": {
            **ANY_PENCE,
            "description": "Committed on the stream: always the sum of its committed_delta.",
        },
        "spent_pence": {
            **ANY_PENCE,
            "description": "Spent from the stream: always the sum of its spent_delta.",
        },
        "remaining_pence": ANY_PENCE,
    }
)

LEDGER: Schema = obj(
    {
        "budget_id": ID,
        "streams": {"type": "array", "items": ref("LedgerStream")},
        "entries": {
            "type": "array",
            "items": ref("LedgerEntry"),
            "description": "Every stream's entries, oldest first.",
        },
        **_PAGE,
    }
)

STREAM_FORECAST: Schema = obj(
    {
        "stream_id": ID,
        "name": TEXT,
        "total_pence": ANY_PENCE,
        "spent_pence": ANY_PENCE,
        "committed_pence": ANY_PENCE,
        "expected_by_now_pence": {
            **ANY_PENCE,
            "description": "The total spread evenly over the year, up to today.",
        },
        "projected_pence": {
            **ANY_PENCE,
            "description": "Spent and committed: what the year will cost from bookings so far.",
        },
        "run_rate_pence": {
            **ANY_PENCE,
            "description": "Spent so far, at the same daily rate for the whole year.",
        },
        "unused_pence": {**ANY_PENCE, "description": "Neither spent nor committed."},
        "days_gone": COUNT,
        "days_in_year": COUNT,
        "status": {"type": "string", "enum": list(FORECAST_LABELS)},
        "status_label": {"type": "string", "enum": list(FORECAST_LABELS.values())},
        "message": {**TEXT, "description": "For people to read: why, in pounds and dates."},
        "runs_out_on": {
            **OPT_DATE,
            "description": "Overspending: when the money would run out at this rate.",
        },
    }
)

FORECAST: Schema = obj(
    {
        "budget_id": ID,
        "year_start": DATE,
        "year_end": DATE,
        "streams": {"type": "array", "items": ref("StreamForecast")},
    }
)

BOOKING_SCHEMAS: dict[str, Schema] = {
    "Booking": BOOKING,
    "BookingList": obj({"bookings": {"type": "array", "items": ref("Booking")}, **_PAGE}),
    "BookingSession": SESSION,
    "BookingSessions": obj(
        {
            "booking_id": ID,
            "sessions": {"type": "array", "items": ref("BookingSession"), "description": "By day."},
        }
    ),
    "NewBooking": NEW_BOOKING,
    "Amendment": AMENDMENT,
    "BookingNote": BOOKING_NOTE,
    "BookingAmended": BOOKING_AMENDED,
    "BookingCancelled": BOOKING_CANCELLED,
    "LedgerEntry": LEDGER_ENTRY,
    "LedgerStream": LEDGER_STREAM,
    "Ledger": LEDGER,
    "StreamForecast": STREAM_FORECAST,
    "Forecast": FORECAST,
}
