"""Owners' forms. Field names match the inputs in ``listings.rules`` (and so the services' errors).

The forms parse (money, percentages, dates, whole numbers) and check lengths; every domain rule is
the service's. Choice membership is checked by the service too, with readable messages.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TypeVar

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)

from marketplace.directory import vocab
from marketplace.forms import max_length, select_field
from marketplace.listings.fields import (
    GovDateField,
    MultiCheckboxField,
    PercentField,
    PoundsField,
    WholeNumberField,
)
from marketplace.listings.rules import AVAILABILITY_SLOTS

T = TypeVar("T")


def _radios(label: str, choices: tuple[tuple[str, str], ...]) -> RadioField:
    return RadioField(label, choices=list(choices), validate_choice=False, widget=GovRadioInput())


def to_input(form: FlaskForm, cls: type[T]) -> T:
    """The service input a valid form describes (its fields have the same names)."""
    values = {}
    for item in fields(cls):  # type: ignore[arg-type]
        value = form[item.name].data
        if isinstance(value, str):
            value = value.strip()
        elif value is None and isinstance(item.default, str):
            value = ""  # an unticked radio or an empty select: the service says what is missing
        values[item.name] = value
    return cls(**values)


class OfferForm(FlaskForm):
    title = StringField("Title", widget=GovTextInput(), validators=[max_length(120, "Title")])
    description = TextAreaField(
        "Description", widget=GovTextArea(), validators=[max_length(5000, "Description")]
    )
    category = select_field(
        "Category", [("", "Select a category"), *((c.slug, c.name) for c in vocab.CATEGORIES)]
    )
    age_groups = MultiCheckboxField("Age groups", choices=list(vocab.AGE_GROUPS))
    needs = MultiCheckboxField("Needs supported", choices=list(vocab.NEEDS))
    price = PoundsField("Price, in pounds")
    price_unit = select_field("What the price is for", list(vocab.PRICE_UNITS))
    direct_percent = PercentField("Direct support (%)")
    coordination_percent = PercentField("Coordination (%)")
    overheads_percent = PercentField("Overheads (%)")
    deployments = MultiCheckboxField(
        "How a personal budget can pay for it", choices=list(vocab.DEPLOYMENTS)
    )
    delivery = MultiCheckboxField("Where it is delivered", choices=list(vocab.DELIVERY_MODES))
    venue_address = TextAreaField(
        "Venue address", widget=GovTextArea(), validators=[max_length(300, "The venue address")]
    )
    venue_postcode = StringField(
        "Venue postcode", widget=GovTextInput(), validators=[max_length(10, "The venue postcode")]
    )
    days = MultiCheckboxField("Days", choices=list(vocab.DAYS))
    time_bands = MultiCheckboxField("Times of day", choices=list(vocab.TIME_BANDS))
    capacity = WholeNumberField("Places", message="Enter the number of places as a whole number")
    vacancies = WholeNumberField(
        "Places free now", message="Enter the number of places free as a whole number"
    )
    accessibility = MultiCheckboxField("Accessibility", choices=list(vocab.ACCESSIBILITY))
    languages = MultiCheckboxField("Languages", choices=list(vocab.LANGUAGES))
    submit = SubmitField("Save", widget=GovSubmitInput())


class PAProfileForm(FlaskForm):
    display_name = StringField(
        "Name to show", widget=GovTextInput(), validators=[max_length(120, "The name")]
    )
    employment = _radios("How do you want to work?", vocab.PA_EMPLOYMENT)
    hourly_rate = PoundsField("Hourly rate, in pounds")
    sleep_in_rate = PoundsField("Sleep-in rate per night, in pounds (optional)")
    waking_night_rate = PoundsField("Waking night rate per night, in pounds (optional)")
    bio = TextAreaField(
        "About you", widget=GovTextArea(), validators=[max_length(5000, "About you")]
    )
    experience_years = WholeNumberField(
        "Years of experience", message="Enter your years of experience as a whole number"
    )
    skills = MultiCheckboxField("Skills", choices=list(vocab.PA_SKILLS))
    languages = MultiCheckboxField("Languages", choices=list(vocab.LANGUAGES))
    gender = _radios("Gender", vocab.GENDERS)
    availability = MultiCheckboxField("When you are available", choices=list(AVAILABILITY_SLOTS))
    home_postcode = StringField(
        "Home postcode", widget=GovTextInput(), validators=[max_length(10, "The postcode")]
    )
    travel_km = WholeNumberField(
        "How far you will travel, in kilometres",
        message="Enter how far you will travel as a whole number of kilometres",
    )
    # Holders' need adverts ask about both; unticked means "not said", never "smokes".
    non_smoker = BooleanField("I do not smoke", widget=GovCheckboxInput())
    pets_ok = BooleanField("I am happy to work in homes with pets", widget=GovCheckboxInput())
    submit = SubmitField("Save", widget=GovSubmitInput())


class CheckForm(FlaskForm):
    kind = select_field("Kind of check or document", [("", "Select one"), *vocab.CHECK_KINDS])
    title = StringField(
        "Title (optional)", widget=GovTextInput(), validators=[max_length(120, "The title")]
    )
    reference = StringField(
        "Reference or certificate number (optional)",
        widget=GovTextInput(),
        validators=[max_length(60, "The reference")],
    )
    issued_on = GovDateField("Date issued", required="Enter the date it was issued", past=True)
    expires_on = GovDateField("Expiry date (optional)")
    submit = SubmitField("Add", widget=GovSubmitInput())


def _rating_choices() -> list[tuple[str, str]]:
    regulators: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for regulator, scale in vocab.RATINGS.items():
        for value, label in scale:
            regulators.setdefault(value, []).append(vocab.label(vocab.REGULATORS, regulator))
            labels.setdefault(value, label)
    return [("", "No rating")] + [
        (value, f"{labels[value]} ({', '.join(names)})") for value, names in regulators.items()
    ]


class OrganisationForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(), validators=[max_length(160, "The name")])
    kind = select_field("Kind of organisation", [("", "Select one"), *vocab.ORGANISATION_KINDS])
    description = TextAreaField(
        "Description", widget=GovTextArea(), validators=[max_length(5000, "The description")]
    )
    email = StringField(
        "Email address for enquiries",
        widget=GovTextInput(),
        validators=[max_length(254, "The email address")],
    )
    phone = StringField(
        "Phone number", widget=GovTextInput(), validators=[max_length(30, "The phone number")]
    )
    website = StringField(
        "Website", widget=GovTextInput(), validators=[max_length(300, "The website address")]
    )
    base_postcode = StringField(
        "Postcode of your main office",
        widget=GovTextInput(),
        validators=[max_length(10, "The postcode")],
    )
    service_councils = MultiCheckboxField("Councils whose whole area you serve", choices=[])
    service_districts = StringField(
        "Other postcode districts you serve",
        widget=GovTextInput(),
        validators=[max_length(500, "The list of districts")],
    )
    regulator = select_field("Regulator", list(vocab.REGULATORS))
    regulator_id = StringField(
        "Registration number with the regulator",
        widget=GovTextInput(),
        validators=[max_length(40, "The registration number")],
    )
    rating = select_field("Latest rating", _rating_choices())
    last_inspected_on = GovDateField("Date of the last inspection", past=True)
    submit = SubmitField("Save", widget=GovSubmitInput())


class RemoveCheckForm(FlaskForm):
    kind = HiddenField()
    submit = SubmitField("Remove", widget=GovSubmitInput())
