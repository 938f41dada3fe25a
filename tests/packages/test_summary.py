"""The package summary: costs by stream and in all, who pays, where the money goes (direct
support, coordination, overheads, and what has no breakdown), outcome coverage; the printable
page and the CSV, each only for people who may see the plan, each read audited."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.extensions import db
from marketplace.packages.summary import package_summary, shares_of, split_cost
from marketplace.packages.summary_csv import CSV_HEADER, safe_cell
from marketplace.permissions import Role
from marketplace.plans.models import PlanLine, PlanOutcome, SupportPlan
from tests.factories import (
    link_broker,
    link_representative,
    make_holder,
    make_offer,
    make_pa,
    make_plan,
    make_user,
)
from tests.plans.helpers import cast, client_for, text


def _add_lines(plan_id: int, *lines: dict) -> None:
    """Lines written straight to the plan (the summary reads whatever the plan holds)."""
    plan = db.session.get(SupportPlan, plan_id)
    outcomes = {outcome.code: outcome for outcome in plan.outcomes}
    for values in lines:
        serves = values.pop("serves", ())
        plan.lines.append(
            PlanLine(
                start_on=plan.year_start,
                position=len(plan.lines),
                outcomes=[outcomes[code] for code in serves],
                **values,
            )
        )
    db.session.commit()


@pytest.fixture
def package(app, session):
    """Grace's mixed package: two offers split 77/15/8 (one whose split does not divide
    evenly), a PA, something bought outside the directory (no stream yet), and family support;
    a direct payment and a council-managed stream; a £2,000 contribution."""
    people = cast(streams=(("dp", 1_600_000), ("managed", 520_000)), contribution_pence=200_000)
    streams = {s.kind: s for s in people.budget.streams}
    plan = make_plan(people.holder, outcomes=("independence", "community", "safety"))
    split = {"direct_bp": 7700, "coordination_bp": 1500, "overheads_bp": 800}
    care = make_offer(title="Home care visits", price_pence=2250, **split)
    day = make_offer(title="Day centre", category="day-opportunities", price_pence=4333, **split)
    pa = make_pa(hourly_rate_pence=1650)
    _add_lines(
        plan.id,
        # 6 hours a week at £22.50: 702_000 pence a year.
        dict(
            kind="offer",
            offer_id=care.id,
            description="Home care visits",
            provider_name=care.provider_name,
            quantity_hundredths=600,
            unit_price_pence=2250,
            stream_id=streams["dp"].id,
            serves=("independence",),
        ),
        # 1 session a fortnight at £43.33: 112_658 pence a year, whose 77/15/8 split leaves pence.
        dict(
            kind="offer",
            offer_id=day.id,
            description="Day centre",
            frequency="fortnight",
            unit="sessions",
            unit_price_pence=4333,
            stream_id=streams["managed"].id,
            serves=("community", "independence"),
        ),
        # 10 hours a week at £16.50: 858_000 pence a year, all direct support.
        dict(
            kind="pa",
            pa_profile_id=pa.id,
            description="Personal assistant: Sam",
            provider_name="Sam",
            quantity_hundredths=1000,
            unit_price_pence=1650,
            stream_id=streams["dp"].id,
            serves=("independence",),
        ),
        # £12.50 a month, no stream yet, no breakdown, no outcome: 15_000 pence a year.
        dict(
            kind="text",
            description="Gym membership",
            frequency="month",
            unit="items",
            unit_price_pence=1250,
        ),
        dict(
            kind="unpaid",
            description="Sunday lunch with family",
            provider_name="Tom (son)",
            quantity_hundredths=300,
            serves=("community",),
        ),
    )
    return people, db.session.get(SupportPlan, plan.id)


def _words(response) -> str:
    """The page's text without its markup, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def _lines(summary):
    return {line.description: line for line in summary.lines}


# --- the figures ---------------------------------------------------------------------------------


