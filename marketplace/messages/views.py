"""Conversations: the list of a person's threads and one thread, read and replied to; and a
listing's "Contact" page, which starts one.

A thread is shown only to its participants and to whoever may plan for the holder it is about
(``services.thread_for``); anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.forms import keep_on_form, render_invalid
from marketplace.messages import contact as contacting
from marketplace.messages import services
from marketplace.messages.forms import MessageForm
from marketplace.messages.models import MessageThread

bp = Blueprint("messages", __name__)

EXCERPT_CHARS = 120


def _user() -> Any:
    return current_user._get_current_object()


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a message on one line, cut at a word with "…" when it is longer."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


bp.add_app_template_filter(excerpt, "excerpt")
# The listing pages show "Contact …" to everyone but whoever answers for the listing.
bp.add_app_template_global(contacting.is_own_listing, "is_own_listing")


@bp.get("/messages")
@login_required
def index() -> Any:
    return render_template("messages/index.html", threads=services.threads_of(db.session, _user()))


def _people(thread: MessageThread, user: Any) -> dict[str, Any]:
    """The names the thread page shows: of the others taking part, and of each author."""
    names = services.shown_names(
        db.session, [p.user for p in thread.participants] + [m.author for m in thread.messages]
    )
    others = [names[p.user_id] for p in thread.participants if p.user_id != user.id]
    return {"others": others, "names": names}


@bp.route("/messages/<int:thread_id>", methods=["GET", "POST"])
@login_required
def thread(thread_id: int) -> Any:
    user = _user()
    found = services.thread_for(db.session, user, thread_id)
    if request.method == "GET":
        services.mark_read(db.session, user, found)
        return render_template(
            "messages/thread.html",
            thread=found,
            reply_form=MessageForm(formdata=None),
            **_people(found, user),
        )
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.post_message(db.session, user, thread_id, form.body.data or "")
        except DomainError as error:
            keep_on_form(form, error)
        else:
            flash("Your message is sent.", "success")
            return redirect(url_for("messages.thread", thread_id=thread_id, _anchor="reply"))
    return render_invalid(
        "messages/thread.html",
        form,
        thread=found,
        reply_form=form,
        **_people(found, user),
    )


@bp.route("/contact/<kind>/<int:listing_id>", methods=["GET", "POST"])
@login_required
def contact(kind: str, listing_id: int) -> Any:
    user = _user()
    page = contacting.contact_page(db.session, user, kind, listing_id)
    if request.method == "GET":
        return render_template("messages/contact.html", form=MessageForm(formdata=None), page=page)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            thread = contacting.contact_listing(
                db.session, user, kind, listing_id, form.body.data or ""
            )
        except DomainError as error:
            keep_on_form(form, error)
        else:
            flash(f"Your message is sent to {page.target.name}.", "success")
            return redirect(url_for("messages.thread", thread_id=thread.id))
    if page.refusal:  # no form to correct: the page says why, and what to do instead
        return render_template("messages/contact.html", form=None, page=page), 400
    return render_invalid("messages/contact.html", form, page=page)
