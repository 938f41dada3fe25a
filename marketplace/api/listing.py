"""What the API's list endpoints share: paging parameters, one page of a query, and one audit
row for each record listed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import jsonify
from sqlalchemy import Select

from marketplace.api.body import Fields
from marketplace.audit.services import record
from marketplace.extensions import db
from marketplace.pagination import paginate

PAGING = ("page", "per_page")
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100


def listed(
    query: Fields,
    stmt: Select[Any],
    *,
    key: str,
    subject_type: str,
    actor: Any,
    to_json: Callable[[Any], dict[str, Any]],
) -> Any:
    """One page of ``stmt`` (ordered stably) as ``{key: [...], total, page, per_page}``.

    Reading the ``page``/``per_page`` query parameters completes ``query`` (its errors are
    answered 400). Every record listed is care data read: each gets an audit row.
    """
    page = query.integer("page", required=False) or 1
    per_page = query.integer("per_page", required=False, maximum=MAX_PER_PAGE) or DEFAULT_PER_PAGE
    query.done()
    found = paginate(db.session, stmt, page, per_page)
    body = {
        key: [to_json(item) for item in found.items],
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
    }
    for item in found.items:
        record(db.session, actor, "read", subject_type, item.id, item.holder_id)
    db.session.commit()
    return jsonify(body)
