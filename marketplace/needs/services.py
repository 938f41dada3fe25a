"""Need adverts: post, list, close; PAs' interest; opening a conversation with a PA.

Each public function is one use case and one transaction. Planners (the holder, a
representative, an active broker) work on a holder's adverts; anyone else gets NotFound. A PA sees
an open advert only within their travel range, and never the holder's name or postcode: the
holder's side shares who they are by opening a conversation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace import geo
from marketplace.accounts.models import User
from marketplace.audit.services import record
from marketplace.clock import start_date_error, today, utcnow
from marketplace.directory import vocab
from marketplace.directory.models import PAProfile
from marketplace.errors import Conflict, DomainError, NotFound, ValidationFailed
from marketplace.extensions import DbSession
from marketplace.holders import vocab as holder_vocab
from marketplace.holders.access import CareAccess, visible_holder_ids
from marketplace.holders.models import HolderRecord
from marketplace.holders.services import council_for_district
from marketplace.mail.services import queue_mail
from marketplace.messages.models import MessageThread
from marketplace.messages.services import start_thread
from marketplace.money import format_pence
from marketplace.needs.matching import Match, score_pa
from marketplace.needs.models import MAX_HOURS_HUNDREDTHS, NeedAdvert, NeedInterest
from marketplace.permissions import Role
from marketplace.plans.common import planner_access
from marketplace.plans.models import SupportPlan
from marketplace.plans.services import current_plan
from marketplace.urls import absolute_url

NEED_NOT_FOUND = "We could not find that advert, or you cannot see it."
NO_PROFILE = "Create and publish your personal assistant profile to see adverts and reply to them."
TITLE_LIMIT = 120
DESCRIPTION_LIMIT = 2000
NOTE_LIMIT = 1000
AVAILABILITY_SLOTS = frozenset(f"{d}:{b}" for d, _ in vocab.DAYS for b, _ in vocab.TIME_BANDS)


class NotEligible(DomainError):
    """A PA replied to an advert a hard constraint rules them out of (400, saying which)."""

    code = "not_eligible"


@dataclass(frozen=True)
class NeedInput:
    """A need advert as a form or the API gives it. Money in pence, hours in hundredths; a
    blank postcode means the holder's own (from their record)."""

    title: str = ""
    description: str = ""
    postcode: str = ""
    slots: Sequence[str] = field(default_factory=tuple)
    hours_hundredths: int | None = None
    skills: Sequence[str] = field(default_factory=tuple)
    languages: Sequence[str] = field(default_factory=tuple)
    preferred_gender: str = ""
    needs_driver: bool = False
    non_smoker: bool = False
    has_pets: bool = False
    required_checks: Sequence[str] = field(default_factory=tuple)
    start_on: date | None = None
    end_on: date | None = None
    rate_pence: int | None = None
    plan_id: int | None = None


def defaults_for(record: HolderRecord | None) -> NeedInput:
    """A new advert starts from what the holder's record asks of PAs."""
    if record is None:
        return NeedInput(start_on=today())
    return NeedInput(
        postcode=record.postcode,
        languages=tuple(record.languages or ()),
        preferred_gender=record.preferred_gender,
        needs_driver=record.needs_driver,
        non_smoker=record.non_smoker,
        has_pets=record.has_pets,
        required_checks=tuple(record.required_checks or ()),
        start_on=today(),
    )


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _rate_error(rate: int | None) -> str | None:
    minimum = int(current_app.config["MINIMUM_HOURLY_WAGE_PENCE"])
    maximum = int(current_app.config["MAXIMUM_HOURLY_RATE_PENCE"])
    if rate is None:
        return "Enter the hourly pay you offer, like 13.50"
    if rate < minimum:
        return (
            f"The pay must be at least {format_pence(minimum)} an hour, the legal minimum "
            "(the National Living Wage)"
        )
    if rate > maximum:
        return (
            f"{format_pence(rate)} an hour is more than {format_pence(maximum)}: "
            "check the amount, in pounds an hour"
        )
    return None


def _check_choices(data: NeedInput, errors: dict[str, str]) -> None:
    if not data.slots:
        errors["slots"] = "Select at least one day and time when you need support"
    elif set(data.slots) - AVAILABILITY_SLOTS:
        errors["slots"] = "Select the days and times from the list"
    for name, pairs, what in (
        ("skills", vocab.PA_SKILLS, "tasks and skills"),
        ("languages", vocab.LANGUAGES, "languages"),
        ("required_checks", vocab.CHECK_KINDS, "checks"),
    ):
        if set(getattr(data, name)) - vocab.values(pairs):
            errors[name] = f"Select the {what} from the list"
    if data.preferred_gender not in vocab.values(holder_vocab.PREFERRED_GENDERS):
        errors["preferred_gender"] = "Select a preference from the list"


