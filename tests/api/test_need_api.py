"""Need adverts over the API: posting, listing, reading, closing, ranked matches, the adverts that
fit a PA and their interest. Each answer matches its published schema; outsiders get 404; each
bad input gets a 400 naming the field as the API spells it, and nothing is saved; a PA never
sees who posted an advert."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.needs.matching import PARTS
from marketplace.needs.models import NeedAdvert, NeedInterest
from marketplace.needs.services import NO_PROFILE, open_conversation
from marketplace.permissions import Role
from tests.api.conftest import audit_rows, count
from tests.api.test_openapi import _check
from tests.factories import make_need, make_offer, make_organisation, make_pa, make_plan, make_user

START = date.today() + timedelta(days=7)
GOOD: dict[str, Any] = {
    "title": "PA for weekday mornings",
    "description": "Help getting up and breakfast.",
    "postcode": "LS6 2AB",
    "slots": ["mon:morning", "wed:morning"],
    "hours_per_week": 7.5,
    "skills": ["personal-care"],
    "languages": ["en"],
    "preferred_gender": "female",
    "non_smoker": True,
    "start_on": START.isoformat(),
    "rate_pence": 1400,
}
HOLDER_NAME = "Grace Okafor"
# tests/api/conftest.py's people with no business with the holder.
OUTSIDERS = (
    "another holder",
    "unlinked representative",
    "invited broker",
    "officer of another council",
    "admin",
    "provider",
    "personal assistant",
)


def _post(client: Any, body: dict[str, Any]) -> Any:
    response = client.post("/api/v1/needs", json=body)
    _check(response, "/api/v1/needs", "post")
    return response


@pytest.fixture
def holder(app: Any, people: SimpleNamespace) -> Any:
    with app.app_context():
        user = db.session.get(type(people.holder), people.holder.id)
        user.name = HOLDER_NAME
        db.session.commit()
    return people.holder


@pytest.fixture
def advert(app: Any, holder: Any) -> Any:
    with app.app_context():
        return make_need(holder)


def _pa(name: str, **fields: Any) -> SimpleNamespace:
    """A published PA: their profile's id and their user (loaded, for api_as)."""
    user = make_user(Role.PA, name=name)
    return SimpleNamespace(id=make_pa(user, **fields).id, user=user)


@pytest.fixture
def pas(app: Any) -> SimpleNamespace:
    """A PA who fits the advert, one without the DBS check it asks for, one too far away to
    see it, and a provider's PA service in Leeds."""
    with app.app_context():
        service = make_offer(
            make_organisation(base_district="LS6", service_districts=["LS6", "LS7"]),
            title="PA service",
            category="personal-assistant",
            time_bands=["morning"],
        )
        return SimpleNamespace(
            fits=_pa("Joanne W"),
            unchecked=_pa("Sam K", checks=()),
            far=_pa("Ali R", home_district="BD1", travel_km=2),
            service=service,
        )


# --- posting ------------------------------------------------------------------------------------


def test_a_holder_posts_an_advert_for_themselves(app, api_as, holder):
    response = _post(api_as(holder), GOOD)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/needs/{body['id']}")
    assert body["holder_id"] == body["posted_by_id"] == holder.id
    assert body["district"] == "LS6"
    assert body["hours_per_week"] == 7.5
    assert body["rate_pence"] == 1400 and body["status"] == "open"
    assert body["non_smoker"] is True and body["needs_driver"] is False
    with app.app_context():
        assert db.session.get(NeedAdvert, body["id"]).hours_hundredths == 750
    assert audit_rows(app, action="create", subject_type="need_advert", subject_id=body["id"])


@pytest.mark.parametrize("who", ["representative", "broker"])
def test_a_representative_or_broker_posts_naming_the_holder(api_as, people, holder, who):
    client = api_as(getattr(people, who))
    missing = _post(client, GOOD)
    assert missing.status_code == 400
    assert "send the id of the person" in missing.get_json()["error"]["fields"]["holder_id"]
    response = _post(client, {**GOOD, "holder_id": holder.id})
    assert response.status_code == 201
    body = response.get_json()
    assert body["holder_id"] == holder.id
    assert body["posted_by_id"] == getattr(people, who).id


@pytest.mark.parametrize("who", OUTSIDERS)
def test_nobody_else_posts_for_the_holder(app, api_as, people, holder, who):
    response = _post(api_as(people.outsiders[who]), {**GOOD, "holder_id": holder.id})
    assert response.status_code == 404
    assert count(app, NeedAdvert) == 0


