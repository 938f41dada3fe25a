"""The index follows the database: changes queue IndexJob rows in their own transaction, which are
applied after the commit; failures are kept and retried; a reindex gives the same index."""

from __future__ import annotations

import multiprocessing
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from marketplace.directory.models import Offer, Organisation, PACheck, PAProfile
from marketplace.extensions import db
from marketplace.listings import services as listings
from marketplace.moderation import services as moderation
from marketplace.permissions import Role
from marketplace.search import indexing, sync
from marketplace.search.documents import all_documents
from marketplace.search.models import IndexJob
from search_index.interface import SearchQuery
from tests.factories import make_council, make_offer, make_organisation, make_pa, make_user
from tests.search.sync_helpers import FailingBackend, SlowBackend

LEEDS = ("LS1", "LS2", "LS6", "LS7")


@pytest.fixture
def search(app: Any) -> Any:
    return app.extensions["search"]


@pytest.fixture
def broken_index(app: Any) -> Any:
    """The app's index behind a disk that fails every write until ``failing`` is cleared."""
    original = app.extensions["search"]
    failing = FailingBackend(original)
    app.extensions["search"] = failing
    yield failing
    app.extensions["search"] = original


def keys_of(search: Any) -> set[str]:
    return set(search.keys())


def jobs() -> list[tuple[str, int]]:
    with sync.sync_session() as session:
        rows = session.execute(select(IndexJob.kind, IndexJob.listing_id))
        return sorted((kind, listing_id) for kind, listing_id in rows)


Stored = tuple[str, str, tuple[str, ...], int | None, str | None]


def indexed(search: Any) -> dict[str, Stored]:
    """Every document in the index with the fields it stores for a hit, read back by search."""
    found: dict[str, Stored] = {}
    page = 1
    while True:
        results = search.search(SearchQuery(page=page, per_page=50, with_facets=False))
        for hit in results.hits:
            found[f"{hit.kind}:{hit.id}"] = (
                hit.title,
                hit.provider,
                tuple(hit.categories),
                hit.price_pence,
                hit.unit,
            )
        if page * 50 >= results.total or not results.hits:
            return found
        page += 1


def expected() -> dict[str, Stored]:
    """What the index should hold, built from the database as it is now."""
    with sync.sync_session() as session:
        return {
            d.key: (d.title, d.provider, d.categories, d.price_pence, d.unit)
            for d in all_documents(session)
        }


def names(view: dict[str, Stored], key: str) -> tuple[str, str]:
    return view[key][:2]


def found_by_text(search: Any, text: str) -> set[str]:
    results = search.search(SearchQuery(text=text, per_page=50, with_facets=False))
    return {f"{hit.kind}:{hit.id}" for hit in results.hits}


# --- the outbox ------------------------------------------------------------------------------------


def test_a_change_queues_its_jobs_in_the_same_transaction(session, broken_index):
    organisation = make_organisation()
    offer = make_offer(organisation)
    pa = make_pa()
    before = len(jobs())

    offer.title = "Changed, then rolled back"
    pa.checks[0].reference = "DBS-001"
    session.flush()
    in_transaction = session.scalars(select(IndexJob.kind).order_by(IndexJob.id)).all()
    session.rollback()

    assert {"offer", "organisation", "pa"} <= set(in_transaction[before:])
    assert len(jobs()) == before  # rolled back with the change


def test_an_organisation_change_queues_it_and_all_its_offers(session, broken_index):
    organisation = make_organisation()
    offers = [make_offer(organisation), make_offer(organisation, status="draft")]
    with sync.sync_session() as other:
        other.execute(update(IndexJob).values(attempts=99))
        other.commit()

    organisation.phone = "0113 496 0000"
    session.commit()

    fresh = {(kind, listing_id) for kind, listing_id in jobs()}
    with sync.sync_session() as other:
        rows = other.execute(
            select(IndexJob.kind, IndexJob.listing_id).where(IndexJob.attempts < 99)
        )
        new = {(kind, listing_id) for kind, listing_id in rows}
    assert new == {("organisation", organisation.id)} | {("offer", o.id) for o in offers}
    assert new <= fresh


