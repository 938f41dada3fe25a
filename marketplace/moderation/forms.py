"""Moderators' forms, and the public claim form. Field names match the services' error keys."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from marketplace.accounts.forms import NewPersonForm
from marketplace.moderation.services import REASON_LIMIT

_REASON_LENGTH = Length(
    max=REASON_LIMIT, message=f"The reason must be {REASON_LIMIT:,} characters or fewer"
)


class ApproveForm(FlaskForm):
    # What the moderator was shown; if the owner changed it meanwhile, approval is refused.
    seen = HiddenField()
    submit = SubmitField("Approve and publish", widget=GovSubmitInput())


class RejectForm(FlaskForm):
    reason = TextAreaField(
        "Reason for not approving (the owner will see this)",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the reason"), _REASON_LENGTH],
    )
    submit = SubmitField("Do not approve", widget=GovSubmitInput())


class SuspendForm(FlaskForm):
    reason = TextAreaField(
        "Reason (the owner will see this)",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the reason"), _REASON_LENGTH],
    )
    submit = SubmitField("Suspend listing", widget=GovSubmitInput())


class CloseReportForm(FlaskForm):
    outcome = TextAreaField(
        "What you found and did",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter what you found and did"),
            Length(
                max=REASON_LIMIT,
                message=f"The outcome must be {REASON_LIMIT:,} characters or fewer",
            ),
        ],
    )
    suspend = BooleanField(
        "Suspend the listing (the owner is sent what you wrote above)", widget=GovCheckboxInput()
    )
    submit = SubmitField("Close report", widget=GovSubmitInput())


class ClaimForm(NewPersonForm):
    job_title = StringField(
        "Job title",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter your job title"),
            Length(max=120, message="Your job title must be 120 characters or fewer"),
        ],
    )
    evidence = TextAreaField(
        "Why are you entitled to manage this organisation's listing?",
        widget=GovTextArea(),
        validators=[
            InputRequired("Tell us why you are entitled to manage this organisation's listing"),
            Length(max=5000, message="The evidence must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Send claim", widget=GovSubmitInput())
