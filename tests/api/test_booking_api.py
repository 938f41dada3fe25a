"""Bookings over the API: booking an accepted quote or a fixed-price offer, listing and reading
bookings and their sessions, every session move, amending and cancelling, and a budget's ledger
and forecast, by every role. Each answer matches its published schema; someone else's booking,
session, quote, holder or budget is 404; the other side's move is 403; a move the state does not
allow is 409 naming both states; a stream that cannot afford it is 409 insufficient_budget; bad
input is 400 naming the field. Whenever anything is refused, nothing is written."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from marketplace.api.booking_schemas import SESSION_ACTION_NAMES
from marketplace.bookings import ledger
from marketplace.bookings.models import Booking, BookingSession, LedgerEntry
from marketplace.budgets.models import Budget, BudgetStream
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.quotes import answers
from marketplace.quotes.requests import create_request
from tests.api.conftest import audit_rows, count
from tests.api.test_openapi import _check
from tests.bookings.world import make_booking_world
from tests.factories import make_budget, make_offer
from tests.quotes.world import everyone, request_input, terms

SESSION_PRICE = 4300  # 2 hours at £21.50
START = date.today() + timedelta(days=21)
TODAY = date.today().isoformat()
TOMORROW = (date.today() + timedelta(days=1)).isoformat()
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()
HOLDER_SIDE = ("holder", "representative", "broker")
# People with no part in the world's booking.
OUTSIDERS = ("other holder", "stranger broker", "officer", "kirk", "other provider", "pa", "admin")


@pytest.fixture
def w(app: Any) -> SimpleNamespace:
    """The booking world (Aire's quote of £21.50 an hour accepted for the direct payment), with
    the holder's council officer and people of every role who have no part in it."""
    with app.app_context():
        world = make_booking_world()
        world.people = everyone(world)
        return world


def book_body(w: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    """Aire's accepted quote, 2 hours each Monday, Wednesday and Friday at 9am from three weeks
    today for six weeks: 18 sessions of £43.00. ``...`` leaves a field out."""
    body: dict[str, Any] = {
        "quote_id": w.quote.id,
        "kind": "weekly",
        "days": ["mon", "wed", "fri"],
        "start_time": "09:00",
        "start_on": START.isoformat(),
        "end_on": (START + timedelta(days=41)).isoformat(),
        "quantity_hundredths": 200,
    }
    body.update(changes)
    return {name: value for name, value in body.items() if value is not ...}


TODAY_ONE_OFF = {"kind": "one_off", "days": ..., "end_on": ..., "start_on": TODAY}


def offer_body(w: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    """Kirkstall's service (£24 an hour) once, for the holder, from the direct payment."""
    offer = {
        "quote_id": ...,
        "offer_id": w.kirk_offer.id,
        "holder_id": w.holder.id,
        "stream_id": w.dp.id,
        "kind": "one_off",
        "days": ...,
    }
    return book_body(w, **{**offer, **changes})


def call(client: Any, method: str, path: str, body: Any = None) -> Any:
    """The request, its answer checked against the published schema."""
    kwargs = {} if body is None else {"json": body}
    response = getattr(client, method)(path, **kwargs)
    _check(response, path, method)
    return response


def book(client: Any, body: dict[str, Any]) -> Any:
    return call(client, "post", "/api/v1/bookings", body)


def booked(api_as: Any, w: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    """The broker books (book_body with ``changes``); the booking as answered."""
    response = book(api_as(w.broker), book_body(w, **changes))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def today_booking(api_as: Any, w: SimpleNamespace) -> dict[str, Any]:
    """A one-off session today at midnight: it has happened, so it can be delivered."""
    return booked(api_as, w, **TODAY_ONE_OFF, start_time="00:00")


def today_session(api_as: Any, w: SimpleNamespace) -> int:
    return sessions_of(api_as(w.broker), today_booking(api_as, w)["id"])[0]["id"]


def sessions_of(client: Any, booking_id: int) -> list[dict[str, Any]]:
    path = f"/api/v1/bookings/{booking_id}/sessions"
    response = call(client, "get", path)
    assert response.status_code == 200
    return response.get_json()["sessions"]


def move(client: Any, session_id: int, action: str, body: Any = None) -> Any:
    return call(client, "post", f"/api/v1/sessions/{session_id}/{action}", body)


def written(app: Any, w: SimpleNamespace) -> tuple[int, ...]:
    """Everything booking writes: rows counted, and the stream's committed and spent."""
    with app.app_context():
        stream = db.session.get(BudgetStream, w.dp.id)
        balances = (stream.committed_pence, stream.spent_pence)
    rows = (count(app, model) for model in (Booking, BookingSession, LedgerEntry, Notification))
    return (*rows, *balances)


def balances(app: Any, w: SimpleNamespace) -> tuple[int, int]:
    return written(app, w)[-2:]


def session_status(app: Any, session_id: int) -> str:
    with app.app_context():
        return db.session.get(BookingSession, session_id).status


def afford_only(app: Any, w: SimpleNamespace, pence: int) -> None:
    """The direct payment now holds ``pence`` for the year (the budget's total with it)."""
    with app.app_context():
        budget = db.session.get(Budget, w.budget.id)
        dp = db.session.get(BudgetStream, w.dp.id)
        budget.total_pence += pence - dp.total_pence
        dp.total_pence = pence
        db.session.commit()


# --- booking ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", HOLDER_SIDE)
def test_the_holders_side_books_an_accepted_quote_committing_every_session(app, api_as, w, who):
    response = book(api_as(w.people[who]), book_body(w))
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/bookings/{body['id']}")
    assert body["links"]["self"] == f"/api/v1/bookings/{body['id']}"
    assert body["links"]["page"] == f"/bookings/{body['id']}"
    assert (body["holder_id"], body["stream_id"], body["line_id"], body["quote_id"]) == (
        w.holder.id,
        w.dp.id,
        w.line.id,
        w.quote.id,
    )
    assert body["offer_id"] == w.aire_offer.id and body["organisation_id"] == w.aire.id
    assert body["provider_name"] == "Aire Valley Home Care" and body["side"] == "requester"
    assert (body["kind"], body["unit"], body["unit_price_pence"]) == ("weekly", "hours", 2150)
    assert (body["quantity_hundredths"], body["quantity"]) == (200, "2")
    assert body["days"] == ["mon", "wed", "fri"] and body["start_time"] == "09:00"
    assert body["start_on"] >= START.isoformat() and body["end_on"] == book_body(w)["end_on"]
    assert (body["notice_hours"], body["late_cancel_percent"]) == (48, 100)  # the quote's terms
    assert (body["status"], body["actions"]) == ("active", ["amend", "cancel"])
    assert (body["session_count"], body["sessions_left"]) == (18, 18)
    assert (body["committed_pence"], body["spent_pence"]) == (18 * SESSION_PRICE, 0)
    assert balances(app, w) == (18 * SESSION_PRICE, 0)
    with app.app_context():
        told = db.session.query(Notification).filter_by(kind="booking_made").all()
        assert [n.user_id for n in told] == [w.aire_staff.id]
        assert ledger.check(db.session)[1] == []


def test_a_fixed_price_offer_is_booked_for_a_holder(app, api_as, w):
    response = book(api_as(w.representative), offer_body(w, end_on=..., quantity_hundredths=150))
    assert response.status_code == 201
    body = response.get_json()
    assert (body["offer_id"], body["quote_id"], body["provider_name"]) == (
        w.kirk_offer.id,
        None,
        "Kirkstall Care",
    )
    assert (body["kind"], body["quantity"], body["session_count"]) == ("one_off", "1.5", 1)
    assert body["committed_pence"] == 3600  # 1.5 hours at £24.00
    assert body["end_on"] == body["start_on"] == body["last_session_on"]
    assert balances(app, w) == (3600, 0)


def test_a_pas_fixed_price_service_is_booked_with_the_pa_who_delivers_it(app, api_as, w):
    with app.app_context():
        sits = make_offer(pa_profile=w.pa, title="Evening sits", price_pence=1650)
        no_dp = make_offer(w.kirk, title="Council-paid lunches", pay_dp=False)
    before = written(app, w)
    refused = book(api_as(w.broker), offer_body(w, offer_id=no_dp.id))
    assert refused.status_code == 400
    assert "does not take payment from" in refused.get_json()["error"]["fields"]["stream_id"]
    assert written(app, w) == before
    response = book(api_as(w.broker), offer_body(w, offer_id=sits.id, **TODAY_ONE_OFF))
    body = response.get_json()
    assert (body["pa_profile_id"], body["organisation_id"]) == (w.pa.id, None)
    [item] = sessions_of(api_as(w.pa_user), body["id"])
    assert move(api_as(w.pa_user), item["id"], "deliver").get_json()["status"] == "delivered"


def test_a_holder_booking_an_offer_may_leave_out_whom_it_is_for(api_as, w):
    body = offer_body(w, holder_id=...)
    response = book(api_as(w.holder), body)
    assert response.status_code == 201 and response.get_json()["holder_id"] == w.holder.id
    refused = book(api_as(w.broker), body)
    assert refused.status_code == 400
    assert "the id of the person" in refused.get_json()["error"]["fields"]["holder_id"]


PLAN_YEAR_END = date.today() - timedelta(days=30) + timedelta(days=364)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"start_on": 5}, "start_on", "Enter a date as YYYY-MM-DD"),
        ({"start_on": "tomorrow"}, "start_on", "Enter a date as YYYY-MM-DD"),
        ({"start_on": ...}, "start_on", "This field is required"),
        ({"start_on": YESTERDAY}, "start_on", "today or in the future"),
        (
            {"start_on": (PLAN_YEAR_END + timedelta(days=3)).isoformat(), "end_on": ...},
            "start_on",
            "must be in the budget's plan year",
        ),
        ({"end_on": (START - timedelta(days=1)).isoformat()}, "end_on", "same as or after"),
        ({"end_on": 20260101}, "end_on", "Enter a date as YYYY-MM-DD"),
        ({"days": "mon"}, "days", "Send a list of: mon, tue"),
        ({"days": ["funday"]}, "days", "Send a list of: mon, tue"),
        ({"days": []}, "days", "Choose the days of the week"),
        ({"days": ...}, "days", "Choose the days of the week"),
        ({"days": ["mon", "mon"]}, "days", "Choose the days of the week"),
        ({"quantity_hundredths": -1}, "quantity_hundredths", "Enter more than 0"),
        ({"quantity_hundredths": 0}, "quantity_hundredths", "Enter more than 0"),
        ({"quantity_hundredths": 1.5}, "quantity_hundredths", "150 for 1.5 hours"),
        ({"quantity_hundredths": "200"}, "quantity_hundredths", "150 for 1.5 hours"),
        ({"quantity_hundredths": True}, "quantity_hundredths", "150 for 1.5 hours"),
        ({"quantity_hundredths": ...}, "quantity_hundredths", "This field is required"),
        ({"quantity_hundredths": 2500}, "quantity_hundredths", "24 hours or fewer"),
        ({"quantity_hundredths": 10**15}, "quantity_hundredths", "24 hours or fewer"),
        ({"start_time": "25:00"}, "start_time", "HH:MM, 24-hour"),
        ({"start_time": "09:60"}, "start_time", "HH:MM, 24-hour"),
        ({"start_time": "9:30"}, "start_time", "HH:MM, 24-hour"),
        ({"start_time": 930}, "start_time", "HH:MM, 24-hour"),
        ({"kind": "monthly"}, "kind", "Choose one of: one_off, weekly"),
        ({"kind": ...}, "kind", "This field is required"),
        ({"stream_id": 999_999}, "stream_id", "Choose which of the person's budget streams"),
        ({"stream_id": "dp"}, "stream_id", "Enter a whole number"),
        ({"line_id": 0}, "line_id", "Enter a whole number from 1"),
        ({"quote_id": "7"}, "quote_id", "Enter a whole number"),
        ({"quote_id": ...}, "quote_id", "send quote_id (an accepted quote)"),
        ({"offer_id": 1}, "offer_id", "Send quote_id or offer_id, not both"),
        ({"holder_id": 1}, "holder_id", "Leave holder_id out when booking a quote"),
        ({"colour": "blue"}, "colour", "This field is not recognised"),
    ],
)
def test_each_bad_field_is_refused_naming_it_and_nothing_is_written(
    app, api_as, w, change, field, words
):
    before = written(app, w)
    response = book(api_as(w.broker), book_body(w, **change))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert words in error["fields"][field], error
    assert written(app, w) == before


