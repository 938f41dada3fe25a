"""Properties of the money rules, for any amount: parsing, weekly ↔ annual, quantities, costs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace import money
from marketplace.budgets.vocab import MAX_BUDGET_PENCE
from marketplace.errors import InvalidAmount

pence = st.integers(min_value=0, max_value=MAX_BUDGET_PENCE)
weekly_pence = st.integers(min_value=0, max_value=MAX_BUDGET_PENCE // 52)
hundredths = st.integers(min_value=1, max_value=9_999_999)
periods = st.sampled_from([1, 12, 26, 52, 365])


@given(pence)
def test_parse_pounds_reads_back_every_way_an_amount_is_written(amount):
    big = MAX_BUDGET_PENCE
    assert money.parse_pounds(money.pence_to_input(amount), maximum=big) == amount
    assert money.parse_pounds(money.format_pence(amount, free_text=""), maximum=big) == amount
    # With spaces around, and without the pound sign or the thousands commas.
    plain = money.format_pence(amount, free_text="").replace(",", "").replace("£", "")
    assert money.parse_pounds(f"  {plain} ", maximum=big) == amount


@given(st.integers(min_value=0, max_value=10**6), st.text("0123456789", min_size=3, max_size=6))
def test_parse_pounds_refuses_more_than_two_decimals(whole, decimals):
    with pytest.raises(InvalidAmount, match="pounds and pence"):
        money.parse_pounds(f"{whole}.{decimals}", maximum=10**12)


@given(pence.filter(lambda p: p > 0))
def test_parse_pounds_refuses_negative_amounts(amount):
    for text in (f"-{money.pence_to_input(amount)}", f"-{money.format_pence(amount)}"):
        with pytest.raises(InvalidAmount, match="cannot be negative"):
            money.parse_pounds(text, maximum=10**12)


@given(pence, pence)
def test_parse_pounds_refuses_exactly_what_is_over_the_maximum(amount, maximum):
    text = money.pence_to_input(amount)
    if amount <= maximum:
        assert money.parse_pounds(text, maximum=maximum) == amount
    else:
        with pytest.raises(InvalidAmount, match="or less"):
            money.parse_pounds(text, maximum=maximum)


@given(st.text(max_size=12))
def test_parse_pounds_gives_a_number_or_a_readable_refusal(text):
    try:
        result = money.parse_pounds(text, maximum=10**12)
    except InvalidAmount as error:
        assert error.message
    else:
        assert isinstance(result, int) and 0 <= result <= 10**12


@given(pence)
def test_annual_to_weekly_splits_an_annual_amount_exactly(annual):
    weekly, remainder = money.annual_to_weekly(annual)
    assert money.weekly_to_annual(weekly) + remainder == annual
    assert 0 <= remainder < money.WEEKS_PER_YEAR
    # What fits weekly fits for the year.
    assert money.weekly_to_annual(weekly) <= annual
    # And it is the largest weekly amount that does.
    assert money.weekly_to_annual(weekly + 1) > annual


@given(weekly_pence)
def test_weekly_to_annual_and_back_loses_nothing(weekly):
    assert money.annual_to_weekly(money.weekly_to_annual(weekly)) == (weekly, 0)


@given(pence)
def test_describe_weekly_shows_the_remainder_only_when_there_is_one(annual):
    weekly, remainder = money.annual_to_weekly(annual)
    text = money.describe_weekly(annual)
    assert text.startswith(f"{money.format_pence(weekly, free_text='')} a week")
    assert ("over the year" in text) is (remainder > 0)


@given(weekly_pence, st.booleans())
def test_parse_amount_turns_weekly_into_annual_by_the_one_rule(amount, weekly):
    text = money.pence_to_input(amount)
    annual = money.parse_amount(text, entered_weekly=weekly, maximum=MAX_BUDGET_PENCE)
    assert annual == (money.weekly_to_annual(amount) if weekly else amount)


@given(st.integers(min_value=MAX_BUDGET_PENCE // 52 + 1, max_value=MAX_BUDGET_PENCE))
def test_parse_amount_refuses_a_weekly_amount_over_the_annual_limit(amount):
    with pytest.raises(InvalidAmount, match="a year or less"):
        money.parse_amount(
            money.pence_to_input(amount), entered_weekly=True, maximum=MAX_BUDGET_PENCE
        )


@given(hundredths)
def test_parse_quantity_reads_back_what_format_quantity_writes(quantity):
    assert money.parse_quantity(money.format_quantity(quantity)) == quantity


@given(st.integers(min_value=0, max_value=99_999), st.text("0123456789", min_size=3, max_size=5))
def test_parse_quantity_refuses_more_than_two_decimals(whole, decimals):
    with pytest.raises(InvalidAmount):
        money.parse_quantity(f"{whole}.{decimals}")


@given(hundredths)
def test_parse_quantity_refuses_negative_numbers(quantity):
    with pytest.raises(InvalidAmount):
        money.parse_quantity(f"-{money.format_quantity(quantity)}")


@pytest.mark.parametrize("text", ["0", "0.00", "", "abc", "1e3", "1,5", " . "])
def test_parse_quantity_refuses_nothing_and_nonsense(text):
    with pytest.raises(InvalidAmount):
        money.parse_quantity(text)


@given(st.integers(min_value=0, max_value=money.MAX_PRICE_PENCE), hundredths, periods)
def test_annual_cost_is_never_less_than_the_exact_cost(price, quantity, per_year):
    cost = money.annual_cost(price, quantity, per_year)
    exact_hundredths = price * quantity * per_year  # in hundredths of a penny
    assert cost * 100 >= exact_hundredths
    # Rounded up by less than a penny each time, never more.
    assert cost * 100 - exact_hundredths < 100 * per_year


@given(st.integers(min_value=0, max_value=money.MAX_PRICE_PENCE), hundredths)
def test_a_weekly_line_costs_a_year_what_the_budget_rule_says(price, quantity):
    per_week = money.cost_per_occurrence(price, quantity)
    assert money.annual_cost(price, quantity, 52) == money.weekly_to_annual(per_week)
    # So a weekly package that fits a weekly budget fits the annual budget too.
    weekly_budget, _ = money.annual_to_weekly(money.annual_cost(price, quantity, 52))
    assert weekly_budget == per_week
