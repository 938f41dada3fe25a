"""Budget and RAS forms. They parse what people type (pounds, dates, lines of answers); every
domain rule is the services' (``budgets.services``, ``budgets.ras``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from marketplace.budgets import ras_setup
from marketplace.budgets.models import Budget, RasTable
from marketplace.budgets.services import StreamInput
from marketplace.budgets.vocab import RAS_METHODS
from marketplace.errors import InvalidAmount, ValidationFailed
from marketplace.forms import max_length
from marketplace.listings.fields import GovDateField, PoundsField, example_date
from marketplace.money import WEEKS_PER_YEAR, format_pence, parse_pounds, weekly_to_annual

PERIODS = (
    ("annual", "Annual: for the whole plan year"),
    ("weekly", "Weekly: we multiply by 52 for the year"),
)


class AmountField(PoundsField):
    """Pounds, with parsing messages that name the amount ("The total budget cannot be …")."""

    def __init__(self, label: str, *args: Any, what: str = "", **kwargs: Any) -> None:
        super().__init__(label, *args, **kwargs)
        self.what = what or f"the {label[0].lower()}{label[1:]}"

    def _parse(self, text: str) -> int:
        try:
            return parse_pounds(text, maximum=10**12)  # the service says what is too much
        except InvalidAmount as error:
            if "negative" in error.message:
                message = f"{self.what[0].upper()}{self.what[1:]} cannot be negative"
            else:
                message = f"Enter {self.what} in pounds and pence, like 180.50"
            raise ValueError(message) from error


def _required_amount(message: str) -> Any:
    def check(form: FlaskForm, field: Field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError(message)

    return check


class PlanYearField(GovDateField):
    """The start of a plan year; its messages give an example in the year being recorded."""

    def __init__(self, *args: Any, example: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.example_day = example

    def example(self) -> str:
        return example_date(self.example_day) if self.example_day else super().example()

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(error).replace(" (optional)", "")) from error


def _period_chosen(form: FlaskForm, field: Field) -> None:
    if field.data not in dict(PERIODS):
        raise ValidationError("Select whether the amounts are weekly or annual")


class _BudgetForm(FlaskForm):
    """The fixed rows; ``budget_form`` adds the ISF and "other" rows (and the year when new)."""

    isf_rows = 1
    other_rows = 2

    period = RadioField(
        "Are these amounts weekly or annual?",
        choices=list(PERIODS),
        default="annual",
        validate_choice=False,
        validators=[_period_chosen],
        widget=GovRadioInput(),
    )
    total = AmountField("Total budget", validators=[_required_amount("Enter the total budget")])
    contribution = AmountField("Holder's contribution", what="the holder's contribution")
    dp = AmountField("Direct payment", what="the direct payment")
    managed = AmountField("Council-managed", what="the council-managed amount")
    reason = TextAreaField(
        "Why the budget is different from the indicative budget",
        widget=GovTextArea(),
        validators=[max_length(2000, "The reason")],
    )
    ras_assessment_id = HiddenField()
    submit = SubmitField("Save budget", widget=GovSubmitInput())

    # The titles of the rows, in the order of ``rows()``, for messages that name a row.
    row_titles: dict[str, str] = {}

    @property
    def weekly(self) -> bool:
        return self.period.data == "weekly"

    def annual(self, pence: int | None) -> int | None:
        if pence is None:
            return None
        return weekly_to_annual(pence) if self.weekly else pence

    def rows(self) -> list[dict[str, Any]]:
        """Each stream row: its kind and fields (amount, and name or provider where it has one)."""
        rows: list[dict[str, Any]] = [
            {"kind": "dp", "amount": self.dp},
            {"kind": "managed", "amount": self.managed},
        ]
        for i in range(1, self.isf_rows + 1):
            rows.append(
                {"kind": "isf", "amount": self[f"isf{i}"], "organisation": self[f"isf{i}_provider"]}
            )
        for i in range(1, self.other_rows + 1):
            rows.append(
                {"kind": "other", "amount": self[f"other{i}"], "name": self[f"other{i}_name"]}
            )
        for row in rows:
            row["title"] = self.row_titles.get(row["amount"].name, "")
        return rows

    def streams(self) -> tuple[list[StreamInput], dict[str, str]]:
        """The streams the filled rows describe, and which form field each service error key
        belongs to. A row with no amount is no stream (but a name or provider alone is an error)."""
        streams: list[StreamInput] = []
        where: dict[str, str] = {}
        for row in self.rows():
            amount = row["amount"]
            name = row.get("name")
            organisation = row.get("organisation")
            label = (name.data or "").strip() if name is not None else ""
            org = (organisation.data or "") if organisation is not None else ""
            if amount.data is None:
                if not amount.errors and (label or org):
                    amount.errors = [
                        *amount.errors,
                        f"{row['title']}: enter the amount, or leave the whole row empty",
                    ]
                continue
            at = f"streams[{len(streams)}]"
            where[f"{at}.total_pence"] = amount.name
            if name is not None:
                where[f"{at}.label"] = name.name
            if organisation is not None:
                where[f"{at}.organisation_id"] = organisation.name
            streams.append(
                StreamInput(
                    kind=row["kind"],
                    total_pence=self.annual(amount.data) or 0,
                    label=label,
                    organisation_id=int(org) if str(org).isdigit() else None,
                    entered_weekly=self.weekly,
                )
            )
        return streams, where

    def attach(self, error: ValidationFailed, where: dict[str, str]) -> None:
        """Put a service's errors on the fields they concern."""
        names = {
            "year_start": "year_start",
            "total_pence": "total",
            "contribution_pence": "contribution",
            "reason": "reason",
            "change_reason": "change_reason",
            "confirm_large_change": "confirm_large_change",
            "streams": "total",
            **where,
        }
        for key, message in error.errors.items():
            field = getattr(self, names.get(key, "total"), None) or self.total
            message = self._naming_the_row(field.name, message)
            if message not in field.errors:
                field.errors = [*field.errors, message]

    def _naming_the_row(self, name: str, message: str) -> str:
        """'Other funding 2: enter the name …' where several rows would say the same."""
        row = name.removesuffix("_name").removesuffix("_provider")
        title = self.row_titles.get(row, "")
        if not title or title in message or not message.startswith(_UNNAMED):
            return message
        return f"{title}: {message[0].lower()}{message[1:]}"

    def fill_from(self, budget: Budget) -> None:
        """Show a budget's amounts: weekly if it was entered weekly and divides exactly."""
        amounts = [budget.total_pence, budget.contribution_pence] + [
            s.total_pence for s in budget.streams
        ]
        weekly = (
            bool(budget.streams)
            and all(s.entered_weekly for s in budget.streams)
            and all(a % WEEKS_PER_YEAR == 0 for a in amounts)
        )
        self.period.data = "weekly" if weekly else "annual"

        def shown(pence: int) -> int:
            return pence // WEEKS_PER_YEAR if weekly else pence

        self.total.data = shown(budget.total_pence)
        self.contribution.data = shown(budget.contribution_pence)
        # Why it differs from the indicative budget is confirmed afresh when the total changes
        # (the form shows the earlier reason beside the box); notes without one are just notes.
        self.reason.data = budget.variance_reason if budget.indicative_pence is None else ""
        isf = other = 0
        for stream in budget.streams:
            if stream.kind in ("dp", "managed"):
                self[stream.kind].data = shown(stream.total_pence)
            elif stream.kind == "isf":
                isf += 1
                self[f"isf{isf}"].data = shown(stream.total_pence)
                self[f"isf{isf}_provider"].data = str(stream.organisation_id)
            else:
                other += 1
                self[f"other{other}"].data = shown(stream.total_pence)
                self[f"other{other}_name"].data = stream.label


