"""How search results are shown: the page's filter controls, links that change one parameter,
words for each filter, and the API's JSON.

The filter controls are built here as the parameters of GOV.UK Frontend macros, so the template
only places them and the counts beside each value come from the engine's facets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from marketplace import money
from marketplace.directory import vocab
from marketplace.search.params import (
    MIN_RATINGS,
    REPEATABLE,
    SORTS,
    VOCABULARIES,
    SearchRequest,
    value_label,
)
from marketplace.search.records import listing_url
from marketplace.search.services import Relaxation
from search_index.interface import FACET_FIELDS, Hit, SearchResults

SEARCH_PATH = "/search"
# Price caps the page offers (pence); the API takes any whole number of pence.
PRICE_CAPS = (500, 1000, 1500, 2000, 2500, 3000, 5000, 10000)
# Filters that sit under "More filters" (closed unless one of them is in use or wrong).
MORE_FILTERS = (
    "deployment",
    "unit",
    "max_price_pence",
    "free",
    "delivery",
    "day",
    "time_band",
    "for_age",
    "accessibility",
    "language",
    "min_rating",
    "pa_check",
    "gender",
    "vacancies",
)
_LEGENDS = {
    "kind": "Type",
    "category": "Category",
    "deployment": "How you pay",
    "unit": "Priced per",
    "delivery": "Where the support happens",
    "day": "Days",
    "time_band": "Times of day",
    "for_age": "Who it is for",
    "accessibility": "Accessibility",
    "language": "Language",
    "pa_check": "Personal assistant's checks",
    "gender": "Personal assistant's gender",
}


# --- Links ---------------------------------------------------------------------------------


def search_href(args: MultiDict[str, str], *, drop: Iterable[str] = (), **changes: str) -> str:
    """/search with the same arguments, minus ``drop`` and the page, plus ``changes``."""
    query = MultiDict(args)
    for name in (*drop, "page", *changes):
        query.poplist(name)
    if "postcode" in drop:
        query.poplist("radius_km")
        if query.get("sort") == "distance":
            query.poplist("sort")
    for name, value in changes.items():
        query.add(name, value)
    encoded = urlencode([(k, v) for k, v in query.items(multi=True) if v != ""])
    return f"{SEARCH_PATH}?{encoded}" if encoded else SEARCH_PATH


# --- Words for the filters in use ----------------------------------------------------------


def _labels(name: str, values: Iterable[str]) -> str:
    return ", ".join(value_label(name, v) for v in values)


def describe(name: str, search: SearchRequest) -> str:
    """A filter in use, in words: "Category: Gardening, Shopping", "Within 10 km of LS6"."""
    value = search.params.get(name)
    if name == "q":
        return f"the words “{value}”"
    if name == "postcode":
        radius = search.params.get("radius_km")
        return f"Within {radius} km of {search.postcode}"
    if name == "council":
        return f"Council area: {search.council_name or value}"
    if name == "max_price_pence":
        return f"Price up to {money.format_pence(int(value or 0), free_text='£0.00')}"
    if name == "free":
        return "Free only"
    if name == "vacancies":
        return "Places free now"
    if name == "min_rating":
        return f"Rated at least {_rating_label(str(value))}"
    if name == "unit":
        return f"Priced {value_label(name, str(value))}"
    values = value if isinstance(value, list) else [str(value)]
    return f"{_LEGENDS.get(name, name)}: {_labels(name, values)}"


def _rating_label(slug: str) -> str:
    for scale in vocab.RATINGS.values():
        found = dict(scale).get(slug)
        if found:
            return found
    return slug


@dataclass(frozen=True)
class FilterInUse:
    name: str
    text: str
    remove_href: str


def filters_in_use(search: SearchRequest, args: MultiDict[str, str]) -> list[FilterInUse]:
    """Each filter in use (the text aside), with a link to the same search without it."""
    names = [n for n in search.params if n not in {"q", "page", "per_page", "sort", "radius_km"}]
    return [FilterInUse(n, describe(n, search), search_href(args, drop=[n])) for n in names]


@dataclass(frozen=True)
class Alternative:
    """A search that would find something where this one found nothing."""

    text: str
    count: int
    href: str


def alternatives(
    relaxations: list[Relaxation], search: SearchRequest, args: MultiDict[str, str]
) -> list[Alternative]:
    shown: list[Alternative] = []
    for relaxation in relaxations:
        names = relaxation.params
        if names == ("q",):
            text = f"Search without {describe('q', search)}, with your filters only"
        elif len(names) > 1:
            text = "Search without any filters"
        else:
            text = f"Search without “{describe(names[0], search)}”"
        shown.append(Alternative(text, relaxation.count, search_href(args, drop=names)))
    return shown


# --- The filter controls -------------------------------------------------------------------


@dataclass(frozen=True)
class Control:
    """One filter on the page: which GOV.UK macro shows it and that macro's parameters."""

    name: str
    macro: str  # checkboxes | radios | select | input
    params: dict[str, Any]


