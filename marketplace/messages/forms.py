"""The message form: the first message of a conversation, or a reply."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from marketplace.messages.models import MAX_MESSAGE_CHARS


class MessageForm(FlaskForm):
    """The service (``checked_body``) says when the message is empty; the form keeps what was
    typed so a refused message is shown again, not lost."""

    body = TextAreaField(
        "Your message",
        widget=GovTextArea(),
        validators=[
            Length(
                max=MAX_MESSAGE_CHARS,
                message=f"A message must be {MAX_MESSAGE_CHARS:,} characters or fewer",
            )
        ],
    )
    submit = SubmitField("Send message", widget=GovSubmitInput())
