"""The holder's side of need adverts as people use it: their adverts, posting one, the matches
page with each score's reasons, writing to a PA, adding a match to the plan, closing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from marketplace.holders.models import HolderRecord
from marketplace.messages.models import Message, MessageThread
from marketplace.needs.models import NeedAdvert, NeedInterest
from marketplace.permissions import Role
from tests.factories import make_need, make_offer, make_pa, make_plan, make_user
from tests.needs.pages_world import (
    START,
    audit_rows,
    client_for,
    count,
    date_parts,
    forms_without_token,
    mail_to,
    make_world,
    need_form,
    text,
)


@pytest.fixture
def world(session):
    return make_world()


def _invalid(response) -> str:
    page = text(response)
    assert response.status_code == 400, page[:500]
    assert "govuk-error-summary" in page
    return page


# --- who may see what ----------------------------------------------------------------------------


def test_each_planner_sees_the_holders_adverts_with_replies(app, session, world):
    session.add(NeedInterest(need_id=world.need.id, pa_profile_id=world.pa.id, note="Hi"))
    session.commit()
    page = text(client_for(app, world.holder).get("/needs"))
    assert "Your adverts" in page and "PA for weekday mornings" in page
    assert f'href="/needs/{world.need.id}"' in page
    assert f'href="/holders/{world.holder.id}/needs/new"' in page  # "Post an advert"
    assert "Someone else" not in page
    for planner in (world.broker, world.representative):
        page = text(client_for(app, planner).get("/needs"))
        assert "Ada Holder" in page and "PA for weekday mornings" in page
        assert "Olga Other" not in page


@pytest.mark.parametrize("who", ["pa_user", "officer"])
def test_people_who_do_not_plan_get_404_from_the_holders_pages(app, session, world, who):
    client = client_for(app, getattr(world, who))
    for url in (
        "/needs",
        f"/holders/{world.holder.id}/needs/new",
        f"/needs/{world.need.id}",
        f"/needs/{world.need.id}/pa/{world.pa.id}/add",
        f"/needs/{world.need.id}/pas/{world.pa.id}/conversation",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/needs/{world.need.id}/close").status_code == 404


def test_someone_elses_advert_is_not_found(app, session, world):
    client = client_for(app, world.broker)
    other = world.other_need.id
    for url in (
        f"/holders/{world.other_holder.id}/needs/new",
        f"/needs/{other}",
        f"/needs/{other}/pa/{world.pa.id}/add",
        f"/needs/{other}/pas/{world.pa.id}/conversation",
        "/needs/99999",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/needs/{other}/close").status_code == 404
    session.expire_all()
    assert session.get(NeedAdvert, other).is_open


def test_signing_in_is_needed(app, session, world):
    response = client_for(app).get("/needs")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# --- posting an advert ---------------------------------------------------------------------------


def test_the_form_starts_from_the_holders_requirements(app, session, world):
    saved = session.get(HolderRecord, world.holder.id)
    saved.required_checks = ["enhanced_dbs"]
    saved.languages = ["pl"]
    saved.non_smoker = True
    session.commit()
    page = text(client_for(app, world.broker).get(f"/holders/{world.holder.id}/needs/new"))
    assert "Post an advert for a personal assistant" in page and "For Ada Holder" in page
    assert 'value="LS6 1AA"' in page
    assert re.search(r'value="enhanced_dbs"\s+checked', page)
    assert re.search(r'value="pl"\s+checked', page)
    assert re.search(r'name="non_smoker" type="checkbox" value="y" checked', page)
    assert "Do not include names, addresses" in page and "like LS6" in page
    assert "At least £12.71 an hour" in page
    soon = date.today() + timedelta(days=14)
    assert f"like {soon.day} {soon.month} {soon.year}" in page  # an example start in the future
    [row] = audit_rows(session, action="read", subject_type="holder_record")
    assert row.actor_id == world.broker.id


def test_posting_an_advert_saves_it_and_shows_its_matches(app, session, world):
    client = client_for(app, world.holder)
    response = client.post(
        f"/holders/{world.holder.id}/needs/new", data=need_form(has_pets="y", non_smoker="y")
    )
    assert response.status_code == 302
    assert count(session, NeedAdvert) == 3  # the world's two, and this one
    saved = session.query(NeedAdvert).order_by(NeedAdvert.id.desc()).first()
    assert saved.holder_id == world.holder.id and saved.posted_by_id == world.holder.id
    assert saved.hours_hundredths == 750 and saved.rate_pence == 1350
    assert saved.slots == ["mon:morning", "wed:morning"] and saved.district == "LS6"
    assert saved.start_on == START and saved.end_on is None
    assert (saved.has_pets, saved.non_smoker, saved.needs_driver) == (True, True, False)
    assert response.headers["Location"].endswith(f"/needs/{saved.id}")
    page = text(client.get(response.headers["Location"]))
    assert "is posted" in page and "Matches" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"hours_hundredths": ""}, "hours_hundredths", "Enter the hours a week you need"),
        ({"hours_hundredths": "lots"}, "hours_hundredths", "Enter the hours a week as a number"),
        ({"hours_hundredths": "200"}, "hours_hundredths", "A week has 168 hours"),
        ({"slots": []}, "slots", "Select at least one day and time"),
        (
            {"end_on": date_parts(START - timedelta(days=1))},
            "end_on",
            "must be the same as or after",
        ),
        ({"start_on": ["31", "2", "2099"]}, "start_on", "The start date must be a real date"),
        (
            {"start_on": date_parts(START + timedelta(days=366))},
            "start_on",
            "must be within a year",
        ),
        ({"rate_pence": "5"}, "rate_pence", "at least £12.71 an hour"),
        ({"rate_pence": "5000"}, "rate_pence", "check the amount"),
        ({"rate_pence": "a lot"}, "rate_pence", ""),
        ({"postcode": "ZZ9 9ZZ"}, "postcode", "We do not know the postcode district"),
        ({"title": ""}, "title", "Enter a short title"),
        ({"skills": ["juggling"]}, "skills", "from the list"),
    ],
)
def test_a_refused_advert_says_what_to_fix_and_saves_nothing(
    app, session, world, change, field, message
):
    before = count(session, NeedAdvert)
    response = client_for(app, world.holder).post(
        f"/holders/{world.holder.id}/needs/new", data=need_form(**change)
    )
    page = _invalid(response)
    assert message in page
    assert f'href="#{field}' in page  # the summary links to the field to change
    assert count(session, NeedAdvert) == before


def test_a_refused_advert_keeps_what_was_typed(app, session, world):
    response = client_for(app, world.holder).post(
        f"/holders/{world.holder.id}/needs/new",
        data=need_form(rate_pence="5", title="Evening help", slots=["fri:evening"]),
    )
    page = _invalid(response)
    assert 'value="Evening help"' in page
    assert re.search(r'value="fri:evening"\s+checked', page)


# --- the matches page ----------------------------------------------------------------------------


def test_the_matches_page_ranks_matches_and_explains_each_score(app, session, world):
    make_pa(make_user(Role.PA, name="Quinn Partial"), availability=["wed:morning"], skills=[])
    make_pa(make_user(Role.PA, name="Far Frank"), home_district="LS7", travel_km=1)
    make_pa(make_user(Role.PA, name="Busy Bob"), availability=["sun:night"])
    client = client_for(app, world.holder)
    page = text(client.get(f"/needs/{world.need.id}"))
    assert "PA for weekday mornings" in page and "Your advert" in page
    assert "Monday morning; Wednesday morning" in page and "£14.00 an hour" in page
    matches, not_matched = page.split('id="not-matched"')
    assert matches.index("Pat Near") < matches.index("Quinn Partial")
    assert re.search(r"Score \d+ out of 100", matches)
    # The parts table: every part, its points and the reason, in the page itself.
    for label in ("Availability", "Distance", "Skills and tasks", "Checks", "Pay rate"):
        assert f'<th scope="row" class="govuk-table__header">{label}</th>' in matches
    assert re.search(r"\d+ of 30", matches)
    assert "Free for" in matches or "free" in matches.lower()
    assert f'href="/pas/{world.pa.id}"' in matches
    assert f'href="/needs/{world.need.id}/pa/{world.pa.id}/add"' in matches
    assert f'href="/needs/{world.need.id}/pas/{world.pa.id}/conversation"' in matches
    assert "Write to Pat Near" in matches
    # Excluded: named with the reason, not ranked.
    assert "Busy Bob" in not_matched and "Not free at any of the times wanted" in not_matched
    assert "Far Frank" in not_matched and "travels up to 1 km" in not_matched
    assert "Busy Bob" not in matches and "Far Frank" not in matches


def test_an_advert_with_every_preference_shows_them_all(app, session, world):
    need = make_need(
        world.holder,
        title="PA who drives",
        preferred_gender="female",
        needs_driver=True,
        non_smoker=True,
        has_pets=True,
    )
    page = text(client_for(app, world.holder).get(f"/needs/{need.id}"))
    for wanted in (
        "Female personal assistant preferred",
        "Must be able to drive",
        "Must not smoke",
        "There are pets at home",
    ):
        assert wanted in page


def test_a_pa_already_in_the_plan_is_marked_so(app, session, world):
    from marketplace.plans.models import PlanLine

    plan = make_plan(world.holder, council=world.leeds)
    page = text(client_for(app, world.holder).get(f"/needs/{world.need.id}"))
    assert "In the plan" not in page
    session.add(
        PlanLine(
            plan_id=plan.id,
            kind="pa",
            pa_profile_id=world.pa.id,
            description="Pat Near",
            unit_price_pence=1650,
            start_on=date.today(),
        )
    )
    session.commit()
    session.expire_all()  # the plan's lines were read (empty) by the first page
    page = text(client_for(app, world.holder).get(f"/needs/{world.need.id}"))
    assert "In the plan" in page
    assert "Your support plan has a line for Pat Near already." in page


def test_the_matches_page_read_is_audited(app, session, world):
    client_for(app, world.representative).get(f"/needs/{world.need.id}")
    [row] = audit_rows(session, action="read", subject_type="need_advert")
    assert (row.actor_id, row.subject_id, row.holder_id) == (
        world.representative.id,
        world.need.id,
        world.holder.id,
    )


def test_a_providers_pa_service_matches_and_is_added_as_an_offer(app, session, world):
    offer = make_offer(title="Home PA service", category="personal-assistant")
    page = text(client_for(app, world.holder).get(f"/needs/{world.need.id}"))
    assert "Home PA service" in page
    assert f'href="/needs/{world.need.id}/offer/{offer.id}/add"' in page


def test_a_reply_shows_with_its_note_and_a_conversation_once_open(app, session, world):
    session.add(
        NeedInterest(need_id=world.need.id, pa_profile_id=world.pa.id, note="I live nearby")
    )
    session.commit()
    client = client_for(app, world.holder)
    page = text(client.get(f"/needs/{world.need.id}"))
    assert "1 personal assistant has replied" in page
    assert "Replied" in page and "“I live nearby”" in page
    client.post(
        f"/needs/{world.need.id}/pas/{world.pa.id}/conversation", data={"body": "Hello Pat"}
    )
    thread = session.query(MessageThread).one()
    page = text(client.get(f"/needs/{world.need.id}"))
    assert f'href="/messages/{thread.id}"' in page and "Open the conversation" in page
    assert "Write to Pat Near" not in page


def test_matches_come_twenty_to_a_page(app, session, world):
    for n in range(21):
        make_pa(make_user(Role.PA, name=f"Helper {n:02d}"))
    client = client_for(app, world.holder)
    first = text(client.get(f"/needs/{world.need.id}"))
    assert "22 matches" in first and "Showing 1 to 20" in first
    assert f'href="/needs/{world.need.id}?page=2"' in first
    second = text(client.get(f"/needs/{world.need.id}?page=2"))
    assert "Showing 21 to 22" in second
    assert client.get(f"/needs/{world.need.id}?page=3").status_code == 404
    assert client.get(f"/needs/{world.need.id}?page=x").status_code == 404


def test_not_matched_shows_the_nearest_twenty_and_counts_the_rest(app, session, world):
    for n in range(22):
        make_pa(make_user(Role.PA, name=f"Sleeper {n:02d}"), availability=["sun:sleep_in"])
    make_pa(make_user(Role.PA, name="Edinburgh Ed"), home_district="EH1", travel_km=10)
    page = text(client_for(app, world.holder).get(f"/needs/{world.need.id}"))
    not_matched = page.split('id="not-matched"')[1]
    assert not_matched.count("Not free at any of the times wanted") == 20
    assert "2 more not shown" in not_matched
    assert "1 personal assistant lives further away than they travel" in not_matched
    next_link = f'href="/needs/{world.need.id}?others=2#not-matched"'
    assert next_link in not_matched and "Next 2 not matched" in not_matched
    second = text(client_for(app, world.holder).get(f"/needs/{world.need.id}?others=2"))
    rest = second.split('id="not-matched"')[1]
    assert rest.count("Not free at any of the times wanted") == 2
    assert "more not shown" not in rest and "Previous 20 not matched" in rest
    past = client_for(app, world.holder).get(f"/needs/{world.need.id}?others=3")
    assert past.status_code == 404


# --- closing -------------------------------------------------------------------------------------


def test_closing_an_advert_tells_who_replied_and_twice_is_a_conflict(app, session, world):
    session.add(NeedInterest(need_id=world.need.id, pa_profile_id=world.pa.id))
    session.commit()
    client = client_for(app, world.broker)
    response = client.post(f"/needs/{world.need.id}/close")
    assert response.status_code == 302
    session.expire_all()
    assert not session.get(NeedAdvert, world.need.id).is_open
    assert [m.subject for m in mail_to(session, world.pa_user.email)] == [
        "An advert has closed: PA for weekday mornings"
    ]
    page = text(client.get(f"/needs/{world.need.id}"))
    assert "is closed" in page and "This advert closed on" in page
    # Read-only: the matches stay, the actions go.
    assert "Pat Near" in page and "Add to plan" not in page and "Write to" not in page
    assert "Close advert" not in page
    again = client.post(f"/needs/{world.need.id}/close")
    assert again.status_code == 409 and "This advert is closed already." in text(again)


# --- adding a match to the plan ------------------------------------------------------------------


def test_without_a_draft_plan_the_page_says_how_to_start_one(app, session, world):
    make_plan(world.holder, status="approved", council=world.leeds)
    response = client_for(app, world.holder).get(f"/needs/{world.need.id}/pa/{world.pa.id}/add")
    page = text(response)
    assert response.status_code == 200
    assert "There is no draft plan to add to" in page
    assert f'href="/holders/{world.holder.id}/plans"' in page


def test_with_a_draft_plan_add_goes_to_the_builder_prefilled_from_the_advert(app, session, world):
    plan = make_plan(world.holder, council=world.leeds)
    client = client_for(app, world.holder)
    response = client.get(f"/needs/{world.need.id}/pa/{world.pa.id}/add")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"/plans/{plan.id}/build/add?")
    assert f"pa={world.pa.id}" in location and f"need={world.need.id}" in location
    page = text(client.get(location))
    # Pat is free on Monday morning, not Wednesday's: the line takes the time they are free,
    # and half the hours, and says so.
    assert re.search(r'value="mon"\s+checked', page)
    assert not re.search(r'value="wed"\s+checked', page)
    assert not re.search(r'value="tue"\s+checked', page)
    assert re.search(r'value="morning"\s+checked', page)
    assert not re.search(r'value="evening"\s+checked', page)
    assert re.search(r'name="quantity_hundredths"[^>]*value="3"', page)
    assert "Filled in from the advert “PA for weekday mornings”" in page
    assert "(not Wednesday morning), so 3 of its 6 hours a week" in page
    assert "asks £16.50 an hour, more than the £14.00 the advert offers" in page
    assert re.search(r'<option value="hours" selected', page)
    assert re.search(r'<option value="week" selected', page)
    start = world.need.start_on
    assert re.search(rf'id="start_on-day" name="start_on" type="text"[^>]*value="{start:%d}"', page)


def test_the_builder_ignores_an_advert_of_someone_else(app, session, world):
    plan = make_plan(world.holder, council=world.leeds)
    mine_elsewhere = make_need(world.other_holder, slots=["sun:evening"], hours_hundredths=900)
    link = f"/plans/{plan.id}/build/add?pa={world.pa.id}&need="
    client = client_for(app, world.broker)
    for need_id in (mine_elsewhere.id, world.other_need.id, 99999, "x"):
        response = client.get(f"{link}{need_id}")
        page = text(response)
        assert response.status_code == 200
        assert not re.search(r'value="sun"\s+checked', page)
        assert not re.search(r'name="quantity_hundredths"[^>]*value="9"', page)


def test_an_unknown_kind_of_candidate_is_not_found(app, session, world):
    client = client_for(app, world.holder)
    assert client.get(f"/needs/{world.need.id}/holder/{world.pa.id}/add").status_code == 404


# --- writing to a PA -----------------------------------------------------------------------------


def test_writing_to_a_pa_shares_the_holders_name_and_opens_a_thread(app, session, world):
    client = client_for(app, world.broker)
    url = f"/needs/{world.need.id}/pas/{world.pa.id}/conversation"
    page = text(client.get(url))
    assert "Write to Pat Near" in page
    assert "Pat Near will see Ada Holder's name, not their address" in page
    response = client.post(url, data={"body": "Hello Pat, could we talk on Monday?"})
    assert response.status_code == 302
    thread = session.query(MessageThread).one()
    assert response.headers["Location"].endswith(f"/messages/{thread.id}")
    assert [m.body for m in thread.messages] == ["Hello Pat, could we talk on Monday?"]
    assert [m.subject for m in mail_to(session, world.pa_user.email)] == [
        f"New message: {thread.subject}"
    ]
    assert mail_to(session, world.broker.email)  # the opener's own copy
    # Writing again goes to the same conversation.
    assert client.get(url).headers["Location"].endswith(f"/messages/{thread.id}")


def test_the_holder_writing_is_told_it_shares_their_own_name(app, session, world):
    client = client_for(app, world.holder)
    url = f"/needs/{world.need.id}/pas/{world.pa.id}/conversation"
    assert "Pat Near will see your name, not your address" in text(client.get(url))
    page = text(client.post(url, data={"body": "Hello Pat"}, follow_redirects=True))
    assert "Pat Near can now see your name, not your address." in page
    [copy] = mail_to(session, world.holder.email)
    assert "They can now see your name, not your address." in copy.body


@pytest.mark.parametrize(("body", "message"), [("   ", "Enter a message"), ("x" * 5001, "5,000")])
def test_an_empty_or_long_first_message_is_refused(app, session, world, body, message):
    response = client_for(app, world.holder).post(
        f"/needs/{world.need.id}/pas/{world.pa.id}/conversation", data={"body": body}
    )
    page = _invalid(response)
    assert message in page and 'href="#body"' in page
    assert count(session, MessageThread) == 0 and count(session, Message) == 0


def test_writing_to_a_pa_who_does_not_match_is_not_found(app, session, world):
    busy = make_pa(make_user(Role.PA), availability=["sun:night"])
    hidden = make_pa(make_user(Role.PA), status="draft")
    client = client_for(app, world.holder)
    url = f"/needs/{world.need.id}/pas/{busy.id}/conversation"
    assert client.post(url, data={"body": "Hello"}).status_code == 404
    assert client.get(f"/needs/{world.need.id}/pas/{hidden.id}/conversation").status_code == 404
    assert count(session, MessageThread) == 0


# --- links and forms -----------------------------------------------------------------------------


def test_the_holders_pages_link_to_posting_an_advert(app, session, world):
    new = f'href="/holders/{world.holder.id}/needs/new"'
    assert new in text(client_for(app, world.holder).get(f"/holders/{world.holder.id}"))
    plan = make_plan(world.holder, council=world.leeds)
    builder = text(client_for(app, world.broker).get(f"/plans/{plan.id}/build"))
    assert new in builder and "Post an advert for a personal assistant" in builder
    officer = text(client_for(app, world.officer).get(f"/holders/{world.holder.id}"))
    assert new not in officer


def test_the_navigation_offers_adverts_and_messages(app, session, world):
    holder = text(client_for(app, world.holder).get("/needs"))
    assert 'href="/needs"' in holder and 'href="/messages"' in holder
    pa = text(client_for(app, world.pa_user).get("/messages"))
    assert 'href="/pa/needs"' in pa and 'href="/needs"' not in pa


def test_every_form_carries_a_csrf_token_and_a_post_without_one_is_refused(app, session, world):
    client = client_for(app, world.holder)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url in (
            f"/holders/{world.holder.id}/needs/new",
            f"/needs/{world.need.id}",
            f"/needs/{world.need.id}/pas/{world.pa.id}/conversation",
        ):
            response = client.get(url)
            assert response.status_code == 200
            assert forms_without_token(text(response)) == []
        before = count(session, NeedAdvert)
        refused = client.post(f"/holders/{world.holder.id}/needs/new", data=need_form())
        assert refused.status_code == 400
        assert client.post(f"/needs/{world.need.id}/close").status_code == 400
        page = text(client.get(f"/holders/{world.holder.id}/needs/new"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token is not None
        accepted = client.post(
            f"/holders/{world.holder.id}/needs/new",
            data={**need_form(), "csrf_token": token.group(1)},
        )
        assert accepted.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert count(session, NeedAdvert) == before + 1
    session.expire_all()
    assert session.get(NeedAdvert, world.need.id).is_open


def test_a_need_that_starts_later_still_shows_when_it_ends(app, session, world):
    need = make_need(world.holder, end_on=date.today() + timedelta(days=60), title="Summer help")
    page = text(client_for(app, world.holder).get(f"/needs/{need.id}"))
    assert "until" in page and "Summer help" in page
