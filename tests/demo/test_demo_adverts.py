"""``flask demo-data``, need adverts (issue 7): Grace's advert matches her PA Joanne, who has
replied; other holders advertise too, one advert closed; PAs say whether they smoke or mind pets."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.clock import today
from marketplace.demo.plan import build_plan
from marketplace.holders.models import HolderRecord
from marketplace.mail.models import OutboxMessage
from marketplace.needs.matching import match_need, needs_for_pa
from marketplace.needs.models import NeedAdvert
from marketplace.needs.services import pa_profile_of
from marketplace.plans.models import SupportPlan
from tests.demo.test_demo_data import _run

GRACE_ADVERT = "PA for weekday evenings and shopping"


def _user(session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def test_the_demo_has_open_adverts_from_several_holders_and_a_closed_one(app, session):
    _run(app)

    adverts = session.scalars(select(NeedAdvert).order_by(NeedAdvert.id)).all()
    open_ones = [a for a in adverts if a.is_open]
    assert len(open_ones) >= 3 and len({a.holder_id for a in open_ones}) >= 3
    assert [a.status for a in adverts].count("closed") == 1
    # Posted by the holder, a broker and a representative.
    assert {a.posted_by.role for a in adverts} == {"holder", "broker", "representative"}
    for advert in adverts:
        assert advert.start_on >= today() and advert.rate_pence >= 1271
        assert advert.slots and advert.hours_hundredths > 0
        record = session.scalar(
            select(HolderRecord).where(HolderRecord.user_id == advert.holder_id)
        )
        assert advert.district == record.district  # never more precise than the district
        assert advert.required_checks == sorted(record.required_checks)


def test_graces_advert_has_joanne_as_its_best_pa_and_her_reply(app, session):
    _run(app)
    grace = _user(session, "holder@demo.example")
    joanne = pa_profile_of(session, _user(session, "pa@demo.example"))

    need = session.scalar(select(NeedAdvert).where(NeedAdvert.holder_id == grace.id))
    assert need.title == GRACE_ADVERT and need.is_open and need.district == "LS6"
    assert (need.preferred_gender, need.non_smoker, need.required_checks) == (
        "female",
        True,
        ["enhanced_dbs"],
    )
    draft = session.scalar(select(SupportPlan).where(SupportPlan.holder_id == grace.id))
    assert draft.status == "draft" and need.plan_id == draft.id

    found = match_need(session, need)
    pas = [m for m in found.matches if m.kind == "pa"]
    assert pas[0].candidate_id == joanne.id and pas[0].eligible
    assert pas[0].score >= 75
    parts = {p.key: p for p in pas[0].parts}
    assert parts["preferences"].points == parts["preferences"].max_points  # female, no smoking
    assert "Monday evening" in parts["availability"].reason  # the one evening she is not free

    [reply] = need.interests
    assert reply.pa_profile_id == joanne.id and reply.active
    assert reply.note.startswith("I live nearby and I am free on Wednesday and Friday evenings.")
    told = session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.to_address == grace.email)
    ).all()
    assert f"A personal assistant is interested: {GRACE_ADVERT}" in told
    # The same match, reversed: Joanne sees Grace's advert among those that fit her.
    assert need.id in [n.id for n, _ in needs_for_pa(session, joanne)]


def test_most_demo_pas_do_not_smoke_and_many_are_happy_with_pets():
    plan = build_plan(2026, 1.0, date(2026, 6, 1))

    profiles = [p.fields for p in plan.pas]
    non_smokers = sum(p["non_smoker"] for p in profiles) / len(profiles)
    pets = sum(p["pets_ok"] for p in profiles) / len(profiles)
    assert 0.75 <= non_smokers < 1 and 0.4 <= pets <= 0.75
    joanne = plan.pas[0]
    assert joanne.user.email == "pa@demo.example"
    assert joanne.fields["non_smoker"] and joanne.fields["pets_ok"]


def test_graces_advert_asks_for_times_her_pa_is_free_whatever_the_seed():
    for seed in (2026, 11, 12, 2036):
        plan = build_plan(seed, 0.05, date(2026, 6, 1))
        advert, joanne = plan.adverts[0], plan.pas[0]

        assert advert.holder == "holder@demo.example" and advert.for_draft_plan
        assert set(advert.slots) & set(joanne.fields["availability"]), seed
        assert [r.pa for r in advert.replies] == ["pa@demo.example"]
