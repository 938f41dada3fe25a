"""Personal API tokens: made once, shown once, kept only as a hash.

A token is ``pbm_`` followed by 43 characters of ``secrets.token_urlsafe(32)`` (256 random bits).
The database keeps its sha256 (enough for a random secret of that size: no salt or slow hash is
needed, and a lookup stays one indexed query) and the first few characters, so the owner can
tell their tokens apart.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from marketplace.accounts.models import ApiToken, User
from marketplace.clock import utcnow
from marketplace.errors import NotFound, ValidationFailed
from marketplace.extensions import DbSession

TOKEN_PREFIX = "pbm_"
SHOWN_PREFIX_LENGTH = 12  # "pbm_" and 8 random characters; fits ApiToken.prefix
MAX_NAME = 80
# last_used_at is written at most this often per token, so a busy script costs no write per call.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise ValidationFailed({"name": "Enter a name for the token, like “Budget report script”"})
    if len(cleaned) > MAX_NAME:
        raise ValidationFailed({"name": f"The name must be {MAX_NAME} characters or fewer"})
    return cleaned


def create_token(session: DbSession, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token itself, which is never stored."""
    cleaned = _clean_name(name)
    if not user.active:
        raise ValidationFailed({"name": "This account is not active, so it cannot have tokens"})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=cleaned,
        prefix=token[:SHOWN_PREFIX_LENGTH],
        token_hash=hash_token(token),
    )
    session.add(row)
    session.commit()
    return row, token


def tokens_of(session: DbSession, user: Any) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(session: DbSession, user: Any, token_id: int) -> ApiToken:
    """Stop one of the user's own tokens working. Someone else's token is NotFound."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        raise NotFound("We could not find that token. It may have been revoked already.")
    row.revoked_at = utcnow()
    session.commit()
    return row


def authenticate(session: DbSession, token: str) -> User | None:
    """The active user a token belongs to, or None for an unknown, revoked or malformed token,
    or an inactive account."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        return None
    user = row.user
    if user is None or not user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or row.last_used_at < now - LAST_USED_RESOLUTION:
        # A conditional write, so two requests at once do not both write (or fight).
        session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == row.id,
                (ApiToken.last_used_at.is_(None))
                | (ApiToken.last_used_at < now - LAST_USED_RESOLUTION),
            )
            .values(last_used_at=now)
        )
        session.commit()
    return user
