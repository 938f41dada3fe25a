"""Every new message is an in-site notification and an email for each other participant (never
the author), written in the same transaction as the message."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.mail.models import OutboxMessage
from marketplace.messages.models import MessageThread
from marketplace.messages.services import post_message, start_thread
from marketplace.notifications.models import Notification
from marketplace.permissions import Role
from tests.factories import make_pa, make_user
from tests.needs.pages_world import client_for, text


def _notes(session, user) -> list[Notification]:
    session.expire_all()
    return list(
        session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


@pytest.fixture
def people(session):
    holder = make_user(Role.HOLDER, name="Grace Okafor")
    pa = make_pa(make_user(Role.PA, name="Joanne Walsh"), display_name="Joanne W.")
    staff = make_user(Role.PROVIDER_STAFF, name="Sam Staff")
    return holder, pa.user, staff


def _start(session, author, others, body="Hello, are you free on Mondays?") -> MessageThread:
    thread = start_thread(
        session,
        author,
        topic_key="need:1:pa:1",
        subject="PA for mornings",
        participants=others,
        body=body,
    )
    session.commit()
    return thread


def test_a_new_message_notifies_each_other_participant_not_the_author(app, session, people):
    holder, pa_user, staff = people
    thread = _start(session, holder, [pa_user, staff])
    assert _notes(session, holder) == []
    for user in (pa_user, staff):
        [note] = _notes(session, user)
        assert note.kind == "message" and note.read_at is None
        assert note.link == f"/messages/{thread.id}"
        assert note.text == "Grace Okafor wrote in “PA for mornings”."

    post_message(session, pa_user, thread.id, "Yes, Mondays suit me.")
    assert [n.text for n in _notes(session, holder)] == ["Joanne W. wrote in “PA for mornings”."]
    assert len(_notes(session, staff)) == 2 and len(_notes(session, pa_user)) == 1


def test_the_email_keeps_its_subject_and_says_who_wrote_what_with_the_link(app, session, people):
    holder, pa_user, _ = people
    thread = _start(session, holder, [pa_user])
    post_message(session, pa_user, thread.id, "Yes, Mondays suit me.")
    [mail] = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == holder.email))
    assert mail.subject == "New message: PA for mornings"
    assert mail.body.startswith("Hello Grace Okafor,")
    assert "Joanne W. wrote" in mail.body and "Walsh" not in mail.body
    assert "Yes, Mondays suit me." in mail.body
    assert f"http://localhost/messages/{thread.id}" in mail.body


def test_an_inactive_participant_is_not_told(app, session, people):
    holder, pa_user, staff = people
    staff.active = False
    session.commit()
    _start(session, holder, [pa_user, staff])
    assert _notes(session, staff) == []
    assert (
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.to_address == staff.email)
        )
        == 0
    )
    assert len(_notes(session, pa_user)) == 1


def test_a_refused_message_tells_nobody(app, session, people):
    holder, pa_user, _ = people
    thread = _start(session, holder, [pa_user])
    before = session.scalar(select(func.count()).select_from(Notification))
    client_for(app, pa_user).post(f"/messages/{thread.id}", data={"body": "   "})
    assert session.scalar(select(func.count()).select_from(Notification)) == before


def test_a_reply_on_the_page_shows_in_the_others_notifications(app, session, people):
    holder, pa_user, _ = people
    thread = _start(session, holder, [pa_user])
    client_for(app, pa_user).post(f"/messages/{thread.id}", data={"body": "See you Monday."})
    holder_client = client_for(app, holder)
    page = text(holder_client.get("/notifications"))
    assert "Notifications (1)" in page and "Joanne W. wrote in “PA for mornings”." in page
    [note] = _notes(session, holder)
    response = holder_client.get(f"/notifications/{note.id}")
    assert response.headers["Location"] == f"/messages/{thread.id}"


def test_reading_the_thread_marks_its_message_notifications_read_and_no_others(
    app, session, people
):
    holder, pa_user, staff = people
    thread = _start(session, holder, [pa_user, staff])
    other = start_thread(
        session,
        holder,
        topic_key="need:2:pa:1",
        subject="Weekend help",
        participants=[pa_user],
        body="Are you free at weekends?",
    )
    session.commit()
    client = client_for(app, pa_user)
    assert "Notifications (2)" in text(client.get("/notifications"))
    client.get(f"/messages/{thread.id}")
    read = {n.link: n.read_at is not None for n in _notes(session, pa_user)}
    assert read == {f"/messages/{thread.id}": True, f"/messages/{other.id}": False}
    assert "Notifications (1)" in text(client.get("/notifications"))
    # Staff have not read it: theirs stays unread.
    assert [n.read_at for n in _notes(session, staff)] == [None]
