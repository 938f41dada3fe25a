"""Sign-up, sign-in, account pages, single-use links and staff invitations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from marketplace.accounts import services
from marketplace.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ChooseRoleForm,
    ForgottenPasswordForm,
    InviteForm,
    ProviderSignUpForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
)
from marketplace.errors import DomainError, TokenInvalid
from marketplace.extensions import db, limiter
from marketplace.forms import ActionForm, add_errors, render_invalid
from marketplace.permissions import ROLE_LABELS, SELF_SIGN_UP_ROLES, Permission, Role, require
from marketplace.urls import is_site_path

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _email_key() -> str:
    # Throttle per address as well as per client, so one account can't be guessed at from many places.
    return "sign-in:" + services.normalise_email(request.form.get("email", ""))


# Where each role starts after signing in: the page with their work on it.
_LANDING = {
    Role.HOLDER: "holders.my_records",
    Role.REPRESENTATIVE: "holders.caseload",
    Role.BROKER: "holders.caseload",
    Role.OFFICER: "plans.queue",
}


def _safe_next(target: str | None, user: Any) -> str:
    """Only same-site paths are followed after sign-in (no open redirects); otherwise the
    user's own starting page."""
    if target and is_site_path(target):
        return target
    return url_for(_LANDING.get(Role(user.role), "accounts.account"))


@bp.get("/sign-up")
def sign_up() -> Any:
    form = ChooseRoleForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("accounts.sign_up_as", role=form.role.data))
    status = 400 if request.args else 200
    return render_template(
        "accounts/choose_role.html", form=form, title="Create an account"
    ), status


@bp.route("/sign-up/<role>", methods=["GET", "POST"])
def sign_up_as(role: str) -> Any:
    try:
        chosen = Role(role)
    except ValueError:
        abort(404)
    if chosen not in SELF_SIGN_UP_ROLES:
        abort(404)
    form = ProviderSignUpForm() if chosen == Role.PROVIDER_ADMIN else SignUpForm()
    context = {"title": f"Create an account: {ROLE_LABELS[chosen].lower()}", "role": chosen}
    if request.method == "POST":
        if not form.validate():
            return render_invalid("accounts/sign_up.html", form, **context)
        organisation = None
        if isinstance(form, ProviderSignUpForm):
            organisation = services.NewOrganisation(
                form.organisation_name.data or "",
                form.organisation_kind.data or "",
                form.base_postcode.data or "",
            )
        try:
            user = services.sign_up(
                db.session,
                role=chosen,
                name=form.name.data or "",
                email=form.email.data or "",
                password=form.password.data or "",
                confirm_password=form.confirm_password.data,
                organisation=organisation,
            )
        except DomainError as error:
            add_errors(form, error)
            return render_invalid("accounts/sign_up.html", form, **context)
        login_user(user)
        flash(
            f"Your account has been created. We have sent a link to {user.email} to confirm "
            "your email address.",
            "success",
        )
        return redirect(url_for("accounts.account"))
    return render_template("accounts/sign_up.html", form=form, **context)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key)
def sign_in() -> Any:
    form = SignInForm()
    if request.method == "POST":
        if not form.validate():
            return render_invalid("accounts/sign_in.html", form, title="Sign in")
        user = services.authenticate(db.session, form.email.data or "", form.password.data or "")
        if user is None:
            form.email.errors = ["Enter a correct email address and password"]
            return render_invalid("accounts/sign_in.html", form, title="Sign in")
        login_user(user)
        return redirect(_safe_next(request.args.get("next"), user))
    return render_template("accounts/sign_in.html", form=form, title="Sign in")


@bp.post("/sign-out")
def sign_out() -> Any:
    form = ActionForm()
    if not form.validate():
        abort(400)
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("main.home"))


