"""Synthetic offers for the search benchmark: a realistic, Zipf-skewed domain vocabulary.

Deterministic for a given seed, so two runs (and the engine beside its baseline) see the same
documents. Words are drawn from care vocabulary, town names, languages and plain English, with a
long tail of rarer words, so a common word matches a large share of the corpus and a rare one
almost nothing, as in a real directory.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from marketplace.directory import vocab
from marketplace.geo import District, distance_km, districts
from search_index.interface import GeoFilter, SearchDocument

# The most frequent words first: the Zipf draw below favours the start of the list.
COMMON_WORDS = [
    "support",
    "care",
    "help",
    "home",
    "people",
    "local",
    "service",
    "we",
    "our",
    "you",
    "your",
    "can",
    "day",
    "week",
    "time",
    "friendly",
    "team",
    "staff",
    "experienced",
    "trained",
    "carers",
    "person",
    "family",
    "independent",
    "live",
    "community",
    "activities",
    "group",
    "visit",
    "visits",
    "hours",
    "flexible",
    "safe",
    "needs",
    "choice",
    "plan",
    "personal",
    "help",
    "daily",
    "life",
    "together",
    "social",
    "meet",
    "meals",
    "shopping",
    "cleaning",
    "garden",
    "gardening",
    "transport",
    "company",
    "confidence",
    "skills",
    "health",
    "wellbeing",
    "active",
    "afternoon",
    "morning",
    "evening",
    "weekend",
    "weekly",
    "regular",
    "reliable",
    "kind",
    "caring",
    "patient",
    "respectful",
    "dignity",
    "companionship",
    "outings",
    "walks",
    "trips",
    "lunch",
    "club",
    "centre",
    "venue",
    "accessible",
    "older",
    "adults",
    "young",
    "learning",
    "disability",
    "autism",
    "dementia",
    "mental",
    "physical",
    "sensory",
    "frail",
    "stroke",
    "carer",
    "worker",
    "assistant",
    "respite",
    "break",
    "breaks",
    "short",
    "overnight",
    "sleep",
    "waking",
    "night",
    "medication",
    "washing",
    "dressing",
    "bathing",
    "shower",
    "meal",
    "preparation",
    "cooking",
    "housework",
    "laundry",
    "ironing",
    "tidying",
    "errands",
    "appointments",
    "escort",
    "driving",
    "car",
    "wheelchair",
    "hoist",
    "mobility",
    "moving",
    "handling",
    "falls",
    "alarm",
    "telecare",
    "equipment",
    "adaptations",
    "technology",
    "tablet",
    "phone",
    "online",
    "video",
    "calls",
    "advice",
    "information",
    "benefits",
    "budget",
    "direct",
    "payment",
    "council",
    "funded",
    "private",
    "self",
    "rates",
    "affordable",
    "free",
    "low",
    "cost",
    "volunteer",
    "volunteers",
    "charity",
    "organisation",
    "enterprise",
    "small",
    "business",
    "established",
    "years",
    "qualified",
    "registered",
    "inspected",
    "rated",
    "good",
    "outstanding",
    "caring",
    "compassionate",
    "cheerful",
    "music",
    "singing",
    "art",
    "crafts",
    "painting",
    "drama",
    "dance",
    "exercise",
    "chair",
    "yoga",
    "swimming",
    "gym",
    "football",
    "bowling",
    "fishing",
    "allotment",
    "cafe",
    "coffee",
    "tea",
    "cake",
    "baking",
    "knitting",
    "reading",
    "library",
    "history",
    "computer",
    "courses",
    "college",
    "training",
    "employment",
    "work",
    "job",
    "interview",
    "cv",
    "volunteering",
    "advocacy",
    "rights",
    "housing",
    "tenancy",
    "supported",
    "living",
    "residential",
    "nursing",
    "home",
    "stay",
    "respite",
    "carers",
    "breaks",
    "sitting",
    "service",
    "sitter",
    "befriending",
    "befriender",
    "friendship",
    "loneliness",
    "isolated",
    "physio",
    "physiotherapy",
    "therapy",
    "massage",
    "counselling",
    "talking",
    "therapies",
    "peer",
    "support",
    "groups",
    "bereavement",
    "anxiety",
    "depression",
    "recovery",
    "wellbeing",
    "mindfulness",
    "relaxation",
    "sensory",
    "room",
    "hearing",
    "loop",
    "sign",
    "language",
    "interpreter",
    "bsl",
    "easy",
    "read",
    "quiet",
    "space",
    "step",
    "free",
    "parking",
    "changing",
    "places",
    "toilet",
    "accessible",
    "minibus",
    "pick",
    "drop",
    "door",
    "taxi",
    "travel",
    "training",
    "bus",
]

TOWNS = {
    # town: postcode areas (districts in these areas are used)
    "Leeds": "LS",
    "Bradford": "BD",
    "Manchester": "M",
    "Sheffield": "S",
    "Cardiff": "CF",
    "Glasgow": "G",
    "Edinburgh": "EH",
    "Newcastle": "NE",
    "Bristol": "BS",
    "Nottingham": "NG",
    "Liverpool": "L",
    "Swansea": "SA",
}

LANGUAGE_WORDS = [label for _, label in vocab.LANGUAGES]

FIRST_NAMES = [
    "Amina",
    "Ben",
    "Chloe",
    "Dev",
    "Ewan",
    "Fatima",
    "Gareth",
    "Hannah",
    "Imran",
    "Jess",
    "Kiran",
    "Lewis",
    "Megan",
    "Nadia",
    "Owen",
    "Priya",
    "Rhys",
    "Sana",
    "Tom",
    "Usman",
    "Vicky",
    "Wyn",
    "Yusuf",
    "Zara",
    "Aled",
    "Bethan",
    "Callum",
    "Deepa",
    "Eilidh",
    "Farah",
]


def _rare_words(count: int, rng: random.Random) -> list[str]:
    """Pronounceable made-up words: the long tail (street names, brand names, people's names)."""
    onsets = ["b", "br", "c", "ch", "d", "f", "g", "gl", "h", "k", "l", "m", "n", "p", "pr", "r"]
    onsets += ["s", "sh", "st", "t", "tr", "v", "w", "y", "z"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "oo", "ou"]
    codas = ["", "n", "r", "l", "s", "th", "ck", "m", "nd", "st", "ley", "ton", "by", "ham"]
    words: set[str] = set()
    while len(words) < count:
        syllables = rng.choice((1, 2, 2, 3))
        words.add(
            "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables))
            + rng.choice(codas)
        )
    return sorted(words)


@dataclass(frozen=True)
class Vocabulary:
    words: list[str]
    cumulative: list[float]

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)