def test_every_wrong_field_is_named_at_once(app, api_as, w):
    before = written(app, w)
    response = book(
        api_as(w.broker),
        {"quote_id": w.quote.id, "start_on": 5, "days": "mon", "quantity_hundredths": -1},
    )
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"start_on", "days", "quantity_hundredths", "kind"}
    assert written(app, w) == before


def test_a_body_that_is_not_a_json_object_is_refused(app, api_as, w):
    client = api_as(w.broker)
    before = written(app, w)
    response = client.post("/api/v1/bookings", data="quote_id=1", content_type="text/plain")
    body = _check(response, "/api/v1/bookings", "post")
    assert "Send a JSON object" in body["error"]["fields"]["body"]
    assert book(client, [book_body(w)]).status_code == 400
    assert written(app, w) == before


@pytest.mark.parametrize("who", [*OUTSIDERS, "aire"])
def test_someone_elses_quote_is_not_found_whatever_its_state(app, api_as, w, who):
    before = written(app, w)
    client = api_as(w.people[who])
    for quote_id in (w.quote.id, w.kirk_quote.id, 999_999):  # accepted, not chosen, none
        response = book(client, book_body(w, quote_id=quote_id))
        assert response.status_code == 404, quote_id
        assert response.get_json()["error"]["code"] == "not_found"
    assert written(app, w) == before


