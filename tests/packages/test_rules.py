"""The package rules: each stream within what it has left (a warning from 90%), what a direct
payment may legally buy (with England's 4 weeks of short stays), what each offer's deployments
allow, who delivers an ISF line, every outcome served, and a PA's checks, availability and
travel. A line that breaks a rule is refused with the rule named, and nothing is saved."""

from __future__ import annotations

import math
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from marketplace import geo
from marketplace.directory.models import PAProfile
from marketplace.errors import RuleBroken, ValidationFailed
from marketplace.holders.models import HolderRecord
from marketplace.packages.rules import RULES, check_package, line_refusals
from marketplace.plans import services
from marketplace.plans.lines import LineInput
from marketplace.plans.models import PlanLine, SupportPlan
from tests.factories import (
    make_budget,
    make_council,
    make_holder,
    make_offer,
    make_organisation,
    make_pa,
    make_plan,
)
from tests.plans.helpers import cast, count


def _text(**fields):
    values = {
        "kind": "text",
        "description": "Gym membership",
        "frequency": "week",
        "quantity_hundredths": 100,
        "unit": "sessions",
        "unit_price_pence": 1000,
    }
    values.update(fields)
    return LineInput(**values)


def _offer_line(offer, stream, **fields):
    values = {
        "kind": "offer",
        "offer_id": offer.id,
        "description": "",
        "unit_price_pence": None,
        "stream_id": stream.id,
    }
    values.update(fields)
    return LineInput(**values)


def _pa_line(pa, **fields):
    values = {
        "kind": "pa",
        "pa_profile_id": pa.id,
        "description": "",
        "unit_price_pence": None,
        "days": ["mon", "tue"],
        "time_bands": ["morning"],
    }
    values.update(fields)
    return LineInput(**values)


def _reload(session, plan):
    session.expire_all()
    return session.get(SupportPlan, plan.id)


def _rules(checks, severity=None):
    return [f.rule for f in checks.findings if severity is None or f.severity == severity]


def _refused(session, people, plan, data, lines=0):
    """The errors refusing the line; the plan still has only its ``lines`` earlier lines."""
    with pytest.raises(ValidationFailed) as refused:
        services.add_line(session, people.holder, plan.id, data)
    assert count(session, PlanLine) == lines
    return refused.value.errors


def _streams(people):
    return {s.kind: s for s in people.budget.streams}


# --- each stream within what it has left ----------------------------------------------------------


@pytest.mark.parametrize(
    ("weekly", "state", "rules"),
    [
        (899, "ok", []),  # 89.9% of what is left
        (900, "near", ["stream_near_limit"]),  # exactly 90%
        (1000, "near", ["stream_near_limit"]),  # exactly 100%: fits, near the limit
        (1001, "over", ["stream_over"]),
    ],
)
def test_a_stream_is_near_its_limit_from_90_percent_and_over_past_100(
    app, session, weekly, state, rules
):
    people = cast(streams=(("dp", 52_000),))
    plan = make_plan(people.holder)
    dp = _streams(people)["dp"]
    services.add_line(
        session,
        people.holder,
        plan.id,
        _text(unit_price_pence=weekly, stream_id=dp.id, outcome_ids=[plan.outcomes[0].id]),
    )
    checks = check_package(session, _reload(session, plan))
    [figures] = checks.streams
    assert (figures.state, figures.annual_pence, figures.weekly_pence) == (
        state,
        weekly * 52,
        weekly,
    )
    assert (figures.available_annual_pence, figures.available_weekly_pence) == (52_000, 1000)
    assert _rules(checks) == rules
    assert all(f.stream_id == dp.id for f in checks.findings)
    if state == "near":
        assert "near the limit" in checks.findings[0].message
        assert checks.findings[0].severity == "warning"
    assert checks.ok == (state != "over")


def test_what_is_committed_or_spent_is_not_there_to_spend(app, session):
    people = cast(streams=(("dp", 52_000),))
    dp = _streams(people)["dp"]
    dp.committed_pence, dp.spent_pence = 5_300, 100
    session.commit()
    plan = make_plan(people.holder)
    services.add_line(session, people.holder, plan.id, _text(unit_price_pence=900, stream_id=dp.id))
    checks = check_package(session, _reload(session, plan))
    assert checks.streams[0].available_annual_pence == 46_600
    assert "stream_over" in _rules(checks, "error")


