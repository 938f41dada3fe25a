"""Officers configure their council's resource allocation table: the questions with points for
each answer, and how points become money (a rate, or bands). Each public function that writes is
one transaction: everything is checked first, then one commit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlalchemy import func, select

from marketplace.audit.services import record
from marketplace.budgets.models import RasBand, RasOption, RasQuestion, RasTable
from marketplace.budgets.ras import council_table
from marketplace.budgets.vocab import MAX_BUDGET_PENCE, RAS_METHODS
from marketplace.errors import InvalidAmount, NotFound, ValidationFailed
from marketplace.extensions import DbSession
from marketplace.money import format_pence, parse_pounds
from marketplace.permissions import Permission, has_permission

MAX_POINTS = 1_000  # for one answer; more is a typing slip
MAX_BAND_POINTS = 100_000
QUESTION_LIMIT = 300
HELP_LIMIT = 500
OPTION_LIMIT = 200
NOT_YOUR_COUNCIL = "We could not find that question in your council's table."


@dataclass(frozen=True)
class OptionInput:
    text: str
    points: int


@dataclass(frozen=True)
class BandInput:
    min_points: int
    max_points: int
    annual_pence: int


# --- the officer's text formats: one answer or band a line ----------------------------------

_OPTION_LINE = re.compile(r"^(?P<text>.*\S)\s*\|\s*(?P<points>\S+)$")
_BAND_LINE = re.compile(r"^(?P<low>\d+)\s*(?:-|to)\s*(?P<high>\d+)\s*\|\s*(?P<amount>.+)$", re.I)


def _lines(text: str) -> list[tuple[int, str]]:
    return [
        (number, line.strip())
        for number, line in enumerate((text or "").splitlines(), start=1)
        if line.strip()
    ]


def parse_options(text: str, field: str = "options") -> list[OptionInput]:
    """'Needs help from one person | 10' a line -> options. ValidationFailed names the line."""
    options = []
    for number, line in _lines(text):
        match = _OPTION_LINE.match(line)
        if not match:
            raise ValidationFailed(
                {
                    field: f"Line {number}: write the answer, a bar, then its points, like “Never | 0”"
                }
            )
        points = match.group("points")
        if not points.isdigit() or len(points) > 6:
            raise ValidationFailed(
                {field: f"Line {number}: the points must be a whole number, like 10"}
            )
        options.append(OptionInput(text=match.group("text").strip(), points=int(points)))
    return options


def parse_bands(text: str, field: str = "bands") -> list[BandInput]:
    """'0-10 | 5000' a line -> bands (points from and to, and the budget for a year, in pounds)."""
    bands = []
    for number, line in _lines(text):
        match = _BAND_LINE.match(line)
        if not match or len(match.group("low")) > 6 or len(match.group("high")) > 6:
            raise ValidationFailed(
                {
                    field: f"Line {number}: write the points from and to, a bar, then the budget for "
                    "a year, like “0-10 | 5000”"
                }
            )
        try:
            amount = parse_pounds(match.group("amount"), maximum=MAX_BUDGET_PENCE)
        except InvalidAmount as error:
            raise ValidationFailed({field: f"Line {number}: {error.message}"}) from error
        bands.append(BandInput(int(match.group("low")), int(match.group("high")), amount))
    return bands


def options_text(question: RasQuestion) -> str:
    return "\n".join(f"{option.text} | {option.points}" for option in question.options)


def bands_text(table: RasTable | None) -> str:
    if table is None:
        return ""
    return "\n".join(
        f"{band.min_points}-{band.max_points} | {band.annual_pence // 100}"
        + (f".{band.annual_pence % 100:02d}" if band.annual_pence % 100 else "")
        for band in table.bands
    )


# --- what the officer sees -------------------------------------------------------------------


def score_range(table: RasTable) -> tuple[int, int]:
    """The fewest and most points the questionnaire can give."""
    low = sum(min((o.points for o in q.options), default=0) for q in table.questions)
    high = sum(max((o.points for o in q.options), default=0) for q in table.questions)
    return low, high


def uncovered_scores(table: RasTable) -> list[tuple[int, int]]:
    """Ranges of possible scores that no band covers (bands method only), for the officer."""
    if table.method != "bands" or not table.questions:
        return []
    low, high = score_range(table)
    gaps, next_uncovered = [], low
    for band in sorted(table.bands, key=lambda b: b.min_points):
        if band.min_points > next_uncovered:
            gaps.append((next_uncovered, min(band.min_points - 1, high)))
        next_uncovered = max(next_uncovered, band.max_points + 1)
        if next_uncovered > high:
            break
    if next_uncovered <= high:
        gaps.append((next_uncovered, high))
    return [(a, b) for a, b in gaps if a <= b]


def officer_table(session: DbSession, officer: Any) -> RasTable | None:
    """The officer's council's table (None if it has none yet); NotFound for anyone else."""
    return council_table(session, _officer_council(officer))


# --- officers configure their council's table -------------------------------------------------


def _officer_council(officer: Any) -> int:
    if not has_permission(officer, Permission.CONFIGURE_RAS) or officer.council_id is None:
        raise NotFound("Page not found.")
    return int(officer.council_id)


def _table_for_writing(session: DbSession, officer: Any) -> RasTable:
    council_id = _officer_council(officer)
    table = council_table(session, council_id)
    if table is None:
        table = RasTable(council_id=council_id, method="rate")
        session.add(table)
    table.updated_by_id = officer.id
    return table


def save_settings(
    session: DbSession,
    officer: Any,
    *,
    method: str,
    rate_pence_per_point: int | None,
    bands: Sequence[BandInput],
) -> RasTable:
    """How points become money: a rate, or bands. Bands may leave gaps (a score in a gap is
    refused to the holder with a clear message) but may not overlap."""
    errors: dict[str, str] = {}
    if method not in dict(RAS_METHODS):
        errors["method"] = "Select how points become a budget"
    if rate_pence_per_point is None:
        if method == "rate":
            errors["rate"] = "Enter the pounds for each point"
    elif rate_pence_per_point <= 0:
        errors["rate"] = "The pounds for each point must be more than £0"
    elif rate_pence_per_point > MAX_BUDGET_PENCE:
        errors["rate"] = (
            f"The pounds for each point must be {format_pence(MAX_BUDGET_PENCE)} or less"
        )
    band_error = _band_error(bands, required=method == "bands")
    if band_error:
        errors["bands"] = band_error
    if errors:
        raise ValidationFailed(errors)
    table = _table_for_writing(session, officer)
    table.method = method
    table.rate_pence_per_point = rate_pence_per_point
    table.bands = [
        RasBand(min_points=b.min_points, max_points=b.max_points, annual_pence=b.annual_pence)
        for b in sorted(bands, key=lambda b: b.min_points)
    ]
    session.flush()
    record(session, officer, "update", "ras_table", table.id, None)
    session.commit()
    return table


def _band_error(bands: Sequence[BandInput], *, required: bool) -> str:
    if not bands:
        return "Enter at least one band" if required else ""
    ordered = sorted(bands, key=lambda b: b.min_points)
    for band in ordered:
        if band.max_points < band.min_points:
            return f"The band {band.min_points}-{band.max_points} ends before it starts"
        if band.max_points > MAX_BAND_POINTS:
            return f"Bands cannot go above {MAX_BAND_POINTS:,} points"
        if not 0 <= band.annual_pence <= MAX_BUDGET_PENCE:
            return f"A band's budget must be {format_pence(MAX_BUDGET_PENCE)} or less"
    for before, after in pairwise(ordered):
        if after.min_points <= before.max_points:
            return (
                f"The bands {before.min_points}-{before.max_points} and "
                f"{after.min_points}-{after.max_points} overlap: a score can be in one band only"
            )
    return ""


def _question_errors(text: str, help_text: str, options: Sequence[OptionInput]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Enter the question"
    elif len(text.strip()) > QUESTION_LIMIT:
        errors["text"] = f"The question must be {QUESTION_LIMIT} characters or fewer"
    if len(help_text.strip()) > HELP_LIMIT:
        errors["help_text"] = f"The hint must be {HELP_LIMIT} characters or fewer"
    names = [option.text.strip().casefold() for option in options]
    if len(options) < 2:
        errors["options"] = "Enter at least two answers, one a line"
    elif any(not name for name in names):
        errors["options"] = "Every answer needs some text before the bar"
    elif any(len(option.text.strip()) > OPTION_LIMIT for option in options):
        errors["options"] = f"Each answer must be {OPTION_LIMIT} characters or fewer"
    elif any(not 0 <= option.points <= MAX_POINTS for option in options):
        errors["options"] = f"The points for an answer must be between 0 and {MAX_POINTS:,}"
    elif len(set(names)) != len(names):
        errors["options"] = "Two answers have the same text: make each answer different"
    return errors


def _options(options: Sequence[OptionInput]) -> list[RasOption]:
    return [
        RasOption(position=i, text=option.text.strip(), points=option.points)
        for i, option in enumerate(options)
    ]


def add_question(
    session: DbSession,
    officer: Any,
    *,
    text: str,
    help_text: str = "",
    options: Sequence[OptionInput],
) -> RasQuestion:
    """A new question at the end of the officer's council's questionnaire."""
    _officer_council(officer)
    errors = _question_errors(text, help_text, options)
    if errors:
        raise ValidationFailed(errors)
    table = _table_for_writing(session, officer)
    session.flush()
    last = session.scalar(
        select(func.max(RasQuestion.position)).where(RasQuestion.table_id == table.id)
    )
    question = RasQuestion(
        table_id=table.id,
        position=(last or 0) + 1,
        text=text.strip(),
        help_text=help_text.strip(),
        options=_options(options),
    )
    session.add(question)
    session.flush()
    record(session, officer, "create", "ras_question", question.id, None)
    session.commit()
    return question


def officer_question(session: DbSession, officer: Any, question_id: int) -> RasQuestion:
    """A question of the officer's own council; NotFound otherwise."""
    council_id = _officer_council(officer)
    question = session.get(RasQuestion, question_id)
    if question is None or question.table.council_id != council_id:
        raise NotFound(NOT_YOUR_COUNCIL)
    return question


def update_question(
    session: DbSession,
    officer: Any,
    question_id: int,
    *,
    text: str,
    help_text: str,
    options: Sequence[OptionInput],
) -> RasQuestion:
    """Change a question and replace its answers. Past assessments keep their own copy of the
    answers and points, so they stay as they were shown."""
    question = officer_question(session, officer, question_id)
    errors = _question_errors(text, help_text, options)
    if errors:
        raise ValidationFailed(errors)
    question.text = text.strip()
    question.help_text = help_text.strip()
    question.options = _options(options)
    question.table.updated_by_id = officer.id
    session.flush()
    record(session, officer, "update", "ras_question", question.id, None)
    session.commit()
    return question


def remove_question(session: DbSession, officer: Any, question_id: int) -> None:
    question = officer_question(session, officer, question_id)
    question.table.updated_by_id = officer.id
    session.delete(question)
    record(session, officer, "delete", "ras_question", question_id, None)
    session.commit()
