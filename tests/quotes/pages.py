"""Helpers of the quote pages' tests: the forms as a browser posts them, a request already
sent in the shared world, and reading what a page says."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.messages.models import Message
from marketplace.notifications.models import Notification
from marketplace.permissions import Role
from marketplace.plans.models import PlanLine
from marketplace.quotes import answers
from marketplace.quotes.models import Quote, QuoteEvent, QuoteRequest
from marketplace.quotes.requests import create_request
from tests.factories import make_user
from tests.holders.conftest import audit_rows
from tests.listings.helpers import client_for, date_parts, text
from tests.quotes.world import make_quote_world, request_input, terms

__all__ = [
    "audit_rows",
    "client_for",
    "counts",
    "date_parts",
    "input_value",
    "invalid",
    "make_quote_world",
    "offer_form",
    "offered",
    "page_text",
    "request_form",
    "sent_request",
    "terms",
    "text",
    "words_of",
    "written",
]


def request_form(w: SimpleNamespace, **overrides: Any) -> dict[str, Any]:
    """The new-request form as a browser posts it: both providers, for the plan's line."""
    data: dict[str, Any] = {
        "holder_id": str(w.holder.id),
        "need_id": "",
        "recipients": [f"offer:{w.aire_offer.id}", f"offer:{w.kirk_offer.id}"],
        "description": "Help getting up each morning",
        "details": "Washing, dressing and breakfast.",
        "quantity_hundredths": "10",
        "unit": "hours",
        "frequency": "week",
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "time_bands": ["morning"],
        "start_on": date_parts(date.today() + timedelta(days=14)),
        "end_on": date_parts(None),
        "postcode": "",
        "line_id": str(w.line.id),
        "stream_id": "",
    }
    data.update(overrides)
    return data


def offer_form(**overrides: Any) -> dict[str, Any]:
    """The provider's quote form: £21.50 an hour, 77/13.5/9.5, in three weeks, 48 hours."""
    data: dict[str, Any] = {
        "unit_price_pence": "21.50",
        "direct_bp": "77",
        "coordination_bp": "13.5",
        "overheads_bp": "9.5",
        "start_on": date_parts(date.today() + timedelta(days=21)),
        "notice_hours": "48",
        "late_cancel_bp": "100",
        "note": "We can start with a visit to meet you.",
    }
    data.update(overrides)
    return data


def sent_request(**changes: Any) -> tuple[SimpleNamespace, QuoteRequest]:
    """The world, with the broker's request for the plan's line sent to both providers (and the
    PA too when ``with_pa``)."""
    w = make_quote_world()
    w.officer = make_user(Role.OFFICER, council=w.council, name="Olive Officer")
    if changes.pop("with_pa", False):
        changes["pa_profile_ids"] = [w.pa.id]
    request = create_request(db.session, w.broker, request_input(w, **changes))
    return w, request


def offered(w: SimpleNamespace, request: QuoteRequest, **changes: Any) -> tuple[Quote, Quote]:
    """Both providers quote: Aire £21.50, Kirkstall £24.00 (unless changed)."""
    aire, kirk = request.quotes[:2]
    answers.offer_quote(db.session, w.aire_staff, aire.id, terms(**changes))
    answers.offer_quote(db.session, w.kirk_staff, kirk.id, terms(unit_price_pence=2400))
    return aire, kirk


def input_value(page: str, input_id: str) -> str | None:
    """The value of the page's input with that id (None when it has none)."""
    tag = re.search(rf'<input[^>]*\bid="{re.escape(input_id)}"[^>]*>', page)
    assert tag is not None, input_id
    found = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return found.group(1) if found else None


def page_text(response: Any) -> str:
    """The page's words, tags stripped and spaces squeezed, for reading sentences."""
    return words_of(text(response))


def words_of(markup: str) -> str:
    """Markup's words: inline tags (strong, a …) joined to their neighbours, others a space."""
    body = re.sub(r"<script.*?</script>", " ", markup, flags=re.S)
    body = re.sub(r"</?(?:strong|a|em|b)\b[^>]*>", "", body)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def invalid(response: Any) -> str:
    """A refused form: 400, the GOV.UK error summary, the page's words."""
    page = text(response)
    assert response.status_code == 400, page[:800]
    assert "govuk-error-summary" in page
    return page_text(response)


def counts() -> tuple[int, int, int]:
    """(requests, quotes, quote events): what a refusal must leave as it was."""
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(QuoteRequest)) or 0,
        db.session.scalar(select(func.count()).select_from(Quote)) or 0,
        db.session.scalar(select(func.count()).select_from(QuoteEvent)) or 0,
    )


def written() -> dict[str, Any]:
    """Everything a quote page's refusal must leave as it was: each quote's state and terms,
    the events, notifications, emails and messages, and the plan's lines."""
    db.session.expire_all()

    def rows(*columns: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in db.session.execute(select(*columns).order_by(columns[0]))]

    def count(model: Any) -> int:
        return db.session.scalar(select(func.count()).select_from(model)) or 0

    return {
        "requests": rows(QuoteRequest.id, QuoteRequest.accepted_quote_id, QuoteRequest.line_id),
        "quotes": rows(
            Quote.id,
            Quote.status,
            Quote.unit_price_pence,
            Quote.direct_bp,
            Quote.counter_price_pence,
            Quote.closing_reason,
            Quote.expires_at,
        ),
        "events": count(QuoteEvent),
        "notifications": count(Notification),
        "outbox": count(OutboxMessage),
        "messages": count(Message),
        "lines": rows(PlanLine.id, PlanLine.unit_price_pence, PlanLine.price_agreed),
    }
