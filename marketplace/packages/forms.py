"""Forms of the package builder: the directory search beside the package (GET, no CSRF: it
changes nothing), one line added from the directory or as unpaid support, and a swap button.

The forms parse; every rule is the services' (``plans.lines`` and ``packages.builder``).
Field names match the services' error keys, so a refusal lands on the field to change.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import Length, ValidationError

from marketplace.budgets.models import BudgetStream
from marketplace.directory import vocab as directory_vocab
from marketplace.errors import ValidationFailed
from marketplace.forms import select_field
from marketplace.listings.fields import GovDateField, MultiCheckboxField
from marketplace.packages.builder import AddPage, BuilderPage
from marketplace.packages.builder_search import (
    DEFAULT_KIND,
    SEARCH_KINDS,
    SearchChoices,
    default_choices,
    radius_choices,
)
from marketplace.plans import vocab
from marketplace.plans.common import outcome_title
from marketplace.plans.forms import QuantityField
from marketplace.plans.lines import DESCRIPTION_LIMIT, PROVIDER_LIMIT, LineInput
from marketplace.search.params import MAX_TEXT

_CATEGORIES = tuple((c.slug, c.name) for c in directory_vocab.CATEGORIES)
ANY_STREAM = ("", "Any way of paying")


class ErrorSummary:
    """The GOV.UK error summary's items, each linking to the part of the page that fixes it
    (pages with more than one message per part list each)."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, anchor: str, message: str) -> None:
        self.items.append({"text": message, "href": f"#{anchor}"})

    def add_fields(self, form: FlaskForm, names: tuple[str, ...]) -> None:
        for name in names:
            field = getattr(form, name, None)
            for message in (field.errors or []) if field is not None else []:
                self.add(_anchor(field), message)

    def at(self, anchor: str) -> list[str]:
        return [item["text"] for item in self.items if item["href"] == f"#{anchor}"]

    def __bool__(self) -> bool:
        return bool(self.items)


def _anchor(field: Any) -> str:
    """Where an error link lands: the field, or the first input of a date."""
    return f"{field.id}-day" if isinstance(field, GovDateField) else str(field.id)


# --- the directory search --------------------------------------------------------------------


class BuilderSearchForm(FlaskForm):
    """The search beside the package. Its names are the builder page's own query parameters;
    ``packages.builder_search`` turns the choices into the directory search's parameters."""

    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(
        "Words (optional)",
        widget=GovTextInput(),
        validators=[Length(max=MAX_TEXT, message=f"Search for {MAX_TEXT} characters or fewer")],
    )
    kind = RadioField(
        "Looking for", choices=list(SEARCH_KINDS), validate_choice=False, widget=GovRadioInput()
    )
    category = select_field("Category", [("", "Any category"), *_CATEGORIES])
    stream = select_field("Paid from")
    radius = select_field("Distance")
    free = BooleanField(
        "Free only (community groups and other free support)", widget=GovCheckboxInput()
    )

    NAMES = ("q", "kind", "category", "stream", "radius", "free")

    @classmethod
    def for_page(cls, page: BuilderPage, args: MultiDict[str, str]) -> BuilderSearchForm:
        """As the address asks, or (nothing asked yet) filled with the defaults, which the
        person sees and can widen."""
        asked = any(name in args for name in cls.NAMES)
        form = cls(formdata=args if asked else None)
        form.stream.choices = [
            *((str(s.id), s.name) for s in page.streams),
            ANY_STREAM,
        ]
        form.radius.choices = radius_choices(page.area)
        if not asked:
            defaults = default_choices(page)
            form.q.data = ""
            form.kind.data = defaults.kind
            form.category.data = ""
            form.stream.data = str(defaults.stream_id) if defaults.stream_id else ""
            form.radius.data = defaults.radius
            form.free.data = False
        return form

    def validate_kind(self, field: Any) -> None:
        if (field.data or DEFAULT_KIND) not in dict(SEARCH_KINDS):
            raise ValidationError("Choose services or personal assistants")

    def validate_category(self, field: Any) -> None:
        if field.data and field.data not in dict(_CATEGORIES):
            raise ValidationError("Choose a category from the list")

    def validate_stream(self, field: Any) -> None:
        if (field.data or "") not in {value for value, _ in self.stream.choices or []}:
            raise ValidationError("Choose a budget stream from the list")

    def validate_radius(self, field: Any) -> None:
        if (field.data or "") not in {value for value, _ in self.radius.choices or []}:
            raise ValidationError("Choose a distance from the list")

    def choices(self, page_number: int = 1) -> SearchChoices:
        stream = self.stream.data or ""
        return SearchChoices(
            q=" ".join((self.q.data or "").split()),
            kind=self.kind.data or DEFAULT_KIND,
            category=self.category.data or "",
            stream_id=int(stream) if stream.isdigit() else None,
            radius=self.radius.data or "",
            free=bool(self.free.data),
            page=page_number,
        )


# --- one line --------------------------------------------------------------------------------


