"""The JSON Schemas of the OpenAPI document: what marketplace.api.serialise writes and what the
write endpoints read (marketplace.api.body). tests/api/test_openapi.py checks both stay true."""

from __future__ import annotations

from typing import Any

from marketplace.budgets.vocab import MAX_BUDGET_PENCE, STREAM_KINDS
from marketplace.directory.vocab import DAYS, TIME_BANDS
from marketplace.permissions import Permission, Role
from marketplace.plans.models import PLAN_STATUS_VALUES
from marketplace.plans.vocab import FREQUENCIES, LINE_KINDS, LINE_UNITS, OUTCOMES

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(
    properties: dict[str, Schema], *, required: list[str] | None = None, **extra: Any
) -> Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        **extra,
    }


def input_obj(properties: dict[str, Schema], required: list[str]) -> Schema:
    """What a caller sends: unknown fields are refused (400), so typos are caught."""
    return obj(properties, required=required, additionalProperties=False)


ID: Schema = {"type": "integer", "minimum": 1}
OPT_ID: Schema = {"type": ["integer", "null"], "minimum": 1}
TEXT: Schema = {"type": "string"}
DATE: Schema = {"type": "string", "format": "date"}
OPT_DATE: Schema = {"type": ["string", "null"], "format": "date"}
TIME: Schema = {"type": "string", "format": "date-time"}
OPT_TIME: Schema = {"type": ["string", "null"], "format": "date-time"}
BOOL: Schema = {"type": "boolean"}
PENCE: Schema = {
    "type": "integer",
    "minimum": 0,
    "maximum": MAX_BUDGET_PENCE,
    "description": "Money in whole pence: 18050 is £180.50.",
}
ANY_PENCE: Schema = {"type": "integer", "description": "Money in whole pence."}


def enum_of(pairs: tuple[tuple[str, str], ...]) -> Schema:
    return {"type": "string", "enum": [value for value, _ in pairs]}


WEEKLY: Schema = obj(
    {
        "pence": ANY_PENCE,
        "remainder_pence": {
            "type": "integer",
            "minimum": 0,
            "maximum": 51,
            "description": "What ÷52 rounded down leaves over the year.",
        },
    },
    description="An annual amount per week: annual ÷ 52 rounded down, and the remainder.",
)

COST: Schema = obj(
    {"annual_pence": ANY_PENCE, "weekly_pence": ANY_PENCE, "weekly_remainder_pence": ANY_PENCE}
)

ERROR: Schema = obj(
    {
        "error": obj(
            {
                "code": {
                    "type": "string",
                    "examples": ["unauthorised", "not_found", "invalid_request", "rule_broken"],
                },
                "message": {"type": "string", "description": "For people to read."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "Each refused field (e.g. streams[0].total_pence) and why.",
                },
                "rules": {
                    "type": "array",
                    "items": ref("BrokenRule"),
                    "description": 'With the code "rule_broken": each package rule that '
                    "refused the request, by its stable code.",
                },
            },
            required=["code", "message"],
        )
    }
)

ME: Schema = obj(
    {
        "id": ID,
        "name": TEXT,
        "email": {"type": "string", "format": "email"},
        "role": {"type": "string", "enum": [r.value for r in Role]},
        "role_label": TEXT,
        "council_id": OPT_ID,
        "organisation_id": OPT_ID,
        "permissions": {"type": "array", "items": {"enum": [p.value for p in Permission]}},
    }
)

STREAM: Schema = obj(
    {
        "id": ID,
        "kind": enum_of(STREAM_KINDS),
        "label": {**TEXT, "description": "Names an 'other' stream, e.g. Access to Work."},
        "name": TEXT,
        "organisation_id": {**OPT_ID, "description": "The provider holding an ISF."},
        "total_pence": {**PENCE, "description": "For the plan year."},
        "committed_pence": PENCE,
        "spent_pence": PENCE,
        "remaining_pence": PENCE,
        "entered_weekly": BOOL,
        "weekly": obj(
            {name: ref("Weekly") for name in ("total", "committed", "spent", "remaining")}
        ),
    }
)

