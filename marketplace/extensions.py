"""Flask extensions, created once and initialised in ``create_app``."""

from __future__ import annotations

import sqlite3
from typing import Any, cast

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session


class Base(DeclarativeBase):
    # Named constraints so Alembic migrations are stable on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)

# Ids are 32-bit integers in the database. Longer numbers never reach a query: PostgreSQL
# refuses to compare them (URLs are capped by the app's "int" converter, API bodies by their readers).
MAX_ID = 2**31 - 1

# Services take the request's session (Flask-SQLAlchemy's scoped proxy) or a plain Session.
DbSession = Session | scoped_session[Any]


def affected_rows(result: Result[Any]) -> int:
    """Rows changed by an UPDATE or DELETE: how conditional updates know they won."""
    return cast(CursorResult[Any], result).rowcount


migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite enforces foreign keys only when asked, per connection; WAL lets readers and a
    writer work at once."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def empty_all_tables() -> None:
    """Delete every row of every table (for tests and benchmarks, never the site): TRUNCATE on
    PostgreSQL, deletes in reverse dependency order on SQLite with the foreign keys deferred
    (organisations and users refer to each other). Needs an app context."""
    db.session.remove()
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for table in reversed(tables):
                connection.execute(table.delete())