def test_an_offer_for_someone_elses_holder_or_on_their_stream_is_refused(app, api_as, w):
    with app.app_context():
        theirs = make_budget(w.other_holder, w.council).streams[0].id
    before = written(app, w)
    response = book(api_as(w.broker), offer_body(w, holder_id=w.other_holder.id))
    assert response.status_code == 404
    response = book(api_as(w.broker), offer_body(w, stream_id=theirs))
    assert response.status_code == 400
    assert "budget streams" in response.get_json()["error"]["fields"]["stream_id"]
    assert written(app, w) == before


def test_a_quote_not_accepted_or_booked_already_is_409(app, api_as, w):
    client = api_as(w.broker)
    before = written(app, w)
    refused = book(client, book_body(w, quote_id=w.kirk_quote.id))
    assert refused.status_code == 409
    assert refused.get_json()["error"] == {
        "code": "conflict",
        "message": "This quote is not chosen, so it cannot be booked: only an accepted quote "
        "can be.",
    }
    assert written(app, w) == before
    book(client, book_body(w))
    once = written(app, w)
    again = book(api_as(w.holder), book_body(w))
    assert again.status_code == 409 and "booked already" in again.get_json()["error"]["message"]
    assert written(app, w) == once


def test_a_booking_the_stream_cannot_afford_is_409_saying_by_how_much(app, api_as, w):
    afford_only(app, w, 17 * SESSION_PRICE + 500)
    before = written(app, w)
    response = book(api_as(w.broker), book_body(w))
    assert response.status_code == 409
    assert response.get_json()["error"] == {
        "code": "insufficient_budget",
        "message": "This would exceed the direct payment by £38.00 (£736.00 is left for the "
        "plan year).",
    }
    assert written(app, w) == before and before[:3] == (0, 0, 0)
    shorter = book(api_as(w.broker), book_body(w, days=["mon", "wed"]))  # 12 sessions fit
    assert shorter.status_code == 201


