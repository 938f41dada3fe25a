"""Who may act for a budget holder: representatives, and at most one broker at a time.

- A representative is linked by the holder, or — where the holder lacks capacity — by an officer
  of the holder's council or by a representative already linked; the same people revoke.
- A broker is invited by the holder (or their representative where they lack capacity) and then
  accepts or declines; an officer of the holder's council may assign one directly. Either side of
  an open link (invited or active) may be ended by whoever may link people.
- A holder has at most one open broker link. State changes are conditional updates, so accepting
  twice or accepting a withdrawn invitation is a clear 409, never a second active link.

Each public function is one transaction, with an audit row and the mail it causes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.audit.services import record as audit
from marketplace.clock import utcnow
from marketplace.directory import vocab
from marketplace.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from marketplace.extensions import DbSession, affected_rows
from marketplace.holders import vocab as holder_vocab
from marketplace.holders.access import CareAccess, care_access, ensure_record
from marketplace.holders.common import account_by_email, lock_holder, transaction
from marketplace.holders.models import BrokerLink, Representation
from marketplace.mail.services import queue_mail
from marketplace.permissions import Role
from marketplace.urls import absolute_url

OPEN = ("invited", "active")
LINK_NOT_FOUND = "We could not find that link."

NO_REPRESENTATIVE_ACCOUNT = (
    "There is no representative account for that email address. Ask them to create an account "
    "as a “Representative of a budget holder”, then link them again"
)
NO_BROKER_ACCOUNT = (
    "There is no broker account for that email address. Ask them to create an account as a "
    "“Broker or support planner”, then try again"
)


def may_link_representatives(access: CareAccess) -> bool:
    """An officer links representatives only for someone who lacks capacity."""
    return access.can_link_people and (not access.is_officer or _lacks_capacity(access))


def may_invite_broker(access: CareAccess) -> bool:
    return access.can_link_people and not access.is_officer


def _lacks_capacity(access: CareAccess) -> bool:
    return access.record is not None and access.record.lacks_capacity


def _may_link(access: CareAccess) -> None:
    if not access.can_link_people:
        if access.relation == "self":
            raise Forbidden(
                "You are recorded as needing someone to act for you, so your representative or "
                "your council manages who can act for you."
            )
        raise Forbidden(
            "Only the person, or their representative or council where they lack capacity, "
            "can change who acts for them."
        )


def _may_link_representative(access: CareAccess) -> None:
    _may_link(access)
    if not may_link_representatives(access):
        raise Forbidden(
            "An officer can link a representative only for someone recorded as lacking "
            "capacity. Otherwise the person links their own representatives."
        )


def _email_required(email: str, label: str) -> None:
    if not (email or "").strip():
        raise ValidationFailed({"email": f"Enter the {label}'s email address"})


def _account(session: DbSession, email: str, role: Role, message: str) -> User:
    account = account_by_email(session, email)
    if account is None or account.role != role.value:
        raise DomainError(message, field="email")
    return account


# --- representatives ---------------------------------------------------------------------------


def link_representative(
    session: DbSession, actor: Any, holder_id: int, *, email: str, relationship_kind: str
) -> Representation:
    """Let the representative with that email act for the holder; they are told by email."""
    access = care_access(session, actor, holder_id)
    _may_link_representative(access)
    errors = {}
    if not (email or "").strip():
        errors["email"] = "Enter the representative's email address"
    if relationship_kind not in vocab.values(holder_vocab.REPRESENTATIVE_RELATIONSHIPS):
        errors["relationship_kind"] = "Select how the representative knows the person"
    if errors:
        raise ValidationFailed(errors)
    representative = _account(session, email, Role.REPRESENTATIVE, NO_REPRESENTATIVE_ACCOUNT)
    holder = access.holder
    with transaction(session):
        ensure_record(session, holder)
        lock_holder(session, holder.id)
        already = session.scalar(
            select(Representation.id).where(
                Representation.holder_id == holder.id,
                Representation.representative_id == representative.id,
                Representation.revoked_at.is_(None),
            )
        )
        if already is not None:
            raise Conflict(
                f"{representative.name} can already act for {holder.name}", field="email"
            )
        link = Representation(
            holder_id=holder.id,
            representative_id=representative.id,
            relationship_kind=relationship_kind,
            linked_by_id=actor.id,
        )
        session.add(link)
        session.flush()
        audit(session, actor, "link", "representation", link.id, holder.id)
        queue_mail(
            session,
            representative.email,
            f"You can now act for {holder.name}",
            f"Hello {representative.name},\n\n{actor.name} has linked you as a representative "
            f"of {holder.name}. You can now see their budget and work on their support plan."
            f"\n\nSee the people you act for: {absolute_url('holders.caseload')}\n",
        )
    return link


def revoke_representative(
    session: DbSession, actor: Any, holder_id: int, representation_id: int
) -> Representation:
    """End a representative's link; from now on they cannot see the holder's records."""
    access = care_access(session, actor, holder_id)
    _may_link(access)
    link = session.get(Representation, representation_id)
    if link is None or link.holder_id != holder_id:
        raise NotFound(LINK_NOT_FOUND)
    with transaction(session):
        revoked = affected_rows(
            session.execute(
                update(Representation)
                .where(Representation.id == link.id, Representation.revoked_at.is_(None))
                .values(revoked_at=utcnow(), revoked_by_id=actor.id)
            )
        )
        if revoked != 1:
            raise Conflict(f"{link.representative.name} can already no longer act for them.")
        audit(session, actor, "revoke", "representation", link.id, holder_id)
        queue_mail(
            session,
            link.representative.email,
            f"You can no longer act for {access.holder.name}",
            f"Hello {link.representative.name},\n\nYour link as a representative of "
            f"{access.holder.name} has ended. You can no longer see their records.\n",
        )
    session.refresh(link)  # the conditional update went round the identity map
    return link


# --- brokers -----------------------------------------------------------------------------------


def open_broker_link(session: DbSession, holder_id: int) -> BrokerLink | None:
    """The holder's invited or active broker link, if any (there is at most one)."""
    return session.scalar(
        select(BrokerLink)
        .where(BrokerLink.holder_id == holder_id, BrokerLink.status.in_(OPEN))
        .order_by(BrokerLink.id.desc())
    )


