"""What a demo holder's plan can buy: the planned offers and PAs of each council, and dates.

Built from the organisation and PA plans, so plan lines name real demo listings (the loader
finds them by organisation name and title, or by the PA's email).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marketplace.demo.organisations import OrganisationPlan
from marketplace.demo.people import PAPlan

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
    email: str
    display_name: str
    rate_pence: int
    days: tuple[str, ...]
    time_bands: tuple[str, ...]


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
        slots = pa.fields["availability"]
        days = tuple(dict.fromkeys(s[:3] for s in slots))
        bands = tuple(dict.fromkeys(s[4:] for s in slots if s[4:] in ("morning", "afternoon")))
        market.pas.setdefault(pa.council_code, []).append(
            PARef(
                pa.user.email,
                pa.fields["display_name"],
                pa.fields["hourly_rate_pence"],
                days,
                bands or ("morning",),
            )
        )
    return market
