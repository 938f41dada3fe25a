"""The personal assistant's side of need adverts: the adverts that fit them (never naming the
holder), saying they are interested, withdrawing, and what they see once written to."""

from __future__ import annotations

import re

import pytest

from marketplace.needs.models import NeedAdvert, NeedInterest
from marketplace.permissions import Role
from tests.factories import make_need, make_pa, make_user
from tests.needs.pages_world import (
    client_for,
    count,
    forms_without_token,
    mail_to,
    make_world,
    text,
)


@pytest.fixture
def world(session):
    return make_world()


def _no_holder_in(page: str, world) -> None:
    """The privacy rule: nothing that identifies the holder or where they live."""
    for secret in ("Ada Holder", "LS6 1AA", world.holder.email, f"/holders/{world.holder.id}"):
        assert secret not in page, secret


def test_a_pa_sees_the_adverts_that_fit_them_and_why(app, session, world):
    make_need(world.other_holder, title="Sunday nights", slots=["sun:night"])  # not free then
    make_need(world.other_holder, title="Far away", district="EH1")
    page = text(client_for(app, world.pa_user).get("/pa/needs"))
    assert "Adverts for you" in page and "2 adverts fit you" in page  # the world's two
    assert "PA for weekday mornings" in page and f'href="/pa/needs/{world.need.id}"' in page
    assert "Sunday nights" not in page and "Far away" not in page
    assert "LS6" in page and "under 1 km from you" in page
    assert "Monday morning; Wednesday morning" in page and "£14.00 an hour" in page
    assert re.search(r"Score \d+ out of 100", page)
    assert "Why this fits you" in page and "Availability" in page
    assert "You have not replied to an advert yet" in page
    _no_holder_in(page, world)


def test_a_pa_without_a_published_profile_is_told_how_to_get_one(app, session, world):
    draft = make_pa(make_user(Role.PA), status="draft")
    for user in (draft.user, make_user(Role.PA)):
        client = client_for(app, user)
        response = client.get("/pa/needs")
        page = text(response)
        assert response.status_code == 200
        assert "Create and publish your personal assistant profile" in page
        assert 'href="/your-listings"' in page
        assert client.get(f"/pa/needs/{world.need.id}").status_code == 404


def test_one_advert_as_the_pa_sees_it_names_only_the_area(app, session, world):
    page = text(client_for(app, world.pa_user).get(f"/pa/needs/{world.need.id}"))
    assert "PA for weekday mornings" in page and "Advert in LS6" in page
    assert "Help getting up, breakfast and a walk." in page
    assert "Why this fits you" in page and "I&#39;m interested" in page
    _no_holder_in(page, world)


def test_an_advert_with_preferences_shows_them_to_the_pa(app, session, world):
    need = make_need(world.holder, preferred_gender="female", non_smoker=True)
    page = text(client_for(app, world.pa_user).get(f"/pa/needs/{need.id}"))
    assert "Female personal assistant preferred" in page and "Must not smoke" in page
    _no_holder_in(page, world)


@pytest.mark.parametrize("who", ["holder", "broker", "officer"])
def test_the_pa_pages_are_not_found_for_other_roles(app, session, world, who):
    client = client_for(app, getattr(world, who))
    assert client.get("/pa/needs").status_code == 404
    assert client.get(f"/pa/needs/{world.need.id}").status_code == 404
    assert client.post(f"/pa/needs/{world.need.id}/interest").status_code == 404
    assert count(session, NeedInterest) == 0


def test_an_advert_out_of_range_or_closed_is_not_found(app, session, world):
    far = make_need(world.other_holder, district="EH1")
    closed = make_need(world.other_holder, status="closed", closed_at=world.need.created_at)
    client = client_for(app, world.pa_user)
    for need in (far, closed):
        assert client.get(f"/pa/needs/{need.id}").status_code == 404
        assert client.post(f"/pa/needs/{need.id}/interest").status_code == 404
    assert client.get("/pa/needs/99999").status_code == 404
    assert count(session, NeedInterest) == 0