# --- listing and reading ------------------------------------------------------------------------


@pytest.fixture
def pa_booking(app: Any, api_as: Any, w: SimpleNamespace) -> dict[str, Any]:
    """The PA's accepted quote for the holder (no plan line, so the booking names the stream),
    booked by the broker: one session today at £16.50 an hour."""
    with app.app_context():
        asked = create_request(
            db.session,
            w.broker,
            request_input(
                w,
                offer_ids=[],
                pa_profile_ids=[w.pa.id],
                line_id=None,
                stream_id=None,
                days=["mon", "tue"],  # when she is free
            ),
        )
        [quote] = asked.quotes
        answers.offer_quote(db.session, w.pa_user, quote.id, terms(unit_price_pence=1650))
        answers.accept_quote(db.session, w.broker, quote.id)
    return booked(
        api_as, w, quote_id=quote.id, stream_id=w.dp.id, **TODAY_ONE_OFF, start_time="00:00"
    )


@pytest.mark.parametrize("who", [*HOLDER_SIDE, "aire", "pa"])
def test_each_side_lists_its_own_bookings(app, api_as, w, pa_booking, who):
    aires = booked(api_as, w)
    client = api_as(w.people[who])
    body = _check(client.get("/api/v1/bookings"), "/api/v1/bookings", "get")
    expected = {"aire": [aires["id"]], "pa": [pa_booking["id"]]}.get(
        who,
        [aires["id"], pa_booking["id"]],  # newest first
    )
    assert [b["id"] for b in body["bookings"]] == expected
    assert (body["total"], body["page"], body["per_page"]) == (len(expected), 1, 50)
    side = "provider" if who in ("aire", "pa") else "requester"
    assert {b["side"] for b in body["bookings"]} == {side}
    assert body["bookings"][-1]["actions"] == (
        ["cancel"] if side == "provider" else ["amend", "cancel"]
    )
    listed = audit_rows(app, action="read", subject_type="booking", actor_id=w.people[who].id)
    assert sorted(row.subject_id for row in listed) == sorted(expected)
    assert {row.via for row in listed} == {"api"}


def test_the_list_pages_and_filters_by_holder(app, api_as, w, pa_booking):
    aires = booked(api_as, w)
    client = api_as(w.broker)
    first = _check(client.get("/api/v1/bookings?per_page=1"), "/api/v1/bookings", "get")
    assert [b["id"] for b in first["bookings"]] == [aires["id"]]
    second = _check(client.get("/api/v1/bookings?per_page=1&page=2"), "/api/v1/bookings", "get")
    assert [b["id"] for b in second["bookings"]] == [pa_booking["id"]] and second["total"] == 2
    mine = client.get(f"/api/v1/bookings?holder_id={w.holder.id}")
    assert _check(mine, "/api/v1/bookings", "get")["total"] == 2
    theirs = client.get(f"/api/v1/bookings?holder_id={w.other_holder.id}")
    assert _check(theirs, "/api/v1/bookings", "get")["error"]["code"] == "not_found"
    for query in ("per_page=0", "per_page=101", "page=x", "holder_id=me"):
        response = client.get(f"/api/v1/bookings?{query}")
        assert _check(response, "/api/v1/bookings", "get")["error"]["code"] == "invalid_request"
    past = client.get("/api/v1/bookings?page=3")
    assert _check(past, "/api/v1/bookings", "get")["error"]["code"] == "not_found"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_see_no_booking_session_ledger_or_forecast(app, api_as, w, who):
    made = booked(api_as, w)
    [first, *_] = sessions_of(api_as(w.broker), made["id"])
    client = api_as(w.people[who])
    before = written(app, w)
    listed = _check(client.get("/api/v1/bookings"), "/api/v1/bookings", "get")
    assert listed["bookings"] == [] and listed["total"] == 0
    paths = [
        ("get", f"/api/v1/bookings/{made['id']}", None),
        ("get", f"/api/v1/bookings/{made['id']}/sessions", None),
        ("post", f"/api/v1/bookings/{made['id']}/amend", {"quantity_hundredths": 100}),
        ("post", f"/api/v1/bookings/{made['id']}/cancel", {}),
        *(("post", f"/api/v1/sessions/{first['id']}/{a}", {}) for a in SESSION_ACTION_NAMES),
    ]
    if who != "officer":  # the council's officer reads the budget, so its ledger and forecast
        paths += [
            ("get", f"/api/v1/budgets/{w.budget.id}/ledger", None),
            ("get", f"/api/v1/budgets/{w.budget.id}/forecast", None),
        ]
    for method, path, body in paths:
        response = call(client, method, path, body)
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "not_found"
    assert written(app, w) == before
    assert not audit_rows(app, actor_id=w.people[who].id, action="read")


def test_what_does_not_exist_is_404(api_as, w):
    client = api_as(w.broker)
    for method, path in (
        ("get", "/api/v1/bookings/999999"),
        ("get", "/api/v1/bookings/999999/sessions"),
        ("post", "/api/v1/bookings/999999/cancel"),
        ("post", "/api/v1/sessions/999999/deliver"),
        ("get", "/api/v1/budgets/999999/ledger"),
        ("get", "/api/v1/budgets/999999/forecast"),
    ):
        assert call(client, method, path).status_code == 404, path


