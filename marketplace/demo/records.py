"""The plain records a demo plan is made of, and small helpers the planners share."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marketplace.directory import vocab

DAY_CODES = [d for d, _ in vocab.DAYS]
BAND_ORDER = [b for b, _ in vocab.TIME_BANDS]
LANGUAGE_ORDER = [code for code, _ in vocab.LANGUAGES]


@dataclass
class UserPlan:
    email: str
    name: str
    role: str
    council_code: str | None = None  # officers only


@dataclass
class OfferPlan:
    fields: dict[str, Any]  # Offer columns, status included
    created_at: datetime
    # Columns a pending second version would change (an owner's edit waiting for review).
    pending_change: dict[str, Any] | None = None
    pending_at: datetime | None = None


def price_step(pence: int) -> int:
    """Round prices as people set them: to £5 above £100, 50p above £20, else 25p."""
    if pence >= 10000:
        return 500
    if pence >= 2000:
        return 50
    return 25


def pick_price(rng: random.Random, low: int, high: int) -> int:
    step = price_step(low)
    return rng.randrange(low, high + 1, step) if high > low else low


def ordered(values: list[str], order: list[str]) -> list[str]:
    """Distinct values in the vocabulary's order (never in set order, which varies by run)."""
    return sorted(set(values), key=order.index)
