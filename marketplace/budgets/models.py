"""Personal budgets, the streams they are held in, and councils' resource allocation tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.budgets.vocab import MAX_BUDGET_PENCE
from marketplace.clock import utcnow
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.directory.models import Council, Organisation


class Budget(db.Model):  # type: ignore[name-defined]
    """One holder's personal budget for one plan year. Amounts are annual, in pence.

    ``total_pence`` is the whole personal budget; ``contribution_pence`` is the part the holder
    pays after the financial assessment; the streams divide the total between them.
    """

    __tablename__ = "budgets"
    __table_args__ = (
        UniqueConstraint("holder_id", "year_start", name="uq_budgets_holder_year"),
        CheckConstraint(
            f"total_pence >= 0 AND total_pence <= {MAX_BUDGET_PENCE}", name="total_sensible"
        ),
        CheckConstraint(
            "contribution_pence >= 0 AND contribution_pence <= total_pence",
            name="contribution_within_total",
        ),
        CheckConstraint("indicative_pence IS NULL OR indicative_pence >= 0", name="indicative_nn"),
        CheckConstraint("year_end > year_start", name="year_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    year_start: Mapped[date]
    year_end: Mapped[date]  # the last day of the plan year
    total_pence: Mapped[int]
    contribution_pence: Mapped[int] = mapped_column(default=0)
    # From the RAS questionnaire, when one was used; the actual total may differ (see reason).
    indicative_pence: Mapped[int | None]
    ras_assessment_id: Mapped[int | None] = mapped_column(ForeignKey("ras_assessments.id"))
    variance_reason: Mapped[str] = mapped_column(Text, default="")
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    council: Mapped[Council] = relationship()
    set_by: Mapped[User] = relationship(foreign_keys=[set_by_id])
    ras_assessment: Mapped[RasAssessment | None] = relationship()
    streams: Mapped[list[BudgetStream]] = relationship(
        back_populates="budget", cascade="all, delete-orphan", order_by="BudgetStream.id"
    )
    # Latest first: every recording and change of the amounts, who made it and why.
    changes: Mapped[list[BudgetChange]] = relationship(
        back_populates="budget",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="BudgetChange.id.desc()",
    )

    @property
    def other_streams(self) -> list[BudgetStream]:
        """Funding that is not the council's, like Access to Work."""
        return [s for s in self.streams if s.kind == "other"]

    @property
    def other_funding_pence(self) -> int:
        return sum(s.total_pence for s in self.other_streams)

    @property
    def council_share_pence(self) -> int:
        """What the council pays: the total less the holder's contribution and other funding."""
        return self.total_pence - self.contribution_pence - self.other_funding_pence