@pytest.mark.parametrize(
    ("who", "side"), [*((w, "requester") for w in HOLDER_SIDE), ("aire", "provider")]
)
def test_both_sides_read_a_booking_and_its_sessions(app, api_as, w, who, side):
    made = booked(api_as, w)
    client = api_as(w.people[who])
    path = f"/api/v1/bookings/{made['id']}"
    body = _check(client.get(path), path, "get")
    assert body["side"] == side and body["holder_name"] == "Ada Holder"
    assert body["actions"] == (["cancel"] if side == "provider" else ["amend", "cancel"])
    found = sessions_of(client, made["id"])
    assert len(found) == 18 and [s["day"] for s in found] == sorted(s["day"] for s in found)
    first = found[0]
    assert (first["status"], first["status_label"]) == ("scheduled", "Scheduled")
    assert (first["price_pence"], first["charge_pence"], first["quantity_hundredths"]) == (
        SESSION_PRICE,
        0,
        200,
    )
    assert first["delivered_at"] is None and first["settled_at"] is None
    assert first["actions"] == ["cancel"]  # weeks away: nothing has happened yet
    reads = audit_rows(app, action="read", subject_type="booking", subject_id=made["id"])
    assert [(r.actor_id, r.via) for r in reads] == [(w.people[who].id, "api")] * 2


# --- sessions -----------------------------------------------------------------------------------


def test_the_whole_journey_book_deliver_confirm_ledger_forecast(app, api_as, w):
    broker, aire, holder = api_as(w.broker), api_as(w.aire_staff), api_as(w.holder)
    made = today_booking(api_as, w)
    [item] = sessions_of(broker, made["id"])
    assert item["actions"] == ["missed"]  # the holder's side: delivery is the provider's to say
    assert sessions_of(aire, made["id"])[0]["actions"] == ["deliver", "missed"]
    delivered = move(aire, item["id"], "deliver")
    assert delivered.status_code == 200
    body = delivered.get_json()
    assert body["status"] == "delivered" and body["delivered_at"].endswith("Z")
    assert body["actions"] == ["missed"]
    assert balances(app, w) == (SESSION_PRICE, 0)
    assert sessions_of(holder, made["id"])[0]["actions"] == ["confirm", "missed"]
    confirmed = move(holder, item["id"], "confirm").get_json()
    assert (
        confirmed["status"] == "confirmed" and confirmed["settled_at"] and not confirmed["actions"]
    )
    assert balances(app, w) == (0, SESSION_PRICE)
    now = call(broker, "get", f"/api/v1/bookings/{made['id']}").get_json()
    assert (now["committed_pence"], now["spent_pence"], now["sessions_left"]) == (
        0,
        SESSION_PRICE,
        0,
    )
    path = f"/api/v1/budgets/{w.budget.id}/ledger"
    ledger_body = call(holder, "get", path).get_json()
    assert [
        (
            e["kind"],
            e["committed_delta"],
            e["spent_delta"],
            e["actor"],
            e["booking_id"],
            e["session_id"],
        )
        for e in ledger_body["entries"]
    ] == [
        ("commit", SESSION_PRICE, 0, "Bea Broker", made["id"], None),
        ("spend", -SESSION_PRICE, SESSION_PRICE, "Ada Holder", made["id"], item["id"]),
    ]
    assert ledger_body["entries"][1]["note"] == "Delivered and confirmed"
    dp = next(s for s in ledger_body["streams"] if s["stream_id"] == w.dp.id)
    assert (dp["committed_pence"], dp["spent_pence"]) == (0, SESSION_PRICE)
    assert ledger_body["total"] == 2 and ledger_body["budget_id"] == w.budget.id
    forecast = call(holder, "get", f"/api/v1/budgets/{w.budget.id}/forecast").get_json()
    assert forecast["budget_id"] == w.budget.id and forecast["year_start"] < TODAY
    [dp_forecast] = [s for s in forecast["streams"] if s["stream_id"] == w.dp.id]
    assert (dp_forecast["spent_pence"], dp_forecast["committed_pence"]) == (SESSION_PRICE, 0)
    assert dp_forecast["projected_pence"] == SESSION_PRICE
    # A month into the year, £43 spent and nothing booked leaves most of the year's money.
    assert dp_forecast["status"] == "underspending"
    assert dp_forecast["unused_pence"] == dp_forecast["total_pence"] - SESSION_PRICE
    with app.app_context():
        assert ledger.check(db.session)[1] == []


@pytest.mark.parametrize("state", ["scheduled today", "delivered today", "weeks away"])
@pytest.mark.parametrize("who", ["broker", "aire"])
@pytest.mark.parametrize("action", SESSION_ACTION_NAMES)
def test_the_actions_listed_are_exactly_the_moves_that_work(app, api_as, w, state, who, action):
    made = booked(api_as, w) if state == "weeks away" else today_booking(api_as, w)
    client = api_as(w.people[who])
    session_id = sessions_of(client, made["id"])[0]["id"]
    if state == "delivered today":
        assert move(api_as(w.aire_staff), session_id, "deliver").status_code == 200
    [listed] = [s for s in sessions_of(client, made["id"]) if s["id"] == session_id]
    response = move(client, session_id, action)
    assert response.status_code in (200, 403, 409)
    assert (response.status_code == 200) == (action in listed["actions"]), response.get_json()


