"""Small helpers the holder services share: one transaction, one lock per holder, accounts by email."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.extensions import DbSession
from marketplace.holders.models import HolderRecord

EMAIL_LIMIT = 254


@contextmanager
def transaction(session: DbSession) -> Iterator[None]:
    """The body is one transaction: committed at the end, rolled back if anything is raised."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def lock_holder(session: DbSession, holder_id: int) -> None:
    """Take the write lock on the holder's record before checking their links.

    A no-op update: PostgreSQL locks the row until commit, SQLite takes its write lock; either way
    two people linking someone to the same holder at once are served one after the other, so the
    "one broker at a time" and "no duplicate representative" checks cannot both pass.
    The record must exist (see ``access.ensure_record``).
    """
    session.execute(
        update(HolderRecord)
        .where(HolderRecord.user_id == holder_id)
        .values(updated_at=HolderRecord.updated_at)
    )


def normalise_email(text: str) -> str:
    return (text or "").strip().lower()


def account_by_email(session: DbSession, email: str) -> User | None:
    email = normalise_email(email)
    if not email or len(email) > EMAIL_LIMIT:
        return None
    return session.scalar(select(User).where(User.email == email))
