"""Form data and RAS tables shared by the budget tests."""

from __future__ import annotations

import html
import re
from typing import Any

from marketplace.budgets import services
from marketplace.budgets.models import Budget, RasBand, RasOption, RasQuestion, RasTable
from marketplace.budgets.services import StreamInput
from marketplace.clock import financial_year_start, today
from marketplace.directory.models import Council
from marketplace.extensions import db

QUESTIONS = (
    (
        "Getting washed and dressed",
        (("I manage on my own", 0), ("I need some help", 6), ("I need help with everything", 12)),
    ),
    ("Getting out and about", (("I go out on my own", 0), ("I need someone with me", 8))),
)


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def labels(page: str) -> dict[str, str]:
    """{label text: the id of the input it labels} for every <label> on a page."""
    found = re.findall(r'<label[^>]*for="([^"]+)"[^>]*>\s*(.*?)\s*</label>', page, re.S)
    return {html.unescape(label): target for target, label in found}


def budget_form(**overrides: Any) -> dict[str, Any]:
    """A valid new-budget form, as a browser posts it: £15,600 a year, £9,360 DP + £6,240 managed."""
    start = financial_year_start(today())
    data: dict[str, Any] = {
        "year_start": [str(start.day), str(start.month), str(start.year)],
        "period": "annual",
        "total": "15,600",
        "contribution": "1200",
        "dp": "9360",
        "managed": "6240",
        "isf1": "",
        "isf1_provider": "",
        "other1_name": "",
        "other1": "",
        "other2_name": "",
        "other2": "",
        "reason": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_ras_table(
    council: Council,
    *,
    method: str = "rate",
    rate_pence: int | None = 25_000,
    bands: tuple[tuple[int, int, int], ...] = (),
    questions: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = QUESTIONS,
) -> RasTable:
    table = RasTable(council_id=council.id, method=method, rate_pence_per_point=rate_pence)
    table.bands = [RasBand(min_points=a, max_points=b, annual_pence=c) for a, b, c in bands]
    table.questions = [
        RasQuestion(
            position=i,
            text=question,
            options=[RasOption(position=j, text=t, points=p) for j, (t, p) in enumerate(options)],
        )
        for i, (question, options) in enumerate(questions)
    ]
    db.session.add(table)
    db.session.commit()
    db.session.refresh(table)
    return table


def answers_for(table: RasTable, *choices: int) -> dict[int, int]:
    """{question id: option id}, choosing the n-th answer of each question in turn."""
    return {q.id: q.options[n].id for q, n in zip(table.questions, choices, strict=True)}


DP = StreamInput("dp", 936_000)
MANAGED = StreamInput("managed", 624_000)


def record_budget(officer: Any, holder: Any, **overrides: Any) -> Budget:
    """Record £15,600 a year through the service: £9,360 direct payment and £6,240
    council-managed, £1,200 contribution, for this plan year; ``overrides`` change any of it."""
    values: dict[str, Any] = {
        "year_start": financial_year_start(today()),
        "total_pence": 1_560_000,
        "contribution_pence": 120_000,
        "streams": [DP, MANAGED],
    }
    values.update(overrides)
    return services.record_budget(db.session, officer, holder.id, **values)
