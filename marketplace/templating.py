"""Template filters and globals shared by every page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, g, request, url_for
from flask_login import current_user

from marketplace import money
from marketplace.budgets import vocab as budget_vocab
from marketplace.clock import date_text, uk_time_text
from marketplace.directory import vocab
from marketplace.extensions import db
from marketplace.holders import vocab as holder_vocab
from marketplace.notifications.services import unread_count
from marketplace.permissions import PLANNERS, Permission, has_any_permission, has_permission
from marketplace.plans import vocab as plan_vocab


def _date(value: date | datetime | None) -> str:
    return "" if value is None else date_text(value)


def _care_items() -> list[tuple[str, str]]:
    """Budgets and plans: a holder's own, the people a representative or broker works for, and
    a council officer's work."""
    wanted: list[tuple[str, str]] = []
    if has_permission(current_user, Permission.HOLD_BUDGET):
        wanted.append(("Your support", "holders.my_records"))
    if has_permission(current_user, Permission.ACT_FOR_HOLDERS):
        wanted.append(("People you act for", "holders.caseload"))
    if has_permission(current_user, Permission.BROKER_CASELOAD):
        wanted.append(("Caseload", "holders.caseload"))
    if has_permission(current_user, Permission.DECIDE_PLANS):
        wanted.append(("Council work", "plans.queue"))
    if has_permission(current_user, Permission.RECORD_BUDGETS):
        wanted.append(("People", "holders.council_people"))
    return [(text, url_for(endpoint)) for text, endpoint in wanted]


def navigation() -> list[dict[str, Any]]:
    """The service navigation for whoever is signed in."""
    items: list[tuple[str, str]] = [
        ("Search", url_for("search.search")),
        ("Browse", url_for("directory.browse")),
    ]
    if current_user.is_authenticated:
        items.extend(_care_items())
        if has_any_permission(current_user, *PLANNERS):
            items.append(("Adverts", url_for("needs.index")))
        if has_permission(current_user, Permission.MANAGE_PA_PROFILE):
            items.append(("Adverts for you", url_for("needs.pa_needs")))
        if has_permission(current_user, Permission.SHORTLIST):
            items.append(("Shortlist", url_for("directory.shortlist")))
        if has_any_permission(
            current_user, Permission.MANAGE_ORG_LISTINGS, Permission.MANAGE_PA_PROFILE
        ):
            items.append(("Your listings", url_for("listings.index")))
        if has_permission(current_user, Permission.MODERATE):
            items.append(("Moderation", url_for("moderation.queue")))
        if has_permission(current_user, Permission.MANAGE_USERS):
            items.append(("Users", url_for("admin.users")))
        if has_any_permission(
            current_user, *PLANNERS, Permission.MANAGE_ORG_LISTINGS, Permission.MANAGE_PA_PROFILE
        ):
            items.append(("Quotes", url_for("quotes.index")))
            items.append(("Bookings", url_for("bookings.index")))
        items.append(("Messages", url_for("messages.index")))
        unread = unread_count(db.session, current_user)
        items.append(
            (
                f"Notifications ({unread})" if unread else "Notifications",
                url_for("notifications.index"),
            )
        )
        items.append(("Your account", url_for("accounts.account")))
    else:
        items.append(("Sign in", url_for("accounts.sign_in")))
        items.append(("Create an account", url_for("accounts.sign_up")))
    return [{"text": text, "href": href, "active": request.path == href} for text, href in items]


def init_app(app: Flask) -> None:
    app.add_template_filter(money.format_pence, "pence")
    app.add_template_filter(money.format_percent, "percent")
    app.add_template_filter(_date, "date")
    app.add_template_filter(uk_time_text, "uk_time")
    app.add_template_filter(money.describe_weekly, "weekly")
    app.add_template_filter(money.format_quantity, "quantity")
    app.add_template_filter(lambda value, pairs: vocab.label(pairs, value), "label")

    # The vocabularies are Jinja globals too, so macros imported without context can use them.
    app.jinja_env.globals.update(
        vocab=vocab, budget_vocab=budget_vocab, plan_vocab=plan_vocab, holder_vocab=holder_vocab
    )

    @app.context_processor
    def globals_() -> dict[str, Any]:
        return {
            "csp_nonce": getattr(g, "csp_nonce", ""),
            "vocab": vocab,
            "budget_vocab": budget_vocab,
            "plan_vocab": plan_vocab,
            "holder_vocab": holder_vocab,
            "Permission": Permission,
            "can": lambda permission: has_permission(current_user, permission),
            "navigation": navigation,
            "site_name": app.config["SITE_NAME"],
        }
