"""Forms of the need-advert pages. Field names match the services' error keys (``NeedInput``'s
fields, "note", "body"), so a refusal lands on the field to change.

The forms parse (hours, pounds, dates) and check lengths; every rule is the service's, which
says what is wrong in words (choices from a list included).
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField

from marketplace.directory import vocab
from marketplace.errors import InvalidAmount
from marketplace.forms import max_length, strip_text
from marketplace.holders import vocab as holder_vocab
from marketplace.listings.fields import GovDateField, MultiCheckboxField, PoundsField
from marketplace.listings.fields import _TextParsedField as TextParsedField
from marketplace.listings.rules import AVAILABILITY_SLOTS
from marketplace.money import format_quantity, parse_quantity
from marketplace.needs.services import (
    DESCRIPTION_LIMIT,
    NOTE_LIMIT,
    TITLE_LIMIT,
    NeedInput,
)


class HoursField(TextParsedField):
    """'10' or '7.5' hours a week -> hundredths (1000, 750). Any size is parsed: the service
    says when it is more than a week has."""

    def _parse(self, text: str) -> int:
        try:
            return parse_quantity(text, maximum=10**9)
        except InvalidAmount as error:
            if error.message.startswith("Enter a number"):
                raise ValueError("Enter the hours a week as a number, like 10 or 7.5") from error
            raise ValueError(error.message) from error

    def _format(self, value: Any) -> str:
        return format_quantity(int(value))


class NeedForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[max_length(TITLE_LIMIT, "The title")],
    )
    description = TextAreaField(
        "What the support is for (optional)",
        widget=GovTextArea(),
        validators=[max_length(DESCRIPTION_LIMIT, "The description")],
    )
    postcode = StringField(
        "Postcode where support is needed",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[max_length(10, "The postcode")],
    )
    slots = MultiCheckboxField("When you need support", choices=list(AVAILABILITY_SLOTS))
    hours_hundredths = HoursField("Hours a week")
    skills = MultiCheckboxField("Tasks and skills", choices=list(vocab.PA_SKILLS))
    languages = MultiCheckboxField("Languages they should speak", choices=list(vocab.LANGUAGES))
    preferred_gender = RadioField(
        "Would you prefer a personal assistant of a particular gender?",
        choices=list(holder_vocab.PREFERRED_GENDERS),
        validate_choice=False,  # the service says what is wrong, in words
        widget=GovRadioInput(),
        default="",
    )
    needs_driver = BooleanField("They need to be able to drive", widget=GovCheckboxInput())
    non_smoker = BooleanField("They must not smoke", widget=GovCheckboxInput())
    has_pets = BooleanField("There are pets at home", widget=GovCheckboxInput())
    required_checks = MultiCheckboxField("Checks they must have", choices=list(vocab.CHECK_KINDS))
    start_on = GovDateField("Start date")
    end_on = GovDateField("End date (optional)")
    rate_pence = PoundsField("Hourly pay offered")
    submit = SubmitField("Post the advert", widget=GovSubmitInput())

    @classmethod
    def from_input(cls, data: NeedInput) -> NeedForm:
        """A blank form showing ``data`` (the holder's defaults)."""
        return cls(
            formdata=None,
            data={
                "title": data.title,
                "description": data.description,
                "postcode": data.postcode,
                "slots": list(data.slots),
                "hours_hundredths": data.hours_hundredths,
                "skills": list(data.skills),
                "languages": list(data.languages),
                "preferred_gender": data.preferred_gender,
                "needs_driver": data.needs_driver,
                "non_smoker": data.non_smoker,
                "has_pets": data.has_pets,
                "required_checks": list(data.required_checks),
                "start_on": data.start_on,
                "end_on": data.end_on,
                "rate_pence": data.rate_pence,
            },
        )

    def to_input(self) -> NeedInput:
        return NeedInput(
            title=self.title.data or "",
            description=(self.description.data or "").strip(),
            postcode=self.postcode.data or "",
            slots=tuple(self.slots.data or ()),
            hours_hundredths=self.hours_hundredths.data,
            skills=tuple(self.skills.data or ()),
            languages=tuple(self.languages.data or ()),
            preferred_gender=self.preferred_gender.data or "",
            needs_driver=bool(self.needs_driver.data),
            non_smoker=bool(self.non_smoker.data),
            has_pets=bool(self.has_pets.data),
            required_checks=tuple(self.required_checks.data or ()),
            start_on=self.start_on.data,
            end_on=self.end_on.data,
            rate_pence=self.rate_pence.data,
        )


class InterestForm(FlaskForm):
    """A PA's reply to an advert: an optional note to the holder's side."""

    note = TextAreaField(
        "A note for them (optional)",
        widget=GovTextArea(),
        validators=[max_length(NOTE_LIMIT, "The note")],
    )
    submit = SubmitField("I'm interested", widget=GovSubmitInput())
