"""Who is calling the API: a personal token in ``Authorization: Bearer …``, and nothing else.

The session cookie is never consulted here, which is what makes it safe for the API blueprint to
be exempt from CSRF: a page on another site can make a browser send our cookie, never a token.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, jsonify, request

from marketplace.accounts.models import User
from marketplace.api import tokens
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.permissions import Permission, has_any_permission

F = TypeVar("F", bound=Callable[..., Any])

UNAUTHORISED = (
    "Send a valid personal API token in the Authorization header, as “Bearer <token>”. "
    "You can create one on your account page."
)
# Writes by a role without the right answer like a missing object, as the web pages do.
NOT_ALLOWED = "There is nothing here you can change."


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def unauthorised() -> Any:
    response = jsonify({"error": {"code": "unauthorised", "message": UNAUTHORISED}})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def token_required(view: F) -> F:
    """The caller must send a working token; the view then finds them with ``api_user()``."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = _bearer_token()
        user = tokens.authenticate(db.session, token) if token else None
        if user is None:
            return unauthorised()
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def api_user() -> User:
    user: User = g.api_user
    return user


def require_any_api(*permissions: Permission) -> None:
    """The caller's role must hold one of the permissions, else 404 (ids leak nothing)."""
    if not has_any_permission(api_user(), *permissions):
        raise NotFound(NOT_ALLOWED)
