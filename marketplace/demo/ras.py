"""Each demo council's resource allocation table (RAS), and scoring a questionnaire against it.

The tables are council policy, not chance: they depend on the council alone, never on the seed.
Leeds and Glasgow turn points into money with a table of bands; the others pay a rate per point
(£210 to £310 a year, a little more where care costs more). The working text follows the format
``RasAssessment.working`` documents, so a demo assessment reads like one the site computed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marketplace.demo.councils import COUNCILS, CouncilSpec
from marketplace.money import format_pence


@dataclass(frozen=True)
class RasQuestionSpec:
    key: str  # the need it asks about; demo people have a level (0-3) for each key
    text: str
    help_text: str
    options: tuple[tuple[str, int], ...]  # (answer, points), least need first


# fmt: off
QUESTIONS: tuple[RasQuestionSpec, ...] = (
    RasQuestionSpec(
        "personal_care",
        "How much help do you need with washing, bathing, dressing and using the toilet?",
        "Think about a typical week, bad days included.",
        (("I manage on my own", 0), ("I need prompting or a little help on some days", 5),
         ("I need help every day with most of it", 10),
         ("I need help with all of it, sometimes from two people", 16)),
    ),
    RasQuestionSpec(
        "eating",
        "How much help do you need to prepare food and drinks, and to eat and drink?",
        "",
        (("I manage on my own", 0), ("I need help to plan meals or shop for food", 3),
         ("I need someone to prepare most of my meals", 7),
         ("I need help to eat and drink safely", 11)),
    ),
    RasQuestionSpec(
        "mobility",
        "How much help do you need to move around inside and outside your home?",
        "Include getting in and out of bed, and using stairs.",
        (("I get about without help", 0), ("I need help outdoors or on stairs", 4),
         ("I need help to move around my home", 8),
         ("I need help for every move, with a hoist or for transfers", 12)),
    ),
    RasQuestionSpec(
        "medication",
        "How much help do you need with your medicines and health conditions?",
        "",
        (("None: I manage them myself", 0),
         ("I need reminders, or help to collect prescriptions", 4),
         ("Someone needs to give me my medicines or manage a condition", 8)),
    ),
    RasQuestionSpec(
        "safety",
        "How much support do you need to stay safe, at home and when you are out?",
        "Think about falls, getting lost, being taken advantage of, and risks to your health.",
        (("I can keep myself safe", 0), ("I need someone to check on me now and then", 5),
         ("I need support to stay safe for most of the day", 10),
         ("I need someone with me day and night", 15)),
    ),
    RasQuestionSpec(
        "daily_living",
        "How much help do you need with cleaning, laundry, shopping and paying bills?",
        "",
        (("I manage on my own", 0), ("I need help with one or two of these", 3),
         ("I need help with most of these", 6), ("I need someone to do all of these for me", 10)),
    ),
    RasQuestionSpec(
        "relationships",
        "How much help do you need to keep in touch with family and friends?",
        "",
        (("I keep in touch without help", 0),
         ("I need some help to meet people or to stay in touch", 4),
         ("I am cut off and need a lot of help to see anyone", 8)),
    ),
    RasQuestionSpec(
        "community",
        "How much help do you need to take part in community life, work, volunteering or learning?",
        "",
        (("None", 0), ("I need help to get started or to travel there", 3),
         ("I need support for some of the time I am there", 7),
         ("I need someone with me all the time I am there", 10)),
    ),
    RasQuestionSpec(
        "carer",
        "If family or friends support you without pay, how are they managing?",
        "Choose the first answer if nobody supports you without pay.",
        (("Nobody does, or they manage well", 0), ("They manage, with an occasional break", 3),
         ("They need regular breaks to carry on", 7),
         ("They may not be able to carry on without more help", 11)),
    ),
    RasQuestionSpec(
        "decisions",
        "How much help do you need to make decisions and to manage your money?",
        "",
        (("I decide and manage on my own", 0),
         ("I need some help with big decisions or with money", 5),
         ("Someone needs to help me with most decisions", 10)),
    ),
)
# fmt: on
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)
# Questions some councils leave out of their shorter questionnaire.
OPTIONAL = ("relationships", "decisions", "carer")

LEEDS = "E08000035"
GLASGOW = "S12000049"

# Pounds per point per year, for the councils that pay a rate.
RATE_POUNDS = {
    "E08000003": 240,  # Manchester
    "E06000023": 265,  # Bristol
    "E06000052": 250,  # Cornwall: rural travel time costs more
    "E08000025": 225,  # Birmingham
    "E10000020": 215,  # Norfolk
    "E08000039": 235,  # Sheffield
    "E09000030": 310,  # Tower Hamlets: London wages
    "S12000036": 290,  # Edinburgh
    "S12000017": 280,  # Highland
    "S12000047": 230,  # Fife
    "W06000015": 255,  # Cardiff
    "W06000011": 240,  # Swansea
    "W06000002": 260,  # Gwynedd
    "W06000023": 265,  # Powys
}

# (lowest points, annual pounds) for each band; a band runs to the point before the next one.
BAND_POUNDS = {
    LEEDS: ((0, 4_000), (16, 7_500), (31, 11_000), (46, 15_000), (61, 19_500), (76, 24_500),
            (91, 30_000)),
    GLASGOW: ((0, 3_800), (14, 7_000), (28, 10_500), (42, 14_500), (56, 18_500), (70, 23_000),
              (84, 28_000)),
}  # fmt: skip


@dataclass(frozen=True)
class RasBandSpec:
    min_points: int
    max_points: int
    annual_pence: int


@dataclass(frozen=True)
class RasPlan:
    council_code: str
    method: str  # "rate" or "bands"
    rate_pence_per_point: int | None
    questions: tuple[RasQuestionSpec, ...]
    bands: tuple[RasBandSpec, ...] = ()

    @property
    def max_points(self) -> int:
        return sum(max(points for _, points in q.options) for q in self.questions)


@dataclass(frozen=True)
class Scored:
    answers: list[dict[str, Any]]  # as RasAssessment.answers stores them
    points: int
    working: str
    indicative_pence: int


def plan_ras(spec: CouncilSpec) -> RasPlan:
    """The council's table: Leeds asks all ten questions, the others eight to ten."""
    if spec.code == LEEDS:
        questions = QUESTIONS
    else:
        rng = random.Random(f"ras/{spec.code}")
        left_out = set(rng.sample(OPTIONAL, rng.choice((0, 1, 1, 2))))
        questions = tuple(q for q in QUESTIONS if q.key not in left_out)
    if spec.code in BAND_POUNDS:
        plan = RasPlan(spec.code, "bands", None, questions)
        starts = BAND_POUNDS[spec.code]
        ends = [start - 1 for start, _ in starts[1:]] + [plan.max_points]
        bands = tuple(
            RasBandSpec(start, end, pounds * 100)
            for (start, pounds), end in zip(starts, ends, strict=True)
        )
        return RasPlan(spec.code, "bands", None, questions, bands)
    return RasPlan(spec.code, "rate", RATE_POUNDS[spec.code] * 100, questions)


RAS_TABLES: dict[str, RasPlan] = {spec.code: plan_ras(spec) for spec in COUNCILS}


def _money(pence: int) -> str:
    return format_pence(pence, free_text="")


def score(table: RasPlan, levels: Mapping[str, int]) -> Scored:
    """Answer each question at the person's level of need (0-3; a three-answer question tops
    out at its last answer) and convert the points as the council does, showing the working."""
    answers: list[dict[str, Any]] = []
    total = 0
    for question in table.questions:
        text, points = question.options[min(levels.get(question.key, 0), len(question.options) - 1)]
        answers.append({"question": question.text, "answer": text, "points": points})
        total += points
    if table.method == "rate":
        rate = table.rate_pence_per_point or 0
        indicative = total * rate
        working = f"{total} points x {_money(rate)} = {_money(indicative)}"
    else:
        band = next(b for b in table.bands if b.min_points <= total <= b.max_points)
        indicative = band.annual_pence
        working = (
            f"{total} points is in the band {band.min_points} to {band.max_points}: "
            f"{_money(indicative)}"
        )
    return Scored(answers, total, working, indicative)
