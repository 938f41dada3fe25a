"""Cheaper or closer alternatives to a plan's paid service lines, ranked and explained.

For a line paying for a directory offer from a budget stream, an alternative is another published
offer (owner published too) of the same category that

* the stream may pay for: the offer's ``pay_dp`` / ``pay_managed`` / ``pay_isf`` flag for the
  stream's kind (an "other" stream, like Access to Work, may pay for any), and never a council-run
  service from a direct payment;
* serves the holder's area: listed for the holder's council (``listing_areas``), or delivered
  online; with no council known for the holder, only online offers;
* has room (``vacancies`` is not 0) and is not the line's own offer. Other offers of the same
  organisation are kept: a provider's cheaper group session is a real choice for the holder, and
  the explanation names the price either way;
* is priced in the same unit as the line's offer (an hourly offer is never set against a
  per-session one), or is free, the one conversion that is exact at any quantity;
* is cheaper per unit than the price the line pays, or at least 1 km closer to the holder (whole
  km, as shown): never both dearer and no closer.

Money is ``money.annual_cost`` on the line's own quantity and frequency, as ``plans.costing``
costs the line. Distance is ``geo.distance_km`` from the holder's postcode district to the offer's
venue district (venue offers), else its organisation's base district or its PA's home district;
None when unknown, or for an offer delivered online only (where it is run from does not matter).

Ranking (``Alternative.score``, bigger is better, compared in order): the annual saving in pence;
then nearness (minus the whole km; unknown counts as farthest); then the regulator's rating on the
common 0-100 scale of ``search.ratings`` (unrated: -1). Ties go to the lowest offer id, so the
order is stable.

Speed: a fixed handful of queries whatever the number of lines: the lines' offers and streams,
the holder, one query for the candidates of every category at once (``packages.candidates``),
and one for the suggested offers with their owners. The ranking itself is plain Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from marketplace import geo, money
from marketplace.budgets.models import BudgetStream
from marketplace.directory import vocab
from marketplace.directory.models import Offer
from marketplace.extensions import DbSession
from marketplace.holders.models import HolderRecord
from marketplace.packages.candidates import FREE, Candidate, load_candidates
from marketplace.plans.costing import line_annual_pence
from marketplace.plans.models import PlanLine, SupportPlan
from marketplace.plans.vocab import PERIODS_PER_YEAR
from marketplace.search.ratings import rating_score

DEFAULT_LIMIT = 3
_UNKNOWN_KM = 10**6  # ranks an unknown distance after every known one
_UNRATED = -1


@dataclass(frozen=True)
class Alternative:
    """One suggested offer in place of a line's, with what changes if the holder swaps.

    ``price_difference_pence`` is per unit of the line's offer (negative: cheaper);
    ``annual_saving_pence`` is on the line's own quantity and frequency (negative: dearer);
    ``reasons`` says why it is suggested: "cheaper" and/or "closer"."""

    offer: Offer
    price_difference_pence: int
    annual_saving_pence: int
    distance_km: float | None
    rating: str | None
    score: tuple[int, int, int]
    reasons: list[str]
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "offer_id": self.offer.id,
            "title": self.offer.title,
            "provider_name": self.offer.provider_name,
            "price_pence": self.offer.price_pence,
            "price_unit": self.offer.price_unit,
            "price_difference_pence": self.price_difference_pence,
            "annual_saving_pence": self.annual_saving_pence,
            "distance_km": self.distance_km,
            "rating": self.rating,
            "score": list(self.score),
            "reasons": list(self.reasons),
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class _Scored:
    """An alternative before its offer object is loaded."""

    offer_id: int
    fields: dict[str, Any]
    key: tuple[int, int, int, int]


def _eligible(line: PlanLine) -> bool:
    """A paid line for a directory offer, with the stream that pays for it."""
    return (
        line.kind == "offer"
        and line.offer is not None
        and line.stream is not None
        and line.unit_price_pence > 0
    )


def _rating_text(c: Candidate) -> str:
    if c.regulator is None:
        return ""  # a PA: not regulated
    if c.rating:
        name = vocab.label(vocab.RATINGS.get(c.regulator, ()), c.rating)
        return name[0].lower() + name[1:] if c.rating == "not_rated" else f"rated {name}"
    category = vocab.CATEGORY_BY_SLUG.get(c.category)
    return "not yet rated" if category is not None and category.regulated else ""


def _price_text(paid: int, c: Candidate, unit: str, difference: int) -> str:
    if c.price_unit == FREE and unit != FREE:
        return f"free instead of {money.format_pence(paid)}/{unit}"
    if difference < 0:
        return f"{money.format_pence(-difference)}/{unit} cheaper"
    if difference > 0:
        return f"{money.format_pence(difference)}/{unit} more"
    return "same price"


def _distance_text(closer_by: int | None) -> str:
    if not closer_by:
        return ""
    return f"{closer_by} km closer" if closer_by > 0 else f"{-closer_by} km farther"


def _explain(parts: list[str]) -> str:
    text = ", ".join(p for p in parts if p)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class _Line:
    """What every comparison with one line needs, worked out once."""

    line: PlanLine
    own: Candidate
    stream_kind: str
    annual_pence: int
    periods: int
    own_km: float | None
    home: geo.District | None

    @classmethod
    def of(cls, line: PlanLine, home: geo.District | None) -> _Line:
        assert line.offer is not None and line.stream is not None
        own = Candidate.of(line.offer)
        return cls(
            line,
            own,
            line.stream.kind,
            line_annual_pence(line),
            PERIODS_PER_YEAR[line.frequency],
            own.km_from(home),
            home,
        )


def _score(this: _Line, c: Candidate) -> _Scored | None:
    """``c`` set against the line, or None when it may not or need not replace it."""
    line, own = this.line, this.own
    unit = own.price_unit
    if c.id == own.id or c.price_unit not in (unit, FREE) or c.category != own.category:
        return None
    if not c.payable_by(this.stream_kind):
        return None
    difference = c.price_pence - line.unit_price_pence
    km = c.km_from(this.home)
    closer_by = round(this.own_km - km) if km is not None and this.own_km is not None else None
    cheaper, closer = difference < 0, (closer_by or 0) >= 1
    if not (cheaper or closer):
        return None
    reasons = [r for r, yes in (("cheaper", cheaper), ("closer", closer)) if yes]
    saving = this.annual_pence - money.annual_cost(
        c.price_pence, line.quantity_hundredths, this.periods
    )
    rating = rating_score(c.regulator, c.rating) if c.rating else None
    score = (
        saving,
        -round(km) if km is not None else -_UNKNOWN_KM,
        _UNRATED if rating is None else rating,
    )
    fields = {
        "price_difference_pence": difference,
        "annual_saving_pence": saving,
        "distance_km": round(km, 1) if km is not None else None,
        "rating": c.rating or None,
        "score": score,
        "reasons": reasons,
        "explanation": _explain(
            [
                _price_text(line.unit_price_pence, c, unit, difference),
                _distance_text(closer_by),
                _rating_text(c),
            ]
        ),
    }
    return _Scored(c.id, fields, (-score[0], -score[1], -score[2], c.id))


def _ranked(
    line: PlanLine, candidates: Iterable[Candidate], home: geo.District | None, limit: int
) -> list[_Scored]:
    this = _Line.of(line, home)
    found = [s for c in candidates if (s := _score(this, c)) is not None]
    found.sort(key=lambda s: s.key)
    return found[: max(0, limit)]


def rank_offers(
    line: PlanLine,
    offers: Iterable[Offer],
    home: geo.District | None,
    *,
    limit: int = DEFAULT_LIMIT,
) -> list[Alternative]:
    """The best ``limit`` of ``offers`` (already published and serving the holder's area) for a
    paid service line, best first, by the module's rule. Filters category, unit and stream."""
    if not _eligible(line):
        return []
    by_id = {offer.id: offer for offer in offers}
    ranked = _ranked(line, (Candidate.of(o) for o in by_id.values()), home, limit)
    return [Alternative(offer=by_id[s.offer_id], **s.fields) for s in ranked]


def _holder_area(session: DbSession, plan: SupportPlan) -> tuple[int | None, geo.District | None]:
    """The holder's council (the plan's when the record names none) and home district."""
    record = session.get(HolderRecord, plan.holder_id)
    council_id = record.council_id if record is not None else None
    district = geo.districts().get(record.district) if record is not None else None
    return (council_id if council_id is not None else plan.council_id), district


def _preload(session: DbSession, lines: list[PlanLine]) -> list[Any]:
    """Load the lines' offers (with owners) and streams in two queries, so that reading
    ``line.offer`` and ``line.stream`` afterwards finds them in the session, not one by one.
    The caller keeps the list while it works: the session only holds objects weakly."""
    offer_ids = sorted({line.offer_id for line in lines if line.offer_id is not None})
    stream_ids = sorted({line.stream_id for line in lines if line.stream_id is not None})
    loaded: list[Any] = []
    if offer_ids:
        loaded += _offers(session, offer_ids).values()
    if stream_ids:
        loaded += session.scalars(select(BudgetStream).where(BudgetStream.id.in_(stream_ids)))
    return loaded


def _offers(session: DbSession, ids: Iterable[int]) -> dict[int, Offer]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = (
        select(Offer)
        .where(Offer.id.in_(wanted))
        .options(joinedload(Offer.organisation), joinedload(Offer.pa_profile))
    )
    return {offer.id: offer for offer in session.scalars(query)}


def _suggest(
    session: DbSession, plan: SupportPlan, lines: list[PlanLine], limit: int
) -> dict[int, list[Alternative]]:
    council_id, home = _holder_area(session, plan)
    candidates = load_candidates(session, lines, council_id)
    ranked = {
        line.id: _ranked(line, candidates[line.offer.category], home, limit)
        for line in lines
        if line.offer is not None
    }
    offers = _offers(session, (s.offer_id for found in ranked.values() for s in found))
    return {
        line_id: [
            Alternative(offer=offers[s.offer_id], **s.fields) for s in found if s.offer_id in offers
        ]
        for line_id, found in ranked.items()
    }


def alternatives_for_plan(
    session: DbSession, plan: SupportPlan, *, limit: int = DEFAULT_LIMIT
) -> dict[int, list[Alternative]]:
    """Alternatives for every paid service line of the plan that names its stream ({line id:
    best first}, empty when there is none), in a fixed handful of queries whatever the number
    of lines. Reads only."""
    lines = list(plan.lines)
    keep = _preload(session, lines)
    eligible = [line for line in lines if _eligible(line)]
    found = _suggest(session, plan, eligible, limit) if eligible else {}
    del keep  # the lines' offers and streams were needed until here
    return found


def alternatives_for(
    session: DbSession, plan: SupportPlan, line: PlanLine, *, limit: int = DEFAULT_LIMIT
) -> list[Alternative]:
    """Up to ``limit`` offers that could replace the line's, best first; nothing for a line that
    is not a paid service line with a stream. Reads only."""
    if not _eligible(line):
        return []
    return _suggest(session, plan, [line], limit)[line.id]
