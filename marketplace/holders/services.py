"""A budget holder's record (postcode, council, requirements, capacity) and a council's list of
the holders it serves.

Each public function is one transaction. Only people with care access to the holder reach their
record (``access.care_access``: anyone else gets NotFound). Every change adds an audit row.
Links to representatives and brokers are in ``holders.links``; the pages' read side in
``holders.summary``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Select, or_, select, update

from marketplace.accounts.models import User
from marketplace.audit.services import record as audit
from marketplace.directory import vocab
from marketplace.directory.models import Council, CouncilDistrict
from marketplace.errors import DomainError, Forbidden, ValidationFailed
from marketplace.extensions import DbSession, affected_rows
from marketplace.geo import UnknownPostcode, parse_postcode
from marketplace.holders import vocab as holder_vocab
from marketplace.holders.access import care_access, ensure_record
from marketplace.holders.common import account_by_email, transaction
from marketplace.holders.models import HolderRecord
from marketplace.mail.services import queue_mail
from marketplace.pagination import Page, paginate
from marketplace.permissions import Role
from marketplace.urls import absolute_url

OTHER_PREFERENCES_LIMIT = 2000
SEARCH_LIMIT = 100

NOT_A_PLANNER = (
    "Only the person, their representative or their broker can change their requirements."
)
NOT_AN_OFFICER = "Only an officer of the person's council can record whether they lack capacity."


@dataclass(frozen=True)
class RequirementsInput:
    """What a holder asks of the people who support them. Names match the form's fields."""

    postcode: str = ""
    required_checks: Sequence[str] = field(default_factory=tuple)
    preferred_gender: str = ""
    languages: Sequence[str] = field(default_factory=tuple)
    needs_driver: bool = False
    non_smoker: bool = False
    has_pets: bool = False
    other_preferences: str = ""


