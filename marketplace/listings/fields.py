"""Form fields that parse what people type into the values the services take.

Parsing errors become field errors with GOV.UK-style messages; range and domain rules are the
services' job (see ``listings.rules``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovDateInput, GovTextInput
from wtforms import Field, SelectMultipleField
from wtforms.validators import StopValidation, ValidationError

from marketplace.clock import today
from marketplace.errors import InvalidAmount
from marketplace.money import parse_percent, parse_pounds, pence_to_input


class _TextParsedField(Field):
    """A text input whose data is a parsed value, or None when left empty."""

    widget = GovTextInput()

    def _parse(self, text: str) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _format(self, value: Any) -> str:
        return str(value)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self._format(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        self.data = None
        self.data = self._parse(text)


class PoundsField(_TextParsedField):
    """'£1,234.50' -> 123450 pence. Any size is parsed; the service checks the limits."""

    def _parse(self, text: str) -> int:
        try:
            # The service refuses amounts over the limit with its own message; parse generously
            # so the person sees that message rather than a parsing one.
            return parse_pounds(text, maximum=10**12)
        except InvalidAmount as error:
            raise ValueError(error.message) from error

    def _format(self, value: Any) -> str:
        return pence_to_input(value)


class PercentField(_TextParsedField):
    """'13.5' -> 1350 basis points."""

    def _parse(self, text: str) -> int:
        try:
            return parse_percent(text)
        except InvalidAmount as error:
            raise ValueError(error.message) from error

    def _format(self, value: Any) -> str:
        whole, rest = divmod(int(value), 100)
        return str(whole) if rest == 0 else f"{whole}.{rest:02d}".rstrip("0")


class WholeNumberField(_TextParsedField):
    def __init__(self, *args: Any, message: str = "Enter a whole number, like 12", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.message = message

    def _parse(self, text: str) -> int:
        if not text.isdigit() or len(text) > 9:
            raise ValueError(self.message)
        return int(text)


class MultiCheckboxField(SelectMultipleField):
    widget = GovCheckboxesInput()

    def pre_validate(self, form: Any) -> None:
        known = {str(value) for value, *_ in self.choices or []}
        if any(value not in known for value in self.data or []):
            raise ValidationError(f"Select {self.label.text.lower()} from the list")


PAST_EXAMPLE = "27 3 2024"


def example_date(day: date) -> str:
    """How a date is typed into the three boxes: '1 4 2026'."""
    return f"{day.day} {day.month} {day.year}"


class GovDateField(Field):
    """Day, month and year as three inputs with the same name (GovDateInput)."""

    widget = GovDateInput()

    def __init__(
        self, *args: Any, required: str | None = None, past: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.required_message = required
        self.past = past  # a date already gone (an inspection): its example is in the past

    def example(self) -> str:
        """A date to show in messages, typed as the boxes take it: one a fortnight ahead (most
        dates here are starts), or a fixed past one for dates already gone."""
        return PAST_EXAMPLE if self.past else example_date(today() + timedelta(days=14))

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(v).strip() for v in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts  # the widget always wants day, month and year
        self.data = None
        if not any(parts):
            return
        name = self.label.text[0].lower() + self.label.text[1:]
        missing = [
            what for what, part in zip(("day", "month", "year"), parts, strict=True) if not part
        ]
        if missing:
            raise ValueError(f"The {name} must include a {' and a '.join(missing)}")
        if not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
            raise ValueError(f"The {name} must be a real date, like {self.example()}")
        try:
            self.data = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError as error:
            raise ValueError(f"The {name} must be a real date, like {self.example()}") from error

    def pre_validate(self, form: Any) -> None:
        if self.required_message and self.data is None and not self.errors:
            raise StopValidation(self.required_message)
