"""The package builder's pages: search the directory in place for one plan, add what is found
as lines, see the package's checks and suggested alternatives beside it, swap a line."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("builder", __name__)
