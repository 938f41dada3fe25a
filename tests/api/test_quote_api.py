"""Quotes over the API: asking, listing, comparing, and every move of the negotiation, by every
role. Each answer matches its published schema; someone else's request or quote is 404; a move
from the wrong state is 409 naming both states, the other side's move 403; bad input is 400
naming the field, and nothing is written (no quote, event, notification or email)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import update

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.notifications.models import Notification
from marketplace.permissions import Role
from marketplace.plans.models import PlanLine
from marketplace.quotes.models import Quote, QuoteEvent, QuoteRequest
from tests.api.conftest import audit_rows, count
from tests.api.test_openapi import _check
from tests.factories import (
    link_broker,
    make_holder,
    make_offer,
    make_organisation,
    make_plan,
    make_user,
)
from tests.quotes.world import everyone, make_quote_world

START = date.today() + timedelta(days=14)
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()
OFFER: dict[str, Any] = {
    "unit_price_pence": 2150,
    "breakdown": {"direct_percent": 77, "coordination_percent": 13.5, "overheads_percent": 9.5},
    "start_on": (date.today() + timedelta(days=21)).isoformat(),
    "notice_hours": 48,
    "late_cancel_percent": 100,
    "note": "We can start with a visit to meet you.",
}
HOLDER_SIDE = ("holder", "representative", "broker")
# People with no part in the world's requests.
OUTSIDERS = ("other holder", "stranger broker", "officer", "other provider", "other pa", "admin")


@pytest.fixture
def w(app: Any) -> SimpleNamespace:
    """The shared quote world, with the holder's council officer and the outsiders."""
    with app.app_context():
        world = make_quote_world()
        world.people = {**everyone(world), "other pa": make_user(Role.PA, name="Pat Other")}
        return world


