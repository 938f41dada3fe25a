"""What every benchmark here needs: the app on an empty database it may fill and drop, and
percentiles of the timings it prints."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import inspect

from marketplace import create_app
from marketplace.extensions import db


@contextmanager
def empty_database(prefix: str) -> Iterator[None]:
    """An app context on ``DATABASE_URL`` (a throwaway SQLite file if unset) with the schema
    created, dropped again afterwards. A database that has tables already is refused: the
    benchmark would drop them."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app(
            {
                "APP_ENV": "test",
                "SQLALCHEMY_DATABASE_URI": url,
                "MAIL_DIR": str(Path(folder) / "mail"),
                "INDEX_DIR": str(Path(folder) / "index"),
            }
        )
        with app.app_context():
            if inspect(db.engine).get_table_names():
                sys.exit(
                    f"{url.split('@')[-1]} has tables already: give the benchmark an empty one"
                )
            db.create_all()
            try:
                yield
            finally:
                db.session.remove()
                db.drop_all()
                db.engine.dispose()