@cache
def vocabulary(seed: int = 7, tail: int = 6000, exponent: float = 1.07) -> Vocabulary:
    rng = random.Random(seed)
    words = list(dict.fromkeys(COMMON_WORDS))
    words += [w.lower() for w in TOWNS]
    words += [w.lower() for w in LANGUAGE_WORDS if " " not in w]
    words += [c.name.lower().split()[0] for c in vocab.CATEGORIES]
    words = list(dict.fromkeys(words))
    words += _rare_words(tail, rng)
    weights = [1.0 / (rank**exponent) for rank in range(1, len(words) + 1)]
    total = 0.0
    cumulative = []
    for w in weights:
        total += w
        cumulative.append(total)
    return Vocabulary(words, cumulative)


@cache
def town_districts() -> dict[str, list[District]]:
    """Real postcode districts of each bench town (from the bundled district file)."""
    out: dict[str, list[District]] = {}
    for town, area in TOWNS.items():
        out[town] = [
            d
            for code, d in districts().items()
            if code.startswith(area) and code[len(area)].isdigit()
        ]
    return out


def near(district: District, radius_km: float) -> frozenset[str]:
    return frozenset(
        d.code
        for ds in town_districts().values()
        for d in ds
        if distance_km(district, d) <= radius_km
    )


def geo_filter(code: str, radius_km: float = 10.0) -> GeoFilter:
    d = districts()[code]
    return GeoFilter(code, d.latitude, d.longitude, radius_km, near(d, radius_km))


def _pick(rng: random.Random, pairs: tuple[tuple[str, str], ...], low: int, high: int) -> tuple:
    values = [v for v, _ in pairs]
    return tuple(sorted(rng.sample(values, rng.randint(low, min(high, len(values))))))


def _sentence(rng: random.Random, voc: Vocabulary, length: int) -> str:
    words = voc.draw(rng, length)
    return " ".join(words).capitalize() + "."


