"""What the demo's organisations are like and what they offer, at what sort of price.

An ``Archetype`` is a kind of provider (a home care agency, a befriending charity, a gym): the
kinds of organisation that run it, how such providers are named, and the ``OfferTemplate``s they
list. Prices are ranges in pence for the template's unit; the catalogue follows DOMAIN.md: home
care £18 to £30 an hour with a 77 / 13.5 / 9.5 split, community offers free or a few pounds a
session, residential care by the week and never by direct payment.
"""

from __future__ import annotations

from dataclasses import dataclass

OLDER = ("26-64", "65+")
ADULTS = ("18-25", "26-64")
ALL_AGES = ("18-25", "26-64", "65+")
CARERS = ("carers",)
CARE_NEEDS = ("physical", "frailty", "dementia", "long-term-condition")
LD_NEEDS = ("learning", "autism", "mental-health", "physical")
ANY_NEEDS = ("physical", "learning", "autism", "mental-health", "sensory", "frailty")
DAY = ("morning", "afternoon")
CARE_BANDS = ("morning", "afternoon", "evening")


@dataclass(frozen=True)
class OfferTemplate:
    category: str
    title: str  # may hold {place} (a neighbourhood), {day} (a weekday) or {venue}
    unit: str
    low: int  # pence, per unit
    high: int
    delivery: tuple[str, ...]  # home, venue, online
    description: str
    ages: tuple[str, ...] = OLDER
    needs: tuple[str, ...] = CARE_NEEDS
    days: str = "weekdays"  # all, weekdays, weekend, one, two
    bands: tuple[str, ...] = DAY
    split: str = "care"  # care (about 77/13.5/9.5), lean, whole (all direct support)
    venue: str = "community"  # a key of names.VENUES, or "self" for the provider's own premises
    capacity: tuple[int, int] | None = None
    free: float = 0.0  # chance the offer is free
    dp: bool = True  # may a direct payment pay for it?
    variants: int = 1  # offers one provider may list from it (other places, days or venues)


@dataclass(frozen=True)
class Archetype:
    key: str
    weight: int
    kinds: tuple[tuple[str, int], ...]
    names: tuple[str, ...]  # {place}, {first}, {short} (council), {cic}, {ltd}
    description: str
    offers: tuple[OfferTemplate, ...]  # the first is always listed
    count: tuple[int, int]  # how many offers a provider lists
    area: str  # council (the whole council), districts (several), local (one to three)


T = OfferTemplate

# The tables below are laid out by hand, one offer per paragraph, to stay readable.
# fmt: off
HOME_CARE = Archetype(
    "home_care", 22,
    (("private", 7), ("social_enterprise", 1), ("voluntary", 1)),
    ("{place} Home Care{ltd}", "{place} Homecare", "{place} Care at Home", "{place} Care Partnership",
     "Caring Hands {place}", "{place} Domiciliary Care{ltd}", "{place} Homecare Co-operative"),
    "{name} is a home care agency based in {town}. Our carers visit people at home, helping with "
    "washing, dressing, meals and medication, and we are happy to work with direct payments and "
    "Individual Service Funds. We show how our hourly rate splits between direct care, "
    "coordination and overheads.",
    (
        T("personal-care", "Home care visits in {place}", "hour", 1800, 2800, ("home",),
          "Visits at home from a small, regular team of carers: getting up, washing and dressing, "
          "meals, medication and bedtime.", days="all", bands=CARE_BANDS, variants=4),
        T("personal-care", "Short care calls (30 minutes)", "visit", 1100, 1600, ("home",),
          "A half-hour call to check you are well, help with medication or a meal.", days="all",
          bands=("morning", "evening")),
        T("personal-care", "Dementia care at home", "hour", 2000, 2900, ("home",),
          "Carers trained in dementia care who keep to your routine and know your history.",
          needs=("dementia", "frailty"), ages=("65+",), days="all", bands=CARE_BANDS),
        T("personal-care", "Live-in care", "week", 90000, 130000, ("home",),
          "A carer who lives in your home and supports you through the day and night.",
          days="all", bands=("morning", "afternoon", "evening", "sleep_in")),
        T("personal-care", "Waking night care", "night", 15000, 22000, ("home",),
          "A carer awake through the night, so you and your family can rest.", days="all",
          bands=("night",)),
        T("respite", "Sitting service for carers", "hour", 1800, 2500, ("home",),
          "A trained carer stays with the person you care for while you take a break.",
          ages=("65+", "carers"), days="all", bands=CARE_BANDS),
        T("home-help", "Cleaning, laundry and ironing", "hour", 1600, 2200, ("home",),
          "Regular help to keep your home clean and your clothes washed and ironed.", split="lean"),
        T("shopping", "Shopping and errands", "hour", 1500, 2000, ("home",),
          "We shop with you or for you, collect prescriptions and post letters.", split="lean"),
        T("personal-assistant", "Supplied personal assistants", "hour", 1700, 2400, ("home",),
          "We recruit, train and pay a personal assistant you choose; you decide how they work.",
          ages=ALL_AGES, needs=ANY_NEEDS, days="all", bands=CARE_BANDS),
        T("meals", "Meal preparation visits", "visit", 1200, 1800, ("home",),
          "A carer prepares a hot meal with you and makes sure you have eaten.", days="all",
          bands=("afternoon", "evening")),
        T("transport", "Escorted trips to appointments", "hour", 1800, 2500, ("home",),
          "A carer goes with you to the GP, hospital or dentist and brings you home.",
          bands=DAY),
    ),
    (13, 22), "council",
)

