"""The search parameters of the page and the API: request arguments in, a SearchQuery out.

Both speak the same names (issue 4): q, kind, category, council, postcode, radius_km, deployment,
unit, max_price_pence, free, day, time_band, delivery, for_age, accessibility, language,
min_rating, pa_check, gender, vacancies, sort, page, per_page. Every value is checked against the
directory's vocabularies; what is wrong is collected as {parameter: message a person understands}
and raised together as InvalidParameter. Unknown parameter names are ignored, so links carrying
extra arguments (tracking, old bookmarks) still work.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from marketplace import geo
from marketplace.directory import vocab
from marketplace.directory.models import Council, CouncilDistrict
from marketplace.errors import ValidationFailed
from marketplace.extensions import DbSession
from marketplace.search.ratings import score_for_slug
from search_index.interface import GeoFilter, SearchQuery

MAX_TEXT = 200
MIN_RADIUS_KM = 1
MAX_RADIUS_KM = 200
DEFAULT_RADIUS_KM = 10
MAX_PER_PAGE = 100
MAX_PRICE_PENCE = 10_000_000
# A page number longer than this is nonsense typed into the address bar, not a real page.
_MAX_PAGE_DIGITS = 6

# Labels of every filter value the search offers, by parameter name (also the facet names).
KINDS: tuple[tuple[str, str], ...] = (
    ("offer", "Service"),
    ("pa", "Personal assistant"),
    ("organisation", "Organisation"),
)
PA_CHECKS: tuple[tuple[str, str], ...] = (
    ("dbs", "Enhanced DBS check"),
    ("pvg", "PVG scheme membership"),
    ("right_to_work", "Right to work in the UK"),
    ("driving", "Driving licence"),
    ("insurance", "Public liability insurance"),
)
SORTS: tuple[tuple[str, str], ...] = (
    ("relevance", "Best match"),
    ("distance", "Distance"),
    ("price", "Price, lowest first"),
)
# The page offers these minimum ratings; the API takes any regulator's rating slug.
MIN_RATINGS: tuple[tuple[str, str], ...] = (
    ("outstanding", "Outstanding or excellent"),
    ("good", "Good or better"),
    ("requires_improvement", "Requires improvement, adequate or better"),
)
VOCABULARIES: dict[str, tuple[tuple[str, str], ...]] = {
    "kind": KINDS,
    "category": tuple((c.slug, c.name) for c in vocab.CATEGORIES),
    "deployment": vocab.DEPLOYMENTS,
    "unit": vocab.PRICE_UNITS,
    "delivery": vocab.DELIVERY_MODES,
    "day": vocab.DAYS,
    "time_band": vocab.TIME_BANDS,
    "for_age": vocab.AGE_BANDS,
    "accessibility": vocab.ACCESSIBILITY,
    "language": vocab.LANGUAGES,
    "pa_check": PA_CHECKS,
    "gender": vocab.GENDERS,
    "sort": SORTS,
}

# How each vocabulary is described in an error message: "Choose a <noun> from the list".
_NOUNS = {
    "kind": "type of result",
    "category": "category",
    "deployment": "way of paying",
    "unit": "price unit",
    "delivery": "way the support is given",
    "day": "day",
    "time_band": "time of day",
    "for_age": "age group",
    "accessibility": "accessibility feature",
    "language": "language",
    "pa_check": "check",
    "gender": "gender",
    "sort": "order",
}
REPEATABLE = frozenset({"category", "day", "time_band", "accessibility", "pa_check"})
# Every parameter, in the order errors are reported (the order of the page's fields).
PARAMETERS: tuple[str, ...] = (
    "q",
    "kind",
    "category",
    "council",
    "postcode",
    "radius_km",
    "deployment",
    "unit",
    "max_price_pence",
    "free",
    "day",
    "time_band",
    "delivery",
    "for_age",
    "accessibility",
    "language",
    "min_rating",
    "pa_check",
    "gender",
    "vacancies",
    "sort",
    "page",
    "per_page",
)

_DIGITS = re.compile(r"^[0-9]+$", re.ASCII)
_NUMBER = re.compile(r"^[0-9]{1,4}(\.[0-9]{1,3})?$", re.ASCII)
# Control characters (NUL included) have no place in a search and PostgreSQL refuses NUL.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class InvalidParameter(ValidationFailed):
    """Search parameters that were refused: {parameter: message}. The API answers 400."""

    code = "invalid_parameter"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        # The API's one message names every bad parameter; the page shows each message by its field.
        self.message = "; ".join(f"{name}: {message}" for name, message in errors.items())


@dataclass(frozen=True)
class SearchRequest:
    """A checked search: the engine's query plus what the search log and the page need."""

    query: SearchQuery
    # The parameters that differ from their defaults, normalised (lists for repeatable ones).
    params: dict[str, Any] = field(default_factory=dict)
    postcode: str | None = None  # normalised, as the person typed it (full or district)
    district: str | None = None
    council_id: int | None = None  # the council param's council, else the postcode's council
    council_name: str | None = None  # the council param's council only

    @property
    def filters(self) -> dict[str, Any]:
        """What the search log keeps: the filters, with the postcode cut to its district.

        The text is logged on its own; page and page size are not filters.
        """
        kept = {k: v for k, v in self.params.items() if k not in {"q", "page", "per_page"}}
        if self.district:
            kept["postcode"] = self.district
        return kept


