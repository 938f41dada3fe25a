"""What an offer's price pays for: direct support, service coordination and overheads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PricePart:
    key: str
    label: str
    basis_points: int
    pence: int


_PRICE_PARTS = (
    ("direct", "Direct support", "direct_bp"),
    ("coordination", "Service coordination", "coordination_bp"),
    ("overheads", "Overheads", "overheads_bp"),
)


def _value(source: Any, name: str, default: Any = None) -> Any:
    # Works for a model and for a listing version's snapshot (a dict) alike.
    if isinstance(source, Mapping):
        return source.get(name, default)
    return getattr(source, name, default)


def price_parts(offer: Any) -> list[PricePart]:
    """Split an offer's price into direct support, coordination and overheads, in pence.

    Each part is rounded so that the parts always add up to the whole price exactly (largest
    remainder: the pennies left after rounding down go to the parts that lost most).
    """
    price = int(_value(offer, "price_pence", 0) or 0)
    shares = [int(_value(offer, attr, 0) or 0) for _, _, attr in _PRICE_PARTS]
    exact = [price * share for share in shares]
    pence = [amount // 10_000 for amount in exact]
    if sum(shares) == 10_000:
        leftover = price - sum(pence)
        by_remainder = sorted(range(len(exact)), key=lambda i: -(exact[i] % 10_000))
        for i in by_remainder[:leftover]:
            pence[i] += 1
    return [
        PricePart(key, label, share, amount)
        for (key, label, _), share, amount in zip(_PRICE_PARTS, shares, pence, strict=True)
    ]
