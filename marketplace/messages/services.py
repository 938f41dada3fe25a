"""Message threads: start one about a topic, post to it, read it. Each call is one transaction.

Who may read and post: the thread's participants, and anyone who may plan for the holder the
thread is about (a broker or representative sees it in their list and joins it when they first
write). Everyone else gets NotFound. Every new message is a notification and an email (through
the outbox) for each other participant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.clock import utcnow
from marketplace.directory.models import PAProfile
from marketplace.errors import NotFound, ValidationFailed
from marketplace.extensions import DbSession
from marketplace.holders.access import care_access, visible_holder_ids
from marketplace.messages.models import (
    MAX_MESSAGE_CHARS,
    Message,
    MessageThread,
    ThreadParticipant,
)
from marketplace.notifications.services import mark_read_about, notify, site_path
from marketplace.permissions import Role

THREAD_NOT_FOUND = "We could not find that conversation."


def checked_body(body: str) -> str:
    """The message text, trimmed; ValidationFailed when empty or too long."""
    text = (body or "").strip()
    if not text:
        raise ValidationFailed({"body": "Enter a message"})
    if len(text) > MAX_MESSAGE_CHARS:
        raise ValidationFailed(
            {"body": f"A message must be {MAX_MESSAGE_CHARS:,} characters or fewer"}
        )
    return text


def shown_names(session: DbSession, users: Sequence[Any]) -> dict[int, str]:
    """{user id: the name conversations show}: a PA by the name on their profile (such as
    "Joanne W."), never more than they chose to show the public; everyone else by their
    account name. One query for all the PAs."""
    names = {user.id: user.name for user in users}
    pa_ids = [user.id for user in users if user.role == Role.PA.value]
    if pa_ids:
        for user_id, display_name in session.execute(
            select(PAProfile.user_id, PAProfile.display_name).where(PAProfile.user_id.in_(pa_ids))
        ):
            names[user_id] = display_name
    return names


def _may_plan_for(session: DbSession, user: Any, holder_id: int | None) -> bool:
    if holder_id is None:
        return False
    try:
        return care_access(session, user, holder_id).can_plan
    except NotFound:
        return False


def _join(thread: MessageThread, user: Any) -> ThreadParticipant:
    for participant in thread.participants:
        if participant.user_id == user.id:
            return participant
    participant = ThreadParticipant(user_id=user.id)
    thread.participants.append(participant)
    return participant


def thread_for(session: DbSession, user: Any, thread_id: int) -> MessageThread:
    """The thread, if the user takes part in it or may plan for its holder; else NotFound."""
    thread = session.get(MessageThread, thread_id)
    if thread is None:
        raise NotFound(THREAD_NOT_FOUND)
    if any(p.user_id == user.id for p in thread.participants):
        return thread
    if _may_plan_for(session, user, thread.holder_id):
        return thread
    raise NotFound(THREAD_NOT_FOUND)


def _notify(session: DbSession, thread: MessageThread, author: Any, body: str) -> None:
    """Each other participant gets a notification and an email with the message itself."""
    author_name = shown_names(session, [author])[author.id]
    notify(
        session,
        # By id: a participant who has just joined has no ``user`` loaded yet.
        [session.get(User, p.user_id) for p in thread.participants],
        kind="message",
        text=f"{author_name} wrote in “{thread.subject}”.",
        endpoint="messages.thread",
        url_values={"thread_id": thread.id},
        subject=f"New message: {thread.subject}",
        details=body,
        skip=author,
    )


def _add_message(session: DbSession, thread: MessageThread, author: Any, body: str) -> Message:
    now = utcnow()
    message = Message(author_id=author.id, body=body, created_at=now)
    thread.messages.append(message)
    thread.last_message_at = now
    _join(thread, author).last_read_at = now
    _notify(session, thread, author, body)
    return message


def start_thread(
    session: DbSession,
    author: Any,
    *,
    topic_key: str,
    subject: str,
    participants: Sequence[Any],
    body: str,
    holder_id: int | None = None,
    need_id: int | None = None,
) -> MessageThread:
    """The thread about ``topic_key`` (created, or the one already there) with ``body`` posted
    by ``author``; every participant joins it. Not committed: the caller's use case commits.

    Two people starting the same topic at once both end up in the one thread: the second insert
    fails on the unique topic and is retried as a post to the existing thread.
    """
    text = checked_body(body)
    thread = session.scalar(select(MessageThread).where(MessageThread.topic_key == topic_key))
    if thread is None:
        try:
            with session.begin_nested():
                thread = MessageThread(
                    topic_key=topic_key,
                    subject=subject[:200],
                    holder_id=holder_id,
                    need_id=need_id,
                    created_by_id=author.id,
                )
                session.add(thread)
                session.flush()
        except IntegrityError:
            thread = session.scalar(
                select(MessageThread).where(MessageThread.topic_key == topic_key)
            )
            if thread is None:  # pragma: no cover - the row that collided is committed
                raise
    for user in (author, *participants):
        _join(thread, user)
    _add_message(session, thread, author, text)
    return thread


def post_message(session: DbSession, author: Any, thread_id: int, body: str) -> Message:
    """Add a message to a thread the author may use; emails the others. One transaction."""
    thread = thread_for(session, author, thread_id)
    text = checked_body(body)
    message = _add_message(session, thread, author, text)
    session.commit()
    return message


def mark_read(session: DbSession, user: Any, thread: MessageThread) -> None:
    """The user has read the thread up to now, and its notifications. Someone who may plan for
    the holder but has not written yet is not added to it by reading (the others would see them
    listed)."""
    for participant in thread.participants:
        if participant.user_id == user.id:
            participant.last_read_at = utcnow()
    mark_read_about(session, user, site_path("messages.thread", thread_id=thread.id))
    session.commit()


@dataclass(frozen=True)
class ThreadSummary:
    thread: MessageThread
    last_message: Message | None
    unread: bool
    others: list[str]  # the other participants' names
    last_author: str = ""  # the name shown for who wrote the last message


def _planned_holders(user: Any) -> Any:
    """The holders whose threads the user reads as one of their planners (a representative or
    broker; a holder's own are theirs already), or None."""
    if Role(user.role) in {Role.REPRESENTATIVE, Role.BROKER}:
        return visible_holder_ids(user)
    return None


def threads_of(session: DbSession, user: Any) -> list[ThreadSummary]:
    """The user's threads, most recent message first: those they take part in and, for a
    representative or broker, those about the holders they plan for."""
    mine = select(ThreadParticipant.thread_id).where(ThreadParticipant.user_id == user.id)
    holders = _planned_holders(user)
    where: ColumnElement[bool] = MessageThread.id.in_(mine)
    if holders is not None:
        where = or_(where, MessageThread.holder_id.in_(holders))
    threads = session.scalars(
        select(MessageThread)
        .where(where)
        .order_by(MessageThread.last_message_at.desc(), MessageThread.id.desc())
        .options(selectinload(MessageThread.participants).joinedload(ThreadParticipant.user))
    ).all()
    if not threads:
        return []
    last_ids = session.execute(
        select(Message.thread_id, func.max(Message.id))
        .where(Message.thread_id.in_([t.id for t in threads]))
        .group_by(Message.thread_id)
    ).all()
    last = {
        m.thread_id: m
        for m in session.scalars(select(Message).where(Message.id.in_([i for _, i in last_ids])))
    }
    authors = [m.author for m in last.values()]
    names = shown_names(session, [p.user for t in threads for p in t.participants] + authors)
    summaries = []
    for thread in threads:
        me = next((p for p in thread.participants if p.user_id == user.id), None)
        read_at = me.last_read_at if me is not None else None
        message = last.get(thread.id)
        unread = (
            message is not None
            and message.author_id != user.id
            and (read_at is None or read_at < message.created_at)
        )
        others = [names[p.user_id] for p in thread.participants if p.user_id != user.id]
        author = names.get(message.author_id, "") if message is not None else ""
        summaries.append(ThreadSummary(thread, message, unread, others, author))
    return summaries