def request_body(w: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    """A request for the world's holder's plan line, to both providers and the PA."""
    body: dict[str, Any] = {
        "holder_id": w.holder.id,
        "recipients": [
            {"offer_id": w.aire_offer.id},
            {"offer_id": w.kirk_offer.id},
            {"pa_profile_id": w.pa.id},
        ],
        "description": "Help getting up each morning",
        "details": "Washing, dressing and breakfast.",
        "frequency": "week",
        "quantity_hundredths": 1000,
        "unit": "hours",
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "time_bands": ["morning"],
        "start_on": START.isoformat(),
        "line_id": w.line.id,
    }
    body.update(changes)
    return {name: value for name, value in body.items() if value is not ...}


def _post_request(client: Any, body: dict[str, Any]) -> Any:
    response = client.post("/api/v1/quote-requests", json=body)
    _check(response, "/api/v1/quote-requests", "post")
    return response


@pytest.fixture
def asked(api_as: Any, w: SimpleNamespace) -> SimpleNamespace:
    """The broker's request to Aire, Kirkstall and the PA: the request and each quote's id."""
    body = _post_request(api_as(w.broker), request_body(w)).get_json()
    aire, kirk, pa = (q["id"] for q in body["quotes"])
    return SimpleNamespace(id=body["id"], aire=aire, kirk=kirk, pa=pa)


def act(client: Any, quote_id: int, action: str, body: Any = None) -> Any:
    """POST /api/v1/quotes/<id>/<action>, the answer checked against its schema."""
    path = f"/api/v1/quotes/{quote_id}/{action}"
    response = client.post(path, json=body) if body is not None else client.post(path)
    _check(response, path, "post")
    return response


def written(app: Any) -> tuple[int, ...]:
    """Everything a move or a request writes, counted."""
    return tuple(
        count(app, model)
        for model in (QuoteRequest, Quote, QuoteEvent, Notification, OutboxMessage)
    )


def _status(app: Any, quote_id: int) -> str:
    with app.app_context():
        return db.session.get(Quote, quote_id).status


def _offered(api_as: Any, w: SimpleNamespace, asked: SimpleNamespace) -> None:
    """Aire quotes £23 an hour and Kirkstall £15; the PA has not answered."""
    act(api_as(w.aire_staff), asked.aire, "offer", {**OFFER, "unit_price_pence": 2300})
    act(api_as(w.kirk_staff), asked.kirk, "offer", {**OFFER, "unit_price_pence": 1500})


# --- asking -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", HOLDER_SIDE)
def test_the_holders_side_asks_two_providers_and_a_pa_at_once(app, api_as, w, who):
    response = _post_request(api_as(w.people[who]), request_body(w))
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/quote-requests/{body['id']}")
    assert body["holder_id"] == w.holder.id and body["created_by_id"] == w.people[who].id
    assert (body["quantity_hundredths"], body["quantity"], body["unit"]) == (1000, "10", "hours")
    assert body["line_id"] == w.line.id and body["stream_id"] == w.dp.id
    assert body["plan_id"] == w.plan.id and body["district"] == "LS6"
    assert [q["provider_name"] for q in body["quotes"]] == [
        "Aire Valley Home Care",
        "Kirkstall Care",
        "Joanne W.",
    ]
    assert all(q["status"] == "requested" for q in body["quotes"])
    assert all(q["actions"] == ["withdraw"] for q in body["quotes"])
    assert all(q["unit_price_pence"] is None and q["breakdown"] is None for q in body["quotes"])
    assert [c["price_pence"] for c in body["comparison"]["columns"]] == [None, None, None]
    assert body["comparison"]["stream_id"] == w.dp.id
    assert audit_rows(app, action="create", subject_type="quote_request", subject_id=body["id"])
    with app.app_context():
        told = {n.user_id for n in db.session.query(Notification).filter_by(kind="quote_requested")}
    assert told == {w.aire_staff.id, w.kirk_staff.id, w.pa_user.id}


def test_a_holder_may_leave_out_whom_it_is_for(api_as, w):
    response = _post_request(api_as(w.holder), request_body(w, holder_id=...))
    assert response.status_code == 201
    assert response.get_json()["holder_id"] == w.holder.id


@pytest.mark.parametrize("who", ["representative", "broker"])
def test_a_representative_or_broker_must_say_whom_it_is_for(app, api_as, w, who):
    response = _post_request(api_as(w.people[who]), request_body(w, holder_id=...))
    assert response.status_code == 400
    assert "send the id of the person" in response.get_json()["error"]["fields"]["holder_id"]
    assert count(app, QuoteRequest) == 0


@pytest.mark.parametrize("who", [*OUTSIDERS, "aire", "pa"])
def test_nobody_else_asks_for_the_holder(app, api_as, w, who):
    response = _post_request(api_as(w.people[who]), request_body(w))
    assert response.status_code == 404
    assert written(app) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"recipients": ...}, "recipients", "This field is required"),
        ({"recipients": []}, "recipients", "Choose at least one provider"),
        ({"recipients": "all"}, "recipients", "Send a list of JSON objects"),
        ({"recipients": [{}]}, "recipients[0].offer_id", "either offer_id or pa_profile_id"),
        (
            {"recipients": [{"offer_id": 1, "pa_profile_id": 1}]},
            "recipients[0].offer_id",
            "either offer_id or pa_profile_id",
        ),
        ({"recipients": [{"offer_id": "7"}]}, "recipients[0].offer_id", "Enter a whole number"),
        ({"recipients": [{"offer_id": 7, "colour": 1}]}, "recipients[0].colour", "not recognised"),
        ({"recipients": [{"offer_id": 999_999}]}, "recipients", "listed in the directory"),
        ({"recipients": [{"pa_profile_id": 999_999}]}, "recipients", "listed in the directory"),
        ({"quantity_hundredths": ...}, "quantity_hundredths", "This field is required"),
        ({"quantity_hundredths": 7.5}, "quantity_hundredths", "750 for 7.5 hours"),
        ({"quantity_hundredths": "750"}, "quantity_hundredths", "750 for 7.5 hours"),
        ({"quantity_hundredths": True}, "quantity_hundredths", "750 for 7.5 hours"),
        ({"quantity_hundredths": 0}, "quantity_hundredths", "more than 0"),
        ({"quantity_hundredths": -100}, "quantity_hundredths", "more than 0"),
        ({"quantity_hundredths": 16801}, "quantity_hundredths", "A week has 168 hours"),
        ({"quantity_hundredths": 10**15}, "quantity_hundredths", "or less"),
        ({"frequency": "daily"}, "frequency", "Choose one of: week, fortnight, month, once"),
        ({"unit": "minutes"}, "unit", "Choose one of: hours"),
        ({"days": ["someday"]}, "days", "Send a list of: mon"),
        ({"time_bands": "morning"}, "time_bands", "Send a list of:"),
        ({"start_on": ...}, "start_on", "This field is required"),
        ({"start_on": "tomorrow"}, "start_on", "Enter a date as YYYY-MM-DD"),
        ({"start_on": YESTERDAY}, "start_on", "today or in the future"),
        ({"end_on": (START - timedelta(days=1)).isoformat()}, "end_on", "same as or after"),
        ({"description": ...}, "description", "This field is required"),
        ({"description": "  "}, "description", "Say what is needed"),
        ({"description": "x" * 301}, "description", "300 characters or fewer"),
        ({"description": 12}, "description", "Enter text"),
        ({"details": "x" * 2001}, "details", "2,000 characters or fewer"),
        ({"postcode": "ZZ99 9ZZ"}, "postcode", "We do not know the postcode district ZZ99"),
        ({"line_id": 999_999}, "line_id", "Choose a line of this person's draft plan"),
        ({"stream_id": 999_999}, "stream_id", "Choose one of this person's budget streams"),
        ({"need_id": 999_999}, "need_id", "Choose one of this person's adverts"),
        ({"holder_id": "me"}, "holder_id", "Enter a whole number"),
        ({"colour": "blue"}, "colour", "This field is not recognised"),
    ],
)
def test_each_bad_request_is_refused_naming_the_field_and_nothing_is_written(
    app, api_as, w, change, field, words
):
    response = _post_request(api_as(w.broker), request_body(w, **change))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert words in error["fields"][field], error
    assert written(app) == (0, 0, 0, 0, 0)


