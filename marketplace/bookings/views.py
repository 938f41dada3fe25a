"""Booking pages: booking an accepted quote or a fixed-price service, one booking with its
sessions and the moves each side may make on them, and the lists of bookings.

Someone else's quote, booking or session answers 404 (the services' rule); a move the viewer's
side may not make is 403; a move the session's state no longer allows (someone moved it first)
is told in a flash on the booking's page. Every page that shows one booking, or a holder's
budget streams on the booking form, records the read in the audit log; the list records one
read per holder for the holder's side, as the quotes list does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace.audit.services import record as audit
from marketplace.audit.services import record_read
from marketplace.bookings import presenting, services, sessions
from marketplace.bookings.access import booking_for, session_for
from marketplace.bookings.forms import AmendForm, BookingForm
from marketplace.bookings.models import Booking, BookingSession
from marketplace.bookings.services import BookingInput, BookingSource, create_booking
from marketplace.budgets.models import BudgetStream
from marketplace.clock import date_text
from marketplace.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InsufficientBudget,
    InvalidTransition,
    NotFound,
)
from marketplace.extensions import db
from marketplace.forms import ActionForm, check_button_post
from marketplace.pagination import page_number, paginate, pagination_params
from marketplace.permissions import PLANNERS, Permission, require_any
from marketplace.plans.common import planner_access
from marketplace.quotes.access import quote_for
from marketplace.quotes.forms import show_refusal
from marketplace.quotes.presenting import holders_of, parse_id, per_unit
from marketplace.quotes.states import Side

bp = Blueprint("bookings", __name__)
T = TypeVar("T")

BOOKING_PEOPLE = (*PLANNERS, Permission.MANAGE_ORG_LISTINGS, Permission.MANAGE_PA_PROFILE)


def _user() -> Any:
    return current_user._get_current_object()


def _render(template: str, **context: Any) -> str:
    return render_template(template, present=presenting, **context)


def _to_booking(booking_id: int) -> Any:
    return redirect(url_for("bookings.booking", booking_id=booking_id))


# --- booking --------------------------------------------------------------------------------------


def _book(
    form: BookingForm,
    source: BookingSource,
    streams: list[BudgetStream],
    make_input: Callable[[], BookingInput],
    context: dict[str, Any],
    overtaken: Callable[[], Any],
) -> Any:
    """Post the booking form: booked → the booking's page, saying what was committed; refused
    → the form again with each problem at its field and a summary of what it would book (400;
    409 when the stream cannot afford it); overtaken (the quote is no longer bookable) →
    ``overtaken()``, saying why. Nothing is written unless it is booked."""
    status = 400
    if form.validate_on_submit():
        try:
            made = create_booking(db.session, _user(), make_input())
        except InsufficientBudget as error:
            form.stream_id.errors = [*form.stream_id.errors, error.message]
            status = 409
        except (Conflict, InvalidTransition) as error:
            flash(error.message)
            return overtaken()
        except DomainError as error:
            show_refusal(form, error, BookingForm.ALIASES)
        else:
            flash(presenting.booked_text(made), "success")
            return _to_booking(made.id)
    shown = presenting.summary(make_input(), source, streams)
    return _render("bookings/book.html", form=form, summary=shown, **context), status


def _book_page(
    source: BookingSource,
    holder_name: str,
    streams: list[BudgetStream],
    defaults: BookingInput,
    make_input: Callable[[BookingForm], BookingInput],
    context: dict[str, Any],
    overtaken: Callable[[], Any],
) -> Any:
    """The booking form for ``source``: GET shows it filled with ``defaults``, POST books."""
    user = _user()
    context = {
        **context,
        "source": source,
        "holder_name": holder_name,
        "price": per_unit(source.unit_price_pence, source.unit),
        "no_budget": not streams,
        "title": f"Book {source.description}",
    }
    if request.method == "GET":
        form = BookingForm.from_input(defaults)
        form.stream_id.choices = presenting.stream_choices(streams)
        html = _render("bookings/book.html", form=form, summary=None, **context)
        record_read(db.session, user, "holder_record", source.holder_id, source.holder_id)
        return html
    form = BookingForm()
    form.stream_id.choices = presenting.stream_choices(streams)
    return _book(form, source, streams, lambda: make_input(form), context, overtaken)


@bp.route("/quotes/<int:quote_id>/book", methods=["GET", "POST"])
@login_required
def book_quote(quote_id: int) -> Any:
    item, side = quote_for(db.session, _user(), quote_id)
    if side is not Side.REQUESTER:
        raise Forbidden("Only the person's side can book a quote.")
    booked = presenting.booking_of_quote(db.session, item.id)
    if booked is not None:
        flash("This quote is booked already: here is the booking.")
        return _to_booking(booked)
    refusal = services.quote_refusal(item)
    if refusal is not None:
        flash(refusal.message)
        return redirect(url_for("quotes.quote", quote_id=item.id))
    source = services.source_of_quote(item)
    return _book_page(
        source,
        item.request.holder.name,
        presenting.stream_options(db.session, source.holder_id),
        presenting.quote_defaults(item),
        lambda form: form.to_input(quote_id=item.id),
        {"quote": item, "back": url_for("quotes.quote", quote_id=item.id)},
        lambda: redirect(url_for("quotes.quote", quote_id=item.id)),
    )


@bp.route("/offers/<int:offer_id>/book", methods=["GET", "POST"])
@require_any(*PLANNERS)
def book_offer(offer_id: int) -> Any:
    user = _user()
    offer = services.bookable_offer(db.session, offer_id)
    holder_id = parse_id(request.args.get("holder"))
    if holder_id is None:
        holders = holders_of(db.session, user)
        if len(holders) != 1:
            return _render(
                "bookings/choose_holder.html",
                offer=offer,
                holders=holders,
                title="Who is the booking for?",
            )
        holder_id = holders[0].id
    holder = planner_access(db.session, user, holder_id, services.OFFER_NOT_FOUND).holder
    streams = presenting.stream_options(db.session, holder.id)
    back = url_for("directory.offer", offer_id=offer.id)
    return _book_page(
        services.source_of_offer(offer, holder.id),
        holder.name,
        streams,
        presenting.offer_defaults(offer, holder.id, streams),
        lambda form: form.to_input(offer_id=offer.id, holder_id=holder.id),
        {"offer": offer, "holder": holder, "back": back},
        lambda: redirect(back),
    )


# --- one booking ----------------------------------------------------------------------------------


def _booking_context(item: Booking, side: Side) -> dict[str, Any]:
    return {
        "booking": item,
        "side": side,
        "requester": side is Side.REQUESTER,
        "money": presenting.booking_money(item),
        "present_pattern": presenting.pattern_text(item),
        "session_labels": presenting.SESSION_LABELS,
    }


@bp.get("/bookings/<int:booking_id>")
@login_required
def booking(booking_id: int) -> Any:
    user = _user()
    item, side = booking_for(db.session, user, booking_id)
    html = _render(
        "bookings/booking.html",
        groups=presenting.session_groups(item),
        title=item.description,
        **_booking_context(item, side),
    )
    record_read(db.session, user, "booking", item.id, item.holder_id)
    return html


@bp.get("/bookings/<int:booking_id>/sessions")
@login_required
def all_sessions(booking_id: int) -> Any:
    user = _user()
    item, side = booking_for(db.session, user, booking_id)
    page = paginate(
        db.session,
        presenting.sessions_query(item.id),
        page_number(request.args.get("page")),
        presenting.SESSIONS_PER_PAGE,
    )
    html = _render(
        "bookings/sessions.html",
        page=page,
        pagination=pagination_params(page, request.path, request.args),
        title=f"Every session: {item.description}",
        **_booking_context(item, side),
    )
    record_read(db.session, user, "booking", item.id, item.holder_id)
    return html


# --- moves ----------------------------------------------------------------------------------------


def _posted(booking_id: int, move: Callable[[], T], done: Callable[[T], str]) -> Any:
    """Post a move (its form carries only the CSRF token): done → the booking's page saying
    where the money went; overtaken (409: someone moved it first, its day has not come) → the
    booking's page, saying why."""
    check_button_post()
    try:
        result = move()
    except (InvalidTransition, Conflict) as error:
        flash(error.message)
    else:
        flash(done(result), "success")
    return _to_booking(booking_id)