def _refuse_second_broker(session: DbSession, holder_id: int, broker: User) -> None:
    current = open_broker_link(session, holder_id)
    if current is None:
        return
    name = current.broker.name
    if current.status == "active":
        message = (
            f"{name} is already the broker"
            if current.broker_id == broker.id
            else f"{name} is the broker now. End that link before choosing another broker"
        )
    else:
        message = (
            f"{name} has already been invited and has not answered yet"
            if current.broker_id == broker.id
            else f"{name} has been invited and has not answered yet. Withdraw that invitation "
            "before inviting another broker"
        )
    raise Conflict(message, field="email")


def _new_broker_link(
    session: DbSession, actor: Any, access: CareAccess, email: str, *, status: str
) -> BrokerLink:
    _email_required(email, "broker")
    broker = _account(session, email, Role.BROKER, NO_BROKER_ACCOUNT)
    holder = access.holder
    ensure_record(session, holder)
    lock_holder(session, holder.id)
    _refuse_second_broker(session, holder.id, broker)
    link = BrokerLink(
        holder_id=holder.id,
        broker_id=broker.id,
        status=status,
        invited_by_id=actor.id,
        accepted_at=utcnow() if status == "active" else None,
    )
    session.add(link)
    session.flush()
    return link


def invite_broker(session: DbSession, actor: Any, holder_id: int, *, email: str) -> BrokerLink:
    """Invite the broker with that email; they see the invitation in their caseload and by email."""
    access = care_access(session, actor, holder_id)
    if access.is_officer:
        raise Forbidden("Officers assign a broker directly rather than inviting one.")
    _may_link(access)
    with transaction(session):
        link = _new_broker_link(session, actor, access, email, status="invited")
        audit(session, actor, "invite", "broker_link", link.id, holder_id)
        queue_mail(
            session,
            link.broker.email,
            f"{access.holder.name} has asked you to be their broker",
            f"Hello {link.broker.name},\n\n{access.holder.name} has invited you to be their "
            "broker: to help plan their support and arrange it.\n\nAccept or decline the "
            f"invitation on your caseload: {absolute_url('holders.caseload')}\n",
        )
    return link


