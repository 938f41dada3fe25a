"""/api/v1/needs and /api/v1/pas/me/matching-needs: need adverts (marketplace.needs) for API callers.

The holder's side (the holder, a representative, an active broker) posts, lists, reads and
closes adverts and reads their ranked matches; anyone else gets 404. A personal assistant with a
published profile reads the adverts that fit them, never learning who posted them, and says
they are interested (or no longer). Hours travel as a number of hours a week (7.5), money as
whole pence; the services' field names are translated back to the API's in 400 answers.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import jsonify, url_for

from marketplace.api import serialise
from marketplace.api.auth import api_user, require_any_api, token_required
from marketplace.api.blueprint import bp
from marketplace.api.body import Fields, json_object, query_fields
from marketplace.audit.services import record, record_read
from marketplace.directory import vocab
from marketplace.errors import ValidationFailed
from marketplace.extensions import db
from marketplace.holders.access import care_access
from marketplace.holders.vocab import PREFERRED_GENDERS
from marketplace.needs import services
from marketplace.needs.matching import match_need, needs_for_pa
from marketplace.needs.models import NEED_STATUSES, NeedAdvert
from marketplace.needs.services import AVAILABILITY_SLOTS, NeedInput
from marketplace.permissions import PLANNERS, Role

NEED_FIELDS = (
    "holder_id",
    "title",
    "description",
    "postcode",
    "slots",
    "hours_per_week",
    "skills",
    "languages",
    "preferred_gender",
    "needs_driver",
    "non_smoker",
    "has_pets",
    "required_checks",
    "start_on",
    "end_on",
    "rate_pence",
    "plan_id",
)
# NeedInput's names that the API spells differently.
API_NAMES = {"hours_hundredths": "hours_per_week"}
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

SLOTS_MESSAGE = (
    'Send a list of days and times, like ["mon:morning", "sat:evening"]: days '
    + ", ".join(v for v, _ in vocab.DAYS)
    + "; times "
    + ", ".join(v for v, _ in vocab.TIME_BANDS)
)
HOURS_MESSAGE = "Enter the hours a week as a number, like 10 or 7.5"
RATE_MESSAGE = "Enter the hourly pay as a whole number of pence, like 1350 for £13.50"
GENDER_MESSAGE = (
    " or ".join(f'"{v}"' for v, _ in PREFERRED_GENDERS if v) + ', or "" for no preference'
)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _hours(fields: Fields) -> int | None:
    """hours_per_week as hundredths (7.5 → 750); the service says when it is 0 or too many."""
    if not fields.present("hours_per_week"):
        return None
    value = fields.data["hours_per_week"]
    if not _is_number(value):
        fields.fail("hours_per_week", HOURS_MESSAGE)
        return None
    if value < 0:
        fields.fail("hours_per_week", "The hours a week cannot be negative: " + HOURS_MESSAGE)
        return None
    return int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _rate(fields: Fields) -> int | None:
    """rate_pence as it was sent; the service checks it against the minimum wage (and asks
    for it when it is missing, with the other fields' problems)."""
    if not fields.present("rate_pence"):
        return None
    value = fields.data["rate_pence"]
    if not isinstance(value, int) or isinstance(value, bool):
        fields.fail("rate_pence", RATE_MESSAGE)
        return None
    return value


def _slots(fields: Fields) -> list[str]:
    if not fields.present("slots"):
        return []  # the service asks for at least one
    value = fields.data["slots"]
    if not isinstance(value, list) or not all(item in AVAILABILITY_SLOTS for item in value):
        fields.fail("slots", SLOTS_MESSAGE)
        return []
    return [str(item) for item in value]


def _gender(fields: Fields) -> str:
    if not fields.present("preferred_gender"):
        return ""
    value = fields.data["preferred_gender"]
    if value not in vocab.values(PREFERRED_GENDERS):
        fields.fail("preferred_gender", "Choose " + GENDER_MESSAGE)
        return ""
    return str(value)


def _need_input(fields: Fields) -> NeedInput:
    return NeedInput(
        title=fields.text("title"),
        description=fields.text("description"),
        postcode=fields.text("postcode"),
        slots=_slots(fields),
        hours_hundredths=_hours(fields),
        skills=fields.choices("skills", (v for v, _ in vocab.PA_SKILLS)),
        languages=fields.choices("languages", (v for v, _ in vocab.LANGUAGES)),
        preferred_gender=_gender(fields),
        needs_driver=fields.boolean("needs_driver"),
        non_smoker=fields.boolean("non_smoker"),
        has_pets=fields.boolean("has_pets"),
        required_checks=fields.choices("required_checks", (v for v, _ in vocab.CHECK_KINDS)),
        start_on=fields.date("start_on", required=False),
        end_on=fields.date("end_on", required=False),
        rate_pence=_rate(fields),
        plan_id=fields.integer("plan_id", required=False),
    )


def _need_response(need: NeedAdvert, status: int = 200) -> Any:
    response = jsonify(serialise.need(need))
    response.status_code = status
    if status == 201:
        response.headers["Location"] = url_for("api.need", need_id=need.id)
    return response


# --- the holder's side --------------------------------------------------------------------------


@bp.post("/needs")
@token_required
def create_need() -> Any:
    require_any_api(*PLANNERS)
    user = api_user()
    fields = Fields(json_object(), NEED_FIELDS)
    holder_id = fields.integer("holder_id", required=False)
    if (
        holder_id is None
        and Role(user.role) is not Role.HOLDER
        and "holder_id" not in fields.errors
    ):
        fields.fail("holder_id", "This field is required: send the id of the person it is for")
    data = _need_input(fields)
    fields.done()
    try:
        need = services.create_need(db.session, user, holder_id or user.id, data)
    except ValidationFailed as refused:
        # Name the fields as the caller sent them (hours_per_week, not hours_hundredths).
        renamed = {API_NAMES.get(name, name): message for name, message in refused.errors.items()}
        if data.rate_pence is None and "rate_pence" in renamed:
            renamed["rate_pence"] = "This field is required: " + RATE_MESSAGE  # not in pounds
        raise ValidationFailed(renamed) from refused
    return _need_response(need, 201)


@bp.get("/needs")
@token_required
def needs() -> Any:
    user = api_user()
    query = query_fields(("holder_id", "status"))
    holder_id = query.integer("holder_id", required=False)
    status = query.choice("status", NEED_STATUSES, required=False)
    query.done()
    if holder_id is not None:
        care_access(db.session, user, holder_id)  # someone else's holder: 404
    found = [
        item
        for item in services.needs_of(db.session, user, holder_id=holder_id)
        if not status or item.status == status
    ]
    body = {"needs": [serialise.need(item) for item in found]}
    for item in found:
        record(db.session, user, "read", "need_advert", item.id, item.holder_id)
    db.session.commit()
    return jsonify(body)


@bp.get("/needs/<int:need_id>")
@token_required
def need(need_id: int) -> Any:
    user = api_user()
    found = services.need_for_planner(db.session, user, need_id)
    body = serialise.need(found)
    record_read(db.session, user, "need_advert", found.id, found.holder_id)
    return jsonify(body)


@bp.post("/needs/<int:need_id>/close")
@token_required
def close_need(need_id: int) -> Any:
    Fields(json_object(optional=True), ()).done()
    return _need_response(services.close_need(db.session, api_user(), need_id))


@bp.get("/needs/<int:need_id>/matches")
@token_required
def need_matches(need_id: int) -> Any:
    user = api_user()
    query = query_fields(("limit", "offset"))
    limit = query.integer("limit", required=False, maximum=MAX_LIMIT) or DEFAULT_LIMIT
    offset = query.integer("offset", required=False, minimum=0) or 0
    query.done()
    found_need = services.need_for_planner(db.session, user, need_id)
    found = match_need(db.session, found_need)
    interested = {i.pa_profile_id: i for i in found_need.interests if i.active}
    threads = services.existing_threads(db.session, found_need)

    def pa_only(kind: str, candidate_id: int, of: dict[int, Any]) -> Any:
        # Interest and conversations are a PA's: an offer's id is another table's.
        return of.get(candidate_id) if kind == "pa" else None

    page = slice(offset, offset + limit)
    body = {
        "need_id": found_need.id,
        "considered": found.considered,
        "too_far_away": found.too_far_away,
        "total": len(found.matches),
        "excluded_total": len(found.excluded),
        "limit": limit,
        "offset": offset,
        "matches": [
            serialise.candidate(
                m,
                pa_only(m.kind, m.candidate_id, interested),
                pa_only(m.kind, m.candidate_id, threads),
            )
            for m in found.matches[page]
        ],
        "excluded": [
            serialise.excluded(m, pa_only(m.kind, m.candidate_id, interested))
            for m in found.excluded[page]
        ],
    }
    record_read(db.session, user, "need_advert", found_need.id, found_need.holder_id)
    return jsonify(body)


# --- the personal assistant's side --------------------------------------------------------------


@bp.get("/pas/me/matching-needs")
@token_required
def matching_needs() -> Any:
    user = api_user()
    profile = services.pa_profile_of(db.session, user)
    interested = {i.need_id for i in services.needs_interested_in(db.session, user) if i.active}
    body = {
        "needs": [
            {
                "need": serialise.pa_need(found, match),
                "score": match.score,
                "interested": found.id in interested,
                "parts": [serialise.score_part(part) for part in match.parts],
            }
            for found, match in needs_for_pa(db.session, profile)
        ]
    }
    return jsonify(body)


@bp.post("/needs/<int:need_id>/interest")
@token_required
def express_interest(need_id: int) -> Any:
    user = api_user()
    fields = Fields(json_object(optional=True), ("note",))
    note = fields.text("note")
    fields.done()
    before = services.need_for_pa(db.session, user, need_id).interest
    already = before is not None and before.active
    interest = services.express_interest(db.session, user, need_id, note)
    response = jsonify(serialise.interest(interest))
    response.status_code = 200 if already else 201
    return response


@bp.delete("/needs/<int:need_id>/interest")
@token_required
def withdraw_interest(need_id: int) -> Any:
    return jsonify(serialise.interest(services.withdraw_interest(db.session, api_user(), need_id)))