def budget_form(
    *,
    new: bool,
    providers: list[tuple[str, str]],
    budget: Budget | None = None,
    formdata: Any = None,
    year_example: date | None = None,
) -> _BudgetForm:
    """A budget form with enough ISF and "other" rows for the budget (1 and 2 at least). A new
    budget's form asks for the plan year; a change's asks why and, for a large change, to
    confirm it."""
    isf_rows = max(1, sum(1 for s in budget.streams if s.kind == "isf")) if budget else 1
    other_rows = max(2, sum(1 for s in budget.streams if s.kind == "other")) if budget else 2
    titles = {
        f"isf{i}": "Individual Service Fund" + (f" {i}" if isf_rows > 1 else "")
        for i in range(1, isf_rows + 1)
    }
    titles |= {f"other{i}": f"Other funding {i}" for i in range(1, other_rows + 1)}
    attrs: dict[str, Any] = {"isf_rows": isf_rows, "other_rows": other_rows, "row_titles": titles}
    if new:
        attrs["year_start"] = PlanYearField(
            "Start of the plan year",
            required="Enter the date the plan year starts",
            example=year_example,
        )
    else:
        attrs["change_reason"] = TextAreaField(
            "Why the budget changed",
            widget=GovTextArea(),
            validators=[max_length(2000, "The reason for the change")],
        )
        attrs["confirm_large_change"] = BooleanField(
            "Yes, the yearly amounts are right", widget=GovCheckboxInput()
        )
        # The yearly total the officer was warned about: a tick confirms that total only.
        attrs["confirmed_total"] = HiddenField()
    for i in range(1, isf_rows + 1):
        attrs[f"isf{i}"] = AmountField(
            "Amount held in the fund", what=f"the amount of the {titles[f'isf{i}']}"
        )
        attrs[f"isf{i}_provider"] = SelectField(
            "Provider holding the fund",
            choices=[("", "No Individual Service Fund"), *providers],
            validate_choice=False,
            widget=GovSelect(),
        )
    for i in range(1, other_rows + 1):
        attrs[f"other{i}_name"] = StringField(
            "Name of the funding", widget=GovTextInput(), validators=[max_length(80, "The name")]
        )
        attrs[f"other{i}"] = AmountField(
            "Amount of this funding", what=f"the amount of other funding {i}"
        )
    form_class = type("BudgetForm", (_BudgetForm,), attrs)
    if formdata is not None:
        return form_class(formdata=formdata)
    return form_class(formdata=None)


