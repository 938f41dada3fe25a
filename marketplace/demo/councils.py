"""The real councils the demo covers, and the postcode districts taken to approximate their areas.

Codes are ONS local authority codes. A council's districts are those of its postcode areas whose
centroid lies within a few km of one of its main towns (same nation), minus districts known to
belong to a neighbouring authority and non-geographic districts (PO boxes, large users). That is
approximate, as ``CouncilDistrict`` says: districts can cross boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from marketplace import geo


@dataclass(frozen=True)
class Town:
    name: str
    district: str  # the district whose centroid stands for the town centre
    radius_km: float


@dataclass(frozen=True)
class CouncilSpec:
    code: str
    name: str
    short_name: str  # "Leeds", used in names of council-run services
    nation: str
    phone_prefix: str  # Ofcom's drama numbers: the prefix plus three digits
    towns: tuple[Town, ...]
    areas: tuple[str, ...]  # postcode areas the council's districts may come from
    places: tuple[str, ...]  # neighbourhoods and landmarks used in organisation names
    # Backgrounds of local PAs, weighted (see names.BACKGROUNDS).
    backgrounds: tuple[tuple[str, int], ...]
    weight: int  # share of the generated organisations and PAs
    exclude: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z]+", "-", self.short_name.lower()).strip("-")


# Ofcom reserves these for drama: 0113 496 0000-0999 and so on; 01632 960xxx has no area.
_NO_AREA = "01632 960"

# One council a paragraph: code, name, short name, nation, phone prefix, towns, postcode areas,
# places, PA backgrounds, weight.
# fmt: off
COUNCILS: tuple[CouncilSpec, ...] = (
    CouncilSpec(
        "E08000035", "Leeds City Council", "Leeds", "England", "0113 496 0",
        (Town("Leeds", "LS1", 9), Town("Otley", "LS21", 3), Town("Wetherby", "LS22", 3),
         Town("Morley", "LS27", 2)),
        ("LS",),
        ("Aire Valley", "Kirkstall", "Roundhay", "Headingley", "Chapel Allerton", "Meanwood",
         "Armley", "Holbeck", "Seacroft", "Horsforth", "Rothwell", "Pudsey", "Harehills",
         "Wharfedale", "Temple Newsam", "Otley Chevin"),
        (("english", 60), ("pakistani", 12), ("punjabi", 5), ("polish", 8), ("african", 6),
         ("romanian", 3), ("arabic", 3), ("chinese", 3)),
        14,
    ),
    CouncilSpec(
        "E08000003", "Manchester City Council", "Manchester", "England", "0161 496 0",
        (Town("Manchester", "M1", 6.5), Town("Wythenshawe", "M22", 2.5)),
        ("M",),
        ("Irwell", "Ancoats", "Didsbury", "Chorlton", "Moss Side", "Longsight", "Gorton",
         "Wythenshawe", "Hulme", "Rusholme", "Blackley", "Northenden", "Withington", "Levenshulme",
         "Openshaw", "Newton Heath"),
        (("english", 50), ("pakistani", 15), ("african", 8), ("somali", 5), ("polish", 6),
         ("arabic", 5), ("chinese", 4), ("bangladeshi", 3), ("romanian", 3)),
        14,
        exclude=("M5", "M6", "M7", "M17", "M25", "M32", "M35", "M43", "M50"),  # Salford, Trafford…
    ),
    CouncilSpec(
        "E06000023", "Bristol City Council", "Bristol", "England", "0117 496 0",
        (Town("Bristol", "BS1", 6),),
        ("BS",),
        ("Avon Gorge", "Bedminster", "Clifton", "Easton", "Southville", "Fishponds", "Henleaze",
         "Knowle", "Brislington", "Redland", "Bishopsworth", "Lawrence Hill", "Montpelier",
         "Hartcliffe", "St Pauls", "Horfield"),
        (("english", 65), ("somali", 10), ("polish", 8), ("african", 7), ("punjabi", 3),
         ("spanish", 4), ("arabic", 3)),
        11,
    ),
    CouncilSpec(
        "E06000052", "Cornwall Council", "Cornwall", "England", _NO_AREA,
        (Town("Truro", "TR1", 8), Town("Penzance", "TR18", 6), Town("St Austell", "PL25", 6),
         Town("Bodmin", "PL31", 5), Town("Newquay", "TR7", 4), Town("Falmouth", "TR11", 4),
         Town("Camborne", "TR14", 4), Town("Launceston", "PL15", 4), Town("Bude", "EX23", 3)),
        ("TR", "PL", "EX"),
        ("Fal Valley", "Tamar", "Roseland", "Carrick", "Penwith", "Kernow", "Lizard", "Helford",
         "Camel Valley", "Bodmin Moor", "Porthleven", "Mevagissey", "Fowey", "Lanner"),
        (("english", 88), ("polish", 6), ("romanian", 4), ("spanish", 2)),
        8,
    ),
    CouncilSpec(
        "E08000025", "Birmingham City Council", "Birmingham", "England", "0121 496 0",
        (Town("Birmingham", "B1", 9), Town("Sutton Coldfield", "B73", 3)),
        ("B",),
        ("Bournville", "Edgbaston", "Moseley", "Kings Heath", "Handsworth", "Sparkbrook",
         "Erdington", "Digbeth", "Selly Oak", "Small Heath", "Acocks Green", "Northfield",
         "Balsall Heath", "Sutton Park", "Harborne", "Lozells"),
        (("english", 40), ("pakistani", 20), ("punjabi", 10), ("bangladeshi", 7), ("african", 8),
         ("gujarati", 4), ("arabic", 4), ("somali", 4), ("polish", 3)),
        16,
        exclude=("B62", "B66", "B67", "B68", "B69", "B70", "B71"),  # Sandwell and Dudley
    ),
    CouncilSpec(
        "E10000020", "Norfolk County Council", "Norfolk", "England", _NO_AREA,
        (Town("Norwich", "NR1", 8), Town("King's Lynn", "PE30", 5),
         Town("Great Yarmouth", "NR30", 4), Town("Cromer", "NR27", 4), Town("Thetford", "IP24", 4),
         Town("Dereham", "NR19", 4), Town("Fakenham", "NR21", 3)),
        ("NR", "PE", "IP"),
        ("Broadland", "Wensum", "Yare Valley", "Breckland", "Bure Valley", "Holt", "Wymondham",
         "Aylsham", "Swaffham", "Hunstanton", "Marshland", "Tas Valley", "Sheringham", "Acle"),
        (("english", 80), ("polish", 8), ("romanian", 7), ("african", 3), ("spanish", 2)),
        9,
    ),
    CouncilSpec(
        "E08000039", "Sheffield City Council", "Sheffield", "England", "0114 496 0",
        (Town("Sheffield", "S1", 8),),
        ("S",),
        ("Don Valley", "Hillsborough", "Sharrow", "Heeley", "Firth Park", "Crookes", "Walkley",
         "Darnall", "Burngreave", "Ecclesall", "Gleadless", "Woodseats", "Attercliffe",
         "Loxley Valley"),
        (("english", 62), ("pakistani", 10), ("arabic", 6), ("somali", 5), ("polish", 6),
         ("african", 6), ("chinese", 3), ("romanian", 2)),
        10,
    ),
    CouncilSpec(
        "E09000030", "London Borough of Tower Hamlets", "Tower Hamlets", "England", "020 7946 0",
        (Town("Whitechapel", "E1", 2.5), Town("Bow", "E3", 1), Town("Poplar", "E14", 1.5)),
        ("E",),
        ("Spitalfields", "Bow Common", "Poplar", "Limehouse", "Wapping", "Stepney", "Mile End",
         "Bethnal Green", "Whitechapel", "Isle of Dogs", "Shadwell", "Bromley-by-Bow",
         "Millwall", "Blackwall"),
        (("bangladeshi", 40), ("english", 30), ("somali", 10), ("african", 8), ("polish", 4),
         ("spanish", 4), ("chinese", 4)),
        7,
        exclude=("E22",),
    ),
    CouncilSpec(
        "S12000049", "Glasgow City Council", "Glasgow", "Scotland", "0141 496 0",
        (Town("Glasgow", "G1", 7),),
        ("G",),
        ("Clyde", "Kelvin", "Govan", "Partick", "Maryhill", "Shettleston", "Pollok",
         "Springburn", "Dennistoun", "Drumchapel", "Castlemilk", "Easterhouse", "Anderston",
         "Gorbals", "Possilpark", "Cathcart"),
        (("scottish", 65), ("pakistani", 12), ("polish", 8), ("african", 6), ("chinese", 4),
         ("arabic", 3), ("romanian", 2)),
        14,
        exclude=("G9", "G58", "G64", "G73"),  # non-geographic; East Dunbartonshire; Rutherglen
    ),
    CouncilSpec(
        "S12000036", "City of Edinburgh Council", "Edinburgh", "Scotland", "0131 496 0",
        (Town("Edinburgh", "EH1", 7),),
        ("EH",),
        ("Leith", "Portobello", "Morningside", "Craigmillar", "Stockbridge", "Corstorphine",
         "Gorgie", "Pilton", "Wester Hailes", "Liberton", "Granton", "Duddingston", "Murrayfield",
         "Colinton", "Arthur's Seat"),
        (("scottish", 65), ("polish", 10), ("english", 8), ("chinese", 6), ("spanish", 5),
         ("african", 3), ("arabic", 3)),
        12,
    ),
    CouncilSpec(
        "S12000017", "The Highland Council", "Highland", "Scotland", _NO_AREA,
        (Town("Inverness", "IV1", 10), Town("Fort William", "PH33", 6), Town("Wick", "KW1", 4),
         Town("Thurso", "KW14", 4), Town("Dingwall", "IV15", 5), Town("Aviemore", "PH22", 5),
         Town("Portree", "IV51", 5), Town("Nairn", "IV12", 4)),
        ("IV", "PH", "KW"),
        ("Ness", "Cairngorm", "Caithness", "Lochaber", "Skye", "Black Isle", "Strathspey",
         "Moray Firth", "Glen Affric", "Badenoch", "Sutherland", "Wester Ross", "Culloden",
         "Strathpeffer", "Cairn"),
        (("scottish", 78), ("gaelic", 4), ("polish", 10), ("english", 8)),
        7,
    ),
    CouncilSpec(
        "S12000047", "Fife Council", "Fife", "Scotland", _NO_AREA,
        (Town("Kirkcaldy", "KY1", 5), Town("Dunfermline", "KY12", 5), Town("Glenrothes", "KY7", 4),
         Town("St Andrews", "KY16", 4), Town("Cupar", "KY15", 3), Town("Leven", "KY8", 3)),
        ("KY",),
        ("Forth", "Eden Valley", "Lomond", "Kingdom", "East Neuk", "Tayside", "Leven Valley",
         "Cowdenbeath", "Lochgelly", "Burntisland", "Anstruther", "Methil", "Rosyth", "Falkland"),
        (("scottish", 80), ("polish", 10), ("english", 6), ("romanian", 4)),
        7,
    ),
    CouncilSpec(
        "W06000015", "Cardiff Council", "Cardiff", "Wales", "029 2018 0",
        (Town("Cardiff", "CF10", 7),),
        ("CF",),
        ("Taff", "Llandaff", "Roath", "Cathays", "Splott", "Canton", "Grangetown", "Ely",
         "Rumney", "Whitchurch", "Llanishen", "Pentwyn", "Butetown", "Radyr", "Bute Park"),
        (("welsh", 22), ("english", 45), ("somali", 8), ("arabic", 8), ("pakistani", 7),
         ("african", 6), ("polish", 4)),
        10,
        exclude=("CF30", "CF64"),  # non-geographic; Penarth (Vale of Glamorgan)
    ),
    CouncilSpec(
        "W06000011", "Swansea Council", "Swansea", "Wales", _NO_AREA,
        (Town("Swansea", "SA1", 7), Town("Mumbles", "SA3", 2), Town("Gorseinon", "SA4", 2)),
        ("SA",),
        ("Tawe", "Gower", "Mumbles", "Morriston", "Sketty", "Townhill", "Clydach",
         "Pontarddulais", "Penlan", "Bonymaen", "Uplands", "Killay", "Llansamlet", "Oystermouth"),
        (("welsh", 25), ("english", 55), ("polish", 8), ("arabic", 4), ("african", 4),
         ("chinese", 4)),
        7,
    ),
    CouncilSpec(
        "W06000002", "Cyngor Gwynedd", "Gwynedd", "Wales", _NO_AREA,
        (Town("Caernarfon", "LL55", 6), Town("Bangor", "LL57", 2), Town("Pwllheli", "LL53", 5),
         Town("Dolgellau", "LL40", 5), Town("Porthmadog", "LL49", 4), Town("Bala", "LL23", 4),
         Town("Blaenau Ffestiniog", "LL41", 3)),
        ("LL",),
        ("Eryri", "Menai", "Llŷn", "Arfon", "Meirionnydd", "Dwyfor", "Ogwen", "Peris", "Tryfan",
         "Mawddach", "Glaslyn", "Cadair", "Moelwyn", "Padarn"),
        (("welsh", 75), ("english", 20), ("polish", 5)),
        5,
    ),
    CouncilSpec(
        "W06000023", "Powys County Council", "Powys", "Wales", _NO_AREA,
        (Town("Newtown", "SY16", 6), Town("Welshpool", "SY21", 6), Town("Brecon", "LD3", 6),
         Town("Llandrindod Wells", "LD1", 6), Town("Machynlleth", "SY20", 4),
         Town("Ystradgynlais", "SA9", 3)),
        ("SY", "LD", "SA"),
        ("Severn", "Wye Valley", "Usk", "Hafren", "Radnor", "Montgomery", "Elan Valley", "Dyfi",
         "Llanidloes", "Crickhowell", "Builth", "Rhayader", "Llanfyllin", "Talgarth"),
        (("welsh", 35), ("english", 58), ("polish", 7)),
        5,
    ),
)
# fmt: on

COUNCIL_BY_CODE: dict[str, CouncilSpec] = {c.code: c for c in COUNCILS}

_NUMBER = re.compile(r"^[A-Z]+(?P<number>[0-9]+)")


def _geographic(code: str) -> bool:
    # Districts numbered 80 and above (LS98, BS99, CF91 ...) and a few others are PO boxes
    # or large users, with no homes to serve.
    match = _NUMBER.match(code)
    if match is None or code in {"M60", "M61", "E1W"}:
        return False
    return int(match.group("number")) < 80


@cache
def council_districts(code: str) -> tuple[str, ...]:
    """The council's postcode districts, sorted, nearest town's district first within a town."""
    spec = COUNCIL_BY_CODE[code]
    known = geo.districts()
    chosen: list[str] = []
    for town in spec.towns:
        centre = known[town.district]
        nearby = sorted(
            (geo.distance_km(centre, district), district.code)
            for district in known.values()
            if district.nation == spec.nation
            and re.sub(r"[0-9].*", "", district.code) in spec.areas  # the postcode area
            and district.code not in spec.exclude
            and _geographic(district.code)
            and geo.distance_km(centre, district) <= town.radius_km
        )
        chosen.extend(c for _, c in nearby if c not in chosen)
    return tuple(chosen)


def nearest_town(code: str, district: str) -> str:
    """The name of the council's town whose centre is nearest to a district."""
    spec = COUNCIL_BY_CODE[code]
    known = geo.districts()
    here = known[district]
    return min(spec.towns, key=lambda t: geo.distance_km(known[t.district], here)).name


def nearby_districts(code: str, district: str, count: int) -> list[str]:
    """The council's ``count`` districts nearest to ``district`` (itself first)."""
    known = geo.districts()
    here = known[district]
    ranked = sorted(council_districts(code), key=lambda c: (geo.distance_km(here, known[c]), c))
    return ranked[:count]