def _single(args: MultiDict[str, str], name: str) -> str:
    # Several values for a one-value parameter: the first counts, like a form's first field.
    return (args.get(name) or "").strip()


def _many(args: MultiDict[str, str], name: str) -> list[str]:
    seen: dict[str, None] = {}
    for value in args.getlist(name):
        value = value.strip()
        if value:
            seen.setdefault(value, None)
    return list(seen)


def _choice_message(name: str) -> str:
    return f"Choose a {_NOUNS[name]} from the list"


def _boolean(text: str) -> bool | None:
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    return None


def _integer(text: str) -> int | None:
    if not _DIGITS.match(text) or len(text) > 9:
        return None
    return int(text)


@lru_cache(maxsize=512)
def near_districts(district_code: str, radius_km: float) -> frozenset[str]:
    """Every postcode district whose centre lies within ``radius_km`` of this district's centre."""
    known = geo.districts()
    centre = known[district_code]
    return frozenset(
        code for code, other in known.items() if geo.distance_km(centre, other) <= radius_km
    )


class _Parser:
    """Reads one parameter at a time, keeping the values and the errors apart."""

    def __init__(self, session: DbSession, args: MultiDict[str, str], default_per_page: int):
        self.session = session
        self.args = args
        self.default_per_page = default_per_page
        self.errors: dict[str, str] = {}
        self.params: dict[str, Any] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def choice(self, name: str) -> str | None:
        text = _single(self.args, name)
        if not text:
            return None
        if text not in vocab.values(VOCABULARIES[name]):
            self.fail(name, _choice_message(name))
            return None
        self.params[name] = text
        return text

    def choices(self, name: str) -> tuple[str, ...]:
        chosen = _many(self.args, name)
        allowed = vocab.values(VOCABULARIES[name])
        if any(value not in allowed for value in chosen):
            self.fail(name, _choice_message(name))
            return ()
        if chosen:
            self.params[name] = chosen
        return tuple(chosen)

    def flag(self, name: str, message: str) -> bool:
        text = _single(self.args, name)
        if not text:
            return False
        value = _boolean(text)
        if value is None:
            self.fail(name, message)
            return False
        if value:
            self.params[name] = True
        return value

    def text(self) -> str:
        text = " ".join(_CONTROL.sub(" ", self.args.get("q") or "").split())
        if len(text) > MAX_TEXT:
            self.fail("q", f"Search for {MAX_TEXT} characters or fewer")
            return ""
        if text:
            self.params["q"] = text
        return text

    def council(self) -> Council | None:
        code = _single(self.args, "council").upper()
        if not code:
            return None
        council = (
            self.session.scalar(select(Council).where(Council.code == code))
            if len(code) <= 9
            else None
        )
        if council is None:
            self.fail("council", "We do not know that council area. Choose one from the list")
            return None
        self.params["council"] = council.code
        return council

    def postcode(self) -> geo.Postcode | None:
        text = _single(self.args, "postcode")
        if not text:
            return None
        try:
            postcode = geo.parse_postcode(text[:20], allow_district=True)
        except geo.UnknownPostcode as error:
            self.fail("postcode", error.message)
            return None
        self.params["postcode"] = postcode.text
        return postcode

    def radius(self, postcode_given: bool) -> float | None:
        text = _single(self.args, "radius_km")
        if not text:
            return float(DEFAULT_RADIUS_KM) if postcode_given else None
        if not postcode_given and "postcode" not in self.errors:
            self.fail("radius_km", "Enter a postcode to search within a distance")
            return None
        value = float(text) if _NUMBER.match(text) else math.nan
        if not MIN_RADIUS_KM <= value <= MAX_RADIUS_KM:
            self.fail(
                "radius_km",
                f"Enter a distance between {MIN_RADIUS_KM} and {MAX_RADIUS_KM} kilometres, like 10",
            )
            return None
        return value

    def max_price(self) -> int | None:
        text = _single(self.args, "max_price_pence")
        if not text:
            return None
        value = _integer(text)
        if value is None or value > MAX_PRICE_PENCE:
            self.fail(
                "max_price_pence",
                "Enter the highest price as a whole number of pence, from 0 to 10000000 (£100,000)",
            )
            return None
        self.params["max_price_pence"] = value
        return value

    def min_rating(self) -> int | None:
        text = _single(self.args, "min_rating").lower()
        if not text:
            return None
        score = score_for_slug(text) if len(text) <= 30 else None
        if score is None:
            self.fail("min_rating", "Choose a regulator rating from the list")
            return None
        self.params["min_rating"] = text
        return score

    def number(self, name: str, low: int, high: int, default: int, message: str) -> int:
        text = _single(self.args, name)
        if not text:
            return default
        value = _integer(text) if len(text) <= _MAX_PAGE_DIGITS else None
        if value is None or not low <= value <= high:
            self.fail(name, message)
            return default
        if value != default:
            self.params[name] = value
        return value