SUPPORTED_LIVING = Archetype(
    "supported_living", 8,
    (("private", 3), ("voluntary", 3), ("social_enterprise", 1)),
    ("{place} Supported Living", "{place} Independent Living Trust", "{place} Living Options",
     "Open Door Support {place}", "{place} Keyring Network"),
    "{name} supports adults with learning disabilities, autism and mental health needs to live in "
    "their own homes in and around {town}, with as much or as little support as they need.",
    (
        T("supported-living", "Supported living in {place}", "hour", 1800, 2600, ("home",),
          "Support in your own tenancy with cooking, money, health and getting out, planned "
          "around you.", ages=ADULTS, needs=LD_NEEDS, days="all",
          bands=("morning", "afternoon", "evening", "sleep_in"), variants=3),
        T("supported-living", "24-hour supported living", "week", 120000, 220000, ("home",),
          "Round-the-clock support in your own home, with staff who know you well.", ages=ADULTS,
          needs=LD_NEEDS, days="all", bands=("morning", "afternoon", "evening", "night")),
        T("supported-living", "Outreach support for independent living", "hour", 1800, 2400,
          ("home",), "A few hours a week of help with bills, letters, shopping and appointments.",
          ages=ADULTS, needs=("learning", "mental-health", "autism")),
        T("personal-care", "Personal care in your own home", "hour", 1900, 2600, ("home",),
          "Help with washing, dressing and medication from staff you already know.", ages=ADULTS,
          needs=LD_NEEDS, days="all", bands=CARE_BANDS),
        T("day-opportunities", "Life skills sessions at {venue}", "session", 2000, 4000, ("venue",),
          "Small groups learning to cook, budget, travel and stay safe online.", ages=ADULTS,
          needs=LD_NEEDS, venue="centre", capacity=(8, 15), days="two"),
        T("employment-support", "Job coaching", "hour", 2200, 3200, ("home",),
          "A job coach helps you find work, learn the job and settle in.", ages=ADULTS,
          needs=("learning", "autism", "mental-health")),
        T("leisure-sport", "{day} evening social club", "session", 300, 800, ("venue",),
          "Music, games and a chance to meet friends.", ages=ADULTS, needs=LD_NEEDS,
          days="one", bands=("evening",), capacity=(15, 40), split="lean"),
        T("respite", "Short breaks in our respite flat", "night", 12000, 20000, ("venue",),
          "A night or a few away in a comfortable, staffed flat.", ages=ADULTS, needs=LD_NEEDS,
          days="all", bands=("evening", "sleep_in"), venue="centre", capacity=(1, 3)),
    ),
    (9, 14), "districts",
)

CARE_HOME = Archetype(
    "care_home", 9,
    (("private", 6), ("voluntary", 2)),
    ("{place} House Care Home", "{place} Lodge Nursing Home", "{place} Court Residential Home",
     "The Beeches, {place}", "{place} Manor Care Home", "Ash Grove {place}"),
    "{name} is a care home in {town} with single rooms, a garden and a busy activities "
    "programme. We welcome visitors at any reasonable time.",
    (
        T("long-term-residential", "Residential care", "week", 75000, 125000, ("venue",),
          "A permanent home with 24-hour care, meals and activities.", ages=("65+",),
          days="all", bands=("morning", "afternoon", "evening", "night"), venue="self",
          capacity=(20, 60), dp=False),
        T("long-term-residential", "Nursing care", "week", 95000, 150000, ("venue",),
          "Residential care with registered nurses on duty day and night.", ages=("65+",),
          days="all", bands=("morning", "afternoon", "evening", "night"), venue="self",
          capacity=(10, 40), dp=False),
        T("long-term-residential", "Residential dementia care", "week", 85000, 140000,
          ("venue",), "A calm, secure unit for people living with dementia.", ages=("65+",),
          needs=("dementia", "frailty"), days="all",
          bands=("morning", "afternoon", "evening", "night"), venue="self", capacity=(10, 30),
          dp=False),
        T("respite", "Short stays (respite)", "night", 11000, 19000, ("venue",),
          "Stay with us for a few nights or weeks while your carer has a break.",
          ages=("65+", "carers"), days="all", bands=("evening", "night"), venue="self",
          capacity=(1, 4)),
        T("day-opportunities", "Day care", "day", 4500, 7000, ("venue",),
          "Spend the day with us: lunch, activities and company.", ages=("65+",), venue="self",
          capacity=(5, 15)),
        T("meals", "Community lunch", "session", 500, 800, ("venue",),
          "A two-course lunch with residents, open to older people living nearby.",
          ages=("65+",), venue="self", days="two", bands=("afternoon",), capacity=(10, 20),
          split="lean"),
        T("health-wellbeing", "Chair-based exercise class", "session", 300, 500, ("venue",),
          "Gentle exercise to music, open to neighbours.", ages=("65+",), venue="self",
          days="one", capacity=(8, 20), free=0.3, split="lean"),
    ),
    (5, 8), "local",
)