def test_the_holders_own_officer_cannot_post_an_advert(app, api_as, people, holder):
    assert _post(api_as(people.officer), {**GOOD, "holder_id": holder.id}).status_code == 404
    assert count(app, NeedAdvert) == 0


YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"hours_per_week": "7.5"}, "hours_per_week", "Enter the hours a week as a number"),
        ({"hours_per_week": True}, "hours_per_week", "Enter the hours a week as a number"),
        ({"hours_per_week": -2}, "hours_per_week", "cannot be negative"),
        ({"hours_per_week": 0}, "hours_per_week", "Enter the hours a week you need"),
        ({"hours_per_week": None}, "hours_per_week", "Enter the hours a week you need"),
        ({"hours_per_week": 168.01}, "hours_per_week", "A week has 168 hours"),
        ({"start_on": "2026-13-45"}, "start_on", "Enter a date as YYYY-MM-DD"),
        ({"start_on": "next week"}, "start_on", "Enter a date as YYYY-MM-DD"),
        ({"start_on": None}, "start_on", "Enter the date you would like support to start"),
        ({"start_on": YESTERDAY}, "start_on", "today or in the future"),
        ({"end_on": "01/05/2026"}, "end_on", "Enter a date as YYYY-MM-DD"),
        (
            {"end_on": (START - timedelta(days=1)).isoformat()},
            "end_on",
            "the same as or after the start date",
        ),
        ({"rate_pence": 13.5}, "rate_pence", "whole number of pence, like 1350"),
        ({"rate_pence": "1400"}, "rate_pence", "whole number of pence, like 1350"),
        ({"rate_pence": None}, "rate_pence", "This field is required"),
        ({"rate_pence": 1270}, "rate_pence", "at least £12.71 an hour, the legal minimum"),
        ({"rate_pence": -5}, "rate_pence", "at least £12.71 an hour"),
        ({"rate_pence": 1_000_000}, "rate_pence", "more than £100.00"),
        ({"postcode": "ZZ99 9ZZ"}, "postcode", "We do not know the postcode district ZZ99"),
        ({"postcode": "nowhere"}, "postcode", "Enter a real UK postcode"),
        ({"slots": []}, "slots", "Select at least one day and time"),
        ({"slots": ["mon:brunch"]}, "slots", 'like ["mon:morning", "sat:evening"]'),
        ({"slots": "mon:morning"}, "slots", "Send a list of days and times"),
        ({"skills": ["juggling"]}, "skills", "Send a list of: personal-care"),
        ({"languages": "en"}, "languages", "Send a list of: en"),
        ({"required_checks": ["x"]}, "required_checks", "Send a list of: enhanced_dbs"),
        ({"preferred_gender": "robot"}, "preferred_gender", '"female" or "male"'),
        ({"needs_driver": "yes"}, "needs_driver", "Enter true or false"),
        ({"title": ""}, "title", "Enter a short title"),
        ({"title": "x" * 121}, "title", "120 characters or fewer"),
        ({"title": 12}, "title", "Enter text"),
        ({"plan_id": 0}, "plan_id", "Enter a whole number from 1"),
        ({"plan_id": 999_999}, "plan_id", "Choose one of this person's plans"),
        ({"colour": "blue"}, "colour", "This field is not recognised"),
    ],
)
def test_each_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    app, api_as, holder, change, field, words
):
    response = _post(api_as(holder), {**GOOD, **change})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert words in error["fields"][field], error
    assert "hours_hundredths" not in error["fields"]
    assert count(app, NeedAdvert) == 0


def test_every_wrong_field_is_named_at_once_in_the_apis_words(app, api_as, holder):
    response = _post(api_as(holder), {"title": "", "postcode": "ZZ99 9ZZ", "slots": []})
    fields = response.get_json()["error"]["fields"]
    assert {"title", "postcode", "slots", "hours_per_week", "start_on"} <= set(fields)
    assert response.get_json()["error"]["code"] == "validation_failed"


def test_a_plan_of_another_holder_is_refused(app, api_as, people, holder):
    with app.app_context():
        theirs = make_plan(people.outsiders["another holder"]).id
        mine = make_plan(holder).id
    refused = _post(api_as(holder), {**GOOD, "plan_id": theirs})
    assert refused.get_json()["error"]["fields"]["plan_id"] == "Choose one of this person's plans"
    assert count(app, NeedAdvert) == 0
    assert _post(api_as(holder), {**GOOD, "plan_id": mine}).get_json()["plan_id"] == mine