def test_a_mixed_package_costs_exactly_what_its_lines_cost_by_stream_and_in_all(package):
    _, plan = package
    summary = package_summary(db.session, plan)
    assert {name: line.cost.annual_pence for name, line in _lines(summary).items()} == {
        "Home care visits": 702_000,
        "Day centre": 112_658,
        "Personal assistant: Sam": 858_000,
        "Gym membership": 15_000,
        "Sunday lunch with family": 0,
    }
    assert (summary.total.annual_pence, summary.total.weekly_pence) == (1_687_658, 32_454)
    assert summary.total.weekly_remainder_pence == 50
    dp, managed = summary.streams
    assert (dp.kind, dp.cost.annual_pence, dp.cost.weekly_pence) == ("dp", 1_560_000, 30_000)
    assert (dp.holds_pence, dp.available_pence, dp.left_after_pence, dp.over_pence) == (
        1_600_000,
        1_600_000,
        40_000,
        0,
    )
    assert (managed.cost.annual_pence, managed.left_after_pence) == (112_658, 407_342)
    assert summary.unassigned.annual_pence == 15_000
    assert sum(s.cost.annual_pence for s in summary.streams) + 15_000 == summary.total.annual_pence
    assert _lines(summary)["Gym membership"].paid_from == "Not assigned to a stream yet"
    assert _lines(summary)["Sunday lunch with family"].paid_from == "Unpaid"
    assert [line.description for line in summary.unpaid_lines] == ["Sunday lunch with family"]
    assert summary.unpaid_lines[0].how_often == "3 hours each week"


def test_each_line_splits_into_direct_coordination_and_overheads_to_the_penny(package):
    _, plan = package
    lines = _lines(package_summary(db.session, plan))
    care, day = lines["Home care visits"].split, lines["Day centre"].split
    assert (care.direct, care.coordination, care.overheads) == (540_540, 105_300, 56_160)
    # 15% of 112,658 is 16,898.7 and 8% is 9,012.64: both round down, direct support gets the rest.
    assert (day.direct, day.coordination, day.overheads) == (86_748, 16_898, 9_012)
    assert day.total_pence == 112_658
    assert lines["Personal assistant: Sam"].split.direct == 858_000
    gym = lines["Gym membership"].split
    assert (gym.direct, gym.not_broken_down) == (0, 15_000)
    for line in lines.values():
        assert line.split.total_pence == line.cost.annual_pence


def test_the_shares_of_spending_add_up_to_the_total_and_to_100_percent(package):
    _, plan = package
    summary = package_summary(db.session, plan)
    assert [(s.key, s.cost.annual_pence, s.share_bp) for s in summary.shares] == [
        ("direct", 1_485_288, 8801),
        ("coordination", 122_198, 724),
        ("overheads", 65_172, 386),
        ("not_broken_down", 15_000, 89),
    ]
    assert summary.split.total_pence == summary.total.annual_pence
    assert sum(s.share_bp for s in summary.shares) == 10_000


def test_the_contribution_is_the_holders_part_and_the_council_pays_the_rest(package):
    _, plan = package
    who = package_summary(db.session, plan).who_pays
    assert (who.budget_total_pence, who.contribution_pence, who.council_share_pence) == (
        2_120_000,
        200_000,
        1_920_000,
    )
    assert who.other_pence.annual_pence == 0
    assert (who.holder_pence.annual_pence, who.council_pence.annual_pence) == (200_000, 1_487_658)
    assert who.holder_pence.weekly_pence == 3_846


def test_other_funding_pays_its_lines_and_the_contribution_never_exceeds_the_rest(app, session):
    people = cast(streams=(("dp", 520_000), ("other", 104_000)), contribution_pence=500_000)
    streams = {s.kind: s for s in people.budget.streams}
    plan = make_plan(people.holder)
    _add_lines(
        plan.id,
        dict(
            kind="text",
            description="Job coach",
            unit_price_pence=2000,
            stream_id=streams["other"].id,
        ),
        dict(kind="text", description="Cleaner", unit_price_pence=5000, stream_id=streams["dp"].id),
    )
    who = package_summary(session, session.get(SupportPlan, plan.id)).who_pays
    assert who.other_pence.annual_pence == 104_000
    # The rest costs £2,600 a year: a £5,000 contribution pays it all, the council nothing.
    assert (who.holder_pence.annual_pence, who.council_pence.annual_pence) == (260_000, 0)
    page = _words(client_for(app, people.holder).get(f"/plans/{plan.id}/summary"))
    assert "other funding is £1,040.00" in page
    assert "Other funding £20.00 £1,040.00 Your contribution £50.00 £2,600.00" in page
    assert "The council £0.00 £0.00" in page


