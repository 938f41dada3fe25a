"""Reading what API callers send: a JSON object's fields, and query parameters.

Only the shape is checked here (types, required fields, enums, sane ranges); the rules of the
domain (a split that adds up, who may decide) stay in the services, which raise ValidationFailed
before anything is written. Every problem is collected and answered at once as a 400 naming
each field: ``{"error": {"code": "invalid_request", "message": …, "fields": {name: message}}}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask import abort, request

from marketplace.budgets.vocab import MAX_BUDGET_PENCE
from marketplace.errors import ValidationFailed
from marketplace.extensions import MAX_ID
from marketplace.money import format_pence

MAX_BODY_BYTES = 64 * 1024
# A bound on any text field, above every limit the services set (whose messages then apply).
MAX_TEXT = 20_000


class InvalidRequest(ValidationFailed):
    """The request's fields were refused before any service was called."""

    code = "invalid_request"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.message = "; ".join(f"{name}: {message}" for name, message in errors.items())


def json_object(*, optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object. ``optional``: an empty body reads as ``{}``."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        abort(413)
    raw = request.get_data(cache=True)
    if optional and not raw.strip():
        return {}
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict):
        raise InvalidRequest(
            {"body": "Send a JSON object, with the header Content-Type: application/json"}
        )
    return data


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Fields:
    """One JSON object's fields; each reader records a message instead of raising, so that the
    caller hears about every problem at once (``done()`` raises them)."""

    def __init__(
        self,
        data: Mapping[str, Any],
        allowed: Iterable[str],
        *,
        prefix: str = "",
        errors: dict[str, str] | None = None,
    ) -> None:
        self.data = data
        self.prefix = prefix
        self.errors: dict[str, str] = {} if errors is None else errors
        for name in data:
            if name not in allowed:
                self.fail(str(name), "This field is not recognised")

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(self.prefix + name, message)

    def present(self, name: str) -> bool:
        return name in self.data and self.data[name] is not None

    def _missing(self, name: str, required: bool) -> bool:
        if self.present(name):
            return False
        if required:
            self.fail(name, "This field is required")
        return True

    def integer(
        self, name: str, *, required: bool = True, minimum: int = 1, maximum: int = MAX_ID
    ) -> int | None:
        if self._missing(name, required):
            return None
        value = self.data[name]
        if not _is_int(value):
            self.fail(name, "Enter a whole number")
            return None
        if not minimum <= value <= maximum:
            self.fail(name, f"Enter a whole number from {minimum} to {maximum}")
            return None
        return int(value)

    def pence(
        self, name: str, *, required: bool = True, default: int = 0, maximum: int = MAX_BUDGET_PENCE
    ) -> int:
        """An amount of money: a whole number of pence, not negative, at most £10m a year."""
        if self._missing(name, required):
            return default
        value = self.data[name]
        if not _is_int(value):
            self.fail(name, "Enter the amount as a whole number of pence, like 18050 for £180.50")
            return default
        if value < 0:
            self.fail(name, "The amount cannot be negative")
            return default
        if value > maximum:
            self.fail(name, f"The amount must be {format_pence(maximum)} or less")
            return default
        return int(value)

    def text(
        self, name: str, *, required: bool = False, default: str = "", max_length: int = MAX_TEXT
    ) -> str:
        if self._missing(name, required):
            return default
        value = self.data[name]
        if not isinstance(value, str):
            self.fail(name, "Enter text (a JSON string)")
            return default
        if len(value) > max_length:
            self.fail(name, f"Enter {max_length} characters or fewer")
            return default
        return value.strip()

    def choice(self, name: str, choices: Iterable[str], *, required: bool = True) -> str:
        allowed = list(choices)
        if self._missing(name, required):
            return ""
        value = self.data[name]
        if value not in allowed:
            self.fail(name, "Choose one of: " + ", ".join(allowed))
            return ""
        return str(value)

    def boolean(self, name: str, *, default: bool = False) -> bool:
        if not self.present(name):
            return default
        value = self.data[name]
        if not isinstance(value, bool):
            self.fail(name, "Enter true or false")
            return default
        return value

    def date(self, name: str, *, required: bool = True) -> date | None:
        if self._missing(name, required):
            return None
        value = self.data[name]
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            self.fail(name, "Enter a date as YYYY-MM-DD, like 2026-04-01")
            return None

    def ids(self, name: str, *, most: int = 50) -> list[int]:
        """A list of record ids (an absent field reads as none)."""
        if not self.present(name):
            return []
        value = self.data[name]
        if not isinstance(value, list) or not all(
            _is_int(item) and 1 <= item <= MAX_ID for item in value
        ):
            self.fail(name, "Send a list of ids (whole numbers)")
            return []
        if len(value) > most:
            self.fail(name, f"Send {most} items or fewer")
            return []
        return [int(item) for item in value]

    def choices(self, name: str, choices: Iterable[str]) -> list[str]:
        """A list of values from ``choices`` (an absent field reads as none)."""
        allowed = list(choices)
        if not self.present(name):
            return []
        value = self.data[name]
        if not isinstance(value, list) or not all(item in allowed for item in value):
            self.fail(name, "Send a list of: " + ", ".join(allowed))
            return []
        return [str(item) for item in value]

    def objects(self, name: str, *, required: bool = True, most: int = 20) -> list[_Nested]:
        """A list of JSON objects, each read with the same error collection."""
        if self._missing(name, required):
            return []
        value = self.data[name]
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(name, "Send a list of JSON objects")
            return []
        if len(value) > most:
            self.fail(name, f"Send {most} items or fewer")
            return []
        return [
            _Nested(item, prefix=f"{self.prefix}{name}[{index}].", errors=self.errors)
            for index, item in enumerate(value)
        ]

    def done(self) -> None:
        if self.errors:
            raise InvalidRequest(self.errors)


class _Nested(Fields):
    """An item of a list: its allowed fields are checked by whoever reads it (``allow``)."""

    def __init__(self, data: Mapping[str, Any], *, prefix: str, errors: dict[str, str]) -> None:
        super().__init__(data, data.keys(), prefix=prefix, errors=errors)

    def allow(self, allowed: Iterable[str]) -> None:
        names = set(allowed)
        for name in self.data:
            if name not in names:
                self.fail(str(name), "This field is not recognised")


def query_fields(allowed: Iterable[str]) -> Fields:
    """Query parameters read like JSON fields; numbers arrive as text and are converted here."""
    data: dict[str, Any] = {}
    for name, value in request.args.items():
        data[name] = (
            int(value) if value.isascii() and value.isdigit() and len(value) < 12 else value
        )
    # Unknown query parameters are ignored (links may carry extra ones), as search does.
    names = set(allowed)
    return Fields({k: v for k, v in data.items() if k in names}, names)