DAY_SERVICES = Archetype(
    "day_services", 7,
    (("voluntary", 4), ("social_enterprise", 2), ("user_led", 1)),
    ("{place} Day Services", "{place} Resource Centre", "{place} Activity Hub{cic}",
     "{place} Arts and Skills Centre", "The {place} Centre"),
    "{name} runs day opportunities in {town}: creative and practical activities, trips, and "
    "a hot lunch, for adults who want company and something to do.",
    (
        T("day-opportunities", "Day centre at {venue}", "day", 3500, 6500, ("venue",),
          "A full day of activities, outings and lunch, with transport if you need it.",
          ages=ALL_AGES, needs=ANY_NEEDS, venue="centre", capacity=(20, 40), variants=2),
        T("day-opportunities", "Creative arts sessions", "session", 1500, 3000, ("venue",),
          "Painting, pottery, music and drama with practising artists.", ages=ALL_AGES,
          needs=ANY_NEEDS, venue="centre", days="two", capacity=(8, 16)),
        T("day-opportunities", "Horticulture and outdoor skills", "session", 1500, 3000,
          ("venue",), "Growing food and flowers, woodwork and outdoor work in our garden.",
          ages=ADULTS, needs=LD_NEEDS, venue="outdoor", days="two", capacity=(6, 12)),
        T("transport", "Door-to-door minibus to the centre", "visit", 400, 1000, ("home",),
          "A wheelchair accessible minibus collects you and brings you home.", ages=ALL_AGES,
          needs=ANY_NEEDS, split="lean"),
        T("meals", "Hot lunch at {venue}", "session", 400, 650, ("venue",),
          "A freshly cooked two-course lunch.", ages=ALL_AGES, venue="centre",
          bands=("afternoon",), capacity=(20, 50), split="lean"),
        T("health-wellbeing", "Gentle exercise and movement", "session", 300, 600, ("venue",),
          "Seated and standing exercise led by a trained instructor.", venue="centre",
          days="one", capacity=(8, 20), free=0.2, split="lean"),
        T("carers-support", "Carers' drop-in", "session", 200, 400, ("venue",),
          "Tea, a chat and advice for family carers while the person you care for is with us.",
          ages=CARERS, needs=(), venue="centre", days="one", free=0.8, split="whole"),
        T("learning", "Cookery skills", "session", 800, 2000, ("venue",),
          "Learn to plan, shop for and cook simple meals.", ages=ADULTS, needs=LD_NEEDS,
          venue="centre", days="one", capacity=(6, 10)),
        T("respite", "Saturday club", "day", 4000, 6000, ("venue",),
          "A Saturday of activities, so families get a break at the weekend.", ages=ADULTS,
          needs=LD_NEEDS, venue="centre", days="weekend", capacity=(10, 20)),
    ),
    (8, 13), "districts",
)

BEFRIENDING = Archetype(
    "befriending", 12,
    (("voluntary", 5), ("community_group", 4)),
    ("{place} Befriending Project", "{place} Good Neighbours", "{place} Friendship Circle",
     "{place} Lunch Club", "{place} Age Well", "Friends of {place}", "{place} Companions Network"),
    "{name} is a local charity in {town}. Our volunteers visit, phone and go out with people "
    "who are lonely or isolated, and we run a lunch club and walking groups.",
    (
        T("befriending", "Home visiting befriending in {place}", "free", 0, 0, ("home",),
          "A volunteer visits you every week for a cup of tea and a chat.", ages=("65+",),
          needs=("frailty", "sensory", "mental-health"), variants=2, split="whole"),
        T("befriending", "Telephone befriending", "free", 0, 0, ("online",),
          "A friendly call at the same time each week.", ages=("65+",),
          needs=("frailty", "sensory", "physical"), split="whole"),
        T("befriending", "Befriending walks", "free", 0, 0, ("venue",),
          "Meet a volunteer for a short walk and a coffee.", ages=ALL_AGES,
          needs=("mental-health", "frailty"), venue="outdoor", days="two", split="whole"),
        T("meals", "{day} lunch club at {venue}", "session", 300, 500, ("venue",),
          "A hot two-course lunch, a raffle and good company.", ages=("65+",), venue="community",
          days="one", bands=("afternoon",), capacity=(15, 40), variants=2, split="lean"),
        T("leisure-sport", "{day} walking group", "free", 0, 0, ("venue",),
          "A gentle hour's walk on level paths, finishing with a cuppa.", ages=ALL_AGES,
          needs=("mental-health", "frailty", "long-term-condition"), venue="outdoor", days="one",
          bands=("morning",), split="whole"),
        T("carers-support", "Carers' coffee morning", "session", 200, 300, ("venue",),
          "Meet other carers and hear from local services.", ages=CARERS, needs=(),
          venue="community", days="one", bands=("morning",), free=0.6, split="whole"),
        T("information-advice", "Drop-in advice at {venue}", "free", 0, 0, ("venue",),
          "Help with forms, benefits and finding local services.", ages=ALL_AGES, needs=(),
          venue="community", days="one", split="whole"),
        T("health-wellbeing", "Memory café", "session", 200, 300, ("venue",),
          "A relaxed afternoon for people living with dementia and their carers.",
          ages=("65+", "carers"), needs=("dementia",), venue="community", days="one",
          bands=("afternoon",), capacity=(10, 30), free=0.7, split="whole"),
        T("shopping", "Volunteer shopping service", "visit", 200, 300, ("home",),
          "Volunteers collect your shopping list and deliver to your door.", ages=("65+",),
          needs=("frailty", "physical"), free=0.5, split="whole"),
        T("transport", "Volunteer car scheme", "visit", 300, 800, ("home",),
          "Volunteer drivers take you to appointments; you pay their mileage.", ages=ALL_AGES,
          needs=("frailty", "physical", "sensory"), split="whole"),
    ),
    (9, 15), "local",
)

