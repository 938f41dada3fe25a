"""Write a ``DemoPlan`` to the database, adding only what is not there yet.

Each entity is looked up by its natural key (council code, user email, organisation name, an
offer's owner and title, a PA's email), so a second run adds nothing and a run at a bigger scale
adds only the difference. Rows are added in batches, one commit per batch. Every new published
listing gets its council areas (``refresh_listing_areas``) and an approved version 1 holding its
snapshot, so its history works; a pending listing gets a pending version 1; a few published
offers also get a pending version 2 (an owner's price change) for the moderation queue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.bookings.models import Booking, BookingSession, LedgerEntry
from marketplace.budgets.models import (
    Budget,
    BudgetStream,
    RasAssessment,
    RasBand,
    RasOption,
    RasQuestion,
    RasTable,
)
from marketplace.demo import load_adverts, load_bookings, load_care, load_quotes
from marketplace.demo.councils import council_districts
from marketplace.demo.organisations import OrganisationPlan
from marketplace.demo.people import PAPlan
from marketplace.demo.plan import DEMO_PASSWORD, DemoPlan
from marketplace.demo.records import OfferPlan, UserPlan
from marketplace.directory.areas import refresh_listing_areas
from marketplace.directory.models import (
    Council,
    CouncilDistrict,
    ListingArea,
    Offer,
    Organisation,
    PACheck,
    PAProfile,
)
from marketplace.extensions import DbSession
from marketplace.holders.models import BrokerLink, HolderRecord, Representation
from marketplace.moderation.models import ListingVersion
from marketplace.moderation.snapshots import Listing, kind_of, snapshot
from marketplace.needs.models import NeedAdvert, NeedInterest
from marketplace.plans.models import PlanEvent, PlanLine, PlanOutcome, SupportPlan
from marketplace.quotes.models import Quote, QuoteRequest

BATCH = 25


class Bar(Protocol):
    def update(self, n_steps: int) -> None: ...


Progress = Callable[[str, int], AbstractContextManager[Bar]]


class _Silent:
    def update(self, n_steps: int) -> None:
        pass


@contextmanager
def silent(label: str, length: int) -> Iterator[Bar]:
    yield _Silent()


@dataclass
class Report:
    added: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)

    @property
    def nothing_added(self) -> bool:
        return not any(self.added.values())


@dataclass
class _New:
    """A listing created in this batch, with who submitted and who approved it."""

    listing: Listing
    created_at: datetime
    submitter_email: str | None
    council_code: str
    plan: OfferPlan | None = None
    submitter_id: int | None = None


class Loader:
    """Loads one plan step by step: councils, accounts, organisations, PAs, then (in
    ``load_care``) RAS tables and budget holders with their budgets and plans, and last (in
    ``load_adverts``) need adverts and PAs' replies."""

    def __init__(self, session: DbSession, plan: DemoPlan, reference: datetime, progress: Progress):
        self.session = session
        self.plan = plan
        self.reference = reference
        self.progress = progress
        self.report = Report()
        self._hash: str | None = None
        self.council_ids: dict[str, int] = {}
        self.officer_ids: dict[str, int] = {}  # council code -> its officer's user id

    # --- helpers ---------------------------------------------------------------------------

    def password_hash(self) -> str:
        # argon2 is slow on purpose: hash the shared demo password once per run.
        if self._hash is None:
            self._hash = hash_password(DEMO_PASSWORD)
        return self._hash

    def emails(self, wanted: list[str]) -> dict[str, int]:
        if not wanted:
            return {}
        rows = self.session.execute(select(User.email, User.id).where(User.email.in_(wanted)))
        return {email: user_id for email, user_id in rows}

    def new_user(self, plan: UserPlan, created_at: datetime, **links: Any) -> User:
        user = User(
            email=plan.email,
            name=plan.name,
            password_hash=self.password_hash(),
            role=plan.role,
            council_id=self.council_ids.get(plan.council_code or ""),
            email_confirmed_at=created_at + timedelta(minutes=20),
            created_at=created_at,
            password_changed_at=created_at,
            **links,
        )
        self.session.add(user)
        self.report.added["users"] += 1
        return user

    def new_offer(self, plan: OfferPlan, **owner: Any) -> Offer:
        offer = Offer(
            **plan.fields, **owner, created_at=plan.created_at, updated_at=plan.created_at
        )
        self.session.add(offer)
        self.report.added["offers"] += 1
        return offer

    def publish(self, new: list[_New]) -> None:
        """Areas and versions for listings just flushed (they have ids now)."""
        ids = self.emails(sorted({n.submitter_email for n in new if n.submitter_email}))
        for item in new:
            listing = item.listing
            kind = kind_of(listing)
            submitter = item.submitter_id or ids.get(item.submitter_email or "")
            officer = self.officer_ids.get(item.council_code)
            if listing.status == "pending":
                self.session.add(
                    ListingVersion(
                        kind=kind,
                        listing_id=listing.id,
                        number=1,
                        data=snapshot(listing),
                        status="pending",
                        submitted_by_id=submitter,
                        submitted_at=item.created_at,
                    )
                )
                self.report.added["versions waiting for review"] += 1
            if listing.status != "published":
                continue
            refresh_listing_areas(self.session, listing)
            data = snapshot(listing)
            self.session.add(
                ListingVersion(
                    kind=kind,
                    listing_id=listing.id,
                    number=1,
                    data=data,
                    status="approved",
                    submitted_by_id=submitter,
                    submitted_at=item.created_at,
                    decided_by_id=officer,
                    decided_at=item.created_at + timedelta(hours=20),
                )
            )
            self.report.added["approved versions"] += 1
            if item.plan is not None and item.plan.pending_change:
                self.session.add(
                    ListingVersion(
                        kind=kind,
                        listing_id=listing.id,
                        number=2,
                        data={**data, **item.plan.pending_change},
                        status="pending",
                        submitted_by_id=submitter,
                        submitted_at=item.plan.pending_at,
                    )
                )
                self.report.added["versions waiting for review"] += 1

    # --- steps -----------------------------------------------------------------------------

    def councils(self) -> None:
        existing = {
            c.code: c
            for c in self.session.scalars(select(Council).options(selectinload(Council.districts)))
        }
        for spec in self.plan.councils:
            council = existing.get(spec.code)
            if council is None:
                council = Council(code=spec.code, name=spec.name, nation=spec.nation)
                self.session.add(council)
                self.report.added["councils"] += 1
            else:
                self.report.found["councils"] += 1
            have = set(council.district_codes)
            for district in council_districts(spec.code):
                if district not in have:
                    council.districts.append(CouncilDistrict(district=district))
                    self.report.added["council districts"] += 1
        self.session.commit()
        self.council_ids = dict(self.session.execute(select(Council.code, Council.id)).all())

    def users(self) -> None:
        known = self.emails([u.email for u in self.plan.users])
        for i, plan in enumerate(self.plan.users):
            if plan.email in known:
                self.report.found["users"] += 1
                continue
            self.new_user(plan, self.reference - timedelta(days=400 - i))
        self.session.commit()
        officers = self.emails([u.email for u in self.plan.users if u.role == "officer"])
        self.officer_ids = {
            u.council_code: officers[u.email]
            for u in self.plan.users
            if u.role == "officer" and u.council_code and u.email in officers
        }

    def organisations(self) -> None:
        names = dict(self.session.execute(select(Organisation.name, Organisation.id)).all())
        titles = {
            (owner, title)
            for owner, title in self.session.execute(
                select(Offer.organisation_id, Offer.title).where(Offer.organisation_id.is_not(None))
            )
        }
        plans = self.plan.organisations
        with self.progress("Organisations and their offers", len(plans)) as bar:
            for start in range(0, len(plans), BATCH):
                batch = plans[start : start + BATCH]
                wanted = [u.email for p in batch for u in ([p.admin] if p.admin else []) + p.staff]
                known = self.emails(wanted)
                new: list[_New] = []
                for plan in batch:
                    self._organisation(plan, names.get(plan.fields["name"]), titles, known, new)
                self.session.flush()
                self.publish(new)
                self.session.commit()
                bar.update(len(batch))

    def _organisation(
        self,
        plan: OrganisationPlan,
        org_id: int | None,
        titles: set[tuple[int | None, str]],
        known: dict[str, int],
        new: list[_New],
    ) -> None:
        submitter = plan.admin.email if plan.admin else None
        officer = self.officer_ids.get(plan.council_code)
        if org_id is None:
            organisation = Organisation(
                **plan.fields,
                created_at=plan.created_at,
                updated_at=plan.created_at,
                claimed_at=(plan.created_at + timedelta(days=30 if plan.added_by_council else 0))
                if plan.claimed
                else None,
                added_by_id=officer if plan.added_by_council else None,
            )
            self.session.add(organisation)
            self.report.added["organisations"] += 1
            new.append(
                _New(
                    organisation,
                    plan.created_at,
                    submitter,
                    plan.council_code,
                    submitter_id=None if submitter else officer,
                )
            )
        else:
            organisation = self.session.get_one(Organisation, org_id)
            self.report.found["organisations"] += 1
        for user in ([plan.admin] if plan.admin else []) + plan.staff:
            if user.email in known:
                self.report.found["users"] += 1
            else:
                self.new_user(user, plan.created_at, organisation=organisation)
        for offer_plan in plan.offers:
            if org_id is not None and (org_id, offer_plan.fields["title"]) in titles:
                self.report.found["offers"] += 1
                continue
            offer = self.new_offer(offer_plan, organisation=organisation)
            new.append(
                _New(
                    offer,
                    offer_plan.created_at,
                    submitter,
                    plan.council_code,
                    offer_plan,
                    submitter_id=None if submitter else officer,
                )
            )

    def pas(self) -> None:
        profiles = dict(
            self.session.execute(
                select(User.email, PAProfile.id).join(PAProfile, PAProfile.user_id == User.id)
            ).all()
        )
        titles = {
            (owner, title)
            for owner, title in self.session.execute(
                select(Offer.pa_profile_id, Offer.title).where(Offer.pa_profile_id.is_not(None))
            )
        }
        plans = self.plan.pas
        with self.progress("Personal assistants and their offers", len(plans)) as bar:
            for start in range(0, len(plans), BATCH):
                batch = plans[start : start + BATCH]
                known = self.emails([p.user.email for p in batch])
                new: list[_New] = []
                for plan in batch:
                    self._pa(plan, profiles.get(plan.user.email), titles, known, new)
                self.session.flush()
                self.publish(new)
                self.session.commit()
                bar.update(len(batch))

    def _pa(
        self,
        plan: PAPlan,
        profile_id: int | None,
        titles: set[tuple[int | None, str]],
        known: dict[str, int],
        new: list[_New],
    ) -> None:
        email = plan.user.email
        if profile_id is None:
            if email in known:
                self.report.found["users"] += 1
                user = self.session.get_one(User, known[email])
            else:
                user = self.new_user(plan.user, plan.created_at - timedelta(hours=1))
            profile = PAProfile(
                **plan.fields,
                user=user,
                checks=[PACheck(**check) for check in plan.checks],
                created_at=plan.created_at,
                updated_at=plan.created_at,
            )
            self.session.add(profile)
            self.report.added["PA profiles"] += 1
            self.report.added["PA checks"] += len(plan.checks)
            new.append(_New(profile, plan.created_at, email, plan.council_code))
        else:
            profile = self.session.get_one(PAProfile, profile_id)
            self.report.found["users"] += 1
            self.report.found["PA profiles"] += 1
        for offer_plan in plan.offers:
            if profile_id is not None and (profile_id, offer_plan.fields["title"]) in titles:
                self.report.found["offers"] += 1
                continue
            offer = self.new_offer(offer_plan, pa_profile=profile)
            new.append(_New(offer, offer_plan.created_at, email, plan.council_code, offer_plan))


