"""The review page: each side of the booking writes its review there (GOV.UK radios for the
stars, a text area) and reads the other side's once it is shown; anyone else gets 404; bad
input is 400 and a review that may not be written is 409, each saying why with nothing
written; the form carries its CSRF token and a post without it is refused."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.reviews.models import Review
from tests.quotes.pages import client_for, page_text, text
from tests.reviews.world import (
    aged,
    booked_today,
    delivered,
    make_booking_world,
    review,
    written,
)

HOLDER_SIDE = ["holder", "representative", "broker"]


def _url(booking) -> str:
    return f"/bookings/{booking.id}/review"


def _form(rating: str = "4", body: str = "Friendly and on time.") -> dict[str, str]:
    return {"rating": rating, "body": body}


@pytest.mark.parametrize("who", HOLDER_SIDE)
def test_the_holders_side_is_asked_to_rate_the_provider(app, session, who):
    w = make_booking_world()
    booking = delivered(w)
    response = client_for(app, getattr(w, who)).get(_url(booking))
    assert response.status_code == 200
    page = text(response)
    assert len(re.findall(r'<input class="govuk-radios__input"[^>]*name="rating"', page)) == 5
    assert '<textarea class="govuk-textarea govuk-js-character-count' in page
    words = page_text(response)
    assert "Review Aire Valley Home Care" in words
    assert "How would you rate Aire Valley Home Care?" in words
    assert "Excellent (5 stars)" in words and "Very poor (1 star)" in words
    assert (
        "shown on Aire Valley Home Care\u2019s public profile with the date but without your name"
        in words
    )
    assert "Aire Valley Home Care has not written a review yet." in words


def test_the_provider_is_asked_about_working_with_the_holders_side(app, session):
    w = make_booking_world()
    booking = delivered(w)
    words = page_text(client_for(app, w.aire_staff).get(_url(booking)))
    assert "Review working with Ada Holder\u2019s side" in words
    assert "How was working with Ada Holder\u2019s side?" in words
    assert "Only Ada Holder\u2019s side reads your review. It is never shown publicly." in words


@pytest.mark.parametrize("who", ["stranger_broker", "other_holder", "kirk_staff", "pa_user"])
def test_anyone_else_gets_not_found_and_writes_nothing(app, session, who):
    w = make_booking_world()
    booking = delivered(w)
    client = client_for(app, getattr(w, who))
    before = written()
    assert client.get(_url(booking)).status_code == 404
    assert client.post(_url(booking), data=_form()).status_code == 404
    assert client_for(app, w.holder).get("/bookings/999999/review").status_code == 404
    assert written() == before


def test_someone_signed_out_is_asked_to_sign_in(app, session):
    w = make_booking_world()
    booking = delivered(w)
    response = client_for(app).get(_url(booking))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_review_is_written_and_shown_to_its_side(app, session):
    w = make_booking_world()
    booking = delivered(w)
    broker = client_for(app, w.broker)
    response = broker.post(_url(booking), data=_form("5", "Kind, patient\r\nand always on time."))
    assert response.status_code == 302 and response.headers["Location"] == _url(booking)
    saved = db.session.scalars(select(Review)).one()
    assert (saved.side, saved.rating, saved.body, saved.author_id) == (
        "requester",
        5,
        "Kind, patient\nand always on time.",
        w.broker.id,
    )
    words = page_text(client_for(app, w.holder).get(_url(booking)))
    assert "Your review ★★★★★ 5 out of 5 stars Kind, patient and always on time." in words
    assert "Aire Valley Home Care will see your review once they have written theirs" in words
    assert 'name="rating"' not in text(broker.get(_url(booking)))


def test_the_other_sides_review_is_hidden_until_theirs_is_written(app, session):
    w = make_booking_world()
    booking = delivered(w)
    review(w.holder, booking, 2, "Late three times.")
    staff = client_for(app, w.aire_staff)
    words = page_text(staff.get(_url(booking)))
    assert "Late three times" not in words
    assert (
        "Ada Holder\u2019s side has written their review. You will see it once you have written"
        in words
    )
    assert staff.post(_url(booking), data=_form("4", "A welcoming home.")).status_code == 302
    words = page_text(staff.get(_url(booking)))
    assert (
        "Review of your work by Ada Holder\u2019s side ★★☆☆☆ 2 out of 5 stars Late three times."
        in words
    )
    words = page_text(client_for(app, w.representative).get(_url(booking)))
    assert "review of working with you ★★★★☆ 4 out of 5 stars A welcoming home." in words


def test_a_lone_review_is_shown_on_the_page_after_fourteen_days(app, session):
    w = make_booking_world()
    booking = delivered(w)
    theirs = review(w.aire_staff, booking, 3, "Hard to reach by phone.")
    assert "Hard to reach" not in page_text(client_for(app, w.holder).get(_url(booking)))
    aged(theirs, 14.1)
    assert "Hard to reach by phone." in page_text(client_for(app, w.holder).get(_url(booking)))


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (_form(rating=""), "Choose a rating from 1 to 5 stars"),
        (_form(rating="4.5"), "Choose a rating from 1 to 5 stars"),
        (_form(rating="0"), "Choose a rating from 1 to 5 stars"),
        (_form(rating="6"), "Choose a rating from 1 to 5 stars"),
        (_form(rating="five"), "Choose a rating from 1 to 5 stars"),
        (_form(rating="99999999999999999999"), "Choose a rating from 1 to 5 stars"),
        ({"body": "No stars at all."}, "Choose a rating from 1 to 5 stars"),
        (_form(body="   "), "Write your review"),
        ({"rating": "3"}, "Write your review"),
        (_form(body="x" * 2001), "Your review must be 2,000 characters or fewer"),
    ],
)
def test_bad_input_is_refused_at_its_field_with_nothing_written(app, session, form, message):
    w = make_booking_world()
    booking = delivered(w)
    before = written()
    response = client_for(app, w.holder).post(_url(booking), data=form)
    assert response.status_code == 400
    page = text(response)
    assert "govuk-error-summary" in page and "<title>Error:" in page
    assert page_text(response).count(message) == 2  # in the summary and at the field
    assert written() == before


def test_a_refused_review_keeps_what_was_typed(app, session):
    w = make_booking_world()
    booking = delivered(w)
    response = client_for(app, w.holder).post(_url(booking), data=_form("", "Kept words."))
    assert response.status_code == 400 and ">Kept words.</textarea>" in text(response)


def test_a_booking_with_nothing_delivered_says_when_it_can_be_reviewed(app, session):
    w = make_booking_world()
    booking = booked_today(w)
    holder = client_for(app, w.holder)
    response = holder.get(_url(booking))
    assert response.status_code == 200 and 'name="rating"' not in text(response)
    reason = (
        "You can review this booking once one of its sessions has been delivered and confirmed."
    )
    assert reason in page_text(response)
    before = written()
    response = holder.post(_url(booking), data=_form())
    assert response.status_code == 409
    assert "There is a problem" in page_text(response) and reason in page_text(response)
    assert written() == before


def test_a_second_review_of_one_side_is_refused_saying_why(app, session):
    w = make_booking_world()
    booking = delivered(w)
    review(w.broker, booking, 5, "First.")
    before = written()
    response = client_for(app, w.holder).post(_url(booking), data=_form("1", "Second."))
    assert response.status_code == 409
    words = page_text(response)
    assert "Your side has already reviewed this booking. Each side writes one review." in words
    assert "First." in words and "Second." not in words
    assert written() == before


def test_the_form_carries_its_csrf_token_and_a_post_without_it_is_refused(app, session):
    w = make_booking_world()
    booking = delivered(w)
    holder = client_for(app, w.holder)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        forms = re.findall(
            r'<form[^>]*method="post".*?</form>', text(holder.get(_url(booking))), re.S
        )
        assert len(forms) == 1 and 'name="csrf_token"' in forms[0]
        before = written()
        assert holder.post(_url(booking), data=_form()).status_code == 400
        assert (
            holder.post(_url(booking), data={**_form(), "csrf_token": "forged"}).status_code == 400
        )
        assert written() == before
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_reading_the_page_is_audited_and_reads_its_notifications(app, session):
    w = make_booking_world()
    booking = delivered(w)
    review(w.aire_staff, booking)
    client_for(app, w.representative).get(_url(booking))
    db.session.expire_all()
    reads = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "read", AuditEvent.subject_type == "booking")
    ).all()
    assert [(e.actor_id, e.subject_id, e.holder_id) for e in reads] == [
        (w.representative.id, booking.id, w.holder.id)
    ]
    unread = {
        n.user_id
        for n in db.session.scalars(
            select(Notification).where(
                Notification.kind == "review_waiting", Notification.read_at.is_(None)
            )
        )
    }
    assert unread == {w.holder.id, w.broker.id}


def test_the_booking_pages_link_appears_once_a_session_is_confirmed(app, session):
    w = make_booking_world()
    waiting = booked_today(w)
    done = delivered(
        w,
        w.kirk_staff,
        quote_id=None,
        offer_id=w.kirk_offer.id,
        holder_id=w.holder.id,
        stream_id=w.dp.id,
    )
    template = '{% from "reviews/_booking_link.html" import review_link %}{{ review_link(b) }}'
    with app.test_request_context():
        assert render_template_string(template, b=waiting).strip() == ""
        shown = render_template_string(template, b=done)
    assert f'href="/bookings/{done.id}/review"' in shown and "Leave a review" in shown
