"""A listing's "Contact" button: a signed-in person writes to whoever answers for an offer, a
personal assistant or an organisation; one conversation per person and listing; refusals write
nothing. Also the "Ask for a quote" link on offers and PA profiles, and "Book at the listed
price" on offers, for people who plan."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from marketplace.mail.models import OutboxMessage
from marketplace.messages.models import Message, MessageThread
from marketplace.messages.services import thread_for, threads_of
from marketplace.notifications.models import Notification
from marketplace.permissions import Role
from tests.factories import make_offer, make_organisation, make_pa, make_user
from tests.needs.pages_world import client_for, count, forms_without_token, text
from tests.quotes.world import make_quote_world

TABLES = (MessageThread, Message, Notification, OutboxMessage)


@pytest.fixture
def w(app, session):
    w = make_quote_world()
    w.aire_admin = make_user(Role.PROVIDER_ADMIN, organisation=w.aire, name="Ann Aire")
    # Neither of these answers for Aire: a closed account, and a claim still being checked.
    w.aire_gone = make_user(Role.PROVIDER_STAFF, organisation=w.aire, active=False)
    w.aire_claimant = make_user(Role.PROVIDER_ADMIN, organisation=w.aire, org_approved=False)
    w.pa_offer = make_offer(
        None, pa_profile=w.pa, title="Evening sits", price_pence=1500, price_unit="hour"
    )
    w.lone = make_organisation(name="Lone Day Centre", email="hello@lone.example", phone="0113 000")
    w.lone_offer = make_offer(w.lone, title="Day centre sessions")
    w.free_offer = make_offer(w.aire, title="Coffee morning", price_pence=0, price_unit="free")
    w.draft_offer = make_offer(w.aire, title="Not ready", status="draft")
    w.hidden_org = make_organisation(name="Hidden Care", status="pending")
    w.hidden_org_offer = make_offer(w.hidden_org, title="Published, owner not")
    w.draft_pa = make_pa(make_user(Role.PA), status="draft")
    return w


def _counts(session) -> tuple[int, ...]:
    return tuple(count(session, table) for table in TABLES)


def _contact(app, user, kind, listing_id, body="Hello, could you help on weekday mornings?"):
    return client_for(app, user).post(f"/contact/{kind}/{listing_id}", data={"body": body})


def _thread(session, topic) -> MessageThread:
    session.expire_all()
    return session.scalars(select(MessageThread).where(MessageThread.topic_key == topic)).one()


def _recipients(w, name):
    return {
        "aire": [w.aire_staff, w.aire_admin],
        "pa": [w.pa_user],
    }[name]


@pytest.mark.parametrize(
    ("kind", "listing", "who", "subject"),
    [
        ("offer", "aire_offer", "aire", "About Home care visits"),
        ("offer", "pa_offer", "pa", "About Evening sits"),
        ("pa", "pa", "pa", "About Joanne W."),
        ("organisation", "aire", "aire", "About Aire Valley Home Care"),
    ],
)
def test_contacting_a_listing_starts_a_conversation_with_whoever_answers_for_it(
    app, session, w, kind, listing, who, subject
):
    listing_id = getattr(w, listing).id
    response = _contact(app, w.holder, kind, listing_id)
    thread = _thread(session, f"contact:{kind}:{listing_id}:user:{w.holder.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/messages/{thread.id}"
    recipients = _recipients(w, who)
    assert thread.subject == subject and thread.holder_id == w.holder.id
    assert {p.user_id for p in thread.participants} == {w.holder.id, *(u.id for u in recipients)}
    assert [m.body for m in thread.messages] == ["Hello, could you help on weekday mornings?"]
    mailed = session.scalars(select(OutboxMessage)).all()
    assert sorted(m.to_address for m in mailed) == sorted(u.email for u in recipients)
    assert {m.subject for m in mailed} == {f"New message: {subject}"}
    notes = session.scalars(select(Notification)).all()
    assert sorted(n.user_id for n in notes) == sorted(u.id for u in recipients)
    assert {(n.kind, n.link) for n in notes} == {("message", f"/messages/{thread.id}")}
    page = text(client_for(app, recipients[0]).get(f"/messages/{thread.id}"))
    assert "weekday mornings" in page and "Ada Holder" in page


def test_contacting_the_same_listing_again_carries_on_the_same_conversation(app, session, w):
    _contact(app, w.holder, "offer", w.aire_offer.id, "First")
    page = text(client_for(app, w.holder).get(f"/contact/offer/{w.aire_offer.id}"))
    thread = session.scalars(select(MessageThread)).one()
    assert "You have written about this before" in page
    assert f'href="/messages/{thread.id}"' in page
    second = _contact(app, w.holder, "offer", w.aire_offer.id, "Second")
    assert second.headers["Location"] == f"/messages/{thread.id}"
    session.expire_all()
    assert count(session, MessageThread) == 1
    assert [m.body for m in session.get(MessageThread, thread.id).messages] == ["First", "Second"]
    # Someone else writing about the same listing has their own conversation.
    _contact(app, w.broker, "offer", w.aire_offer.id, "From the broker")
    assert count(session, MessageThread) == 2
    assert _thread(session, f"contact:offer:{w.aire_offer.id}:user:{w.broker.id}").holder_id is None


def test_a_holders_conversation_is_seen_by_the_people_who_plan_for_them(app, session, w):
    _contact(app, w.holder, "pa", w.pa.id)
    thread = session.scalars(select(MessageThread)).one()
    for planner in (w.broker, w.representative):
        assert thread_for(session, planner, thread.id).id == thread.id
        assert [s.thread.id for s in threads_of(session, planner)] == [thread.id]
    assert client_for(app, w.stranger_broker).get(f"/messages/{thread.id}").status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Enter a message"), ("   ", "Enter a message"), ("x" * 5001, "5,000 characters")],
)
def test_an_empty_or_too_long_message_is_refused_and_nothing_is_written(
    app, session, w, body, message
):
    before = _counts(session)
    response = _contact(app, w.holder, "offer", w.aire_offer.id, body)
    page = text(response)
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert message in page and 'href="#body"' in page
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("who", "kind", "listing"),
    [
        ("aire_staff", "offer", "aire_offer"),
        ("aire_admin", "organisation", "aire"),
        ("pa_user", "pa", "pa"),
        ("pa_user", "offer", "pa_offer"),
    ],
)
def test_writing_to_your_own_listing_is_refused(app, session, w, who, kind, listing):
    listing_id = getattr(w, listing).id
    client = client_for(app, getattr(w, who))
    shown = text(client.get(f"/contact/{kind}/{listing_id}"))
    assert "You cannot send a message to your own listing." in shown
    assert "<textarea" not in shown
    before = _counts(session)
    response = client.post(f"/contact/{kind}/{listing_id}", data={"body": "Hello me"})
    assert response.status_code == 400
    assert "You cannot send a message to your own listing." in text(response)
    assert _counts(session) == before


@pytest.mark.parametrize(("kind", "listing"), [("organisation", "lone"), ("offer", "lone_offer")])
def test_an_organisation_with_no_account_here_shows_its_email_and_phone_instead(
    app, session, w, kind, listing
):
    listing_id = getattr(w, listing).id
    client = client_for(app, w.holder)
    page = text(client.get(f"/contact/{kind}/{listing_id}"))
    assert "Lone Day Centre has no account here yet" in page
    assert 'href="mailto:hello@lone.example"' in page and "0113 000" in page
    assert "<textarea" not in page
    before = _counts(session)
    response = client.post(f"/contact/{kind}/{listing_id}", data={"body": "Hello"})
    assert response.status_code == 400 and "has no account here yet" in text(response)
    assert _counts(session) == before


def test_a_pa_whose_account_is_closed_cannot_be_written_to(app, session, w):
    w.pa_user.active = False
    session.commit()
    client = client_for(app, w.holder)
    assert "Joanne W. cannot get messages here at the moment." in text(
        client.get(f"/contact/pa/{w.pa.id}")
    )
    before = _counts(session)
    assert client.post(f"/contact/pa/{w.pa.id}", data={"body": "Hello"}).status_code == 400
    assert _counts(session) == before


def test_only_active_approved_staff_answer_for_an_organisation(app, session, w):
    lone_staff = make_user(Role.PROVIDER_ADMIN, organisation=w.lone, org_approved=False)
    make_user(Role.PROVIDER_STAFF, organisation=w.lone, active=False)
    assert _contact(app, w.holder, "organisation", w.lone.id).status_code == 400
    lone_staff.org_approved = True
    session.commit()
    assert _contact(app, w.holder, "organisation", w.lone.id).status_code == 302
    thread = session.scalars(select(MessageThread)).one()
    assert {p.user_id for p in thread.participants} == {w.holder.id, lone_staff.id}


@pytest.mark.parametrize(
    "path",
    [
        "/contact/offer/{w.draft_offer.id}",
        "/contact/offer/{w.hidden_org_offer.id}",
        "/contact/organisation/{w.hidden_org.id}",
        "/contact/pa/{w.draft_pa.id}",
        "/contact/offer/999999",
        "/contact/pa/999999",
        "/contact/plan/{w.plan.id}",
        "/contact/pa_profile/{w.pa.id}",
    ],
)
def test_a_listing_the_public_cannot_see_is_not_found(app, session, w, path):
    path = path.format(w=w)
    client = client_for(app, w.holder)
    before = _counts(session)
    assert client.get(path).status_code == 404
    assert client.post(path, data={"body": "Hello"}).status_code == 404
    assert _counts(session) == before


def test_signing_in_comes_first(app, session, w):
    anonymous = client_for(app)
    for response in (
        anonymous.get(f"/contact/offer/{w.aire_offer.id}"),
        anonymous.post(f"/contact/offer/{w.aire_offer.id}", data={"body": "Hi"}),
    ):
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert count(session, Message) == 0
    page = text(anonymous.get(f"/offers/{w.aire_offer.id}"))
    [href] = re.findall(r'href="([^"]*)"[^>]*>Contact Aire Valley Home Care<', page)
    assert unquote(href) == f"/sign-in?next=/contact/offer/{w.aire_offer.id}"


def test_the_contact_form_carries_a_csrf_token_and_a_post_without_one_is_refused(app, session, w):
    client = client_for(app, w.holder)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = text(client.get(f"/contact/offer/{w.aire_offer.id}"))
        assert forms_without_token(page) == []
        refused = client.post(f"/contact/offer/{w.aire_offer.id}", data={"body": "Hi"})
        assert refused.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert count(session, Message) == 0


# --- the buttons on the listing pages --------------------------------------------------------


def _buttons(page: str) -> dict[str, str]:
    """{button text: href} of the link-buttons on a page."""
    return {
        label: href
        for href, label in re.findall(
            r'<a href="([^"]*)" role="button"[^>]*class="govuk-button[^"]*"[^>]*>([^<]*)</a>', page
        )
    }


@pytest.mark.parametrize(
    ("path", "button", "href"),
    [
        (
            "/offers/{w.aire_offer.id}",
            "Contact Aire Valley Home Care",
            "/contact/offer/{w.aire_offer.id}",
        ),
        ("/offers/{w.pa_offer.id}", "Contact Joanne W.", "/contact/offer/{w.pa_offer.id}"),
        ("/pas/{w.pa.id}", "Contact Joanne W.", "/contact/pa/{w.pa.id}"),
        (
            "/organisations/{w.aire.id}",
            "Contact Aire Valley Home Care",
            "/contact/organisation/{w.aire.id}",
        ),
    ],
)
def test_listing_pages_offer_contact_to_everyone_but_whoever_answers_for_them(
    app, session, w, path, button, href
):
    path, href = path.format(w=w), href.format(w=w)
    for who in ("holder", "broker", "kirk_staff", "officer"):
        user = make_user(Role.OFFICER, council=w.council) if who == "officer" else getattr(w, who)
        assert _buttons(text(client_for(app, user).get(path))).get(button) == href, who
    owner = w.pa_user if "Joanne" in button else w.aire_staff
    assert button not in text(client_for(app, owner).get(path))


@pytest.mark.parametrize("who", ["holder", "broker", "representative"])
def test_people_who_plan_may_ask_for_a_quote_from_an_offer_or_a_pa(app, session, w, who):
    client = client_for(app, getattr(w, who))
    offer = _buttons(text(client.get(f"/offers/{w.aire_offer.id}")))
    assert offer["Ask for a quote"] == f"/quote-requests/new?offer={w.aire_offer.id}"
    # … or book it at its listed price.
    assert offer["Book at the listed price"] == f"/offers/{w.aire_offer.id}/book"
    pa = _buttons(text(client.get(f"/pas/{w.pa.id}")))
    assert pa["Ask for a quote"] == f"/quote-requests/new?pa={w.pa.id}"
    free = text(client.get(f"/offers/{w.free_offer.id}"))
    assert "Ask for a quote" not in free and "Book at the listed price" not in free
    assert "Ask for a quote" not in text(client.get(f"/organisations/{w.aire.id}"))


@pytest.mark.parametrize("who", ["anonymous", "pa_user", "kirk_staff", "aire_staff", "officer"])
def test_only_people_who_plan_see_ask_for_a_quote(app, session, w, who):
    if who == "anonymous":
        client = client_for(app)
    elif who == "officer":
        client = client_for(app, make_user(Role.OFFICER, council=w.council))
    else:
        client = client_for(app, getattr(w, who))
    for path in (f"/offers/{w.aire_offer.id}", f"/pas/{w.pa.id}"):
        page = text(client.get(path))
        assert "Ask for a quote" not in page and "quote-requests" not in page, path
        assert "Book at the listed price" not in page and '/book"' not in page, path