def test_saying_i_am_interested_tells_the_holders_side(app, session, world):
    client = client_for(app, world.pa_user)
    response = client.post(f"/pa/needs/{world.need.id}/interest", data={"note": "I live nearby"})
    assert response.status_code == 302
    interest = session.query(NeedInterest).one()
    assert (interest.pa_profile_id, interest.note, interest.active) == (
        world.pa.id,
        "I live nearby",
        True,
    )
    [mail] = mail_to(session, world.holder.email)
    assert mail.subject == "A personal assistant is interested: PA for weekday mornings"
    assert "Pat Near" in mail.body and f"/needs/{world.need.id}" in mail.body
    page = text(client.get(f"/pa/needs/{world.need.id}"))
    assert "You said you are interested" in page and "Withdraw my interest" in page
    _no_holder_in(page, world)
    replies = text(client.get("/pa/needs"))
    assert "Adverts you replied to" in replies and "Sent" in replies
    _no_holder_in(replies, world)


def test_a_note_too_long_is_refused_and_nothing_saved(app, session, world):
    response = client_for(app, world.pa_user).post(
        f"/pa/needs/{world.need.id}/interest", data={"note": "x" * 1001}
    )
    page = text(response)
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert "The note must be 1,000 characters or fewer" in page
    assert count(session, NeedInterest) == 0


def test_a_pa_a_hard_constraint_excludes_is_told_why_and_nothing_saved(app, session, world):
    strict = make_need(world.other_holder, title="Checks needed", required_checks=["pvg"])
    client = client_for(app, world.pa_user)
    page = text(client.get(f"/pa/needs/{strict.id}"))
    assert "You cannot reply to this advert" in page and "PVG" in page
    response = client.post(f"/pa/needs/{strict.id}/interest", data={"note": ""})
    page = text(response)
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert "You cannot reply to this advert" in page and "PVG" in page
    assert count(session, NeedInterest) == 0
    assert mail_to(session, world.other_holder.email) == []


def test_withdrawing_and_then_replying_to_a_closed_advert(app, session, world):
    client = client_for(app, world.pa_user)
    client.post(f"/pa/needs/{world.need.id}/interest", data={"note": ""})
    response = client.post(f"/pa/needs/{world.need.id}/interest/withdraw")
    assert response.status_code == 302
    interest = session.query(NeedInterest).one()
    assert not interest.active
    page = text(client.get(f"/pa/needs/{world.need.id}"))
    assert "You withdrew your interest" in page
    again = client.post(f"/pa/needs/{world.need.id}/interest/withdraw")
    assert again.status_code == 409 and "You have not said you are interested" in text(again)
    client_for(app, world.holder).post(f"/needs/{world.need.id}/close")
    closed = client.post(f"/pa/needs/{world.need.id}/interest", data={"note": "Still keen"})
    page = text(closed)
    assert closed.status_code == 409 and "This advert has closed" in page
    session.expire_all()
    assert not session.get(NeedInterest, interest.id).active
    assert not session.get(NeedAdvert, world.need.id).is_open


def test_the_pa_sees_the_holders_name_only_once_written_to(app, session, world):
    pa = client_for(app, world.pa_user)
    assert text(pa.get("/messages")).count("Ada Holder") == 0
    client_for(app, world.holder).post(
        f"/needs/{world.need.id}/pas/{world.pa.id}/conversation", data={"body": "Hello Pat"}
    )
    messages = text(pa.get("/messages"))
    assert "Ada Holder" in messages and "Hello Pat" in messages and "Unread" in messages
    advert = text(pa.get(f"/pa/needs/{world.need.id}"))
    assert "Open the conversation about this advert" in advert
    assert "LS6 1AA" not in advert


def test_the_pa_forms_carry_a_csrf_token_and_a_post_without_one_is_refused(app, session, world):
    client = client_for(app, world.pa_user)
    client.post(f"/pa/needs/{world.need.id}/interest", data={"note": ""})
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = text(client.get(f"/pa/needs/{world.need.id}"))
        assert forms_without_token(page) == []
        refused = client.post(f"/pa/needs/{world.need.id}/interest/withdraw")
        assert refused.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    session.expire_all()
    assert session.query(NeedInterest).one().active