USER_LED = Archetype(
    "user_led", 6,
    (("user_led", 1),),
    ("{place} Disabled People's Forum", "{place} Centre for Independent Living",
     "{place} Direct Payments Support Group", "{place} Self Advocacy Network",
     "{place} Disability Voice"),
    "{name} is run by and for disabled people in {town}. We help people take control of their "
    "personal budgets: planning, direct payments, employing PAs and speaking up.",
    (
        T("advocacy", "Independent advocacy", "free", 0, 0, ("home", "online"),
          "An advocate helps you say what you want at assessments, reviews and meetings.",
          ages=ALL_AGES, needs=ANY_NEEDS, split="whole"),
        T("advocacy", "Self-advocacy group at {venue}", "free", 0, 0, ("venue",),
          "Meet others, learn about your rights and speak up together.", ages=ADULTS,
          needs=LD_NEEDS, venue="community", days="one", split="whole"),
        T("information-advice", "Direct payments support service", "hour", 2500, 3500,
          ("venue", "online"), "Help to set up and manage a direct payment: the bank account, "
          "records and returns to the council.", ages=ALL_AGES, needs=ANY_NEEDS, free=0.6,
          venue="community"),
        T("information-advice", "Payroll service for PA employers", "week", 400, 900,
          ("online",), "We run your PAs' payroll, pensions and tax, so you stay a good employer.",
          ages=ALL_AGES, needs=ANY_NEEDS, split="lean"),
        T("information-advice", "Support planning with a peer", "session", 3000, 6000,
          ("home", "online"), "Someone who manages their own budget helps you write your "
          "support plan.", ages=ALL_AGES, needs=ANY_NEEDS, free=0.3),
        T("employment-support", "Peer mentoring into work", "free", 0, 0, ("venue", "online"),
          "A mentor who has been there helps you into work or volunteering.", ages=ADULTS,
          needs=ANY_NEEDS, venue="community", split="whole"),
        T("learning", "Managing your personal budget workshop", "free", 0, 0, ("venue",),
          "A morning on how personal budgets work and what you can spend them on.",
          ages=ALL_AGES, needs=ANY_NEEDS, venue="community", days="one", split="whole"),
        T("carers-support", "Family carers' peer support", "free", 0, 0, ("online",),
          "An online group for family members supporting someone with a budget.", ages=CARERS,
          needs=(), days="one", bands=("evening",), split="whole"),
    ),
    (6, 9), "council",
)

HANDYPERSON = Archetype(
    "handyperson", 7,
    (("social_enterprise", 4), ("micro_enterprise", 1), ("voluntary", 1)),
    ("{place} Handyperson Service{cic}", "{place} Garden Angels{cic}", "{place} Community Repairs",
     "{place} Green Team{cic}", "{place} Home Helpers{cic}"),
    "{name} is a not-for-profit team in {town} doing the jobs that keep people safe and "
    "comfortable at home: gardens, cleaning, small repairs and shopping.",
    (
        T("gardening", "Garden tidy-ups in {place}", "hour", 1500, 2200, ("home",),
          "Weeding, pruning, leaf clearing and keeping paths safe.", split="lean", variants=2),
        T("gardening", "Grass cutting", "visit", 1500, 3000, ("home",),
          "Regular mowing from spring to autumn.", split="lean"),
        T("home-help", "Deep cleaning", "hour", 1600, 2200, ("home",),
          "A thorough clean, for example before or after a hospital stay.", split="lean"),
        T("home-help", "Small repairs and odd jobs", "hour", 1800, 2500, ("home",),
          "Dripping taps, curtain rails, flat-pack furniture and changing light bulbs.",
          split="lean"),
        T("equipment-technology", "Fitting grab rails and key safes", "item", 2500, 6000,
          ("home",), "We supply and fit grab rails, key safes and door handles.", split="lean"),
        T("shopping", "Shopping delivered to your door", "visit", 500, 1200, ("home",),
          "Phone your list through and we deliver the same day.", split="lean"),
        T("transport", "Accessible minibus hire", "hour", 2500, 4000, ("home",),
          "A wheelchair accessible minibus with a driver, for outings and trips.",
          ages=ALL_AGES, needs=ANY_NEEDS, split="lean"),
        T("employment-support", "Work experience in our garden team", "free", 0, 0, ("venue",),
          "Paid-time trials and volunteering for people who want to work outdoors.",
          ages=ADULTS, needs=("learning", "mental-health", "autism"), venue="outdoor",
          split="whole"),
    ),
    (7, 12), "districts",
)

