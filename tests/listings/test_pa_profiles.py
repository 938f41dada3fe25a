"""A personal assistant's profile and checks: created as a draft, located only to the district,
edited through review once published."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.directory.models import PACheck, PAProfile
from marketplace.permissions import Role
from tests.factories import make_pa, make_user
from tests.listings.helpers import check_form, pa_form, text, version_count


def _profiles(session) -> list[PAProfile]:
    session.expire_all()
    return list(session.scalars(select(PAProfile)))


def test_a_pa_creates_a_profile_and_only_the_district_is_kept(client, session, sign_in_as):
    pa = make_user(Role.PA, name="Sam Peters")
    sign_in_as(pa)

    form = client.get("/your-listings/profile")
    assert 'value="Sam Peters"' in text(form)
    assert "<legend" in text(form) and "Monday" in text(form)  # the availability grid
    response = client.post("/your-listings/profile", data=pa_form())

    assert response.status_code == 302
    [profile] = _profiles(session)
    assert profile.user_id == pa.id and profile.status == "draft"
    assert profile.home_district == "LS6"  # never the full postcode
    assert profile.hourly_rate_pence == 1650
    assert profile.sleep_in_rate_pence is None
    assert profile.waking_night_rate_pence == 12000
    assert profile.availability == ["mon:morning", "sat:sleep_in"]
    assert profile.travel_km == 15
    assert "LS6 2AB" not in text(client.get("/your-listings/profile"))


BAD_PROFILES = [
    ({"hourly_rate": "-5"}, "hourly_rate", "cannot be negative"),
    ({"hourly_rate": ""}, "hourly_rate", "Enter your hourly rate"),
    ({"hourly_rate": "0"}, "hourly_rate", "must be more than £0"),
    ({"sleep_in_rate": "abc"}, "sleep_in_rate", "Enter an amount in pounds and pence"),
    ({"home_postcode": "ZZ99 9ZZ"}, "home_postcode", "do not know the postcode district"),
    ({"travel_km": "201"}, "travel_km", "between 0 and 200"),
    ({"travel_km": "-1"}, "travel_km", "whole number"),
    ({"experience_years": "71"}, "experience_years", "between 0 and 70"),
    ({"display_name": "x" * 121}, "display_name", "120 characters or fewer"),
    ({"employment": None}, "employment", "Select how you want to work"),
    ({"availability": ["mon:brunch"]}, "availability", "from the list"),
    ({"bio": ""}, "bio", "Enter something about yourself"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_PROFILES)
def test_a_bad_profile_is_refused_and_nothing_saved(
    client, session, sign_in_as, change, field, message
):
    sign_in_as(make_user(Role.PA))

    response = client.post("/your-listings/profile", data=pa_form(**change))

    assert response.status_code == 400
    assert message in text(response)
    assert f'href="#{field}"' in text(response)
    assert _profiles(session) == []


def test_checks_of_a_draft_profile_are_added_and_removed_in_place(client, session, sign_in_as):
    pa = make_user(Role.PA)
    profile = make_pa(pa, status="draft", checks=())
    sign_in_as(pa)

    assert client.get("/your-listings/profile/checks").status_code == 200
    response = client.post("/your-listings/profile/checks", data=check_form())
    assert response.status_code == 302
    session.expire_all()
    [check] = session.get(PAProfile, profile.id).checks
    assert (check.kind, check.issued_on, check.expires_on) == (
        "enhanced_dbs",
        date(2024, 2, 3),
        date(2027, 2, 3),
    )
    page = text(client.get("/your-listings/profile/checks"))
    assert "3 February 2024" in page and "Enhanced DBS check" in page

    response = client.post("/your-listings/profile/checks/0/remove", data={"kind": "enhanced_dbs"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(PAProfile, profile.id).checks == []


BAD_CHECKS = [
    ({"expires_on": ["1", "1", "2023"]}, "expires_on", "same as or after the date it was issued"),
    ({"issued_on": ["", "", ""]}, "issued_on", "Enter the date it was issued"),
    ({"issued_on": ["31", "2", "2024"]}, "issued_on", "must be a real date"),
    ({"issued_on": ["3", "", "2024"]}, "issued_on", "must include a month"),
    ({"kind": "passport"}, "kind", "Select the kind of check or document"),
    ({"reference": "x" * 61}, "reference", "60 characters or fewer"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_CHECKS)
def test_a_bad_check_is_refused_and_nothing_saved(
    client, session, sign_in_as, change, field, message
):
    pa = make_user(Role.PA)
    make_pa(pa, status="draft", checks=())
    sign_in_as(pa)

    response = client.post("/your-listings/profile/checks", data=check_form(**change))

    assert response.status_code == 400
    assert message in text(response)
    session.expire_all()
    assert session.scalars(select(PACheck)).all() == []


def test_a_check_issued_in_the_future_is_refused(client, session, sign_in_as):
    pa = make_user(Role.PA)
    make_pa(pa, status="draft", checks=())
    sign_in_as(pa)
    future = date.today() + timedelta(days=10)

    response = client.post(
        "/your-listings/profile/checks",
        data=check_form(
            issued_on=[str(future.day), str(future.month), str(future.year)],
            expires_on=["", "", ""],
        ),
    )

    assert response.status_code == 400
    assert "today or in the past" in text(response)


def test_a_check_added_to_a_published_profile_waits_for_review(client, session, sign_in_as):
    pa = make_user(Role.PA)
    profile = make_pa(pa, checks=("enhanced_dbs",))
    sign_in_as(pa)

    response = client.post(
        "/your-listings/profile/checks",
        data=check_form(kind="training", title="Moving and handling", expires_on=["", "", ""]),
    )

    assert response.status_code == 302
    session.expire_all()
    assert [c.kind for c in session.get(PAProfile, profile.id).checks] == ["enhanced_dbs"]
    assert version_count(session) == 1
    page = text(client.get("/your-listings/profile/checks"))
    assert "Moving and handling" in page  # the owner sees the version waiting for review


def test_removing_a_check_from_an_out_of_date_page_is_refused(client, session, sign_in_as):
    pa = make_user(Role.PA)
    make_pa(pa, status="draft", checks=("enhanced_dbs",))
    sign_in_as(pa)

    assert (
        client.post("/your-listings/profile/checks/0/remove", data={"kind": "car"}).status_code
        == 409
    )
    assert (
        client.post("/your-listings/profile/checks/5/remove", data={"kind": "car"}).status_code
        == 404
    )


def test_a_pa_without_a_profile_has_no_checks_page(client, session, sign_in_as):
    sign_in_as(make_user(Role.PA))

    assert client.get("/your-listings/profile/checks").status_code == 404
    assert client.post("/your-listings/profile/checks", data=check_form()).status_code == 404


def test_provider_staff_have_no_pa_profile_pages(client, session, sign_in_as):
    sign_in_as(make_user(Role.PROVIDER_STAFF))

    assert client.get("/your-listings/profile").status_code == 404
    assert client.get("/your-listings/profile/checks").status_code == 404


def test_someone_elses_profile_cannot_be_sent_or_withdrawn(client, session, sign_in_as):
    theirs = make_pa(status="draft")
    sign_in_as(make_user(Role.PA))

    assert client.post(f"/your-listings/pa_profile/{theirs.id}/submit").status_code == 404
    assert client.post(f"/your-listings/pa_profile/{theirs.id}/withdraw").status_code == 404
    assert version_count(session) == 0
