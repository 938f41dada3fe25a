"""Tell people what happened: an in-site notification and an email (through the outbox) each.

``notify`` is called inside the use case that caused the event, so the notification and the email
are written in the same transaction as the change (never one without the other; nothing at all if
the change is rolled back). ``flask send-mail`` sends what the request did not manage to.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app, has_request_context, url_for
from sqlalchemy import func, select, update

from marketplace.clock import utcnow
from marketplace.errors import NotFound
from marketplace.extensions import DbSession, affected_rows
from marketplace.mail.services import queue_mail
from marketplace.notifications.models import Notification
from marketplace.pagination import Page, paginate
from marketplace.urls import is_site_path

TEXT_LIMIT = 300
PAGE_SIZE = 50


def site_path(endpoint: str, **values: Any) -> str:
    """The path of a page in this site, inside or outside a request (for a CLI command)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def notify(
    session: DbSession,
    users: Iterable[Any],
    *,
    kind: str,
    text: str,
    endpoint: str,
    url_values: dict[str, Any] | None = None,
    subject: str | None = None,
    details: str = "",
    skip: Any = None,
) -> int:
    """Notify each active user once (``skip``: the person who acted, told nothing): a
    notification linking to ``endpoint`` and an email saying ``text`` (and ``details``) with the
    same link. Returns how many people were told. Not committed: the caller's use case commits."""
    path = site_path(endpoint, **(url_values or {}))
    link = current_app.config["SITE_URL"].rstrip("/") + path
    skip_id = getattr(skip, "id", None)
    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen or user.id == skip_id or not user.active:
            continue
        seen.add(user.id)
        session.add(Notification(user_id=user.id, kind=kind, text=text[:TEXT_LIMIT], link=path))
        body = f"Hello {user.name},\n\n{text}\n"
        if details:
            body += f"\n{details}\n"
        body += f"\nSee it here: {link}\n"
        queue_mail(session, user.email, (subject or text)[:200], body)
    return len(seen)


def unread_count(session: DbSession, user: Any) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def notifications_of(
    session: DbSession, user: Any, *, limit: int = PAGE_SIZE
) -> list[Notification]:
    """The user's latest notifications, newest first."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def notifications_page(session: DbSession, user: Any, page: int) -> Page:
    """Page ``page`` of the user's notifications, newest first (NotFound past the last page)."""
    return paginate(
        session,
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id.desc()),
        page,
        PAGE_SIZE,
    )


def open_notification(session: DbSession, user: Any, notification_id: int) -> str:
    """Mark the user's notification read (once: the first reading time is kept) and return the
    site path it links to, or "" when its link is not a path in this site. Someone else's
    notification is NotFound. One transaction."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound("We could not find that notification.")
    if notification.read_at is None:
        notification.read_at = utcnow()
        session.commit()
    return notification.link if is_site_path(notification.link) else ""


def mark_read_about(session: DbSession, user: Any, *paths: str) -> int:
    """The user has seen the pages at ``paths``: their unread notifications linking there are
    read (a quote's events once its page is open, a thread's messages once it is read). Returns
    how many. Not committed: the caller commits."""
    return affected_rows(
        session.execute(
            update(Notification)
            .where(
                Notification.user_id == user.id,
                Notification.read_at.is_(None),
                Notification.link.in_(paths),
            )
            .values(read_at=utcnow())
        )
    )


def mark_all_read(session: DbSession, user: Any) -> int:
    """Mark every unread notification of the user read; returns how many. One transaction."""
    done = affected_rows(
        session.execute(
            update(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
    )
    session.commit()
    return done
