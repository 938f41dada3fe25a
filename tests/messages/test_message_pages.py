"""The conversation pages: the list with unread marks, one thread read and replied to."""

from __future__ import annotations

import re

import pytest

from marketplace.messages.models import Message, MessageThread
from marketplace.permissions import Role
from tests.conftest import sent_mail
from tests.factories import make_user
from tests.needs.pages_world import (
    client_for,
    count,
    forms_without_token,
    mail_to,
    make_world,
    text,
)


@pytest.fixture
def world(app, session):
    world = make_world()
    client_for(app, world.holder).post(
        f"/needs/{world.need.id}/pas/{world.pa.id}/conversation",
        data={"body": "Hello Pat,\n\nCould we talk on Monday?"},
    )
    world.thread = session.query(MessageThread).one()
    return world


def test_the_list_shows_each_thread_with_who_and_the_last_message(app, session, world):
    page = text(client_for(app, world.pa_user).get("/messages"))
    assert world.thread.subject in page and f'href="/messages/{world.thread.id}"' in page
    assert "With Ada Holder" in page
    assert "Ada Holder: Hello Pat, Could we talk on Monday?" in page
    assert "Unread" in page
    own = text(client_for(app, world.holder).get("/messages"))
    assert "You: Hello Pat" in own and "Unread" not in own


def test_reading_a_thread_marks_it_read(app, session, world):
    client = client_for(app, world.pa_user)
    page = text(client.get(f"/messages/{world.thread.id}"))
    assert "Ada Holder" in page and "Could we talk on Monday?" in page
    assert "Hello Pat,</p>" in page  # paragraphs kept
    assert re.search(r"wrote on \d+ \w+ \d{4} at \d{1,2}:\d\d[ap]m", page)
    assert f'href="/pa/needs/{world.need.id}"' in page  # back to the advert
    assert "Unread" not in text(client.get("/messages"))


def test_a_reply_is_saved_and_mailed_to_the_others(app, session, world):
    client = client_for(app, world.pa_user)
    response = client.post(f"/messages/{world.thread.id}", data={"body": "Monday suits me."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/messages/{world.thread.id}#reply")
    session.expire_all()
    assert [m.body for m in session.get(MessageThread, world.thread.id).messages][-1] == (
        "Monday suits me."
    )
    assert (
        mail_to(session, world.holder.email)[-1].subject == f"New message: {world.thread.subject}"
    )
    assert any("Monday suits me." in mail for mail in sent_mail(app))  # sent, not only queued
    holder_view = text(client_for(app, world.holder).get(f"/messages/{world.thread.id}"))
    assert "Pat Near" in holder_view and "Monday suits me." in holder_view
    assert f'href="/needs/{world.need.id}"' in holder_view


@pytest.mark.parametrize(("body", "message"), [("  ", "Enter a message"), ("y" * 5001, "5,000")])
def test_an_empty_or_long_reply_is_refused_and_kept(app, session, world, body, message):
    before = count(session, Message)
    response = client_for(app, world.pa_user).post(
        f"/messages/{world.thread.id}", data={"body": body}
    )
    page = text(response)
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert message in page and 'href="#body"' in page
    if body.strip():
        assert body in page  # what was typed is not lost
    assert count(session, Message) == before


def test_a_broker_of_the_holder_may_read_and_join(app, session, world):
    page = text(client_for(app, world.broker).get(f"/messages/{world.thread.id}"))
    assert "Hello Pat" in page


@pytest.mark.parametrize("who", ["officer", "other_holder", "stranger_pa"])
def test_someone_elses_thread_is_not_found(app, session, world, who):
    user = make_user(Role.PA) if who == "stranger_pa" else getattr(world, who)
    client = client_for(app, user)
    before = count(session, Message)
    assert client.get(f"/messages/{world.thread.id}").status_code == 404
    assert client.post(f"/messages/{world.thread.id}", data={"body": "Hi"}).status_code == 404
    assert client.get("/messages/99999").status_code == 404
    assert count(session, Message) == before
    assert world.thread.subject not in text(client.get("/messages"))


def test_signing_in_is_needed(app, session, world):
    response = client_for(app).get(f"/messages/{world.thread.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_reply_form_carries_a_csrf_token_and_a_post_without_one_is_refused(app, session, world):
    client = client_for(app, world.pa_user)
    before = count(session, Message)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert forms_without_token(text(client.get(f"/messages/{world.thread.id}"))) == []
        refused = client.post(f"/messages/{world.thread.id}", data={"body": "Hi"})
        assert refused.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert count(session, Message) == before
