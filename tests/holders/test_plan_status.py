"""A plan's status and wait read the same on every page that lists it: the officers' queue, a
council's people, a caseload, the holder's dashboard and the plan pages; and a list shows the
approved plan still in force beside a newer revision."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from marketplace.clock import utcnow
from marketplace.plans.models import PlanEvent
from marketplace.plans.waiting import describe_wait
from tests.factories import link_broker, link_representative, make_plan
from tests.listings.helpers import client_for, text


def _words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _pages(app, world, plan_id):
    officer, holder = client_for(app, world.officer), client_for(app, world.holder)
    return {
        "queue": text(officer.get("/council/plans")),
        "council people": text(officer.get("/council/people")),
        "caseload": text(client_for(app, world.broker).get("/caseload")),
        "people I act for": text(client_for(app, world.representative).get("/caseload")),
        "dashboard": text(holder.get(f"/holders/{world.holder.id}")),
        "plan": text(holder.get(f"/plans/{plan_id}")),
        "plans": text(holder.get(f"/holders/{world.holder.id}/plans")),
    }


@pytest.fixture
def linked(world):
    link_broker(world.holder, world.broker)
    link_representative(world.holder, world.representative)
    return world


def test_a_just_referred_plan_shows_the_same_wait_and_tag_everywhere(app, session, linked):
    world = linked
    plan = make_plan(world.holder, status="referred", council=world.leeds)
    plan.submitted_at = utcnow() - timedelta(days=33)
    session.add(PlanEvent(plan_id=plan.id, from_status="submitted", to_status="referred"))
    session.commit()
    for name, page in _pages(app, world, plan.id).items():
        words = _words(page).lower()
        assert "waiting 33 days" in words, name
        assert "less than a day" not in words and "sent today" not in words, name
        assert 'govuk-tag--purple">Referred to a panel' in page, name
        assert "govuk-tag--yellow" not in page, name


def test_a_plan_sent_today_says_so_everywhere(app, session, linked):
    world = linked
    plan = make_plan(world.holder, status="submitted", council=world.leeds)
    for name, page in _pages(app, world, plan.id).items():
        words = _words(page).lower()
        assert "sent today" in words, name
        assert "waiting 0 days" not in words and "less than a day" not in words, name
        assert 'govuk-tag--blue">Waiting for the council' in page, name


def test_the_wait_is_described_in_words():
    assert [describe_wait(days) for days in (0, 1, 12)] == [
        "sent today",
        "waiting 1 day",
        "waiting 12 days",
    ]


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("draft", "(revision 2 in draft)"),
        ("submitted", "(revision 2 with the council) Revision 2: sent today"),
        ("rejected", "(revision 2 not approved)"),
    ],
)
def test_lists_show_the_approved_plan_in_force_beside_a_newer_revision(
    app, session, linked, status, words
):
    world = linked
    approved = make_plan(world.holder, status="approved", council=world.leeds)
    make_plan(
        world.holder,
        status=status,
        council=world.leeds if status != "draft" else None,
        revision=2,
        previous_id=approved.id,
        year_start=approved.year_start,
    )
    officer = client_for(app, world.officer)
    for client, path in (
        (officer, "/council/people"),
        (client_for(app, world.broker), "/caseload"),
        (client_for(app, world.representative), "/caseload"),
    ):
        page = _words(text(client.get(path)))
        assert f"Approved {words}" in page, path


def test_an_approved_plan_alone_reads_approved(app, session, linked):
    world = linked
    make_plan(world.holder, status="approved", council=world.leeds)
    page = _words(text(client_for(app, world.broker).get("/caseload")))
    assert "Approved" in page and "(revision" not in page
