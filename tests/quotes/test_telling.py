"""Who is told about each quote event (a notification linking to the quote and an email with the
same link): the other side, never the person who acted, never an inactive account. And the
outbox: `flask send-mail` sends each message once, however often it runs, retrying failures."""

from __future__ import annotations

from email.message import EmailMessage
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from marketplace.errors import InvalidTransition
from marketplace.mail.models import OutboxMessage
from marketplace.notifications.models import Notification
from marketplace.permissions import Role
from marketplace.quotes import answers
from marketplace.quotes.requests import create_request
from marketplace.quotes.telling import per_unit
from tests.factories import link_broker, link_representative, make_user
from tests.quotes.world import make_quote_world, request_input, terms
from tests.quotes.written import mailed


def _people(session: Any) -> SimpleNamespace:
    """The quote world, with a second (admin) account at Aire, and people who must never be
    told: Aire staff made inactive, someone whose claim to Aire is still being checked, an
    inactive representative and a broker only invited."""
    w = make_quote_world()
    w.aire_admin = make_user(Role.PROVIDER_ADMIN, organisation=w.aire, name="Ann Aire")
    w.retired = make_user(Role.PROVIDER_STAFF, organisation=w.aire, name="Ret Aire", active=False)
    w.claimant = make_user(
        Role.PROVIDER_ADMIN, organisation=w.aire, name="Cla Imant", org_approved=False
    )
    w.inactive_rep = link_representative(
        w.holder, make_user(Role.REPRESENTATIVE, name="Ina Rep", active=False)
    )
    w.invited = link_broker(w.holder, make_user(Role.BROKER, name="Ivy Invited"), status="invited")
    return w


def _never(w: SimpleNamespace) -> set[int]:
    return {
        w.retired.id,
        w.claimant.id,
        w.inactive_rep.id,
        w.invited.id,
        w.stranger_broker.id,
        w.other_holder.id,
    }


def _new_notifications(session: Any, after: int) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification).where(Notification.id > after).order_by(Notification.id)
        )
    )


def _last_id(session: Any, model: Any) -> int:
    return session.scalar(select(model.id).order_by(model.id.desc()).limit(1)) or 0


def _told_by(session: Any, w: SimpleNamespace, event: Any, kind: str, quote_id: int) -> set[int]:
    """Run ``event``; check every notification it wrote is of ``kind``, links to the quote,
    has a matching email with the link, and reaches nobody who must never be told. Returns who
    was told."""
    last_note, last_mail = _last_id(session, Notification), _last_id(session, OutboxMessage)
    event()
    notes = _new_notifications(session, last_note)
    mail = list(session.scalars(select(OutboxMessage).where(OutboxMessage.id > last_mail)))
    users = {n.user_id for n in notes}
    assert len(users) == len(notes)  # once each
    assert {n.kind for n in notes} <= {kind}
    assert all(n.link == f"/quotes/{quote_id}" for n in notes)
    assert not users & _never(w)
    emails = {n.user_id: n for n in notes}
    assert len(mail) == len(notes)
    for message in mail:
        assert f"http://localhost/quotes/{quote_id}" in message.body
    addresses = sorted(m.to_address for m in mail)
    from marketplace.accounts.models import User

    assert addresses == sorted(session.get(User, uid).email for uid in emails)
    return users


def _holder_side(w: SimpleNamespace) -> set[int]:
    return {w.holder.id, w.representative.id, w.broker.id}


def test_a_request_tells_the_organisations_active_staff_and_the_pa(session):
    w = _people(session)
    last = _last_id(session, Notification)
    request = create_request(session, w.broker, request_input(w, pa_profile_ids=[w.pa.id]))
    aire_q, kirk_q, pa_q = request.quotes
    by_quote: dict[str, set[int]] = {}
    for note in _new_notifications(session, last):
        assert note.kind == "quote_requested"
        by_quote.setdefault(note.link, set()).add(note.user_id)
    assert by_quote == {
        f"/quotes/{aire_q.id}": {w.aire_staff.id, w.aire_admin.id},
        f"/quotes/{kirk_q.id}": {w.kirk_staff.id},
        f"/quotes/{pa_q.id}": {w.pa_user.id},
    }
    text = session.scalar(select(Notification.text).where(Notification.user_id == w.pa_user.id))
    assert text == "Ada Holder asks you for a quote for “Help getting up each morning”."
    assert len(mailed(session)) == 4


def test_an_offer_tells_the_holder_their_representative_and_broker(session):
    w = _people(session)
    quote = create_request(session, w.broker, request_input(w)).quotes[0]
    users = _told_by(
        session,
        w,
        lambda: answers.offer_quote(session, w.aire_staff, quote.id, terms()),
        "quote_offered",
        quote.id,
    )
    assert users == _holder_side(w)
    text = session.scalar(select(Notification.text).where(Notification.kind == "quote_offered"))
    assert text == (
        "Aire Valley Home Care quoted £21.50 an hour for “Help getting up each morning”."
    )