PAID_FIELDS = (
    "quantity_hundredths",
    "unit",
    "frequency",
    "stream_id",
    "outcome_ids",
    "days",
    "time_bands",
    "start_on",
    "end_on",
)
UNPAID_FIELDS = (
    "description",
    "provider_name",
    "quantity_hundredths",
    "unit",
    "frequency",
    "outcome_ids",
    "start_on",
    "end_on",
)


class BuilderLineForm(FlaskForm):
    """One line of the package: a directory service, a personal assistant or unpaid support.
    The price is the offer's (or the PA's hourly rate): an agreed quote price replaces it later."""

    description = StringField(
        "What is it?",
        widget=GovTextInput(),
        validators=[Length(max=DESCRIPTION_LIMIT, message="The description is too long")],
    )
    provider_name = StringField(
        "Who gives it? (optional)",
        widget=GovTextInput(),
        validators=[Length(max=PROVIDER_LIMIT, message="Who gives it is too long")],
    )
    quantity_hundredths = QuantityField("How many")
    unit = select_field("Of what", list(vocab.LINE_UNITS))
    frequency = select_field("How often", list(vocab.FREQUENCIES))
    stream_id = select_field("Paid from")
    outcome_ids = MultiCheckboxField("Outcomes it serves", choices=[])
    days = MultiCheckboxField("Days", choices=list(directory_vocab.DAYS))
    time_bands = MultiCheckboxField("Times of day", choices=list(directory_vocab.TIME_BANDS))
    start_on = GovDateField("Start date (optional)")
    end_on = GovDateField("End date (optional)")
    submit = SubmitField("Add to the package", widget=GovSubmitInput())

    def set_choices(self, page: AddPage) -> None:
        payable = page.payable_stream_ids
        self.stream_id.choices = [
            ("", "Not decided yet"),
            *((str(s.id), _stream_label(s, payable)) for s in page.streams),
        ]
        self.outcome_ids.choices = [(str(o.id), outcome_title(o)) for o in page.plan.outcomes]

    def set_defaults(self, page: AddPage, stream: str | None) -> None:
        """What a new line starts as: the offer's unit, each week, the stream the search was
        for when it can pay (else the first that can)."""
        self.unit.data = page.default_unit
        self.frequency.data = "week"
        chosen = page.default_stream_id(int(stream) if stream and stream.isdigit() else None)
        self.stream_id.data = str(chosen) if chosen else ""

    def shown(self, page: AddPage) -> tuple[str, ...]:
        """The fields the page shows for this line, in order; a refusal about anything else
        (the service or PA itself) is shown at "what"."""
        fields = UNPAID_FIELDS if page.target.kind == "unpaid" else PAID_FIELDS
        hidden = set() if page.shows_days else {"days", "time_bands"}
        if not page.plan.outcomes:
            hidden.add("outcome_ids")
        return tuple(name for name in fields if name not in hidden)

    def to_input(self, page: AddPage) -> LineInput:
        target = page.target
        paid = target.kind != "unpaid"
        stream = self.stream_id.data or ""
        return LineInput(
            kind=target.kind,
            description="" if paid else (self.description.data or "").strip(),
            provider_name="" if paid else (self.provider_name.data or "").strip(),
            frequency=self.frequency.data or "",
            quantity_hundredths=self.quantity_hundredths.data,
            unit=self.unit.data or "",
            unit_price_pence=None,  # the offer's price, the PA's rate; unpaid support is free
            stream_id=int(stream) if paid and stream.isdigit() else None,
            outcome_ids=[int(i) for i in self.outcome_ids.data or [] if str(i).isdigit()],
            start_on=self.start_on.data,
            end_on=self.end_on.data,
            offer_id=target.offer.id if target.offer is not None else None,
            pa_profile_id=target.pa.id if target.pa is not None else None,
            days=list(self.days.data or []) if paid else [],
            time_bands=list(self.time_bands.data or []) if paid else [],
        )

    def validate_stream_id(self, field: Any) -> None:
        value = field.data or ""
        if value and not value.isdigit():
            raise ValidationError("Choose a budget stream from the list")

    def problems(self, page: AddPage, error: ValidationFailed | None = None) -> ErrorSummary:
        """The error summary: refusals the form cannot show at a field first (at "what"), then
        each field's, in the order of the page. ``error``'s messages join their fields."""
        shown = self.shown(page)
        summary = ErrorSummary()
        for name, message in (error.errors if error else {}).items():
            if name in shown:
                field = getattr(self, name)
                field.errors = [*list(field.errors or []), message]
            else:
                summary.add("what", message)
        summary.add_fields(self, ("csrf_token", *shown))
        return summary


def _stream_label(stream: BudgetStream, payable: set[int] | None) -> str:
    if payable is None:
        return stream.name
    return f"{stream.name} ({'can pay' if stream.id in payable else 'cannot pay'} for this)"


class SwapForm(FlaskForm):
    """The button that swaps a line's offer for a suggested one."""

    offer_id = HiddenField()
    submit = SubmitField("Swap", widget=GovSubmitInput())

    def offer(self) -> int | None:
        value = (self.offer_id.data or "").strip()
        return int(value) if value.isdigit() and len(value) <= 9 else None
