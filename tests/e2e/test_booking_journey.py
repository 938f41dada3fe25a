"""Issue 9's journey as the issue tells it: the broker books Ada's accepted quote as a weekly
booking through the form (first told what is wrong, then booked), Ada's budget shows the money
committed, the provider marks today's session delivered, Ada confirms it, the money moves to
spent on the booking and the budget, and the forecast on Ada's dashboard (chart and table)
follows it. Each person has their own browser; axe-core runs on every page and must find
nothing."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from playwright.sync_api import expect

from marketplace.bookings import ledger
from marketplace.bookings.models import Booking
from marketplace.bookings.schedule import WEEKDAYS
from marketplace.bookings.services import create_booking
from marketplace.budgets.models import BudgetStream
from marketplace.directory.vocab import DAYS
from marketplace.extensions import db
from tests.bookings.world import booking_input, make_booking_world
from tests.e2e.conftest import visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.factories import link_broker, make_budget

pytestmark = pytest.mark.e2e


def _world() -> dict[str, object]:
    w = make_booking_world()
    return {
        "broker": w.broker.email,
        "aire": w.aire_staff.email,
        "holder": w.holder.email,
        "holder_id": w.holder.id,
        "quote": w.quote.id,
        "dp": w.dp.id,
    }


def _stream_row(page):
    """The direct payment's row of the budget page's streams table."""
    return page.locator("tr", has=page.get_by_role("rowheader", name="Direct payment"))


def _forecast(page, holder_id: object) -> tuple[str, str, str]:
    """The direct payment's spent and booked figures in the dashboard's forecast table, and the
    chart's description (what a screen reader hears of the bars)."""
    visit(page, f"/holders/{holder_id}")
    row = page.locator(
        "#forecast-table tr", has=page.get_by_role("rowheader", name=re.compile("^Direct payment"))
    )
    cells = row.locator("td")
    return (
        cells.nth(0).inner_text(),
        cells.nth(1).inner_text(),
        page.locator("#forecast-chart-desc").text_content() or "",
    )


def _fill_date(page, field: str, day: date) -> None:
    page.fill(f"#{field}-day", str(day.day))
    page.fill(f"#{field}-month", str(day.month))
    page.fill(f"#{field}-year", str(day.year))


def test_broker_books_weekly_provider_delivers_holder_confirms_money_is_spent(
    app, browser, live_server
):
    with app.app_context():
        world = _world()
    today = date.today()
    weekday = DAYS[today.weekday()][1]  # "Monday" …
    contexts = [browser.new_context(base_url=live_server, bypass_csp=True) for _ in range(3)]
    try:
        broker, aire, holder = (context.new_page() for context in contexts)
        for page, who in ((broker, "broker"), (aire, "aire"), (holder, "holder")):
            page.set_default_timeout(15_000)
            browser_sign_in(page, str(world[who]))

        # From the accepted quote: the form starts weekly, on the request's days, 2 hours each.
        visit(broker, f"/quotes/{world['quote']}")
        broker.get_by_role("button", name=re.compile("^Book this")).click()
        visit(broker)
        expect(broker.get_by_label("Every week")).to_be_checked()
        expect(broker.locator("#quantity_hundredths")).to_have_value("2")
        expect(broker.locator("#terms")).to_contain_text("£21.50 an hour")

        # Every week on today's weekday only, from today for a fortnight, just after midnight
        # (so today's session has happened) — with the time mistyped first.
        for _value, label in DAYS:
            box = broker.get_by_label(label, exact=True)
            if label == weekday:
                box.check()
            else:
                box.uncheck()
        broker.fill("#start_time", "25:00")
        _fill_date(broker, "start_on", today)
        _fill_date(broker, "end_on", today + timedelta(days=13))
        broker.get_by_role("button", name="Book", exact=True).click()
        visit(broker)
        summary = broker.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Enter the start time as hours and minutes")
        expect(broker.locator("#summary")).to_contain_text("2 sessions from")
        expect(broker.locator("#summary")).to_contain_text("£86.00 in all")
        broker.fill("#start_time", "00:05")
        broker.get_by_role("button", name="Book", exact=True).click()
        visit(broker)
        banner = broker.locator(".govuk-notification-banner")
        expect(banner).to_contain_text(
            f"Booked: 2 sessions from {today.day} {today:%B %Y}, £86.00 committed from the "
            "direct payment."
        )
        expect(broker.locator("#money")).to_contain_text("Committed £86.00")
        booking_url = broker.url

        # Ada's budget shows the money committed (and nothing spent yet).
        visit(broker, f"/holders/{world['holder_id']}/budget")
        row = _stream_row(broker)
        expect(row.locator("td").nth(1)).to_contain_text("£86.00")
        expect(row.locator("td").nth(2)).to_contain_text("£0.00")
        # Her dashboard's forecast counts it as booked, nothing spent yet.
        spent, booked, chart = _forecast(holder, world["holder_id"])
        assert (spent, booked) == ("£0.00", "£86.00")
        assert "Direct payment: £0.00 spent and £86.00 booked" in chart

        # The provider finds the booking waiting on them and marks today's session delivered.
        visit(aire, "/bookings")
        expect(aire.locator("#bookings")).to_contain_text("1 session to mark delivered")
        aire.get_by_role("link", name="Help getting up each morning").click()
        visit(aire)
        aire.get_by_role("button", name=re.compile("^Mark delivered")).click()
        visit(aire)
        expect(aire.locator(".govuk-notification-banner")).to_contain_text("is marked delivered")

        # Ada confirms it: its £43.00 moves from committed to spent.
        visit(holder, "/bookings")
        expect(holder.locator("#bookings")).to_contain_text("1 session to confirm")
        holder.get_by_role("link", name="Help getting up each morning").click()
        visit(holder)
        holder.get_by_role("button", name=re.compile("^Confirm")).click()
        visit(holder)
        expect(holder.locator(".govuk-notification-banner")).to_contain_text(
            "£43.00 moved from committed to spent."
        )
        money = holder.locator("#money")
        expect(money).to_contain_text("Committed £43.00")
        expect(money).to_contain_text("Spent £43.00")
        assert holder.url == booking_url

        # … and Ada's budget says so.
        visit(holder, f"/holders/{world['holder_id']}/budget")
        row = _stream_row(holder)
        expect(row.locator("td").nth(1)).to_contain_text("£43.00")
        expect(row.locator("td").nth(2)).to_contain_text("£43.00")

        # The forecast follows: £43.00 spent, £43.00 still booked, in the table and the chart.
        spent, booked, chart = _forecast(holder, world["holder_id"])
        assert (spent, booked) == ("£43.00", "£43.00")
        assert "Direct payment: £43.00 spent and £43.00 booked" in chart
    finally:
        for context in contexts:
            context.close()
    with app.app_context():
        booking = db.session.query(Booking).one()
        assert [s.status for s in booking.sessions] == ["confirmed", "scheduled"]
        stream = db.session.get(BudgetStream, world["dp"])
        assert (stream.committed_pence, stream.spent_pence) == (4300, 4300)
        assert ledger.check(db.session)[1] == []