def _facet_counts(results: SearchResults | None) -> dict[str, dict[str, int]]:
    if results is None:
        return {}
    return {name: {f.value: f.count for f in counts} for name, counts in results.facets.items()}


def _error(errors: Mapping[str, str], name: str) -> dict[str, str] | None:
    return {"text": errors[name]} if name in errors else None


def _with_count(label: str, count: int | None) -> str:
    return label if count is None else f"{label} ({count})"


def _facet_items(
    name: str, counts: dict[str, int] | None, selected: list[str]
) -> list[tuple[str, str]]:
    """(value, text) for each value worth offering: those with results, and those chosen.

    Without counts (the parameters were refused, or the engine gave none) every value is offered.
    """
    items = []
    for value, label in VOCABULARIES[name]:
        count = None if counts is None else counts.get(value, 0)
        if count == 0 and value not in selected:
            continue
        items.append((value, _with_count(label, count)))
    return items


def _legend(text: str) -> dict[str, Any]:
    return {"legend": {"text": text, "classes": "govuk-fieldset__legend--s"}}


def _choice_control(
    name: str,
    args: MultiDict[str, str],
    counts: dict[str, dict[str, int]],
    errors: Mapping[str, str],
) -> Control | None:
    repeatable = name in REPEATABLE
    selected = args.getlist(name) if repeatable else [args.get(name, "")]
    items = _facet_items(name, counts.get(name), selected)
    if not items:
        return None
    common = {
        "name": name,
        "idPrefix": name,
        "fieldset": _legend(_LEGENDS[name]),
        "errorMessage": _error(errors, name),
    }
    if repeatable:
        return Control(
            name,
            "checkboxes",
            {
                **common,
                "classes": "govuk-checkboxes--small",
                "items": [{"value": v, "text": t, "checked": v in selected} for v, t in items],
            },
        )
    any_item = {"value": "", "text": "Any", "checked": not selected[0]}
    return Control(
        name,
        "radios",
        {
            **common,
            "classes": "govuk-radios--small",
            "items": [
                any_item,
                *({"value": v, "text": t, "checked": v == selected[0]} for v, t in items),
            ],
        },
    )


def _select(
    name: str,
    label: str,
    options: list[tuple[str, str]],
    args: MultiDict[str, str],
    errors: Mapping[str, str],
) -> Control:
    current = args.get(name, "")
    if current and current not in {v for v, _ in options}:
        options = [*options, (current, current)]  # keep what the address asked for visible
    return Control(
        name,
        "select",
        {
            "id": name,
            "name": name,
            "label": {"text": label, "classes": "govuk-label--s"},
            "items": [{"value": v, "text": t, "selected": v == current} for v, t in options],
            "errorMessage": _error(errors, name),
        },
    )


def _flag(
    name: str, legend: str, text: str, args: MultiDict[str, str], errors: Mapping[str, str]
) -> Control:
    return Control(
        name,
        "checkboxes",
        {
            "name": name,
            "idPrefix": name,
            "fieldset": _legend(legend),
            "classes": "govuk-checkboxes--small",
            "errorMessage": _error(errors, name),
            "items": [{"value": "true", "text": text, "checked": args.get(name) == "true"}],
        },
    )