def assign_broker(session: DbSession, officer: Any, holder_id: int, *, email: str) -> BrokerLink:
    """An officer of the holder's council makes that broker the holder's broker straight away."""
    access = care_access(session, officer, holder_id)
    if not access.is_officer:
        raise Forbidden("Only an officer of the person's council can assign a broker.")
    with transaction(session):
        link = _new_broker_link(session, officer, access, email, status="active")
        audit(session, officer, "assign", "broker_link", link.id, holder_id)
        holder = access.holder
        queue_mail(
            session,
            link.broker.email,
            f"You are now {holder.name}'s broker",
            f"Hello {link.broker.name},\n\n{officer.name} of the council has made you the broker "
            f"of {holder.name}.\n\nSee your caseload: {absolute_url('holders.caseload')}\n",
        )
        queue_mail(
            session,
            holder.email,
            "Your council has given you a broker",
            f"Hello {holder.name},\n\nThe council has made {link.broker.name} your broker. They "
            "can help you plan your support and arrange it. You can end the link at any time."
            f"\n\nSee who can act for you: {absolute_url('holders.people', holder_id=holder.id)}\n",
        )
    return link


def _broker_answer(session: DbSession, broker: Any, link_id: int, to: str) -> BrokerLink:
    link = session.get(BrokerLink, link_id)
    if link is None or link.broker_id != getattr(broker, "id", None):
        raise NotFound(LINK_NOT_FOUND)
    values: dict[str, Any] = {"status": to}
    if to == "active":
        values["accepted_at"] = utcnow()
    else:
        values.update(ended_at=utcnow(), ended_by_id=broker.id)
    with transaction(session):
        done = affected_rows(
            session.execute(
                update(BrokerLink)
                .where(BrokerLink.id == link.id, BrokerLink.status == "invited")
                .values(**values)
            )
        )
        if done != 1:
            session.refresh(link)
            raise Conflict(_already_answered(link.status))
        audit(
            session,
            broker,
            "accept" if to == "active" else "decline",
            "broker_link",
            link.id,
            link.holder_id,
        )
        answer = "accepted" if to == "active" else "declined"
        queue_mail(
            session,
            link.holder.email,
            f"{link.broker.name} has {answer} your invitation",
            f"Hello {link.holder.name},\n\n{link.broker.name} has {answer} your invitation to be "
            "your broker.\n\nSee who can act for you: "
            f"{absolute_url('holders.people', holder_id=link.holder_id)}\n",
        )
    session.refresh(link)  # the conditional update went round the identity map
    return link


def _already_answered(status: str) -> str:
    return {
        "active": "You have already accepted this invitation.",
        "declined": "You have already declined this invitation.",
        "ended": "This invitation was withdrawn or has ended, so it can no longer be answered.",
    }.get(status, "This invitation can no longer be answered.")


def accept_invitation(session: DbSession, broker: Any, link_id: int) -> BrokerLink:
    """The invited broker accepts: from now on the holder is in their caseload."""
    return _broker_answer(session, broker, link_id, "active")


def decline_invitation(session: DbSession, broker: Any, link_id: int) -> BrokerLink:
    return _broker_answer(session, broker, link_id, "declined")


def end_broker_link(session: DbSession, actor: Any, holder_id: int, link_id: int) -> BrokerLink:
    """End an active link or withdraw an invitation (the holder, or an officer of their council)."""
    access = care_access(session, actor, holder_id)
    _may_link(access)
    link = session.get(BrokerLink, link_id)
    if link is None or link.holder_id != holder_id:
        raise NotFound(LINK_NOT_FOUND)
    with transaction(session):
        ended = affected_rows(
            session.execute(
                update(BrokerLink)
                .where(BrokerLink.id == link.id, BrokerLink.status.in_(OPEN))
                .values(status="ended", ended_at=utcnow(), ended_by_id=actor.id)
            )
        )
        if ended != 1:
            session.refresh(link)
            raise Conflict(
                "The broker declined this invitation, so there is nothing to end."
                if link.status == "declined"
                else "This link has already ended."
            )
        audit(session, actor, "end", "broker_link", link.id, holder_id)
        queue_mail(
            session,
            link.broker.email,
            f"You are no longer {access.holder.name}'s broker",
            f"Hello {link.broker.name},\n\nYour link as the broker of {access.holder.name} has "
            "ended (or their invitation was withdrawn). You can no longer see their records.\n",
        )
    session.refresh(link)  # the conditional update went round the identity map
    return link
