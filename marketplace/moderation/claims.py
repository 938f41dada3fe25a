"""Claims: someone from an organisation that a council added asks to manage its listing.

The claimant gets an account straight away (a provider administrator of that organisation) but may
not act for it until a moderator approves the claim. Each public function is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password, password_problem
from marketplace.accounts.services import (
    commit_new_user,
    email_taken,
    normalise_email,
    send_confirmation,
)
from marketplace.clock import utcnow
from marketplace.directory.models import Organisation
from marketplace.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from marketplace.extensions import DbSession, affected_rows
from marketplace.mail.services import queue_mail
from marketplace.moderation.models import Claim
from marketplace.moderation.scope import in_scope, moderator_councils, require_in_scope
from marketplace.moderation.services import required_text
from marketplace.permissions import Role
from marketplace.urls import absolute_url

EMAIL_TAKEN = "An account with this email address already exists. Sign in, or use another address"
EVIDENCE_LIMIT = 5000


def claimable(session: DbSession, org_id: int) -> Organisation:
    """An organisation nobody has claimed yet; NotFound for a claimed (or unknown) one."""
    organisation = session.get(Organisation, org_id)
    if organisation is None or organisation.claimed_at is not None:
        raise NotFound("Page not found. If you typed the web address, check it is correct.")
    return organisation


@dataclass
class ClaimInput:
    name: str = ""
    email: str = ""
    password: str = ""
    job_title: str = ""
    evidence: str = ""


def submit_claim(session: DbSession, org_id: int, claim: ClaimInput) -> Claim:
    """Create the claimant's account (not yet approved for the organisation) and a pending claim."""
    organisation = claimable(session, org_id)
    email = normalise_email(claim.email)
    errors: dict[str, str] = {}
    name = claim.name.strip()
    if not name:
        errors["name"] = "Enter your full name"
    elif len(name) > 120:
        errors["name"] = "Your name must be 120 characters or fewer"
    if "@" not in email or len(email) > 254:
        errors["email"] = "Enter an email address in the correct format, like name@example.org"
    elif email_taken(session, email):
        errors["email"] = EMAIL_TAKEN
    problem = password_problem(claim.password)
    if problem:
        errors["password"] = problem
    job_title = claim.job_title.strip()
    if not job_title:
        errors["job_title"] = "Enter your job title"
    elif len(job_title) > 120:
        errors["job_title"] = "Your job title must be 120 characters or fewer"
    evidence = claim.evidence.strip()
    if not evidence:
        errors["evidence"] = "Tell us why you are entitled to manage this organisation's listing"
    elif len(evidence) > EVIDENCE_LIMIT:
        errors["evidence"] = f"The evidence must be {EVIDENCE_LIMIT:,} characters or fewer"
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(claim.password),
        role=Role.PROVIDER_ADMIN.value,
        organisation_id=organisation.id,
        org_approved=False,
    )
    session.add(user)
    session.flush()
    row = Claim(
        organisation_id=organisation.id, user_id=user.id, job_title=job_title, evidence=evidence
    )
    session.add(row)
    send_confirmation(session, user)
    queue_mail(
        session,
        email,
        f"Your claim for {organisation.name}",
        f"Hello {name},\n\nWe have your request to manage the listing of {organisation.name}. "
        "A moderator will check it and email you. Until then you can sign in, but you cannot "
        "change the organisation's listings.\n\n"
        f"Sign in: {absolute_url('accounts.sign_in')}\n",
    )
    commit_new_user(session)
    return row


def pending_claims(session: DbSession, moderator: Any) -> list[Claim]:
    """Pending claims of organisations in this moderator's area, oldest first."""
    claims = session.scalars(
        select(Claim).where(Claim.status == "pending").order_by(Claim.created_at, Claim.id)
    ).all()
    if moderator_councils(moderator) is None:
        return list(claims)
    return [c for c in claims if in_scope(session, moderator, c.organisation)]


def claim_for_review(session: DbSession, moderator: Any, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound("Page not found. If you typed the web address, check it is correct.")
    require_in_scope(session, moderator, claim.organisation)
    return claim


def _decide(
    session: DbSession, claim: Claim, moderator: Any, status: str, reason: str = ""
) -> None:
    done = affected_rows(
        session.execute(
            update(Claim)
            .where(Claim.id == claim.id, Claim.status == "pending")
            .values(status=status, reason=reason, decided_by_id=moderator.id, decided_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    if done != 1:
        raise InvalidTransition(claim.status, status, "This claim")


def approve_claim(session: DbSession, moderator: Any, claim_id: int) -> Claim:
    """The claimant may now act for the organisation, which is claimed from now on."""
    claim = claim_for_review(session, moderator, claim_id)
    _decide(session, claim, moderator, "approved")
    claimed = affected_rows(
        session.execute(
            update(Organisation)
            .where(Organisation.id == claim.organisation_id, Organisation.claimed_at.is_(None))
            .values(claimed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    if claimed != 1:
        session.rollback()
        raise Conflict(
            "This organisation has already been claimed. Reject this claim: its administrator "
            "can invite this person instead."
        )
    claim.user.org_approved = True
    queue_mail(
        session,
        claim.user.email,
        f"You can now manage {claim.organisation.name}",
        f"Hello {claim.user.name},\n\nA moderator approved your claim. You can now manage the "
        f"listings of {claim.organisation.name}: {absolute_url('listings.index')}\n",
    )
    session.commit()
    session.refresh(claim)
    return claim


def reject_claim(session: DbSession, moderator: Any, claim_id: int, reason: str) -> Claim:
    """Refuse a claim, saying why. The claimant's account stays, not approved for the organisation."""
    claim = claim_for_review(session, moderator, claim_id)
    reason = required_text(reason)
    _decide(session, claim, moderator, "rejected", reason)
    queue_mail(
        session,
        claim.user.email,
        f"Your claim for {claim.organisation.name}",
        f"Hello {claim.user.name},\n\nA moderator did not approve your claim to manage "
        f"{claim.organisation.name}. The reason they gave:\n\n{reason}\n",
    )
    session.commit()
    session.refresh(claim)
    return claim
