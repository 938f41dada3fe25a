"""Quote pages: ask for quotes, compare the answers, negotiate and accept; the provider's list
of requests to answer and their answers. Someone else's quote or request answers 404 (the
services' rule); a move the viewer's side may not make is 403; a move the quote's state no longer
allows (someone moved it first, it expired) is told in a flash on the quote's page.

Every page that shows a holder's request to the holder's side records the read in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from marketplace.audit.services import record as audit
from marketplace.audit.services import record_read
from marketplace.bookings.presenting import booking_of_quote
from marketplace.clock import today
from marketplace.errors import Conflict, DomainError, InvalidTransition, ValidationFailed
from marketplace.extensions import db
from marketplace.forms import keep_on_form, render_invalid
from marketplace.listings.fields import example_date
from marketplace.messages.forms import MessageForm
from marketplace.messages.services import mark_read, shown_names
from marketplace.notifications.services import mark_read_about
from marketplace.permissions import PLANNERS, Permission, require_any
from marketplace.quotes import answers, presenting, states
from marketplace.quotes.access import quote_for, request_for
from marketplace.quotes.comparison import compare
from marketplace.quotes.forms import (
    AcceptForm,
    CounterForm,
    OfferForm,
    ReasonForm,
    RequestForm,
    show_refusal,
)
from marketplace.quotes.models import Quote, QuoteRequest
from marketplace.quotes.requests import PLANNER_ROLES, create_request, quotes_to_answer, requests_of
from marketplace.quotes.states import QuoteStatus, Side, check_move
from marketplace.quotes.telling import per_unit

bp = Blueprint("quotes", __name__)

S = QuoteStatus
QUOTE_PEOPLE = (*PLANNERS, Permission.MANAGE_ORG_LISTINGS, Permission.MANAGE_PA_PROFILE)


def _user() -> Any:
    return current_user._get_current_object()


def _render(template: str, **context: Any) -> str:
    """A quote page: every one reads the state machine's labels and the presenting helpers."""
    return render_template(template, states=states, present=presenting, **context)


def _ids(name: str) -> list[int]:
    found = (presenting.parse_id(value) for value in request.args.getlist(name))
    return list(dict.fromkeys(i for i in found if i is not None))


def _to_quote(quote_id: int, anchor: str | None = None) -> Any:
    return redirect(url_for("quotes.quote", quote_id=quote_id, _anchor=anchor))


# --- the lists ----------------------------------------------------------------------------------


@bp.get("/quotes")
@require_any(*QUOTE_PEOPLE)
def index() -> Any:
    user = _user()
    if user.role in PLANNER_ROLES:
        found = requests_of(db.session, user)
        html = _render(
            "quotes/index.html",
            rows=presenting.request_rows(found),
            own=user.role == "holder",
            title="Quotes",
        )
        # One read per holder whose requests the list shows, once the page is rendered.
        for holder_id in sorted({r.holder_id for r in found}):
            audit(db.session, user, "read", "quote_requests", None, holder_id)
        db.session.commit()
        return html
    waiting, others = presenting.to_answer_first(quotes_to_answer(db.session, user))
    return _render("quotes/to_answer.html", waiting=waiting, others=others, title="Quotes")


# --- asking for quotes --------------------------------------------------------------------------


def _example() -> str:
    return example_date(today() + presenting.EXAMPLE_AFTER)


@bp.route("/quote-requests/new", methods=["GET", "POST"])
@require_any(*PLANNERS)
def new_request() -> Any:
    user = _user()
    if request.method == "POST":
        return _create_request(user)
    start = presenting.start_request(
        db.session,
        user,
        offer_ids=_ids("offer"),
        pa_ids=_ids("pa"),
        line_id=presenting.parse_id(request.args.get("line")),
        need_id=presenting.parse_id(request.args.get("need")),
        holder_id=presenting.parse_id(request.args.get("holder")),
    )
    holders = presenting.holders_of(db.session, user)
    if start.holder_id is None:
        carried = [
            (name, value)
            for name, value in request.args.items(multi=True)
            if name in {"offer", "pa"} and presenting.parse_id(value) is not None
        ]
        return _render(
            "quotes/choose_holder.html",
            holders=holders,
            carried=carried,
            title="Who are the quotes for?",
        )
    data = start.data
    choices = presenting.request_choices(
        db.session, user, start.holder_id, data.offer_ids, data.pa_profile_ids
    )
    form = RequestForm.from_input(data)
    form.set_choices(choices)
    html = _new_page(form, choices, holders, start.note)
    record_read(db.session, user, "holder_record", start.holder_id, start.holder_id)
    return html


