"""People who sign in, and the single-use links they are sent."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.permissions import Role

if TYPE_CHECKING:
    from marketplace.directory.models import Council, Organisation

_ROLES = ", ".join(f"'{r.value}'" for r in Role)
_ORG_ROLES = "'provider_admin', 'provider_staff'"


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({_ROLES})", name="role_known"),
        # Staff belong to exactly one organisation; nobody else belongs to one.
        CheckConstraint(
            f"(role IN ({_ORG_ROLES}) AND organisation_id IS NOT NULL)"
            f" OR (role NOT IN ({_ORG_ROLES}) AND organisation_id IS NULL)",
            name="staff_have_organisation",
        ),
        # Officers belong to exactly one council; nobody else does.
        CheckConstraint(
            "(role = 'officer' AND council_id IS NOT NULL)"
            " OR (role <> 'officer' AND council_id IS NULL)",
            name="officers_have_council",
        ),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # False while a claim of an existing organisation waits for a moderator.
    org_approved: Mapped[bool] = mapped_column(default=True)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)
    email_confirmed_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(
        back_populates="staff", foreign_keys=[organisation_id]
    )
    council: Mapped[Council | None] = relationship()

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def get_id(self) -> str:
        # The session remembers when the password was set: changing it signs out every other
        # session (see the user loader in create_app).
        return f"{self.id}.{self.password_changed_at:%Y%m%d%H%M%S%f}"

    def acts_for(self, organisation_id: int | None) -> bool:
        """True when this user is approved staff of that organisation."""
        return (
            organisation_id is not None
            and self.organisation_id == organisation_id
            and self.org_approved
        )


class AccountToken(db.Model):  # type: ignore[name-defined]
    """A single-use, expiring link: password reset or email confirmation. Only a hash is kept."""

    __tablename__ = "account_tokens"
    __table_args__ = (CheckConstraint("purpose IN ('reset', 'confirm')", name="purpose_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Invitation(db.Model):  # type: ignore[name-defined]
    """A provider administrator's invitation for a member of staff to join the organisation."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User] = relationship()


class ApiToken(db.Model):  # type: ignore[name-defined]
    """A personal API token. Only a hash is kept; the prefix lets the owner tell tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
