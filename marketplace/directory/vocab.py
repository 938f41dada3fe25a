"""Controlled vocabularies of the directory: one place for every list a form or filter offers.

Each list is (value, label) pairs; the value is what the database stores and the URL carries.
The category taxonomy is the one search facets, package rules and the Open Referral UK export use.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    description: str
    # Regulated personal care: providers of it are registered with the regulator.
    regulated: bool = False


CATEGORIES: tuple[Category, ...] = (
    Category(
        "personal-care",
        "Personal care",
        "Help with washing, dressing, eating and medication at home.",
        True,
    ),
    Category(
        "personal-assistant",
        "Personal assistant",
        "Someone employed by you to support you in the way you choose.",
    ),
    Category(
        "home-help",
        "Home help and cleaning",
        "Cleaning, laundry, tidying and small jobs around the home.",
    ),
    Category("gardening", "Gardening", "Keeping a garden tidy, safe and usable."),
    Category("shopping", "Shopping", "Help with shopping, in person or online."),
    Category(
        "day-opportunities",
        "Day opportunities",
        "Day centres, day services and activities during the day.",
    ),
    Category(
        "respite",
        "Respite and short breaks",
        "Short stays and breaks for you and the people who care for you.",
    ),
    Category("supported-living", "Supported living", "Support to live in your own tenancy.", True),
    Category(
        "long-term-residential",
        "Long-term residential care",
        "Care homes and nursing homes for a permanent stay.",
        True,
    ),
    Category("advocacy", "Advocacy", "Independent help to have your say and be heard."),
    Category(
        "information-advice",
        "Information and advice",
        "Advice on benefits, budgets, rights and services.",
    ),
    Category("leisure-sport", "Leisure and sport", "Gyms, swimming, clubs, outings and hobbies."),
    Category("learning", "Learning and courses", "Courses, IT skills and workshops."),
    Category(
        "employment-support",
        "Employment support",
        "Help to find and keep paid work or volunteering.",
    ),
    Category(
        "equipment-technology",
        "Equipment and technology",
        "Aids, adaptations, alarms and assistive technology.",
    ),
    Category("transport", "Transport", "Accessible transport and escorted journeys."),
    Category("meals", "Meals", "Meals delivered, lunch clubs and cooking support."),
    Category(
        "befriending", "Befriending", "Regular company and conversation from a volunteer or worker."
    ),
    Category("carers-support", "Carers' support", "Support, breaks and groups for unpaid carers."),
    Category(
        "health-wellbeing",
        "Health and wellbeing",
        "Therapies, physiotherapy, mental wellbeing groups.",
    ),
)
CATEGORY_BY_SLUG: dict[str, Category] = {c.slug: c for c in CATEGORIES}
LONG_TERM_RESIDENTIAL = "long-term-residential"

ORGANISATION_KINDS = (
    ("private", "Private company"),
    ("voluntary", "Voluntary or charity"),
    ("user_led", "User-led organisation"),
    ("social_enterprise", "Social enterprise"),
    ("micro_enterprise", "Micro-enterprise"),
    ("community_group", "Community group"),
    ("council_run", "Council-run service"),
)
COUNCIL_RUN = "council_run"

NATIONS = ("England", "Scotland", "Wales")

# Regulators and their rating scales, by nation.
REGULATORS = (
    ("none", "Not regulated"),
    ("cqc", "Care Quality Commission (England)"),
    ("care_inspectorate", "Care Inspectorate (Scotland)"),
    ("ciw", "Care Inspectorate Wales"),
)
REGULATOR_NATION = {"cqc": "England", "care_inspectorate": "Scotland", "ciw": "Wales"}
RATINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "cqc": (
        ("outstanding", "Outstanding"),
        ("good", "Good"),
        ("requires_improvement", "Requires improvement"),
        ("inadequate", "Inadequate"),
    ),
    "care_inspectorate": tuple(
        (str(g), f"Grade {g} ({w})")
        for g, w in (
            (6, "excellent"),
            (5, "very good"),
            (4, "good"),
            (3, "adequate"),
            (2, "weak"),
            (1, "unsatisfactory"),
        )
    ),
    # CIW publishes findings rather than a single grade; ratings are being introduced.
    "ciw": (
        ("excellent", "Excellent"),
        ("good", "Good"),
        ("adequate", "Adequate"),
        ("poor", "Poor"),
        ("not_rated", "Inspected, not rated"),
    ),
}

PRICE_UNITS = (
    ("hour", "per hour"),
    ("session", "per session"),
    ("visit", "per visit"),
    ("day", "per day"),
    ("night", "per night"),
    ("week", "per week"),
    ("item", "per item"),
    ("free", "free"),
)

DEPLOYMENTS = (
    ("dp", "Direct payment"),
    ("managed", "Council-managed budget"),
    ("isf", "Individual Service Fund"),
)

DELIVERY_MODES = (
    ("home", "At the person's home"),
    ("venue", "At a venue"),
    ("online", "Online or by phone"),
)

DAYS = (
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
)

TIME_BANDS = (
    ("morning", "Morning"),
    ("afternoon", "Afternoon"),
    ("evening", "Evening"),
    ("night", "Waking night"),
    ("sleep_in", "Sleep-in"),
)

AGE_GROUPS = (
    ("0-17", "Children and young people (under 18), with their families"),
    ("18-25", "Young adults (18 to 25)"),
    ("26-64", "Adults (26 to 64)"),
    ("65+", "Older people (65 and over)"),
    ("carers", "Unpaid carers"),
)

# The coarser age bands search filters on (``for_age``), and which age groups fall in each.
AGE_BANDS = (
    ("children", "Children and young people"),
    ("adults", "Adults"),
    ("older", "Older people"),
)
AGE_GROUP_BAND = {"0-17": "children", "18-25": "adults", "26-64": "adults", "65+": "older"}

NEEDS = (
    ("physical", "Physical disability"),
    ("learning", "Learning disability"),
    ("autism", "Autism"),
    ("mental-health", "Mental health"),
    ("dementia", "Dementia"),
    ("sensory", "Sight or hearing loss"),
    ("frailty", "Frailty and older age"),
    ("long-term-condition", "Long-term health condition"),
)

ACCESSIBILITY = (
    ("step-free", "Step-free access"),
    ("accessible-toilet", "Accessible toilet"),
    ("hearing-loop", "Hearing loop"),
    ("bsl", "British Sign Language"),
    ("easy-read", "Easy read information"),
    ("parking", "Disabled parking"),
    ("quiet-space", "Quiet space"),
    ("changing-places", "Changing Places toilet"),
)

LANGUAGES = (
    ("en", "English"),
    ("cy", "Welsh"),
    ("gd", "Scottish Gaelic"),
    ("bsl", "British Sign Language"),
    ("ur", "Urdu"),
    ("pa", "Punjabi"),
    ("bn", "Bengali"),
    ("gu", "Gujarati"),
    ("pl", "Polish"),
    ("ro", "Romanian"),
    ("ar", "Arabic"),
    ("so", "Somali"),
    ("zh", "Chinese"),
    ("es", "Spanish"),
    ("fr", "French"),
)

PA_SKILLS = (
    ("personal-care", "Personal care"),
    ("medication", "Medication support"),
    ("moving-handling", "Moving and handling"),
    ("meal-preparation", "Meal preparation"),
    ("driving", "Driving and escorting"),
    ("dementia-care", "Dementia care"),
    ("autism-support", "Autism support"),
    ("learning-disability", "Learning disability support"),
    ("mental-health", "Mental health support"),
    ("peg-feeding", "PEG feeding"),
    ("epilepsy", "Epilepsy awareness"),
    ("household", "Housework and shopping"),
    ("social-activities", "Social and leisure activities"),
    ("employment", "Support at work or college"),
)

PA_EMPLOYMENT = (
    ("self_employed", "Self-employed"),
    ("seeking_employment", "Looking to be employed by a budget holder"),
)

GENDERS = (
    ("female", "Female"),
    ("male", "Male"),
    ("non_binary", "Non-binary"),
    ("not_said", "Prefer not to say"),
)

CHECK_KINDS = (
    ("enhanced_dbs", "Enhanced DBS check (England and Wales)"),
    ("pvg", "PVG scheme membership (Scotland)"),
    ("right_to_work", "Right to work in the UK"),
    ("training", "Training certificate"),
    ("insurance", "Public liability insurance"),
    ("driving_licence", "Driving licence"),
    ("car", "Own car with business insurance"),
)

LISTING_STATUSES = (
    ("draft", "Draft"),
    ("pending", "Waiting for review"),
    ("published", "Published"),
    ("suspended", "Suspended"),
)


def label(pairs: tuple[tuple[str, str], ...], value: str | None) -> str:
    """The label for a stored value, or the value itself if the list no longer has it."""
    return dict(pairs).get(value or "", value or "")


def values(pairs: tuple[tuple[str, str], ...]) -> frozenset[str]:
    return frozenset(v for v, _ in pairs)
