"""Roles, permissions and the one map between them.

Views declare what they need with ``@require(Permission.X)``. Object-level checks (is this *your*
draft, profile or account?) live in the services, which answer NotFound for someone else's object
so that ids leak nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])


class Role(StrEnum):
    HOLDER = "holder"
    REPRESENTATIVE = "representative"
    BROKER = "broker"
    PA = "pa"
    PROVIDER_ADMIN = "provider_admin"
    PROVIDER_STAFF = "provider_staff"
    OFFICER = "officer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.HOLDER: "Budget holder",
    Role.REPRESENTATIVE: "Representative of a budget holder",
    Role.BROKER: "Broker or support planner",
    Role.PA: "Personal assistant",
    Role.PROVIDER_ADMIN: "Provider administrator",
    Role.PROVIDER_STAFF: "Provider staff",
    Role.OFFICER: "Council officer",
    Role.ADMIN: "Site administrator",
}

# Roles a person may choose when signing up; officers and admins are created by an admin.
SELF_SIGN_UP_ROLES: tuple[Role, ...] = (
    Role.HOLDER,
    Role.REPRESENTATIVE,
    Role.BROKER,
    Role.PA,
    Role.PROVIDER_ADMIN,
)
ORGANISATION_ROLES = frozenset({Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF})


class Permission(StrEnum):
    SHORTLIST = "shortlist"  # keep a shortlist of offers and PAs
    MANAGE_ORG_LISTINGS = "manage_org_listings"  # create and edit the organisation's offers
    MANAGE_ORGANISATION = "manage_organisation"  # edit the organisation, invite staff
    MANAGE_PA_PROFILE = "manage_pa_profile"  # a PA's own profile, checks and offers
    MODERATE = "moderate"  # approve or reject listings, handle reports and claims
    MODERATE_ANYWHERE = "moderate_anywhere"  # not limited to one council's area
    MANAGE_USERS = "manage_users"  # create officers and admins
    HOLD_BUDGET = "hold_budget"  # a budget holder's own dashboard, plan and links
    ACT_FOR_HOLDERS = "act_for_holders"  # a representative's list of people they act for
    BROKER_CASELOAD = "broker_caseload"  # a broker's caseload and invitations
    RECORD_BUDGETS = "record_budgets"  # set budgets for holders of the officer's council
    DECIDE_PLANS = "decide_plans"  # approve, reject or refer plans of the officer's council
    CONFIGURE_RAS = "configure_ras"  # the council's resource allocation table


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.HOLDER: frozenset({Permission.SHORTLIST, Permission.HOLD_BUDGET}),
    Role.REPRESENTATIVE: frozenset({Permission.SHORTLIST, Permission.ACT_FOR_HOLDERS}),
    Role.BROKER: frozenset({Permission.SHORTLIST, Permission.BROKER_CASELOAD}),
    Role.PA: frozenset({Permission.MANAGE_PA_PROFILE}),
    Role.PROVIDER_ADMIN: frozenset(
        {Permission.MANAGE_ORG_LISTINGS, Permission.MANAGE_ORGANISATION}
    ),
    Role.PROVIDER_STAFF: frozenset({Permission.MANAGE_ORG_LISTINGS}),
    Role.OFFICER: frozenset(
        {
            Permission.MODERATE,
            Permission.RECORD_BUDGETS,
            Permission.DECIDE_PLANS,
            Permission.CONFIGURE_RAS,
        }
    ),
    Role.ADMIN: frozenset(
        {Permission.MODERATE, Permission.MODERATE_ANYWHERE, Permission.MANAGE_USERS}
    ),
}


# Who may act for a holder (the holder, a representative, a broker); the care-access rule
# (holders.access) decides for whom. Everyone else gets 404 before any lookup.
PLANNERS: tuple[Permission, ...] = (
    Permission.HOLD_BUDGET,
    Permission.ACT_FOR_HOLDERS,
    Permission.BROKER_CASELOAD,
)
# … and who may read a holder's records: their planners and the council's officers, who set
# budgets (the holder pages, budgets) or decide plans (plans, the package builder and summary).
HOLDER_READERS: tuple[Permission, ...] = (*PLANNERS, Permission.RECORD_BUDGETS)
PLAN_READERS: tuple[Permission, ...] = (*PLANNERS, Permission.DECIDE_PLANS)


def has_permission(user: Any, permission: Permission) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return permission in ROLE_PERMISSIONS.get(Role(user.role), frozenset())


def has_any_permission(user: Any, *permissions: Permission) -> bool:
    return any(has_permission(user, p) for p in permissions)


def _guard(allowed: Callable[[Any], bool]) -> Callable[[F], F]:
    """Sign-in required (Flask-Login's sign-in page), then ``allowed(user)``, else 404.

    404 rather than 403: a signed-in user poking at pages of another role learns nothing.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from marketplace.extensions import login_manager

                return login_manager.unauthorized()
            if not allowed(current_user):
                abort(404)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def require(*permissions: Permission) -> Callable[[F], F]:
    """Every listed permission."""
    return _guard(lambda user: all(has_permission(user, p) for p in permissions))


def require_any(*permissions: Permission) -> Callable[[F], F]:
    """At least one of the listed permissions."""
    return _guard(lambda user: has_any_permission(user, *permissions))
