"""Booking an accepted quote or a fixed-price offer: the sessions it makes, the money it commits,
and every refusal (nothing written). Then each session move and the money that follows it, the
ledger's append-only rule and ``flask ledger-check``."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from marketplace.bookings import ledger, sessions
from marketplace.bookings.models import Booking, BookingSession, LedgerEntry
from marketplace.bookings.services import create_booking
from marketplace.budgets.models import BudgetStream
from marketplace.clock import date_text, utcnow
from marketplace.errors import (
    Conflict,
    Forbidden,
    InsufficientBudget,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests.bookings.world import booking_input, make_booking_world

SESSION_PRICE = 4300  # 2 hours at £21.50


def _stream(w) -> BudgetStream:
    return db.session.get(BudgetStream, w.dp.id, populate_existing=True)


def _written() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Booking, BookingSession, LedgerEntry)
    )


def _balances(w) -> tuple[int, int]:
    stream = _stream(w)
    return stream.committed_pence, stream.spent_pence


def _today_booking(w, **changes):
    """A one-off session today at midnight: it has happened, so it can be delivered."""
    return create_booking(
        db.session,
        w.broker,
        booking_input(w, kind="one_off", start_on=date.today(), start_time=time(0, 0), **changes),
    )


# --- booking -------------------------------------------------------------------------------------


def test_a_weekly_booking_makes_its_sessions_and_commits_their_price(session):
    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    days = [s.day for s in booking.sessions]
    assert len(days) == 18 and {d.weekday() for d in days} == {0, 2, 4}
    assert days[0] >= date.today() + timedelta(days=21)
    assert all(s.price_pence == SESSION_PRICE and s.status == "scheduled" for s in booking.sessions)
    assert (booking.notice_hours, booking.late_cancel_bp) == (48, 10000)  # the quote's terms
    assert booking.line_id == w.line.id and booking.stream_id == w.dp.id
    assert _balances(w) == (18 * SESSION_PRICE, 0)
    entries = db.session.scalars(select(LedgerEntry)).all()
    assert [(e.kind, e.committed_delta, e.booking_id, e.actor_id) for e in entries] == [
        ("commit", 18 * SESSION_PRICE, booking.id, w.broker.id)
    ]
    told = db.session.scalars(select(Notification).where(Notification.kind == "booking_made"))
    assert {n.user_id for n in told} == {w.aire_staff.id}
    assert ledger.check(db.session) == (2, [])


def test_a_weekly_booking_without_an_end_runs_to_the_end_of_the_plan_year(session):
    w = make_booking_world()
    booking = create_booking(db.session, w.holder, booking_input(w, end_on=None, days=["tue"]))
    year_end = w.dp.budget.year_end
    assert booking.sessions[-1].day <= year_end < booking.sessions[-1].day + timedelta(days=7)


def test_a_fixed_price_offer_is_booked_once_off(session):
    w = make_booking_world()
    booking = create_booking(
        db.session,
        w.representative,
        booking_input(
            w,
            quote_id=None,
            offer_id=w.kirk_offer.id,
            holder_id=w.holder.id,
            stream_id=w.dp.id,
            kind="one_off",
            quantity_hundredths=150,
        ),
    )
    assert [s.price_pence for s in booking.sessions] == [3600]  # 1.5 hours at £24.00
    assert booking.provider_name == "Kirkstall Care" and booking.quote_id is None
    assert _balances(w) == (3600, 0)


def test_a_booking_the_stream_cannot_afford_is_refused_saying_by_how_much(session):
    w = make_booking_world(dp_pence=17 * SESSION_PRICE + 500)
    before = _written()
    with pytest.raises(InsufficientBudget) as refused:
        create_booking(db.session, w.broker, booking_input(w))
    assert refused.value.status_code == 409
    assert refused.value.message == (
        "This would exceed the direct payment by £38.00 (£736.00 is left for the plan year)."
    )
    db.session.rollback()
    assert _written() == before and _balances(w) == (0, 0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "monthly"}, "kind"),
        ({"days": []}, "days"),
        ({"days": ["funday"]}, "days"),
        ({"days": ["mon", "mon"]}, "days"),
        ({"quantity_hundredths": 0}, "quantity_hundredths"),
        ({"quantity_hundredths": -200}, "quantity_hundredths"),
        ({"quantity_hundredths": 2500}, "quantity_hundredths"),  # 25 hours in one session
        ({"quantity_hundredths": "2"}, "quantity_hundredths"),
        ({"start_time": None}, "start_time"),
        ({"start_on": None}, "start_on"),
        ({"start_on": date.today() - timedelta(days=1)}, "start_on"),
        ({"end_on": date.today() + timedelta(days=20)}, "end_on"),  # before the start
        ({"stream_id": 999_999}, "stream_id"),
        ({"days": ["sun"], "end_on": date.today() + timedelta(days=22)}, "days"),  # no Sunday
    ],
)
def test_each_bad_field_is_named_and_nothing_is_written(session, changes, field):
    w = make_booking_world()
    if changes.get("days") == ["sun"]:  # a two-day window with no Sunday in it
        start = date.today() + timedelta(days=21)
        while start.weekday() in {5, 6}:
            start += timedelta(days=1)
        changes = {"days": ["sun"], "start_on": start, "end_on": start + timedelta(days=1)}
    before = _written()
    with pytest.raises(ValidationFailed) as refused:
        create_booking(db.session, w.broker, booking_input(w, **changes))
    assert refused.value.errors.get(field)
    assert _written() == before and _balances(w) == (0, 0)


def test_another_holders_stream_is_refused(session):
    w = make_booking_world()
    from tests.factories import make_budget

    theirs = make_budget(w.other_holder, w.council)
    with pytest.raises(ValidationFailed) as refused:
        create_booking(db.session, w.broker, booking_input(w, stream_id=theirs.streams[0].id))
    assert "stream_id" in refused.value.errors


def test_only_an_accepted_quote_is_booked_and_only_once(session):
    w = make_booking_world()
    before = _written()
    with pytest.raises(Conflict) as refused:  # Kirkstall's quote was not chosen
        create_booking(db.session, w.broker, booking_input(w, quote_id=w.kirk_quote.id))
    assert "not chosen, so it cannot be booked" in refused.value.message
    create_booking(db.session, w.broker, booking_input(w))
    booked = _written()
    with pytest.raises(Conflict) as again:
        create_booking(db.session, w.holder, booking_input(w))
    assert "booked already" in again.value.message
    assert _written() == booked != before


@pytest.mark.parametrize("who", ["stranger_broker", "other_holder", "aire_staff", "pa_user"])
def test_someone_elses_quote_is_not_found_and_nothing_is_written(session, who):
    w = make_booking_world()
    before = _written()
    with pytest.raises(NotFound):
        create_booking(db.session, getattr(w, who), booking_input(w))
    assert _written() == before


# --- sessions ------------------------------------------------------------------------------------


def test_delivered_then_confirmed_moves_the_price_from_committed_to_spent(session):
    w = make_booking_world()
    booking = _today_booking(w)
    item = booking.sessions[0]
    with pytest.raises(Forbidden):
        sessions.deliver(db.session, w.broker, item.id)  # the provider says so, not the holder
    delivered = sessions.deliver(db.session, w.aire_staff, item.id)
    assert delivered.status == "delivered" and _balances(w) == (SESSION_PRICE, 0)
    with pytest.raises(Forbidden):
        sessions.confirm(db.session, w.aire_staff, item.id)
    confirmed = sessions.confirm(db.session, w.holder, item.id)
    assert confirmed.status == "confirmed" and confirmed.settled_by_id == w.holder.id
    assert _balances(w) == (0, SESSION_PRICE)
    with pytest.raises(InvalidTransition) as again:
        sessions.confirm(db.session, w.broker, item.id)
    assert again.value.message == "This session is confirmed, so it cannot be confirmed."
    assert ledger.check(db.session)[1] == []


def test_a_session_to_come_cannot_be_delivered_or_missed(session):
    w = make_booking_world()
    item = create_booking(db.session, w.broker, booking_input(w)).sessions[0]
    with pytest.raises(InvalidTransition) as refused:
        sessions.deliver(db.session, w.aire_staff, item.id)
    assert refused.value.message == (
        "This session is scheduled, so it cannot be marked delivered: it has not happened yet."
    )
    with pytest.raises(InvalidTransition):
        sessions.missed(db.session, w.holder, item.id)


def test_a_missed_session_releases_its_price(session):
    w = make_booking_world()
    item = _today_booking(w).sessions[0]
    sessions.deliver(db.session, w.aire_staff, item.id)
    missed = sessions.missed(db.session, w.holder, item.id, "Nobody came")  # disputed
    assert missed.status == "missed" and missed.note == "Nobody came"
    assert _balances(w) == (0, 0)
    assert [e.kind for e in db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))] == [
        "commit",
        "release",
    ]


def test_a_delivered_session_nobody_answers_lapses_to_confirmed(session):
    w = make_booking_world()
    item = _today_booking(w).sessions[0]
    sessions.deliver(db.session, w.aire_staff, item.id)
    assert sessions.lapse_due(db.session, 7) == 0
    db.session.execute(
        update(BookingSession)
        .where(BookingSession.id == item.id)
        .values(delivered_at=utcnow() - timedelta(days=8))
    )
    db.session.commit()
    assert sessions.lapse_due(db.session, 7) == 1
    assert sessions.lapse_due(db.session, 7) == 0  # never twice
    lapsed = db.session.get(BookingSession, item.id, populate_existing=True)
    assert lapsed.status == "confirmed" and lapsed.settled_by_id is None
    assert _balances(w) == (0, SESSION_PRICE)


def test_cancelling_with_notice_releases_it_all(session):
    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    cancelled = sessions.cancel(db.session, w.holder, booking.sessions[0].id)
    assert cancelled.status == "cancelled" and cancelled.charge_pence == 0
    assert _balances(w) == (17 * SESSION_PRICE, 0)


def test_cancelling_inside_the_notice_spends_the_late_charge(session):
    w = make_booking_world()
    tomorrow = date.today() + timedelta(days=1)
    booking = create_booking(
        db.session, w.broker, booking_input(w, kind="one_off", start_on=tomorrow)
    )
    # Within the 48 hours' notice: charged in full (the quote's terms).
    cancelled = sessions.cancel(db.session, w.broker, booking.sessions[0].id)
    assert cancelled.charge_pence == SESSION_PRICE
    assert _balances(w) == (0, SESSION_PRICE)


def test_a_provider_cancelling_late_charges_nothing(session):
    w = make_booking_world()
    tomorrow = date.today() + timedelta(days=1)
    booking = create_booking(
        db.session, w.broker, booking_input(w, kind="one_off", start_on=tomorrow)
    )
    cancelled = sessions.cancel(db.session, w.aire_staff, booking.sessions[0].id)
    assert cancelled.charge_pence == 0 and _balances(w) == (0, 0)


def test_cancelling_the_rest_of_a_booking_releases_every_session_to_come(session):
    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    sessions.cancel(db.session, w.holder, booking.sessions[0].id)
    costs = sessions.cancel_rest(db.session, w.holder, booking, sessions.Side.REQUESTER)
    assert len(costs) == 17 and not any(c.late for c in costs)
    assert db.session.get(Booking, booking.id).status == "cancelled"
    assert _balances(w) == (0, 0)
    with pytest.raises(InvalidTransition):
        sessions.cancel_rest(db.session, w.holder, booking, sessions.Side.REQUESTER)
    assert ledger.check(db.session)[1] == []


def _told(kind: str) -> dict[int, str]:
    return {
        n.user_id: n.text
        for n in db.session.scalars(select(Notification).where(Notification.kind == kind))
    }


def test_each_session_move_tells_the_other_side(session):
    w = make_booking_world()
    holder_side = {w.holder.id, w.representative.id, w.broker.id}
    item = _today_booking(
        w, quote_id=None, offer_id=w.aire_offer.id, holder_id=w.holder.id, stream_id=w.dp.id
    ).sessions[0]
    sessions.deliver(db.session, w.aire_staff, item.id)
    told = _told("session_delivered")
    assert set(told) == holder_side
    assert told[w.holder.id] == (
        f"Aire Valley Home Care marked the session of “Home care visits” on "
        f"{date_text(item.day)} delivered: confirm it, or say it did not happen."
    )
    sessions.missed(db.session, w.representative, item.id, "Nobody came")
    assert _told("session_missed") == {
        w.aire_staff.id: f"Ada Holder's side said the session of “Home care visits” "
        f"on {date_text(item.day)} did not happen: its £45.00 is released."
    }

    tomorrow = date.today() + timedelta(days=1)
    late = create_booking(
        db.session, w.broker, booking_input(w, kind="one_off", start_on=tomorrow)
    ).sessions[0]
    sessions.cancel(db.session, w.holder, late.id)
    assert _told("session_cancelled") == {
        w.aire_staff.id: f"Ada Holder's side cancelled the session of “Help getting up each "
        f"morning” on {date_text(tomorrow)} (£43.00 charged, late)."
    }

    weekly = create_booking(
        db.session,
        w.broker,
        booking_input(
            w, quote_id=None, offer_id=w.kirk_offer.id, holder_id=w.holder.id, stream_id=w.dp.id
        ),
    )
    sessions.cancel_rest(db.session, w.kirk_staff, weekly, sessions.Side.PROVIDER)
    told = _told("booking_cancelled")
    assert set(told) == holder_side
    assert (
        told[w.broker.id]
        == "Kirkstall Care cancelled “Morning support at home”: 18 sessions to come."
    )


# --- the ledger ----------------------------------------------------------------------------------


def test_a_ledger_entry_cannot_be_changed(session):
    w = make_booking_world()
    create_booking(db.session, w.broker, booking_input(w))
    with pytest.raises(DBAPIError):
        db.session.execute(text("UPDATE ledger_entries SET committed_delta = 1"))
    db.session.rollback()


def test_ledger_check_finds_a_balance_that_differs_from_its_ledger(app, session):
    w = make_booking_world()
    create_booking(db.session, w.broker, booking_input(w))
    runner = app.test_cli_runner()
    fine = runner.invoke(args=["ledger-check"])
    assert fine.exit_code == 0 and "every balance equals its ledger" in fine.output
    db.session.execute(
        update(BudgetStream).where(BudgetStream.id == w.dp.id).values(committed_pence=100)
    )
    db.session.commit()
    wrong = runner.invoke(args=["ledger-check"])
    assert wrong.exit_code == 1
    assert f"Stream {w.dp.id}: committed £1.00 (ledger £774.00)" in wrong.output


def test_confirm_lapsed_command_says_how_many(app, session):
    w = make_booking_world()
    item = _today_booking(w).sessions[0]
    sessions.deliver(db.session, w.aire_staff, item.id)
    db.session.execute(update(BookingSession).values(delivered_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["confirm-lapsed"])
    assert result.exit_code == 0 and "Confirmed 1 session after 7 days" in result.output


def test_a_pas_fixed_price_service_is_booked_with_the_pa(session):
    w = make_booking_world()
    from tests.factories import make_offer

    sitting = make_offer(None, pa_profile=w.pa, title="Evening sitting", price_pence=1500)
    booking = create_booking(
        db.session,
        w.holder,
        booking_input(
            w, quote_id=None, offer_id=sitting.id, holder_id=w.holder.id, stream_id=w.dp.id
        ),
    )
    assert (booking.pa_profile_id, booking.organisation_id) == (w.pa.id, None)
    assert booking.provider_name == "Joanne W."


def test_a_service_that_does_not_take_the_streams_money_is_refused(session):
    w = make_booking_world()
    from tests.factories import make_offer

    managed_only = make_offer(w.kirk, title="Day centre", pay_dp=False, price_pence=4000)
    before = _written()
    with pytest.raises(ValidationFailed) as refused:
        create_booking(
            db.session,
            w.broker,
            booking_input(
                w,
                quote_id=None,
                offer_id=managed_only.id,
                holder_id=w.holder.id,
                stream_id=w.dp.id,
            ),
        )
    assert refused.value.errors["stream_id"] == (
        "Kirkstall Care does not take payment from the direct payment: choose another stream"
    )
    assert _written() == before


@pytest.mark.parametrize("who", ["stranger_broker", "other_holder"])
def test_someone_elses_quote_is_not_found_whatever_its_state(session, who):
    w = make_booking_world()
    with pytest.raises(NotFound):  # not "This quote is not chosen": that would say it exists
        create_booking(db.session, getattr(w, who), booking_input(w, quote_id=w.kirk_quote.id))


def test_booking_and_amending_are_audited(session):
    from marketplace.audit.models import AuditEvent
    from marketplace.bookings.services import Amendment, amend_booking

    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    amend_booking(db.session, w.holder, booking.id, Amendment(quantity_hundredths=300))
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "booking").order_by(AuditEvent.id)
    ).all()
    assert [(r.action, r.actor_id, r.subject_id, r.holder_id) for r in rows] == [
        ("create", w.broker.id, booking.id, w.holder.id),
        ("amend", w.holder.id, booking.id, w.holder.id),
    ]


def test_a_session_that_had_started_is_settled_after_the_rest_is_cancelled(session):
    w = make_booking_world()
    booking = _today_booking(w)  # today at midnight: started, not yet marked
    costs = sessions.cancel_rest(db.session, w.holder, booking, sessions.Side.REQUESTER)
    assert costs == [] and _balances(w) == (SESSION_PRICE, 0)
    item = booking.sessions[0]
    sessions.deliver(db.session, w.aire_staff, item.id)
    sessions.confirm(db.session, w.holder, item.id)
    assert _balances(w) == (0, SESSION_PRICE)