def test_a_counter_offer_tells_the_provider_not_the_holders_side(session):
    w = _people(session)
    quote = create_request(session, w.broker, request_input(w)).quotes[0]
    answers.offer_quote(session, w.aire_staff, quote.id, terms())
    users = _told_by(
        session,
        w,
        lambda: answers.counter_quote(session, w.representative, quote.id, 2000, "£20?"),
        "quote_countered",
        quote.id,
    )
    assert users == {w.aire_staff.id, w.aire_admin.id}


def test_a_declined_counter_offer_tells_the_holders_side_the_price_stands(session):
    w = _people(session)
    quote = create_request(session, w.broker, request_input(w)).quotes[0]
    answers.offer_quote(session, w.aire_staff, quote.id, terms())
    answers.counter_quote(session, w.broker, quote.id, 2000, "£20?")
    users = _told_by(
        session,
        w,
        lambda: answers.decline_quote(session, w.aire_admin, quote.id, "Our rates are fixed."),
        "quote_counter_declined",
        quote.id,
    )
    assert users == _holder_side(w)  # the broker who countered too; not Aire's own people
    text = session.scalar(
        select(Notification.text).where(Notification.kind == "quote_counter_declined")
    )
    assert text == (
        "Aire Valley Home Care kept their price of £21.50 an hour for “Help getting up each "
        "morning”, declining the counter-offer of £20.00 an hour. You can accept it, make "
        "another counter-offer or decline. Their reason: Our rates are fixed."
    )


@pytest.mark.parametrize("action", ["decline", "withdraw"])
def test_the_provider_closing_a_quote_tells_the_holders_side_with_the_reason(session, action):
    w = _people(session)
    quote = create_request(session, w.broker, request_input(w)).quotes[0]
    call = answers.decline_quote if action == "decline" else answers.withdraw_quote
    kind = "quote_declined" if action == "decline" else "quote_withdrawn"
    users = _told_by(
        session,
        w,
        lambda: call(session, w.aire_admin, quote.id, "We are fully booked"),
        kind,
        quote.id,
    )
    assert users == _holder_side(w)
    text = session.scalar(select(Notification.text).where(Notification.kind == kind))
    assert text.startswith("Aire Valley Home Care ")
    assert text.endswith("Their reason: We are fully booked")


@pytest.mark.parametrize("action", ["decline", "withdraw"])
def test_the_holders_side_closing_a_quote_tells_the_provider(session, action):
    w = _people(session)
    quote = create_request(session, w.broker, request_input(w)).quotes[0]
    answers.offer_quote(session, w.aire_staff, quote.id, terms())
    call = answers.decline_quote if action == "decline" else answers.withdraw_quote
    kind = "quote_declined" if action == "decline" else "quote_withdrawn"
    users = _told_by(session, w, lambda: call(session, w.holder, quote.id, ""), kind, quote.id)
    assert users == {w.aire_staff.id, w.aire_admin.id}


def test_an_acceptance_tells_both_sides_but_not_who_accepted(session):
    w = _people(session)
    request = create_request(session, w.broker, request_input(w, pa_profile_ids=[w.pa.id]))
    aire_q, kirk_q, pa_q = request.quotes
    answers.offer_quote(session, w.aire_staff, aire_q.id, terms())
    answers.offer_quote(session, w.kirk_staff, kirk_q.id, terms(unit_price_pence=2300))
    last = _last_id(session, Notification)
    answers.accept_quote(session, w.holder, aire_q.id)
    notes = _new_notifications(session, last)
    accepted = {n.user_id for n in notes if n.kind == "quote_accepted"}
    not_chosen = {(n.user_id, n.link) for n in notes if n.kind == "quote_not_chosen"}
    assert accepted == {w.aire_staff.id, w.aire_admin.id, w.representative.id, w.broker.id}
    assert all(n.link == f"/quotes/{aire_q.id}" for n in notes if n.kind == "quote_accepted")
    assert not_chosen == {
        (w.kirk_staff.id, f"/quotes/{kirk_q.id}"),
        (w.pa_user.id, f"/quotes/{pa_q.id}"),
    }
    assert {n.kind for n in notes} == {"quote_accepted", "quote_not_chosen"}
    assert not {n.user_id for n in notes} & (_never(w) | {w.holder.id})
    assert session.scalar(
        select(Notification.text).where(Notification.kind == "quote_not_chosen")
    ) == (
        "Ada Holder's side chose another quote for “Help getting up each morning”. "
        "Thank you for answering."
    )


