"""Snapshots of a listing's editable fields: take one, apply one, describe one, compare two.

One field list per kind of listing drives all four, so a new column needs one line here. A
snapshot is plain JSON (dates as ISO text, checks as a list of dicts): it is what a
``ListingVersion`` stores and what a moderator approves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from marketplace.directory import vocab
from marketplace.directory.models import Offer, Organisation, PACheck, PAProfile
from marketplace.money import format_pence, format_percent

Listing = Offer | PAProfile | Organisation
Pairs = tuple[tuple[str, str], ...]

KINDS = ("offer", "pa_profile", "organisation")
KIND_LABELS = {
    "offer": "Offer",
    "pa_profile": "Personal assistant profile",
    "organisation": "Organisation",
}
MODELS: dict[str, type[Listing]] = {
    "offer": Offer,
    "pa_profile": PAProfile,
    "organisation": Organisation,
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    # text, int, pence, percent, bool, choice, list, date, councils, districts, availability, checks
    type: str = "text"
    pairs: Pairs = ()
    # Derived fields (a district worked out from a postcode) are kept but not shown on their own.
    shown: bool = True


_CATEGORY_PAIRS: Pairs = tuple((c.slug, c.name) for c in vocab.CATEGORIES)
_RATING_PAIRS: Pairs = tuple(pair for scale in vocab.RATINGS.values() for pair in scale)

OFFER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", "Title"),
    FieldSpec("description", "Description"),
    FieldSpec("category", "Category", "choice", _CATEGORY_PAIRS),
    FieldSpec("age_groups", "Age groups", "list", vocab.AGE_GROUPS),
    FieldSpec("needs", "Needs supported", "list", vocab.NEEDS),
    FieldSpec("price_pence", "Price", "pence"),
    FieldSpec("price_unit", "Price unit", "choice", vocab.PRICE_UNITS),
    FieldSpec("direct_bp", "Direct support share", "percent"),
    FieldSpec("coordination_bp", "Coordination share", "percent"),
    FieldSpec("overheads_bp", "Overheads share", "percent"),
    FieldSpec("pay_dp", "Can be paid by direct payment", "bool"),
    FieldSpec("pay_managed", "Can be paid from a council-managed budget", "bool"),
    FieldSpec("pay_isf", "Can be paid from an Individual Service Fund", "bool"),
    FieldSpec("deliver_home", "Delivered at home", "bool"),
    FieldSpec("deliver_venue", "Delivered at a venue", "bool"),
    FieldSpec("deliver_online", "Delivered online or by phone", "bool"),
    FieldSpec("venue_address", "Venue address"),
    FieldSpec("venue_postcode", "Venue postcode"),
    FieldSpec("venue_district", "Venue postcode district", shown=False),
    FieldSpec("days", "Days", "list", vocab.DAYS),
    FieldSpec("time_bands", "Times of day", "list", vocab.TIME_BANDS),
    FieldSpec("capacity", "Places", "int"),
    FieldSpec("vacancies", "Places free", "int"),
    FieldSpec("accessibility", "Accessibility", "list", vocab.ACCESSIBILITY),
    FieldSpec("languages", "Languages", "list", vocab.LANGUAGES),
)

PA_PROFILE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("display_name", "Name shown"),
    FieldSpec("employment", "Employment", "choice", vocab.PA_EMPLOYMENT),
    FieldSpec("hourly_rate_pence", "Hourly rate", "pence"),
    FieldSpec("sleep_in_rate_pence", "Sleep-in rate", "pence"),
    FieldSpec("waking_night_rate_pence", "Waking night rate", "pence"),
    FieldSpec("bio", "About"),
    FieldSpec("experience_years", "Years of experience", "int"),
    FieldSpec("skills", "Skills", "list", vocab.PA_SKILLS),
    FieldSpec("languages", "Languages", "list", vocab.LANGUAGES),
    FieldSpec("gender", "Gender", "choice", vocab.GENDERS),
    FieldSpec("availability", "Availability", "availability"),
    FieldSpec("home_district", "Home postcode district"),
    FieldSpec("travel_km", "Will travel (km)", "int"),
    FieldSpec("non_smoker", "Non-smoker", "bool"),
    FieldSpec("pets_ok", "Happy to work with pets", "bool"),
    FieldSpec("checks", "Checks and documents", "checks"),
)

ORGANISATION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "Name"),
    FieldSpec("kind", "Kind of organisation", "choice", vocab.ORGANISATION_KINDS),
    FieldSpec("description", "Description"),
    FieldSpec("email", "Email address"),
    FieldSpec("phone", "Phone number"),
    FieldSpec("website", "Website"),
    FieldSpec("base_postcode", "Main office postcode"),
    FieldSpec("base_district", "Main office postcode district", shown=False),
    FieldSpec("service_councils", "Councils served", "councils"),
    FieldSpec("service_districts", "Other postcode districts served", "districts"),
    FieldSpec("regulator", "Regulator", "choice", vocab.REGULATORS),
    FieldSpec("regulator_id", "Registration number"),
    FieldSpec("rating", "Rating", "choice", _RATING_PAIRS),
    FieldSpec("last_inspected_on", "Last inspected", "date"),
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "offer": OFFER_FIELDS,
    "pa_profile": PA_PROFILE_FIELDS,
    "organisation": ORGANISATION_FIELDS,
}
_LIST_TYPES = {"list", "councils", "districts", "availability"}
CHECK_KEYS = ("kind", "title", "reference", "issued_on", "expires_on")


def kind_of(listing: Listing) -> str:
    if isinstance(listing, Offer):
        return "offer"
    if isinstance(listing, PAProfile):
        return "pa_profile"
    return "organisation"


def title_of(listing: Listing) -> str:
    if isinstance(listing, Offer):
        return listing.title
    if isinstance(listing, PAProfile):
        return listing.display_name
    return listing.name


def title_in(kind: str, data: Mapping[str, Any]) -> str:
    """The listing's name as a snapshot gives it."""
    return str(data.get({"offer": "title", "pa_profile": "display_name"}.get(kind, "name"), ""))