@pytest.mark.parametrize(
    ("setup", "who", "action", "status", "message"),
    [
        (
            [],
            "broker",
            "deliver",
            403,
            "Only the provider can say a session was marked delivered.",
        ),
        (
            [("aire", "deliver")],
            "aire",
            "confirm",
            403,
            "Only the person's side can say a session was confirmed.",
        ),
        ([], "holder", "confirm", 409, "This session is scheduled, so it cannot be confirmed."),
        (
            [("aire", "deliver")],
            "aire",
            "deliver",
            409,
            "This session is marked delivered, so it cannot be marked delivered.",
        ),
        (
            [("aire", "deliver"), ("holder", "confirm")],
            "representative",
            "confirm",
            409,
            "This session is confirmed, so it cannot be confirmed.",
        ),
        (
            [("aire", "deliver"), ("holder", "confirm")],
            "broker",
            "missed",
            409,
            "This session is confirmed, so it cannot be marked missed.",
        ),
        (
            [("aire", "missed")],
            "holder",
            "cancel",
            409,
            "This session is marked missed, so it cannot be cancelled.",
        ),
        (
            [],
            "broker",
            "cancel",
            409,
            "This session is scheduled, so it cannot be cancelled: it has started; say it was "
            "missed instead.",
        ),
    ],
)
def test_a_move_not_allowed_is_refused_and_nothing_is_written(
    app, api_as, w, setup, who, action, status, message
):
    session_id = today_session(api_as, w)
    for actor, step in setup:
        assert move(api_as(w.people[actor]), session_id, step).status_code == 200
    before = written(app, w)
    response = move(api_as(w.people[who]), session_id, action)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["message"] == message
    assert error["code"] == ("forbidden" if status == 403 else "invalid_transition")
    assert written(app, w) == before


def test_a_session_to_come_cannot_be_delivered_or_missed(app, api_as, w):
    made = booked(api_as, w)
    session_id = sessions_of(api_as(w.broker), made["id"])[0]["id"]
    before = written(app, w)
    refused = move(api_as(w.aire_staff), session_id, "deliver")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["message"] == (
        "This session is scheduled, so it cannot be marked delivered: it has not happened yet."
    )
    assert move(api_as(w.holder), session_id, "missed").status_code == 409
    assert written(app, w) == before


def test_a_missed_session_keeps_its_note_and_releases_its_price(app, api_as, w):
    session_id = today_session(api_as, w)
    move(api_as(w.aire_staff), session_id, "deliver")
    body = move(api_as(w.holder), session_id, "missed", {"note": " Nobody came "}).get_json()
    assert (body["status"], body["note"], body["actions"]) == ("missed", "Nobody came", [])
    assert balances(app, w) == (0, 0)


def test_cancelling_a_session_with_notice_releases_it_and_late_charges_the_terms(app, api_as, w):
    far = sessions_of(api_as(w.broker), booked(api_as, w)["id"])[0]["id"]
    body = move(api_as(w.representative), far, "cancel", {"note": "On holiday"}).get_json()
    assert (body["status"], body["charge_pence"], body["note"]) == ("cancelled", 0, "On holiday")
    assert balances(app, w) == (17 * SESSION_PRICE, 0)
    tomorrow = book(api_as(w.broker), offer_body(w, start_on=TOMORROW)).get_json()
    # An offer has no notice terms: nothing is charged however late.
    soon = sessions_of(api_as(w.broker), tomorrow["id"])[0]["id"]
    assert move(api_as(w.broker), soon, "cancel").get_json()["charge_pence"] == 0


def test_the_holders_side_cancelling_inside_the_notice_is_charged_the_provider_never(
    app, api_as, w
):
    made = booked(
        api_as,
        w,
        kind="weekly",
        days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        start_on=TOMORROW,
        end_on=(date.today() + timedelta(days=2)).isoformat(),
    )
    first, second = sessions_of(api_as(w.broker), made["id"])
    charged = move(api_as(w.broker), first["id"], "cancel").get_json()
    assert charged["charge_pence"] == SESSION_PRICE  # inside 48 hours: charged in full
    free = move(api_as(w.aire_staff), second["id"], "cancel").get_json()
    assert free["charge_pence"] == 0
    assert balances(app, w) == (0, SESSION_PRICE)


@pytest.mark.parametrize(
    ("action", "body", "field", "words"),
    [
        ("missed", {"note": 5}, "note", "Enter text"),
        ("missed", {"note": "x" * 1001}, "note", "1000 characters or fewer"),
        ("cancel", {"why": "x"}, "why", "This field is not recognised"),
        ("deliver", {"note": "x"}, "note", "This field is not recognised"),
        ("confirm", {"ok": True}, "ok", "This field is not recognised"),
    ],
)
def test_a_bad_body_for_a_move_is_400_and_nothing_is_written(
    app, api_as, w, action, body, field, words
):
    session_id = today_session(api_as, w)
    who = w.aire_staff if action == "deliver" else w.holder
    before = written(app, w)
    response = move(api_as(who), session_id, action, body)
    assert response.status_code == 400
    assert words in response.get_json()["error"]["fields"][field]
    assert written(app, w) == before and session_status(app, session_id) == "scheduled"


