"""'Report a problem' with a public listing, for anyone, signed in or not."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.moderation.models import Report
from marketplace.permissions import Role
from tests.directory.helpers import client_for, page_text
from tests.factories import make_offer, make_organisation, make_pa, make_user


def _reports(session) -> list[Report]:
    session.expire_all()
    return list(session.scalars(select(Report).order_by(Report.id)))


def test_the_form_asks_for_the_problem_and_details(client, session):
    offer = make_offer(title="Lunch club", category="meals")

    response = client.get(f"/report/offer/{offer.id}")

    assert response.status_code == 200
    text = page_text(response)
    assert "Lunch club" in text
    assert "<legend" in text and "What is the problem?" in text
    assert "A safeguarding concern" in text
    assert 'name="details"' in text
    assert 'name="email"' in text  # signed out: an address for a reply, if they like


def test_a_signed_out_visitor_can_report_with_an_email_address(client, session):
    offer = make_offer()

    response = client.post(
        f"/report/offer/{offer.id}",
        data={"reason": "closed", "details": "It closed last month.", "email": "Me@Example.com"},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/offers/{offer.id}")
    follow = client.get(response.headers["Location"])
    assert "Thank you. A moderator will look at your report." in page_text(follow)
    [report] = _reports(session)
    assert (report.kind, report.listing_id, report.reason) == ("offer", offer.id, "closed")
    assert report.details == "It closed last month."
    assert report.reporter_email == "me@example.com"
    assert report.reporter_id is None
    assert report.status == "open"


def test_a_signed_in_reporter_is_recorded(app, session):
    holder = make_user(Role.HOLDER)
    profile = make_pa()
    client = client_for(app, holder)

    assert 'name="email"' not in page_text(client.get(f"/report/pa_profile/{profile.id}"))
    response = client.post(
        f"/report/pa_profile/{profile.id}",
        data={"reason": "wrong_information", "details": "The rate is out of date."},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/pas/{profile.id}")
    [report] = _reports(session)
    assert report.reporter_id == holder.id
    assert report.kind == "pa_profile"


def test_an_organisation_can_be_reported(client, session):
    org = make_organisation()

    response = client.post(
        f"/report/organisation/{org.id}",
        data={"reason": "inappropriate", "details": "Rude words in the description."},
    )

    assert response.status_code == 302
    assert [r.kind for r in _reports(session)] == ["organisation"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "closed", "details": ""}, "Enter details of the problem"),
        ({"reason": "closed", "details": "   \r\n  "}, "Enter details of the problem"),
        ({"reason": "closed", "details": "x" * 2001}, "Details must be 2,000 characters or fewer"),
        ({"details": "No reason chosen"}, "Select what the problem is"),
        ({"reason": "bored", "details": "Made-up reason"}, "Select what the problem is"),
        (
            {"reason": "other", "details": "Fine", "email": "not-an-address"},
            "Enter an email address in the correct format",
        ),
    ],
)
def test_an_unusable_report_is_refused_and_nothing_is_saved(client, session, data, message):
    offer = make_offer()

    response = client.post(f"/report/offer/{offer.id}", data=data)

    assert response.status_code == 400
    text = page_text(response)
    assert "There is a problem" in text
    assert message in text
    assert _reports(session) == []


def test_details_of_exactly_the_limit_are_accepted_counting_line_ends_once(client, session):
    offer = make_offer()
    details = "a" * 999 + "\r\n" + "b" * 1000  # 2,000 characters once CRLF counts as one

    response = client.post(
        f"/report/offer/{offer.id}", data={"reason": "other", "details": details}
    )

    assert response.status_code == 302
    assert len(_reports(session)[0].details) == 2000


def test_unknown_kinds_and_hidden_listings_cannot_be_reported(client, session):
    draft = make_offer(status="draft")
    public = make_offer()

    assert client.get(f"/report/widget/{public.id}").status_code == 404
    assert client.get(f"/report/offer/{draft.id}").status_code == 404
    assert client.get("/report/offer/9999").status_code == 404
    response = client.post(
        f"/report/offer/{draft.id}", data={"reason": "other", "details": "Hidden one"}
    )
    assert response.status_code == 404
    assert _reports(session) == []