MICRO = Archetype(
    "micro", 10,
    (("micro_enterprise", 1),),
    ("{first}'s Helping Hands", "Home Comforts by {first}", "{place} Companions",
     "{first} {surname} Home Support", "{place} Odd Jobs", "{first}'s Little Help"),
    "{name} is a small local business in {town} run by {first}. I offer flexible, friendly help "
    "at home and out and about, and I am happy to be paid by direct payment.",
    (
        T("home-help", "Cleaning and tidying", "hour", 1400, 2000, ("home",),
          "Regular cleaning and tidying, done the way you like it.", split="whole"),
        T("shopping", "Shopping trips", "hour", 1400, 1800, ("home",),
          "I take you shopping or do it for you.", split="whole"),
        T("befriending", "Companionship visits", "hour", 1500, 2000, ("home",),
          "Company, a chat, a game of cards or a walk.", split="whole"),
        T("leisure-sport", "Days out and activities", "hour", 1600, 2200, ("home",),
          "Trips to the coast, the shops, a match or a museum.", ages=ALL_AGES, needs=ANY_NEEDS,
          days="weekend", split="whole"),
        T("meals", "Home-cooked meals delivered", "item", 450, 750, ("home",),
          "A hot, home-cooked meal delivered at lunchtime.", ages=("65+",), split="whole"),
        T("gardening", "Gardening", "hour", 1500, 2000, ("home",),
          "Small gardens kept neat and tidy.", split="whole"),
        T("transport", "Lifts to appointments", "visit", 800, 1500, ("home",),
          "A lift there and back, and I wait with you.", split="whole"),
        T("health-wellbeing", "Seated yoga at home", "session", 2000, 3500, ("home",),
          "One-to-one gentle yoga in your own home.", ages=ALL_AGES, split="whole"),
    ),
    (5, 8), "local",
)

LEISURE = Archetype(
    "leisure", 5,
    (("social_enterprise", 3), ("private", 2), ("community_group", 1)),
    ("{place} Leisure Trust", "{place} Active{cic}", "{place} Inclusive Sports Club",
     "{place} Swim and Gym{ltd}", "{place} Climbing Centre"),
    "{name} runs leisure facilities and clubs in {town} that welcome disabled people, with "
    "trained staff, hoists at the pool and a Changing Places toilet.",
    (
        T("leisure-sport", "Gym membership at {venue}", "week", 500, 800, ("venue",),
          "Unlimited gym use with an induction; the monthly fee (about £25) is shown per week.",
          ages=ALL_AGES, needs=ANY_NEEDS, venue="leisure", days="all",
          bands=("morning", "afternoon", "evening"), split="lean", variants=2),
        T("leisure-sport", "Swimming at {venue}", "session", 300, 600, ("venue",),
          "Quiet swims with a pool hoist and accessible changing.", ages=ALL_AGES,
          needs=ANY_NEEDS, venue="leisure", days="all", split="lean"),
        T("leisure-sport", "Inclusive football", "session", 300, 500, ("venue",),
          "Weekly football for all abilities.", ages=ADULTS, needs=LD_NEEDS, venue="leisure",
          days="one", bands=("evening",), capacity=(12, 24), split="lean"),
        T("leisure-sport", "Indoor climbing", "session", 800, 1400, ("venue",),
          "Supported climbing sessions with qualified instructors.", ages=ADULTS,
          needs=ANY_NEEDS, venue="leisure", days="two", capacity=(4, 10), split="lean"),
        T("leisure-sport", "Boccia club", "session", 200, 400, ("venue",),
          "A Paralympic sport anyone can play, sitting or standing.", ages=ALL_AGES,
          needs=("physical", "frailty", "learning"), venue="leisure", days="one",
          capacity=(8, 16), free=0.2, split="lean"),
        T("health-wellbeing", "Exercise referral programme", "session", 300, 500, ("venue",),
          "Twelve weeks of supervised exercise for people with long-term conditions.",
          needs=("long-term-condition", "mental-health", "physical"), venue="leisure",
          capacity=(8, 15), split="lean"),
        T("health-wellbeing", "Hydrotherapy pool sessions", "session", 500, 900, ("venue",),
          "Warm-water exercise, with or without a physiotherapist.",
          needs=("physical", "long-term-condition"), venue="leisure", days="two",
          capacity=(4, 8), split="lean"),
        T("learning", "Learn to swim for adults", "session", 600, 900, ("venue",),
          "Small classes for nervous beginners.", ages=ALL_AGES, needs=ANY_NEEDS,
          venue="leisure", days="one", capacity=(4, 8), split="lean"),
        T("leisure-sport", "Annual leisure pass", "item", 20000, 35000, ("venue",),
          "A year's use of the gym, pool and classes, with a free pass for a carer.",
          ages=ALL_AGES, needs=ANY_NEEDS, venue="leisure", days="all", split="lean"),
    ),
    (7, 12), "districts",
)

