"""The pagination helper: counting, page ranges and links that keep other query arguments."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from marketplace.directory.models import Offer
from marketplace.errors import NotFound
from marketplace.pagination import Page, page_number, paginate, pagination_params
from tests.factories import make_offer, make_organisation


def test_paginate_counts_all_rows_and_returns_one_page(session):
    org = make_organisation()
    ids = [make_offer(org, title=f"Offer {n}").id for n in range(5)]
    stmt = select(Offer).order_by(Offer.id)

    page = paginate(session, stmt, 2, 2)

    assert page.total == 5
    assert page.pages == 3
    assert [offer.id for offer in page.items] == ids[2:4]
    assert (page.first_number, page.last_number) == (3, 4)
    assert page.has_previous and page.has_next


def test_paginate_returns_rows_when_several_columns_are_selected(session):
    org = make_organisation()
    make_offer(org, title="Only one")

    page = paginate(session, select(Offer.id, Offer.title).order_by(Offer.id), 1, 10)

    assert [tuple(row)[1] for row in page.items] == ["Only one"]


def test_paginate_refuses_a_page_past_the_last(session):
    org = make_organisation()
    make_offer(org)

    with pytest.raises(NotFound):
        paginate(session, select(Offer).order_by(Offer.id), 2, 1)


def test_page_one_of_nothing_is_an_empty_page(session):
    page = paginate(session, select(Offer).order_by(Offer.id), 1, 20)

    assert page.items == []
    assert page.pages == 1
    assert page.first_number == 0


@pytest.mark.parametrize(("text", "expected"), [(None, 1), ("", 1), ("1", 1), ("12", 12)])
def test_page_number_reads_the_query_parameter(text, expected):
    assert page_number(text) == expected


@pytest.mark.parametrize("text", ["0", "-3", "x", "1.5", "1234567"])
def test_page_number_refuses_nonsense(text):
    with pytest.raises(NotFound):
        page_number(text)


def test_links_keep_other_arguments_and_mark_gaps():
    page = Page(items=[None] * 10, page=5, per_page=10, total=100)
    args = MultiDict([("category", "meals"), ("page", "5"), ("need", "a"), ("need", "b")])

    params = pagination_params(page, "/browse", args)

    assert params is not None
    numbers = [item.get("number") for item in params["items"]]
    assert numbers == [1, None, 4, 5, 6, None, 10]
    current = [item for item in params["items"] if item.get("current")]
    assert current[0]["number"] == 5
    assert params["previous"]["href"] == "/browse?category=meals&page=4&need=a&need=b"
    assert params["next"]["href"] == "/browse?category=meals&page=6&need=a&need=b"
    assert params["items"][0]["href"] == "/browse?category=meals&need=a&need=b"


def test_no_links_for_a_single_page():
    assert pagination_params(Page(items=[], page=1, per_page=20, total=3), "/browse", {}) is None