def _check_dates(data: NeedInput, errors: dict[str, str]) -> None:
    if data.start_on is None:
        errors["start_on"] = "Enter the date you would like support to start"
    elif error := start_date_error(data.start_on):
        errors["start_on"] = error
    elif data.end_on is not None and data.end_on < data.start_on:
        errors["end_on"] = (
            f"The end date must be the same as or after the start date, {_day(data.start_on)}"
        )


def _checked(
    session: DbSession, access: CareAccess, data: NeedInput
) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    title = data.title.strip()
    if not title:
        errors["title"] = "Enter a short title, like “PA for weekday mornings”"
    elif len(title) > TITLE_LIMIT:
        errors["title"] = f"The title must be {TITLE_LIMIT} characters or fewer"
    description = data.description.strip()
    if len(description) > DESCRIPTION_LIMIT:
        errors["description"] = f"The description must be {DESCRIPTION_LIMIT:,} characters or fewer"
    postcode = data.postcode.strip() or (access.record.postcode if access.record else "")
    district = ""
    if not postcode:
        errors["postcode"] = "Enter the postcode where support is needed, like LS6 2AB or LS6"
    else:
        try:
            district = geo.parse_postcode(postcode).district.code
        except geo.UnknownPostcode as error:
            errors["postcode"] = error.message
    hours = data.hours_hundredths
    if hours is None or hours <= 0:
        errors["hours_hundredths"] = "Enter the hours a week you need, like 10 or 7.5"
    elif hours > MAX_HOURS_HUNDREDTHS:
        errors["hours_hundredths"] = "A week has 168 hours: enter fewer hours a week"
    _check_choices(data, errors)
    _check_dates(data, errors)
    rate_error = _rate_error(data.rate_pence)
    if rate_error:
        errors["rate_pence"] = rate_error
    if data.plan_id is not None:
        plan = session.get(SupportPlan, data.plan_id)
        if plan is None or plan.holder_id != access.holder.id:
            errors["plan_id"] = "Choose one of this person's plans"
    values.update(
        title=title,
        description=description,
        district=district,
        slots=[s for s in _ordered_slots() if s in set(data.slots)],
        hours_hundredths=hours,
        skills=sorted(set(data.skills)),
        languages=sorted(set(data.languages)),
        preferred_gender=data.preferred_gender,
        needs_driver=bool(data.needs_driver),
        non_smoker=bool(data.non_smoker),
        has_pets=bool(data.has_pets),
        required_checks=sorted(set(data.required_checks)),
        start_on=data.start_on,
        end_on=data.end_on,
        rate_pence=data.rate_pence,
        plan_id=data.plan_id,
    )
    return values, errors


def _ordered_slots() -> list[str]:
    return [f"{d}:{b}" for d, _ in vocab.DAYS for b, _ in vocab.TIME_BANDS]


def planner(session: DbSession, actor: Any, holder_id: int) -> CareAccess:
    """The actor's access to a holder whose adverts they may work on, else NotFound."""
    return planner_access(session, actor, holder_id, NEED_NOT_FOUND)


def create_need(session: DbSession, actor: Any, holder_id: int, data: NeedInput) -> NeedAdvert:
    """Post an advert for a holder the actor plans for. ValidationFailed (nothing saved) names
    every field that is wrong."""
    access = planner(session, actor, holder_id)
    values, errors = _checked(session, access, data)
    if errors:
        raise ValidationFailed(errors)
    need = NeedAdvert(
        holder_id=holder_id,
        posted_by_id=actor.id,
        council_id=council_for_district(session, values["district"]),
        **values,
    )
    session.add(need)
    session.flush()
    record(session, actor, "create", "need_advert", need.id, holder_id)
    session.commit()
    return need


def need_for_planner(session: DbSession, actor: Any, need_id: int) -> NeedAdvert:
    """An advert of a holder the actor plans for, else NotFound."""
    need = session.get(NeedAdvert, need_id)
    if need is None:
        raise NotFound(NEED_NOT_FOUND)
    planner(session, actor, need.holder_id)
    return need