def test_paused_indexing_records_jobs_without_applying_them(app, session, search):
    with indexing.indexing_paused():
        offer = make_offer()
    assert ("offer", offer.id) in jobs()
    assert f"offer:{offer.id}" not in keys_of(search)

    result = sync.sync_all(app)

    assert result.jobs > 0 and jobs() == []
    assert f"offer:{offer.id}" in keys_of(search)


# --- applied after the commit ---------------------------------------------------------------------------


def test_an_offer_approved_by_a_moderator_is_searchable_right_after_the_commit(session, search):
    make_council(districts=LEEDS)
    organisation = make_organisation(name="Kirkstall Gardens")
    staff = make_user(Role.PROVIDER_STAFF, organisation=organisation)
    admin = make_user(Role.ADMIN)
    offer = make_offer(
        organisation, title="Allotment afternoons", category="gardening", status="draft"
    )
    assert found_by_text(search, "allotment") == set()

    version = listings.submit_for_review(session, staff, "offer", offer.id)
    assert f"offer:{offer.id}" not in keys_of(search)  # pending is not public
    moderation.approve(session, admin, version.id)

    assert found_by_text(search, "allotment") == {f"offer:{offer.id}"}
    # Its council areas were recomputed in the same transaction, and the index has them.
    in_leeds = search.search(SearchQuery(council="E08000035", per_page=50, with_facets=False))
    assert f"offer:{offer.id}" in {f"{hit.kind}:{hit.id}" for hit in in_leeds.hits}
    assert names(indexed(search), f"offer:{offer.id}") == (
        "Allotment afternoons",
        "Kirkstall Gardens",
    )
    assert jobs() == []


def test_suspending_a_listing_removes_it_and_publishing_it_again_restores_it(session, search):
    organisation = make_organisation()
    offer = make_offer(organisation, title="Swimming club")
    other = make_offer(organisation, title="Walking group")
    admin = make_user(Role.ADMIN)
    key = f"offer:{offer.id}"
    assert key in keys_of(search)

    moderation.set_suspended(session, admin, "offer", offer.id, True, "Misleading prices")
    assert key not in keys_of(search)
    assert f"offer:{other.id}" in keys_of(search)

    moderation.set_suspended(session, admin, "offer", offer.id, False, "Prices fixed")
    assert key in keys_of(search)

    moderation.set_suspended(session, admin, "organisation", organisation.id, True, "Closed")
    assert keys_of(search) & {key, f"offer:{other.id}", f"organisation:{organisation.id}"} == set()
    assert jobs() == []


def test_renaming_an_organisation_updates_the_provider_of_its_offers(session, search):
    organisation = make_organisation(name="Old Name Care")
    offers = [make_offer(organisation, title=f"Service {n}") for n in range(3)]

    organisation.name = "New Name Care"
    session.commit()

    view = indexed(search)
    for offer in offers:
        assert names(view, f"offer:{offer.id}") == (offer.title, "New Name Care")
    assert names(view, f"organisation:{organisation.id}") == ("New Name Care", "New Name Care")
    assert view == expected()


def test_a_pas_new_check_and_new_name_reach_the_pa_and_their_offers(session, search):
    pa = make_pa(display_name="Alex R", checks=())
    offer = make_offer(None, pa_profile=pa, title="Dog walking")

    def with_check(kind: str) -> set[str]:
        results = search.search(SearchQuery(pa_checks=(kind,), per_page=50, with_facets=False))
        return {f"{hit.kind}:{hit.id}" for hit in results.hits}

    assert with_check("pvg") == set()
    pa.checks.append(
        PACheck(kind="pvg", issued_on=date.today(), expires_on=date.today() + timedelta(days=30))
    )
    pa.display_name = "Alex Roberts"
    session.commit()

    assert with_check("pvg") == {f"pa:{pa.id}", f"offer:{offer.id}"}
    assert names(indexed(search), f"offer:{offer.id}") == ("Dog walking", "Alex Roberts")


def test_a_deleted_offer_leaves_the_index(session, search):
    offer = make_offer(title="Short-lived")
    assert f"offer:{offer.id}" in keys_of(search)

    session.delete(session.get(Offer, offer.id))
    session.commit()

    assert f"offer:{offer.id}" not in keys_of(search)
    assert jobs() == []


# --- failures -----------------------------------------------------------------------------------------------