def _new_page(
    form: RequestForm, choices: presenting.RequestChoices, holders: list[Any], note: str
) -> str:
    offers, pas = form.listings()
    return _render(
        "quotes/new.html",
        form=form,
        choices=choices,
        several=len(holders) > 1,
        change_holder=url_for("quotes.new_request", offer=offers, pa=pas),
        note=note,
        example=_example(),
        title="Ask for quotes",
    )


def _create_request(user: Any) -> Any:
    form = RequestForm()
    holder_id = form.holder()
    if holder_id is None:
        abort(400)
    offers, pas = form.listings()
    # Someone else's holder: NotFound (404) before anything is read or written.
    choices = presenting.request_choices(db.session, user, holder_id, offers, pas)
    form.set_choices(choices)
    if form.validate_on_submit():
        try:
            made = create_request(db.session, user, form.to_input(choices.plan is not None))
        except DomainError as error:
            show_refusal(form, error, RequestForm.ALIASES)
        else:
            flash(_asked_text(made), "success")
            return redirect(url_for("quotes.request_page", request_id=made.id))
    html = _new_page(form, choices, presenting.holders_of(db.session, user), "")
    return html, 400


def _asked_text(made: QuoteRequest) -> str:
    names = [q.provider_name for q in made.quotes]
    if len(names) == 1:
        return f"Asked {names[0]} for a quote. We will tell you when they answer."
    return (
        f"Asked {len(names)} providers for quotes: {presenting.listed(names)}. "
        "We will tell you when each answers."
    )


# --- the comparison -----------------------------------------------------------------------------


@bp.get("/quote-requests/<int:request_id>")
@require_any(*PLANNERS)
def request_page(request_id: int) -> Any:
    user = _user()
    asked = request_for(db.session, user, request_id)
    html = _render(
        "quotes/request.html",
        asked=asked,
        comparison=compare(asked),
        own=asked.holder_id == user.id,
        title=asked.description,
    )
    record_read(db.session, user, "quote_request", asked.id, asked.holder_id)
    return html


# --- one quote ----------------------------------------------------------------------------------


def _quote_page(quote_id: int, form: FlaskForm, status: int = 200) -> Any:
    user = _user()
    item, side = quote_for(db.session, user, quote_id)
    asked = item.request
    thread = item.thread
    authors = [m.author for m in thread.messages] if thread is not None else []
    requester = side is Side.REQUESTER
    column = None
    if requester:
        column = next(c for c in compare(asked).columns if c.quote.id == item.id)
    html = _render(
        "quotes/quote.html",
        quote=item,
        asked=asked,
        side=side,
        requester=requester,
        column=column,
        actions=presenting.actions(item, side),
        answer_by=presenting.answer_by(item, side),
        history=presenting.history(db.session, item),
        booking_id=booking_of_quote(db.session, item.id) if item.status == S.ACCEPTED else None,
        thread=thread,
        names=shown_names(db.session, authors) if authors else {},
        form=form,
        title=f"Quote: {asked.description}",
    )
    if requester:
        record_read(db.session, user, "quote", item.id, asked.holder_id)
    # Seen: the quote's notifications (and, below, its messages') are read.
    mark_read_about(db.session, user, url_for("quotes.quote", quote_id=item.id))
    if thread is not None:
        mark_read(db.session, user, thread)
    else:
        db.session.commit()
    return html, status


@bp.get("/quotes/<int:quote_id>")
@login_required
def quote(quote_id: int) -> Any:
    return _quote_page(quote_id, MessageForm(formdata=None))


@bp.post("/quotes/<int:quote_id>/messages")
@login_required
def message(quote_id: int) -> Any:
    form = MessageForm()
    if form.validate_on_submit():
        try:
            answers.write_about_quote(db.session, _user(), quote_id, form.body.data or "")
        except DomainError as error:
            keep_on_form(form, error)
        else:
            flash("Your message is sent. We have emailed it to the others too.", "success")
            return _to_quote(quote_id, "messages")
    return _quote_page(quote_id, form, 400)


# --- moves ----------------------------------------------------------------------------------------


def _movable(quote_id: int, wanted: QuoteStatus) -> tuple[Quote, Side] | Any:
    """The quote and the viewer's side when they may make that move now. The other side's
    move is 403 (Forbidden); a move the state no longer allows sends them back to the quote,
    saying why."""
    item, side = quote_for(db.session, _user(), quote_id)
    try:
        check_move(item.status, wanted, side)
    except InvalidTransition as error:
        flash(error.message)
        return _to_quote(item.id)
    return item, side


def _move(
    item: Quote,
    form: Any,
    template: str,
    context: dict[str, Any],
    call: Callable[[], Any],
    done: Callable[[], str],
) -> Any:
    """Post a move: done → the quote's page with ``done()``; refused → the form again (400);
    overtaken (409: someone moved it first, it expired) → the quote's page, saying so."""
    if form.validate_on_submit():
        try:
            call()
        except (InvalidTransition, Conflict) as error:
            flash(error.message)
            return _to_quote(item.id)
        except DomainError as error:
            show_refusal(form, error, form.ALIASES)
        else:
            flash(done(), "success")
            return _to_quote(item.id)
    return render_invalid(template, form, states=states, present=presenting, **context)


