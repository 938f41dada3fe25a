"""The booking page's session moves: each side sees the buttons it may press; each move goes
back to the booking saying where the money went; the other side's move is 403, anyone else's
404, a move overtaken (someone moved it first, its day has not come) a flash on the booking;
cancelling a session or the rest of a booking first says what it will cost; every move form
carries a CSRF token and is refused without one. A booking of hundreds of sessions shows those
to settle and the next ten, with every session a page at a time."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.bookings.models import Booking, BookingSession, LedgerEntry
from marketplace.bookings.schedule import WEEKDAYS
from marketplace.bookings.services import create_booking
from marketplace.budgets.models import BudgetStream
from marketplace.clock import date_text
from marketplace.extensions import db
from tests.bookings.world import booking_input, make_booking_world
from tests.quotes.pages import client_for, page_text, text

PRICE = 4300  # 2 hours at £21.50


def _today(w: Any) -> Booking:
    """A one-off today at midnight: it has happened, so it can be delivered (not cancelled)."""
    return create_booking(
        db.session,
        w.broker,
        booking_input(w, kind="one_off", start_on=date.today(), start_time=time(0, 0)),
    )


def _weekly(w: Any, *, from_offer: bool = False) -> Booking:
    """18 sessions from three weeks today: far outside the 48 hours' notice. From Aire's
    quote, or (beside a booking of the quote) Aire's service at its listed price."""
    changes: dict[str, Any] = {}
    if from_offer:
        changes = {"quote_id": None, "offer_id": w.aire_offer.id, "holder_id": w.holder.id}
    return create_booking(db.session, w.broker, booking_input(w, stream_id=w.dp.id, **changes))


def _state() -> tuple[Any, ...]:
    """Every session's state and charge, the bookings' states, the ledger and the stream's
    money: what a refused move must leave as it was."""
    db.session.expire_all()
    return (
        tuple(db.session.execute(select(BookingSession.status, BookingSession.charge_pence))),
        tuple(db.session.scalars(select(Booking.status))),
        db.session.scalar(select(func.count()).select_from(LedgerEntry)),
        tuple(db.session.execute(select(BudgetStream.committed_pence, BudgetStream.spent_pence))),
    )


def _balances(w: Any) -> tuple[int, int]:
    stream = db.session.get(BudgetStream, w.dp.id, populate_existing=True)
    return stream.committed_pence, stream.spent_pence


def _status(item_id: int) -> str:
    return db.session.get(BookingSession, item_id, populate_existing=True).status


def _moved(client: Any, path: str, booking: Booking) -> str:
    """Post a move: it goes back to the booking, whose banner says what happened."""
    response = client.post(path)
    assert response.status_code == 302, text(response)[:500]
    assert response.headers["Location"] == f"/bookings/{booking.id}"
    return page_text(client.get(response.headers["Location"]))


def _forms(page: str) -> list[str]:
    return re.findall(r'<form[^>]*method="post".*?</form>', page, flags=re.S)


def _actions(page: str) -> set[str]:
    """The paths the page's session buttons post to or its cancel links open."""
    posts = set(re.findall(r'<form method="post" action="(/sessions/\d+/\w+)"', page))
    links = set(re.findall(r'href="(/sessions/\d+/cancel)"', page))
    return posts | links


# --- what each side may press ---------------------------------------------------------------------


def test_each_side_sees_the_moves_it_may_make(app, session):
    w = make_booking_world()
    today = _today(w).sessions[0]
    broker, staff = client_for(app, w.broker), client_for(app, w.aire_staff)
    assert _actions(text(staff.get(f"/bookings/{today.booking_id}"))) == {
        f"/sessions/{today.id}/deliver",
        f"/sessions/{today.id}/missed",
    }
    # The holder's side can say a session that has happened did not happen; not deliver it.
    assert _actions(text(broker.get(f"/bookings/{today.booking_id}"))) == {
        f"/sessions/{today.id}/missed"
    }
    staff.post(f"/sessions/{today.id}/deliver")
    # Until the holder's side confirms it, the provider may still say it did not happen.
    assert _actions(text(staff.get(f"/bookings/{today.booking_id}"))) == {
        f"/sessions/{today.id}/missed"
    }
    page = text(broker.get(f"/bookings/{today.booking_id}"))
    assert _actions(page) == {f"/sessions/{today.id}/confirm", f"/sessions/{today.id}/missed"}
    assert 'Confirm<span class="govuk-visually-hidden">: the session on' in page
    assert "It did not happen" in page

    weekly = _weekly(w, from_offer=True)
    for client in (broker, staff):
        page = text(client.get(f"/bookings/{weekly.id}"))
        assert _actions(page) == {f"/sessions/{s.id}/cancel" for s in weekly.sessions}
        assert f'href="/bookings/{weekly.id}/cancel"' in page


