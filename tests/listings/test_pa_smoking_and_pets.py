"""A PA says whether they smoke and whether they are happy to work in homes with pets: need
adverts ask about both. Saved from the profile form, reviewed like any edit, shown publicly."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.directory.models import PAProfile
from marketplace.listings import rules, services
from marketplace.moderation import services as moderation
from marketplace.moderation.models import ListingVersion
from marketplace.permissions import Role
from tests.factories import make_pa, make_user
from tests.listings.helpers import leeds_and_edinburgh, pa_form, text


def _profile(session, user) -> PAProfile:
    session.expire_all()
    return session.scalar(select(PAProfile).where(PAProfile.user_id == user.id))


def test_the_profile_form_asks_about_smoking_and_pets(client, session, sign_in_as):
    sign_in_as(make_user(Role.PA))

    page = text(client.get("/your-listings/profile"))

    assert "Smoking and pets" in page
    assert 'name="non_smoker"' in page and "I do not smoke" in page
    assert 'name="pets_ok"' in page and "I am happy to work in homes with pets" in page


def test_a_pa_who_ticks_both_boxes_is_saved_as_a_non_smoker_happy_with_pets(
    client, session, sign_in_as
):
    pa = make_user(Role.PA)
    sign_in_as(pa)

    response = client.post("/your-listings/profile", data=pa_form(non_smoker="y", pets_ok="y"))

    assert response.status_code == 302
    profile = _profile(session, pa)
    assert profile.non_smoker is True and profile.pets_ok is True
    form = text(client.get("/your-listings/profile"))
    assert 'id="non_smoker" name="non_smoker" type="checkbox" value="y" checked' in form
    assert 'id="pets_ok" name="pets_ok" type="checkbox" value="y" checked' in form


def test_boxes_left_unticked_are_saved_as_not_said(client, session, sign_in_as):
    pa = make_user(Role.PA)
    sign_in_as(pa)

    assert client.post("/your-listings/profile", data=pa_form()).status_code == 302

    profile = _profile(session, pa)
    assert profile.non_smoker is False and profile.pets_ok is False


def test_a_draft_pa_can_untick_a_box_again(client, session, sign_in_as):
    pa = make_user(Role.PA)
    make_pa(pa, status="draft", non_smoker=True, pets_ok=True)
    sign_in_as(pa)

    response = client.post("/your-listings/profile", data=pa_form(non_smoker="y"))

    assert response.status_code == 302
    profile = _profile(session, pa)
    assert (profile.non_smoker, profile.pets_ok) == (True, False)


def test_a_published_pa_who_stops_smoking_waits_for_review_then_shows_it(
    client, session, sign_in_as
):
    leeds, _ = leeds_and_edinburgh()
    pa = make_user(Role.PA)
    profile = make_pa(pa)
    sign_in_as(pa)
    public = f"/pas/{profile.id}"
    assert "Does not smoke" not in text(client.get(public))

    response = client.post("/your-listings/profile", data=pa_form(non_smoker="y", pets_ok="y"))

    assert response.status_code == 302
    assert _profile(session, pa).non_smoker is False  # the public listing waits for review
    [pending] = session.scalars(select(ListingVersion).where(ListingVersion.status == "pending"))
    assert (pending.data["non_smoker"], pending.data["pets_ok"]) == (True, True)
    labels = [
        c.label for c in moderation.review(session, make_user(Role.ADMIN), pending.id).changes
    ]
    assert "Non-smoker" in labels and "Happy to work with pets" in labels

    moderation.approve(session, make_user(Role.OFFICER, council=leeds), pending.id)

    profile = _profile(session, pa)
    assert profile.non_smoker is True and profile.pets_ok is True
    page = text(client.get(public))
    assert "Does not smoke" in page and "Happy to work with pets" in page


def test_the_public_profile_says_not_said_when_the_pa_has_not_answered(client, session):
    profile = make_pa()

    page = text(client.get(f"/pas/{profile.id}"))

    assert "Smoking" in page and "Pets" in page
    assert "Does not smoke" not in page and "Happy to work with pets" not in page
    assert page.count("Not said") == 2


def test_the_answers_survive_an_edit_of_something_else(session):
    pa = make_user(Role.PA)
    make_pa(pa, status="draft", non_smoker=True, pets_ok=True)
    editing = services.profile_for_editing(session, pa)
    assert editing is not None
    edit = rules.PAProfileInput.from_data(editing.data)
    edit.hourly_rate = 1900

    services.save_pa_profile(session, pa, edit)

    profile = _profile(session, pa)
    assert profile.hourly_rate_pence == 1900
    assert (profile.non_smoker, profile.pets_ok) == (True, True)
