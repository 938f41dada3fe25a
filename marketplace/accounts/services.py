"""Account use cases: sign-up, sign-in, single-use links, password changes, staff invitations.

Each public function is one transaction: it commits once at the end, or raises a DomainError and
leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from marketplace import geo
from marketplace.accounts.models import AccountToken, Invitation, User
from marketplace.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from marketplace.clock import utcnow
from marketplace.directory.models import Council, Organisation
from marketplace.directory.vocab import ORGANISATION_KINDS, values
from marketplace.errors import DomainError, Forbidden, NotFound, TokenInvalid, ValidationFailed
from marketplace.extensions import DbSession, affected_rows
from marketplace.mail.services import queue_mail
from marketplace.permissions import SELF_SIGN_UP_ROLES, Role
from marketplace.urls import absolute_url

EXPIRED_LINK = "This link has expired or has already been used. Ask for a new one."


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def email_taken(session: DbSession, email: str) -> bool:
    return (
        session.scalar(select(func.count()).select_from(User).where(User.email == email)) or 0
    ) > 0


def _check_new_password(password: str, confirm: str | None = None, field: str = "password") -> None:
    problem = password_problem(password)
    if problem:
        raise ValidationFailed({field: problem})
    if confirm is not None and confirm != password:
        raise ValidationFailed({"confirm_password": "The passwords do not match"})


def commit_new_user(session: DbSession) -> None:
    """Commit, turning a lost race on the unique email into a readable field error."""
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        if "email" in str(error.orig).lower():
            raise ValidationFailed(
                {"email": "An account with this email address already exists"}
            ) from error
        raise


@dataclass(frozen=True)
class NewOrganisation:
    name: str
    kind: str
    base_postcode: str


def sign_up(
    session: DbSession,
    *,
    role: Role,
    name: str,
    email: str,
    password: str,
    confirm_password: str | None = None,
    organisation: NewOrganisation | None = None,
) -> User:
    """Create a self-service account (never an officer or admin) and send the confirmation link.

    A provider sign-up also creates the organisation, unpublished, with the new user as its
    administrator.
    """
    if role not in SELF_SIGN_UP_ROLES:
        raise NotFound("You cannot create that kind of account yourself.")
    email = normalise_email(email)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter your full name"
    if email_taken(session, email):
        errors["email"] = "An account with this email address already exists"
    problem = password_problem(password)
    if problem:
        errors["password"] = problem
    elif confirm_password is not None and confirm_password != password:
        errors["confirm_password"] = "The passwords do not match"
    org: Organisation | None = None
    if role == Role.PROVIDER_ADMIN:
        if organisation is None or not organisation.name.strip():
            errors["organisation_name"] = "Enter the name of your organisation"
        elif organisation.kind not in values(ORGANISATION_KINDS):
            errors["organisation_kind"] = "Select the kind of organisation"
        else:
            try:
                postcode = geo.parse_postcode(organisation.base_postcode, allow_district=False)
            except geo.UnknownPostcode as error:
                errors["base_postcode"] = error.message
            else:
                org = Organisation(
                    name=organisation.name.strip(),
                    kind=organisation.kind,
                    base_postcode=postcode.text,
                    base_district=postcode.district.code,
                    service_districts=[postcode.district.code],
                    status="draft",
                    claimed_at=utcnow(),
                )
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=role.value,
        organisation=org,
    )
    session.add(user)
    session.flush()
    send_confirmation(session, user)
    commit_new_user(session)
    return user


def authenticate(session: DbSession, email: str, password: str) -> User | None:
    """The user with these credentials, or None. Takes as long for an unknown email."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if not verify_password(user.password_hash if user else None, password):
        return None
    assert user is not None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    return user


def _issue_token(session: DbSession, user: User, purpose: str, hours: int) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash_token(token),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    return token


def _use_token(session: DbSession, token: str, purpose: str) -> User:
    """Spend a single-use link: exactly one caller ever succeeds with a given token."""
    row = session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == _hash_token(token), AccountToken.purpose == purpose
        )
    )
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at < now:
        raise TokenInvalid(EXPIRED_LINK)
    spent = affected_rows(
        session.execute(
            update(AccountToken)
            .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
            .values(used_at=now)
        )
    )
    if spent != 1:
        raise TokenInvalid(EXPIRED_LINK)
    return row.user


def check_token(session: DbSession, token: str, purpose: str) -> None:
    """Raise TokenInvalid unless the link is unused and unexpired (it is not spent)."""
    row = session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == _hash_token(token), AccountToken.purpose == purpose
        )
    )
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        raise TokenInvalid(EXPIRED_LINK)


def send_confirmation(session: DbSession, user: User) -> None:
    token = _issue_token(session, user, "confirm", current_app.config["CONFIRM_LINK_HOURS"])
    link = absolute_url("accounts.confirm_email", token=token)
    queue_mail(
        session,
        user.email,
        "Confirm your email address",
        f"Hello {user.name},\n\nConfirm your email address by opening this link:\n\n{link}\n\n"
        f"The link works once and expires in {current_app.config['CONFIRM_LINK_HOURS']} hours.\n",
    )


def resend_confirmation(session: DbSession, user: User) -> None:
    if user.email_confirmed:
        raise DomainError("Your email address is already confirmed.")
    send_confirmation(session, user)
    session.commit()


def confirm_email(session: DbSession, token: str) -> User:
    user = _use_token(session, token, "confirm")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    session.commit()
    return user