LEARNING = Archetype(
    "learning", 4,
    (("voluntary", 2), ("social_enterprise", 2), ("community_group", 1)),
    ("{place} Community Learning", "{place} Digital Skills Hub{cic}",
     "{place} Adult Learning Collective", "{place} Skills Exchange"),
    "{name} runs friendly, small courses in {town} for adults who want to learn something new, "
    "get online or get ready for work.",
    (
        T("learning", "Beginners' computer course at {venue}", "session", 500, 1500, ("venue",),
          "Six weekly sessions: email, video calls, shopping and staying safe online.",
          ages=ALL_AGES, needs=ANY_NEEDS, venue="community", days="one", capacity=(6, 12),
          variants=2, split="lean"),
        T("learning", "Using your tablet and smartphone", "session", 500, 1000,
          ("venue", "online"), "One-to-one help with the device you already have.",
          ages=("65+",), needs=("sensory", "frailty"), venue="community", free=0.3,
          split="lean"),
        T("learning", "Cookery on a budget", "session", 500, 1500, ("venue",),
          "Cook healthy meals for a few pounds.", ages=ALL_AGES, needs=ANY_NEEDS,
          venue="community", days="one", capacity=(6, 10), split="lean"),
        T("learning", "Art and craft classes", "session", 500, 1200, ("venue",),
          "Drawing, painting and crafts for all levels.", ages=ALL_AGES, needs=ANY_NEEDS,
          venue="community", days="one", capacity=(8, 14), split="lean"),
        T("learning", "English conversation club", "free", 0, 0, ("venue",),
          "Practise speaking English with friendly volunteers.", ages=ALL_AGES, needs=(),
          venue="community", days="one", split="whole"),
        T("learning", "Online safety workshop", "free", 0, 0, ("online",),
          "Spot scams and keep your money safe online.", ages=ALL_AGES, needs=(), days="one",
          split="whole"),
        T("employment-support", "CV and interview help", "session", 1000, 2000,
          ("venue", "online"), "Write a CV and practise interviews with a volunteer mentor.",
          ages=ADULTS, needs=ANY_NEEDS, venue="community", free=0.5, split="lean"),
        T("employment-support", "Supported internships", "free", 0, 0, ("venue",),
          "A year's work placement with a job coach, for young adults.", ages=("18-25",),
          needs=("learning", "autism"), venue="centre", split="whole"),
    ),
    (7, 12), "districts",
)

EQUIPMENT = Archetype(
    "equipment", 3,
    (("private", 4), ("social_enterprise", 1)),
    ("{place} Mobility{ltd}", "{place} Living Aids", "{place} Telecare Solutions{ltd}",
     "{place} Independent Living Shop"),
    "{name} supplies daily living aids, mobility equipment and telecare across {town}, with free "
    "home demonstrations and fitting.",
    (
        T("equipment-technology", "Community alarm with 24-hour response", "week", 300, 700,
          ("home", "online"), "A pendant alarm linked to our response centre, day and night.",
          ages=("65+",), needs=("frailty", "dementia", "physical"), days="all",
          bands=("morning", "afternoon", "evening", "night"), split="lean"),
        T("equipment-technology", "Bath lift", "item", 30000, 60000, ("home",),
          "A battery bath lift, delivered and fitted.", needs=("physical", "frailty"),
          split="lean"),
        T("equipment-technology", "Rollator walking frame", "item", 5000, 12000, ("home",),
          "A lightweight four-wheeled walker with a seat and basket.",
          needs=("physical", "frailty"), split="lean"),
        T("equipment-technology", "Riser recliner chair", "item", 45000, 95000, ("home",),
          "A chair that helps you stand up, measured for you.", needs=("physical", "frailty"),
          split="lean"),
        T("equipment-technology", "Automatic medication dispenser", "item", 6000, 15000,
          ("home",), "Reminds you and opens at the right time for each dose.",
          needs=("dementia", "long-term-condition"), split="lean"),
        T("equipment-technology", "Fall detector pendant", "item", 8000, 16000, ("home",),
          "Calls for help automatically after a fall.", needs=("frailty", "physical"),
          split="lean"),
        T("equipment-technology", "Tablet set up with large print and video calls", "item",
          9000, 20000, ("home",), "A tablet ready to use, with a home visit to show you how.",
          needs=("sensory", "frailty"), split="lean"),
        T("equipment-technology", "Home safety assessment", "visit", 3000, 6000, ("home",),
          "A trusted assessor suggests equipment and small changes to keep you safe.",
          needs=("physical", "frailty", "sensory"), free=0.5, split="lean"),
        T("equipment-technology", "Wheelchair servicing", "item", 3000, 7500, ("home",),
          "Servicing and repairs at home.", ages=ALL_AGES, needs=("physical",), split="lean"),
    ),
    (7, 10), "council",
)

