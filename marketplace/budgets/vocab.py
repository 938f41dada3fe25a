"""Words for budgets: how the money is held, and the other funding streams a plan can draw on."""

from __future__ import annotations

STREAM_KINDS = (
    ("dp", "Direct payment"),
    ("managed", "Council-managed"),
    ("isf", "Individual Service Fund"),
    ("other", "Other funding"),
)

# The sources an "individual budget" commonly combines with social care money.
OTHER_FUNDING = (
    ("Access to Work", "Access to Work"),
    ("Disabled Facilities Grant", "Disabled Facilities Grant"),
    ("Supporting People", "Supporting People"),
    ("Independent Living Fund", "Independent Living Fund"),
    ("Personal health budget", "Personal health budget (NHS)"),
    ("Education, health and care plan", "Education, health and care plan"),
)

# Which offer deployment flag (``Offer.pay_*``) each stream kind corresponds to.
STREAM_DEPLOYMENT = {"dp": "dp", "managed": "managed", "isf": "isf"}

RAS_METHODS = (
    ("rate", "A rate in pounds for each point"),
    ("bands", "A table of bands: points from and to, and the budget for the band"),
)

# Anything above this for one person's year is a typing slip.
MAX_BUDGET_PENCE = 1_000_000_000  # £10m
