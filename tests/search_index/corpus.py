"""A small, fixed directory of realistic listings for engine tests, and a brute-force reference
for filters and facets to check the engine against."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from search_index.interface import FACET_FIELDS, GeoFilter, SearchDocument, SearchQuery

LEEDS = "E08000035"
BRADFORD = "E08000032"
MANCHESTER = "E08000003"
CARDIFF = "W06000015"

# District centroids (from marketplace/data/postcode_districts.csv).
DISTRICTS: dict[str, tuple[float, float]] = {
    "LS1": (53.79764, -1.55144),
    "LS2": (53.80265, -1.54594),
    "LS4": (53.81046, -1.58473),
    "LS6": (53.82010, -1.57079),
    "LS11": (53.77642, -1.55734),
    "LS17": (53.86014, -1.52762),
    "LS28": (53.80231, -1.66999),
    "BD1": (53.79656, -1.75443),
    "M14": (53.44844, -2.22587),
    "CF10": (51.47474, -3.17324),
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def geo(district: str, radius_km: float = 10.0) -> GeoFilter:
    centre = DISTRICTS[district]
    near = frozenset(d for d, at in DISTRICTS.items() if km(centre, at) <= radius_km)
    return GeoFilter(district, centre[0], centre[1], radius_km, near)


def _doc(
    kind: str, id_: int, title: str, *, base: str | None = None, **fields: Any
) -> SearchDocument:
    if base is None:
        base = fields.get("venue_district") or (fields.get("serves_districts") or (None,))[0]
    if base is not None:
        fields.setdefault("latitude", DISTRICTS[base][0])
        fields.setdefault("longitude", DISTRICTS[base][1])
    fields.setdefault("councils", (LEEDS,))
    fields.setdefault("deployments", ("dp",))
    fields.setdefault("languages", ("en",))
    fields.setdefault("for_ages", ("adults", "older"))
    if fields.get("venue_district"):
        fields.setdefault("delivery", ("venue",))
    elif fields.get("serves_districts"):
        fields.setdefault("delivery", ("home",))
    return SearchDocument(kind=kind, id=id_, title=title, **fields)  # type: ignore[arg-type]


CORPUS: tuple[SearchDocument, ...] = (
    _doc(
        "offer",
        1,
        "Garden maintenance for older people",
        provider="Greenfingers Leeds",
        body="We keep your garden tidy: mowing lawns, weeding borders and pruning hedges. "
        "Our gardeners visit weekly or fortnightly.",
        categories=("gardening",),
        serves_districts=("LS4", "LS6", "LS1", "LS2"),
        base="LS4",
        unit="hour",
        price_pence=1800,
        days=("mon", "tue", "wed"),
        time_bands=("morning", "afternoon"),
        for_ages=("older",),
        has_vacancies=True,
    ),
    _doc(
        "offer",
        2,
        "Community allotment gardening club",
        provider="Hyde Park Growers",
        body="A friendly gardening group at our allotment. Grow vegetables, learn new skills and "
        "meet people. Tea and cake every session.",
        keywords="Gardening Leisure and sport",
        categories=("gardening", "leisure-sport"),
        venue_district="LS6",
        unit="free",
        price_pence=0,
        days=("sat",),
        time_bands=("morning",),
        accessibility=("step-free", "accessible-toilet"),
        languages=("en", "ur"),
        has_vacancies=True,
    ),
    _doc(
        "offer",
        3,
        "Home help and cleaning",
        provider="Sparkle Home Help",
        body="Our cleaners help with housework, laundry, ironing and changing beds, at a time "
        "that suits you.",
        keywords="Home help and cleaning",
        categories=("home-help",),
        serves_districts=("LS6", "LS17"),
        unit="hour",
        price_pence=1500,
        days=WEEKDAYS,
        time_bands=("morning", "afternoon"),
        deployments=("dp", "managed"),
    ),
    _doc(
        "offer",
        4,
        "Physiotherapy at home",
        provider="Move Well Physio",
        body="Chartered physiotherapists visit you at home after a fall or a stroke to rebuild "
        "strength, balance and mobility.",
        keywords="Health and wellbeing",
        categories=("health-wellbeing",),
        serves_districts=("LS1", "LS2", "LS6", "LS11"),
        unit="visit",
        price_pence=4500,
        rating="good",
        rating_score=75,
        days=("tue", "thu"),
        time_bands=("morning", "afternoon"),
    ),
    _doc(
        "offer",
        5,
        "Day centre for people living with dementia",
        provider="Meadow House",
        body="Our day centre offers activities, a hot lunch and good company for people living "
        "with dementia, Monday to Friday.",
        keywords="Day opportunities Dementia",
        categories=("day-opportunities",),
        venue_district="LS11",
        unit="day",
        price_pence=6000,
        rating="outstanding",
        rating_score=100,
        accessibility=("step-free", "accessible-toilet", "hearing-loop", "changing-places"),
        days=WEEKDAYS,
        time_bands=("morning", "afternoon"),
        for_ages=("older",),
        deployments=("dp", "managed", "isf"),
    ),
    _doc(
        "offer",
        6,
        "Short breaks for carers",
        provider="Leeds Carers Trust",
        body="Overnight short breaks in a friendly home, so that unpaid carers can rest and "
        "recharge while the person they look after is well supported.",
        keywords="Respite and short breaks Carers' support",
        categories=("respite", "carers-support"),
        venue_district="LS17",
        unit="night",
        price_pence=12000,
        rating="good",
        rating_score=75,
        days=("fri", "sat", "sun"),
        time_bands=("night", "sleep_in"),
        deployments=("dp", "managed"),
    ),
    _doc(
        "offer",
        7,
        "Weekly shopping trips",
        provider="Out and About Transport",
        body="We take you to the supermarket in our accessible minibus and help carry your "
        "shopping home.",
        keywords="Shopping Transport",
        categories=("shopping", "transport"),
        serves_districts=("LS6", "LS4", "LS28"),
        unit="session",
        price_pence=2000,
        days=("thu",),
        time_bands=("morning",),
        has_vacancies=True,
    ),
    _doc(
        "offer",
        8,
        "Online befriending calls",
        provider="Chatterbox Befriending",
        body="A volunteer befriender phones you every week for a chat, so nobody has to feel "
        "lonely.",
        keywords="Befriending",
        categories=("befriending",),
        online=True,
        delivery=("online",),
        unit="free",
        price_pence=0,
        days=("mon", "wed"),
        time_bands=("afternoon", "evening"),
        languages=("en", "pl"),
        has_vacancies=True,
    ),
    _doc(
        "offer",
        9,
        "Lunch club and meals",
        provider="St Mark's Community Kitchen",
        body="Hot two-course lunches every Wednesday at the church hall, and meals delivered to "
        "those who cannot come.",
        keywords="Meals",
        categories=("meals",),
        venue_district="LS2",
        serves_districts=("LS2", "LS6"),
        delivery=("venue", "home"),
        unit="item",
        price_pence=450,
        days=("wed",),
        time_bands=("afternoon",),
        languages=("en", "pa"),
    ),
    _doc(
        "offer",
        10,
        "Swimming sessions for disabled adults",
        provider="Aqua Leeds",
        body="Accessible swimming with a pool hoist and a Changing Places toilet. Sessions are "
        "led by trained instructors.",
        keywords="Leisure and sport",
        categories=("leisure-sport",),
        venue_district="LS1",
        unit="session",
        price_pence=350,
        accessibility=("changing-places", "step-free", "accessible-toilet"),
        days=("sat", "sun"),
        time_bands=("morning",),
        for_ages=("children", "adults"),
    ),
    _doc(
        "offer",
        11,
        "Day service for adults with learning disabilities",
        provider="Pathways Bradford",
        body="Our day service offers art, cooking, music and trips for adults with a learning "
        "disability.",
        keywords="Day opportunities Learning and courses",
        categories=("day-opportunities", "learning"),
        venue_district="BD1",
        councils=(BRADFORD,),
        unit="day",
        price_pence=5500,
        days=WEEKDAYS,
        time_bands=("morning", "afternoon"),
        deployments=("dp", "managed", "isf"),
    ),
    _doc(
        "offer",
        12,
        "Personal care at home",
        provider="Caring Hands Leeds",
        body="Our care workers help with washing, dressing, medication and meals, in the morning "
        "and the evening.",
        keywords="Personal care",
        categories=("personal-care",),
        serves_districts=("LS6", "LS4", "LS11", "LS17"),
        unit="hour",
        price_pence=2400,
        rating="requires_improvement",
        rating_score=50,
        days=(*WEEKDAYS, "sat", "sun"),
        time_bands=("morning", "evening"),
        deployments=("managed", "isf"),
    ),
    _doc(
        "offer",
        13,
        "Advocacy and advice",
        provider="Speak Up Leeds",
        body="Independent advocacy to help you have your say about your care and your support "
        "plan.",
        keywords="Advocacy Information and advice",
        categories=("advocacy", "information-advice"),
        venue_district="LS1",
        online=True,
        delivery=("venue", "online"),
        unit="free",
        price_pence=0,
        days=WEEKDAYS,
        time_bands=("morning", "afternoon"),
        accessibility=("step-free", "easy-read"),
    ),
    _doc(
        "offer",
        14,
        "Manchester day opportunities",
        provider="Northern Lights",
        body="Day opportunities in Manchester: drama, gardening, cooking and sport.",
        keywords="Day opportunities",
        categories=("day-opportunities",),
        venue_district="M14",
        councils=(MANCHESTER,),
        unit="session",
        days=("tue", "thu"),
        time_bands=("afternoon",),
    ),
    _doc(
        "offer",
        15,
        "Respite stays in Cardiff",
        provider="Bay Care",
        body="Respite care in a comfortable home by the bay, for a few nights or a week.",
        keywords="Respite and short breaks",
        categories=("respite",),
        venue_district="CF10",
        councils=(CARDIFF,),
        unit="night",
        price_pence=11000,
        rating="good",
        rating_score=75,
        days=(*WEEKDAYS, "sat", "sun"),
        time_bands=("night",),
        languages=("en", "cy"),
    ),
    _doc(
        "offer",
        16,
        "Home help with cleaning, shopping and errands",
        provider="Helping Hand Services",
        body="A cleaner and home help service for older people; we also do the shopping and "
        "collect prescriptions.",
        keywords="Home help and cleaning Shopping",
        categories=("home-help", "shopping"),
        serves_districts=("LS28", "LS6"),
        unit="hour",
        price_pence=1500,
        days=("mon", "thu"),
        time_bands=("morning",),
        for_ages=("older",),
    ),
    _doc(
        "offer",
        17,
        "Chair yoga and gentle exercise",
        provider="Stretch Leeds",
        body="Gentle exercise for people with limited mobility, seated throughout.",
        keywords="Leisure and sport Health and wellbeing",
        categories=("leisure-sport", "health-wellbeing"),
        venue_district="LS4",
        unit="session",
        price_pence=300,
        accessibility=("step-free",),
        days=("tue",),
        time_bands=("morning",),
        has_vacancies=True,
    ),
    _doc(
        "offer",
        18,
        "Memory café",
        provider="Forget Me Not Group",
        body="A relaxed café for people with memory loss and the people who care for them, with "
        "music and games.",
        keywords="Day opportunities Carers' support",
        categories=("day-opportunities", "carers-support"),
        venue_district="LS17",
        unit="free",
        price_pence=0,
        days=("fri",),
        time_bands=("afternoon",),
        accessibility=("step-free", "quiet-space"),
    ),
    _doc(
        "pa",
        1,
        "Amina Khan, personal assistant",
        provider="Amina Khan",
        body="I am an experienced personal assistant. I speak Urdu and Punjabi and can help with "
        "personal care, cooking and getting out and about.",
        keywords="Personal care Meal preparation Urdu Punjabi",
        categories=("personal-assistant",),
        serves_districts=("LS6", "LS4", "LS2"),
        base="LS6",
        unit="hour",
        price_pence=1600,
        days=("mon", "wed", "fri"),
        time_bands=("morning", "afternoon"),
        languages=("en", "ur", "pa"),
        pa_checks=("dbs", "right_to_work", "driving"),
        gender="female",
        has_vacancies=True,
    ),
    _doc(
        "pa",
        2,
        "Tom Reid, support worker",
        provider="Tom Reid",
        body="Support worker with ten years of experience with autism and learning disabilities. "
        "I enjoy gardening and long walks.",
        keywords="Autism support Learning disability support",
        categories=("personal-assistant",),
        serves_districts=("LS11", "LS1"),
        base="LS11",
        unit="hour",
        price_pence=1500,
        days=("sat", "sun"),
        time_bands=("afternoon", "evening"),
        for_ages=("adults",),
        pa_checks=("dbs", "insurance"),
        gender="male",
    ),
    _doc(
        "pa",
        3,
        "Bethan Jones, carer",
        provider="Bethan Jones",
        body="Carer offering sleep-in and waking night support, and dementia care.",
        keywords="Dementia care",
        categories=("personal-assistant",),
        serves_districts=("CF10",),
        base="CF10",
        councils=(CARDIFF,),
        unit="night",
        price_pence=11000,
        days=WEEKDAYS,
        time_bands=("night", "sleep_in"),
        languages=("en", "cy"),
        pa_checks=("pvg", "right_to_work"),
        gender="female",
    ),
    _doc(
        "organisation",
        1,
        "Leeds Carers Trust",
        provider="Leeds Carers Trust",
        body="A charity supporting unpaid carers across Leeds with advice, groups and short "
        "breaks.",
        categories=("carers-support", "respite"),
        venue_district="LS2",
    ),
    _doc(
        "organisation",
        2,
        "Greenfingers Leeds",
        provider="Greenfingers Leeds",
        body="A social enterprise providing garden maintenance and horticultural training.",
        categories=("gardening",),
        base="LS4",
        delivery=(),
    ),
)
BY_KEY = {d.key: d for d in CORPUS}


# Brute-force reference -----------------------------------------------------------------------


def _covers(doc: SearchDocument, g: GeoFilter) -> bool:
    return (
        (doc.venue_district in g.near_districts)
        or (g.district in doc.serves_districts)
        or doc.online
    )


def passes(doc: SearchDocument, q: SearchQuery, skip: str | None = None) -> bool:
    """The filter rules, written plainly. ``skip`` leaves out one facet field's own filter."""

    def check(field: str, ok: bool) -> bool:
        return ok or field == skip

    price = doc.price_pence
    return all(
        (
            check("kind", q.kind is None or doc.kind == q.kind),
            check("category", not q.categories or bool(set(q.categories) & set(doc.categories))),
            q.council is None or q.council in doc.councils,
            q.geo is None or _covers(doc, q.geo),
            check("deployment", q.deployment is None or q.deployment in doc.deployments),
            check("unit", q.unit is None or doc.unit == q.unit),
            q.max_price_pence is None or (price is not None and price <= q.max_price_pence),
            not q.free or price == 0 or doc.unit == "free",
            check("day", not q.days or bool(set(q.days) & set(doc.days))),
            check("time_band", not q.time_bands or bool(set(q.time_bands) & set(doc.time_bands))),
            check("delivery", q.delivery is None or q.delivery in doc.delivery),
            check("for_age", q.for_age is None or q.for_age in doc.for_ages),
            check("accessibility", set(q.accessibility) <= set(doc.accessibility)),
            check("language", q.language is None or q.language in doc.languages),
            q.min_rating_score is None
            or (doc.rating_score is not None and doc.rating_score >= q.min_rating_score),
            check("pa_check", set(q.pa_checks) <= set(doc.pa_checks)),
            check("gender", q.gender is None or doc.gender == q.gender),
            not q.vacancies or doc.has_vacancies,
        )
    )


FACET_VALUES = {
    "kind": lambda d: (d.kind,),
    "category": lambda d: d.categories,
    "deployment": lambda d: d.deployments,
    "unit": lambda d: (d.unit,) if d.unit else (),
    "delivery": lambda d: d.delivery,
    "day": lambda d: d.days,
    "time_band": lambda d: d.time_bands,
    "for_age": lambda d: d.for_ages,
    "accessibility": lambda d: d.accessibility,
    "language": lambda d: d.languages,
    "pa_check": lambda d: d.pa_checks,
    "gender": lambda d: (d.gender,) if d.gender else (),
}
assert set(FACET_VALUES) == set(FACET_FIELDS)


def facet_counts(docs: list[SearchDocument], q: SearchQuery, field: str) -> Counter:
    """Disjunctive counts over ``docs`` (those matching the text) for one facet field."""
    counts: Counter = Counter()
    for doc in docs:
        if passes(doc, q, skip=field):
            counts.update(FACET_VALUES[field](doc))
    return counts