def test_an_expiry_tells_both_sides_and_no_inactive_account(session):
    from datetime import timedelta

    from sqlalchemy import update

    from marketplace.clock import utcnow
    from marketplace.quotes.models import Quote

    w = _people(session)
    quote = create_request(session, w.broker, request_input(w)).quotes[0]
    session.execute(
        update(Quote).where(Quote.id == quote.id).values(expires_at=utcnow() - timedelta(1))
    )
    session.commit()
    users = _told_by(session, w, lambda: answers.expire_quotes(session), "quote_expired", quote.id)
    assert users == _holder_side(w) | {w.aire_staff.id, w.aire_admin.id}


def test_a_refused_move_tells_nobody(session):
    w = _people(session)
    quote = create_request(session, w.broker, request_input(w)).quotes[0]
    before = (_last_id(session, Notification), _last_id(session, OutboxMessage))
    with pytest.raises(InvalidTransition):
        answers.accept_quote(session, w.broker, quote.id)  # nothing quoted yet
    session.rollback()
    assert (_last_id(session, Notification), _last_id(session, OutboxMessage)) == before


def test_prices_read_per_unit():
    assert per_unit(1850, "hours") == "£18.50 an hour"
    assert per_unit(4000, "visits") == "£40.00 a visit"
    assert per_unit(120_000, "items") == "£1,200.00 each"
    assert per_unit(9000, "nights") == "£90.00 a night"


# --- the outbox -----------------------------------------------------------------------------------


class RecordingMailer:
    """A Mailer that keeps what it is given (and can be told to fail for some addresses)."""

    def __init__(self, failing: set[str] | None = None) -> None:
        self.sent: list[EmailMessage] = []
        self.failing = failing or set()

    def send(self, message: EmailMessage) -> None:
        if str(message["To"]) in self.failing:
            raise ConnectionRefusedError("the mail server did not answer")
        self.sent.append(message)


def _to_aire(w: SimpleNamespace) -> Any:
    return request_input(w, offer_ids=[w.aire_offer.id])


def _send_mail(app: Any) -> str:
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_send_mail_sends_each_quote_message_once_however_often_it_runs(app, session, monkeypatch):
    w = _people(session)
    quote = create_request(session, w.broker, _to_aire(w)).quotes[0]
    answers.offer_quote(session, w.aire_staff, quote.id, terms())
    queued = mailed(session)
    assert len(queued) == 2 + 3  # Aire's two active accounts; the holder's side
    mailer = RecordingMailer()
    monkeypatch.setitem(app.extensions, "mailer", mailer)
    assert _send_mail(app) == "Sent 5 message(s)."
    assert _send_mail(app) == "Sent 0 message(s)."
    assert sorted(str(m["To"]) for m in mailer.sent) == sorted(m.to_address for m in queued)
    assert len({str(m["Message-ID"]) for m in mailer.sent}) == 5
    session.expire_all()
    assert all(m.sent_at is not None and m.attempts == 1 for m in mailed(session))


def test_a_failed_send_is_retried_later_and_never_duplicated(app, session, monkeypatch):
    w = _people(session)
    quote = create_request(session, w.broker, _to_aire(w)).quotes[0]
    answers.offer_quote(session, w.aire_staff, quote.id, terms())
    flaky = RecordingMailer(failing={w.holder.email, w.broker.email})
    monkeypatch.setitem(app.extensions, "mailer", flaky)
    assert _send_mail(app) == "Sent 3 message(s)."
    session.expire_all()
    waiting = [m for m in mailed(session) if m.sent_at is None]
    assert sorted(m.to_address for m in waiting) == sorted([w.holder.email, w.broker.email])
    assert all(m.attempts == 1 and "did not answer" in m.last_error for m in waiting)
    flaky.failing = set()
    assert _send_mail(app) == "Sent 2 message(s)."
    assert _send_mail(app) == "Sent 0 message(s)."
    addresses = [str(m["To"]) for m in flaky.sent]
    assert sorted(addresses) == sorted(m.to_address for m in mailed(session))
    assert len(addresses) == len(set(addresses)) == 5  # each person once


def test_the_file_mailer_writes_each_quote_email_once(app, session, monkeypatch, tmp_path):
    from marketplace.mail.backends import FileMailer

    monkeypatch.setitem(app.extensions, "mailer", FileMailer(tmp_path))
    w = _people(session)
    quote = create_request(session, w.broker, _to_aire(w)).quotes[0]
    assert _send_mail(app) == "Sent 2 message(s)."
    assert _send_mail(app) == "Sent 0 message(s)."
    written = [p.read_text() for p in sorted(tmp_path.glob("*.eml"))]
    assert len(written) == 2  # Aire's staff and admin
    assert all(f"http://localhost/quotes/{quote.id}" in text for text in written)
    assert {w.aire_staff.email, w.aire_admin.email} == {
        line.split(": ", 1)[1]
        for text in written
        for line in text.splitlines()
        if line.startswith("To: ")
    }
