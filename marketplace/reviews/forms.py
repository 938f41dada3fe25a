"""The review form. It reads what was posted; every rule (stars, words, length) is the
service's, so the page and any other caller refuse the same things with the same words."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField, TextAreaField

from marketplace.reviews.services import ReviewInput

STARS = [
    ("5", "Excellent (5 stars)"),
    ("4", "Good (4 stars)"),
    ("3", "All right (3 stars)"),
    ("2", "Poor (2 stars)"),
    ("1", "Very poor (1 star)"),
]


class ReviewForm(FlaskForm):
    rating = RadioField(
        "Rating",
        choices=STARS,
        validate_choice=False,  # the service says what a rating may be
        widget=GovRadioInput(),
    )
    body = TextAreaField("Your review", widget=GovCharacterCount())
    submit = SubmitField("Send review", widget=GovSubmitInput())

    def to_input(self) -> ReviewInput:
        """What was posted: a rating that is not a whole number (or none) is None."""
        raw = (self.rating.data or "").strip()
        rating = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 2 else None
        return ReviewInput(rating=rating, body=self.body.data or "")
