"""Who can open which holder page: the holder, their linked representative, their active broker
and an officer of their council. Everyone else gets 404, exactly like a missing id."""

from __future__ import annotations

import pytest

from marketplace.clock import utcnow
from marketplace.holders.models import Representation
from marketplace.permissions import Role
from tests.factories import link_broker, link_representative, make_holder, make_user
from tests.listings.helpers import client_for

HOLDER_PAGES = ("", "/people", "/requirements")


@pytest.fixture
def cast(session, world):
    """Everyone who might try to open world.holder's pages, by a name for the test id."""
    link_representative(world.holder, world.representative)
    link_broker(world.holder, world.broker)
    revoked = link_representative(world.holder)
    link = session.query(Representation).filter_by(representative_id=revoked.id).one()
    link.revoked_at = utcnow()
    session.commit()
    other_holder = make_holder(world.leeds)
    return {
        "holder": world.holder,
        "representative": world.representative,
        "broker": world.broker,
        "officer": world.officer,
        "unlinked representative": make_user(Role.REPRESENTATIVE),
        "revoked representative": revoked,
        "invited broker": link_broker(world.holder, status="invited"),
        "declined broker": link_broker(world.holder, status="declined"),
        "officer of another council": world.other_officer,
        "another holder": other_holder,
        "admin": make_user(Role.ADMIN),
        "provider admin": make_user(Role.PROVIDER_ADMIN),
        "provider staff": make_user(Role.PROVIDER_STAFF),
        "personal assistant": make_user(Role.PA),
    }


ALLOWED = {"holder", "representative", "broker", "officer"}


@pytest.mark.parametrize(
    "who",
    [
        "holder",
        "representative",
        "broker",
        "officer",
        "unlinked representative",
        "revoked representative",
        "invited broker",
        "declined broker",
        "officer of another council",
        "another holder",
        "admin",
        "provider admin",
        "provider staff",
        "personal assistant",
    ],
)
def test_each_person_reaches_a_holders_pages_only_with_care_access(app, world, cast, who):
    client = client_for(app, cast[who])
    expected = 200 if who in ALLOWED else 404
    for suffix in HOLDER_PAGES:
        path = f"/holders/{world.holder.id}{suffix}"
        assert client.get(path).status_code == expected, f"{who} GET {path}"


def test_posts_to_someone_elses_holder_are_not_found(app, world, cast):
    outsider = client_for(app, cast["unlinked representative"])
    other_officer = client_for(app, cast["officer of another council"])
    base = f"/holders/{world.holder.id}"
    for client in (outsider, other_officer):
        assert client.post(f"{base}/people/representatives", data={}).status_code == 404
        assert client.post(f"{base}/people/broker", data={}).status_code == 404
        assert client.post(f"{base}/requirements", data={"postcode": "LS6 1AA"}).status_code == 404
    assert other_officer.post(f"{base}/people/broker/assign", data={}).status_code == 404
    assert other_officer.post(f"{base}/capacity", data={"lacks_capacity": "yes"}).status_code == 404


def test_a_missing_holder_or_a_non_holder_id_is_not_found(app, world):
    client = client_for(app, world.officer)
    assert client.get("/holders/999999").status_code == 404
    assert client.get(f"/holders/{world.officer.id}").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(app, world):
    client = client_for(app)
    for path in (
        f"/holders/{world.holder.id}",
        f"/holders/{world.holder.id}/people",
        f"/holders/{world.holder.id}/requirements",
        "/my-support",
        "/caseload",
        "/council/people",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], path


def test_my_support_takes_a_holder_to_their_dashboard_and_is_not_found_for_others(app, world):
    response = client_for(app, world.holder).get("/my-support")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/holders/{world.holder.id}")
    for other in (world.representative, world.broker, world.officer, make_user(Role.ADMIN)):
        assert client_for(app, other).get("/my-support").status_code == 404


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/caseload", {Role.BROKER, Role.REPRESENTATIVE}),
        ("/council/people", {Role.OFFICER}),
    ],
)
def test_lists_are_for_their_roles_only(app, world, path, allowed):
    for role in Role:
        user = {
            Role.HOLDER: world.holder,
            Role.REPRESENTATIVE: world.representative,
            Role.BROKER: world.broker,
            Role.OFFICER: world.officer,
        }.get(role) or make_user(role)
        status = client_for(app, user).get(path).status_code
        assert status == (200 if role in allowed else 404), f"{role} GET {path}"


def test_broker_answers_are_for_brokers_only(app, world):
    link_broker(world.holder, world.broker, status="invited")
    for user in (world.holder, world.representative, world.officer):
        client = client_for(app, user)
        assert client.post("/caseload/invitations/1/accept").status_code == 404
        assert client.post("/caseload/invitations/1/decline").status_code == 404
