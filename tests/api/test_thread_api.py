"""Conversations over the API: a quote's conversation started from the quote, read and written
by both sides (and whoever plans for the holder), listed with what is unread; someone else's
conversation is 404; a bad message is 400 and nothing is written."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.messages.models import Message, MessageThread
from marketplace.notifications.models import Notification
from marketplace.permissions import Role
from marketplace.quotes.requests import create_request
from tests.api.conftest import count
from tests.api.test_openapi import _check
from tests.factories import make_organisation, make_user
from tests.quotes.world import make_quote_world, request_input

OUTSIDERS = ("kirk", "other provider", "other pa", "stranger broker", "officer", "other holder")


@pytest.fixture
def w(app: Any) -> SimpleNamespace:
    """The quote world with the broker's request to Aire, Kirkstall and the PA."""
    with app.app_context():
        world = make_quote_world()
        request = create_request(
            db.session, world.broker, request_input(world, pa_profile_ids=[world.pa.id])
        )
        world.aire_quote, world.kirk_quote, world.pa_quote = (q.id for q in request.quotes)
        world.people = {
            "holder": world.holder,
            "representative": world.representative,
            "broker": world.broker,
            "aire": world.aire_staff,
            "kirk": world.kirk_staff,
            "pa": world.pa_user,
            "other provider": make_user(
                Role.PROVIDER_STAFF, organisation=make_organisation(name="Otley Care")
            ),
            "other pa": make_user(Role.PA),
            "stranger broker": world.stranger_broker,
            "officer": make_user(Role.OFFICER, council=world.council),
            "other holder": world.other_holder,
        }
        return world


def _write_about(client: Any, quote_id: int, body: Any) -> Any:
    path = f"/api/v1/quotes/{quote_id}/messages"
    response = client.post(path, json=body)
    _check(response, path, "post")
    return response


def _messages(client: Any, thread_id: int) -> Any:
    path = f"/api/v1/threads/{thread_id}/messages"
    response = client.get(path)
    _check(response, path, "get")
    return response


def _post(client: Any, thread_id: int, body: Any) -> Any:
    path = f"/api/v1/threads/{thread_id}/messages"
    response = client.post(path, json=body)
    _check(response, path, "post")
    return response


@pytest.fixture
def thread_id(api_as: Any, w: SimpleNamespace) -> int:
    """The conversation about Aire's quote, started by the broker."""
    body = _write_about(api_as(w.broker), w.aire_quote, {"body": "Could you start earlier?"})
    return int(body.get_json()["thread_id"])


def written(app: Any) -> tuple[int, ...]:
    return tuple(count(app, m) for m in (MessageThread, Message, Notification, OutboxMessage))


def test_the_broker_starts_the_quotes_conversation_and_the_provider_answers(
    app, api_as, w, thread_id
):
    broker, aire = api_as(w.broker), api_as(w.aire_staff)
    quote = broker.get(f"/api/v1/quotes/{w.aire_quote}").get_json()
    assert quote["thread_id"] == thread_id
    assert aire.get(f"/api/v1/quotes/{w.aire_quote}").get_json()["thread_id"] == thread_id
    read = _messages(aire, thread_id).get_json()
    assert read["thread_id"] == thread_id and "Aire Valley Home Care" in read["subject"]
    # The holder's whole side takes part: the holder, their representative and the broker.
    assert sorted(read["participants"]) == ["Ada Holder", "Alan Aire", "Bea Broker", "Rita Rep"]
    assert [(m["author"], m["body"]) for m in read["messages"]] == [
        ("Bea Broker", "Could you start earlier?")
    ]
    response = _post(aire, thread_id, {"body": "  Yes, from Monday.  "})
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/api/v1/threads/{thread_id}/messages")
    reply = response.get_json()
    assert (reply["author"], reply["body"]) == ("Alan Aire", "Yes, from Monday.")
    assert reply["created_at"].endswith("Z")
    with app.app_context():
        mail = db.session.query(OutboxMessage).filter_by(to_address=w.broker.email).all()
    assert any("Yes, from Monday." in m.body for m in mail)
    again = _write_about(broker, w.aire_quote, {"body": "Thank you"})
    assert again.status_code == 201 and again.get_json()["thread_id"] == thread_id
    assert [m["author"] for m in again.get_json()["messages"]] == [
        "Bea Broker",
        "Alan Aire",
        "Bea Broker",
    ]
    assert count(app, MessageThread) == 1


