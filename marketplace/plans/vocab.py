"""Words for support plans: outcomes councils recognise, how often support happens, states."""

from __future__ import annotations

# Outcome areas from the POET survey and councils' outcome frameworks (../shared/DOMAIN.md).
OUTCOMES = (
    ("independence", "Staying independent"),
    ("control", "Being in control of my support"),
    ("physical-health", "Physical health"),
    ("mental-wellbeing", "Mental wellbeing"),
    ("relationships", "Relationships with family and friends"),
    ("community", "Being part of my community"),
    ("paid-work", "Getting or keeping paid work"),
    ("learning", "Learning and developing"),
    ("safety", "Feeling safe"),
    ("dignity", "Being treated with dignity"),
    ("where-to-live", "Choosing where I live"),
    ("daily-living", "Managing daily living (meals, home, personal care)"),
    ("carer-support", "Support for my carer"),
    ("other", "Something else (describe it)"),
)

LINE_KINDS = (
    ("offer", "A service from the directory"),
    ("pa", "A personal assistant"),
    ("text", "Something else I will buy"),
    ("unpaid", "Unpaid support (family, friends, volunteers)"),
)

FREQUENCIES = (
    ("week", "each week"),
    ("fortnight", "each fortnight"),
    ("month", "each month"),
    ("once", "once (a one-off)"),
)
PERIODS_PER_YEAR = {"week": 52, "fortnight": 26, "month": 12, "once": 1}

LINE_UNITS = (
    ("hours", "hours"),
    ("sessions", "sessions"),
    ("visits", "visits"),
    ("days", "days"),
    ("nights", "nights"),
    ("items", "items"),
)

PLAN_STATUSES = (
    ("draft", "Draft"),
    ("submitted", "Waiting for the council"),
    ("referred", "Referred to a panel"),
    ("approved", "Approved"),
    ("rejected", "Not approved"),
    ("superseded", "Replaced by a newer revision"),
)

REVIEW_MONTHS_DEFAULT = 12