def test_a_body_that_is_not_a_json_object_is_refused(app, api_as, holder):
    client = api_as(holder)
    response = client.post("/api/v1/needs", data="title=PA", content_type="text/plain")
    _check(response, "/api/v1/needs", "post")
    assert response.status_code == 400
    assert "Send a JSON object" in response.get_json()["error"]["fields"]["body"]
    assert client.post("/api/v1/needs", json=[GOOD]).status_code == 400
    assert count(app, NeedAdvert) == 0


def test_the_minimum_wage_follows_the_setting(app, api_as, holder, monkeypatch):
    monkeypatch.setitem(app.config, "MINIMUM_HOURLY_WAGE_PENCE", 1500)
    refused = _post(api_as(holder), GOOD)
    assert "at least £15.00 an hour" in refused.get_json()["error"]["fields"]["rate_pence"]
    assert count(app, NeedAdvert) == 0


# --- listing, reading, closing ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["holder", "representative", "broker"])
def test_the_holders_side_lists_and_reads_the_adverts(app, api_as, people, advert, who):
    with app.app_context():
        make_need(people.outsiders["another holder"])
    client = api_as(getattr(people, who))
    body = _check(client.get("/api/v1/needs"), "/api/v1/needs", "get")
    assert [n["id"] for n in body["needs"]] == [advert.id]
    path = f"/api/v1/needs/{advert.id}"
    one = _check(client.get(path), path, "get")
    assert one["title"] == advert.title and one["hours_per_week"] == 6
    assert audit_rows(app, action="read", subject_type="need_advert", subject_id=advert.id)


def test_the_list_filters_by_status_and_holder(app, api_as, people, holder, advert):
    with app.app_context():
        closed = make_need(holder, status="closed", closed_at=utcnow())
    client = api_as(people.broker)
    open_only = _check(client.get("/api/v1/needs?status=open"), "/api/v1/needs", "get")
    assert [n["id"] for n in open_only["needs"]] == [advert.id]
    path = f"/api/v1/needs?status=closed&holder_id={holder.id}"
    assert [n["id"] for n in client.get(path).get_json()["needs"]] == [closed.id]
    wrong = _check(client.get("/api/v1/needs?status=nope"), "/api/v1/needs", "get")
    assert "Choose one of: open, closed" in wrong["error"]["fields"]["status"]
    other = people.outsiders["another holder"].id
    assert client.get(f"/api/v1/needs?holder_id={other}").status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_for_every_advert_endpoint(app, api_as, people, advert, who):
    client = api_as(people.outsiders[who])
    base = f"/api/v1/needs/{advert.id}"
    for path, method in ((base, "get"), (f"{base}/matches", "get"), (f"{base}/close", "post")):
        response = getattr(client, method)(path)
        assert response.status_code == 404
        _check(response, path, method)
    assert client.get("/api/v1/needs").get_json() == {"needs": []}
    with app.app_context():
        assert db.session.get(NeedAdvert, advert.id).status == "open"


def test_the_holders_officer_does_not_see_adverts(api_as, people, advert):
    client = api_as(people.officer)
    assert client.get(f"/api/v1/needs/{advert.id}").status_code == 404
    assert client.get(f"/api/v1/needs/{advert.id}/matches").status_code == 404
    assert client.get("/api/v1/needs").get_json() == {"needs": []}


def test_closing_twice_is_a_conflict(app, api_as, people, advert):
    path = f"/api/v1/needs/{advert.id}/close"
    client = api_as(people.representative)
    closed = _check(client.post(path), path, "post")
    assert closed["status"] == "closed" and closed["closed_at"]
    again = _check(client.post(path), path, "post")
    assert again["error"]["code"] == "conflict"
    assert "closed already" in again["error"]["message"]
    refused = _check(client.post(path, json={"why": "done"}), path, "post")
    assert "why" in refused["error"]["fields"]


# --- matches ------------------------------------------------------------------------------------