def parse_search_args(
    session: DbSession, args: MultiDict[str, str], *, default_per_page: int = 20
) -> SearchRequest:
    """Check every search parameter; raise InvalidParameter naming each one that is wrong."""
    p = _Parser(session, args, default_per_page)
    text = p.text()
    kind = p.choice("kind")
    categories = p.choices("category")
    council = p.council()
    postcode = p.postcode()
    postcode_given = postcode is not None or "postcode" in p.errors
    radius = p.radius(postcode_given)
    deployment = p.choice("deployment")
    unit = p.choice("unit")
    max_price = p.max_price()
    free = p.flag("free", "Choose whether to show only free support: true or false")
    days = p.choices("day")
    time_bands = p.choices("time_band")
    delivery = p.choice("delivery")
    for_age = p.choice("for_age")
    accessibility = p.choices("accessibility")
    language = p.choice("language")
    min_rating_score = p.min_rating()
    pa_checks = p.choices("pa_check")
    gender = p.choice("gender")
    vacancies = p.flag("vacancies", "Choose whether to show only places free now: true or false")
    sort = p.choice("sort") or "relevance"
    if sort == "relevance":
        p.params.pop("sort", None)  # the default: not worth a line in the search log
    if sort == "distance" and not postcode_given:
        p.fail("sort", "Enter a postcode to sort by distance")
    page = p.number("page", 1, 10**_MAX_PAGE_DIGITS - 1, 1, "Enter a page number of 1 or more")
    per_page = p.number(
        "per_page",
        1,
        MAX_PER_PAGE,
        default_per_page,
        f"Enter how many results to show on a page, from 1 to {MAX_PER_PAGE}",
    )
    if p.errors:
        raise InvalidParameter({name: p.errors[name] for name in PARAMETERS if name in p.errors})

    geo_filter: GeoFilter | None = None
    if postcode is not None and radius is not None:
        district = postcode.district
        p.params["radius_km"] = int(radius) if radius.is_integer() else radius
        geo_filter = GeoFilter(
            district=district.code,
            latitude=district.latitude,
            longitude=district.longitude,
            radius_km=radius,
            near_districts=near_districts(district.code, radius),
        )
    query = SearchQuery(
        text=text,
        kind=kind,  # type: ignore[arg-type]  # checked against KINDS above
        categories=categories,
        council=council.code if council else None,
        geo=geo_filter,
        deployment=deployment,
        unit=unit,
        max_price_pence=max_price,
        free=free,
        days=days,
        time_bands=time_bands,
        delivery=delivery,
        for_age=for_age,
        accessibility=accessibility,
        language=language,
        min_rating_score=min_rating_score,
        pa_checks=pa_checks,
        gender=gender,
        vacancies=vacancies,
        sort=sort,  # type: ignore[arg-type]  # checked against SORTS above
        page=page,
        per_page=per_page,
    )
    return SearchRequest(
        query=query,
        params=p.params,
        postcode=postcode.text if postcode else None,
        district=postcode.district.code if postcode else None,
        council_id=council.id if council else _council_of_district(session, postcode),
        council_name=council.name if council else None,
    )


def _council_of_district(session: DbSession, postcode: geo.Postcode | None) -> int | None:
    if postcode is None:
        return None
    # A district can cross a boundary: the lowest id keeps the answer stable.
    return session.scalar(
        select(CouncilDistrict.council_id)
        .where(CouncilDistrict.district == postcode.district.code)
        .order_by(CouncilDistrict.council_id)
        .limit(1)
    )


# For templates and the API: the label of a value of a parameter, or the value itself.
def value_label(name: str, value: str) -> str:
    return vocab.label(VOCABULARIES.get(name, ()), value)
