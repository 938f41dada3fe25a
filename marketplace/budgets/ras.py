"""The resource allocation system (RAS), the holder's side: the questionnaire of their council,
and the indicative budgets it gives, with the working shown. Officers configure the table in
``ras_setup``. ``complete_assessment`` is one transaction: everything is checked, then one commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from marketplace.audit.services import record
from marketplace.budgets.models import RasAssessment, RasOption, RasQuestion, RasTable
from marketplace.budgets.vocab import MAX_BUDGET_PENCE
from marketplace.errors import Conflict, DomainError, NotFound, ValidationFailed
from marketplace.extensions import DbSession
from marketplace.holders.access import CareAccess, care_access
from marketplace.holders.models import HolderRecord
from marketplace.money import format_pence


class ScoreNotCovered(DomainError):
    """The answers give a score the council's bands do not cover (or an absurd amount)."""

    status_code = 422
    code = "score_not_covered"


class NoRasTable(Conflict):
    """The holder's council has no usable questionnaire here (or the holder has no council)."""

    code = "no_ras_table"


# --- reading ----------------------------------------------------------------------------------


def council_table(session: DbSession, council_id: int | None) -> RasTable | None:
    if council_id is None:
        return None
    return session.scalar(select(RasTable).where(RasTable.council_id == council_id))


def is_ready(table: RasTable | None) -> bool:
    """Can a holder fill it in and get an amount?"""
    if table is None or not table.questions:
        return False
    if any(not question.options for question in table.questions):
        return False
    if table.method == "rate":
        return table.rate_pence_per_point is not None
    return bool(table.bands)


def holder_table(session: DbSession, holder_id: int) -> RasTable | None:
    record_ = session.get(HolderRecord, holder_id)
    return council_table(session, record_.council_id if record_ else None)


def latest_assessment(session: DbSession, holder_id: int) -> RasAssessment | None:
    return session.scalar(
        select(RasAssessment)
        .where(RasAssessment.holder_id == holder_id)
        .order_by(RasAssessment.created_at.desc(), RasAssessment.id.desc())
        .limit(1)
    )


def holder_assessment(
    session: DbSession, holder_id: int, assessment_id: int
) -> RasAssessment | None:
    """That assessment if it is the holder's (None otherwise). The caller checks access."""
    assessment = session.get(RasAssessment, assessment_id)
    return assessment if assessment is not None and assessment.holder_id == holder_id else None


def visible_assessment(
    session: DbSession, user: Any, holder_id: int, assessment_id: int
) -> tuple[RasAssessment, CareAccess]:
    """An assessment of a holder the user may see; NotFound otherwise."""
    access = care_access(session, user, holder_id)
    assessment = holder_assessment(session, holder_id, assessment_id)
    if assessment is None:
        raise NotFound("We could not find that questionnaire.")
    return assessment, access


# --- holders fill the questionnaire -----------------------------------------------------------


def questionnaire(session: DbSession, user: Any, holder_id: int) -> tuple[RasTable, CareAccess]:
    """The table a holder answers, if the user may fill it for them. NoRasTable when the holder
    has no council yet or the council has no usable table; NotFound for anyone who cannot plan."""
    access = care_access(session, user, holder_id)
    if not access.can_plan:
        raise NotFound("Page not found.")
    table = council_table(session, access.record.council_id if access.record else None)
    if not is_ready(table):
        raise NoRasTable(
            "There is no questionnaire for an indicative budget here yet. "
            "Ask the council for your indicative budget."
        )
    assert table is not None
    return table, access


def _conversion(table: RasTable, points: int) -> tuple[int, str]:
    if table.method == "rate":
        rate = table.rate_pence_per_point or 0
        amount = points * rate
        line = (
            f"{points} points × {format_pence(rate, free_text='')} a point = "  # noqa: RUF001
            f"{format_pence(amount, free_text='')} a year"
        )
    else:
        band = next((b for b in table.bands if b.min_points <= points <= b.max_points), None)
        if band is None:
            raise ScoreNotCovered(
                f"The answers come to {points} points, but {table.council.name}'s table does "
                "not cover that score, so we cannot show an indicative budget. Contact the "
                "council: an officer will work out your budget with you."
            )
        amount = band.annual_pence
        line = (
            f"{points} points is in the band {band.min_points} to {band.max_points} points: "
            f"{format_pence(amount, free_text='')} a year"
        )
    if amount > MAX_BUDGET_PENCE:
        raise ScoreNotCovered(
            f"The answers come to {points} points, which {table.council.name}'s table turns "
            "into more than the service can record. Contact the council: an officer will work "
            "out your budget with you."
        )
    return amount, line


def complete_assessment(
    session: DbSession, actor: Any, holder_id: int, answers: Mapping[int, int]
) -> RasAssessment:
    """Score a filled questionnaire ({question id: option id}) and keep the indicative budget
    with its working (every answer's points, the total and the conversion), as shown."""
    table, _access = questionnaire(session, actor, holder_id)
    errors: dict[str, str] = {}
    chosen: list[tuple[RasQuestion, RasOption]] = []
    for question in table.questions:
        option_id = answers.get(question.id)
        option = next((o for o in question.options if o.id == option_id), None)
        if option is None:
            errors[f"q{question.id}"] = f"Select an answer to “{question.text}”"
        else:
            chosen.append((question, option))
    if errors:
        raise ValidationFailed(errors)
    points = sum(option.points for _, option in chosen)
    amount, conversion = _conversion(table, points)
    lines = [f"{q.text}: {o.text} ({o.points} points)" for q, o in chosen]
    lines += [f"Total: {points} points", conversion]
    assessment = RasAssessment(
        holder_id=holder_id,
        council_id=table.council_id,
        answers=[{"question": q.text, "answer": o.text, "points": o.points} for q, o in chosen],
        points=points,
        method=table.method,
        working="\n".join(lines),
        indicative_pence=amount,
        completed_by_id=actor.id,
    )
    session.add(assessment)
    session.flush()
    record(session, actor, "create", "ras_assessment", assessment.id, holder_id)
    session.commit()
    return assessment


def conversion_line(assessment: RasAssessment) -> str:
    """The last line of the working: how the points became money."""
    return assessment.working.splitlines()[-1] if assessment.working else ""
