"""Helpers every feature's forms share."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.validators import Length

from marketplace.errors import DomainError, ValidationFailed


def strip_text(value: Any) -> Any:
    """A field filter: surrounding spaces removed from text (other values as they are)."""
    return value.strip() if isinstance(value, str) else value


def max_length(limit: int, label: str) -> Length:
    """A length validator whose message names the field: "The title must be 120 characters or
    fewer"."""
    return Length(max=limit, message=f"{label} must be {limit:,} characters or fewer")


def select_field(
    label: str, choices: list[tuple[str, str]] | None = None, **kwargs: Any
) -> SelectField:
    """A GOV.UK select whose choices are the service's to check (with a message that names the
    field), not WTForms'."""
    return SelectField(
        label, choices=choices or [], validate_choice=False, widget=GovSelect(), **kwargs
    )


def add_errors(form: FlaskForm, error: DomainError) -> None:
    """Attach a service's error(s) to the form fields they name (or the first field)."""
    errors = (
        error.errors if isinstance(error, ValidationFailed) else {error.field or "": error.message}
    )
    for name, message in errors.items():
        field = getattr(form, name, None) if name else None
        if field is None:
            # Not tied to one field: show it against the first visible field.
            field = next(
                f for f in form if f.type not in {"CSRFTokenField", "HiddenField", "SubmitField"}
            )
        field.errors = [*list(field.errors or []), message]


def check_button_post() -> None:
    """A button-only POST (an ``ActionForm``) must carry a valid CSRF token, else 400."""
    if not ActionForm().validate_on_submit():
        abort(400)


def keep_on_form(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal on the form; someone else's object (403/404) is raised again,
    so the page answers 404 rather than a form that hints the object exists."""
    if error.status_code in (403, 404):
        raise error
    add_errors(form, error)


def render_invalid(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """Re-show a form whose data was refused: GOV.UK error summary, status 400, nothing saved."""
    return render_template(template, form=form, **context), 400


class ActionForm(FlaskForm):
    """A form that is only a button (sign out, approve a claim …): it carries the CSRF token."""

    submit = SubmitField("Continue", widget=GovSubmitInput())
