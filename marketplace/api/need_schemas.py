"""The JSON Schemas of the need-advert endpoints (marketplace.api.need_routes): what
marketplace.api.serialise writes for adverts, matches and interest, and what callers send.

Kept beside schemas.py, which holds the budget and plan shapes; openapi.py publishes both."""

from __future__ import annotations

from marketplace.api.schemas import (
    BOOL,
    DATE,
    ID,
    OPT_DATE,
    OPT_ID,
    OPT_TIME,
    TEXT,
    TIME,
    Schema,
    enum_of,
    input_obj,
    obj,
    ref,
)
from marketplace.directory import vocab
from marketplace.holders.vocab import PREFERRED_GENDERS
from marketplace.needs.matching import PARTS
from marketplace.needs.models import MAX_HOURS_HUNDREDTHS, NEED_STATUSES
from marketplace.needs.services import (
    AVAILABILITY_SLOTS,
    DESCRIPTION_LIMIT,
    NOTE_LIMIT,
    TITLE_LIMIT,
)

SLOT: Schema = {
    "type": "string",
    "enum": sorted(AVAILABILITY_SLOTS),
    "description": "A day and a time of day, day:band, like mon:morning.",
}
SLOTS: Schema = {"type": "array", "items": SLOT}
SKILLS: Schema = {"type": "array", "items": enum_of(vocab.PA_SKILLS)}
LANGUAGES: Schema = {"type": "array", "items": enum_of(vocab.LANGUAGES)}
CHECKS: Schema = {"type": "array", "items": enum_of(vocab.CHECK_KINDS)}
GENDER: Schema = {**enum_of(PREFERRED_GENDERS), "description": '"" means no preference.'}
HOURS: Schema = {
    "type": "number",
    "exclusiveMinimum": 0,
    "maximum": MAX_HOURS_HUNDREDTHS // 100,
    "description": "Hours a week, to the hundredth: 7.5 is seven and a half hours.",
}
RATE: Schema = {
    "type": "integer",
    "description": "Hourly pay offered, in whole pence: 1350 is £13.50. At least the legal "
    "minimum wage, at most £100 an hour (both configurable).",
}
STATUS: Schema = {"type": "string", "enum": list(NEED_STATUSES)}
KM: Schema = {"type": ["number", "null"], "description": "Between district centres, rounded."}

_PREFERENCES: dict[str, Schema] = {
    "preferred_gender": GENDER,
    "needs_driver": BOOL,
    "non_smoker": BOOL,
    "has_pets": {**BOOL, "description": "There are pets where the support happens."},
}

# What everyone who may see an advert sees (serialise._advert).
_ADVERT: dict[str, Schema] = {
    "id": ID,
    "title": TEXT,
    "description": TEXT,
    "district": {**TEXT, "description": "The postcode district, never the full postcode."},
    "slots": SLOTS,
    "hours_per_week": HOURS,
    "skills": SKILLS,
    "languages": LANGUAGES,
    "required_checks": CHECKS,
    "start_on": DATE,
    "end_on": OPT_DATE,
    "rate_pence": RATE,
    "status": STATUS,
}

NEED: Schema = obj(
    {
        **_ADVERT,
        **_PREFERENCES,
        "holder_id": ID,
        "posted_by_id": ID,
        "plan_id": {**OPT_ID, "description": "The plan a PA found here is added to."},
        "council_id": OPT_ID,
        "interested": {
            "type": "integer",
            "minimum": 0,
            "description": "How many PAs are interested now.",
        },
        "created_at": TIME,
        "updated_at": TIME,
        "closed_at": OPT_TIME,
    },
    description="A need advert as the holder, their representative or broker sees it.",
)

NEW_NEED: Schema = input_obj(
    {
        "holder_id": {
            **ID,
            "description": "Whose advert: required for a representative or broker; a holder "
            "may leave it out (their own).",
        },
        "title": {**TEXT, "maxLength": TITLE_LIMIT},
        "description": {**TEXT, "maxLength": DESCRIPTION_LIMIT},
        "postcode": {
            **TEXT,
            "description": "Where support is needed (LS6 2AB or LS6); only its district is "
            "kept. Default: the holder's own.",
        },
        "slots": {**SLOTS, "minItems": 1},
        "hours_per_week": HOURS,
        "skills": SKILLS,
        "languages": LANGUAGES,
        **{name: {**schema, "default": False} for name, schema in _PREFERENCES.items()},
        "preferred_gender": {**GENDER, "default": ""},
        "required_checks": CHECKS,
        "start_on": {**DATE, "description": "Today or later."},
        "end_on": {**OPT_DATE, "description": "On or after start_on; null: no end."},
        "rate_pence": RATE,
        "plan_id": {**OPT_ID, "description": "One of the holder's plans."},
    },
    ["title", "slots", "hours_per_week", "start_on", "rate_pence"],
)

