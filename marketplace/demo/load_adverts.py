"""Write the demo's need adverts and PAs' replies, through the needs services.

Unlike the rest of the demo, adverts are not history replayed with past dates: they are posted
today, as a person would post them, so the services' own rules (an advert starts today or later,
a PA replies only to an advert they are eligible for) check the demo too. An advert is looked up
by its holder and title, a reply by its advert and PA, so a second run adds nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.demo.adverts import NeedPlan
from marketplace.directory.models import PAProfile
from marketplace.holders.models import HolderRecord
from marketplace.needs import services as needs
from marketplace.needs.models import NeedAdvert, NeedInterest
from marketplace.plans.models import SupportPlan

if TYPE_CHECKING:
    from marketplace.demo.load import Loader


def adverts(loader: Loader) -> None:
    """Post each planned advert not there yet (closing it if the plan says so), then add the
    replies not there yet. Each service call commits on its own."""
    plans = loader.plan.adverts
    with loader.progress("Need adverts and replies", len(plans)) as bar:
        for plan in plans:
            need = _advert(loader, plan)
            for reply in plan.replies:
                _reply(loader, need, reply.pa, reply.note)
            bar.update(1)


def _user(loader: Loader, email: str) -> User:
    return loader.session.execute(select(User).where(User.email == email)).scalar_one()


def _advert(loader: Loader, plan: NeedPlan) -> NeedAdvert:
    session, report = loader.session, loader.report
    holder = _user(loader, plan.holder)
    need = session.scalar(
        select(NeedAdvert).where(NeedAdvert.holder_id == holder.id, NeedAdvert.title == plan.title)
    )
    if need is not None:
        report.found["need adverts"] += 1
        return need
    record = session.scalar(select(HolderRecord).where(HolderRecord.user_id == holder.id))
    data = replace(
        # Preferences and required checks as the holder's record gives them, like the form.
        needs.defaults_for(record),
        title=plan.title,
        description=plan.description,
        slots=plan.slots,
        hours_hundredths=plan.hours_hundredths,
        skills=plan.skills,
        rate_pence=plan.rate_pence,
        start_on=loader.reference.date() + timedelta(days=plan.starts_in_days),
        plan_id=_draft_plan_id(loader, holder.id) if plan.for_draft_plan else None,
    )
    poster = _user(loader, plan.posted_by)
    need = needs.create_need(session, poster, holder.id, data)
    report.added["need adverts"] += 1
    if plan.closed:
        needs.close_need(session, poster, need.id)
        report.added["closed need adverts"] += 1
    return need


def _draft_plan_id(loader: Loader, holder_id: int) -> int | None:
    """The holder's latest draft support plan, if they have one."""
    return loader.session.scalar(
        select(SupportPlan.id)
        .where(SupportPlan.holder_id == holder_id, SupportPlan.status == "draft")
        .order_by(SupportPlan.year_start.desc(), SupportPlan.revision.desc())
        .limit(1)
    )


def _reply(loader: Loader, need: NeedAdvert, pa_email: str, note: str) -> None:
    session, report = loader.session, loader.report
    pa = _user(loader, pa_email)
    replied = session.scalar(
        select(NeedInterest.id)
        .join(PAProfile, NeedInterest.pa_profile_id == PAProfile.id)
        .where(NeedInterest.need_id == need.id, PAProfile.user_id == pa.id)
    )
    if replied is not None:
        report.found["replies to need adverts"] += 1
        return
    needs.express_interest(session, pa, need.id, note)
    report.added["replies to need adverts"] += 1