def test_a_stream_asked_for_more_than_it_has_left_says_by_how_much(app, session):
    people = cast(streams=(("dp", 52_000),))
    plan = make_plan(people.holder)
    dp = people.budget.streams[0]
    _add_lines(
        plan.id, dict(kind="text", description="Cleaner", unit_price_pence=2000, stream_id=dp.id)
    )
    [stream] = package_summary(session, session.get(SupportPlan, plan.id)).streams
    assert (stream.cost.annual_pence, stream.over_pence, stream.left_after_pence) == (
        104_000,
        52_000,
        0,
    )
    client = client_for(app, people.holder)
    page = _words(client.get(f"/plans/{plan.id}/summary"))
    assert "Over by £520.00" in page and "cannot be submitted or approved until it fits" in page
    rows = _csv(client.get(f"/plans/{plan.id}/summary.csv"))
    assert _find(rows, "stream", "Direct payment", "Over by")["Pence a year"] == "52000"


def test_outcome_coverage_names_the_lines_serving_each_outcome_and_what_is_missing(package):
    _, plan = package
    summary = package_summary(db.session, plan)
    coverage = {o.title: o for o in summary.outcomes}
    assert [line.description for line in coverage["Staying independent"].lines] == [
        "Home care visits",
        "Day centre",
        "Personal assistant: Sam",
    ]
    assert coverage["Staying independent"].cost.annual_pence == 702_000 + 112_658 + 858_000
    assert [line.description for line in coverage["Being part of my community"].lines] == [
        "Day centre",
        "Sunday lunch with family",
    ]
    assert coverage["Being part of my community"].cost.annual_pence == 112_658
    assert [o.title for o in summary.unserved_outcomes] == ["Feeling safe"]
    assert [line.description for line in summary.lines_without_outcome] == ["Gym membership"]


def test_an_empty_plan_has_a_summary_of_nothing(app, session):
    people = cast()
    plan = make_plan(people.holder, outcomes=())
    summary = package_summary(session, session.get(SupportPlan, plan.id))
    assert summary.lines == () and summary.shares == () and summary.outcomes == ()
    assert summary.total.annual_pence == 0
    assert [s.cost.annual_pence for s in summary.streams] == [0, 0]
    assert summary.who_pays.holder_pence.annual_pence == 0


@pytest.mark.parametrize(
    ("amounts", "shares"),
    [
        ([1, 1, 1], [3334, 3333, 3333]),
        ([0, 5, 0], [0, 10_000, 0]),
        ([0, 0], [0, 0]),
        ([2, 1], [6667, 3333]),
    ],
)
def test_shares_always_sum_to_100_percent(amounts, shares):
    assert shares_of(amounts) == shares


def test_a_line_with_no_offer_to_go_on_is_not_broken_down():
    assert split_cost(999, "offer", None).not_broken_down == 999
    assert split_cost(999, "pa", None).direct == 999


# --- the page ------------------------------------------------------------------------------------


VIEWERS = ("holder", "representative", "broker", "officer")


@pytest.fixture
def people(package):
    cast_, plan = package
    holder = cast_.holder
    return plan, {
        "holder": holder,
        "representative": link_representative(holder),
        "broker": link_broker(holder),
        "officer": cast_.officer,
        "invited_broker": link_broker(holder, status="invited"),
        "other_officer": cast_.other_officer,
        "other_holder": make_holder(cast_.council),
        "admin": make_user(Role.ADMIN),
        "provider": make_user(Role.PROVIDER_ADMIN),
    }


