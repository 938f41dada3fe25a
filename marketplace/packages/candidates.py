"""Which offers could stand in for a plan's service lines: the one query behind the alternatives.

It reads only the facts ranking needs (columns, not ORM objects: hundreds of rows cost little)
for every category of the plan at once, at most ``CANDIDATE_LIMIT`` per category, cheapest first.
Published offers of published owners only, that have room, listed for the holder's council or
delivered online, priced in one of the lines' units or free, payable by one of the lines' kinds of
stream. Which unit and which stream go with which line is settled per line by ``alternatives``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, func, or_, select

from marketplace import geo
from marketplace.directory import vocab
from marketplace.directory.models import ListingArea, Offer, Organisation, PAProfile
from marketplace.extensions import DbSession
from marketplace.plans.models import PlanLine

PUBLISHED = "published"
FREE = "free"
# Per category. Every cheaper offer ranks above every dearer one, so the best few are always
# among the cheapest; 500 is far more than one council's area lists of one kind in practice.
CANDIDATE_LIMIT = 500

_PAY_FLAG = {"dp": Offer.pay_dp, "managed": Offer.pay_managed, "isf": Offer.pay_isf}


class Candidate(NamedTuple):
    """What ranking needs to know of an offer (read as plain columns, for speed)."""

    id: int
    category: str
    price_pence: int
    price_unit: str
    pay_dp: bool
    pay_managed: bool
    pay_isf: bool
    council_run: bool
    deliver_home: bool
    deliver_venue: bool
    venue_district: str | None
    owner_district: str | None  # the organisation's base, or the PA's home
    regulator: str | None  # None: offered by a PA, not an organisation
    rating: str | None

    @classmethod
    def of(cls, offer: Offer) -> Candidate:
        organisation, pa = offer.organisation, offer.pa_profile
        owner_district = (
            organisation.base_district
            if organisation is not None
            else (pa.home_district if pa is not None else None)
        )
        return cls(
            id=offer.id,
            category=offer.category,
            price_pence=offer.price_pence,
            price_unit=offer.price_unit,
            pay_dp=offer.pay_dp,
            pay_managed=offer.pay_managed,
            pay_isf=offer.pay_isf,
            council_run=organisation is not None and organisation.kind == vocab.COUNCIL_RUN,
            deliver_home=offer.deliver_home,
            deliver_venue=offer.deliver_venue,
            venue_district=offer.venue_district,
            owner_district=owner_district,
            regulator=organisation.regulator if organisation is not None else None,
            rating=organisation.rating if organisation is not None else None,
        )

    def payable_by(self, stream_kind: str) -> bool:
        if stream_kind == "dp":
            return bool(self.pay_dp and not self.council_run)
        if stream_kind == "managed":
            return bool(self.pay_managed)
        return bool(self.pay_isf) if stream_kind == "isf" else True

    def km_from(self, home: geo.District | None) -> float | None:
        """From the holder's district to where the offer happens: its venue, else (delivered at
        home) its owner's base; None when unknown or online only."""
        if self.deliver_venue and self.venue_district:
            code: str | None = self.venue_district
        else:
            code = self.owner_district if self.deliver_home else None
        place = geo.districts().get(code) if code else None
        if home is None or place is None:
            return None
        return geo.distance_km(home, place)


def candidates_query(
    categories: Iterable[str],
    stream_kinds: Iterable[str],
    units: Iterable[str],
    council_id: int | None,
) -> Any:
    """The facts (columns in ``Candidate``'s order) of the offers that may stand in for lines of
    ``categories`` paid by streams of ``stream_kinds``, priced in ``units`` (or free), for a
    holder in ``council_id``: the cheapest ``CANDIDATE_LIMIT`` of each category. Which unit and
    which stream go with which line is settled per line, in Python."""
    kinds = set(stream_kinds)
    owner_published: ColumnElement[bool] = or_(
        Organisation.status == PUBLISHED, PAProfile.status == PUBLISHED
    )
    served: ColumnElement[bool] = Offer.deliver_online.is_(True)
    if council_id is not None:
        listed = select(ListingArea.listing_id).where(
            ListingArea.kind == "offer", ListingArea.council_id == council_id
        )
        served = or_(served, Offer.id.in_(listed))
    ranked = (
        select(
            Offer.id,
            Offer.category,
            Offer.price_pence,
            Offer.price_unit,
            Offer.pay_dp,
            Offer.pay_managed,
            Offer.pay_isf,
            (Organisation.kind == vocab.COUNCIL_RUN).label("council_run"),
            Offer.deliver_home,
            Offer.deliver_venue,
            Offer.venue_district,
            func.coalesce(Organisation.base_district, PAProfile.home_district).label("owner"),
            Organisation.regulator,
            Organisation.rating,
            func.row_number()
            .over(partition_by=Offer.category, order_by=(Offer.price_pence, Offer.id))
            .label("n"),
        )
        .select_from(Offer)
        .outerjoin(Organisation, Offer.organisation_id == Organisation.id)
        .outerjoin(PAProfile, Offer.pa_profile_id == PAProfile.id)
        .where(
            Offer.status == PUBLISHED,
            owner_published,
            Offer.category.in_(sorted(set(categories))),
            Offer.price_unit.in_(sorted({*units, FREE})),
            or_(Offer.vacancies.is_(None), Offer.vacancies > 0),
            served,
        )
    )
    if "other" not in kinds:  # an "other" stream may pay for anything
        ranked = ranked.where(or_(*(_PAY_FLAG[k].is_(True) for k in sorted(kinds))))
    inner = ranked.subquery()
    return select(inner).where(inner.c.n <= CANDIDATE_LIMIT)


def load_candidates(
    session: DbSession, lines: list[PlanLine], council_id: int | None
) -> dict[str, list[Candidate]]:
    """The candidates for paid service lines (offers and streams loaded), by category."""
    categories = {line.offer.category for line in lines if line.offer is not None}
    kinds = {line.stream.kind for line in lines if line.stream is not None}
    units = {line.offer.price_unit for line in lines if line.offer is not None}
    found: dict[str, list[Candidate]] = {c: [] for c in categories}
    for row in session.execute(candidates_query(categories, kinds, units, council_id)):
        found[row.category].append(Candidate._make(row[: len(Candidate._fields)]))
    return found