@bp.route("/quotes/<int:quote_id>/offer", methods=["GET", "POST"])
@login_required
def offer(quote_id: int) -> Any:
    found = _movable(quote_id, S.OFFERED)
    if not isinstance(found, tuple):
        return found
    item, side = found
    heading = presenting.offer_heading(item)
    context = {"quote": item, "asked": item.request, "side": side, "title": heading}
    if request.method == "GET":
        form = OfferForm.from_terms(presenting.offer_terms_for(item))
        return _render("quotes/offer.html", form=form, **context)
    form = OfferForm()
    return _move(
        item,
        form,
        "quotes/offer.html",
        context,
        lambda: answers.offer_quote(db.session, _user(), item.id, form.to_terms()),
        lambda: (
            f"Your quote of {per_unit(item.unit_price_pence, item.request.unit)} is sent. "
            f"We have told {item.request.holder.name}'s side."
        ),
    )


@bp.route("/quotes/<int:quote_id>/counter", methods=["GET", "POST"])
@login_required
def counter(quote_id: int) -> Any:
    found = _movable(quote_id, S.COUNTERED)
    if not isinstance(found, tuple):
        return found
    item, side = found
    context = {"quote": item, "asked": item.request, "side": side, "title": "Make a counter-offer"}
    if request.method == "GET":
        return _render("quotes/counter.html", form=CounterForm(formdata=None), **context)
    form = CounterForm()
    return _move(
        item,
        form,
        "quotes/counter.html",
        context,
        lambda: answers.counter_quote(
            db.session, _user(), item.id, form.counter_price_pence.data, form.note.data or ""
        ),
        lambda: (
            f"Your counter-offer of {per_unit(item.counter_price_pence, item.request.unit)} "
            f"is sent to {item.provider_name}."
        ),
    )


def _closing(quote_id: int, wanted: QuoteStatus) -> Any:
    """Declining and withdrawing: one page with a reason, for either side (declining a
    counter-offer too, which keeps the provider's price on offer)."""
    found = _movable(quote_id, wanted)
    if not isinstance(found, tuple):
        return found
    item, side = found
    before = item.status
    context = {
        "quote": item,
        "asked": item.request,
        "side": side,
        "wanted": wanted,
        "before": before,
        "keeps_price": states.leads_to(before, wanted) == S.OFFERED,
        "price": per_unit(item.unit_price_pence, item.request.unit),
        "hint": presenting.move_hint(item, side, wanted),
        "title": presenting.closing_heading(item, side, wanted),
    }
    if request.method == "GET":
        return _render("quotes/close.html", form=ReasonForm(formdata=None), **context)
    form = ReasonForm()
    service = answers.decline_quote if wanted == S.DECLINED else answers.withdraw_quote
    return _move(
        item,
        form,
        "quotes/close.html",
        context,
        lambda: service(db.session, _user(), item.id, form.reason.data or ""),
        lambda: presenting.closed_text(item, side, before),
    )


@bp.route("/quotes/<int:quote_id>/decline", methods=["GET", "POST"])
@login_required
def decline(quote_id: int) -> Any:
    return _closing(quote_id, S.DECLINED)


@bp.route("/quotes/<int:quote_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(quote_id: int) -> Any:
    return _closing(quote_id, S.WITHDRAWN)


@bp.route("/quotes/<int:quote_id>/accept", methods=["GET", "POST"])
@login_required
def accept(quote_id: int) -> Any:
    found = _movable(quote_id, S.ACCEPTED)
    if not isinstance(found, tuple):
        return found
    item, _side = found
    preview = presenting.accept_preview(db.session, item)
    name = item.provider_name
    context = {"quote": item, "asked": item.request, "preview": preview}
    title = f"Accept the quote from {name}?"
    if request.method == "GET":
        return _render("quotes/accept.html", form=AcceptForm(formdata=None), title=title, **context)
    form = AcceptForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        answers.accept_quote(db.session, _user(), item.id)
    except (InvalidTransition, Conflict) as error:
        flash(error.message)
        return _to_quote(item.id)
    except DomainError as error:
        if error.status_code in (403, 404):
            raise
        # The plan refused the line (a package rule): nothing is accepted; say what to change.
        messages = error.errors.values() if isinstance(error, ValidationFailed) else [error.message]
        problems = [{"text": message, "href": "#what-happens"} for message in messages]
        html = _render("quotes/accept.html", form=form, problems=problems, title=title, **context)
        return html, 400
    flash(presenting.accepted_text(db.session, item, preview.others), "success")
    return _to_quote(item.id)