def filter_controls(
    args: MultiDict[str, str],
    results: SearchResults | None,
    errors: Mapping[str, str],
    councils: list[tuple[str, str]],
) -> dict[str, list[Control]]:
    """The filter form's controls: {"main": [...], "more": [...]} in the order shown."""
    counts = _facet_counts(results)
    facet_counts = {name: counts[name] for name in FACET_FIELDS if name in counts}
    controls: dict[str, Control | None] = {
        "kind": _choice_control("kind", args, facet_counts, errors),
        "category": _choice_control("category", args, facet_counts, errors),
        "council": _select(
            "council", "Council area", [("", "Any council area"), *councils], args, errors
        ),
        "deployment": _choice_control("deployment", args, facet_counts, errors),
        "unit": _choice_control("unit", args, facet_counts, errors),
        "max_price_pence": _select(
            "max_price_pence",
            "Highest price per unit",
            [("", "Any price"), *((str(p), f"Up to {money.format_pence(p)}") for p in PRICE_CAPS)],
            args,
            errors,
        ),
        "free": _flag("free", "Cost", "Free support only", args, errors),
        "delivery": _choice_control("delivery", args, facet_counts, errors),
        "day": _choice_control("day", args, facet_counts, errors),
        "time_band": _choice_control("time_band", args, facet_counts, errors),
        "for_age": _choice_control("for_age", args, facet_counts, errors),
        "accessibility": _choice_control("accessibility", args, facet_counts, errors),
        "language": _select(
            "language",
            "Language",
            [("", "Any language"), *_language_options(facet_counts.get("language"), args)],
            args,
            errors,
        ),
        "min_rating": _select(
            "min_rating",
            "Regulator's rating",
            [("", "Any rating, or not rated"), *MIN_RATINGS],
            args,
            errors,
        ),
        "pa_check": _choice_control("pa_check", args, facet_counts, errors),
        "gender": _choice_control("gender", args, facet_counts, errors),
        "vacancies": _flag("vacancies", "Places", "Places free now", args, errors),
    }
    shown = {name: control for name, control in controls.items() if control is not None}
    return {
        "main": [c for n, c in shown.items() if n not in MORE_FILTERS],
        "more": [c for n, c in shown.items() if n in MORE_FILTERS],
    }


def _language_options(
    counts: dict[str, int] | None, args: MultiDict[str, str]
) -> list[tuple[str, str]]:
    return _facet_items("language", counts, [args.get("language", "")])


def sort_control(args: MultiDict[str, str], errors: Mapping[str, str]) -> Control:
    options = [(v, "Distance (enter a postcode)" if v == "distance" else t) for v, t in SORTS]
    return _select("sort", "Sort by", options, args, errors)


def more_filters_open(args: MultiDict[str, str], errors: Mapping[str, str]) -> bool:
    return any(args.get(name) for name in MORE_FILTERS) or any(n in errors for n in MORE_FILTERS)


def error_list(errors: Mapping[str, str]) -> list[dict[str, str]]:
    """The GOV.UK error summary's items, each linking to its field where there is one."""
    without_field = {"page", "per_page"}
    return [
        {"text": message} if name in without_field else {"text": message, "href": f"#{name}"}
        for name, message in errors.items()
    ]


# --- Results -------------------------------------------------------------------------------

KIND_TAGS = {"offer": "Service", "pa": "Personal assistant", "organisation": "Organisation"}


def hit_summary(hit: Hit) -> list[str]:
    """Provider and categories, leaving out what the title or the kind tag already say."""
    tag = KIND_TAGS.get(hit.kind, "")
    parts = [hit.provider] if hit.provider and hit.provider not in {hit.title, tag} else []
    names = [value_label("category", slug) for slug in hit.categories]
    names = [name for name in names if name != tag]
    if names:
        parts.append(", ".join(names))
    return parts


def api_results(results: SearchResults) -> dict[str, Any]:
    """The API's answer, exactly as issue 4 specifies it."""
    return {
        "total": results.total,
        "page": results.page,
        "per_page": results.per_page,
        "results": [
            {
                "id": hit.id,
                "kind": hit.kind,
                "title": hit.title,
                "provider": hit.provider,
                "category": hit.categories[0] if hit.categories else None,
                "price_pence": hit.price_pence,
                "unit": hit.unit,
                "distance_km": None if hit.distance_km is None else round(hit.distance_km, 2),
                "snippet": hit.snippet,
                "url": listing_url(hit.kind, hit.id),
            }
            for hit in results.hits
        ],
        "facets": {
            name: [
                {"value": f.value, "label": value_label(name, f.value), "count": f.count}
                for f in results.facets[name]
            ]
            for name in FACET_FIELDS
            if name in results.facets
        },
        "suggestion": results.suggestion,
    }
