"""Words for demo budget holders: who they are, what matters to them, and what their plans say.

Each persona is a kind of person the primer describes (../shared/DOMAIN.md): older people, who
mostly keep a council-managed budget, and younger disabled adults, who more often take a direct
payment. Their needs (a level 0-3 for each RAS question) and plans follow from the persona.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    key: str
    weight: int
    older: bool
    # Weights of need levels 0-3 for each RAS question key.
    needs: dict[str, tuple[int, int, int, int]]
    # (deployment, weight): how the budget is held (see holders.DEPLOYMENTS).
    deployments: tuple[tuple[str, int], ...]
    what_matters: tuple[str, ...]
    # (outcome code, in the person's words, how it will be met)
    outcomes: tuple[tuple[str, str, str], ...]
    # Categories of directory offers the council-managed money buys, in order of preference.
    categories: tuple[str, ...]
    # (description, frequency, quantity in hundredths, unit, unit price in pence)
    extras: tuple[tuple[str, str, int, str, int], ...]
    unpaid: tuple[tuple[str, str, int, str], ...]  # (description, frequency, hundredths, unit)
    representative_chance: float
    other_funding: tuple[tuple[str, int], ...] = ()  # (label, weight) of a possible other stream


_OLDER_DEPLOYMENTS = (("managed", 70), ("mostly_managed", 12), ("dp", 12), ("isf", 4), ("mixed", 2))
_YOUNGER_DEPLOYMENTS = (
    ("managed", 40),
    ("mostly_managed", 14),
    ("dp", 36),
    ("isf", 6),
    ("mixed", 4),
)

# fmt: off
PERSONAS: tuple[Persona, ...] = (
    Persona(
        "older", 45, True,
        {"personal_care": (1, 3, 4, 2), "eating": (2, 4, 3, 1), "mobility": (1, 3, 4, 2),
         "medication": (1, 3, 4, 2), "safety": (2, 3, 3, 2), "daily_living": (0, 2, 4, 3),
         "relationships": (3, 4, 2, 1), "community": (3, 4, 2, 1), "carer": (2, 3, 3, 2),
         "decisions": (4, 3, 2, 1)},
        _OLDER_DEPLOYMENTS,
        ("I want to stay in my own home, where I have lived for forty years, and keep my "
         "independence for as long as I can.",
         "My wife has dementia and I am her carer. What matters is that we stay together at home "
         "and that I get a break now and then.",
         "Since my fall I am nervous on my own. I want to feel safe, eat properly and still get to "
         "chapel on Sundays.",
         "I like my routines: the paper in the morning, my programmes in the afternoon. I want help "
         "that fits round me, not the other way round."),
        (("independence", "Stay in my own home",
          "Care visits each morning and evening help me wash, dress and take my tablets."),
         ("safety", "Feel safe at night",
          "A pendant alarm, and a check-in call before bed."),
         ("daily-living", "Eat a hot meal every day",
          "A hot lunch delivered on weekdays; my family cooks at weekends."),
         ("carer-support", "My husband gets a proper break",
          "A sitting service one afternoon a week so he can go to his bowls club."),
         ("relationships", "See my friends from chapel",
          "A befriender takes me to the Thursday lunch club."),
         ("physical-health", "Keep walking to the shops",
          "Help to get out for a short walk twice a week, as the physio advised.")),
        ("personal-care", "home-help", "meals", "befriending", "day-opportunities"),
        (("Pendant alarm and monitoring", "month", 100, "items", 1850),
         ("Hairdresser visit at home", "fortnight", 100, "visits", 1500)),
        (("My daughter does the big shop and takes me to appointments", "week", 300, "hours"),
         ("My neighbour pops in most evenings", "week", 500, "visits"),
         ("A volunteer from church drives me to the service on Sundays", "week", 100, "visits")),
        0.35,
        (("Disabled Facilities Grant", 1),),
    ),
    Persona(
        "learning_disability", 20, False,
        {"personal_care": (3, 4, 2, 1), "eating": (2, 4, 3, 1), "mobility": (6, 3, 1, 0),
         "medication": (3, 4, 2, 1), "safety": (1, 3, 4, 2), "daily_living": (0, 3, 4, 3),
         "relationships": (2, 4, 3, 1), "community": (1, 3, 4, 2), "carer": (2, 3, 3, 2),
         "decisions": (0, 2, 5, 3)},
        _YOUNGER_DEPLOYMENTS,
        ("I want to do the things other people my age do: go to the pub, go to the match, see "
         "my friends, and have a job one day.",
         "I live with Mum and Dad. I want to learn to look after myself so I can have my own flat.",
         "I like music, swimming and being busy. I do not like being stuck at home with nothing "
         "to do."),
        (("community", "Go to places I like with people I like",
          "Day opportunities three days a week, and a PA for evenings out."),
         ("learning", "Learn to cook my own tea",
          "Cooking sessions each week, with my PA helping me practise at home."),
         ("where-to-live", "Live in my own flat one day",
          "Support to learn travel, money and cooking skills this year."),
         ("relationships", "See my friends at the weekend",
          "My PA helps me get to the Saturday club."),
         ("paid-work", "Get a job",
          "Supported employment sessions to find work experience.")),
        ("day-opportunities", "learning", "leisure-sport", "supported-living"),
        (("Swimming lessons at the leisure centre", "week", 100, "sessions", 850),
         ("Music workshop", "week", 100, "sessions", 1200)),
        (("Mum and Dad have me home for Sunday dinner", "week", 100, "visits"),
         ("My brother takes me to the match", "fortnight", 100, "visits")),
        0.5,
        (("Supporting People", 1),),
    ),
    Persona(
        "physical_disability", 18, False,
        {"personal_care": (0, 2, 4, 4), "eating": (2, 4, 3, 1), "mobility": (0, 1, 4, 5),
         "medication": (3, 4, 2, 1), "safety": (5, 3, 2, 0), "daily_living": (0, 2, 4, 4),
         "relationships": (5, 3, 2, 0), "community": (2, 4, 3, 1), "carer": (3, 3, 3, 1),
         "decisions": (8, 2, 0, 0)},
        _YOUNGER_DEPLOYMENTS,
        ("I want to choose who helps me and when, so I can keep working and have a life outside "
         "work.",
         "Since my spinal injury I have had to rely on others. I want to get back to doing things "
         "my way.",
         "I want to keep my job, get to the football, and not have to plan my day round a care "
         "agency's rota."),
        (("control", "Choose who helps me and when",
          "I employ my own PAs with my direct payment and set their hours."),
         ("paid-work", "Keep my job",
          "Access to Work pays for taxis; my PA helps me get ready on work mornings."),
         ("independence", "Get up and out on my own timetable",
          "PA support every morning, so I am ready by eight."),
         ("physical-health", "Keep my strength up",
          "Hydrotherapy each week at the leisure centre."),
         ("community", "Go to the football",
          "A season ticket, and my PA comes with me to home games.")),
        ("personal-care", "leisure-sport", "transport", "equipment-technology"),
        (("Season ticket for home games", "once", 100, "items", 46000),
         ("Hydrotherapy pool sessions", "week", 100, "sessions", 700)),
        (("My partner helps me to bed on weeknights", "week", 500, "hours"),),
        0.1,
        (("Access to Work", 3), ("Independent Living Fund", 1)),
    ),
    Persona(
        "mental_health", 10, False,
        {"personal_care": (6, 3, 1, 0), "eating": (4, 4, 2, 0), "mobility": (8, 2, 0, 0),
         "medication": (1, 3, 4, 2), "safety": (1, 3, 4, 2), "daily_living": (2, 4, 3, 1),
         "relationships": (1, 3, 4, 2), "community": (1, 3, 4, 2), "carer": (4, 3, 2, 1),
         "decisions": (2, 4, 3, 1)},
        _YOUNGER_DEPLOYMENTS,
        ("I have spent too long indoors. I want to get out, meet people and feel like myself "
         "again.",
         "When I am well I can do most things. I want support that keeps me well, not only help "
         "when I am in crisis."),
        (("mental-wellbeing", "Feel less anxious",
          "A peer support group each week, and a PA to help me get out of the house."),
         ("community", "Get out of the house more",
          "My PA and I plan one outing a week: the library, a café, the park."),
         ("learning", "Go back to college",
          "A computer course at the library this term."),
         ("relationships", "Rebuild contact with my sister",
          "Help to plan visits and to get there."),
         ("paid-work", "Volunteer, then find work",
          "Employment support sessions and a volunteering placement.")),
        ("health-wellbeing", "befriending", "learning", "day-opportunities"),
        (("Computer skills course at the library", "once", 100, "items", 12000),
         ("Gym membership", "month", 100, "items", 2500)),
        (("My sister rings every evening", "week", 700, "visits"),),
        0.1,
    ),
    Persona(
        "autism", 7, False,
        {"personal_care": (4, 4, 2, 0), "eating": (3, 4, 2, 1), "mobility": (7, 2, 1, 0),
         "medication": (5, 3, 2, 0), "safety": (2, 3, 3, 2), "daily_living": (1, 3, 4, 2),
         "relationships": (1, 2, 4, 3), "community": (1, 2, 4, 3), "carer": (2, 3, 3, 2),
         "decisions": (2, 3, 4, 1)},
        _YOUNGER_DEPLOYMENTS,
        ("I need things to be predictable. I want the same people supporting me, at the same "
         "times, so I can do more on my own.",
         "I want to manage my own money and bills and go to the climbing wall without my mum."),
        (("daily-living", "Manage my money and bills",
          "My PA goes through my post and bills with me each week."),
         ("community", "Go climbing without my mum",
          "Climbing wall sessions with a PA I know, until I can go alone."),
         ("learning", "Finish my college course",
          "Study support for two afternoons a week."),
         ("mental-wellbeing", "Have fewer meltdowns",
          "A quiet routine, with the same PA at the same times.")),
        ("learning", "leisure-sport", "day-opportunities", "employment-support"),
        (("Climbing wall sessions", "week", 100, "sessions", 1200),),
        (("My brother helps me with my post and bills", "fortnight", 100, "hours"),),
        0.3,
    ),
)
# fmt: on
PERSONA_BY_KEY = {p.key: p for p in PERSONAS}

# Older given names: the directory's lists are for working-age PAs.
OLDER_NAMES = {
    "english": (
        ("Margaret", "Joan", "Dorothy", "Irene", "Patricia", "Brenda", "Jean", "Sheila", "Eileen"),
        ("Harold", "Kenneth", "Ronald", "Derek", "Brian", "Frank", "Albert", "Dennis"),
    ),
    "scottish": (
        ("Agnes", "Isobel", "Margaret", "Jessie", "Elspeth", "Catherine"),
        ("Hamish", "Angus", "William", "Archibald", "Robert"),
    ),
    "welsh": (
        ("Gwyneth", "Megan", "Olwen", "Eirlys", "Dilys"),
        ("Emrys", "Glyn", "Idris", "Gareth", "Trefor"),
    ),
}

RELATIVES = ("family", "family", "family", "friend", "advocate")

OTHER_FUNDING_LINES = {
    # label: (description, frequency, quantity in hundredths, unit); the price spends the stream
    "Access to Work": ("Taxi to and from work", "week", 400, "sessions"),
    "Independent Living Fund": ("Extra PA hours at weekends", "week", 600, "hours"),
    "Supporting People": ("Housing support worker visits", "week", 200, "hours"),
    "Disabled Facilities Grant": ("Level-access shower fitted", "once", 100, "items"),
}
OTHER_FUNDING_ANNUAL = {
    # label: (lowest, highest) annual pounds
    "Access to Work": (1_800, 4_200),
    "Independent Living Fund": (3_000, 7_500),
    "Supporting People": (1_500, 3_200),
    "Disabled Facilities Grant": (4_000, 9_000),
}

CREATED_REASON = "Started the plan."
# Why a newer revision was started, and what it adds: (description, frequency, quantity in
# hundredths, unit, unit price in pence). Less of the biggest paid line makes room for it.
REVISIONS = {
    "Adding a weekly swimming session, as the physiotherapist advised.": (
        "Swimming session at the leisure centre", "week", 100, "sessions", 650,
    ),
    "Adding a monthly trip out with my befriender.": (
        "Day trip with my befriender", "month", 100, "sessions", 2500,
    ),
    "Adding a computer course at the library, to help me look for work.": (
        "Computer course at the library", "once", 100, "items", 9500,
    ),
    "The garden has got too much for me: adding a gardening visit each fortnight.": (
        "Gardening visit", "fortnight", 200, "hours", 1600,
    ),
}  # fmt: skip
REVISION_REASONS = tuple(REVISIONS)
APPROVE_REASONS = (
    "Outcomes are clear and the costs fit the budget.",
    "Agreed: the PA hours match the assessed needs.",
    "Approved. Good use of community groups alongside paid support.",
    "Agreed as written. Review in a year, or sooner if needs change.",
)
REFER_REASONS = (
    "Overnight support takes the plan above the indicative budget: referred to the funding panel.",
    "Living alone without overnight support carries a risk: referred to the risk panel.",
    "Employing a close relative as a PA needs the panel's agreement.",
    "A short respite stay is part of the plan: the funding panel agrees respite spending.",
)
PANEL_APPROVE_REASONS = (
    "Agreed at the funding panel.",
    "The risk panel agreed the plan, with a review in a year.",
)
REJECT_REASONS = (
    "The paid work outcome has no support set against it: please say how it will be met.",
    "A direct payment cannot buy a service the council runs itself: please move the day centre "
    "to the council-managed part.",
    "The plan asks for gardening, which the assessment found no need for: please remove it or "
    "explain what it achieves.",
    "Please show who helps at weekends: the plan has no support on Saturdays or Sundays.",
)
SUPERSEDED_REASON = "Replaced by revision {revision}."
VARIANCE_UP = (
    "Night-time needs found at the assessment visit: £{amount} a year above the indicative budget.",
    "The carer's own assessment found they need a weekly break: £{amount} a year added.",
)
VARIANCE_DOWN = (
    "Family will provide support at weekends, agreed with the holder: £{amount} a year below "
    "the indicative budget.",
    "Equipment bought last year means fewer double-handed calls: £{amount} a year less.",
)
OTHER_HELD_ALONGSIDE = "{label} (£{amount} a year) is held alongside the council's money."
ROLLED_OVER = "Rolled over from last year at the same weekly rate until the annual review."
PREFERENCES = (
    "Please text before visiting: I do not always hear the door.",
    "I would like someone who enjoys football.",
    "No strong perfume, please: I have asthma.",
    "A calm, quiet approach works best for me.",
    "I am vegetarian: please do not cook meat in my kitchen.",
)
