"""Every POST form of the owners' and moderators' pages carries a CSRF token, and a post without
one is refused."""

from __future__ import annotations

import re

from marketplace.listings import services
from marketplace.permissions import Role
from tests.factories import make_offer, make_organisation, make_pa, make_user
from tests.listings.helpers import client_for, offer_form, text, version_count


def _forms_without_token(page: str) -> list[str]:
    forms = re.findall(r'<form[^>]*method="post".*?</form>', page, flags=re.S)
    assert forms
    return [form[:120] for form in forms if 'name="csrf_token"' not in form]


def test_owner_and_moderator_forms_carry_a_csrf_token(app, session):
    staff = make_user(Role.PROVIDER_ADMIN)
    draft = make_offer(staff.organisation, status="draft")
    live = make_offer(staff.organisation)
    pa = make_user(Role.PA)
    make_pa(pa, status="draft")
    version = services.submit_for_review(session, staff, "offer", draft.id)
    unclaimed = make_organisation(claimed_at=None)
    owner, pa_client = client_for(app, staff), client_for(app, pa)
    admin = client_for(app, make_user(Role.ADMIN))
    public = client_for(app)

    app.config["WTF_CSRF_ENABLED"] = True
    try:
        pages = [
            owner.get("/your-listings"),
            owner.get("/your-listings/offers/new"),
            owner.get(f"/your-listings/offers/{live.id}"),
            owner.get("/your-listings/organisation"),
            pa_client.get("/your-listings/profile"),
            pa_client.get("/your-listings/profile/checks"),
            admin.get(f"/moderation/versions/{version.id}"),
            admin.get(f"/moderation/listings/offer/{live.id}"),
            public.get(f"/organisations/{unclaimed.id}/claim"),
        ]
        for response in pages:
            assert response.status_code == 200
            assert _forms_without_token(text(response)) == []

        refused = owner.post(f"/your-listings/offers/{live.id}", data=offer_form())
        assert refused.status_code == 400
        assert admin.post(f"/moderation/versions/{version.id}/approve").status_code == 400
        assert owner.post(f"/your-listings/offer/{draft.id}/withdraw").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert version_count(session) == 1
    session.expire_all()
    assert session.get(type(version), version.id).status == "pending"