@pytest.mark.parametrize("who", ["holder", "representative"])
def test_whoever_plans_for_the_holder_reads_and_writes_in_it(api_as, w, thread_id, who):
    client = api_as(w.people[who])
    assert len(_messages(client, thread_id).get_json()["messages"]) == 1
    assert _post(client, thread_id, {"body": "Mornings suit me."}).status_code == 201
    names = _messages(client, thread_id).get_json()["participants"]
    assert w.people[who].name in names


def test_a_pa_is_named_as_their_profile_shows_them(api_as, w):
    response = _write_about(api_as(w.pa_user), w.pa_quote, {"body": "Happy to help."})
    assert response.status_code == 201
    body = response.get_json()
    assert body["messages"][0]["author"] == "Joanne W."
    assert "Joanne W." in body["participants"]
    assert "Joanne Walker" not in response.get_data(as_text=True)
    read = _messages(api_as(w.broker), body["thread_id"])
    assert "Joanne Walker" not in read.get_data(as_text=True)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_someone_elses_conversation_is_404_and_nothing_is_written(app, api_as, w, thread_id, who):
    client = api_as(w.people[who])
    before = written(app)
    assert _messages(client, thread_id).get_json()["error"]["code"] == "not_found"
    refused = _post(client, thread_id, {"body": "Hello?"})
    assert refused.status_code == 404
    assert _post(client, thread_id, {}).status_code == 404  # not 400: nothing is given away
    assert _messages(client, 999_999).status_code == 404
    assert written(app) == before
    assert client.get("/api/v1/threads").get_json() == {"threads": []}


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"body": ""}, "Enter a message"),
        ({"body": "   "}, "Enter a message"),
        ({"body": "x" * 5001}, "5,000 characters or fewer"),
        ({"body": 5}, "Enter text"),
        ({"body": None}, "This field is required"),
        ({}, "This field is required"),
    ],
)
def test_a_bad_message_is_refused_and_nothing_is_written(app, api_as, w, thread_id, body, words):
    before = written(app)
    for response in (
        _post(api_as(w.aire_staff), thread_id, body),
        _write_about(api_as(w.broker), w.kirk_quote, body),
    ):
        assert response.status_code == 400
        assert words in response.get_json()["error"]["fields"]["body"]
    assert written(app) == before


def test_unknown_fields_and_bodies_that_are_not_json_are_refused(app, api_as, w, thread_id):
    client = api_as(w.aire_staff)
    before = written(app)
    typo = _post(client, thread_id, {"body": "Hi", "to": "everyone"})
    assert typo.get_json()["error"]["fields"]["to"] == "This field is not recognised"
    path = f"/api/v1/threads/{thread_id}/messages"
    plain = client.post(path, data="Hi", content_type="text/plain")
    assert "Send a JSON object" in _check(plain, path, "post")["error"]["fields"]["body"]
    assert written(app) == before


def test_the_list_shows_each_conversation_and_what_is_unread(api_as, w, thread_id):
    aire = api_as(w.aire_staff)
    listed = _check(aire.get("/api/v1/threads"), "/api/v1/threads", "get")
    [item] = listed["threads"]
    assert item["id"] == thread_id and item["unread"] is True
    assert sorted(item["others"]) == ["Ada Holder", "Bea Broker", "Rita Rep"]
    assert item["last_message"] == {
        "author": "Bea Broker",
        "body": "Could you start earlier?",
        "created_at": item["last_message"]["created_at"],
    }
    _messages(aire, thread_id)
    assert aire.get("/api/v1/threads").get_json()["threads"][0]["unread"] is False
    # The representative is not taking part yet, but plans for the holder: it is theirs to read.
    theirs = api_as(w.representative).get("/api/v1/threads").get_json()["threads"]
    assert [t["id"] for t in theirs] == [thread_id]
    assert api_as(w.kirk_staff).get("/api/v1/threads").get_json() == {"threads": []}


def test_without_a_token_every_conversation_endpoint_answers_401(client, thread_id):
    path = f"/api/v1/threads/{thread_id}/messages"
    for response in (
        client.get("/api/v1/threads"),
        client.get(path),
        client.post(path, json={"body": "Hi"}),
    ):
        assert response.status_code == 401
        _check(response, "/api/v1/threads", "get")
