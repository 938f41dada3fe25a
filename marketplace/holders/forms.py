"""Forms of a holder's record and links. Field names match the services' error keys.

The forms check lengths and email format; vocabularies and every other rule are the services'.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, EmailField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length

from marketplace.directory import vocab
from marketplace.forms import strip_text
from marketplace.holders import vocab as holder_vocab
from marketplace.holders.services import OTHER_PREFERENCES_LIMIT
from marketplace.listings.fields import MultiCheckboxField


def _email_field(label: str, whose: str) -> EmailField:
    return EmailField(
        label,
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            InputRequired(f"Enter the {whose}'s email address"),
            Length(max=254, message="The email address must be 254 characters or fewer"),
            Email("Enter an email address in the correct format, like name@example.com"),
        ],
    )


class RequirementsForm(FlaskForm):
    postcode = StringField(
        "Postcode",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[Length(max=10, message="The postcode must be 10 characters or fewer")],
    )
    required_checks = MultiCheckboxField(
        "Checks you need personal assistants to have", choices=list(vocab.CHECK_KINDS)
    )
    preferred_gender = RadioField(
        "Would you prefer a personal assistant of a particular gender?",
        choices=list(holder_vocab.PREFERRED_GENDERS),
        validate_choice=False,  # the service says what is wrong, in words
        widget=GovRadioInput(),
        default="",
    )
    languages = MultiCheckboxField("Languages they should speak", choices=list(vocab.LANGUAGES))
    needs_driver = BooleanField("They need to be able to drive", widget=GovCheckboxInput())
    non_smoker = BooleanField("They must not smoke", widget=GovCheckboxInput())
    has_pets = BooleanField("I have pets at home", widget=GovCheckboxInput())
    other_preferences = TextAreaField(
        "Anything else people supporting you should know",
        widget=GovTextArea(),
        validators=[
            Length(
                max=OTHER_PREFERENCES_LIMIT,
                message=f"Other preferences must be {OTHER_PREFERENCES_LIMIT:,} characters or fewer",
            )
        ],
    )
    submit = SubmitField("Save requirements", widget=GovSubmitInput())


class CapacityForm(FlaskForm):
    lacks_capacity = RadioField(
        "Does the person lack capacity to decide who acts for them?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=GovRadioInput(),
        validators=[InputRequired("Select yes if the person lacks capacity")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class RepresentativeForm(FlaskForm):
    email = _email_field("Representative's email address", "representative")
    relationship_kind = RadioField(
        "How do they know the person?",
        choices=list(holder_vocab.REPRESENTATIVE_RELATIONSHIPS),
        validate_choice=False,
        widget=GovRadioInput(),
    )
    submit = SubmitField("Link representative", widget=GovSubmitInput())


class BrokerForm(FlaskForm):
    """Inviting a broker (holder) or assigning one (officer): only the email differs in meaning."""

    email = _email_field("Broker's email address", "broker")
    submit = SubmitField("Invite broker", widget=GovSubmitInput())


class AddHolderForm(FlaskForm):
    email = _email_field("Budget holder's email address", "budget holder")
    submit = SubmitField("Add budget holder", widget=GovSubmitInput())
