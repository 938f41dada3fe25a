"""Moderators decide versions: officers only in their council's area, admins anywhere."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.directory.models import Offer, Organisation, PAProfile
from marketplace.errors import Conflict, InvalidTransition, NotFound
from marketplace.listings import rules, services
from marketplace.mail.models import OutboxMessage
from marketplace.moderation import services as moderation
from marketplace.moderation.models import ListingVersion
from marketplace.permissions import Role
from tests.factories import make_offer, make_organisation, make_pa, make_user
from tests.listings.helpers import client_for, leeds_and_edinburgh, text


def _submitted_offer(session, staff, **fields):
    offer = make_offer(staff.organisation, status="draft", **fields)
    return offer, services.submit_for_review(session, staff, "offer", offer.id)


def _mail_to(session, address):
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)))


def test_an_officer_sees_only_their_areas_listings_and_an_admin_sees_all(app, session):
    leeds, edinburgh = leeds_and_edinburgh()
    staff = make_user(Role.PROVIDER_STAFF)  # the factory's organisation is in LS6
    _, version = _submitted_offer(session, staff, title="Leeds lunch club")
    leeds_officer = make_user(Role.OFFICER, council=leeds)
    edinburgh_officer = make_user(Role.OFFICER, council=edinburgh)
    admin = make_user(Role.ADMIN)

    assert "Leeds lunch club" in text(client_for(app, leeds_officer).get("/moderation"))
    assert "Leeds lunch club" in text(client_for(app, admin).get("/moderation"))
    outside = client_for(app, edinburgh_officer)
    assert "Leeds lunch club" not in text(outside.get("/moderation"))
    assert outside.get(f"/moderation/versions/{version.id}").status_code == 404
    assert outside.post(f"/moderation/versions/{version.id}/approve").status_code == 404
    assert (
        outside.post(f"/moderation/versions/{version.id}/reject", data={"reason": "No"}).status_code
        == 404
    )
    assert outside.post(f"/moderation/versions/{version.id}/reject", data={}).status_code == 404
    session.expire_all()
    assert session.get(ListingVersion, version.id).status == "pending"


def test_an_edit_moving_a_venue_into_an_area_is_that_areas_business_too(session):
    leeds, edinburgh = leeds_and_edinburgh()
    staff = make_user(Role.PROVIDER_STAFF)
    offer = make_offer(
        staff.organisation,
        deliver_home=False,
        deliver_venue=True,
        venue_address="1 Street",
        venue_postcode="LS6 2AB",
        venue_district="LS6",
    )
    moved = rules.OfferInput.from_data(services.for_editing(session, staff, "offer", offer.id).data)
    moved.venue_postcode = "EH1 1YZ"
    services.update_offer(session, staff, offer.id, moved)
    edinburgh_officer = make_user(Role.OFFICER, council=edinburgh)
    leeds_officer = make_user(Role.OFFICER, council=leeds)

    # Both the area it leaves and the area it joins see the change.
    assert [i.title for i in moderation.queue(session, edinburgh_officer)] == [offer.title]
    assert [i.title for i in moderation.queue(session, leeds_officer)] == [offer.title]


def test_rejecting_needs_a_reason_and_the_owner_sees_it(app, session):
    leeds, _ = leeds_and_edinburgh()
    staff = make_user(Role.PROVIDER_STAFF)
    offer, version = _submitted_offer(session, staff, title="Cleaning")
    officer = client_for(app, make_user(Role.OFFICER, council=leeds))

    refused = officer.post(f"/moderation/versions/{version.id}/reject", data={"reason": "  "})
    assert refused.status_code == 400
    assert "Enter the reason" in text(refused)
    session.expire_all()
    assert session.get(ListingVersion, version.id).status == "pending"

    response = officer.post(
        f"/moderation/versions/{version.id}/reject",
        data={"reason": "Say which areas of Leeds you cover."},
    )
    assert response.status_code == 302
    session.expire_all()
    version = session.get(ListingVersion, version.id)
    assert (version.status, version.reason) == ("rejected", "Say which areas of Leeds you cover.")
    assert session.get(Offer, offer.id).status == "draft"  # never published: back to a draft
    assert any(m.subject == "Not approved: Cleaning" for m in _mail_to(session, staff.email))
    page = text(client_for(app, staff).get("/your-listings"))
    assert "Not approved" in page and "Say which areas of Leeds you cover." in page


def test_rejecting_an_edit_leaves_the_published_listing_alone(session):
    staff = make_user(Role.PROVIDER_STAFF)
    admin = make_user(Role.ADMIN)
    offer = make_offer(staff.organisation, title="Day trips", category="leisure-sport")
    changed = rules.OfferInput.from_data(
        services.for_editing(session, staff, "offer", offer.id).data
    )
    changed.title = "Day trips!!!"
    services.update_offer(session, staff, offer.id, changed)
    pending = services.for_editing(session, staff, "offer", offer.id).pending

    moderation.reject(session, admin, pending.id, "Please keep the title plain.")

    session.expire_all()
    live = session.get(Offer, offer.id)
    assert (live.title, live.status) == ("Day trips", "published")
    with pytest.raises(InvalidTransition):
        moderation.approve(session, admin, pending.id)


def test_a_version_changed_after_the_moderator_opened_it_is_not_approved_unseen(app, session):
    staff = make_user(Role.PROVIDER_STAFF)
    admin = make_user(Role.ADMIN)
    offer = make_offer(staff.organisation, status="draft", title="Swim")
    version = services.submit_for_review(session, staff, "offer", offer.id)
    seen = moderation.review(session, admin, version.id).fingerprint
    # The owner changes the draft meanwhile; the pending version follows it.
    changed = rules.OfferInput.from_data(
        services.for_editing(session, staff, "offer", offer.id).data
    )
    changed.title = "Swim and sauna"
    services.update_offer(session, staff, offer.id, changed)

    with pytest.raises(Conflict):
        moderation.approve(session, admin, version.id, seen=seen)
    fresh = moderation.review(session, admin, version.id).fingerprint
    moderation.approve(session, admin, version.id, seen=fresh)
    session.expire_all()
    assert session.get(Offer, offer.id).title == "Swim and sauna"


def test_approving_a_pa_profile_replaces_its_checks_and_recomputes_areas(session):
    leeds, _ = leeds_and_edinburgh()
    pa = make_user(Role.PA)
    profile = make_pa(pa, checks=("enhanced_dbs",))
    data = services.for_editing(session, pa, "pa_profile", profile.id).data
    edit = rules.PAProfileInput.from_data(data)
    edit.home_postcode = "EH1 1YZ"
    services.save_pa_profile(session, pa, edit)
    services.add_check(
        session,
        pa,
        rules.CheckInput(kind="pvg", issued_on=profile.checks[0].issued_on),
    )
    [pending] = [v for v in session.scalars(select(ListingVersion)) if v.status == "pending"]
    officer = make_user(Role.OFFICER, council=leeds)

    moderation.approve(session, officer, pending.id)

    session.expire_all()
    profile = session.get(PAProfile, profile.id)
    assert profile.home_district == "EH1"
    assert sorted(c.kind for c in profile.checks) == ["enhanced_dbs", "pvg"]
    history = moderation.history(session, None, "pa_profile", profile.id)
    labels = [c.label for c in history.entries[0].changes]
    assert labels == ["Home postcode district", "Checks and documents"]


def test_approving_an_organisation_edit_publishes_its_details(session):
    admin_user = make_user(Role.PROVIDER_ADMIN, organisation=make_organisation(status="draft"))
    details = rules.OrganisationInput(
        name="Care Co",
        kind="private",
        description="Care at home.",
        base_postcode="LS6 2AB",
        service_districts="LS7",
    )
    services.update_organisation(session, admin_user, details)
    version = services.submit_for_review(
        session, admin_user, "organisation", admin_user.organisation_id
    )

    moderation.approve(session, make_user(Role.ADMIN), version.id)

    session.expire_all()
    org = session.get(Organisation, admin_user.organisation_id)
    assert (org.name, org.status, org.service_districts) == ("Care Co", "published", ["LS7"])


def test_moderators_suspend_and_publish_again_with_a_reason(app, session):
    leeds, edinburgh = leeds_and_edinburgh()
    staff = make_user(Role.PROVIDER_STAFF)
    offer = make_offer(staff.organisation, title="Taxi service", category="transport")
    officer = client_for(app, make_user(Role.OFFICER, council=leeds))
    url = f"/moderation/listings/offer/{offer.id}"

    assert officer.post(url, data={"reason": ""}).status_code == 400
    assert officer.post(url, data={"reason": "Licence expired."}).status_code == 302
    session.expire_all()
    assert session.get(Offer, offer.id).status == "suspended"
    assert any(m.subject == "Suspended: Taxi service" for m in _mail_to(session, staff.email))
    assert client_for(app).get(f"/offers/{offer.id}").status_code == 404

    assert officer.post(url, data={"reason": "Licence renewed."}).status_code == 302
    session.expire_all()
    assert session.get(Offer, offer.id).status == "published"

    outside = client_for(app, make_user(Role.OFFICER, council=edinburgh))
    assert outside.get(url).status_code == 404
    assert outside.post(url, data={"reason": "x"}).status_code == 404


def test_a_draft_cannot_be_suspended(session):
    offer = make_offer(status="draft")
    with pytest.raises(InvalidTransition):
        moderation.set_suspended(session, make_user(Role.ADMIN), "offer", offer.id, True, "No")


@pytest.mark.parametrize("role", [Role.HOLDER, Role.PROVIDER_ADMIN, Role.PA])
def test_people_who_do_not_moderate_get_not_found(client, session, sign_in_as, role):
    sign_in_as(make_user(role))

    for path in ("/moderation", "/moderation/reports", "/moderation/claims"):
        assert client.get(path).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, session):
    response = client.get("/moderation")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_an_unknown_version_or_kind_is_not_found(session):
    admin = make_user(Role.ADMIN)
    with pytest.raises(NotFound):
        moderation.review(session, admin, 12345)
    with pytest.raises(NotFound):
        moderation.history(session, None, "spaceship", 1)


def test_history_of_an_unpublished_listing_is_private(app, session):
    staff = make_user(Role.PROVIDER_STAFF)
    offer = make_offer(staff.organisation, status="draft")

    assert client_for(app).get(f"/listings/offer/{offer.id}/history").status_code == 404
    assert client_for(app, staff).get(f"/listings/offer/{offer.id}/history").status_code == 200
    assert (
        client_for(app, make_user(Role.HOLDER))
        .get(f"/listings/offer/{offer.id}/history")
        .status_code
        == 404
    )


def test_two_moderators_deciding_at_once_cannot_both_succeed(session):
    from sqlalchemy import update

    from marketplace.extensions import db

    staff = make_user(Role.PROVIDER_STAFF)
    admin = make_user(Role.ADMIN)
    _, version = _submitted_offer(session, staff, title="Tea dance")
    assert session.get(ListingVersion, version.id).status == "pending"  # loaded: looks pending
    # Another moderator rejects it on another connection, after this one loaded the page.
    with db.engine.begin() as other:
        other.execute(
            update(ListingVersion)
            .where(ListingVersion.id == version.id)
            .values(status="rejected", reason="Duplicate listing.")
        )

    with pytest.raises(InvalidTransition):
        moderation.approve(session, admin, version.id)
    session.expire_all()
    assert session.get(ListingVersion, version.id).status == "rejected"


def test_the_database_keeps_one_pending_version_per_listing(session):
    from marketplace.moderation.versions import commit

    offer = make_offer()
    for number in (1, 2):
        session.add(
            ListingVersion(
                kind="offer", listing_id=offer.id, number=number, data={}, status="pending"
            )
        )
    with pytest.raises(Conflict):
        commit(session)