def _session_move(
    session_id: int,
    move: Callable[[Any, Any, int], BookingSession],
    done: Callable[[BookingSession], str],
) -> Any:
    user = _user()
    item, _side = session_for(db.session, user, session_id)
    return _posted(item.booking_id, lambda: move(db.session, user, session_id), done)


@bp.post("/sessions/<int:session_id>/deliver")
@login_required
def deliver(session_id: int) -> Any:
    return _session_move(session_id, sessions.deliver, presenting.delivered_text)


@bp.post("/sessions/<int:session_id>/confirm")
@login_required
def confirm(session_id: int) -> Any:
    return _session_move(session_id, sessions.confirm, presenting.confirmed_text)


@bp.post("/sessions/<int:session_id>/missed")
@login_required
def missed(session_id: int) -> Any:
    return _session_move(session_id, sessions.missed, presenting.missed_text)


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_session(session_id: int) -> Any:
    user = _user()
    item, side = session_for(db.session, user, session_id)
    booking_id = item.booking_id
    if request.method == "POST":
        return _posted(
            booking_id,
            lambda: sessions.cancel(db.session, user, session_id),
            presenting.cancelled_text,
        )
    refusal = presenting.cancel_refusal(item, side)
    if refusal is not None:
        flash(refusal)
        return _to_booking(booking_id)
    html = _render(
        "bookings/cancel_session.html",
        item=item,
        booking=item.booking,
        side=side,
        cost=sessions.cancellation(item, side),
        form=ActionForm(formdata=None),
        title=f"Cancel the session on {date_text(item.day)}?",
    )
    record_read(db.session, user, "booking", booking_id, item.booking.holder_id)
    return html


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_rest(booking_id: int) -> Any:
    user = _user()
    item, side = booking_for(db.session, user, booking_id)
    if request.method == "POST":
        return _posted(
            booking_id,
            lambda: sessions.cancel_rest(db.session, user, item, side),
            lambda costs: presenting.rest_cancelled_text(item, presenting.rest_cost(costs)),
        )
    if item.status != "active":
        flash(sessions.CANCELLED_ALREADY)
        return _to_booking(booking_id)
    html = _render(
        "bookings/cancel_rest.html",
        booking=item,
        side=side,
        cost=presenting.rest_preview(item, side),
        form=ActionForm(formdata=None),
        title="Cancel the rest of this booking?",
    )
    record_read(db.session, user, "booking", item.id, item.holder_id)
    return html