class BudgetStream(db.Model):  # type: ignore[name-defined]
    """Part of a budget held one way. Committed and spent are filled by the bookings ledger;
    the database refuses a stream that goes negative or is overspent, whatever the code does."""

    __tablename__ = "budget_streams"
    __table_args__ = (
        CheckConstraint("kind IN ('dp', 'managed', 'isf', 'other')", name="kind_known"),
        CheckConstraint(
            "(kind = 'isf' AND organisation_id IS NOT NULL)"
            " OR (kind <> 'isf' AND organisation_id IS NULL)",
            name="isf_has_holder",
        ),
        CheckConstraint("kind <> 'other' OR label <> ''", name="other_is_named"),
        CheckConstraint(
            f"total_pence >= 0 AND total_pence <= {MAX_BUDGET_PENCE}", name="total_sensible"
        ),
        CheckConstraint(
            "committed_pence >= 0 AND spent_pence >= 0"
            " AND committed_pence + spent_pence <= total_pence",
            name="never_overspent",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(80), default="")  # names an "other" stream
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    total_pence: Mapped[int]
    committed_pence: Mapped[int] = mapped_column(default=0)
    spent_pence: Mapped[int] = mapped_column(default=0)
    # How the officer entered it, so the form shows it back the same way.
    entered_weekly: Mapped[bool] = mapped_column(default=False)

    budget: Mapped[Budget] = relationship(back_populates="streams")
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def remaining_pence(self) -> int:
        return self.total_pence - self.committed_pence - self.spent_pence

    @property
    def name(self) -> str:
        from marketplace.budgets.vocab import STREAM_KINDS
        from marketplace.directory.vocab import label

        if self.kind == "other":
            return self.label
        if self.kind == "isf" and self.organisation is not None:
            return f"Individual Service Fund held by {self.organisation.name}"
        return label(STREAM_KINDS, self.kind)


class BudgetChange(db.Model):  # type: ignore[name-defined]
    """One recording or change of a budget: who, when, the amounts before and after, what
    changed and why. Written by the budget services with the change itself; never edited.
    The first recording has no "before" (``old_*`` are NULL)."""

    __tablename__ = "budget_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), index=True)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    old_total_pence: Mapped[int | None]
    new_total_pence: Mapped[int]
    old_contribution_pence: Mapped[int | None]
    new_contribution_pence: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")  # why the budget changed
    # "Direct payment £9,360.00 → £10,400.00; Total £15,600.00 → £16,640.00"
    summary: Mapped[str] = mapped_column(Text, default="")

    budget: Mapped[Budget] = relationship(back_populates="changes")
    changed_by: Mapped[User] = relationship()


class RasTable(db.Model):  # type: ignore[name-defined]
    """A council's resource allocation system: questions with points, and points → money."""

    __tablename__ = "ras_tables"
    __table_args__ = (
        CheckConstraint("method IN ('rate', 'bands')", name="method_known"),
        CheckConstraint(
            "rate_pence_per_point IS NULL OR rate_pence_per_point >= 0", name="rate_nn"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("councils.id", ondelete="CASCADE"), unique=True
    )
    method: Mapped[str] = mapped_column(String(10), default="rate")
    rate_pence_per_point: Mapped[int | None]  # annual pounds per point, in pence
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    council: Mapped[Council] = relationship()
    questions: Mapped[list[RasQuestion]] = relationship(
        back_populates="table", cascade="all, delete-orphan", order_by="RasQuestion.position"
    )
    bands: Mapped[list[RasBand]] = relationship(
        back_populates="table", cascade="all, delete-orphan", order_by="RasBand.min_points"
    )


class RasQuestion(db.Model):  # type: ignore[name-defined]
    __tablename__ = "ras_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("ras_tables.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(300))
    help_text: Mapped[str] = mapped_column(String(500), default="")

    table: Mapped[RasTable] = relationship(back_populates="questions")
    options: Mapped[list[RasOption]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="RasOption.position"
    )


class RasOption(db.Model):  # type: ignore[name-defined]
    __tablename__ = "ras_options"
    __table_args__ = (CheckConstraint("points >= 0", name="points_nn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("ras_questions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(200))
    points: Mapped[int]

    question: Mapped[RasQuestion] = relationship(back_populates="options")


class RasBand(db.Model):  # type: ignore[name-defined]
    __tablename__ = "ras_bands"
    __table_args__ = (
        CheckConstraint("min_points >= 0 AND max_points >= min_points", name="range_ordered"),
        CheckConstraint(
            f"annual_pence >= 0 AND annual_pence <= {MAX_BUDGET_PENCE}", name="amount_sensible"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("ras_tables.id", ondelete="CASCADE"), index=True
    )
    min_points: Mapped[int]
    max_points: Mapped[int]
    annual_pence: Mapped[int]

    table: Mapped[RasTable] = relationship(back_populates="bands")


class RasAssessment(db.Model):  # type: ignore[name-defined]
    """A completed questionnaire and the indicative budget it gave. The working is stored as it
    was shown, so it stays true when the council later changes its table."""

    __tablename__ = "ras_assessments"
    __table_args__ = (
        CheckConstraint("points >= 0", name="points_nn"),
        CheckConstraint("indicative_pence >= 0", name="indicative_nn"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    # [{"question": str, "answer": str, "points": int}, ...]
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    points: Mapped[int]
    method: Mapped[str] = mapped_column(String(10))
    # "48 points x £250.00 = £12,000.00" or "48 points is in the band 41 to 60: £14,000.00"
    working: Mapped[str] = mapped_column(Text)
    indicative_pence: Mapped[int]
    completed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    completed_by: Mapped[User] = relationship(foreign_keys=[completed_by_id])
    council: Mapped[Council] = relationship()
