"""Imports every model so SQLAlchemy and Alembic see the whole schema."""

from marketplace.accounts.models import AccountToken, Invitation, User
from marketplace.directory.models import (
    Council,
    CouncilDistrict,
    ListingArea,
    Offer,
    Organisation,
    PACheck,
    PAProfile,
    ShortlistItem,
)
from marketplace.mail.models import OutboxMessage
from marketplace.moderation.models import Claim, ListingVersion, Report
from marketplace.search.models import IndexJob, SearchLog

__all__ = [
    "AccountToken",
    "Claim",
    "Council",
    "CouncilDistrict",
    "IndexJob",
    "Invitation",
    "ListingArea",
    "ListingVersion",
    "Offer",
    "Organisation",
    "OutboxMessage",
    "PACheck",
    "PAProfile",
    "Report",
    "SearchLog",
    "ShortlistItem",
    "User",
]