def test_a_free_offer_and_another_holders_line_are_refused(app, api_as, w):
    with app.app_context():
        free = make_offer(w.aire, title="Coffee morning", price_unit="free", price_pence=0)
        theirs = make_plan(w.other_holder)
        their_line = PlanLine(
            kind="text", description="x", quantity_hundredths=100, start_on=theirs.year_start
        )
        theirs.lines.append(their_line)
        db.session.commit()
    client = api_as(w.broker)
    refused = _post_request(client, request_body(w, recipients=[{"offer_id": free.id}]))
    assert "is free" in refused.get_json()["error"]["fields"]["recipients"]
    refused = _post_request(client, request_body(w, line_id=their_line.id))
    assert "draft plan" in refused.get_json()["error"]["fields"]["line_id"]
    assert written(app) == (0, 0, 0, 0, 0)


def test_every_wrong_field_is_named_at_once(app, api_as, w):
    response = _post_request(
        api_as(w.broker),
        {"holder_id": w.holder.id, "recipients": [], "quantity_hundredths": "x", "unit": "?"},
    )
    fields = response.get_json()["error"]["fields"]
    assert {"recipients", "description", "quantity_hundredths", "unit", "start_on"} <= set(fields)
    assert written(app) == (0, 0, 0, 0, 0)


def test_a_body_that_is_not_a_json_object_is_refused(app, api_as, w):
    client = api_as(w.broker)
    response = client.post("/api/v1/quote-requests", data="x=1", content_type="text/plain")
    assert response.status_code == 400
    assert (
        "Send a JSON object"
        in _check(response, "/api/v1/quote-requests", "post")["error"]["fields"]["body"]
    )
    assert client.post("/api/v1/quote-requests", json=[request_body(w)]).status_code == 400
    assert written(app) == (0, 0, 0, 0, 0)


# --- listing and reading requests ---------------------------------------------------------------


@pytest.mark.parametrize("who", HOLDER_SIDE)
def test_the_holders_side_lists_and_reads_requests_with_every_quote(app, api_as, w, asked, who):
    with app.app_context():
        holder = make_holder(w.council)
        broker = link_broker(holder, make_user(Role.BROKER))
        offer_id = make_offer(make_organisation()).id
    theirs = _post_request(
        api_as(broker),
        request_body(w, holder_id=holder.id, recipients=[{"offer_id": offer_id}], line_id=...),
    ).get_json()
    client = api_as(w.people[who])
    body = _check(client.get("/api/v1/quote-requests"), "/api/v1/quote-requests", "get")
    assert [r["id"] for r in body["requests"]] == [asked.id]
    assert [q["id"] for q in body["requests"][0]["quotes"]] == [asked.aire, asked.kirk, asked.pa]
    mine = f"/api/v1/quote-requests?holder_id={w.holder.id}"
    assert [r["id"] for r in client.get(mine).get_json()["requests"]] == [asked.id]
    other = client.get(f"/api/v1/quote-requests?holder_id={holder.id}")
    assert _check(other, "/api/v1/quote-requests", "get")["error"]["code"] == "not_found"
    path = f"/api/v1/quote-requests/{asked.id}"
    one = _check(client.get(path), path, "get")
    assert one["id"] == asked.id and len(one["comparison"]["columns"]) == 3
    refused = client.get(f"/api/v1/quote-requests/{theirs['id']}")
    assert refused.status_code == 404
    assert audit_rows(app, action="read", subject_type="quote_request", subject_id=asked.id)


def test_the_comparison_costs_each_answer_against_the_stream(api_as, w, asked):
    _offered(api_as, w, asked)
    path = f"/api/v1/quote-requests/{asked.id}"
    body = _check(api_as(w.representative).get(path), path, "get")
    aire, kirk, pa = body["comparison"]["columns"]
    # 10 hours a week at £23: £230 a week, £11,960 over 52 weeks; the direct payment has £9,360.
    assert (aire["price_pence"], aire["weekly_pence"], aire["annual_pence"]) == (
        2300,
        23000,
        1_196_000,
    )
    assert aire["rating"] == "Good (CQC)" and aire["distance_km"] is not None
    assert aire["affordability"] == {
        "stream_id": w.dp.id,
        "stream_name": aire["affordability"]["stream_name"],
        "left_pence": 936_000,
        "affordable": False,
        "over_pence": 260_000,
    }
    assert kirk["annual_pence"] == 780_000 and kirk["affordability"]["affordable"] is True
    assert kirk["cheapest"] is True and aire["cheapest"] is False
    assert pa["price_pence"] is None and pa["affordability"] is None
    assert pa["rating"] == "Not regulated (personal assistant)"
    assert all(c["is_open"] and c["expires_at"] for c in body["comparison"]["columns"])
    quoted = body["quotes"][0]
    assert quoted["breakdown"] == OFFER["breakdown"] and quoted["late_cancel_percent"] == 100
    assert quoted["actions"] == ["counter", "accept", "decline", "withdraw"]


