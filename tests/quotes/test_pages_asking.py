"""Asking for quotes through the pages: who may, what the form starts from (a plan line, a
need advert's match, listings, the shortlist), whom a planner asks for, sending the request and
every refusal (400, the field named, nothing written)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.directory.models import ShortlistItem
from marketplace.extensions import db
from marketplace.permissions import Role
from marketplace.plans.models import PlanLine
from marketplace.quotes.models import QuoteRequest
from tests.factories import link_broker, make_holder, make_need, make_offer, make_user
from tests.quotes.pages import (
    audit_rows,
    client_for,
    counts,
    date_parts,
    input_value,
    invalid,
    make_quote_world,
    page_text,
    request_form,
    text,
    written,
)

NEW = "/quote-requests/new"


@pytest.fixture
def w(session):
    world = make_quote_world()
    world.officer = make_user(Role.OFFICER, council=world.council, name="Olive Officer")
    return world


def _checked(page: str, value: str) -> bool:
    return re.search(rf'value="{re.escape(value)}"\s+checked', page) is not None


def _offered(page: str, value: str) -> bool:
    return f'value="{value}"' in page


def _selected(page: str, value: str) -> bool:
    return re.search(rf'<option value="{re.escape(value)}" selected>', page) is not None


def _offer_line(w) -> PlanLine:
    """A line of the draft plan bought from Kirkstall's offer, 2 visits a fortnight on Saturday
    afternoons, paid by the council-managed stream, from a date already past."""
    managed = next(s for s in w.budget.streams if s.kind == "managed")
    line = PlanLine(
        kind="offer",
        offer_id=w.kirk_offer.id,
        description="Saturday outings",
        frequency="fortnight",
        quantity_hundredths=200,
        unit="visits",
        unit_price_pence=2400,
        stream_id=managed.id,
        start_on=w.plan.year_start,
        days=["sat"],
        time_bands=["afternoon"],
    )
    w.plan.lines.append(line)
    db.session.commit()
    return line


# --- who may ask ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["holder", "representative", "broker"])
def test_each_planner_gets_the_form_with_the_listing_chosen(app, w, who):
    response = client_for(app, getattr(w, who)).get(f"{NEW}?offer={w.aire_offer.id}")
    page = text(response)
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Ask for quotes</h1>' in page
    assert _checked(page, f"offer:{w.aire_offer.id}")
    assert "Home care visits, Aire Valley Home Care (£22.50 per hour)" in page_text(response)
    assert ("For Ada Holder" in page) is (who != "holder")
    assert input_value(page, "holder_id") == str(w.holder.id)
    assert input_value(page, "postcode") == "LS6 1AA"  # the holder's postcode by default


@pytest.mark.parametrize("who", ["pa_user", "aire_staff", "kirk_staff", "officer"])
def test_people_who_do_not_plan_get_404(app, w, who):
    client = client_for(app, getattr(w, who))
    assert client.get(f"{NEW}?offer={w.aire_offer.id}").status_code == 404
    assert client.get(f"{NEW}?line={w.line.id}").status_code == 404
    assert client.post(NEW, data=request_form(w)).status_code == 404
    assert counts() == (0, 0, 0)


def test_signing_in_is_needed(app, w):
    response = client_for(app).get(NEW)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_someone_elses_line_advert_or_holder_is_not_found(app, w):
    stranger = client_for(app, w.stranger_broker)
    need = make_need(w.holder)
    for url in (
        f"{NEW}?line={w.line.id}",
        f"{NEW}?need={need.id}&pa={w.pa.id}",
        f"{NEW}?holder={w.holder.id}",
        f"{NEW}?line=99999",
    ):
        assert stranger.get(url).status_code == 404, url
    assert stranger.post(NEW, data=request_form(w)).status_code == 404
    broker = client_for(app, w.broker)
    other_need = make_need(w.other_holder)
    assert broker.get(f"{NEW}?holder={w.other_holder.id}").status_code == 404
    assert broker.get(f"{NEW}?need={other_need.id}&pa={w.pa.id}").status_code == 404
    refused = broker.post(NEW, data=request_form(w, holder_id=str(w.other_holder.id)))
    assert refused.status_code == 404
    assert counts() == (0, 0, 0)


# --- what the form starts from --------------------------------------------------------------------


def test_a_plan_line_fills_in_its_schedule_stream_and_provider(app, w):
    line = _offer_line(w)
    response = client_for(app, w.representative).get(f"{NEW}?line={line.id}")
    page = text(response)
    assert response.status_code == 200
    assert "Filled in from the line “Saturday outings” of the support plan." in page_text(response)
    assert 'value="Saturday outings"' in page
    assert input_value(page, "quantity_hundredths") == "2"
    assert _selected(page, "visits") and _selected(page, "fortnight")
    assert _checked(page, "sat") and not _checked(page, "mon")
    assert _checked(page, "afternoon") and not _checked(page, "morning")
    assert _checked(page, f"offer:{w.kirk_offer.id}")
    assert re.search(rf'name="line_id" type="radio" value="{line.id}" checked', page)
    assert _selected(page, str(line.stream_id))
    # The line started at the beginning of the plan year: a request starts today at the earliest.
    today = date.today()
    assert int(input_value(page, "start_on-day") or 0) == today.day
    assert int(input_value(page, "start_on-month") or 0) == today.month


def test_a_need_match_fills_in_the_adverts_hours_days_times_dates_and_area(app, w):
    start = date.today() + timedelta(days=10)
    need = make_need(
        w.holder,
        title="PA for weekday evenings",
        description="Cooking tea and a chat.",
        slots=["mon:evening", "wed:evening", "wed:afternoon"],
        hours_hundredths=750,
        start_on=start,
        end_on=start + timedelta(days=90),
        district="LS7",
    )
    response = client_for(app, w.broker).get(f"{NEW}?need={need.id}&pa={w.pa.id}")
    page = text(response)
    assert response.status_code == 200
    assert "Filled in from the advert “PA for weekday evenings”." in page_text(response)
    assert 'value="PA for weekday evenings"' in page and "Cooking tea and a chat." in page
    assert input_value(page, "quantity_hundredths") == "7.5"
    assert _selected(page, "hours") and _selected(page, "week")
    assert _checked(page, "mon") and _checked(page, "wed") and not _checked(page, "tue")
    assert _checked(page, "evening") and _checked(page, "afternoon")
    assert not _checked(page, "morning")
    assert input_value(page, "postcode") == "LS7"
    assert input_value(page, "need_id") == str(need.id)
    assert _checked(page, f"pa:{w.pa.id}")
    assert "Joanne W., personal assistant (£16.50 an hour)" in page_text(response)
    assert int(input_value(page, "start_on-day") or 0) == start.day
    assert int(input_value(page, "end_on-month") or 0) == (start + timedelta(days=90)).month


def test_a_listing_names_the_request_and_counts_in_its_unit(app, w):
    visits = make_offer(
        w.kirk, title="Evening check-in visits", price_pence=1800, price_unit="visit"
    )
    page = text(client_for(app, w.holder).get(f"{NEW}?offer={visits.id}&offer={w.aire_offer.id}"))
    assert input_value(page, "description") == "Evening check-in visits"
    assert _selected(page, "visits")
    assert _checked(page, f"offer:{visits.id}") and _checked(page, f"offer:{w.aire_offer.id}")
    assert "A new line in the plan" in page
    assert re.search(r'name="line_id" type="radio" value="new" checked', page)


def test_a_pa_asked_directly_is_chosen_and_counted_in_hours(app, w):
    page = text(client_for(app, w.holder).get(f"{NEW}?pa={w.pa.id}"))
    assert _checked(page, f"pa:{w.pa.id}") and _selected(page, "hours")
    assert "Joanne W., personal assistant (£16.50 an hour)" in page
    hidden = make_offer(w.kirk, title="Unlisted", status="draft")
    page = text(client_for(app, w.holder).get(f"{NEW}?offer={hidden.id}"))
    assert not _offered(page, f"offer:{hidden.id}")  # a listing nobody may see is not offered


def test_someone_who_plans_for_nobody_yet_is_told_so(app, w):
    lonely = make_user(Role.BROKER, name="New Broker")
    response = client_for(app, lonely).get(f"{NEW}?offer={w.aire_offer.id}")
    assert response.status_code == 200
    assert "You do not plan for anyone yet." in page_text(response)


def test_the_shortlist_is_offered_beside_the_chosen_unchecked(app, w):
    free = make_offer(w.kirk, title="Coffee morning", price_pence=0, price_unit="free")
    for item in (
        ShortlistItem(user_id=w.broker.id, offer_id=w.kirk_offer.id),
        ShortlistItem(user_id=w.broker.id, offer_id=free.id),
        ShortlistItem(user_id=w.broker.id, pa_profile_id=w.pa.id),
    ):
        db.session.add(item)
    db.session.commit()
    page = text(client_for(app, w.broker).get(f"{NEW}?offer={w.aire_offer.id}"))
    assert _checked(page, f"offer:{w.aire_offer.id}")
    assert _offered(page, f"offer:{w.kirk_offer.id}")
    assert not _checked(page, f"offer:{w.kirk_offer.id}")
    assert _offered(page, f"pa:{w.pa.id}") and not _checked(page, f"pa:{w.pa.id}")
    assert not _offered(page, f"offer:{free.id}")  # free: added to a plan without a quote
    # Someone else's shortlist is not offered.
    other = text(client_for(app, w.representative).get(NEW))
    assert not _offered(other, f"offer:{w.kirk_offer.id}")
    assert "You have not chosen anyone to ask yet" in other


def test_a_planner_for_several_people_chooses_whom_first(app, w):
    second = make_holder(w.council, name="Bob Second")
    link_broker(second, w.broker)
    client = client_for(app, w.broker)
    response = client.get(f"{NEW}?offer={w.aire_offer.id}&offer=abc")
    page = text(response)
    assert response.status_code == 200
    assert "Who are the quotes for?" in page
    assert "Ada Holder" in page and "Bob Second" in page and "Olga Other" not in page
    assert f'<input type="hidden" name="offer" value="{w.aire_offer.id}">' in page
    assert 'value="abc"' not in page
    chosen = text(client.get(f"{NEW}?offer={w.aire_offer.id}&holder={second.id}"))
    assert "For Bob Second" in chosen and _checked(chosen, f"offer:{w.aire_offer.id}")
    assert input_value(chosen, "holder_id") == str(second.id)
    assert "has no draft support plan" in chosen  # Bob has none: the price stays on the quote
    assert f"{NEW}?offer={w.aire_offer.id}" in chosen  # "Change" who it is for


def test_showing_the_form_records_the_read_of_the_holders_record(app, w):
    client_for(app, w.broker).get(f"{NEW}?line={w.line.id}")
    [row] = audit_rows(db.session, action="read", subject_type="holder_record")
    assert (row.actor_id, row.holder_id) == (w.broker.id, w.holder.id)


# --- sending ---------------------------------------------------------------------------------------


def test_sending_asks_each_provider_and_opens_the_comparison(app, w):
    client = client_for(app, w.broker)
    response = client.post(NEW, data=request_form(w, details="Two carers are not needed."))
    assert response.status_code == 302
    request = db.session.scalars(select(QuoteRequest)).one()
    assert response.headers["Location"].endswith(f"/quote-requests/{request.id}")
    assert (request.holder_id, request.line_id, request.created_by_id) == (
        w.holder.id,
        w.line.id,
        w.broker.id,
    )
    assert request.stream_id == w.line.stream_id  # the line's own stream
    assert (request.quantity_hundredths, request.district) == (1000, "LS6")
    assert {q.organisation_id for q in request.quotes} == {w.aire.id, w.kirk.id}
    shown = page_text(client.get(response.headers["Location"]))
    assert "Asked 2 providers for quotes: Aire Valley Home Care and Kirkstall Care." in shown
    [row] = audit_rows(db.session, action="create", subject_type="quote_request")
    assert row.subject_id == request.id


def test_one_provider_and_a_new_line_of_the_plan(app, w):
    data = request_form(
        w, recipients=[f"pa:{w.pa.id}"], line_id="new", stream_id=str(w.dp.id), postcode="LS7 1AA"
    )
    response = client_for(app, w.holder).post(NEW, data=data, follow_redirects=True)
    assert "Asked Joanne W. for a quote." in page_text(response)
    request = db.session.scalars(select(QuoteRequest)).one()
    assert (request.line_id, request.plan_id, request.stream_id) == (None, w.plan.id, w.dp.id)
    assert request.district == "LS7"
    assert [q.pa_profile_id for q in request.quotes] == [w.pa.id]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"recipients": []}, "recipients", "Choose at least one provider or personal assistant"),
        ({"recipients": ["offer:99999"]}, "recipients", "Select who to ask from the list"),
        ({"description": "  "}, "description", "Say what is needed"),
        ({"details": "x" * 2001}, "details", "The details must be 2,000 characters or fewer"),
        ({"quantity_hundredths": "lots"}, "quantity_hundredths", "Enter a number"),
        ({"quantity_hundredths": "200"}, "quantity_hundredths", "A week has 168 hours"),
        ({"unit": "buckets"}, "unit", "Choose what the number counts"),
        ({"frequency": "hourly"}, "frequency", "Choose how often"),
        ({"days": ["someday"]}, "days", "Select days from the list"),
        ({"start_on": date_parts(date.today() - timedelta(days=1))}, "start_on", "today or"),
        ({"start_on": ["31", "2", "2030"]}, "start_on", "must be a real date"),
        (
            {"end_on": date_parts(date.today() + timedelta(days=2))},
            "end_on",
            "The end date must be the same as or after the start date",
        ),
        ({"postcode": "ZZ99 9ZZ"}, "postcode", "We do not know the postcode district ZZ99"),
        ({"line_id": "99999"}, "line_id", "Choose a line of this person's draft plan"),
        ({"line_id": "nonsense"}, "line_id", "Choose a line of the plan, or a new line"),
        ({"stream_id": "99999"}, "stream_id", "Choose one of this person's budget streams"),
    ],
)
def test_a_refused_request_names_the_field_and_writes_nothing(app, w, changes, field, message):
    before = written()
    response = client_for(app, w.broker).post(NEW, data=request_form(w, **changes))
    words = invalid(response)
    assert message in words, words[:1500]
    page = text(response)
    assert f'href="#{field}' in page  # the summary links to the field
    assert "govuk-form-group--error" in page
    assert written() == before


def test_no_one_to_ask_is_said_with_the_other_mistakes_at_once(app, w):
    before = written()
    response = client_for(app, w.broker).post(
        NEW, data=request_form(w, recipients=[], quantity_hundredths="lots")
    )
    words = invalid(response)
    assert "Choose at least one provider or personal assistant to ask" in words
    assert "Enter a number" in words
    assert written() == before


def test_a_free_listing_is_refused_with_why(app, w):
    free = make_offer(w.kirk, title="Coffee morning", price_pence=0, price_unit="free")
    response = client_for(app, w.broker).post(
        NEW, data=request_form(w, recipients=[f"offer:{free.id}"])
    )
    assert "“Coffee morning” is free: add it to the plan without asking" in invalid(response)
    assert counts() == (0, 0, 0)


def test_a_refused_form_keeps_what_was_typed(app, w):
    data = request_form(w, description="", details="Please bring a hoist.", postcode="LS7 1AA")
    page = text(client_for(app, w.broker).post(NEW, data=data))
    assert "Please bring a hoist." in page and 'value="LS7 1AA"' in page
    assert _checked(page, f"offer:{w.aire_offer.id}") and _checked(page, f"offer:{w.kirk_offer.id}")


def test_the_form_carries_a_csrf_token_and_a_post_without_one_is_refused(app, w):
    client = client_for(app, w.broker)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = text(client.get(f"{NEW}?offer={w.aire_offer.id}"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token is not None
        assert client.post(NEW, data=request_form(w)).status_code == 400
        assert counts() == (0, 0, 0)
        done = client.post(NEW, data={**request_form(w), "csrf_token": token.group(1)})
        assert done.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert counts()[:2] == (1, 2)