def test_a_stream_over_its_limit_does_not_refuse_the_line_only_the_package(app, session):
    people = cast(streams=(("dp", 100),))
    plan = make_plan(people.holder)
    line = services.add_line(
        session, people.holder, plan.id, _text(stream_id=_streams(people)["dp"].id)
    )
    assert line.id is not None
    assert line_refusals(session, _reload(session, plan), line) == []


# --- what a direct payment may buy ----------------------------------------------------------------


def test_a_direct_payment_cannot_pay_for_long_term_residential_care(app, session):
    people = cast()
    plan = make_plan(people.holder)
    home = make_offer(
        title="Oak Lodge care home",
        category="long-term-residential",
        pay_dp=False,
        price_unit="week",
    )
    errors = _refused(session, people, plan, _offer_line(home, _streams(people)["dp"]))
    assert errors == {"stream_id": "A direct payment cannot pay for long-term residential care"}
    # The council-managed budget may.
    services.add_line(
        session, people.holder, plan.id, _offer_line(home, _streams(people)["managed"])
    )
    assert count(session, PlanLine) == 1


def test_a_direct_payment_cannot_pay_for_a_council_run_service(app, session):
    people = cast()
    plan = make_plan(people.holder)
    council_run = make_organisation(name="Leeds Day Services", kind="council_run")
    centre = make_offer(council_run, title="Day centre", category="day-opportunities")
    errors = _refused(session, people, plan, _offer_line(centre, _streams(people)["dp"]))
    assert errors["stream_id"] == (
        "A direct payment cannot pay for a service the council runs: “Day centre” is run by "
        "Leeds Day Services"
    )
    services.add_line(
        session, people.holder, plan.id, _offer_line(centre, _streams(people)["managed"])
    )
    assert count(session, PlanLine) == 1


def _respite_people(nation):
    if nation == "England":
        return cast()
    council = make_council(
        code="S12000036", name="City of Edinburgh Council", nation="Scotland", districts=("EH1",)
    )
    holder = make_holder(council, district="EH1")
    return SimpleNamespace(holder=holder, budget=make_budget(holder, council), council=council)


def _short_stays(people, plan, nights, frequency="once"):
    offer = make_offer(
        title="Seaview short breaks",
        category="respite",
        price_pence=9000,
        price_unit="night",
        deliver_home=False,
        deliver_venue=True,
        venue_address="1 Sea Road",
        venue_district="LS1",
    )
    return _offer_line(
        offer,
        _streams(people)["dp"],
        unit="nights",
        frequency=frequency,
        quantity_hundredths=nights * 100,
    )


def test_england_allows_up_to_28_nights_of_short_stays_by_direct_payment(app, session):
    people = _respite_people("England")
    plan = make_plan(people.holder)
    services.add_line(session, people.holder, plan.id, _short_stays(people, plan, 28))
    assert "dp_respite_over_4_weeks" not in _rules(check_package(session, _reload(session, plan)))


def test_england_refuses_a_29th_night_of_short_stays_by_direct_payment(app, session):
    people = _respite_people("England")
    plan = make_plan(people.holder)
    errors = _refused(session, people, plan, _short_stays(people, plan, 29))
    assert errors == {
        "quantity_hundredths": "A direct payment pays for at most 4 weeks (28 nights) of short "
        "stays in 12 months; the short stays paid by the direct payment come to 29 a year"
    }


def test_short_stays_add_up_over_the_year_across_lines(app, session):
    people = _respite_people("England")
    plan = make_plan(people.holder)
    first = services.add_line(session, people.holder, plan.id, _short_stays(people, plan, 14))
    errors = _refused(session, people, plan, _short_stays(people, plan, 15), 1)
    assert "come to 29 a year" in errors["quantity_hundredths"]
    # Changing the first line is measured without its old self: 14 + 14 fits.
    services.update_line(session, people.holder, plan.id, first.id, _short_stays(people, plan, 14))
    # 3 nights a month is 36 nights a year.
    errors = _refused(session, people, plan, _short_stays(people, plan, 3, frequency="month"), 1)
    assert "come to 50 a year" in errors["quantity_hundredths"]


