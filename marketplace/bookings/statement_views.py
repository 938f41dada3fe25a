"""A budget stream's statement, as a printable page and as CSV (bookings.statements)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from marketplace.audit.services import record_read
from marketplace.bookings.statements import statement, statement_csv, stream_for
from marketplace.extensions import db

bp = Blueprint("statements", __name__)


def _found(stream_id: int, what: str) -> Any:
    user = current_user._get_current_object()
    stream = stream_for(db.session, user, stream_id)
    found = statement(db.session, stream)
    record_read(db.session, user, what, stream.id, stream.budget.holder_id)
    return found


@bp.get("/budget-streams/<int:stream_id>/statement")
@login_required
def page(stream_id: int) -> Any:
    found = _found(stream_id, "statement")
    stream = found.stream
    return render_template(
        "statements/statement.html",
        statement=found,
        stream=stream,
        budget=stream.budget,
        title=f"Statement: {stream.name}",
    )


@bp.get("/budget-streams/<int:stream_id>/statement.csv")
@login_required
def csv(stream_id: int) -> Any:
    found = _found(stream_id, "statement_csv")
    budget = found.stream.budget
    name = f"statement-{budget.holder_id}-{found.stream.kind}-{budget.year_start.isoformat()}.csv"
    return Response(
        statement_csv(found),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