def test_matches_are_ranked_and_explained_and_exclusions_say_why(app, api_as, people, pas):
    with app.app_context():
        advert = make_need(people.holder, required_checks=["enhanced_dbs"])
        db.session.add(NeedInterest(need_id=advert.id, pa_profile_id=pas.fits.id, note="Hi!"))
        db.session.commit()
    path = f"/api/v1/needs/{advert.id}/matches"
    body = _check(api_as(people.broker).get(path), path, "get")
    assert body["need_id"] == advert.id and body["limit"] == 20 and body["offset"] == 0
    by_name = {m["name"]: m for m in body["matches"]}
    joanne = by_name["Joanne W"]
    assert joanne["kind"] == "pa" and joanne["id"] == pas.fits.id
    assert joanne["interested"] is True and joanne["interest_note"] == "Hi!"
    assert joanne["score"] == sum(p["points"] for p in joanne["parts"])
    assert [p["key"] for p in joanne["parts"]] == [key for key, _, _ in PARTS]
    assert all(p["reason"] for p in joanne["parts"])
    assert any(m["kind"] == "offer" and m["id"] == pas.service.id for m in body["matches"])
    scores = [m["score"] for m in body["matches"]]
    assert scores == sorted(scores, reverse=True)
    [sam] = [e for e in body["excluded"] if e["name"] == "Sam K"]
    assert sam["interested"] is False
    assert any("DBS" in reason for reason in sam["reasons"])
    assert body["total"] == len(body["matches"])
    assert audit_rows(app, action="read", subject_type="need_advert", subject_id=advert.id)


def test_a_conversation_already_opened_is_named_in_the_matches(app, api_as, people, pas, advert):
    with app.app_context():
        holder = db.session.get(type(people.holder), people.holder.id)
        thread = open_conversation(db.session, holder, advert.id, pas.fits.id, "Hello Joanne")
        thread_id = thread.id
    path = f"/api/v1/needs/{advert.id}/matches"
    body = _check(api_as(people.holder).get(path), path, "get")
    [joanne] = [m for m in body["matches"] if m["name"] == "Joanne W"]
    assert joanne["thread_id"] == thread_id
    assert all(m["thread_id"] is None for m in body["matches"] if m is not joanne)


def test_matches_come_a_page_at_a_time(api_as, people, pas, advert):
    client = api_as(people.holder)
    path = f"/api/v1/needs/{advert.id}/matches"
    everything = client.get(path).get_json()
    assert everything["total"] >= 2
    first = _check(client.get(f"{path}?limit=1"), path, "get")
    second = client.get(f"{path}?limit=1&offset=1").get_json()
    assert [m["id"] for m in first["matches"] + second["matches"]] == [
        m["id"] for m in everything["matches"][:2]
    ]
    for bad, words in (("limit=0", "from 1 to 100"), ("limit=101", "from 1 to 100")):
        refused = _check(client.get(f"{path}?{bad}"), path, "get")
        assert words in refused["error"]["fields"]["limit"]
    refused = client.get(f"{path}?offset=-1").get_json()
    assert "Enter a whole number" in refused["error"]["fields"]["offset"]


# --- the personal assistant's side --------------------------------------------------------------


def _assert_nothing_of_the_holder(text: str, people: SimpleNamespace) -> None:
    for secret in (HOLDER_NAME, people.holder.email, "LS6 1AA", "holder_id", "posted_by"):
        assert secret not in text


def test_a_pa_sees_the_adverts_that_fit_them_and_nothing_of_the_holder(
    app, api_as, people, pas, advert
):
    path = "/api/v1/pas/me/matching-needs"
    client = api_as(pas.fits.user)
    response = client.get(path)
    body = _check(response, path, "get")
    [item] = body["needs"]
    assert item["need"]["id"] == advert.id and item["interested"] is False
    assert item["score"] == sum(p["points"] for p in item["parts"])
    assert set(item["need"]) == {
        "id",
        "title",
        "description",
        "district",
        "distance_km",
        "slots",
        "hours_per_week",
        "skills",
        "languages",
        "preferences",
        "required_checks",
        "start_on",
        "end_on",
        "rate_pence",
        "status",
    }
    assert item["need"]["district"] == "LS6"
    _assert_nothing_of_the_holder(response.get_data(as_text=True), people)
    client.post(f"/api/v1/needs/{advert.id}/interest", json={})
    assert client.get(path).get_json()["needs"][0]["interested"] is True


def test_adverts_a_pa_cannot_take_are_not_shown_to_them(api_as, pas, advert):
    path = "/api/v1/pas/me/matching-needs"
    assert api_as(pas.far.user).get(path).get_json() == {"needs": []}
    assert api_as(pas.unchecked.user).get(path).get_json()["needs"][0]["need"]["id"] == advert.id


@pytest.mark.parametrize("who", ["no profile", "draft profile", "holder"])
def test_without_a_published_profile_the_pa_is_told_how_to_get_one(app, api_as, people, who):
    with app.app_context():
        user = {
            "no profile": lambda: make_user(Role.PA),
            "draft profile": lambda: _pa("Dee", status="draft").user,
            "holder": lambda: people.holder,
        }[who]()
    path = "/api/v1/pas/me/matching-needs"
    body = _check(api_as(user).get(path), path, "get")
    assert body["error"] == {"code": "not_found", "message": NO_PROFILE}