BUDGET: Schema = obj(
    {
        "id": ID,
        "holder_id": ID,
        "council_id": ID,
        "year_start": DATE,
        "year_end": {**DATE, "description": "The last day of the plan year."},
        "total_pence": PENCE,
        "contribution_pence": PENCE,
        "council_share_pence": PENCE,
        "indicative_pence": {"type": ["integer", "null"], "minimum": 0},
        "ras_assessment_id": OPT_ID,
        "variance_reason": TEXT,
        "weekly": obj({"total": ref("Weekly"), "contribution": ref("Weekly")}),
        "set_by_id": ID,
        "created_at": TIME,
        "updated_at": TIME,
        "streams": {"type": "array", "items": ref("Stream")},
    }
)

STREAM_INPUT: Schema = input_obj(
    {
        "kind": enum_of(STREAM_KINDS),
        "total_pence": {**PENCE, "description": "For the year. Send this or weekly_pence."},
        "weekly_pence": {
            **PENCE,
            "maximum": MAX_BUDGET_PENCE // 52,
            "description": "A week's amount; the year is 52 times it. Send this or total_pence.",
        },
        "label": {**TEXT, "maxLength": 80},
        "organisation_id": OPT_ID,
    },
    ["kind"],
)

_BUDGET_AMOUNTS: dict[str, Schema] = {
    "total_pence": PENCE,
    "contribution_pence": {**PENCE, "default": 0},
    "streams": {"type": "array", "items": ref("StreamInput"), "minItems": 1, "maxItems": 20},
}
NEW_BUDGET: Schema = input_obj(
    {
        "holder_id": ID,
        "year_start": DATE,
        **_BUDGET_AMOUNTS,
        "reason": {**TEXT, "description": "Why it differs from the indicative budget."},
        "ras_assessment_id": OPT_ID,
    },
    ["holder_id", "year_start", "total_pence", "streams"],
)
BUDGET_CHANGE: Schema = input_obj(
    {**_BUDGET_AMOUNTS, "reason": TEXT}, ["total_pence", "streams", "reason"]
)

OUTCOME: Schema = obj(
    {
        "id": ID,
        "code": enum_of(OUTCOMES),
        "label": TEXT,
        "text": {**TEXT, "description": "The person's own words."},
        "how_met": TEXT,
        "position": {"type": "integer"},
        "line_ids": {"type": "array", "items": ID},
    }
)
OUTCOME_INPUT: Schema = input_obj(
    {"code": enum_of(OUTCOMES), "text": TEXT, "how_met": TEXT}, ["code"]
)

LINE: Schema = obj(
    {
        "id": ID,
        "kind": enum_of(LINE_KINDS),
        "offer_id": OPT_ID,
        "pa_profile_id": OPT_ID,
        "description": TEXT,
        "provider_name": TEXT,
        "frequency": enum_of(FREQUENCIES),
        "quantity_hundredths": {"type": "integer", "minimum": 1, "description": "1.5 → 150."},
        "quantity": {"type": "string", "examples": ["1.5"]},
        "unit": enum_of(LINE_UNITS),
        "days": {"type": "array", "items": TEXT},
        "time_bands": {"type": "array", "items": TEXT},
        "unit_price_pence": PENCE,
        "price_agreed": BOOL,
        "cost": ref("Cost"),
        "stream_id": OPT_ID,
        "outcome_ids": {"type": "array", "items": ID},
        "start_on": DATE,
        "end_on": OPT_DATE,
    }
)

EVENT: Schema = obj(
    {
        "id": ID,
        "from_status": {"type": ["string", "null"], "enum": [*PLAN_STATUS_VALUES, None]},
        "to_status": {"type": "string", "enum": list(PLAN_STATUS_VALUES)},
        "actor_id": OPT_ID,
        "actor_name": {"type": ["string", "null"]},
        "reason": TEXT,
        "at": TIME,
    }
)

PLAN_SUMMARY: Schema = obj(
    {
        "id": ID,
        "holder_id": ID,
        "council_id": OPT_ID,
        "budget_id": OPT_ID,
        "year_start": DATE,
        "revision": {"type": "integer", "minimum": 1},
        "previous_id": OPT_ID,
        "status": {"type": "string", "enum": list(PLAN_STATUS_VALUES)},
        "status_label": TEXT,
        "what_matters": TEXT,
        "submitted_at": OPT_TIME,
        "decided_at": OPT_TIME,
        "decided_by_id": OPT_ID,
        "decision_reason": TEXT,
        "review_due_on": OPT_DATE,
        "created_by_id": ID,
        "created_at": TIME,
        "updated_at": TIME,
    }
)

