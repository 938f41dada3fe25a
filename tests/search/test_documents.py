"""Search documents are built from the database: coverage, distance reference, checks, ratings,
and nothing for listings the public must not find."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace import geo
from marketplace.directory.models import PACheck
from marketplace.extensions import db
from marketplace.search.documents import (
    all_documents,
    count_documents,
    document_for,
    travel_coverage,
)
from marketplace.search.ratings import known_slugs, rating_score, score_for_slug
from tests.factories import make_council, make_offer, make_organisation, make_pa

LEEDS = ("LS1", "LS2", "LS6", "LS7")


def _centre(district: str) -> tuple[float, float]:
    d = geo.districts()[district]
    return d.latitude, d.longitude


# --- ratings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regulator", "rating", "score"),
    [
        ("cqc", "outstanding", 100),
        ("cqc", "good", 75),
        ("cqc", "requires_improvement", 50),
        ("cqc", "inadequate", 25),
        ("care_inspectorate", "6", 100),
        ("care_inspectorate", "5", 83),
        ("care_inspectorate", "4", 67),
        ("care_inspectorate", "1", 17),
        ("ciw", "excellent", 100),
        ("ciw", "good", 75),
        ("ciw", "adequate", 50),
        ("ciw", "poor", 25),
        ("ciw", "not_rated", None),
        ("none", None, None),
        ("cqc", "excellent", None),  # another regulator's word
        ("care_inspectorate", "7", None),
    ],
)
def test_ratings_of_every_regulator_map_to_one_scale(regulator, rating, score):
    assert rating_score(regulator, rating) == score


def test_a_min_rating_slug_of_any_regulator_has_a_score():
    assert score_for_slug("good") == 75
    assert score_for_slug("outstanding") == 100
    assert score_for_slug("excellent") == 100
    assert score_for_slug("requires_improvement") == 50
    assert score_for_slug("4") == 67
    assert score_for_slug("not_rated") is None
    assert score_for_slug("splendid") is None
    assert score_for_slug("") is None
    scored = {slug for slug in known_slugs() if score_for_slug(slug) is not None}
    assert scored == known_slugs() - {"not_rated"}


# --- offers -----------------------------------------------------------------------------------------


def test_a_home_offer_covers_its_organisations_service_area_and_is_placed_at_its_base(session):
    make_council(districts=LEEDS)
    organisation = make_organisation(
        name="Aire Care",
        base_district="LS6",
        service_councils=["E08000035"],
        service_districts=["BD1"],
        regulator="cqc",
        rating="good",
    )
    offer = make_offer(
        organisation,
        title="Morning calls",
        description="Help getting up and dressed.",
        category="personal-care",
        needs=["dementia"],
        age_groups=["65+", "26-64", "carers"],
        languages=["pl"],
        pay_isf=False,
        capacity=10,
        vacancies=2,
    )

    document = document_for(session, "offer", offer.id)

    assert document is not None
    assert document.key == f"offer:{offer.id}"
    assert (document.title, document.provider) == ("Morning calls", "Aire Care")
    assert document.body == "Help getting up and dressed."
    for word in ("Personal care", "Dementia", "Older people (65 and over)", "Polish"):
        assert word in document.keywords
    assert document.categories == ("personal-care",)
    assert document.councils == ("E08000035",)
    assert document.serves_districts == ("BD1", "LS1", "LS2", "LS6", "LS7")
    assert document.venue_district is None and document.online is False
    assert (document.latitude, document.longitude) == _centre("LS6")
    assert document.deployments == ("dp", "managed")
    assert (document.unit, document.price_pence) == ("hour", 2250)
    assert document.days == ("mon", "tue", "wed", "thu", "fri")
    assert document.time_bands == ("morning", "evening")
    assert document.delivery == ("home",)
    assert document.for_ages == ("adults", "older")
    assert document.languages == ("pl",)
    assert (document.rating, document.rating_score) == ("good", 75)
    assert document.has_vacancies is True


def test_a_venue_offer_is_placed_at_its_venue_and_covers_no_homes(session):
    organisation = make_organisation(base_district="LS6")
    offer = make_offer(
        organisation,
        deliver_home=False,
        deliver_venue=True,
        deliver_online=True,
        venue_address="1 Park Lane, Leeds",
        venue_postcode="LS17 5AA",
        venue_district="LS17",
        accessibility=["step-free", "bsl"],
        vacancies=0,
        capacity=5,
    )

    document = document_for(session, "offer", offer.id)

    assert document.venue_district == "LS17"
    assert document.online is True
    assert document.delivery == ("venue", "online")
    assert document.serves_districts == ()
    assert (document.latitude, document.longitude) == _centre("LS17")
    assert document.accessibility == ("step-free", "bsl")
    assert document.has_vacancies is False
    assert document.rating is None and document.rating_score is None


def test_an_online_only_offer_has_no_place_to_measure_a_distance_from(session):
    offer = make_offer(deliver_home=False, deliver_online=True, category="information-advice")

    document = document_for(session, "offer", offer.id)

    assert document.online is True and document.delivery == ("online",)
    assert document.serves_districts == () and document.venue_district is None
    assert (document.latitude, document.longitude) == (None, None)


def test_a_pas_own_offer_covers_their_travel_range_and_carries_their_checks(session):
    pa = make_pa(display_name="Sam P", home_district="LS6", travel_km=3, gender="male")
    offer = make_offer(None, pa_profile=pa, title="Garden tidy", category="gardening")

    document = document_for(session, "offer", offer.id)

    assert document.provider == "Sam P"
    assert document.serves_districts == travel_coverage("LS6", 3.0)
    assert {"LS6", "LS7", "LS2", "LS1"} <= set(document.serves_districts)
    assert "LS16" not in document.serves_districts  # 4.2 km away
    assert (document.latitude, document.longitude) == _centre("LS6")
    assert document.pa_checks == ("dbs",)
    assert document.gender == "male"


# --- personal assistants -------------------------------------------------------------------------------


def test_a_pa_is_findable_within_their_travel_range_of_home(session):
    make_council(districts=LEEDS)
    pa = make_pa(
        display_name="Jo B",
        bio="Calm, patient, experienced with dementia.",
        skills=["dementia-care", "driving"],
        languages=["en", "ur"],
        availability=["sat:sleep_in", "mon:morning", "mon:evening"],
        home_district="LS6",
        travel_km=8,
        hourly_rate_pence=1700,
        gender="female",
    )

    document = document_for(session, "pa", pa.id)

    assert document.key == f"pa:{pa.id}"
    assert (document.title, document.provider) == ("Jo B", "Personal assistant")
    assert document.body == "Calm, patient, experienced with dementia."
    for word in ("Dementia care", "Driving and escorting", "Urdu", "personal assistant"):
        assert word in document.keywords
    assert document.categories == ("personal-assistant",)
    assert document.councils == ("E08000035",)
    home = geo.districts()["LS6"]
    assert "LS6" in document.serves_districts
    assert {"LS16", "LS17", "LS28"} <= set(document.serves_districts)  # 4 to 7 km
    assert "BD1" not in document.serves_districts  # 12 km
    for code in document.serves_districts:
        assert geo.distance_km(home, geo.districts()[code]) <= 8
    assert (document.latitude, document.longitude) == _centre("LS6")
    assert (document.unit, document.price_pence) == ("hour", 1700)
    assert document.days == ("mon", "sat")
    assert document.time_bands == ("morning", "evening", "sleep_in")
    assert document.deployments == ("dp",)
    assert document.languages == ("en", "ur")
    assert document.gender == "female"


def test_only_unexpired_checks_count_under_their_filter_names(session):
    pa = make_pa(checks=("enhanced_dbs", "pvg", "driving_licence", "right_to_work", "training"))
    pa.checks.append(
        PACheck(
            kind="insurance",
            issued_on=date.today() - timedelta(days=400),
            expires_on=date.today() - timedelta(days=1),
        )
    )
    # An expired DBS does not hide a current one.
    pa.checks.append(
        PACheck(
            kind="enhanced_dbs",
            issued_on=date.today() - timedelta(days=1400),
            expires_on=date.today() - timedelta(days=300),
        )
    )
    db.session.commit()

    document = document_for(session, "pa", pa.id)

    assert document.pa_checks == ("dbs", "pvg", "right_to_work", "driving")


def test_a_check_without_an_expiry_date_counts(session):
    pa = make_pa(checks=())
    pa.checks.append(PACheck(kind="right_to_work", issued_on=date(2020, 1, 1), expires_on=None))
    db.session.commit()
    assert document_for(db.session, "pa", pa.id).pa_checks == ("right_to_work",)


# --- organisations -------------------------------------------------------------------------------------


def test_an_organisation_sums_up_its_published_offers(session):
    make_council(code="S12000036", name="City of Edinburgh", nation="Scotland", districts=("EH1",))
    organisation = make_organisation(
        name="Forth Support",
        kind="voluntary",
        description="Support across the city.",
        base_district="EH1",
        service_districts=[],
        service_councils=["S12000036"],
        regulator="care_inspectorate",
        rating="5",
    )
    make_offer(organisation, category="gardening", days=["sat"], age_groups=["0-17"])
    make_offer(organisation, category="meals", deliver_online=True, pay_dp=False, vacancies=None)
    make_offer(organisation, category="transport", status="draft")

    document = document_for(session, "organisation", organisation.id)

    assert document.key == f"organisation:{organisation.id}"
    assert (document.title, document.provider) == ("Forth Support", "Forth Support")
    assert document.body == "Support across the city."
    assert "Voluntary or charity" in document.keywords
    assert "Gardening" in document.keywords and "Meals" in document.keywords
    assert "Transport" not in document.keywords
    assert document.categories == ("gardening", "meals")
    assert document.councils == ("S12000036",)
    assert document.serves_districts == ("EH1",)
    assert (document.latitude, document.longitude) == _centre("EH1")
    assert (document.rating, document.rating_score) == ("5", 83)
    assert document.delivery == ("home", "online")
    assert document.deployments == ("dp", "managed", "isf")
    assert document.days == ("mon", "tue", "wed", "thu", "fri", "sat")
    assert document.for_ages == ("children",)
    assert document.has_vacancies is False


# --- what must not be found ---------------------------------------------------------------------------------


def test_unpublished_listings_and_those_of_unpublished_owners_have_no_document(session):
    organisation = make_organisation()
    draft = make_offer(organisation, status="draft")
    pending = make_offer(organisation, status="pending")
    suspended_org = make_organisation(status="suspended")
    orphaned = make_offer(suspended_org)
    draft_pa = make_pa(status="draft")
    pa_offer = make_offer(None, pa_profile=draft_pa)
    suspended_pa = make_pa(status="suspended")

    assert document_for(session, "offer", draft.id) is None
    assert document_for(session, "offer", pending.id) is None
    assert document_for(session, "offer", orphaned.id) is None
    assert document_for(session, "offer", pa_offer.id) is None
    assert document_for(session, "organisation", suspended_org.id) is None
    assert document_for(session, "pa", draft_pa.id) is None
    assert document_for(session, "pa", suspended_pa.id) is None
    assert document_for(session, "offer", 999_999) is None
    assert document_for(session, "organisation", organisation.id) is not None


def test_a_reindex_builds_the_same_documents_as_one_at_a_time(session):
    make_council(districts=LEEDS)
    organisation = make_organisation(service_councils=["E08000035"], regulator="cqc", rating="good")
    make_offer(organisation, category="gardening")
    make_offer(organisation, status="draft")
    pa = make_pa(travel_km=5)
    make_offer(None, pa_profile=pa, category="shopping")
    make_pa(status="draft")
    make_organisation(status="suspended")

    documents = list(all_documents(session))

    assert len(documents) == count_documents(session) == 4
    for document in documents:
        assert document == document_for(session, document.kind, document.id)


def test_all_documents_streams_in_batches(session, monkeypatch):
    from marketplace.search import documents as module

    monkeypatch.setattr(module, "BATCH", 2)
    organisation = make_organisation()
    offers = [make_offer(organisation, title=f"Offer {n}") for n in range(5)]

    keys = [d.key for d in all_documents(session)]

    assert keys == [f"offer:{o.id}" for o in offers] + [f"organisation:{organisation.id}"]
