"""The holder pages as people use them: forms, flows, error summaries, audit rows for reads."""

from __future__ import annotations

import re

import pytest

from marketplace.holders.models import BrokerLink, HolderRecord, Representation
from marketplace.permissions import Role
from tests.factories import (
    link_broker,
    link_representative,
    make_budget,
    make_holder,
    make_plan,
    make_user,
)
from tests.holders.conftest import audit_rows, count, mail_to
from tests.listings.helpers import client_for, text


def _error_summary(response) -> str:
    page = text(response)
    assert response.status_code == 400, page[:300]
    assert "govuk-error-summary" in page
    return page


# --- dashboard -----------------------------------------------------------------------------------


def test_the_dashboard_shows_the_budget_by_stream_the_plan_and_who_acts(app, session, world):
    make_budget(
        world.holder,
        world.leeds,
        streams=(("dp", 936_000), ("managed", 624_000), ("other", 52_000)),
    )
    make_plan(world.holder, status="submitted", council=world.leeds, outcomes=("community",))
    link_representative(world.holder, world.representative)
    link_broker(world.holder, world.broker, status="invited")
    page = text(client_for(app, world.holder).get(f"/holders/{world.holder.id}"))
    assert "Your budget" in page and "Direct payment" in page and "Access to Work" in page
    assert "£9,360.00" in page and "£16,120.00" in page  # a stream, and the total of all
    assert "Waiting for the council" in page and "sent today" in page
    assert "less than a day" not in page and "waiting 0 days" not in page
    assert "Being part of my community" in page
    assert "Rita Rep" in page and "Bea Broker" in page and "invited, not answered yet" in page
    assert "What you can do next" in page


def test_the_dashboard_read_is_audited(app, session, world):
    client_for(app, world.officer).get(f"/holders/{world.holder.id}")
    [row] = audit_rows(session, action="read")
    assert (row.actor_id, row.holder_id, row.subject_type, row.via) == (
        world.officer.id,
        world.holder.id,
        "holder_dashboard",
        "web",
    )


def test_the_dashboard_speaks_about_the_holder_to_others(app, session, world):
    link_broker(world.holder, world.broker)
    page = text(client_for(app, world.broker).get(f"/holders/{world.holder.id}"))
    assert "Support for" in page and "Ada Holder" in page and "Their budget" in page
    assert "has not recorded their personal budget" in page


def test_links_on_the_dashboard_point_at_real_pages(app, session, world):
    page = text(client_for(app, world.holder).get(f"/holders/{world.holder.id}"))
    hrefs = set(re.findall(r'href="(/holders/[^"]+)"', page))
    assert f"/holders/{world.holder.id}/requirements" in hrefs
    assert f"/holders/{world.holder.id}/people" in hrefs


# --- representatives -----------------------------------------------------------------------------


def test_the_holder_links_a_representative_who_then_sees_them(app, session, world):
    holder = client_for(app, world.holder)
    response = holder.post(
        f"/holders/{world.holder.id}/people/representatives",
        data={
            "representative-email": world.representative.email,
            "representative-relationship_kind": "family",
        },
    )
    assert response.status_code == 302
    assert "Rita Rep can now act for them" in text(holder.get(response.headers["Location"]))
    assert mail_to(session, world.representative.email)
    rep = client_for(app, world.representative)
    caseload = text(rep.get("/caseload"))
    assert "People you act for" in caseload and "Ada Holder" in caseload
    assert rep.get(f"/holders/{world.holder.id}").status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"representative-relationship_kind": "family"}, "Enter the representative&#39;s email"),
        (
            {"representative-email": "not-an-email", "representative-relationship_kind": "family"},
            "Enter an email address in the correct format",
        ),
        (
            {
                "representative-email": "nobody@example.com",
                "representative-relationship_kind": "family",
            },
            "no representative account",
        ),
        ({"representative-email": "rep@example.com"}, "Select how the representative knows"),
    ],
)
def test_a_bad_representative_form_shows_the_error_summary_and_saves_nothing(
    app, session, world, data, message
):
    make_user(Role.REPRESENTATIVE, email="rep@example.com")
    response = client_for(app, world.holder).post(
        f"/holders/{world.holder.id}/people/representatives", data=data
    )
    assert message in _error_summary(response)
    assert count(session, Representation) == 0


def test_linking_the_same_representative_twice_is_a_form_error(app, session, world):
    link_representative(world.holder, world.representative)
    response = client_for(app, world.holder).post(
        f"/holders/{world.holder.id}/people/representatives",
        data={
            "representative-email": world.representative.email,
            "representative-relationship_kind": "friend",
        },
    )
    assert "can already act for" in _error_summary(response)
    assert count(session, Representation) == 1


