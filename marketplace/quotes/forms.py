"""Forms of the quote pages. Field names match the services' error keys (``RequestInput``'s
fields, ``OfferTerms``' as the answers service names them, "counter_price_pence", "note",
"reason"), so a refusal lands on the field to change.

The forms parse (pounds, percentages, hours, dates) and check lengths; every rule is the
services'.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from marketplace.directory import vocab as directory_vocab
from marketplace.errors import DomainError, ValidationFailed
from marketplace.forms import add_errors, max_length, select_field
from marketplace.listings.fields import (
    GovDateField,
    MultiCheckboxField,
    PercentField,
    PoundsField,
    WholeNumberField,
)
from marketplace.plans import vocab as plan_vocab
from marketplace.plans.forms import QuantityField
from marketplace.quotes.answers import NOTE_LIMIT, OfferTerms
from marketplace.quotes.presenting import NEW_LINE, RequestChoices, parse_id, parse_recipient
from marketplace.quotes.requests import (
    DESCRIPTION_LIMIT,
    DETAILS_LIMIT,
    NO_RECIPIENTS,
    RequestInput,
)


def _note_field() -> TextAreaField:
    """A note to the other side, beside a quote or a counter-offer."""
    return TextAreaField(
        "A note for them (optional)",
        widget=GovTextArea(),
        validators=[max_length(NOTE_LIMIT, "The note")],
    )


def show_refusal(form: FlaskForm, error: DomainError, aliases: dict[str, str]) -> None:
    """Show a service's refusal on the form, each message at the field that fixes it
    (``aliases`` renames the service's keys the form shows elsewhere). Someone else's object
    (403, 404) is raised again, so the page answers that rather than a form."""
    if error.status_code in (403, 404):
        raise error
    if isinstance(error, ValidationFailed):
        renamed: dict[str, str] = {}
        for name, message in error.errors.items():
            key = aliases.get(name, name)
            renamed[key] = f"{renamed[key]}. {message}" if key in renamed else message
        error = ValidationFailed(renamed)
    add_errors(form, error)


# --- asking for quotes --------------------------------------------------------------------------


class RequestForm(FlaskForm):
    holder_id = HiddenField()
    need_id = HiddenField()
    recipients = MultiCheckboxField("Who to ask", choices=[])
    description = StringField(
        "What is needed",
        widget=GovTextInput(),
        validators=[max_length(DESCRIPTION_LIMIT, "What is needed")],
    )
    details = TextAreaField(
        "Details (optional)",
        widget=GovTextArea(),
        validators=[max_length(DETAILS_LIMIT, "The details")],
    )
    quantity_hundredths = QuantityField("How many")
    unit = select_field("Of what", list(plan_vocab.LINE_UNITS))
    frequency = select_field("How often", list(plan_vocab.FREQUENCIES))
    days = MultiCheckboxField("Days", choices=list(directory_vocab.DAYS))
    time_bands = MultiCheckboxField("Times of day", choices=list(directory_vocab.TIME_BANDS))
    start_on = GovDateField("Start date")
    end_on = GovDateField("End date (optional)")
    postcode = StringField(
        "Postcode where support is needed",
        widget=GovTextInput(),
        validators=[max_length(10, "The postcode")],
    )
    line_id = RadioField(
        "Which line of the plan is it for?",
        choices=[],
        validate_choice=False,  # the service says when the line is not one of the plan's
        widget=GovRadioInput(),
    )
    stream_id = select_field("Paid from")
    submit = SubmitField("Send the request", widget=GovSubmitInput())

    # Keys of the service that the form does not show as fields.
    ALIASES = {"holder_id": "recipients", "need_id": "description"}

    @classmethod
    def from_input(cls, data: RequestInput) -> RequestForm:
        """A blank form showing ``data`` (what the page was started from)."""
        chosen = [f"offer:{i}" for i in data.offer_ids] + [f"pa:{i}" for i in data.pa_profile_ids]
        return cls(
            formdata=None,
            data={
                "holder_id": str(data.holder_id or ""),
                "need_id": str(data.need_id or ""),
                "recipients": chosen,
                "description": data.description,
                "details": data.details,
                "quantity_hundredths": data.quantity_hundredths,
                "unit": data.unit,
                "frequency": data.frequency,
                "days": list(data.days),
                "time_bands": list(data.time_bands),
                "start_on": data.start_on,
                "end_on": data.end_on,
                "postcode": data.postcode,
                "line_id": str(data.line_id) if data.line_id else NEW_LINE,
                "stream_id": str(data.stream_id or ""),
            },
        )

    def set_choices(self, choices: RequestChoices) -> None:
        self.recipients.choices = list(choices.recipients)
        self.line_id.choices = [
            *((str(line.id), line.description) for line in choices.lines),
            (NEW_LINE, "A new line in the plan"),
        ]
        self.stream_id.choices = [
            ("", "Not decided yet"),
            *((str(s.id), s.name) for s in choices.streams),
        ]

    def listings(self) -> tuple[list[int], list[int]]:
        """(offer ids, PA profile ids) of the recipients posted, in the order posted."""
        offers: list[int] = []
        pas: list[int] = []
        for value in self.recipients.data or []:
            parsed = parse_recipient(value)
            if parsed is not None:
                (offers if parsed[0] == "offer" else pas).append(parsed[1])
        return offers, pas

    def holder(self) -> int | None:
        return parse_id(self.holder_id.data)

    def to_input(self, has_plan: bool) -> RequestInput:
        offers, pas = self.listings()
        line = self.line_id.data or NEW_LINE
        return RequestInput(
            holder_id=self.holder(),
            offer_ids=offers,
            pa_profile_ids=pas,
            description=self.description.data or "",
            details=self.details.data or "",
            frequency=self.frequency.data or "",
            quantity_hundredths=self.quantity_hundredths.data,
            unit=self.unit.data or "",
            days=list(self.days.data or []),
            time_bands=list(self.time_bands.data or []),
            start_on=self.start_on.data,
            end_on=self.end_on.data,
            postcode=self.postcode.data or "",
            line_id=parse_id(line) if has_plan and line != NEW_LINE else None,
            stream_id=parse_id(self.stream_id.data),
            need_id=parse_id(self.need_id.data),
        )

    def validate_recipients(self, field: Any) -> None:
        # Said with the other fields' errors, not only once they are right.
        if self.listings() == ([], []):
            raise ValidationError(NO_RECIPIENTS)

    def validate_line_id(self, field: Any) -> None:
        value = field.data or NEW_LINE
        if value != NEW_LINE and parse_id(value) is None:
            raise ValidationError("Choose a line of the plan, or a new line")

    def validate_stream_id(self, field: Any) -> None:
        if field.data and parse_id(field.data) is None:
            raise ValidationError("Choose a budget stream from the list")


# --- answering ----------------------------------------------------------------------------------


class OfferForm(FlaskForm):
    """The provider's quote: price per unit, its breakdown, start date and terms."""

    unit_price_pence = PoundsField("Price")
    direct_bp = PercentField("Direct support")
    coordination_bp = PercentField("Coordination")
    overheads_bp = PercentField("Overheads")
    start_on = GovDateField("Date you could start")
    notice_hours = WholeNumberField(
        "Notice of a cancellation", message="Enter the notice in whole hours, like 48"
    )
    late_cancel_bp = PercentField("Charge for a late cancellation")
    note = _note_field()
    submit = SubmitField("Send the quote", widget=GovSubmitInput())

    # The breakdown is refused as a whole: shown at its first share.
    ALIASES = {"breakdown": "direct_bp"}

    @classmethod
    def from_terms(cls, terms: OfferTerms) -> OfferForm:
        return cls(
            formdata=None,
            data={
                "unit_price_pence": terms.unit_price_pence,
                "direct_bp": terms.direct_bp,
                "coordination_bp": terms.coordination_bp,
                "overheads_bp": terms.overheads_bp,
                "start_on": terms.start_on,
                "notice_hours": terms.notice_hours,
                "late_cancel_bp": terms.late_cancel_bp,
                "note": terms.note,
            },
        )

    def to_terms(self) -> OfferTerms:
        return OfferTerms(
            unit_price_pence=self.unit_price_pence.data,
            direct_bp=self.direct_bp.data,
            coordination_bp=self.coordination_bp.data,
            overheads_bp=self.overheads_bp.data,
            start_on=self.start_on.data,
            notice_hours=self.notice_hours.data,
            late_cancel_bp=self.late_cancel_bp.data,
            note=self.note.data or "",
        )


class CounterForm(FlaskForm):
    counter_price_pence = PoundsField("The price you offer")
    note = _note_field()
    submit = SubmitField("Send the counter-offer", widget=GovSubmitInput())

    ALIASES: dict[str, str] = {}


class ReasonForm(FlaskForm):
    """Declining or withdrawing: the reason (the provider must give one to decline)."""

    reason = TextAreaField(
        "Why", widget=GovTextArea(), validators=[max_length(NOTE_LIMIT, "The reason")]
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    ALIASES: dict[str, str] = {}


class AcceptForm(FlaskForm):
    """The button that accepts a quote (it carries the CSRF token)."""

    submit = SubmitField("Accept the quote", widget=GovSubmitInput())