def needs_of(session: DbSession, actor: Any, *, holder_id: int | None = None) -> list[NeedAdvert]:
    """The adverts of every holder the actor plans for (or of one), open first, newest first."""
    if Role(actor.role) not in {Role.HOLDER, Role.REPRESENTATIVE, Role.BROKER}:
        return []
    query = (
        select(NeedAdvert)
        .where(NeedAdvert.holder_id.in_(visible_holder_ids(actor)))
        .options(selectinload(NeedAdvert.interests))
        .order_by(NeedAdvert.status.desc(), NeedAdvert.created_at.desc(), NeedAdvert.id.desc())
    )
    if holder_id is not None:
        query = query.where(NeedAdvert.holder_id == holder_id)
    return list(session.scalars(query))


def close_need(session: DbSession, actor: Any, need_id: int) -> NeedAdvert:
    """Close an open advert (409 if it is closed already); interested PAs are told."""
    need = need_for_planner(session, actor, need_id)
    if not need.is_open:
        raise Conflict("This advert is closed already.")
    need.status = "closed"
    need.closed_at = utcnow()
    need.closed_by_id = actor.id
    for interest in need.interests:
        if interest.active:
            pa_user = interest.pa_profile.user
            queue_mail(
                session,
                pa_user.email,
                f"An advert has closed: {need.title}"[:200],
                f"Hello {interest.pa_profile.display_name},\n\nThe advert “{need.title}” that "
                "you were interested in has closed. Thank you for replying to it.\n\n"
                f"See other adverts that fit you: {absolute_url('needs.pa_needs')}\n",
            )
    record(session, actor, "close", "need_advert", need.id, need.holder_id)
    session.commit()
    return need


# --- the personal assistant's side ----------------------------------------------------------------


def pa_profile_of(session: DbSession, user: Any) -> PAProfile:
    """The user's published PA profile; NotFound saying how to get one otherwise."""
    profile = session.scalar(
        select(PAProfile)
        .where(PAProfile.user_id == user.id)
        .options(selectinload(PAProfile.checks))
    )
    if profile is None or profile.status != "published":
        raise NotFound(NO_PROFILE)
    return profile


def _in_range(match: Match, pa: PAProfile) -> bool:
    return match.distance_km is not None and match.distance_km <= pa.travel_km


def _interest(need: NeedAdvert, pa: PAProfile) -> NeedInterest | None:
    return next((i for i in need.interests if i.pa_profile_id == pa.id), None)


@dataclass(frozen=True)
class PANeedView:
    """What a PA may see of an advert: the advert (never its holder) and how they fit it."""

    need: NeedAdvert
    match: Match
    interest: NeedInterest | None
    pa: PAProfile  # the viewer's own profile


def need_for_pa(session: DbSession, user: Any, need_id: int) -> PANeedView:
    """An advert as a PA sees it: open and within their travel range, or one they replied to."""
    pa = pa_profile_of(session, user)
    need = session.get(NeedAdvert, need_id)
    if need is None:
        raise NotFound(NEED_NOT_FOUND)
    interest = _interest(need, pa)
    match = score_pa(need, pa, today())
    if interest is None and (not need.is_open or not _in_range(match, pa)):
        raise NotFound(NEED_NOT_FOUND)
    return PANeedView(need, match, interest, pa)


def _planners_of(session: DbSession, need: NeedAdvert) -> list[User]:
    """Who hears about replies: the holder and whoever posted the advert."""
    people = {need.holder_id: need.holder, need.posted_by_id: need.posted_by}
    return [u for u in people.values() if u is not None and u.active]


def express_interest(session: DbSession, user: Any, need_id: int, note: str = "") -> NeedInterest:
    """Register the PA's interest (again, after withdrawing: the same row). Refused (400) when
    a hard constraint excludes them, saying which; 409 when the advert has closed."""
    view = need_for_pa(session, user, need_id)
    need, match = view.need, view.match
    text = (note or "").strip()
    if len(text) > NOTE_LIMIT:
        raise ValidationFailed({"note": f"The note must be {NOTE_LIMIT:,} characters or fewer"})
    if not need.is_open:
        raise Conflict("This advert has closed: it no longer takes replies.")
    if not match.eligible:
        raise NotEligible(
            "You cannot reply to this advert: " + "; ".join(match.exclusions), field="note"
        )
    interest = view.interest
    if interest is not None and interest.active:
        return interest
    profile = view.pa
    if interest is None:
        interest = NeedInterest(need_id=need.id, pa_profile_id=profile.id, note=text)
        need.interests.append(interest)
    else:
        interest.withdrawn_at = None
        interest.note = text
        interest.created_at = utcnow()
    for person in _planners_of(session, need):
        queue_mail(
            session,
            person.email,
            f"A personal assistant is interested: {need.title}"[:200],
            f"Hello {person.name},\n\n{profile.display_name} is interested in the advert "
            f"“{need.title}”.\n\n{text + chr(10) + chr(10) if text else ''}"
            f"See how they match and reply: {absolute_url('needs.show', need_id=need.id)}\n",
        )
    session.commit()
    return interest