def load(
    session: DbSession, plan: DemoPlan, reference: datetime, progress: Progress = silent
) -> Report:
    """Add whatever of the plan is missing; commit once per batch. Returns what was added."""
    loader = Loader(session, plan, reference, progress)
    loader.councils()
    loader.users()
    loader.organisations()
    loader.pas()
    load_care.ras_tables(loader)
    load_care.holders(loader)
    load_adverts.adverts(loader)
    load_quotes.quotes(loader)
    load_bookings.bookings(loader)
    return loader.report


TABLES: tuple[tuple[str, Any], ...] = (
    ("Councils", Council),
    ("Council postcode districts", CouncilDistrict),
    ("Users", User),
    ("Organisations", Organisation),
    ("PA profiles", PAProfile),
    ("PA checks", PACheck),
    ("Offers", Offer),
    ("Listing areas", ListingArea),
    ("Listing versions", ListingVersion),
    ("RAS tables", RasTable),
    ("RAS questions", RasQuestion),
    ("RAS answers", RasOption),
    ("RAS bands", RasBand),
    ("RAS assessments", RasAssessment),
    ("Holder records", HolderRecord),
    ("Representatives' links", Representation),
    ("Broker links", BrokerLink),
    ("Budgets", Budget),
    ("Budget streams", BudgetStream),
    ("Support plans", SupportPlan),
    ("Plan outcomes", PlanOutcome),
    ("Plan lines", PlanLine),
    ("Plan events", PlanEvent),
    ("Need adverts", NeedAdvert),
    ("Replies to need adverts", NeedInterest),
    ("Quote requests", QuoteRequest),
    ("Quotes", Quote),
    ("Bookings", Booking),
    ("Booking sessions", BookingSession),
    ("Ledger entries", LedgerEntry),
)


def table_counts(session: DbSession) -> dict[str, int]:
    return {
        label: session.scalar(select(func.count()).select_from(model)) or 0
        for label, model in TABLES
    }
