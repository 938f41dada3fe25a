"""What a demo holder's plan can buy: the planned offers and PAs of each council, and dates.

Built from the organisation and PA plans, so plan lines name real demo listings (the loader
finds them by organisation name and title, or by the PA's email).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from marketplace import geo
from marketplace.demo.organisations import OrganisationPlan
from marketplace.demo.people import PAPlan


@cache
def _km(a: str, b: str) -> float:
    places = geo.districts()
    home, there = places.get(a), places.get(b)
    return geo.distance_km(home, there) if home and there else float("inf")


# Offer price units a plan line can count, and the unit the line shows.
LINE_UNITS = {"hour": "hours", "session": "sessions", "visit": "visits", "day": "days"}


@dataclass(frozen=True)
class OfferRef:
    organisation: str
    title: str
    category: str
    price_pence: int
    unit: str  # a plans.vocab.LINE_UNITS value
    days: tuple[str, ...]
    time_bands: tuple[str, ...]
    deployments: frozenset[str]


@dataclass(frozen=True)
class PARef:
    """A published PA as the package rules see them: checks, availability and travel."""

    email: str
    display_name: str
    rate_pence: int
    availability: frozenset[str]  # "day:band" slots
    home_district: str
    travel_km: int
    checks: tuple[tuple[str, date | None], ...]  # (kind, expires_on)

    def has_checks(self, kinds: list[str], on: date) -> bool:
        """Every check of these kinds held and in date on ``on`` (no expiry: always in date)."""
        return all(
            any(k == kind and (expires is None or expires >= on) for k, expires in self.checks)
            for kind in kinds
        )

    def travels_to(self, district: str) -> bool:
        """As far as ``district`` (both known: an unknown district cannot be measured)."""
        return _km(self.home_district, district) <= self.travel_km

    def days_at(self, band: str, days: tuple[str, ...]) -> list[str]:
        """Those of ``days`` on which the PA is available in ``band``, in the order given."""
        return [day for day in days if f"{day}:{band}" in self.availability]


@dataclass
class Market:
    offers: dict[str, list[OfferRef]] = field(default_factory=dict)  # council code -> offers
    pas: dict[str, list[PARef]] = field(default_factory=dict)
    officers: dict[str, str] = field(default_factory=dict)  # council code -> officer's email

    def isf_holders(self, council: str) -> list[str]:
        """Organisations in the council that hold Individual Service Funds, by name."""
        return sorted(
            {o.organisation for o in self.offers.get(council, []) if "isf" in o.deployments}
        )


def build_market(
    organisations: list[OrganisationPlan], pas: list[PAPlan], officers: dict[str, str]
) -> Market:
    market = Market(officers=officers)
    for organisation in organisations:
        if organisation.fields["status"] != "published":
            continue
        for offer in organisation.offers:
            f = offer.fields
            if f["status"] != "published" or f["price_unit"] not in LINE_UNITS:
                continue
            deployments = frozenset(d for d in ("dp", "managed", "isf") if f[f"pay_{d}"])
            market.offers.setdefault(organisation.council_code, []).append(
                OfferRef(
                    organisation.fields["name"],
                    f["title"],
                    f["category"],
                    f["price_pence"],
                    LINE_UNITS[f["price_unit"]],
                    tuple(f["days"]),
                    tuple(f["time_bands"]),
                    deployments,
                )
            )
    for pa in pas:
        if pa.fields["status"] != "published":
            continue
        market.pas.setdefault(pa.council_code, []).append(
            PARef(
                pa.user.email,
                pa.fields["display_name"],
                pa.fields["hourly_rate_pence"],
                frozenset(pa.fields["availability"]),
                pa.fields["home_district"],
                pa.fields["travel_km"],
                tuple((c["kind"], c["expires_on"]) for c in pa.checks),
            )
        )
    return market
