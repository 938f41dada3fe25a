"""Run calls at the same moment, each in its own thread and database session: how the tests
prove that the database settles races (conditional updates, unique constraints)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from marketplace.errors import DomainError
from marketplace.extensions import db


def race(app: Any, calls: list[Callable[[Session], Any]]) -> list[str]:
    """Each call's outcome, sorted: "ok", "conflict" (a 409 the person is told), or the repr of
    anything else (a bug the test's assertion shows)."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[Session], Any]) -> None:
        with app.app_context():
            session = Session(db.engine, expire_on_commit=False)
            try:
                barrier.wait()
                call(session)
                outcome = "ok"
            except DomainError as error:
                outcome = "conflict" if error.status_code == 409 else repr(error)
            except Exception as error:
                outcome = repr(error)
            finally:
                session.close()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)