@pytest.mark.parametrize(("who", "mine"), [("aire", "aire"), ("kirk", "kirk"), ("pa", "pa")])
def test_a_provider_sees_only_their_own_quote_never_anothers(app, api_as, w, asked, who, mine):
    _offered(api_as, w, asked)
    act(api_as(w.aire_staff), asked.aire, "offer", {**OFFER, "unit_price_pence": 2377})
    client = api_as(w.people[who])
    listed = client.get("/api/v1/quote-requests")
    body = _check(listed, "/api/v1/quote-requests", "get")
    [request] = body["requests"]
    assert [q["id"] for q in request["quotes"]] == [getattr(asked, mine)]
    assert request["holder_name"] == "Ada Holder" and "holder_id" not in request
    assert "comparison" not in request and "accepted_quote_id" not in request
    path = f"/api/v1/quote-requests/{asked.id}"
    one = client.get(path)
    assert [q["id"] for q in _check(one, path, "get")["quotes"]] == [getattr(asked, mine)]
    theirs = {"aire": ("Aire Valley", "2377"), "kirk": ("Kirkstall", "1500"), "pa": ("Joanne",)}
    for other, words in theirs.items():
        if other == who:
            continue
        for text in (listed.get_data(as_text=True), one.get_data(as_text=True)):
            assert not any(word in text for word in words), (other, text)
    for other in ("aire", "kirk", "pa"):
        if other != mine:
            path = f"/api/v1/quotes/{getattr(asked, other)}"
            assert _check(client.get(path), path, "get")["error"]["code"] == "not_found"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_see_no_request_and_no_quote(app, api_as, w, asked, who):
    client = api_as(w.people[who])
    assert client.get("/api/v1/quote-requests").get_json() == {"requests": []}
    for path in (
        f"/api/v1/quote-requests/{asked.id}",
        *(f"/api/v1/quotes/{i}" for i in (asked.aire, asked.kirk, asked.pa)),
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        _check(response, path, "get")
    assert client.get(f"/api/v1/quote-requests?holder_id={w.holder.id}").status_code == 404


def test_a_request_that_does_not_exist_is_404(api_as, w):
    for who in ("broker", "aire"):
        response = api_as(w.people[who]).get("/api/v1/quote-requests/999999")
        assert _check(response, "/api/v1/quote-requests/1", "get")["error"]["code"] == "not_found"
    assert api_as(w.broker).get("/api/v1/quotes/999999").status_code == 404


# --- one quote ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "side"), [*((who, "requester") for who in HOLDER_SIDE), ("aire", "provider")]
)
def test_both_sides_read_a_quote_with_its_history(app, api_as, w, asked, who, side):
    act(api_as(w.aire_staff), asked.aire, "offer", OFFER)
    act(api_as(w.broker), asked.aire, "counter", {"counter_price_pence": 2000, "note": "£20?"})
    path = f"/api/v1/quotes/{asked.aire}"
    body = _check(api_as(w.people[who]).get(path), path, "get")
    assert body["side"] == side and body["status"] == "countered"
    assert body["status_label"] == (
        "Counter-offer to answer" if side == "provider" else "Counter-offer sent"
    )
    assert body["request"]["id"] == asked.id and body["request"]["holder_name"] == "Ada Holder"
    assert [(e["from"], e["to"], e["actor"], e["price_pence"]) for e in body["events"]] == [
        (None, "requested", "Bea Broker", None),
        ("requested", "offered", "Alan Aire", 2150),
        ("offered", "countered", "Bea Broker", 2000),
    ]
    assert body["events"][-1]["note"] == "£20?" and body["events"][0]["at"].endswith("Z")
    assert body["counter_price_pence"] == 2000 and body["unit_price_pence"] == 2150
    assert body["actions"] == (
        ["offer", "decline", "withdraw"] if side == "provider" else ["withdraw"]
    )
    assert audit_rows(app, action="read", subject_type="quote", subject_id=asked.aire)


def test_a_pa_is_named_in_the_history_as_their_profile_shows_them(api_as, w, asked):
    act(api_as(w.pa_user), asked.pa, "decline", {"reason": "I am fully booked."})
    path = f"/api/v1/quotes/{asked.pa}"
    body = _check(api_as(w.holder).get(path), path, "get")
    assert body["events"][-1]["actor"] == "Joanne W."
    assert body["closing_reason"] == "I am fully booked." and body["actions"] == []
    assert body["expires_at"] is None


def test_a_quote_past_its_time_is_expired_on_reading(app, api_as, w, asked):
    with app.app_context():
        db.session.execute(update(Quote).where(Quote.id == asked.kirk).values(expires_at=utcnow()))
        db.session.commit()
    path = f"/api/v1/quotes/{asked.kirk}"
    body = _check(api_as(w.kirk_staff).get(path), path, "get")
    assert body["status"] == "expired" and body["expires_at"] is None
    assert body["events"][-1] == {**body["events"][-1], "to": "expired", "actor": None}


# --- the negotiation ----------------------------------------------------------------------------