CARERS_CENTRE = Archetype(
    "carers_centre", 4,
    (("voluntary", 1),),
    ("{place} Carers Centre", "{place} Carers Network", "Carers Together {place}",
     "{place} Young Adult Carers"),
    "{name} supports unpaid carers in {town}: information, a listening ear, breaks and groups.",
    (
        T("carers-support", "Carers' support group at {venue}", "free", 0, 0, ("venue",),
          "A monthly group where carers share tips and support each other.", ages=CARERS,
          needs=(), venue="community", days="one", variants=2, split="whole"),
        T("carers-support", "Carers' breaks: a sitter at home", "hour", 1500, 2000, ("home",),
          "A trained sitter stays with the person you care for so you can go out.",
          ages=("carers", "65+"), needs=CARE_NEEDS, days="all", bands=CARE_BANDS),
        T("carers-support", "Carer's emergency plan", "free", 0, 0, ("home", "online"),
          "We help you plan what happens if you are suddenly unable to care.", ages=CARERS,
          needs=(), split="whole"),
        T("information-advice", "Benefits and money advice for carers", "free", 0, 0,
          ("venue", "online"), "Check you get Carer's Allowance and everything else you are "
          "entitled to.", ages=CARERS, needs=(), venue="community", split="whole"),
        T("health-wellbeing", "Carers' wellbeing sessions", "session", 500, 1500, ("venue",),
          "Massage, reflexology and relaxation for carers.", ages=CARERS, needs=(),
          venue="community", days="one", capacity=(6, 12), split="lean"),
        T("respite", "Weekend breaks for carers", "night", 8000, 14000, ("venue",),
          "A short break away with the person you care for, with support on hand.",
          ages=("carers", "65+"), venue="centre", days="weekend",
          bands=("evening", "sleep_in"), capacity=(2, 6)),
        T("learning", "Caring with confidence course", "free", 0, 0, ("venue", "online"),
          "Sessions on moving and handling, medication and looking after yourself.",
          ages=CARERS, needs=(), venue="community", days="one", split="whole"),
        T("carers-support", "Young adult carers' group", "free", 0, 0, ("venue",),
          "Fun, friendship and support for carers aged 18 to 25.", ages=("18-25", "carers"),
          needs=(), venue="community", days="one", bands=("evening",), split="whole"),
    ),
    (6, 10), "council",
)

THERAPY = Archetype(
    "therapy", 4,
    (("private", 3), ("social_enterprise", 1), ("micro_enterprise", 1)),
    ("{place} Physiotherapy{ltd}", "{place} Wellbeing Centre", "{place} Talking Therapies{cic}",
     "{place} Therapy Partnership"),
    "{name} offers therapies and wellbeing support in {town}, at our clinic, online or in your "
    "own home.",
    (
        T("health-wellbeing", "Physiotherapy at home", "session", 4000, 6500, ("home",),
          "A chartered physiotherapist visits to help you move, balance and stay active.",
          needs=("physical", "frailty", "long-term-condition"), split="lean"),
        T("health-wellbeing", "Counselling", "session", 3000, 5500, ("venue", "online"),
          "Confidential counselling with an accredited counsellor.", ages=ALL_AGES,
          needs=("mental-health",), venue="centre", bands=("morning", "afternoon", "evening"),
          split="lean"),
        T("health-wellbeing", "Mindfulness group at {venue}", "session", 500, 900, ("venue",),
          "An eight-week mindfulness course in a small group.", ages=ALL_AGES,
          needs=("mental-health", "long-term-condition"), venue="community", days="one",
          capacity=(6, 12), split="lean"),
        T("health-wellbeing", "Music therapy", "session", 3500, 5500, ("venue", "home"),
          "Sessions with a registered music therapist.", ages=ALL_AGES,
          needs=("dementia", "autism", "learning"), venue="centre", split="lean"),
        T("health-wellbeing", "Occupational therapy assessment", "visit", 8000, 15000, ("home",),
          "An occupational therapist assesses your home and daily routine.",
          needs=("physical", "frailty", "sensory"), split="lean"),
        T("health-wellbeing", "Peer support for mental wellbeing", "free", 0, 0, ("venue",),
          "A weekly group led by people with lived experience.", ages=ALL_AGES,
          needs=("mental-health",), venue="community", days="one", split="whole"),
        T("health-wellbeing", "Massage and aromatherapy", "session", 2500, 4000, ("home",),
          "Relaxing treatments at home.", ages=ALL_AGES, needs=("long-term-condition",),
          split="whole"),
    ),
    (6, 9), "districts",
)