def test_interest_is_201_then_200_and_the_holder_is_mailed(app, api_as, people, pas, advert):
    path = f"/api/v1/needs/{advert.id}/interest"
    client = api_as(pas.fits.user)
    first = client.post(path, json={"note": "I live nearby."})
    body = _check(first, path, "post")
    assert first.status_code == 201
    assert body == {
        "need_id": advert.id,
        "interested": True,
        "note": "I live nearby.",
        "created_at": body["created_at"],
        "withdrawn_at": None,
    }
    again = client.post(path)
    assert again.status_code == 200
    _check(again, path, "post")
    assert count(app, NeedInterest) == 1
    with app.app_context():
        mail = db.session.query(OutboxMessage).filter_by(to_address=people.holder.email).all()
    assert len(mail) == 1 and "Joanne W" in mail[0].body


def test_withdrawing_interest_and_withdrawing_again(app, api_as, pas, advert):
    path = f"/api/v1/needs/{advert.id}/interest"
    client = api_as(pas.fits.user)
    client.post(path)
    withdrawn = _check(client.delete(path), path, "delete")
    assert withdrawn["interested"] is False and withdrawn["withdrawn_at"]
    again = _check(client.delete(path), path, "delete")
    assert again["error"]["code"] == "conflict"
    assert "not said you are interested" in again["error"]["message"]
    back = client.post(path)
    assert back.status_code == 201
    assert count(app, NeedInterest) == 1


def test_an_excluded_pa_is_told_why_and_nothing_is_saved(app, api_as, people, pas):
    with app.app_context():
        advert = make_need(people.holder, required_checks=["enhanced_dbs"])
    path = f"/api/v1/needs/{advert.id}/interest"
    response = api_as(pas.unchecked.user).post(path, json={"note": "Please"})
    error = _check(response, path, "post")["error"]
    assert response.status_code == 400
    assert error["code"] == "not_eligible"
    assert error["message"].startswith("You cannot reply to this advert: ")
    assert "DBS" in error["message"]
    assert count(app, NeedInterest) == 0
    assert count(app, OutboxMessage) == 0


def test_a_closed_advert_takes_no_interest(app, api_as, people, pas, advert):
    path = f"/api/v1/needs/{advert.id}/interest"
    client = api_as(pas.fits.user)
    client.post(path)
    client.delete(path)
    api_as(people.holder).post(f"/api/v1/needs/{advert.id}/close")
    response = client.post(path)
    assert response.status_code == 409
    assert "closed" in _check(response, path, "post")["error"]["message"]


def test_bad_interest_input_is_refused(app, api_as, pas, advert):
    path = f"/api/v1/needs/{advert.id}/interest"
    client = api_as(pas.fits.user)
    long = _check(client.post(path, json={"note": "x" * 1001}), path, "post")
    assert "1,000 characters or fewer" in long["error"]["fields"]["note"]
    typo = _check(client.post(path, json={"notes": "Hi"}), path, "post")
    assert typo["error"]["fields"]["notes"] == "This field is not recognised"
    assert count(app, NeedInterest) == 0


@pytest.mark.parametrize("who", ["far", "no profile", "holder"])
def test_interest_in_an_advert_one_cannot_see_is_404(app, api_as, people, pas, advert, who):
    with app.app_context():
        user = {
            "far": lambda: pas.far.user,
            "no profile": lambda: make_user(Role.PA),
            "holder": lambda: people.holder,
        }[who]()
    client = api_as(user)
    path = f"/api/v1/needs/{advert.id}/interest"
    assert _check(client.post(path), path, "post")["error"]["code"] == "not_found"
    assert client.delete(path).status_code == 404
    assert client.post(f"/api/v1/needs/{advert.id + 999}/interest").status_code == 404
    assert count(app, NeedInterest) == 0


def test_without_a_token_every_advert_endpoint_answers_401(client, advert):
    base = f"/api/v1/needs/{advert.id}"
    assert client.get("/api/v1/needs").status_code == 401
    assert client.post("/api/v1/needs", json=GOOD).status_code == 401
    assert client.get(base).status_code == 401
    assert client.post(f"{base}/close").status_code == 401
    assert client.get(f"{base}/matches").status_code == 401
    assert client.post(f"{base}/interest").status_code == 401
    assert client.delete(f"{base}/interest").status_code == 401
    assert client.get("/api/v1/pas/me/matching-needs").status_code == 401
