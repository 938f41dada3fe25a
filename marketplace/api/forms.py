"""The account page's form for a new API token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length

from marketplace.api.tokens import MAX_NAME


class NewTokenForm(FlaskForm):
    name = StringField(
        "Name of the token",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a name for the token, like “Budget report script”"),
            Length(max=MAX_NAME, message=f"The name must be {MAX_NAME} characters or fewer"),
        ],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())
