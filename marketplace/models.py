"""Imports every model so SQLAlchemy and Alembic see the whole schema."""

from marketplace.accounts.models import AccountToken, ApiToken, Invitation, User
from marketplace.audit.models import AuditEvent
from marketplace.bookings.models import Booking, BookingSession, LedgerEntry
from marketplace.budgets.models import (
    Budget,
    BudgetChange,
    BudgetStream,
    RasAssessment,
    RasBand,
    RasOption,
    RasQuestion,
    RasTable,
)
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
from marketplace.holders.models import BrokerLink, HolderRecord, Representation
from marketplace.mail.models import OutboxMessage
from marketplace.messages.models import Message, MessageThread, ThreadParticipant
from marketplace.moderation.models import Claim, ListingVersion, Report
from marketplace.needs.models import NeedAdvert, NeedInterest
from marketplace.notifications.models import Notification
from marketplace.plans.models import PlanEvent, PlanLine, PlanOutcome, SupportPlan
from marketplace.quotes.models import Quote, QuoteEvent, QuoteRequest
from marketplace.reviews.models import Review
from marketplace.search.models import IndexJob, SearchLog

__all__ = [
    "AccountToken",
    "ApiToken",
    "AuditEvent",
    "Booking",
    "BookingSession",
    "BrokerLink",
    "Budget",
    "BudgetChange",
    "BudgetStream",
    "Claim",
    "Council",
    "CouncilDistrict",
    "HolderRecord",
    "IndexJob",
    "Invitation",
    "LedgerEntry",
    "ListingArea",
    "ListingVersion",
    "Message",
    "MessageThread",
    "NeedAdvert",
    "NeedInterest",
    "Notification",
    "Offer",
    "Organisation",
    "OutboxMessage",
    "PACheck",
    "PAProfile",
    "PlanEvent",
    "PlanLine",
    "PlanOutcome",
    "Quote",
    "QuoteEvent",
    "QuoteRequest",
    "RasAssessment",
    "RasBand",
    "RasOption",
    "RasQuestion",
    "RasTable",
    "Report",
    "Representation",
    "Review",
    "SearchLog",
    "ShortlistItem",
    "SupportPlan",
    "ThreadParticipant",
    "User",
]
