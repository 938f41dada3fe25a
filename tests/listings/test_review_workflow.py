"""The life of a listing: draft, sent for review, approved by an officer of the area, edited while
published (the public sees the old version until approval), and its history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from marketplace.clock import today
from marketplace.directory.models import ListingArea, Offer
from marketplace.errors import Conflict, InvalidTransition
from marketplace.listings import rules, services
from marketplace.mail.models import OutboxMessage
from marketplace.moderation import services as moderation
from marketplace.moderation.models import ListingVersion
from marketplace.permissions import Role
from tests.factories import make_offer, make_user
from tests.listings.helpers import client_for, leeds_and_edinburgh, offer_form, text


def _versions(session, offer_id):
    session.expire_all()
    return list(
        session.scalars(
            select(ListingVersion)
            .where(ListingVersion.kind == "offer", ListingVersion.listing_id == offer_id)
            .order_by(ListingVersion.number)
        )
    )


def test_a_new_offer_goes_public_only_when_an_officer_of_its_area_approves(app, session):
    leeds, _ = leeds_and_edinburgh()
    staff = make_user(Role.PROVIDER_STAFF)
    officer = make_user(Role.OFFICER, council=leeds)
    provider = client_for(app, staff)
    moderator = client_for(app, officer)

    assert provider.post("/your-listings/offers/new", data=offer_form()).status_code == 302
    offer = session.scalar(select(Offer))
    public = client_for(app)
    assert public.get(f"/offers/{offer.id}").status_code == 404  # a draft is private
    assert text(moderator.get("/moderation")).count("Gardening club") == 0

    assert provider.post(f"/your-listings/offer/{offer.id}/submit").status_code == 302
    [version] = _versions(session, offer.id)
    assert (version.status, version.number, version.submitted_by_id) == ("pending", 1, staff.id)
    assert session.get(Offer, offer.id).status == "pending"
    assert "Waiting for review" in text(provider.get("/your-listings"))

    queue = text(moderator.get("/moderation"))
    assert "Gardening club" in queue and "New listing" in queue
    review = moderator.get(f"/moderation/versions/{version.id}")
    assert review.status_code == 200
    assert "£12.50" in text(review) and "Approve and publish" in text(review)

    assert moderator.post(f"/moderation/versions/{version.id}/approve").status_code == 302
    session.expire_all()
    offer = session.get(Offer, offer.id)
    assert offer.status == "published"
    assert offer.last_reviewed_on == today()
    version = session.get(ListingVersion, version.id)
    assert (version.status, version.decided_by_id) == ("approved", officer.id)
    assert version.decided_at is not None
    areas = session.scalars(
        select(ListingArea.council_id).where(
            ListingArea.kind == "offer", ListingArea.listing_id == offer.id
        )
    )
    assert list(areas) == [leeds.id]
    mail = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == staff.email))
    assert any(m.subject == "Approved: Gardening club" for m in mail)
    assert public.get(f"/offers/{offer.id}").status_code == 200


def test_an_edit_of_a_published_offer_waits_and_the_history_shows_what_changed(app, session):
    leeds, _ = leeds_and_edinburgh()
    staff = make_user(Role.PROVIDER_STAFF)
    officer = make_user(Role.OFFICER, council=leeds)
    offer = make_offer(staff.organisation, title="Home care visits", price_pence=2250)
    provider = client_for(app, staff)
    public = client_for(app)

    edit = provider.get(f"/your-listings/offers/{offer.id}")
    assert 'value="22.50"' in text(edit) and "This listing is published" in text(edit)
    response = provider.post(
        f"/your-listings/offers/{offer.id}",
        data=offer_form(
            title="Home care visits, mornings",
            category="personal-care",
            price="24",
            price_unit="hour",
            delivery=["home"],
            languages=["en", "pl"],
        ),
    )
    assert response.status_code == 302

    session.expire_all()
    live = session.get(Offer, offer.id)
    assert (live.title, live.price_pence, live.status) == ("Home care visits", 2250, "published")
    page = text(public.get(f"/offers/{offer.id}"))
    assert "Home care visits" in page and "mornings" not in page
    # The owner's form shows what waits for review, not the live row.
    assert "Home care visits, mornings" in text(provider.get(f"/your-listings/offers/{offer.id}"))
    assert "Changes sent" in text(provider.get("/your-listings"))

    # A second edit replaces the pending version's data: still one pending version.
    provider.post(
        f"/your-listings/offers/{offer.id}",
        data=offer_form(
            title="Morning home care",
            category="personal-care",
            price="24",
            price_unit="hour",
            delivery=["home"],
            languages=["en", "pl"],
        ),
    )
    [pending] = _versions(session, offer.id)
    assert pending.status == "pending" and pending.data["title"] == "Morning home care"

    moderator = client_for(app, officer)
    review = text(moderator.get(f"/moderation/versions/{pending.id}"))
    assert "Changes to a published listing" in review
    assert "Published now" in review and "£22.50" in review and "£24.00" in review
    assert moderator.post(f"/moderation/versions/{pending.id}/approve").status_code == 302

    session.expire_all()
    live = session.get(Offer, offer.id)
    assert (live.title, live.price_pence) == ("Morning home care", 2400)
    assert "Morning home care" in text(public.get(f"/offers/{offer.id}"))

    history = public.get(f"/listings/offer/{offer.id}/history")
    assert history.status_code == 200
    page = text(history)
    # The factory published it without a version: what the public saw is kept as a baseline.
    assert "As first published" in page and "Version 1" in page
    assert "Home care visits" in page and "Morning home care" in page
    assert "£22.50" in page and "£24.00" in page
    assert "English, Polish" in page  # lists by their labels
    assert "Gardening" not in page  # the category was not changed


def test_history_lists_every_approved_version_newest_first(session):
    leeds_and_edinburgh()
    staff = make_user(Role.PROVIDER_STAFF)
    admin = make_user(Role.ADMIN)
    base = rules.OfferInput(
        title="Swimming",
        description="Weekly swim.",
        category="leisure-sport",
        price=500,
        price_unit="session",
        deployments=["dp"],
        delivery=["online"],
    )
    offer = services.create_offer(session, staff, base)
    version = services.submit_for_review(session, staff, "offer", offer.id)
    moderation.approve(session, admin, version.id)
    base.price = 550
    services.update_offer(session, staff, offer.id, base)
    second = services.for_editing(session, staff, "offer", offer.id).pending
    moderation.approve(session, admin, second.id)

    history = moderation.history(session, None, "offer", offer.id)

    assert [entry.number for entry in history.entries] == [2, 1]
    assert history.entries[1].first
    [change] = history.entries[0].changes
    assert (change.label, change.old, change.new) == ("Price", "£5.00", "£5.50")


def test_withdrawing_a_first_submission_makes_it_a_draft_again(client, session, sign_in_as):
    staff = make_user(Role.PROVIDER_STAFF)
    offer = make_offer(staff.organisation, status="draft")
    sign_in_as(staff)

    client.post(f"/your-listings/offer/{offer.id}/submit")
    assert client.post(f"/your-listings/offer/{offer.id}/withdraw").status_code == 302

    [version] = _versions(session, offer.id)
    assert version.status == "withdrawn"
    assert session.get(Offer, offer.id).status == "draft"


def test_a_published_listing_keeps_its_row_when_a_pending_edit_is_withdrawn(session):
    staff = make_user(Role.PROVIDER_STAFF)
    offer = make_offer(staff.organisation, title="Day centre", category="day-opportunities")
    changed = rules.OfferInput.from_data(
        services.for_editing(session, staff, "offer", offer.id).data
    )
    changed.title = "Day centre (new hours)"
    assert services.update_offer(session, staff, offer.id, changed) == "pending"

    services.withdraw(session, staff, "offer", offer.id)

    session.expire_all()
    assert session.get(Offer, offer.id).title == "Day centre"
    assert session.get(Offer, offer.id).status == "published"
    try:
        services.withdraw(session, staff, "offer", offer.id)
    except Conflict:
        pass
    else:  # pragma: no cover
        raise AssertionError("withdrawing twice must fail")


def test_only_a_draft_can_be_sent_for_review(session):
    staff = make_user(Role.PROVIDER_STAFF)
    offer = make_offer(staff.organisation)  # published
    try:
        services.submit_for_review(session, staff, "offer", offer.id)
    except InvalidTransition as error:
        assert error.status_code == 409
    else:  # pragma: no cover
        raise AssertionError("a published listing is not sent for review")


def test_an_incomplete_draft_cannot_be_sent_for_review(client, session, sign_in_as):
    staff = make_user(Role.PROVIDER_STAFF)
    # Written straight to the database without a description (the factory skips the rules).
    offer = make_offer(staff.organisation, status="draft", description="")
    sign_in_as(staff)

    response = client.post(f"/your-listings/offer/{offer.id}/submit", follow_redirects=True)

    assert "Complete the listing before you send it for review: Enter a description" in text(
        response
    )
    assert _versions(session, offer.id) == []


def test_saving_the_published_content_again_leaves_nothing_to_review(session):
    staff = make_user(Role.PROVIDER_STAFF)
    offer = make_offer(staff.organisation, last_reviewed_on=date(2024, 1, 1))
    same = rules.OfferInput.from_data(services.for_editing(session, staff, "offer", offer.id).data)

    assert services.update_offer(session, staff, offer.id, same) == "unchanged"
    assert _versions(session, offer.id) == []