def test_revoking_a_representative_ends_their_access(app, session, world):
    link_representative(world.holder, world.representative)
    link = session.query(Representation).one()
    rep = client_for(app, world.representative)
    assert rep.get(f"/holders/{world.holder.id}").status_code == 200
    holder = client_for(app, world.holder)
    assert "Revoke" in text(holder.get(f"/holders/{world.holder.id}/people"))
    response = holder.post(f"/holders/{world.holder.id}/people/representatives/{link.id}/revoke")
    assert response.status_code == 302
    assert rep.get(f"/holders/{world.holder.id}").status_code == 404
    again = holder.post(f"/holders/{world.holder.id}/people/representatives/{link.id}/revoke")
    assert again.status_code == 409


def test_a_capable_holders_representative_sees_the_links_but_cannot_change_them(
    app, session, world
):
    link_representative(world.holder, world.representative)
    rep = client_for(app, world.representative)
    page = text(rep.get(f"/holders/{world.holder.id}/people"))
    assert "Link representative" not in page and "Revoke" not in page
    link = session.query(Representation).one()
    response = rep.post(f"/holders/{world.holder.id}/people/representatives/{link.id}/revoke")
    assert response.status_code == 403
    assert session.get(Representation, link.id).active


def test_an_officer_links_a_representative_for_someone_who_lacks_capacity(app, session, world):
    officer = client_for(app, world.officer)
    assert "Link representative" not in text(officer.get(f"/holders/{world.holder.id}/people"))
    response = officer.post(f"/holders/{world.holder.id}/capacity", data={"lacks_capacity": "yes"})
    assert response.status_code == 302
    assert "Link representative" in text(officer.get(f"/holders/{world.holder.id}/people"))
    response = officer.post(
        f"/holders/{world.holder.id}/people/representatives",
        data={
            "representative-email": world.representative.email,
            "representative-relationship_kind": "suitable_person",
        },
    )
    assert response.status_code == 302
    assert session.query(Representation).one().linked_by_id == world.officer.id
    holder_page = text(client_for(app, world.holder).get(f"/holders/{world.holder.id}/people"))
    assert (
        "recorded as lacking capacity" in holder_page and "Link representative" not in holder_page
    )


# --- brokers -------------------------------------------------------------------------------------


def test_invite_accept_and_end_a_broker(app, session, world):
    holder = client_for(app, world.holder)
    response = holder.post(
        f"/holders/{world.holder.id}/people/broker", data={"broker-email": world.broker.email}
    )
    assert response.status_code == 302
    assert mail_to(session, world.broker.email)
    broker = client_for(app, world.broker)
    assert broker.get(f"/holders/{world.holder.id}").status_code == 404
    caseload = text(broker.get("/caseload"))
    assert "Invitations" in caseload and "Ada Holder" in caseload
    link = session.query(BrokerLink).one()

    assert broker.post(f"/caseload/invitations/{link.id}/accept").status_code == 302
    assert broker.get(f"/holders/{world.holder.id}").status_code == 200
    caseload = text(broker.get("/caseload"))
    assert "You have no invitations waiting" in caseload and "Ada Holder" in caseload
    twice = broker.post(f"/caseload/invitations/{link.id}/accept")
    assert twice.status_code == 409 and "already accepted" in text(twice)

    assert "End the link with Bea Broker" in text(holder.get(f"/holders/{world.holder.id}/people"))
    assert holder.post(f"/holders/{world.holder.id}/people/broker/{link.id}/end").status_code == 302
    assert broker.get(f"/holders/{world.holder.id}").status_code == 404
    assert holder.post(f"/holders/{world.holder.id}/people/broker/{link.id}/end").status_code == 409


def test_a_broker_declines_an_invitation(app, session, world):
    link_broker(world.holder, world.broker, status="invited")
    link = session.query(BrokerLink).one()
    broker = client_for(app, world.broker)
    assert broker.post(f"/caseload/invitations/{link.id}/decline").status_code == 302
    session.expire_all()
    assert session.get(BrokerLink, link.id).status == "declined"
    assert broker.post(f"/caseload/invitations/{link.id}/accept").status_code == 409


