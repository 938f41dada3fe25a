"""The matching engine: each part's points and reason, hard exclusions, providers' offers,
ranking, and loading a need's candidates (or a PA's needs) in a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from marketplace.clock import utcnow
from marketplace.directory.models import PACheck, PAProfile
from marketplace.extensions import db
from marketplace.needs.matching import (
    PARTS,
    Match,
    ScorePart,
    match_need,
    needs_for_pa,
    rank,
    score_offer,
    score_pa,
)
from marketplace.needs.models import NeedAdvert
from tests.conftest import statements_run
from tests.factories import make_council, make_holder, make_offer, make_organisation, make_pa

ON = date.today()
START = ON + timedelta(days=30)


def _need(**fields: Any) -> NeedAdvert:
    holder = fields.pop("holder", None) or make_holder()
    values: dict[str, Any] = {
        "holder_id": holder.id,
        "posted_by_id": holder.id,
        "title": "A PA for weekday mornings",
        "district": "LS6",
        "slots": ["mon:morning", "tue:morning", "wed:afternoon"],
        "hours_hundredths": 900,
        "skills": [],
        "languages": [],
        "required_checks": [],
        "start_on": START,
        "rate_pence": 1700,
        "status": "open",
    }
    values.update(fields)
    if values["status"] == "closed":
        values.setdefault("closed_at", utcnow())
    need = NeedAdvert(**values)
    db.session.add(need)
    db.session.commit()
    return need


def _part(match: Match, key: str) -> ScorePart:
    return next(p for p in match.parts if p.key == key)


def _points_and_reason(match: Match, key: str) -> tuple[int, str]:
    part = _part(match, key)
    return part.points, part.reason


def _dated_check(pa: PAProfile, kind: str, issued: date, expires: date | None) -> None:
    pa.checks.append(PACheck(kind=kind, issued_on=issued, expires_on=expires))
    db.session.commit()


# --- a PA's parts ---------------------------------------------------------------------------------


def test_a_pa_who_meets_everything_scores_100_with_every_part_in_order(session: Any) -> None:
    need = _need(skills=["personal-care"], languages=["en"], required_checks=["enhanced_dbs"])
    pa = make_pa(hourly_rate_pence=1600)
    match = score_pa(need, pa, ON)
    assert match.eligible
    assert [p.key for p in match.parts] == [key for key, _, _ in PARTS]
    assert [p.max_points for p in match.parts] == [most for _, _, most in PARTS]
    assert match.score == 100
    assert match.kind == "pa" and match.candidate_id == pa.id and match.name == pa.display_name
    assert match.hourly_rate_pence == 1600 and match.distance_km == 0.0


def test_availability_free_for_every_slot_earns_full_points(session: Any) -> None:
    match = score_pa(_need(), make_pa(), ON)
    assert _points_and_reason(match, "availability") == (30, "Free for all 3 times wanted")
    assert match.slots_free == ("mon:morning", "tue:morning", "wed:afternoon")


def test_availability_partly_free_earns_a_share_and_names_the_times_missed(session: Any) -> None:
    need = _need(
        slots=["mon:morning", "fri:morning", "tue:morning", "sat:afternoon", "wed:evening"]
    )
    pa = make_pa(availability=["wed:evening", "mon:morning", "tue:morning", "sun:night"])
    match = score_pa(need, pa, ON)
    assert _points_and_reason(match, "availability") == (
        18,
        "Free for 3 of the 5 times wanted; not Friday morning or Saturday afternoon",
    )
    assert match.slots_free == ("mon:morning", "tue:morning", "wed:evening")
    assert match.eligible


def test_a_pa_free_at_none_of_the_times_is_excluded(session: Any) -> None:
    match = score_pa(_need(slots=["sun:night"]), make_pa(), ON)
    assert not match.eligible
    assert match.exclusions == ("Not free at any of the times wanted",)
    assert _part(match, "availability").points == 0
    assert match.slots_free == ()


def test_distance_same_district_earns_full_points(session: Any) -> None:
    match = score_pa(_need(), make_pa(home_district="LS6", travel_km=8), ON)
    assert _points_and_reason(match, "distance") == (15, "Lives in LS6 too; travels up to 8 km")


def test_distance_within_range_loses_points_with_the_share_of_range_used(session: Any) -> None:
    near = score_pa(_need(), make_pa(home_district="LS7", travel_km=8), ON)
    # LS7 is 2.03 km from LS6: 15 - floor(10 * 2.03 / 8) = 13.
    assert _points_and_reason(near, "distance") == (13, "2.0 km away; travels up to 8 km")
    assert near.distance_km == 2.0
    edge = score_pa(_need(), make_pa(home_district="WF1", travel_km=16), ON)
    # WF1 is 15.6 km away: 15 - floor(10 * 15.6 / 16) = 6, never under 5 within range.
    assert _points_and_reason(edge, "distance") == (6, "15.6 km away; travels up to 16 km")


def test_a_pa_living_beyond_their_travel_range_is_excluded(session: Any) -> None:
    match = score_pa(_need(), make_pa(home_district="HX1", travel_km=10), ON)
    assert match.exclusions == ("Lives 23 km away and travels up to 10 km",)
    assert _part(match, "distance").points == 0


def test_skills_none_asked_for_earn_full_points(session: Any) -> None:
    match = score_pa(_need(skills=[]), make_pa(), ON)
    assert _points_and_reason(match, "skills") == (15, "No particular skills asked for")


def test_skills_partly_held_earn_a_share_and_name_what_is_missing(session: Any) -> None:
    need = _need(skills=["personal-care", "medication", "peg-feeding"])
    pa = make_pa(skills=["medication", "personal-care", "household"])
    assert _points_and_reason(score_pa(need, pa, ON), "skills") == (
        10,
        "Has 2 of the 3 skills asked for: personal care and medication support; not PEG feeding",
    )


def test_skills_all_or_none_held_say_so(session: Any) -> None:
    need = _need(skills=["personal-care", "peg-feeding"])
    assert _points_and_reason(
        score_pa(need, make_pa(skills=["peg-feeding", "personal-care"]), ON), "skills"
    ) == (15, "Has both skills asked for: personal care and PEG feeding")
    assert _points_and_reason(score_pa(need, make_pa(skills=["household"]), ON), "skills") == (
        0,
        "Does not list any of the 2 skills asked for: personal care or PEG feeding",
    )


def test_checks_all_held_earn_full_points(session: Any) -> None:
    need = _need(required_checks=["enhanced_dbs", "right_to_work"])
    pa = make_pa(checks=("right_to_work", "enhanced_dbs"))
    assert _points_and_reason(score_pa(need, pa, ON), "checks") == (
        10,
        "Has every check asked for: enhanced DBS check and right to work in the UK",
    )


def test_a_missing_required_check_excludes_the_pa(session: Any) -> None:
    need = _need(required_checks=["enhanced_dbs", "right_to_work"])
    match = score_pa(need, make_pa(checks=("right_to_work",)), ON)
    assert match.exclusions == ("No enhanced DBS check, which is required",)
    assert _part(match, "checks").points == 0


def test_a_required_check_expiring_before_the_start_excludes_the_pa(session: Any) -> None:
    need = _need(required_checks=["enhanced_dbs"], start_on=date(2026, 6, 1))
    pa = make_pa(checks=())
    _dated_check(pa, "enhanced_dbs", date(2023, 5, 3), date(2026, 5, 3))
    match = score_pa(need, pa, date(2026, 1, 10))
    assert match.exclusions == (
        "Enhanced DBS check expired on 3 May 2026, before the start on 1 June 2026",
    )
    # Expiring on the start day itself is still in date.
    _dated_check(pa, "enhanced_dbs", date(2023, 6, 1), date(2026, 6, 1))
    assert score_pa(need, pa, date(2026, 1, 10)).eligible


def test_once_the_work_has_started_checks_must_be_in_date_today(session: Any) -> None:
    need = _need(required_checks=["enhanced_dbs"], start_on=date(2026, 4, 1))
    pa = make_pa(checks=())
    _dated_check(pa, "enhanced_dbs", date(2023, 5, 3), date(2026, 5, 3))
    assert score_pa(need, pa, date(2026, 5, 3)).eligible
    assert score_pa(need, pa, date(2026, 5, 4)).exclusions == (
        "Enhanced DBS check expired on 3 May 2026, and the work has already started",
    )


def test_a_check_never_expiring_is_in_date(session: Any) -> None:
    need = _need(required_checks=["right_to_work"])
    pa = make_pa(checks=())
    _dated_check(pa, "right_to_work", date(2020, 1, 1), None)
    assert score_pa(need, pa, ON).eligible


def test_no_checks_required_rewards_an_in_date_background_check(session: Any) -> None:
    need = _need(required_checks=[])
    assert _points_and_reason(score_pa(need, make_pa(checks=("enhanced_dbs",)), ON), "checks") == (
        10,
        "No checks required; has an enhanced DBS check",
    )
    assert _points_and_reason(score_pa(need, make_pa(checks=("pvg",)), ON), "checks") == (
        10,
        "No checks required; has PVG scheme membership",
    )
    assert _points_and_reason(score_pa(need, make_pa(checks=("training",)), ON), "checks") == (
        5,
        "No checks required; no background check recorded",
    )


def test_rate_within_the_offer_earns_full_points(session: Any) -> None:
    need = _need(rate_pence=1300)
    assert _points_and_reason(score_pa(need, make_pa(hourly_rate_pence=1250), ON), "rate") == (
        15,
        "Asks £12.50 an hour, within the £13.00 offered",
    )


def test_rate_above_the_offer_loses_points_and_never_excludes(session: Any) -> None:
    need = _need(rate_pence=1300)
    above = score_pa(need, make_pa(hourly_rate_pence=1400), ON)
    # 15 - ceil(15 * 100 / 1300) = 13: none left at twice the rate offered
    assert _points_and_reason(above, "rate") == (
        13,
        "Asks £14.00 an hour, £1.00 more than the £13.00 offered",
    )
    double = score_pa(need, make_pa(hourly_rate_pence=2600), ON)
    assert _part(double, "rate").points == 0
    nearly_double = score_pa(need, make_pa(hourly_rate_pence=2500), ON)
    assert _part(nearly_double, "rate").points == 1
    far_above = score_pa(need, make_pa(hourly_rate_pence=4000), ON)
    assert _part(far_above, "rate").points == 0
    assert far_above.eligible


def test_preferences_none_given_earn_full_points(session: Any) -> None:
    assert _points_and_reason(score_pa(_need(), make_pa(), ON), "preferences") == (
        10,
        "No preferences given",
    )


def test_preferences_met_and_unmet_are_both_named(session: Any) -> None:
    need = _need(preferred_gender="female", needs_driver=True, has_pets=True)
    pa = make_pa(gender="female", checks=("driving_licence",), pets_ok=False)
    assert _points_and_reason(score_pa(need, pa, ON), "preferences") == (
        6,
        "Female, drives; has not said they are happy with pets",
    )


def test_preferences_none_met_score_nothing_but_never_exclude(session: Any) -> None:
    need = _need(preferred_gender="male", non_smoker=True)
    pa = make_pa(gender="female", non_smoker=False)
    match = score_pa(need, pa, ON)
    assert _points_and_reason(match, "preferences") == (
        0,
        "Is not male, has not said they do not smoke",
    )
    assert match.eligible


def test_an_expired_driving_licence_does_not_count_as_driving(session: Any) -> None:
    need = _need(needs_driver=True, non_smoker=True)
    pa = make_pa(checks=(), non_smoker=True)
    _dated_check(pa, "driving_licence", ON - timedelta(days=3000), ON + timedelta(days=10))
    assert _points_and_reason(score_pa(need, pa, ON), "preferences") == (
        5,
        "Does not smoke; has no in-date driving licence recorded",
    )


def test_languages(session: Any) -> None:
    assert _points_and_reason(score_pa(_need(), make_pa(), ON), "languages") == (
        5,
        "No languages asked for",
    )
    need = _need(languages=["ur", "pa"])
    speaker = make_pa(languages=["en", "ur"])
    assert _points_and_reason(score_pa(need, speaker, ON), "languages") == (5, "Speaks Urdu")
    other = make_pa(languages=["en"])
    assert _points_and_reason(score_pa(need, other, ON), "languages") == (
        0,
        "Does not list Urdu or Punjabi",
    )


# --- providers' offers ----------------------------------------------------------------------------


def _pa_offer(**fields: Any) -> Any:
    organisation = make_organisation(
        **{
            key: fields.pop(key)
            for key in ("base_district", "service_districts", "service_councils")
            if key in fields
        }
    )
    values: dict[str, Any] = {
        "category": "personal-assistant",
        "title": "PA service",
        "days": ["mon", "tue", "wed"],
        "time_bands": ["morning", "afternoon"],
        "price_pence": 1600,
        "price_unit": "hour",
    }
    values.update(fields)
    return make_offer(organisation, **values)


def test_a_provider_offer_is_scored_with_its_questions_to_ask(session: Any) -> None:
    need = _need(
        district="LS7",
        skills=["personal-care"],
        required_checks=["enhanced_dbs"],
        preferred_gender="female",
        languages=["pl"],
    )
    offer = _pa_offer(base_district="LS6", service_districts=["LS7"], languages=["pl"])
    match = score_offer(need, offer, ON)
    assert match.eligible and match.kind == "offer" and match.candidate_id == offer.id
    assert match.name == f"PA service, {offer.organisation.name}"
    assert match.hourly_rate_pence == 1600
    assert [(p.key, p.points, p.reason) for p in match.parts] == [
        ("availability", 30, "Free for all 3 times wanted"),
        ("distance", 15, "Works in LS7 (based 2.0 km away)"),
        ("skills", 7, "A provider's service: ask them about personal care"),
        (
            "checks",
            5,
            "The provider checks its staff: ask them to confirm the enhanced DBS check",
        ),
        ("rate", 15, "Charges £16.00 an hour, within the £17.00 offered"),
        ("preferences", 5, "Ask the provider for a female PA"),
        ("languages", 5, "Speaks Polish"),
    ]


def test_a_provider_serving_the_council_works_in_its_districts(session: Any) -> None:
    council = make_council(districts=("LS1", "LS6"))
    need = _need(district="LS1")
    offer = _pa_offer(base_district="BD1", service_districts=[], service_councils=[council.code])
    match = match_need(session, need, on=ON).matches
    assert [(m.kind, m.candidate_id) for m in match] == [("offer", offer.id)]
    # BD1 is 13.2 km from LS1: 15 - floor(10 * 13.2 / 50) = 13.
    assert _points_and_reason(match[0], "distance") == (13, "Works in LS1 (based 13 km away)")


def test_a_provider_not_working_in_the_district_is_excluded(session: Any) -> None:
    need = _need(district="YO1")
    offer = _pa_offer(base_district="LS6", service_districts=["LS7"])
    match = score_offer(need, offer, ON, councils=set())
    assert match.exclusions == ("Does not work in YO1",)


def test_a_provider_not_saying_which_days_earns_at_most_half_availability(session: Any) -> None:
    need = _need(slots=["mon:morning", "sat:morning", "sun:evening"])
    offer = _pa_offer(days=[], time_bands=["morning"])
    match = score_offer(need, offer, ON, councils=set())
    assert _points_and_reason(match, "availability") == (
        15,
        "Free for 2 of the 3 times wanted; not Sunday evening. "
        "The provider has not said which days: ask them",
    )
    assert match.slots_free == ("mon:morning", "sat:morning")


def test_a_provider_at_none_of_the_times_is_excluded(session: Any) -> None:
    offer = _pa_offer(days=["sat"], time_bands=[])
    match = score_offer(_need(), offer, ON, councils=set())
    assert match.exclusions == ("Not free at any of the times wanted",)


def test_provider_prices_not_by_the_hour(session: Any) -> None:
    need = _need()
    visit = score_offer(need, _pa_offer(price_unit="visit", price_pence=3000), ON, councils=())
    assert _points_and_reason(visit, "rate") == (7, "Priced per visit: ask for a quote")
    assert visit.hourly_rate_pence is None
    free = score_offer(need, _pa_offer(price_unit="free", price_pence=0), ON, councils=())
    assert _points_and_reason(free, "rate") == (15, "Free of charge")


# --- ranking --------------------------------------------------------------------------------------


def _scored(candidate: int, points: int, km: float | None, name: str, **kw: Any) -> Match:
    part = ScorePart("availability", "Availability", points, 30, "")
    rate = kw.get("rate")
    return Match(kw.get("kind", "pa"), candidate, name, km, rate, (part,), kw.get("out", ()))


def test_rank_puts_eligible_first_then_score_rate_distance_name_kind_and_id(session: Any) -> None:
    matches = [
        _scored(1, 30, 1.0, "Zed", out=("Not free at any of the times wanted",)),
        _scored(2, 20, None, "Amy"),
        _scored(3, 20, 4.0, "Amy"),
        _scored(4, 20, 4.0, "bob"),
        _scored(5, 20, 4.0, "Bob"),
        _scored(6, 25, 9.0, "Cat"),
        _scored(5, 20, 4.0, "Bob", kind="offer"),
        _scored(7, 20, 1.0, "Dan"),
    ]
    ranked = rank(matches)
    assert [(m.kind, m.candidate_id) for m in ranked] == [
        ("pa", 6),  # best score
        ("pa", 7),  # nearest of the 20s
        ("pa", 3),  # then by name, ignoring case
        ("offer", 5),  # same name: offers before PAs, then by id
        ("pa", 4),
        ("pa", 5),
        ("pa", 2),  # unknown distance after every known one
        ("pa", 1),  # excluded last, whatever its score
    ]
    assert rank(list(reversed(matches))) == ranked


def test_rank_puts_the_cheaper_of_equal_scores_first_whatever_the_distance(session: Any) -> None:
    dear = _scored(1, 20, 1.0, "Ann", rate=2350)
    cheap = _scored(2, 20, 9.0, "Zoe", rate=2200)
    unpriced = _scored(3, 20, 0.5, "Abe")
    assert [m.candidate_id for m in rank([dear, unpriced, cheap])] == [2, 1, 3]


# --- loading --------------------------------------------------------------------------------------


def test_match_need_ranks_published_pas_in_reach_and_lists_exclusions_nearest_first(
    session: Any,
) -> None:
    need = _need(required_checks=["enhanced_dbs"])
    best = make_pa(home_district="LS6", travel_km=8)
    dearer = make_pa(home_district="LS6", travel_km=8, hourly_rate_pence=1900)
    make_pa(home_district="LS6", status="draft")
    make_pa(home_district="LS7", status="suspended")
    unchecked = make_pa(home_district="LS7", checks=())
    too_far = make_pa(home_district="BD1", travel_km=10)
    make_pa(home_district="SW1A", travel_km=200)  # beyond anyone's reach: not even loaded
    result = match_need(session, need, on=ON)
    assert [m.candidate_id for m in result.matches] == [best.id, dearer.id]
    assert [(m.candidate_id, m.exclusions) for m in result.excluded] == [
        (unchecked.id, ("No enhanced DBS check, which is required",)),
        (too_far.id, ("Lives 12 km away and travels up to 10 km",)),
    ]
    assert result.considered == 4
    assert result.too_far_away == 1


def test_match_need_scores_every_pa_exactly_as_score_pa_does(session: Any) -> None:
    need = _need(
        slots=["mon:morning", "tue:morning", "sat:evening"],
        skills=["personal-care", "medication"],
        languages=["ur"],
        required_checks=["enhanced_dbs"],
        preferred_gender="female",
        needs_driver=True,
        has_pets=True,
        rate_pence=1500,
    )
    pas = [
        make_pa(checks=("enhanced_dbs", "driving_licence"), languages=["ur"], pets_ok=True),
        make_pa(home_district="LS7", skills=["medication"], gender="male", hourly_rate_pence=1700),
        make_pa(
            home_district="LS28", travel_km=10, availability=["sat:evening"], gender="not_said"
        ),
        make_pa(checks=("right_to_work",)),  # excluded: no DBS
        make_pa(availability=["sun:night"], checks=()),  # excluded twice over
        make_pa(home_district="YO1", travel_km=20, availability=["sun:night"]),  # too far
    ]
    result = match_need(session, need, on=ON)
    found = {m.candidate_id: m for m in result.matches + result.excluded}
    assert set(found) == {pa.id for pa in pas}
    for pa in pas:
        alone = score_pa(need, pa, ON)
        if alone.eligible:
            assert found[pa.id] == alone
        else:
            # The excluded list carries reasons, not points.
            assert found[pa.id].parts == ()
            assert found[pa.id].distance_km == alone.distance_km
    excluded = {m.candidate_id: m.exclusions for m in result.excluded}
    assert excluded == {
        pas[3].id: ("No enhanced DBS check, which is required",),
        pas[4].id: (
            "Not free at any of the times wanted",
            "No enhanced DBS check, which is required",
        ),
        # Beyond their travel range: that reason alone (what else rules them out is moot).
        pas[5].id: ("Lives 35 km away and travels up to 20 km",),
    }
    assert score_pa(need, pas[5], ON).exclusions == (
        "Not free at any of the times wanted",
        "Lives 35 km away and travels up to 20 km",
    )


def test_match_need_ignores_draft_offers_and_unpublished_providers(session: Any) -> None:
    need = _need()
    shown = _pa_offer()
    _pa_offer(status="draft")
    hidden_provider = make_organisation(status="suspended")
    make_offer(hidden_provider, category="personal-assistant", status="published")
    _pa_offer(category="home-help")
    make_offer(pa_profile_id=make_pa(status="published").id, category="personal-assistant")
    result = match_need(session, need, on=ON)
    assert [m.candidate_id for m in result.matches if m.kind == "offer"] == [shown.id]


def test_a_closed_need_still_matches(session: Any) -> None:
    need = _need(status="closed")
    pa = make_pa()
    assert [m.candidate_id for m in match_need(session, need, on=ON).matches] == [pa.id]


def _queries_to_match(session: Any, pas: int) -> int:
    need = _need()
    _pa_offer()
    for i in range(pas):
        make_pa(checks=("enhanced_dbs", "driving_licence"), travel_km=5 + i % 10)
    need_id = need.id
    session.expunge_all()
    need = session.get(NeedAdvert, need_id)
    with statements_run() as seen:
        result = match_need(session, need, on=ON)
    assert result.considered == pas + 1
    return len(seen)


def test_match_need_reads_the_same_number_of_statements_for_5_or_30_pas(
    session: Any, app: Any
) -> None:
    make_council(districts=("LS6",))
    few = _queries_to_match(session, 5)
    # A fresh set of rows for the bigger run (tables are not emptied within one test).
    for table in ("pa_checks", "offers", "pa_profiles", "need_adverts"):
        session.execute(db.metadata.tables[table].delete())
    session.commit()
    many = _queries_to_match(session, 30)
    assert few == many == 6, (few, many)


def test_needs_for_pa_lists_open_needs_in_reach_that_fit_best_first(session: Any) -> None:
    pa = make_pa(home_district="LS6", travel_km=8, skills=["personal-care"])
    later = _need(skills=["personal-care"], start_on=START + timedelta(days=7))
    partial = _need(skills=["personal-care", "peg-feeding"])
    sooner = _need(skills=["personal-care"])
    _need(status="closed")
    _need(end_on=ON - timedelta(days=1), start_on=ON - timedelta(days=60))
    _need(district="BD1")  # 12 km away: beyond 8 km
    _need(slots=["sun:night"])  # not free then: not eligible
    _need(required_checks=["pvg"])  # a missing check: not eligible
    found = needs_for_pa(session, pa, on=ON)
    assert [need.id for need, _ in found] == [sooner.id, later.id, partial.id]
    assert all(match.eligible and match.candidate_id == pa.id for _, match in found)


def test_distances_read_the_same_in_headers_and_reasons() -> None:
    from marketplace.needs.scoring import km_text

    assert km_text(0.4) == "under 1 km"
    assert km_text(8.44) == "8.4 km"
    assert km_text(23.4) == "23 km"
    assert km_text(23.4, 10) == "23 km"
    # Rounding must not hide why someone is too far away.
    assert km_text(10.4, 10) == "10.4 km"
    assert km_text(0.6, 0) == "0.6 km"
