"""Numbered pages of a query's results, and the links of the GOV.UK pagination component."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, func, select
from werkzeug.datastructures import MultiDict

from marketplace.errors import NotFound
from marketplace.extensions import DbSession

# A page number longer than this is nonsense typed into the address bar, not a real page.
_MAX_PAGE_DIGITS = 6


@dataclass(frozen=True)
class Page:
    """One page of results: ``items`` is page ``page`` of ``total`` results, ``per_page`` a page."""

    items: Sequence[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are; an empty result still has page 1."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_number(self) -> int:
        """The position of the first item on this page, counting from 1 (0 when empty)."""
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_number(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)


def page_number(text: str | None) -> int:
    """The ``page`` query parameter as a number; a missing one is page 1, nonsense is NotFound."""
    if text is None or text == "":
        return 1
    if not text.isdigit() or len(text) > _MAX_PAGE_DIGITS or int(text) < 1:
        raise NotFound("There is no such page of results.")
    return int(text)


def paginate(session: DbSession, select_stmt: Select[Any], page: int, per_page: int) -> Page:
    """Run ``select_stmt`` for one page. The statement must be ordered stably (ending in an id).

    Raises NotFound for a page past the last one; page 1 of an empty result is an empty page.
    """
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    if page < 1:
        raise NotFound("There is no such page of results.")
    total = session.scalar(select(func.count()).select_from(select_stmt.order_by(None).subquery()))
    result = Page(items=[], page=page, per_page=per_page, total=total or 0)
    if page > result.pages:
        raise NotFound(f"There is no page {page}. The results have {result.pages} pages.")
    rows = session.execute(select_stmt.limit(per_page).offset((page - 1) * per_page))
    # One entity or column selected: hand back the objects themselves, not one-item rows.
    items = rows.scalars().all() if len(select_stmt.column_descriptions) == 1 else rows.all()
    return Page(items=list(items), page=page, per_page=per_page, total=result.total)


def _href(path: str, args: MultiDict[str, str], number: int) -> str:
    query = MultiDict(args)
    query.setlist("page", [str(number)] if number > 1 else [])
    encoded = urlencode(list(query.items(multi=True)))
    return f"{path}?{encoded}" if encoded else path


def _numbers_to_show(current: int, last: int) -> list[int | None]:
    """First, last, and the current page with its neighbours; None where pages are skipped."""
    wanted = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    shown: list[int | None] = []
    for number in wanted:
        if shown and isinstance(shown[-1], int) and number - shown[-1] > 1:
            shown.append(None)
        shown.append(number)
    return shown


def pagination_params(
    page: Page, path: str, args: Mapping[str, str] | MultiDict[str, str]
) -> dict[str, Any] | None:
    """The ``govukPagination`` params for ``page``, keeping every other query argument in ``args``.

    ``path`` is the page's path without a query string. None when there is only one page.
    """
    if page.pages <= 1:
        return None
    query = args if isinstance(args, MultiDict) else MultiDict(list(args.items()))
    params: dict[str, Any] = {
        "items": [
            {"ellipsis": True}
            if number is None
            else {
                "number": number,
                "href": _href(path, query, number),
                "current": number == page.page,
            }
            for number in _numbers_to_show(page.page, page.pages)
        ]
    }
    if page.has_previous:
        params["previous"] = {"href": _href(path, query, page.page - 1)}
    if page.has_next:
        params["next"] = {"href": _href(path, query, page.page + 1)}
    return params