def _requirement_errors(data: RequirementsInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if set(data.required_checks) - vocab.values(vocab.CHECK_KINDS):
        errors["required_checks"] = "Select the checks from the list"
    if data.preferred_gender not in vocab.values(holder_vocab.PREFERRED_GENDERS):
        errors["preferred_gender"] = "Select a preference from the list"
    if set(data.languages) - vocab.values(vocab.LANGUAGES):
        errors["languages"] = "Select the languages from the list"
    if len(data.other_preferences.strip()) > OTHER_PREFERENCES_LIMIT:
        errors["other_preferences"] = (
            f"Other preferences must be {OTHER_PREFERENCES_LIMIT:,} characters or fewer"
        )
    return errors


def council_for_district(
    session: DbSession, district: str, current: int | None = None
) -> int | None:
    """The council serving a postcode district (the current one if it is among several)."""
    ids = session.scalars(
        select(CouncilDistrict.council_id)
        .where(CouncilDistrict.district == district)
        .order_by(CouncilDistrict.council_id)
    ).all()
    if not ids:
        return None
    return current if current in ids else ids[0]


def update_record(
    session: DbSession,
    actor: Any,
    holder_id: int,
    *,
    postcode: str,
    required_checks: Sequence[str] = (),
    preferred_gender: str = "",
    languages: Sequence[str] = (),
    needs_driver: bool = False,
    non_smoker: bool = False,
    has_pets: bool = False,
    other_preferences: str = "",
) -> HolderRecord:
    """Save the holder's postcode and requirements (the holder, a representative or the broker).

    The postcode's district sets the holder's council when a council serves that district; when
    none does, the council already on the record stays (an officer may have added them).
    """
    access = care_access(session, actor, holder_id)
    if not access.can_plan:
        raise Forbidden(NOT_A_PLANNER)
    data = RequirementsInput(
        postcode=postcode,
        required_checks=list(dict.fromkeys(required_checks)),
        preferred_gender=preferred_gender or "",
        languages=list(dict.fromkeys(languages)),
        needs_driver=bool(needs_driver),
        non_smoker=bool(non_smoker),
        has_pets=bool(has_pets),
        other_preferences=(other_preferences or "").strip(),
    )
    errors = _requirement_errors(data)
    parsed = None
    try:
        parsed = parse_postcode(postcode)
    except UnknownPostcode as error:
        errors = {"postcode": error.message, **errors}
    if errors or parsed is None:
        raise ValidationFailed(errors)
    with transaction(session):
        row = ensure_record(session, access.holder)
        row.postcode = parsed.text
        row.district = parsed.district.code
        council_id = council_for_district(session, row.district, row.council_id)
        if council_id is not None:
            row.council_id = council_id
        row.required_checks = list(data.required_checks)
        row.preferred_gender = data.preferred_gender
        row.languages = list(data.languages)
        row.needs_driver = data.needs_driver
        row.non_smoker = data.non_smoker
        row.has_pets = data.has_pets
        row.other_preferences = data.other_preferences
        audit(session, actor, "update", "holder_record", holder_id, holder_id)
    return row


def set_capacity(
    session: DbSession, officer: Any, holder_id: int, *, lacks_capacity: bool
) -> HolderRecord:
    """An officer of the holder's council records whether the holder lacks capacity: then a
    representative or the officer (not the holder) manages who may act for them."""
    access = care_access(session, officer, holder_id)
    if not access.is_officer:
        raise Forbidden(NOT_AN_OFFICER)
    with transaction(session):
        row = ensure_record(session, access.holder)
        row.lacks_capacity = bool(lacks_capacity)
        audit(session, officer, "set_capacity", "holder_record", holder_id, holder_id)
    return row


# --- a council's people ------------------------------------------------------------------------


def _officer_council(session: DbSession, officer: Any) -> Council:
    council = session.get(Council, officer.council_id) if officer.council_id else None
    if Role(officer.role) is not Role.OFFICER or council is None:
        raise Forbidden("Only council officers can see their council's budget holders.")
    return council


def council_people(
    session: DbSession, officer: Any, *, search: str = "", page: int = 1, per_page: int = 25
) -> Page:
    """One page of the holders whose record names the officer's council, by name.

    ``search`` matches part of a name or email address (case-insensitive). Items are
    ``(User, HolderRecord)`` rows; see ``summary.people_rows`` for their budgets and plans.
    """
    council = _officer_council(session, officer)
    query = (
        select(User, HolderRecord)
        .join(HolderRecord, HolderRecord.user_id == User.id)
        .where(HolderRecord.council_id == council.id, User.role == Role.HOLDER.value)
    )
    words = (search or "").strip().lower()[:SEARCH_LIMIT]
    if words:
        query = query.where(
            or_(
                User.name.ilike(f"%{_escape_like(words)}%", escape="\\"),
                User.email.ilike(f"%{_escape_like(words)}%", escape="\\"),
            )
        )
    ordered = cast(Select[Any], query.order_by(User.name, User.id))
    return paginate(session, ordered, page, per_page)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


NO_HOLDER_ACCOUNT = "No budget holder account uses that email. Ask them to create an account first"


def add_council_holder(session: DbSession, officer: Any, *, email: str) -> User:
    """Put an existing holder account on the officer's council's list.

    A holder with no council joins this one; a holder already with another council is refused
    (their postcode or that council decides); no holder account with that email: a clear error.
    """
    council = _officer_council(session, officer)
    if not (email or "").strip():
        raise ValidationFailed({"email": "Enter the budget holder's email address"})
    holder = account_by_email(session, email)
    if holder is None or holder.role != Role.HOLDER.value:
        raise DomainError(NO_HOLDER_ACCOUNT, field="email")
    with transaction(session):
        record = ensure_record(session, holder)
        # Conditional: two officers adding the same person at once cannot both succeed.
        attached = affected_rows(
            session.execute(
                update(HolderRecord)
                .where(HolderRecord.user_id == holder.id, HolderRecord.council_id.is_(None))
                .values(council_id=council.id)
            )
        )
        if attached != 1:
            current = session.scalar(
                select(HolderRecord.council_id).where(HolderRecord.user_id == holder.id)
            )
            if current == council.id:
                raise DomainError(
                    f"{holder.name} is already on your council's list.", field="email"
                )
            raise DomainError(
                "That budget holder is recorded with another council. Ask them to check the "
                "postcode on their record, or contact that council.",
                field="email",
            )
        audit(session, officer, "add_to_council", "holder_record", holder.id, holder.id)
        queue_mail(
            session,
            holder.email,
            f"{council.name} has added you to its list",
            f"Hello {holder.name},\n\n{council.name} has added you to the budget holders it "
            "supports. Its officers can now see your budget and support plan, and record your "
            f"personal budget.\n\nSee your support: {absolute_url('holders.my_records')}\n",
        )
    session.refresh(record)  # the conditional update went round the identity map
    return holder
