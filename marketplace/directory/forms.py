"""Forms of the public directory: the browse filters and 'Report a problem'."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length, Optional

from marketplace.directory.reports import EMAIL_MAX, REPORT_DETAILS_MAX, REPORT_REASONS
from marketplace.directory.vocab import CATEGORIES
from marketplace.forms import strip_text

BROWSE_KINDS = (
    ("offer", "Services and activities"),
    ("pa", "Personal assistants"),
    ("organisation", "Organisations"),
)


def _values(pairs: tuple[tuple[str, str], ...]) -> list[str]:
    return [value for value, _ in pairs]


def _choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _tidy_text(value: str | None) -> str | None:
    # Browsers send CRLF line ends; count each line end as one character, as the page does.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


class BrowseForm(FlaskForm):
    """The filters of the browse page: read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    kind = SelectField(
        "Show",
        choices=_choices(BROWSE_KINDS),
        default="offer",
        validate_choice=False,
        validators=[
            AnyOf(_values(BROWSE_KINDS), message="Choose what to show from the list"),
        ],
        widget=GovSelect(),
    )
    category = SelectField(
        "Category",
        description="Applies to services and activities",
        choices=_choices([("", "Any category"), *((c.slug, c.name) for c in CATEGORIES)]),
        default="",
        validate_choice=False,
        validators=[
            AnyOf(
                ["", *(c.slug for c in CATEGORIES)],
                message="We do not know that category. Choose a category from the list",
            )
        ],
        widget=GovSelect(),
    )
    council = SelectField(
        "Council area",
        choices=_choices([("", "Any area")]),
        default="",
        validate_choice=False,
        widget=GovSelect(),
    )

    def set_councils(self, councils: list[tuple[str, str]]) -> None:
        """Offer these (ONS code, name) councils, and accept only them."""
        self.council.choices = _choices([("", "Any area"), *councils])
        known = ["", *(code for code, _ in councils)]
        self.council.validators = [
            AnyOf(known, message="We do not know that council area. Choose one from the list")
        ]


class ReportForm(FlaskForm):
    reason = RadioField(
        "What is the problem?",
        choices=_choices(REPORT_REASONS),
        validate_choice=False,
        validators=[
            InputRequired(message="Select what the problem is"),
            AnyOf(_values(REPORT_REASONS), message="Select what the problem is"),
        ],
        widget=GovRadioInput(),
    )
    details = TextAreaField(
        "Tell us more",
        description="What is wrong, and what should it say instead? Do not include anyone's "
        "medical or financial details.",
        filters=[_tidy_text],
        validators=[
            DataRequired(message="Enter details of the problem"),
            Length(
                max=REPORT_DETAILS_MAX,
                message=f"Details must be {REPORT_DETAILS_MAX:,} characters or fewer",
            ),
        ],
        widget=GovCharacterCount(),
    )
    email = StringField(
        "Your email address (optional)",
        description="Only if you would like a moderator to be able to reply to you.",
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=EMAIL_MAX, message=f"Email address must be {EMAIL_MAX} characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
        ],
        widget=GovTextInput(),
    )