@bp.get("/account")
@login_required
def account() -> Any:
    return render_template(
        "accounts/account.html", title="Your account", form=None, action_form=ActionForm()
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    form = ChangePasswordForm()
    if request.method == "POST":
        if not form.validate():
            return render_invalid(
                "accounts/change_password.html", form, title="Change your password"
            )
        try:
            services.change_password(
                db.session,
                current_user,
                form.current_password.data or "",
                form.password.data or "",
                form.confirm_password.data or "",
            )
        except DomainError as error:
            add_errors(form, error)
            return render_invalid(
                "accounts/change_password.html", form, title="Change your password"
            )
        login_user(current_user)  # keep this session: its stamp changed with the password
        flash("Your password has been changed.", "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form, title="Change your password")


@bp.route("/account/forgotten-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgotten_password() -> Any:
    form = ForgottenPasswordForm()
    title = "Reset your password"
    if request.method == "POST":
        if not form.validate():
            return render_invalid("accounts/forgotten_password.html", form, title=title)
        services.request_password_reset(db.session, form.email.data or "")
        return render_template(
            "accounts/reset_sent.html", title="Check your email", email=form.email.data
        )
    return render_template("accounts/forgotten_password.html", form=form, title=title)


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    form = ResetPasswordForm()
    title = "Choose a new password"
    try:
        services.check_token(db.session, token, "reset")
    except TokenInvalid as error:
        return render_template(
            "accounts/link_invalid.html", title="This link does not work", message=error.message
        ), 400
    if request.method == "POST":
        if not form.validate():
            return render_invalid("accounts/reset_password.html", form, title=title)
        try:
            user = services.reset_password(
                db.session, token, form.password.data or "", form.confirm_password.data or ""
            )
        except TokenInvalid as error:
            return render_template(
                "accounts/link_invalid.html", title="This link does not work", message=error.message
            ), 400
        except DomainError as error:
            add_errors(form, error)
            return render_invalid("accounts/reset_password.html", form, title=title)
        logout_user()
        flash(
            f"Your password has been changed. Sign in as {user.email} with your new password.",
            "success",
        )
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form, title=title)


@bp.get("/account/confirm/<token>")
def confirm_email(token: str) -> Any:
    try:
        services.confirm_email(db.session, token)
    except TokenInvalid as error:
        return render_template(
            "accounts/link_invalid.html", title="This link does not work", message=error.message
        ), 400
    flash("Thank you. Your email address is confirmed.", "success")
    return redirect(
        url_for("accounts.account")
        if current_user.is_authenticated
        else url_for("accounts.sign_in")
    )


@bp.post("/account/confirm/resend")
@login_required
def resend_confirmation() -> Any:
    form = ActionForm()
    if not form.validate():
        abort(400)
    try:
        services.resend_confirmation(db.session, current_user)
    except DomainError as error:
        flash(error.message)
    else:
        flash(f"We have sent a new link to {current_user.email}.", "success")
    return redirect(url_for("accounts.account"))


@bp.route("/organisation/staff", methods=["GET", "POST"])
@require(Permission.MANAGE_ORGANISATION)
def staff() -> Any:
    if not current_user.org_approved or current_user.organisation_id is None:
        abort(404)
    form = InviteForm()
    title = "Staff"
    if request.method == "POST":
        if not form.validate():
            staff, invitations = services.staff_of(db.session, current_user.organisation_id)
            return render_invalid(
                "accounts/staff.html", form, title=title, staff=staff, invitations=invitations
            )
        try:
            services.invite_staff(db.session, current_user, form.email.data or "")
        except DomainError as error:
            add_errors(form, error)
            staff, invitations = services.staff_of(db.session, current_user.organisation_id)
            return render_invalid(
                "accounts/staff.html", form, title=title, staff=staff, invitations=invitations
            )
        flash(
            f"We have sent an invitation to {services.normalise_email(form.email.data or '')}.",
            "success",
        )
        return redirect(url_for("accounts.staff"))
    staff, invitations = services.staff_of(db.session, current_user.organisation_id)
    return render_template(
        "accounts/staff.html", form=form, title=title, staff=staff, invitations=invitations
    )


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Any:
    try:
        invitation = services.find_invitation(db.session, token)
    except TokenInvalid as error:
        return render_template(
            "accounts/link_invalid.html", title="This link does not work", message=error.message
        ), 400
    form = AcceptInvitationForm()
    context = {"title": f"Join {invitation.organisation.name}", "invitation": invitation}
    if request.method == "POST":
        if not form.validate():
            return render_invalid("accounts/accept_invitation.html", form, **context)
        try:
            user = services.accept_invitation(
                db.session,
                token,
                form.name.data or "",
                form.password.data or "",
                form.confirm_password.data or "",
            )
        except TokenInvalid as error:
            return render_template(
                "accounts/link_invalid.html", title="This link does not work", message=error.message
            ), 400
        except DomainError as error:
            add_errors(form, error)
            return render_invalid("accounts/accept_invitation.html", form, **context)
        login_user(user)
        flash(
            f"Welcome. You can now manage listings for {invitation.organisation.name}.", "success"
        )
        return redirect(url_for("accounts.account"))
    return render_template("accounts/accept_invitation.html", form=form, **context)