@bp.route("/bookings/<int:booking_id>/change", methods=["GET", "POST"])
@login_required
def amend(booking_id: int) -> Any:
    """Change the hours (or units) or the price of the sessions still to come: the budget is
    checked again (a rise is committed or refused whole; a fall is released)."""
    user = _user()
    item, side = booking_for(db.session, user, booking_id)
    if side is not Side.REQUESTER:
        raise NotFound("Not found.")  # the provider changes nothing here: they are told
    if item.status != "active":
        flash(sessions.CANCELLED_ALREADY)
        return _to_booking(booking_id)
    status = 200
    if request.method == "GET":
        form = AmendForm.for_booking(item)
    else:
        form = AmendForm()
        status = 400
        if form.validate_on_submit():
            try:
                delta = services.amend_booking(db.session, user, item.id, form.to_amendment())
            except InsufficientBudget as error:
                form.quantity_hundredths.errors = [*form.quantity_hundredths.errors, error.message]
                status = 409
            except InvalidTransition as error:
                flash(error.message)
                return _to_booking(booking_id)
            except DomainError as error:
                show_refusal(form, error, {})
            else:
                flash(presenting.amended_text(item, delta), "success")
                return _to_booking(booking_id)
    html = _render(
        "bookings/amend.html",
        booking=item,
        form=form,
        price=per_unit(item.unit_price_pence, item.unit),
        title="Change the sessions to come",
    )
    record_read(db.session, user, "booking", item.id, item.holder_id)
    return html, status


# --- the list -------------------------------------------------------------------------------------


@bp.get("/bookings")
@require_any(*BOOKING_PEOPLE)
def index() -> Any:
    user = _user()
    found = presenting.bookings_query(user)
    if found is None:
        raise NotFound("Not found.")
    query, side = found
    page = paginate(
        db.session, query, page_number(request.args.get("page")), presenting.BOOKINGS_PER_PAGE
    )
    html = _render(
        "bookings/index.html",
        rows=presenting.booking_rows(db.session, list(page.items)),
        page=page,
        pagination=pagination_params(page, request.path, request.args),
        requester=side is Side.REQUESTER,
        title="Bookings",
    )
    if side is Side.REQUESTER:
        # One read per holder whose bookings the list shows, once the page is rendered.
        for holder_id in sorted({b.holder_id for b in page.items}):
            audit(db.session, user, "read", "bookings", None, holder_id)
        db.session.commit()
    return html