def test_another_brokers_invitation_is_not_found(app, session, world):
    link_broker(world.holder, world.broker, status="invited")
    link = session.query(BrokerLink).one()
    other = client_for(app, make_user(Role.BROKER))
    assert other.post(f"/caseload/invitations/{link.id}/accept").status_code == 404


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter the broker&#39;s email address"),
        ("nobody@example.com", "no broker account"),
        ("second", "Withdraw that invitation before inviting another broker"),
    ],
)
def test_a_bad_invitation_shows_the_error_summary(app, session, world, email, message):
    second = make_user(Role.BROKER)
    link_broker(world.holder, world.broker, status="invited")
    response = client_for(app, world.holder).post(
        f"/holders/{world.holder.id}/people/broker",
        data={"broker-email": second.email if email == "second" else email},
    )
    assert message in _error_summary(response)
    assert count(session, BrokerLink) == 1


def test_an_officer_assigns_a_broker(app, session, world):
    officer = client_for(app, world.officer)
    page = text(officer.get(f"/holders/{world.holder.id}/people"))
    assert "Assign a broker" in page and "Invite a broker" not in page
    response = officer.post(
        f"/holders/{world.holder.id}/people/broker/assign",
        data={"broker-email": world.broker.email},
    )
    assert response.status_code == 302
    assert session.query(BrokerLink).one().status == "active"
    assert mail_to(session, world.holder.email) and mail_to(session, world.broker.email)
    caseload = text(client_for(app, world.broker).get("/caseload"))
    assert "Ada Holder" in caseload


def test_a_holder_cannot_use_the_officers_assign_form(app, session, world):
    response = client_for(app, world.holder).post(
        f"/holders/{world.holder.id}/people/broker/assign",
        data={"broker-email": world.broker.email},
    )
    assert response.status_code == 403
    assert count(session, BrokerLink) == 0


def test_the_caseload_shows_each_holders_budget_and_plan_and_audits_the_read(app, session, world):
    link_broker(world.holder, world.broker)
    make_budget(world.holder, world.leeds, streams=(("dp", 520_000),))
    make_plan(world.holder, status="approved", council=world.leeds)
    page = text(client_for(app, world.broker).get("/caseload"))
    assert "£5,200.00" in page and "Approved" in page
    [row] = audit_rows(session, action="read")
    assert (row.actor_id, row.holder_id, row.subject_type) == (
        world.broker.id,
        world.holder.id,
        "holder_summary",
    )


# --- requirements --------------------------------------------------------------------------------


def _requirements(**overrides):
    data = {
        "postcode": "LS7 3HB",
        "required_checks": ["enhanced_dbs"],
        "preferred_gender": "female",
        "languages": ["en", "ur"],
        "needs_driver": "y",
        "other_preferences": "Please take your shoes off.",
    }
    data.update(overrides)
    return data


def test_the_holder_saves_their_requirements(app, session, world):
    client = client_for(app, world.holder)
    page = client.get(f"/holders/{world.holder.id}/requirements")
    assert page.status_code == 200 and 'value="LS6 1AA"' in text(page)
    response = client.post(f"/holders/{world.holder.id}/requirements", data=_requirements())
    assert response.status_code == 302
    session.expire_all()
    record = session.get(HolderRecord, world.holder.id)
    assert (record.postcode, record.required_checks, record.languages) == (
        "LS7 3HB",
        ["enhanced_dbs"],
        ["en", "ur"],
    )
    assert (record.needs_driver, record.non_smoker) == (True, False)
    assert 'value="LS7 3HB"' in text(client.get(f"/holders/{world.holder.id}/requirements"))
    reads = audit_rows(session, action="read", subject_type="holder_record")
    assert len(reads) == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"postcode": "ZZ9 9ZZ"}, "We do not know the postcode district ZZ9"),
        ({"postcode": ""}, "Enter a postcode"),
        ({"languages": ["xx"]}, "Select languages they should speak from the list"),
        ({"preferred_gender": "robot"}, "Select a preference from the list"),
        ({"other_preferences": "x" * 2001}, "2,000 characters or fewer"),
    ],
)
def test_bad_requirements_show_the_error_summary_and_save_nothing(
    app, session, world, overrides, message
):
    response = client_for(app, world.holder).post(
        f"/holders/{world.holder.id}/requirements", data=_requirements(**overrides)
    )
    assert message in _error_summary(response)
    session.expire_all()
    record = session.get(HolderRecord, world.holder.id)
    assert (record.postcode, record.languages) == ("LS6 1AA", [])


def test_an_officer_sees_requirements_read_only_and_records_capacity(app, session, world):
    officer = client_for(app, world.officer)
    page = text(officer.get(f"/holders/{world.holder.id}/requirements"))
    assert "Save requirements" not in page and "lack capacity" in page
    response = officer.post(f"/holders/{world.holder.id}/requirements", data=_requirements())
    assert response.status_code == 403
    assert "Select yes if the person lacks capacity" in _error_summary(
        officer.post(f"/holders/{world.holder.id}/capacity", data={})
    )
    assert (
        officer.post(
            f"/holders/{world.holder.id}/capacity", data={"lacks_capacity": "yes"}
        ).status_code
        == 302
    )
    session.expire_all()
    assert session.get(HolderRecord, world.holder.id).lacks_capacity is True


