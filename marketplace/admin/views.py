"""Administrators: see every account and create officers and other administrators."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from marketplace.accounts import services
from marketplace.accounts.forms import CreateUserForm
from marketplace.accounts.models import User
from marketplace.directory.models import Council
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.forms import add_errors, render_invalid
from marketplace.pagination import page_number, paginate, pagination_params
from marketplace.permissions import ROLE_LABELS, Permission, Role, require

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@require(Permission.MANAGE_USERS)
def users() -> Any:
    role = request.args.get("role", "")
    query = select(User).order_by(User.role, User.email)
    if role:
        if role not in {r.value for r in Role}:
            return render_template(
                "errors/error.html",
                status=400,
                title="Unknown role",
                message="Choose a role from the list.",
            ), 400
        query = query.where(User.role == role)
    page = paginate(db.session, query.order_by(User.id), page_number(request.args.get("page")), 50)
    return render_template(
        "admin/users.html",
        title="Users",
        page=page,
        role=role,
        roles=ROLE_LABELS,
        pagination=pagination_params(page, url_for("admin.users"), request.args),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def create_user() -> Any:
    form = CreateUserForm()
    councils = db.session.scalars(select(Council).order_by(Council.name)).all()
    form.council.choices = [("", "Not a council officer")] + [(c.code, c.name) for c in councils]
    title = "Create a council officer or administrator"
    if request.method == "POST":
        if not form.validate():
            return render_invalid("admin/create_user.html", form, title=title)
        try:
            user = services.create_user(
                db.session,
                email=form.email.data or "",
                name=form.name.data or "",
                password=form.password.data or "",
                role=Role(form.role.data),
                council_code=form.council.data or None,
            )
        except DomainError as error:
            add_errors(form, error)
            return render_invalid("admin/create_user.html", form, title=title)
        flash(
            f"Account created for {user.email}. Give them their temporary password securely.",
            "success",
        )
        return redirect(url_for("admin.users"))
    return render_template("admin/create_user.html", form=form, title=title)
