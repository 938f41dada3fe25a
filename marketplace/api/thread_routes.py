"""/api/v1/threads: conversations (marketplace.messages) for API callers.

A thread is read and written by its participants and by whoever may plan for the holder it is
about, exactly as on the site (``messages.services.thread_for``); anyone else gets 404. People are
named as conversations show them: a PA by their profile's name, never their account's.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from marketplace.api.auth import api_user, token_required
from marketplace.api.blueprint import bp
from marketplace.api.body import Fields, json_object
from marketplace.api.serialise import iso_time
from marketplace.extensions import db
from marketplace.messages import services
from marketplace.messages.models import Message, MessageThread


def message_json(message: Message, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": message.id,
        "author": names.get(message.author_id, ""),
        "body": message.body,
        "created_at": iso_time(message.created_at),
    }


def thread_json(thread: MessageThread) -> dict[str, Any]:
    """A thread with everyone taking part and every message, oldest first."""
    names = services.shown_names(
        db.session, [p.user for p in thread.participants] + [m.author for m in thread.messages]
    )
    return {
        "thread_id": thread.id,
        "subject": thread.subject,
        "participants": [names[p.user_id] for p in thread.participants],
        "messages": [message_json(message, names) for message in thread.messages],
    }


@bp.get("/threads")
@token_required
def threads() -> Any:
    found = services.threads_of(db.session, api_user())
    return jsonify(
        {
            "threads": [
                {
                    "id": item.thread.id,
                    "subject": item.thread.subject,
                    "others": item.others,
                    "unread": item.unread,
                    "last_message_at": iso_time(item.thread.last_message_at),
                    "last_message": {
                        "author": item.last_author,
                        "body": item.last_message.body,
                        "created_at": iso_time(item.last_message.created_at),
                    }
                    if item.last_message is not None
                    else None,
                }
                for item in found
            ]
        }
    )


@bp.get("/threads/<int:thread_id>/messages")
@token_required
def thread_messages(thread_id: int) -> Any:
    user = api_user()
    thread = services.thread_for(db.session, user, thread_id)
    body = thread_json(thread)
    services.mark_read(db.session, user, thread)  # as reading the page does
    return jsonify(body)


@bp.post("/threads/<int:thread_id>/messages")
@token_required
def post_thread_message(thread_id: int) -> Any:
    user = api_user()
    services.thread_for(db.session, user, thread_id)  # someone else's thread: 404 before the body
    fields = Fields(json_object(), ("body",))
    text = fields.text("body", required=True)
    fields.done()
    message = services.post_message(db.session, user, thread_id, text)
    response = jsonify(message_json(message, services.shown_names(db.session, [user])))
    response.status_code = 201
    response.headers["Location"] = url_for("api.thread_messages", thread_id=thread_id)
    return response