def test_the_whole_negotiation_through_the_api(app, api_as, w, asked):
    broker, aire, kirk = api_as(w.broker), api_as(w.aire_staff), api_as(w.kirk_staff)
    offered = act(aire, asked.aire, "offer", {**OFFER, "unit_price_pence": 2300})
    assert offered.status_code == 200
    assert offered.get_json()["status"] == "offered"
    assert offered.get_json()["actions"] == ["offer", "withdraw"]
    act(kirk, asked.kirk, "offer", {**OFFER, "unit_price_pence": 2400})
    countered = act(broker, asked.aire, "counter", {"counter_price_pence": 2100, "note": "£21?"})
    assert countered.get_json()["status"] == "countered"
    again = act(aire, asked.aire, "offer", {**OFFER, "unit_price_pence": 2150})
    assert again.get_json()["counter_price_pence"] is None
    declined = act(api_as(w.pa_user), asked.pa, "decline", {"reason": "Fully booked"})
    assert declined.get_json()["status"] == "declined"
    accepted = act(api_as(w.holder), asked.aire, "accept")
    assert accepted.status_code == 200
    body = accepted.get_json()
    assert body["status"] == "accepted" and body["actions"] == [] and body["side"] == "requester"
    assert [e["to"] for e in body["events"]] == [
        "requested",
        "offered",
        "countered",
        "offered",
        "accepted",
    ]
    assert [_status(app, i) for i in (asked.aire, asked.kirk, asked.pa)] == [
        "accepted",
        "not_chosen",
        "declined",
    ]
    with app.app_context():
        line = db.session.get(PlanLine, w.line.id)
        assert (line.unit_price_pence, line.price_agreed, line.offer_id) == (
            2150,
            True,
            w.aire_offer.id,
        )
        kinds = {n.kind for n in db.session.query(Notification).filter_by(user_id=w.kirk_staff.id)}
    assert kinds == {"quote_requested", "quote_not_chosen"}
    path = f"/api/v1/quote-requests/{asked.id}"
    request = _check(broker.get(path), path, "get")
    assert request["accepted_quote_id"] == asked.aire
    assert [c["is_open"] for c in request["comparison"]["columns"]] == [False, False, False]
    plan = broker.get(f"/api/v1/plans/{w.plan.id}").get_json()
    [line_json] = [item for item in plan["lines"] if item["id"] == w.line.id]
    assert line_json["unit_price_pence"] == 2150 and line_json["price_agreed"] is True


def test_the_provider_declining_a_counter_offer_keeps_their_price_to_accept(app, api_as, w, asked):
    broker, aire = api_as(w.broker), api_as(w.aire_staff)
    _offered(api_as, w, asked)
    act(broker, asked.aire, "counter", {"counter_price_pence": 2100, "note": "£21?"})
    before = written(app)
    for body in (None, {"reason": " "}):  # the reason is still required
        refused = act(aire, asked.aire, "decline", body)
        assert refused.status_code == 400
        assert refused.get_json()["error"]["fields"]["reason"] == (
            "Say why you are keeping your price, so they can decide what to do"
        )
    forbidden = act(broker, asked.aire, "decline", {"reason": "Changed our mind"})
    assert forbidden.status_code == 403
    assert written(app) == before
    kept = act(aire, asked.aire, "decline", {"reason": "Our rates are fixed."})
    assert kept.status_code == 200
    body = kept.get_json()
    assert (body["status"], body["unit_price_pence"], body["counter_price_pence"]) == (
        "offered",
        2300,
        None,
    )
    assert body["counter_note"] == "" and body["closing_reason"] == ""
    assert body["actions"] == ["offer", "withdraw"] and body["status_label"] == "Quote sent"
    assert body["events"][-1] == {
        **body["events"][-1],
        "from": "countered",
        "to": "offered",
        "actor": "Alan Aire",
        "price_pence": 2300,
        "note": "Counter-offer of £21.00 an hour declined: Our rates are fixed.",
    }
    # The holder's side may accept the price kept (or counter again, or decline).
    path = f"/api/v1/quotes/{asked.aire}"
    seen = _check(broker.get(path), path, "get")
    assert seen["actions"] == ["counter", "accept", "decline", "withdraw"]
    again = act(aire, asked.aire, "decline", {"reason": "Still fixed."})
    assert again.status_code == 403  # declining an offered quote is the holder's side's
    accepted = act(api_as(w.holder), asked.aire, "accept")
    assert accepted.get_json()["status"] == "accepted"
    with app.app_context():
        line = db.session.get(PlanLine, w.line.id)
        assert (line.unit_price_pence, line.price_agreed) == (2300, True)
        told = {
            n.user_id
            for n in db.session.query(Notification).filter_by(kind="quote_counter_declined")
        }
    assert told == {w.holder.id, w.representative.id, w.broker.id}


