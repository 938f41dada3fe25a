"""UK postcodes and postcode districts, located at their district centroid.

The bundled ``data/postcode_districts.csv`` (Ordnance Survey Code-Point Open, OGL v3; country from
GeoNames, CC BY 4.0 — see data/POSTCODE_DISTRICTS_SOURCE.md) gives one point per district. That is
the precision the marketplace works at: a searcher is located at their district's centroid and a PA
is never placed more precisely than their home district.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from marketplace.errors import DomainError

DATA_FILE = Path(__file__).parent / "data" / "postcode_districts.csv"

# Outward code: area (1-2 letters) + district (digit, then digit or letter). Inward: digit + 2 letters.
_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL = re.compile(rf"^(?P<outward>{_OUTWARD}) ?(?P<inward>[0-9][A-Z]{{2}})$")
_DISTRICT_ONLY = re.compile(rf"^(?P<outward>{_OUTWARD})$")


class UnknownPostcode(DomainError):
    code = "unknown_postcode"


@dataclass(frozen=True)
class District:
    code: str
    latitude: float
    longitude: float
    nation: str


@cache
def districts() -> dict[str, District]:
    with DATA_FILE.open(newline="", encoding="utf-8") as handle:
        return {
            row["district"]: District(
                row["district"], float(row["latitude"]), float(row["longitude"]), row["region"]
            )
            for row in csv.DictReader(handle)
        }


@dataclass(frozen=True)
class Postcode:
    """A normalised postcode: full ('LS6 2AB') or a district alone ('LS6')."""

    text: str
    district: District


def parse_postcode(text: str, *, allow_district: bool = True) -> Postcode:
    """Normalise a postcode and find its district; raise UnknownPostcode with a readable message."""
    cleaned = re.sub(r"\s+", "", (text or "").upper())
    if not cleaned:
        raise UnknownPostcode("Enter a postcode, like LS6 2AB")
    full = _FULL.match(cleaned)
    district_match = _DISTRICT_ONLY.match(cleaned) if allow_district else None
    if full:
        outward = full.group("outward")
        normalised = f"{outward} {full.group('inward')}"
    elif district_match:
        outward = normalised = district_match.group("outward")
    else:
        example = "LS6 2AB or LS6" if allow_district else "LS6 2AB"
        raise UnknownPostcode(f"Enter a real UK postcode, like {example}")
    district = districts().get(outward)
    if district is None:
        raise UnknownPostcode(
            f"We do not know the postcode district {outward}. Check the postcode; "
            "Northern Ireland, the Channel Islands and the Isle of Man are not covered."
        )
    return Postcode(normalised, district)


def distance_km(a: District, b: District) -> float:
    """Great-circle distance between two district centroids."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))
