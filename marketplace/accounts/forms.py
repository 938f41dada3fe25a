"""Account forms. Field names match the services' error keys."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from marketplace.directory.vocab import ORGANISATION_KINDS
from marketplace.forms import strip_text
from marketplace.permissions import ROLE_LABELS, SELF_SIGN_UP_ROLES, Role

_EMAIL = [
    InputRequired("Enter your email address"),
    Length(max=254, message="Email address must be 254 characters or fewer"),
    Email("Enter an email address in the correct format, like name@example.com"),
]


_NAME = [
    InputRequired("Enter your full name"),
    Length(max=120, message="Name must be 120 characters or fewer"),
]
_NEW_PASSWORD = [
    InputRequired("Enter a password"),
    Length(min=10, message="Password must be 10 characters or more"),
    Length(max=200, message="Password must be 200 characters or fewer"),
]


def _confirm() -> PasswordField:
    return PasswordField(
        "Confirm password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter the password again"),
            EqualTo("password", "The passwords do not match"),
        ],
    )


class ChooseRoleForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only chooses the next page

    role = RadioField(
        "What will you use the marketplace for?",
        widget=GovRadioInput(),
        choices=[(r.value, ROLE_LABELS[r]) for r in SELF_SIGN_UP_ROLES],
        validators=[InputRequired("Select what you will use the marketplace for")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class NewPersonForm(FlaskForm):
    """Who a new account is for: shared by sign-up and by claiming an organisation."""

    name = StringField("Full name", widget=GovTextInput(), validators=_NAME)
    email = EmailField(
        "Email address", widget=GovTextInput(), validators=_EMAIL, filters=[strip_text]
    )
    password = PasswordField("Password", widget=GovPasswordInput(), validators=_NEW_PASSWORD)


class SignUpForm(NewPersonForm):
    confirm_password = _confirm()
    submit = SubmitField("Create account", widget=GovSubmitInput())


class ProviderSignUpForm(SignUpForm):
    organisation_name = StringField(
        "Organisation name",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the name of your organisation"),
            Length(max=160, message="Organisation name must be 160 characters or fewer"),
        ],
    )
    organisation_kind = SelectField(
        "Kind of organisation",
        widget=GovSelect(),
        choices=[("", "Select one"), *ORGANISATION_KINDS],
        validators=[InputRequired("Select the kind of organisation")],
    )
    base_postcode = StringField(
        "Postcode of your main office",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the postcode of your main office"),
            Length(max=10, message="Enter a real UK postcode, like LS6 2AB"),
        ],
    )


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
        filters=[strip_text],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=200)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgottenPasswordForm(FlaskForm):
    email = EmailField(
        "Email address", widget=GovTextInput(), validators=_EMAIL, filters=[strip_text]
    )
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", widget=GovPasswordInput(), validators=_NEW_PASSWORD)
    confirm_password = _confirm()
    submit = SubmitField("Save new password", widget=GovSubmitInput())


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password"), Length(max=200)],
    )


class InviteForm(FlaskForm):
    email = EmailField(
        "Email address of the person to invite",
        widget=GovTextInput(),
        validators=_EMAIL,
        filters=[strip_text],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class AcceptInvitationForm(FlaskForm):
    name = StringField("Full name", widget=GovTextInput(), validators=_NAME)
    password = PasswordField("Password", widget=GovPasswordInput(), validators=_NEW_PASSWORD)
    confirm_password = _confirm()
    submit = SubmitField("Create account", widget=GovSubmitInput())


class CreateUserForm(FlaskForm):
    name = StringField("Full name", widget=GovTextInput(), validators=_NAME)
    email = EmailField(
        "Email address", widget=GovTextInput(), validators=_EMAIL, filters=[strip_text]
    )
    role = SelectField(
        "Role",
        widget=GovSelect(),
        choices=[(Role.OFFICER.value, "Council officer"), (Role.ADMIN.value, "Site administrator")],
        validators=[InputRequired("Select a role")],
    )
    council = SelectField("Council (for officers)", widget=GovSelect(), choices=[])
    password = PasswordField(
        "Temporary password", widget=GovPasswordInput(), validators=_NEW_PASSWORD
    )
    submit = SubmitField("Create user", widget=GovSubmitInput())
