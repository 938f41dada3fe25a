"""Moderators close reported problems with an outcome, and may suspend the listing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.directory.models import Offer
from marketplace.errors import ValidationFailed
from marketplace.mail.models import OutboxMessage
from marketplace.moderation import reports
from marketplace.moderation.models import Report
from marketplace.permissions import Role
from tests.factories import make_offer, make_user
from tests.listings.helpers import client_for, leeds_and_edinburgh, text


def _report(session, offer, **fields) -> Report:
    values = {
        "kind": "offer",
        "listing_id": offer.id,
        "reason": "wrong_information",
        "details": "The phone number is wrong.",
        "reporter_email": "visitor@example.com",
    }
    values.update(fields)
    report = Report(**values)
    session.add(report)
    session.commit()
    return report


def test_an_officer_closes_a_report_in_their_area(app, session):
    leeds, _ = leeds_and_edinburgh()
    offer = make_offer(title="Lunch club", category="meals")
    report = _report(session, offer)
    officer = make_user(Role.OFFICER, council=leeds)
    moderator = client_for(app, officer)

    listing_page = text(moderator.get("/moderation/reports"))
    assert "Lunch club" in listing_page and "The information is wrong" in listing_page
    page = moderator.get(f"/moderation/reports/{report.id}")
    assert page.status_code == 200 and "The phone number is wrong." in text(page)

    refused = moderator.post(f"/moderation/reports/{report.id}", data={"outcome": ""})
    assert refused.status_code == 400 and "Enter what you found and did" in text(refused)

    response = moderator.post(
        f"/moderation/reports/{report.id}", data={"outcome": "Provider fixed the number."}
    )
    assert response.status_code == 302
    session.expire_all()
    report = session.get(Report, report.id)
    assert (report.status, report.outcome, report.handled_by_id) == (
        "closed",
        "Provider fixed the number.",
        officer.id,
    )
    assert session.get(Offer, offer.id).status == "published"
    mail = session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "visitor@example.com")
    ).all()
    assert [m.subject for m in mail] == ["Your report about Lunch club"]
    assert "Lunch club" not in text(moderator.get("/moderation/reports"))


def test_closing_a_report_can_suspend_the_listing(app, session):
    staff = make_user(Role.PROVIDER_STAFF)
    offer = make_offer(staff.organisation, title="Minibus trips", category="transport")
    report = _report(session, offer, reason="safeguarding")
    moderator = client_for(app, make_user(Role.ADMIN))

    response = moderator.post(
        f"/moderation/reports/{report.id}",
        data={"outcome": "Driver checks missing; suspended until supplied.", "suspend": "y"},
    )

    assert response.status_code == 302
    session.expire_all()
    assert session.get(Offer, offer.id).status == "suspended"
    assert session.get(Report, report.id).status == "closed"
    owners = session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.to_address == staff.email)
    ).all()
    assert owners == ["Suspended: Minibus trips"]


def test_only_a_published_listing_is_suspended_when_closing(session):
    offer = make_offer(status="draft")
    report = _report(session, offer)
    with pytest.raises(ValidationFailed) as refused:
        reports.close_report(session, make_user(Role.ADMIN), report.id, "Checked.", suspend=True)
    assert "suspend" in refused.value.errors
    session.expire_all()
    assert session.get(Report, report.id).status == "open"


def test_an_officer_outside_the_area_cannot_see_or_close_the_report(app, session):
    _, edinburgh = leeds_and_edinburgh()
    report = _report(session, make_offer(title="Leeds gym", category="leisure-sport"))
    outside = client_for(app, make_user(Role.OFFICER, council=edinburgh))

    assert "Leeds gym" not in text(outside.get("/moderation/reports"))
    assert outside.get(f"/moderation/reports/{report.id}").status_code == 404
    assert (
        outside.post(f"/moderation/reports/{report.id}", data={"outcome": "x"}).status_code == 404
    )
    session.expire_all()
    assert session.get(Report, report.id).status == "open"