STREAM_COST: Schema = obj(
    {
        "stream_id": ID,
        "kind": enum_of(STREAM_KINDS),
        "name": TEXT,
        "stream_total_pence": PENCE,
        "over_pence": {**ANY_PENCE, "description": "What the plan asks beyond the stream."},
        **COST["properties"],
    }
)
PLAN_COSTS: Schema = obj(
    {
        "streams": {"type": "array", "items": ref("StreamCost")},
        "unassigned": {**ref("Cost"), "description": "Paid lines no stream pays for yet."},
        "total": ref("Cost"),
        "budget_id": {**OPT_ID, "description": "The budget the plan is costed against."},
    }
)

PLAN: Schema = obj(
    {
        **PLAN_SUMMARY["properties"],
        "costs": ref("PlanCosts"),
        "outcomes": {"type": "array", "items": ref("Outcome")},
        "lines": {"type": "array", "items": ref("Line")},
        "events": {"type": "array", "items": ref("Event")},
    }
)

FINDING: Schema = obj(
    {
        "rule": {"type": "string", "description": "A stable code, e.g. dp_council_run."},
        "severity": {"type": "string", "enum": ["error", "warning", "info"]},
        "message": {**TEXT, "description": "For people to read; names the rule."},
        "line_id": OPT_ID,
        "stream_id": OPT_ID,
        "outcome_id": OPT_ID,
    },
    description="One rule's verdict; at most one of line_id, stream_id, outcome_id is set.",
)
STREAM_FIGURES: Schema = obj(
    {
        **STREAM_COST["properties"],
        "available_annual_pence": {**ANY_PENCE, "description": "What the stream has left."},
        "available_weekly_pence": ANY_PENCE,
        "used_bp": {
            "type": ["integer", "null"],
            "description": "The share of what is left the lines ask for, in basis points.",
        },
        "state": {"type": "string", "enum": ["ok", "near", "over"]},
    }
)
PACKAGE_CHECKS: Schema = obj(
    {
        "ok": {**BOOL, "description": "No errors: nothing in the package stops it."},
        "findings": {"type": "array", "items": ref("Finding")},
        "streams": {"type": "array", "items": ref("StreamFigures")},
        "costs": {"anyOf": [ref("PlanCosts"), {"type": "null"}]},
    }
)
ALTERNATIVE: Schema = obj(
    {
        "offer_id": ID,
        "title": TEXT,
        "provider_name": TEXT,
        "price_pence": PENCE,
        "price_unit": TEXT,
        "price_difference_pence": {**ANY_PENCE, "description": "Per unit; negative: cheaper."},
        "annual_saving_pence": {**ANY_PENCE, "description": "Negative: dearer."},
        "distance_km": {"type": ["number", "null"]},
        "rating": {"type": ["string", "null"]},
        "score": {"type": "array", "items": {"type": "integer"}},
        "reasons": {"type": "array", "items": {"enum": ["cheaper", "closer"]}},
        "explanation": TEXT,
    }
)
BROKEN_RULE: Schema = obj(
    {
        "rule": {
            "type": "string",
            "description": "A stable code, as in Finding.rule, e.g. dp_long_term_residential.",
        },
        "field": {
            "type": "string",
            "description": "The key of `fields` it refuses: a field of the line (stream_id, "
            "pa_profile_id …), or the part of the plan (line-12) when a plan is approved.",
        },
        "message": {**TEXT, "description": "For people to read; names the rule."},
    },
    description="A package rule that refused the request.",
)
LINE_INPUT: Schema = input_obj(
    {
        "kind": enum_of(LINE_KINDS),
        "description": {**TEXT, "description": "Default for an offer or PA: its title or name."},
        "provider_name": TEXT,
        "frequency": {**enum_of(FREQUENCIES), "default": "week"},
        "quantity_hundredths": {"type": "integer", "minimum": 1, "description": "1.5 → 150."},
        "unit": {**enum_of(LINE_UNITS), "default": "hours"},
        "unit_price_pence": {**PENCE, "description": "Default: the offer's or the PA's price."},
        "stream_id": OPT_ID,
        "outcome_ids": {"type": "array", "items": ID},
        "start_on": {**DATE, "description": "Default: the start of the plan year."},
        "end_on": OPT_DATE,
        "offer_id": OPT_ID,
        "pa_profile_id": OPT_ID,
        "days": {"type": "array", "items": {"enum": [v for v, _ in DAYS]}},
        "time_bands": {"type": "array", "items": {"enum": [v for v, _ in TIME_BANDS]}},
    },
    ["kind", "quantity_hundredths"],
)