def test_scotland_does_not_apply_englands_4_weeks_but_warns_to_ask_the_council(app, session):
    people = _respite_people("Scotland")
    plan = make_plan(people.holder)
    services.add_line(session, people.holder, plan.id, _short_stays(people, plan, 29))
    checks = check_package(session, _reload(session, plan))
    assert "dp_respite_over_4_weeks" not in _rules(checks)
    [warning] = [f for f in checks.findings if f.rule == "dp_respite_ask_council"]
    assert warning.severity == "warning"
    assert "ask the council" in warning.message


# --- what each deployment may pay for -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "flag", "words"),
    [
        ("dp", "pay_dp", "a direct payment"),
        ("managed", "pay_managed", "a council-managed budget"),
        ("isf", "pay_isf", "an Individual Service Fund"),
    ],
)
def test_an_offer_is_paid_only_by_the_deployments_it_accepts(app, session, kind, flag, words):
    people = cast(streams=(("dp", 500_000), ("managed", 500_000), ("isf", 500_000)))
    plan = make_plan(people.holder)
    offer = make_offer(title="Night visits", **{flag: False})
    errors = _refused(session, people, plan, _offer_line(offer, _streams(people)[kind]))
    assert errors == {"stream_id": f"“Night visits” cannot be paid from {words}"}
    for other in {"dp", "managed", "isf"} - {kind}:
        services.add_line(
            session, people.holder, plan.id, _offer_line(offer, _streams(people)[other])
        )
    assert count(session, PlanLine) == 2


def test_other_funding_has_no_deployment_flags_to_break(app, session):
    people = cast(streams=(("other", 500_000),))
    plan = make_plan(people.holder)
    offer = make_offer(pay_dp=False, pay_managed=False, pay_isf=False)
    services.add_line(
        session, people.holder, plan.id, _offer_line(offer, _streams(people)["other"])
    )
    assert count(session, PlanLine) == 1


# --- who delivers an ISF line ---------------------------------------------------------------------


def test_an_isf_line_records_whether_the_isf_holder_buys_it_in(app, session):
    agency = make_organisation(name="Night Owls Care")
    people = cast(streams=(("isf", 500_000), ("managed", 500_000)), isf_organisation=agency)
    isf, managed = _streams(people)["isf"], _streams(people)["managed"]
    plan = make_plan(people.holder)
    own = services.add_line(
        session, people.holder, plan.id, _offer_line(make_offer(agency, title="Night visits"), isf)
    )
    other = make_offer(make_organisation(name="Day Trips Ltd"), title="Outings")
    bought = services.add_line(session, people.holder, plan.id, _offer_line(other, isf))
    assert (own.isf_bought_in, bought.isf_bought_in) == (False, True)
    notes = {f.line_id: f for f in check_package(session, _reload(session, plan)).notes}
    assert (notes[own.id].rule, notes[bought.id].rule) == ("isf_delivered", "isf_bought_in")
    assert notes[bought.id].message == (
        "Night Owls Care (the ISF holder) buys “Outings” from Day Trips Ltd"
    )
    assert notes[bought.id].severity == "info"
    # Paid by another stream, nobody buys it in.
    services.update_line(session, people.holder, plan.id, bought.id, _offer_line(other, managed))
    session.expire_all()
    assert session.get(PlanLine, bought.id).isf_bought_in is False


# --- outcomes -------------------------------------------------------------------------------------


def test_an_outcome_no_line_serves_is_a_warning_while_drafting_and_stops_submission(app, session):
    people = cast()
    plan = make_plan(people.holder, outcomes=("independence", "community"))
    served, unserved = plan.outcomes
    services.add_line(session, people.holder, plan.id, _text(outcome_ids=[served.id]))
    lonely = services.add_line(session, people.holder, plan.id, _text(description="Cinema"))
    plan = _reload(session, plan)
    drafting = check_package(session, plan)
    by_rule = {f.rule: f for f in drafting.findings}
    assert by_rule["outcome_not_served"].severity == "warning"
    assert by_rule["outcome_not_served"].outcome_id == unserved.id
    assert by_rule["outcome_not_served"].message == (
        "No line of the package serves “Being part of my community”"
    )
    assert by_rule["line_serves_no_outcome"].line_id == lonely.id
    assert by_rule["line_serves_no_outcome"].severity == "warning"
    submitting = check_package(session, plan, for_submit=True)
    assert [f.rule for f in submitting.errors if f.outcome_id] == ["outcome_not_served"]
    with pytest.raises(ValidationFailed) as refused:
        services.submit_plan(session, people.holder, plan.id)
    assert refused.value.errors[f"outcome-{unserved.id}"] == (
        "No line of the package serves “Being part of my community”"
    )
    assert _reload(session, plan).status == "draft"