def test_the_other_booking_pages_pass_axe(app, browser, live_server):
    """The pages the journey does not pass through: choosing whom a service is for and its
    form, every session a page at a time, the two cancel pages (with the warning of a session
    that happened and is not settled) and changing the sessions to come."""
    with app.app_context():
        w = make_booking_world(dp_pence=5_000_000)
        link_broker(w.other_holder, w.broker)
        make_budget(w.other_holder, w.council)
        booking = create_booking(
            db.session,
            w.broker,
            booking_input(
                w, days=list(WEEKDAYS), start_on=date.today(), end_on=None, start_time=time(0, 0)
            ),
        )
        world = {
            "broker": w.broker.email,
            "offer": w.aire_offer.id,
            "booking": booking.id,
        }
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        browser_sign_in(page, str(world["broker"]))
        visit(page, f"/offers/{world['offer']}/book")
        expect(page.locator("h1")).to_have_text("Who is the booking for?")
        page.get_by_role("button", name="Continue").click()
        visit(page)
        expect(page.locator("h1")).to_have_text("Book Home care visits")
        page.get_by_role("button", name="Book", exact=True).click()
        visit(page)
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Choose which of the person's budget streams pays for it"
        )
        visit(page, f"/bookings/{world['booking']}")
        page.get_by_role("link", name=re.compile("^See all")).click()
        visit(page)
        expect(page.locator(".govuk-pagination")).to_be_visible()
        page.get_by_role("link", name=re.compile("^Cancel the session on")).nth(2).click()
        visit(page)
        expect(page.locator("#what-it-costs")).to_contain_text("is released back to")
        visit(page, f"/bookings/{world['booking']}/cancel")
        expect(page.locator(".govuk-warning-text")).to_contain_text("not marked delivered")
        # Changing the sessions to come: refused first (no price), then changed.
        visit(page, f"/bookings/{world['booking']}")
        page.get_by_role("link", name="Change the hours or price of the sessions to come").click()
        visit(page)
        page.fill("#quantity_hundredths", "3")
        page.fill("#unit_price_pence", "")
        page.get_by_role("button", name="Change the booking").click()
        visit(page)
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the price in pounds")
        page.fill("#unit_price_pence", "21.50")
        page.get_by_role("button", name="Change the booking").click()
        visit(page)
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "Changed: the sessions to come are 3 hours at £21.50 an hour"
        )
    finally:
        context.close()