# --- to and from JSON -------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _from_iso(value: str | date | None) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


def check_to_json(check: PACheck | Mapping[str, Any]) -> dict[str, Any]:
    get = check.get if isinstance(check, Mapping) else lambda key: getattr(check, key)
    return {
        "kind": get("kind"),
        "title": get("title") or "",
        "reference": get("reference") or "",
        "issued_on": _iso(_from_iso(get("issued_on"))),
        "expires_on": _iso(_from_iso(get("expires_on"))),
    }


def to_json(spec: FieldSpec, value: Any) -> Any:
    if spec.type == "checks":
        return [check_to_json(c) for c in value or []]
    if spec.type in _LIST_TYPES:
        return list(value or [])
    if spec.type == "date":
        return _iso(value)
    return value


def snapshot(listing: Listing) -> dict[str, Any]:
    """The listing row's editable fields as JSON."""
    return {
        spec.name: to_json(spec, getattr(listing, spec.name)) for spec in FIELDS[kind_of(listing)]
    }


def normalise(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Python values (dates, checks as dicts) -> the JSON form a snapshot holds."""
    return {spec.name: to_json(spec, values.get(spec.name)) for spec in FIELDS[kind]}


def apply(listing: Listing, data: Mapping[str, Any]) -> None:
    """Write a snapshot onto a listing row. Does not flush or commit."""
    for spec in FIELDS[kind_of(listing)]:
        if spec.name not in data:
            continue
        value = data[spec.name]
        if spec.type == "checks":
            assert isinstance(listing, PAProfile)
            wanted = [check_to_json(c) for c in value or []]
            # Replace the rows only when they differ, so unchanged checks keep their ids.
            if [check_to_json(c) for c in listing.checks] != wanted:
                listing.checks = [
                    PACheck(
                        kind=c["kind"],
                        title=c["title"],
                        reference=c["reference"],
                        issued_on=_from_iso(c["issued_on"]),
                        expires_on=_from_iso(c["expires_on"]),
                    )
                    for c in wanted
                ]
        elif spec.type == "date":
            setattr(listing, spec.name, _from_iso(value))
        elif spec.type in _LIST_TYPES:
            setattr(listing, spec.name, list(value or []))
        else:
            setattr(listing, spec.name, value)


# --- for people -------------------------------------------------------------------------------


def availability_label(slot: str) -> str:
    """'mon:morning' -> 'Monday morning'; 'sat:sleep_in' -> 'Saturday sleep-in'."""
    day, _, band = slot.partition(":")
    return f"{vocab.label(vocab.DAYS, day)} {vocab.label(vocab.TIME_BANDS, band).lower()}"


def _check_text(check: Mapping[str, Any]) -> str:
    parts = [vocab.label(vocab.CHECK_KINDS, check.get("kind"))]
    if check.get("title"):
        parts.append(str(check["title"]))
    issued = _from_iso(check.get("issued_on"))
    expires = _from_iso(check.get("expires_on"))
    dates = f"issued {_day(issued)}" if issued else ""
    if expires:
        dates += f", expires {_day(expires)}"
    if dates:
        parts.append(dates)
    return ", ".join(parts)


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def display(spec: FieldSpec, value: Any, council_names: Mapping[str, str] | None = None) -> str:
    """A stored value as a person reads it: money as pounds, lists by their labels."""
    empty = "None" if spec.type in _LIST_TYPES | {"checks"} else "Not given"
    if value is None or value == "" or value == []:
        return empty
    if spec.type == "pence":
        return format_pence(int(value))
    if spec.type == "percent":
        return format_percent(int(value))
    if spec.type == "bool":
        return "Yes" if value else "No"
    if spec.type == "choice":
        return vocab.label(spec.pairs, value)
    if spec.type == "list":
        return ", ".join(vocab.label(spec.pairs, v) for v in value)
    if spec.type == "councils":
        names = council_names or {}
        return ", ".join(names.get(code, code) for code in value)
    if spec.type == "districts":
        return ", ".join(value)
    if spec.type == "availability":
        return ", ".join(availability_label(slot) for slot in value)
    if spec.type == "checks":
        return "; ".join(_check_text(c) for c in value)
    if spec.type == "date":
        return _day(_from_iso(value))
    return str(value)


@dataclass(frozen=True)
class Line:
    label: str
    value: str


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def describe(
    kind: str, data: Mapping[str, Any], council_names: Mapping[str, str] | None = None
) -> list[Line]:
    """Every shown field of a snapshot, readable."""
    return [
        Line(spec.label, display(spec, data.get(spec.name), council_names))
        for spec in FIELDS[kind]
        if spec.shown
    ]


def diff(
    kind: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    council_names: Mapping[str, str] | None = None,
) -> list[Change]:
    """What changed from one snapshot to the next, field by field, readable."""
    old = old or {}
    changes = []
    for spec in FIELDS[kind]:
        if not spec.shown:
            continue
        before, after = old.get(spec.name), new.get(spec.name)
        if spec.type in _LIST_TYPES | {"checks"}:
            before, after = before or [], after or []
        if before == after:
            continue
        changes.append(
            Change(
                spec.label,
                display(spec, before, council_names),
                display(spec, after, council_names),
            )
        )
    return changes


def council_codes(*snapshots: Mapping[str, Any] | None) -> set[str]:
    """Every council code the snapshots mention, to look their names up once."""
    return {code for data in snapshots if data for code in data.get("service_councils") or []}