def request_password_reset(session: DbSession, email: str) -> None:
    """Send a reset link if the account exists. The caller says the same thing either way."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        return
    hours = current_app.config["RESET_LINK_HOURS"]
    token = _issue_token(session, user, "reset", hours)
    link = absolute_url("accounts.reset_password", token=token)
    queue_mail(
        session,
        user.email,
        "Reset your password",
        f"Hello {user.name},\n\nSomeone asked to reset the password for this account. "
        f"If it was you, choose a new password here:\n\n{link}\n\n"
        f"The link works once and expires in {hours} hours. If it was not you, ignore this email.\n",
    )
    session.commit()


def _set_password(session: DbSession, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    # Every other outstanding reset link dies with the old password.
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == "reset",
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    queue_mail(
        session,
        user.email,
        "Your password has been changed",
        f"Hello {user.name},\n\nThe password for your account was changed. If you did not do "
        "this, reset your password now and tell us.\n",
    )


def reset_password(session: DbSession, token: str, password: str, confirm_password: str) -> User:
    _check_new_password(password, confirm_password)
    user = _use_token(session, token, "reset")
    # Proving control of the mailbox also confirms the address.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    _set_password(session, user, password)
    session.commit()
    return user


def change_password(
    session: DbSession, user: User, current: str, password: str, confirm_password: str
) -> None:
    if not verify_password(user.password_hash, current):
        raise ValidationFailed({"current_password": "Your current password is not correct"})
    _check_new_password(password, confirm_password)
    _set_password(session, user, password)
    session.commit()


def invite_staff(session: DbSession, admin: User, email: str) -> Invitation:
    """A provider administrator invites someone to join their organisation as staff."""
    if admin.role != Role.PROVIDER_ADMIN or not admin.org_approved or admin.organisation is None:
        raise Forbidden("Only an approved administrator of an organisation can invite staff.")
    email = normalise_email(email)
    if email_taken(session, email):
        raise ValidationFailed({"email": "Someone with this email address already has an account"})
    token = secrets.token_urlsafe(32)
    hours = current_app.config["INVITE_LINK_HOURS"]
    invitation = Invitation(
        organisation_id=admin.organisation.id,
        email=email,
        invited_by_id=admin.id,
        token_hash=_hash_token(token),
        expires_at=utcnow() + timedelta(hours=hours),
    )
    session.add(invitation)
    link = absolute_url("accounts.accept_invitation", token=token)
    queue_mail(
        session,
        email,
        f"Join {admin.organisation.name} on the care marketplace",
        f"Hello,\n\n{admin.name} has invited you to manage listings for "
        f"{admin.organisation.name}.\n\nAccept the invitation here:\n\n{link}\n\n"
        f"The link works once and expires in {hours // 24} days.\n",
    )
    session.commit()
    return invitation


def find_invitation(session: DbSession, token: str) -> Invitation:
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == _hash_token(token))
    )
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < utcnow():
        raise TokenInvalid(EXPIRED_LINK)
    return invitation


def accept_invitation(
    session: DbSession, token: str, name: str, password: str, confirm_password: str
) -> User:
    invitation = find_invitation(session, token)
    if not name.strip():
        raise ValidationFailed({"name": "Enter your full name"})
    _check_new_password(password, confirm_password)
    if email_taken(session, invitation.email):
        raise TokenInvalid("An account with this email address already exists. Sign in instead.")
    accepted = affected_rows(
        session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
            .values(accepted_at=utcnow())
        )
    )
    if accepted != 1:
        raise TokenInvalid(EXPIRED_LINK)
    user = User(
        email=invitation.email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=Role.PROVIDER_STAFF.value,
        organisation_id=invitation.organisation_id,
        email_confirmed_at=utcnow(),  # the invitation link proved the address
    )
    session.add(user)
    commit_new_user(session)
    return user


def create_user(
    session: DbSession,
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    council_code: str | None = None,
    organisation_id: int | None = None,
) -> User:
    """An administrator creates any account, including officers (with their council) and admins."""
    email = normalise_email(email)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter the person's full name"
    if "@" not in email or len(email) > 254:
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
    elif email_taken(session, email):
        errors["email"] = "An account with this email address already exists"
    problem = password_problem(password)
    if problem:
        errors["password"] = problem
    council: Council | None = None
    if role == Role.OFFICER:
        council = session.scalar(select(Council).where(Council.code == (council_code or "")))
        if council is None:
            errors["council"] = "Select the council the officer works for"
    elif council_code:
        errors["council"] = "Only council officers belong to a council"
    if role in (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF):
        if organisation_id is None or session.get(Organisation, organisation_id) is None:
            errors["organisation"] = "Select the organisation this person works for"
    elif organisation_id is not None:
        errors["organisation"] = "Only provider staff belong to an organisation"
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=role.value,
        council_id=council.id if council else None,
        organisation_id=organisation_id,
        email_confirmed_at=utcnow(),
    )
    session.add(user)
    commit_new_user(session)
    return user


def staff_of(session: DbSession, organisation_id: int) -> tuple[list[User], list[Invitation]]:
    staff = list(
        session.scalars(
            select(User).where(User.organisation_id == organisation_id).order_by(User.name)
        )
    )
    invitations = list(
        session.scalars(
            select(Invitation)
            .where(
                Invitation.organisation_id == organisation_id,
                Invitation.accepted_at.is_(None),
                Invitation.expires_at >= utcnow(),
            )
            .order_by(Invitation.created_at)
        )
    )
    return staff, invitations
