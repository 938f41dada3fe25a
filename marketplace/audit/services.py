"""Recording reads and changes of care data. Helpers add to the caller's transaction."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from marketplace.audit.models import AuditEvent
from marketplace.extensions import DbSession


def record(
    session: DbSession,
    actor: Any,
    action: str,
    subject_type: str,
    subject_id: int | None,
    holder_id: int | None,
) -> None:
    """Add one audit row to the session; the caller's commit writes it with the rest."""
    via = "api" if has_request_context() and request.path.startswith("/api/") else "web"
    session.add(
        AuditEvent(
            actor_id=getattr(actor, "id", None),
            holder_id=holder_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            via=via,
        )
    )


def record_read(
    session: DbSession, actor: Any, subject_type: str, subject_id: int | None, holder_id: int
) -> None:
    """A read of care data, committed at once (a page view has no other transaction)."""
    record(session, actor, "read", subject_type, subject_id, holder_id)
    session.commit()