# --- the moves and their money ------------------------------------------------------------------


def test_delivered_then_confirmed_moves_the_money_to_spent_and_says_so(app, session):
    w = make_booking_world()
    booking = _today(w)
    item = booking.sessions[0]
    day = date_text(item.day)
    words = _moved(client_for(app, w.aire_staff), f"/sessions/{item.id}/deliver", booking)
    assert (
        f"The session on {day} is marked delivered. Ada Holder's side is asked to confirm it: "
        "its £43.00 stays committed until then." in words
    )
    assert _status(item.id) == "delivered" and _balances(w) == (PRICE, 0)
    client = client_for(app, w.representative)
    words = _moved(client, f"/sessions/{item.id}/confirm", booking)
    assert f"The session on {day} is confirmed: £43.00 moved from committed to spent." in words
    assert "Committed £0.00" in words and "Spent £43.00" in words
    assert _status(item.id) == "confirmed" and _balances(w) == (0, PRICE)


@pytest.mark.parametrize("who", ["aire_staff", "holder"])
def test_a_session_that_did_not_happen_releases_its_money(app, session, who):
    w = make_booking_world()
    booking = _today(w)
    item = booking.sessions[0]
    words = _moved(client_for(app, getattr(w, who)), f"/sessions/{item.id}/missed", booking)
    assert (
        f"The session on {date_text(item.day)} is marked missed: £43.00 released from "
        "committed back to the direct payment." in words
    )
    assert _status(item.id) == "missed" and _balances(w) == (0, 0)


def test_the_holders_side_says_a_delivered_session_did_not_happen(app, session):
    w = make_booking_world()
    booking = _today(w)
    item = booking.sessions[0]
    client_for(app, w.aire_staff).post(f"/sessions/{item.id}/deliver")
    _moved(client_for(app, w.broker), f"/sessions/{item.id}/missed", booking)
    assert _status(item.id) == "missed" and _balances(w) == (0, 0)


def test_the_other_sides_move_is_forbidden_and_changes_nothing(app, session):
    w = make_booking_world()
    item = _today(w).sessions[0]
    before = _state()
    assert client_for(app, w.broker).post(f"/sessions/{item.id}/deliver").status_code == 403
    assert client_for(app, w.aire_staff).post(f"/sessions/{item.id}/confirm").status_code == 403
    assert _state() == before


@pytest.mark.parametrize("who", ["stranger_broker", "other_holder", "kirk_staff", "pa_user"])
def test_anyone_else_gets_not_found_for_every_move_and_page(app, session, who):
    w = make_booking_world()
    today = _today(w)
    weekly = _weekly(w, from_offer=True)
    item, later = today.sessions[0], weekly.sessions[0]
    before = _state()
    client = client_for(app, getattr(w, who))
    for path in ("deliver", "confirm", "missed"):
        assert client.post(f"/sessions/{item.id}/{path}").status_code == 404
    assert client.get(f"/sessions/{later.id}/cancel").status_code == 404
    assert client.post(f"/sessions/{later.id}/cancel").status_code == 404
    assert client.get(f"/bookings/{weekly.id}/cancel").status_code == 404
    assert client.post(f"/bookings/{weekly.id}/cancel").status_code == 404
    assert client.get(f"/bookings/{weekly.id}/sessions").status_code == 404
    assert _state() == before
    broker = client_for(app, w.broker)
    assert broker.post("/sessions/999999/deliver").status_code == 404
    assert broker.get("/sessions/999999/cancel").status_code == 404
    assert broker.get("/bookings/999999/cancel").status_code == 404


def test_a_move_overtaken_is_told_on_the_booking(app, session):
    w = make_booking_world()
    booking = _today(w)
    item = booking.sessions[0]
    staff = client_for(app, w.aire_staff)
    staff.post(f"/sessions/{item.id}/deliver")
    before = _state()
    words = _moved(staff, f"/sessions/{item.id}/deliver", booking)
    assert "This session is marked delivered, so it cannot be marked delivered." in words
    weekly = _weekly(w, from_offer=True)
    before = _state()
    words = _moved(staff, f"/sessions/{weekly.sessions[0].id}/deliver", weekly)
    assert "so it cannot be marked delivered: it has not happened yet." in words
    assert _state() == before


# --- cancelling ---------------------------------------------------------------------------------


