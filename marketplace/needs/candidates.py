"""Where candidates are and reading them fast: districts within reach of a need, and published
PAs as plain rows (``PARow``) that scoring reads as it reads a ``PAProfile`` (``PAFacts``).

Building thousands of ORM objects, and decoding their JSON lists, costs more than scoring them, so
``pas_near`` reads the few columns scoring needs through the session's connection.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Mapping, Sequence
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol
from typing import cast as cast_type

from sqlalchemy import ARRAY, ColumnElement, Text, any_, bindparam, cast, select

from marketplace import geo
from marketplace.directory.models import PACheck, PAProfile
from marketplace.extensions import DbSession
from marketplace.needs.scoring import CheckFacts

# The widest travel range a PA may give (pa_profiles' CHECK): nobody farther can match.
MAX_TRAVEL_KM = 200


@lru_cache(maxsize=512)
def distances_from(district: str) -> Mapping[str, float]:
    """{district: km} for every postcode district within ``MAX_TRAVEL_KM`` of the district's
    centre (itself included; empty for an unknown district). Read-only: it is shared."""
    places = geo.districts()
    centre = places.get(district)
    if centre is None:
        return MappingProxyType({})
    found = {code: geo.distance_km(centre, place) for code, place in places.items()}
    return MappingProxyType({code: km for code, km in found.items() if km <= MAX_TRAVEL_KM})


@lru_cache(maxsize=4096)
def districts_within(district: str, km: float) -> frozenset[str]:
    """The postcode districts whose centres lie within ``km`` (at most ``MAX_TRAVEL_KM``) of the
    district's centre (itself included; an unknown district is near only itself)."""
    near = distances_from(district)
    if not near:
        return frozenset({district})
    return frozenset(code for code, away in near.items() if away <= km)


class PAFacts(Protocol):
    """What scoring reads of a PA: a ``PAProfile`` is one, and so is a ``PARow``."""

    @property
    def id(self) -> int: ...
    @property
    def display_name(self) -> str: ...
    @property
    def home_district(self) -> str: ...
    @property
    def travel_km(self) -> int: ...
    @property
    def hourly_rate_pence(self) -> int: ...
    @property
    def availability(self) -> Container[str]: ...
    @property
    def skills(self) -> Container[str]: ...
    @property
    def languages(self) -> Container[str]: ...
    @property
    def gender(self) -> str: ...
    @property
    def non_smoker(self) -> bool: ...
    @property
    def pets_ok(self) -> bool: ...
    @property
    def checks(self) -> Sequence[CheckFacts]: ...


class CheckRow(NamedTuple):
    kind: str
    expires_on: date | None


class Listed:
    """A JSON list of vocabulary values kept as its text: ``value in listed`` looks for
    '"value"' in it. Decoding thousands of small JSON lists costs more than scoring the PAs who
    hold them; vocabulary values (validated on the way in) never contain quotes or
    backslashes, so the quoted value appears in the text exactly when it is in the list."""

    __slots__ = ("text",)

    def __init__(self, text: str | None) -> None:
        self.text = text or ""

    def __contains__(self, value: object) -> bool:
        return f'"{value}"' in self.text


class PARow(NamedTuple):
    """A PA as ``pas_near`` reads it: the columns scoring needs, no ORM object."""

    id: int
    display_name: str
    home_district: str
    travel_km: int
    hourly_rate_pence: int
    availability: Container[str]
    skills: Container[str]
    languages: Container[str]
    gender: str
    non_smoker: bool
    pets_ok: bool
    checks: Sequence[CheckFacts] = ()


_LISTS = ("availability", "skills", "languages")
# The JSON lists are read as text (a cast, so PostgreSQL's driver does not decode them either).
_PA_COLUMNS = tuple(
    cast(getattr(PAProfile, name), Text) if name in _LISTS else getattr(PAProfile, name)
    for name in PARow._fields[:-1]
)


def _one_of(column: Any, values: list[Any], postgres: bool) -> ColumnElement[bool]:
    """``column IN values`` for lists of thousands: on PostgreSQL one array parameter
    (``= ANY(...)``), since a statement with thousands of bound parameters costs the driver
    more to prepare than the database to run; elsewhere an ordinary IN."""
    if postgres:
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


class PAPlace(NamedTuple):
    """A PA as the first, narrow read sees them: enough to say they live too far away."""

    id: int
    display_name: str
    home_district: str
    travel_km: int
    hourly_rate_pence: int


# Ids per statement when reading PAs in full: well under SQLite's and PostgreSQL's limits on
# bound parameters.
_IDS_PER_READ = 5_000


def pas_near(
    session: DbSession, distances: Mapping[str, float], kinds: Collection[str]
) -> tuple[list[PARow], list[PAPlace]]:
    """Published PAs living in the districts of ``distances`` ({district: km from the need}):
    those whose own travel range reaches the need in full (``PARow``, with their checks of
    ``kinds``), the others only as ``PAPlace`` — they are ruled out by distance alone, and
    reading their lists and checks would be most of the work. Three statements (one more per
    5,000 PAs within reach)."""
    # Core rows through the session's connection: no ORM objects, no ORM row processing.
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    where = (
        PAProfile.status == "published",
        _one_of(PAProfile.home_district, sorted(distances), postgres),
    )
    places = connection.execute(select(*_PLACE_COLUMNS).where(*where)).all()
    reach: list[int] = []
    beyond: list[PAPlace] = []
    for place in places:  # rows read by name as a PAPlace is: no copy into one
        if distances[place.home_district] <= place.travel_km:
            reach.append(place.id)
        else:
            beyond.append(cast_place(place))
    found: list[PARow] = []
    for at in range(0, len(reach), _IDS_PER_READ):
        ids = reach[at : at + _IDS_PER_READ]
        checks: dict[int, list[CheckRow]] = {}
        for pa_id, kind, expires_on in (
            connection.execute(
                select(PACheck.pa_profile_id, PACheck.kind, PACheck.expires_on)
                .where(
                    _one_of(PACheck.pa_profile_id, ids, postgres), PACheck.kind.in_(sorted(kinds))
                )
                .order_by(PACheck.id)
            ).all()
            if kinds
            else ()
        ):
            checks.setdefault(pa_id, []).append(CheckRow(kind, expires_on))
        for row in connection.execute(
            select(*_PA_COLUMNS).where(_one_of(PAProfile.id, ids, postgres)).order_by(PAProfile.id)
        ).all():
            pa_id, name, home, travel, rate, available, skills, languages, gender, smoke, pets = row
            found.append(
                PARow(
                    pa_id,
                    name,
                    home,
                    travel,
                    rate,
                    Listed(available),
                    Listed(skills),
                    Listed(languages),
                    gender,
                    smoke,
                    pets,
                    checks.get(pa_id, ()),
                )
            )
    return found, beyond


_PLACE_COLUMNS = tuple(getattr(PAProfile, name) for name in PAPlace._fields)


def cast_place(row: Any) -> PAPlace:
    """A row of ``_PLACE_COLUMNS`` has a PAPlace's fields by name and position already."""
    return cast_type(PAPlace, row)
