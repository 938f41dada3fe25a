"""Moderators handle 'Report a problem': list the open reports in their area, close one with an
outcome, and suspend the listing if it must come down. Each public function is one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from marketplace.clock import utcnow
from marketplace.errors import InvalidTransition, NotFound, ValidationFailed
from marketplace.extensions import DbSession, affected_rows
from marketplace.mail.services import queue_mail
from marketplace.moderation.models import Report
from marketplace.moderation.scope import in_scope, moderator_councils, require_in_scope
from marketplace.moderation.services import required_text, switch_suspension
from marketplace.moderation.snapshots import KIND_LABELS, Listing, title_of
from marketplace.moderation.versions import commit, load_listing


@dataclass
class ReportItem:
    report: Report
    listing: Listing
    title: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.report.kind]

    @property
    def reporter_address(self) -> str:
        if self.report.reporter is not None:
            return self.report.reporter.email
        return self.report.reporter_email


def open_reports(session: DbSession, moderator: Any) -> list[ReportItem]:
    """Open reports about listings in this moderator's area, oldest first."""
    reports = session.scalars(
        select(Report).where(Report.status == "open").order_by(Report.created_at, Report.id)
    ).all()
    anywhere = moderator_councils(moderator) is None
    items = []
    for report in reports:
        listing = load_listing(session, report.kind, report.listing_id)
        if listing is not None and (anywhere or in_scope(session, moderator, listing)):
            items.append(ReportItem(report, listing, title_of(listing)))
    return items


def report_item(session: DbSession, moderator: Any, report_id: int) -> ReportItem:
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound("Page not found. If you typed the web address, check it is correct.")
    listing = require_in_scope(
        session, moderator, load_listing(session, report.kind, report.listing_id)
    )
    return ReportItem(report, listing, title_of(listing))


def close_report(
    session: DbSession, moderator: Any, report_id: int, outcome: str, suspend: bool = False
) -> Report:
    """Close a report with its outcome; optionally suspend the (published) listing it is about.

    The reporter, when they left an address, hears that it was handled (not the moderator's notes);
    the listing's owners, if it is suspended, get the outcome as the reason.
    """
    item = report_item(session, moderator, report_id)
    outcome = required_text(outcome, "outcome", "what you found and did")
    if suspend and item.listing.status != "published":
        raise ValidationFailed({"suspend": "Only a published listing can be suspended"})
    done = affected_rows(
        session.execute(
            update(Report)
            .where(Report.id == report_id, Report.status == "open")
            .values(
                status="closed", outcome=outcome, handled_by_id=moderator.id, handled_at=utcnow()
            )
            .execution_options(synchronize_session=False)
        )
    )
    if done != 1:
        raise InvalidTransition(item.report.status, "closed", "This report")
    if suspend:
        switch_suspension(session, item.listing, True, outcome)
    address = item.reporter_address
    if address:
        queue_mail(
            session,
            address,
            f"Your report about {item.title}",
            f"Thank you for telling us about a problem with “{item.title}”. "
            "A moderator has looked into it and closed your report.\n",
        )
    commit(session)
    session.refresh(item.report)
    return item.report
