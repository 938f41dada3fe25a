"""Booking pages: the form for an accepted quote starts from the quote and its request, books
through the service and says what was committed; every bad field is a 400 naming it, a stream
that cannot afford it a 409 saying by how much, and neither writes anything. Only the holder's
side books (the provider 403, anyone else 404); a quote not accepted or booked already goes
back where it can be seen. A fixed-price service is booked the same way, for a holder chosen
first when the planner plans for several."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.bookings.models import Booking, BookingSession, LedgerEntry
from marketplace.bookings.schedule import WEEKDAYS
from marketplace.bookings.services import create_booking
from marketplace.budgets.models import BudgetStream
from marketplace.extensions import db
from tests.bookings.world import booking_input, make_booking_world
from tests.factories import link_broker, make_budget, make_holder, make_offer
from tests.quotes.pages import client_for, date_parts, input_value, invalid, page_text, text


def _form(w: Any, **overrides: Any) -> dict[str, Any]:
    """The booking form as a browser posts it: 2 hours each Monday, Wednesday and Friday at
    9:00 from three weeks today for six weeks, from the direct payment (18 sessions of £43)."""
    start = date.today() + timedelta(days=21)
    data: dict[str, Any] = {
        "kind": "weekly",
        "days": ["mon", "wed", "fri"],
        "start_time": "09:00",
        "start_on": date_parts(start),
        "end_on": date_parts(start + timedelta(days=41)),
        "quantity_hundredths": "2",
        "stream_id": str(w.dp.id),
    }
    data.update(overrides)
    return data


def _written() -> tuple[int, int, int, int, int]:
    """(bookings, sessions, ledger entries, committed and spent on every stream): what a
    refusal must leave as it was."""
    db.session.expire_all()
    counts = [
        db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Booking, BookingSession, LedgerEntry)
    ]
    committed = db.session.scalar(select(func.sum(BudgetStream.committed_pence))) or 0
    spent = db.session.scalar(select(func.sum(BudgetStream.spent_pence))) or 0
    return (*counts, committed, spent)


def _checked(page: str, input_id: str) -> bool:
    tag = re.search(rf'<input[^>]*\bid="{re.escape(input_id)}"[^>]*>', page)
    assert tag is not None, input_id
    return "checked" in tag.group(0)


def _selected(page: str, select_id: str) -> str:
    found = re.search(rf'<select[^>]*\bid="{select_id}".*?</select>', page, flags=re.S)
    assert found is not None
    chosen = re.search(r'<option value="([^"]*)" selected', found.group(0))
    return chosen.group(1) if chosen else ""


# --- booking an accepted quote ------------------------------------------------------------------


def test_the_form_starts_from_the_quote_and_its_request(app, session):
    w = make_booking_world()
    response = client_for(app, w.broker).get(f"/quotes/{w.quote.id}/book")
    assert response.status_code == 200
    page = text(response)
    words = page_text(response)
    assert "Price £21.50 an hour" in words
    assert "48 hours\u2019 notice; later, 100% of the session\u2019s price is charged" in words
    # Every week on the request's five days, 10 hours a week shared: 2 hours each session.
    assert _checked(page, "kind-2") and not _checked(page, "kind")
    assert all(_checked(page, f"days{'-' + str(i) if i > 1 else ''}") for i in range(1, 6))
    assert not _checked(page, "days-6")
    assert input_value(page, "start_time") == "09:00"
    offered = date.today() + timedelta(days=21)  # the quote's start date
    assert int(input_value(page, "start_on-day")) == offered.day
    assert int(input_value(page, "start_on-month")) == offered.month
    assert input_value(page, "start_on-year") == str(offered.year)
    assert input_value(page, "quantity_hundredths") == "2"
    assert _selected(page, "stream_id") == str(w.dp.id)
    assert "Direct payment: £9,360.00 left" in words
    assert 'name="csrf_token"' in page or not app.config["WTF_CSRF_ENABLED"]
    reads = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "read", AuditEvent.actor_id == w.broker.id)
    ).all()
    assert [(e.subject_type, e.holder_id) for e in reads] == [("holder_record", w.holder.id)]


@pytest.mark.parametrize("who", ["holder", "representative", "broker"])
def test_the_holders_side_books_the_quote_and_is_told_what_was_committed(app, session, who):
    w = make_booking_world()
    client = client_for(app, getattr(w, who))
    response = client.post(f"/quotes/{w.quote.id}/book", data=_form(w))
    booking = db.session.scalar(select(Booking))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/bookings/{booking.id}"
    first = booking.sessions[0].day
    banner = page_text(client.get(response.headers["Location"]))
    assert (
        f"Booked: 18 sessions from {first.day} {first:%B %Y}, "
        "£774.00 committed from the direct payment." in banner
    )
    assert (booking.kind, booking.days, booking.quantity_hundredths) == (
        "weekly",
        ["mon", "wed", "fri"],
        200,
    )
    assert booking.created_by_id == getattr(w, who).id
    assert db.session.get(BudgetStream, w.dp.id).committed_pence == 18 * 4300


def test_the_quote_page_offers_booking_to_the_holders_side_until_it_is_booked(app, session):
    w = make_booking_world()
    broker, staff = client_for(app, w.broker), client_for(app, w.aire_staff)
    page = text(broker.get(f"/quotes/{w.quote.id}"))
    assert f'href="/quotes/{w.quote.id}/book"' in page and "Book this" in page
    assert "Book this" not in text(staff.get(f"/quotes/{w.quote.id}"))
    assert "Book this" not in text(broker.get(f"/quotes/{w.kirk_quote.id}"))  # not accepted
    booking = create_booking(db.session, w.broker, booking_input(w))
    for client in (broker, staff):
        page = text(client.get(f"/quotes/{w.quote.id}"))
        assert "Book this" not in page
        assert f'href="/bookings/{booking.id}">See the booking' in page


@pytest.mark.parametrize("who", ["stranger_broker", "other_holder", "kirk_staff", "pa_user"])
def test_anyone_else_gets_not_found_and_nothing_is_written(app, session, who):
    w = make_booking_world()
    before = _written()
    client = client_for(app, getattr(w, who))
    assert client.get(f"/quotes/{w.quote.id}/book").status_code == 404
    assert client.post(f"/quotes/{w.quote.id}/book", data=_form(w)).status_code == 404
    assert client_for(app, w.broker).get("/quotes/999999/book").status_code == 404
    assert _written() == before


def test_the_provider_may_not_book_its_own_quote(app, session):
    w = make_booking_world()
    before = _written()
    client = client_for(app, w.aire_staff)
    for response in (
        client.get(f"/quotes/{w.quote.id}/book"),
        client.post(f"/quotes/{w.quote.id}/book", data=_form(w)),
    ):
        assert response.status_code == 403
        assert "Only the person's side can book a quote." in page_text(response)
    assert _written() == before


def test_a_quote_not_accepted_goes_back_to_the_quote_saying_why(app, session):
    w = make_booking_world()
    before = _written()
    client = client_for(app, w.broker)
    for response in (
        client.get(f"/quotes/{w.kirk_quote.id}/book"),
        client.post(f"/quotes/{w.kirk_quote.id}/book", data=_form(w)),
    ):
        assert response.status_code == 302
        assert response.headers["Location"] == f"/quotes/{w.kirk_quote.id}"
    words = page_text(client.get(f"/quotes/{w.kirk_quote.id}"))
    assert (
        "This quote is not chosen, so it cannot be booked: only an accepted quote can be."
        in (words)
        or "so it cannot be booked: only an accepted quote can be." in words
    )
    assert _written() == before


def test_a_quote_booked_already_goes_to_its_booking(app, session):
    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    before = _written()
    client = client_for(app, w.broker)
    response = client.post(f"/quotes/{w.quote.id}/book", data=_form(w))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/bookings/{booking.id}"
    assert "This quote is booked already" in page_text(client.get(response.headers["Location"]))
    assert _written() == before


# --- refusals -------------------------------------------------------------------------------------

THREE_WEEKS = date.today() + timedelta(days=21)
# A weekday that is neither three weeks today nor the day after.
OUTSIDE = WEEKDAYS[(THREE_WEEKS.weekday() + 2) % 7]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": ""}, "kind", "Choose whether it is a one-off or every week"),
        ({"kind": "fortnightly"}, "kind", "Choose whether it is a one-off or every week"),
        ({"days": []}, "days", "Choose the days of the week it happens on"),
        ({"days": ["someday"]}, "days", "Select days of the week from the list"),
        ({"start_time": ""}, "start_time", "Enter the time it starts, like 09:30"),
        ({"start_time": "25:00"}, "start_time", "Enter the start time as hours and minutes"),
        ({"start_time": "9am"}, "start_time", "Enter the start time as hours and minutes"),
        ({"start_on": date_parts(None)}, "start_on", "Enter the date of the first session"),
        (
            {"start_on": date_parts(date.today() - timedelta(days=1))},
            "start_on",
            "The start date must be today or in the future",
        ),
        ({"start_on": ["31", "2", "2027"]}, "start_on", "The first date must be a real date"),
        ({"start_on": ["3", "", "2027"]}, "start_on", "The first date must include a month"),
        (
            {"end_on": date_parts(THREE_WEEKS - timedelta(days=1))},
            "end_on",
            "The end date must be the same as or after the first session",
        ),
        ({"end_on": ["x", "y", "z"]}, "end_on", "The end date must be a real date"),
        ({"quantity_hundredths": ""}, "quantity_hundredths", "Enter how many hours each time"),
        ({"quantity_hundredths": "-2"}, "quantity_hundredths", "The number must be more than 0"),
        ({"quantity_hundredths": "two"}, "quantity_hundredths", "Enter a number, like 6 or 1.5"),
        (
            {"quantity_hundredths": "25"},
            "quantity_hundredths",
            "A session cannot be longer than a day: enter 24 hours or fewer",
        ),
        (
            {"stream_id": "999999"},
            "stream_id",
            "Choose which of the person's budget streams pays for it",
        ),
        (
            {"end_on": date_parts(THREE_WEEKS + timedelta(days=1)), "days": [OUTSIDE]},
            "days",
            "No session falls between those dates: choose other days or dates",
        ),
    ],
)
def test_each_bad_field_is_named_and_nothing_is_written(app, session, change, field, message):
    w = make_booking_world()
    before = _written()
    response = client_for(app, w.broker).post(f"/quotes/{w.quote.id}/book", data=_form(w, **change))
    words = invalid(response)
    page = text(response)
    assert message in words
    # The summary links to the field; the message stands beside it.
    assert re.search(rf'href="#{field}[^"]*"', page), field
    assert f'id="{field}-error"' in page
    assert _written() == before


def test_someone_elses_stream_is_refused_like_a_missing_one(app, session):
    w = make_booking_world()
    olga = make_budget(w.other_holder, w.council)
    theirs = next(s for s in olga.streams if s.kind == "dp")
    before = _written()
    response = client_for(app, w.broker).post(
        f"/quotes/{w.quote.id}/book", data=_form(w, stream_id=str(theirs.id))
    )
    assert "Choose which of the person's budget streams pays for it" in invalid(response)
    assert _written() == before


def test_a_stream_that_cannot_afford_it_says_by_how_much_and_writes_nothing(app, session):
    w = make_booking_world(dp_pence=50_000)  # £500 for 18 sessions of £43
    before = _written()
    response = client_for(app, w.broker).post(f"/quotes/{w.quote.id}/book", data=_form(w))
    assert response.status_code == 409
    page = text(response)
    words = page_text(response)
    assert "govuk-error-summary" in page and 'href="#stream_id"' in page
    assert 'id="stream_id-error"' in page
    message = "This would exceed the direct payment by £274.00 (£500.00 is left for the plan year)."
    assert message in words
    # The summary of what the form would book, beside the problem.
    assert "18 sessions from" in words and "£43.00 each: £774.00 in all" in words
    assert "Direct payment has £500.00 left for the plan year: that is £274.00 too little" in words
    # What was typed is kept.
    assert input_value(page, "quantity_hundredths") == "2"
    assert _written() == before


def test_a_refused_form_summarises_what_it_would_book(app, session):
    w = make_booking_world()
    response = client_for(app, w.broker).post(
        f"/quotes/{w.quote.id}/book", data=_form(w, start_time="")
    )
    words = invalid(response)
    assert "What this would book 18 sessions from" in words
    assert "£43.00 each: £774.00 in all" in words
    assert "Direct payment has £9,360.00 left for the plan year." in words


def test_the_form_refuses_a_post_without_its_csrf_token(app, session):
    w = make_booking_world()
    client = client_for(app, w.broker)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = text(client.get(f"/quotes/{w.quote.id}/book"))
        forms = re.findall(r'<form[^>]*method="post".*?</form>', page, flags=re.S)
        assert forms and all('name="csrf_token"' in form for form in forms)
        before = _written()
        response = client.post(f"/quotes/{w.quote.id}/book", data=_form(w))
        assert response.status_code == 400
        assert _written() == before
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --- booking a fixed-price service ----------------------------------------------------------------


def test_a_service_is_booked_as_a_one_off_for_the_only_person_planned_for(app, session):
    w = make_booking_world()
    client = client_for(app, w.broker)
    page = client.get(f"/offers/{w.aire_offer.id}/book")
    assert page.status_code == 200
    markup = text(page)
    assert _checked(markup, "kind") and not _checked(markup, "kind-2")  # once
    assert int(input_value(markup, "start_on-day")) == date.today().day
    assert input_value(markup, "quantity_hundredths") == "1"
    assert "Price £22.50 an hour" in page_text(page)
    tomorrow = date.today() + timedelta(days=1)
    response = client.post(
        f"/offers/{w.aire_offer.id}/book",
        data=_form(w, kind="one_off", days=[], start_on=date_parts(tomorrow), end_on=["", "", ""]),
    )
    assert response.status_code == 302
    booking = db.session.scalar(select(Booking))
    assert (booking.offer_id, booking.quote_id, booking.holder_id) == (
        w.aire_offer.id,
        None,
        w.holder.id,
    )
    assert [s.day for s in booking.sessions] == [tomorrow]
    banner = page_text(client.get(response.headers["Location"]))
    assert (
        "Booked: 1 session from" in banner and "£45.00 committed from the direct payment" in banner
    )


def test_a_planner_for_several_people_chooses_whom_first(app, session):
    w = make_booking_world()
    make_budget(w.other_holder, w.council)
    link_broker(w.other_holder, w.broker)
    db.session.commit()
    client = client_for(app, w.broker)
    choose = client.get(f"/offers/{w.aire_offer.id}/book")
    assert choose.status_code == 200
    words = page_text(choose)
    assert "Who is the booking for?" in words
    assert "Ada Holder" in words and "Olga Other" in words
    response = client.get(f"/offers/{w.aire_offer.id}/book?holder={w.other_holder.id}")
    assert response.status_code == 200
    assert "For Olga Other, with Aire Valley Home Care" in page_text(response)
    # Olga's streams are offered, not Ada's.
    assert f'<option value="{w.dp.id}"' not in text(response)
    assert "Direct payment: £9,360.00 left" in page_text(response)


def test_booking_a_service_for_someone_the_planner_does_not_plan_for_is_not_found(app, session):
    w = make_booking_world()
    before = _written()
    client = client_for(app, w.broker)
    url = f"/offers/{w.aire_offer.id}/book?holder={w.other_holder.id}"
    assert client.get(url).status_code == 404
    assert client.post(url, data=_form(w, kind="one_off")).status_code == 404
    assert _written() == before


@pytest.mark.parametrize("who", ["aire_staff", "pa_user"])
def test_providers_do_not_book_services(app, session, who):
    w = make_booking_world()
    client = client_for(app, getattr(w, who))
    assert client.get(f"/offers/{w.aire_offer.id}/book").status_code == 404
    assert client.post(f"/offers/{w.aire_offer.id}/book", data=_form(w)).status_code == 404


def test_a_service_that_cannot_be_booked_directly_says_why(app, session):
    w = make_booking_world()
    free = make_offer(w.aire, title="Coffee morning", price_pence=0, price_unit="free")
    hidden = make_offer(w.aire, title="Not yet published", status="draft")
    before = _written()
    client = client_for(app, w.broker)
    for response in (
        client.get(f"/offers/{free.id}/book"),
        client.post(f"/offers/{free.id}/book", data=_form(w, kind="one_off")),
    ):
        assert response.status_code == 400
        assert "This service is free: there is nothing to book" in page_text(response)
    assert client.get(f"/offers/{hidden.id}/book").status_code == 404
    assert client.get("/offers/999999/book").status_code == 404
    assert _written() == before


def test_a_personal_assistants_service_is_booked_with_them(app, session):
    w = make_booking_world()
    pa_offer = make_offer(
        None, pa_profile=w.pa, title="Gardening", price_pence=1500, price_unit="session"
    )
    client = client_for(app, w.holder)
    page = client.get(f"/offers/{pa_offer.id}/book")
    assert "For Ada Holder, with Joanne W." in page_text(page)
    assert "How many sessions each time" in page_text(page)
    response = client.post(
        f"/offers/{pa_offer.id}/book", data=_form(w, kind="one_off", quantity_hundredths="1")
    )
    assert response.status_code == 302
    booking = db.session.scalar(select(Booking))
    assert (booking.pa_profile_id, booking.organisation_id) == (w.pa.id, None)
    assert client_for(app, w.pa_user).get(f"/bookings/{booking.id}").status_code == 200


def test_a_stream_the_provider_does_not_take_is_refused_at_the_stream(app, session):
    w = make_booking_world()
    managed_only = make_offer(w.aire, title="Day centre", pay_dp=False, price_unit="day")
    before = _written()
    response = client_for(app, w.broker).post(
        f"/offers/{managed_only.id}/book", data=_form(w, kind="one_off")
    )
    words = invalid(response)
    assert "Aire Valley Home Care does not take payment from the direct payment" in words
    assert 'id="stream_id-error"' in text(response)
    assert _written() == before


def test_a_service_booked_without_a_stream_is_refused_at_the_stream(app, session):
    w = make_booking_world()
    before = _written()
    response = client_for(app, w.holder).post(
        f"/offers/{w.aire_offer.id}/book", data=_form(w, kind="one_off", stream_id="")
    )
    assert "Choose which of the person's budget streams pays for it" in invalid(response)
    assert 'id="stream_id-error"' in text(response)
    assert _written() == before


def test_a_holder_without_a_budget_is_told_there_is_nothing_to_pay_from(app, session):
    w = make_booking_world()
    newcomer = make_holder(w.council, name="Nell New")
    page = page_text(client_for(app, newcomer).get(f"/offers/{w.aire_offer.id}/book"))
    assert "Nell New has no budget for this plan year or a later one" in page
    response = client_for(app, newcomer).post(
        f"/offers/{w.aire_offer.id}/book", data=_form(w, kind="one_off", stream_id="")
    )
    assert "Choose which of the person's budget streams pays for it" in invalid(response)