def test_the_holders_side_declines_and_either_side_withdraws(app, api_as, w, asked):
    _offered(api_as, w, asked)
    declined = act(api_as(w.representative), asked.aire, "decline")
    assert declined.get_json()["status"] == "declined"
    # The label says which side said no, as each side reads it.
    assert declined.get_json()["status_label"] == "You declined"
    seen = api_as(w.aire_staff).get(f"/api/v1/quotes/{asked.aire}").get_json()
    assert seen["status_label"] == "They declined"
    withdrawn = act(api_as(w.kirk_staff), asked.kirk, "withdraw", {"reason": "No staff now"})
    assert withdrawn.get_json()["closing_reason"] == "No staff now"
    assert withdrawn.get_json()["status_label"] == "You withdrew"
    mine = act(api_as(w.broker), asked.pa, "withdraw", {})
    assert mine.get_json()["status"] == "withdrawn"
    with app.app_context():
        told = {n.user_id for n in db.session.query(Notification).filter_by(kind="quote_withdrawn")}
    assert w.pa_user.id in told and w.holder.id in told


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "action", "body"),
    [
        ("holder", "offer", OFFER),
        ("broker", "offer", OFFER),
        ("aire", "counter", {"counter_price_pence": 2000}),
        ("aire", "accept", None),
        ("kirk", "accept", None),
        ("pa", "accept", None),
    ],
)
def test_the_other_sides_move_is_forbidden_and_nothing_is_written(
    app, api_as, w, asked, who, action, body
):
    if action != "offer":
        _offered(api_as, w, asked)
        act(api_as(w.pa_user), asked.pa, "offer", OFFER)
    quote_id = {"pa": asked.pa, "kirk": asked.kirk}.get(who, asked.aire)
    before = written(app)
    response = act(api_as(w.people[who]), quote_id, action, body)
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "forbidden" and error["message"].startswith("Only the")
    assert written(app) == before


ACCEPTED = [("aire", "aire", "offer", OFFER), ("holder", "aire", "accept", None)]


@pytest.mark.parametrize(
    ("setup", "who", "action", "body", "message"),
    [
        (
            [],
            "broker",
            "accept",
            None,
            "This quote is still requested (no price has been given yet), so it cannot be accepted.",
        ),
        (
            [],
            "broker",
            "counter",
            {"counter_price_pence": 2000},
            "This quote is still requested (no price has been given yet), so it cannot be countered.",
        ),
        (
            [("aire", "aire", "withdraw", {})],
            "broker",
            "accept",
            None,
            "This quote is withdrawn, so it cannot be accepted.",
        ),
        (
            [("aire", "aire", "offer", OFFER), ("broker", "aire", "withdraw", {})],
            "holder",
            "accept",
            None,
            "This quote is withdrawn, so it cannot be accepted.",
        ),
        (
            [("aire", "aire", "decline", {"reason": "Full"})],
            "broker",
            "counter",
            {"counter_price_pence": 2000},
            "This quote is declined, so it cannot be countered.",
        ),
        (
            [("aire", "aire", "offer", OFFER), ("broker", "aire", "decline", {})],
            "broker",
            "counter",
            {"counter_price_pence": 2000},
            "This quote is declined, so it cannot be countered.",
        ),
        (ACCEPTED, "representative", "accept", None, "This quote is accepted already."),
        (ACCEPTED, "aire", "offer", OFFER, "This quote is accepted, so it cannot be offered."),
        (ACCEPTED, "aire", "withdraw", {}, "This quote is accepted, so it cannot be withdrawn."),
        (
            ACCEPTED,
            "broker",
            "decline",
            {},
            "This quote is accepted, so it cannot be declined.",
        ),
        (
            [("kirk", "kirk", "offer", OFFER), ("holder", "kirk", "accept", None)],
            "aire",
            "offer",
            OFFER,
            "This quote is not chosen, so it cannot be offered.",
        ),
    ],
)
def test_a_move_not_allowed_from_the_state_is_409_naming_both_states(
    app, api_as, w, asked, setup, who, action, body, message
):
    for actor, quote, step, step_body in setup:
        response = act(api_as(w.people[actor]), getattr(asked, quote), step, step_body)
        assert response.status_code == 200, response.get_json()
    before = written(app)
    response = act(api_as(w.people[who]), asked.aire, action, body)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["message"] == message and error["code"] == "invalid_transition"
    assert written(app) == before


