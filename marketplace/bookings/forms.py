"""The booking form. Field names match ``BookingInput``'s (the service's error keys), so each
refusal lands on the field that fixes it. The form parses times, dates and amounts; every rule
is the service's."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import StopValidation

from marketplace.bookings.models import Booking
from marketplace.bookings.presenting import KINDS
from marketplace.bookings.services import Amendment, BookingInput
from marketplace.clock import today
from marketplace.directory import vocab as directory_vocab
from marketplace.forms import select_field
from marketplace.listings.fields import (
    GovDateField,
    MultiCheckboxField,
    PoundsField,
    _TextParsedField,
)
from marketplace.plans.forms import QuantityField
from marketplace.quotes.presenting import parse_id

TIME_WANTED = "Enter the start time as hours and minutes, like 09:30 or 14:00"


class TimeField(_TextParsedField):
    """'9:30', '09:30' or '14.00' -> a time of day (24-hour clock)."""

    def _parse(self, text: str) -> time:
        found = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text, re.ASCII)
        if found is None or int(found[1]) > 23 or int(found[2]) > 59:
            raise ValueError(TIME_WANTED)
        return time(int(found[1]), int(found[2]))

    def _format(self, value: Any) -> str:
        return f"{value:%H:%M}"


class BookingForm(FlaskForm):
    kind = RadioField(
        "How often",
        choices=list(KINDS),
        validate_choice=False,  # the service says when it is neither
        widget=GovRadioInput(),
    )
    days = MultiCheckboxField("Days of the week", choices=list(directory_vocab.DAYS))
    start_time = TimeField("Start time")
    start_on = GovDateField("First date")
    end_on = GovDateField("End date")
    quantity_hundredths = QuantityField("How much each session")
    stream_id = select_field("Paid from")
    submit = SubmitField("Book", widget=GovSubmitInput())

    # The service's keys that the form does not show as fields: said where they are fixed.
    ALIASES = {"quote_id": "kind", "offer_id": "kind", "holder_id": "stream_id"}

    @classmethod
    def from_input(cls, data: BookingInput) -> BookingForm:
        """A blank form showing ``data`` (its starting values)."""
        return cls(
            formdata=None,
            data={
                "kind": data.kind,
                "days": list(data.days),
                "start_time": data.start_time,
                "start_on": data.start_on,
                "end_on": data.end_on,
                "quantity_hundredths": data.quantity_hundredths,
                "stream_id": str(data.stream_id or ""),
            },
        )

    def to_input(self, **source: Any) -> BookingInput:
        """What the form says, for the quote or offer (and holder) in ``source``."""
        return BookingInput(
            **source,
            stream_id=parse_id(self.stream_id.data),
            kind=self.kind.data or "",
            days=list(self.days.data or []),
            start_time=self.start_time.data,
            start_on=self.start_on.data,
            end_on=self.end_on.data,
            quantity_hundredths=self.quantity_hundredths.data,
        )


class AmendForm(FlaskForm):
    """A change to the sessions still to come: how much each holds, the price per unit, and the
    day it starts. Field names are ``Amendment``'s."""

    quantity_hundredths = QuantityField("How much each session")
    unit_price_pence = PoundsField("Price")
    from_day = GovDateField(
        "Date of the change", required="Enter the date of the first session it applies to"
    )
    submit = SubmitField("Change the booking", widget=GovSubmitInput())

    # Left empty, each is asked for (an empty box is not "keep it as it is").
    def validate_quantity_hundredths(self, field: Any) -> None:
        if field.data is None and not field.errors:
            raise StopValidation("Enter how much each session holds, like 2 or 1.5")

    def validate_unit_price_pence(self, field: Any) -> None:
        if field.data is None and not field.errors:
            raise StopValidation("Enter the price in pounds, like 21.50")

    @classmethod
    def for_booking(cls, booking: Booking) -> AmendForm:
        """Showing the booking as it is, from today."""
        return cls(
            formdata=None,
            data={
                "quantity_hundredths": booking.quantity_hundredths,
                "unit_price_pence": booking.unit_price_pence,
                "from_day": today(),
            },
        )

    def to_amendment(self) -> Amendment:
        return Amendment(
            quantity_hundredths=self.quantity_hundredths.data,
            unit_price_pence=self.unit_price_pence.data,
            from_day=self.from_day.data,
        )
