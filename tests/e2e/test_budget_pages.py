"""Budget and RAS pages in a real browser: each passes axe-core, with errors shown too, and the
forms work without JavaScript help (plain posts)."""

from __future__ import annotations

import pytest

from marketplace.permissions import Role
from tests.budgets.helpers import make_ras_table
from tests.e2e.conftest import visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.factories import (
    make_budget,
    make_council,
    make_holder,
    make_organisation,
    make_user,
)

pytestmark = pytest.mark.e2e


def test_holder_pages_pass_axe(app, page):
    with app.app_context():
        leeds = make_council()
        holder = make_holder(leeds)
        make_budget(
            holder,
            leeds,
            streams=(("dp", 936_010), ("isf", 624_000), ("other", 52_000)),
            isf_organisation=make_organisation(name="Night Owls Care"),
        )
        make_ras_table(leeds)
        stray = make_holder(None)
        email, holder_id, stray_email, stray_id = holder.email, holder.id, stray.email, stray.id
    browser_sign_in(page, stray_email)
    visit(page, f"/holders/{stray_id}/budget")
    visit(page, f"/holders/{stray_id}/ras")
    assert "not available" in page.inner_text("h1")
    page.context.clear_cookies()
    browser_sign_in(page, email)
    visit(page, f"/holders/{holder_id}/budget")
    visit(page, f"/holders/{holder_id}/ras")
    page.get_by_role("button", name="Work out the indicative budget").click()
    visit(page)  # the error summary
    assert "There is a problem" in page.inner_text(".govuk-error-summary")
    page.get_by_label("I need some help").check()
    page.get_by_label("I need someone with me").check()
    page.get_by_role("button", name="Work out the indicative budget").click()
    visit(page)
    assert "£3,500.00 a year" in page.inner_text("main")


def test_officer_pages_pass_axe(app, page):
    with app.app_context():
        leeds = make_council()
        holder = make_holder(leeds)
        officer = make_user(Role.OFFICER, council=leeds)
        make_organisation(name="Night Owls Care")
        table = make_ras_table(leeds, method="bands", bands=((0, 5, 300_000), (9, 20, 900_000)))
        email, holder_id, question_id = officer.email, holder.id, table.questions[0].id
    browser_sign_in(page, email)
    visit(page, f"/holders/{holder_id}/budget")
    visit(page, f"/holders/{holder_id}/budget/new")
    page.get_by_label("Total budget").fill("-5")
    page.get_by_label("Direct payment").fill("abc")
    page.locator("#other1_name").fill("Access to Work")
    page.get_by_role("button", name="Save budget").click()
    visit(page)
    assert "There is a problem" in page.inner_text(".govuk-error-summary")

    page.get_by_label("Weekly: we multiply by 52 for the year").check()
    page.get_by_label("Total budget").fill("300")
    page.get_by_label("Holder's contribution").fill("")
    page.get_by_label("Direct payment").fill("180")
    page.get_by_label("Council-managed").fill("100")
    page.locator("#other1").fill("20")
    page.get_by_role("button", name="Save budget").click()
    visit(page)
    assert "£15,600.00 a year" in page.inner_text("main")
    page.get_by_role("link", name="Change the budget for").click()
    visit(page)

    visit(page, "/council/ras")
    visit(page, "/council/ras/questions/new")
    page.get_by_role("button", name="Save question").click()
    visit(page)
    visit(page, f"/council/ras/questions/{question_id}")
    page.goto("/council/ras")
    page.locator("#bands").fill("0-5 | 3000\nnonsense")
    page.get_by_role("button", name="Save settings").click()
    visit(page)
    assert "Line 2" in page.inner_text(".govuk-error-summary")