def test_cancelling_a_session_outside_the_notice_releases_all_of_it(app, session):
    w = make_booking_world()
    booking = _weekly(w)
    item = booking.sessions[0]
    client = client_for(app, w.broker)
    page = client.get(f"/sessions/{item.id}/cancel")
    assert page.status_code == 200
    words = page_text(page)
    assert f"Cancel the session on {date_text(item.day)}?" in words
    assert (
        "There is no charge: it is more than 48 hours away. Its price, £43.00, is released "
        "back to the direct payment." in words
    )
    words = _moved(client, f"/sessions/{item.id}/cancel", booking)
    assert (
        f"The session on {date_text(item.day)} is cancelled: £43.00 released from committed "
        "back to the direct payment." in words
    )
    assert _status(item.id) == "cancelled" and _balances(w) == (17 * PRICE, 0)


def test_a_late_cancellation_says_what_is_charged_before_and_after(app, session):
    w = make_booking_world()
    tomorrow = date.today() + timedelta(days=1)
    booking = create_booking(
        db.session,
        w.broker,
        booking_input(w, kind="one_off", start_on=tomorrow, start_time=time(23, 0)),
    )
    item = booking.sessions[0]
    client = client_for(app, w.holder)
    words = page_text(client.get(f"/sessions/{item.id}/cancel"))
    assert (
        "It starts within Aire Valley Home Care\u2019s 48 hours\u2019 notice, so 100% of its "
        "price is still charged: £43.00 moves from committed to spent." in words
    )
    # The provider cancelling the same session would charge nothing.
    words = page_text(client_for(app, w.aire_staff).get(f"/sessions/{item.id}/cancel"))
    assert "Nothing is charged when you cancel." in words
    words = _moved(client, f"/sessions/{item.id}/cancel", booking)
    assert (
        f"The session on {date_text(tomorrow)} is cancelled, late: the late-cancellation charge "
        "of £43.00 moved from committed to spent." in words
    )
    assert _balances(w) == (0, PRICE)


def test_a_session_that_cannot_be_cancelled_goes_back_to_the_booking(app, session):
    w = make_booking_world()
    booking = _today(w)
    item = booking.sessions[0]
    client = client_for(app, w.broker)
    response = client.get(f"/sessions/{item.id}/cancel")
    assert response.status_code == 302
    words = page_text(client.get(response.headers["Location"]))
    assert (
        "This session is scheduled, so it cannot be cancelled: it has started; say it was "
        "missed instead." in words
    )
    before = _state()
    words = _moved(client, f"/sessions/{item.id}/cancel", booking)
    assert "it has started; say it was missed instead" in words
    assert _state() == before


def test_cancelling_the_rest_says_how_many_and_what_is_released(app, session):
    w = make_booking_world()
    booking = _weekly(w)
    client = client_for(app, w.representative)
    words = page_text(client.get(f"/bookings/{booking.id}/cancel"))
    assert "This cancels the 18 sessions still to come, and the booking." in words
    assert "£774.00 is released back to the direct payment." in words
    assert "still charged" not in words
    words = _moved(client, f"/bookings/{booking.id}/cancel", booking)
    assert (
        "The rest of this booking is cancelled: 18 sessions. £774.00 released from committed "
        "back to the direct payment." in words
    )
    assert "Cancelled" in words and _balances(w) == (0, 0)
    # Once cancelled, cancelling again says so.
    before = _state()
    response = client.get(f"/bookings/{booking.id}/cancel")
    assert response.status_code == 302
    assert "This booking is cancelled already." in page_text(client.get(f"/bookings/{booking.id}"))
    words = _moved(client, f"/bookings/{booking.id}/cancel", booking)
    assert "This booking is cancelled already." in words
    assert _state() == before


def test_cancelling_the_rest_says_which_are_late_and_what_they_cost(app, session):
    w = make_booking_world()
    tomorrow = date.today() + timedelta(days=1)
    later = date.today() + timedelta(days=5)
    booking = create_booking(
        db.session,
        w.broker,
        booking_input(
            w,
            days=[WEEKDAYS[tomorrow.weekday()], WEEKDAYS[later.weekday()]],
            start_on=tomorrow,
            end_on=later,
            start_time=time(23, 0),
        ),
    )
    client = client_for(app, w.broker)
    words = page_text(client.get(f"/bookings/{booking.id}/cancel"))
    assert "This cancels the 2 sessions still to come" in words
    assert "£43.00 is released back to the direct payment." in words
    assert (
        "1 session starts within Aire Valley Home Care\u2019s 48 hours\u2019 notice, so £43.00 "
        "is still charged: it moves from committed to spent." in words
    )
    words = _moved(client, f"/bookings/{booking.id}/cancel", booking)
    assert (
        "The rest of this booking is cancelled: 2 sessions. £43.00 released from committed back "
        "to the direct payment; £43.00 moved from committed to spent for 1 session cancelled "
        "late." in words
    )
    assert _balances(w) == (0, PRICE)


