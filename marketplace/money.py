"""Money is integer pence everywhere. Parsing and formatting live here and nowhere else."""

from __future__ import annotations

import re
from decimal import Decimal

from marketplace.errors import InvalidAmount

WEEKS_PER_YEAR = 52
# The largest price anyone may enter for one unit: £100,000. Anything above is a typing slip.
MAX_PRICE_PENCE = 10_000_000

_AMOUNT = re.compile(r"^(?P<whole>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?P<frac>\d{1,2}))?$", re.ASCII)


def parse_pounds(text: str, *, maximum: int = MAX_PRICE_PENCE) -> int:
    """'£1,234.5' -> 123450. Raises InvalidAmount with a message a person can read."""
    cleaned = (text or "").strip().replace(" ", "")
    if cleaned.startswith("£"):
        cleaned = cleaned[1:]
    if cleaned == "":
        raise InvalidAmount("Enter an amount in pounds and pence, like 18.50")
    if cleaned.startswith("-"):
        raise InvalidAmount("The amount cannot be negative")
    match = _AMOUNT.match(cleaned)
    if not match or (match.group("whole") is None and match.group("frac") is None):
        raise InvalidAmount("Enter an amount in pounds and pence, like 18.50")
    whole = int((match.group("whole") or "0").replace(",", ""))
    frac = (match.group("frac") or "0").ljust(2, "0")
    pence = whole * 100 + int(frac)
    if pence > maximum:
        raise InvalidAmount(f"The amount must be {format_pence(maximum)} or less")
    return pence


def format_pence(pence: int | None, *, free_text: str = "Free") -> str:
    """12345 -> '£123.45'; 0 -> 'Free' unless free_text is given as ''."""
    if pence is None:
        return ""
    if pence == 0 and free_text:
        return free_text
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def format_money(pence: int) -> str:
    """An amount of money, never a price: 0 -> '£0.00' (not 'Free')."""
    return format_pence(pence, free_text="")


def pence_to_input(pence: int | None) -> str:
    """The form field text for an amount: 1850 -> '18.50'."""
    if pence is None:
        return ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{'-' if pence < 0 else ''}{pounds}.{rest:02d}"


def weekly_to_annual(weekly_pence: int) -> int:
    """Annual = weekly x 52, exactly."""
    return weekly_pence * WEEKS_PER_YEAR


def annual_to_weekly(annual_pence: int) -> tuple[int, int]:
    """Weekly shown = annual / 52 rounded down; returns (weekly, remainder over the year)."""
    return divmod(annual_pence, WEEKS_PER_YEAR)


def parse_amount(text: str, *, entered_weekly: bool, maximum: int) -> int:
    """An amount a person typed as weekly or annual -> annual pence, by the one rule above.

    ``maximum`` bounds the annual figure, so '£200,000 a week' is refused like '£10.4m a year'.
    """
    pence = parse_pounds(text, maximum=maximum)
    annual = weekly_to_annual(pence) if entered_weekly else pence
    if annual > maximum:
        raise InvalidAmount(f"The amount must be {format_pence(maximum)} a year or less")
    return annual


def describe_weekly(annual_pence: int) -> str:
    """How a yearly amount reads per week: '£150.00 a week' or '£150.00 a week plus £0.40 over
    the year'. No brackets, so pages can put it in brackets of their own."""
    weekly, remainder = annual_to_weekly(annual_pence)
    text = f"{format_pence(weekly, free_text='')} a week"
    if remainder:
        text += f" plus {format_pence(remainder, free_text='')} over the year"
    return text


# 99,999.99 of anything in one period is a typing slip.
MAX_QUANTITY_HUNDREDTHS = 9_999_999


def parse_quantity(text: str, *, maximum: int = MAX_QUANTITY_HUNDREDTHS) -> int:
    """'6' or '1.5' hours/sessions -> hundredths (600, 150). Above 0, at most 2 decimals, and
    no more than ``maximum`` hundredths; each refusal says which rule the number broke."""
    cleaned = (text or "").strip()
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", cleaned, re.ASCII):
        raise InvalidAmount("Enter a number, like 6 or 1.5")
    number = Decimal(cleaned)
    if number <= 0:
        raise InvalidAmount("The number must be more than 0")
    if len(cleaned.partition(".")[2]) > 2:
        raise InvalidAmount("Use no more than 2 decimal places, like 1.25")
    hundredths = int(number * 100)
    if hundredths > maximum:
        raise InvalidAmount(f"The number must be {format_quantity(maximum)} or less")
    return hundredths


def format_quantity(hundredths: int) -> str:
    """600 -> '6', 150 -> '1.5'."""
    whole, rest = divmod(hundredths, 100)
    return str(whole) if rest == 0 else f"{whole}.{rest:02d}".rstrip("0")


def cost_per_occurrence(unit_price_pence: int, quantity_hundredths: int) -> int:
    """Price x quantity, rounded up to the penny so a plan never under-counts its cost."""
    return -(-unit_price_pence * quantity_hundredths // 100)


def annual_cost(unit_price_pence: int, quantity_hundredths: int, periods_per_year: int) -> int:
    """What a line costs over a plan year. Weekly lines: per week x 52, exactly as budgets are
    converted, so a package that fits weekly also fits when booked for the year."""
    per = cost_per_occurrence(unit_price_pence, quantity_hundredths)
    if periods_per_year == WEEKS_PER_YEAR:
        return weekly_to_annual(per)
    return per * periods_per_year


def parse_percent(text: str) -> int:
    """'77' or '13.5' -> basis points (7700, 1350). Percentages are kept as integer basis points."""
    cleaned = (text or "").strip().rstrip("%").strip()
    if cleaned.startswith("-"):
        raise InvalidAmount("A percentage cannot be negative: enter 0 or more")
    match = re.fullmatch(r"(\d{1,3})(?:\.(\d{1,2}))?", cleaned, re.ASCII)
    if not match:
        raise InvalidAmount("Enter a percentage, like 77 or 13.5")
    basis = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if basis > 10_000:
        raise InvalidAmount("A percentage cannot be more than 100")
    return basis


def format_percent(basis_points: int) -> str:
    """7700 -> '77%', 1350 -> '13.5%'."""
    whole, rest = divmod(basis_points, 100)
    if rest == 0:
        return f"{whole}%"
    return f"{whole}.{rest:02d}".rstrip("0") + "%"