# --- personal assistants --------------------------------------------------------------------------


def _require(session, holder, *checks):
    session.get(HolderRecord, holder.id).required_checks = list(checks)
    session.commit()


def test_a_pa_without_a_check_the_holder_requires_is_refused(app, session):
    people = cast()
    _require(session, people.holder, "enhanced_dbs", "pvg")
    plan = make_plan(people.holder)
    pa = make_pa(display_name="Sam Carer", checks=("enhanced_dbs",))
    errors = _refused(session, people, plan, _pa_line(pa))
    assert errors == {
        "pa_profile_id": "Sam Carer has no PVG scheme membership, which Amira Holder asks for"
    }


@pytest.mark.parametrize(("days_left", "refused"), [(0, False), (-1, True)])
def test_a_check_must_be_in_date_on_the_day_the_line_starts(app, session, days_left, refused):
    people = cast()
    _require(session, people.holder, "enhanced_dbs")
    plan = make_plan(people.holder)
    start = date.today() + timedelta(days=30)  # a line still to start
    pa = make_pa(display_name="Sam Carer")
    check = session.get(PAProfile, pa.id).checks[0]
    check.issued_on = start - timedelta(days=700)
    check.expires_on = start + timedelta(days=days_left)
    session.commit()
    data = _pa_line(pa, start_on=start)
    if not refused:
        services.add_line(session, people.holder, plan.id, data)
        assert count(session, PlanLine) == 1
        return
    errors = _refused(session, people, plan, data)
    assert errors["pa_profile_id"].startswith("Sam Carer's Enhanced DBS check expired on ")
    assert "before the line starts on" in errors["pa_profile_id"]


@pytest.mark.parametrize(("ended_days_ago", "refused"), [(None, True), (0, True), (2, False)])
def test_a_running_line_needs_the_check_in_date_today_not_only_when_it_started(
    app, session, ended_days_ago, refused
):
    """A line that started in the past and runs on: its PA's check must be in date now. One that
    has ended needed it only while it ran (from its start)."""
    people = cast()
    _require(session, people.holder, "enhanced_dbs")
    plan = make_plan(people.holder)
    today = date.today()
    start = today - timedelta(days=10)
    pa = make_pa(display_name="Sam Carer")
    check = session.get(PAProfile, pa.id).checks[0]
    check.issued_on = start - timedelta(days=700)
    check.expires_on = today - timedelta(days=1)  # in date at the start, lapsed yesterday
    session.commit()
    end = None if ended_days_ago is None else today - timedelta(days=ended_days_ago)
    data = _pa_line(pa, start_on=start, end_on=end)
    if not refused:
        services.add_line(session, people.holder, plan.id, data)
        assert count(session, PlanLine) == 1
        return
    errors = _refused(session, people, plan, data)
    assert errors["pa_profile_id"] == (
        f"Sam Carer's Enhanced DBS check expired on {check.expires_on.day} "
        f"{check.expires_on:%B %Y}, and the line is running now"
    )


def test_a_pa_must_be_available_for_every_day_and_time_of_the_line(app, session):
    people = cast()
    plan = make_plan(people.holder)
    pa = make_pa(display_name="Sam Carer", availability=["mon:morning", "tue:morning"])
    services.add_line(session, people.holder, plan.id, _pa_line(pa))
    session.query(PlanLine).delete()
    session.commit()
    errors = _refused(session, people, plan, _pa_line(pa, time_bands=["morning", "evening"]))
    assert errors == {"days": "Sam Carer is not available on Monday evening and Tuesday evening"}


def test_a_pa_must_travel_as_far_as_the_holders_district(app, session):
    people = cast()  # the holder lives in LS6
    distance = geo.distance_km(geo.districts()["LS1"], geo.districts()["LS6"])
    plan = make_plan(people.holder)
    near_enough = make_pa(home_district="LS1", travel_km=math.ceil(distance))
    services.add_line(session, people.holder, plan.id, _pa_line(near_enough))
    too_far = make_pa(display_name="Jo Far", home_district="LS1", travel_km=math.floor(distance))
    errors = _refused(session, people, plan, _pa_line(too_far), 1)
    assert errors == {
        "pa_profile_id": f"Jo Far lives {round(distance)} km away and travels up to "
        f"{math.floor(distance)} km, not as far as LS6"
    }


