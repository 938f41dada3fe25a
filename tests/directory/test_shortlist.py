"""The shortlist of offers and personal assistants kept by holders, representatives and brokers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.directory.models import ShortlistItem
from marketplace.permissions import Role
from tests.directory.helpers import client_for, page_text
from tests.factories import make_offer, make_pa, make_user


def _count(session, user) -> int:
    session.expire_all()
    return session.scalar(
        select(func.count()).select_from(ShortlistItem).where(ShortlistItem.user_id == user.id)
    )


@pytest.mark.parametrize("role", [Role.HOLDER, Role.REPRESENTATIVE, Role.BROKER])
def test_offers_and_pas_can_be_added_and_are_listed(app, session, role):
    user = make_user(role)
    offer = make_offer(title="Swimming club", category="leisure-sport")
    profile = make_pa(make_user(Role.PA, name="Pat Assistant"))
    client = client_for(app, user)

    added_offer = client.post(f"/shortlist/offers/{offer.id}")
    added_pa = client.post(f"/shortlist/pas/{profile.id}", follow_redirects=True)

    assert added_offer.status_code == 302
    assert added_offer.headers["Location"].endswith(f"/offers/{offer.id}")
    assert "Added to your shortlist" in page_text(added_pa)
    text = page_text(client.get("/shortlist"))
    assert "Swimming club" in text
    assert "Pat Assistant" in text
    assert _count(session, user) == 2


def test_adding_twice_keeps_one_item_and_says_so(app, session):
    user = make_user(Role.HOLDER)
    offer = make_offer()
    client = client_for(app, user)

    client.post(f"/shortlist/offers/{offer.id}")
    again = client.post(f"/shortlist/offers/{offer.id}", follow_redirects=True)

    assert again.status_code == 200
    assert "already on your shortlist" in page_text(again)
    assert _count(session, user) == 1


def test_an_item_can_be_removed(app, session):
    user = make_user(Role.BROKER)
    offer = make_offer(title="Gardening rounds", category="gardening")
    client = client_for(app, user)
    client.post(f"/shortlist/offers/{offer.id}")
    item_id = session.scalar(select(ShortlistItem.id).where(ShortlistItem.user_id == user.id))

    removed = client.post(f"/shortlist/{item_id}/remove", follow_redirects=True)

    assert removed.status_code == 200
    assert "Gardening rounds has been removed from your shortlist" in page_text(removed)
    assert "Your shortlist is empty" in page_text(removed)
    assert _count(session, user) == 0


def test_someone_elses_item_cannot_be_removed(app, session):
    owner = make_user(Role.HOLDER)
    other = make_user(Role.HOLDER)
    client_for(app, owner).post(f"/shortlist/offers/{make_offer().id}")
    item_id = session.scalar(select(ShortlistItem.id).where(ShortlistItem.user_id == owner.id))

    response = client_for(app, other).post(f"/shortlist/{item_id}/remove")

    assert response.status_code == 404
    assert _count(session, owner) == 1


def test_unpublished_or_unknown_listings_cannot_be_added(app, session):
    user = make_user(Role.HOLDER)
    client = client_for(app, user)
    draft_offer = make_offer(status="draft")
    draft_pa = make_pa(status="pending")

    assert client.post(f"/shortlist/offers/{draft_offer.id}").status_code == 404
    assert client.post(f"/shortlist/pas/{draft_pa.id}").status_code == 404
    assert client.post("/shortlist/offers/9999").status_code == 404
    assert client.post("/shortlist/pas/9999").status_code == 404
    assert client.post("/shortlist/9999/remove").status_code == 404
    assert _count(session, user) == 0


def test_a_listing_withdrawn_after_saving_stays_marked_on_the_shortlist(app, session):
    user = make_user(Role.HOLDER)
    offer = make_offer(title="Day trips", category="leisure-sport")
    client = client_for(app, user)
    client.post(f"/shortlist/offers/{offer.id}")
    offer.status = "suspended"
    session.commit()

    text = page_text(client.get("/shortlist"))

    assert "Day trips" in text
    assert "No longer listed" in text
    assert f'href="/offers/{offer.id}"' not in text


@pytest.mark.parametrize(
    "role", [Role.PA, Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF, Role.OFFICER, Role.ADMIN]
)
def test_roles_without_a_shortlist_get_not_found(app, session, role):
    offer = make_offer()
    profile = make_pa()
    client = client_for(app, make_user(role))

    assert client.get("/shortlist").status_code == 404
    assert client.post(f"/shortlist/offers/{offer.id}").status_code == 404
    assert client.post(f"/shortlist/pas/{profile.id}").status_code == 404
    assert client.post("/shortlist/1/remove").status_code == 404
    assert "Add to shortlist" not in page_text(client.get(f"/offers/{offer.id}"))


def test_signed_out_visitors_are_sent_to_sign_in(client, session):
    offer = make_offer()

    for response in (
        client.get("/shortlist"),
        client.post(f"/shortlist/offers/{offer.id}"),
        client.post("/shortlist/1/remove"),
    ):
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


def test_a_duplicate_that_slips_past_the_check_is_stopped_by_the_unique_index(session):
    # Two requests adding the same offer at once both pass the "already there?" check; the
    # unique index refuses the second insert, and the service answers "already there".
    from marketplace.directory.shortlist import _add_to_shortlist

    user = make_user(Role.HOLDER)
    offer = make_offer()
    session.add(ShortlistItem(user_id=user.id, offer_id=offer.id))
    session.commit()
    never_matches = ShortlistItem.id == -1  # as if the check ran before the other insert

    added = _add_to_shortlist(
        session, user, ShortlistItem(user_id=user.id, offer_id=offer.id), never_matches
    )

    assert added is False
    assert _count(session, user) == 1
