"""Domain exceptions, and the one place that maps them to HTTP answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain was broken; the message is for people."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidAmount(DomainError, ValueError):
    code = "invalid_amount"


class ValidationFailed(DomainError):
    """Several field errors at once: {field: message}."""

    code = "validation_failed"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class NamedRule(Protocol):
    """A broken rule as ``RuleBroken`` reports it (``packages.findings.Finding`` is one)."""

    @property
    def rule(self) -> str: ...
    @property
    def field(self) -> str | None: ...
    @property
    def message(self) -> str: ...


class RuleBroken(ValidationFailed):
    """Refused because named rules are broken (the package rules of ``packages.rules``). Pages
    show ``errors`` like any ValidationFailed; the API also lists ``rules``: each rule's stable
    code, the key of ``errors`` it refuses (``field``) and its message."""

    code = "rule_broken"

    def __init__(self, errors: dict[str, str], rules: Sequence[NamedRule]) -> None:
        super().__init__(errors)
        self.rules = list(rules)


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class InvalidTransition(DomainError):
    status_code = 409
    code = "invalid_transition"

    def __init__(
        self, current: str, wanted: str, what: str = "This", *, message: str | None = None
    ) -> None:
        super().__init__(message or f"{what} is {current} and cannot become {wanted}.")
        self.current = current
        self.wanted = wanted


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InsufficientBudget(DomainError):
    """A stream cannot take the money asked of it: "This would exceed the direct payment by
    £12.50". Nothing was written."""

    status_code = 409
    code = "insufficient_budget"


class TokenInvalid(DomainError):
    status_code = 400
    code = "invalid_link"


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def _error_response(
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    rules: Sequence[NamedRule] = (),
) -> Any:
    if _wants_json():
        body: dict[str, Any] = {"code": code, "message": message}
        if fields:
            body["fields"] = fields  # the API names each refused field
        if rules:  # … and each broken rule by its code
            body["rules"] = [
                {"rule": item.rule, "field": item.field, "message": item.message} for item in rules
            ]
        return jsonify({"error": body}), status
    return render_template("errors/error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Any:
        fields = error.errors if isinstance(error, ValidationFailed) else None
        if fields is None and error.field:
            fields = {error.field: error.message}
        rules = error.rules if isinstance(error, RuleBroken) else ()
        return _error_response(error.status_code, error.code, error.message, fields, rules)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        messages = {
            400: "The request could not be understood. Check what you entered and try again.",
            403: "You do not have permission to do that.",
            404: "Page not found. If you typed the web address, check it is correct.",
            405: "That action is not allowed here.",
            413: "What you sent is too large.",
            429: "Too many attempts. Wait a few minutes, then try again.",
        }
        message = messages.get(status, error.description or "Something went wrong.")
        if status == 400 and error.description and "CSRF" in error.description:
            message = "Your session expired or the form was out of date. Go back and try again."
        return _error_response(status, (error.name or "error").lower().replace(" ", "_"), message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:  # pragma: no cover - exercised only by bugs
        app.logger.exception("Unhandled error", exc_info=error)
        return _error_response(500, "internal", "Sorry, there is a problem with the service.")