def withdraw_interest(session: DbSession, user: Any, need_id: int) -> NeedInterest:
    view = need_for_pa(session, user, need_id)
    interest = view.interest
    if interest is None or not interest.active:
        raise Conflict("You have not said you are interested in this advert.")
    interest.withdrawn_at = utcnow()
    session.commit()
    return interest


def needs_interested_in(session: DbSession, user: Any) -> list[NeedInterest]:
    """The PA's replies, newest first (withdrawn ones too)."""
    pa = pa_profile_of(session, user)
    return list(
        session.scalars(
            select(NeedInterest)
            .where(NeedInterest.pa_profile_id == pa.id)
            .options(selectinload(NeedInterest.need))
            .order_by(NeedInterest.created_at.desc(), NeedInterest.id.desc())
        )
    )


# --- opening a conversation -----------------------------------------------------------------------


def topic_of(need: NeedAdvert, pa: PAProfile) -> str:
    return f"need:{need.id}:pa:{pa.id}"


def existing_threads(session: DbSession, need: NeedAdvert) -> dict[int, int]:
    """{PA profile id: thread id} of the conversations already opened about this advert."""
    threads = session.scalars(select(MessageThread).where(MessageThread.need_id == need.id))
    found: dict[int, int] = {}
    for thread in threads:
        parts = thread.topic_key.split(":")
        if len(parts) == 4 and parts[2] == "pa" and parts[3].isdigit():
            found[int(parts[3])] = thread.id
    return found


def open_conversation(
    session: DbSession, actor: Any, need_id: int, pa_profile_id: int, body: str
) -> MessageThread:
    """The holder's side writes to a PA about an advert, sharing who they are (the thread shows
    their names). Allowed with a PA who replied, or one who matches (not excluded)."""
    need = need_for_planner(session, actor, need_id)
    pa = session.get(PAProfile, pa_profile_id)
    if pa is None or pa.status != "published":
        raise NotFound("We could not find that personal assistant.")
    interest = _interest(need, pa)
    if (interest is None or not interest.active) and not score_pa(need, pa, today()).eligible:
        raise NotFound("That personal assistant does not match this advert.")
    participants = [need.holder] if need.holder_id != actor.id else []
    thread = start_thread(
        session,
        actor,
        topic_key=topic_of(need, pa),
        subject=f"{need.title}: {need.holder.name} and {pa.display_name}",
        participants=[*participants, pa.user],
        body=body,
        holder_id=need.holder_id,
        need_id=need.id,
    )
    if len(thread.messages) == 1:  # a new conversation: the opener has it in their mail too
        whose = "your" if actor.id == need.holder_id else f"{need.holder.name}'s"
        queue_mail(
            session,
            actor.email,
            f"You wrote to {pa.display_name}: {need.title}"[:200],
            f"Hello {actor.name},\n\nYou started a conversation with {pa.display_name} about "
            f"the advert “{need.title}”. They can now see {whose} name, not "
            f"{'your' if whose == 'your' else 'their'} address.\n\nFollow the conversation: "
            f"{absolute_url('messages.thread', thread_id=thread.id)}\n",
        )
    record(session, actor, "share", "need_advert", need.id, need.holder_id)
    session.commit()
    return thread


def plan_to_add_to(session: DbSession, actor: Any, need: NeedAdvert) -> SupportPlan | None:
    """The draft plan a PA found through this advert goes into: the advert's own plan while it
    is a draft, else the holder's current plan if that is a draft; None when there is none
    (the page then offers to start or revise a plan)."""
    planner(session, actor, need.holder_id)
    if need.plan is not None and need.plan.status == "draft":
        return need.plan
    plan = current_plan(session, need.holder_id)
    return plan if plan is not None and plan.status == "draft" else None
