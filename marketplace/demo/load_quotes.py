"""Write the demo's quote requests and answers, through the quotes services (issue 8).

Like the adverts, quotes are asked today, as a person would, so the services' rules check the
demo too. Grace's broker has asked two providers what the council-managed service in her draft plan
(at full scale "Small repairs and odd jobs") would cost: the line's own provider has quoted below its listed price and another
has quoted its listed price, so the comparison has two answers to weigh and accept. Grace has
also asked Aire Valley Home Care (provider@demo.example) for cleaning and laundry: that quote is
waiting for the provider's answer. A request is looked up by its holder and description, so a
second run adds nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, select

from marketplace.accounts.models import User
from marketplace.demo.plan import DEMO_PROVIDER
from marketplace.directory.models import Offer, Organisation
from marketplace.plans.models import PlanLine
from marketplace.quotes import answers
from marketplace.quotes.access import PROVIDER_ROLES
from marketplace.quotes.answers import OfferTerms
from marketplace.quotes.models import QuoteRequest
from marketplace.quotes.requests import RequestInput, create_request, draft_plan

if TYPE_CHECKING:
    from marketplace.demo.load import Loader

CLEANING = "Help with cleaning, laundry and ironing"


def quotes(loader: Loader) -> None:
    with loader.progress("Quote requests and answers", 2) as bar:
        _managed_line_request(loader)
        bar.update(1)
        _cleaning_request(loader)
        bar.update(1)


def _user(loader: Loader, email: str) -> User:
    return loader.session.execute(select(User).where(User.email == email)).scalar_one()


def _exists(loader: Loader, holder: User, description: str) -> bool:
    found = loader.session.scalar(
        select(QuoteRequest.id).where(
            QuoteRequest.holder_id == holder.id, QuoteRequest.description == description
        )
    )
    if found is not None:
        loader.report.found["quote requests"] += 1
    return found is not None


def _staff(loader: Loader, organisation_id: int | None) -> User | None:
    return loader.session.scalar(
        select(User)
        .where(
            User.organisation_id == organisation_id,
            User.role.in_(PROVIDER_ROLES),
            User.active.is_(True),
        )
        .order_by(User.id)
        .limit(1)
    )


def _terms(loader: Loader, offer: Offer, price_pence: int, note: str) -> OfferTerms:
    return OfferTerms(
        unit_price_pence=price_pence,
        direct_bp=offer.direct_bp,
        coordination_bp=offer.coordination_bp,
        overheads_bp=offer.overheads_bp,
        start_on=loader.reference.date() + timedelta(days=21),
        notice_hours=48,
        late_cancel_bp=5000,
        note=note,
    )


def _schedule(line: PlanLine) -> dict[str, Any]:
    return {
        "frequency": line.frequency,
        "quantity_hundredths": line.quantity_hundredths,
        "unit": line.unit,
        "days": list(line.days or ()),
        "time_bands": list(line.time_bands or ()),
    }


def _managed_line_request(loader: Loader) -> None:
    session = loader.session
    grace, broker = _user(loader, "holder@demo.example"), _user(loader, "broker@demo.example")
    plan = draft_plan(session, grace.id)
    line = next(
        (
            item
            for item in (plan.lines if plan is not None else [])
            if item.offer is not None and item.stream is not None and item.stream.kind == "managed"
        ),
        None,
    )
    if line is None or line.offer is None or _exists(loader, grace, line.description):
        return
    own = line.offer
    other = session.scalar(
        select(Offer)
        .join(Organisation, Offer.organisation_id == Organisation.id)
        .where(
            Offer.status == "published",
            Offer.price_unit == own.price_unit,
            Offer.pay_managed.is_(True),
            Offer.organisation_id.not_in([own.organisation_id]),
            Organisation.name != DEMO_PROVIDER,
        )
        # A Leeds provider of the same service if there is one (there is at full scale), else
        # of the same kind of service ("Deep cleaning" is home help too, but not repairs), else
        # the nearest thing to it.
        .order_by(
            case((Organisation.base_district.like("LS%"), 0), else_=1),
            case((Offer.title == own.title, 0), else_=1),
            case((Offer.category == own.category, 0), else_=1),
            Offer.id,
        )
        .limit(1)
    )
    offers = [own] + ([other] if other is not None else [])
    request = create_request(
        session,
        broker,
        RequestInput(
            holder_id=grace.id,
            offer_ids=[offer.id for offer in offers],
            description=line.description,
            details="Shelves, a dripping tap, changing light bulbs I cannot reach. "
            "The same person each week if possible.",
            start_on=loader.reference.date() + timedelta(days=14),
            line_id=line.id,
            **_schedule(line),
        ),
    )
    loader.report.added["quote requests"] += 1
    notes = ("We can do Tuesday mornings; tools and small parts included.", "")
    for quote, offer, note in zip(request.quotes, offers, notes, strict=False):
        staff = _staff(loader, offer.organisation_id)
        if staff is None:
            continue
        price = offer.price_pence - 125 if offer is own else offer.price_pence
        answers.offer_quote(session, staff, quote.id, _terms(loader, offer, price, note))
        loader.report.added["quotes offered"] += 1


def _cleaning_request(loader: Loader) -> None:
    session = loader.session
    grace = _user(loader, "holder@demo.example")
    if _exists(loader, grace, CLEANING):
        return
    offer = session.scalar(
        select(Offer)
        .join(Organisation, Offer.organisation_id == Organisation.id)
        .where(
            Organisation.name == DEMO_PROVIDER,
            Offer.status == "published",
            Offer.category == "home-help",
            Offer.price_unit == "hour",
        )
        .order_by(Offer.id)
        .limit(1)
    )
    plan = draft_plan(session, grace.id)
    managed = (
        next(
            (
                line.stream_id
                for line in plan.lines
                if line.stream and line.stream.kind == "managed"
            ),
            None,
        )
        if plan
        else None
    )
    if offer is None:
        return
    create_request(
        session,
        grace,
        RequestInput(
            holder_id=grace.id,
            offer_ids=[offer.id],
            description=CLEANING,
            details="Two hours on a Friday afternoon. I have a cat.",
            frequency="week",
            quantity_hundredths=200,
            unit="hours",
            days=["fri"],
            time_bands=["afternoon"],
            start_on=loader.reference.date() + timedelta(days=14),
            stream_id=managed,
        ),
    )
    loader.report.added["quote requests"] += 1