@pytest.mark.parametrize(
    "who",
    [*VIEWERS, "invited_broker", "other_officer", "other_holder", "admin", "provider"],
)
def test_the_summary_is_for_the_people_who_may_see_the_plan_only(app, people, who):
    plan, users = people
    client = client_for(app, users[who])
    expected = 200 if who in VIEWERS else 404
    assert client.get(f"/plans/{plan.id}/summary").status_code == expected
    assert client.get(f"/plans/{plan.id}/summary.csv").status_code == expected


def test_signing_in_comes_first(app, package):
    _, plan = package
    response = client_for(app).get(f"/plans/{plan.id}/summary")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_a_missing_plan_is_404(app, people):
    _, users = people
    client = client_for(app, users["holder"])
    assert client.get("/plans/999999/summary").status_code == 404
    assert client.get("/plans/999999/summary.csv").status_code == 404


def test_the_page_shows_the_figures_the_chart_and_the_coverage(app, people):
    plan, users = people
    response = client_for(app, users["broker"]).get(f"/plans/{plan.id}/summary")
    page = _words(response)
    assert "Package summary" in page and "Revision" in page and "Draft" in page
    assert "£16,876.58" in page  # the total a year
    assert "£324.54" in page  # and a week
    assert "£400.00 left" in page  # the direct payment after the package
    assert "£4,073.42 left" in page  # the council-managed budget after it
    assert "Not assigned to a stream yet" in page and "£150.00" in page
    assert "Sunday lunch with family Tom (son) 3 hours each week £0" in page
    # Who pays: the contribution and the council's part, named for the broker reading it.
    assert "Amira Holder\u2019s contribution" in page
    assert "£2,000.00" in page and "£14,876.58" in page
    # The chart has a text alternative, and its data is in the table beside it.
    assert 'role="img"' in text(response)
    assert "Direct support: 88.01% (£14,852.88 a year)" in page
    assert "Coordination: 7.24%" in page and "Overheads: 3.86%" in page
    assert "Not broken down: 0.89%" in page
    assert "Not broken down: support bought outside the directory" in page
    # Each such line on its own (descriptions have commas of their own), and the way back.
    assert re.search(
        r'no split to go on:</p>\s*<ul class="govuk-list govuk-list--bullet">\s*<li>',
        text(response),
    )
    assert f'href="/plans/{plan.id}/build"' in text(response)
    assert "No support serves it yet" in page  # Feeling safe
    assert "Support that serves no outcome" in page and "Gym membership" in page
    assert f'href="/plans/{plan.id}/summary.csv"' in text(response)


def test_the_holder_reads_your_contribution(app, people):
    plan, users = people
    page = text(client_for(app, users["holder"]).get(f"/plans/{plan.id}/summary"))
    assert "Your contribution" in page


def test_an_empty_plan_page_works(app, session):
    people = cast()
    plan = make_plan(people.holder, outcomes=())
    response = client_for(app, people.holder).get(f"/plans/{plan.id}/summary")
    assert response.status_code == 200
    page = text(response)
    assert "No paid support in the package yet." in page
    assert "Nothing to pay for yet, so there is no split to show." in page
    assert "The plan has no outcomes yet." in page


def test_the_plan_page_links_to_the_summary(app, people):
    plan, users = people
    page = text(client_for(app, users["holder"]).get(f"/plans/{plan.id}"))
    assert f'href="/plans/{plan.id}/summary"' in page
    assert "See the package summary (printable, or download as CSV)" in page


# --- the CSV ---------------------------------------------------------------------------------------


def _csv(response):
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == list(CSV_HEADER)
    return [dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]]


def _find(rows, section, item, detail=None):
    found = [
        r
        for r in rows
        if r["Section"] == section and r["Item"] == item and detail in (None, r["Detail"])
    ]
    assert len(found) == 1, (section, item, detail, found)
    return found[0]


