"""The accept page says when the price would take the plan over its budget — before anyone
accepts — and what that means; a price the stream can afford gets no warning. The comparison
and the quote say how far over, also when the plan's other lines already use more than the
stream has."""

from __future__ import annotations

from datetime import date, timedelta

from marketplace.extensions import db
from marketplace.plans.models import PlanLine
from tests.quotes.pages import client_for, offered, page_text, sent_request


def test_the_accept_page_warns_when_the_price_takes_the_plan_over_budget(app, session):
    # 8 hours a week: Aire's £21.50 is £8,944 a year, within the direct payment's £9,360;
    # Kirkstall's £24.00 is £9,984, £624 more than is left.
    w, request = sent_request(quantity_hundredths=800)
    aire, kirk = offered(w, request)
    client = client_for(app, w.broker)
    over = page_text(client.get(f"/quotes/{kirk.id}/accept"))
    assert (
        "This price takes the plan over budget. Direct payment. Over budget This would cost "
        "£624.00 more than is left in the direct payment budget for the year (£9,360.00 is "
        "left). You can still accept it, but the plan cannot be sent to the council" in over
    )
    within = page_text(client.get(f"/quotes/{aire.id}/accept"))
    assert "over budget" not in within.lower()


def test_when_other_lines_already_overspend_the_stream_the_pages_say_so(app, session):
    w, request = sent_request(quantity_hundredths=800)
    # Another line on the direct payment costing £10,400 a year: nothing is left for this one.
    w.plan.lines.append(
        PlanLine(
            kind="text",
            description="Evening visits",
            frequency="week",
            quantity_hundredths=1000,
            unit="hours",
            unit_price_pence=2000,
            stream_id=w.dp.id,
            start_on=date.today() + timedelta(days=7),
        )
    )
    db.session.commit()
    aire, _kirk = offered(w, request)
    client = client_for(app, w.broker)
    compared = page_text(client.get(f"/quote-requests/{request.id}"))
    said = (
        "Nothing is left in the direct payment budget for the year: the plan's other lines "
        "already go £1,040.00 over it, and this would cost £8,944.00 a year."
    )
    assert said in compared
    assert "-£" not in compared
    assert said in page_text(client.get(f"/quotes/{aire.id}"))
