"""Forms of the plan pages. Field names match the services' error keys.

Forms that share the plan page carry a prefix ("outcome-code", "reject-reason" …) so that their
fields' ids, and the error summary's links to them, never collide. The forms parse; every rule is
the service's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from marketplace.budgets.models import BudgetStream
from marketplace.errors import InvalidAmount
from marketplace.forms import max_length, select_field
from marketplace.listings.fields import (
    GovDateField,
    MultiCheckboxField,
    PoundsField,
    WholeNumberField,
    _TextParsedField,
)
from marketplace.money import format_quantity, parse_quantity
from marketplace.plans import vocab
from marketplace.plans.common import outcome_title, year_label
from marketplace.plans.lines import LineInput
from marketplace.plans.models import PlanLine, SupportPlan
from marketplace.plans.workflow import REASON_LIMIT


class QuantityField(_TextParsedField):
    """'6' or '1.5' -> hundredths (600, 150)."""

    def _parse(self, text: str) -> int:
        try:
            return parse_quantity(text)
        except InvalidAmount as error:
            raise ValueError(error.message) from error

    def _format(self, value: Any) -> str:
        return format_quantity(int(value))


class StartPlanForm(FlaskForm):
    year = select_field("Plan year", [])
    submit = SubmitField("Start a support plan", widget=GovSubmitInput())

    def set_years(self, years: list[date], default: date) -> None:
        """Offer ``years`` (this plan year and the next: never one that has ended)."""
        self.year.choices = [(y.isoformat(), year_label(y)) for y in years]
        if not self.is_submitted():
            self.year.data = default.isoformat()

    def year_start(self) -> date | None:
        try:
            return date.fromisoformat(self.year.data or "")
        except ValueError:
            return None


class WhatMattersForm(FlaskForm):
    what_matters = TextAreaField(
        "What matters to you",
        widget=GovTextArea(),
        validators=[max_length(5000, "What matters")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class OutcomeForm(FlaskForm):
    code = select_field("Outcome", [("", "Select an outcome"), *vocab.OUTCOMES])
    text = StringField(
        "In your own words (optional)",
        widget=GovTextInput(),
        validators=[max_length(300, "The description")],
    )
    how_met = TextAreaField(
        "How it will be met", widget=GovTextArea(), validators=[max_length(5000, "How it is met")]
    )
    submit = SubmitField("Add outcome", widget=GovSubmitInput())


SIMPLE_LINE_KINDS = tuple((k, v) for k, v in vocab.LINE_KINDS if k in {"text", "unpaid"})


class LineForm(FlaskForm):
    kind = RadioField(
        "What kind of support is it?",
        choices=list(SIMPLE_LINE_KINDS),
        validate_choice=False,
        widget=GovRadioInput(),
    )
    description = StringField(
        "What is it?", widget=GovTextInput(), validators=[max_length(300, "The description")]
    )
    provider_name = StringField(
        "Who provides it? (optional)",
        widget=GovTextInput(),
        validators=[max_length(160, "Who provides it")],
    )
    quantity_hundredths = QuantityField("How many")
    unit = select_field("Of what", list(vocab.LINE_UNITS))
    frequency = select_field("How often", list(vocab.FREQUENCIES))
    unit_price_pence = PoundsField("Price for each, in pounds")
    stream_id = select_field("Paid from", [])
    outcome_ids = MultiCheckboxField("Outcomes it serves", choices=[])
    start_on = GovDateField("Start date (optional)")
    end_on = GovDateField("End date (optional)")
    submit = SubmitField("Add line", widget=GovSubmitInput())

    def set_choices(self, plan: SupportPlan, streams: list[BudgetStream]) -> None:
        self.stream_id.choices = [("", "Not decided yet"), *((str(s.id), s.name) for s in streams)]
        self.outcome_ids.choices = [(str(o.id), outcome_title(o)) for o in plan.outcomes]

    def fill(self, line: PlanLine) -> None:
        self.kind.data = line.kind
        self.description.data = line.description
        self.provider_name.data = line.provider_name
        self.quantity_hundredths.data = line.quantity_hundredths
        self.unit.data = line.unit
        self.frequency.data = line.frequency
        self.unit_price_pence.data = line.unit_price_pence if line.kind != "unpaid" else None
        self.stream_id.data = str(line.stream_id) if line.stream_id else ""
        self.outcome_ids.data = [str(o.id) for o in line.outcomes]
        self.start_on.data = line.start_on
        self.end_on.data = line.end_on

    def to_input(self, line: PlanLine | None = None) -> LineInput:
        """The service input; an edited directory or PA line keeps what this form does not show."""
        stream = self.stream_id.data or ""
        return LineInput(
            kind=self.kind.data or "",
            description=(self.description.data or "").strip(),
            provider_name=(self.provider_name.data or "").strip(),
            frequency=self.frequency.data or "",
            quantity_hundredths=self.quantity_hundredths.data,
            unit=self.unit.data or "",
            unit_price_pence=self.unit_price_pence.data,
            stream_id=int(stream) if stream.isdigit() else None,
            outcome_ids=[int(i) for i in self.outcome_ids.data or [] if str(i).isdigit()],
            start_on=self.start_on.data,
            end_on=self.end_on.data,
            offer_id=line.offer_id if line else None,
            pa_profile_id=line.pa_profile_id if line else None,
            days=list(line.days) if line else [],
            time_bands=list(line.time_bands) if line else [],
        )


_REASON_LENGTH = max_length(REASON_LIMIT, "The reason")


class ApproveForm(FlaskForm):
    review_months = WholeNumberField(
        "Review the plan in how many months?",
        message="Enter the number of months as a whole number, like 12",
    )
    reason = TextAreaField(
        "Notes for the person (optional)", widget=GovTextArea(), validators=[_REASON_LENGTH]
    )
    submit = SubmitField("Approve plan", widget=GovSubmitInput())


class RejectForm(FlaskForm):
    reason = TextAreaField(
        "Reason for not approving",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the reason for not approving"), _REASON_LENGTH],
    )
    submit = SubmitField("Reject plan", widget=GovSubmitInput())


class ReferForm(FlaskForm):
    reason = TextAreaField(
        "Reason for referring to a panel",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the reason for referring to a panel"), _REASON_LENGTH],
    )
    submit = SubmitField("Refer to panel", widget=GovSubmitInput())


# The prefix each form of the plan page posts under.
PREFIXES = {
    "matters_form": "matters",
    "outcome_form": "outcome",
    "line_form": "line",
    "approve_form": "approve",
    "reject_form": "reject",
    "refer_form": "refer",
}