def test_only_officers_reach_the_capacity_form(app, session, world):
    response = client_for(app, world.holder).post(
        f"/holders/{world.holder.id}/capacity", data={"lacks_capacity": "no"}
    )
    assert response.status_code == 404


# --- a council's people --------------------------------------------------------------------------


def test_the_officer_lists_searches_and_adds_holders(app, session, world):
    make_holder(world.leeds, name="Bo Able")
    make_budget(world.holder, world.leeds, streams=(("dp", 520_000),))
    newcomer = make_holder(None, name="Cy New")
    officer = client_for(app, world.officer)
    page = text(officer.get("/council/people"))
    assert "Ada Holder" in page and "Bo Able" in page and "£5,200.00" in page
    assert f'href="/holders/{world.holder.id}"' in page
    assert len(audit_rows(session, action="read", subject_type="holder_summary")) == 2
    found = text(officer.get("/council/people?q=able"))
    assert "Bo Able" in found and "Ada Holder" not in found

    response = officer.post("/council/people", data={"email": newcomer.email})
    assert response.status_code == 302
    assert "Cy New" in text(officer.get("/council/people"))


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.com", "No budget holder account uses that email"),
        ("theirs", "recorded with another council"),
        ("", "Enter the budget holder&#39;s email address"),
        ("nonsense", "Enter an email address in the correct format"),
    ],
)
def test_adding_a_holder_that_cannot_be_added_shows_the_error_summary(
    app, session, world, email, message
):
    theirs = make_holder(world.bradford, district="BD1")
    response = client_for(app, world.officer).post(
        "/council/people", data={"email": theirs.email if email == "theirs" else email}
    )
    assert message in _error_summary(response)
    session.expire_all()
    assert session.get(HolderRecord, theirs.id).council_id == world.bradford.id


def test_a_page_past_the_last_is_not_found(app, world):
    assert client_for(app, world.officer).get("/council/people?page=9").status_code == 404


def test_navigation_shows_each_role_its_care_pages(app, world):
    cases = {
        world.holder: ("Your support", "/my-support"),
        world.representative: ("People you act for", "/caseload"),
        world.broker: ("Caseload", "/caseload"),
        world.officer: ("People", "/council/people"),
    }
    officer_page = text(client_for(app, world.officer).get("/"))
    assert "Council work" in officer_page and 'href="/council/plans"' in officer_page
    for user, (label, href) in cases.items():
        page = text(client_for(app, user).get("/"))
        assert f'href="{href}"' in page and label in page, user.role


def _forms_without_token(page: str) -> list[str]:
    forms = re.findall(r'<form[^>]*method="post".*?</form>', page, flags=re.S)
    assert forms
    # A prefixed form's token is "<prefix>-csrf_token"; Flask-WTF accepts either.
    return [form[:120] for form in forms if not re.search(r'name="([\w]+-)?csrf_token"', form)]


def test_every_form_carries_a_csrf_token_and_a_post_without_one_is_refused(app, session, world):
    link_broker(make_holder(world.leeds), world.broker, status="invited")
    link_representative(world.holder, world.representative)
    holder, officer = client_for(app, world.holder), client_for(app, world.officer)
    broker = client_for(app, world.broker)
    base = f"/holders/{world.holder.id}"
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        pages = [
            holder.get(f"{base}/people"),
            holder.get(f"{base}/requirements"),
            officer.get(f"{base}/people"),
            officer.get(f"{base}/requirements"),
            officer.get("/council/people"),
            broker.get("/caseload"),
        ]
        for response in pages:
            assert response.status_code == 200
            assert _forms_without_token(text(response)) == []
        refused = holder.post(f"{base}/people/broker", data={"broker-email": world.broker.email})
        assert refused.status_code == 400
        link = session.query(Representation).one()
        assert holder.post(f"{base}/people/representatives/{link.id}/revoke").status_code == 400
        page = text(holder.get(f"{base}/people"))
        token = re.search(r'name="broker-csrf_token" type="hidden" value="([^"]+)"', page)
        assert token is not None
        accepted = holder.post(
            f"{base}/people/broker",
            data={"broker-csrf_token": token.group(1), "broker-email": world.broker.email},
        )
        assert accepted.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert count(session, BrokerLink) == 2  # the other holder's, and the one with a token
    assert session.get(Representation, link.id).active