def test_accepting_an_expired_quote_is_409_naming_both_states(app, api_as, w, asked):
    _offered(api_as, w, asked)
    with app.app_context():
        db.session.execute(
            update(Quote)
            .where(Quote.id == asked.aire)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    response = act(api_as(w.broker), asked.aire, "accept")
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == (
        "This quote is expired, so it cannot be accepted."
    )
    assert _status(app, asked.aire) == "expired"
    with app.app_context():
        assert db.session.get(PlanLine, w.line.id).price_agreed is False
        assert db.session.get(QuoteRequest, asked.id).accepted_quote_id is None


def test_a_bad_body_on_a_closed_quote_still_answers_with_its_state(api_as, w, asked):
    act(api_as(w.aire_staff), asked.aire, "decline", {"reason": "Full"})
    response = act(api_as(w.broker), asked.aire, "counter", {"counter_price_pence": "lots"})
    assert response.status_code == 409


@pytest.mark.parametrize("who", [*OUTSIDERS, "kirk", "pa"])
def test_answering_someone_elses_request_is_404_and_nothing_is_written(app, api_as, w, asked, who):
    act(api_as(w.aire_staff), asked.aire, "offer", OFFER)
    before = written(app)
    client = api_as(w.people[who])
    for action, body in (
        ("offer", OFFER),
        ("counter", {"counter_price_pence": 2000}),
        ("accept", None),
        ("decline", {"reason": "No"}),
        ("withdraw", {}),
        ("messages", {"body": "Hello"}),
    ):
        response = act(client, asked.aire, action, body)
        assert response.status_code == 404, action
        assert response.get_json()["error"]["code"] == "not_found"
    assert act(client, 999_999, "offer", OFFER).status_code == 404
    assert written(app) == before
    assert _status(app, asked.aire) == "offered"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"unit_price_pence": -100}, "unit_price_pence", "must be more than £0"),
        ({"unit_price_pence": 0}, "unit_price_pence", "must be more than £0"),
        ({"unit_price_pence": 10_001}, "unit_price_pence", "£100.00 an hour or less"),
        ({"unit_price_pence": 10**12}, "unit_price_pence", "not the total"),
        ({"unit_price_pence": "2150"}, "unit_price_pence", "whole number of pence, like 2150"),
        ({"unit_price_pence": 21.5}, "unit_price_pence", "whole number of pence"),
        ({"unit_price_pence": True}, "unit_price_pence", "whole number of pence"),
        ({"unit_price_pence": None}, "unit_price_pence", "This field is required"),
        ({"unit_price_pence": ...}, "unit_price_pence", "This field is required"),
        (
            {
                "breakdown": {
                    "direct_percent": 70,
                    "coordination_percent": 10,
                    "overheads_percent": 10,
                }
            },
            "breakdown",
            "must add up to 100% (they add up to 90%)",
        ),
        (
            {
                "breakdown": {
                    "direct_percent": 90,
                    "coordination_percent": 10.5,
                    "overheads_percent": 0,
                }
            },
            "breakdown",
            "they add up to 100.5%",
        ),
        ({"breakdown": "77/13.5/9.5"}, "breakdown", "Send an object with direct_percent"),
        ({"breakdown": [77, 13.5, 9.5]}, "breakdown", "Send an object"),
        ({"breakdown": ...}, "breakdown", "This field is required"),
        (
            {"breakdown": {**OFFER["breakdown"], "direct_percent": "77"}},
            "breakdown.direct_percent",
            "Enter a percentage as a number",
        ),
        (
            {"breakdown": {**OFFER["breakdown"], "overheads_percent": True}},
            "breakdown.overheads_percent",
            "Enter a percentage as a number",
        ),
        (
            {"breakdown": {**OFFER["breakdown"], "direct_percent": -77}},
            "breakdown.direct_percent",
            "from 0 to 100",
        ),
        (
            {"breakdown": {**OFFER["breakdown"], "direct_percent": 177}},
            "breakdown.direct_percent",
            "from 0 to 100",
        ),
        (
            {"breakdown": {**OFFER["breakdown"], "direct_percent": 76.995}},
            "breakdown.direct_percent",
            "at most two decimal places",
        ),
        (
            {"breakdown": {"direct_percent": 77, "coordination_percent": 23}},
            "breakdown.overheads_percent",
            "This field is required",
        ),
        (
            {"breakdown": {**OFFER["breakdown"], "profit_percent": 0}},
            "breakdown.profit_percent",
            "This field is not recognised",
        ),
        ({"start_on": YESTERDAY}, "start_on", "today or in the future"),
        ({"start_on": "soon"}, "start_on", "Enter a date as YYYY-MM-DD"),
        ({"start_on": ...}, "start_on", "This field is required"),
        ({"notice_hours": -1}, "notice_hours", "in hours from 0 to 2160"),
        ({"notice_hours": 10**9}, "notice_hours", "in hours from 0 to 2160"),
        ({"notice_hours": "48"}, "notice_hours", "whole hours"),
        ({"notice_hours": 1.5}, "notice_hours", "whole hours"),
        ({"notice_hours": ...}, "notice_hours", "This field is required"),
        ({"late_cancel_percent": "100"}, "late_cancel_percent", "Enter a percentage"),
        ({"late_cancel_percent": False}, "late_cancel_percent", "Enter a percentage"),
        ({"late_cancel_percent": 150}, "late_cancel_percent", "from 0 to 100"),
        ({"late_cancel_percent": 12.345}, "late_cancel_percent", "two decimal places"),
        ({"late_cancel_percent": ...}, "late_cancel_percent", "This field is required"),
        ({"note": "x" * 1001}, "note", "1,000 characters or fewer"),
        ({"note": 5}, "note", "Enter text"),
        ({"price": 2150}, "price", "This field is not recognised"),
    ],
)
def test_each_bad_offer_is_refused_naming_the_field_and_nothing_is_written(
    app, api_as, w, asked, change, field, words
):
    body = {name: value for name, value in {**OFFER, **change}.items() if value is not ...}
    before = written(app)
    response = act(api_as(w.aire_staff), asked.aire, "offer", body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert words in error["fields"][field], error
    assert "late_cancel_bp" not in error["fields"]
    assert written(app) == before
    assert _status(app, asked.aire) == "requested"


def test_a_number_that_is_not_finite_is_refused(app, api_as, w, asked):
    client = api_as(w.aire_staff)
    before = written(app)
    for text in ("NaN", "Infinity", "-Infinity"):
        shares = {"direct_percent": 1, "coordination_percent": 0, "overheads_percent": 0}
        raw = json.dumps({**OFFER, "breakdown": shares}).replace(
            '"direct_percent": 1', f'"direct_percent": {text}'
        )
        path = f"/api/v1/quotes/{asked.aire}/offer"
        response = client.post(path, data=raw, content_type="application/json")
        assert response.status_code == 400, text
        assert (
            "Enter a percentage"
            in response.get_json()["error"]["fields"]["breakdown.direct_percent"]
        )
    assert written(app) == before


def test_shares_with_two_decimals_are_kept_exactly(app, api_as, w, asked):
    breakdown = {"direct_percent": 33.33, "coordination_percent": 33.33, "overheads_percent": 33.34}
    body = act(
        api_as(w.aire_staff),
        asked.aire,
        "offer",
        {**OFFER, "breakdown": breakdown, "late_cancel_percent": 0.01},
    ).get_json()
    assert body["breakdown"] == breakdown and body["late_cancel_percent"] == 0.01
    with app.app_context():
        quote = db.session.get(Quote, asked.aire)
        assert (quote.direct_bp, quote.coordination_bp, quote.overheads_bp) == (3333, 3333, 3334)
        assert quote.late_cancel_bp == 1


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"counter_price_pence": -1}, "counter_price_pence", "must be more than £0"),
        ({"counter_price_pence": 0}, "counter_price_pence", "must be more than £0"),
        ({"counter_price_pence": 2300}, "counter_price_pence", "lower than the price quoted"),
        ({"counter_price_pence": 2400}, "counter_price_pence", "lower than the price quoted"),
        ({"counter_price_pence": 10**12}, "counter_price_pence", "or less"),
        ({"counter_price_pence": "2000"}, "counter_price_pence", "whole number of pence"),
        ({"counter_price_pence": 20.5}, "counter_price_pence", "whole number of pence"),
        ({"counter_price_pence": False}, "counter_price_pence", "whole number of pence"),
        ({}, "counter_price_pence", "This field is required"),
        ({"counter_price_pence": 2000, "note": "x" * 1001}, "note", "1,000 characters"),
        ({"counter_price_pence": 2000, "price": 1}, "price", "not recognised"),
    ],
)
def test_each_bad_counter_offer_is_refused_and_nothing_is_written(
    app, api_as, w, asked, body, field, words
):
    act(api_as(w.aire_staff), asked.aire, "offer", {**OFFER, "unit_price_pence": 2300})
    before = written(app)
    response = act(api_as(w.broker), asked.aire, "counter", body)
    assert response.status_code == 400
    assert words in response.get_json()["error"]["fields"][field]
    assert written(app) == before
    assert _status(app, asked.aire) == "offered"