def test_cancelling_the_rest_warns_of_sessions_that_happened_and_are_not_settled(app, session):
    w = make_booking_world()
    today = date.today()
    booking = create_booking(
        db.session,
        w.broker,
        booking_input(
            w,
            days=[WEEKDAYS[today.weekday()]],
            start_on=today,
            end_on=today + timedelta(days=7),
            start_time=time(0, 0),
        ),
    )
    words = page_text(client_for(app, w.broker).get(f"/bookings/{booking.id}/cancel"))
    assert "This cancels the 1 session still to come" in words
    assert (
        "1 session that has happened is not marked delivered or missed yet. Do that first: "
        "once the booking is cancelled they cannot change." in words
    )


def test_the_cancel_pages_record_the_read(app, session):
    w = make_booking_world()
    booking = _weekly(w)
    client = client_for(app, w.broker)
    client.get(f"/sessions/{booking.sessions[0].id}/cancel")
    client.get(f"/bookings/{booking.id}/cancel")
    reads = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "booking", AuditEvent.action == "read")
    ).all()
    assert [(e.actor_id, e.subject_id, e.holder_id) for e in reads] == [
        (w.broker.id, booking.id, w.holder.id)
    ] * 2


def test_every_move_form_carries_a_csrf_token_and_is_refused_without_one(app, session):
    w = make_booking_world()
    today = _today(w)
    weekly = _weekly(w, from_offer=True)
    item, later = today.sessions[0], weekly.sessions[0]
    broker, staff = client_for(app, w.broker), client_for(app, w.aire_staff)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for client, path in (
            (staff, f"/bookings/{today.id}"),
            (broker, f"/bookings/{today.id}"),
            (broker, f"/sessions/{later.id}/cancel"),
            (broker, f"/bookings/{weekly.id}/cancel"),
        ):
            forms = _forms(text(client.get(path)))
            assert forms and all('name="csrf_token"' in form for form in forms), path
        before = _state()
        for client, path in (
            (staff, f"/sessions/{item.id}/deliver"),
            (staff, f"/sessions/{item.id}/missed"),
            (broker, f"/sessions/{item.id}/missed"),
            (broker, f"/sessions/{item.id}/confirm"),
            (broker, f"/sessions/{later.id}/cancel"),
            (broker, f"/bookings/{weekly.id}/cancel"),
        ):
            assert client.post(path).status_code == 400, path
        assert _state() == before
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --- a booking of hundreds of sessions ----------------------------------------------------------


def test_a_long_booking_shows_those_to_settle_and_the_next_ten_with_every_one_a_page_at_a_time(
    app, session
):
    w = make_booking_world(dp_pence=5_000_000)
    today = date.today()
    booking = create_booking(
        db.session,
        w.broker,
        booking_input(w, days=list(WEEKDAYS), start_on=today, end_on=None, start_time=time(0, 0)),
    )
    total = len(booking.sessions)
    assert total > 300
    client = client_for(app, w.aire_staff)
    response = client.get(f"/bookings/{booking.id}")
    page = text(response)
    words = page_text(response)
    assert f"Sessions ({total})" in words and f"See all {total} sessions" in words
    assert "Sessions to settle: their day has come" in words
    assert "The next 10 sessions" in words
    assert page.count('id="session-') == 11  # today's to settle, and the next ten
    assert f'id="session-{booking.sessions[0].id}"' in page
    assert f'id="session-{booking.sessions[10].id}"' in page
    assert f'id="session-{booking.sessions[11].id}"' not in page

    first = client.get(f"/bookings/{booking.id}/sessions")
    assert first.status_code == 200
    assert text(first).count('id="session-') == 50
    assert f"Sessions 1 to 50 of {total}" in page_text(first)
    assert f"/sessions/{booking.sessions[0].id}/deliver" in text(first)
    second = client.get(f"/bookings/{booking.id}/sessions?page=2")
    assert f'id="session-{booking.sessions[50].id}"' in text(second)
    assert client.get(f"/bookings/{booking.id}/sessions?page=99").status_code == 404
    assert client.get(f"/bookings/{booking.id}/sessions?page=x").status_code == 404