def _or_null(schema: Schema) -> Schema:
    """The same field, also taking null (and with no default: see LINE_CHANGE)."""
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    nullable = {key: value for key, value in schema.items() if key != "default"}
    nullable["type"] = [*dict.fromkeys([*kinds, "null"])]
    if "enum" in schema:
        nullable["enum"] = [*schema["enum"], None]
    return nullable


LINE_CHANGE: Schema = obj(
    {
        name: schema if name in ("kind", "quantity_hundredths") else _or_null(schema)
        for name, schema in LINE_INPUT["properties"].items()
    },
    required=[],
    additionalProperties=False,
    description="The fields to change. A field left out keeps the line's current value: "
    "nothing follows a new offer_id or pa_profile_id unless sent (its price, its title). null "
    "puts a field back to what a new line has without it: no stream, end date, outcomes, days "
    "or times; the offer's or PA's price and title; the start of the plan year; every week, in "
    "hours.",
)


def _page_of(key: str, item: str) -> Schema:
    return obj(
        {
            key: {"type": "array", "items": ref(item)},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
        }
    )


SCHEMAS: dict[str, Schema] = {
    "Error": ERROR,
    "Me": ME,
    "Weekly": WEEKLY,
    "Cost": COST,
    "Stream": STREAM,
    "Budget": BUDGET,
    "BudgetList": _page_of("budgets", "Budget"),
    "StreamInput": STREAM_INPUT,
    "NewBudget": NEW_BUDGET,
    "BudgetChange": BUDGET_CHANGE,
    "Outcome": OUTCOME,
    "OutcomeInput": OUTCOME_INPUT,
    "Line": LINE,
    "Event": EVENT,
    "StreamCost": STREAM_COST,
    "PlanCosts": PLAN_COSTS,
    "PlanSummary": PLAN_SUMMARY,
    "Plan": PLAN,
    "PlanList": _page_of("plans", "PlanSummary"),
    "Finding": FINDING,
    "StreamFigures": STREAM_FIGURES,
    "PackageChecks": PACKAGE_CHECKS,
    "Alternative": ALTERNATIVE,
    "Alternatives": obj(
        {"line_id": ID, "alternatives": {"type": "array", "items": ref("Alternative")}}
    ),
    "LineInput": LINE_INPUT,
    "LineChange": LINE_CHANGE,
    "BrokenRule": BROKEN_RULE,
    "NewLine": obj({"line": ref("Line"), "checks": ref("PackageChecks")}),
    "LineRemoved": obj({"checks": ref("PackageChecks")}),
    "NewPlan": input_obj(
        {"holder_id": ID, "year_start": {**DATE, "description": "Default: the current year."}},
        ["holder_id"],
    ),
    "PlanChange": input_obj({"what_matters": TEXT}, ["what_matters"]),
    "Reason": input_obj({"reason": TEXT}, []),
    "RequiredReason": input_obj({"reason": {**TEXT, "minLength": 1}}, ["reason"]),
    "Approval": input_obj(
        {"reason": TEXT, "review_months": {"type": "integer", "minimum": 1, "default": 12}}, []
    ),
    "Empty": input_obj({}, []),
    "SearchResults": {
        "type": "object",
        "properties": {
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "results": {"type": "array", "items": {"type": "object"}},
            "facets": {"type": "object"},
            "suggestion": {"type": ["string", "null"]},
        },
        "required": ["total", "page", "per_page", "results", "facets", "suggestion"],
    },
    "Listing": {
        "type": "object",
        "description": "The public record of a published offer, personal assistant or organisation.",
    },
}
