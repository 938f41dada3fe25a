"""Models → JSON. Money is integer pence, dates are ISO 8601, times are UTC with a ``Z``.

The shapes here are the schemas of the OpenAPI document (marketplace.api.openapi); a test checks
that every key written here is documented there.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marketplace import money
from marketplace.accounts.models import User
from marketplace.budgets.models import Budget, BudgetStream
from marketplace.directory.vocab import label
from marketplace.needs.matching import Match, ScorePart
from marketplace.needs.models import NeedAdvert, NeedInterest
from marketplace.permissions import ROLE_PERMISSIONS, Role
from marketplace.plans import costing
from marketplace.plans.models import PlanEvent, PlanLine, PlanOutcome, SupportPlan
from marketplace.plans.vocab import OUTCOMES, PLAN_STATUSES


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def iso_time(value: datetime | None) -> str | None:
    # Stored as naive UTC (marketplace.clock).
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


def weekly(annual_pence: int) -> dict[str, int]:
    """An annual amount as the site shows it per week: ÷52 rounded down, and what is left over."""
    pence, remainder = money.annual_to_weekly(annual_pence)
    return {"pence": pence, "remainder_pence": remainder}


def me(user: User) -> dict[str, Any]:
    role = Role(user.role)
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": role.value,
        "role_label": role.label,
        "council_id": user.council_id,
        "organisation_id": user.organisation_id,
        "permissions": sorted(p.value for p in ROLE_PERMISSIONS.get(role, frozenset())),
    }


def stream(item: BudgetStream) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "label": item.label,
        "name": item.name,
        "organisation_id": item.organisation_id,
        "total_pence": item.total_pence,
        "committed_pence": item.committed_pence,
        "spent_pence": item.spent_pence,
        "remaining_pence": item.remaining_pence,
        "entered_weekly": item.entered_weekly,
        "weekly": {
            "total": weekly(item.total_pence),
            "committed": weekly(item.committed_pence),
            "spent": weekly(item.spent_pence),
            "remaining": weekly(item.remaining_pence),
        },
    }


def budget(item: Budget) -> dict[str, Any]:
    return {
        "id": item.id,
        "holder_id": item.holder_id,
        "council_id": item.council_id,
        "year_start": iso_date(item.year_start),
        "year_end": iso_date(item.year_end),
        "total_pence": item.total_pence,
        "contribution_pence": item.contribution_pence,
        "council_share_pence": item.council_share_pence,
        "indicative_pence": item.indicative_pence,
        "ras_assessment_id": item.ras_assessment_id,
        "variance_reason": item.variance_reason,
        "weekly": {
            "total": weekly(item.total_pence),
            "contribution": weekly(item.contribution_pence),
        },
        "set_by_id": item.set_by_id,
        "created_at": iso_time(item.created_at),
        "updated_at": iso_time(item.updated_at),
        "streams": [stream(s) for s in item.streams],
    }


def outcome(item: PlanOutcome) -> dict[str, Any]:
    return {
        "id": item.id,
        "code": item.code,
        "label": label(OUTCOMES, item.code),
        "text": item.text,
        "how_met": item.how_met,
        "position": item.position,
        "line_ids": sorted(line.id for line in item.lines),
    }


def line(item: PlanLine) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "offer_id": item.offer_id,
        "pa_profile_id": item.pa_profile_id,
        "description": item.description,
        "provider_name": item.provider_name,
        "frequency": item.frequency,
        "quantity_hundredths": item.quantity_hundredths,
        "quantity": money.format_quantity(item.quantity_hundredths),
        "unit": item.unit,
        "days": list(item.days or []),
        "time_bands": list(item.time_bands or []),
        "unit_price_pence": item.unit_price_pence,
        "price_agreed": item.price_agreed,
        "cost": costing.line_cost(item).as_dict(),
        "stream_id": item.stream_id,
        "outcome_ids": sorted(o.id for o in item.outcomes),
        "start_on": iso_date(item.start_on),
        "end_on": iso_date(item.end_on),
    }


def event(item: PlanEvent) -> dict[str, Any]:
    return {
        "id": item.id,
        "from_status": item.from_status,
        "to_status": item.to_status,
        "actor_id": item.actor_id,
        "actor_name": item.actor.name if item.actor is not None else None,
        "reason": item.reason,
        "at": iso_time(item.at),
    }


def plan_summary(item: SupportPlan) -> dict[str, Any]:
    return {
        "id": item.id,
        "holder_id": item.holder_id,
        "council_id": item.council_id,
        "budget_id": item.budget_id,
        "year_start": iso_date(item.year_start),
        "revision": item.revision,
        "previous_id": item.previous_id,
        "status": item.status,
        "status_label": label(PLAN_STATUSES, item.status),
        "what_matters": item.what_matters,
        "submitted_at": iso_time(item.submitted_at),
        "decided_at": iso_time(item.decided_at),
        "decided_by_id": item.decided_by_id,
        "decision_reason": item.decision_reason,
        "review_due_on": iso_date(item.review_due_on),
        "created_by_id": item.created_by_id,
        "created_at": iso_time(item.created_at),
        "updated_at": iso_time(item.updated_at),
    }


def plan(item: SupportPlan) -> dict[str, Any]:
    return {
        **plan_summary(item),
        "costs": costing.plan_costs(item).as_dict(),
        "outcomes": [outcome(entry) for entry in item.outcomes],
        "lines": [line(entry) for entry in item.lines],
        "events": [event(entry) for entry in item.events],
    }


# --- need adverts -------------------------------------------------------------------------------


def hours_per_week(hundredths: int) -> float:
    """Hours a week as a number (750 → 7.5): what the API takes and gives."""
    return hundredths / 100


def _advert(item: NeedAdvert) -> dict[str, Any]:
    """What an advert asks for, and where to a postcode district: what everyone who may see the
    advert sees (the personal assistant's view is this and nothing of the holder)."""
    return {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "district": item.district,
        "slots": list(item.slots or []),
        "hours_per_week": hours_per_week(item.hours_hundredths),
        "skills": list(item.skills or []),
        "languages": list(item.languages or []),
        "required_checks": list(item.required_checks or []),
        "start_on": iso_date(item.start_on),
        "end_on": iso_date(item.end_on),
        "rate_pence": item.rate_pence,
        "status": item.status,
    }


def _preferences(item: NeedAdvert) -> dict[str, Any]:
    return {
        "preferred_gender": item.preferred_gender,
        "needs_driver": item.needs_driver,
        "non_smoker": item.non_smoker,
        "has_pets": item.has_pets,
    }


def need(item: NeedAdvert) -> dict[str, Any]:
    """An advert as the holder's side sees it (the holder, a representative, a broker): its
    preferences as top-level fields, as a new advert sends them."""
    return {
        **_advert(item),
        **_preferences(item),
        "holder_id": item.holder_id,
        "posted_by_id": item.posted_by_id,
        "plan_id": item.plan_id,
        "council_id": item.council_id,
        "interested": sum(1 for interest in item.interests if interest.active),
        "created_at": iso_time(item.created_at),
        "updated_at": iso_time(item.updated_at),
        "closed_at": iso_time(item.closed_at),
    }


def pa_need(item: NeedAdvert, found: Match) -> dict[str, Any]:
    """An advert as a personal assistant may see it. Never who the holder is, who posted it,
    their plan or their postcode: the holder's side shares who they are by opening a
    conversation."""
    return {**_advert(item), "distance_km": found.distance_km, "preferences": _preferences(item)}


def score_part(part: ScorePart) -> dict[str, Any]:
    return {
        "key": part.key,
        "label": part.label,
        "points": part.points,
        "max_points": part.max_points,
        "reason": part.reason,
    }


def candidate(found: Match, active: NeedInterest | None, thread_id: int | None) -> dict[str, Any]:
    """A ranked candidate for an advert, its score broken into its parts; ``active`` is the
    PA's active interest in the advert, ``thread_id`` the conversation already opened with them."""
    return {
        "kind": found.kind,
        "id": found.candidate_id,
        "name": found.name,
        "score": found.score,
        "distance_km": found.distance_km,
        "hourly_rate_pence": found.hourly_rate_pence,
        "interested": active is not None,
        "interest_note": active.note if active is not None else "",
        "thread_id": thread_id,
        "parts": [score_part(part) for part in found.parts],
    }


def excluded(found: Match, active: NeedInterest | None) -> dict[str, Any]:
    """A candidate a hard constraint rules out, with the reasons."""
    return {
        "kind": found.kind,
        "id": found.candidate_id,
        "name": found.name,
        "distance_km": found.distance_km,
        "interested": active is not None,
        "reasons": list(found.exclusions),
    }


def interest(item: NeedInterest) -> dict[str, Any]:
    return {
        "need_id": item.need_id,
        "interested": item.active,
        "note": item.note,
        "created_at": iso_time(item.created_at),
        "withdrawn_at": iso_time(item.withdrawn_at),
    }