# --- amending and cancelling a booking ----------------------------------------------------------


@pytest.mark.parametrize("who", HOLDER_SIDE)
def test_the_holders_side_amends_the_sessions_to_come(app, api_as, w, who):
    made = booked(api_as, w)
    path = f"/api/v1/bookings/{made['id']}/amend"
    response = call(api_as(w.people[who]), "post", path, {"quantity_hundredths": 300})
    assert response.status_code == 200
    body = response.get_json()
    # 3 hours at £21.50 = £64.50 a session, £21.50 more for each of 18.
    assert body["committed_change_pence"] == 18 * 2150
    assert (body["booking"]["quantity"], body["booking"]["committed_pence"]) == ("3", 18 * 6450)
    assert balances(app, w) == (18 * 6450, 0)
    cheaper = call(api_as(w.broker), "post", path, {"unit_price_pence": 2000}).get_json()
    assert cheaper["committed_change_pence"] == 18 * (6000 - 6450)
    assert cheaper["booking"]["unit_price_pence"] == 2000
    assert sessions_of(api_as(w.broker), made["id"])[0]["price_pence"] == 6000
    with app.app_context():
        assert ledger.check(db.session)[1] == []


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({}, "quantity_hundredths", "Send quantity_hundredths or unit_price_pence"),
        ({"quantity_hundredths": -1}, "quantity_hundredths", "Enter more than 0"),
        ({"quantity_hundredths": "3"}, "quantity_hundredths", "150 for 1.5 hours"),
        ({"quantity_hundredths": 2401}, "quantity_hundredths", "24 hours or fewer"),
        ({"unit_price_pence": 21.5}, "unit_price_pence", "whole number of pence"),
        ({"unit_price_pence": 0}, "unit_price_pence", "Enter more than 0"),
        ({"unit_price_pence": 10**9}, "unit_price_pence", "or less"),
        ({"unit_price_pence": 2000, "from_day": YESTERDAY}, "from_day", "today or later"),
        ({"unit_price_pence": 2000, "from_day": "soon"}, "from_day", "YYYY-MM-DD"),
        (
            {"unit_price_pence": 2000, "from_day": (PLAN_YEAR_END + timedelta(days=1)).isoformat()},
            "from_day",
            "No session is still to come",
        ),
        ({"hours": 3}, "hours", "This field is not recognised"),
    ],
)
def test_each_bad_amendment_is_400_and_nothing_is_written(app, api_as, w, body, field, words):
    made = booked(api_as, w)
    before = written(app, w)
    response = call(api_as(w.broker), "post", f"/api/v1/bookings/{made['id']}/amend", body)
    assert response.status_code == 400
    assert words in response.get_json()["error"]["fields"][field], response.get_json()
    assert written(app, w) == before


def test_an_amendment_is_refused_by_the_provider_the_budget_or_a_cancelled_booking(app, api_as, w):
    made = booked(api_as, w)
    path = f"/api/v1/bookings/{made['id']}/amend"
    before = written(app, w)
    refused = call(api_as(w.aire_staff), "post", path, {"unit_price_pence": 9000})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == "Only the person's side can change a booking."
    afford_only(app, w, 18 * SESSION_PRICE + 100)
    over = call(api_as(w.broker), "post", path, {"quantity_hundredths": 201})
    assert over.status_code == 409
    # 2.01 hours at £21.50 = £43.22 (rounded up): 22p more for each of 18 sessions, £3.96.
    assert over.get_json()["error"] == {
        "code": "insufficient_budget",
        "message": "This would exceed the direct payment by £2.96 (£1.00 is left for the plan "
        "year).",
    }
    assert written(app, w) == before
    call(api_as(w.broker), "post", f"/api/v1/bookings/{made['id']}/cancel")
    cancelled = written(app, w)
    closed = call(api_as(w.broker), "post", path, {"quantity_hundredths": 100})
    assert closed.status_code == 409 and closed.get_json()["error"]["message"] == (
        "This booking is cancelled."
    )
    assert written(app, w) == cancelled