TRANSPORT = Archetype(
    "transport", 3,
    (("voluntary", 2), ("community_group", 1), ("social_enterprise", 1)),
    ("{place} Community Transport", "{place} Dial-a-Ride", "{place} Shopmobility",
     "{place} Accessible Travel{cic}"),
    "{name} provides accessible, door-to-door transport in and around {town} for people who "
    "find buses hard to use.",
    (
        T("transport", "Dial-a-ride", "visit", 300, 600, ("home",),
          "Book a door-to-door journey in a wheelchair accessible minibus.", ages=ALL_AGES,
          needs=ANY_NEEDS, split="lean"),
        T("transport", "Wheelchair accessible minibus hire", "hour", 2000, 3500, ("home",),
          "Hire a minibus with a trained driver for a group outing.", ages=ALL_AGES,
          needs=ANY_NEEDS, split="lean"),
        T("transport", "Escorted journeys to hospital", "hour", 1600, 2200, ("home",),
          "A driver and escort take you to your appointment and wait.", needs=CARE_NEEDS,
          split="lean"),
        T("transport", "Shopmobility scooter hire at {venue}", "session", 300, 600, ("venue",),
          "Borrow a mobility scooter or wheelchair for the day in town.", ages=ALL_AGES,
          needs=("physical", "frailty"), venue="community", days="all", split="lean"),
        T("shopping", "Supermarket shopping bus", "visit", 300, 500, ("home",),
          "A weekly minibus to the supermarket, with help to carry your bags.", ages=("65+",),
          needs=("frailty", "physical"), days="one", split="lean"),
    ),
    (5, 8), "districts",
)

COUNCIL_RUN = Archetype(
    "council_run", 3,
    (("council_run", 1),),
    ("{short} Adult Day Services", "{short} Short Breaks Service",
     "{short} Community Equipment Service", "{short} Reablement Service"),
    "{name} is run by the council. Services can be arranged after an assessment and paid from a "
    "council-managed budget; a direct payment cannot pay for them.",
    (
        T("day-opportunities", "Day services at {venue}", "day", 4000, 7000, ("venue",),
          "Day services for adults with high support needs, with transport.", ages=ALL_AGES,
          needs=ANY_NEEDS, venue="centre", capacity=(20, 40), dp=False),
        T("respite", "Short breaks at {venue}", "night", 13000, 20000, ("venue",),
          "Planned overnight short breaks in a council unit.", ages=ALL_AGES, needs=ANY_NEEDS,
          venue="centre", days="all", bands=("evening", "sleep_in"), capacity=(4, 10),
          dp=False),
        T("long-term-residential", "Residential care at {venue}", "week", 70000, 110000,
          ("venue",), "A council-run care home for older people.", ages=("65+",),
          days="all", bands=("morning", "afternoon", "evening", "night"), venue="centre",
          capacity=(20, 50), dp=False),
        T("equipment-technology", "Telecare alarm", "week", 300, 600, ("home", "online"),
          "A pendant alarm and sensors, monitored around the clock.", ages=("65+",),
          days="all", bands=("morning", "afternoon", "evening", "night"), dp=False),
        T("transport", "Council transport to day services", "visit", 300, 800, ("home",),
          "Accessible transport to council day services.", ages=ALL_AGES, needs=ANY_NEEDS,
          dp=False),
        T("information-advice", "Adult social care advice line", "free", 0, 0, ("online",),
          "Advice about care and support, assessments and personal budgets.", ages=ALL_AGES,
          needs=(), split="whole", dp=False),
        T("personal-care", "Reablement at home", "hour", 2000, 2600, ("home",),
          "Up to six weeks of support at home after a hospital stay, to regain skills.",
          days="all", bands=CARE_BANDS, dp=False),
        T("carers-support", "Carers' assessment and support", "free", 0, 0, ("home", "online"),
          "An assessment of what you need as a carer, and help to get it.", ages=CARERS,
          needs=(), split="whole", dp=False),
    ),
    (6, 9), "council",
)

ARCHETYPES: tuple[Archetype, ...] = (
    HOME_CARE, SUPPORTED_LIVING, CARE_HOME, DAY_SERVICES, BEFRIENDING, USER_LED, HANDYPERSON,
    MICRO, LEISURE, LEARNING, EQUIPMENT, CARERS_CENTRE, THERAPY, TRANSPORT, COUNCIL_RUN,
)
ARCHETYPE_BY_KEY = {a.key: a for a in ARCHETYPES}

# More names for providers in Wales (in Welsh) and in Scotland.
LOCAL_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("home_care", "Wales"): ("Gofal Cartref {place}", "Gofal {place} Care"),
    ("befriending", "Wales"): ("Cyfeillion {place}", "Ffrindiau {place} Befriending"),
    ("carers_centre", "Wales"): ("Gofalwyr {place} Carers",),
    ("befriending", "Scotland"): ("{place} Befriending Project", "{place} Good Companions"),
    ("home_care", "Scotland"): ("{place} Care at Home", "{place} Homecare Services"),
}
# fmt: on

PA_TITLES = {
    "personal-care": "personal care",
    "medication": "medication",
    "moving-handling": "moving and handling",
    "meal-preparation": "meals",
    "driving": "driving",
    "dementia-care": "dementia care",
    "autism-support": "autism support",
    "learning-disability": "learning disability support",
    "mental-health": "mental health support",
    "peg-feeding": "PEG feeding",
    "epilepsy": "epilepsy care",
    "household": "housework",
    "social-activities": "social activities",
    "employment": "support at work",
}
SKILL_NEEDS = {
    "dementia-care": "dementia",
    "autism-support": "autism",
    "learning-disability": "learning",
    "mental-health": "mental-health",
    "moving-handling": "physical",
    "personal-care": "physical",
    "epilepsy": "long-term-condition",
    "peg-feeding": "long-term-condition",
}