SCORE_PART: Schema = obj(
    {
        "key": {"type": "string", "enum": [key for key, _, _ in PARTS]},
        "label": TEXT,
        "points": {"type": "integer", "minimum": 0},
        "max_points": {"type": "integer", "minimum": 0},
        "reason": {**TEXT, "description": "Why the candidate earned these points."},
    },
    description="One part of a score; a match's parts add up to its score (out of 100).",
)
_PARTS: Schema = {"type": "array", "items": ref("ScorePart")}
KIND: Schema = {
    "type": "string",
    "enum": ["pa", "offer"],
    "description": "pa: a personal assistant (id is their profile's); offer: a provider's "
    "personal-assistant service (id is the offer's).",
}

CANDIDATE: Schema = obj(
    {
        "kind": KIND,
        "id": ID,
        "name": TEXT,
        "score": {"type": "integer", "minimum": 0, "maximum": 100},
        "distance_km": KM,
        "hourly_rate_pence": {
            "type": ["integer", "null"],
            "description": "null when an offer is not priced by the hour.",
        },
        "interested": {**BOOL, "description": "The PA said they are interested."},
        "interest_note": {**TEXT, "description": "What they wrote when they did."},
        "thread_id": {**OPT_ID, "description": "The conversation opened with them, if any."},
        "parts": _PARTS,
    }
)
EXCLUDED: Schema = obj(
    {
        "kind": KIND,
        "id": ID,
        "name": TEXT,
        "distance_km": KM,
        "interested": BOOL,
        "reasons": {
            "type": "array",
            "items": TEXT,
            "minItems": 1,
            "description": "Each hard constraint that rules them out.",
        },
    }
)
_COUNT: Schema = {"type": "integer", "minimum": 0}
NEED_MATCHES: Schema = obj(
    {
        "need_id": ID,
        "considered": {**_COUNT, "description": "Candidates within reach that were scored."},
        "too_far_away": {**_COUNT, "description": "PAs beyond anyone's travel range."},
        "total": {**_COUNT, "description": "Eligible candidates in all."},
        "excluded_total": _COUNT,
        "limit": {"type": "integer", "minimum": 1, "maximum": 100},
        "offset": _COUNT,
        "matches": {
            "type": "array",
            "items": ref("Candidate"),
            "description": "This page of the eligible candidates, best first.",
        },
        "excluded": {
            "type": "array",
            "items": ref("ExcludedCandidate"),
            "description": "This page of the excluded candidates, nearest first.",
        },
    }
)

PA_NEED: Schema = obj(
    {**_ADVERT, "distance_km": KM, "preferences": obj(_PREFERENCES)},
    description="An advert as a personal assistant sees it: never the holder's name, id or "
    "postcode, nor who posted it.",
)
MATCHING_NEEDS: Schema = obj(
    {
        "needs": {
            "type": "array",
            "items": obj(
                {
                    "need": ref("PANeed"),
                    "score": {"type": "integer", "minimum": 0, "maximum": 100},
                    "interested": BOOL,
                    "parts": _PARTS,
                }
            ),
            "description": "Open adverts in your travel range that you fit, best first.",
        }
    }
)

INTEREST: Schema = obj(
    {
        "need_id": ID,
        "interested": {**BOOL, "description": "false once withdrawn."},
        "note": TEXT,
        "created_at": TIME,
        "withdrawn_at": OPT_TIME,
    }
)

NEED_SCHEMAS: dict[str, Schema] = {
    "Need": NEED,
    "NeedList": obj({"needs": {"type": "array", "items": ref("Need")}}),
    "NewNeed": NEW_NEED,
    "ScorePart": SCORE_PART,
    "Candidate": CANDIDATE,
    "ExcludedCandidate": EXCLUDED,
    "NeedMatches": NEED_MATCHES,
    "PANeed": PA_NEED,
    "MatchingNeeds": MATCHING_NEEDS,
    "Interest": INTEREST,
    "InterestInput": input_obj({"note": {**TEXT, "maxLength": NOTE_LIMIT}}, []),
}
