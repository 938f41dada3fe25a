"""What the quote services have written, read fresh from the database, so a test can say
"nothing was written": the quotes and requests, their events, notifications, the email outbox and
the plan's lines. Read through the test's own session (autoflush on), so anything a refused call
left pending in it counts as written too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from marketplace.mail.models import OutboxMessage
from marketplace.notifications.models import Notification
from marketplace.plans.models import PlanLine
from marketplace.quotes.models import Quote, QuoteEvent, QuoteRequest


def everything(session: Any) -> dict[str, Any]:
    def rows(*columns: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in session.execute(select(*columns).order_by(columns[0]))]

    def count(model: Any) -> int:
        return session.scalar(select(func.count()).select_from(model))

    return {
        "quotes": rows(
            Quote.id,
            Quote.status,
            Quote.unit_price_pence,
            Quote.direct_bp,
            Quote.offered_start_on,
            Quote.notice_hours,
            Quote.late_cancel_bp,
            Quote.provider_note,
            Quote.counter_price_pence,
            Quote.counter_note,
            Quote.closing_reason,
            Quote.expires_at,
            Quote.updated_at,
        ),
        "requests": rows(QuoteRequest.id, QuoteRequest.accepted_quote_id, QuoteRequest.line_id),
        "events": count(QuoteEvent),
        "notifications": count(Notification),
        "outbox": count(OutboxMessage),
        "lines": rows(
            PlanLine.id,
            PlanLine.plan_id,
            PlanLine.kind,
            PlanLine.offer_id,
            PlanLine.pa_profile_id,
            PlanLine.unit_price_pence,
            PlanLine.price_agreed,
        ),
    }


def events_of(session: Any, quote_id: int) -> list[QuoteEvent]:
    return list(
        session.scalars(
            select(QuoteEvent).where(QuoteEvent.quote_id == quote_id).order_by(QuoteEvent.id)
        )
    )


def told(session: Any, kind: str | None = None) -> dict[int, list[str]]:
    """user id → the kinds of notification they have, in order (only ``kind`` when given)."""
    query = select(Notification).order_by(Notification.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    found: dict[int, list[str]] = {}
    for item in session.scalars(query):
        found.setdefault(item.user_id, []).append(item.kind)
    return found


def mailed(session: Any) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
