"""Message threads: one per topic, participants only, every message mailed to the others."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.errors import NotFound, ValidationFailed
from marketplace.mail.models import OutboxMessage
from marketplace.mail.services import send_pending
from marketplace.messages.models import MAX_MESSAGE_CHARS, Message, MessageThread
from marketplace.messages.services import (
    mark_read,
    post_message,
    start_thread,
    thread_for,
    threads_of,
)
from marketplace.permissions import Role
from tests.conftest import sent_mail
from tests.factories import link_broker, make_council, make_holder, make_user


def _thread(session, author, others, *, topic="need:1:pa:1", holder_id=None, body="Hello"):
    thread = start_thread(
        session,
        author,
        topic_key=topic,
        subject="PA for mornings",
        participants=others,
        body=body,
        holder_id=holder_id,
    )
    session.commit()
    return thread


def test_starting_a_topic_twice_gives_one_thread_with_both_messages(session):
    holder, pa = make_user(Role.HOLDER), make_user(Role.PA)
    first = _thread(session, holder, [pa], body="Hello")
    second = _thread(session, holder, [pa], body="Are you free on Monday?")
    assert first.id == second.id
    assert session.scalar(select(func.count()).select_from(MessageThread)) == 1
    assert [m.body for m in second.messages] == ["Hello", "Are you free on Monday?"]
    assert sorted(p.user_id for p in second.participants) == sorted([holder.id, pa.id])


def test_a_new_message_is_mailed_to_the_others_not_the_author(app, session):
    holder = make_user(Role.HOLDER, name="Grace Okafor")
    pa = make_user(Role.PA, name="Joanne W", email="joanne@example.com")
    thread = _thread(session, holder, [pa])
    first = session.scalars(select(OutboxMessage.to_address)).all()
    assert first == ["joanne@example.com"]
    last = session.scalar(select(func.max(OutboxMessage.id)))
    post_message(session, pa, thread.id, "Yes, Mondays suit me.")
    reply = session.scalars(select(OutboxMessage).where(OutboxMessage.id > last)).all()
    assert [m.to_address for m in reply] == [holder.email]
    assert "Yes, Mondays suit me." in reply[0].body
    assert f"/messages/{thread.id}" in reply[0].body
    assert send_pending(session) == 2
    assert any("Yes, Mondays suit me." in m for m in sent_mail(app))


@pytest.mark.parametrize("body", ["", "   ", "x" * (MAX_MESSAGE_CHARS + 1)])
def test_an_empty_or_too_long_message_is_refused_and_nothing_is_written(session, body):
    holder, pa = make_user(Role.HOLDER), make_user(Role.PA)
    thread = _thread(session, holder, [pa])
    with pytest.raises(ValidationFailed) as refused:
        post_message(session, pa, thread.id, body)
    assert "body" in refused.value.errors
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Message)) == 1


def test_someone_outside_the_thread_gets_not_found(session):
    holder, pa = make_user(Role.HOLDER), make_user(Role.PA)
    thread = _thread(session, holder, [pa])
    stranger = make_user(Role.PA)
    with pytest.raises(NotFound):
        thread_for(session, stranger, thread.id)
    with pytest.raises(NotFound):
        post_message(session, stranger, thread.id, "Hello")
    with pytest.raises(NotFound):
        thread_for(session, holder, thread.id + 1000)


def test_the_holders_broker_may_read_and_joins_when_they_write(session):
    leeds = make_council(districts=("LS6",))
    holder, pa = make_holder(leeds), make_user(Role.PA)
    thread = _thread(session, holder, [pa], holder_id=holder.id)
    broker = link_broker(holder)
    assert thread_for(session, broker, thread.id).id == thread.id
    post_message(session, broker, thread.id, "I help Grace with her plan.")
    session.refresh(thread)
    assert broker.id in {p.user_id for p in thread.participants}
    ended = link_broker(make_holder(leeds))
    with pytest.raises(NotFound):
        thread_for(session, ended, thread.id)


def test_threads_list_newest_first_and_unread_until_read(session):
    holder, pa, other_pa = make_user(Role.HOLDER), make_user(Role.PA), make_user(Role.PA)
    older = _thread(session, holder, [pa], topic="need:1:pa:1")
    newer = _thread(session, holder, [other_pa], topic="need:1:pa:2")
    post_message(session, pa, older.id, "A reply to the first")
    listed = threads_of(session, holder)
    assert [s.thread.id for s in listed] == [older.id, newer.id]
    assert listed[0].unread and not listed[1].unread  # the holder wrote the last message there
    assert listed[0].last_message.body == "A reply to the first"
    assert listed[0].others == [pa.name]
    mark_read(session, holder, thread_for(session, holder, older.id))
    assert not threads_of(session, holder)[0].unread
    assert threads_of(session, make_user(Role.PA)) == []


def test_a_broker_lists_the_holders_threads_and_reading_does_not_join_them(session):
    leeds = make_council(districts=("LS6",))
    holder, pa = make_holder(leeds), make_user(Role.PA)
    thread = _thread(session, holder, [pa], holder_id=holder.id)
    broker = link_broker(holder)
    listed = threads_of(session, broker)
    assert [s.thread.id for s in listed] == [thread.id]
    assert listed[0].unread
    mark_read(session, broker, thread_for(session, broker, thread.id))
    session.refresh(thread)
    assert broker.id not in {p.user_id for p in thread.participants}
    officer = make_user(Role.OFFICER, council=leeds)
    assert threads_of(session, officer) == []


def test_a_pa_is_named_as_on_their_profile_never_by_their_full_name(app, session):
    from tests.conftest import sign_in
    from tests.factories import make_pa

    holder = make_user(Role.HOLDER, name="Grace Okafor")
    pa = make_pa(make_user(Role.PA, name="Joanne Walsh"), display_name="Joanne W.")
    thread = _thread(session, holder, [pa.user])
    post_message(session, pa.user, thread.id, "Mondays suit me.")
    [summary] = threads_of(session, holder)
    assert summary.others == ["Joanne W."] and summary.last_author == "Joanne W."
    mail = session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.to_address == holder.email)
    )
    assert any("Joanne W. wrote" in body for body in mail)
    client = app.test_client()
    sign_in(client, holder.email)
    for path in ("/messages", f"/messages/{thread.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "Joanne W." in page and "Walsh" not in page, path
