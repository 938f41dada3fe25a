"""Search parameters: every value is checked, and every refusal names its parameter."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from marketplace import geo
from marketplace.search.params import InvalidParameter, SearchRequest, parse_search_args
from tests.factories import make_council


def parse(session, *pairs: tuple[str, str], per_page: int = 20) -> SearchRequest:
    return parse_search_args(session, MultiDict(list(pairs)), default_per_page=per_page)


def refused(session, *pairs: tuple[str, str]) -> dict[str, str]:
    with pytest.raises(InvalidParameter) as caught:
        parse(session, *pairs)
    return caught.value.errors


def test_no_parameters_browse_everything_on_the_first_page(session):
    search = parse(session, per_page=15)
    query = search.query
    assert (query.text, query.kind, query.categories, query.geo) == ("", None, (), None)
    assert (query.sort, query.page, query.per_page, query.free, query.vacancies) == (
        "relevance",
        1,
        15,
        False,
        False,
    )
    assert search.params == {} and search.filters == {}


def test_unknown_parameter_names_are_ignored(session):
    search = parse(session, ("utm_source", "leaflet"), ("q", "garden"), ("colour", "blue"))
    assert search.query.text == "garden"
    assert search.params == {"q": "garden"}


def test_empty_values_count_as_not_given(session):
    search = parse(session, ("kind", ""), ("category", ""), ("postcode", " "), ("sort", ""))
    assert search.query.kind is None and search.query.categories == () and search.query.geo is None


# --- q ---------------------------------------------------------------------------------------


def test_search_text_is_trimmed_and_control_characters_are_dropped(session):
    search = parse(session, ("q", "  help \x00with\n\tgardening  "))
    assert search.query.text == "help with gardening"


def test_search_text_of_200_characters_is_accepted_and_201_refused(session):
    assert len(parse(session, ("q", "a" * 200)).query.text) == 200
    errors = refused(session, ("q", "a" * 201))
    assert "200 characters" in errors["q"]


# --- single-choice vocabularies --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "good", "attribute"),
    [
        ("kind", "pa", "kind"),
        ("deployment", "isf", "deployment"),
        ("unit", "session", "unit"),
        ("delivery", "online", "delivery"),
        ("for_age", "older", "for_age"),
        ("language", "ur", "language"),
        ("gender", "male", "gender"),
    ],
)
def test_one_value_vocabularies_accept_their_values_and_refuse_others(
    session, name, good, attribute
):
    assert getattr(parse(session, (name, good)).query, attribute) == good
    errors = refused(session, (name, "nonsense"))
    assert list(errors) == [name]
    assert "from the list" in errors[name]


@pytest.mark.parametrize(
    ("name", "values", "attribute"),
    [
        ("category", ["gardening", "shopping"], "categories"),
        ("day", ["mon", "sat"], "days"),
        ("time_band", ["morning", "sleep_in"], "time_bands"),
        ("accessibility", ["step-free", "bsl"], "accessibility"),
        ("pa_check", ["dbs", "driving"], "pa_checks"),
    ],
)
def test_repeatable_vocabularies_take_several_values_once_each(session, name, values, attribute):
    pairs = [(name, v) for v in [*values, values[0]]]
    search = parse(session, *pairs)
    assert getattr(search.query, attribute) == tuple(values)
    assert search.params[name] == values
    errors = refused(session, (name, values[0]), (name, "made-up"))
    assert list(errors) == [name]


def test_pa_check_uses_the_search_names_not_the_check_kinds(session):
    assert refused(session, ("pa_check", "enhanced_dbs")) == {
        "pa_check": "Choose a check from the list"
    }


# --- council ---------------------------------------------------------------------------------


def test_council_is_a_known_council_code(session):
    leeds = make_council()
    search = parse(session, ("council", "e08000035"))
    assert search.query.council == "E08000035"
    assert (search.council_id, search.council_name) == (leeds.id, "Leeds City Council")
    assert "council area" in refused(session, ("council", "E99999999"))["council"]
    assert "council" in refused(session, ("council", "X" * 50))


# --- postcode and radius ---------------------------------------------------------------------


def test_full_postcode_locates_the_searcher_at_the_district_centre_within_10_km(session):
    search = parse(session, ("postcode", "ls6 2ab"))
    geo_filter = search.query.geo
    assert geo_filter is not None
    ls6 = geo.districts()["LS6"]
    assert (geo_filter.district, geo_filter.latitude, geo_filter.longitude) == (
        "LS6",
        ls6.latitude,
        ls6.longitude,
    )
    assert geo_filter.radius_km == 10
    assert search.postcode == "LS6 2AB" and search.district == "LS6"


def test_near_districts_are_exactly_those_whose_centre_is_within_the_radius(session):
    geo_filter = parse(session, ("postcode", "LS6"), ("radius_km", "5")).query.geo
    assert geo_filter is not None
    ls6 = geo.districts()["LS6"]
    expected = {code for code, d in geo.districts().items() if geo.distance_km(ls6, d) <= 5}
    assert geo_filter.near_districts == expected
    assert "LS6" in expected and "LS7" in expected and "BD1" not in expected


def test_a_wider_radius_reaches_further(session):
    near = parse(session, ("postcode", "LS6"), ("radius_km", "5")).query.geo
    far = parse(session, ("postcode", "LS6"), ("radius_km", "50")).query.geo
    assert near is not None and far is not None
    assert near.near_districts < far.near_districts
    assert "BD1" in far.near_districts


@pytest.mark.parametrize("text", ["ZZ99 9ZZ", "not a postcode", "BT1 1AA", "12345"])
def test_unknown_or_malformed_postcode_is_refused(session, text):
    errors = refused(session, ("postcode", text))
    assert list(errors) == ["postcode"]
    assert "postcode" in errors["postcode"].lower()


@pytest.mark.parametrize("text", ["1", "25", "2.5", "200"])
def test_radius_from_1_to_200_km_is_accepted(session, text):
    geo_filter = parse(session, ("postcode", "LS6"), ("radius_km", text)).query.geo
    assert geo_filter is not None and geo_filter.radius_km == float(text)


@pytest.mark.parametrize("text", ["0", "0.5", "201", "-5", "ten", "nan", "inf", "1e2", "10km"])
def test_radius_outside_1_to_200_km_or_not_a_number_is_refused(session, text):
    errors = refused(session, ("postcode", "LS6"), ("radius_km", text))
    assert list(errors) == ["radius_km"]
    assert "between 1 and 200" in errors["radius_km"]


def test_radius_without_a_postcode_is_refused(session):
    errors = refused(session, ("radius_km", "10"))
    assert errors == {"radius_km": "Enter a postcode to search within a distance"}


def test_radius_with_a_wrong_postcode_reports_only_the_postcode(session):
    assert list(refused(session, ("postcode", "nowhere"), ("radius_km", "10"))) == ["postcode"]


def test_council_of_the_postcode_district_is_recorded_when_no_council_is_chosen(session):
    leeds = make_council()
    assert parse(session, ("postcode", "LS7 3AA")).council_id == leeds.id
    assert parse(session, ("postcode", "M1 1AA")).council_id is None


# --- price and flags -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["0", "1500", "10000000"])
def test_max_price_is_whole_pence_up_to_10_million(session, text):
    assert parse(session, ("max_price_pence", text)).query.max_price_pence == int(text)


@pytest.mark.parametrize("text", ["-1", "15.50", "£15", "10000001", "abc", "1" * 40])
def test_max_price_that_is_not_whole_pence_in_range_is_refused(session, text):
    errors = refused(session, ("max_price_pence", text))
    assert list(errors) == ["max_price_pence"]
    assert "pence" in errors["max_price_pence"]


@pytest.mark.parametrize("name", ["free", "vacancies"])
def test_true_false_flags(session, name):
    assert getattr(parse(session, (name, "true")).query, name) is True
    assert getattr(parse(session, (name, "false")).query, name) is False
    assert name not in parse(session, (name, "false")).params
    errors = refused(session, (name, "yes"))
    assert list(errors) == [name] and "true or false" in errors[name]


# --- rating ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "score"),
    [("outstanding", 100), ("good", 75), ("requires_improvement", 50), ("4", 67), ("poor", 25)],
)
def test_min_rating_of_any_regulator_becomes_a_score(session, slug, score):
    assert parse(session, ("min_rating", slug)).query.min_rating_score == score


@pytest.mark.parametrize("slug", ["brilliant", "7", "not_rated", "0"])
def test_min_rating_that_is_not_a_rating_is_refused(session, slug):
    assert list(refused(session, ("min_rating", slug))) == ["min_rating"]


# --- sort and pages --------------------------------------------------------------------------


def test_sort_by_price_or_relevance(session):
    assert parse(session, ("sort", "price")).query.sort == "price"
    assert "sort" not in parse(session, ("sort", "relevance")).params
    assert list(refused(session, ("sort", "name"))) == ["sort"]


def test_sort_by_distance_needs_a_postcode(session):
    assert refused(session, ("sort", "distance")) == {
        "sort": "Enter a postcode to sort by distance"
    }
    assert parse(session, ("sort", "distance"), ("postcode", "LS6")).query.sort == "distance"


@pytest.mark.parametrize("text", ["0", "-1", "two", "1.5", "1234567"])
def test_page_must_be_a_whole_number_from_1(session, text):
    assert list(refused(session, ("page", text))) == ["page"]


def test_page_and_per_page_within_limits(session):
    query = parse(session, ("page", "3"), ("per_page", "100")).query
    assert (query.page, query.per_page) == (3, 100)
    assert parse(session, ("per_page", "1")).query.per_page == 1


@pytest.mark.parametrize("text", ["0", "101", "all"])
def test_per_page_outside_1_to_100_is_refused(session, text):
    errors = refused(session, ("per_page", text))
    assert list(errors) == ["per_page"] and "1 to 100" in errors["per_page"]


# --- errors together, and what is logged -----------------------------------------------------


def test_every_bad_parameter_is_reported_in_order_and_named_in_the_api_message(session):
    with pytest.raises(InvalidParameter) as caught:
        parse(
            session,
            ("per_page", "500"),
            ("kind", "shop"),
            ("postcode", "nowhere"),
            ("day", "someday"),
        )
    error = caught.value
    assert list(error.errors) == ["kind", "postcode", "day", "per_page"]
    assert error.code == "invalid_parameter" and error.status_code == 400
    for name in error.errors:
        assert f"{name}:" in error.message


def test_logged_filters_keep_only_the_postcode_district_and_the_real_filters(session):
    search = parse(
        session,
        ("q", "gardening"),
        ("postcode", "LS6 2AB"),
        ("category", "gardening"),
        ("free", "true"),
        ("page", "2"),
    )
    assert search.filters == {
        "postcode": "LS6",
        "radius_km": 10,
        "category": ["gardening"],
        "free": True,
    }
