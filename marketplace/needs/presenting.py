"""What the need-advert pages show, worked out from the services' answers: the matches page in
pages of 20 with the "not matched" list beside it, and advert facts in words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from marketplace.directory import vocab
from marketplace.errors import NotFound
from marketplace.extensions import DbSession
from marketplace.needs.matching import Match, match_need
from marketplace.needs.models import NeedAdvert, NeedInterest
from marketplace.needs.services import existing_threads
from marketplace.pagination import Page
from marketplace.plans.services import current_plan

MATCHES_PER_PAGE = 20
EXCLUDED_SHOWN = 20


def when_text(slots: Iterable[str]) -> str:
    """'mon:morning', 'mon:evening', 'wed:morning' -> 'Monday morning and evening; Wednesday
    morning', days in week order (unknown slots are left out)."""
    wanted = set(slots)
    days = []
    for day, day_label in vocab.DAYS:
        bands = [label.lower() for band, label in vocab.TIME_BANDS if f"{day}:{band}" in wanted]
        if bands:
            listed = bands[0] if len(bands) == 1 else f"{', '.join(bands[:-1])} and {bands[-1]}"
            days.append(f"{day_label} {listed}")
    return "; ".join(days)


def active_interests(need: NeedAdvert) -> dict[int, NeedInterest]:
    """{PA profile id: interest} of the PAs who replied and have not withdrawn."""
    return {i.pa_profile_id: i for i in need.interests if i.active}


@dataclass
class MatchesPage:
    need: NeedAdvert
    page: Page  # of Match, eligible ones, best first
    excluded: list[Match]  # a page of EXCLUDED_SHOWN not matched (nearest first), with reasons
    more_excluded: int  # not matched, after this page of them
    too_far_away: int  # beyond any PA's travel range: not scored at all
    interests: dict[int, NeedInterest] = field(default_factory=dict)
    threads: dict[int, int] = field(default_factory=dict)  # PA profile id -> thread id
    in_plan: set[tuple[str, int]] = field(default_factory=set)  # ("pa" | "offer", id)
    others_page: int = 1  # which page of the not matched this is
    others_pages: int = 1

    @property
    def replies(self) -> int:
        return len(self.interests)

    def interest_of(self, match: Match) -> NeedInterest | None:
        return self.interests.get(match.candidate_id) if match.kind == "pa" else None

    def is_in_plan(self, match: Match) -> bool:
        return (match.kind, match.candidate_id) in self.in_plan

    def thread_of(self, match: Match) -> int | None:
        return self.threads.get(match.candidate_id) if match.kind == "pa" else None


def matches_page(session: DbSession, need: NeedAdvert, number: int, others: int = 1) -> MatchesPage:
    """Page ``number`` of the advert's ranked matches, and page ``others`` of those not matched
    (NotFound past the last page of either). Reads only."""
    found = match_need(session, need)
    total = len(found.matches)
    pages = max(1, -(-total // MATCHES_PER_PAGE))
    if number > pages:
        raise NotFound(f"There is no page {number}. The matches have {pages} pages.")
    others_pages = max(1, -(-len(found.excluded) // EXCLUDED_SHOWN))
    if others > others_pages:
        raise NotFound(f"There is no page {others} of those not matched: there are {others_pages}.")
    start = (number - 1) * MATCHES_PER_PAGE
    page = Page(
        items=found.matches[start : start + MATCHES_PER_PAGE],
        page=number,
        per_page=MATCHES_PER_PAGE,
        total=total,
    )
    first_other = (others - 1) * EXCLUDED_SHOWN
    return MatchesPage(
        need=need,
        page=page,
        excluded=found.excluded[first_other : first_other + EXCLUDED_SHOWN],
        more_excluded=max(0, len(found.excluded) - first_other - EXCLUDED_SHOWN),
        too_far_away=found.too_far_away,
        interests=active_interests(need),
        threads=existing_threads(session, need),
        in_plan=_in_plan(session, need),
        others_page=others,
        others_pages=others_pages,
    )


def _in_plan(session: DbSession, need: NeedAdvert) -> set[tuple[str, int]]:
    """The PAs and offers the holder's plan has lines for already (the advert's plan while it
    is a draft, else the holder's current plan)."""
    plan = need.plan if need.plan is not None and need.plan.status == "draft" else None
    plan = plan or current_plan(session, need.holder_id)
    if plan is None:
        return set()
    found: set[tuple[str, int]] = set()
    for line in plan.lines:
        if line.pa_profile_id is not None:
            found.add(("pa", line.pa_profile_id))
        if line.offer_id is not None:
            found.add(("offer", line.offer_id))
    return found