@pytest.mark.parametrize("who", [*HOLDER_SIDE, "aire"])
def test_either_side_cancels_the_rest_of_a_booking(app, api_as, w, who):
    made = booked(api_as, w)
    path = f"/api/v1/bookings/{made['id']}/cancel"
    response = call(api_as(w.people[who]), "post", path, {"note": "Moving away"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["sessions_cancelled"], body["late_sessions"]) == (18, 0)
    assert (body["charged_pence"], body["released_pence"]) == (0, 18 * SESSION_PRICE)
    assert (body["booking"]["status"], body["booking"]["actions"]) == ("cancelled", [])
    assert body["booking"]["committed_pence"] == 0 and balances(app, w) == (0, 0)
    assert {s["note"] for s in sessions_of(api_as(w.broker), made["id"])} == {"Moving away"}
    before = written(app, w)
    again = call(api_as(w.broker), "post", path)
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == "This booking is cancelled already."
    assert written(app, w) == before


def test_cancelling_inside_the_notice_charges_the_holders_side(app, api_as, w):
    made = booked(api_as, w, kind="one_off", days=..., end_on=..., start_on=TOMORROW)
    body = call(api_as(w.holder), "post", f"/api/v1/bookings/{made['id']}/cancel", {}).get_json()
    assert (body["late_sessions"], body["charged_pence"], body["released_pence"]) == (
        1,
        SESSION_PRICE,
        0,
    )
    assert body["booking"]["spent_pence"] == SESSION_PRICE
    assert balances(app, w) == (0, SESSION_PRICE)


def test_a_bad_cancellation_note_is_400_and_nothing_is_written(app, api_as, w):
    made = booked(api_as, w)
    before = written(app, w)
    path = f"/api/v1/bookings/{made['id']}/cancel"
    for body in ({"note": 1}, {"reason": "x"}, {"note": "x" * 1001}):
        assert call(api_as(w.broker), "post", path, body).status_code == 400
    assert written(app, w) == before


# --- a personal assistant's booking --------------------------------------------------------------


def test_a_pa_delivers_and_is_named_in_the_ledger_as_their_profile_shows_them(
    app, api_as, w, pa_booking
):
    pa = api_as(w.pa_user)
    assert pa_booking["pa_profile_id"] == w.pa.id and pa_booking["organisation_id"] is None
    assert pa_booking["provider_name"] == "Joanne W." and pa_booking["committed_pence"] == 3300
    [item] = sessions_of(pa, pa_booking["id"])
    assert item["actions"] == ["deliver", "missed"]
    assert move(pa, item["id"], "deliver").status_code == 200
    missed = move(pa, item["id"], "missed", {"note": "I was ill"}).get_json()
    assert (missed["status"], missed["note"]) == ("missed", "I was ill")
    path = f"/api/v1/budgets/{w.budget.id}/ledger"
    entries = call(api_as(w.broker), "get", path).get_json()["entries"]
    assert [(e["kind"], e["committed_delta"], e["actor"]) for e in entries] == [
        ("commit", 3300, "Bea Broker"),
        ("release", -3300, "Joanne W."),
    ]
    assert balances(app, w) == (0, 0)


# --- the ledger and the forecast ----------------------------------------------------------------


@pytest.mark.parametrize("who", [*HOLDER_SIDE, "officer"])
def test_whoever_reads_the_budget_reads_its_ledger_and_forecast(app, api_as, w, who):
    made = booked(api_as, w)
    call(
        api_as(w.broker),
        "post",
        f"/api/v1/bookings/{made['id']}/amend",
        {"quantity_hundredths": 100},
    )
    client = api_as(w.people[who])
    path = f"/api/v1/budgets/{w.budget.id}/ledger"
    body = call(client, "get", path).get_json()
    assert [(e["kind"], e["committed_delta"], e["note"]) for e in body["entries"]] == [
        ("commit", 18 * SESSION_PRICE, "Booked"),
        ("release", -18 * 2150, body["entries"][1]["note"]),
    ]
    assert body["entries"][1]["note"].startswith("Changed from")
    streams = {s["stream_id"]: s for s in body["streams"]}
    assert streams[w.dp.id]["committed_pence"] == 18 * 2150
    assert sum(e["committed_delta"] for e in body["entries"]) == 18 * 2150
    second = call(client, "get", f"{path}?per_page=1&page=2").get_json()
    assert [e["id"] for e in second["entries"]] == [body["entries"][1]["id"]]
    assert (second["total"], second["page"], second["per_page"]) == (2, 2, 1)
    assert call(client, "get", f"{path}?per_page=500").status_code == 400
    assert call(client, "get", f"{path}?page=3").status_code == 404
    forecast = call(client, "get", f"/api/v1/budgets/{w.budget.id}/forecast").get_json()
    assert {s["stream_id"] for s in forecast["streams"]} == set(streams)
    [dp] = [s for s in forecast["streams"] if s["stream_id"] == w.dp.id]
    assert (dp["committed_pence"], dp["spent_pence"]) == (18 * 2150, 0)
    assert dp["status"] == "underspending" and "neither spent nor booked" in dp["message"]
    for subject in ("budget_ledger", "budget_forecast"):
        reads = audit_rows(app, action="read", subject_type=subject, actor_id=w.people[who].id)
        assert reads and {(r.subject_id, r.holder_id, r.via) for r in reads} == {
            (w.budget.id, w.holder.id, "api")
        }


def test_without_a_token_every_booking_endpoint_answers_401(client, w):
    for method, path in (
        ("get", "/api/v1/bookings"),
        ("post", "/api/v1/bookings"),
        ("get", "/api/v1/bookings/1"),
        ("post", "/api/v1/bookings/1/amend"),
        ("post", "/api/v1/bookings/1/cancel"),
        ("get", "/api/v1/bookings/1/sessions"),
        *(("post", f"/api/v1/sessions/1/{action}") for action in SESSION_ACTION_NAMES),
        ("get", f"/api/v1/budgets/{w.budget.id}/ledger"),
        ("get", f"/api/v1/budgets/{w.budget.id}/forecast"),
    ):
        response = getattr(client, method)(path, json={})
        assert _check(response, path, method)["error"]["code"] == "unauthorised", path