def test_a_pa_in_the_holders_own_district_reaches_them_with_no_travel(app, session):
    people = cast()
    plan = make_plan(people.holder)
    services.add_line(session, people.holder, plan.id, _pa_line(make_pa(travel_km=0)))
    assert count(session, PlanLine) == 1


def test_a_pa_far_away_is_named_with_whole_kilometres(app, session):
    people = cast()
    plan = make_plan(people.holder)
    pa = make_pa(display_name="Jo Far", home_district="BD1", travel_km=8)
    errors = _refused(session, people, plan, _pa_line(pa))
    assert errors["pa_profile_id"] == (
        "Jo Far lives 12 km away and travels up to 8 km, not as far as LS6"
    )


def test_a_saved_pa_line_whose_check_lapsed_stops_submission(app, session):
    people = cast()
    _require(session, people.holder, "enhanced_dbs")
    plan = make_plan(people.holder)
    pa = make_pa(display_name="Sam Carer")
    line = services.add_line(
        session,
        people.holder,
        plan.id,
        _pa_line(pa, stream_id=_streams(people)["dp"].id, outcome_ids=[plan.outcomes[0].id]),
    )
    check = session.get(PAProfile, pa.id).checks[0]
    check.issued_on = line.start_on - timedelta(days=700)
    check.expires_on = line.start_on - timedelta(days=1)
    session.commit()
    checks = check_package(session, _reload(session, plan))
    assert [(f.rule, f.line_id) for f in checks.errors] == [("pa_check_expired", line.id)]
    with pytest.raises(ValidationFailed) as refused:
        services.submit_plan(session, people.holder, plan.id)
    assert "Enhanced DBS check expired" in refused.value.errors[f"line-{line.id}"]


# --- refusals save nothing; the answer's shape -----------------------------------------------------


def test_a_refused_change_leaves_the_line_as_it_was(app, session):
    people = cast()
    plan = make_plan(people.holder)
    offer = make_offer(title="Night visits", pay_managed=False)
    line = services.add_line(
        session, people.holder, plan.id, _offer_line(offer, _streams(people)["dp"])
    )
    with pytest.raises(ValidationFailed):
        services.update_line(
            session,
            people.holder,
            plan.id,
            line.id,
            _offer_line(offer, _streams(people)["managed"], quantity_hundredths=500),
        )
    session.expire_all()
    kept = session.get(PlanLine, line.id)
    assert (kept.stream_id, kept.quantity_hundredths) == (_streams(people)["dp"].id, 100)


def test_a_refusal_carries_each_broken_rules_code_beside_the_form_errors(app, session):
    """Pages read ``errors`` as from any ValidationFailed; the API also lists ``rules``."""
    people = cast()
    _require(session, people.holder, "enhanced_dbs", "pvg")
    plan = make_plan(people.holder)
    pa = make_pa(display_name="Sam Carer", checks=("enhanced_dbs",))
    with pytest.raises(RuleBroken) as refused:
        services.add_line(session, people.holder, plan.id, _pa_line(pa, days=["fri"]))
    assert refused.value.code == "rule_broken"
    assert refused.value.errors == {
        "pa_profile_id": "Sam Carer has no PVG scheme membership, which Amira Holder asks for",
        "days": "Sam Carer is not available on Friday morning",
    }
    assert [(r.rule, r.field, r.message) for r in refused.value.rules] == [
        ("pa_check_missing", "pa_profile_id", refused.value.errors["pa_profile_id"]),
        ("pa_not_available", "days", refused.value.errors["days"]),
    ]
    assert count(session, PlanLine) == 0


def test_every_rule_code_is_named_and_checks_answer_as_json(app, session):
    people = cast(streams=(("dp", 52_000),))
    plan = make_plan(people.holder)
    services.add_line(session, people.holder, plan.id, _text(stream_id=_streams(people)["dp"].id))
    data = check_package(session, _reload(session, plan)).as_dict()
    assert data["ok"] is True
    assert {f["rule"] for f in data["findings"]} <= set(RULES)
    assert data["streams"][0]["state"] == "near"
    assert data["streams"][0]["used_bp"] == 10000
    assert data["costs"]["total"]["annual_pence"] == 52_000