def offers(count: int, seed: int = 11) -> Iterator[SearchDocument]:
    """``count`` synthetic offers (and a few PAs and organisations), the same for a given seed."""
    rng = random.Random(seed)
    voc = vocabulary()
    towns = list(TOWNS)
    town_weights = [1.0 / (i + 1) ** 0.5 for i in range(len(towns))]
    councils = {town: f"E0800{i:04d}" for i, town in enumerate(towns)}
    by_town = town_districts()
    categories = vocab.CATEGORIES
    cat_weights = [1.0 / (i + 1) ** 0.8 for i in range(len(categories))]
    for i in range(1, count + 1):
        town = rng.choices(towns, weights=town_weights)[0]
        home = rng.choice(by_town[town])
        roll = rng.random()
        kind = "offer" if roll < 0.85 else ("pa" if roll < 0.95 else "organisation")
        cat = rng.choices(categories, weights=cat_weights)[0]
        cats = (cat.slug,) if rng.random() < 0.8 else (cat.slug, rng.choice(categories).slug)
        delivery = _pick(rng, vocab.DELIVERY_MODES, 1, 2) if kind != "pa" else ("home",)
        venue = home.code if "venue" in delivery else None
        serves: tuple[str, ...] = ()
        if "home" in delivery:
            radius = rng.choice((3, 5, 8, 12, 20))
            serves = tuple(sorted(d.code for d in by_town[town] if distance_km(home, d) <= radius))
        unit = rng.choice([u for u, _ in vocab.PRICE_UNITS])
        price = 0 if unit == "free" else (None if rng.random() < 0.1 else rng.randint(3, 90) * 50)
        body_words = rng.randint(25, 110)
        sentences = []
        while body_words > 0:
            n = min(body_words, rng.randint(6, 16))
            sentences.append(_sentence(rng, voc, n))
            body_words -= n
        sentences.insert(rng.randint(0, len(sentences)), cat.description)
        if kind == "pa":
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(voc.words[200:]).capitalize()}"
            title = f"{name}, personal assistant in {town}"
            provider = name
        else:
            provider = f"{rng.choice(voc.words[300:]).capitalize()} {town} {rng.choice(['Care', 'Support', 'Trust', 'Services', 'Community Group'])}"
            title = f"{cat.name} {rng.choice(['service', 'club', 'group', 'support', 'visits', 'sessions'])} in {town}"
            if rng.random() < 0.5:
                title = f"{' '.join(voc.draw(rng, 2)).capitalize()} {title[0].lower()}{title[1:]}"
        languages = ("en",) + (
            (rng.choice([v for v, _ in vocab.LANGUAGES[1:]]),) if rng.random() < 0.3 else ()
        )
        lang_labels = dict(vocab.LANGUAGES)
        keywords = " ".join(
            [vocab.CATEGORY_BY_SLUG[c].name for c in cats]
            + [lang_labels[code] for code in languages]
        )
        yield SearchDocument(
            kind=kind,  # type: ignore[arg-type]
            id=i,
            title=title,
            provider=provider,
            body=" ".join(sentences),
            keywords=keywords,
            categories=cats,
            councils=(councils[town],),
            serves_districts=serves,
            venue_district=venue,
            online="online" in delivery,
            latitude=home.latitude,
            longitude=home.longitude,
            deployments=_pick(rng, vocab.DEPLOYMENTS, 1, 3),
            unit=unit,
            price_pence=price,
            days=_pick(rng, vocab.DAYS, 1, 7),
            time_bands=_pick(rng, vocab.TIME_BANDS, 1, 3),
            delivery=delivery,
            for_ages=_pick(rng, vocab.AGE_BANDS, 1, 3),
            accessibility=_pick(rng, vocab.ACCESSIBILITY, 0, 3) if venue else (),
            languages=languages,
            rating_score=rng.choice((None, 25, 50, 75, 75, 100)),
            pa_checks=_pick(
                rng,
                (("dbs", ""), ("right_to_work", ""), ("driving", ""), ("insurance", "")),
                1,
                4,
            )
            if kind == "pa"
            else (),
            gender=rng.choice(("female", "male", "non_binary", "not_said"))
            if kind == "pa"
            else None,
            has_vacancies=rng.random() < 0.4,
        )
