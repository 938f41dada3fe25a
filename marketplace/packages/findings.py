"""What the package checks find: one ``Finding`` per broken (or noteworthy) rule, and the
figures of each budget stream, ready for a page or the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from marketplace import money
from marketplace.plans.costing import PlanCosts, StreamCost

Severity = Literal["error", "warning", "info"]

# A stream asking for this share (in basis points) of what it has left, or more, is "near".
NEAR_LIMIT_BP = 9000


@dataclass(frozen=True)
class Finding:
    """One rule's verdict. ``rule`` is a stable code (see ``rules.RULES``); ``message`` is a
    sentence a person understands, naming the rule. At most one of ``line_id``, ``stream_id``,
    ``outcome_id`` says what it is about (none: the whole plan). ``field`` names the line form's
    field to change, for refusals of a line being added or changed."""

    rule: str
    severity: Severity
    message: str
    line_id: int | None = None
    stream_id: int | None = None
    outcome_id: int | None = None
    field: str | None = None

    @property
    def anchor(self) -> str:
        """Where on the plan page it is fixed: "line-<id>", "stream-<id>", "outcome-<id>"."""
        if self.line_id is not None:
            return f"line-{self.line_id}"
        if self.stream_id is not None:
            return f"stream-{self.stream_id}"
        if self.outcome_id is not None:
            return f"outcome-{self.outcome_id}"
        return "outcomes"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "line_id": self.line_id,
            "stream_id": self.stream_id,
            "outcome_id": self.outcome_id,
        }


@dataclass(frozen=True)
class StreamFigures:
    """One stream's cost (from ``plans.costing``) beside what it has left, per week and year."""

    item: StreamCost

    @property
    def stream_id(self) -> int:
        return self.item.stream.id

    @property
    def annual_pence(self) -> int:
        return self.item.cost.annual_pence

    @property
    def weekly_pence(self) -> int:
        return self.item.cost.weekly_pence

    @property
    def available_annual_pence(self) -> int:
        return self.item.available_pence

    @property
    def available_weekly_pence(self) -> int:
        return money.annual_to_weekly(max(0, self.item.available_pence))[0]

    @property
    def used_bp(self) -> int | None:
        """The share of what is left that the lines ask for, in basis points (rounded down);
        None when nothing is left."""
        if self.available_annual_pence <= 0:
            return None
        return self.annual_pence * 10000 // self.available_annual_pence

    @property
    def state(self) -> str:
        """ "over" (asks for more than is left), "near" (90% or more) or "ok"."""
        if self.item.over_pence:
            return "over"
        if self.annual_pence and self.annual_pence * 10000 >= NEAR_LIMIT_BP * (
            self.available_annual_pence
        ):
            return "near"
        return "ok"

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.item.as_dict(),
            "available_annual_pence": self.available_annual_pence,
            "available_weekly_pence": self.available_weekly_pence,
            "used_bp": self.used_bp,
            "state": self.state,
        }


@dataclass(frozen=True)
class PackageChecks:
    findings: list[Finding] = field(default_factory=list)
    streams: list[StreamFigures] = field(default_factory=list)
    costs: PlanCosts | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "info"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def for_line(self, line_id: int) -> list[Finding]:
        return [f for f in self.findings if f.line_id == line_id]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "findings": [f.as_dict() for f in self.findings],
            "streams": [s.as_dict() for s in self.streams],
            "costs": self.costs.as_dict() if self.costs is not None else None,
        }