def test_the_csv_is_a_download_holding_the_same_numbers(app, people):
    plan, users = people
    response = client_for(app, users["holder"]).get(f"/plans/{plan.id}/summary.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="package-plan-{plan.id}-rev-1.csv"'
    )
    rows = _csv(response)
    total = _find(rows, "total", "Package")
    assert (total["Pounds a year"], total["Pence a year"]) == ("16876.58", "1687658")
    assert (total["Pounds a week"], total["Pence a week"]) == ("324.54", "32454")
    day = _find(rows, "line", "Day centre")
    assert (day["Line"], day["Paid from"], day["Pence a year"]) == (
        "2",
        "Council-managed",
        "112658",
    )
    parts = {
        r["Detail"]: r["Pence a year"]
        for r in rows
        if r["Section"] == "line share" and r["Item"] == "Day centre"
    }
    assert parts == {"Direct support": "86748", "Coordination": "16898", "Overheads": "9012"}
    lunch = _find(rows, "line", "Sunday lunch with family")
    assert (lunch["Paid from"], lunch["Pence a year"], lunch["Detail"]) == (
        "Unpaid",
        "0",
        "3 hours each week; Tom (son)",
    )
    assert _find(rows, "stream", "Direct payment", "Left after the package")["Pence a year"] == (
        "40000"
    )
    assert _find(rows, "stream", "Not assigned to a stream yet")["Pounds a year"] == "150.00"
    assert _find(rows, "who pays", "Holder's contribution")["Pence a year"] == "200000"
    assert _find(rows, "who pays", "Council")["Pence a year"] == "1487658"
    shares = {
        r["Item"]: (r["Pence a year"], r["Share of the package (%)"])
        for r in rows
        if r["Section"] == "share"
    }
    assert shares == {
        "Direct support": ("1485288", "88.01"),
        "Coordination": ("122198", "7.24"),
        "Overheads": ("65172", "3.86"),
        "Not broken down": ("15000", "0.89"),
    }
    assert _find(rows, "outcome", "Feeling safe")["Detail"] == "No line serves this outcome"
    assert _find(rows, "outcome", "Staying independent", "All the lines serving it")[
        "Pence a year"
    ] == str(702_000 + 112_658 + 858_000)
    assert _find(rows, "no outcome", "Gym membership")["Line"] == "4"


def test_the_csv_neutralises_what_a_spreadsheet_would_run(app, people):
    plan, users = people
    _add_lines(
        plan.id,
        dict(
            kind="text",
            description='=HYPERLINK("http://evil.example","Click")',
            unit_price_pence=100,
        ),
    )
    plan.outcomes.append(PlanOutcome(code="other", text="@SUM(A1:A9)", position=9))
    db.session.commit()
    rows = _csv(client_for(app, users["holder"]).get(f"/plans/{plan.id}/summary.csv"))
    line = _find(rows, "line", '\'=HYPERLINK("http://evil.example","Click")')
    assert line["Pence a year"] == "5200"
    assert _find(rows, "outcome", "'@SUM(A1:A9)")["Detail"] == "No line serves this outcome"
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_each_formula_start_gets_an_apostrophe(cell):
    assert safe_cell(cell) == "'" + cell
    assert safe_cell("Fine = good") == "Fine = good"


def test_the_csv_of_an_empty_plan_has_its_total(app, session):
    people = cast()
    plan = make_plan(people.holder, outcomes=())
    rows = _csv(client_for(app, people.holder).get(f"/plans/{plan.id}/summary.csv"))
    assert _find(rows, "total", "Package")["Pence a year"] == "0"


def test_reading_the_page_and_the_csv_is_audited(app, session, people):
    plan, users = people
    client = client_for(app, users["officer"])
    client.get(f"/plans/{plan.id}/summary")
    client.get(f"/plans/{plan.id}/summary.csv")
    session.expire_all()
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.subject_type, e.subject_id, e.holder_id, e.actor_id) for e in events] == [
        ("read", "plan_summary", plan.id, plan.holder_id, users["officer"].id),
        ("read", "plan_summary_csv", plan.id, plan.holder_id, users["officer"].id),
    ]


def test_a_refused_read_is_not_audited(app, session, people):
    plan, users = people
    client_for(app, users["other_holder"]).get(f"/plans/{plan.id}/summary.csv")
    session.expire_all()
    assert session.scalars(select(AuditEvent)).all() == []