def test_a_failing_index_keeps_the_jobs_and_a_later_sync_applies_them(app, session, broken_index):
    organisation = make_organisation(name="Resilient Care")
    offer = make_offer(organisation, title="Evening visits")  # the commit itself succeeds
    organisation.name = "Resilient Care Ltd"
    session.commit()

    assert session.get(Offer, offer.id).status == "published"
    with sync.sync_session() as other:
        kept = other.scalars(select(IndexJob)).all()
    assert {("offer", offer.id), ("organisation", organisation.id)} <= {
        (j.kind, j.listing_id) for j in kept
    }
    assert all(j.attempts >= 1 and "No space left on device" in j.last_error for j in kept)
    assert f"offer:{offer.id}" not in keys_of(broken_index.inner)

    broken_index.failing = False
    result = app.test_cli_runner().invoke(args=["search-sync"])

    assert result.exit_code == 0, result.output
    assert "Applied" in result.output
    assert jobs() == []
    assert indexed(broken_index.inner) == expected()
    assert names(indexed(broken_index.inner), f"offer:{offer.id}") == (
        "Evening visits",
        "Resilient Care Ltd",
    )


def test_a_listing_whose_document_cannot_be_built_does_not_hold_up_the_others(session, search):
    pa = make_pa(display_name="Legacy Row")
    # A row from before today's rules: an availability slot that is not "day:band" text.
    with db.engine.begin() as connection:
        connection.execute(
            update(PAProfile.__table__)
            .where(PAProfile.__table__.c.id == pa.id)
            .values(availability=[7], bio="Changed behind the application's back")
        )
    with indexing.indexing_paused():
        session.expire_all()
        session.get_one(PAProfile, pa.id).travel_km = 12
        session.commit()

    offer = make_offer(title="Indexed all the same")

    assert f"offer:{offer.id}" in keys_of(search)
    with sync.sync_session() as other:
        [kept] = other.scalars(select(IndexJob)).all()
    assert (kept.kind, kept.listing_id) == ("pa", pa.id) and kept.attempts >= 1
    assert "AttributeError" in kept.last_error


def test_jobs_that_keep_failing_are_left_to_search_sync_not_every_request(app, session, search):
    with indexing.indexing_paused():
        stuck = make_offer(title="Tried five times")
    with sync.sync_session() as other:
        other.execute(update(IndexJob).values(attempts=indexing.AFTER_COMMIT_MAX_ATTEMPTS))
        other.commit()

    make_organisation()  # an unrelated commit does not retry them
    assert ("offer", stuck.id) in jobs()

    result = app.test_cli_runner().invoke(args=["search-sync"])
    assert result.exit_code == 0, result.output
    assert jobs() == [] and f"offer:{stuck.id}" in keys_of(search)


def test_search_sync_reports_jobs_it_could_not_apply(app, session, broken_index):
    make_offer()
    result = app.test_cli_runner().invoke(args=["search-sync"])
    assert result.exit_code == 1
    assert "still queued" in result.output


