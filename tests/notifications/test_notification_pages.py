"""The notifications page: newest first, 50 a page, unread ones marked "New"; following one marks
it read and goes where it happened (only ever within this site); "Mark all as read"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.clock import utcnow
from marketplace.notifications.models import Notification
from marketplace.notifications.services import PAGE_SIZE
from marketplace.permissions import Role
from marketplace.urls import is_site_path
from tests.factories import make_user
from tests.needs.pages_world import client_for, forms_without_token, text


def _notes(session, user, count, *, read=False, link="/messages/1", start=0):
    """``count`` notifications for the user, numbered from ``start``, each a minute newer."""
    now = utcnow()
    rows = [
        Notification(
            user_id=user.id,
            kind="message",
            text=f"Note {n}",
            link=link,
            created_at=now - timedelta(minutes=1000 - n),
            read_at=now if read else None,
        )
        for n in range(start, start + count)
    ]
    session.add_all(rows)
    session.commit()
    return rows


def _shown(page: str) -> list[str]:
    return re.findall(r'href="/notifications/\d+">(Note \d+)</a>', page)


def _unread(session, user) -> int:
    session.expire_all()
    return len(
        session.scalars(
            select(Notification).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        ).all()
    )


def test_notifications_are_listed_newest_first_with_the_unread_ones_marked_new(app, session):
    user = make_user(Role.HOLDER)
    _notes(session, user, 2, read=True)
    _notes(session, user, 1, start=2)
    page = text(client_for(app, user).get("/notifications"))
    assert _shown(page) == ["Note 2", "Note 1", "Note 0"]
    assert page.count('govuk-tag--blue">New</strong>') == 1
    assert page.index(">New</strong>") < page.index("Note 2") < page.index("Note 1")
    assert "Notifications (1)" in page  # the navigation counts the unread one
    assert re.search(r"\d+ \w+ \d{4} at \d{1,2}:\d\d[ap]m", page)  # UK time


def test_notifications_come_fifty_a_page_with_pagination(app, session):
    user = make_user(Role.HOLDER)
    _notes(session, user, PAGE_SIZE + 5)
    client = client_for(app, user)
    first = text(client.get("/notifications"))
    assert _shown(first) == [f"Note {n}" for n in range(PAGE_SIZE + 4, 4, -1)]
    assert "govuk-pagination" in first and 'href="/notifications?page=2"' in first
    assert "Showing 1 to 50 of 55 notifications" in first
    second = text(client.get("/notifications?page=2"))
    assert _shown(second) == ["Note 4", "Note 3", "Note 2", "Note 1", "Note 0"]
    assert "(page 2 of 2)" in second and 'href="/notifications"' in second
    assert client.get("/notifications?page=3").status_code == 404
    assert client.get("/notifications?page=nonsense").status_code == 404


def test_following_a_notification_marks_it_read_and_goes_where_it_happened(app, session):
    user = make_user(Role.HOLDER)
    [note, other] = _notes(session, user, 2, link="/messages/7")
    client = client_for(app, user)
    response = client.get(f"/notifications/{note.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/messages/7"
    session.expire_all()
    assert session.get(Notification, note.id).read_at is not None
    assert session.get(Notification, other.id).read_at is None
    page = text(client.get("/notifications"))
    assert page.count(">New</strong>") == 1 and "Notifications (1)" in page
    first_read = session.get(Notification, note.id).read_at
    client.get(f"/notifications/{note.id}")  # again: still read, at the first time
    session.expire_all()
    assert session.get(Notification, note.id).read_at == first_read


@pytest.mark.parametrize(
    "link",
    ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_a_notification_never_sends_anyone_to_another_site(app, session, link):
    user = make_user(Role.HOLDER)
    [note] = _notes(session, user, 1, link=link)
    response = client_for(app, user).get(f"/notifications/{note.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert _unread(session, user) == 0
    assert not is_site_path(link)


def test_someone_elses_notification_is_not_found_and_stays_unread(app, session):
    owner, other = make_user(Role.HOLDER), make_user(Role.PA)
    [note] = _notes(session, owner, 1)
    client = client_for(app, other)
    assert client.get(f"/notifications/{note.id}").status_code == 404
    assert client.get("/notifications/999999").status_code == 404
    assert "Note 0" not in text(client.get("/notifications"))
    assert _unread(session, owner) == 1


def test_mark_all_as_read_marks_only_your_own(app, session):
    user, other = make_user(Role.HOLDER), make_user(Role.BROKER)
    _notes(session, user, 3)
    _notes(session, other, 2)
    client = client_for(app, user)
    response = client.post("/notifications/read")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    page = text(client.get("/notifications"))
    assert "3 notifications are marked as read." in page
    assert ">New</strong>" not in page and "Notifications (" not in page
    assert (_unread(session, user), _unread(session, other)) == (0, 2)
    client.post("/notifications/read")
    assert "You had no unread notifications." in text(client.get("/notifications"))


def test_mark_all_as_read_without_a_csrf_token_is_refused(app, session):
    user = make_user(Role.HOLDER)
    _notes(session, user, 2)
    client = client_for(app, user)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert forms_without_token(text(client.get("/notifications"))) == []
        assert client.post("/notifications/read").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _unread(session, user) == 2


def test_with_no_notifications_the_page_says_so(app, session):
    page = text(client_for(app, make_user(Role.PA)).get("/notifications"))
    assert "You have no notifications." in page
    assert "Mark all as read" not in page and "govuk-pagination" not in page


def test_signing_in_is_needed(app, session):
    user = make_user(Role.HOLDER)
    [note] = _notes(session, user, 1)
    client = client_for(app)
    for response in (
        client.get("/notifications"),
        client.get(f"/notifications/{note.id}"),
        client.post("/notifications/read"),
    ):
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert _unread(session, user) == 1