def test_a_provider_declining_must_say_why(app, api_as, w, asked):
    client = api_as(w.kirk_staff)
    before = written(app)
    for body in (None, {}, {"reason": "   "}):
        response = act(client, asked.kirk, "decline", body)
        assert response.status_code == 400
        assert "Say why you are declining" in response.get_json()["error"]["fields"]["reason"]
    refused = act(client, asked.kirk, "decline", {"reason": 12})
    assert "Enter text" in refused.get_json()["error"]["fields"]["reason"]
    refused = act(client, asked.kirk, "withdraw", {"reason": "x" * 1001})
    assert "1,000 characters" in refused.get_json()["error"]["fields"]["reason"]
    refused = act(client, asked.kirk, "withdraw", {"why": "x"})
    assert refused.get_json()["error"]["fields"]["why"] == "This field is not recognised"
    assert written(app) == before
    assert _status(app, asked.kirk) == "requested"


def test_accept_takes_no_fields(app, api_as, w, asked):
    _offered(api_as, w, asked)
    before = written(app)
    refused = act(api_as(w.broker), asked.aire, "accept", {"price": 1})
    assert refused.status_code == 400
    assert written(app) == before
    assert act(api_as(w.broker), asked.aire, "accept", {}).status_code == 200


def test_without_a_token_every_quote_endpoint_answers_401(client, w, asked):
    assert client.get("/api/v1/quote-requests").status_code == 401
    assert client.post("/api/v1/quote-requests", json=request_body(w)).status_code == 401
    assert client.get(f"/api/v1/quote-requests/{asked.id}").status_code == 401
    assert client.get(f"/api/v1/quotes/{asked.aire}").status_code == 401
    for action in ("offer", "counter", "accept", "decline", "withdraw", "messages"):
        assert client.post(f"/api/v1/quotes/{asked.aire}/{action}", json={}).status_code == 401
