"""Who may see and work on a budget holder's care data: the one object-level rule.

- the holder themself;
- a representative with a link that is not revoked;
- a broker whose link is active (invited is not enough);
- an officer of the holder's council (from the holder's record).
Anyone else — admins included — gets NotFound, so ids leak nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select

from marketplace.accounts.models import User
from marketplace.errors import NotFound
from marketplace.extensions import DbSession
from marketplace.holders.models import BrokerLink, HolderRecord, Representation
from marketplace.permissions import Role

NOT_FOUND = "We could not find that person, or you cannot see their records."


@dataclass(frozen=True)
class CareAccess:
    holder: User
    record: HolderRecord | None
    relation: str  # "self", "representative", "broker" or "officer"

    @property
    def can_plan(self) -> bool:
        """Draft and submit plans, fill the RAS questionnaire, set requirements."""
        return self.relation in {"self", "representative", "broker"}

    @property
    def can_link_people(self) -> bool:
        """Link or revoke representatives, invite or end a broker."""
        if self.relation == "officer":
            return True
        lacks_capacity = self.record is not None and self.record.lacks_capacity
        return (self.relation == "self" and not lacks_capacity) or (
            self.relation == "representative" and lacks_capacity
        )

    @property
    def is_officer(self) -> bool:
        return self.relation == "officer"


def _relation(session: DbSession, user: Any, holder: User, record: HolderRecord | None) -> str:
    if user.id == holder.id:
        return "self"
    role = Role(user.role)
    if role is Role.REPRESENTATIVE:
        linked = session.scalar(
            select(Representation.id).where(
                Representation.holder_id == holder.id,
                Representation.representative_id == user.id,
                Representation.revoked_at.is_(None),
            )
        )
        return "representative" if linked else ""
    if role is Role.BROKER:
        linked = session.scalar(
            select(BrokerLink.id).where(
                BrokerLink.holder_id == holder.id,
                BrokerLink.broker_id == user.id,
                BrokerLink.status == "active",
            )
        )
        return "broker" if linked else ""
    if role is Role.OFFICER and record is not None and record.council_id is not None:
        return "officer" if record.council_id == user.council_id else ""
    return ""


def care_access(session: DbSession, user: Any, holder_id: int) -> CareAccess:
    """The caller's access to that holder, or NotFound."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotFound(NOT_FOUND)
    holder = session.get(User, holder_id)
    if holder is None or holder.role != Role.HOLDER.value:
        raise NotFound(NOT_FOUND)
    record = session.get(HolderRecord, holder_id)
    relation = _relation(session, user, holder, record)
    if not relation:
        raise NotFound(NOT_FOUND)
    return CareAccess(holder=holder, record=record, relation=relation)


def visible_holder_ids(user: Any) -> Select[Any]:
    """A query of the ids of every holder the user may see (for lists and the API)."""
    role = Role(user.role)
    if role is Role.HOLDER:
        return select(User.id).where(User.id == user.id)
    if role is Role.REPRESENTATIVE:
        return select(Representation.holder_id).where(
            Representation.representative_id == user.id, Representation.revoked_at.is_(None)
        )
    if role is Role.BROKER:
        return select(BrokerLink.holder_id).where(
            BrokerLink.broker_id == user.id, BrokerLink.status == "active"
        )
    if role is Role.OFFICER:
        return select(HolderRecord.user_id).where(HolderRecord.council_id == user.council_id)
    return select(User.id).where(or_(False))  # nobody


def ensure_record(session: DbSession, holder: User) -> HolderRecord:
    """The holder's record, created empty if they have none yet (not committed here)."""
    record = session.get(HolderRecord, holder.id)
    if record is None:
        record = HolderRecord(user_id=holder.id)
        session.add(record)
        session.flush()
    return record