# --- RAS --------------------------------------------------------------------------------------


_UNNAMED = ("Enter ", "Select ", "Only ")  # row messages that do not say which row


class RasSettingsForm(FlaskForm):
    method = RadioField(
        "How do points become a budget?",
        choices=list(RAS_METHODS),
        validate_choice=False,
        widget=GovRadioInput(),
    )
    rate = PoundsField("Pounds a year for each point")
    bands = TextAreaField("Bands", widget=GovTextArea(), validators=[max_length(5000, "The bands")])
    submit = SubmitField("Save settings", widget=GovSubmitInput())

    def band_inputs(self) -> list[ras_setup.BandInput]:
        return ras_setup.parse_bands(self.bands.data or "")


class RasQuestionForm(FlaskForm):
    text = StringField(
        "Question", widget=GovTextInput(), validators=[max_length(300, "The question")]
    )
    help_text = TextAreaField(
        "Hint (optional)", widget=GovTextArea(), validators=[max_length(500, "The hint")]
    )
    options = TextAreaField(
        "Answers and their points",
        widget=GovTextArea(),
        validators=[max_length(5000, "The answers")],
    )
    submit = SubmitField("Save question", widget=GovSubmitInput())

    def option_inputs(self) -> list[ras_setup.OptionInput]:
        return ras_setup.parse_options(self.options.data or "")


class _Questionnaire(FlaskForm):
    submit = SubmitField("Work out the indicative budget", widget=GovSubmitInput())

    question_fields: list[str] = []

    def answers(self) -> dict[int, int]:
        chosen = {}
        for name in self.question_fields:
            value = self[name].data
            if value and str(value).isdigit():
                chosen[int(name[1:])] = int(value)
        return chosen


def questionnaire_form(table: RasTable, formdata: Any = None) -> _Questionnaire:
    """One radio group a question, named ``q<question id>`` (the service's error keys)."""
    attrs: dict[str, Any] = {"question_fields": [f"q{q.id}" for q in table.questions]}
    for question in table.questions:
        attrs[f"q{question.id}"] = RadioField(
            question.text,
            choices=[(str(o.id), o.text) for o in question.options],
            validate_choice=False,
            widget=GovRadioInput(),
        )
    form_class = type("QuestionnaireForm", (_Questionnaire,), attrs)
    if formdata is not None:
        return form_class(formdata=formdata)
    return form_class(formdata=None)


def usage_hints(budget: Budget | None) -> dict[str, str]:
    """For each row of a budget's form, what is committed or spent already (the floor)."""
    if budget is None:
        return {}
    hints: dict[str, str] = {}
    isf = other = 0
    for stream in budget.streams:
        if stream.kind == "isf":
            isf += 1
            name = f"isf{isf}"
        elif stream.kind == "other":
            other += 1
            name = f"other{other}"
        else:
            name = stream.kind
        used = stream.committed_pence + stream.spent_pence
        if used:
            hints[name] = (
                f"{format_pence(used, free_text='')} a year is committed or spent already: "
                "the amount cannot be less than that."
            )
    return hints