def test_a_busy_index_leaves_the_jobs_for_the_next_sync(app, session, search, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_SYNC_WAIT", 0.05)
    with sync.sync_lock(sync.lock_path(app), wait=1) as held:
        assert held
        offer = make_offer(title="Queued while busy")
        assert ("offer", offer.id) in jobs()

    make_organisation()  # the next commit applies what waited, too

    assert jobs() == []
    assert f"offer:{offer.id}" in keys_of(search)


def test_search_sync_requeues_pas_whose_checks_expired_lately(app, session, search):
    pa = make_pa(checks=("enhanced_dbs",))

    def with_dbs() -> set[str]:
        results = search.search(SearchQuery(pa_checks=("dbs",), per_page=50, with_facets=False))
        return {f"{hit.kind}:{hit.id}" for hit in results.hits}

    assert with_dbs() == {f"pa:{pa.id}"}
    # Time passes: the check expires with no edit to queue anything.
    with db.engine.begin() as connection:
        connection.execute(
            update(PACheck.__table__)
            .where(PACheck.__table__.c.pa_profile_id == pa.id)
            .values(expires_on=date.today() - timedelta(days=1))
        )
    assert jobs() == []

    result = app.test_cli_runner().invoke(args=["search-sync"])

    assert result.exit_code == 0, result.output
    assert "checks expired lately" in result.output
    assert with_dbs() == set()


# --- reindex -------------------------------------------------------------------------------------------------


def test_reindex_gives_the_same_index_as_live_updates(app, session, search):
    make_council(districts=LEEDS)
    organisation = make_organisation(name="Live Care", service_councils=["E08000035"])
    make_offer(organisation, title="Lunch club", category="meals")
    make_offer(organisation, title="Hidden draft", status="draft")
    pa = make_pa(display_name="Pat Q")
    make_offer(None, pa_profile=pa, title="Ironing")
    make_organisation(status="suspended")
    live_keys, live = keys_of(search), indexed(search)
    assert live == expected()
    with indexing.indexing_paused():
        late = make_organisation(name="Late Care")
        stale = make_offer(late, title="Queued before the rebuild")
    queued = {f"offer:{stale.id}", f"organisation:{late.id}"}

    result = app.test_cli_runner().invoke(args=["reindex"])

    assert result.exit_code == 0, result.output
    assert "Indexed 6 documents" in result.output
    assert keys_of(search) == live_keys | queued
    rebuilt = indexed(search)
    assert {k: v for k, v in rebuilt.items() if k not in queued} == live
    assert rebuilt == expected()
    assert jobs() == []


# --- several processes at once ----------------------------------------------------------------------------------


def _edit_in_own_process(
    config: dict[str, Any], plan: list[tuple[str, int, str]], seed: int
) -> int:
    """Run in a spawned process: its own app, database connections and index writer."""
    from marketplace import create_app

    app = create_app(config)
    app.extensions["search"] = SlowBackend(app.extensions["search"], seed=seed)
    with app.app_context():
        for kind, listing_id, value in plan:
            if kind == "offer-title":
                db.session.get_one(Offer, listing_id).title = value
            elif kind == "offer-status":
                db.session.get_one(Offer, listing_id).status = value
            elif kind == "organisation-name":
                db.session.get_one(Organisation, listing_id).name = value
            elif kind == "pa-name":
                db.session.get_one(PAProfile, listing_id).display_name = value
            db.session.commit()
        db.session.remove()
        app.extensions["search"].close()
    return len(plan)


def test_several_processes_editing_at_once_leave_an_index_that_agrees_with_the_database(
    app, session, search
):
    first, second = make_organisation(name="First"), make_organisation(name="Second")
    first_offers = [make_offer(first, title=f"First offer {n}") for n in range(3)]
    second_offers = [make_offer(second, title=f"Second offer {n}") for n in range(2)]
    pa = make_pa(display_name="Pat")
    pa_offer = make_offer(None, pa_profile=pa, title="PA offer")
    rounds = range(6)
    plans = [
        # Offer titles, while another process renames their organisation (same documents).
        [("offer-title", o.id, f"Offer {o.id} round {r}") for r in rounds for o in first_offers],
        [
            ("organisation-name", org.id, f"{org.id} renamed {r}")
            for r in rounds
            for org in (first, second)
        ],
        [
            step
            for r in rounds
            for step in (
                ("pa-name", pa.id, f"Pat round {r}"),
                ("offer-status", second_offers[0].id, "suspended" if r % 2 == 0 else "published"),
                ("offer-title", pa_offer.id, f"PA offer round {r}"),
            )
        ],
    ]
    config = {
        "APP_ENV": "test",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "INDEX_DIR": app.config["INDEX_DIR"],
        "MAIL_DIR": app.config["MAIL_DIR"],
        "SEARCH_SYNC_WAIT": 60,
    }

    context = multiprocessing.get_context("spawn")
    with context.Pool(len(plans)) as pool:
        done = pool.starmap(
            _edit_in_own_process, [(config, plan, seed) for seed, plan in enumerate(plans)]
        )

    assert done == [len(plan) for plan in plans]
    assert jobs() == []
    want = expected()
    assert keys_of(search) == set(want)
    assert indexed(search) == want
    last = rounds[-1]
    assert names(want, f"offer:{first_offers[0].id}") == (
        f"Offer {first_offers[0].id} round {last}",
        f"{first.id} renamed {last}",
    )
    assert f"offer:{second_offers[0].id}" in want  # published again in the last round
    with sync.sync_session() as other:
        assert other.scalar(select(func.count()).select_from(IndexJob)) == 0
