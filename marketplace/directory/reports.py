"""'Report a problem' with a public listing: anyone may; moderators handle the reports."""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.directory import vocab
from marketplace.directory.services import Listing, public_listing
from marketplace.errors import NotFound, ValidationFailed
from marketplace.extensions import DbSession
from marketplace.moderation.models import Report

REPORT_KINDS = ("offer", "pa_profile", "organisation")
REPORT_REASONS = (
    ("wrong_information", "The information is wrong"),
    ("closed", "It has closed or is not operating"),
    ("safeguarding", "A safeguarding concern"),
    ("inappropriate", "Inappropriate content"),
    ("other", "Something else"),
)
REPORT_DETAILS_MAX = 2000
EMAIL_MAX = 254  # the size of reports.reporter_email


def reportable_listing(session: DbSession, kind: str, listing_id: int) -> Listing:
    """A public listing that may be reported; NotFound for an unknown kind or hidden listing."""
    if kind not in REPORT_KINDS:
        raise NotFound("Page not found.")
    return public_listing(session, kind, listing_id)


def report_problem(
    session: DbSession,
    kind: str,
    listing_id: int,
    reporter: User | None,
    reason: str,
    details: str,
    email: str = "",
) -> Report:
    """Record an open report about a public listing for the moderators.

    Anyone may report. A signed-out reporter may leave an email address for a reply. Raises
    NotFound for a listing that is not public, ValidationFailed for an unusable report.
    """
    listing = reportable_listing(session, kind, listing_id)
    details = (details or "").replace("\r\n", "\n").strip()
    email = "" if reporter is not None else (email or "").strip().lower()
    errors: dict[str, str] = {}
    if reason not in vocab.values(REPORT_REASONS):
        errors["reason"] = "Select what the problem is"
    if not details:
        errors["details"] = "Enter details of the problem"
    elif len(details) > REPORT_DETAILS_MAX:
        errors["details"] = f"Details must be {REPORT_DETAILS_MAX:,} characters or fewer"
    if len(email) > EMAIL_MAX or (email and "@" not in email):
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
    if errors:
        raise ValidationFailed(errors)
    report = Report(
        kind=kind,
        listing_id=listing.id,
        reason=reason,
        details=details,
        reporter_id=reporter.id if reporter is not None else None,
        reporter_email=email,
        status="open",
    )
    session.add(report)
    session.commit()
    return report
