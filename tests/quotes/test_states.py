"""The quote state machine: the table of allowed moves, and every (from, to, side) tried through
the services on the real database: an allowed move works and is recorded once; any other is
refused (409 naming both states, or 403 for the wrong side) with nothing written. Declining a
counter-offer is the one move asked for by a state it does not lead to: the quote goes back to
offered at the provider's price."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import update

from marketplace.clock import utcnow
from marketplace.errors import Forbidden, InvalidTransition
from marketplace.extensions import db
from marketplace.quotes import answers
from marketplace.quotes.models import QUOTE_STATUS_VALUES, Quote
from marketplace.quotes.requests import create_request
from marketplace.quotes.states import (
    FINAL,
    LABELS,
    MOVES,
    OPEN,
    PROVIDER_LABELS,
    TAG_CLASSES,
    QuoteStatus,
    Side,
    allowed_moves,
    check_move,
    leads_to,
    transition_error,
    words,
)
from tests.quotes.world import make_quote_world, request_input, terms
from tests.quotes.written import events_of, everything

S = QuoteStatus
R, P, SYS = Side.REQUESTER, Side.PROVIDER, Side.SYSTEM

# The rules as the issue states them, written out independently of states.MOVES.
EXPECTED: dict[tuple[str, str], set[Side]] = {
    ("requested", "offered"): {P},
    ("requested", "declined"): {P},
    ("requested", "withdrawn"): {R, P},
    ("offered", "offered"): {P},
    ("offered", "countered"): {R},
    ("offered", "accepted"): {R},
    ("offered", "declined"): {R},
    ("offered", "withdrawn"): {R, P},
    ("countered", "offered"): {P},
    ("countered", "withdrawn"): {R, P},
    **{(state, "expired"): {SYS} for state in ("requested", "offered", "countered")},
    **{(state, "not_chosen"): {SYS} for state in ("requested", "offered", "countered")},
}
# What asking for a state leads to where it is not that state: the provider declining the
# counter-offer keeps their price on offer.
LEADS_TO = {("countered", "declined"): "offered"}
ALL_STATES = [s.value for s in S]


def _sides(current: str, wanted: str) -> set[Side] | None:
    """Who may ask for ``wanted`` from ``current`` (None: nobody, from that state)."""
    return EXPECTED.get((current, LEADS_TO.get((current, wanted), wanted)))


def test_the_moves_are_exactly_the_ones_the_issue_allows():
    assert {(str(a), str(b)): set(sides) for (a, b), sides in MOVES.items()} == EXPECTED


def test_declining_a_counter_offer_leads_back_to_offered_and_nothing_else_is_redirected():
    assert ("countered", "declined") not in {(str(a), str(b)) for a, b in MOVES}
    for current in ALL_STATES:
        for wanted in ALL_STATES:
            expected = LEADS_TO.get((current, wanted), wanted)
            assert leads_to(current, wanted) == expected, (current, wanted)
    assert check_move("countered", "declined", P) == S.OFFERED
    assert check_move("requested", "declined", P) == S.DECLINED


def test_open_and_final_states_split_all_eight_and_match_the_database_check():
    assert set(ALL_STATES) == set(QUOTE_STATUS_VALUES)
    assert len(ALL_STATES) == 8
    assert {str(s) for s in OPEN} == {"requested", "offered", "countered"}
    assert set(S) == OPEN | FINAL and not OPEN & FINAL
    assert all(frm in OPEN for frm, _to in MOVES)  # nothing leaves a final state


@pytest.mark.parametrize("current", ALL_STATES)
@pytest.mark.parametrize("wanted", ALL_STATES)
@pytest.mark.parametrize("side", [R, P, SYS])
def test_check_move_allows_the_table_and_refuses_the_rest(current, wanted, side):
    sides = _sides(current, wanted)
    if sides is None:
        with pytest.raises(InvalidTransition) as refused:
            check_move(current, wanted, side)
        assert refused.value.status_code == 409
        assert words(current) in refused.value.message
    elif side not in sides:
        with pytest.raises(Forbidden) as refused:
            check_move(current, wanted, side)
        assert refused.value.status_code == 403
    else:
        check_move(current, wanted, side)


def test_a_refused_move_names_both_states_in_words():
    message = transition_error("declined", "countered").message
    assert message == "This quote is declined, so it cannot be countered."
    assert transition_error("not_chosen", "accepted").message == (
        "This quote is not chosen, so it cannot be accepted."
    )
    assert transition_error("accepted", "accepted").message == "This quote is accepted already."


def test_the_wrong_side_is_told_who_may_do_it():
    with pytest.raises(Forbidden) as refused:
        check_move("offered", "accepted", P)
    assert refused.value.message == "Only the person asking for the quote can do that."
    with pytest.raises(Forbidden) as refused:
        check_move("requested", "offered", R)
    assert refused.value.message == "Only the provider can do that."


def test_allowed_moves_are_the_buttons_each_side_sees():
    assert allowed_moves("requested", P) == [S.OFFERED, S.DECLINED, S.WITHDRAWN]
    assert allowed_moves("requested", R) == [S.WITHDRAWN]
    assert set(allowed_moves("offered", R)) == {S.COUNTERED, S.ACCEPTED, S.DECLINED, S.WITHDRAWN}
    assert set(allowed_moves("offered", P)) == {S.OFFERED, S.WITHDRAWN}
    assert set(allowed_moves("countered", P)) == {S.OFFERED, S.DECLINED, S.WITHDRAWN}
    assert allowed_moves("countered", R) == [S.WITHDRAWN]
    for final in FINAL:
        assert allowed_moves(final, R) == allowed_moves(final, P) == []


def test_every_state_has_a_label_for_each_side_and_a_tag_colour():
    for state in ALL_STATES:
        assert LABELS[state] and PROVIDER_LABELS[state] and TAG_CLASSES[state]
    assert words("not_chosen") == "not chosen"
    assert PROVIDER_LABELS["requested"] == "Waiting for your quote"


# --- every (from, to, side) through the services ------------------------------------------------


def _quote_in(w: SimpleNamespace, state: str) -> int:
    """Aire's quote of a fresh request (to Aire and Kirkstall), brought to ``state`` by the
    services themselves."""
    session = db.session
    request = create_request(session, w.broker, request_input(w))
    mine, other = (q.id for q in request.quotes)
    if state in {"offered", "countered", "accepted"}:
        answers.offer_quote(session, w.aire_staff, mine, terms())
    if state == "countered":
        answers.counter_quote(session, w.broker, mine, 2000, "Could you do £20?")
    elif state == "accepted":
        answers.accept_quote(session, w.broker, mine)
    elif state == "declined":
        answers.decline_quote(session, w.aire_staff, mine, "We are fully booked")
    elif state == "withdrawn":
        answers.withdraw_quote(session, w.broker, mine, "Found someone")
    elif state == "not_chosen":
        answers.offer_quote(session, w.kirk_staff, other, terms())
        answers.accept_quote(session, w.broker, other)
    elif state == "expired":
        session.execute(
            update(Quote).where(Quote.id == mine).values(expires_at=utcnow() - timedelta(hours=1))
        )
        session.commit()
        assert answers.expire_quotes(session) == 1
    assert session.get(Quote, mine).status == state
    return mine


_ACTIONS: dict[str, Any] = {
    "offered": lambda s, actor, qid: answers.offer_quote(s, actor, qid, terms()),
    "countered": lambda s, actor, qid: answers.counter_quote(s, actor, qid, 2000, "£20?"),
    "accepted": lambda s, actor, qid: answers.accept_quote(s, actor, qid),
    "declined": lambda s, actor, qid: answers.decline_quote(s, actor, qid, "Not now"),
    "withdrawn": lambda s, actor, qid: answers.withdraw_quote(s, actor, qid, "Changed plans"),
}


@pytest.mark.parametrize("side", [R, P])
@pytest.mark.parametrize("wanted", list(_ACTIONS))
@pytest.mark.parametrize("current", ALL_STATES)
def test_each_move_through_the_services_works_only_from_the_table(app, current, wanted, side):
    with app.app_context():
        session = db.session
        w = make_quote_world()
        quote_id = _quote_in(w, current)
        actor = w.broker if side is R else w.aire_staff
        before = everything(session)
        events_before = len(events_of(session, quote_id))
        sides = _sides(current, wanted)
        started = utcnow()
        if sides is not None and side in sides:
            _ACTIONS[wanted](session, actor, quote_id)
            session.expire_all()
            now = LEADS_TO.get((current, wanted), wanted)
            assert session.get(Quote, quote_id).status == now
            events = events_of(session, quote_id)
            assert len(events) == events_before + 1
            last = events[-1]
            assert (last.from_status, last.to_status, last.actor_id) == (current, now, actor.id)
            assert started - timedelta(seconds=1) <= last.at <= utcnow()
            return
        expected_error = InvalidTransition if sides is None else Forbidden
        with pytest.raises(expected_error) as refused:
            _ACTIONS[wanted](session, actor, quote_id)
        if sides is None:
            assert refused.value.status_code == 409
            assert words(current) in refused.value.message
            assert words(wanted) in refused.value.message or "already" in refused.value.message
        else:
            assert refused.value.status_code == 403
        assert everything(session) == before
