"""The search page and the search API. Both read the same parameters (marketplace.search.params).

Everything here is GET, so there is nothing for CSRF to protect; the page works without
JavaScript (plain GET forms and links).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request
from werkzeug.datastructures import MultiDict

from marketplace.extensions import db
from marketplace.pagination import Page, pagination_params
from marketplace.reviews.services import ratings_of
from marketplace.search import presenting, services
from marketplace.search.params import InvalidParameter, SearchRequest, parse_search_args
from search_index.interface import SearchBackend

bp = Blueprint("search", __name__)


def _backend() -> SearchBackend:
    backend: SearchBackend = current_app.extensions["search"]
    return backend


def _parse() -> SearchRequest:
    return parse_search_args(
        db.session, request.args, default_per_page=int(current_app.config["PAGE_SIZE"])
    )


def _render(status: int = 200, **context: Any) -> Any:
    helpers = {"kind_tags": presenting.KIND_TAGS, "hit_summary": presenting.hit_summary}
    return render_template("search/search.html", **helpers, **context), status


def _title(search: SearchRequest | None) -> str:
    if search is None or not search.query.text:
        return "Search the directory"
    return f"Search results for “{search.query.text}”"


@bp.get("/search")
def search() -> Any:
    args: MultiDict[str, str] = request.args
    councils = services.council_names(db.session)
    try:
        parsed = _parse()
    except InvalidParameter as error:
        return _render(
            400,
            title=_title(None),
            args=args,
            errors=error.errors,
            error_list=presenting.error_list(error.errors),
            controls=presenting.filter_controls(args, None, error.errors, councils),
            sort_control=presenting.sort_control(args, error.errors),
            more_open=presenting.more_filters_open(args, error.errors),
            search=None,
            found=None,
        )
    found = services.search_page(db.session, _backend(), parsed)
    results = found.results
    page = Page(results.hits, parsed.query.page, parsed.query.per_page, results.total)
    title = _title(parsed)
    if page.pages > 1:
        title += f" (page {page.page} of {page.pages})"
    return _render(
        title=title,
        args=args,
        errors={},
        error_list=[],
        controls=presenting.filter_controls(args, results, {}, councils),
        sort_control=presenting.sort_control(args, {}),
        more_open=presenting.more_filters_open(args, {}),
        search=parsed,
        found=found,
        page=page,
        ratings=ratings_of(db.session, results.hits),
        pagination=pagination_params(page, request.path, args),
        in_use=presenting.filters_in_use(parsed, args),
        alternatives=presenting.alternatives(found.relaxations, parsed, args),
        suggestion_href=(
            presenting.search_href(args, q=results.suggestion) if results.suggestion else None
        ),
        back_here=request.full_path.rstrip("?"),
    )


@bp.get("/api/v1/search")
def api_search() -> Any:
    # InvalidParameter and NotFound become {"error": {"code", "message"}} in errors.py.
    results = services.run_search(db.session, _backend(), _parse(), source="api")
    return jsonify(presenting.api_results(results))


@bp.get("/api/v1/offers/<int:offer_id>")
def api_offer(offer_id: int) -> Any:
    return jsonify(services.public_record(db.session, "offer", offer_id))


@bp.get("/api/v1/pas/<int:pa_id>")
def api_pa(pa_id: int) -> Any:
    return jsonify(services.public_record(db.session, "pa", pa_id))


@bp.get("/api/v1/organisations/<int:org_id>")
def api_organisation(org_id: int) -> Any:
    return jsonify(services.public_record(db.session, "organisation", org_id))
