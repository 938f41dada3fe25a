"""The package summary as CSV: one row per figure, its section first, money as pounds (2
decimals) and as pence. Cells a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import csv
import io

from marketplace.money import pence_to_input
from marketplace.packages.summary import (
    BASIS,
    NOT_ASSIGNED,
    PARTS,
    PackageSummary,
    SummaryLine,
    shares_of,
)
from marketplace.plans.costing import Cost

CSV_HEADER = (
    "Section",
    "Line",
    "Item",
    "Detail",
    "Paid from",
    "Pounds a week",
    "Pence a week",
    "Pounds a year",
    "Pence a year",
    "Share of the package (%)",
)
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell as text, with a leading apostrophe if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _percent(basis_points: int) -> str:
    whole, rest = divmod(basis_points, BASIS // 100)
    return f"{whole}.{rest:02d}"


def _row(
    section: str,
    item: str,
    detail: str = "",
    *,
    line: int | None = None,
    paid_from: str = "",
    cost: Cost | None = None,
    annual: int | None = None,
    share_bp: int | None = None,
) -> list[str]:
    """One CSV row; ``cost`` gives the weekly and yearly money, ``annual`` only the yearly."""
    weekly = [pence_to_input(cost.weekly_pence), str(cost.weekly_pence)] if cost else ["", ""]
    yearly_pence = cost.annual_pence if cost else annual
    yearly = ["", ""] if yearly_pence is None else [pence_to_input(yearly_pence), str(yearly_pence)]
    share = "" if share_bp is None else _percent(share_bp)
    cells = [section, "" if line is None else str(line), item, detail, paid_from]
    return [safe_cell(cell) for cell in [*cells, *weekly, *yearly, share]]


def _line_detail(line: SummaryLine) -> str:
    return f"{line.how_often}; {line.provider_name}" if line.provider_name else line.how_often


def _plan_rows(summary: PackageSummary) -> list[list[str]]:
    return [
        _row("note", "Weekly figures", "The yearly cost divided by 52, rounded down to the penny"),
        _row("plan", "Holder", summary.holder_name),
        _row("plan", "Plan year", summary.year),
        _row("plan", "Revision", str(summary.revision)),
        _row("plan", "Status", summary.status_label),
        _row("plan", "Generated", f"{summary.generated_at:%Y-%m-%d %H:%M} UTC"),
    ]


def _line_rows(summary: PackageSummary) -> list[list[str]]:
    rows = []
    for line in summary.lines:
        rows.append(
            _row(
                "line",
                line.description,
                _line_detail(line),
                line=line.number,
                paid_from=line.paid_from,
                cost=line.cost,
            )
        )
        for key, text in PARTS:
            if line.split.pence(key):
                rows.append(
                    _row(
                        "line share",
                        line.description,
                        text,
                        line=line.number,
                        annual=line.split.pence(key),
                    )
                )
    return rows


def _stream_rows(summary: PackageSummary) -> list[list[str]]:
    rows = []
    for stream in summary.streams:
        rows += [
            _row("stream", stream.name, "Package cost", cost=stream.cost),
            _row("stream", stream.name, "Stream holds", annual=stream.holds_pence),
            _row("stream", stream.name, "Left for the year", annual=stream.available_pence),
            _row("stream", stream.name, "Over by", annual=stream.over_pence)
            if stream.over_pence
            else _row(
                "stream", stream.name, "Left after the package", annual=stream.left_after_pence
            ),
        ]
    if summary.unassigned.annual_pence:
        rows.append(_row("stream", NOT_ASSIGNED, "Package cost", cost=summary.unassigned))
    rows.append(_row("total", "Package", "Total cost", cost=summary.total, share_bp=BASIS))
    return rows


def _money_rows(summary: PackageSummary) -> list[list[str]]:
    rows = []
    who = summary.who_pays
    if who is not None:
        payers = [
            ("Other funding", who.other_pence),
            ("Holder's contribution", who.holder_pence),
            ("Council", who.council_pence),
        ]
        shares = shares_of([cost.annual_pence for _, cost in payers])
        rows += [
            _row("budget", "Personal budget", "Total for the year", annual=who.budget_total_pence),
            _row("budget", "Holder's contribution", "Assessed", annual=who.contribution_pence),
            _row("budget", "Other funding", "Of the budget", annual=who.other_funding_pence),
            _row("budget", "Council's share", "Of the budget", annual=who.council_share_pence),
        ]
        rows += [
            _row("who pays", name, "Towards the package", cost=cost, share_bp=share)
            for (name, cost), share in zip(payers, shares, strict=True)
            if cost.annual_pence
        ]
    rows += [
        _row("share", share.label, "Where the money goes", cost=share.cost, share_bp=share.share_bp)
        for share in summary.shares
    ]
    return rows


def _outcome_rows(summary: PackageSummary) -> list[list[str]]:
    rows = []
    for outcome in summary.outcomes:
        if not outcome.lines:
            rows.append(_row("outcome", outcome.title, "No line serves this outcome"))
            continue
        rows += [
            _row("outcome", outcome.title, line.description, line=line.number, cost=line.cost)
            for line in outcome.lines
        ]
        rows.append(_row("outcome", outcome.title, "All the lines serving it", cost=outcome.cost))
    rows += [
        _row("no outcome", line.description, "Serves no outcome", line=line.number, cost=line.cost)
        for line in summary.lines_without_outcome
    ]
    return rows


def summary_csv(summary: PackageSummary) -> str:
    """The summary as CSV: one row per figure, the section first; money as pounds and as pence."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for part in (_plan_rows, _line_rows, _stream_rows, _money_rows, _outcome_rows):
        writer.writerows(part(summary))
    return out.getvalue()


def csv_filename(summary: PackageSummary) -> str:
    return f"package-plan-{summary.plan_id}-rev-{summary.revision}.csv"
