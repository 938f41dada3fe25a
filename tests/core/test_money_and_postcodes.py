from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace import geo, money
from marketplace.errors import InvalidAmount


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£1,234.5", 123450),
        ("18.50", 1850),
        ("18", 1800),
        (" £0.05 ", 5),
        (".5", 50),
        ("1,000", 100000),
    ],
)
def test_parse_pounds_reads_what_people_type(text, pence):
    assert money.parse_pounds(text) == pence


@pytest.mark.parametrize("text", ["", "abc", "-5", "12.345", "1,23", "£", "1.2.3", "1e5", "١٢"])
def test_parse_pounds_refuses_nonsense_with_a_message(text):
    with pytest.raises(InvalidAmount) as error:
        money.parse_pounds(text)
    assert error.value.message


def test_parse_pounds_refuses_absurd_amounts():
    with pytest.raises(InvalidAmount, match="or less"):
        money.parse_pounds("1000000")


@given(st.integers(min_value=0, max_value=money.MAX_PRICE_PENCE))
def test_formatting_and_parsing_round_trip(pence):
    assert money.parse_pounds(money.format_pence(pence, free_text="")) == pence
    assert money.parse_pounds(money.pence_to_input(pence)) == pence


@given(st.integers(min_value=0, max_value=10**9))
def test_weekly_and_annual_agree(annual):
    weekly, remainder = money.annual_to_weekly(annual)
    assert 0 <= remainder < money.WEEKS_PER_YEAR
    assert money.weekly_to_annual(weekly) + remainder == annual
    # A package that fits weekly also fits for the year.
    assert money.weekly_to_annual(weekly) <= annual


@given(st.integers(min_value=0, max_value=10_000))
def test_percent_round_trip(basis_points):
    assert money.parse_percent(money.format_percent(basis_points)) == basis_points


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("100.5", "A percentage cannot be more than 100"),
        ("-5", "A percentage cannot be negative: enter 0 or more"),
        (" -0.5% ", "A percentage cannot be negative: enter 0 or more"),
        ("half", "Enter a percentage, like 77 or 13.5"),
    ],
)
def test_a_percentage_out_of_range_or_not_a_number_is_refused_saying_why(text, message):
    with pytest.raises(InvalidAmount) as refused:
        money.parse_percent(text)
    assert refused.value.message == message


@pytest.mark.parametrize(
    ("text", "normalised", "district", "nation"),
    [
        ("ls62ab", "LS6 2AB", "LS6", "England"),
        ("EH1 1AA", "EH1 1AA", "EH1", "Scotland"),
        ("cf10", "CF10", "CF10", "Wales"),
        ("SW1A 1AA", "SW1A 1AA", "SW1A", "England"),
    ],
)
def test_postcodes_are_located_at_their_district(text, normalised, district, nation):
    postcode = geo.parse_postcode(text)
    assert (postcode.text, postcode.district.code, postcode.district.nation) == (
        normalised,
        district,
        nation,
    )


@pytest.mark.parametrize("text", ["", "hello", "ZZ99 9ZZ", "BT1 1AA", "12345"])
def test_unknown_postcodes_are_refused_with_a_message(text):
    with pytest.raises(geo.UnknownPostcode) as error:
        geo.parse_postcode(text)
    assert error.value.message


def test_a_full_postcode_can_be_required():
    with pytest.raises(geo.UnknownPostcode):
        geo.parse_postcode("LS6", allow_district=False)


def test_distance_between_district_centres():
    d = geo.districts()
    assert (
        270 < geo.distance_km(d["LS6"], d["SW1A"]) < 280
    )  # Leeds to Westminster, as the crow flies
    assert geo.distance_km(d["LS6"], d["LS6"]) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-2", "more than 0"),
        ("0", "more than 0"),
        ("1.555", "no more than 2 decimal places"),
        ("1000000", "99999.99 or less"),
        ("lots", "Enter a number"),
        ("1e3", "Enter a number"),
    ],
)
def test_a_refused_quantity_says_which_rule_it_broke(text, message):
    with pytest.raises(InvalidAmount, match=message):
        money.parse_quantity(text)
