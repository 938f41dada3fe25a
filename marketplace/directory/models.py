"""The directory: councils, organisations, personal assistants and the offers they list."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import today, utcnow
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User

_LISTING_STATUS = "status IN ('draft', 'pending', 'published', 'suspended')"


class Council(db.Model):  # type: ignore[name-defined]
    __tablename__ = "councils"
    __table_args__ = (
        CheckConstraint("nation IN ('England', 'Scotland', 'Wales')", name="nation_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)  # ONS code, e.g. E08000035
    name: Mapped[str] = mapped_column(String(120))
    nation: Mapped[str] = mapped_column(String(10))

    districts: Mapped[list[CouncilDistrict]] = relationship(
        back_populates="council", cascade="all, delete-orphan", order_by="CouncilDistrict.district"
    )

    @property
    def district_codes(self) -> list[str]:
        return [d.district for d in self.districts]


class CouncilDistrict(db.Model):  # type: ignore[name-defined]
    """A postcode district a council serves (approximate: districts can cross boundaries)."""

    __tablename__ = "council_districts"

    council_id: Mapped[int] = mapped_column(
        ForeignKey("councils.id", ondelete="CASCADE"), primary_key=True
    )
    district: Mapped[str] = mapped_column(String(4), primary_key=True, index=True)

    council: Mapped[Council] = relationship(back_populates="districts")


class Organisation(db.Model):  # type: ignore[name-defined]
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('private', 'voluntary', 'user_led', 'social_enterprise', "
            "'micro_enterprise', 'community_group', 'council_run')",
            name="kind_known",
        ),
        CheckConstraint(
            "regulator IN ('none', 'cqc', 'care_inspectorate', 'ciw')", name="regulator_known"
        ),
        CheckConstraint(
            "regulator <> 'none' OR (rating IS NULL AND last_inspected_on IS NULL)",
            name="rating_needs_regulator",
        ),
        CheckConstraint(_LISTING_STATUS, name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    base_postcode: Mapped[str] = mapped_column(String(8))
    base_district: Mapped[str] = mapped_column(String(4), index=True)
    # Service area: whole councils (by ONS code) and/or single postcode districts.
    service_councils: Mapped[list[str]] = mapped_column(JSON, default=list)
    service_districts: Mapped[list[str]] = mapped_column(JSON, default=list)
    regulator: Mapped[str] = mapped_column(String(20), default="none")
    regulator_id: Mapped[str] = mapped_column(String(40), default="")
    rating: Mapped[str | None] = mapped_column(String(30))
    last_inspected_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    # Listings added by a council or an admin are unclaimed until the organisation claims them.
    claimed_at: Mapped[datetime | None]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    last_reviewed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    staff: Mapped[list[User]] = relationship(
        back_populates="organisation", foreign_keys="User.organisation_id"
    )
    offers: Mapped[list[Offer]] = relationship(back_populates="organisation")

    @property
    def is_claimed(self) -> bool:
        return self.claimed_at is not None


class PAProfile(db.Model):  # type: ignore[name-defined]
    """A personal assistant's listing. Located only to their home postcode district."""

    __tablename__ = "pa_profiles"
    __table_args__ = (
        CheckConstraint(
            "employment IN ('self_employed', 'seeking_employment')", name="employment_known"
        ),
        CheckConstraint("hourly_rate_pence > 0", name="hourly_rate_positive"),
        CheckConstraint(
            "sleep_in_rate_pence IS NULL OR sleep_in_rate_pence > 0", name="sleep_in_positive"
        ),
        CheckConstraint(
            "waking_night_rate_pence IS NULL OR waking_night_rate_pence > 0",
            name="waking_night_positive",
        ),
        CheckConstraint("travel_km >= 0 AND travel_km <= 200", name="travel_range"),
        CheckConstraint("experience_years >= 0 AND experience_years <= 70", name="experience"),
        CheckConstraint(_LISTING_STATUS, name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    employment: Mapped[str] = mapped_column(String(20))
    hourly_rate_pence: Mapped[int]
    sleep_in_rate_pence: Mapped[int | None]
    waking_night_rate_pence: Mapped[int | None]
    bio: Mapped[str] = mapped_column(Text, default="")
    experience_years: Mapped[int] = mapped_column(default=0)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    gender: Mapped[str] = mapped_column(String(12), default="not_said")
    # Availability as "day:band" slots, e.g. ["mon:morning", "sat:sleep_in"].
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    home_district: Mapped[str] = mapped_column(String(4), index=True)
    travel_km: Mapped[int] = mapped_column(default=10)
    # What holders' need adverts ask about (a driver: an in-date driving licence check).
    non_smoker: Mapped[bool] = mapped_column(default=False, server_default=false())
    pets_ok: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    last_reviewed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    checks: Mapped[list[PACheck]] = relationship(
        back_populates="pa_profile", cascade="all, delete-orphan", order_by="PACheck.id"
    )
    offers: Mapped[list[Offer]] = relationship(back_populates="pa_profile")


class PACheck(db.Model):  # type: ignore[name-defined]
    """A background check, certificate or document a PA holds, with its dates."""

    __tablename__ = "pa_checks"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('enhanced_dbs', 'pvg', 'right_to_work', 'training', 'insurance', "
            "'driving_licence', 'car')",
            name="kind_known",
        ),
        CheckConstraint(
            "expires_on IS NULL OR expires_on >= issued_on", name="expires_after_issue"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pa_profile_id: Mapped[int] = mapped_column(
        ForeignKey("pa_profiles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120), default="")  # e.g. the training course
    reference: Mapped[str] = mapped_column(String(60), default="")
    issued_on: Mapped[date]
    expires_on: Mapped[date | None]

    pa_profile: Mapped[PAProfile] = relationship(back_populates="checks")

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < today()


class Offer(db.Model):  # type: ignore[name-defined]
    """Something a provider or a PA sells (or gives free), at a price per unit."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint(
            "(organisation_id IS NOT NULL AND pa_profile_id IS NULL)"
            " OR (organisation_id IS NULL AND pa_profile_id IS NOT NULL)",
            name="one_owner",
        ),
        CheckConstraint(
            "price_unit IN ('hour', 'session', 'visit', 'day', 'night', 'week', 'item', 'free')",
            name="unit_known",
        ),
        CheckConstraint(
            "(price_unit = 'free' AND price_pence = 0)"
            " OR (price_unit <> 'free' AND price_pence > 0 AND price_pence <= 10000000)",
            name="price_matches_unit",
        ),
        CheckConstraint(
            "direct_bp >= 0 AND coordination_bp >= 0 AND overheads_bp >= 0"
            " AND direct_bp + coordination_bp + overheads_bp = 10000",
            name="breakdown_sums_to_100",
        ),
        # A direct payment may not buy long-term residential care (England; short stays are fine).
        CheckConstraint(
            "NOT (pay_dp AND category = 'long-term-residential')", name="dp_not_residential"
        ),
        CheckConstraint("deliver_home OR deliver_venue OR deliver_online", name="some_delivery"),
        CheckConstraint(
            "NOT deliver_venue OR (venue_district IS NOT NULL AND venue_address <> '')",
            name="venue_has_address",
        ),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_positive"),
        CheckConstraint(
            "vacancies IS NULL OR (vacancies >= 0 AND (capacity IS NULL OR vacancies <= capacity))",
            name="vacancies_within_capacity",
        ),
        CheckConstraint(_LISTING_STATUS, name="status_known"),
        Index("ix_offers_status_category", "status", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    pa_profile_id: Mapped[int | None] = mapped_column(ForeignKey("pa_profiles.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(40))
    age_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    price_pence: Mapped[int]
    price_unit: Mapped[str] = mapped_column(String(10))
    # The price split, in basis points (7700 = 77%): direct support, coordination, overheads.
    direct_bp: Mapped[int] = mapped_column(default=10000)
    coordination_bp: Mapped[int] = mapped_column(default=0)
    overheads_bp: Mapped[int] = mapped_column(default=0)
    pay_dp: Mapped[bool] = mapped_column(default=True)
    pay_managed: Mapped[bool] = mapped_column(default=True)
    pay_isf: Mapped[bool] = mapped_column(default=True)
    deliver_home: Mapped[bool] = mapped_column(default=False)
    deliver_venue: Mapped[bool] = mapped_column(default=False)
    deliver_online: Mapped[bool] = mapped_column(default=False)
    venue_address: Mapped[str] = mapped_column(String(300), default="")
    venue_postcode: Mapped[str | None] = mapped_column(String(8))
    venue_district: Mapped[str | None] = mapped_column(String(4), index=True)
    days: Mapped[list[str]] = mapped_column(JSON, default=list)
    time_bands: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int | None]
    vacancies: Mapped[int | None]
    accessibility: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    last_reviewed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation | None] = relationship(back_populates="offers")
    pa_profile: Mapped[PAProfile | None] = relationship(back_populates="offers")

    @property
    def deployments(self) -> list[str]:
        return [
            d
            for d, ok in (("dp", self.pay_dp), ("managed", self.pay_managed), ("isf", self.pay_isf))
            if ok
        ]

    @property
    def provider_name(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        return self.pa_profile.display_name if self.pa_profile else ""


class ListingArea(db.Model):  # type: ignore[name-defined]
    """Which councils' areas a published listing serves; recomputed whenever it is published.

    Browsing "by council area" and an officer's moderation queue read this table.
    """

    __tablename__ = "listing_areas"
    __table_args__ = (
        CheckConstraint("kind IN ('offer', 'pa_profile', 'organisation')", name="kind_known"),
        Index("ix_listing_areas_council_kind", "council_id", "kind"),
    )

    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    listing_id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("councils.id", ondelete="CASCADE"), primary_key=True
    )


class ShortlistItem(db.Model):  # type: ignore[name-defined]
    __tablename__ = "shortlist_items"
    __table_args__ = (
        CheckConstraint(
            "(offer_id IS NOT NULL AND pa_profile_id IS NULL)"
            " OR (offer_id IS NULL AND pa_profile_id IS NOT NULL)",
            name="one_target",
        ),
        Index("uq_shortlist_offer", "user_id", "offer_id", unique=True),
        Index("uq_shortlist_pa", "user_id", "pa_profile_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    pa_profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("pa_profiles.id", ondelete="CASCADE")
    )
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    offer: Mapped[Offer | None] = relationship()
    pa_profile: Mapped[PAProfile | None] = relationship()


def json_list(value: Any) -> list[str]:
    """JSON list columns read back as lists even when a row predates a column."""
    return list(value or [])
